import ArgumentParser
import DataFiLedger
import DataFiLedgerConsent
import DataFiLedgerSQLite
import DataFiSodium
import DataFiWallet
import Foundation

/// `datafi consent …`: a ledger of signed consent grants and revocations, and the check a data user runs
/// against it. People record their consents with `datafi wallet consent record`.
struct ConsentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "A consent ledger: record-keeping of signed grants and revocations, checks with inclusion proofs.",
        discussion: """
            The store is a SQLite ledger (as for `datafi ledger`) whose state machine holds consent: a grant is \
            recorded only when the envelope is signed by the grant's person, a revocation only for a recorded \
            grant of the same person. Refused transactions are logged with their code and change nothing.
            """,
        subcommands: [ConsentInitCommand.self, ConsentSubmitCommand.self, ConsentCheckCommand.self,
                      ConsentVerifyCommand.self])
}

enum ConsentCLI {
    static func open(_ path: String) throws -> ConsentLedger<SQLiteLedgerStore> {
        do {
            return try ConsentLedger(opening: try SQLiteLedgerStore(path: path, create: false))
        } catch {
            throw LedgerCLI.cliError(error, context: "cannot open consent ledger \(path)")
        }
    }

    static func publicKey(_ hex: String, what: String) throws -> Signing.PublicKey {
        do { return try Signing.PublicKey(rawRepresentation: try FoundationIO.hex(hex, what: what)) } catch {
            throw CLIError("\(what) must be 32 bytes of hex")
        }
    }

    /// The operator key recorded by `consent init`, or the one given.
    static func operatorKey(_ path: String?, ledger: ConsentLedger<SQLiteLedgerStore>) -> Signing.PrivateKey? {
        var keyPath = path
        if keyPath == nil {
            keyPath = (try? ledger.store.value(forKey: LedgerCLI.operatorKeyPathKey))?.flatMap { String(bytes: $0, encoding: .utf8) }
        }
        return keyPath.flatMap { try? FoundationIO.signingKey($0) }
    }

    /// The receipt line of one submitted envelope.
    static func receipt(_ result: SubmitResult, extra: [(String, JSONValue)] = []) -> JSONValue {
        switch result {
        case .logged(let index, let hash, let outcome):
            var members: [(String, JSONValue)] = [("index", LedgerCLI.int(index)), ("leaf_hash", .string(LedgerCLI.b64(hash))),
                                                  ("status", .string(outcome == .applied ? "applied" : "refused"))]
            if let code = outcome.errorCode { members.append(("error", .string(code))) }
            return .object(members + extra)
        case .rejected(let error):
            return .object([("rejected", .string(error.code)), ("message", .string(error.description))])
        }
    }

    /// The grant `id` of the wallet, as a transaction recording it or, with `revocation`, its revocation.
    static func transaction(_ person: PersonalWallet, id: String, revocation: Bool) throws -> (ConsentGrant, ConsentTransaction) {
        guard let grant = person.consents.grants.first(where: { $0.idHex == id.lowercased() }) else {
            throw CLIError("no consent grant \(id) in the wallet")
        }
        guard revocation else { return (grant, .record(grant)) }
        guard let revoked = person.consents.revocation(of: grant) else {
            throw CLIError("consent \(grant.idHex) is not revoked in the wallet (run `wallet consent revoke` first)")
        }
        return (grant, .record(revoked))
    }

    static func subjectFields(_ subject: ConsentSubject) -> [(String, JSONValue)] {
        [("subject_kind", .string(subject.kindByte == 1 ? "dataset" : "requester")), ("subject", .string(subject.name))]
    }
}

