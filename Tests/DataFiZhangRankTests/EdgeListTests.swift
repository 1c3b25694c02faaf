import PropertyBased
import Testing
@testable import DataFiZhangRank

@Test func parsesHeaderlessAndHeaderedEdgeLists() throws {
    let plain = try EdgeListCSV.parse("a,b\nb,c\n\nc,a\n")
    #expect(plain.nodes == ["a", "b", "c"])
    #expect(plain.edgeCount == 3)
    #expect(plain.weights == [1, 1, 1])

    let weighted = try EdgeListCSV.parse("a, b, 2.5\r\nb,a,0\r\n")
    #expect(weighted.weights == [2.5, 0])

    let dated = try EdgeListCSV.parse("Source,Target,timestamp,weight\nx,y,100,3\ny,x,50,1\n")
    #expect(dated.weights == [3, 1])
    #expect(dated.timestamps == [100, 50])

    let four = try EdgeListCSV.parse("x,y,2,100")
    #expect(four.weights == [2] && four.timestamps == [100])

    let headerOnly = try EdgeListCSV.parse("source,target\n")
    #expect(headerOnly.nodeCount == 0)
    #expect(try EdgeListCSV.parse("").nodeCount == 0)
}

@Test func rejectsMalformedEdgeLists() {
    let bad = [
        "a\n",                       // one column
        "a,b,1,2,3\n",               // five columns
        "a,b\nb,c,1\n",              // ragged
        "a,b,x\n",                   // weight not a number
        "a,b,-1\n",                  // negative weight
        "a,b,nan\n",                 // NaN weight
        "a,b,inf\n",                 // infinite weight
        "a,b,1,\n",                  // empty timestamp
        "a,b,\n",                    // empty weight
        ",b\n",                      // empty source
        "a\"b,c\n",                 // a quote inside an unquoted field
        "\"a,b\n",                  // an unterminated quote
        "a,b,0x10\n",               // hexadecimal weight
        "a,b,+5\n",                 // signed weight
        "a,b,1,2,3,4,5,6\n",        // past the field limit
        "source,target,colour\nx,y,1\n", // unknown column
        "source,target,weight,weight\n", // repeated column
    ]
    for text in bad {
        #expect(throws: ZhangRankError.self, "\(text)") { try EdgeListCSV.parse(text) }
    }
    do {
        _ = try EdgeListCSV.parse("a,b\nb,c\nc\n")
        Issue.record("expected an error")
    } catch {
        #expect(error == .malformedEdgeList(line: 3, problem: .columnCount(expected: 2, found: 1)))
    }
}

@Test func hostileEdgeListsNeverCrash() async {
    let alphabet: [Character] = ["a", "b", ",", "\n", "1", ".", "-", "e", " ", "\"", "\r", "9"]
    await propertyCheck(count: 300, input: Gen.int(in: 0...11).array(of: 0...80)) { picks in
        let text = String(picks.map { alphabet[$0] })
        if let graph = try? EdgeListCSV.parse(text) {
            #expect(graph.weights.allSatisfy { $0 >= 0 && $0.isFinite })
        }
    }
}

@Test func quotedFieldsFollowTheSDKsCSV() throws {
    let graph = try EdgeListCSV.parse("source,target,weight\n\"Acme, Inc.\",\"b\"\"c\",\"2.5\"\n")
    #expect(graph.nodes == ["Acme, Inc.", "b\"c"])
    #expect(graph.weights == [2.5])
    #expect(throws: ZhangRankError.malformedEdgeList(line: 2, problem: .invalidWeight("0x10"))) {
        try EdgeListCSV.parse("a,b,1\na,c,0x10\n")
    }
}

@Test func parsesSeeds() throws {
    #expect(try EdgeListCSV.parseSeeds("node,weight\na,2\nb\n\na,1\n") == ["a": 3, "b": 1])
    #expect(try EdgeListCSV.parseSeeds("x\r\ny\r\n") == ["x": 1, "y": 1])
    #expect(throws: ZhangRankError.self) { try EdgeListCSV.parseSeeds("a,-1\n") }
    #expect(throws: ZhangRankError.self) { try EdgeListCSV.parseSeeds("a,1,2\n") }
    #expect(throws: ZhangRankError.self) { try EdgeListCSV.parseSeeds(",1\n") }
    #expect(throws: ZhangRankError.malformedEdgeList(line: 2, problem: .invalidWeight("+5"))) {
        try EdgeListCSV.parseSeeds("a\nb,+5\n")
    }
    #expect(try EdgeListCSV.parseSeeds("\"x,y\",2\n") == ["x,y": 2])
}

@Test func hostileBytesAndHugeValues() throws {
    // Invalid UTF-8 in an id is refused with its line and field, as everywhere in the SDK.
    let bytes: [UInt8] = Array("a,b\na,".utf8) + [0xFF, 0xFE] + Array(",2\n".utf8)
    #expect(throws: ZhangRankError.malformedEdgeList(line: 2, problem: .csv(.invalidUTF8(line: 2, field: 2)))) {
        try bytes.withUnsafeBufferPointer { try EdgeListCSV.parse(bytes: $0) }
    }
    // Overflowing numbers are rejected, not turned into infinity.
    #expect(throws: ZhangRankError.self) { try EdgeListCSV.parse("a,b,1e309\n") }
    #expect(throws: ZhangRankError.self) { try EdgeListCSV.parse("a,b,1,-1e400\n") }
    // A long id and many lines parse.
    let longID = String(repeating: "x", count: 100_000)
    #expect(try EdgeListCSV.parse("\(longID),b\n").nodes.first == longID)
    let many = (0..<50_000).map { "n\($0),n\(($0 * 7) % 50_000),\($0 % 9)" }.joined(separator: "\n")
    let big = try EdgeListCSV.parse(many)
    #expect(big.edgeCount == 50_000 && big.nodeCount == 50_000)
}
