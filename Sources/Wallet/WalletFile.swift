import DataFiPrivacy
import DataFiRistretto
import DataFiSodium
import DataFiSupport
import DataFiZK
import Foundation

/// The wallet's file format: the whole wallet encrypted with XChaCha20-Poly1305 under a key derived
/// from the person's passphrase with Argon2id.
///
/// ```
/// offset size
/// 0      8    magic "DFWALLET"
/// 8      1    format version, 1
/// 9      1    key derivation, 2 = Argon2id v1.3 (crypto_pwhash_ALG_ARGON2ID13)
/// 10     8    Argon2id passes t, big-endian
/// 18     8    Argon2id memory in bytes, big-endian
/// 26     16   salt, random per wallet
/// 42     24   XChaCha20-Poly1305 nonce, random per write
/// 66     …    ciphertext of the contents, then the 16-byte Poly1305 tag
/// ```
///
/// The 42-byte header is the AEAD's associated data, so changing any byte of the file (header,
/// nonce, ciphertext or tag) makes decryption fail, exactly as a wrong passphrase does:
/// ``WalletError/wrongPassphraseOrTampered``. The contents are the 32-byte Ed25519 seed followed by
/// a JSON document with the records, consents (their canonical signed encodings), uses, survey
/// answers, budget and credentials with their openings.
///
/// The cost is chosen when the wallet is created and stored in the header: by default libsodium's
/// "moderate" (3 passes, 256 MiB); `PasswordHashing.Parameters.interactive` (2 passes, 64 MiB) only
/// when asked for explicitly (tests, constrained devices). A file asking for more than 10 passes or
/// 1 GiB is refused before any work, so a hostile file cannot exhaust memory.
///
/// While a wallet is open, the signing key and the derived file key stay in secure memory; record
/// documents and credential openings are ordinary memory.
public enum WalletFile {
    static let magic = Array("DFWALLET".utf8)
    static let version: UInt8 = 1
    static let algorithmArgon2id13: UInt8 = 2
    static let headerLength = 42
    /// The smallest valid file: header, nonce, seed and tag.
    static let minimumLength = headerLength + SecretBox.overhead + Signing.seedLength
    /// The largest wallet file accepted, in bytes.
    public static let maxFileBytes = 64 << 20
    /// The highest Argon2id cost a wallet file may ask for: 10 passes, 1 GiB.
    public static let maxOperations: UInt64 = 10
    /// The highest Argon2id memory a wallet file may ask for, in bytes (1 GiB).
    public static let maxMemoryBytes: UInt64 = 1 << 30

    /// The key that encrypts one wallet file: the passphrase through Argon2id with the file's salt.
    public struct Key: Sendable {
        /// The Argon2id cost.
        public let parameters: PasswordHashing.Parameters
        /// The wallet's salt.
        public let salt: [UInt8]
        let key: SecretBox.Key

        /// Derives a key for a new wallet with a fresh random salt.
        /// - Throws: `WalletError.emptyPassphrase`, `.passphraseTooLong`, `.keyDerivationCostOutOfRange`.
        public init(passphrase: SecureBytes, parameters: PasswordHashing.Parameters) throws(WalletError) {
            try self.init(passphrase: passphrase, parameters: parameters, salt: SecureRandom.bytes(count: PasswordHashing.saltLength))
        }

        init(passphrase: SecureBytes, parameters: PasswordHashing.Parameters, salt: [UInt8]) throws(WalletError) {
            guard passphrase.count > 0 else { throw .emptyPassphrase }
            guard passphrase.count <= PasswordHashing.maxPassphraseLength else { throw .passphraseTooLong(passphrase.count) }
            guard parameters.operations <= WalletFile.maxOperations, parameters.memoryBytes <= WalletFile.maxMemoryBytes else {
                throw .keyDerivationCostOutOfRange(operations: parameters.operations, memoryBytes: parameters.memoryBytes)
            }
            let derived: SecureBytes
            do {
                derived = try PasswordHashing.deriveKey(passphrase: passphrase, salt: salt, parameters: parameters)
            } catch {
                throw .keyDerivationCostOutOfRange(operations: parameters.operations, memoryBytes: parameters.memoryBytes)
            }
            guard let key = try? SecretBox.Key(derived) else { throw .unreadableContents }
            self.parameters = parameters
            self.salt = salt
            self.key = key
        }

        var header: [UInt8] {
            var w = CanonicalWriter()
            w.raw(WalletFile.magic)
            w.u8(WalletFile.version)
            w.u8(WalletFile.algorithmArgon2id13)
            w.u64(parameters.operations)
            w.u64(parameters.memoryBytes)
            w.raw(salt)
            return w.bytes
        }
    }

