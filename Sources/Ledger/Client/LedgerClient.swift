import DataFiHTTPClient
import DataFiLedger
import DataFiSodium
import Foundation
import NIOCore
import NIOHTTP1

/// Why a call to a ledger node failed.
public enum LedgerClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The base URL is not an http(s) URL.
    case invalidURL(String)
    /// The node could not be reached or did not answer in time (after the retries).
    case unreachable(String)
    /// The node answered with an error status: its code and message (`Retry-After` seconds for a 503).
    case refused(status: Int, code: String, message: String, retryAfter: Int?)
    /// The answer is not what the API promises.
    case malformed(String)
    /// A checkpoint signature or a proof the client checked does not verify.
    case verificationFailed(String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .invalidURL(let url): "not an http(s) URL: \(url)"
        case .unreachable(let why): "node unreachable: \(why)"
        case .refused(let status, let code, let message, _): "node refused (\(status) \(code)): \(message)"
        case .malformed(let why): "malformed answer: \(why)"
        case .verificationFailed(let why): "verification failed: \(why)"
        }
    }
}

/// Per-request timeout and retries of failed reads.
public struct LedgerClientOptions: Sendable {
    /// Time allowed for one request, in seconds.
    public var timeout: Double
    /// Further attempts of a read (GET) after a connection failure or timeout. Submissions are never
    /// retried by the client: resubmitting is safe (a logged envelope's nonce is spent) but is the caller's call.
    public var retries: Int
    /// Pause before the first retry, in seconds; doubled for each further retry.
    public var backoff: Double
    /// Largest answer accepted, in bytes.
    public var maxAnswerBytes: Int

    /// 60 s per request, 2 retries, 0.2 s back-off, answers up to 64 MiB.
    public init(timeout: Double = 60, retries: Int = 2, backoff: Double = 0.2, maxAnswerBytes: Int = 64 << 20) {
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.maxAnswerBytes = maxAnswerBytes
    }
}

/// What the node did with one submitted envelope.
public enum LedgerReceipt: Equatable, Sendable {
    /// Logged durably at `index`; `error` is the state machine's refusal code when it refused it.
    case logged(index: UInt64, leafHash: LogHash, applied: Bool, error: String?)
    /// Refused before logging (bad signature, wrong nonce, expired…): nothing logged.
    case rejected(code: String, message: String)
}

/// An inclusion proof as served (`leafIdx`, `treeSize`, `root`, `leafHash`, `proof`).
public struct InclusionProof: Equatable, Sendable {
    public let index: UInt64, size: UInt64, root: LogHash, leafHash: LogHash, proof: [LogHash]
    /// A proof to check.
    public init(index: UInt64, size: UInt64, root: LogHash, leafHash: LogHash, proof: [LogHash]) {
        self.index = index
        self.size = size
        self.root = root
        self.leafHash = leafHash
        self.proof = proof
    }
    /// Whether the proof links the leaf hash to the root.
    public var isValid: Bool {
        MerkleTree.verifyInclusion(index: index, size: size, leafHash: leafHash, proof: proof, root: root)
    }
}

/// A consistency proof as served (`size1`, `size2`, `root1`, `root2`, `proof`).
public struct ConsistencyProof: Equatable, Sendable {
    public let size1: UInt64, size2: UInt64, root1: LogHash, root2: LogHash, proof: [LogHash]
    /// A proof to check.
    public init(size1: UInt64, size2: UInt64, root1: LogHash, root2: LogHash, proof: [LogHash]) {
        self.size1 = size1
        self.size2 = size2
        self.root1 = root1
        self.root2 = root2
        self.proof = proof
    }
    /// Whether the proof shows the tree of `size1` is a prefix of the tree of `size2`.
    public var isValid: Bool {
        MerkleTree.verifyConsistency(size1: size1, size2: size2, root1: root1, root2: root2, proof: proof)
    }
}

/// One log entry as served; its leaf hash is checked against its data.
public struct LedgerEntry: Equatable, Sendable {
    public let index: UInt64
    public let leafHash: LogHash
    /// The leaf data (decode with `LogEntry(encoded:)`).
    public let data: [UInt8]
}

/// An account's balances (token symbol → raw amount, decimal) and its signer's next nonce.
public struct LedgerAccount: Equatable, Sendable {
    public let account: String
    public let balances: [String: String]
    public let nextNonce: UInt64
}

