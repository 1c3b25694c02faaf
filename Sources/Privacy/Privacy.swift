import DataFiSodium

/// Errors thrown by the differential-privacy module.
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
    /// A parameter is outside the range the exact samplers support (named, with the limit).
    case parameterOutOfRange(String)
    /// The input data is unusable (empty where data is required, non-finite values, too large).
    case invalidInput(String)
    /// A sample count is negative.
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
        case .parameterOutOfRange(let what): return "parameter out of range: \(what)"
        case .invalidInput(let what): return "invalid input: \(what)"
        case .negativeCount(let count): return "sample count must not be negative, got \(count)"
        case .budgetExceeded(let e, let d, let re, let rd):
            return "privacy budget exceeded: requested (ε=\(e), δ=\(d)), remaining (ε=\(re), δ=\(rd))"
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
