import Foundation
import Testing

private func secAggJSON(_ text: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [String: Any])
}

/// With K = 6 each secret is shared among 7 clients; 3 dropouts leave at least 4 of them, so t = 4
/// always succeeds whatever random graph the keys produce.
@Test func secAggSimulateMatchesThePlaintextSum() throws {
    let r = try CLIRunner.run(["secagg", "simulate", "--clients", "12", "--dimension", "50", "--threshold", "4",
                               "--dropout", "0.25", "--seed", "3", "--neighbours", "6"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let json = try secAggJSON(r.stdout)
    #expect(json["sum_matches_plaintext"] as? Bool == true)
    #expect((json["survivors"] as? Int).map { (9...12).contains($0) } == true)
    #expect((json["bytes_per_client"] as? Double ?? 0) > 0)
    #expect(json["client_ms"] is Double && json["server_ms"] is Double)
}

@Test func secAggSimulateWithTooFewSurvivorsExitsOne() throws {
    let r = try CLIRunner.run(["secagg", "simulate", "--clients", "4", "--dimension", "3", "--threshold", "4",
                               "--dropout", "0.5", "--seed", "1"])
    #expect(r.status == 1)
    let json = try secAggJSON(r.stdout)
    #expect(json["sum_matches_plaintext"] as? Bool == false)
    #expect((json["error"] as? String)?.contains("threshold is 4") == true)
}

@Test func secAggSimulateRejectsBadArguments() throws {
    for args in [["--clients", "1", "--dimension", "3", "--threshold", "2"],
                 ["--clients", "5", "--dimension", "0", "--threshold", "2"],
                 ["--clients", "5", "--dimension", "3", "--threshold", "9"],
                 ["--clients", "5", "--dimension", "3", "--threshold", "2", "--bits", "63"],
                 ["--clients", "5", "--dimension", "3", "--threshold", "2", "--neighbours", "3"],
                 ["--clients", "5", "--dimension", "3", "--threshold", "2", "--dropout", "2"],
                 ["--clients", "10000", "--dimension", "100000", "--threshold", "2"]] {
        let r = try CLIRunner.run(["secagg", "simulate"] + args)
        #expect(r.status == 2, "\(args): \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
}

@Test func analyticsSimulateAnswersQueries() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let csv = dir.appendingPathComponent("records.csv")
    var text = "id,income\n"
    for i in 0..<40 { text += "\(i),\(1000 + 10 * i)\n" }
    try Data(text.utf8).write(to: csv)
    let count = try CLIRunner.run(["analytics", "simulate", "--owners", "5", "--data", csv.path, "--query", "count"])
    #expect(count.status == 0, "stderr: \(count.stderr)")
    #expect(try secAggJSON(count.stdout)["value"] as? Double == 40)
    let sum = try CLIRunner.run(["analytics", "simulate", "--owners", "5", "--data", csv.path, "--query", "sum",
                                 "--column", "income", "--bounds", "0,5000"])
    #expect(sum.status == 0, "stderr: \(sum.stderr)")
    #expect(abs((try secAggJSON(sum.stdout)["value"] as? Double ?? 0) - 47800) < 1)
    let dp = try CLIRunner.run(["analytics", "simulate", "--owners", "5", "--data", csv.path, "--query", "histogram",
                                "--column", "income", "--bounds", "1000,1400", "--bins", "4",
                                "--epsilon", "1", "--delta", "1e-6", "--dropout", "0.2", "--seed", "4"])
    #expect(dp.status == 0, "stderr: \(dp.stderr)")
    let json = try secAggJSON(dp.stdout)
    #expect((json["histogram"] as? [Double])?.count == 4)
    #expect(json["survivors"] as? Int == 4)
    let privacy = try #require(json["privacy"] as? [String: Any])
    #expect((privacy["epsilon_spent"] as? Double ?? 2) <= 1)
    // DP without bounds, unknown columns and queries, and a malformed CSV are usage errors.
    for args in [["--query", "sum", "--column", "income", "--epsilon", "1", "--delta", "1e-6"],
                 ["--query", "sum", "--column", "nope"],
                 ["--query", "sum", "--bounds", "0,1"],
                 ["--query", "count", "--column", "nope"],
                 ["--query", "median", "--column", "income"],
                 ["--query", "count", "--epsilon", "1"]] {
        let r = try CLIRunner.run(["analytics", "simulate", "--owners", "5", "--data", csv.path] + args)
        #expect(r.status == 2, "\(args): \(r.stderr)")
    }
    let bad = dir.appendingPathComponent("bad.csv")
    try Data("id,income\n1,\"unterminated\n".utf8).write(to: bad)
    let r = try CLIRunner.run(["analytics", "simulate", "--owners", "2", "--data", bad.path, "--query", "count"])
    #expect(r.status == 2)
}
