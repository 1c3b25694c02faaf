import CSodium

/// Keys from passphrases with Argon2id v1.3 (`crypto_pwhash` with `crypto_pwhash_ALG_ARGON2ID13`),
/// the memory-hard function of RFC 9106 as libsodium implements it (one lane, no secret, no
/// associated data).
///
/// The cost is set by ``Parameters``: `operations` passes over `memoryBytes` of memory. A passphrase
/// with the same salt and parameters always gives the same key; a fresh random salt per stored item
/// (``saltLength`` bytes) keeps equal passphrases from giving equal keys.
public enum PasswordHashing {
    /// Salt length in bytes (`crypto_pwhash_argon2id_SALTBYTES`).
    public static let saltLength = 16
    /// Allowed derived key lengths in bytes.
    public static let keyLengths = 16...1024
    /// The longest passphrase accepted, in bytes.
    public static let maxPassphraseLength = 4096

    /// The Argon2id cost: number of passes and memory in bytes.
    public struct Parameters: Sendable, Hashable, CustomStringConvertible {
        /// Number of passes over memory (Argon2's t), at least 1.
        public let operations: UInt64
        /// Memory used, in bytes (Argon2's m, times 1024), at least 8 KiB.
        public let memoryBytes: UInt64

        /// The range of `operations` libsodium accepts for Argon2id.
        public static var operationsRange: ClosedRange<UInt64> {
            UInt64(crypto_pwhash_argon2id_opslimit_min())...UInt64(crypto_pwhash_argon2id_opslimit_max())
        }
        /// The range of `memoryBytes` accepted here: libsodium's minimum (8 KiB) up to 4 GiB.
        public static var memoryRange: ClosedRange<UInt64> {
            UInt64(crypto_pwhash_argon2id_memlimit_min())...(UInt64(4) << 30)
        }

        /// Parameters after checking them against ``operationsRange`` and ``memoryRange``.
        /// - Throws: `PasswordHashingError.operationsOutOfRange` or `.memoryOutOfRange`.
        public init(operations: UInt64, memoryBytes: UInt64) throws(PasswordHashingError) {
            guard Self.operationsRange.contains(operations) else {
                throw .operationsOutOfRange(operations, allowed: Self.operationsRange)
            }
            guard Self.memoryRange.contains(memoryBytes) else {
                throw .memoryOutOfRange(memoryBytes, allowed: Self.memoryRange)
            }
            self.operations = operations
            self.memoryBytes = memoryBytes
        }

        private init(trusted operations: Int, _ memoryBytes: Int) {
            self.operations = UInt64(operations)
            self.memoryBytes = UInt64(memoryBytes)
        }

        /// libsodium's interactive setting: 2 passes over 64 MiB (well under a second on a laptop).
        /// Meant for tests and for keys that are also protected otherwise; weaker against guessing.
        public static let interactive = Parameters(
            trusted: Int(crypto_pwhash_argon2id_opslimit_interactive()), Int(crypto_pwhash_argon2id_memlimit_interactive()))
        /// libsodium's moderate setting: 3 passes over 256 MiB.
        public static let moderate = Parameters(
            trusted: Int(crypto_pwhash_argon2id_opslimit_moderate()), Int(crypto_pwhash_argon2id_memlimit_moderate()))
        /// libsodium's sensitive setting: 4 passes over 1 GiB.
        public static let sensitive = Parameters(
            trusted: Int(crypto_pwhash_argon2id_opslimit_sensitive()), Int(crypto_pwhash_argon2id_memlimit_sensitive()))

        /// "t=…, m=… KiB".
        public var description: String { "Argon2id t=\(operations), m=\(memoryBytes / 1024) KiB" }
    }

    /// Derives `length` bytes from `passphrase` and `salt` with Argon2id.
    ///
    /// - Parameters:
    ///   - passphrase: the passphrase bytes (UTF-8 for text), 0 to ``maxPassphraseLength`` bytes.
    ///   - salt: exactly ``saltLength`` bytes, random per stored item.
    ///   - length: derived key length in bytes, in ``keyLengths``.
    ///   - parameters: the Argon2id cost (passes and memory).
    /// - Returns: the key, in secure memory.
    /// - Throws: `PasswordHashingError.wrongSaltLength`, `.keyLengthOutOfRange`, `.passphraseTooLong`,
    ///   or `.derivationFailed` when libsodium cannot allocate the memory the parameters ask for.
    public static func deriveKey(passphrase: SecureBytes, salt: some Collection<UInt8>, parameters: Parameters,
                                 length: Int = 32) throws(PasswordHashingError) -> SecureBytes {
        let saltBytes = Array(salt)
        guard saltBytes.count == saltLength else { throw .wrongSaltLength(saltBytes.count) }
        guard keyLengths.contains(length) else { throw .keyLengthOutOfRange(length, allowed: keyLengths) }
        guard passphrase.count <= maxPassphraseLength else { throw .passphraseTooLong(passphrase.count) }
        SodiumRuntime.ensureInitialized()
        var status: Int32 = 0
        let key = SecureBytes(count: length) { out in
            passphrase.withUnsafeBytes { pass in
                let passPointer = pass.baseAddress.map { $0.assumingMemoryBound(to: CChar.self) }
                withUnsafePointer(to: CChar(0)) { empty in
                    status = crypto_pwhash(out.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(length),
                                           passPointer ?? empty, UInt64(pass.count), saltBytes,
                                           parameters.operations, Int(parameters.memoryBytes),
                                           crypto_pwhash_argon2id_alg_argon2id13())
                }
            }
        }
        guard status == 0 else { throw .derivationFailed }
        return key
    }
}

/// Why ``PasswordHashing/deriveKey(passphrase:salt:parameters:length:)`` or its parameters were rejected.
public enum PasswordHashingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The salt is not ``PasswordHashing/saltLength`` bytes.
    case wrongSaltLength(Int)
    /// The derived key length is outside ``PasswordHashing/keyLengths``.
    case keyLengthOutOfRange(Int, allowed: ClosedRange<Int>)
    /// The passphrase is longer than ``PasswordHashing/maxPassphraseLength`` bytes.
    case passphraseTooLong(Int)
    /// The number of passes is outside the allowed range.
    case operationsOutOfRange(UInt64, allowed: ClosedRange<UInt64>)
    /// The memory cost (bytes) is outside the allowed range.
    case memoryOutOfRange(UInt64, allowed: ClosedRange<UInt64>)
    /// libsodium failed, in practice because it could not allocate the memory the parameters ask for.
    case derivationFailed

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .wrongSaltLength(let n): "Argon2id salt must be \(PasswordHashing.saltLength) bytes, got \(n)"
        case .keyLengthOutOfRange(let n, let allowed):
            "derived key length must be \(allowed.lowerBound)...\(allowed.upperBound) bytes, got \(n)"
        case .passphraseTooLong(let n): "passphrase longer than \(PasswordHashing.maxPassphraseLength) bytes (\(n))"
        case .operationsOutOfRange(let n, let allowed):
            "Argon2id passes must be \(allowed.lowerBound)...\(allowed.upperBound), got \(n)"
        case .memoryOutOfRange(let n, let allowed):
            "Argon2id memory must be \(allowed.lowerBound)...\(allowed.upperBound) bytes, got \(n)"
        case .derivationFailed: "Argon2id failed (not enough memory for the requested cost)"
        }
    }
}
