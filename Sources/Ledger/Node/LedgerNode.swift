import DataFiLedger
import DataFiLedgerMarket
import DataFiMarket
import DataFiSodium
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Limits the node applies to every request.
public struct NodeLimits: Sendable {
    /// Largest request body, in bytes.
    public var maxBodyBytes: Int
    /// Most envelopes in one `POST /v1/transactions`.
    public var maxEnvelopesPerRequest: Int
    /// Most envelopes waiting for the sequencer; beyond it requests get 503 with `Retry-After`.
    public var maxQueuedEnvelopes: Int
    /// Most envelopes committed as one batch.
    public var maxBatchEnvelopes: Int
    /// Most entries one `GET /v1/entries` returns.
    public var maxEntriesPerPage: UInt64

    /// 8 MiB bodies, 1,000 envelopes per request, 20,000 queued, batches of up to 8,192, pages of 1,000.
    public init(maxBodyBytes: Int = 8 << 20, maxEnvelopesPerRequest: Int = 1000, maxQueuedEnvelopes: Int = 20_000,
                maxBatchEnvelopes: Int = 8192, maxEntriesPerPage: UInt64 = 1000) {
        self.maxBodyBytes = maxBodyBytes
        self.maxEnvelopesPerRequest = maxEnvelopesPerRequest
        self.maxQueuedEnvelopes = maxQueuedEnvelopes
        self.maxBatchEnvelopes = maxBatchEnvelopes
        self.maxEntriesPerPage = maxEntriesPerPage
    }
}

/// The ledger node: a market ledger on the network over HTTP (see `openapi.json` for the API).
///
/// One sequencer task owns the ledger; concurrent `POST /v1/transactions` requests are committed together
/// (group commit) and answered with their receipts once the batch is durable. Reads see the state after
/// the last durable batch.
public final class LedgerNode<Store: LedgerStore>: Sendable {
    /// The transaction type.
    public typealias Transaction = MarketMachine.Transaction

    let sequencer: Sequencer<Store>
    let operatorKey: Signing.PrivateKey
    let limits: NodeLimits
    let metrics = NodeMetrics()
    let logger: Logger
    /// The secure-aggregation relay served under `/v1/secagg/rounds`.
    public let relay: SecAggRelay