struct ConsentInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a consent ledger store; create the operator's Ed25519 key (mode 0600) if its file does not exist.")

    @Option(help: "The SQLite file to create (refused if it exists).") var store: String
    @Option(help: "The ledger's origin, e.g. example.com/consent (also the checkpoint key name).") var origin: String
    @Option(name: .customLong("operator-key"), help: "Operator signing key file (created if missing).")
    var operatorKey: String
    @Option(name: .customLong("snapshot-interval"), help: "Store a state snapshot every this many entries.",
            transform: StrictArgument.uint64)
    var snapshotInterval: UInt64 = 1000

    func run() throws {
        guard Envelope<ConsentTransaction>.isValidOrigin(origin) else {
            throw CLIError("origin must be 1-255 printable ASCII characters without spaces or '+'")
        }
        guard snapshotInterval >= 1 else { throw CLIError("--snapshot-interval must be at least 1") }
        guard !FileManager.default.fileExists(atPath: store) else { throw CLIError("store \(store) already exists") }
        let key: Signing.PrivateKey
        if FileManager.default.fileExists(atPath: operatorKey) {
            key = try FoundationIO.signingKey(operatorKey)
        } else {
            key = Signing.PrivateKey()
            try CLIIO.write(Data(key.rawRepresentation.withUnsafeBytes { Array($0) }), to: operatorKey, secret: true)
        }
        do {
            let sqlite = try SQLiteLedgerStore(path: store, create: true)
            _ = try ConsentLedger.create(in: sqlite, origin: origin, operatorKey: key.publicKey, genesis: ConsentMachine(),
                                         snapshotInterval: snapshotInterval)
            let absolute = URL(fileURLWithPath: operatorKey).standardizedFileURL.path
            try sqlite.setValue(Array(absolute.utf8), forKey: LedgerCLI.operatorKeyPathKey)
        } catch {
            throw LedgerCLI.cliError(error, context: "cannot create the consent ledger")
        }
        try LedgerCLI.printLine(.object([("origin", .string(origin)),
                                         ("operatorKey", .string(Hex.encode(key.publicKey.rawRepresentation))),
                                         ("store", .string(store))]))
    }
}

struct ConsentSubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit consent envelopes (JSON lines, e.g. from `wallet consent envelope`); print one receipt per line.",
        discussion: """
            All lines are checked, applied and committed as one batch. Receipts: \
            {"index":N,"leaf_hash":B64,"status":"applied"|"refused","error":CODE} for a logged envelope \
            ("error" only when refused), {"rejected":CODE,"message":TEXT} for one refused before logging.
            """)

    @Option(help: "The SQLite store.") var store: String
    @Option(name: .customLong("in"), help: "Envelopes, one JSON per line (default: standard input).") var input: String?
    @Option(help: "Ledger time in seconds since 1970 (default: the clock).", transform: StrictArgument.uint64)
    var time: UInt64?

    func run() throws {
        let data = try CLIIO.read(input)
        var ledger = try ConsentCLI.open(store)
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false).map { line -> [UInt8] in
            var bytes = Array(line)
            if bytes.last == 0x0D { bytes.removeLast() }
            return bytes
        }
        if lines.last?.isEmpty == true { lines.removeLast() }
        let parsed = lines.map { line -> Result<Envelope<ConsentTransaction>, LedgerError> in
            do throws(LedgerError) { return .success(try Envelope<ConsentTransaction>(json: line)) } catch { return .failure(error) }
        }
        let envelopes = parsed.compactMap { try? $0.get() }
        let results: [SubmitResult]
        do {
            results = try ledger.submit(envelopes, at: time ?? LedgerCLI.now())
        } catch {
            throw LedgerCLI.cliError(error, context: "batch not logged")
        }
        var out: [UInt8] = []
        var next = results.makeIterator()
        for item in parsed {
            let result: SubmitResult
            switch item {
            case .failure(let error): result = .rejected(error)
            case .success: result = next.next() ?? .rejected(.missing("result"))
            }
            out += CanonicalJSON.serialize(ConsentCLI.receipt(result)) + [0x0A]
        }
        try CLIIO.writeStdout(out)
    }
}

