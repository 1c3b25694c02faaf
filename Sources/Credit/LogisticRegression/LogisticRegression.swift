import Dispatch
import DataFiCreditData
import DataFiSupport
import Foundation

/// Settings for `LogisticRegression.fit`.
public struct LogisticRegressionOptions: Sendable, Equatable, Codable {
    /// L2 penalty λ ≥ 0 on the coefficients (not the intercept): the objective is
    /// `Σ wᵢ·logloss(yᵢ, pᵢ) + (λ/2)·‖β‖²`, scikit-learn's `LogisticRegression(C: 1/λ)`.
    /// With λ = 0 the fit is the maximum-likelihood estimate (statsmodels `Logit`).
    public var l2: Double
    /// Maximum number of Newton steps.
    public var maxIterations: Int
    /// Convergence threshold on the Newton step, relative to `max(1, max|β|)`.
    public var tolerance: Double
    /// Worker threads for the passes over the rows (used when there are at least 20,000 rows): `nil` uses the
    /// SDK's `Parallelism.limit`, a number ≥ 1 exactly that many. Results do not depend on it.
    public var threads: Int?
    /// Whether to compute standard errors from the inverse Hessian at the optimum.
    public var computeStandardErrors: Bool
    /// With more than twice this many rows, Newton directions use the exact gradient but a Hessian from an
    /// evenly strided subsample of about this many rows (scaled up). The optimum is unchanged — only the
    /// path to it — and standard errors always use the full Hessian.
    public var hessianSampleRows: Int

    /// Creates options; defaults are λ = 0, 100 iterations, tolerance 1e-10, `Parallelism.limit` threads,
    /// standard errors on, Hessian subsample of 50,000 rows.
    public init(l2: Double = 0, maxIterations: Int = 100, tolerance: Double = 1e-10, threads: Int? = nil,
                computeStandardErrors: Bool = true, hessianSampleRows: Int = 50_000) {
        self.hessianSampleRows = hessianSampleRows
        self.l2 = l2
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.threads = threads
        self.computeStandardErrors = computeStandardErrors
    }
}

/// A fitted binary logistic regression `p = 1 / (1 + exp(−(β₀ + Σ βᵢ·xᵢ)))`.
///
/// Fitted by Newton's method (iteratively reweighted least squares) with step halving; each step solves
/// the Hessian system by Cholesky factorization.
public struct LogisticRegression: Sendable, Equatable, Codable {
    /// The intercept β₀ (never penalized).
    public var intercept: Double
    /// Coefficients β₁…βₚ, one per design-matrix column.
    public var coefficients: [Double]
    /// Standard errors `sqrt(diag(H⁻¹))`, intercept first, from the Hessian at the optimum (with λ > 0 this
    /// is the inverse of the penalized Hessian). Nil when not requested.
    public var standardErrors: [Double]?
    /// Number of Newton steps taken.
    public var iterations: Int
    /// Weighted log-likelihood `Σ wᵢ·(yᵢ·ln pᵢ + (1 − yᵢ)·ln(1 − pᵢ))` at the optimum (no penalty term).
    public var logLikelihood: Double
    /// The L2 penalty the model was fitted with.
    public var l2: Double

    /// Creates a model from known parameters (for example a stored one).
    public init(intercept: Double, coefficients: [Double], standardErrors: [Double]? = nil,
                iterations: Int = 0, logLikelihood: Double = .nan, l2: Double = 0) {
        self.intercept = intercept
        self.coefficients = coefficients
        self.standardErrors = standardErrors
        self.iterations = iterations
        self.logLikelihood = logLikelihood
        self.l2 = l2
    }

    /// Wald z-values `β / se`, intercept first (nil without standard errors).
    public var zValues: [Double]? {
        guard let se = standardErrors else { return nil }
        return zip([intercept] + coefficients, se).map { $0 / $1 }
    }

    /// Two-sided p-values `erfc(|z|/√2)` of the Wald test, intercept first (nil without standard errors).
    public var pValues: [Double]? {
        zValues?.map { erfc(abs($0) / 2.0.squareRoot()) }
    }

