import DataFiSupport
import Dispatch
import Foundation

/// Zhang Rank: PageRank over a credit graph whose edge weights decay with age.
///
/// Each edge `u → v` of weight `w` and timestamp `t` counts as `w · 2^(−(now − t) / halfLife)`, so
/// recent behaviour weighs more and old good history fades instead of being farmed once and reused.
/// With decay switched off the result equals `networkx.pagerank` (same damping, personalization,
/// dangling handling, L1 convergence test `Σ|x − x_last| < N · tolerance`, no renormalization).
///
/// Decisions where networkx has none or differs:
/// - Edges dated after `now` are rejected (`timestampInFuture`), not clamped: a future date means
///   skewed clocks or forged data, and clamping would let it count at full weight.
/// - Under decay every edge needs a timestamp (`missingTimestamp`): an undated edge would never fade.
/// - A personalization naming a node outside the graph is an error (networkx ignores it).
/// - Damping must be in [0, 1) and tolerance > 0.
///
/// The product `Aᵀx` runs over fixed blocks of 4,096 rows on `threads` workers; each row is a fixed
/// sum and block partial sums are added in block order, so the scores are bit-identical for any
/// thread count.
///
/// Sybil resistance: with personalization on trusted seeds in an honest region H, a sybil region S
/// receives no teleport and no dangling mass, so its total rank satisfies
/// `x(S) ≤ d · Φ / (1 − d)`, where `Φ = Σ_{u∈H} x_u · w(u→S) / W_u` is the rank flowing over attack
/// edges, however many sybils and fresh edges among them there are.
public enum ZhangRank {
    /// Where the rank of a node without outgoing weight goes.
    public enum DanglingPolicy: Sendable, Equatable {
        /// Spread by the personalization vector (uniform when there is none): networkx's default.
        case personalization
        /// Spread uniformly over all nodes, whatever the personalization.
        case uniform
    }

    /// Exponential time decay of edge weights.
    public struct TimeDecay: Sendable, Equatable {
        /// Age in seconds at which an edge counts half; finite and > 0.
        public var halfLife: Double
        /// The present, in the same seconds as the edge timestamps.
        public var now: Double

        /// Creates a decay with the given half-life (seconds) measured at `now`.
        public init(halfLife: Double, now: Double) {
            self.halfLife = halfLife
            self.now = now
        }

        /// The factor `2^(−age / halfLife)` for an edge at `timestamp`.
        public func factor(timestamp: Double) -> Double { exp2(-(now - timestamp) / halfLife) }
    }

    /// Parameters of the power iteration.
    public struct Configuration: Sendable, Equatable {
        /// Probability of following an edge rather than teleporting; in [0, 1). networkx's `alpha`.
        public var damping: Double = 0.85
        /// Per-node L1 tolerance: stop when `Σ|x − x_last| < N · tolerance` (networkx's rule); > 0.
        /// Not used when `maxError` is set.
        public var tolerance: Double = 1e-6
        /// When set, stop once the scores are provably within this L1 distance of the PageRank fixed
        /// point: the iteration contracts by `damping` in L1, so `‖x_k − x*‖₁ ≤ ‖x_k − x_{k−1}‖₁ · d/(1 − d)`,
        /// and it stops when that bound is at most `maxError` (finite, > 0). Unlike `tolerance` the
        /// guarantee does not grow with the number of nodes or with the damping.
        public var maxError: Double? = nil
        /// Iteration limit; `compute` throws `didNotConverge` past it.
        public var maxIterations: Int = 100
        /// Time decay of edge weights; nil ranks on the raw weights.
        public var decay: TimeDecay? = nil
        /// Where dangling nodes send their rank.
        public var dangling: DanglingPolicy = .personalization
        /// Worker threads for the sparse products: nil uses the SDK's `Parallelism.limit`, a number ≥ 1
        /// exactly that many. The scores do not depend on it.
        public var threads: Int? = nil

