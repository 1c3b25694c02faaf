/// Why a DataFiSodium operation rejected its input.
public enum SodiumError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A key, seed, nonce, context or signature has the wrong number of bytes.
    case wrongLength(what: String, expected: Int, actual: Int)
    /// A length must lie in a range (digest and key sizes of BLAKE2b, subkey sizes).
    case lengthOutOfRange(what: String, allowed: ClosedRange<Int>, actual: Int)
    /// The bytes are not a valid Ed25519 public key (not a canonical point of the main subgroup).
    case invalidPublicKey
    /// A 64-byte Ed25519 secret key whose second half is not the public key of its seed.
    case inconsistentKeyPair
    /// X25519 produced the all-zero output: the peer's public key is a low-order point.
    case lowOrderPoint
    /// A ciphertext is shorter than its fixed overhead.
    case ciphertextTooShort(minimum: Int, actual: Int)
    /// Decryption failed: the ciphertext or associated data was modified, or the key is wrong.
    case authenticationFailed

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .wrongLength(let what, let expected, let actual):
            "\(what) must be \(expected) bytes, got \(actual)"
        case .lengthOutOfRange(let what, let allowed, let actual):
            "\(what) must be \(allowed.lowerBound)...\(allowed.upperBound) bytes, got \(actual)"
        case .invalidPublicKey: "not a valid Ed25519 public key"
        case .inconsistentKeyPair: "the secret key's public half does not match its seed"
        case .lowOrderPoint: "the peer public key is a low-order point"
        case .ciphertextTooShort(let minimum, let actual):
            "ciphertext too short: at least \(minimum) bytes expected, got \(actual)"
        case .authenticationFailed: "authentication failed: ciphertext tampered with or wrong key"
        }
    }
}

/// Helpers that hand byte collections to libsodium as non-null pointers.
package enum ByteInput {
    /// Calls `body` with a pointer to the bytes and their count, copying only when `bytes` is not
    /// contiguous. Empty input gets a valid non-null pointer.
    @inline(__always)
    package static func with<R>(_ bytes: some Collection<UInt8>, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        if let result = bytes.withContiguousStorageIfAvailable({ buffer in call(buffer, body) }) {
            return result
        }
        return Array(bytes).withUnsafeBufferPointer { call($0, body) }
    }

    @inline(__always)
    private static func call<R>(_ buffer: UnsafeBufferPointer<UInt8>, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        if let base = buffer.baseAddress, buffer.count > 0 { return body(base, buffer.count) }
        return withUnsafePointer(to: UInt8(0)) { body($0, 0) }
    }

    /// A new array of `count` bytes filled by `body`.
    @inline(__always)
    package static func output(count: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Swift.max(count, 1)) { buffer, initialized in
            buffer.initialize(repeating: 0)
            body(buffer.baseAddress!)
            initialized = count
        }
    }
}
