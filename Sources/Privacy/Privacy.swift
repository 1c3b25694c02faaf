import DataFiSodium

/// Errors thrown by the differential-privacy module.
///
/// Every payload is a plain value: with a `String` payload beside these cases, Swift 6.3 copied a
/// typed-thrown error wrongly (a crash in `swift_retain` while testing), so names stay with the caller.
public enum PrivacyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// ε must be positive and finite.
    case invalidEpsilon(Double)
    /// δ must lie in the open interval (0, 1).
    case invalidDelta(Double)
    /// Sensitivity must be positive and finite.
    case invalidSensitivity(Double)
    /// A probability or sampling rate is outside its allowed range.
    case invalidProbability(Double)
    /// Lower and upper bounds must be finite with lower < upper.
    case invalidBounds(lower: Double, upper: Double)
    /// A parameter is outside the range the exact mechanisms support; `parameter` names the range.
    case parameterOutOfRange(PrivacyParameter, value: Double)
    /// No noise scale meets the requested (ε, δ) within the supported range.
    case noCalibration(epsilon: Double, delta: Double)
    /// A value is NaN or infinite where only finite values are allowed.
    case nonFiniteValue(Double)
    /// The value at `index` is NaN (bounded queries clamp infinities, but NaN has no place in a range).
    case notANumber(index: Int)
    /// The number of values is outside what the operation accepts.
    case valueCount(Int, allowed: ClosedRange<Int>)
    /// The answer plus its noise does not fit the 64-bit integer grid.
    case answerOverflow(value: Double)
    /// A randomized-response tally with a yes count outside 0...total.
    case invalidTally(yes: Int, total: Int)
    /// A randomized-response survey asked about an attribute the respondent does not have.
    case unknownAttribute
    /// A count is negative.
    case negativeCount(Int)
    /// The release would exceed the remaining privacy budget; nothing was released or charged.
    case budgetExceeded(requestedEpsilon: Double, requestedDelta: Double,
                        remainingEpsilon: Double, remainingDelta: Double)

    /// A one-line description of the error.
    public var description: String {
        switch self {
        case .invalidEpsilon(let e): return "epsilon must be positive and finite, got \(e)"
        case .invalidDelta(let d): return "delta must be in (0, 1), got \(d)"
        case .invalidSensitivity(let s): return "sensitivity must be positive and finite, got \(s)"
        case .invalidProbability(let p): return "probability must be in the allowed range, got \(p)"
        case .invalidBounds(let l, let u): return "bounds must be finite with lower < upper, got [\(l), \(u)]"
        case .parameterOutOfRange(let parameter, let value):
            return "\(parameter.name) \(value) is outside the supported range (\(parameter.allowed))"
        case .noCalibration(let e, let d):
            return "no noise scale within the supported range meets epsilon \(e) at delta \(d)"
        case .nonFiniteValue(let v): return "value must be finite, got \(v)"
        case .notANumber(let index): return "value \(index) is NaN"
        case .valueCount(let count, let allowed):
            return "\(count) values; the operation accepts \(allowed.lowerBound) to \(allowed.upperBound)"
        case .answerOverflow(let v): return "answer \(v) plus its noise does not fit in 64-bit integer units"
        case .invalidTally(let yes, let total): return "yes count \(yes) of \(total) answers: need total > 0 and 0 ≤ yes ≤ total"
        case .unknownAttribute: return "the respondent has no such attribute"
        case .negativeCount(let count): return "count must not be negative, got \(count)"
        case .budgetExceeded(let e, let d, let re, let rd):
            return "privacy budget exceeded: requested (ε=\(e), δ=\(d)), remaining (ε=\(re), δ=\(rd))"
        }
    }
}

/// A parameter of the exact mechanisms and accountants that has a supported range.
public enum PrivacyParameter: String, Sendable, CaseIterable {
    /// The Gaussian noise multiplier σ/Δ of an accountant.
    case noiseMultiplier
    /// The number of compositions (mechanism runs) an accountant composes.
    case compositionCount
    /// An RDP order α.
    case rdpOrder
    /// The number of RDP orders.
    case rdpOrderCount
    /// The value discretization interval of a privacy loss distribution.
    case discretizationInterval
    /// The number of grid points of a privacy loss distribution.
    case gridPoints
    /// The exponent e of a noise grid 2^e.
    case gridExponent
    /// A grid magnitude (a noise scale or sensitivity before it is placed on a grid).
    case gridMagnitude
    /// A value placed on a noise grid.
    case gridValue
    /// A sensitivity placed on a noise grid.
    case gridSensitivity
    /// A noise scale in grid units (σ, or σ/Δ during calibration).
    case noiseScale
    /// The sensitivity of an integer release.
    case integerSensitivity
    /// A dyadic rational built from a `Double`.
    case rational
    /// The denominator of a rational.
    case denominator
    /// The scale of the discrete Laplace sampler.
    case laplaceScale
    /// The variance σ² of the discrete Gaussian sampler.
    case gaussianVariance
    /// The standard deviation of a Gaussian noise source.
    case standardDeviation
    /// The number of histogram bins.
    case bins
    /// The ε of randomized response.
    case randomizedResponseEpsilon

