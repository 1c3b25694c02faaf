import CSodium
import DataFiBigNum
import DataFiSodium

/// Shamir secret sharing of 32-byte secrets over the prime field F_p, p = 2^256 + 297 (the
/// smallest prime above 2^256, so every 32-byte string is a field element), with GMP-backed
/// arithmetic (`BigInt`).
///
/// A secret is the constant term of a random polynomial of degree t − 1; share i is its value at
/// x = i (the holder's `ClientID`, never 0). Any t shares determine the secret; t − 1 shares are
/// independent of it. GMP's arithmetic is not constant time: the share values are secret, so the
/// timing of splitting and reconstruction may depend on them (the operations touch only the
/// holder's own shares and run once per round).
public enum Shamir {
    /// The field prime 2^256 + 297.
    public static let prime: BigInt = (BigInt(1) << 256) + BigInt(297)
    /// Encoded length of a field element (big-endian, fixed width).
    public static let elementLength = 33

    /// One share: the evaluation point and the polynomial's value there.
    public struct Share: Sendable, Equatable {
        /// The evaluation point (the holder's id), never 0.
        public let x: ClientID
        /// The value, `elementLength` big-endian bytes below `prime`.
        public let value: [UInt8]

        /// A share from its parts.
        /// - Throws: `SecAggError.invalidShare` unless `value` is 33 bytes encoding a number below
        ///   `prime`; `.invalidClientID` when `x` is 0.
        public init(x: ClientID, value: [UInt8]) throws(SecAggError) {
            guard x != 0 else { throw .invalidClientID(x) }
            guard value.count == Shamir.elementLength, Shamir.isCanonical(value) else { throw .invalidShare }
            self.x = x
            self.value = value
        }

        init(trustedX x: ClientID, value: [UInt8]) {
            self.x = x
            self.value = value
        }
    }

    static func isCanonical(_ bytes: [UInt8]) -> Bool {
        // Below p = 0x01 00…00 0129: first byte 0, or first byte 1 with the rest ≤ 0x…0128.
        if bytes[0] == 0 { return true }
        guard bytes[0] == 1 else { return false }
        for b in bytes[1..<31] where b != 0 { return false }
        return (UInt16(bytes[31]) << 8 | UInt16(bytes[32])) < 0x0129
    }

    static func encode(_ value: BigInt) -> [UInt8] {
        let magnitude = value.bigEndianMagnitude
        return [UInt8](repeating: 0, count: elementLength - magnitude.count) + magnitude
    }

    static func element(_ bytes: some Collection<UInt8>) -> BigInt {
        // At most 33 bytes: below BigInt.maxByteCount, so this cannot throw.
        (try? BigInt(bigEndianMagnitude: bytes)) ?? BigInt.zero
    }

    /// Splits a 32-byte secret into shares at the points `xs` (distinct, non-zero) so that any
    /// `threshold` of them reconstruct it. Coefficients come from libsodium's CSPRNG (48 random
    /// bytes reduced mod p each: bias below 2^-120).
    /// - Precondition: `secret` has 32 bytes, `xs` are distinct and non-zero, 1 ≤ threshold ≤ xs.count.
    public static func split(_ secret: SecureBytes, threshold: Int, at xs: [ClientID]) -> [Share] {
        precondition(secret.count == 32 && threshold >= 1 && threshold <= xs.count)
        let constant = secret.withUnsafeBytes { element($0) }
        // All random coefficients from one libsodium call: 48 bytes each, reduced mod p.
        let random = SecureRandom.bytes(count: 48 * (threshold - 1))
        var coefficients = [constant]
        for i in 0..<(threshold - 1) {
            coefficients.append((try? element(random[(48 * i)..<(48 * i + 48)]).modulo(prime)) ?? BigInt.zero)
        }
        return xs.map { x in
            precondition(x != 0)
            let bx = BigInt(x)
            // Horner's rule. x < 2^14, so 16 steps grow the value by at most 224 bits: reduce only
            // every 16 steps and at the end.
            var acc = BigInt.zero
            for (step, c) in coefficients.reversed().enumerated() {
                acc = acc * bx + c
                if step % 16 == 15 { acc = acc % prime }
            }
            return Share(trustedX: x, value: encode(acc % prime))
        }
    }

    /// Lagrange coefficients at x = 0 for the points `xs` (public values; variable time), with a
    /// single modular inversion for all denominators (Montgomery's batch trick).
    static func lagrangeAtZero(_ xs: [ClientID]) -> [BigInt] {
        let p = prime
        var numerators: [BigInt] = [], denominators: [BigInt] = []
        for xi in xs {
            var numerator = BigInt.one, denominator = BigInt.one
            for xj in xs where xj != xi {
                numerator = (numerator * BigInt(xj)) % p
                let diff = (try? (BigInt(xj) - BigInt(xi)).modulo(p)) ?? BigInt.one
                denominator = (denominator * diff) % p
            }
            numerators.append(numerator)
            denominators.append(denominator)
        }
        // prefix[i] = d_0 ⋯ d_{i−1}; one inversion of the full product, then walk back.
        var prefix = [BigInt.one]
        for d in denominators { prefix.append((prefix[prefix.count - 1] * d) % p) }
        var inverse = (try? prefix[prefix.count - 1].power(p - BigInt(2), modulus: p)) ?? BigInt.one
        var result = [BigInt](repeating: BigInt.zero, count: xs.count)
        for i in stride(from: xs.count - 1, through: 0, by: -1) {
            let inverseOfDi = (inverse * prefix[i]) % p
            inverse = (inverse * denominators[i]) % p
            result[i] = (numerators[i] * inverseOfDi) % p
        }
        return result
    }

    /// Reconstructs the 32-byte secret from exactly `threshold` shares with distinct points
    /// (extra shares are ignored; the first `threshold` are used).
    /// - Throws: `SecAggError.notEnoughShares` when fewer than `threshold` are given;
    ///   `.invalidShare` when the points repeat or the result is not a 32-byte value (the shares
    ///   are inconsistent).
    public static func reconstruct(_ shares: [Share], threshold: Int, owner: ClientID = 0) throws(SecAggError) -> SecureBytes {
        var failure: SecAggError?
        let out = SecureBytes(count: 32) { buffer in
            do throws(SecAggError) {
                try reconstruct(shares, threshold: threshold, owner: owner,
                                into: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self))
            } catch { failure = error }
        }
        if let failure { throw failure }
        return out
    }

    /// `reconstruct(_:threshold:owner:)` writing the 32-byte secret to `destination` (which is left
    /// untouched on a throw), so many secrets can share one secure allocation.
    static func reconstruct(_ shares: [Share], threshold: Int, owner: ClientID,
                            into destination: UnsafeMutablePointer<UInt8>) throws(SecAggError) {
        guard shares.count >= threshold, threshold >= 1 else {
            throw .notEnoughShares(client: owner, have: shares.count, need: threshold)
        }
        let used = Array(shares.prefix(threshold))
        guard Set(used.map(\.x)).count == used.count else { throw .invalidShare }
        let coefficients = lagrangeAtZero(used.map(\.x))
        var secret = BigInt.zero
        for (share, lambda) in zip(used, coefficients) {
            secret = (secret + element(share.value) * lambda) % prime
        }
        var bytes = secret.bigEndianMagnitude
        defer { sodium_memzero(&bytes, bytes.count) }
        guard bytes.count <= 32 else { throw .invalidShare }
        let pad = 32 - bytes.count
        destination.update(repeating: 0, count: pad)
        (destination + pad).update(from: bytes, count: bytes.count)
    }
}
