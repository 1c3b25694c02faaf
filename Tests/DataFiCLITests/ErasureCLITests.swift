import DataFi
import Foundation
import Testing

@Suite struct ErasureCLITests {
    /// A ledger where holder 0 created a dataset and holder 1 joined it through `ledger sign` (join JSON on stdin).
    static func joined() throws -> (CLILedger, owner: String) {
        let l = try CLILedger()
        let terms = DatasetTerms(id: "HEALTH", title: "Health survey", requirements: "CSV rows", usageScenarios: ["statistics"],
                                 dataTokenSupply: Market.unit * 1_000_000, poolDataTokens: Market.unit * 100_000,
                                 poolBaseTokens: Market.unit * 100, rewardReserve: Market.unit * 30_000,
                                 rewardPerJoin: Market.unit * 1_000, pricing: .perUnit(price: Market.unit / UInt256(100 as UInt64)))
        let create = try Envelope.sign(Transaction.createDataset(terms), origin: CLILedger.origin, nonce: 0,
                                       deadline: 4_000_000_000, with: l.holders[0])
        let asset = try AssetMetadata(name: "Diary", description: "Rows", creator: "Olu Adeyemi", license: "CC-BY-4.0",
                                      keywords: ["health"],
                                      distribution: [DatasetDistribution(encodingFormat: "text/csv",
                                                                         contentUrl: "https://olu.example/d.csv")],
                                      records: 500).sealed(to: Box.PrivateKey().publicKey)
        let keyPath = try l.keyFile(1)
        let joinJSON = try JSONEncoder().encode(Transaction.join(dataset: "HEALTH", asset: asset))
        let signed = try CLIRunner.run(["ledger", "sign", "--key", keyPath, "--origin", CLILedger.origin, "--nonce", "0"],
                                       stdin: joinJSON)
        guard signed.status == 0 else { throw CLIError2(signed.stderr) }
        // The envelope signs the committed join; the sealed asset travels beside it.
        let envelope = jsonObject(signed.stdout)
        let tx = try #require(envelope["transaction"] as? [String: Any])
        #expect(tx["joinCommitted"] != nil && tx["join"] == nil)
        #expect((envelope["personal"] as? [String: Any])?["salt"] is String)
        let lines = String(decoding: create.json(), as: UTF8.self) + "\n" + signed.stdout
        let submit = try CLIRunner.run(["ledger", "submit", "--store", l.store], stdin: lines)
        let receipts = submit.stdout.split(separator: "\n").map(jsonObject)
        guard submit.status == 0, receipts.count == 2, receipts.allSatisfy({ $0["status"] as? String == "applied" }) else {
            throw CLIError2("submit: \(submit.stdout) \(submit.stderr)")
        }
        return (l, Hex.encode(l.holders[1].publicKey.rawRepresentation))
    }

    @Test func eraseAndExportEndToEnd() throws {
        let (l, owner) = try Self.joined()
        let checkpoint = try CLIRunner.run(["ledger", "checkpoint", "--store", l.store])
        #expect(checkpoint.status == 0)
        // Export before: the entry, the sealed asset held, no erasure.
        let before = try CLIRunner.run(["ledger", "export", "--store", l.store, "--subject", owner])
        #expect(before.status == 0, "\(before.stderr)")
        let exported = jsonObject(before.stdout)
        let personal = try #require(exported["personal"] as? [[String: Any]])
        #expect(personal.count == 1 && personal[0]["index"] as? Int == 1)
        let data = try #require(personal[0]["data"] as? [String: Any])
        #expect(((data["asset"] as? [String: Any])?["creator"] as? String) == "Olu Adeyemi")
        #expect(exported["erasure"] is NSNull)
        #expect((exported["entries"] as? [Any])?.count == 1)
        let assets = try #require(exported["assets"] as? [[String: Any]])
        #expect(assets.count == 1 && assets[0]["sealedAssetHeld"] as? Bool == true)
        // Erase: exit 0, entry 1 erased; the log verifies and the checkpoint is the same note.
        let erase = try CLIRunner.run(["ledger", "erase", "--store", l.store, "--subject", owner, "--time", "5000"])
        #expect(erase.status == 0, "\(erase.stderr)")
        #expect(jsonObject(erase.stdout)["erased"] as? [Int] == [1])
        #expect(try CLIRunner.run(["ledger", "verify", "--store", l.store]).status == 0)
        #expect(try CLIRunner.run(["ledger", "checkpoint", "--store", l.store]).stdout == checkpoint.stdout)
        // Export after: nothing personal held, the erasure recorded, the entry still listed.
        let after = jsonObject(try CLIRunner.run(["ledger", "export", "--store", l.store, "--subject", owner]).stdout)
        #expect((after["personal"] as? [Any])?.isEmpty == true)
        #expect((after["erasure"] as? [String: Any])?["entries"] as? [Int] == [1])
        #expect((after["erasure"] as? [String: Any])?["time"] as? Int == 5000)
        #expect((after["assets"] as? [[String: Any]])?.first?["sealedAssetHeld"] as? Bool == false)
        #expect(!after.description.contains("Olu Adeyemi"))
        // Erasing again is refused (1), changing nothing.
        let again = try CLIRunner.run(["ledger", "erase", "--store", l.store, "--subject", owner])
        #expect(again.status == 1 && again.stderr.contains("already erased"))
        // A holder that signed nothing is unknown (1); the maker holds nothing personal (0, empty list).
        let stranger = Hex.encode(Signing.PrivateKey().publicKey.rawRepresentation)
        #expect(try CLIRunner.run(["ledger", "erase", "--store", l.store, "--subject", stranger]).status == 1)
        #expect(try CLIRunner.run(["ledger", "export", "--store", l.store, "--subject", stranger]).status == 1)
        let maker = Hex.encode(l.holders[0].publicKey.rawRepresentation)
        let none = try CLIRunner.run(["ledger", "erase", "--store", l.store, "--subject", maker])
        #expect(none.status == 0 && jsonObject(none.stdout)["erased"] as? [Int] == [])
        #expect(try CLIRunner.run(["ledger", "verify", "--store", l.store]).status == 0)
    }

