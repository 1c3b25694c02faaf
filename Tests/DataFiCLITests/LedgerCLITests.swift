import DataFi
import Foundation
import Testing

/// A ledger made with `datafi ledger init` in a temporary directory, with keys that hold base tokens.
struct CLILedger {
    let dir: URL
    let store: String
    let operatorKeyPath: String
    let operatorPublic: String
    let holders: [Signing.PrivateKey]
    static let origin = "example.com/datafi-test"

    init(holders count: Int = 3, snapshotInterval: Int = 1000) throws {
        dir = try CLIRunner.temporaryDirectory()
        store = dir.appendingPathComponent("ledger.sqlite").path
        operatorKeyPath = dir.appendingPathComponent("operator.key").path
        holders = (0..<count).map { _ in Signing.PrivateKey() }
        let genesis = Genesis(totalSupply: Market.unit * 1_000_000_000,
                              allocations: holders.map { .init(account: AccountID(publicKey: $0.publicKey), amount: Market.unit * 1000) },
                              treasury: "treasury", computeOperator: "node", computeKey: Box.PrivateKey().publicKey)
        let genesisPath = dir.appendingPathComponent("genesis.json")
        try JSONEncoder().encode(genesis).write(to: genesisPath)
        let r = try CLIRunner.run(["ledger", "init", "--store", store, "--origin", Self.origin, "--operator-key",
                                   operatorKeyPath, "--genesis", genesisPath.path,
                                   "--snapshot-interval", String(snapshotInterval)])
        guard r.status == 0 else { throw CLIError2(r.stderr) }
        let attributes = try FileManager.default.attributesOfItem(atPath: operatorKeyPath)
        guard (attributes[.posixPermissions] as? Int) == 0o600 else { throw CLIError2("operator key mode") }
        let key = try Signing.PrivateKey(rawRepresentation: Array(try Data(contentsOf: URL(fileURLWithPath: operatorKeyPath))))
        operatorPublic = Hex.encode(key.publicKey.rawRepresentation)
    }

    func transfer(from i: Int, to j: Int, amount: UInt256, nonce: UInt64) throws -> String {
        let tx = Transaction.transfer(token: "ALITA", to: AccountID(publicKey: holders[j].publicKey), amount: amount)
        let envelope = try Envelope.sign(tx, origin: Self.origin, nonce: nonce, deadline: 4_000_000_000, with: holders[i])
        return String(decoding: envelope.json(), as: UTF8.self)
    }

    /// Writes holder `i`'s signing key to a file of mode 0600 (the CLI refuses looser key files).
    func keyFile(_ i: Int) throws -> String {
        let path = dir.appendingPathComponent("h\(i).key").path
        try Data(holders[i].rawRepresentation.withUnsafeBytes { Array($0) }).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return path
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}

struct CLIError2: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

func jsonObject(_ line: some StringProtocol) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
}

