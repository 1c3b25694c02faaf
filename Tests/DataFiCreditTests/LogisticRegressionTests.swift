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

@Suite struct GermanCreditReferenceTests {
    @Test func encodingMatchesTheReferenceColumns() throws {
        let (x, y, encoder) = try GermanCredit.design()
        let reference = try GermanCredit.reference()
        #expect(encoder.encodedNames == (reference["columns"] as? [String]))
        #expect(x.rows == 1000 && x.columns == 48)
        #expect(y.reduce(0, +) == 300)
    }

    @Test func maximumLikelihoodMatchesStatsmodels() throws {
        let (x, y, _) = try GermanCredit.design()
        let mle = try GermanCredit.reference().object("mle")
        let model = try LogisticRegression.fit(x, labels: y)
        expectClose([model.intercept] + model.coefficients, [try mle.double("intercept")] + (try mle.doubles("coefficients")),
                    relative: 1e-6)
        expectClose(try #require(model.standardErrors), try mle.doubles("standardErrors"), relative: 1e-6)
        expectClose(try #require(model.zValues), try mle.doubles("zValues"), relative: 1e-6)
        expectClose(try #require(model.pValues), try mle.doubles("pValues"), relative: 1e-5, floor: 1e-12)
        #expect(abs(model.logLikelihood - (try mle.double("logLikelihood"))) <= 1e-9 * 452)
        #expect(model.iterations < 15)
    }

    @Test(arguments: ["l2_1", "l2_10", "l2_1_standardized"])
    func penalizedFitMatchesScikitLearn(key: String) throws {
        let (x, y, _) = try GermanCredit.design(standardize: key.hasSuffix("standardized"))
        let reference = try GermanCredit.reference().object(key)
        let model = try LogisticRegression.fit(x, labels: y, options: .init(l2: try reference.double("l2")))
        expectClose([model.intercept] + model.coefficients,
                    [try reference.double("intercept")] + (try reference.doubles("coefficients")), relative: 1e-6)
    }

    @Test func sampleWeightsMatchScikitLearnAndStatsmodels() throws {
        let (x, y, _) = try GermanCredit.design()
        let weights = (0..<x.rows).map { 1 + Double($0 % 3) }
        let reference = try GermanCredit.reference()
        let penalized = try reference.object("weighted_l2_1")
        let model = try LogisticRegression.fit(x, labels: y, weights: weights, options: .init(l2: 1))
        expectClose([model.intercept] + model.coefficients,
                    [try penalized.double("intercept")] + (try penalized.doubles("coefficients")), relative: 1e-6)
        let mle = try reference.object("weighted_mle")
        let unpenalized = try LogisticRegression.fit(x, labels: y, weights: weights)
        expectClose([unpenalized.intercept] + unpenalized.coefficients,
                    [try mle.double("intercept")] + (try mle.doubles("coefficients")), relative: 1e-6)
    }

    @Test func subsampledHessianReachesTheSameOptimum() throws {
        let (x, y, _) = try GermanCredit.design(standardize: true)
        let full = try LogisticRegression.fit(x, labels: y, options: .init(l2: 1))
        let sampled = try LogisticRegression.fit(x, labels: y, options: .init(l2: 1, hessianSampleRows: 300))
        expectClose([sampled.intercept] + sampled.coefficients, [full.intercept] + full.coefficients, relative: 1e-8)
        expectClose(try #require(sampled.standardErrors), try #require(full.standardErrors), relative: 1e-10)
    }

    @Test func integerWeightsEqualRepeatedRows() throws {
        // Weight 2 on a row is the same as the row appearing twice.
        let (x, y, _) = try GermanCredit.design(standardize: true)
        let subset = Array(0..<200)
        let xs = x.selecting(rows: subset), ys = subset.map { y[$0] }
        let weights = subset.map { $0 % 2 == 0 ? 2.0 : 1.0 }
        let repeated = subset + subset.filter { $0 % 2 == 0 }
        let a = try LogisticRegression.fit(xs, labels: ys, weights: weights, options: .init(l2: 0.5))
        let b = try LogisticRegression.fit(x.selecting(rows: repeated), labels: repeated.map { y[$0] },
                                           options: .init(l2: 0.5))
        expectClose([a.intercept] + a.coefficients, [b.intercept] + b.coefficients, relative: 1e-8)
    }
}

@Suite struct LogisticRegressionErrorTests {
    // Rows 2/7 and 5/8 repeat with opposite labels, so the classes overlap and the MLE exists.
    let x = Matrix(unchecked: 8, 2, [0, 1, 1, 3, 2, 2, 3, 5, 4, 4, 5, 7, 1, 3, 4, 4])
    let y: [Double] = [0, 0, 1, 0, 1, 1, 1, 0]

    @Test func fitsSmallData() throws {
        let model = try LogisticRegression.fit(x, labels: y)
        #expect(model.coefficients.count == 2)
        #expect(model.logLikelihood < 0)
    }

    @Test func separableDataWithoutPenaltyThrows() throws {
        let x = try Matrix(rows: [[1.0], [2], [3], [4], [5], [6]])
        #expect(throws: CreditError.perfectSeparation) {
            try LogisticRegression.fit(x, labels: [0, 0, 0, 1, 1, 1])
        }
        // Quasi-complete separation (one tie at the boundary) is also detected.
        #expect(throws: CreditError.perfectSeparation) {
            try LogisticRegression.fit(try Matrix(rows: [[1.0], [2], [3], [3], [5], [6]]), labels: [0, 0, 0, 1, 1, 1])
        }
        // With a penalty the fit exists.
        let model = try LogisticRegression.fit(x, labels: [0, 0, 0, 1, 1, 1], options: .init(l2: 1))
        #expect(model.coefficients[0] > 0)
    }

    @Test func constantColumnNeedsPenalty() throws {
        let x = try Matrix(rows: [[1.0, 2], [1, 3], [1, 1], [1, 5], [1, 4], [1, 0], [1, 3], [1, 4]])
        #expect(throws: CreditError.constantColumn("age")) {
            try LogisticRegression.fit(x, labels: y, columnNames: ["age", "income"])
        }
        let model = try LogisticRegression.fit(x, labels: y, options: .init(l2: 1))
        #expect(abs(model.coefficients[0]) < 1e-12)
    }

    @Test func duplicateColumnIsSingular() throws {
        let x = try Matrix(rows: [[0.0, 0], [1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [1, 1], [4, 4]])
        #expect(throws: CreditError.singularMatrix) { try LogisticRegression.fit(x, labels: y) }
    }

    @Test func badInputsThrow() throws {
        #expect(throws: CreditError.emptyInput) { try LogisticRegression.fit(Matrix(rows: 0, columns: 2, values: []), labels: []) }
        #expect(throws: CreditError.lengthMismatch(what: "labels", expected: 8, actual: 5)) {
            try LogisticRegression.fit(x, labels: [0, 1, 0, 1, 0])
        }
        #expect(throws: CreditError.lengthMismatch(what: "weights", expected: 8, actual: 1)) {
            try LogisticRegression.fit(x, labels: y, weights: [1])
        }
        var bad = x
        bad[2, 1] = .nan
        #expect(throws: CreditError.nonFinite(what: "column x2", row: 2)) { try LogisticRegression.fit(bad, labels: y) }
        bad[2, 1] = .infinity
        #expect(throws: CreditError.nonFinite(what: "column x2", row: 2)) { try LogisticRegression.fit(bad, labels: y) }
        #expect(throws: CreditError.invalidLabel(row: 1)) { try LogisticRegression.fit(x, labels: [0, 2, 1, 0, 1, 1, 0, 1]) }
        #expect(throws: CreditError.nonFinite(what: "labels", row: 0)) { try LogisticRegression.fit(x, labels: [.nan, 0, 1, 0, 1, 1, 0, 1]) }
        #expect(throws: CreditError.singleClass) { try LogisticRegression.fit(x, labels: [1, 1, 1, 1, 1, 1, 1, 1]) }
        #expect(throws: CreditError.nonFinite(what: "weights", row: 3)) {
            try LogisticRegression.fit(x, labels: y, weights: [1, 1, 1, .nan, 1, 1, 1, 1])
        }
        #expect(throws: CreditError.negativeWeight(row: 0)) {
            try LogisticRegression.fit(x, labels: y, weights: [-1, 1, 1, 1, 1, 1, 1, 1])
        }
        #expect(throws: CreditError.outOfRange(.l2)) {
            try LogisticRegression.fit(x, labels: y, options: .init(l2: -1))
        }
        #expect(throws: CreditError.lengthMismatch(what: "matrix values", expected: 4, actual: 3)) {
            try Matrix(rows: 2, columns: 2, values: [1, 2, 3])
        }
    }

    @Test func hugeValuesStayFinite() throws {
        let x = try Matrix(rows: [[1e150], [-3e150], [2e150], [-1e150], [5e149], [0]])
        // Either a clean typed error or a finite model; never a trap or NaN.
        do {
            let model = try LogisticRegression.fit(x, labels: [0, 1, 1, 0, 1, 0], options: .init(l2: 1))
            #expect(model.intercept.isFinite && model.coefficients.allSatisfy(\.isFinite))
        } catch {
            #expect(error == .singularMatrix || error == .notConverged(iterations: 100))
        }
    }
}