        /// The networkx defaults: damping 0.85, tolerance 1e-6, 100 iterations, no decay.
        public init(damping: Double = 0.85, tolerance: Double = 1e-6, maxIterations: Int = 100,
                    decay: TimeDecay? = nil, dangling: DanglingPolicy = .personalization, threads: Int? = nil,
                    maxError: Double? = nil) {
            self.maxError = maxError
            self.damping = damping
            self.tolerance = tolerance
            self.maxIterations = maxIterations
            self.decay = decay
            self.dangling = dangling
            self.threads = threads
        }

        func validate() throws(ZhangRankError) {
            guard damping.isFinite, damping >= 0, damping < 1 else { throw .invalidDamping(damping) }
            guard tolerance.isFinite, tolerance > 0 else { throw .invalidTolerance(tolerance) }
            if let maxError, !(maxError.isFinite && maxError > 0) { throw .invalidTolerance(maxError) }
            guard maxIterations >= 1 else { throw .invalidMaxIterations(maxIterations) }
            if let threads, threads < 1 { throw .invalidThreadCount(threads) }
            if let decay {
                guard decay.halfLife.isFinite, decay.halfLife > 0, decay.now.isFinite else {
                    throw .invalidDecay(halfLife: decay.halfLife, now: decay.now)
                }
            }
        }
    }

    /// Scores plus how the iteration went.
    public struct Result: Sendable {
        /// Score per node, indexed like `graph.nodes`; they sum to 1 (up to rounding).
        public var scores: [Double]
        /// Power iterations performed.
        public var iterations: Int
        /// The final L1 change `Σ|x − x_last|`.
        public var residual: Double
        /// A bound on the L1 distance of `scores` to the fixed point: `residual · d/(1 − d)` (exact
        /// arithmetic; rounding adds about n·10⁻¹⁶).
        public var errorBound: Double
    }

    /// Ranks every node of `graph`.
    ///
    /// - Parameters:
    ///   - graph: the credit relations.
    ///   - configuration: damping, stopping rule, decay, dangling policy and threads.
    ///   - personalization: trusted seed accounts and their teleport weights (normalized here);
    ///     nil teleports uniformly. Nodes left out get zero; unknown nodes are an error.
    /// - Returns: one score per node, indexed like `graph.nodes`.
    /// - Throws: a `ZhangRankError` for an invalid configuration, personalization, missing or future
    ///   timestamps under decay, or `didNotConverge`.
    public static func compute<Node>(graph: CreditGraph<Node>, configuration: Configuration = .init(),
                                     personalization: [Node: Double]? = nil) throws(ZhangRankError) -> [Double] {
        try solve(graph: graph, configuration: configuration, personalization: personalization).scores
    }

    /// Ranks every node and returns the nodes with their scores, highest first (ties by index).
    public static func ranking<Node>(graph: CreditGraph<Node>, configuration: Configuration = .init(),
                                     personalization: [Node: Double]? = nil) throws(ZhangRankError)
        -> [(node: Node, score: Double)] {
        let scores = try compute(graph: graph, configuration: configuration, personalization: personalization)
        let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        return order.map { (graph.nodes[$0], scores[$0]) }
    }

    /// Like `compute`, and also reports the iteration count and final residual.
    /// - Throws: the same errors as `compute`.
    public static func solve<Node>(graph: CreditGraph<Node>, configuration: Configuration = .init(),
                                   personalization: [Node: Double]? = nil) throws(ZhangRankError) -> Result {
        try configuration.validate()
        let n = graph.nodeCount
        if n == 0 { return Result(scores: [], iterations: 0, residual: 0, errorBound: 0) }

        // Teleport vector p.
        var p: [Double]
        if let personalization {
            p = [Double](repeating: 0, count: n)
            for (node, value) in personalization {
                guard value.isFinite, value >= 0 else {
                    throw .invalidPersonalizationValue(node: "\(node)", value: value)
                }
                guard let index = graph.index(of: node) else { throw .unknownPersonalizationNode("\(node)") }
                p[index] = value
            }
            var total = p.reduce(0, +)
            if total == .infinity {
                // Finite values whose sum overflows: scale by the largest first (the ratios are what count).
                let largest = p.reduce(0, max)
                for i in 0..<n { p[i] /= largest }
                total = p.reduce(0, +)
            }
            guard total > 0 else { throw .emptyPersonalization }
            for i in 0..<n { p[i] /= total }
        } else {
            p = [Double](repeating: 1 / Double(n), count: n)
        }
        let danglingWeights: [Double] = configuration.dangling == .uniform
            ? [Double](repeating: 1 / Double(n), count: n) : p

        let matrix = try TransitionMatrix(graph: graph, decay: configuration.decay)
        return try matrix.iterate(teleport: p, danglingWeights: danglingWeights, configuration: configuration)
    }
}

