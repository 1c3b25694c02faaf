// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiZhangRank
import Testing

@Test func readmeExample() throws {
    // Credit relations: lender → borrower, weighted by amount, dated in seconds.
    let day = 86_400.0, now = 1_700_000_000.0
    var graph = CreditGraph<String>()
    try graph.addEdge(from: "bank", to: "alice", weight: 500, timestamp: now - 30 * day)
    try graph.addEdge(from: "alice", to: "bank", weight: 500, timestamp: now - 5 * day)   // repaid
    try graph.addEdge(from: "bank", to: "bob", weight: 2_000, timestamp: now - 900 * day)
    try graph.addEdge(from: "carol", to: "bob", weight: 100, timestamp: now - 1 * day)  // guarantee

    let configuration = ZhangRank.Configuration(decay: .init(halfLife: 180 * day, now: now))
    let scores = try ZhangRank.compute(graph: graph, configuration: configuration,
                                       personalization: ["bank": 1])   // trusted seed
    let ranking = try ZhangRank.ranking(graph: graph, configuration: configuration,
                                        personalization: ["bank": 1])   // ranking.first?.node == "bank"

    // Checks (from the readme-test comment under the example).
    #expect(scores.count == graph.nodeCount)
    #expect(ranking.first?.node == "bank")
    #expect(scores[graph.index(of: "alice")!] > scores[graph.index(of: "bob")!])
}
