import Testing
import DataFiSupport
@testable import DataFiZhangRank

/// The PageRank fixed point by Gaussian elimination of `(I − d·M)x = (1 − d)·p` (uniform teleport, dangling
/// nodes spread uniformly): an independent, direct reference.
func directPageRank(n: Int, edges: [(Int, Int, Double)], damping d: Double) -> [Double] {
    var out = [Double](repeating: 0, count: n)
    for (u, _, w) in edges { out[u] += w }
    var a = [[Double]](repeating: [Double](repeating: 0, count: n + 1), count: n)
    for v in 0..<n { a[v][v] = 1; a[v][n] = (1 - d) / Double(n) }
    for (u, v, w) in edges { a[v][u] -= d * w / out[u] }
    for u in 0..<n where out[u] == 0 { for v in 0..<n { a[v][u] -= d / Double(n) } }
    for col in 0..<n {
        let pivot = (col..<n).max { abs(a[$0][col]) < abs(a[$1][col]) }!
        a.swapAt(col, pivot)
        for row in 0..<n where row != col && a[row][col] != 0 {
            let f = a[row][col] / a[col][col]
            for k in col...n { a[row][k] -= f * a[col][k] }
        }
    }
    return (0..<n).map { a[$0][n] / a[$0][$0] }
}

func randomGraph(nodes n: Int, edges m: Int, seed: UInt64) throws -> (CreditGraph<Int>, [(Int, Int, Double)]) {
    var rng = SplitMix64(seed: seed)
    var graph = CreditGraph<Int>()
    for i in 0..<n { try graph.addNode(i) }
    var edges: [(Int, Int, Double)] = []
    for _ in 0..<m {
        let u = Int(rng.next() % UInt64(n)), v = Int(rng.next() % UInt64(n))
        let w = Double(rng.next() % 1000 + 1) / 10
        edges.append((u, v, w))
        try graph.addEdge(from: u, to: v, weight: w)
    }
    return (graph, edges)
}

@Suite struct ErrorBoundTests {
    /// With `maxError` the scores are within that L1 distance of the fixed point, for every damping.
    @Test(arguments: [0.5, 0.85, 0.95, 0.99])
    func maxErrorBoundsTheDistanceToTheFixedPoint(damping: Double) throws {
        for seed: UInt64 in 1...6 {
            let n = 40 + Int(seed) * 30
            let (graph, edges) = try randomGraph(nodes: n, edges: 3 * n, seed: seed)
            let reference = directPageRank(n: n, edges: edges, damping: damping)
            let config = ZhangRank.Configuration(damping: damping, maxIterations: 100_000, maxError: 1e-10)
            let result = try ZhangRank.solve(graph: graph, configuration: config)
            let distance = zip(result.scores, reference).reduce(0) { $0 + abs($1.0 - $1.1) }
            #expect(result.errorBound <= 1e-10)
            #expect(distance <= 1e-10, "n \(n), damping \(damping): ‖x − x*‖₁ = \(distance)")
            #expect(distance <= result.errorBound + 1e-13)
        }
    }

    /// The per-node tolerance rule (networkx's) does not bound the error: this is why `maxError` exists.
    @Test func perNodeToleranceCanStopFarFromTheFixedPoint() throws {
        let n = 400
        let (graph, edges) = try randomGraph(nodes: n, edges: 3 * n, seed: 42)
        let reference = directPageRank(n: n, edges: edges, damping: 0.95)
        let loose = try ZhangRank.solve(
            graph: graph,
            configuration: .init(
                damping: 0.95, tolerance: 1e-10,
                maxIterations: 100_000))
        let distance = zip(loose.scores, reference).reduce(0) { $0 + abs($1.0 - $1.1) }
        #expect(distance > 1e-10)
        #expect(distance <= loose.errorBound + 1e-13)
    }

    @Test func invalidMaxErrorIsRefused() throws {
        let (graph, _) = try randomGraph(nodes: 3, edges: 3, seed: 1)
        for bad in [0.0, -1, .nan, .infinity] {
            do {
                _ = try ZhangRank.solve(graph: graph, configuration: .init(maxError: bad))
                Issue.record("maxError \(bad) was accepted")
            } catch {
                guard case .invalidTolerance = error else { Issue.record("unexpected \(error)"); continue }
            }
        }
    }
}
