import ArgumentParser
import DataFiLedger
import DataFiLedgerMarket
import DataFiLedgerSQLite
import DataFiMarket
import DataFiSodium
import Foundation

/// `datafi ledger …`: a signed, durable, provable log of market transactions in a SQLite file.
struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Record market transactions in a verifiable ledger (RFC 9162 log, C2SP checkpoints, SQLite).",
        subcommands: [
            LedgerInitCommand.self, LedgerSignCommand.self, LedgerSubmitCommand.self, LedgerCheckpointCommand.self,
            LedgerProveInclusionCommand.self, LedgerProveConsistencyCommand.self,
            LedgerVerifyInclusionCommand.self, LedgerVerifyConsistencyCommand.self,
            LedgerVerifyCheckpointCommand.self, LedgerVerifyCommand.self, LedgerEntriesCommand.self,
            LedgerAuditCommand.self, LedgerEraseCommand.self, LedgerExportCommand.self,
        ])
}

enum LedgerCLI {
    /// Where `ledger init` records the operator key file (absolute path).
    static let operatorKeyPathKey = "cli.operatorKeyPath"

    static func b64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// Maps a ledger error to the tool's exit codes: corruption is a negative verdict (1), storage
    /// failures are the environment (3), the rest malformed input (2).
    static func cliError(_ error: LedgerError, context: String = "") -> CLIError {
        let message = context.isEmpty ? "\(error)" : "\(context): \(error)"
        switch error {
        case .corrupt: return CLIError(message, exitCode: CLIExit.negative)
        case .storage, .missing: return CLIError(message, exitCode: CLIExit.environment)
        default: return CLIError(message)
        }
    }

    static func open(_ path: String) throws -> MarketLedger<SQLiteLedgerStore> {
        do {
            return try MarketLedger(opening: try SQLiteLedgerStore(path: path, create: false))
        } catch {
            throw cliError(error, context: "cannot open ledger \(path)")
        }
    }

    static func now() -> UInt64 { UInt64(max(0, Date().timeIntervalSince1970)) }

    static func printLine(_ value: JSONValue) throws {
        try CLIIO.writeStdout(CanonicalJSON.serialize(value) + [0x0A])
    }

    static func int(_ v: UInt64) -> JSONValue { .number(String(v)) }
    static func hashes(_ list: [LogHash]) -> JSONValue { .array(list.map { .string(b64($0)) }) }

    /// Reads a proof file: a JSON object with exactly `fields`.
    static func proofObject(_ path: String, fields: Set<String>) throws -> JSONValue {
        let tree: JSONValue
        do { tree = try CanonicalJSON.parse(try CLIIO.read(path)) } catch let error as LedgerError {
            throw CLIError("proof: \(error)")
        }
        guard case .object(let members) = tree else { throw CLIError("proof: not a JSON object") }
        for (key, _) in members where !fields.contains(key) { throw CLIError("proof: unknown field \"\(key)\"") }
        return tree
    }

    static func uint(_ tree: JSONValue, _ key: String) throws -> UInt64 {
        guard case .number(let text)? = tree[key], let v = UInt64(text) else {
            throw CLIError("proof: \(key) must be an integer in 0...2^64-1")
        }
        return v
    }

    static func hash(_ tree: JSONValue, _ key: String) throws -> LogHash {
        guard case .string(let text)? = tree[key], let data = Data(base64Encoded: text) else {
            throw CLIError("proof: \(key) must be base64")
        }
        return Array(data)
    }

    static func hashList(_ tree: JSONValue, _ key: String) throws -> [LogHash] {
        guard let value = tree[key] else { throw CLIError("proof: \(key) is missing") }
        if value == .null { return [] }
        guard case .array(let items) = value, items.count <= 128 else { throw CLIError("proof: \(key) must be a list") }
        return try items.map { item in
            guard case .string(let text) = item, let data = Data(base64Encoded: text) else {
                throw CLIError("proof: \(key) entries must be base64")
            }
            return Array(data)
        }
    }
}

