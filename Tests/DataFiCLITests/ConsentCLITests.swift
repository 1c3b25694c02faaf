import Foundation
import Testing

/// Runs `datafi` with the wallet passphrase in its environment.
private func datafi(_ arguments: [String]) throws -> CLIRunner.Result {
    let process = Process()
    process.executableURL = CLIRunner.executable
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["DATAFI_WALLET_PASSPHRASE"] = "correct horse battery"
    process.environment = environment
    let output = Pipe(), error = Pipe()
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = error
    try process.run()
    nonisolated(unsafe) var errData = Data()
    let errThread = Thread { errData = error.fileHandleForReading.readDataToEndOfFile() }
    errThread.start()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errThread.isFinished { Thread.sleep(forTimeInterval: 0.001) }
    return CLIRunner.Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                            stderr: String(decoding: errData, as: UTF8.self))
}

private func object(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

@Suite struct ConsentCLITests {
    @Test func recordCheckVerifyAndRevokeEndToEnd() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let wallet = path("me.wallet"), store = path("consent.sqlite"), receipt = path("receipt.json")

        let initWallet = try datafi(["wallet", "init", "--wallet", wallet, "--kdf", "interactive"])
        #expect(initWallet.status == 0, "\(initWallet.stderr)")
        let person = try #require(try object(initWallet.stdout)["public_key"] as? String)
        let initLedger = try datafi(["consent", "init", "--store", store, "--origin", "example.com/consent",
                                     "--operator-key", path("operator.key")])
        #expect(initLedger.status == 0, "\(initLedger.stderr)")
        let operatorKey = try #require(try object(initLedger.stdout)["operatorKey"] as? String)

        let grant = try datafi(["wallet", "consent", "grant", "--wallet", wallet, "--requester", "acme-lending",
                                "--purpose", "credit-check", "--issued", "1000", "--expires", "5000"])
        #expect(grant.status == 0, "\(grant.stderr)")
        let id = try #require(try object(grant.stdout)["id"] as? String)

        // Record the grant; recording it again is refused by the ledger (exit 1) and logged.
        let record = try datafi(["wallet", "consent", "record", "--wallet", wallet, "--store", store, "--id", id,
                                 "--time", "1100"])
        #expect(record.status == 0, "\(record.stderr)")
        let recorded = try object(record.stdout)
        #expect(recorded["status"] as? String == "applied")
        #expect(recorded["index"] as? Int == 0)
        let again = try datafi(["wallet", "consent", "record", "--wallet", wallet, "--store", store, "--id", id,
                                "--time", "1100"])
        #expect(again.status == 1)
        #expect(try object(again.stdout)["error"] as? String == "duplicateGrant")

        // The data user's check: allowed, with a receipt that verifies offline.
        let check = try datafi(["consent", "check", "--store", store, "--person", person, "--requester", "acme-lending",
                                "--purpose", "credit-check", "--at", "1500", "--out", receipt])
        #expect(check.status == 0, "\(check.stderr)")
        let answer = try object(check.stdout)
        #expect(answer["allowed"] as? Bool == true)
        #expect(answer["index"] as? Int == 0)
        #expect(answer["checkpoint"] is String)
        #expect(try String(contentsOfFile: receipt, encoding: .utf8) == check.stdout)
        let verify = try datafi(["consent", "verify", "--receipt", receipt, "--public-key", operatorKey])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(try object(verify.stdout)["grant_id"] as? String == id)

        // Another operator key, an edited receipt, a malformed one.
        let otherKey = String(repeating: "ab", count: 32)
        let foreignKey = try datafi(["consent", "verify", "--receipt", receipt, "--public-key", person])
        #expect(foreignKey.status == 1, "\(foreignKey.stdout)\(foreignKey.stderr)")
        let badKey = try datafi(["consent", "verify", "--receipt", receipt, "--public-key", otherKey])
        #expect(badKey.status == 1 || badKey.status == 2)
        let edited = path("edited.json")
        try check.stdout.replacingOccurrences(of: "\"credit-check\"", with: "\"marketing\"")
            .write(toFile: edited, atomically: true, encoding: .utf8)
        let editedResult = try datafi(["consent", "verify", "--receipt", edited, "--public-key", operatorKey])
        #expect(editedResult.status == 1, "\(editedResult.stdout)\(editedResult.stderr)")
        let lateReceipt = path("late.json")
        try check.stdout.replacingOccurrences(of: "\"at\":1500", with: "\"at\":9000")
            .write(toFile: lateReceipt, atomically: true, encoding: .utf8)
        #expect(try datafi(["consent", "verify", "--receipt", lateReceipt, "--public-key", operatorKey]).status == 1)
        let malformed = path("malformed.json")
        try "{\"allowed\":tru".write(toFile: malformed, atomically: true, encoding: .utf8)
        #expect(try datafi(["consent", "verify", "--receipt", malformed, "--public-key", operatorKey]).status == 2)

        // Negative verdicts: wrong purpose, wrong requester, expired, another person.
        func denied(_ arguments: [String]) throws -> String? {
            let result = try datafi(["consent", "check", "--store", store, "--person", person] + arguments)
            #expect(result.status == 1, "\(arguments) \(result.stdout)\(result.stderr)")
            return try object(result.stdout)["reason"] as? String
        }
        #expect(try denied(["--requester", "acme-lending", "--purpose", "marketing", "--at", "1500"]) == "no_grant")
        #expect(try denied(["--requester", "other-bank", "--purpose", "credit-check", "--at", "1500"]) == "no_grant")
        #expect(try denied(["--dataset", "acme-lending", "--purpose", "credit-check", "--at", "1500"]) == "no_grant")
        #expect(try denied(["--requester", "acme-lending", "--purpose", "credit-check", "--at", "5000"]) == "expired")
        let stranger = try datafi(["consent", "check", "--store", store, "--person", otherKey, "--requester", "acme-lending",
                                   "--purpose", "credit-check", "--at", "1500"])
        #expect(stranger.status == 1 || stranger.status == 2)

        // Revoke in the wallet, record the revocation; the check then says revoked from that time.
        let notRevoked = try datafi(["wallet", "consent", "record", "--wallet", wallet, "--store", store, "--id", id,
                                     "--revocation"])
        #expect(notRevoked.status == 2)
        #expect(try datafi(["wallet", "consent", "revoke", "--wallet", wallet, "--id", id, "--at", "2000"]).status == 0)
        let revoke = try datafi(["wallet", "consent", "record", "--wallet", wallet, "--store", store, "--id", id,
                                 "--revocation", "--time", "1200"])
        #expect(revoke.status == 0, "\(revoke.stdout)\(revoke.stderr)")
        #expect(try object(revoke.stdout)["index"] as? Int == 2)
        #expect(try denied(["--requester", "acme-lending", "--purpose", "credit-check", "--at", "2000"]) == "revoked")
        let before = try datafi(["consent", "check", "--store", store, "--person", person, "--requester", "acme-lending",
                                 "--purpose", "credit-check", "--at", "1999"])
        #expect(before.status == 0)
    }

    @Test func envelopeSignedByTheWalletIsSubmittedElsewhere() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let wallet = path("me.wallet"), store = path("consent.sqlite"), envelopes = path("envelopes.jsonl")
        let initWallet = try datafi(["wallet", "init", "--wallet", wallet, "--kdf", "interactive"])
        let person = try #require(try object(initWallet.stdout)["public_key"] as? String)
        #expect(try datafi(["consent", "init", "--store", store, "--origin", "example.com/consent",
                            "--operator-key", path("operator.key")]).status == 0)
        let grant = try datafi(["wallet", "consent", "grant", "--wallet", wallet, "--dataset", "payslips",
                                "--purpose", "affordability", "--issued", "1000", "--expires", "5000"])
        let id = try #require(try object(grant.stdout)["id"] as? String)

        let envelope = try datafi(["wallet", "consent", "envelope", "--wallet", wallet, "--id", id,
                                   "--origin", "example.com/consent", "--nonce", "0", "--deadline", "4000",
                                   "--out", envelopes])
        #expect(envelope.status == 0, "\(envelope.stderr)")
        #expect(try String(contentsOfFile: envelopes, encoding: .utf8) == envelope.stdout)
        #expect(try object(envelope.stdout)["signer"] as? String == person)
        let otherOrigin = try datafi(["wallet", "consent", "envelope", "--wallet", wallet, "--id", id,
                                      "--origin", "example.com/other", "--nonce", "1"])
        #expect(otherOrigin.status == 0)
        #expect(try datafi(["wallet", "consent", "envelope", "--wallet", wallet, "--id", String(repeating: "0", count: 32),
                            "--origin", "example.com/consent", "--nonce", "0"]).status == 2)
        #expect(try datafi(["wallet", "consent", "envelope", "--wallet", wallet, "--id", id,
                            "--origin", "example.com/consent", "--nonce", "0x1"]).status == 2)

        // The first line is logged; a garbage line, a replay, another ledger's envelope and a huge line are rejected.
        try (envelope.stdout + "not json\n" + envelope.stdout + otherOrigin.stdout + String(repeating: "x", count: 300_000))
            .write(toFile: envelopes, atomically: true, encoding: .utf8)
        let submit = try datafi(["consent", "submit", "--store", store, "--in", envelopes, "--time", "1100"])
        #expect(submit.status == 0, "\(submit.stderr)")
        let receipts = try submit.stdout.split(separator: "\n").map { try object(String($0)) }
        #expect(receipts.count == 5)
        #expect(receipts.first?["status"] as? String == "applied")
        #expect(receipts.dropFirst().map { $0["rejected"] as? String }
            == ["malformed_json", "wrong_nonce", "wrong_origin", "too_large"])

        let check = try datafi(["consent", "check", "--store", store, "--person", person, "--dataset", "payslips",
                                "--purpose", "affordability", "--at", "1500"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    @Test func usageAndEnvironmentErrors() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("consent.sqlite").path
        let initLedger = try datafi(["consent", "init", "--store", store, "--origin", "example.com/consent",
                                     "--operator-key", dir.appendingPathComponent("operator.key").path])
        #expect(initLedger.status == 0, "\(initLedger.stderr)")
        let validKey = try #require(try object(initLedger.stdout)["operatorKey"] as? String)
        // Creating it twice, a bad origin, a bad person key, two subjects: malformed (2).
        #expect(try datafi(["consent", "init", "--store", store, "--origin", "example.com/consent",
                            "--operator-key", dir.appendingPathComponent("operator.key").path]).status == 2)
        #expect(try datafi(["consent", "init", "--store", store + "2", "--origin", "bad origin",
                            "--operator-key", dir.appendingPathComponent("operator.key").path]).status == 2)
        #expect(try datafi(["consent", "check", "--store", store, "--person", "zz", "--requester", "a",
                            "--purpose", "p"]).status == 2)
        #expect(try datafi(["consent", "check", "--store", store, "--person", String(repeating: "ab", count: 32),
                            "--requester", "a", "--dataset", "d", "--purpose", "p"]).status == 2)
        // A store that does not exist: environment (3).
        let missing = try datafi(["consent", "check", "--store", dir.appendingPathComponent("none.sqlite").path,
                                  "--person", validKey, "--requester", "a", "--purpose", "p"])
        #expect(missing.status == 3, "\(missing.stderr)")
    }
}