    /// The linear predictor (log-odds) `β₀ + x·β` for one row of `coefficients.count` values.
    /// - Throws: `CreditError.lengthMismatch` when the row length differs from the number of coefficients.
    public func logOdds(_ x: [Double]) throws(CreditError) -> Double {
        guard x.count == coefficients.count else {
            throw .lengthMismatch(what: "row", expected: coefficients.count, actual: x.count)
        }
        var eta = intercept
        for j in 0..<x.count { eta += x[j] * coefficients[j] }
        return eta
    }

    /// The probability of the positive class for one row.
    /// - Throws: `CreditError.lengthMismatch` when the row length differs from the number of coefficients.
    public func probability(_ x: [Double]) throws(CreditError) -> Double { Logistic.sigmoid(try logOdds(x)) }

    /// Probabilities for every row of `x`; throws `CreditError.lengthMismatch` when the column count differs.
    public func probabilities(_ x: Matrix) throws(CreditError) -> [Double] {
        guard x.columns == coefficients.count else {
            throw .lengthMismatch(what: "design matrix columns", expected: coefficients.count, actual: x.columns)
        }
        var eta = [Double](repeating: 0, count: x.rows)
        Logistic.linearPredictor(x, intercept: intercept, coefficients: coefficients, into: &eta,
                                 threads: Parallelism.limit)
        return eta.map(Logistic.sigmoid)
    }

    /// Fits a logistic regression of `labels` (0 or 1) on the columns of `x`.
    ///
    /// - Parameters:
    ///   - x: design matrix without an intercept column.
    ///   - labels: one 0/1 label per row.
    ///   - weights: optional non-negative sample weights (default all 1).
    ///   - options: penalty and convergence settings.
    ///   - columnNames: names used in error messages (default `x1`, `x2`, …).
    /// - Throws: `CreditError.emptyInput`, `.lengthMismatch`, `.nonFinite`, `.invalidLabel`, `.singleClass`,
    ///   `.constantColumn` (λ = 0), `.singularMatrix`, `.perfectSeparation` (λ = 0), `.notConverged`,
    ///   `.negativeWeight`, `.outOfRange` naming the option.
    public static func fit(_ x: Matrix, labels: [Double], weights: [Double]? = nil,
                           options: LogisticRegressionOptions = .init(),
                           columnNames: [String]? = nil) throws(CreditError) -> LogisticRegression {
        var solver = try IRLSSolver(x: x, labels: labels, weights: weights, options: options, names: columnNames)
        return try solver.run()
    }
}

/// Numerically stable logistic helpers.
package enum Logistic {
    /// `1 / (1 + e^(−t))` without overflow.
    @inline(__always) package static func sigmoid(_ t: Double) -> Double {
        if t >= 0 { return 1 / (1 + exp(-t)) }
        let e = exp(t)
        return e / (1 + e)
    }

    /// `ln(1 + e^t)` without overflow or loss of precision.
    @inline(__always) package static func softplus(_ t: Double) -> Double {
        max(t, 0) + log1p(exp(-abs(t)))
    }

    /// η = b₀ + X·β for every row, split over `threads` for large inputs.
    package static func linearPredictor(_ x: Matrix, intercept: Double, coefficients: [Double], into eta: inout [Double],
                                threads: Int) {
        let n = x.rows, p = x.columns
        x.values.withUnsafeBufferPointer { xs in
            coefficients.withUnsafeBufferPointer { beta in
                eta.withUnsafeMutableBufferPointer { out in
                    let xb = UncheckedPointer(xs.baseAddress), bb = UncheckedPointer(beta.baseAddress)
                    let ob = UncheckedMutablePointer(out.baseAddress)
                    parallelRanges(n, threads: threads) { lo, hi in
                        guard let xp = xb.pointer, let op = ob.pointer else { return }
                        let bp = bb.pointer
                        for i in lo..<hi {
                            let row = xp + i * p
                            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                            var j = 0
                            if let bp {
                                while j + 4 <= p {
                                    s0 += row[j] * bp[j]; s1 += row[j + 1] * bp[j + 1]
                                    s2 += row[j + 2] * bp[j + 2]; s3 += row[j + 3] * bp[j + 3]
                                    j += 4
                                }
                                while j < p { s0 += row[j] * bp[j]; j += 1 }
                            }
                            op[i] = intercept + ((s0 + s1) + (s2 + s3))
                        }
                    }
                }
            }
        }
    }
}

