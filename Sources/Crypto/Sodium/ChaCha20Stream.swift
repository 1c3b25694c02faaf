import CSodium

/// The ChaCha20 keystream (libsodium's `crypto_stream_chacha20`: the original construction with a
/// 64-bit nonce and a 64-bit block counter), used as a pseudo-random generator that expands a
/// 32-byte seed into as many bytes as needed.
public enum ChaCha20Stream {
    /// Key (seed) length in bytes.
    public static let keyLength = 32
    /// Nonce length in bytes (`crypto_stream_chacha20_NONCEBYTES`).
    public static let nonceLength = 8

    /// Fills `buffer` with the keystream of `key` under the 64-bit nonce `nonce` (little-endian),
    /// starting at block 0. The same key and nonce always give the same bytes.
    /// - Throws: `SodiumError.wrongLength` unless `key` holds exactly 32 bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer, key: SecureBytes, nonce: UInt64) throws(SodiumError) {
        guard key.count == keyLength else { throw .wrongLength(what: "ChaCha20 key", expected: keyLength, actual: key.count) }
        fillUnchecked(buffer, key: key.pointer, nonce: nonce)
    }

    /// `count` keystream bytes of `key` under `nonce` (see `fill(_:key:nonce:)`).
    /// - Throws: `SodiumError.wrongLength` unless `key` holds exactly 32 bytes.
    public static func keystream(count: Int, key: SecureBytes, nonce: UInt64 = 0) throws(SodiumError) -> [UInt8] {
        precondition(count >= 0, "count must not be negative")
        guard key.count == keyLength else { throw .wrongLength(what: "ChaCha20 key", expected: keyLength, actual: key.count) }
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { fillUnchecked($0, key: key.pointer, nonce: nonce) }
        return out
    }

    /// The same as `fill` for a key pointer already known to address 32 bytes.
    @inline(__always)
    package static func fillUnchecked(_ buffer: UnsafeMutableRawBufferPointer, key: UnsafePointer<UInt8>, nonce: UInt64) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        SodiumRuntime.ensureInitialized()
        var n = nonce.littleEndian
        withUnsafeBytes(of: &n) { nonceBytes in
            _ = crypto_stream_chacha20(base.assumingMemoryBound(to: UInt8.self), UInt64(buffer.count),
                                       nonceBytes.baseAddress!.assumingMemoryBound(to: UInt8.self), key)
        }
    }
}