    @Test func malformedAccountsAndMissingStores() throws {
        let (l, owner) = try Self.joined()
        for bad in ["bad id", "treasury", String(owner.dropLast()), owner.uppercased(), owner + "00"] {
            for command in ["erase", "export"] {
                let r = try CLIRunner.run(["ledger", command, "--store", l.store, "--subject", bad])
                #expect(r.status == 2, "\(command) \(bad): \(r.status) \(r.stderr)")
            }
        }
        let missing = l.dir.appendingPathComponent("none.sqlite").path
        #expect(try CLIRunner.run(["ledger", "erase", "--store", missing, "--subject", owner]).status == 3)
        #expect(try CLIRunner.run(["ledger", "export", "--store", missing, "--subject", owner]).status == 3)
        #expect(!FileManager.default.fileExists(atPath: missing))
        // Nothing was erased by the refusals.
        let export = jsonObject(try CLIRunner.run(["ledger", "export", "--store", l.store, "--subject", owner]).stdout)
        #expect((export["personal"] as? [Any])?.count == 1)
    }
}

@Suite struct PersonalDataSubmitCLITests {
    @Test func clearJoinsAndStrayPersonalDataAreRejectedBeforeLogging() throws {
        let (l, _) = try ErasureCLITests.joined()
        let asset = try AssetMetadata(name: "Diary", description: "Rows", creator: "Eve", license: "CC-BY-4.0",
                                      keywords: [], distribution: [DatasetDistribution(encodingFormat: "text/csv",
                                                                                       contentUrl: "https://eve.example/d.csv")],
                                      records: 10).sealed(to: Box.PrivateKey().publicKey)
        // A plain join signed directly (its sealed asset in the signed transaction) and a transfer carrying
        // personal data: both rejected with personal_data, nothing logged.
        let clear = try Envelope.sign(Transaction.join(dataset: "HEALTH", asset: asset), origin: CLILedger.origin, nonce: 0,
                                      deadline: 4_000_000_000, with: l.holders[2])
        let committed = try MarketMachine.sign(.join(dataset: "HEALTH", asset: asset), origin: CLILedger.origin, nonce: 0,
                                               deadline: 4_000_000_000, with: l.holders[2])
        let transfer = try Envelope.sign(Transaction.transfer(token: "ALITA", to: "treasury", amount: 1), origin: CLILedger.origin,
                                         nonce: 0, deadline: 4_000_000_000, with: l.holders[2])
        let stray = try transfer.attaching(personal: try #require(committed.personal))
        let lines = [clear, stray].map { String(decoding: $0.json(), as: UTF8.self) }.joined(separator: "\n") + "\n"
        let submit = try CLIRunner.run(["ledger", "submit", "--store", l.store], stdin: lines)
        #expect(submit.status == 0, "\(submit.stderr)")
        let receipts = submit.stdout.split(separator: "\n").map(jsonObject)
        #expect(receipts.count == 2 && receipts.allSatisfy { $0["rejected"] as? String == "personal_data" })
        let verify = jsonObject(try CLIRunner.run(["ledger", "verify", "--store", l.store]).stdout)
        #expect(verify["verified"] as? Int == 2)
        let eve = Hex.encode(l.holders[2].publicKey.rawRepresentation)
        #expect(try CLIRunner.run(["ledger", "erase", "--store", l.store, "--subject", eve]).status == 1)
    }
}
