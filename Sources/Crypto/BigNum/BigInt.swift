import CGMP

/// The GMP `mpz_t` behind a `BigInt`, allocated once in the object's own tail storage (stable address)
/// and cleared exactly once in `deinit`.
@usableFromInline
final class BigIntStorage: ManagedBuffer<Void, __mpz_struct> {
    /// A new zero with room for `bits` bits (GMP grows it on demand).
    @inlinable
    static func make(bits: Int = 0) -> BigIntStorage {
        let buffer = BigIntStorage.create(minimumCapacity: 1) { _ in () }
        let storage = unsafeDowncast(buffer, to: BigIntStorage.self)
        storage.withUnsafeMutablePointerToElements { z in
            if bits > 64 { __gmpz_init2(z, mp_bitcnt_t(bits)) } else { __gmpz_init(z) }
        }
        return storage
    }

    deinit {
        withUnsafeMutablePointerToElements { z in __gmpz_clear(z) }
    }

    @inlinable
    var z: UnsafeMutablePointer<__mpz_struct> {
        // The element lives in this object's tail allocation, so its address is stable for the object's life.
        withUnsafeMutablePointerToElements { $0 }
    }
}

/// An arbitrary-precision signed integer backed by a GMP `mpz_t`, with value semantics (copy-on-write).
///
/// Division truncates toward zero and the remainder takes the dividend's sign, like Swift's `Int`
/// (`-7 / 2 == -3`, `-7 % 2 == -1`); `modulo(_:)` gives the non-negative residue. Bitwise operators and
/// `>>` follow two's-complement semantics on an infinitely sign-extended value, as GMP does
/// (`>>` rounds toward negative infinity). `/` and `%` trap on a zero divisor (programmer error); use
/// `divided(by:)`, `remainder(dividingBy:)` or `quotientAndRemainder(checkedDividingBy:)` for outside data.
///
/// GMP aborts the process when it cannot allocate, so everything that outside input can size is bounded:
/// text parsing to ``maxTextLength`` characters, byte decoding to ``maxByteCount`` bytes, and `power`
/// and checked shifts to results of at most ``maxResultBits`` bits.
public struct BigInt: @unchecked Sendable {
    // Sendable by copy-on-write: a storage object is mutated only through `write`, which first makes
    // it uniquely referenced, so no two values (or threads) ever see one storage change.
    @usableFromInline var storage: BigIntStorage

    @inlinable
    init(storage: BigIntStorage) { self.storage = storage }

    /// Longest text accepted by the parsers (characters, sign included): 100,000.
    public static let maxTextLength = 100_000
    /// Largest byte encoding accepted by ``init(bigEndianMagnitude:negative:)``: 65,536 bytes.
    public static let maxByteCount = 65_536
    /// Largest result, in bits, that `power(_:)` and `shiftedLeft(by:)` will compute: 2^22 (512 KiB).
    public static let maxResultBits = 1 << 22

    /// Zero.
    @inlinable
    public init() { storage = .make() }

    /// Zero.
    public static var zero: BigInt { BigInt() }
    /// One.
    public static var one: BigInt { BigInt(1) }

    /// A fresh value computed by `body` into an uninitialised-to-zero result with room for `bits` bits.
    @inlinable
    static func computing(bits: Int = 0, _ body: (UnsafeMutablePointer<__mpz_struct>) -> Void) -> BigInt {
        let result = BigIntStorage.make(bits: bits)
        body(result.z)
        return BigInt(storage: result)
    }

    /// Read-only access to the `mpz_t`.
    @inlinable
    func read<R>(_ body: (UnsafePointer<__mpz_struct>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(storage.z) }
    }

