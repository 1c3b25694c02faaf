import DataFiPerson2Vec
import DataFiZhangRank
import DataFiCreditData
import DataFiLogisticRegression
import DataFiScorecard
import Foundation

/// Why a Defi Score Plus feature could not be built.
public enum PlusFeaturesError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The rows, labels or options are unusable.
    case credit(CreditError)
    /// The credit graph refused a node or an edge (for example a non-finite time).
    case graph(ZhangRankError)
    /// Zhang Rank failed on the graph.
    case rank(ZhangRankError)
    /// Person2Vec training failed (for example an empty vocabulary).
    case person2Vec(Person2VecError)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .credit(error): return error.description
        case let .graph(error): return "credit graph: \(error)"
        case let .rank(error): return "zhang rank: \(error)"
        case let .person2Vec(error): return "person2vec: \(error)"
        }
    }
}

/// Features for Defi Score Plus built from the credit graph (Zhang Rank) and behaviour sequences
/// (Person2Vec).
public enum PlusFeatures {
    /// Risk propagated over the credit graph: `ln(riskRank + ε) − ln(trustRank + ε)` per row, where riskRank
    /// is the time-decayed Zhang Rank personalized on rows known to be positive (label 1) and trustRank the
    /// one personalized on rows known to be negative; edges are used in both directions; ε = 10⁻¹²/n.
    /// Rows without a known label get ranks seeded by every known row. Rows with a known label get their value
    /// out of fold: the known rows are split into `folds` groups and each group is ranked with seeds from
    /// the other groups only, so no row's own label flows into its feature.
    /// - Parameters:
    ///   - rows: number of rows (graph nodes `0..<rows`).
    ///   - edges: credit relations between rows; used in both directions.
    ///   - known: known labels (0 or 1) by row.
    ///   - folds: out-of-fold groups of the known rows (≥ 2).
    ///   - halfLife: decay half-life in the edges' time unit (days for `SyntheticCreditData`).
    ///   - now: the time the decay is measured from (no edge may be later).
    /// - Throws: `PlusFeaturesError.credit` wrapping `.rowOutOfRange` (an edge or known row outside the rows),
    ///   `.singleClass` (the known labels, or a fold's complement, lack a class), `.invalidLabel` or
    ///   `.outOfRange(.folds)`; `.graph` or `.rank` when Zhang Rank refuses the graph.
    public static func graphRisk(rows: Int, edges: [CreditEdge], known: [Int: Double], folds: Int = 5,
                                 halfLife: Double = 180, now: Double = 365) throws(PlusFeaturesError) -> [Double] {
        guard rows > 0 else { throw .credit(.emptyInput) }
        guard folds >= 2 else { throw .credit(.outOfRange(.folds)) }
        var graph = CreditGraph<Int>()
        graph.reserveCapacity(edges: 2 * edges.count)
        for edge in edges {
            for end in [edge.from, edge.to] where !(0..<rows).contains(end) {
                throw .credit(.rowOutOfRange(what: "edge endpoint", row: end, rows: rows))
            }
        }
        do {
            for i in 0..<rows { _ = try graph.addNode(i) }
            for edge in edges {
                try graph.addEdge(from: edge.from, to: edge.to, timestamp: edge.time)
                try graph.addEdge(from: edge.to, to: edge.from, timestamp: edge.time)
            }
        } catch {
            throw .graph(error)
        }
        for (row, label) in known {
            guard (0..<rows).contains(row) else { throw .credit(.rowOutOfRange(what: "known row", row: row, rows: rows)) }
            guard label == 0 || label == 1 else { throw .credit(.invalidLabel(row: row)) }
        }
        let configuration = ZhangRank.Configuration(tolerance: 1e-10, maxIterations: 200,
                                                    decay: .init(halfLife: halfLife, now: now))
        let eps = 1e-12 / Double(rows)
        func feature(seeds: [(Int, Double)]) throws(PlusFeaturesError) -> [Double] {
            var risky: [Int: Double] = [:], trusted: [Int: Double] = [:]
            for (row, label) in seeds { if label == 1 { risky[row] = 1 } else { trusted[row] = 1 } }
            guard !risky.isEmpty, !trusted.isEmpty else { throw .credit(.singleClass) }
            do {
                let risk = try ZhangRank.compute(graph: graph, configuration: configuration, personalization: risky)
                let trust = try ZhangRank.compute(graph: graph, configuration: configuration, personalization: trusted)
                return (0..<rows).map { log(risk[$0] + eps) - log(trust[$0] + eps) }
            } catch {
                throw .rank(error)
            }
        }
        let seeds = known.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        var result = try feature(seeds: seeds)
        let assignment = seeds.indices.map { $0 % folds }
        for f in 0..<folds {
            let inside = seeds.indices.filter { assignment[$0] == f }
            guard !inside.isEmpty else { continue }
            let values = try feature(seeds: seeds.indices.filter { assignment[$0] != f }.map { seeds[$0] })
            for i in inside { result[seeds[i].0] = values[seeds[i].0] }
        }
        return result
    }