/// Splits `0..<n` into `threads` contiguous ranges and runs `body` on each (in parallel when large).
func parallelRanges(_ n: Int, threads: Int, minimumPerThread: Int = 10_000,
                    _ body: @Sendable (Int, Int) -> Void) {
    guard n > 0 else { return body(0, 0) }
    Parallelism.forEachRange(n, threads: threads, minimumPerPart: minimumPerThread, body)
}

/// A raw pointer that may cross into `concurrentPerform` (each worker touches a disjoint range).
struct UncheckedPointer: @unchecked Sendable {
    let pointer: UnsafePointer<Double>?
    init(_ pointer: UnsafePointer<Double>?) { self.pointer = pointer }
}

/// A mutable raw pointer that may cross into `concurrentPerform` (each worker writes a disjoint range).
struct UncheckedMutablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Double>?
    init(_ pointer: UnsafeMutablePointer<Double>?) { self.pointer = pointer }
}

/// Newton/IRLS state for one fit.
struct IRLSSolver {
    let x: Matrix
    let y: [Double]
    let w: [Double]
    let options: LogisticRegressionOptions
    /// Worker threads for the passes over the rows.
    let threads: Int
    let n: Int
    let p: Int
    /// Parameters θ = (β₀, β₁…βₚ).
    var theta: [Double]
    var eta: [Double]

    init(x: Matrix, labels: [Double], weights: [Double]?, options: LogisticRegressionOptions,
         names: [String]?) throws(CreditError) {
        guard options.l2 >= 0, options.l2.isFinite else { throw .outOfRange(.l2) }
        guard options.maxIterations >= 1 else { throw .outOfRange(.maxIterations) }
        guard options.tolerance > 0, options.tolerance.isFinite else { throw .outOfRange(.tolerance) }
        guard options.hessianSampleRows >= 1 else { throw .outOfRange(.hessianSampleRows) }
        if let threads = options.threads, threads < 1 { throw .outOfRange(.threads) }
        threads = Parallelism.threads(options.threads)
        guard x.rows > 0 else { throw .emptyInput }
        guard labels.count == x.rows else { throw .lengthMismatch(what: "labels", expected: x.rows, actual: labels.count) }
        let weightsArray = weights ?? [Double](repeating: 1, count: x.rows)
        guard weightsArray.count == x.rows else {
            throw .lengthMismatch(what: "weights", expected: x.rows, actual: weightsArray.count)
        }
        let name: (Int) -> String = { j in
            if let names, j < names.count { return names[j] }
            return "x\(j + 1)"
        }
        for (i, v) in x.values.enumerated() where !v.isFinite {
            throw .nonFinite(what: "column \(name(i % max(x.columns, 1)))", row: i / max(x.columns, 1))
        }
        var positive = 0.0, negative = 0.0
        for i in 0..<x.rows {
            guard weightsArray[i].isFinite else { throw .nonFinite(what: "weights", row: i) }
            guard weightsArray[i] >= 0 else { throw .negativeWeight(row: i) }
            guard labels[i].isFinite else { throw .nonFinite(what: "labels", row: i) }
            guard labels[i] == 0 || labels[i] == 1 else { throw .invalidLabel(row: i) }
            if labels[i] == 1 { positive += weightsArray[i] } else { negative += weightsArray[i] }
        }
        guard positive > 0, negative > 0 else { throw .singleClass }
        if options.l2 == 0 {
            for j in 0..<x.columns {
                let first = x.values[j]
                var constant = true
                for i in 1..<max(x.rows, 1) where x.values[i * x.columns + j] != first {
                    constant = false
                    break
                }
                if constant { throw .constantColumn(name(j)) }
            }
        }
        self.x = x
        self.y = labels
        self.w = weightsArray
        self.options = options
        self.n = x.rows
        self.p = x.columns
        theta = [Double](repeating: 0, count: x.columns + 1)
        theta[0] = log(positive / negative)
        eta = [Double](repeating: theta[0], count: x.rows)
    }

    func penalty(_ theta: [Double]) -> Double {
        guard options.l2 > 0 else { return 0 }
        var s = 0.0
        for j in 1..<theta.count { s += theta[j] * theta[j] }
        return 0.5 * options.l2 * s
    }

    func maxAbsEta() -> Double { eta.reduce(0) { max($0, abs($1)) } }

