import CCurveVector
import CSodium
import DataFiRistretto
import DataFiSodium

// Ed25519 batch verification with exactly the acceptance set of libsodium's single verification.
//
// libsodium's `crypto_sign_verify_detached` is cofactorless: it accepts (A, M, R‖S) when S < ℓ, R is not
// one of the small-order encodings, A is canonical and not of small order, and the canonical encoding of
// [S]B − [h]A equals the 32 bytes R, with h = SHA-512(R‖A‖M) mod ℓ. Writing D = R + [h]A − [S]B, it accepts
// exactly when D is the identity. A random linear combination Σ z·D = 0 with 128-bit z proves every D = 0
// only for the part of D in the prime-order subgroup: a torsion part T of D cancels whenever z·T = 0,
// which for a T of order 2 happens for every even z — so a plain batch would accept, half the time, a
// signature whose R carries a torsion component, one that libsodium always rejects (Chalkias et al.,
// "Taming the many EdDSAs", 2020). The batch path therefore takes only signatures whose D cannot carry
// torsion: A in the prime-order subgroup (guaranteed by `Signing.PublicKey`, whose initializer checks
// it) and R a canonical point of the prime-order subgroup (`crypto_core_ed25519_is_valid_point`). Every
// other signature, and every signature of a batch whose combined equation fails, is checked on its own
// with `crypto_sign_verify_detached`. All data here is public; the code runs in variable time.

/// Ed25519 batch verification: accepts exactly the signatures `Signing.PublicKey.isValidSignature(_:for:)`
/// (libsodium's `crypto_sign_verify_detached`) accepts, checking the well-formed ones of a batch with one
/// multiscalar multiplication.
///
/// The verification equations of the batch are combined with random 128-bit coefficients, as in
/// ed25519-dalek's `verify_batch`, and the sum is checked with one variable-time multiscalar
/// multiplication (public data only). Signatures whose R is not a canonical point of the prime-order
/// subgroup, or whose S is not reduced, never enter the combination: they are checked singly, so that a
/// torsion component cannot cancel out (see "Taming the many EdDSAs", Chalkias et al. 2020). When the
/// combined equation fails, each signature is checked singly, so one bad signature is found and the
/// others still pass.
///
/// Speed: on a vector backend (`CurveBackend`) R and A are decoded four at a time and each R's subgroup
/// check, a multiplication by ℓ, runs on four points at once, one per lane; a batch of 64 takes about
/// 0.41× the time of 64 single verifications with AVX-512 IFMA and 0.64× with AVX2. On the serial
/// backend libsodium's subgroup check would cost most of a verification per R, so each signature is
/// checked on its own there (BENCHMARKS.md).
///
/// ```swift
/// let key = Signing.PrivateKey()
/// let messages: [[UInt8]] = [Array("a".utf8), Array("b".utf8)]
/// let items = messages.map {
///     Ed25519BatchVerification.Item(publicKey: key.publicKey, message: $0, signature: key.signature(for: $0))
/// }
/// let valid = Ed25519BatchVerification.verify(items)  // [true, true]
/// ```
public enum Ed25519BatchVerification {
    /// One signature to check: the signer's key, the signed bytes and the 64-byte signature.
    public struct Item: Sendable {
        /// The signer's key.
        public var publicKey: Signing.PublicKey
        /// The signed message.
        public var message: [UInt8]
        /// The signature; any length other than 64 bytes is simply invalid.
        public var signature: [UInt8]

        /// An item to verify.
        /// - Parameters:
        ///   - publicKey: the signer's key.
        ///   - message: the signed message.
        ///   - signature: the 64-byte signature (R ‖ S).
        public init(publicKey: Signing.PublicKey, message: [UInt8], signature: [UInt8]) {
            self.publicKey = publicKey
            self.message = message
            self.signature = signature
        }
    }

    /// Whether each signature is valid, in order; the same answers as
    /// `Signing.PublicKey.isValidSignature(_:for:)` on each item.
    /// - Parameter items: the signatures; any number (an empty batch gives an empty answer).
    /// - Returns: one verdict per item.
    public static func verify(_ items: [Item]) -> [Bool] {
        var generator = SodiumRandomNumberGenerator()
        return verify(items, using: &generator)
    }

