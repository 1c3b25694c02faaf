import Testing
@testable import DataFiCreditData
@testable import DataFiLogisticRegression
@testable import DataFiScorePlus

/// Caller mistakes are typed errors with specific cases, never traps or free-form sentences.
@Suite struct TypedErrorTests {
    @Test func logOddsOfARowOfTheWrongLengthThrows() throws {
        let model = LogisticRegression(intercept: 0.5, coefficients: [1, 2], iterations: 1, logLikelihood: 0, l2: 0)
        #expect(throws: CreditError.lengthMismatch(what: "row", expected: 2, actual: 3)) {
            try model.logOdds([1, 2, 3])
        }
        #expect(throws: CreditError.lengthMismatch(what: "row", expected: 2, actual: 0)) { try model.probability([]) }
        #expect(try model.logOdds([1, 1]) == 3.5)
    }

    @Test func everyParameterNamesItsRange() {
        for parameter in CreditParameter.allCases {
            let text = CreditError.outOfRange(parameter).description
            #expect(text.hasPrefix(parameter.name) && text.count > parameter.name.count + 8, "\(text)")
        }
    }

    @Test func negativeMatrixSizeIsNamed() {
        #expect(throws: CreditError.outOfRange(.matrixSize)) { try Matrix(rows: -1, columns: 2, values: []) }
    }

    @Test func outOfRangeRowsAreReportedBeforeTheGraphIsBuilt() {
        #expect(throws: PlusFeaturesError.credit(.rowOutOfRange(what: "edge endpoint", row: -1, rows: 3))) {
            try PlusFeatures.graphRisk(rows: 3, edges: [CreditEdge(from: -1, to: 0, time: 1)], known: [0: 1, 1: 0])
        }
        #expect(throws: PlusFeaturesError.credit(.rowOutOfRange(what: "known row", row: 9, rows: 3))) {
            try PlusFeatures.graphRisk(rows: 3, edges: [], known: [9: 1, 1: 0])
        }
        #expect(throws: PlusFeaturesError.credit(.outOfRange(.folds))) {
            try PlusFeatures.graphRisk(rows: 3, edges: [], known: [0: 1, 1: 0], folds: 1)
        }
    }
}

@Suite struct SyntheticTableErrorTests {
    @Test func editedSyntheticDataIsRefusedNotTrapped() throws {
        var data = try SyntheticCreditData.generate(rows: 20, features: 2, seed: 1)
        data.edges.append(CreditEdge(from: 0, to: 99, time: 1))
        #expect(throws: CreditError.rowOutOfRange(what: "edge endpoint", row: 99, rows: 20)) { try data.table() }
        data.edges.removeLast()
        data.labels.removeLast()
        #expect(throws: CreditError.lengthMismatch(what: "labels", expected: 20, actual: 19)) { try data.table() }
    }
}