    mutating func run() throws(CreditError) -> LogisticRegression {
        let q = p + 1
        var (loss, rawGradient) = FusedPass.evaluate(x: x, y: y, w: w, theta: theta, eta: &eta,
                                                     threads: threads)
        var f = loss + penalty(theta)
        var iterations = 0
        var converged = false
        var factor: [Double] = []
        let separationLimit = 36.0
        let stride = n > 2 * options.hessianSampleRows ? n / options.hessianSampleRows : 1
        // The subsampled Hessian is dropped for the full one when progress is slow.
        var currentStride = stride
        var previousStep = Double.infinity
        while true {
            var gradient = rawGradient
            if options.l2 > 0 { for j in 1..<q { gradient[j] += options.l2 * theta[j] } }
            // Close to the optimum a subsampled Hessian barely changes: keep its factor.
            let reuse = !converged && currentStride > 1 && previousStep < 1e-3 && !factor.isEmpty
            if !reuse {
                var hessian = HessianKernel.hessian(x: x, y: y, w: w, eta: eta, threads: threads,
                                                    hessianStride: converged ? 1 : currentStride)
                if options.l2 > 0 { for j in 1..<q { hessian[j * q + j] += options.l2 } }
                factor = hessian
                guard Cholesky.factor(&factor, n: q) else {
                    if options.l2 == 0 && maxAbsEta() > 20 { throw .perfectSeparation }
                    throw .singularMatrix
                }
            }
            if converged { break }
            let step = Cholesky.solve(factor, n: q, gradient)
            var maxStep = 0.0, maxTheta = 1.0
            for j in 0..<q {
                maxStep = max(maxStep, abs(step[j]))
                maxTheta = max(maxTheta, abs(theta[j]))
            }
            guard maxStep.isFinite else { throw .singularMatrix }
            if maxStep <= options.tolerance * maxTheta {
                // Already at the optimum; recompute the full Hessian only if a subsample was used.
                guard currentStride > 1 && options.computeStandardErrors else { break }
                converged = true
                continue
            }
            guard iterations < options.maxIterations else {
                if options.l2 == 0 && maxAbsEta() > 20 { throw .perfectSeparation }
                throw .notConverged(iterations: iterations)
            }
            // Step halving: accept the first step length that does not increase the objective.
            var t = 1.0
            var accepted = false
            var newTheta = theta, newEta = eta, newF = f, newGradient = rawGradient
            for _ in 0..<40 {
                for j in 0..<q { newTheta[j] = theta[j] - t * step[j] }
                let (newLoss, g) = FusedPass.evaluate(x: x, y: y, w: w, theta: newTheta, eta: &newEta,
                                                      threads: threads)
                newF = newLoss + penalty(newTheta)
                newGradient = g
                if newF.isFinite && newF <= f + 1e-12 * abs(f) {
                    accepted = true
                    break
                }
                t *= 0.5
            }
            guard accepted else {
                // No decrease possible in floating point: the current point is optimal to rounding.
                break
            }
            iterations += 1
            // Switch to the full Hessian when a line search was needed, when the steps are already small but
            // shrink only linearly and slowly, or after many iterations.
            let slow = t * maxStep < 1e-2 * maxTheta && t * maxStep / maxTheta > 0.5 * previousStep
            if currentStride > 1 && (iterations > 20 || (iterations > 3 && t < 1) || slow) {
                currentStride = 1
            }
            previousStep = t * maxStep / maxTheta
            theta = newTheta
            swap(&eta, &newEta)
            rawGradient = newGradient
            f = newF
            if options.l2 == 0 && maxAbsEta() > separationLimit { throw .perfectSeparation }
            if t * maxStep <= options.tolerance * maxTheta {
                // Recompute the Hessian at the final θ only when standard errors are wanted.
                guard options.computeStandardErrors else { break }
                converged = true
            }
        }
        var logLikelihood = 0.0
        for i in 0..<n where w[i] != 0 {
            logLikelihood -= w[i] * (Logistic.softplus(eta[i]) - y[i] * eta[i])
        }
        var standardErrors: [Double]? = nil
        if options.computeStandardErrors {
            let inverse = Cholesky.inverse(factor, n: q)
            standardErrors = (0..<q).map { inverse[$0 * q + $0].squareRoot() }
        }
        return LogisticRegression(intercept: theta[0], coefficients: Array(theta[1...]),
                                  standardErrors: standardErrors, iterations: iterations,
                                  logLikelihood: logLikelihood, l2: options.l2)
    }
}