    /// Mutable access to the `mpz_t`, copying it first when it is shared.
    @inlinable
    mutating func write<R>(_ body: (UnsafeMutablePointer<__mpz_struct>) throws -> R) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) {
            let copy = BigIntStorage.make(bits: bitCount)
            __gmpz_set(copy.z, storage.z)
            storage = copy
        }
        return try withExtendedLifetime(storage) { try body(storage.z) }
    }

    /// Creates a value equal to `value`.
    @inlinable
    public init(_ value: Int) {
        self = BigInt.computing { __gmpz_set_si($0, value) }
    }

    /// Creates a value equal to `value`.
    @inlinable
    public init(_ value: UInt) {
        self = BigInt.computing { __gmpz_set_ui($0, value) }
    }

    /// Creates a value equal to any binary integer.
    @inlinable
    public init<T: BinaryInteger>(_ value: T) {
        if let small = Int(exactly: value) {
            self.init(small)
            return
        }
        let words = Array(value.words)
        var result = BigInt.computing(bits: words.count * UInt.bitWidth) { z in
            words.withUnsafeBufferPointer { buffer in
                __gmpz_import(z, buffer.count, -1, MemoryLayout<UInt>.size, 0, 0, buffer.baseAddress)
            }
        }
        if T.isSigned && value < 0 {
            // The words are two's complement: subtract 2^(64·count).
            let bits = words.count * UInt.bitWidth
            result.write { z in
                let power = BigIntStorage.make()
                __gmpz_setbit(power.z, mp_bitcnt_t(bits))
                __gmpz_sub(z, z, power.z)
                withExtendedLifetime(power) {}
            }
        }
        self = result
    }

    /// Creates a value equal to `value`.
    @inlinable
    public init(_ value: UInt256) {
        if let small = value.uint64Value {
            self.init(UInt(small))
            return
        }
        self = BigInt.computing(bits: 256) { z in
            var limbs: (UInt64, UInt64, UInt64, UInt64) = value.littleEndianLimbs
            withUnsafeBytes(of: &limbs) { raw in
                __gmpz_import(z, 4, -1, 8, 0, 0, raw.baseAddress)
            }
        }
    }
}

// MARK: - Properties

extension BigInt {
    /// −1, 0 or 1.
    @inlinable
    public var signum: Int { read { Int(datafi_mpz_sgn($0)) } }

    /// True when the value is zero.
    @inlinable
    public var isZero: Bool { signum == 0 }

    /// True when the value is below zero.
    @inlinable
    public var isNegative: Bool { signum < 0 }

    /// Number of significant bits of the magnitude (0 for zero).
    @inlinable
    public var bitCount: Int { read { datafi_mpz_sgn($0) == 0 ? 0 : Int(__gmpz_sizeinbase($0, 2)) } }

    /// The absolute value.
    @inlinable
    public var magnitude: BigInt {
        if signum >= 0 { return self }
        return read { a in BigInt.computing(bits: bitCount) { __gmpz_abs($0, a) } }
    }

    /// The value as `Int`, or nil when it does not fit.
    @inlinable
    public var intValue: Int? { read { __gmpz_fits_slong_p($0) != 0 ? __gmpz_get_si($0) : nil } }

    /// The value as `UInt`, or nil when it is negative or does not fit.
    @inlinable
    public var uintValue: UInt? { read { __gmpz_fits_ulong_p($0) != 0 ? __gmpz_get_ui($0) : nil } }
}

// MARK: - Comparison and hashing

extension BigInt: Comparable, Hashable {
    /// True when both hold the same value.
    @inlinable
    public static func == (lhs: BigInt, rhs: BigInt) -> Bool {
        lhs.read { a in rhs.read { b in __gmpz_cmp(a, b) == 0 } }
    }

    /// True when `lhs` is smaller than `rhs`.
    @inlinable
    public static func < (lhs: BigInt, rhs: BigInt) -> Bool {
        lhs.read { a in rhs.read { b in __gmpz_cmp(a, b) < 0 } }
    }