struct LedgerInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a ledger store; create the operator's Ed25519 key (mode 0600) if its file does not exist.",
        discussion: """
            Without --genesis the operator's account (its key in hex) receives the whole base-token supply \
            and operates the compute node, with a fresh X25519 compute key whose secret is not kept.
            """)

    @Option(help: "The SQLite file to create (refused if it exists).") var store: String
    @Option(help: "The ledger's origin, e.g. example.com/datafi (also the checkpoint key name).") var origin: String
    @Option(name: .customLong("operator-key"), help: "Operator signing key file (created if missing).")
    var operatorKey: String
    @Option(help: "Market genesis as JSON (DataFiMarket.Genesis).") var genesis: String?
    @Option(name: .customLong("snapshot-interval"), help: "Store a state snapshot every this many entries.")
    var snapshotInterval: UInt64 = 1000

    func run() throws {
        guard Envelope<Transaction>.isValidOrigin(origin) else {
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
        let operatorAccount = AccountID(publicKey: key.publicKey)
        let genesisValue: Genesis
        if let genesis {
            do { genesisValue = try JSONDecoder().decode(Genesis.self, from: try CLIIO.read(genesis)) } catch let e as CLIError {
                throw e
            } catch {
                throw CLIError("genesis: \(error)")
            }
        } else {
            genesisValue = Genesis(totalSupply: Market.unit * 1_000_000_000, allocations: [], treasury: operatorAccount,
                                   computeOperator: operatorAccount, computeKey: Box.PrivateKey().publicKey)
        }
        let market: Market
        do { market = try Market(genesis: genesisValue) } catch { throw CLIError("genesis: \(error)") }
        do {
            let sqlite = try SQLiteLedgerStore(path: store, create: true)
            _ = try MarketLedger.create(in: sqlite, origin: origin, operatorKey: key.publicKey,
                                        genesis: MarketMachine(market: market), snapshotInterval: snapshotInterval)
            let absolute = URL(fileURLWithPath: operatorKey).standardizedFileURL.path
            try sqlite.setValue(Array(absolute.utf8), forKey: LedgerCLI.operatorKeyPathKey)
        } catch {
            throw LedgerCLI.cliError(error, context: "cannot create the ledger")
        }
        try LedgerCLI.printLine(.object([("origin", .string(origin)),
                                         ("operatorKey", .string(Hex.encode(key.publicKey.rawRepresentation))),
                                         ("store", .string(store))]))
    }
}

struct LedgerSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign", abstract: "Sign a market transaction (JSON) into an envelope (JSON line).",
        discussion: """
            A join is signed in its committed form (joinCommitted: record count, media types and a salted \
            hash of the sealed asset); the sealed asset and salt go beside it in the envelope's "personal" \
            field, which submit keeps in the erasable side table and never logs.
            """)

    @Option(help: "Signing key file.") var key: String
    @Option(help: "The ledger's origin.") var origin: String
    @Option(help: "The signer's next nonce (0 for its first envelope).") var nonce: UInt64
    @Option(help: "Latest ledger time (seconds since 1970) to accept it; default now + 1 day.") var deadline: UInt64?
    @Option(help: "Transaction JSON file (default: standard input).") var tx: String?

    func run() throws {
        let signingKey = try FoundationIO.signingKey(key)
        let input = try CLIIO.read(tx)
        do {
            let (transaction, _) = try CanonicalJSON.decode(Transaction.self, from: input)
            let envelope = try MarketMachine.sign(transaction, origin: origin, nonce: nonce,
                                                  deadline: deadline ?? LedgerCLI.now() + 86_400, with: signingKey)
            try CLIIO.writeStdout(envelope.json() + [0x0A])
        } catch let error as LedgerError {
            throw CLIError("transaction: \(error)")
        }
    }
}

