import DataFiLedger
import DataFiLedgerClient
import DataFiMarket
import DataFiSodium
import Foundation
import NIOHTTP1
import Testing

@Suite(.serialized) struct NodeEndToEndTests {
    @Test func submitProveAndVerifyOverLoopback() async throws {
        let dir = try NodeProcess.temporaryDirectory()
        let node = try NodeProcess(directory: dir)
        defer { node.stop() }
        let client = try node.client()
        #expect(try await client.health())
        let key = try node.operatorKey()
        let empty = try await client.checkpoint()
        #expect(empty.size == 0 && empty.origin == node.origin)

        // The operator holds the whole supply: six transfers with consecutive nonces, then a replayed nonce.
        let bob = AccountID(publicKey: Signing.PrivateKey().publicKey)
        let envelopes = try (0..<6).map { n in
            try Envelope.sign(Transaction.transfer(token: "ALITA", to: bob, amount: Market.unit), origin: node.origin,
                              nonce: UInt64(n), deadline: UInt64.max / 2, with: key)
        }
        let first = try await client.submit([envelopes[0]])
        let rest = try await client.submit(Array(envelopes[1...]) + [envelopes[0]])
        let receipts = first + rest
        #expect(receipts.count == 7)
        for (i, receipt) in receipts.prefix(6).enumerated() {
            guard case .logged(let index, let hash, let applied, let error) = receipt else {
                Issue.record("receipt \(i) not logged: \(receipt)")
                continue
            }
            #expect(index == UInt64(i) && applied && error == nil)
            let (checkpoint, proof) = try await client.proveInclusion(index: index, leafHash: hash)
            #expect(checkpoint.size == 6 && proof.isValid)
        }
        guard case .rejected(let code, _) = receipts[6] else { Issue.record("replayed nonce logged"); return }
        #expect(code == "wrong_nonce")

        let checkpoint = try await client.checkpoint()
        #expect(checkpoint.size == 6)
        try await client.verifyAppendOnly(from: empty, to: checkpoint)
        let account = try await client.account(bob.rawValue)
        #expect(account.balances["ALITA"] == (Market.unit * 6).description)
        let sender = try await client.account(AccountID(publicKey: key.publicKey).rawValue)
        #expect(sender.nextNonce == 6)
        let entries = try await client.entries(from: 2, count: 10)
        #expect(entries.map(\.index) == [2, 3, 4, 5])
        #expect(try LogEntry<Transaction>(encoded: entries[0].data).envelope.nonce == 2)
        #expect(try await client.datasets().isEmpty)
        let (auditCheckpoint, accesses) = try await client.audit(owner: bob.rawValue)
        #expect(auditCheckpoint.size == 6 && accesses.isEmpty)
        let metrics = try await client.metrics()
        #expect(metrics.contains("datafi_node_logged_entries_total 6"))

        // Another key does not verify the node's checkpoints; a tampered proof is caught.
        let stranger = try LedgerClient(url: node.url, operatorKey: Signing.PrivateKey().publicKey)
        await #expect(throws: LedgerClientError.verificationFailed("checkpoint is not signed by the operator's key")) {
            _ = try await stranger.checkpoint()
        }
        var proof = try await client.inclusionProof(index: 3, size: 6)
        proof = InclusionProof(index: 4, size: proof.size, root: proof.root, leafHash: proof.leafHash, proof: proof.proof)
        #expect(!proof.isValid)

