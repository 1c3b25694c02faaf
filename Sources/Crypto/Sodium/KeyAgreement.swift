import CSodium

/// X25519 (RFC 7748) keys. The same keys serve Diffie–Hellman key agreement and sealed boxes
/// (libsodium's `crypto_box` keys are X25519 keys); `Box.PrivateKey` and `Box.PublicKey` are
/// the same types under the names libsodium uses.
public enum KeyAgreement {
    /// Key length in bytes (private, public and shared secret).
    public static let keyLength = 32

    /// An X25519 private key; its bytes live in `SecureBytes`.
    public struct PrivateKey: Sendable {
        private let secret: SecureBytes
        /// The matching public key.
        public let publicKey: PublicKey

        /// A fresh random key pair (`crypto_box_keypair`).
        public init() {
            SodiumRuntime.ensureInitialized()
            var pk = [UInt8](repeating: 0, count: 32)
            secret = SecureBytes(count: 32) { sk in
                _ = crypto_box_keypair(&pk, sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            publicKey = PublicKey(trusted: pk)
        }

        /// Restores a private key from its 32 bytes (any 32 bytes are a valid X25519 key;
        /// libsodium clamps them when used).
        /// - Throws: `SodiumError.wrongLength` unless exactly 32 bytes.
        public init(rawRepresentation: some Collection<UInt8>) throws(SodiumError) {
            let count = rawRepresentation.count
            guard count == 32 else { throw .wrongLength(what: "X25519 private key", expected: 32, actual: count) }
            SodiumRuntime.ensureInitialized()
            let secret = SecureBytes(copying: rawRepresentation)
            var pk = [UInt8](repeating: 0, count: 32)
            _ = crypto_scalarmult_base(&pk, secret.pointer)
            self.secret = secret
            publicKey = PublicKey(trusted: pk)
        }

        /// The 32 private key bytes, in secure memory.
        public var rawRepresentation: SecureBytes { secret }

        package var secretPointer: UnsafePointer<UInt8> { secret.pointer }

        /// The raw X25519 shared secret with `peer` (`crypto_scalarmult`). Hash it together with
        /// both public keys (for example with `BLAKE2b`) before using it as a key.
        /// - Throws: `SodiumError.lowOrderPoint` when `peer` is a low-order point (the result
        ///   would be all zeros and carry no secret).
        public func sharedSecret(with peer: PublicKey) throws(SodiumError) -> SecureBytes {
            SodiumRuntime.ensureInitialized()
            var status: Int32 = 0
            let shared = SecureBytes(count: 32) { out in
                status = crypto_scalarmult(out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                           secret.pointer, peer.rawRepresentation)
            }
            guard status == 0 else { throw .lowOrderPoint }
            return shared
        }
    }

    /// An X25519 public key.
    public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
        /// The 32-byte encoding.
        public let rawRepresentation: [UInt8]

        init(trusted bytes: [UInt8]) { rawRepresentation = bytes }

        /// Wraps 32 bytes as a public key. Low-order points are accepted here and rejected when
        /// used (`sharedSecret(with:)`, `SealedBox.seal`).
        /// - Throws: `SodiumError.wrongLength` unless exactly 32 bytes.
        public init(rawRepresentation: some Collection<UInt8>) throws(SodiumError) {
            let bytes = Array(rawRepresentation)
            guard bytes.count == 32 else { throw .wrongLength(what: "X25519 public key", expected: 32, actual: bytes.count) }
            self.rawRepresentation = bytes
        }

        /// Hashes the key bytes in one call (the synthesized conformance feeds the hasher byte by
        /// byte, which dominates set and dictionary operations on keys).
        public func hash(into hasher: inout Hasher) {
            rawRepresentation.withUnsafeBytes { hasher.combine(bytes: $0) }
        }

        /// Lowercase hex of the key.
        public var description: String { Hex.encode(rawRepresentation) }
    }
}

/// libsodium's names for the X25519 keys used by `crypto_box` and sealed boxes.
public enum Box {
    /// An X25519 private key (`crypto_box_keypair`); the same type as `KeyAgreement.PrivateKey`.
    public typealias PrivateKey = KeyAgreement.PrivateKey
    /// An X25519 public key; the same type as `KeyAgreement.PublicKey`.
    public typealias PublicKey = KeyAgreement.PublicKey
}

/// Anonymous public-key encryption (`crypto_box_seal`): anyone with the recipient's X25519
/// public key can seal; only the private key opens. Format: ephemeral public key (32 bytes) ‖
/// XSalsa20-Poly1305 ciphertext ‖ tag (16 bytes), compatible with libsodium and PyNaCl's `SealedBox`.
public enum SealedBox {
    /// Bytes added to every message (ephemeral public key and tag).
    public static let overhead = 48

    /// Seals `message` to `recipient`.
    /// - Throws: `SodiumError.lowOrderPoint` when `recipient` is a low-order point.
    public static func seal(_ message: some Collection<UInt8>, to recipient: KeyAgreement.PublicKey) throws(SodiumError) -> [UInt8] {
        SodiumRuntime.ensureInitialized()
        var status: Int32 = 0
        let sealed = ByteInput.with(message) { m, n in
            ByteInput.output(count: n + overhead) { c in
                status = crypto_box_seal(c, m, UInt64(n), recipient.rawRepresentation)
            }
        }
        guard status == 0 else { throw .lowOrderPoint }
        return sealed
    }

    /// Opens a sealed box with the recipient's private key.
    /// - Throws: `SodiumError.ciphertextTooShort` when shorter than 48 bytes;
    ///   `.authenticationFailed` when it was modified, or sealed to another key.
    public static func open(_ sealed: some Collection<UInt8>, with key: KeyAgreement.PrivateKey) throws(SodiumError) -> [UInt8] {
        let count = sealed.count
        guard count >= overhead else { throw .ciphertextTooShort(minimum: overhead, actual: count) }
        SodiumRuntime.ensureInitialized()
        var status: Int32 = 0
        let opened = ByteInput.with(sealed) { c, n in
            ByteInput.output(count: n - overhead) { m in
                status = crypto_box_seal_open(m, c, UInt64(n), key.publicKey.rawRepresentation, key.secretPointer)
            }
        }
        guard status == 0 else { throw .authenticationFailed }
        return opened
    }
}