struct LedgerSubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit envelopes (JSON lines); print one receipt line per input line once it is durable.",
        discussion: """
            Lines that arrive together are checked (signatures in parallel), applied and committed as one \
            batch. Receipts: {"index":N,"leaf_hash":B64,"status":"applied"|"refused","error":CODE} for a \
            logged envelope ("error" only when refused), {"rejected":CODE,"message":TEXT} for one refused \
            before logging.
            """)

    @Option(help: "The SQLite store.") var store: String
    @Option(name: .customLong("in"), help: "Envelopes, one JSON per line (default: standard input).") var input: String?
    @Option(help: "Ledger time in seconds since 1970 (default: the clock).") var time: UInt64?
    @Option(help: "Threads verifying signatures.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .customLong("batch"), help: "Most envelopes per batch.") var batchLimit: Int = 1024

    func run() throws {
        var ledger = try LedgerCLI.open(store)
        let handle: FileHandle
        if let input, input != "-" {
            guard let h = FileHandle(forReadingAtPath: input) else { throw CLIError("cannot read \(input)") }
            handle = h
        } else {
            handle = FileHandle.standardInput
        }
        let maxLine = Envelope<Transaction>.maxJSONBytes
        var buffer: [UInt8] = []
        var skipping = false   // inside an over-long line
        var pending: [Result<[UInt8], LedgerError>] = []
        func flush() throws {
            guard !pending.isEmpty else { return }
            try process(pending, ledger: &ledger)
            pending.removeAll(keepingCapacity: true)
        }
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer += chunk
            var start = 0
            while let newline = buffer[start...].firstIndex(of: 0x0A) {
                if skipping {
                    skipping = false
                } else {
                    pending.append(.success(Array(buffer[start..<newline])))
                }
                start = newline + 1
                if pending.count >= batchLimit { try flush() }
            }
            buffer.removeFirst(start)
            if buffer.count > maxLine {
                if !skipping { pending.append(.failure(.tooLarge(limit: maxLine, actual: buffer.count))) }
                skipping = true
                buffer.removeAll()
            }
            try flush()
        }
        if !buffer.isEmpty && !skipping { pending.append(.success(buffer)) }
        try flush()
    }

    private func process(_ lines: [Result<[UInt8], LedgerError>], ledger: inout MarketLedger<SQLiteLedgerStore>) throws {
        var parsed: [Result<Envelope<Transaction>, LedgerError>] = []
        parsed.reserveCapacity(lines.count)
        for line in lines {
            switch line {
            case .failure(let error): parsed.append(.failure(error))
            case .success(let bytes):
                var text = bytes
                if text.last == 0x0D { text.removeLast() }
                do { parsed.append(.success(try Envelope<Transaction>(json: text))) } catch { parsed.append(.failure(error)) }
            }
        }
        let envelopes = parsed.compactMap { try? $0.get() }
        let results: [SubmitResult]
        do {
            results = try ledger.submit(envelopes, at: time ?? LedgerCLI.now(), threads: threads)
        } catch {
            throw LedgerCLI.cliError(error, context: "batch not logged")
        }
        var out: [UInt8] = []
        var next = results.makeIterator()
        for item in parsed {
            let receipt: JSONValue
            switch item {
            case .failure(let error):
                receipt = .object([("rejected", .string(error.code)), ("message", .string(error.description))])
            case .success:
                switch next.next() {
                case .logged(let index, let hash, let outcome)?:
                    var members: [(String, JSONValue)] = [("index", LedgerCLI.int(index)), ("leaf_hash", .string(LedgerCLI.b64(hash))),
                                                          ("status", .string(outcome == .applied ? "applied" : "refused"))]
                    if let code = outcome.errorCode { members.append(("error", .string(code))) }
                    receipt = .object(members)
                case .rejected(let error)?:
                    receipt = .object([("rejected", .string(error.code)), ("message", .string(error.description))])
                case nil:
                    receipt = .object([("rejected", .string("internal")), ("message", .string("no result"))])
                }
            }
            out += CanonicalJSON.serialize(receipt) + [0x0A]
        }
        try CLIIO.writeStdout(out)
    }
}

