import Foundation
import PropertyBased
import Testing
import DataFiSupport
@testable import DataFiZhangRank

/// A slow, obvious PageRank with the same semantics (dense matrix, networkx update rule).
func densePageRank(n: Int, edges: [(Int, Int, Double)], damping: Double, tolerance: Double,
                   personalization: [Double]? = nil, maxIterations: Int = 10_000) -> [Double] {
    var a = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for (u, v, w) in edges { a[u][v] += w }
    let out = a.map { $0.reduce(0, +) }
    let p: [Double] = personalization.map { v in v.map { $0 / v.reduce(0, +) } } ?? [Double](repeating: 1 / Double(n), count: n)
    var x = [Double](repeating: 1 / Double(n), count: n)
    for _ in 0..<maxIterations {
        let dangling = (0..<n).filter { out[$0] == 0 }.reduce(0.0) { $0 + x[$1] }
        var y = [Double](repeating: 0, count: n)
        for v in 0..<n {
            var s = 0.0
            for u in 0..<n where out[u] > 0 { s += x[u] * a[u][v] / out[u] }
            y[v] = damping * (s + dangling * p[v]) + (1 - damping) * p[v]
        }
        let err = zip(x, y).reduce(0.0) { $0 + abs($1.0 - $1.1) }
        x = y
        if err < Double(n) * tolerance { break }
    }
    return x
}

