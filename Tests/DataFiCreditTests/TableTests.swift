import Foundation
import PropertyBased
import Testing
@testable import DataFiCreditData
@testable import DataFiCreditMetrics
@testable import DataFiDPSGD
@testable import DataFiLogisticRegression
@testable import DataFiScorePlus
@testable import DataFiScorecard
import DataFiSupport

@Suite struct CSVTests {
    @Test func parsesQuotingAndLineEndings() throws {
        let text = "\u{FEFF}a,b,c\r\n1,\"x, y\",\"he said \"\"hi\"\"\"\r\n2,\"multi\nline\",\r\n"
        let table = try DataTable(csv: text)
        #expect(table.columnNames == ["a", "b", "c"])
        #expect(table.columns[1] == ["x, y", "multi\nline"])
        #expect(table.columns[2] == ["he said \"hi\"", ""])
        #expect(try table.isNumeric("a"))
        #expect(try !table.isNumeric("b"))
    }

    @Test func roundTripsThroughCSV() async {
        let cell = Gen.int(in: 0...6).map { ["a", "b,c", "\"q\"", "", "1.5", "x\ny", "é"][$0] }
        await propertyCheck(count: 200, input: cell.array(of: 1...40), Gen.int(in: 1...4)) { cells, width throws in
            let rows = max(cells.count / width, 1)
            let columns = (0..<width).map { c in (0..<rows).map { r in cells[(r * width + c) % cells.count] } }
            let table = try DataTable(columnNames: (0..<width).map { "c\($0)" }, columns: columns)
            #expect(try DataTable(csv: table.csv()) == table)
        }
    }

    @Test func malformedInputThrows() {
        #expect(throws: CreditError.malformedCSV(line: 2, reason: "unterminated quoted field")) {
            try DataTable(csv: "a,b\n1,\"open\n")
        }
        #expect(throws: CreditError.malformedCSV(line: 2, reason: "expected 2 fields, found 3")) {
            try DataTable(csv: "a,b\n1,2,3\n")
        }
        #expect(throws: CreditError.malformedCSV(line: 2, reason: "quote inside an unquoted field")) {
            try DataTable(csv: "a,b\n1,x\"y\n")
        }
        #expect(throws: CreditError.malformedCSV(line: 2, reason: "text after a closing quote")) {
            try DataTable(csv: "a,b\n1,\"x\"y\n")
        }
        #expect(throws: CreditError.emptyInput) { try DataTable(csv: "a,b\n") }
        #expect(throws: CreditError.malformedCSV(line: 1, reason: "missing header")) { try DataTable(csv: "") }
        #expect(throws: CreditError.duplicateColumn("a")) { try DataTable(csv: "a,a\n1,2\n") }
        #expect(throws: CreditError.tooLarge("more than 2 rows")) { try DataTable(csv: "a\n1\n2\n3\n", maxRows: 2) }
        #expect(throws: CreditError.tooLarge("more than 3 columns")) { try DataTable(csv: "a,b,c,d\n1,2,3,4\n", maxColumns: 3) }
    }

    @Test func hostileBytesNeverTrap() async {
        await propertyCheck(count: 300, input: Gen.uint8().array(of: 0...80)) { bytes in
            let text = String(decoding: bytes.map { [0x22, 0x2C, 0x0A, 0x0D, 0x61, 0x31][Int($0) % 6] }, as: UTF8.self)
            if let table = try? DataTable(csv: text) {
                #expect(table.columns.allSatisfy { $0.count == table.rowCount })
            }
        }
    }
}

@Suite struct EncoderAndModelTests {
    let csv = "age,city,income,bad\n30,Paris,10,0\n45,Berlin,20,1\n22,Rome,5,1\n35,Paris,12,0\n50,Rome,30,0\n28,Berlin,8,1\n33,Paris,15,1\n41,Rome,25,0\n"

    @Test func oneHotDropsTheFirstSortedLevel() throws {
        let table = try DataTable(csv: csv)
        let encoder = try FeatureEncoder.fit(table, featureColumns: ["age", "city"])
        #expect(encoder.encodedNames == ["age", "city=Paris", "city=Rome"])
        let x = try encoder.transform(table)
        #expect(x.row(0) == [30, 1, 0])
        #expect(x.row(1) == [45, 0, 0])
        let standardized = try FeatureEncoder.fit(table, featureColumns: ["age", "city"], standardize: true)
        let z = try standardized.transform(table)
        let column = (0..<z.rows).map { z[$0, 0] }
        #expect(abs(column.reduce(0, +)) < 1e-12)
        #expect(abs(column.map { $0 * $0 }.reduce(0, +) / Double(z.rows) - 1) < 1e-12)
        #expect(z[0, 1] == 1)
    }