struct LedgerCheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint", abstract: "Print the current checkpoint as a C2SP signed note.")

    @Option(help: "The SQLite store.") var store: String
    @Option(name: .customLong("operator-key"), help: "Operator key file (default: the one recorded by init).")
    var operatorKey: String?

    func run() throws {
        let ledger = try LedgerCLI.open(store)
        var keyPath = operatorKey
        if keyPath == nil {
            keyPath = (try? ledger.store.value(forKey: LedgerCLI.operatorKeyPathKey))?.flatMap { String(bytes: $0, encoding: .utf8) }
        }
        guard let keyPath else { throw CLIError("no operator key recorded; pass --operator-key") }
        let key = try FoundationIO.signingKey(keyPath)
        do {
            try CLIIO.writeStdout(Array(try ledger.signedCheckpoint(with: key).utf8))
        } catch let error as LedgerError {
            throw LedgerCLI.cliError(error)
        }
    }
}

struct LedgerProveInclusionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove-inclusion", abstract: "Print the inclusion proof of one entry as JSON.")

    @Option(help: "The SQLite store.") var store: String
    @Option(help: "Entry index.") var index: UInt64
    @Option(help: "Tree size (default: the whole log).") var size: UInt64?

    func run() throws {
        let ledger = try LedgerCLI.open(store)
        let n = size ?? ledger.size
        do {
            let proof = try ledger.inclusionProof(index: index, size: n)
            try LedgerCLI.printLine(.object([
                ("leafIdx", LedgerCLI.int(index)), ("treeSize", LedgerCLI.int(n)),
                ("root", .string(LedgerCLI.b64(try ledger.root(size: n)))),
                ("leafHash", .string(LedgerCLI.b64(try ledger.store.node(level: 0, index: index)))),
                ("proof", LedgerCLI.hashes(proof)),
            ]))
        } catch let error as LedgerError {
            throw LedgerCLI.cliError(error)
        }
    }
}

struct LedgerProveConsistencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove-consistency", abstract: "Print the consistency proof between two tree sizes as JSON.")

    @Option(help: "The SQLite store.") var store: String
    @Option(help: "Older tree size.") var from: UInt64
    @Option(help: "Newer tree size.") var to: UInt64

    func run() throws {
        let ledger = try LedgerCLI.open(store)
        do {
            let proof = try ledger.consistencyProof(size1: from, size2: to)
            try LedgerCLI.printLine(.object([
                ("size1", LedgerCLI.int(from)), ("size2", LedgerCLI.int(to)),
                ("root1", .string(LedgerCLI.b64(try ledger.root(size: from)))),
                ("root2", .string(LedgerCLI.b64(try ledger.root(size: to)))), ("proof", LedgerCLI.hashes(proof)),
            ]))
        } catch let error as LedgerError {
            throw LedgerCLI.cliError(error)
        }
    }
}

struct LedgerVerifyInclusionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-inclusion",
        abstract: "Verify an inclusion proof offline: exit 0 valid, 1 invalid, 2 malformed.")

    @Option(help: "Proof JSON ({leafIdx, treeSize, root, leafHash, proof}).") var proof: String

    func run() throws {
        let tree = try LedgerCLI.proofObject(proof, fields: ["leafIdx", "treeSize", "root", "leafHash", "proof", "desc", "wantErr"])
        let ok = MerkleTree.verifyInclusion(index: try LedgerCLI.uint(tree, "leafIdx"), size: try LedgerCLI.uint(tree, "treeSize"),
                                            leafHash: try LedgerCLI.hash(tree, "leafHash"),
                                            proof: try LedgerCLI.hashList(tree, "proof"), root: try LedgerCLI.hash(tree, "root"))
        print(ok ? "valid" : "invalid")
        if !ok { throw ExitCode(CLIExit.negative) }
    }
}

