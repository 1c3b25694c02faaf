import DataFiBigNum
import DataFiSodium
import Foundation

/// A Paillier public key: the modulus `n = p·q` (generator `g = n + 1`). Encrypts integers in
/// `0..<n`; ciphertexts live in `(ℤ/n²ℤ)*`.
///
/// JSON: `{"n": "<decimal>"}`, the same modulus as python-paillier's `PaillierPublicKey.n`.
public struct PaillierPublicKey: Sendable, Hashable {
    /// Smallest modulus accepted from outside, in bits.
    public static let minimumBits = 1024
    /// Largest modulus accepted from outside, in bits (bounds every GMP operation on outside values).
    public static let maximumBits = 8192

    /// The modulus n.
    public let n: BigInt
    /// n².
    public let nSquared: BigInt

    /// A key for modulus `n`.
    /// - Throws: `PaillierError.modulusSize` outside ``minimumBits``...``maximumBits`` bits,
    ///   `.evenModulus` for an even n.
    public init(n: BigInt) throws(PaillierError) {
        guard !n.isNegative, (PaillierPublicKey.minimumBits...PaillierPublicKey.maximumBits).contains(n.bitCount) else {
            throw .modulusSize(bits: n.bitCount)
        }
        guard (n & BigInt(1)) == BigInt(1) else { throw .evenModulus }
        self.n = n
        self.nSquared = n * n
    }

    /// The modulus size in bits.
    public var bits: Int { n.bitCount }

    /// Largest magnitude of a signed plaintext, `⌊n/3⌋` (python-paillier's `max_int`).
    public var maxSignedMagnitude: BigInt { n / BigInt(3) }

    /// Checks an outside ciphertext value: `0 < c < n²` and `gcd(c, n) = 1`.
    /// - Throws: `PaillierError.ciphertextOutOfRange`, `.ciphertextNotInvertible`.
    public func ciphertext(_ value: BigInt) throws(PaillierError) -> PaillierCiphertext {
        guard value.signum > 0, value < nSquared else { throw .ciphertextOutOfRange }
        guard value.gcd(n) == BigInt(1) else { throw .ciphertextNotInvertible }
        return PaillierCiphertext(value: value, modulus: n)
    }

    /// Parses and checks a ciphertext written in decimal (at most the digits of n², no sign, no
    /// leading zero). The length is checked before any big-number parsing.
    /// - Throws: `PaillierError.decimalTooLong`, `.malformedDecimal`, `.ciphertextOutOfRange`,
    ///   `.ciphertextNotInvertible`.
    public func ciphertext(decimal text: some StringProtocol, field: String = "ciphertext") throws(PaillierError) -> PaillierCiphertext {
        let limit = PaillierDecimal.maxDigits(bits: 2 * bits)
        return try ciphertext(PaillierDecimal.parse(text, field: field, maxDigits: limit))
    }

    /// Encrypts `plaintext` in `0..<n`: `c = (1 + m·n) · rⁿ mod n²` with a fresh random `r`.
    /// `rⁿ` uses GMP's `mpz_powm` (the exponent n is public).
    /// - Throws: `PaillierError.plaintextOutOfRange`.
    public func encrypt(_ plaintext: BigInt) throws(PaillierError) -> PaillierCiphertext {
        guard !plaintext.isNegative, plaintext < n else { throw .plaintextOutOfRange }
        return PaillierCiphertext(value: mulmod(one(plusTimesN: plaintext), obfuscator(), nSquared), modulus: n)
    }

    /// Encrypts a signed integer with python-paillier's convention: a negative m is encoded as `n + m`.
    /// - Throws: `PaillierError.plaintextOutOfRange` when `|m| > ⌊n/3⌋`.
    public func encrypt(signed plaintext: BigInt) throws(PaillierError) -> PaillierCiphertext {
        guard plaintext.magnitude <= maxSignedMagnitude else { throw .plaintextOutOfRange }
        return try encrypt(plaintext.isNegative ? n + plaintext : plaintext)
    }

