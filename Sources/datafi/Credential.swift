import ArgumentParser
import DataFiRistretto
import DataFiSodium
import DataFiWallet
import DataFiZK
import Foundation

/// JSON forms of CreditMe credentials and presentations.
enum CredentialJSON {
    static let credentialFormat = "datafi-creditme-credential-v1"
    static let presentationFormat = "datafi-creditme-presentation-v1"

    static func object(_ credential: CreditCredential) -> [String: Any] {
        ["commitment": Hex.encode(credential.commitment.bytes), "holder": Hex.encode(credential.holder.rawRepresentation),
         "scorer": Hex.encode(credential.scorer.rawRepresentation), "model": credential.modelID,
         "expires": credential.expires, "score_bits": CreditCredential.scoreBits,
         "signature": Hex.encode(credential.signature)]
    }

    static func field<T>(_ object: [String: Any], _ key: String, in what: String) throws -> T {
        guard let value = object[key] as? T else { throw CLIError("\(what): missing or mistyped \"\(key)\"") }
        return value
    }

    static func hex(_ object: [String: Any], _ key: String, length: Int? = nil, in what: String) throws -> [UInt8] {
        let text: String = try field(object, key, in: what)
        do { return try Hex.decode(text, length: length) } catch { throw CLIError("\(what): \"\(key)\": \(error)") }
    }

    static func integer(_ object: [String: Any], _ key: String, in what: String) throws -> Int64? {
        guard let raw = object[key] else { return nil }
        guard !(raw is Bool), !(raw is String), let value = raw as? Int64 else {
            throw CLIError("\(what): \"\(key)\" must be an integer")
        }
        return value
    }

    static func credential(_ object: [String: Any]) throws -> CreditCredential {
        let what = "credential"
        if let bits = try integer(object, "score_bits", in: what), bits != Int64(CreditCredential.scoreBits) {
            throw CLIError("credential: score_bits must be \(CreditCredential.scoreBits)")
        }
        let commitmentBytes = try hex(object, "commitment", length: 32, in: what)
        let holderBytes = try hex(object, "holder", length: 32, in: what)
        let scorerBytes = try hex(object, "scorer", length: 32, in: what)
        let signature = try hex(object, "signature", length: 64, in: what)
        let model: String = try field(object, "model", in: what)
        guard let expires = try integer(object, "expires", in: what) else { throw CLIError("credential: missing \"expires\"") }
        do {
            return try CreditCredential(commitment: try PedersenCommitment(bytes: commitmentBytes),
                                        holder: try Signing.PublicKey(rawRepresentation: holderBytes),
                                        scorer: try Signing.PublicKey(rawRepresentation: scorerBytes),
                                        modelID: model, expires: expires, signature: signature)
        } catch let error as CustomStringConvertible {
            throw CLIError("credential: \(error.description)")
        }
    }

    static func read(_ path: String, format: String) throws -> [String: Any] {
        let data = try CLIIO.read(path)
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw CLIError("\(path) is not a JSON object")
        }
        guard object["format"] as? String == format else { throw CLIError("\(path): \"format\" must be \"\(format)\"") }
        return object
    }

    static func bound(_ text: String?, option: String) throws -> UInt32? {
        guard let text else { return nil }
        guard let value = UInt32(text) else { throw CLIError("\(option) must be an integer in 0...\(UInt32.max)") }
        return value
    }

    static func challenge(_ text: String) throws -> [UInt8] {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(text) } catch { throw CLIError("--challenge: \(error)") }
        guard CreditPresentation.challengeLengths.contains(bytes.count) else {
            throw CLIError("--challenge must be 16-64 bytes of hex, got \(bytes.count)")
        }
        return bytes
    }
}

struct CredentialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential",
        abstract: "CreditMe: prove a committed credit score is above (or below) a threshold without showing it.",
        discussion: """
        A scorer issues a credential (a signed Pedersen commitment to an integer score in \
        0...4294967295) to a holder's wallet key. The holder proves "score ≥ T" and/or "score ≤ U" to a \
        verifier with a Bulletproofs range proof bound to the verifier's challenge and signed with the \
        wallet key. The verifier learns the bounds, the scorer, the model and the expiry, not the score.
        """,
        subcommands: [CredentialIssueCommand.self, CredentialChallengeCommand.self, CredentialProveCommand.self,
                      CredentialVerifyCommand.self])
}

