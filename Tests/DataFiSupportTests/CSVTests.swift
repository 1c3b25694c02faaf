import DataFiSupport
import Foundation
import PropertyBased
import Testing

@Suite struct CSVTests {
    func table(_ text: String, limits: CSVLimits = CSVLimits(), skipBlankLines: Bool = true) throws(CSVError) -> CSVTable {
        try CSVReader.table(Array(text.utf8), limits: limits, skipBlankLines: skipBlankLines)
    }

    @Test func quotingCRLFAndBOM() throws {
        let t = try table("\u{FEFF}a,b\r\n\"x, \"\"y\"\"\",\"line\nbreak\"\r\n,\n")
        #expect(t.header == ["a", "b"])
        #expect(t.records == [["x, \"y\"", "line\nbreak"], ["", ""]])
        #expect(t.lines == [2, 4])
    }

    @Test func finalLineBreakIsOptionalAndTrailingCommaIsAnEmptyField() throws {
        #expect(try table("a,b\n1,2").records == [["1", "2"]])
        #expect(try table("a,b\n1,").records == [["1", ""]])
        #expect(try table("a\n\"\"").records == [[""]])
    }

    @Test func blankLinesAreSkippedOrRead() throws {
        #expect(try table("a\n1\n\n2\n").records == [["1"], ["2"]])
        #expect(try table("a\n1\n\n2\n", skipBlankLines: false).records == [["1"], [""], ["2"]])
    }

    @Test func malformedTextNamesLineAndField() {
        #expect(throws: CSVError.unterminatedQuote(line: 2, field: 2)) { try table("a,b\n1,\"x\n\n") }
        #expect(throws: CSVError.quoteInUnquotedField(line: 2, field: 1)) { try table("a,b\nx\"y,2\n") }
        #expect(throws: CSVError.textAfterClosingQuote(line: 2, field: 2)) { try table("a,b\n1,\"x\"y\n") }
        #expect(throws: CSVError.bareCarriageReturn(line: 1, field: 2)) { try table("a,b\r1,2\n") }
        #expect(throws: CSVError.raggedRecord(line: 3, expected: 2, found: 3)) { try table("a,b\n1,2\n1,2,3\n") }
        #expect(throws: CSVError.invalidUTF8(line: 2, field: 1)) {
            try CSVReader.table([0x61, 0x0A, 0xFF, 0x0A])
        }
        #expect(throws: CSVError.missingHeader) { try table("") }
        #expect(throws: CSVError.missingHeader) { try table("\u{FEFF}") }
        #expect(throws: CSVError.duplicateHeader(name: "a")) { try table("a,a\n1,2\n") }
    }

    @Test func limitsAreEnforcedAndNamed() {
        let limits = CSVLimits(maxRecords: 3, maxFields: 2, maxFieldBytes: 8)
        #expect(throws: CSVError.tooManyRecords(limit: 3)) { try table("a\n1\n2\n3\n", limits: limits) }
        #expect(throws: CSVError.tooManyFields(line: 1, limit: 2)) { try table("a,b,c\n", limits: limits) }
        #expect(throws: CSVError.fieldTooLong(line: 2, field: 1, limit: 8)) { try table("a\n123456789\n", limits: limits) }
        #expect(throws: CSVError.fieldTooLong(line: 2, field: 1, limit: 8)) { try table("a\n\"123456789\"\n", limits: limits) }
        #expect(CSVError.fieldTooLong(line: 2, field: 1, limit: 8).description.contains("limit"))
    }

    @Test func errorMessagesNeverEchoAHugeCell() {
        let huge = String(repeating: "x", count: 10_000)
        let description = CSVError.duplicateHeader(name: huge).description
        #expect(description.count < 200)
        #expect(Truncated.text(huge).count < 100)
        #expect(Truncated.text("short") == "short")
    }

    /// Writing any table of fields (quoting those that need it) and reading it back gives the same fields.
    @Test func roundTripsWhatItQuotes() async {
        let cell = Gen.uint8(in: 0...127).array(of: 0...6).map { String(decoding: $0.map { [9, 0x0A, 0x0D, 0x22, 0x2C, 0x61][Int($0) % 6] }, as: UTF8.self) }
        await propertyCheck(count: 200, input: cell.array(of: 3).array(of: 1...5)) { rows in
            func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            let text = (["h1,h2,h3"] + rows.map { $0.map(quote).joined(separator: ",") }).joined(separator: "\r\n")
            let read = try? CSVReader.table(Array(text.utf8))
            #expect(read?.records == rows)
        }
    }

    /// Random bytes never crash the reader: it returns a table or a typed error.
    @Test func arbitraryBytesGiveATableOrATypedError() async {
        await propertyCheck(count: 300, input: Gen.uint8().array(of: 0...200)) { bytes in
            do throws(CSVError) { _ = try CSVReader.table(bytes) } catch { #expect(!error.description.isEmpty) }
        }
    }
}

@Suite struct DecimalTextTests {
    @Test func acceptsOnlyStrictDecimal() {
        for good in ["0", "-1", "12.5", ".5", "5.", "1e3", "-2.5E-3"] { #expect(DecimalText.double(good) != nil, "\(good)") }
        for bad in ["", "+5", "0x10", "inf", "-inf", "nan", "1e999", " 1", "1 ", "1e", "-", ".", "1,5", "0x1p3"] {
            #expect(DecimalText.double(bad) == nil, "\(bad)")
        }
        #expect(DecimalText.integer("42", as: Int.self) == 42)
        #expect(DecimalText.integer("-7", as: Int.self) == -7)
        for bad in ["+5", "0x10", "05", "", "1.0", "99999999999999999999"] { #expect(DecimalText.integer(bad, as: Int.self) == nil, "\(bad)") }
        #expect(DecimalText.integer("-1", as: UInt64.self) == nil)
    }
}

@Suite struct JSONKeysTests {
    @Test func refusesDuplicateKeysAtAnyDepth() {
        #expect(throws: JSONKeyError.duplicateKey("a")) { try JSONKeys.check(Array(#"{"a":1,"a":2}"#.utf8)) }
        #expect(throws: JSONKeyError.duplicateKey("a")) { try JSONKeys.check(Array(#"{"a":1,"\u0061":2}"#.utf8)) }
        #expect(throws: JSONKeyError.duplicateKey("k")) { try JSONKeys.check(Array(#"[{"x":{"k":[1,{"k":1}],"k":2}}]"#.utf8)) }
        #expect(throws: JSONKeyError.tooDeep(limit: JSONKeys.maxDepth)) {
            try JSONKeys.check(Array(String(repeating: "[", count: 600).utf8))
        }
    }

    @Test func acceptsDistinctKeysAndValuesThatLookLikeKeys() throws {
        try JSONKeys.check(Array(#"{"a":"a","b":{"a":1},"c":["a","a"],"d":"x\"y","e\"":1,"e":2}"#.utf8))
        try JSONKeys.check(Array(#"{"a":{"b":1},"b":{"b":2}}"#.utf8))
    }
}
