import Foundation
import Testing

private func privacyCSV(_ text: String) throws -> String {
    let dir = try CLIRunner.temporaryDirectory()
    let url = dir.appendingPathComponent("data.csv")
    try Data(text.utf8).write(to: url)
    return url.path
}

private func privacyJSON(_ text: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [String: Any])
}

private let privacySample = "name,income,age\n\"Smith, J\",3200,41\nLee,4100,35\n\"O\"\"Brien\",2800,29\r\nKim,5150,52\n"

@Test func dpEpsilonMatchesTheAccountants() throws {
    let rdp = try CLIRunner.run(["dp", "epsilon", "--noise-multiplier", "4", "--sampling-rate", "0.01",
                                 "--steps", "10000", "--delta", "1e-5"])
    #expect(rdp.status == 0)
    let r = try privacyJSON(rdp.stdout)
    #expect(r["accountant"] as? String == "rdp")
    #expect(abs((r["epsilon"] as? Double ?? 0) - 1.0354900660362436) < 1e-6)   // dp-accounting 0.6.0
    let pld = try CLIRunner.run(["dp", "epsilon", "--noise-multiplier", "4", "--sampling-rate", "0.01",
                                 "--steps", "10000", "--delta", "1e-5", "--accountant", "pld"])
    #expect(pld.status == 0)
    #expect(abs((try privacyJSON(pld.stdout)["epsilon"] as? Double ?? 0) - 0.9469993068930963) < 1e-6)
    let timed = try CLIRunner.run(["dp", "epsilon", "--noise-multiplier", "1.1", "--sampling-rate", "0.01",
                                   "--steps", "1000", "--delta", "1e-5", "--timing"])
    #expect(timed.status == 0)
    #expect((try privacyJSON(timed.stdout)["seconds"] as? Double ?? -1) >= 0)
}

