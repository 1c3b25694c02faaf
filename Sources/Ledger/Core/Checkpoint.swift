import DataFiSodium
import Foundation

/// A C2SP signed note (c2sp.org/signed-note) with Ed25519 signatures: a text ending in a newline, a blank
/// line, and signature lines `— <key name> base64(key ID || signature)`.
public enum SignedNote {
    /// Largest note accepted, in bytes.
    public static let maxBytes = 64 * 1024
    /// Most signature lines accepted.
    public static let maxSignatures = 16

    /// The C2SP key ID of an Ed25519 key: the first four bytes of SHA-256(name || 0x0A || 0x01 || key).
    public static func keyID(name: String, publicKey: Signing.PublicKey) -> [UInt8] {
        Array(SHA256.hash(Array(name.utf8) + [0x0A, 0x01] + publicKey.rawRepresentation).prefix(4))
    }

    /// Whether `name` is a valid key name: non-empty, without spaces, `+` or control characters.
    public static func isValidKeyName(_ name: String) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains {
            $0.properties.isWhitespace || $0 == "+" || $0.value < 0x20 || $0.value == 0x7F
        }
    }

    /// Signs `text` (which must end in a newline) under `name`: returns the whole note.
    /// - Throws: ``LedgerError/malformedCheckpoint(_:)`` for an invalid text or key name.
    public static func sign(_ text: String, name: String, key: Signing.PrivateKey) throws(LedgerError) -> String {
        guard text.hasSuffix("\n"), !text.hasPrefix("\n"),
              !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) else {
            throw .malformedCheckpoint("note text must end in a newline and hold no control characters")
        }
        guard isValidKeyName(name) else { throw .malformedCheckpoint("invalid key name") }
        let signature = keyID(name: name, publicKey: key.publicKey) + key.signature(for: Array(text.utf8))
        return text + "\n— \(name) \(Data(signature).base64EncodedString())\n"
    }

    /// Opens a note: returns its text when a signature line by (`name`, `publicKey`) verifies. Signature
    /// lines of other keys are ignored; a failing signature of this key rejects the note.
    /// - Throws: ``LedgerError/malformedCheckpoint(_:)`` when the note is not a well-formed signed note;
    ///   ``LedgerError/badSignature`` when no signature of the key verifies.
    public static func open(_ note: String, name: String, publicKey: Signing.PublicKey) throws(LedgerError) -> String {
        let bytes = Array(note.utf8)
        guard bytes.count <= maxBytes else { throw .tooLarge(limit: maxBytes, actual: bytes.count) }
        guard !note.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) else {
            throw .malformedCheckpoint("control character")
        }
        guard note.hasSuffix("\n"), let split = note.range(of: "\n\n", options: .backwards) else {
            throw .malformedCheckpoint("no blank line before the signatures")
        }
        let text = String(note[..<split.lowerBound]) + "\n"
        let signatureBlock = note[split.upperBound...].dropLast()
        let lines = signatureBlock.split(separator: "\n", omittingEmptySubsequences: false)
        guard !lines.isEmpty, lines.count <= maxSignatures else { throw .malformedCheckpoint("signature lines") }
        let id = keyID(name: name, publicKey: publicKey)
        var verified = false
        for line in lines {
            guard line.hasPrefix("— ") else { throw .malformedCheckpoint("signature line without the em dash") }
            let parts = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, isValidKeyName(String(parts[0])),
                  let blob = Data(base64Encoded: String(parts[1])), blob.count >= 5 else {
                throw .malformedCheckpoint("malformed signature line")
            }
            guard String(parts[0]) == name, Array(blob.prefix(4)) == id else { continue }
            guard publicKey.isValidSignature(Array(blob.dropFirst(4)), for: Array(text.utf8)) else { throw .badSignature }
            verified = true
        }
        guard verified else { throw .badSignature }
        return text
    }
}

/// A C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the log's origin, its size and its root, plus one
/// extension line `datafi-state <base64 SHA-256>` with the hash of the state machine's canonical state
/// after `size` entries, so that two replicas agreeing on a checkpoint agree on the whole state.
public struct Checkpoint: Hashable, Sendable {
    /// The prefix of the state extension line.
    public static let stateLinePrefix = "datafi-state "

    /// The log's origin (also the operator key's name).
    public let origin: String
    /// Number of entries.
    public let size: UInt64
    /// RFC 9162 root of the first `size` entries.
    public let root: LogHash
    /// SHA-256 of the canonical state after `size` entries.
    public let stateHash: LogHash

    /// Creates a checkpoint.
    public init(origin: String, size: UInt64, root: LogHash, stateHash: LogHash) {
        self.origin = origin
        self.size = size
        self.root = root
        self.stateHash = stateHash
    }

    /// The note text: origin, size, base64 root, the state line, each ending in a newline.
    public var text: String {
        "\(origin)\n\(size)\n\(Data(root).base64EncodedString())\n"
            + "\(Self.stateLinePrefix)\(Data(stateHash).base64EncodedString())\n"
    }

    /// The signed note, signed by `key` under the origin as key name.
    /// - Throws: ``LedgerError/malformedCheckpoint(_:)`` for an origin that is not a valid key name.
    public func signed(with key: Signing.PrivateKey) throws(LedgerError) -> String {
        try SignedNote.sign(text, name: origin, key: key)
    }

    /// Parses a note text (already opened).
    /// - Throws: ``LedgerError/malformedCheckpoint(_:)``.
    public init(text: String) throws(LedgerError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 5, lines[4].isEmpty else { throw .malformedCheckpoint("expected four lines") }
        guard Envelope<Int>.isValidOrigin(String(lines[0])) else { throw .malformedCheckpoint("origin") }
        guard let size = UInt64(lines[1]), String(size) == lines[1] else { throw .malformedCheckpoint("tree size") }
        guard let root = Data(base64Encoded: String(lines[2])), root.count == 32,
              Data(root).base64EncodedString() == lines[2] else { throw .malformedCheckpoint("root hash") }
        guard lines[3].hasPrefix(Self.stateLinePrefix),
              let state = Data(base64Encoded: String(lines[3].dropFirst(Self.stateLinePrefix.count))), state.count == 32
        else { throw .malformedCheckpoint("state line") }
        self.init(origin: String(lines[0]), size: size, root: Array(root), stateHash: Array(state))
    }

    /// Opens and parses a signed checkpoint whose key name is its origin.
    /// - Throws: ``LedgerError/malformedCheckpoint(_:)``, ``LedgerError/badSignature``.
    public static func verify(note: String, publicKey: Signing.PublicKey) throws(LedgerError) -> Checkpoint {
        guard let firstLine = note.split(separator: "\n", maxSplits: 1).first else {
            throw .malformedCheckpoint("empty")
        }
        let text = try SignedNote.open(note, name: String(firstLine), publicKey: publicKey)
        return try Checkpoint(text: text)
    }
}
