import DataFi
import Foundation
import Testing

@Suite(.serialized) struct NodeCLITests {
    @Test func nodeServeSubmitAndBench() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let keyPath = dir.appendingPathComponent("operator.key").path
        let store = "sqlite:" + dir.appendingPathComponent("node.sqlite").path
        let origin = "cli.example/node"
        let server = try ServerProcess(["node", "serve", "--store", store, "--listen", "127.0.0.1:0",
                                        "--operator-key", keyPath, "--origin", origin])
        defer { server.stop() }

        // Two envelopes signed with `ledger sign`, one garbage line: three receipt lines in order.
        let txPath = dir.appendingPathComponent("tx.json")
        try Data(#"{"transfer":{"token":"ALITA","to":"bob","amount":"5"}}"#.utf8).write(to: txPath)
        var lines: [String] = []
        for nonce in 0..<2 {
            let signed = try CLIRunner.run(["ledger", "sign", "--key", keyPath, "--origin", origin, "--nonce", "\(nonce)",
                                            "--tx", txPath.path])
            #expect(signed.status == 0, "\(signed.stderr)")
            lines.append(signed.stdout.trimmingCharacters(in: .newlines))
        }
        lines.insert("not json", at: 1)
        let input = dir.appendingPathComponent("in.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: input)
        let submit = try CLIRunner.run(["node", "submit", "--url", server.url, "--in", input.path])
        #expect(submit.status == 0, "\(submit.stderr)")
        let receipts = submit.stdout.split(separator: "\n").map(String.init)
        #expect(receipts.count == 3)
        #expect(receipts.first?.hasPrefix(#"{"index":0,"leaf_hash":"#) == true && receipts.first?.contains(#""status":"applied""#) == true)
        #expect(receipts.dropFirst().first?.hasPrefix(#"{"message":"#) == true && receipts[1].contains(#""rejected":"malformed_json""#))
        #expect(receipts.last?.hasPrefix(#"{"index":1,"#) == true)

        // The bench: every transfer logged, a JSON summary with the rate and latencies.
        let bench = try CLIRunner.run(["node", "bench", "--url", server.url, "--transactions", "300", "--concurrency", "8",
                                       "--batch", "10"])
        #expect(bench.status == 0, "\(bench.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(bench.stdout.utf8)) as? [String: Any]
        #expect(summary?["logged"] as? Int == 300 && summary?["failedRequests"] as? Int == 0)
        #expect(Double(summary?["txPerSecond"] as? String ?? "") ?? 0 > 0)
        #expect(Double(summary?["p99Ms"] as? String ?? "") ?? -1 >= Double(summary?["p50Ms"] as? String ?? "") ?? 0)

        // The node's checkpoint covers all 302 entries; SIGTERM exits 0.
        let verify = try CLIRunner.run(["ledger", "checkpoint", "--store", String(store.dropFirst(7)), "--operator-key", keyPath])
        #expect(verify.status == 0 && verify.stdout.hasPrefix("\(origin)\n302\n"), "\(verify.stdout) \(verify.stderr)")
        #expect(server.stop() == 0)
    }

    @Test func nodeCommandsRefuseBadUsageAndUnreachableNodes() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let key = dir.appendingPathComponent("k").path
        let badStore = try CLIRunner.run(["node", "serve", "--store", "file.db", "--operator-key", key, "--origin", "o"])
        #expect(badStore.status == 2 && badStore.stderr.contains("sqlite:PATH"))
        let badOrigin = try CLIRunner.run(["node", "serve", "--store", "sqlite:" + dir.appendingPathComponent("s").path,
                                           "--operator-key", key, "--origin", "has space"])
        #expect(badOrigin.status == 2)
        let badURL = try CLIRunner.run(["node", "bench", "--url", "nope", "--transactions", "1"])
        #expect(badURL.status == 2 && badURL.stderr.contains("not an http(s) URL"))
        let badBatch = try CLIRunner.run(["node", "bench", "--url", "http://127.0.0.1:1", "--batch", "0"])
        #expect(badBatch.status == 2)
        let unreachable = try CLIRunner.run(["node", "submit", "--url", "http://127.0.0.1:1"], stdin: "{}\n")
        #expect(unreachable.status == 0 && unreachable.stdout.contains("rejected"))
        let unreachableBench = try CLIRunner.run(["node", "bench", "--url", "http://127.0.0.1:1", "--transactions", "1"])
        #expect(unreachableBench.status == 3, "\(unreachableBench.stderr)")
    }
}
