import Foundation
import Testing

@Suite(.serialized) struct FederatedCLITests {
    /// `analytics run` and three `owner agent` processes through a `node serve` process; the third
    /// owner leaves after sharing keys. The histogram is the plaintext histogram of the two others.
    @Test func histogramOverTheNodeWithADropout() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let server = try ServerProcess([
            "node", "serve", "--store", "sqlite:" + dir.appendingPathComponent("n.sqlite").path,
            "--listen", "127.0.0.1:0", "--operator-key",
            dir.appendingPathComponent("operator.key").path, "--origin", "cli.example/fed",
        ])
        defer { server.stop() }
        let tables = ["age,city\n12,a\n30,b\n31,c\n99,d\n", "age,city\n55,e\n60,f\n", "age,city\n1,g\n2,h\n3,i\n"]
        var paths: [(data: String, key: String)] = []
        for (i, table) in tables.enumerated() {
            let data = dir.appendingPathComponent("owner\(i).csv")
            try Data(table.utf8).write(to: data)
            let key = dir.appendingPathComponent("owner\(i).key").path
            #expect(try CLIRunner.run(["keys", "generate", "--kind", "signing", "--secret-out", key]).status == 0)
            paths.append((data.path, key))
        }
        let coordinatorKey = dir.appendingPathComponent("coordinator.key").path
        #expect(
            try CLIRunner.run(["keys", "generate", "--kind", "signing", "--secret-out", coordinatorKey]).status == 0)

        let commands: [[String]] =
            [
                [
                    "analytics", "run", "--node", server.url, "--key", coordinatorKey, "--owners", "3", "--threshold",
                    "2",
                    "--query", "histogram", "--column", "age", "--bounds", "0,100", "--bins", "4", "--step-timeout",
                    "2",
                ]
            ]
            + paths.enumerated().map { i, p in
                ["owner", "agent", "--node", server.url, "--data", p.data, "--key", p.key, "--timeout", "60"]
                    + (i == 2 ? ["--stop-after", "share-keys"] : [])
            }
        let all = runTogether(commands)
        let coordinator = all[0]
        #expect(coordinator.status == 0, "\(coordinator.stderr)")
        #expect(coordinator.stderr.hasPrefix("round "))
        let output = try JSONSerialization.jsonObject(with: Data(coordinator.stdout.utf8)) as? [String: Any]
        // Bins of 25 over the survivors: 12 | 30, 31 | 55, 60 | 99 (the dropped owner's 1, 2, 3 are not in).
        #expect(output?["histogram"] as? [Double] == [1, 2, 2, 1])
        #expect(output?["survivors"] as? Int == 2 && output?["owners"] as? Int == 3)
        for i in 1...3 { #expect(all[i].status == 0, "\(all[i].stderr)") }
        #expect(
            all[1].stdout.contains(#""result":{"histogram":["1.0","2.0","2.0","1.0"]"#), "\(all[1].stdout)")
        #expect(!all[3].stdout.contains("result"))
    }

    @Test func federatedCommandsRefuseBadUsageAndUnreachableNodes() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let key = dir.appendingPathComponent("k").path
        #expect(try CLIRunner.run(["keys", "generate", "--kind", "signing", "--secret-out", key]).status == 0)
        let noBounds = try CLIRunner.run([
            "analytics", "run", "--node", "http://127.0.0.1:1", "--key", key, "--owners", "3",
            "--query", "sum", "--column", "x",
        ])
        #expect(noBounds.status == 2 && noBounds.stderr.contains("--bounds"))
        let badQuery = try CLIRunner.run([
            "analytics", "run", "--node", "http://127.0.0.1:1", "--key", key, "--owners", "3",
            "--query", "median",
        ])
        #expect(badQuery.status == 2)
        let badURL = try CLIRunner.run(["owner", "agent", "--node", "nope", "--data", key, "--key", key])
        #expect(badURL.status == 2 && badURL.stderr.contains("not an http(s) URL"))
        let badStop = try CLIRunner.run([
            "owner", "agent", "--node", "http://127.0.0.1:1", "--data", key, "--key", key,
            "--stop-after", "never",
        ])
        #expect(badStop.status == 2)
        let unreachable = try CLIRunner.run([
            "owner", "agent", "--node", "http://127.0.0.1:1", "--data", key, "--key", key,
            "--timeout", "1",
        ])
        #expect(unreachable.status == 3, "\(unreachable.stderr)")
        let noOwners = try CLIRunner.run([
            "analytics", "run", "--node", "http://127.0.0.1:1", "--key", key, "--owners", "1",
            "--query", "count",
        ])
        #expect(noOwners.status == 2, "\(noOwners.stderr)")
    }
}