/// The row-normalized transition matrix stored transposed (CSR by target) for pull-based products.
struct TransitionMatrix: Sendable {
    let n: Int
    /// rowStart[v]..<rowStart[v+1] index the in-edges of v.
    let rowStart: [Int]
    let column: [Int32]
    /// weight(u → v) / outWeight(u).
    let value: [Double]
    /// Nodes whose total out-weight is zero.
    let isDangling: [Bool]

    init<Node>(graph: CreditGraph<Node>, decay: ZhangRank.TimeDecay?) throws(ZhangRankError) {
        let n = graph.nodeCount
        let m = graph.edgeCount
        var weights = graph.weights
        if let decay {
            for e in 0..<m {
                let t = graph.timestamps[e]
                guard !t.isNaN else { throw .missingTimestamp(edge: e) }
                guard t <= decay.now else { throw .timestampInFuture(edge: e, timestamp: t, now: decay.now) }
                weights[e] *= decay.factor(timestamp: t)
            }
        }
        var outWeight = [Double](repeating: 0, count: n)
        var inDegree = [Int](repeating: 0, count: n + 1)
        for e in 0..<m {
            outWeight[Int(graph.sources[e])] += weights[e]
            inDegree[Int(graph.targets[e]) + 1] += 1
        }
        if outWeight.contains(.infinity) {
            // Finite weights whose sum overflows: scale that node's weights by its largest (ratios are kept).
            var largest = [Double](repeating: 0, count: n)
            for e in 0..<m where outWeight[Int(graph.sources[e])] == .infinity {
                largest[Int(graph.sources[e])] = max(largest[Int(graph.sources[e])], weights[e])
            }
            for u in 0..<n where largest[u] > 0 { outWeight[u] = 0 }
            for e in 0..<m where largest[Int(graph.sources[e])] > 0 {
                let u = Int(graph.sources[e])
                weights[e] /= largest[u]
                outWeight[u] += weights[e]
            }
        }
        for v in 0..<n { inDegree[v + 1] += inDegree[v] }
        var next = inDegree
        var column = [Int32](repeating: 0, count: m)
        var value = [Double](repeating: 0, count: m)
        for e in 0..<m {
            let u = Int(graph.sources[e]), v = Int(graph.targets[e])
            let slot = next[v]
            next[v] += 1
            column[slot] = Int32(u)
            value[slot] = outWeight[u] > 0 ? weights[e] / outWeight[u] : 0
        }
        self.n = n
        self.rowStart = inDegree
        self.column = column
        self.value = value
        self.isDangling = outWeight.map { $0 == 0 }
    }

    /// Rows per work unit. Fixed, so partial sums and results do not depend on the thread count.
    static let blockSize = 4096

