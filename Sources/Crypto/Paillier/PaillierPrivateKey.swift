import DataFiBigNum
import Foundation

/// The secret factors and CRT constants of a private key. Their limbs are overwritten with zeros
/// when the last copy of the key goes away (GMP's temporaries are not).
final class PaillierSecrets: @unchecked Sendable {
    // Immutable after init; wiped only in deinit, when no other reference exists.
    var p, q, pSquared, qSquared, pMinusOne, qMinusOne, hp, hq, qInverseModP: BigInt
    var qSquaredInverseModPSquared: BigInt

    init(p: BigInt, q: BigInt) {
        self.p = p
        self.q = q
        pSquared = p * p
        qSquared = q * q
        pMinusOne = p - BigInt(1)
        qMinusOne = q - BigInt(1)
        // L_p(g^(p−1) mod p²) = (p − 1)·q ≡ −q (mod p) for g = n + 1; hp is its inverse.
        hp = ((try? (pMinusOne * q).modulo(p))?.inverse(modulo: p)) ?? BigInt(1)
        hq = ((try? (qMinusOne * p).modulo(q))?.inverse(modulo: q)) ?? BigInt(1)
        qInverseModP = q.inverse(modulo: p) ?? BigInt(1)
        qSquaredInverseModPSquared = qSquared.inverse(modulo: pSquared) ?? BigInt(1)
    }

    deinit {
        p.wipe(); q.wipe(); pSquared.wipe(); qSquared.wipe(); pMinusOne.wipe(); qMinusOne.wipe()
        hp.wipe(); hq.wipe(); qInverseModP.wipe(); qSquaredInverseModPSquared.wipe()
    }
}

/// A Paillier private key: the factors p and q of n, with CRT decryption.
///
/// Decryption and key-holder encryption exponentiate with secret exponents through GMP's
/// side-channel-resistant `mpz_powm_sec`. JSON: `{"n": …, "p": …, "q": …}` as decimal strings, the
/// same numbers as python-paillier's `PaillierPrivateKey.p`/`.q`. Store it with mode 0600.
public struct PaillierPrivateKey: Sendable {
    /// Key sizes (bits of n) that ``generate(bits:)`` produces; 2048 is the default.
    public static let supportedBits = [1024, 2048, 3072, 4096]

    /// The matching public key.
    public let publicKey: PaillierPublicKey
    let secrets: PaillierSecrets

    /// A fresh key with an n of exactly `bits` bits: two primes of `bits/2` bits each, with their top
    /// two bits set, from GMP's `mpz_nextprime` started at a point drawn from libsodium's generator,
    /// each confirmed by `mpz_probab_prime_p` with 40 rounds.
    /// - Throws: `PaillierError.unsupportedKeySize` unless `bits` is in ``supportedBits``.
    public static func generate(bits: Int = 2048) throws(PaillierError) -> PaillierPrivateKey {
        guard supportedBits.contains(bits) else { throw .unsupportedKeySize(bits: bits) }
        while true {
            let p = PaillierRandom.prime(bits: bits / 2)
            let q = PaillierRandom.prime(bits: bits / 2)
            if let key = try? PaillierPrivateKey(p: p, q: q, checkPrimality: false), key.publicKey.bits == bits {
                return key
            }
        }
    }

    /// A key from its factors.
    /// - Throws: `PaillierError.invalidFactors` unless p and q are distinct odd probable primes with
    ///   `gcd(pq, (p − 1)(q − 1)) = 1`; `.modulusSize` when `pq` is outside the accepted sizes.
    public init(p: BigInt, q: BigInt) throws(PaillierError) {
        try self.init(p: p, q: q, checkPrimality: true)
    }

    init(p: BigInt, q: BigInt, checkPrimality: Bool) throws(PaillierError) {
        guard p.signum > 0, q.signum > 0, p != q,
              p.bitCount <= PaillierPublicKey.maximumBits, q.bitCount <= PaillierPublicKey.maximumBits else {
            throw .invalidFactors
        }
        let n = p * q
        let publicKey = try PaillierPublicKey(n: n)
        guard p.bitCount > 2, q.bitCount > 2 else { throw .invalidFactors }
        if checkPrimality { guard p.isProbablePrime(rounds: 40), q.isProbablePrime(rounds: 40) else { throw .invalidFactors } }
        guard n.gcd((p - BigInt(1)) * (q - BigInt(1))) == BigInt(1) else { throw .invalidFactors }
        self.publicKey = publicKey
        secrets = PaillierSecrets(p: p, q: q)
    }