    /// Hashes the value (equal values hash equally).
    public func hash(into hasher: inout Hasher) {
        read { z in
            hasher.combine(Int(datafi_mpz_sgn(z)))
            let count = datafi_mpz_limbs(z)
            guard count > 0, let limbs = __gmpz_limbs_read(z) else { return }
            for i in 0..<count { hasher.combine(limbs[i]) }
        }
    }
}

// MARK: - Arithmetic

extension BigInt {
    @inlinable
    static func binary(_ lhs: BigInt, _ rhs: BigInt, bits: Int,
                       _ op: (UnsafeMutablePointer<__mpz_struct>, UnsafePointer<__mpz_struct>, UnsafePointer<__mpz_struct>) -> Void) -> BigInt {
        lhs.read { a in rhs.read { b in computing(bits: bits) { op($0, a, b) } } }
    }

    @inlinable
    mutating func formBinary(_ rhs: BigInt,
                             _ op: (UnsafeMutablePointer<__mpz_struct>, UnsafePointer<__mpz_struct>, UnsafePointer<__mpz_struct>) -> Void) {
        rhs.read { b in write { a in op(a, a, b) } }
    }

    /// Sum.
    @inlinable
    public static func + (lhs: BigInt, rhs: BigInt) -> BigInt {
        binary(lhs, rhs, bits: Swift.max(lhs.bitCount, rhs.bitCount) + 1) { __gmpz_add($0, $1, $2) }
    }

    /// Difference.
    @inlinable
    public static func - (lhs: BigInt, rhs: BigInt) -> BigInt {
        binary(lhs, rhs, bits: Swift.max(lhs.bitCount, rhs.bitCount) + 1) { __gmpz_sub($0, $1, $2) }
    }

    /// Product.
    @inlinable
    public static func * (lhs: BigInt, rhs: BigInt) -> BigInt {
        binary(lhs, rhs, bits: lhs.bitCount + rhs.bitCount) { __gmpz_mul($0, $1, $2) }
    }

    /// Quotient truncated toward zero; traps when `rhs` is zero.
    @inlinable
    public static func / (lhs: BigInt, rhs: BigInt) -> BigInt {
        precondition(!rhs.isZero, "BigInt division by zero")
        return binary(lhs, rhs, bits: lhs.bitCount) { __gmpz_tdiv_q($0, $1, $2) }
    }

    /// Remainder with the sign of `lhs` (so `(a / b) * b + a % b == a`); traps when `rhs` is zero.
    @inlinable
    public static func % (lhs: BigInt, rhs: BigInt) -> BigInt {
        precondition(!rhs.isZero, "BigInt division by zero")
        return binary(lhs, rhs, bits: rhs.bitCount) { __gmpz_tdiv_r($0, $1, $2) }
    }

    /// The negated value.
    @inlinable
    public static prefix func - (x: BigInt) -> BigInt {
        x.read { a in computing(bits: x.bitCount) { __gmpz_neg($0, a) } }
    }

    /// Adds `rhs` to `lhs`.
    @inlinable public static func += (lhs: inout BigInt, rhs: BigInt) { lhs.formBinary(rhs) { __gmpz_add($0, $1, $2) } }
    /// Subtracts `rhs` from `lhs`.
    @inlinable public static func -= (lhs: inout BigInt, rhs: BigInt) { lhs.formBinary(rhs) { __gmpz_sub($0, $1, $2) } }
    /// Multiplies `lhs` by `rhs`.
    @inlinable public static func *= (lhs: inout BigInt, rhs: BigInt) { lhs.formBinary(rhs) { __gmpz_mul($0, $1, $2) } }
    /// Divides `lhs` by `rhs` (truncating); traps when `rhs` is zero.
    @inlinable public static func /= (lhs: inout BigInt, rhs: BigInt) { lhs = lhs / rhs }
    /// Replaces `lhs` with the remainder of `lhs / rhs`; traps when `rhs` is zero.
    @inlinable public static func %= (lhs: inout BigInt, rhs: BigInt) { lhs = lhs % rhs }