        // SIGTERM drains and exits 0; a restart serves the same checkpoint.
        #expect(node.stop() == 0)
        let again = try NodeProcess(directory: dir)
        defer { again.stop() }
        #expect(try await again.client().checkpoint() == checkpoint)
    }

    @Test func hostileRequestsGetFourHundredsWithTheErrorShape() async throws {
        let node = try NodeProcess(directory: try NodeProcess.temporaryDirectory())
        defer { node.stop() }
        let envelope = try freshTransfers(1, origin: node.origin)[0]
        var badSigner = String(decoding: envelope.json(), as: UTF8.self)
        badSigner = badSigner.replacingOccurrences(of: Hex.encode(envelope.signer.rawRepresentation), with: "XYZ")
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        let cases: [(String, HTTPMethodName, String, [UInt8]?, Int)] = [
            ("huge body", .POST, "/v1/transactions", [UInt8](repeating: 0x20, count: 9 << 20), 413),
            ("deep JSON", .POST, "/v1/transactions", Array(deep.utf8), 400),
            ("not JSON", .POST, "/v1/transactions", Array("{\"origin\":".utf8), 400),
            ("bad envelope", .POST, "/v1/transactions", Array(badSigner.utf8), 400),
            ("unknown field", .POST, "/v1/transactions", Array("{\"x\":1}".utf8), 400),
            ("empty array", .POST, "/v1/transactions", Array("[]".utf8), 400),
            ("number body", .POST, "/v1/transactions", Array("7".utf8), 400),
            ("too many", .POST, "/v1/transactions",
             Array(("[" + Array(repeating: "{}", count: 1001).joined(separator: ",") + "]").utf8), 413),
            ("index not a number", .GET, "/v1/proofs/inclusion?index=abc", nil, 400),
            ("index negative", .GET, "/v1/proofs/inclusion?index=-1", nil, 400),
            ("index leading zero", .GET, "/v1/proofs/inclusion?index=01", nil, 400),
            ("index missing", .GET, "/v1/proofs/inclusion", nil, 400),
            ("index beyond", .GET, "/v1/proofs/inclusion?index=0", nil, 400),
            ("size beyond", .GET, "/v1/proofs/inclusion?index=0&size=99", nil, 400),
            ("index overflow", .GET, "/v1/proofs/inclusion?index=18446744073709551616", nil, 400),
            ("twice", .GET, "/v1/proofs/consistency?from=0&from=0", nil, 400),
            ("from > to", .GET, "/v1/proofs/consistency?from=2&to=1", nil, 400),
            ("entries beyond", .GET, "/v1/entries?from=5", nil, 400),
            ("entries count", .GET, "/v1/entries?from=0&count=100000", nil, 400),
            ("bad account", .GET, "/v1/accounts/not%20an%20account", nil, 400),
            ("bad owner", .GET, "/v1/audit/" + String(repeating: "a", count: 65), nil, 400),
            ("unknown dataset", .GET, "/v1/datasets/NOPE", nil, 404),
            ("unknown route", .GET, "/v2/everything", nil, 404),
            ("wrong method", .DELETE, "/v1/checkpoint", nil, 0),
        ]
        for (name, method, path, body, status) in cases {
            let answer = try await raw(method.method, node.url + path, body: body)
            if status == 0 {
                #expect((400..<500).contains(answer.status), "\(name): \(answer.status)")
            } else {
                #expect(answer.status == status, "\(name): \(answer.status) \(answer.text)")
            }
            let shape = answer.json
            guard case .string(let code)? = shape?["error"], case .string? = shape?["message"],
                  case .object(let members)? = shape, members.count == 2 else {
                Issue.record("\(name): not the error shape: \(answer.text)")
                continue
            }
            #expect(!code.isEmpty)
        }
        // The node is still healthy and logged nothing.
        #expect(try await node.client().checkpoint().size == 0)
    }

    @Test func everyReceiptSurvivesSigkillUnderLoad() async throws {
        let dir = try NodeProcess.temporaryDirectory()
        let node = try NodeProcess(directory: dir)
        let client = try node.client()
        let origin = node.origin
        let batches = try (0..<1000).map { _ in try freshTransfers(10, origin: origin) }
        let queue = Batches(batches)
        // Eight writers; the node is killed while they run (once 150 batches were taken, however fast the
        // machine is). Receipts returned before the kill are kept.
        let collected = await withTaskGroup(of: [(UInt64, LogHash)].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var mine: [(UInt64, LogHash)] = []
                    while let batch = queue.next() {
                        guard let receipts = try? await client.submit(batch) else { break }
                        for case .logged(let index, let hash, _, _) in receipts { mine.append((index, hash)) }
                    }
                    return mine
                }
            }
            group.addTask {
                while queue.taken < 150 { try? await Task.sleep(nanoseconds: 1_000_000) }
                node.kill()
                return []
            }
            var all: [(UInt64, LogHash)] = []
            for await part in group { all += part }
            return all
        }
        #expect(collected.count > 0)
        #expect(queue.taken < 1000, "the node was killed after every batch was sent; the test proved nothing")
        let again = try NodeProcess(directory: dir)
        defer { again.stop() }
        let restarted = try again.client()
        let checkpoint = try await restarted.checkpoint()
        #expect(checkpoint.size >= UInt64(collected.count))
        var byIndex: [UInt64: LogHash] = [:]
        var from: UInt64 = 0
        while from < checkpoint.size {
            for entry in try await restarted.entries(from: from, count: 1000) { byIndex[entry.index] = entry.leafHash }
            from += 1000
        }
        for (index, hash) in collected { #expect(byIndex[index] == hash, "receipt \(index) lost") }
        // A few receipts are proven against the restarted node's signed checkpoint.
        for (index, hash) in collected.prefix(3) { _ = try await restarted.proveInclusion(index: index, leafHash: hash) }
    }
}

