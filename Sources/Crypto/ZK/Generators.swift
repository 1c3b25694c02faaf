import DataFiRistretto
import Synchronization

/// The two Pedersen generators: `g` (the ristretto255 base point) for values and `h` for blindings.
/// `h` is hashed to the group, so nobody knows log_g(h).
public struct PedersenGenerators: Sendable {
    /// The value generator (ristretto255 base point).
    public let g: RistrettoPoint
    /// The blinding generator, `hash("blinding", domain: "DataFi.Pedersen.v1")`.
    public let h: RistrettoPoint

    let gTable: OddMultiples
    let hTable: OddMultiples
    let gLookup: LookupTable
    let hLookup: LookupTable

    /// The generators every DataFi proof uses.
    public static let standard = PedersenGenerators()

    private init() {
        g = .generator
        h = RistrettoPoint.hash(Array("blinding".utf8), domain: "DataFi.Pedersen.v1")
        gTable = OddMultiples(EdwardsPoint(g), count: 16).normalized()
        hTable = OddMultiples(EdwardsPoint(h), count: 16).normalized()
        gLookup = LookupTable(EdwardsPoint(g)).normalized()
        hLookup = LookupTable(EdwardsPoint(h)).normalized()
    }

    /// `value·g + blinding·h`, computed in constant time (libsodium) since both scalars are secret.
    public func commit(value: Scalar, blinding: Scalar) -> PedersenCommitment {
        PedersenCommitment(point: value * g + blinding * h)
    }
}

/// The vector generators `G_i`, `H_i` of Bulletproofs, hashed to the group from their index
/// (domains "DataFi.Bulletproofs.G" / ".H", message = index as 8 little-endian bytes) and cached.
public struct BulletproofGenerators: Sendable {
    /// The `G_i`, at least `count` of them.
    public let g: [RistrettoPoint]
    /// The `H_i`, at least `count` of them.
    public let h: [RistrettoPoint]
    let gTables: [OddMultiples]
    let hTables: [OddMultiples]
    let gLookups: [LookupTable]
    let hLookups: [LookupTable]

    /// The largest vector length supported (64 values of 64 bits).
    public static let maxCount = 64 * 64

    /// The first `count` generators of each vector (cached process-wide).
    /// `count` must be in 0...`maxCount`.
    public static func prefix(_ count: Int) -> BulletproofGenerators {
        precondition(count >= 0 && count <= maxCount, "generator count out of range")
        return cache.withLock { state in
            while state.g.count < count {
                let index = state.g.count
                let message = withUnsafeBytes(of: UInt64(index).littleEndian) { Array($0) }
                let gi = RistrettoPoint.hash(message, domain: "DataFi.Bulletproofs.G")
                let hi = RistrettoPoint.hash(message, domain: "DataFi.Bulletproofs.H")
                state.g.append(gi)
                state.h.append(hi)
                let ge = EdwardsPoint(gi), he = EdwardsPoint(hi)
                state.gTables.append(OddMultiples(ge, count: 16).normalized())
                state.hTables.append(OddMultiples(he, count: 16).normalized())
                state.gLookups.append(LookupTable(ge).normalized())
                state.hLookups.append(LookupTable(he).normalized())
            }
            return BulletproofGenerators(g: Array(state.g[..<count]), h: Array(state.h[..<count]),
                                         gTables: Array(state.gTables[..<count]),
                                         hTables: Array(state.hTables[..<count]),
                                         gLookups: Array(state.gLookups[..<count]),
                                         hLookups: Array(state.hLookups[..<count]))
        }
    }

