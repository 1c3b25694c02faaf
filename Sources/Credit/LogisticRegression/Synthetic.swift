import DataFiCreditData
import Foundation
import DataFiSupport

/// A dated credit relation between two applicants (for example guarantor or repeated transfers).
public struct CreditEdge: Sendable, Equatable, Codable {
    /// Source row.
    public var from: Int
    /// Target row.
    public var to: Int
    /// Time of the relation in days since the start of the observation window, in [0, 365).
    public var time: Double
}

/// Seeded synthetic credit data with a known truth, for tests and large benchmarks.
///
/// Row i has p standard-normal features xᵢ, a behaviour cluster cᵢ ∈ 0..<K and a hidden community gᵢ ∈ 0..<G.
/// The true log-odds are `ηᵢ = β₀ + xᵢ·β + α[cᵢ] + γ[gᵢ]`, with `β` from `trueCoefficient(_:)`,
/// cluster effects α evenly spaced in [−clusterEffect, clusterEffect] and community effects γ evenly spaced
/// in [−graphEffect, graphEffect] (shuffled), and `yᵢ ~ Bernoulli(sigmoid(ηᵢ))`.
/// Behaviour: each row has a token sequence; each token comes from its cluster's block of the vocabulary with
/// probability 0.7, else uniformly from the whole vocabulary. Credit graph: each row has `edgesPerRow`
/// outgoing edges, to a row of the same community with probability 0.8, else to any row. A model that sees
/// only x misses α and γ; cluster and graph features can recover them.
public struct SyntheticCreditData: Sendable {
    /// Features, rows × p.
    public var x: Matrix
    /// 0/1 outcomes.
    public var labels: [Double]
    /// True intercept β₀.
    public var trueIntercept: Double
    /// True coefficients β.
    public var trueCoefficients: [Double]
    /// Behaviour cluster per row.
    public var clusters: [Int]
    /// Hidden community per row (drives the graph effect).
    public var communities: [Int]
    /// Behaviour token sequences per row (tokens in 0..<vocabulary).
    public var behaviour: [[Int]]
    /// Credit relations.
    public var edges: [CreditEdge]
    /// True log-odds per row.
    public var trueLogOdds: [Double]

    /// The true coefficient of feature j: 0.5·((j mod 5) − 2), cycling −1, −0.5, 0, 0.5, 1.
    public static func trueCoefficient(_ j: Int) -> Double { 0.5 * Double(j % 5 - 2) }

