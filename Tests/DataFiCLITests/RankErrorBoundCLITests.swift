import DataFi
import Foundation
import Testing

/// `datafi rank` with its defaults stops within 1e-10 (L1) of the PageRank fixed point.
@Test func rankDefaultsStopWithin1e10OfTheFixedPoint() throws {
    for (n, seed) in [(300, UInt64(3)), (1500, 4)] {
        var rng = SplitMix64(seed: seed)
        var csv = "source,target,weight\n"
        var graph = CreditGraph<String>()
        for _ in 0..<(3 * n) {
            let u = "n\(rng.next() % UInt64(n))", v = "n\(rng.next() % UInt64(n))"
            let w = Double(rng.next() % 1000 + 1) / 10
            csv += "\(u),\(v),\(w)\n"
            try graph.addEdge(from: u, to: v, weight: w)
        }
        let reference = try ZhangRank.solve(graph: graph, configuration: .init(maxIterations: 100_000, maxError: 1e-14))
        let result = try CLIRunner.run(["rank", "--edges", "-"], stdin: csv)
        #expect(result.status == 0, "\(result.stderr)")
        var distance = 0.0, rows = 0
        for line in result.stdout.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: ",")
            let index = try #require(graph.index(of: String(parts[0])))
            distance += abs(try #require(Double(parts[1])) - reference.scores[index])
            rows += 1
        }
        #expect(rows == graph.nodeCount)
        #expect(distance <= 1e-10, "n \(n): ‖x − x*‖₁ = \(distance)")
    }
}