struct LedgerVerifyConsistencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-consistency",
        abstract: "Verify a consistency proof offline: exit 0 valid, 1 invalid, 2 malformed.")

    @Option(help: "Proof JSON ({size1, size2, root1, root2, proof}).") var proof: String

    func run() throws {
        let tree = try LedgerCLI.proofObject(proof, fields: ["size1", "size2", "root1", "root2", "proof", "desc", "wantErr"])
        let ok = MerkleTree.verifyConsistency(size1: try LedgerCLI.uint(tree, "size1"), size2: try LedgerCLI.uint(tree, "size2"),
                                              root1: try LedgerCLI.hash(tree, "root1"), root2: try LedgerCLI.hash(tree, "root2"),
                                              proof: try LedgerCLI.hashList(tree, "proof"))
        print(ok ? "valid" : "invalid")
        if !ok { throw ExitCode(CLIExit.negative) }
    }
}

struct LedgerVerifyCheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-checkpoint",
        abstract: "Verify a signed checkpoint against the operator's public key: exit 0 valid, 1 invalid, 2 malformed.")

    @Option(name: .customLong("public-key"), help: "Operator Ed25519 public key, hex.") var publicKey: String
    @Option(name: .customLong("in"), help: "Signed note (default: standard input).") var input: String?

    func run() throws {
        let key: Signing.PublicKey
        do { key = try Signing.PublicKey(rawRepresentation: try FoundationIO.hex(publicKey, what: "public key")) } catch {
            throw CLIError("public key must be 32 bytes of hex")
        }
        let note = try CLIIO.readText(input)
        do {
            let checkpoint = try Checkpoint.verify(note: note, publicKey: key)
            try LedgerCLI.printLine(.object([("origin", .string(checkpoint.origin)), ("size", LedgerCLI.int(checkpoint.size)),
                                             ("root", .string(LedgerCLI.b64(checkpoint.root))),
                                             ("stateHash", .string(LedgerCLI.b64(checkpoint.stateHash)))]))
        } catch LedgerError.badSignature {
            print("invalid: no valid signature by this key")
            throw ExitCode(CLIExit.negative)
        } catch let error as LedgerError {
            throw CLIError("checkpoint: \(error)")
        }
    }
}

struct LedgerVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute every hash, signature and the replay: exit 0 whole, 1 corrupt (names the entry).")

    @Option(help: "The SQLite store.") var store: String
    @Option(help: "Threads verifying signatures.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let ledger = try LedgerCLI.open(store)
        do {
            let count = try ledger.verify(threads: threads)
            let checkpoint = try ledger.checkpoint()
            try LedgerCLI.printLine(.object([("verified", LedgerCLI.int(count)), ("root", .string(LedgerCLI.b64(checkpoint.root))),
                                             ("stateHash", .string(LedgerCLI.b64(checkpoint.stateHash)))]))
        } catch let error as LedgerError {
            throw LedgerCLI.cliError(error)
        }
    }
}

struct LedgerEntriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entries", abstract: "Print entries as JSON lines with their base64 leaf data.")

    @Option(help: "The SQLite store.") var store: String
    @Option(help: "First index.") var from: UInt64 = 0
    @Option(help: "Most entries to print (default: all).") var count: UInt64?

    func run() throws {
        let ledger = try LedgerCLI.open(store)
        guard from <= ledger.size else { throw CLIError("--from \(from) is beyond the log's \(ledger.size) entries") }
        let end = count.map { min(ledger.size, from + min($0, ledger.size - from)) } ?? ledger.size
        var index = from
        do {
            while index < end {
                let n = min(end - index, 1024)
                var out: [UInt8] = []
                for (offset, data) in try ledger.store.leaves(from: index, count: n).enumerated() {
                    let line: JSONValue = .object([("index", LedgerCLI.int(index + UInt64(offset))),
                                                   ("leaf_hash", .string(LedgerCLI.b64(MerkleTree.leafHash(data)))),
                                                   ("data", .string(LedgerCLI.b64(data)))])
                    out += CanonicalJSON.serialize(line) + [0x0A]
                }
                try CLIIO.writeStdout(out)
                index += n
            }
        } catch let error as LedgerError {
            throw LedgerCLI.cliError(error)
        }
    }
}

