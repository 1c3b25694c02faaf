import CGMP

// Modular arithmetic and primes for public-key cryptography (Paillier). Every function here bounds
// or checks what it passes to GMP, so outside values never make GMP abort.

extension BigInt {
    /// `self^exponent mod modulus` with GMP's side-channel-resistant `mpz_powm_sec`: the time and the
    /// memory access pattern depend only on the sizes of the operands, not their values. For secret
    /// exponents (and secret bases). The result is in `0..<modulus`.
    /// - Throws: `BigNumError.divisionByZero` for a zero modulus, `.negative` for a negative or even
    ///   modulus or a non-positive exponent (`mpz_powm_sec` needs an odd modulus and an exponent > 0),
    ///   `.resultTooLarge` when the modulus exceeds ``maxResultBits`` bits.
    public func powerSecure(_ exponent: BigInt, modulus: BigInt) throws(BigNumError) -> BigInt {
        if modulus.isZero { throw .divisionByZero }
        if modulus.isNegative || exponent.signum <= 0 { throw .negative }
        if modulus.read({ datafi_mpz_odd_p($0) }) == 0 { throw .negative }
        if modulus.bitCount > BigInt.maxResultBits { throw .resultTooLarge(limitBits: BigInt.maxResultBits) }
        // powm_sec wants a base in 0..<modulus for its fixed-size loop; reduce first.
        let base = (try? self.modulo(modulus)) ?? BigInt()
        return base.read { b in exponent.read { e in modulus.read { m in
            BigInt.computing(bits: modulus.bitCount) { __gmpz_powm_sec($0, b, e, m) }
        } } }
    }

    /// `(self · other) mod modulus`, in `0..<modulus`, computed in one result buffer (no intermediate
    /// value). Variable time.
    /// - Throws: `BigNumError.divisionByZero` for a zero modulus, `.negative` for a negative one.
    public func multiplied(by other: BigInt, modulo modulus: BigInt) throws(BigNumError) -> BigInt {
        if modulus.isZero { throw .divisionByZero }
        if modulus.isNegative { throw .negative }
        return read { a in other.read { b in modulus.read { m in
            BigInt.computing(bits: bitCount + other.bitCount) { r in
                __gmpz_mul(r, a, b)
                __gmpz_mod(r, r, m)
            }
        } } }
    }

    /// The inverse of `self` modulo `modulus` (in `1..<|modulus|`), or nil when none exists
    /// (`gcd(self, modulus) ≠ 1`, or `|modulus| ≤ 1`). Variable time: for public values, or values
    /// computed once at key set-up.
    public func inverse(modulo modulus: BigInt) -> BigInt? {
        if modulus.magnitude <= BigInt(1) { return nil }
        var ok: Int32 = 0
        let result = read { a in modulus.read { m in
            BigInt.computing(bits: modulus.bitCount) { ok = __gmpz_invert($0, a, m) }
        } }
        return ok != 0 ? result : nil
    }

    /// Whether the value is probably prime: GMP's `mpz_probab_prime_p` (trial division, a
    /// Baillie–PSW test, then `rounds − 24` Miller–Rabin rounds with random bases). A composite
    /// passes with probability below 4^−rounds. Values above 2^16384 are reported as not prime
    /// without testing (a bound on the work outside input can cause).
    public func isProbablePrime(rounds: Int = 40) -> Bool {
        if signum <= 0 || bitCount > 16_384 { return false }
        return read { __gmpz_probab_prime_p($0, Int32(Swift.max(1, Swift.min(rounds, 100)))) } > 0
    }

    /// The smallest probable prime greater than `self` (GMP's `mpz_nextprime`). For values from a
    /// trusted generator: the search length is unbounded in principle (prime gaps are small in
    /// practice). Values above 2^16384 are refused.
    /// - Throws: `BigNumError.resultTooLarge` above 16,384 bits.
    public func nextProbablePrime() throws(BigNumError) -> BigInt {
        if bitCount > 16_384 { throw .resultTooLarge(limitBits: 16_384) }
        return read { a in BigInt.computing(bits: bitCount + 1) { __gmpz_nextprime($0, a) } }
    }

    /// Overwrites the value's limbs (all allocated memory) with zeros when this value is the only
    /// holder of its storage, and sets it to zero. Call on secrets before they go out of scope.
    /// Storage shared with other copies is left to them (it is not wiped); temporaries GMP made while
    /// computing with the value are not wiped either.
    public mutating func wipe() {
        if isKnownUniquelyReferenced(&storage) {
            let z = storage.z
            let allocated = Int(z.pointee._mp_alloc)
            if allocated > 0, let limbs = z.pointee._mp_d {
                for i in 0..<allocated { limbs[i] = 0 }
            }
            z.pointee._mp_size = 0
        } else {
            self = BigInt()
        }
    }
}