struct ConsentCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Before a data use: exit 0 when a valid, unrevoked, unexpired recorded grant allows it, 1 when not.",
        discussion: """
            When allowed, prints a receipt: the grant, its log entry, the entry's inclusion proof and the \
            checkpoint signed by the operator (null when no operator key is at hand); `consent verify` checks \
            it offline. When not, prints {"allowed":false,"reason":CODE,"message":TEXT}.
            """)

    @Option(help: "The SQLite store.") var store: String
    @Option(help: "The person's Ed25519 public key, hex (as `wallet init` printed it).") var person: String
    @OptionGroup var subject: ConsentSubjectOptions
    @Option(help: "Purpose of the use.") var purpose: String
    @Option(help: "Time of the use (default: now).") var at: String?
    @Option(name: .customLong("operator-key"), help: "Operator key file (default: the one recorded by init).")
    var operatorKey: String?
    @Option(help: "Also write the receipt to this file.") var out: String?

    func run() throws {
        let subject = try subject.subject()
        let personKey = try ConsentCLI.publicKey(person, what: "--person")
        let when = try at.map { try WalletCLI.time($0, option: "--at") } ?? WalletCLI.now
        let ledger = try ConsentCLI.open(store)
        let verdict: ConsentVerdict
        do { verdict = try ledger.checkConsent(person: personKey, subject: subject, purpose: purpose, at: when) } catch {
            throw LedgerCLI.cliError(error)
        }
        let common: [(String, JSONValue)] = [("person", .string(Hex.encode(personKey.rawRepresentation))),
                                             ("purpose", .string(purpose)), ("at", .number(String(when)))]
            + ConsentCLI.subjectFields(subject)
        switch verdict {
        case .denied(let denial):
            let line = CanonicalJSON.serialize(.object(common + [("allowed", .bool(false)), ("reason", .string(denial.code)),
                                                                 ("message", .string(denial.description))])) + [0x0A]
            try CLIIO.writeStdout(line)
            throw ExitCode(CLIExit.negative)
        case .allowed(let evidence):
            var note: JSONValue = .null
            if let key = ConsentCLI.operatorKey(operatorKey, ledger: ledger) {
                do { note = .string(try evidence.checkpoint.signed(with: key)) } catch { throw LedgerCLI.cliError(error) }
            }
            let grant = evidence.grant
            let receipt: JSONValue = .object(common + [
                ("allowed", .bool(true)),
                ("grant", .object([("id", .string(grant.idHex)), ("issued", .number(String(grant.issued))),
                                   ("expires", .number(String(grant.expires))), ("encoded", .string(Hex.encode(grant.bytes)))])),
                ("index", LedgerCLI.int(evidence.entryIndex)), ("entry", .string(LedgerCLI.b64(evidence.entry))),
                ("leafHash", .string(LedgerCLI.b64(evidence.leafHash))), ("proof", LedgerCLI.hashes(evidence.proof)),
                ("treeSize", LedgerCLI.int(evidence.checkpoint.size)),
                ("root", .string(LedgerCLI.b64(evidence.checkpoint.root))), ("checkpoint", note),
            ])
            let bytes = CanonicalJSON.serialize(receipt) + [0x0A]
            if let out { try CLIIO.write(Data(bytes), to: out, inputs: [store]) }
            try CLIIO.writeStdout(bytes)
        }
    }
}

struct ConsentVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a `consent check` receipt offline: exit 0 valid, 1 invalid, 2 malformed.",
        discussion: """
            Checks the checkpoint's signature by the operator's key, the grant's signature, that the log entry \
            records this grant signed by its person, its inclusion proof against the checkpoint, and that the \
            grant names the receipt's person, subject and purpose and covers its time. Revocation is the \
            ledger's answer at checking time: the receipt proves the grant was recorded, not that it is \
            still unrevoked.
            """)

    @Option(help: "Receipt JSON written by `consent check`.") var receipt: String
    @Option(name: .customLong("public-key"), help: "Operator Ed25519 public key, hex.") var publicKey: String

    func run() throws {
        let operatorKey = try ConsentCLI.publicKey(publicKey, what: "--public-key")
        let fields: Set<String> = ["person", "purpose", "at", "subject_kind", "subject", "allowed", "grant", "index",
                                   "entry", "leafHash", "proof", "treeSize", "root", "checkpoint"]
        let tree = try LedgerCLI.proofObject(receipt, fields: fields)
        func string(_ value: JSONValue?, _ name: String) throws -> String {
            guard case .string(let text)? = value else { throw CLIError("receipt: \(name) must be a string") }
            return text
        }
        guard case .string(let note)? = tree["checkpoint"] else {
            throw CLIError("receipt: no signed checkpoint (run `consent check` with the operator's key)")
        }
        let grant: ConsentGrant
        do { grant = try ConsentGrant(bytes: try FoundationIO.hex(try string(tree["grant"]?["encoded"], "grant.encoded"),
                                                                   what: "grant")) } catch let error as WalletError {
            throw CLIError("receipt: grant: \(error)")
        }
        guard let entry = Data(base64Encoded: try string(tree["entry"], "entry")) else {
            throw CLIError("receipt: entry must be base64")
        }
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.verify(note: note, publicKey: operatorKey) } catch {
            if error == .badSignature { try invalid("the checkpoint is not signed by this key") }
            throw CLIError("receipt: checkpoint: \(error)")
        }
        let evidence = ConsentEvidence(grant: grant, entryIndex: try LedgerCLI.uint(tree, "index"), entry: Array(entry),
                                       proof: try LedgerCLI.hashList(tree, "proof"), checkpoint: checkpoint)
        guard evidence.verify() else { try invalid("the entry or its inclusion proof does not match the checkpoint") }
        let kind = try string(tree["subject_kind"], "subject_kind"), name = try string(tree["subject"], "subject")
        guard kind == "dataset" || kind == "requester" else { throw CLIError("receipt: subject_kind") }
        let subject: ConsentSubject = kind == "dataset" ? .dataset(name) : .requester(name)
        guard case .number(let atText)? = tree["at"], let at = Int64(atText) else { throw CLIError("receipt: at") }
        guard Hex.encode(grant.grantor.rawRepresentation) == (try string(tree["person"], "person")),
              grant.subject == subject, grant.purpose == (try string(tree["purpose"], "purpose")) else {
            try invalid("the grant does not name the receipt's person, subject and purpose")
        }
        guard grant.issued <= at, at < grant.expires else { try invalid("the grant does not cover the receipt's time") }
        try LedgerCLI.printLine(.object([("valid", .bool(true)), ("grant_id", .string(grant.idHex)),
                                         ("index", LedgerCLI.int(evidence.entryIndex)),
                                         ("treeSize", LedgerCLI.int(checkpoint.size)),
                                         ("expires", .number(String(grant.expires)))]))
    }

    private func invalid(_ reason: String) throws -> Never {
        try LedgerCLI.printLine(.object([("valid", .bool(false)), ("reason", .string(reason))]))
        throw ExitCode(CLIExit.negative)
    }
}