struct LedgerAuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Every access to an owner's assets, each with an inclusion proof against a signed checkpoint.")

    @Option(help: "The SQLite store.") var store: String
    @Option(help: "The owner's account (hex of its Ed25519 key).") var owner: String
    @Option(name: .customLong("operator-key"), help: "Operator key file (default: the one recorded by init).")
    var operatorKey: String?

    func run() throws {
        let ledger = try LedgerCLI.open(store)
        let account = AccountID(owner)
        guard account.isValid else { throw CLIError("invalid account \(owner)") }
        do {
            let audit = try ledger.accessAudit(owner: account)
            var keyPath = operatorKey
            if keyPath == nil {
                keyPath = (try? ledger.store.value(forKey: LedgerCLI.operatorKeyPathKey))?.flatMap { String(bytes: $0, encoding: .utf8) }
            }
            var note: JSONValue = .null
            if let keyPath, let key = try? FoundationIO.signingKey(keyPath) {
                note = .string(try audit.checkpoint.signed(with: key))
            }
            let items: [JSONValue] = try audit.items.map { item in
                let record = try CanonicalJSON.parse(try CanonicalJSON.encode(item.record))
                return .object([("index", LedgerCLI.int(item.entryIndex)), ("leafHash", .string(LedgerCLI.b64(item.leafHash))),
                                ("proof", LedgerCLI.hashes(item.proof)), ("access", record)])
            }
            try LedgerCLI.printLine(.object([("owner", .string(owner)), ("treeSize", LedgerCLI.int(audit.checkpoint.size)),
                                             ("root", .string(LedgerCLI.b64(audit.checkpoint.root))),
                                             ("checkpoint", note), ("accesses", .array(items)),
                                             ("verified", .bool(audit.verify()))]))
        } catch let error as LedgerError {
            throw LedgerCLI.cliError(error)
        }
    }
}

struct LedgerEraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a subject's personal data (sealed assets) from the side table; the log still verifies.",
        discussion: """
            Deletes the subject's side-table records and their encryption key in one transaction. The log, \
            its proofs and checkpoints, and the replayed balances are unchanged; the compute node can no \
            longer open the subject's assets. Exit 0 erased (or nothing held: "entries" is empty), 1 refused \
            (the account never signed an entry, already erased, or the store is corrupt), 2 malformed \
            account, 3 store unavailable. A refusal changes nothing.
            """)

    @Option(help: "The SQLite store.") var store: String
    @Option(help: "The subject's account (hex of its Ed25519 key).") var subject: String
    @Option(help: "Ledger time of the erasure in seconds since 1970 (default: the clock).") var time: UInt64?

    func run() throws {
        let key = try LedgerCLI.subjectKey(subject)
        var ledger = try LedgerCLI.open(store)
        do {
            let receipt = try ledger.erase(subject: key, at: time ?? LedgerCLI.now())
            try LedgerCLI.printLine(.object([("subject", .string(subject)),
                                             ("erased", .array(receipt.entries.map(LedgerCLI.int))),
                                             ("root", .string(LedgerCLI.b64(try ledger.root())))]))
        } catch let error as LedgerError {
            switch error {
            case .unknownSubject, .alreadyErased: throw CLIError("\(error)", exitCode: CLIExit.negative)
            default: throw LedgerCLI.cliError(error)
            }
        }
    }
}

extension LedgerCLI {
    /// The Ed25519 key of an account given as 64 lowercase hex digits.
    static func subjectKey(_ account: String) throws -> Signing.PublicKey {
        guard AccountID(account).isValid, let bytes = Hex.decodeLower(account), bytes.count == 32,
              let key = try? Signing.PublicKey(rawRepresentation: bytes) else {
            throw CLIError("invalid account \(account): expected 64 lowercase hex digits of an Ed25519 key")
        }
        return key
    }
}

extension Hex {
    /// Lowercase hex only; `nil` otherwise.
    static func decodeLower(_ text: String) -> [UInt8]? {
        guard text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        return try? Hex.decode(text)
    }
}