    /// Quotient (toward zero) and remainder (sign of `self`); traps when `divisor` is zero.
    @inlinable
    public func quotientAndRemainder(dividingBy divisor: BigInt) -> (quotient: BigInt, remainder: BigInt) {
        precondition(!divisor.isZero, "BigInt division by zero")
        let q = BigIntStorage.make(bits: bitCount), r = BigIntStorage.make(bits: divisor.bitCount)
        read { n in divisor.read { d in __gmpz_tdiv_qr(q.z, r.z, n, d) } }
        return (BigInt(storage: q), BigInt(storage: r))
    }

    /// Quotient and remainder like `quotientAndRemainder(dividingBy:)`.
    /// - Throws: `BigNumError.divisionByZero` when `divisor` is zero.
    @inlinable
    public func quotientAndRemainder(checkedDividingBy divisor: BigInt) throws(BigNumError) -> (quotient: BigInt, remainder: BigInt) {
        if divisor.isZero { throw .divisionByZero }
        return quotientAndRemainder(dividingBy: divisor)
    }

    /// Quotient truncated toward zero.
    /// - Throws: `BigNumError.divisionByZero` when `divisor` is zero.
    @inlinable
    public func divided(by divisor: BigInt) throws(BigNumError) -> BigInt {
        if divisor.isZero { throw .divisionByZero }
        return self / divisor
    }

    /// Remainder with the sign of `self`.
    /// - Throws: `BigNumError.divisionByZero` when `divisor` is zero.
    @inlinable
    public func remainder(dividingBy divisor: BigInt) throws(BigNumError) -> BigInt {
        if divisor.isZero { throw .divisionByZero }
        return self % divisor
    }

    /// The residue in `0..<|modulus|` (always non-negative).
    /// - Throws: `BigNumError.divisionByZero` when `modulus` is zero.
    @inlinable
    public func modulo(_ modulus: BigInt) throws(BigNumError) -> BigInt {
        if modulus.isZero { throw .divisionByZero }
        return BigInt.binary(self, modulus, bits: modulus.bitCount) { __gmpz_mod($0, $1, $2) }
    }

    /// `self` raised to `exponent`.
    /// - Throws: `BigNumError.negative` for a negative exponent; `BigNumError.resultTooLarge` when the
    ///   result could exceed ``maxResultBits`` bits (checked before GMP allocates).
    public func power(_ exponent: Int) throws(BigNumError) -> BigInt {
        if exponent < 0 { throw .negative }
        let bits = bitCount
        if bits <= 1 {
            // 0, 1 and −1: answered here, since GMP would size the result as bits·exponent.
            if exponent == 0 { return 1 }
            return signum < 0 && exponent % 2 == 0 ? 1 : self
        }
        // |self|^e < 2^(bits·e).
        let (estimate, overflow) = bits.multipliedReportingOverflow(by: exponent)
        if overflow || estimate > BigInt.maxResultBits { throw .resultTooLarge(limitBits: BigInt.maxResultBits) }
        return read { a in BigInt.computing(bits: estimate) { __gmpz_pow_ui($0, a, UInt(exponent)) } }
    }

    /// `self^exponent mod modulus`, in `0..<|modulus|`. Variable time: for public values only.
    /// - Throws: `BigNumError.divisionByZero` for a zero modulus; `BigNumError.negative` for a negative
    ///   exponent.
    public func power(_ exponent: BigInt, modulus: BigInt) throws(BigNumError) -> BigInt {
        if modulus.isZero { throw .divisionByZero }
        if exponent.isNegative { throw .negative }
        return read { b in exponent.read { e in modulus.read { m in
            BigInt.computing(bits: modulus.bitCount) { __gmpz_powm($0, b, e, m) }
        } } }
    }

    /// The greatest common divisor, always non-negative (`gcd(0, 0) == 0`).
    @inlinable
    public func gcd(_ other: BigInt) -> BigInt {
        BigInt.binary(self, other, bits: Swift.min(bitCount, other.bitCount)) { __gmpz_gcd($0, $1, $2) }
    }