    /// Whether every signature of `items` is valid (true for an empty batch).
    /// - Parameter items: the signatures.
    /// - Returns: true when all are valid.
    public static func allValid(_ items: [Item]) -> Bool { !verify(items).contains(false) }

    /// `verify(_:)` with the random coefficients drawn from `generator`, which must be unpredictable to
    /// whoever chose the signatures (a deterministic generator is for tests only), on the curve backend
    /// `backend` (tests force each supported one).
    static func verify<G: RandomNumberGenerator>(
        _ items: [Item], backend: CurveBackend = .current, using generator: inout G
    ) -> [Bool] {
        SodiumRuntime.ensureInitialized()
        // Without a vector backend the exact subgroup check of each R (libsodium's) costs most of a
        // verification, and checking one by one is faster.
        guard VectorMSM.code(backend) != nil else { return items.map(single) }
        var verdicts = [Bool](repeating: false, count: items.count)
        let points = decode(
            items.map { $0.signature.count == 64 ? Array($0.signature[0..<32]) : nil }, primeOrder: true, backend)
        var batched = [Int]()
        var prepared = [Prepared]()
        batched.reserveCapacity(items.count)
        prepared.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            if let r = points[index], let p = Prepared(item, r: r) {
                batched.append(index)
                prepared.append(p)
            } else {
                verdicts[index] = single(item)
            }
        }
        guard !batched.isEmpty else { return verdicts }
        if batched.count == 1 || !equationHolds(prepared, backend: backend, using: &generator) {
            // A failed combination says some signature is bad, not which: check each on its own.
            for index in batched { verdicts[index] = single(items[index]) }
        } else {
            for index in batched { verdicts[index] = true }
        }
        return verdicts
    }

    /// libsodium's single verification.
    static func single(_ item: Item) -> Bool { item.publicKey.isValidSignature(item.signature, for: item.message) }

    /// Each 32-byte Ed25519 encoding (nil: none) decoded, or nil when it does not decode; with
    /// `primeOrder`, also nil unless the point has order ℓ. The vector backends decode four points at a
    /// time and multiply them by ℓ lane-wise; otherwise libsodium's `crypto_core_ed25519_is_valid_point`
    /// decides the order.
    static func decode(_ encodings: [[UInt8]?], primeOrder: Bool, _ backend: CurveBackend) -> [EdwardsPoint?] {
        if let code = VectorMSM.code(backend) {
            let flat = encodings.flatMap { $0 ?? [UInt8](repeating: 0, count: 32) }  // a placeholder, answer ignored
            var coordinates = [UInt64](repeating: 0, count: 20 * encodings.count)
            var valid = [UInt8](repeating: 0, count: encodings.count)
            let status = datafi_cv_ed25519_decode_points(
                code, encodings.count, flat, primeOrder ? 1 : 0, &coordinates, &valid)
            if status == 0 {
                return (0..<encodings.count).map { i in
                    guard encodings[i] != nil, valid[i] == 1 else { return nil }
                    return VectorMSM.point(Array(coordinates[(20 * i)..<(20 * i + 20)]))
                }
            }
        }
        return encodings.map { bytes in
            guard let bytes, !primeOrder || crypto_core_ed25519_is_valid_point(bytes) == 1 else { return nil }
            return EdwardsPoint(ed25519: bytes)
        }
    }

    /// A signature that may enter the combination: S reduced, R a canonical point of the prime-order
    /// subgroup (so D = R + [h]A − [S]B has no torsion part, A being a checked `Signing.PublicKey`).
    struct Prepared {
        let r: EdwardsPoint
        let key: [UInt8]
        let h: Scalar
        let s: Scalar

        /// `r`: the signature's R, already checked to be of order ℓ.
        init?(_ item: Item, r: EdwardsPoint) {
            let sig = item.signature
            guard sig.count == 64, let s = try? Scalar(canonicalBytes: sig[32..<64]) else { return nil }
            let key = item.publicKey.rawRepresentation
            var hashed = [UInt8](repeating: 0, count: 64)
            var state = crypto_hash_sha512_state()
            crypto_hash_sha512_init(&state)
            sig.withUnsafeBufferPointer { _ = crypto_hash_sha512_update(&state, $0.baseAddress, 32) }
            crypto_hash_sha512_update(&state, key, 32)
            item.message.withUnsafeBufferPointer { m in
                _ = crypto_hash_sha512_update(&state, m.baseAddress, UInt64(m.count))
            }
            crypto_hash_sha512_final(&state, &hashed)
            guard let h = try? Scalar(reducing: hashed) else { return nil }
            self.r = r
            self.key = key
            self.h = h
            self.s = s
        }
    }

    /// Whether Σ z_i·(R_i + [h_i]A_i − [S_i]B) is the identity for random 128-bit z_i. Signatures of one
    /// key share its term: Σ_i (z_i·h_i)·A.
    static func equationHolds<G: RandomNumberGenerator>(
        _ batch: [Prepared], backend: CurveBackend, using generator: inout G
    ) -> Bool {
        var scalars = [[UInt8]]()
        var tables = [OddMultiples]()
        scalars.reserveCapacity(batch.count + 8)
        tables.reserveCapacity(batch.count + 8)
        var keyIndex: [[UInt8]: Int] = [:]
        var keyScalars = [Scalar]()
        var keyBytes = [[UInt8]]()
        var sSum = Scalar.zero
        for item in batch {
            var zBytes = [UInt8](repeating: 0, count: 32)
            let lo = generator.next(), hi = generator.next()
            for k in 0..<8 {
                zBytes[k] = UInt8(truncatingIfNeeded: lo >> (8 * UInt64(k)))
                zBytes[8 + k] = UInt8(truncatingIfNeeded: hi >> (8 * UInt64(k)))
            }
            // Below 2^128 < ℓ, so canonical.
            guard let z = try? Scalar(canonicalBytes: zBytes) else { return false }
            scalars.append(zBytes)
            tables.append(OddMultiples(item.r))
            sSum += z * item.s
            if let k = keyIndex[item.key] {
                keyScalars[k] += z * item.h
            } else {
                keyIndex[item.key] = keyScalars.count
                keyScalars.append(z * item.h)
                keyBytes.append(item.key)
            }
        }
        for (k, key) in decode(keyBytes, primeOrder: false, backend).enumerated() {
            // A checked `Signing.PublicKey` always decodes; refuse the shortcut if it somehow does not.
            guard let a = key else { return false }
            scalars.append(keyScalars[k].bytes)
            tables.append(OddMultiples(a))
        }
        scalars.append((-sSum).bytes)
        tables.append(basepointTable)
        return VartimeMSM.straus(scalars: scalars, tables: tables, backend: backend).isIdentity
    }

    /// The Ed25519 base point B (RFC 8032), width-6 odd multiples, normalized.
    static let basepointTable: OddMultiples = {
        var encoding = [UInt8](repeating: 0x66, count: 32)
        encoding[0] = 0x58
        // The fixed encoding above decodes; a failure would be a bug caught by the tests at once.
        let b = EdwardsPoint(ed25519: encoding) ?? .identity
        return OddMultiples(b, count: 16).normalized()
    }()
}