/// A small async client for a ledger node. Given the operator's public key, it verifies every checkpoint
/// it receives and the proofs it fetches against them.
public struct LedgerClient: Sendable {
    let service: HTTPService
    /// The operator's key; checkpoints are verified against it when set.
    public let operatorKey: Signing.PublicKey?

    /// A client for the node at `url` (`http://host:port`).
    /// - Throws: ``LedgerClientError/invalidURL(_:)``.
    public init(url: String, operatorKey: Signing.PublicKey? = nil, options: LedgerClientOptions = .init())
        throws(LedgerClientError)
    {
        let call = HTTPCallOptions(timeout: options.timeout, retries: options.retries, backoff: options.backoff,
                                   maxAnswerBytes: options.maxAnswerBytes)
        do { service = try HTTPService(url: url, options: call) } catch { throw .invalidURL(url) }
        self.operatorKey = operatorKey
    }

    // MARK: Transport

    /// Sends one request; returns the body. Reads are retried after connection failures.
    func call(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil) async throws(LedgerClientError) -> [UInt8] {
        let answer: HTTPAnswer
        do {
            answer = try await service.call(method, path, body: body, contentType: "application/json", retry: method == .GET)
        } catch {
            switch error {
            case .answerTooLarge(let limit): throw .malformed("answer larger than \(limit) bytes")
            case .unreachable(let why): throw .unreachable(why)
            case .invalidURL(let url): throw .invalidURL(url)
            }
        }
        guard answer.isSuccess else {
            var code = "http_\(answer.status)", message = String(decoding: answer.body.prefix(300), as: UTF8.self)
            if let tree = try? CanonicalJSON.parse(answer.body), case .string(let c)? = tree["error"],
               case .string(let m)? = tree["message"] {
                code = c
                message = m
            }
            throw .refused(status: answer.status, code: code, message: message,
                           retryAfter: answer.headers.first(name: "retry-after").flatMap { Int($0) })
        }
        return answer.body
    }

    func getJSON(_ path: String) async throws(LedgerClientError) -> JSONValue {
        let bytes = try await call(.GET, path)
        do { return try CanonicalJSON.parse(bytes) } catch { throw .malformed("\(path): \(error)") }
    }

    // MARK: Writing

    /// Submits envelopes given in their JSON form (at most 1,000); returns one receipt per envelope, in order,
    /// after the node made them durable.
    public func submit(json envelopes: [[UInt8]]) async throws(LedgerClientError) -> [LedgerReceipt] {
        var body: [UInt8] = [UInt8(ascii: "[")]
        for (i, envelope) in envelopes.enumerated() {
            if i > 0 { body.append(UInt8(ascii: ",")) }
            body += envelope
        }
        body.append(UInt8(ascii: "]"))
        let bytes = try await call(.POST, "/v1/transactions", body: body)
        guard let tree = try? CanonicalJSON.parse(bytes), case .array(let items)? = tree["receipts"],
              items.count == envelopes.count else { throw .malformed("receipts") }
        return try items.map { (item) throws(LedgerClientError) in try Self.receipt(item) }
    }

    /// Submits signed envelopes.
    public func submit<T>(_ envelopes: [Envelope<T>]) async throws(LedgerClientError) -> [LedgerReceipt] {
        try await submit(json: envelopes.map { $0.json() })
    }

    static func receipt(_ item: JSONValue) throws(LedgerClientError) -> LedgerReceipt {
        if case .string(let code)? = item["rejected"] {
            guard case .string(let message)? = item["message"] else { throw .malformed("receipt message") }
            return .rejected(code: code, message: message)
        }
        guard case .string(let status)? = item["status"], status == "applied" || status == "refused" else {
            throw .malformed("receipt status")
        }
        var error: String?
        if case .string(let e)? = item["error"] { error = e }
        return .logged(index: try uint(item, "index"), leafHash: try hash(item, "leaf_hash"), applied: status == "applied",
                       error: error)
    }

    // MARK: Reading

    /// The current signed checkpoint note, as served.
    public func checkpointNote() async throws(LedgerClientError) -> String {
        String(decoding: try await call(.GET, "/v1/checkpoint"), as: UTF8.self)
    }

