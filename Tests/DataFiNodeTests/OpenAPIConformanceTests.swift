import DataFiLedger
import DataFiLedgerClient
import DataFiMarket
import DataFiNode
import DataFiSecAgg
import DataFiSodium
import Foundation
import NIOHTTP1
import Testing

/// A JSON Schema checker for the keywords the node's OpenAPI document uses ($ref, oneOf, type, const, enum,
/// pattern, minimum, minItems, maxItems, required, properties, additionalProperties, items).
struct SchemaChecker {
    let document: JSONValue

    func resolve(_ schema: JSONValue) -> JSONValue {
        guard case .string(let ref)? = schema["$ref"], ref.hasPrefix("#/") else { return schema }
        var node = document
        for part in ref.dropFirst(2).split(separator: "/") { node = node[String(part)] ?? .null }
        return resolve(node)
    }

    func problems(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        let schema = resolve(schema)
        var out: [String] = []
        if case .array(let options)? = schema["oneOf"] {
            let matching = options.filter { problems(value, $0, at: path).isEmpty }.count
            if matching != 1 { out.append("\(path): matches \(matching) of oneOf") }
        }
        if case .string(let type)? = schema["type"] {
            let ok: Bool = switch (type, value) {
            case ("string", .string), ("object", .object), ("array", .array), ("null", .null), ("boolean", .bool): true
            case ("integer", .number): true
            default: false
            }
            if !ok { return out + ["\(path): not \(type)"] }
        }
        if let constant = schema["const"], constant != value { out.append("\(path): not the constant") }
        if case .array(let options)? = schema["enum"], !options.contains(value) { out.append("\(path): not in enum") }
        if case .string(let pattern)? = schema["pattern"], case .string(let text) = value {
            let regex = try! NSRegularExpression(pattern: pattern)
            if regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                out.append("\(path): \(text.prefix(40)) does not match \(pattern)")
            }
        }
        if case .number(let minimum)? = schema["minimum"], case .number(let text) = value,
           let a = Int64(text), let b = Int64(minimum), a < b { out.append("\(path): below \(minimum)") }
        if case .array(let items) = value {
            if case .number(let n)? = schema["minItems"], items.count < Int(n)! { out.append("\(path): too few items") }
            if case .number(let n)? = schema["maxItems"], items.count > Int(n)! { out.append("\(path): too many items") }
            if let itemSchema = schema["items"] {
                for (i, item) in items.enumerated() { out += problems(item, itemSchema, at: "\(path)[\(i)]") }
            }
        }
        if case .object(let members) = value {
            if case .array(let required)? = schema["required"] {
                for case .string(let key) in required where value[key] == nil { out.append("\(path): lacks \(key)") }
            }
            let properties = schema["properties"]
            for (key, member) in members {
                if let property = properties?[key] {
                    out += problems(member, property, at: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"] {
                    if additional == .bool(false) { out.append("\(path): unexpected \(key)") } else if additional != .bool(true) {
                        out += problems(member, additional, at: "\(path).\(key)")
                    }
                }
            }
        }
        return out
    }
}