    /// Encrypts `wallet` under `key` with a fresh nonce.
    public static func seal(_ wallet: PersonalWallet, key: Key) -> [UInt8] {
        var plaintext = wallet.signingKey.seed.withUnsafeBytes { Array($0) } + WalletContents(wallet).encoded()
        defer { plaintext.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        let header = key.header
        return header + SecretBox.seal(plaintext, using: key.key, authenticating: header)
    }

    /// Reads the header of a wallet file and checks its bounds (no key derivation yet).
    static func parseHeader(_ bytes: [UInt8]) throws(WalletError) -> (PasswordHashing.Parameters, [UInt8]) {
        guard bytes.count <= maxFileBytes else { throw .fileTooLarge(limit: maxFileBytes, actual: bytes.count) }
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            if bytes.count < magic.count, magic.starts(with: bytes) {
                throw .truncatedFile(minimum: minimumLength, actual: bytes.count)
            }
            throw .notAWalletFile
        }
        guard bytes.count >= minimumLength else { throw .truncatedFile(minimum: minimumLength, actual: bytes.count) }
        var r = CanonicalReader(bytes[magic.count..<headerLength])
        guard let version = r.u8(), let algorithm = r.u8(), let ops = r.u64(), let mem = r.u64(),
              let salt = r.raw(PasswordHashing.saltLength) else { throw .truncatedFile(minimum: minimumLength, actual: bytes.count) }
        guard version == Self.version, algorithm == algorithmArgon2id13 else {
            throw .unsupportedFormat(version: version, algorithm: algorithm)
        }
        guard ops <= maxOperations, mem <= maxMemoryBytes,
              let parameters = try? PasswordHashing.Parameters(operations: ops, memoryBytes: mem) else {
            throw .keyDerivationCostOutOfRange(operations: ops, memoryBytes: mem)
        }
        return (parameters, salt)
    }

    /// Decrypts a wallet file with the passphrase.
    /// - Returns: the wallet and the file's key (to save it again without another key derivation).
    /// - Throws: `WalletError.notAWalletFile`, `.truncatedFile`, `.fileTooLarge`, `.unsupportedFormat`,
    ///   `.keyDerivationCostOutOfRange`, `.emptyPassphrase`, `.wrongPassphraseOrTampered`, `.unreadableContents`.
    public static func open(_ bytes: [UInt8], passphrase: SecureBytes) throws(WalletError) -> (PersonalWallet, Key) {
        let (parameters, salt) = try parseHeader(bytes)
        let key = try Key(passphrase: passphrase, parameters: parameters, salt: salt)
        let header = Array(bytes[0..<headerLength])
        var plaintext: [UInt8]
        do {
            plaintext = try SecretBox.open(bytes[headerLength...], using: key.key, authenticating: header)
        } catch {
            throw .wrongPassphraseOrTampered
        }
        defer { plaintext.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        guard plaintext.count >= Signing.seedLength,
              let signingKey = try? Signing.PrivateKey(seed: plaintext[0..<Signing.seedLength]) else {
            throw .unreadableContents
        }
        let contents = try WalletContents.decode(Array(plaintext[Signing.seedLength...]))
        return (try contents.wallet(signingKey: signingKey), key)
    }
}

/// A wallet file on disk: opens it with the passphrase, saves changes atomically (temporary file,
/// fsync, rename, mode 0600), so a crash leaves the previous wallet or the new one, never a mix.
public struct WalletStore: Sendable {
    /// The wallet file's path.
    public let path: String
    /// The file's key.
    public let key: WalletFile.Key

    /// Writes a new wallet file; refuses to replace an existing file.
    /// - Throws: `WalletError.alreadyExists`, `.emptyPassphrase`, `.passphraseTooLong`,
    ///   `.keyDerivationCostOutOfRange`, `.file`.
    public static func create(_ wallet: PersonalWallet, at path: String, passphrase: SecureBytes,
                              parameters: PasswordHashing.Parameters = .moderate) throws(WalletError) -> WalletStore {
        if FileManager.default.fileExists(atPath: path) { throw .alreadyExists(path: path) }
        let store = WalletStore(path: path, key: try WalletFile.Key(passphrase: passphrase, parameters: parameters))
        do {
            try AtomicFile.write(WalletFile.seal(wallet, key: store.key), to: path, mode: 0o600, overwrite: .refuse)
        } catch {
            if case .exists = error { throw .alreadyExists(path: path) }
            throw .file(error)
        }
        return store
    }