    /// The factor p (secret).
    public var p: BigInt { secrets.p }
    /// The factor q (secret).
    public var q: BigInt { secrets.q }

    /// Decrypts a ciphertext to its plaintext in `0..<n` by CRT: `m_p = L_p(c^(p−1) mod p²)·h_p mod p`,
    /// likewise mod q, then recombination.
    /// - Throws: `PaillierError.keyMismatch` for a ciphertext under another key.
    public func decrypt(_ c: PaillierCiphertext) throws(PaillierError) -> BigInt {
        try publicKey.check(c)
        let s = secrets
        let mp = part(c.value, prime: s.p, square: s.pSquared, exponent: s.pMinusOne, h: s.hp)
        let mq = part(c.value, prime: s.q, square: s.qSquared, exponent: s.qMinusOne, h: s.hq)
        // m = mq + q·((mp − mq)·q⁻¹ mod p)
        let u = mulmod(((try? (mp - mq).modulo(s.p)) ?? BigInt()), s.qInverseModP, s.p)
        return mq + s.q * u
    }

    /// Decrypts to a signed integer with python-paillier's convention (`m > n − ⌊n/3⌋` is negative).
    /// - Throws: `PaillierError.keyMismatch`, `.signedOverflow` for a value between the two ranges.
    public func decryptSigned(_ c: PaillierCiphertext) throws(PaillierError) -> BigInt {
        let m = try decrypt(c)
        let n = publicKey.n, max = publicKey.maxSignedMagnitude
        if m <= max { return m }
        if m >= n - max { return m - n }
        throw .signedOverflow
    }

    /// Checks and decrypts a decimal ciphertext from outside.
    /// - Throws: the errors of ``PaillierPublicKey/ciphertext(decimal:field:)``.
    public func decrypt(decimal text: some StringProtocol) throws(PaillierError) -> BigInt {
        try decrypt(publicKey.ciphertext(decimal: text))
    }

    /// Encrypts with knowledge of the factors: the same distribution as public-key encryption, about
    /// three times faster. `rⁿ mod n²` is built by CRT from `y_p^p mod p²` and `y_q^q mod q²` for
    /// uniform `y_p ∈ [1, p)`, `y_q ∈ [1, q)` (each a uniform element of the order-(p − 1) subgroup,
    /// the n-th residues mod p²), with `mpz_powm_sec` since the exponents are secret.
    /// - Throws: `PaillierError.plaintextOutOfRange` outside `0..<n`.
    public func encrypt(_ plaintext: BigInt) throws(PaillierError) -> PaillierCiphertext {
        let pk = publicKey
        guard !plaintext.isNegative, plaintext < pk.n else { throw .plaintextOutOfRange }
        return PaillierCiphertext(value: mulmod(pk.one(plusTimesN: plaintext), obfuscator(), pk.nSquared), modulus: pk.n)
    }

    /// Key-holder encryption of a 64-bit signed integer (python-paillier's encoding for negatives).
    public func encrypt(_ plaintext: Int64) -> PaillierCiphertext {
        let m = plaintext < 0 ? publicKey.n + BigInt(plaintext) : BigInt(plaintext)
        return (try? encrypt(m)) ?? PaillierCiphertext(value: BigInt(1), modulus: publicKey.n)
    }

    /// A uniform n-th residue mod n² by CRT (see ``encrypt(_:)-(BigInt)``).
    func obfuscator() -> BigInt {
        let s = secrets
        let yp = PaillierRandom.unit(below: s.p), yq = PaillierRandom.unit(below: s.q)
        let rp = (try? yp.powerSecure(s.p, modulus: s.pSquared)) ?? BigInt(1)
        let rq = (try? yq.powerSecure(s.q, modulus: s.qSquared)) ?? BigInt(1)
        // r = rq + q²·((rp − rq)·(q²)⁻¹ mod p²)
        let t = mulmod((try? (rp - rq).modulo(s.pSquared)) ?? BigInt(), s.qSquaredInverseModPSquared, s.pSquared)
        return rq + s.qSquared * t
    }