@Test func matchesDenseReferenceOnRandomGraphs() async {
    let edgeGen = Gen.int(in: 0...15).array(of: 2...2).map { ($0[0], $0[1]) }
    await propertyCheck(count: 60, input: Gen.int(in: 1...16), edgeGen.array(of: 0...60),
                        Gen.uint64(in: 1...1000).array(of: 0...60), Gen.int(in: 1...4)) { n, pairs, ws, threads throws in
        var graph = CreditGraph<Int>()
        for i in 0..<n { try graph.addNode(i) }
        var edges: [(Int, Int, Double)] = []
        for (k, (u, v)) in pairs.enumerated() where u < n && v < n {
            let w = k < ws.count ? Double(ws[k]) / 100 : 1
            edges.append((u, v, w))
            try graph.addEdge(from: u, to: v, weight: w)
        }
        let config = ZhangRank.Configuration(damping: 0.85, tolerance: 1e-13, maxIterations: 10_000, threads: threads)
        let ours = try ZhangRank.compute(graph: graph, configuration: config)
        let reference = densePageRank(n: n, edges: edges, damping: 0.85, tolerance: 1e-13)
        for i in 0..<n { #expect(abs(ours[i] - reference[i]) < 1e-10) }
        #expect(abs(ours.reduce(0, +) - 1) < 1e-9)
    }
}

@Test func resultDoesNotDependOnThreadCount() throws {
    var rng = SplitMix64(seed: 7)
    var graph = CreditGraph<Int>()
    for _ in 0..<60_000 {
        try graph.addEdge(from: Int(rng.next() % 20_000), to: Int(rng.next() % 20_000),
                          weight: Double(rng.next() % 1000) / 10)
    }
    var config = ZhangRank.Configuration(tolerance: 1e-12, maxIterations: 1000, threads: 1)
    let one = try ZhangRank.solve(graph: graph, configuration: config)
    for threads in [2, 4, 7] {
        config.threads = threads
        let many = try ZhangRank.solve(graph: graph, configuration: config)
        #expect(many.scores == one.scores)
        #expect(many.iterations == one.iterations)
    }
}

@Test func decayHalvesAnEdgeAtOneHalfLife() throws {
    // Two lenders point at one borrower each; the older edge should count exactly half once
    // the graph is otherwise symmetric, so b_new gets the rank of weight 2 vs 1 on a fan-out.
    var decayed = CreditGraph<String>()
    try decayed.addEdge(from: "l", to: "old", weight: 2, timestamp: 0)
    try decayed.addEdge(from: "l", to: "new", weight: 1, timestamp: 100)
    var plain = CreditGraph<String>()
    try plain.addEdge(from: "l", to: "old", weight: 1)
    try plain.addEdge(from: "l", to: "new", weight: 1)
    let config = ZhangRank.Configuration(tolerance: 1e-14, maxIterations: 1000,
                                         decay: .init(halfLife: 100, now: 100))
    let a = try ZhangRank.compute(graph: decayed, configuration: config)
    var plainConfig = config
    plainConfig.decay = nil
    let b = try ZhangRank.compute(graph: plain, configuration: plainConfig)
    for i in 0..<3 { #expect(abs(a[i] - b[i]) < 1e-12) }
}

@Test func oldHistoryFadesAgainstRecentBehaviour() throws {
    // The same lender funded "farmer" a lot a long time ago and "fresh" a little recently.
    let day = 86_400.0
    var graph = CreditGraph<String>()
    try graph.addEdge(from: "lender", to: "farmer", weight: 10, timestamp: 0)
    try graph.addEdge(from: "lender", to: "fresh", weight: 1, timestamp: 995 * day)
    let withoutDecay = try ZhangRank.compute(graph: graph)
    let withDecay = try ZhangRank.compute(
        graph: graph, configuration: .init(decay: .init(halfLife: 90 * day, now: 1000 * day)))
    let farmer = try #require(graph.index(of: "farmer")), fresh = try #require(graph.index(of: "fresh"))
    #expect(withoutDecay[farmer] > withoutDecay[fresh])
    #expect(withDecay[farmer] < withDecay[fresh])
}

@Test func rankingIsSortedAndComplete() throws {
    var graph = CreditGraph<String>()
    try graph.addEdge(from: "a", to: "b")
    try graph.addEdge(from: "c", to: "b")
    try graph.addEdge(from: "b", to: "a")
    let ranking = try ZhangRank.ranking(graph: graph)
    #expect(ranking.map(\.node).first == "b")
    #expect(ranking.count == 3)
    #expect(zip(ranking, ranking.dropFirst()).allSatisfy { $0.score >= $1.score })
}

@Test func uniformDanglingPolicyDiffersFromPersonalization() throws {
    var graph = CreditGraph<String>()
    try graph.addEdge(from: "a", to: "b")
    try graph.addEdge(from: "b", to: "c")   // c is dangling
    var config = ZhangRank.Configuration(tolerance: 1e-12, maxIterations: 1000)
    let seeds = ["a": 1.0]
    let personal = try ZhangRank.compute(graph: graph, configuration: config, personalization: seeds)
    config.dangling = .uniform
    let uniform = try ZhangRank.compute(graph: graph, configuration: config, personalization: seeds)
    // With .uniform c's rank leaks back to b and c themselves as well.
    #expect(uniform[2] > personal[2])
    #expect(abs(uniform.reduce(0, +) - 1) < 1e-9)
    // Reference: dangling mass spread uniformly, teleport to a.
    var x = [1.0 / 3, 1.0 / 3, 1.0 / 3]
    for _ in 0..<2000 {
        let s = x[2]
        x = [0.85 * s / 3 + 0.15, 0.85 * (x[0] + s / 3), 0.85 * (x[1] + s / 3)]
    }
    for i in 0..<3 { #expect(abs(uniform[i] - x[i]) < 1e-10) }
}

@Test func emptyGraphHasNoScores() throws {
    #expect(try ZhangRank.compute(graph: CreditGraph<String>()).isEmpty)
}

@Test func invalidInputsThrowTypedErrors() throws {
    var graph = CreditGraph<String>()
    #expect(throws: ZhangRankError.invalidWeight(edge: 0, weight: -1)) { try graph.addEdge(from: "a", to: "b", weight: -1) }
    #expect(throws: ZhangRankError.self) { try graph.addEdge(from: "a", to: "b", weight: .nan) }
    #expect(throws: ZhangRankError.self) { try graph.addEdge(from: "a", to: "b", weight: .infinity) }
    #expect(throws: ZhangRankError.self) { try graph.addEdge(from: "a", to: "b", timestamp: .nan) }
    #expect(graph.nodeCount == 0 && graph.edgeCount == 0)
    try graph.addEdge(from: "a", to: "b", weight: 1, timestamp: 10)
    try graph.addEdge(from: "b", to: "a", weight: 1)

    for damping in [-0.1, 1.0, 1.5, .nan] {
        #expect(throws: ZhangRankError.self) {
            try ZhangRank.compute(graph: graph, configuration: .init(damping: damping))
        }
    }
    for tolerance in [0.0, -1e-6, .nan, .infinity] {
        #expect(throws: ZhangRankError.self) { try ZhangRank.compute(graph: graph, configuration: .init(tolerance: tolerance)) }
    }
    #expect(throws: ZhangRankError.invalidMaxIterations(0)) {
        try ZhangRank.compute(graph: graph, configuration: .init(maxIterations: 0))
    }
    #expect(throws: ZhangRankError.invalidThreadCount(-1)) {
        try ZhangRank.compute(graph: graph, configuration: .init(threads: -1))
    }
    #expect(throws: ZhangRankError.unknownPersonalizationNode("zz")) {
        try ZhangRank.compute(graph: graph, personalization: ["zz": 1])
    }
    #expect(throws: ZhangRankError.emptyPersonalization) {
        try ZhangRank.compute(graph: graph, personalization: ["a": 0])
    }
    #expect(throws: ZhangRankError.emptyPersonalization) {
        try ZhangRank.compute(graph: graph, personalization: [:])
    }
    #expect(throws: ZhangRankError.invalidPersonalizationValue(node: "a", value: -1)) {
        try ZhangRank.compute(graph: graph, personalization: ["a": -1])
    }
    // Decay: edge 1 has no timestamp.
    #expect(throws: ZhangRankError.missingTimestamp(edge: 1)) {
        try ZhangRank.compute(graph: graph, configuration: .init(decay: .init(halfLife: 10, now: 20)))
    }
    var dated = CreditGraph<String>()
    try dated.addEdge(from: "a", to: "b", timestamp: 10)
    try dated.addEdge(from: "b", to: "a", timestamp: 30)
    #expect(throws: ZhangRankError.timestampInFuture(edge: 1, timestamp: 30, now: 20)) {
        try ZhangRank.compute(graph: dated, configuration: .init(decay: .init(halfLife: 10, now: 20)))
    }
    for halfLife in [0.0, -5, .nan, .infinity] {
        #expect(throws: ZhangRankError.self) {
            try ZhangRank.compute(graph: dated, configuration: .init(decay: .init(halfLife: halfLife, now: 40)))
        }
    }
    #expect(throws: ZhangRankError.self) {
        try ZhangRank.compute(graph: dated, configuration: .init(decay: .init(halfLife: 1, now: .infinity)))
    }
    // A two-cycle with damping near 1 cannot meet a tiny tolerance in 2 iterations.
    var cycle = CreditGraph<Int>()
    try cycle.addEdge(from: 0, to: 1)
    try cycle.addEdge(from: 1, to: 2)
    try cycle.addEdge(from: 2, to: 0)
    try cycle.addEdge(from: 0, to: 2)
    #expect {
        try ZhangRank.compute(graph: cycle, configuration: .init(damping: 0.99, tolerance: 1e-15, maxIterations: 2))
    } throws: { error in
        if case .didNotConverge(iterations: 2, _) = error as? ZhangRankError { return true }
        return false
    }
    for error in [ZhangRankError.emptyPersonalization, .didNotConverge(iterations: 3, residual: 0.5)] {
        #expect(!error.description.isEmpty)
    }
}