struct WalletConsentRecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record one of the wallet's grants (or, with --revocation, its revocation) on a consent ledger.",
        discussion: """
            Signs the ledger envelope with the wallet's key and submits it to the store. Prints the receipt \
            {"index":N,"leaf_hash":B64,"status":"applied"|"refused","error":CODE}; exit 0 applied, 1 refused by \
            the ledger (logged with its code: duplicateGrant, expiredAtRecording, …), 2 rejected before logging.
            """)

    @Option(help: "Wallet file.") var wallet: String
    @Option(help: "The consent ledger's SQLite store (`datafi consent init`).") var store: String
    @Option(help: "Id of the grant (32 hex digits).") var id: String
    @Flag(help: "Record the wallet's revocation of the grant instead of the grant.") var revocation = false
    @Option(help: "Ledger time in seconds since 1970 (default: the clock).", transform: StrictArgument.uint64)
    var time: UInt64?

    func run() throws {
        let (_, person) = try WalletCLI.open(wallet)
        let (grant, transaction) = try ConsentCLI.transaction(person, id: id, revocation: revocation)
        var ledger = try ConsentCLI.open(store)
        let now = time ?? LedgerCLI.now()
        let result: SubmitResult
        do {
            let envelope = try person.consentEnvelope(transaction, origin: ledger.origin,
                                                      nonce: ledger.nextNonce(of: person.publicKey),
                                                      deadline: now + 86_400)
            result = try ledger.submit([envelope], at: now)[0]
        } catch {
            throw LedgerCLI.cliError(error, context: "not recorded")
        }
        try LedgerCLI.printLine(ConsentCLI.receipt(result, extra: [("grant_id", .string(grant.idHex))]))
        switch result {
        case .logged(_, _, .applied): break
        case .logged: throw ExitCode(CLIExit.negative)
        case .rejected: throw ExitCode(CLIExit.malformed)
        }
    }
}

struct WalletConsentEnvelopeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envelope",
        abstract: "Sign the ledger envelope recording one of the wallet's grants (or its revocation) as a JSON line.",
        discussion: "For a consent ledger kept elsewhere: its operator logs the line with `datafi consent submit`.")

    @Option(help: "Wallet file.") var wallet: String
    @Option(help: "Id of the grant (32 hex digits).") var id: String
    @Flag(help: "The wallet's revocation of the grant instead of the grant.") var revocation = false
    @Option(help: "The consent ledger's origin.") var origin: String
    @Option(help: "The person's next nonce on that ledger (0 for the first envelope).", transform: StrictArgument.uint64)
    var nonce: UInt64
    @Option(help: "Latest ledger time (seconds since 1970) to accept it; default now + 1 day.", transform: StrictArgument.uint64)
    var deadline: UInt64?
    @Option(help: "Also write the envelope to this file.") var out: String?

    func run() throws {
        let (_, person) = try WalletCLI.open(wallet)
        let (_, transaction) = try ConsentCLI.transaction(person, id: id, revocation: revocation)
        let envelope: Envelope<ConsentTransaction>
        do {
            envelope = try person.consentEnvelope(transaction, origin: origin, nonce: nonce,
                                                  deadline: deadline ?? LedgerCLI.now() + 86_400)
        } catch {
            throw CLIError("envelope: \(error)")
        }
        let line = envelope.json() + [0x0A]
        if let out { try CLIIO.write(Data(line), to: out, inputs: [wallet]) }
        try CLIIO.writeStdout(line)
    }
}