    /// Encrypts a 64-bit signed integer (python-paillier's encoding for negatives).
    public func encrypt(_ plaintext: Int64) -> PaillierCiphertext {
        // |Int64| < 2^63 ≤ n/3 for every accepted modulus (≥ 1024 bits).
        (try? encrypt(signed: BigInt(plaintext))) ?? PaillierCiphertext(value: BigInt(1), modulus: n)
    }

    /// The homomorphic sum: a ciphertext of `m₁ + m₂ mod n`.
    /// - Throws: `PaillierError.keyMismatch` when either operand is under another key.
    public func add(_ a: PaillierCiphertext, _ b: PaillierCiphertext) throws(PaillierError) -> PaillierCiphertext {
        try check(a); try check(b)
        return PaillierCiphertext(value: mulmod(a.value, b.value, nSquared), modulus: n)
    }

    /// The homomorphic sum of many ciphertexts (a ciphertext of 0 for an empty list; that one is
    /// `1`, not randomised: re-randomise before sending it).
    /// - Throws: `PaillierError.keyMismatch`.
    public func sum(_ terms: some Sequence<PaillierCiphertext>) throws(PaillierError) -> PaillierCiphertext {
        var acc = BigInt(1)
        for term in terms {
            try check(term)
            acc = mulmod(acc, term.value, nSquared)
        }
        return PaillierCiphertext(value: acc, modulus: n)
    }

    /// Multiplication by a public plaintext: a ciphertext of `k·m mod n` (`cᵏ mod n²`; a negative `k`
    /// is taken mod n). Variable time in `k`, which is public.
    /// - Throws: `PaillierError.keyMismatch`, `.plaintextOutOfRange` when `|k| ≥ n`.
    public func multiply(_ c: PaillierCiphertext, by k: BigInt) throws(PaillierError) -> PaillierCiphertext {
        try check(c)
        guard k.magnitude < n else { throw .plaintextOutOfRange }
        let exponent = k.isNegative ? n + k : k
        if exponent.isZero { return PaillierCiphertext(value: BigInt(1), modulus: n) }
        let value = (try? c.value.power(exponent, modulus: nSquared)) ?? BigInt(1)
        return PaillierCiphertext(value: value, modulus: n)
    }

    /// A fresh ciphertext of the same plaintext (`c · rⁿ mod n²`), unlinkable to `c`.
    /// - Throws: `PaillierError.keyMismatch`.
    public func rerandomize(_ c: PaillierCiphertext) throws(PaillierError) -> PaillierCiphertext {
        try check(c)
        return PaillierCiphertext(value: mulmod(c.value, obfuscator(), nSquared), modulus: n)
    }

    /// A uniform plaintext in `0..<n` from libsodium (for masks and blinding factors).
    public func randomPlaintext() -> BigInt { PaillierRandom.below(n) }

    func check(_ c: PaillierCiphertext) throws(PaillierError) {
        guard c.modulus == n else { throw .keyMismatch }
    }

    /// Encryption with a given `r` (for known-answer tests): `(1 + m·n)·rⁿ mod n²`.
    func encrypt(_ plaintext: BigInt, randomness r: BigInt) -> PaillierCiphertext {
        let rn = (try? r.power(n, modulus: nSquared)) ?? BigInt(1)
        return PaillierCiphertext(value: mulmod(one(plusTimesN: plaintext), rn, nSquared), modulus: n)
    }

    /// `1 + m·n` (below n² since m < n).
    func one(plusTimesN m: BigInt) -> BigInt { m * n + BigInt(1) }

    /// `rⁿ mod n²` for a uniform `r` in `(ℤ/nℤ)*`.
    func obfuscator() -> BigInt {
        let r = PaillierRandom.unit(below: n)
        // The exponent n is public; powm's timing depends on the exponent, not on the secret base.
        return (try? r.power(n, modulus: nSquared)) ?? BigInt(1)
    }
}