    private func part(_ c: BigInt, prime: BigInt, square: BigInt, exponent: BigInt, h: BigInt) -> BigInt {
        let reduced = (try? c.modulo(square)) ?? BigInt()
        let x = (try? reduced.powerSecure(exponent, modulus: square)) ?? BigInt(1)
        let l = (x - BigInt(1)) / prime
        return mulmod(l, h, prime)
    }
}

// MARK: - JSON

extension PaillierPublicKey: Codable {
    enum CodingKeys: String, CodingKey { case n }

    /// Reads `{"n": "<decimal>"}`; the decimal is length-checked before parsing.
    /// - Throws: `PaillierError` (wrapped by the decoder) for a malformed or unacceptable modulus.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .n)
        try self.init(n: PaillierDecimal.parse(text, field: "n", maxDigits: PaillierDecimal.maxDigits(bits: PaillierPublicKey.maximumBits)))
    }

    /// Writes `{"n": "<decimal>"}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(n.description, forKey: .n)
    }

    /// The key as JSON bytes.
    public var jsonData: Data { (try? JSONEncoder().encode(self)) ?? Data() }

    /// Reads a public key from JSON (at most 16 KiB); a private key's JSON gives its public part.
    /// - Throws: `PaillierError.malformedJSON` or the key checks' errors.
    public init(json: some Collection<UInt8>) throws(PaillierError) {
        let fields = try PaillierJSON.fields(json, required: ["n"])
        try self.init(n: PaillierDecimal.parse(fields["n"] ?? "", field: "n",
                                               maxDigits: PaillierDecimal.maxDigits(bits: PaillierPublicKey.maximumBits)))
    }
}

extension PaillierPrivateKey {
    /// The key as JSON `{"n": …, "p": …, "q": …}` (secret).
    public var jsonData: Data {
        let object = ["n": publicKey.n.description, "p": p.description, "q": q.description]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    /// Reads a private key from JSON (at most 16 KiB) and checks it: p·q = n, distinct probable primes.
    /// - Throws: `PaillierError.malformedJSON`, `.malformedDecimal`, `.decimalTooLong`, `.invalidFactors`,
    ///   `.modulusSize`.
    public init(json: some Collection<UInt8>) throws(PaillierError) {
        let fields = try PaillierJSON.fields(json, required: ["n", "p", "q"])
        let limit = PaillierDecimal.maxDigits(bits: PaillierPublicKey.maximumBits)
        let n = try PaillierDecimal.parse(fields["n"] ?? "", field: "n", maxDigits: limit)
        let p = try PaillierDecimal.parse(fields["p"] ?? "", field: "p", maxDigits: limit)
        let q = try PaillierDecimal.parse(fields["q"] ?? "", field: "q", maxDigits: limit)
        try self.init(p: p, q: q)
        guard publicKey.n == n else { throw .invalidFactors }
    }
}

enum PaillierJSON {
    static let maxBytes = 16 << 10

    /// The string fields of a JSON object; every `required` name must be present as a string.
    static func fields(_ json: some Collection<UInt8>, required: [String]) throws(PaillierError) -> [String: String] {
        guard json.count <= maxBytes else { throw .malformedJSON(reason: "larger than \(maxBytes) bytes") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
            throw .malformedJSON(reason: "not a JSON object")
        }
        var out: [String: String] = [:]
        for name in required {
            guard let value = object[name] as? String else { throw .malformedJSON(reason: "field \"\(name)\" missing or not a string") }
            out[name] = value
        }
        return out
    }
}

extension PaillierPrivateKey: CustomStringConvertible, CustomReflectable {
    /// The public part only: printing or dumping a private key never shows its factors.
    public var description: String { "PaillierPrivateKey(\(publicKey.bits) bits, secret factors hidden)" }
    /// A mirror without the secret factors.
    public var customMirror: Mirror { Mirror(self, children: ["publicKey": publicKey], displayStyle: .struct) }
}