struct LedgerExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Everything the ledger holds about a subject, as JSON (portability).",
        discussion: """
            One JSON object: the entries signed by or naming the subject (index, time, envelope, outcome), \
            its personal data held in the side table (sealed assets and salts, by entry) or the record of its \
            erasure, its balances, owner positions and stakes, and every access to its assets. Exit 1 when \
            the account never signed an entry and is named nowhere, 2 for a malformed account.
            """)

    @Option(help: "The SQLite store.") var store: String
    @Option(help: "The subject's account.") var subject: String

    func run() throws {
        let key = try LedgerCLI.subjectKey(subject)
        let ledger = try LedgerCLI.open(store)
        let account = AccountID(publicKey: key)
        do {
            let history = try ledger.history(of: account)
            guard !history.isEmpty else {
                throw CLIError("\(LedgerError.unknownSubject(subject))", exitCode: CLIExit.negative)
            }
            let entries: [JSONValue] = try history.map { item in
                var members: [(String, JSONValue)] = [("index", LedgerCLI.int(item.index)), ("time", LedgerCLI.int(item.entry.time)),
                                                      ("envelope", try CanonicalJSON.parse(item.entry.envelope.json()))]
                members.append(("status", .string(item.entry.outcome == .applied ? "applied" : "refused")))
                if let code = item.entry.outcome.errorCode { members.append(("error", .string(code))) }
                return .object(members)
            }
            let personal: [JSONValue] = try ledger.personalRecords(of: key).map { record in
                .object([("index", LedgerCLI.int(record.index)), ("data", try CanonicalJSON.parse(record.data))])
            }
            let erasure: JSONValue = try ledger.erasure(of: key).map { record in
                .object([("time", LedgerCLI.int(record.time)), ("entries", .array(record.entries.map(LedgerCLI.int)))])
            } ?? .null
            let market = ledger.state.market
            let balances: [(String, JSONValue)] = market.tokens.keys.sorted().compactMap { token in
                let amount = market.balance(of: account, in: token)
                return amount.isZero ? nil : (token.rawValue, .string(amount.description))
            }
            func json(_ value: some Encodable) throws -> JSONValue { try CanonicalJSON.parse(try CanonicalJSON.encode(value)) }
            var positions: [JSONValue] = [], stakes: [JSONValue] = [], assets: [JSONValue] = []
            for id in market.datasets.keys.sorted() {
                if let p = market.position(of: account, in: id) {
                    positions.append(.object([("dataset", .string(id.rawValue)), ("shares", LedgerCLI.int(p.shares)),
                                              ("owed", .string(p.owed.description)), ("claimed", .string(p.claimed.description)),
                                              ("pendingRewards", .string(market.pendingRewards(of: account, in: id).description)),
                                              ("assets", LedgerCLI.int(UInt64(p.assets)))]))
                }
                if let stake = market.stake(of: account, in: id) {
                    stakes.append(.object([("dataset", .string(id.rawValue)), ("amount", .string(stake.amount.description)),
                                           ("openReviews", LedgerCLI.int(UInt64(stake.openReviews)))]))
                }
                for stored in market.assets(in: id) where stored.owner == account {
                    assets.append(.object([("dataset", .string(id.rawValue)), ("index", LedgerCLI.int(UInt64(stored.index))),
                                           ("committed", try json(stored.asset)),
                                           ("status", try json(stored.status)),
                                           ("sealedAssetHeld", .bool(market.sealedAsset(stored.index, in: id) != nil))]))
                }
            }
            let accesses = try market.accessLog(forOwner: account).map { try json($0) }
            try LedgerCLI.printLine(.object([("subject", .string(subject)), ("entries", .array(entries)),
                                             ("personal", .array(personal)), ("erasure", erasure),
                                             ("balances", .object(balances)), ("positions", .array(positions)),
                                             ("stakes", .array(stakes)), ("assets", .array(assets)),
                                             ("accesses", .array(accesses))]))
        } catch let error as LedgerError {
            throw LedgerCLI.cliError(error)
        }
    }
}