    /// Person2Vec person vectors (PV-DBOW, one thread, deterministic for `seed`) of each row's behaviour
    /// tokens, as a rows × `dimension` matrix (a row whose tokens were all dropped gets zeros).
    /// - Throws: `PlusFeaturesError.credit(.emptyInput)`; `.person2Vec` when training fails (for example an empty vocabulary).
    public static func behaviourVectors(_ behaviour: [[Int]], dimension: Int = 8, epochs: Int = 5,
                                        seed: UInt64 = 1) throws(PlusFeaturesError) -> Matrix {
        guard !behaviour.isEmpty else { throw .credit(.emptyInput) }
        let corpus = behaviour.enumerated().map { i, tokens in
            BehaviourSequence(person: "p\(i)", events: tokens.map { "t\($0)" })
        }
        let model: Person2VecModel
        do {
            model = try Person2Vec.train(corpus: corpus, configuration: .init(
                dimension: dimension, window: 5, negative: 5, epochs: epochs, minCount: 1, sample: 0, seed: seed))
        } catch {
            throw .person2Vec(error)
        }
        var values = [Double](repeating: 0, count: behaviour.count * dimension)
        for i in 0..<behaviour.count {
            guard let v = model.personVector(for: "p\(i)") else { continue }
            for j in 0..<dimension { values[i * dimension + j] = Double(v[j]) }
        }
        return Matrix(unchecked: behaviour.count, dimension, values)
    }
}

/// Defi Score Plus: scenario-based variable selection and one logistic regression per scenario.
///
/// For each scenario (a value of `scenarioColumn`, or one scenario "all"), the candidate columns are ranked
/// by information value on that scenario's training rows, the best `k` are kept, and a standardized
/// logistic regression (penalty `l2`) is fitted on them. Rows are scored by their scenario's model.
public struct DefiScorePlus: Sendable, Equatable, Codable {
    /// Column whose value picks the scenario (nil: one scenario).
    public var scenarioColumn: String?
    /// Selected columns per scenario, best information value first.
    public var selected: [String: [String]]
    /// Model per scenario.
    public var models: [String: CreditScoreModel]

    /// Selects variables and fits one model per scenario.
    /// - Throws: `CreditError` from binning, encoding or fitting; `.outOfRange(.selectedVariables)` when `k < 1`.
    public static func fit(_ table: DataTable, target: TargetSpec, candidates: [String], k: Int,
                           scenarioColumn: String? = nil, l2: Double = 1,
                           binning: BinningOptions = .init()) throws(CreditError) -> DefiScorePlus {
        guard k >= 1 else { throw .outOfRange(.selectedVariables) }
        var selected: [String: [String]] = [:], models: [String: CreditScoreModel] = [:]
        for (scenario, rows) in try scenarios(table, scenarioColumn) {
            let part = table.selecting(rows: rows)
            let top = try InformationValue.selectTop(k, part, target: target, candidates: candidates, options: binning)
            selected[scenario] = top
            models[scenario] = try CreditScoreModel.train(part, target: target, features: top,
                                                          options: .init(l2: l2), standardize: true)
        }
        return DefiScorePlus(scenarioColumn: scenarioColumn, selected: selected, models: models)
    }

    static func scenarios(_ table: DataTable, _ column: String?) throws(CreditError) -> [(String, [Int])] {
        guard let column else { return [("all", Array(0..<table.rowCount))] }
        var groups: [String: [Int]] = [:]
        for (r, value) in try table.column(column).enumerated() { groups[value, default: []].append(r) }
        return groups.sorted { $0.key < $1.key }
    }

    /// Probability of the positive class per row, each from its scenario's model.
    /// - Throws: `CreditError.unseenCategory` for a scenario without a model, and encoding errors.
    public func probabilities(_ table: DataTable) throws(CreditError) -> [Double] {
        var out = [Double](repeating: 0, count: table.rowCount)
        for (scenario, rows) in try DefiScorePlus.scenarios(table, scenarioColumn) {
            guard let model = models[scenario] else {
                throw .unseenCategory(column: scenarioColumn ?? "scenario", value: scenario)
            }
            for (r, p) in zip(rows, try model.probabilities(table.selecting(rows: rows))) { out[r] = p }
        }
        return out
    }
}

extension SyntheticCreditData {
    /// A table of this data: numeric columns `x1…xp`, the label column `default` (0/1) and `segment`
    /// ("thin" with at most 5 credit relations, else "thick"), plus `extra` numeric columns.
    /// - Throws: `CreditError.rowOutOfRange` for an edge outside the rows, `.lengthMismatch` when the labels
    ///   or an extra column do not have one value per row.
    public func table(extra: [String: [Double]] = [:]) throws(CreditError) -> DataTable {
        guard labels.count == x.rows else { throw .lengthMismatch(what: "labels", expected: x.rows, actual: labels.count) }
        for edge in edges {
            for end in [edge.from, edge.to] where !(0..<x.rows).contains(end) {
                throw .rowOutOfRange(what: "edge endpoint", row: end, rows: x.rows)
            }
        }
        var names = (1...max(x.columns, 1)).prefix(x.columns).map { "x\($0)" }
        var columns = (0..<x.columns).map { j in (0..<x.rows).map { String(x[$0, j]) } }
        var degree = [Int](repeating: 0, count: x.rows)
        for edge in edges {
            degree[edge.from] += 1
            degree[edge.to] += 1
        }
        for (name, values) in extra.sorted(by: { $0.key < $1.key }) {
            guard values.count == x.rows else { throw .lengthMismatch(what: "column \(name)", expected: x.rows, actual: values.count) }
            names.append(name)
            columns.append(values.map { String($0) })
        }
        names += ["segment", "default"]
        columns.append(degree.map { $0 <= 5 ? "thin" : "thick" })
        columns.append(labels.map { $0 == 1 ? "1" : "0" })
        return try DataTable(columnNames: names, columns: columns)
    }
}