struct CredentialIssueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Scorer: issue a credential; the file holds the secret opening for the holder (mode 0600).")

    @Option(help: "Scorer's Ed25519 signing key file (from `keys generate --kind signing`).") var scorerKey: String
    @Option(help: "Holder's wallet public key (hex, from `wallet init`).") var holder: String
    @Option(help: "The score, an integer in 0...4294967295.") var score: String
    @Option(help: "Score model identifier.") var model: String
    @Option(help: "Expiry: Unix seconds or ISO 8601.") var expires: String
    @Option(help: "Output credential file (written mode 0600: it holds the opening).") var out: String
    @Flag(help: "Replace an existing output file.") var force = false

    func run() throws {
        let scorer = try FoundationIO.signingKey(scorerKey)
        let holderKey: Signing.PublicKey
        do { holderKey = try Signing.PublicKey(rawRepresentation: try Hex.decode(holder, length: 32)) } catch {
            throw CLIError("--holder: \(error)")
        }
        guard let value = UInt32(score) else { throw CLIError("--score must be an integer in 0...\(UInt32.max)") }
        let until = try WalletCLI.time(expires, option: "--expires")
        let credential: CreditCredential, opening: CredentialOpening
        do {
            (credential, opening) = try CreditCredential.issue(score: value, holder: holderKey, modelID: model, expires: until,
                                                               scorer: scorer)
        } catch {
            throw CLIError(error.description)
        }
        let object: [String: Any] = [
            "format": CredentialJSON.credentialFormat,
            "credential": CredentialJSON.object(credential),
            "opening": ["score": Int64(opening.score), "blinding": Hex.encode(opening.blinding.bytes)] as [String: Any],
        ]
        try CLIIO.write(try WalletCLI.json(object), to: out, secret: true, force: force, inputs: [scorerKey])
        try CLIIO.printJSON(["commitment": Hex.encode(credential.commitment.bytes), "expires": credential.expires])
    }
}

struct CredentialChallengeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "challenge", abstract: "Verifier: print a fresh random 32-byte challenge as hex.")

    func run() throws {
        print(Hex.encode(CreditPresentation.makeChallenge()))
    }
}

struct CredentialProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove", abstract: "Holder: prove bounds on the credential's score for one verifier's challenge.")

    @Option(help: "The holder's wallet file (its key signs the proof).") var wallet: String
    @Option(help: "Credential file from `credential issue`.") var credential: String
    @Option(help: "Prove score ≥ this.") var atLeast: String?
    @Option(help: "Prove score ≤ this.") var atMost: String?
    @Option(help: "The verifier's challenge (16-64 bytes of hex).") var challenge: String
    @Option(help: "Output proof file (default: stdout).") var out: String?
    @Option(help: "Current time (default: now); an expired credential is refused.") var now: String?

    func run() throws {
        let lower = try CredentialJSON.bound(atLeast, option: "--at-least")
        let upper = try CredentialJSON.bound(atMost, option: "--at-most")
        let statement: ScoreStatement
        do { statement = try ScoreStatement(atLeast: lower, atMost: upper) } catch {
            throw CLIError("give --at-least and/or --at-most (lower ≤ upper)")
        }
        let challengeBytes = try CredentialJSON.challenge(challenge)
        let file = try CredentialJSON.read(credential, format: CredentialJSON.credentialFormat)
        guard let credentialObject = file["credential"] as? [String: Any], let openingObject = file["opening"] as? [String: Any] else {
            throw CLIError("\(credential): needs \"credential\" and \"opening\" objects")
        }
        let parsed = try CredentialJSON.credential(credentialObject)
        guard let scoreValue = try CredentialJSON.integer(openingObject, "score", in: "opening"),
              let score = UInt32(exactly: scoreValue) else { throw CLIError("opening: \"score\" must be in 0...\(UInt32.max)") }
        let blindingBytes = try CredentialJSON.hex(openingObject, "blinding", length: 32, in: "opening")
        guard let blinding = try? Scalar(canonicalBytes: blindingBytes) else { throw CLIError("opening: blinding is not a canonical scalar") }
        let when = try now.map { try WalletCLI.time($0, option: "--now") } ?? WalletCLI.now
        let (_, person) = try WalletCLI.open(wallet)
        let presentation: CreditPresentation
        do {
            presentation = try person.present(parsed, opening: CredentialOpening(score: score, blinding: blinding),
                                              statement: statement, challenge: challengeBytes, now: when)
        } catch {
            throw CLIError(error.description)
        }
        var object: [String: Any] = [
            "format": CredentialJSON.presentationFormat,
            "credential": CredentialJSON.object(parsed),
            "range_proof": Hex.encode(presentation.rangeProof.bytes),
            "holder_signature": Hex.encode(presentation.holderSignature),
        ]
        if let lower { object["at_least"] = Int64(lower) }
        if let upper { object["at_most"] = Int64(upper) }
        let data = try WalletCLI.json(object)
        if let out {
            try CLIIO.write(data, to: out, inputs: [wallet, credential])
        } else {
            try CLIIO.writeStdout(data)
        }
    }
}