    /// A node over `ledger`, signing checkpoints with `operatorKey` (the ledger's operator key).
    ///
    /// `sharedStore`: other node processes append to the same store (PostgreSQL); the node then catches
    /// up on their entries every `followInterval` while idle, and before retrying a batch that lost the
    /// race for the log's end. `relayLimits` bound the secure-aggregation relay (``SecAggRelay``).
    /// - Throws: `LedgerError/invalidField(_:)` when `operatorKey` is not the ledger's.
    public init(ledger: MarketLedger<Store>, operatorKey: Signing.PrivateKey, limits: NodeLimits = .init(),
                relayLimits: RelayLimits = .init(), sharedStore: Bool = false, followInterval: Duration = .milliseconds(100),
                threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                logger: Logger = Logger(label: "datafi.node"),
                clock: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) })
        throws(LedgerError)
    {
        guard operatorKey.publicKey == ledger.metadata.operatorKey else { throw .invalidField("not the operator's key") }
        self.operatorKey = operatorKey
        self.limits = limits
        self.logger = logger
        relay = SecAggRelay(limits: relayLimits, clock: clock)
        sequencer = Sequencer(ledger: ledger, maxQueued: limits.maxQueuedEnvelopes, maxBatch: limits.maxBatchEnvelopes,
                              threads: max(1, threads), metrics: metrics,
                              followInterval: sharedStore ? followInterval : nil, clock: clock)
        metrics.treeSize.record(Double(ledger.size))
    }

    /// The ledger after the last durable batch.
    public var ledger: MarketLedger<Store> { sequencer.view.current }

    /// Submits envelopes in process, as `POST /v1/transactions` does.
    public func submit(_ envelopes: [Envelope<Transaction>]) async throws -> [SubmitResult] {
        try await sequencer.submit(envelopes)
    }

    /// The OpenAPI 3.1 document served at `/openapi.json`.
    public static var openAPIDocument: String {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return "{}" }
        return text
    }

    /// The router with every route.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: CountingMiddleware(metrics: metrics))
        router.add(middleware: ErrorShapeMiddleware())
        let node = self
        let openAPI = Self.openAPIDocument
        router.get("/healthz") { _, _ in NodeHTTP.json(.object([("status", .string("ok"))])) }
        router.get("/metrics") { _, _ in NodeHTTP.text(node.metrics.exposition(), contentType: "text/plain; version=0.0.4") }
        router.get("/openapi.json") { _, _ in NodeHTTP.text(openAPI, contentType: "application/json") }
        router.post("/v1/transactions") { request, _ in try await node.postTransactions(request) }
        router.get("/v1/checkpoint") { _, _ in
            let note = try await NodeHTTP.offload { try node.sequencer.view.signedCheckpoint(with: node.operatorKey) }
            return NodeHTTP.text(note)
        }
        router.get("/v1/proofs/inclusion") { request, _ in try await node.inclusion(request) }
        router.get("/v1/proofs/consistency") { request, _ in try await node.consistency(request) }
        router.get("/v1/entries") { request, _ in try await node.entries(request) }
        router.get("/v1/accounts/{account}") { _, context in
            try await node.account(context.parameters.get("account") ?? "")
        }
        router.get("/v1/datasets") { _, _ in
            let market = node.ledger.state.market
            let list = market.datasets.values.sorted { $0.id < $1.id }.map { NodeJSON.dataset($0, market: market, full: false) }
            return NodeHTTP.json(.object([("datasets", .array(list))]))
        }
        router.get("/v1/datasets/{id}") { _, context in
            let id = DatasetID(context.parameters.get("id") ?? "")
            let market = node.ledger.state.market
            guard let dataset = market.dataset(id) else {
                throw NodeRefusal(.notFound, "not_found", "no dataset \(id.rawValue.prefix(64))")
            }
            return NodeHTTP.json(NodeJSON.dataset(dataset, market: market, full: true))
        }
        router.get("/v1/audit/{owner}") { _, context in try await node.audit(context.parameters.get("owner") ?? "") }
        relay.routes(router, maxBodyBytes: limits.maxBodyBytes)
        return router
    }

    /// Serves on `host:port` until SIGTERM or SIGINT, then stops accepting, lets in-flight requests finish,
    /// commits what is queued and returns. `onReady` receives the bound port (useful with port 0).
    public func run(host: String, port: Int, onReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "datafi-node"),
            services: [sequencer],
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? port) },
            logger: logger)
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    // MARK: Routes

    func postTransactions(_ request: Request) async throws -> Response {
        let bytes: [UInt8]
        do {
            bytes = Array(try await request.body.collect(upTo: limits.maxBodyBytes).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw NodeRefusal(.contentTooLarge, "body_too_large", "request body larger than \(limits.maxBodyBytes) bytes")
        }
        let tree: JSONValue
        do { tree = try CanonicalJSON.parse(bytes) } catch { throw NodeRefusal(error) }
        let items: [JSONValue]
        switch tree {
        case .array(let list): items = list
        case .object: items = [tree]
        default: throw NodeRefusal(.badRequest, "invalid_field", "body must be an envelope or an array of envelopes")
        }
        guard !items.isEmpty else { throw NodeRefusal(.badRequest, "invalid_field", "no envelopes") }
        guard items.count <= limits.maxEnvelopesPerRequest else {
            throw NodeRefusal(.contentTooLarge, "too_many_envelopes",
                              "\(items.count) envelopes (limit \(limits.maxEnvelopesPerRequest) per request)")
        }
        var envelopes: [Envelope<Transaction>] = []
        envelopes.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            do { envelopes.append(try Envelope<Transaction>(json: CanonicalJSON.serialize(item))) } catch {
                throw NodeRefusal(.badRequest, error.code, "envelope \(i): \(error.description)")
            }
        }
        let results = try await sequencer.submit(envelopes)
        return NodeHTTP.json(.object([("receipts", .array(results.map(NodeJSON.receipt)))]))
    }

    func inclusion(_ request: Request) async throws -> Response {
        let index = try NodeHTTP.uint(request, "index")
        let requestedSize = try NodeHTTP.optionalUInt(request, "size")
        return try await NodeHTTP.offload {
            let ledger = self.ledger
            let size = requestedSize ?? ledger.size
            guard size <= ledger.size else {
                throw NodeRefusal(.badRequest, "invalid_range", "size \(size) is beyond the log's \(ledger.size)")
            }
            guard index < size else {
                throw NodeRefusal(.badRequest, "index_out_of_range", "index \(index) not below size \(size)")
            }
            let proof = try ledger.inclusionProof(index: index, size: size)
            return NodeHTTP.json(.object([
                ("leafIdx", NodeHTTP.int(index)), ("treeSize", NodeHTTP.int(size)),
                ("root", NodeHTTP.b64(try ledger.root(size: size))),
                ("leafHash", NodeHTTP.b64(try ledger.store.node(level: 0, index: index))),
                ("proof", NodeHTTP.hashes(proof)),
            ]))
        }
    }

    func consistency(_ request: Request) async throws -> Response {
        let from = try NodeHTTP.uint(request, "from")
        let requestedTo = try NodeHTTP.optionalUInt(request, "to")
        return try await NodeHTTP.offload {
            let ledger = self.ledger
            let to = requestedTo ?? ledger.size
            guard from <= to, to <= ledger.size else {
                throw NodeRefusal(.badRequest, "invalid_range", "need from ≤ to ≤ \(ledger.size), got \(from)..\(to)")
            }
            let proof = try ledger.consistencyProof(size1: from, size2: to)
            return NodeHTTP.json(.object([
                ("size1", NodeHTTP.int(from)), ("size2", NodeHTTP.int(to)),
                ("root1", NodeHTTP.b64(try ledger.root(size: from))), ("root2", NodeHTTP.b64(try ledger.root(size: to))),
                ("proof", NodeHTTP.hashes(proof)),
            ]))
        }
    }

    func entries(_ request: Request) async throws -> Response {
        let from = try NodeHTTP.uint(request, "from", fallback: 0)
        let count = try NodeHTTP.uint(request, "count", fallback: 100)
        guard count <= limits.maxEntriesPerPage else {
            throw NodeRefusal(.badRequest, "bad_query", "count \(count) exceeds \(limits.maxEntriesPerPage)")
        }
        return try await NodeHTTP.offload {
            let ledger = self.ledger
            guard from <= ledger.size else {
                throw NodeRefusal(.badRequest, "invalid_range", "from \(from) is beyond the log's \(ledger.size)")
            }
            let n = min(count, ledger.size - from)
            let leaves = n == 0 ? [] : try ledger.store.leaves(from: from, count: n)
            let list: [JSONValue] = try leaves.enumerated().map { (offset, data) throws(LedgerError) in
                let entry = try LogEntry<Transaction>(encoded: data)
                var members: [(String, JSONValue)] = [
                    ("index", NodeHTTP.int(from + UInt64(offset))), ("leaf_hash", NodeHTTP.b64(MerkleTree.leafHash(data))),
                    ("data", NodeHTTP.b64(data)), ("time", NodeHTTP.int(entry.time)),
                    ("status", .string(entry.outcome == .applied ? "applied" : "refused")),
                    ("envelope", try CanonicalJSON.parse(entry.envelope.json())),
                ]
                if let code = entry.outcome.errorCode { members.append(("error", .string(code))) }
                return .object(members)
            }
            return NodeHTTP.json(.object([("size", NodeHTTP.int(ledger.size)), ("entries", .array(list))]))
        }
    }

    func account(_ text: String) async throws -> Response {
        let account = AccountID(text)
        guard account.isValid else { throw NodeRefusal(.badRequest, "invalid_account", "invalid account \(text.prefix(80))") }
        let ledger = self.ledger
        let market = ledger.state.market
        let balances: [(String, JSONValue)] = market.tokens.keys.sorted().compactMap { token in
            let amount = market.balance(of: account, in: token)
            return amount.isZero ? nil : (token.rawValue, .string(amount.description))
        }
        var nonce: UInt64 = 0
        if text.utf8.count == 64, let key = NodeJSON.hex(text) { nonce = ledger.nonces[key] ?? 0 }
        return NodeHTTP.json(.object([("account", .string(text)), ("balances", .object(balances)),
                                      ("nextNonce", .string(String(nonce)))]))
    }

    func audit(_ text: String) async throws -> Response {
        let owner = AccountID(text)
        guard owner.isValid else { throw NodeRefusal(.badRequest, "invalid_account", "invalid account \(text.prefix(80))") }
        let key = operatorKey
        return try await NodeHTTP.offload {
            let ledger = self.ledger
            let audit = try ledger.accessAudit(owner: owner)
            let items: [JSONValue] = try audit.items.map { item throws(LedgerError) in
                .object([("index", NodeHTTP.int(item.entryIndex)), ("leafHash", NodeHTTP.b64(item.leafHash)),
                         ("proof", NodeHTTP.hashes(item.proof)),
                         ("access", try CanonicalJSON.parse(try CanonicalJSON.encode(item.record)))])
            }
            return NodeHTTP.json(.object([
                ("owner", .string(text)), ("treeSize", NodeHTTP.int(audit.checkpoint.size)),
                ("root", NodeHTTP.b64(audit.checkpoint.root)),
                ("checkpoint", .string(try audit.checkpoint.signed(with: key))), ("accesses", .array(items)),
            ]))
        }
    }
}