    /// Generates a data set.
    /// - Parameters: sizes and effects as described on the type; `seed` makes it reproducible.
    /// - Throws: `CreditError.outOfRange(.syntheticSize)` for non-positive sizes, `.tooLarge` above 10⁸ cells.
    public static func generate(rows: Int, features: Int, seed: UInt64, clusters: Int = 8, communities: Int = 20,
                                clusterEffect: Double = 1.5, graphEffect: Double = 1.5, intercept: Double = -1,
                                sequenceLength: Int = 20, vocabulary: Int = 64, edgesPerRow: Int = 3)
        throws(CreditError) -> SyntheticCreditData {
        guard rows > 0, features >= 0, clusters > 0, communities > 0, sequenceLength >= 0, vocabulary >= clusters,
              edgesPerRow >= 0 else { throw .outOfRange(.syntheticSize) }
        guard rows <= 100_000_000 / max(features + sequenceLength + edgesPerRow, 1) else {
            throw .tooLarge("more than 10^8 synthetic cells")
        }
        var rng = SplitMix64(seed: seed)
        let beta = (0..<features).map(trueCoefficient)
        var values = [Double](repeating: 0, count: rows * features)
        var k = 0
        while k < values.count {
            // Box–Muller: two normals from two uniforms.
            let u1 = 1 - rng.nextUnit(), u2 = rng.nextUnit()
            let r = (-2 * log(u1)).squareRoot()
            values[k] = r * cos(2 * .pi * u2)
            if k + 1 < values.count { values[k + 1] = r * sin(2 * .pi * u2) }
            k += 2
        }
        let spread: (Int, Int, Double) -> Double = { i, count, scale in
            count == 1 ? 0 : scale * (2 * Double(i) / Double(count - 1) - 1)
        }
        let alpha = (0..<clusters).map { spread($0, clusters, clusterEffect) }
        var gamma = (0..<communities).map { spread($0, communities, graphEffect) }
        gamma.shuffle(using: &rng)
        var clusterOf = [Int](repeating: 0, count: rows), communityOf = clusterOf
        var members = [[Int]](repeating: [], count: communities)
        for i in 0..<rows {
            clusterOf[i] = Int(rng.next() % UInt64(clusters))
            communityOf[i] = Int(rng.next() % UInt64(communities))
            members[communityOf[i]].append(i)
        }
        let block = vocabulary / clusters
        var behaviour: [[Int]] = []
        behaviour.reserveCapacity(rows)
        for i in 0..<rows {
            behaviour.append((0..<sequenceLength).map { _ in
                rng.nextUnit() < 0.7 ? clusterOf[i] * block + Int(rng.next() % UInt64(block))
                                     : Int(rng.next() % UInt64(vocabulary))
            })
        }
        var edges: [CreditEdge] = []
        edges.reserveCapacity(rows * edgesPerRow)
        for i in 0..<rows where rows > 1 {
            for _ in 0..<edgesPerRow {
                let group = members[communityOf[i]]
                var j = rng.nextUnit() < 0.8 && group.count > 1 ? group[Int(rng.next() % UInt64(group.count))]
                                                                : Int(rng.next() % UInt64(rows))
                if j == i { j = (i + 1) % rows }
                edges.append(CreditEdge(from: i, to: j, time: 365 * rng.nextUnit()))
            }
        }
        var labels = [Double](repeating: 0, count: rows), eta = labels
        for i in 0..<rows {
            var e = intercept + alpha[clusterOf[i]] + gamma[communityOf[i]]
            for j in 0..<features { e += values[i * features + j] * beta[j] }
            eta[i] = e
            labels[i] = rng.nextUnit() < Logistic.sigmoid(e) ? 1 : 0
        }
        return SyntheticCreditData(x: Matrix(unchecked: rows, features, values), labels: labels,
                                   trueIntercept: intercept, trueCoefficients: beta, clusters: clusterOf,
                                   communities: communityOf, behaviour: behaviour, edges: edges, trueLogOdds: eta)
    }

    /// Plain benchmark data that numpy can reproduce bit for bit: element k (0-based, row-major) of X is
    /// `2u − 1` with `u = (SplitMix64.mix(seed + (k + 1)·0x9E3779B97F4A7C15) >> 11)·2⁻⁵³`; the label of row i
    /// uses the next outputs (k = rows·p + i) as `u < sigmoid(−1 + xᵢ·β)` with `β` from `trueCoefficient`.
    /// - Throws: `CreditError.outOfRange(.syntheticSize)` for non-positive sizes, `.tooLarge` above 2·10⁸ cells.
    public static func uniformDesign(rows: Int, features: Int, seed: UInt64) throws(CreditError) -> (x: Matrix, labels: [Double]) {
        guard rows > 0, features > 0 else { throw .outOfRange(.syntheticSize) }
        guard rows <= 200_000_000 / features else { throw .tooLarge("more than 2·10^8 cells") }
        let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15
        let unit: (UInt64) -> Double = { k in
            Double(SplitMix64.mix(seed &+ (k &+ 1) &* gamma) >> 11) * 0x1p-53
        }
        let count = rows * features
        var values = [Double](repeating: 0, count: count)
        values.withUnsafeMutableBufferPointer { out in
            for k in 0..<count { out[k] = 2 * unit(UInt64(k)) - 1 }
        }
        let beta = (0..<features).map(trueCoefficient)
        var labels = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            var e = -1.0
            for j in 0..<features { e += values[i * features + j] * beta[j] }
            labels[i] = unit(UInt64(count + i)) < Logistic.sigmoid(e) ? 1 : 0
        }
        return (Matrix(unchecked: rows, features, values), labels)
    }
}
