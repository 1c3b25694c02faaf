import PropertyBased
import Testing
@testable import DataFiPerson2Vec

@Test func textFormatRoundTrips() throws {
    let vectors = try WordVectors(words: ["a", "b", "ç"], dimension: 3,
                                  values: [0.1, -2.5e-7, 3, 1e30, 0, -0, 0.333333343, 7, -1])
    let text = try vectors.text()
    #expect(text.hasPrefix("3 3\n"))
    #expect(try WordVectors(text: text) == vectors)
    // word2vec.c style: trailing spaces and CRLF.
    let c = try WordVectors(text: "2 2\r\nx 1.5 2 \r\ny -1 0 \r\n\n")
    #expect(c.vector(for: "x") == [1.5, 2])
    #expect(c.words == ["x", "y"])
}

@Test func roundTripProperty() async {
    await propertyCheck(count: 100, input: Gen.int(in: 0...8), Gen.int(in: 1...6),
                        Gen.uint64().array(of: 0...48)) { rows, dimension, bits throws in
        let values = (0..<(rows * dimension)).map { i -> Float in
            let raw = i < bits.count ? bits[i] : UInt64(i)
            return Float(Int64(bitPattern: raw) % 1_000_000) / 997
        }
        let vectors = try WordVectors(words: (0..<rows).map { "w\($0)" }, dimension: dimension, values: values)
        #expect(try WordVectors(text: try vectors.text()) == vectors)
    }
}

@Test func namesThatCannotBeWrittenAreRejected() throws {
    for bad in ["", "a b", "a\tb", "a\nb"] {
        let vectors = try WordVectors(words: [bad], dimension: 1, values: [1])
        #expect(throws: Person2VecError.unwritableWord(bad)) { try vectors.text() }
    }
}

@Test func malformedFilesThrowTypedErrors() {
    let cases: [(String, Person2VecError)] = [
        ("", .malformedHeader("")),
        ("3\n", .malformedHeader("3")),
        ("x 3\n", .malformedHeader("x 3")),
        ("2 -1\n", .malformedHeader("2 -1")),
        ("1 2 3\n", .malformedHeader("1 2 3")),
        ("2 2\na 1 2\n", .truncated(expectedRows: 2, foundRows: 1)),
        ("2 2\na 1 2\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n", .truncated(expectedRows: 2, foundRows: 1)),
        ("1 2\na 1\n", .wrongValueCount(line: 2, expected: 2, found: 1)),
        ("1 2\na 1 2 3\n", .wrongValueCount(line: 2, expected: 2, found: 3)),
        ("1 2\na 1 x\n", .invalidNumber(line: 2, token: "x")),
        ("1 2\na 1 nan\n", .invalidNumber(line: 2, token: "nan")),
        ("1 2\na 1 inf\n", .invalidNumber(line: 2, token: "inf")),
        ("2 1\na 1\na 2\n", .duplicateWord(line: 3, word: "a")),
        ("1 1\na 1\nb 2\n", .trailingData(line: 3)),
        ("1 200000\n", .inputTooLarge(what: "dimension", limit: WordVectors.maxDimension)),
        ("999999999 1000\n", .inputTooLarge(what: "rows × dimension", limit: WordVectors.maxValues)),
        ("1000000 100\nthe 1\n", .truncated(expectedRows: 1000000, foundRows: 1)),
    ]
    for (text, expected) in cases {
        #expect(throws: expected, "\(text.debugDescription)") { try WordVectors(text: text) }
    }
    #expect(throws: Person2VecError.dimensionMismatch(expected: 4, found: 3)) {
        try WordVectors(words: ["a", "b"], dimension: 2, values: [1, 2, 3])
    }
}

@Test func hostileTextNeverCrashes() async {
    let alphabet: [Character] = ["1", "2", " ", "\n", "a", "-", ".", "e", "9", "\t", "0", "x"]
    await propertyCheck(count: 300, input: Gen.int(in: 0...11).array(of: 0...60)) { picks in
        let text = String(picks.map { alphabet[$0] })
        if let vectors = try? WordVectors(text: text) {
            #expect(vectors.values.count == vectors.count * vectors.dimension)
        }
    }
}

@Test func nearestNeighboursUseCosine() throws {
    let vectors = try WordVectors(words: ["x", "x2", "y", "negx", "zero"], dimension: 2,
                                  values: [1, 0, 10, 0.5, 0, 1, -1, 0, 0, 0])
    let near = vectors.nearest(to: "x", count: 3)
    #expect(near.map(\.word) == ["x2", "y", "zero"])
    #expect(abs(near[0].similarity - 10 / (100 + 0.25).squareRoot()) < 1e-6)
    #expect(vectors.nearest(to: "x", count: 10).last?.word == "negx")
    #expect(vectors.nearest(to: "missing", count: 3).isEmpty)
    #expect(vectors.similarity("x", "negx") == -1)
    #expect(vectors.similarity("x", "zero") == 0)
    #expect(try vectors.nearest(to: [0, 1], count: 1).first?.word == "y")
}

@Test func nearestToAQueryOfTheWrongLengthThrows() throws {
    let vectors = try WordVectors(words: ["x", "y"], dimension: 2, values: [1, 0, 0, 1])
    #expect(throws: Person2VecError.dimensionMismatch(expected: 2, found: 3)) { try vectors.nearest(to: [1, 0, 0], count: 1) }
    #expect(throws: Person2VecError.dimensionMismatch(expected: 2, found: 0)) { try vectors.nearest(to: [], count: 1) }
    let empty = try WordVectors(words: ["a", "b"], dimension: 0, values: [])
    #expect(empty.similarity("a", "b") == 0)
}

@Test func unigramTableOfNothingIsEmptyNotATrap() {
    let vocabulary = Vocabulary(sequences: [["a", "b", "a"]], minCount: 1)
    #expect(vocabulary.unigramTable(size: 0).isEmpty)
    #expect(vocabulary.unigramTable(size: -5).isEmpty)
    #expect(Vocabulary(sequences: [[String]](), minCount: 1).unigramTable(size: 10).isEmpty)
    #expect(vocabulary.unigramTable(size: 10).count == 10)
}