/// Counts answers by status class.
struct CountingMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: NodeMetrics
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        switch response.status.code {
        case 500...: metrics.serverErrors.increment()
        case 400..<500: metrics.clientErrors.increment()
        default: metrics.requests.increment()
        }
        return response
    }
}

/// JSON shapes of the node's answers.
public enum NodeJSON {
    /// A receipt: `{"index","leaf_hash","status","error"?}` for a logged envelope, `{"rejected","message"}`
    /// for one refused before logging (the shapes of `datafi ledger submit`).
    public static func receipt(_ result: SubmitResult) -> JSONValue {
        switch result {
        case .logged(let index, let hash, let outcome):
            var members: [(String, JSONValue)] = [("index", NodeHTTP.int(index)), ("leaf_hash", NodeHTTP.b64(hash)),
                                                  ("status", .string(outcome == .applied ? "applied" : "refused"))]
            if let code = outcome.errorCode { members.append(("error", .string(code))) }
            return .object(members)
        case .rejected(let error):
            return .object([("rejected", .string(error.code)), ("message", .string(error.description))])
        }
    }

    static func dataset(_ d: Dataset, market: Market, full: Bool) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(d.id.rawValue)), ("maker", .string(d.maker.rawValue)), ("title", .string(d.title)),
            ("description", .string(d.description)), ("keywords", .array(d.keywords.map { .string($0) })),
            ("license", .string(d.license)), ("createdAt", NodeHTTP.int(d.createdAt)),
            ("rewardPerJoin", .string(d.rewardPerJoin.description)),
            ("assets", NodeHTTP.int(UInt64(market.assets(in: d.id).count))),
            ("spotPrice", market.spotPrice(of: d.id).map { .string($0.description) } ?? .null),
        ]
        if full {
            let (data, base) = d.reserves
            members += [("requirements", .string(d.requirements)),
                        ("usageScenarios", .array(d.usageScenarios.map { .string($0) })),
                        ("dataReserve", .string(data.description)), ("baseReserve", .string(base.description)),
                        ("rewardReserve", .string(d.rewardReserve.description))]
        }
        return .object(members)
    }

    static func hex(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var it = text.utf8.makeIterator()
        while let hi = it.next() {
            guard let lo = it.next(), let a = nibble(hi), let b = nibble(lo) else { return nil }
            out.append(a << 4 | b)
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }
}