    /// The floor of the square root.
    /// - Throws: `BigNumError.negative` when the value is negative.
    public func squareRoot() throws(BigNumError) -> BigInt {
        if isNegative { throw .negative }
        return read { a in BigInt.computing(bits: bitCount / 2 + 1) { __gmpz_sqrt($0, a) } }
    }
}

// MARK: - Bits and shifts

extension BigInt {
    /// Left shift by `bits` (a negative amount shifts right).
    /// - Throws: `BigNumError.resultTooLarge` when the result would exceed ``maxResultBits`` bits.
    public func shiftedLeft(by bits: Int) throws(BigNumError) -> BigInt {
        if bits < 0 { return self >> (bits == .min ? Int.max : -bits) }
        if isZero { return self }
        let (total, overflow) = bitCount.addingReportingOverflow(bits)
        if overflow || total > BigInt.maxResultBits { throw .resultTooLarge(limitBits: BigInt.maxResultBits) }
        return read { a in BigInt.computing(bits: total) { __gmpz_mul_2exp($0, a, mp_bitcnt_t(bits)) } }
    }

    /// Left shift (multiplication by 2^rhs; a negative amount shifts right). Traps when the result would
    /// exceed ``maxResultBits`` bits; use `shiftedLeft(by:)` for amounts from outside input.
    public static func << (lhs: BigInt, rhs: Int) -> BigInt {
        do {
            return try lhs.shiftedLeft(by: rhs)
        } catch {
            preconditionFailure("BigInt left shift beyond \(BigInt.maxResultBits) bits")
        }
    }

    /// Arithmetic right shift: floor division by 2^rhs (so `-1 >> n == -1`); a negative amount shifts left.
    public static func >> (lhs: BigInt, rhs: Int) -> BigInt {
        if rhs < 0 { return lhs << (rhs == .min ? Int.max : -rhs) }
        return lhs.read { a in computing(bits: lhs.bitCount) { __gmpz_fdiv_q_2exp($0, a, mp_bitcnt_t(rhs)) } }
    }

    /// Shifts `lhs` left by `rhs` bits (see `<<`).
    public static func <<= (lhs: inout BigInt, rhs: Int) { lhs = lhs << rhs }
    /// Shifts `lhs` right by `rhs` bits (see `>>`).
    public static func >>= (lhs: inout BigInt, rhs: Int) { lhs = lhs >> rhs }

    /// Bitwise AND (two's complement).
    @inlinable
    public static func & (lhs: BigInt, rhs: BigInt) -> BigInt {
        binary(lhs, rhs, bits: Swift.max(lhs.bitCount, rhs.bitCount)) { __gmpz_and($0, $1, $2) }
    }
    /// Bitwise OR (two's complement).
    @inlinable
    public static func | (lhs: BigInt, rhs: BigInt) -> BigInt {
        binary(lhs, rhs, bits: Swift.max(lhs.bitCount, rhs.bitCount)) { __gmpz_ior($0, $1, $2) }
    }
    /// Bitwise XOR (two's complement).
    @inlinable
    public static func ^ (lhs: BigInt, rhs: BigInt) -> BigInt {
        binary(lhs, rhs, bits: Swift.max(lhs.bitCount, rhs.bitCount)) { __gmpz_xor($0, $1, $2) }
    }
    /// Bitwise NOT (two's complement): `~x == -x - 1`.
    @inlinable
    public static prefix func ~ (x: BigInt) -> BigInt {
        x.read { a in computing(bits: x.bitCount + 1) { __gmpz_com($0, a) } }
    }
    /// Replaces `lhs` with `lhs & rhs`.
    @inlinable public static func &= (lhs: inout BigInt, rhs: BigInt) { lhs = lhs & rhs }
    /// Replaces `lhs` with `lhs | rhs`.
    @inlinable public static func |= (lhs: inout BigInt, rhs: BigInt) { lhs = lhs | rhs }
    /// Replaces `lhs` with `lhs ^ rhs`.
    @inlinable public static func ^= (lhs: inout BigInt, rhs: BigInt) { lhs = lhs ^ rhs }
}