    /// The current checkpoint: its signature verified when the client has the operator's key, else only parsed.
    public func checkpoint() async throws(LedgerClientError) -> Checkpoint {
        try open(note: try await checkpointNote())
    }

    /// Opens a note: verified against the operator's key when the client has it.
    public func open(note: String) throws(LedgerClientError) -> Checkpoint {
        do throws(LedgerError) {
            if let operatorKey { return try Checkpoint.verify(note: note, publicKey: operatorKey) }
            guard let range = note.range(of: "\n\n") else { throw LedgerError.malformedCheckpoint("no signature block") }
            return try Checkpoint(text: String(note[..<range.lowerBound]) + "\n")
        } catch .badSignature {
            throw .verificationFailed("checkpoint is not signed by the operator's key")
        } catch {
            throw .malformed("checkpoint: \(error)")
        }
    }

    /// The inclusion proof of entry `index` in the tree of `size` entries (default: the current size);
    /// checked to link its leaf hash to its root.
    public func inclusionProof(index: UInt64, size: UInt64? = nil) async throws(LedgerClientError) -> InclusionProof {
        let tree = try await getJSON("/v1/proofs/inclusion?index=\(index)" + (size.map { "&size=\($0)" } ?? ""))
        let proof = InclusionProof(index: try Self.uint(tree, "leafIdx"), size: try Self.uint(tree, "treeSize"),
                                   root: try Self.hash(tree, "root"), leafHash: try Self.hash(tree, "leafHash"),
                                   proof: try Self.hashes(tree, "proof"))
        guard proof.index == index, size == nil || proof.size == size else { throw .malformed("proof for another index or size") }
        guard proof.isValid else { throw .verificationFailed("inclusion proof of entry \(index)") }
        return proof
    }

    /// Proves that entry `index` with `leafHash` is in the log: fetches the (verified) current checkpoint and
    /// an inclusion proof against its root.
    public func proveInclusion(index: UInt64, leafHash: LogHash) async throws(LedgerClientError) -> (Checkpoint, InclusionProof) {
        let checkpoint = try await self.checkpoint()
        let proof = try await inclusionProof(index: index, size: checkpoint.size)
        guard proof.root == checkpoint.root else { throw .verificationFailed("proof root is not the checkpoint's root") }
        guard proof.leafHash == leafHash else { throw .verificationFailed("entry \(index) has another leaf hash") }
        return (checkpoint, proof)
    }

    /// The consistency proof between the trees of `from` and `to` entries; checked.
    public func consistencyProof(from: UInt64, to: UInt64) async throws(LedgerClientError) -> ConsistencyProof {
        let tree = try await getJSON("/v1/proofs/consistency?from=\(from)&to=\(to)")
        let proof = ConsistencyProof(size1: try Self.uint(tree, "size1"), size2: try Self.uint(tree, "size2"),
                                     root1: try Self.hash(tree, "root1"), root2: try Self.hash(tree, "root2"),
                                     proof: try Self.hashes(tree, "proof"))
        guard proof.size1 == from, proof.size2 == to else { throw .malformed("proof for other sizes") }
        // Every tree extends the empty tree: from 0 the proof is empty (RFC 9162 defines none).
        guard from == 0 ? proof.proof.isEmpty : proof.isValid else {
            throw .verificationFailed("consistency proof \(from)..\(to)")
        }
        return proof
    }

    /// Checks that `newer` extends `older` (append-only): a verified consistency proof between their roots.
    public func verifyAppendOnly(from older: Checkpoint, to newer: Checkpoint) async throws(LedgerClientError) {
        guard older.size <= newer.size else { throw .verificationFailed("the newer checkpoint is smaller") }
        let proof = try await consistencyProof(from: older.size, to: newer.size)
        guard proof.root1 == older.root, proof.root2 == newer.root else {
            throw .verificationFailed("checkpoints \(older.size) and \(newer.size) are not consistent")
        }
    }