/// `a·b mod m` for non-negative operands (m > 0).
@inline(__always)
func mulmod(_ a: BigInt, _ b: BigInt, _ m: BigInt) -> BigInt {
    (try? a.multiplied(by: b, modulo: m)) ?? BigInt()
}

/// A Paillier ciphertext, bound to the modulus of the key it was made or checked under. Every
/// value of this type satisfies `0 < c < n²` and `gcd(c, n) = 1`: the only ways to get one are
/// encryption, homomorphic operations, and the checking constructors of ``PaillierPublicKey``.
public struct PaillierCiphertext: Sendable, Hashable {
    /// The ciphertext c.
    public let value: BigInt
    /// The modulus n of the key.
    let modulus: BigInt

    init(value: BigInt, modulus: BigInt) {
        self.value = value
        self.modulus = modulus
    }

    /// The ciphertext as a decimal string (python-paillier's `ciphertext()` value).
    public var decimal: String { value.description }

    /// Whether two ciphertexts are equal.
    public static func == (a: PaillierCiphertext, b: PaillierCiphertext) -> Bool { a.value == b.value && a.modulus == b.modulus }
    /// Hashes the ciphertext value.
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

/// Cryptographic randomness for Paillier from libsodium.
enum PaillierRandom {
    /// A uniform integer in `0..<bound` (bound > 0) by rejection sampling on `bound.bitCount` bits.
    static func below(_ bound: BigInt) -> BigInt {
        let bits = bound.bitCount
        let bytes = (bits + 7) / 8
        let excess = bytes * 8 - bits
        while true {
            var raw = SecureRandom.bytes(count: bytes)
            raw[0] &= UInt8(0xFF >> excess)
            let candidate = (try? BigInt(bigEndianMagnitude: raw)) ?? BigInt()
            for i in raw.indices { raw[i] = 0 }
            if candidate < bound { return candidate }
        }
    }

    /// A uniform unit of `ℤ/bound·ℤ` in `1..<bound` (gcd 1 with `bound`).
    static func unit(below bound: BigInt) -> BigInt {
        while true {
            let r = below(bound)
            if r.signum > 0 && r.gcd(bound) == BigInt(1) { return r }
        }
    }

    /// A random probable prime of exactly `bits` bits with its two top bits set (so a product of two
    /// such primes has exactly `2·bits` bits).
    static func prime(bits: Int) -> BigInt {
        precondition(bits >= 64 && bits % 8 == 0, "prime size must be a multiple of 8 bits, at least 64")
        while true {
            var raw = SecureRandom.bytes(count: bits / 8)
            raw[0] |= 0xC0
            raw[raw.count - 1] |= 1
            let start = (try? BigInt(bigEndianMagnitude: raw)) ?? BigInt()
            for i in raw.indices { raw[i] = 0 }
            guard let p = try? start.nextProbablePrime(), p.bitCount == bits, p.isProbablePrime(rounds: 40) else { continue }
            return p
        }
    }
}

/// Decimal strings as Paillier values are written in JSON.
enum PaillierDecimal {
    /// Decimal digits of the largest `bits`-bit number.
    static func maxDigits(bits: Int) -> Int { bits * 30103 / 100_000 + 1 }

    /// Parses a canonical non-negative decimal integer of at most `maxDigits` digits.
    static func parse(_ text: some StringProtocol, field: String, maxDigits: Int) throws(PaillierError) -> BigInt {
        let utf8 = text.utf8
        guard utf8.count <= maxDigits else { throw .decimalTooLong(field: field, length: utf8.count, limit: maxDigits) }
        guard let first = utf8.first, utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              first != 0x30 || utf8.count == 1 else { throw .malformedDecimal(field: field) }
        guard let value = try? BigInt(parsing: text) else { throw .malformedDecimal(field: field) }
        return value
    }
}