// MARK: - Literals

extension BigInt: ExpressibleByIntegerLiteral {
    /// Creates a value from an integer literal of any size.
    public init(integerLiteral value: StaticBigInt) {
        if value.bitWidth <= Int.bitWidth {
            self.init(Int(bitPattern: value[0]))
            return
        }
        let count = (value.bitWidth + UInt.bitWidth - 1) / UInt.bitWidth
        let words = (0..<count).map { value[$0] }
        var result = BigInt.computing(bits: count * UInt.bitWidth) { z in
            words.withUnsafeBufferPointer { buffer in
                __gmpz_import(z, buffer.count, -1, MemoryLayout<UInt>.size, 0, 0, buffer.baseAddress)
            }
        }
        if value.signum() < 0 {
            result.write { z in
                let power = BigIntStorage.make()
                __gmpz_setbit(power.z, mp_bitcnt_t(count * UInt.bitWidth))
                __gmpz_sub(z, z, power.z)
                withExtendedLifetime(power) {}
            }
        }
        self = result
    }
}

// MARK: - Conversions to fixed-width integers

extension UInt256 {
    /// The value when it is in `0...UInt256.max`, else nil.
    public init?(exactly value: BigInt) {
        if value.isNegative || value.bitCount > 256 { return nil }
        self.init(truncatingIfNeeded: value)
    }

    /// The low 256 bits of the two's-complement value (that is, the value modulo 2^256).
    public init(truncatingIfNeeded value: BigInt) {
        var limbs: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        value.read { z in
            let low = BigIntStorage.make(bits: 256)
            __gmpz_fdiv_r_2exp(low.z, z, 256)
            withUnsafeMutableBytes(of: &limbs) { raw in
                var written = 0
                __gmpz_export(raw.baseAddress, &written, -1, 8, 0, 0, low.z)
            }
            withExtendedLifetime(low) {}
        }
        self.init(littleEndianLimbs: limbs)
    }
}

extension FixedWidthInteger {
    /// The value of `source` when it fits this type, else nil.
    public init?(exactly source: BigInt) {
        if Self.bitWidth <= Int.bitWidth && Self.isSigned {
            guard let small = source.intValue, let value = Self(exactly: small) else { return nil }
            self = value
            return
        }
        if Self.bitWidth <= UInt.bitWidth && !Self.isSigned {
            guard let small = source.uintValue, let value = Self(exactly: small) else { return nil }
            self = value
            return
        }
        guard source >= BigInt(Self.min) && source <= BigInt(Self.max) else { return nil }
        self.init(truncatingIfNeeded: source)
    }

    /// The low `bitWidth` bits of `source`'s two's-complement value.
    public init(truncatingIfNeeded source: BigInt) {
        let words = source.read { z -> [UInt] in
            let low = BigIntStorage.make(bits: Self.bitWidth)
            __gmpz_fdiv_r_2exp(low.z, z, mp_bitcnt_t(Self.bitWidth))
            let count = (Self.bitWidth + UInt.bitWidth - 1) / UInt.bitWidth
            var words = [UInt](repeating: 0, count: count)
            words.withUnsafeMutableBufferPointer { buffer in
                var written = 0
                __gmpz_export(buffer.baseAddress, &written, -1, MemoryLayout<UInt>.size, 0, 0, low.z)
            }
            withExtendedLifetime(low) {}
            return words
        }
        var result: Self = 0
        for (index, word) in words.enumerated() {
            result |= Self(truncatingIfNeeded: word) << (index * UInt.bitWidth)
        }
        self = result
    }
}