@Suite struct LogisticRegressionPropertyTests {
    /// Reference: plain gradient descent would be slow; instead check the optimality conditions directly.
    @Test func gradientVanishesAtTheOptimum() async {
        await propertyCheck(count: 60, input: Gen.uint64(), Gen.int(in: 0...3)) { seed, lambdaIndex in
            var rng = SplitMix64(seed: seed)
            let n = 40, p = 3
            let lambda = [0.1, 1, 10, 100][lambdaIndex]
            var values: [Double] = [], labels: [Double] = []
            for _ in 0..<n {
                let row = (0..<p).map { _ in Double.random(in: -2...2, using: &rng) }
                values += row
                labels.append(Double.random(in: 0...1, using: &rng) < Logistic.sigmoid(row[0] - row[1]) ? 1 : 0)
            }
            if !labels.contains(1) { labels[0] = 1 }
            if !labels.contains(0) { labels[1] = 0 }
            let x = try Matrix(rows: n, columns: p, values: values)
            let model = try LogisticRegression.fit(x, labels: labels, options: .init(l2: lambda))
            var gradient = [Double](repeating: 0, count: p + 1)
            for i in 0..<n {
                let r = try model.probability(x.row(i)) - labels[i]
                gradient[0] += r
                for j in 0..<p { gradient[j + 1] += r * x[i, j] }
            }
            for j in 0..<p { gradient[j + 1] += lambda * model.coefficients[j] }
            #expect(gradient.allSatisfy { abs($0) < 1e-8 })
        }
    }

    @Test func logisticHelpersAreStable() {
        #expect(Logistic.sigmoid(800) == 1)
        #expect(Logistic.sigmoid(-800) == 0)
        #expect(Logistic.softplus(800) == 800)
        #expect(Logistic.softplus(-800) == 0)
        #expect(abs(Logistic.softplus(0) - log(2)) < 1e-15)
        #expect(abs(Logistic.sigmoid(-30) - exp(-30) / (1 + exp(-30))) < 1e-25)
    }
}