@Suite(.serialized) struct NodeOpenAPITests {
    @Test func everyEndpointAnswersAsTheDocumentSays() async throws {
        let node = try NodeProcess(directory: try NodeProcess.temporaryDirectory())
        defer { node.stop() }
        let key = try node.operatorKey()
        let operatorAccount = AccountID(publicKey: key.publicKey)

        // The served document is the committed resource, and parses.
        let served = try await raw(.GET, node.url + "/openapi.json")
        #expect(served.status == 200 && served.text == LedgerNode<MemoryLedgerStore>.openAPIDocument)
        let document = try CanonicalJSON.parse(served.body)
        let checker = SchemaChecker(document: document)
        guard case .object(let paths)? = document["paths"] else { Issue.record("no paths"); return }

        // Some state: a dataset and transfers.
        let terms = DatasetTerms(id: "DEMO", title: "Demo data", requirements: "CSV rows", usageScenarios: ["research"],
                                 dataTokenSupply: Market.unit * 1_000_000, poolDataTokens: Market.unit * 100_000,
                                 poolBaseTokens: Market.unit * 100_000, rewardReserve: Market.unit * 100_000,
                                 rewardPerJoin: Market.unit, pricing: .perUnit(price: .one), keywords: ["demo"], license: "CC0-1.0")
        let createDataset = try Envelope.sign(Transaction.createDataset(terms), origin: node.origin, nonce: 0,
                                              deadline: UInt64.max / 2, with: key)
        let transfer = try Envelope.sign(Transaction.transfer(token: "ALITA", to: "bob", amount: Market.unit), origin: node.origin,
                                         nonce: 1, deadline: UInt64.max / 2, with: key)
        let one = String(decoding: createDataset.json(), as: UTF8.self)
        let many = "[" + String(decoding: transfer.json(), as: UTF8.self) + "," + String(decoding: transfer.json(), as: UTF8.self) + "]"

        var calls: [(template: String, method: HTTPMethod, path: String, body: String?)] = [
            ("/v1/transactions", .POST, "/v1/transactions", one),
            ("/v1/transactions", .POST, "/v1/transactions", many),
            ("/v1/transactions", .POST, "/v1/transactions", "[]"),
            ("/v1/transactions", .POST, "/v1/transactions", String(repeating: "[", count: 100)),
            ("/v1/checkpoint", .GET, "/v1/checkpoint", nil),
            ("/v1/proofs/inclusion", .GET, "/v1/proofs/inclusion?index=1", nil),
            ("/v1/proofs/inclusion", .GET, "/v1/proofs/inclusion?index=0&size=2", nil),
            ("/v1/proofs/inclusion", .GET, "/v1/proofs/inclusion?index=x", nil),
            ("/v1/proofs/consistency", .GET, "/v1/proofs/consistency?from=1&to=2", nil),
            ("/v1/proofs/consistency", .GET, "/v1/proofs/consistency?from=0", nil),
            ("/v1/proofs/consistency", .GET, "/v1/proofs/consistency?from=3&to=1", nil),
            ("/v1/entries", .GET, "/v1/entries?from=0&count=10", nil),
            ("/v1/entries", .GET, "/v1/entries?from=9", nil),
            ("/v1/accounts/{account}", .GET, "/v1/accounts/" + operatorAccount.rawValue, nil),
            ("/v1/accounts/{account}", .GET, "/v1/accounts/bob", nil),
            ("/v1/accounts/{account}", .GET, "/v1/accounts/a%2Bb", nil),
            ("/v1/datasets", .GET, "/v1/datasets", nil),
            ("/v1/datasets/{id}", .GET, "/v1/datasets/DEMO", nil),
            ("/v1/datasets/{id}", .GET, "/v1/datasets/NONE", nil),
            ("/v1/audit/{owner}", .GET, "/v1/audit/" + operatorAccount.rawValue, nil),
            ("/v1/audit/{owner}", .GET, "/v1/audit/%20", nil),
            ("/healthz", .GET, "/healthz", nil),
            ("/metrics", .GET, "/metrics", nil),
            ("/openapi.json", .GET, "/openapi.json", nil),
        ]
        calls += try await relayCalls(node)
        var succeeded: Set<String> = []
        for call in calls {
            let answer = try await raw(call.method, node.url + call.path, body: call.body.map { Array($0.utf8) })
            let what = "\(call.method) \(call.path) → \(answer.status)"
            guard let operation = document["paths"]?[call.template]?[call.method.rawValue.lowercased()],
                  let response = operation["responses"]?[String(answer.status)] else {
                Issue.record("\(what): status not in the document (\(answer.text.prefix(200)))")
                continue
            }
            if answer.status == 200 { succeeded.insert(call.template) }
            let resolved = checker.resolve(response)
            guard case .object(let contents)? = resolved["content"], let (type, media) = contents.first else { continue }
            let contentType = answer.headers.first(name: "content-type") ?? ""
            #expect(contentType.hasPrefix(type), "\(what): content-type \(contentType), documented \(type)")
            guard let schema = media["schema"] else { continue }
            if type == "application/json" {
                guard let value = answer.json else { Issue.record("\(what): not JSON"); continue }
                let problems = checker.problems(value, schema)
                #expect(problems.isEmpty, "\(what): \(problems)")
            } else {
                #expect(!answer.body.isEmpty, "\(what): empty body")
            }
        }
        #expect(succeeded == Set(paths.map(\.0)), "endpoints never answered 200: \(Set(paths.map(\.0)).subtracting(succeeded))")
        // The dataset and transfers went through.
        let client = try node.client()
        #expect(try await client.datasets().count == 1)
        #expect(try await client.account("bob").balances["ALITA"] == (Market.unit * 1).description)
    }

    /// Calls on the secure-aggregation relay: a round opened here, an owner joining it and posting once.
    func relayCalls(_ node: NodeProcess) async throws -> [(template: String, method: HTTPMethod, path: String, body: String?)] {
        let coordinator = Signing.PrivateKey(), owner = Signing.PrivateKey()
        let round = try await node.client().createRound(coordinator: coordinator.publicKey, participants: 2, job: [1, 2, 3])
        let hex = { (key: Signing.PrivateKey) in Hex.encode(key.publicKey.rawRepresentation) }
        let join = #"{"key":"\#(hex(owner))","signature":"\#(Hex.encode(owner.signature(for: SecAggRelayAuth.joinMessage(round: round))))"}"#
        let badJoin = #"{"key":"\#(hex(owner))","signature":"\#(String(repeating: "00", count: 64))"}"#
        let signature = Hex.encode(owner.signature(for: SecAggRelayAuth.postMessage(round: round, step: 0, from: 1, to: 0, payload: [7])))
        let message = #"{"step":0,"from":1,"to":0,"payload":"Bw==","signature":"\#(signature)"}"#
        let base = "/v1/secagg/rounds/" + round
        return [
            ("/v1/secagg/rounds", .POST, "/v1/secagg/rounds", #"{"coordinator":"\#(hex(coordinator))","participants":3,"job":"AA=="}"#),
            ("/v1/secagg/rounds", .POST, "/v1/secagg/rounds", #"{"coordinator":"\#(hex(coordinator))","participants":1,"job":"AA=="}"#),
            ("/v1/secagg/rounds", .GET, "/v1/secagg/rounds", nil),
            ("/v1/secagg/rounds/{round}", .GET, base, nil),
            ("/v1/secagg/rounds/{round}", .GET, "/v1/secagg/rounds/none", nil),
            ("/v1/secagg/rounds/{round}/join", .POST, base + "/join", badJoin),
            ("/v1/secagg/rounds/{round}/join", .POST, base + "/join", join),
            ("/v1/secagg/rounds/{round}/join", .POST, "/v1/secagg/rounds/none/join", join),
            ("/v1/secagg/rounds/{round}/messages", .POST, base + "/messages", message),
            ("/v1/secagg/rounds/{round}/messages", .POST, base + "/messages", message),
            ("/v1/secagg/rounds/{round}/messages", .POST, base + "/messages", #"{"step":9}"#),
            ("/v1/secagg/rounds/{round}/messages", .GET, base + "/messages?step=0&to=0", nil),
            ("/v1/secagg/rounds/{round}/messages", .GET, base + "/messages?step=0", nil),
            ("/v1/secagg/rounds/{round}/messages", .GET, "/v1/secagg/rounds/none/messages?step=0&to=0", nil),
        ]
    }
}