    /// The parameter's name in messages.
    public var name: String {
        switch self {
        case .noiseMultiplier: return "noise multiplier"
        case .compositionCount: return "composition count"
        case .rdpOrder: return "RDP order"
        case .rdpOrderCount: return "number of RDP orders"
        case .discretizationInterval: return "discretization interval"
        case .gridPoints: return "PLD grid points"
        case .gridExponent: return "grid exponent"
        case .gridMagnitude: return "grid magnitude"
        case .gridValue: return "value"
        case .gridSensitivity: return "sensitivity"
        case .noiseScale: return "noise scale"
        case .integerSensitivity: return "sensitivity"
        case .rational: return "value"
        case .denominator: return "denominator"
        case .laplaceScale: return "discrete Laplace scale"
        case .gaussianVariance: return "discrete Gaussian variance"
        case .standardDeviation: return "standard deviation"
        case .bins: return "bins"
        case .randomizedResponseEpsilon: return "randomized-response epsilon"
        }
    }

    /// The supported range, as the documentation states it.
    public var allowed: String {
        switch self {
        case .noiseMultiplier: return "positive and finite"
        case .compositionCount: return "1...10^8 for PLD, at least 0 for RDP, at least 1 for basic composition"
        case .rdpOrder: return "finite and above 1"
        case .rdpOrderCount: return "1...10000"
        case .discretizationInterval: return "positive and finite"
        case .gridPoints: return "at most \(PLDAccountant.maxGridPoints)"
        case .gridExponent: return "-1000...1000"
        case .gridMagnitude: return "positive and finite"
        case .gridValue: return "below 2^62 grid units"
        case .gridSensitivity: return "1 to 2^48 grid units"
        case .noiseScale: return "a Laplace scale at most 2^50, a Gaussian σ at most 2^25 grid units"
        case .integerSensitivity: return "positive, below 2^64"
        case .rational: return "2^-40...2^52"
        case .denominator: return "positive"
        case .laplaceScale: return "positive, numerator and denominator at most 2^52"
        case .gaussianVariance: return "positive, below 2^52, numerator and denominator at most 2^52"
        case .standardDeviation: return "positive and finite"
        case .bins: return "1...100000"
        case .randomizedResponseEpsilon: return "at most 64"
        }
    }
}

@inline(__always)
func checkEpsilon(_ epsilon: Double) throws(PrivacyError) {
    guard epsilon.isFinite, epsilon > 0 else { throw .invalidEpsilon(epsilon) }
}

@inline(__always)
func checkDelta(_ delta: Double) throws(PrivacyError) {
    guard delta.isFinite, delta > 0, delta < 1 else { throw .invalidDelta(delta) }
}

@inline(__always)
func checkSensitivity(_ sensitivity: Double) throws(PrivacyError) {
    guard sensitivity.isFinite, sensitivity > 0 else { throw .invalidSensitivity(sensitivity) }
}

@inline(__always)
func checkBounds(_ lower: Double, _ upper: Double) throws(PrivacyError) {
    guard lower.isFinite, upper.isFinite, lower < upper else { throw .invalidBounds(lower: lower, upper: upper) }
}

/// The default source of randomness for releases: libsodium's CSPRNG, read 4 KiB at a time.
///
/// Every sampler in this module is generic over `RandomNumberGenerator`; production code passes a
/// `SecureBitSource` (or uses the overloads that create one), tests pass a seeded generator. The
/// buffer avoids one system call per 64-bit word; it lives on the heap, is consumed once, and is
/// zeroed when the source is released. A source is meant for one thread (it is not `Sendable`).
public struct SecureBitSource: RandomNumberGenerator {
    private final class Buffer {
        static let words = 512
        let storage = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
        var index = words
        init() { storage.initialize(repeating: 0, count: Buffer.words) }
        func refill() {
            SecureRandom.fill(UnsafeMutableRawBufferPointer(start: storage, count: Buffer.words * 8))
            index = 0
        }
        deinit {
            // Clear the unused random words before freeing them.
            UnsafeMutableRawBufferPointer(start: storage, count: Buffer.words * 8).initializeMemory(as: UInt8.self, repeating: 0)
            storage.deallocate()
        }
    }
    private let buffer = Buffer()

    /// A new source; the first call to `next()` reads 4 KiB from libsodium.
    public init() {}

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        if buffer.index == Buffer.words { buffer.refill() }
        let value = buffer.storage[buffer.index]
        buffer.storage[buffer.index] = 0
        buffer.index += 1
        return value
    }
}
