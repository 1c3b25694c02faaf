import Foundation
import Testing
@testable import DataFiZhangRank

// Edge lists and seeds at the edges of what parses: each must rank correctly or throw.

@Test func outWeightsWhoseSumOverflowsKeepTheirRatios() throws {
    // Two edges of 1e308 from a: the sum is +∞, but a splits its rank evenly, as with weight 1.
    let huge = try EdgeListCSV.parse("a,b,1e308\na,c,1e308\nb,a,1\nc,a,1\n")
    let plain = try EdgeListCSV.parse("a,b,1\na,c,1\nb,a,1\nc,a,1\n")
    let configuration = ZhangRank.Configuration(tolerance: 1e-12, maxIterations: 1000)
    let x = try ZhangRank.compute(graph: huge, configuration: configuration)
    let y = try ZhangRank.compute(graph: plain, configuration: configuration)
    #expect(abs(x.reduce(0, +) - 1) < 1e-9)
    for (a, b) in zip(x, y) { #expect(abs(a - b) < 1e-12) }
}

@Test func unevenHugeOutWeightsKeepTheirRatios() throws {
    let huge = try EdgeListCSV.parse("a,b,1.5e308\na,c,0.5e308\na,d,1e308\nb,a,1\nc,a,1\nd,a,1\n")
    let plain = try EdgeListCSV.parse("a,b,1.5\na,c,0.5\na,d,1\nb,a,1\nc,a,1\nd,a,1\n")
    let configuration = ZhangRank.Configuration(tolerance: 1e-12, maxIterations: 1000)
    let x = try ZhangRank.compute(graph: huge, configuration: configuration)
    let y = try ZhangRank.compute(graph: plain, configuration: configuration)
    for (a, b) in zip(x, y) { #expect(abs(a - b) < 1e-12) }
}

@Test func personalizationWhoseSumOverflowsKeepsItsRatios() throws {
    let graph = try EdgeListCSV.parse("a,b\nb,c\nc,a\n")
    let huge = try ZhangRank.compute(graph: graph, personalization: ["a": 1e308, "b": 1e308])
    let plain = try ZhangRank.compute(graph: graph, personalization: ["a": 1, "b": 1])
    #expect(abs(huge.reduce(0, +) - 1) < 1e-9)
    for (a, b) in zip(huge, plain) { #expect(abs(a - b) < 1e-12) }
}

@Test func byteOrderMarkBeforeTheHeaderIsSkipped() throws {
    let graph = try EdgeListCSV.parse("\u{FEFF}source,target,weight\r\na,b,2\r\nb,a,1\r\n")
    #expect(graph.nodes == ["a", "b"])
    #expect(graph.edgeCount == 2)
    let headerless = try EdgeListCSV.parse("\u{FEFF}a,b\n")
    #expect(headerless.nodes == ["a", "b"])
}

@Test func degenerateEdgeListsRankOrThrow() throws {
    #expect(try EdgeListCSV.parse("").nodeCount == 0)
    #expect(try EdgeListCSV.parse("\u{FEFF}").nodeCount == 0)
    #expect(try EdgeListCSV.parse("source,target\n").nodeCount == 0)
    #expect(try ZhangRank.compute(graph: EdgeListCSV.parse("source,target\n")).isEmpty)
    // One node with a self-loop, and a graph whose every weight is zero (all dangling).
    #expect(try ZhangRank.compute(graph: EdgeListCSV.parse("a,a\n")) == [1.0])
    let zero = try ZhangRank.compute(graph: EdgeListCSV.parse("a,b,0\nb,a,0\n"))
    #expect(zero.allSatisfy { abs($0 - 0.5) < 1e-12 })
    for bad in ["a,b,nan\n", "a,b,inf\n", "a,b,-1\n", "a,b,1,nan\n", ",b\n", "a\n", "a,b,1,2,3\n", "a\"b,c\n",
                "a,b\na,b,1\n", "source,target,colour\n"] {
        #expect(throws: ZhangRankError.self) { try EdgeListCSV.parse(bad) }
    }
    #expect(throws: ZhangRankError.self) { try EdgeListCSV.parseSeeds("a,-1\n") }
    #expect(throws: ZhangRankError.self) { try EdgeListCSV.parseSeeds("a,1,2\n") }
    #expect(throws: ZhangRankError.self) {
        try ZhangRank.compute(graph: EdgeListCSV.parse("a,b\n"), personalization: ["a": 0])
    }
}