    /// For each index in `range`, the variable-time tables of 2^64·G_i, 2^128·G_i and 2^192·G_i (and
    /// likewise for H_i), cached process-wide. With them a public 253-bit multiple of G_i costs a
    /// four-point multiplication by 64-bit scalars (64 doublings instead of 253).
    /// `range` must lie in 0..<`maxCount`.
    static func splitTables(_ range: Range<Int>) -> (g: [[OddMultiples]], h: [[OddMultiples]]) {
        precondition(range.lowerBound >= 0 && range.upperBound <= maxCount, "generator index out of range")
        let base = prefix(range.upperBound)
        return cache.withLock { state in
            func split(_ table: OddMultiples) -> [OddMultiples] {
                var parts = [OddMultiples]()
                var point = table.base
                for _ in 0..<3 {
                    point = point.doubled(times: 64)
                    parts.append(OddMultiples(point).normalized())
                }
                return parts
            }
            var g = [[OddMultiples]](), h = [[OddMultiples]]()
            g.reserveCapacity(range.count)
            h.reserveCapacity(range.count)
            for i in range {
                if let cached = state.gSplit[i], let cachedH = state.hSplit[i] {
                    g.append(cached)
                    h.append(cachedH)
                    continue
                }
                let gParts = split(base.gTables[i]), hParts = split(base.hTables[i])
                state.gSplit[i] = gParts
                state.hSplit[i] = hParts
                g.append(gParts)
                h.append(hParts)
            }
            return (g, h)
        }
    }

    /// Window tables (``FixedBaseTables``) of g, h, G_0, H_0, G_1, H_1, … covering the first `count`
    /// generators of each vector, cached process-wide: 2.6 KB per point, built once (about 25 µs per
    /// point) by the first large verification. `count` must be in 0...`maxCount`.
    static func fixedTables(_ count: Int) -> FixedBaseTables {
        precondition(count >= 0 && count <= maxCount, "generator count out of range")
        let base = prefix(count)
        return cache.withLock { state in
            let have = max(0, state.fixed.count - 2) / 2
            guard have < count else { return state.fixed }
            var points = [EdwardsPoint]()
            if state.fixed.count == 0 {
                let pc = PedersenGenerators.standard
                points += [EdwardsPoint(pc.g), EdwardsPoint(pc.h)]
            }
            for i in have..<count {
                points.append(base.gTables[i].base)
                points.append(base.hTables[i].base)
            }
            state.fixed.append(points)
            return state.fixed
        }
    }

    private struct State {
        var g: [RistrettoPoint] = [], h: [RistrettoPoint] = []
        var gTables: [OddMultiples] = [], hTables: [OddMultiples] = []
        var gLookups: [LookupTable] = [], hLookups: [LookupTable] = []
        var gSplit: [Int: [OddMultiples]] = [:], hSplit: [Int: [OddMultiples]] = [:]
        var fixed = FixedBaseTables()
    }

    private static let cache = Mutex(State())
}

/// A Pedersen commitment `v·g + r·h`: hiding (r random) and binding (log_g h unknown).
/// Commitments add and subtract homomorphically: C(v1, r1) + C(v2, r2) = C(v1 + v2, r1 + r2).
public struct PedersenCommitment: Sendable, Hashable, CustomStringConvertible {
    /// The committed group element.
    public let point: RistrettoPoint

    /// Wraps a group element.
    public init(point: RistrettoPoint) { self.point = point }

    /// Decodes 32 bytes.
    /// - Throws: `ZKError.wrongLength` unless exactly 32 bytes, `.invalidPoint` for a non-canonical encoding.
    public init(bytes: some Collection<UInt8>) throws(ZKError) {
        // The curve decoder enforces RFC 9496 canonicity, including a clear top bit.
        point = try CompressedPoint(bytes).ristretto
    }

    /// The canonical 32-byte encoding.
    public var bytes: [UInt8] { point.encoded }

    /// Hex of the encoding.
    public var description: String { point.description }

    /// The commitment to the sum of values under the sum of blindings.
    public static func + (a: PedersenCommitment, b: PedersenCommitment) -> PedersenCommitment {
        PedersenCommitment(point: a.point + b.point)
    }

    /// The commitment to the difference of values under the difference of blindings.
    public static func - (a: PedersenCommitment, b: PedersenCommitment) -> PedersenCommitment {
        PedersenCommitment(point: a.point - b.point)
    }
}