extension NodeEndToEndTests {
    @Test func sigtermUnderLoadDrainsAndExitsZero() async throws {
        let dir = try NodeProcess.temporaryDirectory()
        let node = try NodeProcess(directory: dir)
        let client = try node.client()
        let queue = Batches(try (0..<1000).map { _ in try freshTransfers(10, origin: node.origin) })
        let (collected, status) = await withTaskGroup(of: ([(UInt64, LogHash)], Int32?).self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var mine: [(UInt64, LogHash)] = []
                    while let batch = queue.next() {
                        guard let receipts = try? await client.submit(batch) else { break }
                        for case .logged(let index, let hash, _, _) in receipts { mine.append((index, hash)) }
                    }
                    return (mine, nil)
                }
            }
            group.addTask {
                // Stopped under load: once 150 batches were taken, however fast the machine is.
                while queue.taken < 150 { try? await Task.sleep(nanoseconds: 1_000_000) }
                return ([], node.stop())
            }
            var all: [(UInt64, LogHash)] = [], status: Int32?
            for await (part, code) in group {
                all += part
                if let code { status = code }
            }
            return (all, status)
        }
        #expect(status == 0, "SIGTERM must drain and exit 0")
        #expect(queue.taken < 1000, "the node stopped after every batch was sent; the test proved nothing")
        let again = try NodeProcess(directory: dir)
        defer { again.stop() }
        let restarted = try again.client()
        let size = try await restarted.checkpoint().size
        var logged: [UInt64: LogHash] = [:]
        var from: UInt64 = 0
        while from < size {
            for entry in try await restarted.entries(from: from, count: 1000) { logged[entry.index] = entry.leafHash }
            from += 1000
        }
        #expect(collected.count > 0)
        for (index, hash) in collected { #expect(logged[index] == hash, "receipt \(index) lost") }
    }
}

extension NodeEndToEndTests {
    @Test func aFullQueueAnswers503WithRetryAfter() async throws {
        let node = try NodeProcess(directory: try NodeProcess.temporaryDirectory(), extra: ["--max-queued", "10"])
        defer { node.stop() }
        let bodies = try (0..<64).map { _ in
            Array(("[" + (try freshTransfers(10, origin: node.origin)).map { String(decoding: $0.json(), as: UTF8.self) }
                .joined(separator: ",") + "]").utf8)
        }
        let answers = try await withThrowingTaskGroup(of: RawAnswer.self) { group in
            for body in bodies { group.addTask { try await raw(.POST, node.url + "/v1/transactions", body: body) } }
            var all: [RawAnswer] = []
            for try await answer in group { all.append(answer) }
            return all
        }
        let refused = answers.filter { $0.status == 503 }
        #expect(answers.allSatisfy { $0.status == 200 || $0.status == 503 })
        #expect(!refused.isEmpty, "64 concurrent requests never filled a queue of 10")
        for answer in refused {
            #expect(answer.headers.first(name: "retry-after") == "1")
            guard case .string("overloaded")? = answer.json?["error"] else { Issue.record("\(answer.text)"); continue }
        }
        // A request larger than the whole queue can never fit: 413, not a 503 to retry.
        let tooBig = Array(("[" + (try freshTransfers(11, origin: node.origin)).map { String(decoding: $0.json(), as: UTF8.self) }
            .joined(separator: ",") + "]").utf8)
        #expect(try await raw(.POST, node.url + "/v1/transactions", body: tooBig).status == 413)
        #expect(try await node.client().checkpoint().size == UInt64(10 * (answers.count - refused.count)))
    }
}

final class Batches: @unchecked Sendable {
    private let items: [[Envelope<Transaction>]]
    private var position = 0
    private let lock = NSLock()
    init(_ items: [[Envelope<Transaction>]]) { self.items = items }
    var taken: Int { lock.withLock { position } }
    func next() -> [Envelope<Transaction>]? {
        lock.withLock {
            guard position < items.count else { return nil }
            position += 1
            return items[position - 1]
        }
    }
}

enum HTTPMethodName {
    case GET, POST, DELETE
    var method: HTTPMethod {
        switch self {
        case .GET: .GET
        case .POST: .POST
        case .DELETE: .DELETE
        }
    }
}
