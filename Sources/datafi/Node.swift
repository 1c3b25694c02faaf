import ArgumentParser
import DataFiLedger
import DataFiLedgerClient
import DataFiLedgerMarket
import DataFiLedgerPostgres
import DataFiLedgerSQLite
import DataFiMarket
import DataFiNode
import DataFiSodium
import Foundation

/// `datafi node …`: the ledger on the network (serve), and a client that submits and measures.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Serve a market ledger over HTTP, submit envelopes to a node, measure a node.",
        subcommands: [NodeServeCommand.self, NodeSubmitCommand.self, NodeBenchCommand.self])

    static func failure(_ error: LedgerClientError) -> CLIError {
        switch error {
        case .invalidURL: CLIError(error.description)
        case .unreachable: CLIError(error.description, exitCode: CLIExit.environment)
        case .refused(let status, _, _, _): CLIError(error.description, exitCode: status >= 500 ? CLIExit.environment : CLIExit.malformed)
        case .malformed, .verificationFailed: CLIError(error.description, exitCode: CLIExit.negative)
        }
    }
}

struct NodeServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a market ledger over HTTP until SIGTERM/SIGINT (queued batches are committed first).",
        discussion: """
            The store is created when it does not exist: a SQLite file, or the tables of a PostgreSQL \
            database, which several nodes may share (each catches up on what the others append; give them \
            the same operator key). Without --genesis the operator's account receives the whole base-token \
            supply and operates the compute node (as `ledger init`). The operator key file is created (mode \
            0600) when missing. The bound address is printed as "listening on URL".
            """)

    @Option(help: "The store: sqlite:PATH or postgresql://USER@HOST:PORT/DB.") var store: String
    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free port; the bound one is printed).")
    var listen = "127.0.0.1:8100"
    @Option(name: .customLong("operator-key"), help: "Operator signing key file (created if missing).") var operatorKey: String
    @Option(help: "The ledger's origin (must match an existing store's).") var origin: String
    @Option(help: "Market genesis as JSON, for a new store.") var genesis: String?
    @Option(name: .customLong("max-queued"), help: "Most envelopes waiting to be committed (then 503).")
    var maxQueued = 20_000
    @Option(name: .customLong("max-batch"), help: "Most envelopes per committed batch.") var maxBatch = 8192
    @Option(name: .customLong("relay-max-rounds"), help: "Secure-aggregation rounds open at once (then 503).")
    var relayMaxRounds = 64
    @Option(name: .customLong("relay-max-participants"), help: "Most owners in one secure-aggregation round.")
    var relayMaxParticipants = 1000
    @Option(name: .customLong("relay-max-message-bytes"), help: "Largest relayed message payload, in bytes.")
    var relayMaxMessageBytes = 1 << 20
    @Option(name: .customLong("relay-max-round-bytes"), help: "Most payload bytes one round holds.")
    var relayMaxRoundBytes = 64 << 20
    @Option(name: .customLong("relay-max-bytes"), help: "Most payload bytes all rounds hold together.")
    var relayMaxBytes = 256 << 20
    @Option(name: .customLong("relay-max-lifetime"), help: "Longest lifetime of a round, in seconds.")
    var relayMaxLifetime = 3600

    func run() async throws {
        let (host, port) = try ServiceCLI.listen(listen)
        guard Envelope<Transaction>.isValidOrigin(origin) else {
            throw CLIError("origin must be 1-255 printable ASCII characters without spaces or '+'")
        }
        guard maxQueued >= 1, maxBatch >= 1 else { throw CLIError("--max-queued and --max-batch must be at least 1") }
        _ = try relayLimits()
        guard ["sqlite:", "postgresql://", "postgres://"].contains(where: { store.hasPrefix($0) }) else {
            throw CLIError("--store expects sqlite:PATH or postgresql://USER@HOST:PORT/DB")
        }
        let key: Signing.PrivateKey
        if FileManager.default.fileExists(atPath: operatorKey) {
            key = try FoundationIO.signingKey(operatorKey)
        } else {
            key = Signing.PrivateKey()
            try CLIIO.write(Data(key.rawRepresentation.withUnsafeBytes { Array($0) }), to: operatorKey, secret: true)
        }
        let market = try Self.genesisMarket(genesis, operatorKey: key)
        if store.hasPrefix("sqlite:") {
            let path = String(store.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw CLIError("--store expects sqlite:PATH or postgresql://USER@HOST:PORT/DB") }
            let ledger = try await Self.onThread { () throws -> MarketLedger<SQLiteLedgerStore> in
                let exists = FileManager.default.fileExists(atPath: path)
                return try Self.openOrCreate(try SQLiteLedgerStore(path: path, create: !exists), origin: origin, key: key,
                                             market: market)
            }
            try await serve(ledger, key: key, host: host, port: port, shared: false)
        } else if store.hasPrefix("postgresql://") || store.hasPrefix("postgres://") {
            let url = store
            let ledger = try await Self.onThread { () throws -> MarketLedger<PostgresLedgerStore> in
                try Self.openOrCreate(try PostgresLedgerStore(url: url), origin: origin, key: key, market: market)
            }
            try await serve(ledger, key: key, host: host, port: port, shared: true)
        } else {
            throw CLIError("--store expects sqlite:PATH or postgresql://USER@HOST:PORT/DB")
        }
    }

    /// The relay's bounds from the `--relay-*` options, each checked against a sane range.
    func relayLimits() throws -> RelayLimits {
        func check(_ value: Int, _ name: String, _ range: ClosedRange<Int>) throws {
            guard range.contains(value) else {
                throw CLIError("--relay-\(name) must be in \(range.lowerBound)...\(range.upperBound)")
            }
        }
        try check(relayMaxRounds, "max-rounds", 1...100_000)
        try check(relayMaxParticipants, "max-participants", 2...1_000_000)
        try check(relayMaxMessageBytes, "max-message-bytes", 1024...(4 << 20))
        try check(relayMaxRoundBytes, "max-round-bytes", relayMaxMessageBytes...(1 << 40))
        try check(relayMaxBytes, "max-bytes", relayMaxRoundBytes...(1 << 40))
        try check(relayMaxLifetime, "max-lifetime", 1...(7 * 86_400))
        return RelayLimits(
            maxRounds: relayMaxRounds, maxParticipants: relayMaxParticipants, maxMessageBytes: relayMaxMessageBytes,
            maxRoundBytes: relayMaxRoundBytes, maxTotalBytes: relayMaxBytes, maxLifetime: UInt64(relayMaxLifetime))
    }

    /// The market of a new ledger: --genesis, or the operator holding the whole supply.
    static func genesisMarket(_ genesis: String?, operatorKey key: Signing.PrivateKey) throws -> Market {
        let account = AccountID(publicKey: key.publicKey)
        let genesisValue: Genesis
        if let genesis {
            do { genesisValue = try JSONDecoder().decode(Genesis.self, from: try CLIIO.read(genesis)) } catch let e as CLIError {
                throw e
            } catch {
                throw CLIError("genesis: \(error)")
            }
        } else {
            genesisValue = Genesis(totalSupply: Market.unit * 1_000_000_000, allocations: [], treasury: account,
                                   computeOperator: account, computeKey: Box.PrivateKey().publicKey)
        }
        do { return try Market(genesis: genesisValue) } catch { throw CLIError("genesis: \(error)") }
    }

    /// Opens the ledger the store holds (its origin must be `origin`), or creates it. Another node
    /// creating it at the same moment is fine: the loser opens the winner's.
    static func openOrCreate<Store: LedgerStore>(_ store: Store, origin: String, key: Signing.PrivateKey,
                                                 market: Market) throws -> MarketLedger<Store> {
        do {
            var ledger: MarketLedger<Store>
            if try store.metadata() == nil {
                do {
                    ledger = try MarketLedger.create(in: store, origin: origin, operatorKey: key.publicKey,
                                                     genesis: MarketMachine(market: market), snapshotInterval: 1000)
                } catch .alreadyExists {
                    ledger = try MarketLedger(opening: store)
                }
            } else {
                ledger = try MarketLedger(opening: store)
            }
            guard ledger.origin == origin else {
                throw CLIError("the store holds the ledger of origin \(ledger.origin), not \(origin)")
            }
            return ledger
        } catch let error as LedgerError {
            throw LedgerCLI.cliError(error, context: "cannot open the store")
        }
    }

    /// Runs blocking store work on a thread of its own, off Swift's cooperative pool.
    static func onThread<T>(_ work: @escaping () throws -> T) async throws -> T {
        let box = UncheckedResult<T>()
        nonisolated(unsafe) let work = work
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread {
                do {
                    box.value = try work()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
        return box.value!
    }

    func serve<Store: LedgerStore>(_ ledger: MarketLedger<Store>, key: Signing.PrivateKey, host: String, port: Int,
                                   shared: Bool) async throws {
        let node: LedgerNode<Store>
        do {
            node = try LedgerNode(ledger: ledger, operatorKey: key,
                                  limits: NodeLimits(maxQueuedEnvelopes: maxQueued, maxBatchEnvelopes: maxBatch),
                                  relayLimits: try relayLimits(), sharedStore: shared)
        } catch {
            throw CLIError("--operator-key is not this ledger's operator key")
        }
        do {
            try await node.run(host: host, port: port) { bound in ServiceCLI.announce(host: host, port: bound) }
        } catch {
            throw CLIError("cannot serve on \(listen): \(error)", exitCode: CLIExit.environment)
        }
    }
}

struct NodeSubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit envelopes (JSON lines) to a node; print one receipt line per input line once durable.",
        discussion: """
            Receipts have the shapes of `ledger submit`: {"index","leaf_hash","status","error"?} for a logged \
            envelope, {"rejected","message"} for one refused before logging (lines that are not envelopes \
            are refused here and not sent).
            """)

    @Option(help: "The node's base URL, e.g. http://127.0.0.1:8100.") var url: String
    @Option(name: .customLong("in"), help: "Envelopes, one JSON per line (default: standard input).") var input: String?
    @Option(name: .customLong("batch"), help: "Most envelopes per request (1...1000).") var batch = 1000
    @Option(help: "Seconds allowed per request.") var timeout = 120.0

    func run() async throws {
        guard (1...1000).contains(batch) else { throw CLIError("--batch must be in 1...1000") }
        guard timeout > 0, timeout <= 86_400 else { throw CLIError("--timeout must be in (0, 86400] seconds") }
        let client: LedgerClient
        do { client = try LedgerClient(url: url, options: LedgerClientOptions(timeout: timeout)) } catch {
            throw NodeCommand.failure(error)
        }
        let data = try CLIIO.read(input)
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
        if lines.last?.isEmpty == true { lines.removeLast() }
        var start = 0
        while start < lines.count {
            let chunk = lines[start..<min(lines.count, start + batch)]
            start += chunk.count
            var parsed: [Result<[UInt8], LedgerError>] = []
            for line in chunk {
                var text = line
                if text.last == 0x0D { text.removeLast() }
                do {
                    let envelope = try Envelope<Transaction>(json: text)
                    parsed.append(.success(envelope.json()))
                } catch {
                    parsed.append(.failure(error))
                }
            }
            let valid = parsed.compactMap { try? $0.get() }
            var receipts: [LedgerReceipt] = []
            if !valid.isEmpty {
                do { receipts = try await client.submit(json: valid) } catch { throw NodeCommand.failure(error) }
            }
            var next = receipts.makeIterator()
            var out: [UInt8] = []
            for item in parsed {
                let line: JSONValue
                switch item {
                case .failure(let error):
                    line = .object([("rejected", .string(error.code)), ("message", .string(error.description))])
                case .success:
                    switch next.next() {
                    case .logged(let index, let hash, let applied, let error)?:
                        var members: [(String, JSONValue)] = [("index", LedgerCLI.int(index)), ("leaf_hash", .string(LedgerCLI.b64(hash))),
                                                              ("status", .string(applied ? "applied" : "refused"))]
                        if let error { members.append(("error", .string(error))) }
                        line = .object(members)
                    case .rejected(let code, let message)?:
                        line = .object([("rejected", .string(code)), ("message", .string(message))])
                    case nil:
                        throw CLIError("the node answered fewer receipts than envelopes", exitCode: CLIExit.negative)
                    }
                }
                out += CanonicalJSON.serialize(line) + [0x0A]
            }
            try CLIIO.writeStdout(out)
        }
    }
}

