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

@Suite struct WoETests {
    @Test func forcedBinsMatchScorecardpy() throws {
        let table = try GermanCredit.table()
        let target = TargetSpec(column: "creditability", positive: "bad")
        let labels = try target.labels(table)
        let reference = try GermanCredit.reference().object("woe")
        for name in ["duration_in_month", "credit_amount", "age_in_years"] {
            let expected = try reference.object(name)
            let values = try table.column(name).map { try #require(Double($0)) }
            let binning = try WoEBinning.numeric(name, values: values, labels: labels, breaks: try expected.doubles("breaks"))
            #expect(binning.bins.map(\.count) == (expected["count"] as? [Int]))
            #expect(binning.bins.map(\.positives) == (expected["bad"] as? [Int]))
            expectClose(binning.bins.map(\.woe), try expected.doubles("woe"), relative: 1e-12)
            #expect(abs(binning.informationValue - (try expected.double("iv"))) < 1e-12)
        }
        let purpose = try reference.object("purpose")
        let binning = try WoEBinning.categorical("purpose", values: try table.column("purpose"), labels: labels)
        #expect(binning.bins.compactMap { $0.levels?.first } == (purpose["bins"] as? [String]))
        expectClose(binning.bins.map(\.woe), try purpose.doubles("woe"), relative: 1e-12)
        #expect(abs(binning.informationValue - (try purpose.double("iv"))) < 1e-12)
    }

    @Test func handComputedSmallCase() throws {
        // Bin A: 1 bad, 3 good; bin B: 3 bad, 1 good; bin C: 0 bad, 2 good (zero count → 0.9).
        let values = ["A", "A", "A", "A", "B", "B", "B", "B", "C", "C"]
        let labels: [Double] = [1, 0, 0, 0, 1, 1, 1, 0, 0, 0]
        let binning = try WoEBinning.categorical("v", values: values, labels: labels)
        let bad = [1, 3, 0.9], good = [3.0, 1, 2]
        let tb = bad.reduce(0, +), tg = good.reduce(0, +)
        var iv = 0.0
        for k in 0..<3 {
            let woe = log((bad[k] / tb) / (good[k] / tg))
            #expect(abs(binning.bins[k].woe - woe) < 1e-15)
            iv += (bad[k] / tb - good[k] / tg) * woe
        }
        #expect(abs(binning.informationValue - iv) < 1e-15)
        #expect(try binning.binIndex(cell: "B") == 1)
        #expect(throws: CreditError.unseenCategory(column: "v", value: "D")) { try binning.binIndex(cell: "D") }
    }

    @Test func quantileBinsAreMonotonicAndCoverTheData() async {
        await propertyCheck(count: 60, input: Gen.uint64(), Gen.int(in: 2...20)) { seed, maxBins throws in
            var rng = SplitMix64(seed: seed)
            let n = 500
            let values = (0..<n).map { _ in (rng.nextUnit() * 50).rounded() }
            let labels = values.map { v in rng.nextUnit() < Logistic.sigmoid((v - 25) / 10 + sin(v)) ? 1.0 : 0.0 }
            guard labels.contains(1), labels.contains(0) else { return }
            let binning = try WoEBinning.quantile("v", values: values, labels: labels,
                                                  options: .init(maxBins: maxBins, minBinFraction: 0.05))
            #expect(binning.bins.reduce(0) { $0 + $1.count } == n)
            #expect(binning.bins.allSatisfy { $0.count >= 25 } || binning.bins.count == 1)
            let woe = binning.bins.map(\.woe)
            let increasing = zip(woe, woe.dropFirst()).allSatisfy { $0 <= $1 }
            let decreasing = zip(woe, woe.dropFirst()).allSatisfy { $0 >= $1 }
            #expect(increasing || decreasing)
            for (v, _) in zip(values, labels).prefix(50) {
                let k = try binning.binIndex(cell: String(v))
                #expect(binning.bins[k].lower.map { v >= $0 } ?? true)
                #expect(binning.bins[k].upper.map { v < $0 } ?? true)
            }
            #expect(binning.informationValue >= 0)
        }
    }

    @Test func badBinningInputThrows() {
        #expect(throws: CreditError.emptyInput) { try WoEBinning.quantile("v", values: [], labels: []) }
        #expect(throws: CreditError.nonFinite(what: "column v", row: 1)) {
            try WoEBinning.quantile("v", values: [1, .nan], labels: [0, 1])
        }
        #expect(throws: CreditError.unsortedBreaks(variable: "v")) {
            try WoEBinning.numeric("v", values: [1, 2], labels: [0, 1], breaks: [3, 1])
        }
        #expect(throws: CreditError.singleClass) { try WoEBinning.categorical("v", values: ["a"], labels: [1]) }
    }
}

@Suite struct ScorecardTests {
    @Test func scalingDefaults() throws {
        let s = ScoreScaling.standard
        // 50:1 good:bad odds → p(bad) = 1/51 → 600 points; 100:1 → 620.
        #expect(abs(s.points(logOdds: log(1.0 / 50)) - 600) < 1e-9)
        #expect(abs(s.points(logOdds: log(1.0 / 100)) - 620) < 1e-9)
        #expect(abs(s.factor - 20 / log(2)) < 1e-12)
        #expect(throws: CreditError.outOfRange(.scoreScaling)) {
            try ScoreScaling(base: 600, baseOdds: 0, pdo: 20)
        }
    }

    @Test func pointsAddUpToTheScaledLogOdds() throws {
        let table = try GermanCredit.table()
        let target = TargetSpec(column: "creditability", positive: "bad")
        let top = try InformationValue.selectTop(6, table, target: target,
                                                 candidates: table.columnNames.filter { $0 != "creditability" })
        #expect(top.first == "status_of_existing_checking_account")
        let card = try Scorecard.fit(table, target: target, variables: top)
        let scores = try card.score(table)
        let probabilities = try card.probabilities(table)
        for r in 0..<table.rowCount {
            let logOdds = log(probabilities[r] / (1 - probabilities[r]))
            #expect(abs(scores[r] - card.scaling.points(logOdds: logOdds)) < 1e-6)
        }
        // WoE-model coefficients are positive (each WoE already points the risky way).
        #expect(card.regression.coefficients.allSatisfy { $0 > 0 })
        let auc = try Metrics.auc(scores: probabilities, labels: try target.labels(table))
        #expect(auc > 0.75)
        let decoded = try JSONDecoder().decode(Scorecard.self, from: JSONEncoder().encode(card))
        #expect(try decoded.score(table) == scores)
        var hostile = card
        hostile.points[0].removeLast()
        #expect(throws: CreditError.inconsistentModel(.pointsDoNotMatchBins)) { try hostile.score(table) }
        hostile = card
        hostile.binnings[0].bins = []
        #expect(throws: CreditError.inconsistentModel(.emptyBinning(variable: top[0]))) { try hostile.probabilities(table) }
    }
}
