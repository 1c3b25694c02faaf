import CSodium

/// Authenticated secret-key encryption with XChaCha20-Poly1305
/// (`crypto_aead_xchacha20poly1305_ietf_*`) and a random 24-byte nonce per message.
/// Sealed format: nonce (24 bytes) ‖ ciphertext ‖ tag (16 bytes).
public enum SecretBox {
    /// Key length in bytes.
    public static let keyLength = 32
    /// Nonce length in bytes.
    public static let nonceLength = 24
    /// Tag length in bytes.
    public static let tagLength = 16
    /// Bytes added to every message (nonce and tag).
    public static let overhead = nonceLength + tagLength

    /// A 32-byte XChaCha20-Poly1305 key in secure memory.
    public struct Key: Sendable, Equatable {
        fileprivate let secret: SecureBytes

        /// A fresh random key.
        public init() {
            secret = SecureBytes(count: 32)
        }

        /// A key from 32 bytes.
        /// - Throws: `SodiumError.wrongLength` unless exactly 32 bytes.
        public init(rawRepresentation: some Collection<UInt8>) throws(SodiumError) {
            let count = rawRepresentation.count
            guard count == 32 else { throw .wrongLength(what: "secret box key", expected: 32, actual: count) }
            secret = SecureBytes(copying: rawRepresentation)
        }

        /// Wraps key bytes that are already in secure memory (for example a derived subkey).
        /// - Throws: `SodiumError.wrongLength` unless exactly 32 bytes.
        public init(_ bytes: SecureBytes) throws(SodiumError) {
            guard bytes.count == 32 else { throw .wrongLength(what: "secret box key", expected: 32, actual: bytes.count) }
            secret = bytes
        }

        /// The key bytes, in secure memory.
        public var rawRepresentation: SecureBytes { secret }
    }

    /// Encrypts and authenticates `plaintext` and authenticates `associatedData` (not encrypted,
    /// not included in the output) under a fresh random nonce.
    public static func seal(_ plaintext: some Collection<UInt8>, using key: Key,
                            authenticating associatedData: [UInt8] = []) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: nonceLength)
        nonce.withUnsafeMutableBytes { SecureRandom.fill($0) }
        return seal(plaintext, using: key, nonce: nonce, authenticating: associatedData)
    }

    /// Seals with a caller-chosen nonce, for known-answer tests. Never reuse a nonce with a key.
    package static func seal(_ plaintext: some Collection<UInt8>, using key: Key, nonce: [UInt8],
                             authenticating associatedData: [UInt8]) -> [UInt8] {
        seal(plaintext, keyPointer: key.secret.pointer, nonce: nonce, authenticating: associatedData)
    }

    /// `seal(_:using:authenticating:)` with a key addressed directly, for callers that keep many
    /// keys side by side in one secure allocation. `key` must address 32 bytes during the call.
    package static func seal(_ plaintext: some Collection<UInt8>, keyPointer key: UnsafePointer<UInt8>,
                             authenticating associatedData: [UInt8]) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: nonceLength)
        nonce.withUnsafeMutableBytes { SecureRandom.fill($0) }
        return seal(plaintext, keyPointer: key, nonce: nonce, authenticating: associatedData)
    }

    private static func seal(_ plaintext: some Collection<UInt8>, keyPointer key: UnsafePointer<UInt8>,
                             nonce: [UInt8], authenticating associatedData: [UInt8]) -> [UInt8] {
        precondition(nonce.count == nonceLength)
        SodiumRuntime.ensureInitialized()
        return ByteInput.with(plaintext) { m, n in
            ByteInput.with(associatedData) { ad, adCount in
                ByteInput.output(count: overhead + n) { out in
                    out.update(from: nonce, count: nonceLength)
                    _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                        out + nonceLength, nil, m, UInt64(n), adCount == 0 ? nil : ad, UInt64(adCount),
                        nil, nonce, key)
                }
            }
        }
    }

    /// Verifies and decrypts `sealed` (nonce ‖ ciphertext ‖ tag) with the same associated data.
    /// - Throws: `SodiumError.ciphertextTooShort` when shorter than 40 bytes;
    ///   `.authenticationFailed` when any byte, the associated data or the key differs.
    public static func open(_ sealed: some Collection<UInt8>, using key: Key,
                            authenticating associatedData: [UInt8] = []) throws(SodiumError) -> [UInt8] {
        try open(sealed, keyPointer: key.secret.pointer, authenticating: associatedData)
    }

    /// `open(_:using:authenticating:)` with a key addressed directly (see
    /// `seal(_:keyPointer:authenticating:)`). `key` must address 32 bytes during the call.
    package static func open(_ sealed: some Collection<UInt8>, keyPointer key: UnsafePointer<UInt8>,
                             authenticating associatedData: [UInt8]) throws(SodiumError) -> [UInt8] {
        let count = sealed.count
        guard count >= overhead else { throw .ciphertextTooShort(minimum: overhead, actual: count) }
        SodiumRuntime.ensureInitialized()
        var status: Int32 = 0
        let opened = ByteInput.with(sealed) { c, n in
            ByteInput.with(associatedData) { ad, adCount in
                ByteInput.output(count: n - overhead) { m in
                    status = crypto_aead_xchacha20poly1305_ietf_decrypt(
                        m, nil, nil, c + nonceLength, UInt64(n - nonceLength),
                        adCount == 0 ? nil : ad, UInt64(adCount), c, key)
                }
            }
        }
        guard status == 0 else { throw .authenticationFailed }
        return opened
    }
}