    /// Entries from `from`, at most `count`; each leaf hash is checked against its data.
    public func entries(from: UInt64, count: UInt64) async throws(LedgerClientError) -> [LedgerEntry] {
        let tree = try await getJSON("/v1/entries?from=\(from)&count=\(count)")
        guard case .array(let items)? = tree["entries"] else { throw .malformed("entries") }
        return try items.enumerated().map { (offset, item) throws(LedgerClientError) in
            guard case .string(let text)? = item["data"], let data = Data(base64Encoded: text) else { throw .malformed("entry data") }
            let entry = LedgerEntry(index: try Self.uint(item, "index"), leafHash: try Self.hash(item, "leaf_hash"), data: Array(data))
            guard entry.index == from + UInt64(offset) else { throw .malformed("entry index") }
            guard MerkleTree.leafHash(entry.data) == entry.leafHash else { throw .verificationFailed("leaf hash of entry \(entry.index)") }
            return entry
        }
    }

    /// An account's balances and next nonce.
    public func account(_ account: String) async throws(LedgerClientError) -> LedgerAccount {
        let tree = try await getJSON("/v1/accounts/\(Self.escape(account))")
        guard case .object(let members)? = tree["balances"], case .string(let nonce)? = tree["nextNonce"],
              let next = UInt64(nonce) else { throw .malformed("account") }
        var balances: [String: String] = [:]
        for (token, value) in members {
            guard case .string(let amount) = value else { throw .malformed("balance") }
            balances[token] = amount
        }
        return LedgerAccount(account: account, balances: balances, nextNonce: next)
    }

    /// Every dataset (summaries), as served.
    public func datasets() async throws(LedgerClientError) -> [JSONValue] {
        guard case .array(let list)? = try await getJSON("/v1/datasets")["datasets"] else { throw .malformed("datasets") }
        return list
    }

    /// One dataset, as served.
    public func dataset(_ id: String) async throws(LedgerClientError) -> JSONValue {
        try await getJSON("/v1/datasets/\(Self.escape(id))")
    }

    /// Every access to `owner`'s assets with its inclusion proof; the checkpoint (verified when the client has
    /// the operator's key) and every proof against its root are checked. Returns the checkpoint and the
    /// accesses (`index`, `leafHash`, `proof`, `access`).
    public func audit(owner: String) async throws(LedgerClientError) -> (Checkpoint, [JSONValue]) {
        let tree = try await getJSON("/v1/audit/\(Self.escape(owner))")
        guard case .string(let note)? = tree["checkpoint"], case .array(let items)? = tree["accesses"] else {
            throw .malformed("audit")
        }
        let checkpoint = try open(note: note)
        for item in items {
            let index = try Self.uint(item, "index")
            guard MerkleTree.verifyInclusion(index: index, size: checkpoint.size, leafHash: try Self.hash(item, "leafHash"),
                                             proof: try Self.hashes(item, "proof"), root: checkpoint.root) else {
                throw .verificationFailed("access at entry \(index)")
            }
        }
        return (checkpoint, items)
    }

    /// Whether `GET /healthz` answers ok.
    public func health() async throws(LedgerClientError) -> Bool {
        if case .string("ok")? = try await getJSON("/healthz")["status"] { return true }
        return false
    }

    /// The Prometheus text of `GET /metrics`.
    public func metrics() async throws(LedgerClientError) -> String {
        String(decoding: try await call(.GET, "/metrics"), as: UTF8.self)
    }

    /// The OpenAPI document of `GET /openapi.json`.
    public func openAPIDocument() async throws(LedgerClientError) -> String {
        String(decoding: try await call(.GET, "/openapi.json"), as: UTF8.self)
    }

    // MARK: Parsing

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    static func uint(_ tree: JSONValue, _ key: String) throws(LedgerClientError) -> UInt64 {
        guard case .number(let text)? = tree[key], let v = UInt64(text) else { throw .malformed("\(key) is not an integer") }
        return v
    }

    static func hash(_ tree: JSONValue, _ key: String) throws(LedgerClientError) -> LogHash {
        guard case .string(let text)? = tree[key], let data = Data(base64Encoded: text), data.count == 32 else {
            throw .malformed("\(key) is not a base64 hash")
        }
        return Array(data)
    }

    static func hashes(_ tree: JSONValue, _ key: String) throws(LedgerClientError) -> [LogHash] {
        guard case .array(let items)? = tree[key], items.count <= 128 else { throw .malformed("\(key) is not a list") }
        return try items.map { (item) throws(LedgerClientError) in
            guard case .string(let text) = item, let data = Data(base64Encoded: text), data.count == 32 else {
                throw .malformed("\(key) holds a non-hash")
            }
            return Array(data)
        }
    }
}
