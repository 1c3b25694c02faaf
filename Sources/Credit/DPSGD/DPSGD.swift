import DataFiPrivacy
import DataFiCreditData
import DataFiLogisticRegression
import DataFiSupport
import Foundation

/// Settings for differentially private training (`PrivateLogisticRegression.fit`).
public struct DPSGDOptions: Sendable, Equatable {
    /// Target ε of the whole training run (at `delta`).
    public var epsilon: Double
    /// Target δ (should be well below 1/n).
    public var delta: Double
    /// Per-example gradient clipping norm C (ℓ2).
    public var clipNorm: Double
    /// Expected batch size; the Poisson sampling rate is `batchSize / n`.
    public var batchSize: Int
    /// Passes over the data; steps = ⌈epochs / q⌉.
    public var epochs: Int
    /// SGD step size.
    public var learningRate: Double
    /// L2 penalty λ on the coefficients (not the intercept); data-independent, so it costs no privacy.
    public var l2: Double
    /// Grid of the discrete Gaussian noise: spacing 2^`granularityExponent`.
    public var granularityExponent: Int

    /// Creates options (defaults: δ = 1e-5, C = 1, batch 128, 20 epochs, step 0.5, λ = 1e-3, grid 2⁻²⁰).
    public init(epsilon: Double, delta: Double = 1e-5, clipNorm: Double = 1, batchSize: Int = 128, epochs: Int = 20,
                learningRate: Double = 0.5, l2: Double = 1e-3, granularityExponent: Int = -20) {
        self.epsilon = epsilon
        self.delta = delta
        self.clipNorm = clipNorm
        self.batchSize = batchSize
        self.epochs = epochs
        self.learningRate = learningRate
        self.l2 = l2
        self.granularityExponent = granularityExponent
    }
}

/// A privately trained model and its privacy cost.
public struct PrivateTrainingResult: Sendable {
    /// The model (no standard errors).
    public var regression: LogisticRegression
    /// ε spent at `delta`, from the RDP accountant over every step actually taken.
    public var epsilon: Double
    /// The δ of the guarantee.
    public var delta: Double
    /// Noise multiplier σ (noise standard deviation σ·C on the clipped gradient sum).
    public var noiseMultiplier: Double
    /// Steps taken.
    public var steps: Int
    /// Poisson sampling rate q.
    public var samplingRate: Double
}

/// DP-SGD for logistic regression (Abadi et al. 2016): Poisson-sampled batches, per-example gradients
/// clipped to ℓ2 norm C, discrete Gaussian noise of standard deviation σ·C added to the clipped sum, and the
/// privacy spent tracked by the Rényi-DP accountant of the Poisson-subsampled Gaussian. σ is the smallest
/// (to 0.1 %) that keeps ε within the target. The noise comes from DataFiPrivacy's exact discrete Gaussian
/// sampler on a fine grid; the clipped sum is rounded to the same grid first, which adds at most √d grid
/// units to its sensitivity (ignored by the accountant; 2⁻²⁰·√d ≪ C).
public enum PrivateLogisticRegression {
    /// Smallest noise multiplier σ whose accounted ε after `steps` steps at rate `q` is at most `epsilon`.
    /// - Throws: `DPSGDError.accounting` for parameters the accountant rejects, `.epsilonOutOfReach`.
    public static func noiseMultiplier(epsilon: Double, delta: Double, samplingRate q: Double, steps: Int)
        throws(DPSGDError) -> Double {
        func spent(_ sigma: Double) throws(DPSGDError) -> Double {
            do { return try RDPAccountant.epsilon(samplingRate: q, noiseMultiplier: sigma, steps: steps, delta: delta) }
            catch { throw .accounting(error) }
        }
        var low = 0.05, high = 1.0
        while try spent(high) > epsilon {
            high *= 2
            guard high < 1e4 else { throw .epsilonOutOfReach(epsilon) }
        }
        if try spent(low) <= epsilon { return low }
        while high - low > 1e-3 * high {
            let mid = (low + high) / 2
            if try spent(mid) <= epsilon { high = mid } else { low = mid }
        }
        return high
    }

