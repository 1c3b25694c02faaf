import Foundation
import Testing

@Suite struct MarketCLITests {
    static func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func searchRanksTheDemoMarketAsJSONLines() throws {
        let result = try CLIRunner.run(["market", "search", "--demo-seed", "7", "--query", "city mobility health", "--limit", "5"])
        #expect(result.status == 0, "\(result.stderr)")
        let hits = try Self.lines(result.stdout)
        #expect(hits.count == 2)
        #expect(hits.map { $0["rank"] as? Int } == [1, 2])
        #expect(Set(hits.compactMap { $0["dataset"] as? String }) == ["MOBILITY", "HEALTH"])
        let scores = hits.compactMap { $0["score"] as? Double }
        #expect(scores.count == 2 && scores[0] >= scores[1] && scores[1] > 0)
        #expect(hits.allSatisfy { $0["verifiedRecords"] is String })
        // The same seed gives the same answer.
        let again = try CLIRunner.run(["market", "search", "--demo-seed", "7", "--query", "city mobility health", "--limit", "5"])
        #expect(again.stdout == result.stdout)
    }

    @Test func searchFacets() throws {
        let licensed = try CLIRunner.run(["market", "search", "--demo-seed", "7", "--query", "city health household",
                                          "--licence", "odbl-1.0"])
        #expect(licensed.status == 0)
        #expect(try Self.lines(licensed.stdout).compactMap { $0["dataset"] as? String } == ["MOBILITY"])
        let verified = try CLIRunner.run(["market", "search", "--demo-seed", "7", "--query", "household readings",
                                          "--verified-only"])
        #expect(verified.status == 0 && verified.stdout.isEmpty)
        let unverified = try CLIRunner.run(["market", "search", "--demo-seed", "7", "--query", "household readings"])
        #expect(try Self.lines(unverified.stdout).compactMap { $0["dataset"] as? String } == ["ENERGY"])
        let keyword = try CLIRunner.run(["market", "search", "--demo-seed", "7", "--query", "city", "--keyword", "TRANSIT",
                                         "--min-records", "1000", "--max-records", "5000"])
        #expect(try Self.lines(keyword.stdout).compactMap { $0["dataset"] as? String } == ["MOBILITY"])
    }

    @Test func searchRefusesBadUsage() throws {
        let cases: [([String], String)] = [
            (["--query", "x"], "give exactly one of --ledger PATH and --demo-seed N"),
            (["--ledger", "l", "--demo-seed", "1", "--query", "x"], "give exactly one"),
            (["--demo-seed", "7", "--query", "?!"], "the query has no word"),
            (["--demo-seed", "7", "--query", String(repeating: "a ", count: 600)], "the query has"),
            (["--demo-seed", "7", "--query", "x", "--limit", "0"], "limit 0 outside"),
            (["--demo-seed", "7", "--query", "x", "--min-records", "9", "--max-records", "1"], "record range 9...1 is empty"),
        ]
        for (arguments, message) in cases {
            let result = try CLIRunner.run(["market", "search"] + arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let missing = try CLIRunner.run(["market", "search", "--demo-seed", "7"])
        #expect(missing.status != 0)
    }

    /// The ledger the demo keeps holds the same market as the demo: searching either gives the same answer.
    @Test func searchReplaysALedger() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let path = dir.appendingPathComponent("demo.sqlite").path
        let demo = try CLIRunner.run(["demo", "--seed", "7", "--ledger", path])
        #expect(demo.status == 0, "\(demo.stderr)")
        for query in ["city mobility health", "household readings"] {
            let fromLedger = try CLIRunner.run(["market", "search", "--ledger", path, "--query", query])
            let fromDemo = try CLIRunner.run(["market", "search", "--demo-seed", "7", "--query", query])
            #expect(fromLedger.status == 0, "\(fromLedger.stderr)")
            #expect(!fromLedger.stdout.isEmpty && fromLedger.stdout == fromDemo.stdout)
        }
        let missing = try CLIRunner.run(["market", "search", "--ledger", dir.appendingPathComponent("none.sqlite").path,
                                         "--query", "x"])
        #expect(missing.status == 3 && missing.stderr.contains("cannot open ledger"), "\(missing.stderr)")
        let notALedger = dir.appendingPathComponent("garbage.sqlite")
        try Data("not a database".utf8).write(to: notALedger)
        let garbage = try CLIRunner.run(["market", "search", "--ledger", notALedger.path, "--query", "x"])
        #expect(garbage.status != 0 && garbage.stdout.isEmpty)
    }

    @Test func demoShowsTheTrustScenes() throws {
        let result = try CLIRunner.run(["demo", "--seed", "7"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("of Eve rejected (unreadable)"))
        #expect(result.stdout.contains("refunded to Carla, excluded asset(s) #2"))
        #expect(result.stdout.contains("cancelled after its deadline"))
        #expect(result.stdout.contains("Chen's balances restored exactly: yes"))
        #expect(result.stdout.contains("Val was far from the consensus on MOBILITY: slashed 20 ALITA"))
        #expect(result.stdout.contains("stake-weighted median quality 80.00%"))
        #expect(result.stdout.contains("1. MOBILITY"))
        #expect(!result.stdout.contains("MISMATCH"))
        let json = try CLIRunner.run(["demo", "--seed", "7", "--json"])
        let kinds = Set(try Self.lines(json.stdout).compactMap { $0["kind"] as? String })
        #expect(kinds.contains("search"))
    }
}
