import ArgumentParser
import DataFiSodium
import Foundation

// Key files hold raw bytes in libsodium's formats, so libsodium and PyNaCl clients read them:
// signing keys are the 64-byte Ed25519 secret key (seed ‖ public key, `crypto_sign_keypair`;
// PyNaCl: `SigningKey(data[:32])`), box keys the 32-byte X25519 secret key (`crypto_box_keypair`;
// PyNaCl: `PrivateKey(data)`). Nothing else is accepted as a signing key: a 32-byte file (a box key, or a
// bare seed) is refused, so a key of one kind is never silently used as the other. Key files that group or
// others can read or write are refused (`chmod 600`).

/// The two kinds of key pair the tool makes.
enum FoundationKeyKind: String, ExpressibleByArgument, CaseIterable {
    case signing, box
}

enum FoundationIO {
    /// Decodes hex after trimming surrounding whitespace.
    static func hex(_ text: String, what: String) throws -> [UInt8] {
        do {
            return try Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw CLIError("\(what): \(error)")
        }
    }

    /// Reads a secret key file.
    static func secretKey(_ path: String) throws -> [UInt8] {
        [UInt8](try CLIIO.readSecret(path))
    }

    static func signingKey(_ path: String) throws -> Signing.PrivateKey {
        let bytes = try secretKey(path)
        do {
            guard bytes.count == Signing.secretKeyLength else {
                throw CLIError("signing key file \(path) must hold 64 bytes (the Ed25519 secret key "
                    + "`keys generate --kind signing` writes), found \(bytes.count)"
                    + (bytes.count == 32 ? " (a 32-byte file is a box key or a bare seed)" : ""))
            }
            return try Signing.PrivateKey(rawRepresentation: bytes)
        } catch let error as SodiumError {
            throw CLIError("signing key file \(path): \(error)")
        }
    }

    static func boxKey(_ path: String) throws -> Box.PrivateKey {
        let bytes = try secretKey(path)
        do {
            return try Box.PrivateKey(rawRepresentation: bytes)
        } catch {
            throw CLIError("box key file \(path): \(error)")
        }
    }
}

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Generate Ed25519 signing or X25519 box key pairs.",
        subcommands: [FoundationKeysGenerateCommand.self])
}

struct FoundationKeysGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a new secret key to a file (mode 0600) and print its public key as JSON.",
        discussion: "The file is written atomically; an existing file (or a symbolic link) is never replaced without --force (a link never).")

    @Option(help: "signing (Ed25519, 64-byte secret key) or box (X25519, 32-byte secret key).")
    var kind: FoundationKeyKind

    @Option(name: .customLong("secret-out"), help: "File for the raw secret key bytes.")
    var secretOut: String

    @Flag(help: "Replace an existing secret key file.")
    var force = false

    func run() throws {
        let secret: [UInt8]
        let publicKey: [UInt8]
        switch kind {
        case .signing:
            let key = Signing.PrivateKey()
            secret = key.rawRepresentation.withUnsafeBytes { Array($0) }
            publicKey = key.publicKey.rawRepresentation
        case .box:
            let key = Box.PrivateKey()
            secret = key.rawRepresentation.withUnsafeBytes { Array($0) }
            publicKey = key.publicKey.rawRepresentation
        }
        try CLIIO.write(Data(secret), to: secretOut, secret: true, force: force)
        try CLIIO.printJSON(["kind": kind.rawValue, "publicKey": Hex.encode(publicKey)])
    }
}

struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign", abstract: "Print the detached Ed25519 signature of the input as hex.",
        discussion: "Input: any bytes, at most 256 MiB. Key: the 64-byte file `keys generate --kind signing` writes, mode 0600 (a key readable by group or others is refused).")

    @Option(help: "Signing key file written by `keys generate --kind signing`.")
    var key: String

    @Option(name: .customLong("in"), help: "Input file (default: standard input).")
    var input: String?

    func run() throws {
        let signer = try FoundationIO.signingKey(key)
        let message = try CLIIO.read(input)
        print(Hex.encode(signer.signature(for: message)))
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check a detached Ed25519 signature: exit 0 when valid, 1 when not.",
        discussion: "A signature that is not 128 hex digits or a public key that is not 64 hex digits (a valid point) is malformed input: exit 2.")

    @Option(name: .customLong("public-key"), help: "Signer's Ed25519 public key (64 hex digits).")
    var publicKey: String

    @Option(help: "Signature (128 hex digits).")
    var signature: String

    @Option(name: .customLong("in"), help: "Input file (default: standard input).")
    var input: String?

    func run() throws {
        let keyBytes = try FoundationIO.hex(publicKey, what: "public key")
        let verifier: Signing.PublicKey
        do {
            verifier = try Signing.PublicKey(rawRepresentation: keyBytes)
        } catch {
            throw CLIError("public key: \(error)")
        }
        let signatureBytes = try FoundationIO.hex(signature, what: "signature")
        // A signature of the wrong length is malformed (exit 2), not a signature that fails to verify (exit 1).
        guard signatureBytes.count == 64 else {
            throw CLIError("signature: must be 64 bytes (128 hex digits), found \(signatureBytes.count)")
        }
        let message = try CLIIO.read(input)
        guard verifier.isValidSignature(signatureBytes, for: message) else {
            CLIIO.printError("invalid signature")
            throw ExitCode(1)
        }
        print("valid")
    }
}

struct SealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal", abstract: "Seal the input to an X25519 public key (libsodium sealed box); print hex.",
        discussion: "Input: any bytes, at most 256 MiB. --to: 64 hex digits.")

    @Option(help: "Recipient's X25519 public key (64 hex digits).")
    var to: String

    @Option(name: .customLong("in"), help: "Input file (default: standard input).")
    var input: String?

    func run() throws {
        let recipient: Box.PublicKey
        do {
            recipient = try Box.PublicKey(rawRepresentation: FoundationIO.hex(to, what: "public key"))
        } catch let error as SodiumError {
            throw CLIError("public key: \(error)")
        }
        let message = try CLIIO.read(input)
        do {
            print(Hex.encode(try SealedBox.seal(message, to: recipient)))
        } catch {
            throw CLIError("cannot seal: \(error)")
        }
    }
}

struct OpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open", abstract: "Open a hex sealed box with a box key file; print the plaintext.",
        discussion: "Input: the hex `seal` prints (surrounding whitespace ignored), at most 256 MiB. Key: the 32-byte file `keys generate --kind box` writes, mode 0600. A box that does not open exits 2.")

    @Option(help: "Box key file written by `keys generate --kind box`.")
    var key: String

    @Option(name: .customLong("in"), help: "File with the hex sealed box (default: standard input).")
    var input: String?

    func run() throws {
        let recipient = try FoundationIO.boxKey(key)
        let sealed = try FoundationIO.hex(try CLIIO.readText(input), what: "sealed box")
        do {
            try CLIIO.writeStdout(try SealedBox.open(sealed, with: recipient))
        } catch {
            throw CLIError("cannot open: \(error)")
        }
    }
}

struct HashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash", abstract: "Print the BLAKE2b-256 digest of the input as hex.",
        discussion: "Input: any bytes, at most 256 MiB.")

    @Option(name: .customLong("in"), help: "Input file (default: standard input).")
    var input: String?

    func run() throws {
        print(Hex.encode(BLAKE2b.hash256(try CLIIO.read(input))))
    }
}