    /// Trains a logistic regression with (ε, δ)-differential privacy for each row of `x` (add/remove one row).
    /// Columns should be on comparable scales (for example standardized); clipping bounds each row's influence.
    /// - Parameters:
    ///   - x: design matrix without an intercept column, one row per person.
    ///   - labels: 0 or 1 per row.
    ///   - options: privacy target, clipping, batch size, epochs, learning rate and penalty.
    ///   - rng: randomness for Poisson sampling and noise. Use a cryptographic generator (such as
    ///     `SodiumRandomNumberGenerator`) for a real guarantee; a seeded one makes tests reproducible.
    /// - Throws: `DPSGDError.credit` wrapping `CreditError.emptyInput`, `.lengthMismatch`, `.nonFinite`,
    ///   `.invalidLabel` or `.outOfRange` (naming the option); `.noise`, `.accounting`, `.epsilonOutOfReach`,
    ///   `.diverged` when the learning rate makes the coefficients overflow.
    public static func fit<R: RandomNumberGenerator>(_ x: Matrix, labels: [Double], options: DPSGDOptions,
                                                     using rng: inout R) throws(DPSGDError) -> PrivateTrainingResult {
        let n = x.rows, p = x.columns, q1 = p + 1
        guard n > 0 else { throw .credit(.emptyInput) }
        guard labels.count == n else { throw .credit(.lengthMismatch(what: "labels", expected: n, actual: labels.count)) }
        for (i, v) in x.values.enumerated() where !v.isFinite { throw .credit(.nonFinite(what: "features", row: i / max(p, 1))) }
        for (i, y) in labels.enumerated() where y != 0 && y != 1 { throw .credit(.invalidLabel(row: i)) }
        guard options.epsilon.isFinite, options.epsilon > 0 else { throw .credit(.outOfRange(.epsilon)) }
        guard options.delta > 0, options.delta < 1 else { throw .credit(.outOfRange(.delta)) }
        guard options.clipNorm.isFinite, options.clipNorm > 0 else { throw .credit(.outOfRange(.clipNorm)) }
        guard options.batchSize >= 1, options.batchSize <= n else { throw .credit(.outOfRange(.batchSize)) }
        guard (1...10_000).contains(options.epochs) else { throw .credit(.outOfRange(.epochs)) }
        guard options.learningRate.isFinite, options.learningRate > 0 else { throw .credit(.outOfRange(.learningRate)) }
        guard options.l2.isFinite, options.l2 >= 0 else { throw .credit(.outOfRange(.l2)) }
        let q = Double(options.batchSize) / Double(n)
        let steps = Int((Double(options.epochs) / q).rounded(.up))
        let sigma = try noiseMultiplier(epsilon: options.epsilon, delta: options.delta, samplingRate: q, steps: steps)
        let noise: DiscreteGaussianNoise
        do {
            noise = try DiscreteGaussianNoise(standardDeviation: sigma * options.clipNorm,
                                              granularityExponent: options.granularityExponent)
        } catch { throw .noise(error) }
        let grid = noise.grid.granularity
        var theta = [Double](repeating: 0, count: q1)
        var sum = [Double](repeating: 0, count: q1), g = sum
        let expectedBatch = Double(options.batchSize)
        for _ in 0..<steps {
            for j in 0..<q1 { sum[j] = 0 }
            // Poisson sampling: each row independently with probability q, drawn as geometric gaps.
            var i = -1
            while true {
                let u = 1 - Double(rng.next() >> 11) * 0x1p-53 // (0, 1]
                let gap = q >= 1 ? 0 : Int(min(log(u) / log1p(-q), Double(n)))
                i += gap + 1
                guard i < n else { break }
                var eta = theta[0]
                for j in 0..<p { eta += theta[j + 1] * x.values[i * p + j] }
                let r = Logistic.sigmoid(eta) - labels[i]
                g[0] = r
                var norm2 = r * r
                for j in 0..<p {
                    g[j + 1] = r * x.values[i * p + j]
                    norm2 += g[j + 1] * g[j + 1]
                }
                let scale = min(1, options.clipNorm / max(norm2.squareRoot(), .leastNormalMagnitude))
                for j in 0..<q1 { sum[j] += scale * g[j] }
            }
            let z: [Double]
            do { z = try noise.sample(count: q1, using: &rng) } catch { throw .noise(error) }
            for j in 0..<q1 {
                let noisy = (sum[j] / grid).rounded() * grid + z[j]
                let penalty = j == 0 ? 0 : options.l2 * theta[j]
                theta[j] -= options.learningRate * (noisy / expectedBatch + penalty)
            }
        }
        // A learning rate far too large makes the iterates overflow; report it instead of returning NaN.
        guard theta.allSatisfy(\.isFinite) else {
            throw .diverged(learningRate: options.learningRate)
        }
        var accountant: RDPAccountant
        let spent: Double
        do {
            accountant = try RDPAccountant()
            try accountant.composePoissonSubsampledGaussian(samplingRate: q, noiseMultiplier: sigma, count: steps)
            spent = try accountant.epsilon(delta: options.delta).epsilon
        } catch { throw .accounting(error) }
        var eta = [Double](repeating: 0, count: n)
        Logistic.linearPredictor(x, intercept: theta[0], coefficients: Array(theta[1...]), into: &eta, threads: Parallelism.limit)
        var logLikelihood = 0.0
        for i in 0..<n { logLikelihood -= Logistic.softplus(eta[i]) - labels[i] * eta[i] }
        let model = LogisticRegression(intercept: theta[0], coefficients: Array(theta[1...]), iterations: steps,
                                       logLikelihood: logLikelihood, l2: options.l2)
        return PrivateTrainingResult(regression: model, epsilon: spent, delta: options.delta, noiseMultiplier: sigma,
                                     steps: steps, samplingRate: q)
    }
}

/// Why private training was refused or failed.
public enum DPSGDError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data or an option is unusable (`CreditError.outOfRange` names the option).
    case credit(CreditError)
    /// The privacy accountant rejected the derived sampling rate, noise multiplier or step count.
    case accounting(PrivacyError)
    /// The noise sampler rejected the noise scale.
    case noise(PrivacyError)
    /// No noise multiplier up to 10⁴ keeps the privacy spent within this ε.
    case epsilonOutOfReach(Double)
    /// The learning rate makes the coefficients overflow.
    case diverged(learningRate: Double)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .credit(error): return error.description
        case let .accounting(error): return "privacy accounting: \(error)"
        case let .noise(error): return "noise: \(error)"
        case let .epsilonOutOfReach(epsilon): return "ε = \(epsilon) is out of reach"
        case let .diverged(rate): return "the coefficients diverge at learning rate \(rate)"
        }
    }
}
