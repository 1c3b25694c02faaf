import DataFiSodium
import Foundation
import Testing

/// The command line under hostile and careless use: a full device as stdout, a closed stdin, outputs that
/// are symbolic links, existing files or inputs, huge and degenerate inputs under a memory limit, duplicate
/// JSON keys, mismatched files, loose numbers. Every case names the exit code of the one convention
/// (0 ok, 1 negative verdict, 2 malformed input or usage, 3 environment).
@Suite struct HostileInputCLITests {
    /// Runs `datafi` through /bin/sh with `redirections` (e.g. `>/dev/full`, `<&-`) and a virtual memory
    /// limit in KiB, so a run that tries to allocate gigabytes fails instead of the test machine.
    static func shell(_ arguments: [String], redirections: String = "", memoryKiB: Int = 4 << 20,
                      stdin: String = "") throws -> CLIRunner.Result {
        func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let command = ([CLIRunner.executable.path] + arguments).map(quote).joined(separator: " ")
        return try CLIRunner.run(["-c", "ulimit -v \(memoryKiB); exec \(command) \(redirections)"],
                                 stdin: Data(stdin.utf8), program: URL(fileURLWithPath: "/bin/sh"))
    }

    func file(_ dir: URL, _ name: String, _ text: String, mode: Int = 0o644) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        chmod(url.path, mode_t(mode))
        return url.path
    }

    /// One line on stderr, short, and the given exit code.
    func expectRefusal(_ result: CLIRunner.Result, _ code: Int32, _ fragment: String? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == code, "status \(result.status), stderr: \(result.stderr.prefix(300))", sourceLocation: sourceLocation)
        #expect(!result.stderr.isEmpty, sourceLocation: sourceLocation)
        #expect(result.stderr.count < 600, "stderr is \(result.stderr.count) characters", sourceLocation: sourceLocation)
        if let fragment {
            #expect(result.stderr.contains(fragment), "stderr: \(result.stderr.prefix(300))", sourceLocation: sourceLocation)
        }
    }

    // MARK: output handling

    @Test func fullDeviceAsStdoutIsAnEnvironmentError() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let csv = try file(dir, "d.csv", "x,bad\n1,0\n2,1\n3,0\n4,1\n5,1\n6,0\n")
        let edges = try file(dir, "e.csv", "a,b\nb,c\n")
        let runs: [[String]] = [
            ["hash", "--in", csv], ["--help"], ["zk", "prove", "--value", "5", "--bits", "8"],
            ["dp", "epsilon", "--noise-multiplier", "1", "--sampling-rate", "0.01", "--steps", "10", "--delta", "1e-5"],
            ["dp", "release", "--query", "count", "--epsilon", "1", "--data", csv],
            ["rank", "--edges", edges], ["score", "train", "--data", csv, "--target", "bad", "--l2", "1"],
            ["amm", "quote", "--amount-in", "5", "--reserve-in", "100", "--reserve-out", "100"],
            ["keys", "generate", "--kind", "box", "--secret-out", dir.appendingPathComponent("k").path],
        ]
        for args in runs {
            let result = try Self.shell(args, redirections: ">/dev/full")
            expectRefusal(result, 3, "standard output")
        }
        let replay = try Self.shell(["amm", "replay"], redirections: ">/dev/full", stdin: #"{"op":"sync"}"# + "\n")
        expectRefusal(replay, 3)
    }

    @Test func closedStdinIsAReadErrorNotACrash() throws {
        for args in [["hash"], ["zk", "verify"], ["score", "train", "--data", "-", "--target", "y"], ["amm", "replay"],
                     ["rank", "--edges", "-"]] {
            let result = try Self.shell(args, redirections: "<&-")
            #expect(result.status != 0 && result.status < 128, "\(args): status \(result.status)")
            #expect(result.stderr.count < 600)
        }
    }

    @Test func symlinkedOutputsAreRefusedAndTheirTargetsKept() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let target = try file(dir, "target", "keep")
        let link = dir.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let items = try file(dir, "items", "a\nb\n")
        let csv = try file(dir, "d.csv", "x,bad\n1,0\n2,1\n3,0\n4,1\n5,1\n6,0\n")
        let corpus = try file(dir, "c.txt", "a b c\nb c d\n")
        let runs: [[String]] = [
            ["keys", "generate", "--kind", "signing", "--secret-out", link],
            ["psi", "setup", "--items", items, "--key", dir.appendingPathComponent("sk").path, "--out", link],
            ["zk", "prove", "--value", "3", "--bits", "8", "--out", link],
            ["zk", "prove", "--value", "3", "--bits", "8", "--blinding-out", link],
            ["score", "train", "--data", csv, "--target", "bad", "--l2", "1", "--out", link],
            ["embed", "--corpus", corpus, "--dim", "4", "--epochs", "1", "--out", link],
            ["dp", "release", "--query", "count", "--epsilon", "1", "--data", csv, "--budget", "2", "--budget-file", link],
        ]
        for args in runs {
            let result = try CLIRunner.run(args)
            expectRefusal(result, 2, "symbolic link")
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep", "\(args)")
        }
    }

    @Test func secretsAreNotOverwrittenWithoutForce() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let blinding = try file(dir, "blinding", "old", mode: 0o600)
        expectRefusal(try CLIRunner.run(["zk", "prove", "--value", "3", "--bits", "8", "--blinding-out", blinding]), 2, "--force")
        #expect(try String(contentsOfFile: blinding, encoding: .utf8) == "old")
        #expect(try CLIRunner.run(["zk", "prove", "--value", "3", "--bits", "8", "--blinding-out", blinding, "--force"]).status == 0)
        #expect(try String(contentsOfFile: blinding, encoding: .utf8) != "old")
        let same = try CLIRunner.run(["zk", "prove", "--value", "3", "--bits", "8", "--out", blinding, "--blinding-out", blinding, "--force"])
        expectRefusal(same, 2, "same file")
    }

    @Test func anOutputThatIsAnInputIsRefused() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let items = try file(dir, "items", "a\nb\n")
        let key = dir.appendingPathComponent("key").path
        #expect(try CLIRunner.run(["psi", "setup", "--items", items, "--key", key, "--out", dir.appendingPathComponent("s").path]).status == 0)
        let keyBefore = try Data(contentsOf: URL(fileURLWithPath: key))
        expectRefusal(try CLIRunner.run(["psi", "setup", "--items", items, "--key", key, "--out", key]), 2, "also an input")
        #expect(try Data(contentsOf: URL(fileURLWithPath: key)) == keyBefore)
        expectRefusal(try CLIRunner.run(["psi", "setup", "--items", items, "--key", key, "--out", items]), 2, "also an input")
        #expect(try String(contentsOfFile: items, encoding: .utf8) == "a\nb\n")
        let csv = try file(dir, "d.csv", "x,bad\n1,0\n2,1\n3,0\n4,1\n5,1\n6,0\n")
        expectRefusal(try CLIRunner.run(["score", "train", "--data", csv, "--target", "bad", "--l2", "1", "--out", csv]), 2, "also an input")
    }

    // MARK: resource limits by real cost

    @Test func oneHotExplosionIsRefusedEarlyNamingTheLimit() throws {
        let dir = try CLIRunner.temporaryDirectory()
        var text = "id,x,bad\n"
        for i in 0..<25_000 { text += "user\(i),\(i % 7),\(i % 2)\n" }
        let csv = try file(dir, "ids.csv", text)
        // 25,000 one-hot columns would need a 5 GB Hessian; under a 2 GiB address space the run must refuse.
        let result = try Self.shell(["score", "train", "--data", csv, "--target", "bad", "--l2", "1"], memoryKiB: 2 << 20)
        expectRefusal(result, 2, "limit")
        #expect(result.stderr.contains("id"))
        // Named as categories explicitly, the cost is the same and so is the refusal.
        let bench = try Self.shell(["score", "bench", "--features", "100000"], memoryKiB: 2 << 20)
        expectRefusal(bench, 2, "limit")
    }

    @Test func replayOutputDoesNotGrowWithHolders() throws {
        var lines: [String] = []
        for k in 0..<2_000 { lines.append(#"{"op":"mint","to":"h\#(k)","amount0":"1000000","amount1":"1000000"}"#) }
        // From a file: the runner writes stdin before reading stdout, so a large input through a pipe would deadlock.
        let dir = try CLIRunner.temporaryDirectory()
        let input = try file(dir, "ops.jsonl", lines.joined(separator: "\n") + "\n")
        let result = try Self.shell(["amm", "replay"], redirections: "<" + input, memoryKiB: 2 << 20)
        #expect(result.status == 0)
        let outputs = result.stdout.split(separator: "\n")
        #expect(outputs.count == lines.count)
        // Each answer lists the holders it changed, not all 2,000: the last answer is as short as the second.
        #expect(outputs.last.map { $0.count < 400 } == true)
        let all = try Self.shell(["amm", "replay", "--lp", "all"], stdin: lines.prefix(3).joined(separator: "\n") + "\n")
        #expect(all.stdout.split(separator: "\n").last?.contains("h0") == true)
    }

    // MARK: silently wrong answers

    @Test func psiIntersectRefusesAnotherItemFile() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let server = try file(dir, "server", "alice\nbob\ncarol\n")
        let client = try file(dir, "client", "bob\ndave\n")
        let other = try file(dir, "other", "carol\nalice\n")
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        #expect(try CLIRunner.run(["psi", "setup", "--items", server, "--key", path("sk"), "--out", path("setup")]).status == 0)
        #expect(try CLIRunner.run(["psi", "request", "--items", client, "--key", path("ck"), "--out", path("req")]).status == 0)
        #expect(try CLIRunner.run(["psi", "respond", "--key", path("sk"), "--request", path("req"), "--out", path("resp")]).status == 0)
        let good = try CLIRunner.run(["psi", "intersect", "--key", path("ck"), "--items", client, "--setup", path("setup"),
                                      "--response", path("resp")])
        #expect(good.status == 0 && good.stdout == "bob\n")
        // Same number of items, different items: before the binding this printed "carol" and "alice".
        let wrong = try CLIRunner.run(["psi", "intersect", "--key", path("ck"), "--items", other, "--setup", path("setup"),
                                       "--response", path("resp")])
        expectRefusal(wrong, 2, "does not answer")
        #expect(wrong.stdout.isEmpty)
        // A response without the binding (a bare library message) is refused too.
        let bare = try Data(contentsOf: URL(fileURLWithPath: path("resp"))).dropLast(36)
        try bare.write(to: URL(fileURLWithPath: path("bare")))
        expectRefusal(try CLIRunner.run(["psi", "intersect", "--key", path("ck"), "--items", client, "--setup", path("setup"),
                                         "--response", path("bare")]), 2, "binding")
    }

    @Test func blankOrTextCellsDoNotTurnANumericColumnIntoCategories() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let blank = try file(dir, "blank.csv", "income,bad\n10,0\n20,1\n,0\n40,1\n50,0\n60,1\n")
        expectRefusal(try CLIRunner.run(["score", "train", "--data", blank, "--target", "bad", "--l2", "1"]), 2, "income")
        let text = try file(dir, "text.csv", "income,bad\n10,0\n20,1\nn/a,0\n40,1\n50,0\n60,1\n")
        expectRefusal(try CLIRunner.run(["score", "train", "--data", text, "--target", "bad", "--l2", "1"]), 2, "n/a")
        let hex = try file(dir, "hex.csv", "income,bad\n10,0\n0x10,1\n30,0\n40,1\n50,0\n60,1\n")
        expectRefusal(try CLIRunner.run(["score", "train", "--data", hex, "--target", "bad", "--l2", "1"]), 2, "0x10")
        // Named as categorical, the same column is read as categories on purpose.
        let ok = try CLIRunner.run(["score", "train", "--data", text, "--target", "bad", "--l2", "1", "--categorical", "income"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("income=n/a"))
    }

    @Test func evaluateRefusesUnreadableLabels() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let train = try file(dir, "t.csv", "x,bad\n1,0\n2,1\n3,0\n4,1\n5,1\n6,0\n")
        let model = dir.appendingPathComponent("m.json").path
        #expect(try CLIRunner.run(["score", "train", "--data", train, "--target", "bad", "--l2", "1", "--out", model]).status == 0)
        for labels in ["yes", "", "2"] {
            let data = try file(dir, "e.csv", "x,bad\n1,0\n2,1\n3,\(labels)\n4,1\n")
            expectRefusal(try CLIRunner.run(["score", "evaluate", "--model", model, "--data", data, "--target", "bad"]), 2, "label")
        }
    }

    @Test func blacklistRefusesUnknownHeadersAndBillsAnApplicantOnce() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let applicants = try file(dir, "a.csv", "reference,phone\nA1,+2348012345678\nA1,+2348012345678\nA2,+2348099999999\n")
        let list = try file(dir, "l.csv", "phone\n+2348012345678\n")
        let result = try CLIRunner.run(["risk", "blacklist", "--applicants", applicants, "--blacklist", "p=\(list)", "--fee", "10"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let fees = try #require(json["fees"] as? [[String: Any]])
        #expect(fees.first?["hits"] as? Int == 1 && fees.first?["amount"] as? String == "10")
        let typo = try file(dir, "typo.csv", "phnoe\n+2348012345678\n")
        expectRefusal(try CLIRunner.run(["risk", "blacklist", "--applicants", applicants, "--blacklist", "p=\(typo)"]), 2, "phnoe")
    }

    @Test func duplicateJSONKeysAreRefusedByEveryReader() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let prove = try CLIRunner.run(["zk", "prove", "--value", "7", "--bits", "8"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(prove.stdout.utf8)) as? [String: Any])
        let proof = try #require(object["proof"] as? String), commitment = try #require(object["commitment"] as? String)
        let duplicated = #"{"bits":8,"bits":64,"commitment":"\#(commitment)","proof":"\#(proof)"}"#
        expectRefusal(try CLIRunner.run(["zk", "verify"], stdin: duplicated), 2, "duplicate")
        let train = try file(dir, "t.csv", "x,bad\n1,0\n2,1\n3,0\n4,1\n5,1\n6,0\n")
        let model = dir.appendingPathComponent("m.json").path
        #expect(try CLIRunner.run(["score", "train", "--data", train, "--target", "bad", "--l2", "1", "--out", model]).status == 0)
        var text = try String(contentsOfFile: model, encoding: .utf8)
        text = text.replacingOccurrences(of: "{", with: "{\"scaling\":{},", options: [], range: text.range(of: "{"))
        try text.write(toFile: model, atomically: true, encoding: .utf8)
        expectRefusal(try CLIRunner.run(["score", "predict", "--model", model, "--data", train]), 2, "duplicate")
        let replay = try CLIRunner.run(["amm", "replay"], stdin: #"{"op":"sync","op":"skim","to":"x"}"# + "\n" + #"{"op":"s\u0079nc","op":"sync"}"# + "\n")
        #expect(replay.stdout.split(separator: "\n").allSatisfy { $0.contains("duplicate") })
    }

    @Test func pldReportsANumberAndTheTighterBound() throws {
        let result = try CLIRunner.run(["dp", "epsilon", "--noise-multiplier", "1", "--sampling-rate", "0.01", "--steps", "1000",
                                        "--delta", "1e-15", "--accountant", "pld"])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let pld = try #require(json["epsilon"] as? Double)
        let rdpRun = try CLIRunner.run(["dp", "epsilon", "--noise-multiplier", "1", "--sampling-rate", "0.01", "--steps", "1000",
                                        "--delta", "1e-15", "--accountant", "rdp"])
        let rdp = try #require((try JSONSerialization.jsonObject(with: Data(rdpRun.stdout.utf8)) as? [String: Any])?["epsilon"] as? Double)
        #expect(pld <= rdp)
        #expect(!result.stdout.contains("inf"))
        let none = try CLIRunner.run(["dp", "epsilon", "--noise-multiplier", "0.0", "--sampling-rate", "1", "--steps", "1",
                                      "--delta", "1e-5", "--accountant", "pld"])
        #expect(none.status == 2 && !none.stdout.contains("inf"))
    }

    @Test func budgetFilePersistsAndRefusesWhenSpent() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let csv = try file(dir, "d.csv", "v\n1\n2\n3\n")
        let budget = dir.appendingPathComponent("budget.json").path
        let first = try CLIRunner.run(["dp", "release", "--query", "count", "--epsilon", "0.6", "--budget", "1", "--data", csv,
                                       "--budget-file", budget])
        #expect(first.status == 0, "\(first.stderr)")
        let saved = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: budget))) as? [String: Any])
        #expect(saved["spent_epsilon"] as? Double == 0.6 && saved["releases"] as? Int == 1)
        // The second run remembers the first: 0.6 + 0.6 > 1.
        let second = try CLIRunner.run(["dp", "release", "--query", "count", "--epsilon", "0.6", "--data", csv, "--budget-file", budget])
        expectRefusal(second, 2, "budget exceeded")
        #expect(second.stdout.isEmpty)
        let third = try CLIRunner.run(["dp", "release", "--query", "count", "--epsilon", "0.4", "--data", csv, "--budget-file", budget])
        #expect(third.status == 0)
        expectRefusal(try CLIRunner.run(["dp", "release", "--query", "count", "--epsilon", "0.01", "--data", csv, "--budget-file", budget]),
                      2, "budget exceeded")
        expectRefusal(try CLIRunner.run(["dp", "release", "--query", "count", "--epsilon", "0.1", "--budget", "5", "--data", csv,
                                         "--budget-file", budget]), 2, "differs")
    }

    // MARK: loose parsing and messages

    @Test func hexAndPlusSignsAreNotDecimal() throws {
        for args in [["zk", "prove", "--value", "0x10", "--bits", "8"], ["zk", "prove", "--value", "+5", "--bits", "8"],
                     ["zk", "prove", "--value", "5", "--bits", "+8"],
                     ["dp", "epsilon", "--noise-multiplier", "0x1", "--sampling-rate", "0.1", "--steps", "1", "--delta", "1e-5"],
                     ["dp", "epsilon", "--noise-multiplier", "1", "--sampling-rate", "0.1", "--steps", "+1", "--delta", "1e-5"],
                     ["amm", "quote", "--amount-in", "+5", "--reserve-in", "100", "--reserve-out", "100"],
                     ["amm", "quote", "--amount-in", "0x10", "--reserve-in", "100", "--reserve-out", "100"],
                     ["score", "bench", "--rows", "0x10"], ["rank", "--edges", "-", "--damping", "+0.5"]] {
            let result = try CLIRunner.run(args)
            #expect(result.status == 2, "\(args): \(result.status)")
        }
    }

    @Test func keyFilesReadableByOthersAreRefused() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let key = dir.appendingPathComponent("sign.key").path
        #expect(try CLIRunner.run(["keys", "generate", "--kind", "signing", "--secret-out", key]).status == 0)
        #expect(try CLIRunner.run(["sign", "--key", key], stdin: "m").status == 0)
        chmod(key, 0o644)
        expectRefusal(try CLIRunner.run(["sign", "--key", key], stdin: "m"), 2, "chmod 600")
        let box = dir.appendingPathComponent("box.key").path
        #expect(try CLIRunner.run(["keys", "generate", "--kind", "box", "--secret-out", box]).status == 0)
        // A 32-byte box key is not a signing key.
        expectRefusal(try CLIRunner.run(["sign", "--key", box], stdin: "m"), 2, "64 bytes")
        let items = try file(dir, "items", "a\n")
        let psiKey = dir.appendingPathComponent("psi.key").path
        #expect(try CLIRunner.run(["psi", "request", "--items", items, "--key", psiKey, "--out", dir.appendingPathComponent("r").path]).status == 0)
        chmod(psiKey, 0o640)
        expectRefusal(try CLIRunner.run(["psi", "request", "--items", items, "--key", psiKey, "--out", dir.appendingPathComponent("r").path]),
                      2, "chmod 600")
    }

    @Test func messagesNameTheValueShortened() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let cell = String(repeating: "z", count: 10_000)
        let csv = try file(dir, "d.csv", "v\n1\n\(cell)\n")
        let result = try CLIRunner.run(["dp", "release", "--query", "sum", "--column", "v", "--bounds", "0,10", "--epsilon", "1",
                                        "--data", csv])
        expectRefusal(result, 2, "zzzz")
        #expect(result.stderr.contains("line 3"))
        let long = try CLIRunner.run(["zk", "prove", "--value", String(repeating: "9", count: 5_000)])
        expectRefusal(long, 2)
    }

    // MARK: one exit-code convention

    @Test func malformedIsTwoAndNegativeVerdictIsOne() throws {
        let prove = try CLIRunner.run(["zk", "prove", "--value", "7", "--bits", "8"])
        var object = try #require(try JSONSerialization.jsonObject(with: Data(prove.stdout.utf8)) as? [String: Any])
        let proof = try #require(object["proof"] as? String)
        // Well-formed but for another commitment: does not verify.
        let other = try #require(try JSONSerialization.jsonObject(with: Data(try CLIRunner.run(["zk", "prove", "--value", "8", "--bits", "8"]).stdout.utf8)) as? [String: Any])
        object["commitment"] = other["commitment"]
        #expect(try CLIRunner.run(["zk", "verify"], stdin: String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)).status == 1)
        object["proof"] = String(proof.dropLast(2))
        #expect(try CLIRunner.run(["zk", "verify"], stdin: String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)).status == 2)
        #expect(try CLIRunner.run(["verify", "--public-key", String(repeating: "ab", count: 32), "--signature", "00"], stdin: "m").status == 2)
        #expect(try CLIRunner.run(["no-such-command"]).status == 2)
        #expect(try CLIRunner.run(["zk", "prove"]).status == 2)
        #expect(try CLIRunner.run(["--version"]).status == 0)
    }

    @Test func everySubcommandHelpStatesItsInput() throws {
        let leaves: [[String]] = [
            ["keys", "generate"], ["sign"], ["verify"], ["seal"], ["open"], ["hash"], ["amm", "replay"], ["amm", "quote"],
            ["zk", "prove"], ["zk", "verify"], ["psi", "setup"], ["psi", "request"], ["psi", "respond"], ["psi", "intersect"],
            ["risk", "blacklist"], ["score", "train"], ["score", "predict"], ["score", "evaluate"], ["score", "bench"],
            ["rank"], ["embed"], ["dp", "epsilon"], ["dp", "release"], ["dp", "noise"], ["demo"],
        ]
        for leaf in leaves {
            let result = try CLIRunner.run(leaf + ["--help"])
            #expect(result.status == 0, "\(leaf)")
            #expect(result.stdout.contains("USAGE") || result.stdout.contains("Usage"), "\(leaf)")
        }
    }
}
