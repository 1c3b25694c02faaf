import Foundation
import Testing

/// Runs `datafi` with the wallet passphrase in its environment.
private func datafi(_ arguments: [String], passphrase: String? = "correct horse battery", stdin: String = "") throws -> CLIRunner.Result {
    let process = Process()
    process.executableURL = CLIRunner.executable
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["DATAFI_WALLET_PASSPHRASE"] = passphrase
    process.environment = environment
    let input = Pipe(), output = Pipe(), error = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = error
    try process.run()
    nonisolated(unsafe) var errData = Data()
    let errThread = Thread { errData = error.fileHandleForReading.readDataToEndOfFile() }
    errThread.start()
    try input.fileHandleForWriting.write(contentsOf: Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errThread.isFinished { Thread.sleep(forTimeInterval: 0.001) }
    return CLIRunner.Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                            stderr: String(decoding: errData, as: UTF8.self))
}

private func object(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

private func fileObject(_ path: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
}

private func writeJSON(_ value: [String: Any], to path: String) throws {
    try JSONSerialization.data(withJSONObject: value).write(to: URL(fileURLWithPath: path))
}

@Suite struct WalletCLITests {
    /// Creates a wallet (interactive Argon2id cost, chosen explicitly) and returns its path and public key.
    func makeWallet(_ dir: URL, name: String = "me.wallet") throws -> (String, String) {
        let path = dir.appendingPathComponent(name).path
        let result = try datafi(["wallet", "init", "--wallet", path, "--kdf", "interactive", "--epsilon-budget", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let key = try #require(try object(result.stdout)["public_key"] as? String)
        #expect(key.count == 64)
        return (path, key)
    }

    @Test func creditMeIssueProveVerify() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let (wallet, holder) = try makeWallet(dir)
        let scorerKey = dir.appendingPathComponent("scorer.key").path
        let keys = try datafi(["keys", "generate", "--kind", "signing", "--secret-out", scorerKey])
        let scorer = try #require(try object(keys.stdout)["publicKey"] as? String)
        let credential = dir.appendingPathComponent("cred.json").path
        let issue = try datafi(["credential", "issue", "--scorer-key", scorerKey, "--holder", holder, "--score", "702",
                                "--model", "defi-score-basic", "--expires", "2100-01-01T00:00:00Z", "--out", credential])
        #expect(issue.status == 0, "\(issue.stderr)")
        let mode = (try FileManager.default.attributesOfItem(atPath: credential)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)

        let challenge = try datafi(["credential", "challenge"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(challenge.count == 64)
        let proof = dir.appendingPathComponent("proof.json").path
        let prove = try datafi(["credential", "prove", "--wallet", wallet, "--credential", credential, "--at-least", "650",
                                "--challenge", challenge, "--out", proof])
        #expect(prove.status == 0, "\(prove.stderr)")
        let proofText = try String(contentsOfFile: proof, encoding: .utf8)
        let proofObject = try fileObject(proof)
        #expect(proofObject["opening"] == nil)
        #expect(!proofText.contains("\"score\""))
        #expect(!proofText.contains("blinding"))

        let verify = try datafi(["credential", "verify", "--proof", proof, "--scorer", scorer, "--challenge", challenge])
        #expect(verify.status == 0, "\(verify.stderr)")
        let claim = try object(verify.stdout)
        #expect(claim["at_least"] as? Int == 650)
        #expect(claim["scorer"] as? String == scorer)
        #expect(claim["expires"] as? Int == 4_102_444_800)
        #expect(claim["at_most"] == nil)

        // Another verifier's challenge, another trusted scorer, an expired credential: exit 1.
        let other = try datafi(["credential", "challenge"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try datafi(["credential", "verify", "--proof", proof, "--scorer", scorer, "--challenge", other]).status == 1)
        #expect(try datafi(["credential", "verify", "--proof", proof, "--scorer", holder, "--challenge", challenge]).status == 1)
        #expect(try datafi(["credential", "verify", "--proof", proof, "--scorer", scorer, "--challenge", challenge,
                            "--now", "4102444800"]).status == 1)

        // A tampered commitment (another valid commitment) and a claimed threshold that differs: exit 1.
        let second = dir.appendingPathComponent("cred2.json").path
        #expect(try datafi(["credential", "issue", "--scorer-key", scorerKey, "--holder", holder, "--score", "900",
                            "--model", "defi-score-basic", "--expires", "4102444800", "--out", second]).status == 0)
        let otherCommitment = try #require((try fileObject(second)["credential"] as? [String: Any])?["commitment"] as? String)
        var tampered = try fileObject(proof)
        var inner = try #require(tampered["credential"] as? [String: Any])
        inner["commitment"] = otherCommitment
        tampered["credential"] = inner
        let tamperedPath = dir.appendingPathComponent("tampered.json").path
        try writeJSON(tampered, to: tamperedPath)
        #expect(try datafi(["credential", "verify", "--proof", tamperedPath, "--scorer", scorer, "--challenge", challenge]).status == 1)
        var raised = try fileObject(proof)
        raised["at_least"] = 700
        try writeJSON(raised, to: tamperedPath)
        #expect(try datafi(["credential", "verify", "--proof", tamperedPath, "--scorer", scorer, "--challenge", challenge]).status == 1)
        // A flipped hex digit in the proof or the signature never verifies.
        for key in ["range_proof", "holder_signature"] {
            var flipped = try fileObject(proof)
            var digits = Array(try #require(flipped[key] as? String))
            digits[10] = digits[10] == "0" ? "1" : "0"
            flipped[key] = String(digits)
            try writeJSON(flipped, to: tamperedPath)
            let result = try datafi(["credential", "verify", "--proof", tamperedPath, "--scorer", scorer, "--challenge", challenge])
            #expect(result.status == 1 || result.status == 2)
        }
        // Malformed: not JSON, missing fields, bad challenge: exit 2.
        #expect(try datafi(["credential", "verify", "--scorer", scorer, "--challenge", challenge], stdin: "nope").status == 2)
        #expect(try datafi(["credential", "verify", "--scorer", scorer, "--challenge", challenge],
                           stdin: #"{"format":"datafi-creditme-presentation-v1"}"#).status == 2)
        #expect(try datafi(["credential", "verify", "--proof", proof, "--scorer", scorer, "--challenge", "abcd"]).status == 2)

        // Both bounds; a false bound is refused by the prover.
        let both = try datafi(["credential", "prove", "--wallet", wallet, "--credential", credential, "--at-least", "700",
                               "--at-most", "710", "--challenge", challenge])
        #expect(both.status == 0, "\(both.stderr)")
        let bothVerify = try datafi(["credential", "verify", "--scorer", scorer, "--challenge", challenge], stdin: both.stdout)
        #expect(bothVerify.status == 0)
        #expect(try object(bothVerify.stdout)["at_most"] as? Int == 710)
        let refused = try datafi(["credential", "prove", "--wallet", wallet, "--credential", credential, "--at-least", "703",
                                  "--challenge", challenge])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("does not satisfy"))
        // Another person's wallet cannot prove with this credential.
        let (stranger, _) = try makeWallet(dir, name: "stranger.wallet")
        #expect(try datafi(["credential", "prove", "--wallet", stranger, "--credential", credential, "--at-least", "1",
                            "--challenge", challenge]).status == 2)
    }

    @Test func walletRecordsConsentsAnswersAndPassphrase() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let (wallet, _) = try makeWallet(dir)
        #expect(try datafi(["wallet", "init", "--wallet", wallet, "--kdf", "interactive"]).status != 0)
        let data = dir.appendingPathComponent("statement.json").path
        try Data(#"{"balance": 1200}"#.utf8).write(to: URL(fileURLWithPath: data))
        let add = try datafi(["wallet", "add", "--wallet", wallet, "--type", "bank-statement", "--data", data])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(try datafi(["wallet", "add", "--wallet", wallet, "--type", "x"], stdin: "not json").status == 2)
        #expect(try datafi(["wallet", "export", "--wallet", wallet], passphrase: "wrong").status == 2)

        let grant = try datafi(["wallet", "consent", "grant", "--wallet", wallet, "--requester", "acme", "--purpose", "underwriting",
                                "--issued", "1000", "--expires", "2000"])
        #expect(grant.status == 0, "\(grant.stderr)")
        let grantObject = try object(grant.stdout)
        let id = try #require(grantObject["id"] as? String)
        #expect((grantObject["encoded"] as? String)?.isEmpty == false)
        let check = ["wallet", "consent", "check", "--wallet", wallet, "--requester", "acme", "--purpose", "underwriting"]
        #expect(try datafi(check + ["--at", "1500"]).status == 0)
        #expect(try datafi(check + ["--at", "2000"]).status == 1)
        #expect(try datafi(check + ["--at", "999"]).status == 1)
        #expect(try datafi(["wallet", "consent", "revoke", "--wallet", wallet, "--id", id, "--at", "1200"]).status == 0)
        #expect(try datafi(check + ["--at", "1100"]).status == 0)
        #expect(try datafi(check + ["--at", "1300"]).status == 1)
        let list = try object(try datafi(["wallet", "consent", "list", "--wallet", wallet, "--at", "1300"]).stdout)
        #expect((list["consents"] as? [[String: Any]])?.first?["status"] as? String == "revoked")

        // The budget of 2: two answers at ε = 1, then refused.
        let answer = ["wallet", "answer", "--wallet", wallet, "--question", "owns-home", "--answer", "yes", "--epsilon", "1"]
        #expect(try datafi(answer).status == 0)
        #expect(try datafi(["wallet", "answer", "--wallet", wallet, "--question", "band", "--category", "2", "--categories", "5",
                            "--epsilon", "1"]).status == 0)
        let exhausted = try datafi(answer)
        #expect(exhausted.status == 2)
        #expect(exhausted.stderr.contains("budget"))

        let export = try datafi(["wallet", "export", "--wallet", wallet])
        #expect(export.status == 0)
        let exported = try object(export.stdout)
        #expect((exported["records"] as? [Any])?.count == 1)
        #expect(((exported["privacy"] as? [String: Any])?["answers"] as? [Any])?.count == 2)
        #expect((exported["revocations"] as? [Any])?.count == 1)
    }

    /// Writers started at once all land: each takes the wallet's lock for its read-modify-write.
    @Test func concurrentWritersAllLand() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let (wallet, _) = try makeWallet(dir)
        var processes = [Process]()
        for writer in 0..<4 {
            let process = Process()
            process.executableURL = CLIRunner.executable
            process.arguments = ["wallet", "add", "--wallet", wallet, "--type", "w\(writer)", "--data", "-"]
            var environment = ProcessInfo.processInfo.environment
            environment["DATAFI_WALLET_PASSPHRASE"] = "correct horse battery"
            process.environment = environment
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            try input.fileHandleForWriting.write(contentsOf: Data("[\(writer)]".utf8))
            try input.fileHandleForWriting.close()
            processes.append(process)
        }
        for process in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let export = try datafi(["wallet", "export", "--wallet", wallet])
        let types = ((try object(export.stdout)["records"] as? [[String: Any]]) ?? []).compactMap { $0["type"] as? String }
        #expect(Set(types) == ["w0", "w1", "w2", "w3"])
    }

    /// Writers killed at random moments: the wallet always opens, with the old or the new contents.
    @Test func killedWritersNeverCorruptTheWallet() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let (wallet, _) = try makeWallet(dir)
        // One uninterrupted write measures how long a writer lives; the kills land uniformly inside that.
        let started = Date()
        #expect(try datafi(["wallet", "add", "--wallet", wallet, "--type", "note"], stdin: "[0]").status == 0)
        let lifetime = max(Int(Date().timeIntervalSince(started) * 1000), 20)
        var expected = 1
        var killed = 0
        var generator = SystemRandomNumberGenerator()
        for round in 1...10 {
            let process = Process()
            process.executableURL = CLIRunner.executable
            process.arguments = ["wallet", "add", "--wallet", wallet, "--type", "note", "--data", "-"]
            var environment = ProcessInfo.processInfo.environment
            environment["DATAFI_WALLET_PASSPHRASE"] = "correct horse battery"
            process.environment = environment
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            try input.fileHandleForWriting.write(contentsOf: Data("[\(round)]".utf8))
            try input.fileHandleForWriting.close()
            Thread.sleep(forTimeInterval: Double(Int.random(in: 0...lifetime, using: &generator)) / 1000)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { killed += 1 }
            let export = try datafi(["wallet", "export", "--wallet", wallet])
            #expect(export.status == 0, "round \(round): \(export.stderr)")
            let count = (try object(export.stdout)["records"] as? [Any])?.count ?? -1
            #expect(count == expected || count == expected + 1, "round \(round): \(count) records, expected \(expected)")
            expected = max(expected, count)
        }
        #expect(killed > 0, "no writer was interrupted")
    }
}
