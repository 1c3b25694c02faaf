import DataFiRistretto

/// Keccak-f[1600] permutation on 25 little-endian lanes.
struct KeccakState {
    var lanes: [UInt64] = Array(repeating: 0, count: 25)

    private static let roundConstants: [UInt64] = [
        0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
        0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
        0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
        0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
        0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
        0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
    ]
    private static let rotations: [UInt64] = [
        0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
    ]

    /// Byte `index` of the state (lanes are little-endian).
    subscript(byte index: Int) -> UInt8 {
        get { UInt8(truncatingIfNeeded: lanes[index >> 3] >> (UInt64(index & 7) << 3)) }
        set {
            let shift = UInt64(index & 7) << 3
            lanes[index >> 3] = (lanes[index >> 3] & ~(0xff << shift)) | (UInt64(newValue) << shift)
        }
    }

    mutating func permute() {
        lanes.withUnsafeMutableBufferPointer { a in
            var c = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
            var b = [UInt64](repeating: 0, count: 25)
            for round in 0..<24 {
                // θ
                c.0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20]
                c.1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21]
                c.2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22]
                c.3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23]
                c.4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24]
                let d0 = c.4 ^ Self.rotl(c.1, 1), d1 = c.0 ^ Self.rotl(c.2, 1), d2 = c.1 ^ Self.rotl(c.3, 1)
                let d3 = c.2 ^ Self.rotl(c.4, 1), d4 = c.3 ^ Self.rotl(c.0, 1)
                for y in stride(from: 0, to: 25, by: 5) {
                    a[y] ^= d0; a[y + 1] ^= d1; a[y + 2] ^= d2; a[y + 3] ^= d3; a[y + 4] ^= d4
                }
                // ρ and π: lane (x, y) moves to (y, 2x + 3y).
                for x in 0..<5 {
                    for y in 0..<5 {
                        let src = x + 5 * y
                        let dst = y + 5 * ((2 * x + 3 * y) % 5)
                        b[dst] = Self.rotl(a[src], Self.rotations[src])
                    }
                }
                // χ
                for y in stride(from: 0, to: 25, by: 5) {
                    for x in 0..<5 {
                        a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5])
                    }
                }
                // ι
                a[0] ^= Self.roundConstants[round]
            }
        }
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 {
        n == 0 ? x : (x << n) | (x >> (64 - n))
    }
}

/// The subset of STROBE-128 (v1.0.2) that Merlin uses: meta-AD, AD, PRF and KEY.
struct Strobe128 {
    private static let rate = 166
    private static let flagI: UInt8 = 1, flagA: UInt8 = 2, flagC: UInt8 = 4, flagM: UInt8 = 16, flagK: UInt8 = 32

    private var state = KeccakState()
    private var position = 0
    private var positionBegin = 0
    private var currentFlags: UInt8 = 0

    init(protocolLabel: [UInt8]) {
        let header: [UInt8] = [1, UInt8(Self.rate + 2), 1, 0, 1, 96] + Array("STROBEv1.0.2".utf8)
        for (i, byte) in header.enumerated() { state[byte: i] = byte }
        state.permute()
        metaAD(protocolLabel, more: false)
    }

    mutating func metaAD(_ data: some Sequence<UInt8>, more: Bool) {
        beginOperation(Self.flagM | Self.flagA, more: more)
        absorb(data)
    }

    mutating func ad(_ data: some Sequence<UInt8>, more: Bool) {
        beginOperation(Self.flagA, more: more)
        absorb(data)
    }

    mutating func prf(count: Int, more: Bool) -> [UInt8] {
        beginOperation(Self.flagI | Self.flagA | Self.flagC, more: more)
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            out[i] = state[byte: position]
            state[byte: position] = 0
            advance()
        }
        return out
    }

    mutating func key(_ data: some Sequence<UInt8>, more: Bool) {
        beginOperation(Self.flagA | Self.flagC, more: more)
        for byte in data {
            state[byte: position] = byte
            advance()
        }
    }

    private mutating func absorb(_ data: some Sequence<UInt8>) {
        for byte in data {
            state[byte: position] ^= byte
            advance()
        }
    }

    private mutating func advance() {
        position += 1
        if position == Self.rate { runF() }
    }

    private mutating func runF() {
        state[byte: position] ^= UInt8(positionBegin)
        state[byte: position + 1] ^= 0x04
        state[byte: Self.rate + 1] ^= 0x80
        state.permute()
        position = 0
        positionBegin = 0
    }

    private mutating func beginOperation(_ flags: UInt8, more: Bool) {
        if more {
            precondition(currentFlags == flags, "STROBE operation continued with different flags")
            return
        }
        let oldBegin = UInt8(positionBegin)
        positionBegin = position + 1
        currentFlags = flags
        absorb([oldBegin, flags])
        if flags & (Self.flagC | Self.flagK) != 0 && position != 0 { runF() }
    }
}

/// A Fiat–Shamir transcript compatible with Merlin 1.0 (STROBE-128 over Keccak-f[1600]).
///
/// The prover appends its messages with labels; challenges are squeezed from everything appended
/// so far, so prover and verifier derive identical challenges when they append identical data.
/// The protocol label given at creation separates domains between protocols.
public struct Transcript: Sendable {
    private var strobe: Strobe128

    /// Starts a transcript for the protocol named `label` (Merlin `Transcript::new`).
    public init(label: String) {
        strobe = Strobe128(protocolLabel: Array("Merlin v1.0".utf8))
        append(label: "dom-sep", Array(label.utf8))
    }

    /// Appends a labelled message; its length is framed so messages cannot run together.
    /// `message` must be shorter than 2^32 bytes.
    public mutating func append(label: String, _ message: some Collection<UInt8>) {
        precondition(message.count <= Int(UInt32.max), "transcript message too long")
        strobe.metaAD(Array(label.utf8), more: false)
        strobe.metaAD(Self.le32(message.count), more: true)
        strobe.ad(message, more: false)
    }

    /// Appends a 64-bit integer as 8 little-endian bytes.
    public mutating func append(label: String, _ value: UInt64) {
        append(label: label, withUnsafeBytes(of: value.littleEndian) { Array($0) })
    }

    /// Appends a scalar's canonical 32-byte encoding.
    public mutating func append(label: String, _ scalar: Scalar) {
        append(label: label, scalar.bytes)
    }

    /// Appends a point's canonical 32-byte encoding.
    public mutating func append(label: String, _ point: RistrettoPoint) {
        append(label: label, point.encoded)
    }

    /// Squeezes `count` challenge bytes bound to everything appended so far.
    public mutating func challengeBytes(label: String, count: Int) -> [UInt8] {
        precondition(count >= 0 && count <= Int(UInt32.max), "challenge length out of range")
        strobe.metaAD(Array(label.utf8), more: false)
        strobe.metaAD(Self.le32(count), more: true)
        return strobe.prf(count: count, more: false)
    }

    /// Squeezes a uniformly distributed challenge scalar from 64 bytes reduced mod ℓ.
    public mutating func challengeScalar(label: String) -> Scalar {
        let wide = challengeBytes(label: label, count: 64)
        // A 64-byte input is always accepted by the reduction.
        guard let scalar = try? Scalar(reducing: wide) else { preconditionFailure("64-byte reduction failed") }
        return scalar
    }

    private static func le32(_ n: Int) -> [UInt8] {
        let v = UInt32(n)
        return [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8),
                UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 24)]
    }
}
