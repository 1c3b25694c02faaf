import DataFiRistretto

/// The Fiat–Shamir challenge of the sigma proofs below: the proof's domain label, its public points in
/// order under their labels, then the nonce commitment `R`.
private func sigmaChallenge(domain: String, _ publicPoints: KeyValuePairs<String, RistrettoPoint>,
                            nonce: RistrettoPoint, transcript: inout Transcript) -> Scalar {
    transcript.append(label: "dom-sep", Array(domain.utf8))
    for (label, point) in publicPoints { transcript.append(label: label, point) }
    transcript.append(label: "R", nonce)
    return transcript.challengeScalar(label: "c")
}

/// Decodes the 64-byte form R ‖ s shared by ``DiscreteLogProof`` and ``EqualityProof``.
/// - Throws: `ZKError.wrongLength`, `.invalidPoint` or `.nonCanonicalScalar`.
private func decodeNonceAndResponse(_ bytes: some Collection<UInt8>) throws(ZKError) -> (RistrettoPoint, Scalar) {
    guard bytes.count == 64 else { throw .wrongLength(expected: 64, actual: bytes.count) }
    var reader = ZKReader(Array(bytes))
    let nonceCommitment = try reader.point().ristretto
    let response = try reader.scalar()
    return (nonceCommitment, response)
}

/// Proof of knowledge of `x` with `P = x·B` (Schnorr, made non-interactive with a transcript).
/// Encoding: R (32 bytes) ‖ s (32 bytes).
public struct DiscreteLogProof: Sendable, Equatable {
    /// The prover's nonce commitment `R = k·B`.
    public let nonceCommitment: RistrettoPoint
    /// The response `s = k + c·x`.
    public let response: Scalar

    /// The encoded size in bytes.
    public static let byteCount = 64

    /// Proves knowledge of `secret` for `publicPoint = secret·base`. Constant time in the secret (libsodium).
    public static func prove(secret: Scalar, base: RistrettoPoint = .generator,
                             transcript: inout Transcript) -> DiscreteLogProof {
        let publicPoint = secret * base
        let k = Scalar.random()
        let r = k * base
        let c = challenge(base: base, publicPoint: publicPoint, nonce: r, transcript: &transcript)
        return DiscreteLogProof(nonceCommitment: r, response: k + c * secret)
    }

    /// True when the proof shows knowledge of log_base(publicPoint). Variable time (public data only).
    public func verify(publicPoint: RistrettoPoint, base: RistrettoPoint = .generator,
                       transcript: inout Transcript) -> Bool {
        let c = Self.challenge(base: base, publicPoint: publicPoint, nonce: nonceCommitment, transcript: &transcript)
        return response * base == nonceCommitment + c * publicPoint
    }

    private static func challenge(base: RistrettoPoint, publicPoint: RistrettoPoint, nonce: RistrettoPoint,
                                  transcript: inout Transcript) -> Scalar {
        sigmaChallenge(domain: "schnorr-dlog v1", ["B": base, "P": publicPoint], nonce: nonce, transcript: &transcript)
    }

    /// The 64-byte encoding.
    public var bytes: [UInt8] { nonceCommitment.encoded + response.bytes }

    /// Decodes 64 bytes.
    /// - Throws: `ZKError.wrongLength`, `.invalidPoint` or `.nonCanonicalScalar`.
    public init(bytes: some Collection<UInt8>) throws(ZKError) {
        (nonceCommitment, response) = try decodeNonceAndResponse(bytes)
    }

    private init(nonceCommitment: RistrettoPoint, response: Scalar) {
        self.nonceCommitment = nonceCommitment
        self.response = response
    }
}

/// Proof of knowledge of an opening (v, r) of a Pedersen commitment `C = v·g + r·h`.
/// Encoding: R (32) ‖ s_v (32) ‖ s_r (32).
public struct OpeningProof: Sendable, Equatable {
    /// `R = a·g + b·h` for random a, b.
    public let nonceCommitment: RistrettoPoint
    /// `s_v = a + c·v`.
    public let valueResponse: Scalar
    /// `s_r = b + c·r`.
    public let blindingResponse: Scalar

    /// The encoded size in bytes.
    public static let byteCount = 96