    /// Opens the wallet file at `path`.
    /// - Throws: `WalletError.notFound`, `.file`, and the errors of ``WalletFile/open(_:passphrase:)``.
    public static func open(at path: String, passphrase: SecureBytes) throws(WalletError) -> (WalletStore, PersonalWallet) {
        let bytes = try readFile(path)
        let (wallet, key) = try WalletFile.open(bytes, passphrase: passphrase)
        return (WalletStore(path: path, key: key), wallet)
    }

    /// Replaces the file with `wallet`, encrypted under the same key with a fresh nonce.
    /// - Throws: `WalletError.file` (the previous file is unchanged).
    public func save(_ wallet: PersonalWallet) throws(WalletError) {
        do {
            try AtomicFile.write(WalletFile.seal(wallet, key: key), to: path, mode: 0o600, overwrite: .replace)
        } catch {
            throw .file(error)
        }
    }

    static func readFile(_ path: String) throws(WalletError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .notFound(path: path) }
        guard !isDirectory.boolValue else { throw .file(.notRegularFile(path: path)) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .file(.io(path: path, operation: "open", errno: errno)) }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: WalletFile.maxFileBytes + 1) ?? Data()
        } catch {
            throw .file(.io(path: path, operation: "read", errno: errno))
        }
        guard data.count <= WalletFile.maxFileBytes else { throw .fileTooLarge(limit: WalletFile.maxFileBytes, actual: data.count) }
        return Array(data)
    }
}

/// The JSON part of the encrypted contents.
struct WalletContents: Codable {
    struct Record: Codable {
        var id: String
        var type: String
        var time: Int64
        var document: String
    }

    struct Credential: Codable {
        var credential: String
        var score: UInt32
        var blinding: String
    }

    var version = 1
    var created: Int64
    var epsilonBudget: Double
    var records: [Record]
    var consents: [String]
    var revocations: [String]
    var uses: [DataUse]
    var answers: [SurveyAnswer]
    var credentials: [Credential]

    init(_ wallet: PersonalWallet) {
        created = wallet.created
        epsilonBudget = wallet.privacyLedger.totalEpsilon
        records = wallet.records.map { Record(id: $0.id, type: $0.type, time: $0.time, document: String(decoding: $0.document, as: UTF8.self)) }
        consents = wallet.consents.grants.map { Hex.encode($0.bytes) }
        revocations = wallet.consents.revocations.map { Hex.encode($0.bytes) }
        uses = wallet.uses
        answers = wallet.answers
        credentials = wallet.credentials.map {
            Credential(credential: Hex.encode($0.credential.bytes), score: $0.opening.score, blinding: Hex.encode($0.opening.blinding.bytes))
        }
    }

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain strings, integers and finite doubles cannot fail.
        return (try? encoder.encode(self)).map(Array.init) ?? []
    }

    static func decode(_ bytes: [UInt8]) throws(WalletError) -> WalletContents {
        guard let contents = try? JSONDecoder().decode(WalletContents.self, from: Data(bytes)), contents.version == 1 else {
            throw .unreadableContents
        }
        return contents
    }

    /// Rebuilds the wallet, re-checking every signature, opening and the budget.
    func wallet(signingKey: Signing.PrivateKey) throws(WalletError) -> PersonalWallet {
        guard let ledger = try? PrivacyLedger(epsilon: epsilonBudget) else { throw .unreadableContents }
        var wallet = PersonalWallet(signingKey: signingKey, created: created, ledger: ledger)
        do {
            try wallet.restore(records: records.map {
                WalletRecord(id: $0.id, type: $0.type, time: $0.time, document: Array($0.document.utf8))
            }, grants: consents.map { hex throws(WalletError) in
                guard let bytes = try? Hex.decode(hex) else { throw .unreadableContents }
                return try ConsentGrant(bytes: bytes)
            }, revocations: revocations.map { hex throws(WalletError) in
                guard let bytes = try? Hex.decode(hex) else { throw .unreadableContents }
                return try ConsentRevocation(bytes: bytes)
            }, uses: uses, answers: answers, credentials: credentials.map { held throws(WalletError) in
                guard let bytes = try? Hex.decode(held.credential), let credential = try? CreditCredential(bytes: bytes),
                      let blindingBytes = try? Hex.decode(held.blinding, length: 32),
                      let blinding = try? Scalar(canonicalBytes: blindingBytes) else { throw .unreadableContents }
                return HeldCredential(credential: credential, opening: CredentialOpening(score: held.score, blinding: blinding))
            })
        } catch {
            throw .unreadableContents
        }
        return wallet
    }
}