extension EdwardsPoint {
    /// Decodes an Ed25519 point encoding (RFC 8032 §5.1.3), rejecting y ≥ p and x = 0 with the sign bit
    /// set; nil when not on the curve. Variable time (public data).
    init?(ed25519 bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        let y = bytes.withUnsafeBytes { FieldElement(bytes: $0) }
        let sign = bytes[31] >> 7
        var masked = bytes
        masked[31] &= 0x7f
        guard y.bytes == masked else { return nil }
        let yy = y.squared()
        let u = yy - .one
        let v = FieldElement.d * yy + .one
        let (wasSquare, root) = FieldElement.sqrtRatioM1(u, v)
        guard wasSquare == 1 else { return nil }
        if root.isZero == 1 && sign == 1 { return nil }
        let x = root.isNegative == sign ? root : -root
        self.init(x: x, y: y, z: .one, t: x * y)
    }

    /// Whether this is the neutral element (0, 1) exactly (not merely equal up to torsion).
    var isIdentity: Bool { x.isZero == 1 && y.ctEquals(z) == 1 }

    /// The Ed25519 encoding: y with the sign of x in the top bit.
    var ed25519Bytes: [UInt8] {
        let zInverse = z.inverted()
        var out = (y * zInverse).bytes
        out[31] |= (x * zInverse).isNegative << 7
        return out
    }
}
