import DataFiBigNum
import DataFiMarket
import DataFiSodium
import Foundation
import Testing

@Suite struct MetadataTests {
    @Test func sealedAssetKeepsNoPlaintextURL() throws {
        let url = "https://olu.example/secret-path/data.csv"
        let asset = try Fixture.asset(urls: [url])
        let json = try JSONEncoder().encode(Transaction.join(dataset: "HEALTH", asset: asset))
        #expect(!String(decoding: json, as: UTF8.self).contains("secret-path"))
        #expect(!asset.jsonLD().contains("secret-path"))
        #expect(asset.distribution[0].sealedContentUrl.count == url.utf8.count + SealedBox.overhead)
        #expect(try SealedBox.open(asset.distribution[0].sealedContentUrl, with: try Fixture.nodeKey()) == Array(url.utf8))
    }

    @Test func jsonLDUsesTheSchemaOrgDatasetVocabulary() throws {
        let asset = try Fixture.asset(records: 42)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(asset.jsonLD(identifier: "HEALTH/0").utf8))
            as? [String: Any])
        #expect(object["@context"] as? String == "https://schema.org")
        #expect(object["@type"] as? String == "Dataset")
        #expect(object["identifier"] as? String == "HEALTH/0")
        #expect(object["name"] as? String == "Survey 2024")
        #expect((object["creator"] as? [String: Any])?["name"] as? String == "Olu")
        #expect(object["keywords"] as? [String] == ["health", "survey"])
        let distribution = try #require(object["distribution"] as? [[String: Any]])
        #expect(distribution.first?["@type"] as? String == "DataDownload")
        #expect(distribution.first?["encodingFormat"] as? String == "text/csv")
        #expect(distribution.first?["contentUrl"] == nil)
        #expect((object["size"] as? [String: Any])?["value"] as? Int == 42)
    }

    @Test func hostileMetadataIsRefusedWithTypedErrors() throws {
        let key = try Fixture.nodeKey().publicKey
        func refused(_ m: AssetMetadata) -> MetadataError? {
            do { _ = try m.sealed(to: key); return nil } catch {
                if case .invalidMetadata(let inner) = error { return inner }
                return nil
            }
        }
        var m = Fixture.metadata(); m.name = ""
        #expect(refused(m) == .empty(field: "name"))
        m = Fixture.metadata(); m.name = String(repeating: "n", count: 201)
        #expect(refused(m) == .tooLong(field: "name", limit: 200, actual: 201))
        m = Fixture.metadata(); m.description = String(repeating: "d", count: 1_000_000)
        #expect(refused(m) == .tooLong(field: "description", limit: 5000, actual: 1_000_000))
        m = Fixture.metadata(); m.description = "two\nlines"
        #expect(refused(m) == nil)
        m = Fixture.metadata(); m.creator = "bell\u{7}"
        #expect(refused(m) == .controlCharacter(field: "creator"))
        m = Fixture.metadata(); m.keywords = Array(repeating: "k", count: 33)
        #expect(refused(m) == .tooMany(field: "keywords", limit: 32, actual: 33))
        m = Fixture.metadata(); m.keywords = [""]
        #expect(refused(m) == .empty(field: "keywords[0]"))
        m = Fixture.metadata(urls: [])
        #expect(refused(m) == .empty(field: "distribution"))
        m = Fixture.metadata(urls: Array(repeating: "https://a.example/x", count: 17))
        #expect(refused(m) == .tooMany(field: "distribution", limit: 16, actual: 17))
        #expect(refused(Fixture.metadata(urls: ["http://plain.example/x"])) == .unsupportedScheme(index: 0, scheme: "http"))
        #expect(refused(Fixture.metadata(urls: ["file:///etc/passwd"])) == .unsupportedScheme(index: 0, scheme: "file"))
        #expect(refused(Fixture.metadata(urls: ["javascript:alert(1)"])) == .malformedURL(index: 0))
        #expect(refused(Fixture.metadata(urls: ["https://ok.example", "https://"])) == .malformedURL(index: 1))
        #expect(refused(Fixture.metadata(urls: ["https://spa ce.example"])) == .malformedURL(index: 0))
        #expect(refused(Fixture.metadata(urls: ["://x"])) == .malformedURL(index: 0))
        #expect(refused(Fixture.metadata(urls: ["https://é.example"])) == .malformedURL(index: 0))
        let long = "https://a.example/" + String(repeating: "x", count: 2048)
        #expect(refused(Fixture.metadata(urls: [long])) == .tooLong(field: "distribution[0].contentUrl", limit: 2048,
                                                                    actual: long.utf8.count))
        #expect(refused(Fixture.metadata(records: 0)) == .recordsOutOfRange(0))
        #expect(refused(Fixture.metadata(records: .max)) == .recordsOutOfRange(.max))
        #expect(refused(Fixture.metadata(urls: ["S3://bucket/key", "IPFS://cid", "sftp://host/f"])) == nil)
    }

    @Test func joinValidatesTheSealedAsset() throws {
        var market = try Fixture.marketWithDataset()
        var asset = try Fixture.asset()
        asset.distribution[0].sealedContentUrl = Array(repeating: 0, count: 48)
        expectRefused(&market, .join(dataset: Fixture.dataset, asset: asset), by: "olu",
                      .invalidMetadata(.sealedURLSize(index: 0, actual: 48)))
        asset.distribution[0].sealedContentUrl = Array(repeating: 0, count: 48 + 2049)
        expectRefused(&market, .join(dataset: Fixture.dataset, asset: asset), by: "olu",
                      .invalidMetadata(.sealedURLSize(index: 0, actual: 48 + 2049)))
        asset = try Fixture.asset(); asset.name = ""
        expectRefused(&market, .join(dataset: Fixture.dataset, asset: asset), by: "olu", .invalidMetadata(.empty(field: "name")))
        expectRefused(&market, .join(dataset: "OTHER", asset: try Fixture.asset()), by: "olu", .unknownDataset("OTHER"))
    }

    @Test func transactionsRoundTripThroughJSON() throws {
        let txs: [Transaction] = [
            .transfer(token: "ALITA", to: "olu", amount: tokens(3)),
            .createDataset(Fixture.terms()),
            .join(dataset: "HEALTH", asset: try Fixture.asset()),
            .swap(dataset: "HEALTH", side: .sellDataToken, amount: .exactOut(amountOut: .max, maximumIn: .one), deadline: 9),
            .submitTask(Fixture.order()),
            .claim(dataset: "HEALTH"),
            .recordAccess(task: 7, failed: [1, 4]),
            .withdrawComputeFees,
            .verifyAsset(dataset: "HEALTH", asset: 3, verdict: .accept(records: 12)),
            .verifyAsset(dataset: "HEALTH", asset: 0, verdict: .reject(reason: .unreadable)),
            .withdrawAsset(dataset: "HEALTH", asset: 2),
            .cancelTask(task: 9),
            .stake(dataset: "HEALTH", amount: tokens(5)),
            .unstake(dataset: "HEALTH", amount: .one),
            .fundReviewPool(dataset: "HEALTH", amount: tokens(1)),
            .reviewAsset(dataset: "HEALTH", asset: 1, score: 9_000),
        ]
        for tx in txs {
            let data = try JSONEncoder().encode(tx)
            #expect(try JSONDecoder().decode(Transaction.self, from: data) == tx)
        }
        // The new cases' JSON shape is part of what a signed ledger carries: pinned here.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let pinned: [(Transaction, String)] = [
            (.verifyAsset(dataset: "HEALTH", asset: 3, verdict: .accept(records: 12)),
             #"{"verifyAsset":{"asset":3,"dataset":"HEALTH","verdict":{"accept":{"records":12}}}}"#),
            (.verifyAsset(dataset: "HEALTH", asset: 0, verdict: .reject(reason: .unreadable)),
             #"{"verifyAsset":{"asset":0,"dataset":"HEALTH","verdict":{"reject":{"reason":"unreadable"}}}}"#),
            (.recordAccess(task: 7, failed: [1, 4]), #"{"recordAccess":{"failed":[1,4],"task":7}}"#),
            (.withdrawAsset(dataset: "HEALTH", asset: 2), #"{"withdrawAsset":{"asset":2,"dataset":"HEALTH"}}"#),
            (.cancelTask(task: 9), #"{"cancelTask":{"task":9}}"#),
            (.stake(dataset: "HEALTH", amount: UInt256(5 as UInt64)), #"{"stake":{"amount":"5","dataset":"HEALTH"}}"#),
            (.unstake(dataset: "HEALTH", amount: .one), #"{"unstake":{"amount":"1","dataset":"HEALTH"}}"#),
            (.fundReviewPool(dataset: "HEALTH", amount: .one), #"{"fundReviewPool":{"amount":"1","dataset":"HEALTH"}}"#),
            (.reviewAsset(dataset: "HEALTH", asset: 1, score: 9_000), #"{"reviewAsset":{"asset":1,"dataset":"HEALTH","score":9000}}"#),
        ]
        for (tx, json) in pinned {
            #expect(String(decoding: try encoder.encode(tx), as: UTF8.self) == json)
            #expect(try JSONDecoder().decode(Transaction.self, from: Data(json.utf8)) == tx)
        }
        // Terms written before descriptions, keywords, licences and reviews existed still decode.
        var old = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(Fixture.terms())) as? [String: Any])
        old["description"] = nil; old["keywords"] = nil; old["license"] = nil; old["review"] = nil
        let decoded = try JSONDecoder().decode(DatasetTerms.self, from: try JSONSerialization.data(withJSONObject: old))
        #expect(decoded == Fixture.terms())
    }

    @Test func hostileTransactionJSONIsRejected() throws {
        let bad = [
            #"{"transfer":{"token":"ALITA","to":"olu","amount":"-1"}}"#,
            #"{"transfer":{"token":"ALITA","to":"olu","amount":"1157920892373161954235709850086879078532699846656405640394575840079131296399360"}}"#,
            #"{"transfer":{"token":"ALITA","to":"olu","amount":12}}"#,
            #"{"unknown":{}}"#,
            #"{"join":{"dataset":"HEALTH","asset":{"name":"a","description":"b","creator":"c","license":"d","keywords":[],"records":1,"distribution":[{"encodingFormat":"x","sealedContentUrl":"zz"}]}}}"#,
            #"[]"#, "", "{",
            #"{"recordAccess":{"task":1}}"#,
            #"{"recordAccess":{"task":1,"failed":[1.5]}}"#,
            #"{"reviewAsset":{"dataset":"HEALTH","asset":0,"score":70000}}"#,
            #"{"reviewAsset":{"dataset":"HEALTH","asset":0,"score":-1}}"#,
            #"{"verifyAsset":{"dataset":"HEALTH","asset":0,"verdict":{"reject":{"reason":"bogus"}}}}"#,
            #"{"verifyAsset":{"dataset":"HEALTH","asset":0,"verdict":{"accept":{"records":-3}}}}"#,
            #"{"verifyAsset":{"dataset":"HEALTH","asset":0,"verdict":{}}}"#,
            #"{"cancelTask":{"task":"1"}}"#,
            #"{"stake":{"dataset":"HEALTH","amount":"1e3"}}"#,
            #"{"withdrawAsset":{"dataset":"HEALTH","asset":99999999999999999999}}"#,
        ]
        for text in bad {
            #expect(throws: (any Error).self) { try JSONDecoder().decode(Transaction.self, from: Data(text.utf8)) }
        }
    }

    @Test func accountIDs() throws {
        #expect(AccountID("maya").isValid)
        #expect(!AccountID("").isValid)
        #expect(!AccountID(String(repeating: "a", count: 65)).isValid)
        #expect(!AccountID("pool:X").isValid)
        #expect(!AccountID("o lu").isValid)
        let key = try Signing.PrivateKey(seed: [UInt8](repeating: 1, count: 32)).publicKey
        let id = AccountID(publicKey: key)
        #expect(id.isValid && id.rawValue.count == 64)
    }
}