@Test func dpEpsilonRejectsBadParameters() throws {
    for args in [["--delta", "0"], ["--delta", "1.5"], ["--accountant", "moments"]] {
        let result = try CLIRunner.run(["dp", "epsilon", "--noise-multiplier", "1", "--sampling-rate", "0.1",
                                        "--steps", "10"] + (args.first == "--accountant" ? ["--delta", "1e-5"] : []) + args)
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
    let badSigma = try CLIRunner.run(["dp", "epsilon", "--noise-multiplier", "-1", "--sampling-rate", "0.1",
                                      "--steps", "10", "--delta", "1e-5"])
    #expect(badSigma.status != 0)
    let badQ = try CLIRunner.run(["dp", "epsilon", "--noise-multiplier", "1", "--sampling-rate", "2",
                                  "--steps", "10", "--delta", "1e-5"])
    #expect(badQ.status == 2)
}

@Test func dpReleaseAnswersEachQuery() throws {
    let path = try privacyCSV(privacySample)
    for (query, extra) in [("count", [String]()), ("sum", ["--column", "income", "--bounds", "0,10000"]),
                           ("mean", ["--column", "income", "--bounds", "0,10000"]),
                           ("histogram", ["--column", "age", "--bounds", "0,100", "--bins", "5"]),
                           ("quantile", ["--column", "age", "--bounds=-10,100", "--quantile", "0.5"])] {
        let result = try CLIRunner.run(["dp", "release", "--query", query, "--epsilon", "0.5", "--budget", "2",
                                        "--data", path] + extra)
        #expect(result.status == 0, "\(query): \(result.stderr)")
        let json = try privacyJSON(result.stdout)
        #expect(json["query"] as? String == query)
        #expect(json["budget_remaining"] as? Double == 1.5)
        #expect(json["answer"] != nil)
        if query == "histogram" { #expect((json["answer"] as? [Any])?.count == 5) }
    }
}

@Test func dpReleaseRejectsBadInput() throws {
    let good = try privacyCSV(privacySample)
    let cases: [([String], String)] = [
        (["--query", "sum", "--column", "missing", "--bounds", "0,1", "--data", good], "no column"),
        (["--query", "sum", "--column", "name", "--bounds", "0,1", "--data", good], "not a finite number"),
        (["--query", "sum", "--column", "income", "--bounds", "5,1", "--data", good], "bounds"),
        (["--query", "sum", "--column", "income", "--bounds", "x", "--data", good], "bounds"),
        (["--query", "sum", "--column", "income", "--data", good], "bounds"),
        (["--query", "median", "--column", "income", "--data", good], "unknown query"),
        (["--query", "count", "--data", "/no/such/file.csv"], "cannot read"),
        (["--query", "count", "--data", try privacyCSV("a,b\n\"open,1\n")], "unterminated"),
        (["--query", "count", "--data", try privacyCSV("a,b\n1,2,3\n")], "fields"),
        (["--query", "count", "--data", try privacyCSV("")], "empty"),
        (["--query", "mean", "--column", "a", "--bounds", "0,1", "--data", try privacyCSV("a\nnan\n")], "not a finite"),
    ]
    for (args, message) in cases {
        let result = try CLIRunner.run(["dp", "release", "--epsilon", "1"] + args)
        #expect(result.status == 2, "\(args)")
        #expect(result.stderr.contains(message), "\(args): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stdout.isEmpty)
    }
    for eps in ["0", "-1", "inf", "nan"] {
        let result = try CLIRunner.run(["dp", "release", "--query", "count", "--epsilon", eps, "--data", good])
        #expect(result.status != 0, "ε=\(eps)")
        #expect(result.stdout.isEmpty)
    }
}

@Test func dpReleaseOverBudgetReleasesNothing() throws {
    let path = try privacyCSV(privacySample)
    let result = try CLIRunner.run(["dp", "release", "--query", "count", "--epsilon", "2", "--budget", "1", "--data", path])
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("budget exceeded"))
}

@Test func dpReleaseReadsStdin() throws {
    let result = try CLIRunner.run(["dp", "release", "--query", "mean", "--column", "income", "--bounds", "0,10000",
                                    "--epsilon", "1", "--data", "-"], stdin: privacySample)
    #expect(result.status == 0)
    let answer = try #require(try privacyJSON(result.stdout)["answer"] as? Double)
    #expect(answer >= 0 && answer <= 10_000)
}

@Test func dpNoiseReportsMoments() throws {
    let result = try CLIRunner.run(["dp", "noise", "--distribution", "discrete-gaussian", "--scale", "3", "--count", "20000"])
    #expect(result.status == 0)
    let json = try privacyJSON(result.stdout)
    let variance = try #require(json["variance"] as? Double)
    #expect(abs(variance - 9) < 0.6)
    #expect((json["samples_per_second"] as? Double ?? 0) > 0)
    for bad in [["--distribution", "cauchy", "--scale", "1"], ["--distribution", "discrete-laplace", "--scale=-1"],
                ["--distribution", "discrete-laplace", "--scale", "1", "--count", "0"]] {
        let r = try CLIRunner.run(["dp", "noise"] + bad)
        #expect(r.status == 2, "\(bad)")
        #expect(r.stdout.isEmpty)
    }
}

@Test func dpReleaseRejectsHostileInput() throws {
    let good = try privacyCSV(privacySample)
    let binary = CLIRunner.temporaryDirectoryPathForPrivacy()
    let cases: [[String]] = [
        ["--query", "histogram", "--column", "age", "--bounds", "0,100", "--bins", "0", "--data", good],
        ["--query", "histogram", "--column", "age", "--bounds", "0,100", "--bins", "1000000000", "--data", good],
        ["--query", "quantile", "--column", "age", "--bounds", "0,100", "--quantile", "2", "--data", good],
        ["--query", "sum", "--column", "income", "--bounds", "0,inf", "--data", good],
        ["--query", "sum", "--column", "income", "--bounds", "0,1,2", "--data", good],
        ["--query", "count", "--budget=-1", "--data", good],
        ["--query", "count", "--data", binary],
    ]
    for args in cases {
        let result = try CLIRunner.run(["dp", "release", "--epsilon", "1"] + args)
        #expect(result.status == 2, "\(args)")
        #expect(result.stdout.isEmpty, "\(args)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(args): \(result.stderr)")
    }
    // Huge values are clamped, not trusted.
    let huge = try privacyCSV("x\n1e308\n-1e308\n5\n")
    let result = try CLIRunner.run(["dp", "release", "--query", "mean", "--column", "x", "--bounds", "0,10",
                                    "--epsilon", "5", "--data", huge])
    #expect(result.status == 0)
    let answer = try #require(try privacyJSON(result.stdout)["answer"] as? Double)
    #expect(answer >= 0 && answer <= 10)
}

@Test func dpEpsilonRejectsHostileSteps() throws {
    for steps in ["-1", "1000000000000", "abc"] {
        let result = try CLIRunner.run(["dp", "epsilon", "--noise-multiplier", "1", "--sampling-rate", "0.1",
                                        "--steps", steps, "--delta", "1e-5"])
        #expect(result.status != 0, "steps \(steps)")
        #expect(result.stdout.isEmpty)
    }
}

extension CLIRunner {
    /// A file of invalid UTF-8 bytes.
    static func temporaryDirectoryPathForPrivacy() -> String {
        let dir = (try? temporaryDirectory()) ?? FileManager.default.temporaryDirectory
        let url = dir.appendingPathComponent("binary.csv")
        try? Data([0xFF, 0xFE, 0x00, 0xC3, 0x28, 0x0A]).write(to: url)
        return url.path
    }
}
