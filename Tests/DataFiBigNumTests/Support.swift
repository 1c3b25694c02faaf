import CGMP
import PropertyBased
@testable import DataFiBigNum

/// A slow, obvious oracle: a GMP `mpz` driven directly (import/export of limbs), independent of the
/// UInt256 limb code under test.
final class Oracle {
    var z = __mpz_struct()
    init() { __gmpz_init(&z) }
    deinit { __gmpz_clear(&z) }

    convenience init(_ u: UInt256) {
        self.init()
        let limbs: [UInt64] = [u.littleEndianLimbs.0, u.littleEndianLimbs.1, u.littleEndianLimbs.2, u.littleEndianLimbs.3]
        __gmpz_import(&z, 4, -1, 8, 0, 0, limbs)
    }

    convenience init(decimal: String) {
        self.init()
        _ = __gmpz_set_str(&z, decimal, 10)
    }

    static func binary(_ a: Oracle, _ b: Oracle, _ f: (UnsafeMutablePointer<__mpz_struct>, UnsafePointer<__mpz_struct>, UnsafePointer<__mpz_struct>) -> Void) -> Oracle {
        let r = Oracle()
        f(&r.z, &a.z, &b.z)
        return r
    }

    static func + (a: Oracle, b: Oracle) -> Oracle { binary(a, b) { __gmpz_add($0, $1, $2) } }
    static func - (a: Oracle, b: Oracle) -> Oracle { binary(a, b) { __gmpz_sub($0, $1, $2) } }
    static func * (a: Oracle, b: Oracle) -> Oracle { binary(a, b) { __gmpz_mul($0, $1, $2) } }
    static func / (a: Oracle, b: Oracle) -> Oracle { binary(a, b) { __gmpz_tdiv_q($0, $1, $2) } }
    static func % (a: Oracle, b: Oracle) -> Oracle { binary(a, b) { __gmpz_tdiv_r($0, $1, $2) } }
    func ceilDiv(_ b: Oracle) -> Oracle { Oracle.binary(self, b) { __gmpz_cdiv_q($0, $1, $2) } }
    func sqrt() -> Oracle { let r = Oracle(); __gmpz_sqrt(&r.z, &z); return r }
    func shiftedRight(_ bits: Int) -> Oracle { let r = Oracle(); __gmpz_fdiv_q_2exp(&r.z, &z, mp_bitcnt_t(bits)); return r }
    func mod256() -> Oracle { let r = Oracle(); __gmpz_fdiv_r_2exp(&r.z, &z, 256); return r }

    var decimal: String {
        let count = __gmpz_sizeinbase(&z, 10) + 2
        var buffer = [CChar](repeating: 0, count: count)
        __gmpz_get_str(&buffer, 10, &z)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    var bitCount: Int { datafi_mpz_sgn(&z) == 0 ? 0 : Int(__gmpz_sizeinbase(&z, 2)) }

    /// The value as UInt256 when it fits in 0..<2^256, else nil.
    var uint256: UInt256? {
        if datafi_mpz_sgn(&z) < 0 || bitCount > 256 { return nil }
        var limbs = [UInt64](repeating: 0, count: 4)
        var written = 0
        __gmpz_export(&limbs, &written, -1, 8, 0, 0, &z)
        return UInt256(littleEndianLimbs: (limbs[0], limbs[1], limbs[2], limbs[3]))
    }
}

/// Edge values: 0, 1, 2^64±1, 2^128, 2^256−1 and neighbours.
let edgeValues: [UInt256] = {
    var values: [UInt256] = [0, 1, 2, 3, 10, UInt256(UInt64.max), UInt256(UInt64.max) + 2, UInt256(UInt64.max) - 1,
                             UInt256(UInt128.max), UInt256(UInt128.max) + 1, UInt256(UInt128.max) - 1,
                             .max, .max - 1, .max >> 1, (.max >> 1) + 1]
    for bits in [63, 64, 65, 127, 128, 129, 191, 192, 193, 255] {
        values.append(UInt256.one << bits)
        values.append((UInt256.one << bits) - 1)
        values.append((UInt256.one << bits) + 1)
    }
    return values
}()

/// Random UInt256 values shaped to hit carries and limb boundaries: full width, short, edge, powers of two.
let uint256Gen = Gen.uint64().array(of: 5).map { (w: [UInt64]) -> UInt256 in
    let full = UInt256(littleEndianLimbs: (w[0], w[1], w[2], w[3]))
    switch w[4] % 10 {
    case 0: return UInt256(w[0])
    case 1: return UInt256(littleEndianLimbs: (w[0], w[1], 0, 0))
    case 2: return UInt256(littleEndianLimbs: (w[0], w[1], w[2], 0))
    case 3: return edgeValues[Int(w[0] % UInt64(edgeValues.count))]
    case 4: return UInt256.one << Int(w[0] % 256)
    case 5: return UInt256(littleEndianLimbs: (w[0] & 1 == 0 ? 0 : .max, w[1] & 1 == 0 ? 0 : .max, w[2], w[3] & 1 == 0 ? 0 : .max))
    case 6: return full >> Int(w[1] % 256)
    default: return full
    }
}