@Suite struct LedgerCLITests {
    @Test func endToEndCommands() throws {
        let l = try CLILedger()
        // sign: transaction JSON on stdin → envelope.
        let keyPath = try l.keyFile(0)
        let to = AccountID(publicKey: l.holders[1].publicKey).rawValue
        let signed = try CLIRunner.run(["ledger", "sign", "--key", keyPath, "--origin", CLILedger.origin, "--nonce", "0"],
                                       stdin: "{\"transfer\":{\"token\":\"ALITA\",\"to\":\"\(to)\",\"amount\":\"7\"}}")
        #expect(signed.status == 0, "\(signed.stderr)")
        let lines = [signed.stdout.trimmingCharacters(in: .newlines),
                     try l.transfer(from: 1, to: 2, amount: 3, nonce: 0),
                     try l.transfer(from: 2, to: 0, amount: Market.unit * 1_000_000, nonce: 0),
                     try l.transfer(from: 1, to: 2, amount: 3, nonce: 0)]
        let submit = try CLIRunner.run(["ledger", "submit", "--store", l.store], stdin: lines.joined(separator: "\n") + "\n")
        #expect(submit.status == 0, "\(submit.stderr)")
        let receipts = submit.stdout.split(separator: "\n").map(jsonObject)
        #expect(receipts.count == 4)
        #expect(receipts[0]["status"] as? String == "applied" && receipts[0]["index"] as? Int == 0)
        #expect(receipts[1]["status"] as? String == "applied")
        #expect(receipts[2]["status"] as? String == "refused" && receipts[2]["error"] as? String == "insufficientBalance")
        #expect(receipts[3]["rejected"] as? String == "wrong_nonce")
        // Checkpoint verifies under the operator key, fails under another, and is malformed when cut.
        let checkpoint = try CLIRunner.run(["ledger", "checkpoint", "--store", l.store])
        #expect(checkpoint.status == 0 && checkpoint.stdout.hasPrefix(CLILedger.origin + "\n3\n"))
        let notePath = try l.write("cp.txt", checkpoint.stdout)
        #expect(try CLIRunner.run(["ledger", "verify-checkpoint", "--public-key", l.operatorPublic, "--in", notePath]).status == 0)
        let other = Hex.encode(Signing.PrivateKey().publicKey.rawRepresentation)
        #expect(try CLIRunner.run(["ledger", "verify-checkpoint", "--public-key", other, "--in", notePath]).status == 1)
        let cut = try l.write("cut.txt", String(checkpoint.stdout.prefix(20)))
        #expect(try CLIRunner.run(["ledger", "verify-checkpoint", "--public-key", l.operatorPublic, "--in", cut]).status == 2)
        // Proofs round-trip through the offline verifiers; a flipped proof byte is invalid; junk is malformed.
        let inclusion = try CLIRunner.run(["ledger", "prove-inclusion", "--store", l.store, "--index", "1"])
        #expect(inclusion.status == 0)
        let inclusionPath = try l.write("incl.json", inclusion.stdout)
        #expect(try CLIRunner.run(["ledger", "verify-inclusion", "--proof", inclusionPath]).status == 0)
        var object = jsonObject(inclusion.stdout)
        var proof = object["proof"] as! [String]
        var bytes = Array(Data(base64Encoded: proof[0])!)
        bytes[3] ^= 4
        proof[0] = Data(bytes).base64EncodedString()
        object["proof"] = proof
        let badPath = try l.write("bad.json", String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        #expect(try CLIRunner.run(["ledger", "verify-inclusion", "--proof", badPath]).status == 1)
        #expect(try CLIRunner.run(["ledger", "verify-inclusion", "--proof", try l.write("junk.json", "{\"leafIdx\":")]).status == 2)
        let consistency = try CLIRunner.run(["ledger", "prove-consistency", "--store", l.store, "--from", "1", "--to", "3"])
        #expect(consistency.status == 0)
        #expect(try CLIRunner.run(["ledger", "verify-consistency", "--proof", try l.write("c.json", consistency.stdout)]).status == 0)
        let swapped = consistency.stdout.replacingOccurrences(of: "\"size1\":1", with: "\"size1\":2")
        #expect(try CLIRunner.run(["ledger", "verify-consistency", "--proof", try l.write("c2.json", swapped)]).status == 1)
        // verify, entries, export; init refuses an existing store.
        let verify = try CLIRunner.run(["ledger", "verify", "--store", l.store])
        #expect(verify.status == 0 && jsonObject(verify.stdout)["verified"] as? Int == 3)
        let entries = try CLIRunner.run(["ledger", "entries", "--store", l.store, "--from", "1", "--count", "5"])
        #expect(entries.stdout.split(separator: "\n").count == 2)
        let export = try CLIRunner.run(["ledger", "export", "--store", l.store, "--subject", to])
        #expect(export.status == 0 && (jsonObject(export.stdout)["entries"] as? [Any])?.count == 2)
        let audit = try CLIRunner.run(["ledger", "audit", "--store", l.store, "--owner", to])
        let auditObject = jsonObject(audit.stdout)
        #expect(audit.status == 0 && (auditObject["accesses"] as? [Any])?.isEmpty == true)
        #expect((auditObject["checkpoint"] as? String)?.hasPrefix(CLILedger.origin + "\n3\n") == true)
        #expect(try CLIRunner.run(["ledger", "audit", "--store", l.store, "--owner", "bad id"]).status == 2)
        #expect(try CLIRunner.run(["ledger", "verify", "--store", l.dir.appendingPathComponent("none").path]).status == 3)
        let again = try CLIRunner.run(["ledger", "init", "--store", l.store, "--origin", CLILedger.origin,
                                       "--operator-key", l.operatorKeyPath])
        #expect(again.status == 2)
    }

    @Test func hostileEnvelopesLeaveTheStoreUnchanged() throws {
        let l = try CLILedger()
        _ = try CLIRunner.run(["ledger", "submit", "--store", l.store], stdin: try l.transfer(from: 0, to: 1, amount: 1, nonce: 0))
        let before = try CLIRunner.run(["ledger", "checkpoint", "--store", l.store]).stdout
        let good = try l.transfer(from: 0, to: 1, amount: 2, nonce: 1)
        let other = try Envelope.sign(Transaction.transfer(token: "ALITA", to: "x", amount: .one), origin: "other.example/l",
                                      nonce: 1, deadline: 4_000_000_000, with: l.holders[0])
        let hostile = [
            good.replacingOccurrences(of: "\"amount\":\"2\"", with: "\"amount\":\"3\""),          // bad signature
            String(decoding: other.json(), as: UTF8.self),                                        // other origin
            try l.transfer(from: 0, to: 1, amount: 2, nonce: 0),                                 // replayed nonce
            try l.transfer(from: 0, to: 1, amount: 2, nonce: 5),                                 // skipped nonce
            good.replacingOccurrences(of: "\"to\":", with: "\"memo\":\"hi\",\"to\":"),         // unknown field
            good.replacingOccurrences(of: "\"nonce\":\"1\"", with: "\"nonce\":\"1\",\"nonce\":\"1\""), // duplicate key
            good.replacingOccurrences(of: "\"nonce\":\"1\"", with: "\"nonce\":1.0"),               // non-canonical number
            good.replacingOccurrences(of: "\"ALITA\"", with: "\"" + String(repeating: "A", count: 300_000) + "\""), // huge
            String(good.prefix(good.count / 2)),                                                  // truncated
        ]
        let r = try CLIRunner.run(["ledger", "submit", "--store", l.store], stdin: hostile.joined(separator: "\n") + "\n")
        #expect(r.status == 0)
        let receipts = r.stdout.split(separator: "\n").map(jsonObject)
        #expect(receipts.count == hostile.count)
        let codes = receipts.map { $0["rejected"] as? String ?? "logged" }
        #expect(codes == ["bad_signature", "wrong_origin", "wrong_nonce", "wrong_nonce", "not_canonical", "duplicate_key",
                          "non_canonical_number", "too_large", "malformed_json"])
        #expect(try CLIRunner.run(["ledger", "checkpoint", "--store", l.store]).stdout == before)
    }

    /// Kills a writer (`datafi ledger submit`) with SIGKILL at 50 random moments; after each, every
    /// acknowledged entry is in the reopened ledger with its acknowledged leaf hash, and the tree and the
    /// replayed state verify.
    @Test func crashSafetyUnderSIGKILL() throws {
        let l = try CLILedger(holders: 101, snapshotInterval: 16)
        var rng = SplitMix64(seed: 2026)
        var acknowledged: [Int: String] = [:]
        var kills = 0
        // Until 50 writers were killed mid-run (a writer that finished first does not count), at most 100 rounds.
        for round in 0..<100 where kills < 50 {
            let ledger = try MarketLedger(opening: try SQLiteLedgerStore(path: l.store, create: false))
            let key = l.holders[round].publicKey.rawRepresentation
            let start = ledger.nonces[key] ?? 0
            // 600 transfers in batches of 3 take the writer well beyond the latest kill moment (250 ms).
            let lines = try (0..<600).map { try l.transfer(from: round, to: round + 1, amount: UInt256(1 + UInt64($0)), nonce: start + UInt64($0)) }
            let input = try l.write("round\(round).jsonl", lines.joined(separator: "\n") + "\n")
            let process = Process()
            process.executableURL = CLIRunner.executable
            process.arguments = ["ledger", "submit", "--store", l.store, "--in", input, "--batch", "3", "--threads", "1"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 20_000...250_000, using: &rng))
            if process.isRunning { kill(process.processIdentifier, SIGKILL); kills += 1 }
            let out = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            for line in String(decoding: out, as: UTF8.self).split(separator: "\n") {
                let receipt = jsonObject(line)
                if let index = receipt["index"] as? Int, let hash = receipt["leaf_hash"] as? String { acknowledged[index] = hash }
            }
            let reopened = try MarketLedger(opening: try SQLiteLedgerStore(path: l.store, create: false))
            for (index, hash) in acknowledged {
                #expect(index < Int(reopened.size))
                #expect(Data(try reopened.store.node(level: 0, index: UInt64(index))).base64EncodedString() == hash)
            }
            #expect(try reopened.root() == reopened.store.root(size: reopened.size))
            if round % 10 == 9 { #expect(try reopened.verify() == reopened.size) }
        }
        #expect(kills >= 50, "only \(kills) of 100 writers were still running when killed")
        let final = try CLIRunner.run(["ledger", "verify", "--store", l.store])
        #expect(final.status == 0, "\(final.stdout) \(final.stderr)")
    }
}
