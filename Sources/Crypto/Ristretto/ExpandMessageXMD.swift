import CSodium
import DataFiSodium

/// `expand_message_xmd` of RFC 9380 section 5.3.1, instantiated with SHA-512.
public enum ExpandMessageXMD {
    /// Largest output: 255 blocks of 64 bytes.
    public static let maxLength = 255 * 64

    /// Expands `message` into `length` pseudorandom bytes under the domain separation tag `domain`.
    /// Tags longer than 255 bytes are first hashed as RFC 9380 section 5.3.3 prescribes.
    /// - Throws: `RistrettoError.outputLengthOutOfRange` unless `1 <= length <= 16320`.
    public static func sha512(_ message: some Collection<UInt8>, domain: some Collection<UInt8>,
                              length: Int) throws(RistrettoError) -> [UInt8] {
        guard length >= 1, length <= maxLength else { throw .outputLengthOutOfRange(length) }
        return sha512Unchecked(message, domain: Array(domain), length: length)
    }

    static func sha512Unchecked(_ message: some Collection<UInt8>, domain: [UInt8], length: Int) -> [UInt8] {
        precondition(length >= 1 && length <= maxLength)
        SodiumRuntime.ensureInitialized()
        var dst = domain
        if dst.count > 255 {
            var state = SHA512State()
            state.update(Array("H2C-OVERSIZE-DST-".utf8))
            state.update(dst)
            dst = state.finalize()
        }
        let dstPrime = dst + [UInt8(dst.count)]
        let blocks = (length + 63) / 64

        var state = SHA512State()
        state.update([UInt8](repeating: 0, count: 128))  // Z_pad: one SHA-512 input block
        withContiguousBytes(message) { state.update($0) }
        state.update([UInt8(length >> 8), UInt8(length & 0xff), 0])
        state.update(dstPrime)
        let b0 = state.finalize()

        var output: [UInt8] = []
        output.reserveCapacity(blocks * 64)
        var previous = [UInt8](repeating: 0, count: 64)
        for i in 1...blocks {
            var block = SHA512State()
            var input = b0
            for j in 0..<64 { input[j] ^= previous[j] }  // b0 XOR b(i-1); b(0) is treated as zeros
            block.update(input)
            block.update([UInt8(i)])
            block.update(dstPrime)
            previous = block.finalize()
            output.append(contentsOf: previous)
        }
        return Array(output.prefix(length))
    }
}

/// A minimal streaming SHA-512 over libsodium's `crypto_hash_sha512_*`.
struct SHA512State {
    private var state = crypto_hash_sha512_state()

    init() {
        SodiumRuntime.ensureInitialized()
        crypto_hash_sha512_init(&state)
    }

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        crypto_hash_sha512_update(&state, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
    }

    mutating func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        out.withUnsafeMutableBytes { buffer in
            _ = crypto_hash_sha512_final(&state, buffer.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return out
    }
}