    /// Proves knowledge of `value` and `blinding` behind `commitment`. Constant time in the secrets.
    public static func prove(value: Scalar, blinding: Scalar, commitment: PedersenCommitment,
                             transcript: inout Transcript) -> OpeningProof {
        let pc = PedersenGenerators.standard
        let a = Scalar.random(), b = Scalar.random()
        let r = a * pc.g + b * pc.h
        let c = challenge(commitment: commitment, nonce: r, transcript: &transcript)
        return OpeningProof(nonceCommitment: r, valueResponse: a + c * value, blindingResponse: b + c * blinding)
    }

    /// True when the proof shows knowledge of an opening of `commitment`.
    public func verify(commitment: PedersenCommitment, transcript: inout Transcript) -> Bool {
        let pc = PedersenGenerators.standard
        let c = Self.challenge(commitment: commitment, nonce: nonceCommitment, transcript: &transcript)
        return valueResponse * pc.g + blindingResponse * pc.h == nonceCommitment + c * commitment.point
    }

    private static func challenge(commitment: PedersenCommitment, nonce: RistrettoPoint,
                                  transcript: inout Transcript) -> Scalar {
        sigmaChallenge(domain: "pedersen-opening v1", ["C": commitment.point], nonce: nonce, transcript: &transcript)
    }

    /// The 96-byte encoding.
    public var bytes: [UInt8] { nonceCommitment.encoded + valueResponse.bytes + blindingResponse.bytes }

    /// Decodes 96 bytes.
    /// - Throws: `ZKError.wrongLength`, `.invalidPoint` or `.nonCanonicalScalar`.
    public init(bytes: some Collection<UInt8>) throws(ZKError) {
        guard bytes.count == Self.byteCount else { throw .wrongLength(expected: Self.byteCount, actual: bytes.count) }
        var reader = ZKReader(Array(bytes))
        nonceCommitment = try reader.point().ristretto
        valueResponse = try reader.scalar()
        blindingResponse = try reader.scalar()
    }

    private init(nonceCommitment: RistrettoPoint, valueResponse: Scalar, blindingResponse: Scalar) {
        self.nonceCommitment = nonceCommitment
        self.valueResponse = valueResponse
        self.blindingResponse = blindingResponse
    }
}

/// Proof that two Pedersen commitments hide the same value: knowledge of Δ with `C1 − C2 = Δ·h`.
/// Encoding: R (32) ‖ s (32).
public struct EqualityProof: Sendable, Equatable {
    /// `R = k·h`.
    public let nonceCommitment: RistrettoPoint
    /// `s = k + c·(r1 − r2)`.
    public let response: Scalar

    /// The encoded size in bytes.
    public static let byteCount = 64

    /// Proves that `first = v·g + firstBlinding·h` and `second = v·g + secondBlinding·h` share v.
    /// Constant time in the blindings.
    public static func prove(firstBlinding: Scalar, secondBlinding: Scalar, first: PedersenCommitment,
                             second: PedersenCommitment, transcript: inout Transcript) -> EqualityProof {
        let h = PedersenGenerators.standard.h
        let k = Scalar.random()
        let r = k * h
        let c = challenge(first: first, second: second, nonce: r, transcript: &transcript)
        return EqualityProof(nonceCommitment: r, response: k + c * (firstBlinding - secondBlinding))
    }

    /// True when the proof shows `first` and `second` commit to the same value.
    public func verify(first: PedersenCommitment, second: PedersenCommitment, transcript: inout Transcript) -> Bool {
        let h = PedersenGenerators.standard.h
        let c = Self.challenge(first: first, second: second, nonce: nonceCommitment, transcript: &transcript)
        return response * h == nonceCommitment + c * (first.point - second.point)
    }

    private static func challenge(first: PedersenCommitment, second: PedersenCommitment, nonce: RistrettoPoint,
                                  transcript: inout Transcript) -> Scalar {
        sigmaChallenge(domain: "pedersen-equality v1", ["C1": first.point, "C2": second.point], nonce: nonce,
                       transcript: &transcript)
    }

    /// The 64-byte encoding.
    public var bytes: [UInt8] { nonceCommitment.encoded + response.bytes }

    /// Decodes 64 bytes.
    /// - Throws: `ZKError.wrongLength`, `.invalidPoint` or `.nonCanonicalScalar`.
    public init(bytes: some Collection<UInt8>) throws(ZKError) {
        (nonceCommitment, response) = try decodeNonceAndResponse(bytes)
    }

    private init(nonceCommitment: RistrettoPoint, response: Scalar) {
        self.nonceCommitment = nonceCommitment
        self.response = response
    }
}