struct CredentialVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verifier: check a proof; exit 0 valid (prints the claim), 1 invalid, 2 malformed.")

    @Option(help: "Proof file from `credential prove` (default: stdin).") var proof: String?
    @Option(help: "The scorer's public key the verifier trusts (hex).") var scorer: String
    @Option(help: "The challenge this verifier sent (hex).") var challenge: String
    @Option(help: "Current time (default: now).") var now: String?

    func run() throws {
        let trusted: Signing.PublicKey
        do { trusted = try Signing.PublicKey(rawRepresentation: try Hex.decode(scorer, length: 32)) } catch {
            throw CLIError("--scorer: \(error)")
        }
        let challengeBytes = try CredentialJSON.challenge(challenge)
        let when = try now.map { try WalletCLI.time($0, option: "--now") } ?? WalletCLI.now
        let object = try CredentialJSON.read(proof ?? "-", format: CredentialJSON.presentationFormat)
        guard let credentialObject = object["credential"] as? [String: Any] else { throw CLIError("proof: missing \"credential\"") }
        let credential = try CredentialJSON.credential(credentialObject)
        func bound(_ key: String) throws -> UInt32? {
            guard let value = try CredentialJSON.integer(object, key, in: "proof") else { return nil }
            guard let narrow = UInt32(exactly: value) else { throw CLIError("proof: \"\(key)\" must be in 0...\(UInt32.max)") }
            return narrow
        }
        let statement: ScoreStatement
        do { statement = try ScoreStatement(atLeast: try bound("at_least"), atMost: try bound("at_most")) } catch let error as CredentialError {
            throw CLIError("proof: \(error.description)")
        }
        let proofBytes = try CredentialJSON.hex(object, "range_proof", in: "proof")
        let signature = try CredentialJSON.hex(object, "holder_signature", length: 64, in: "proof")
        let rangeProof: RangeProof
        do { rangeProof = try CreditPresentation.decodeProof(proofBytes, statement: statement) } catch {
            throw CLIError("proof: \(error.description)")
        }
        let presentation = CreditPresentation(credential: credential, statement: statement, rangeProof: rangeProof,
                                              holderSignature: signature)
        let claim: VerifiedClaim
        do {
            claim = try presentation.verify(scorer: trusted, challenge: challengeBytes, now: when)
        } catch {
            if error.isMalformed { throw CLIError(error.description) }
            CLIIO.printError("invalid: \(error.description)")
            throw ExitCode(CLIExit.negative)
        }
        var result: [String: Any] = [
            "scorer": Hex.encode(claim.scorer.rawRepresentation), "expires": claim.expires, "model": claim.modelID,
            "holder": Hex.encode(claim.holder.rawRepresentation),
        ]
        if let lower = claim.statement.lower { result["at_least"] = Int64(lower) }
        if let upper = claim.statement.upper { result["at_most"] = Int64(upper) }
        try CLIIO.printJSON(result)
    }
}