    @Test func transformRejectsBadCells() throws {
        let encoder = try FeatureEncoder.fit(try DataTable(csv: csv), featureColumns: ["age", "city"])
        #expect(throws: CreditError.unseenCategory(column: "city", value: "Oslo")) {
            try encoder.transform(try DataTable(csv: "age,city\n30,Oslo\n"))
        }
        #expect(throws: CreditError.nonNumericCell(column: "age", row: 0, value: "old")) {
            try encoder.transform(try DataTable(csv: "age,city\nold,Paris\n"))
        }
        #expect(throws: CreditError.nonFinite(what: "column age", row: 1)) {
            try encoder.transform(try DataTable(csv: "age,city\n1,Paris\nNaN,Paris\n"))
        }
        #expect(throws: CreditError.missingColumn("city")) { try encoder.transform(try DataTable(csv: "age\n30\n")) }
        var broken = encoder
        broken.centers.removeLast()
        #expect(throws: CreditError.inconsistentModel(.encoderShape(names: 3, centers: 2, scales: 3, columns: 3))) {
            try broken.transform(try DataTable(csv: csv))
        }
    }

    @Test func hostileModelJSONIsRejected() throws {
        let table = try DataTable(csv: csv)
        let model = try CreditScoreModel.train(table, target: TargetSpec(column: "bad", positive: "1"),
                                               options: .init(l2: 1), standardize: true)
        var short = model
        short.regression.coefficients.removeLast()
        #expect(throws: CreditError.inconsistentModel(.parameterCount(expected: 4))) {
            try short.probabilities(table)
        }
        var zeroScale = model
        zeroScale.encoder.scales[0] = 0
        #expect(throws: CreditError.inconsistentModel(.nonFiniteParameter)) {
            try zeroScale.scores(table)
        }
        var renamed = model
        renamed.encoder.encodedNames[1] = "city=Oslo"
        #expect(throws: CreditError.inconsistentModel(.encodedNamesMismatch)) {
            try renamed.logOdds(table)
        }
        // Truncated and garbage JSON fail to decode instead of trapping.
        let json = try JSONEncoder().encode(model)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(CreditScoreModel.self, from: json.prefix(json.count / 2)) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(CreditScoreModel.self, from: Data("[1,2]".utf8)) }
        let bad = Data(#"{"rows": 1000000, "columns": 50, "values": [1, 2]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Matrix.self, from: bad) }
        let good = Data(#"{"rows": 1, "columns": 2, "values": [1, 2]}"#.utf8)
        #expect(try JSONDecoder().decode(Matrix.self, from: good).row(0) == [1, 2])
    }

    @Test func modelRoundTripsThroughJSON() throws {
        let table = try DataTable(csv: csv)
        let target = try TargetSpec.resolve(table, column: "bad", positive: nil)
        #expect(target.positive == "1")
        let model = try CreditScoreModel.train(table, target: target, options: .init(l2: 1), standardize: true)
        let decoded = try JSONDecoder().decode(CreditScoreModel.self, from: JSONEncoder().encode(model))
        #expect(decoded == model)
        #expect(try decoded.probabilities(table) == model.probabilities(table))
        let scores = try model.scores(table), logOdds = try model.logOdds(table)
        for (s, e) in zip(scores, logOdds) { #expect(abs(s - (model.scaling.offset - model.scaling.factor * e)) < 1e-9) }
        #expect(throws: CreditError.positiveValueRequired(column: "city")) {
            try TargetSpec.resolve(table, column: "city", positive: nil)
        }
    }
}

@Suite struct SyntheticTests {
    @Test func recoversTheTrueCoefficients() throws {
        let data = try SyntheticCreditData.generate(rows: 20_000, features: 5, seed: 7, clusterEffect: 0, graphEffect: 0)
        let model = try LogisticRegression.fit(data.x, labels: data.labels)
        #expect(abs(model.intercept - data.trueIntercept) < 0.1)
        for (b, t) in zip(model.coefficients, data.trueCoefficients) { #expect(abs(b - t) < 0.1) }
        #expect(data.edges.count == 60_000 && data.behaviour.count == 20_000)
        #expect(data.edges.allSatisfy { $0.from != $0.to && (0..<20_000).contains($0.to) })
    }

    @Test func isReproducibleFromTheSeed() throws {
        let a = try SyntheticCreditData.uniformDesign(rows: 100, features: 3, seed: 1)
        let b = try SyntheticCreditData.uniformDesign(rows: 100, features: 3, seed: 1)
        #expect(a.x == b.x && a.labels == b.labels)
        // First element: 2·u − 1 with u from SplitMix64 seeded at 1 (first output 0x910A2DEC89025CC1).
        #expect(SplitMix64.mix(1 &+ 0x9E37_79B9_7F4A_7C15) == 0x910A_2DEC_8902_5CC1)
        #expect(a.x[0, 0] == 2 * (Double(UInt64(0x910A_2DEC_8902_5CC1) >> 11) * 0x1p-53) - 1)
        #expect(throws: CreditError.outOfRange(.syntheticSize)) {
            try SyntheticCreditData.uniformDesign(rows: 0, features: 3, seed: 1)
        }
    }
}