    func iterate(teleport p: [Double], danglingWeights: [Double],
                 configuration: ZhangRank.Configuration) throws(ZhangRankError) -> ZhangRank.Result {
        let d = configuration.damping
        let blockCount = (n + Self.blockSize - 1) / Self.blockSize
        let requested = Parallelism.threads(configuration.threads)
        let workers = max(1, min(requested, blockCount))

        var x = [Double](repeating: 1 / Double(n), count: n)
        var y = [Double](repeating: 0, count: n)
        var blockError = [Double](repeating: 0, count: blockCount)
        var blockDangling = [Double](repeating: 0, count: blockCount)
        var danglingMass = 0.0
        for i in 0..<n where isDangling[i] { danglingMass += x[i] }
        var residual = Double.infinity

        for iteration in 1...configuration.maxIterations {
            let s = danglingMass
            x.withUnsafeBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { yb in
                    blockError.withUnsafeMutableBufferPointer { eb in
                        blockDangling.withUnsafeMutableBufferPointer { db in
                            let work = IterationWork(
                                x: xb.baseAddress!, y: yb.baseAddress!, blockError: eb.baseAddress!,
                                blockDangling: db.baseAddress!, n: n, damping: d, danglingMass: s)
                            rowStart.withUnsafeBufferPointer { rs in
                                column.withUnsafeBufferPointer { cs in
                                    value.withUnsafeBufferPointer { vs in
                                        p.withUnsafeBufferPointer { ps in
                                            danglingWeights.withUnsafeBufferPointer { ds in
                                                isDangling.withUnsafeBufferPointer { isd in
                                                    let matrix = MatrixView(
                                                        rowStart: rs.baseAddress!, column: cs.baseAddress,
                                                        value: vs.baseAddress, teleport: ps.baseAddress!,
                                                        danglingWeights: ds.baseAddress!, isDangling: isd.baseAddress!)
                                                    if workers == 1 {
                                                        for b in 0..<blockCount { work.run(block: b, matrix) }
                                                    } else {
                                                        Parallelism.forEachPart(workers) { w in
                                                            var b = w
                                                            while b < blockCount {
                                                                work.run(block: b, matrix)
                                                                b += workers
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            var err = 0.0
            danglingMass = 0
            for b in 0..<blockCount {
                err += blockError[b]
                danglingMass += blockDangling[b]
            }
            swap(&x, &y)
            residual = err
            let bound = d == 0 ? 0 : err * d / (1 - d)
            let done = configuration.maxError.map { bound <= $0 } ?? (err < Double(n) * configuration.tolerance)
            if done {
                return ZhangRank.Result(scores: x, iterations: iteration, residual: err, errorBound: bound)
            }
        }
        throw .didNotConverge(iterations: configuration.maxIterations, residual: residual)
    }
}

/// Read-only views of the matrix and vectors, shared by the worker threads.
struct MatrixView: @unchecked Sendable {
    let rowStart: UnsafePointer<Int>
    let column: UnsafePointer<Int32>?
    let value: UnsafePointer<Double>?
    let teleport: UnsafePointer<Double>
    let danglingWeights: UnsafePointer<Double>
    let isDangling: UnsafePointer<Bool>
}

/// One power-iteration step over disjoint row blocks. Each worker writes only its own rows of `y` and
/// its own block slots, so the workers never touch the same memory.
struct IterationWork: @unchecked Sendable {
    let x: UnsafePointer<Double>
    let y: UnsafeMutablePointer<Double>
    let blockError: UnsafeMutablePointer<Double>
    let blockDangling: UnsafeMutablePointer<Double>
    let n: Int
    let damping: Double
    let danglingMass: Double

    func run(block: Int, _ m: MatrixView) {
        let start = block * TransitionMatrix.blockSize
        let end = min(n, start + TransitionMatrix.blockSize)
        var err = 0.0
        var dangling = 0.0
        for v in start..<end {
            var sum = 0.0
            var k = m.rowStart[v]
            let stop = m.rowStart[v + 1]
            if let column = m.column, let value = m.value {
                while k < stop {
                    sum += value[k] * x[Int(column[k])]
                    k += 1
                }
            }
            let next = damping * (sum + danglingMass * m.danglingWeights[v]) + (1 - damping) * m.teleport[v]
            y[v] = next
            err += abs(next - x[v])
            if m.isDangling[v] { dangling += next }
        }
        blockError[block] = err
        blockDangling[block] = dangling
    }
}
