import CSodium

/// Ed25519 signatures (RFC 8032) through libsodium's `crypto_sign`.
public enum Signing {
    /// Signature length in bytes.
    public static let signatureLength = 64
    /// Public key length in bytes.
    public static let publicKeyLength = 32
    /// Seed length in bytes.
    public static let seedLength = 32
    /// Length of libsodium's secret key form (seed followed by public key), in bytes.
    public static let secretKeyLength = 64

    /// An Ed25519 signing key. Its secret bytes live in `SecureBytes`.
    public struct PrivateKey: Sendable {
        private let secretKey: SecureBytes
        /// The matching public key.
        public let publicKey: PublicKey

        /// A fresh random key pair.
        public init() {
            SodiumRuntime.ensureInitialized()
            var pk = [UInt8](repeating: 0, count: 32)
            secretKey = SecureBytes(count: 64) { sk in
                _ = crypto_sign_keypair(&pk, sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            publicKey = PublicKey(trusted: pk)
        }

        /// The key pair derived from a 32-byte seed (RFC 8032's "private key").
        /// - Throws: `SodiumError.wrongLength` unless exactly 32 bytes.
        public init(seed: some Collection<UInt8>) throws(SodiumError) {
            let count = seed.count
            guard count == 32 else { throw .wrongLength(what: "Ed25519 seed", expected: 32, actual: count) }
            SodiumRuntime.ensureInitialized()
            var pk = [UInt8](repeating: 0, count: 32)
            secretKey = ByteInput.with(seed) { s, _ in
                SecureBytes(count: 64) { sk in
                    _ = crypto_sign_seed_keypair(&pk, sk.baseAddress!.assumingMemoryBound(to: UInt8.self), s)
                }
            }
            publicKey = PublicKey(trusted: pk)
        }

        /// Restores a key from libsodium's 64-byte secret key form (seed ‖ public key), as written
        /// by `crypto_sign_keypair` and PyNaCl's `SigningKey` internals.
        /// - Throws: `SodiumError.wrongLength` unless exactly 64 bytes; `.inconsistentKeyPair`
        ///   when the second half is not the public key derived from the first.
        public init(rawRepresentation: some Collection<UInt8>) throws(SodiumError) {
            let count = rawRepresentation.count
            guard count == 64 else { throw .wrongLength(what: "Ed25519 secret key", expected: 64, actual: count) }
            let given = SecureBytes(copying: rawRepresentation)
            let derived = given.withUnsafeBytes { raw in
                // Cannot throw: the seed is exactly 32 bytes.
                try? PrivateKey(seed: UnsafeRawBufferPointer(rebasing: raw[0..<32]))
            }
            guard let derived, derived.secretKey == given else { throw .inconsistentKeyPair }
            self = derived
        }

        /// The 32-byte seed, in secure memory.
        public var seed: SecureBytes { secretKey.copy(range: 0..<32) }

        /// libsodium's 64-byte secret key form (seed ‖ public key), in secure memory.
        public var rawRepresentation: SecureBytes { secretKey }

        /// The deterministic 64-byte Ed25519 signature of `message` (`crypto_sign_detached`).
        public func signature(for message: some Collection<UInt8>) -> [UInt8] {
            SodiumRuntime.ensureInitialized()
            return ByteInput.with(message) { m, n in
                ByteInput.output(count: 64) { sig in
                    _ = crypto_sign_detached(sig, nil, m, UInt64(n), secretKey.pointer)
                }
            }
        }
    }

    /// An Ed25519 verification key.
    public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
        /// The 32-byte encoding.
        public let rawRepresentation: [UInt8]

        init(trusted bytes: [UInt8]) { rawRepresentation = bytes }

        /// Decodes a 32-byte public key.
        /// - Throws: `SodiumError.wrongLength` unless exactly 32 bytes; `.invalidPublicKey` when the
        ///   bytes are not a canonical curve point of the prime-order subgroup (such keys, e.g.
        ///   small-order points, are never produced by honest key generation).
        public init(rawRepresentation: some Collection<UInt8>) throws(SodiumError) {
            let bytes = Array(rawRepresentation)
            guard bytes.count == 32 else { throw .wrongLength(what: "Ed25519 public key", expected: 32, actual: bytes.count) }
            SodiumRuntime.ensureInitialized()
            guard crypto_core_ed25519_is_valid_point(bytes) == 1 else { throw .invalidPublicKey }
            self.rawRepresentation = bytes
        }

        /// Whether `signature` is a valid Ed25519 signature of `message` under this key
        /// (`crypto_sign_verify_detached`, which rejects non-canonical S and small-order R).
        /// Any malformed signature, including one of the wrong length, gives `false`.
        public func isValidSignature(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
            ByteInput.with(signature) { sig, sigCount in
                guard sigCount == 64 else { return false }
                SodiumRuntime.ensureInitialized()
                return ByteInput.with(message) { m, n in
                    crypto_sign_verify_detached(sig, m, UInt64(n), rawRepresentation) == 0
                }
            }
        }

        /// Lowercase hex of the key.
        public var description: String { Hex.encode(rawRepresentation) }
    }
}