struct NodeBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Fire pre-signed transfers at a node; print tx/s and request latency (p50, p99) as JSON.",
        discussion: """
            Each transfer is signed by a fresh account (nonce 0) and pays one raw unit to another fresh \
            account, so the market refuses it (insufficientBalance) but the node checks, applies and durably \
            logs it like any other envelope. Requests carry --batch envelopes; --concurrency requests are in \
            flight at once. Exit 1 when any envelope was not logged or any request failed.
            """)

    @Option(help: "The node's base URL.") var url: String
    @Option(help: "Transfers to send.") var transactions = 10_000
    @Option(help: "Requests in flight at once.") var concurrency = 64
    @Option(help: "Envelopes per request (1...1000).") var batch = 1
    @Option(help: "Seconds allowed per request.") var timeout = 120.0
    @Flag(help: """
        Then ingest as many fresh transfers in process into a temporary SQLite ledger (batches of 1024, \
        all threads: the ledger's own ingest benchmark) and report the node's throughput as a share of it.
        """)
    var yardstick = false

    func run() async throws {
        guard transactions >= 1, transactions <= 10_000_000 else { throw CLIError("--transactions must be in 1...10000000") }
        guard (1...4096).contains(concurrency) else { throw CLIError("--concurrency must be in 1...4096") }
        guard (1...1000).contains(batch) else { throw CLIError("--batch must be in 1...1000") }
        let client: LedgerClient
        do { client = try LedgerClient(url: url, options: LedgerClientOptions(timeout: timeout, retries: 0)) } catch {
            throw NodeCommand.failure(error)
        }
        let origin: String
        do { origin = try await client.checkpoint().origin } catch { throw NodeCommand.failure(error) }
        // Pre-sign everything before the clock starts, on every core.
        let deadline = LedgerCLI.now() + 86_400
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let total = transactions
        let bodies = UnsafeMutableBufferPointer<[UInt8]>.allocate(capacity: total)
        bodies.initialize(repeating: [])
        defer { bodies.deinitialize(); bodies.deallocate() }
        nonisolated(unsafe) let shared = bodies
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for k in stride(from: t, to: total, by: threads) {
                let key = Signing.PrivateKey()
                let to = AccountID(publicKey: Signing.PrivateKey().publicKey)
                shared[k] = (try? Envelope.sign(Transaction.transfer(token: "ALITA", to: to, amount: .one), origin: origin,
                                                nonce: 0, deadline: deadline, with: key).json()) ?? []
            }
        }
        var requests: [[[UInt8]]] = []
        var k = 0
        while k < total {
            requests.append(Array(bodies[k..<min(total, k + batch)]))
            k += batch
        }
        let queue = BenchQueue(requests)
        let clock = ContinuousClock()
        let started = clock.now
        let results: [BenchResult] = await withTaskGroup(of: [BenchResult].self) { group in
            for _ in 0..<min(concurrency, requests.count) {
                group.addTask {
                    var mine: [BenchResult] = []
                    while let request = queue.next() {
                        let t0 = clock.now
                        var result = BenchResult()
                        do {
                            for receipt in try await client.submit(json: request) {
                                if case .logged = receipt { result.logged += 1 } else { result.rejected += 1 }
                            }
                        } catch {
                            result.failed = true
                        }
                        result.seconds = Self.seconds(clock.now - t0)
                        mine.append(result)
                    }
                    return mine
                }
            }
            var all: [BenchResult] = []
            for await part in group { all += part }
            return all
        }
        let elapsed = Self.seconds(clock.now - started)
        let latencies = results.map(\.seconds).sorted()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int((p * Double(latencies.count)).rounded(.up)) - 1)]
        }
        let logged = results.reduce(0) { $0 + $1.logged }, rejected = results.reduce(0) { $0 + $1.rejected }
        let failed = results.filter(\.failed).count
        func ms(_ s: Double) -> JSONValue { .string(String(format: "%.3f", s * 1000)) }
        var members: [(String, JSONValue)] = []
        if yardstick {
            let inProcess = try await NodeServeCommand.onThread { try Self.inProcessIngest(count: total, origin: origin) }
            members = [("inProcessTxPerSecond", .string(String(format: "%.1f", inProcess))),
                       ("nodeShareOfInProcess", .string(String(format: "%.3f", Double(logged) / elapsed / inProcess)))]
        }
        try LedgerCLI.printLine(.object(members + [
            ("transactions", .number(String(total))), ("concurrency", .number(String(concurrency))),
            ("batch", .number(String(batch))), ("seconds", .string(String(format: "%.3f", elapsed))),
            ("txPerSecond", .string(String(format: "%.1f", Double(logged) / elapsed))),
            ("p50Ms", ms(percentile(0.50))), ("p99Ms", ms(percentile(0.99))),
            ("logged", .number(String(logged))), ("rejected", .number(String(rejected))),
            ("failedRequests", .number(String(failed))),
        ]))
        if logged != total { throw ExitCode(CLIExit.negative) }
    }

    /// Envelopes per second of `MarketLedger.submit` into a new SQLite file: `count` transfers from fresh
    /// accounts (signed before the clock starts), batches of 1024, signatures checked on every core.
    static func inProcessIngest(count: Int, origin: String) throws -> Double {
        let path = NSTemporaryDirectory() + "datafi-node-bench-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let key = Signing.PrivateKey()
        var ledger: MarketLedger<SQLiteLedgerStore>
        do {
            ledger = try MarketLedger.create(in: try SQLiteLedgerStore(path: path, create: true), origin: origin,
                                             operatorKey: key.publicKey,
                                             genesis: MarketMachine(market: try NodeServeCommand.genesisMarket(nil, operatorKey: key)),
                                             snapshotInterval: 1000)
        } catch let error as LedgerError {
            throw LedgerCLI.cliError(error, context: "in-process yardstick")
        }
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let envelopes = UnsafeMutableBufferPointer<Envelope<Transaction>?>.allocate(capacity: count)
        envelopes.initialize(repeating: nil)
        defer { envelopes.deinitialize(); envelopes.deallocate() }
        nonisolated(unsafe) let shared = envelopes
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for k in stride(from: t, to: count, by: threads) {
                shared[k] = try? Envelope.sign(Transaction.transfer(token: "ALITA", to: AccountID(publicKey: Signing.PrivateKey().publicKey),
                                                                    amount: .one),
                                               origin: origin, nonce: 0, deadline: UInt64.max / 2, with: Signing.PrivateKey())
            }
        }
        let list = envelopes.compactMap { $0 }
        let clock = ContinuousClock()
        let started = clock.now
        var k = 0
        do {
            while k < list.count {
                _ = try ledger.submit(Array(list[k..<min(list.count, k + 1024)]), at: LedgerCLI.now(), threads: threads)
                k += 1024
            }
        } catch {
            throw LedgerCLI.cliError(error, context: "in-process yardstick")
        }
        return Double(list.count) / seconds(clock.now - started)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

final class UncheckedResult<T>: @unchecked Sendable {
    var value: T?
}

struct BenchResult: Sendable {
    var logged = 0, rejected = 0
    var failed = false
    var seconds = 0.0
}

/// Hands the pre-signed requests out to the workers, in order.
final class BenchQueue: @unchecked Sendable {
    private let requests: [[[UInt8]]]
    private var position = 0
    private let lock = NSLock()
    init(_ requests: [[[UInt8]]]) { self.requests = requests }
    func next() -> [[UInt8]]? {
        lock.withLock {
            guard position < requests.count else { return nil }
            position += 1
            return requests[position - 1]
        }
    }
}
