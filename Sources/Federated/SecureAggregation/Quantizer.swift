/// Maps real vectors into Z_{2^k} for secure aggregation and the aggregate back.
///
/// A value x is clipped to [−clip, clip], multiplied by `scale` and rounded to the nearest integer
/// q with |q| ≤ ⌊clip·scale + ½⌋ = `maxMagnitude`; q is stored as q mod 2^k (two's complement in
/// k bits). The sum of n such values (plus noise of magnitude at most `noiseMargin` per client)
/// lies in [−n·(maxMagnitude + noiseMargin), n·(maxMagnitude + noiseMargin)], and decoding reads
/// the sum mod 2^k as a signed integer in [−2^(k−1), 2^(k−1)). The decoded sum is exact whenever
///
///     n · (maxMagnitude + noiseMargin) < 2^(k−1),
///
/// which `init` checks. With discrete Gaussian noise the margin is a tail bound (see
/// `DistributedDiscreteGaussian.noiseMargin`), so the guarantee holds except with the
/// probability stated there.
public struct Quantizer: Sendable, Hashable {
    /// The bit width k of the group (1...62).
    public let bits: Int
    /// Values are clipped to [−clip, clip].
    public let clip: Double
    /// Integer units per real unit.
    public let scale: Double
    /// The largest number of summands the overflow bound allows for.
    public let clients: Int
    /// The largest |quantized value| of one client: ⌊clip·scale + ½⌋.
    public let maxMagnitude: UInt64
    /// The largest |noise| per client and coordinate the overflow bound allows for.
    public let noiseMargin: UInt64

    /// A quantizer for sums of up to `clients` vectors.
    /// - Throws: `SecAggError.invalidBitWidth` unless 1 ≤ bits ≤ 62; `.invalidQuantization` unless
    ///   clip and scale are positive and finite and clip·scale ≤ 2^61; `.overflowRisk` when
    ///   clients · (maxMagnitude + noiseMargin) ≥ 2^(bits−1).
    public init(bits: Int, clip: Double, scale: Double, clients: Int, noiseMargin: UInt64 = 0) throws(SecAggError) {
        guard (1...62).contains(bits) else { throw .invalidBitWidth(bits) }
        guard clip.isFinite, scale.isFinite, clip > 0, scale > 0, clip * scale <= 0x1p61 else {
            throw .invalidQuantization(clip: clip, scale: scale)
        }
        guard clients >= 1, clients <= SecAggConfig.maxClients else {
            throw .overflowRisk(clients: clients, magnitude: clip * scale, bits: bits)
        }
        let magnitude = UInt64((clip * scale + 0.5).rounded(.down))
        let perClient = magnitude.addingReportingOverflow(noiseMargin)
        let total = perClient.partialValue.multipliedReportingOverflow(by: UInt64(clients))
        guard !perClient.overflow, !total.overflow, total.partialValue < (UInt64(1) << UInt64(bits - 1)) else {
            throw .overflowRisk(clients: clients, magnitude: Double(magnitude) + Double(noiseMargin), bits: bits)
        }
        self.bits = bits
        self.clip = clip
        self.scale = scale
        self.clients = clients
        self.maxMagnitude = magnitude
        self.noiseMargin = noiseMargin
    }

    /// The signed integer of one value (clipped, scaled, rounded to nearest, ties away from zero).
    @inline(__always)
    public func integer(_ x: Double) -> Int64 {
        let clipped = Swift.min(Swift.max(x, -clip), clip)
        let q = Int64((clipped * scale).rounded(.toNearestOrAwayFromZero))
        let m = Int64(maxMagnitude)
        return Swift.min(Swift.max(q, -m), m)
    }

    /// A signed integer as an element of Z_{2^bits}.
    @inline(__always)
    public func element(_ q: Int64) -> UInt64 {
        UInt64(bitPattern: q) & ((UInt64(1) << UInt64(bits)) - 1)
    }

    /// An element of Z_{2^bits} read as a signed integer in [−2^(bits−1), 2^(bits−1)).
    @inline(__always)
    public func signed(_ e: UInt64) -> Int64 {
        let shift = UInt64(64 - bits)
        return Int64(bitPattern: e << shift) >> Int64(shift)
    }

    /// Quantizes a real vector.
    /// - Throws: `SecAggError.nonFiniteValue` for a NaN or infinite value.
    public func quantize(_ values: [Double]) throws(SecAggError) -> [UInt64] {
        if let bad = values.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(index: bad) }
        return values.map { element(integer($0)) }
    }

    /// Decodes an aggregate: the signed integers divided by `scale`.
    public func decode(_ sum: [UInt64]) -> [Double] {
        sum.map { Double(signed($0)) / scale }
    }
}
