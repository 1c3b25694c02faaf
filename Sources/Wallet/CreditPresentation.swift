import DataFiRistretto
import DataFiSodium
import DataFiZK

/// A holder's proof to one verifier that the score in a ``CreditCredential`` satisfies a
/// ``ScoreStatement`` ("score ≥ t", "score ≤ u", or both), without revealing the score.
///
/// ## Construction
///
/// Let `C = s·g + r·h` be the credential's commitment, `t` a lower and `u` an upper bound, `c` the
/// verifier's fresh challenge (16-64 random bytes) and `n = 32`.
///
/// 1. **Shifted commitments.** For "score ≥ t" the statement commitment is `C − t·g`, which opens to
///    `s − t` with the same blinding `r`. For "score ≤ u" it is `u·g − C`, which opens to `u − s` with
///    blinding `−r`. Both are computed by the verifier from the signed `C`; the prover sends none.
/// 2. **Transcript.** A Merlin transcript labelled `DataFi.CreditMe.presentation.v1` absorbs, in
///    order: `credential` = the credential's canonical encoding (commitment, holder key, scorer key,
///    score width, model id, expiry and the scorer's signature), `challenge` = c, `bounds` = one
///    byte (bit 0: lower bound present, bit 1: upper bound present), then `at-least` = t and/or
///    `at-most` = u as 8-byte little-endian integers.
/// 3. **Range proof.** From that transcript state, one Bulletproofs range proof (`RangeProof`,
///    aggregated over the one or two statement commitments, lower first) shows every statement
///    commitment opens to a value in [0, 2^32).
/// 4. **Holder binding.** From the same transcript state (step 2), the transcript absorbs
///    `range-proof` = the proof's bytes and squeezes 64 bytes `b` under the label `holder-binding`.
///    The holder signs `"DataFi.CreditMe.holder-binding.v1" ‖ b` with the Ed25519 key the credential
///    names as holder.
///
/// The verifier checks that the credential is signed by the scorer it trusts, that `now < expires`,
/// recomputes the transcript and the statement commitments, and verifies the holder's signature
/// and the range proof.
///
/// ## Why it is sound
///
/// * **No wrap-around.** The scorer commits to an integer `0 ≤ s < 2^32` and the bounds are integers
///   in the same range. If `s < t`, the value behind `C − t·g` is `s − t mod ℓ = ℓ − (t − s)` with
///   `1 ≤ t − s < 2^32`, so it lies in `[ℓ − 2^32, ℓ − 1]`; since ℓ ≈ 2^252, no value of
///   `[0, 2^32)` is congruent to it, and by the binding of Pedersen commitments (log_g h unknown) and
///   the soundness of Bulletproofs no proof for `[0, 2^32)` exists. The same holds for `u − s` when
///   `s > u`. An honest holder always can prove a true statement, since then `0 ≤ s − t ≤ s < 2^32`
///   (and `0 ≤ u − s < 2^32`). The scorer is trusted to commit to an in-range score: it signs `C`.
/// * **No replay to another verifier.** The challenge enters the transcript before every
///   Fiat–Shamir challenge of the range proof and the signed binding value, so a presentation made
///   for one challenge verifies for no other.
/// * **No use by someone else.** Knowing the opening is not enough (the scorer knows it too): the
///   holder's signature over the transcript output proves possession of the wallet's key, and the
///   credential, whose holder field the scorer signed, says which key that must be.
/// * **No mix-and-match.** The credential (with its signature), the bounds and the proof all enter
///   the transcript, so changing any of them changes every challenge and the signed value.
///
/// ## Encoding
///
/// ```
/// text   "DataFi.CreditMe.presentation.v1"
/// 2      credential length (big-endian), then the credential's canonical encoding
/// 1      bounds flags (bit 0 lower, bit 1 upper)
/// 8      lower bound (big-endian), if present
/// 8      upper bound (big-endian), if present
/// 2      range proof length (big-endian), then the proof (608 bytes for one bound, 672 for two)
/// 64     holder signature
/// ```
public struct CreditPresentation: Sendable, Equatable {
    /// The credential the claim is about.
    public let credential: CreditCredential
    /// The bounds claimed.
    public let statement: ScoreStatement
    /// The Bulletproofs range proof over the statement commitments.
    public let rangeProof: RangeProof
    /// The holder's Ed25519 signature binding the proof to the transcript.
    public let holderSignature: [UInt8]

    static let domain = "DataFi.CreditMe.presentation.v1"
    static let bindingDomain = "DataFi.CreditMe.holder-binding.v1"
    static let what = "presentation"
    /// Allowed challenge lengths in bytes.
    public static let challengeLengths = 16...64

    /// A fresh random 32-byte challenge for a verifier to send to the holder.
    public static func makeChallenge() -> [UInt8] { SecureRandom.bytes(count: 32) }

    /// Proves `statement` about the credential's score for the verifier who sent `challenge`.
    ///
    /// - Parameters:
    ///   - credential: the scorer's credential, issued to `holderKey`'s public key.
    ///   - opening: the credential's opening (score and blinding), which only the holder has.
    ///   - holderKey: the holder's signing key; it signs the presentation.
    ///   - statement: the bounds to prove.
    ///   - challenge: the verifier's fresh challenge (``challengeLengths`` bytes).
    ///   - now: the current time, Unix seconds; an expired credential is refused.
    /// - Throws: `CredentialError.invalidChallengeLength`, `.wrongHolderKey`, `.openingDoesNotMatch`,
    ///   `.expired`, or `.statementFalse` when the score does not satisfy the statement (nothing is
    ///   proven).
    public static func prove(credential: CreditCredential, opening: CredentialOpening, holderKey: Signing.PrivateKey,
                             statement: ScoreStatement, challenge: [UInt8], now: Int64) throws(CredentialError) -> CreditPresentation {
        guard challengeLengths.contains(challenge.count) else { throw .invalidChallengeLength(challenge.count) }
        guard holderKey.publicKey == credential.holder else { throw .wrongHolderKey }
        guard opening.opens(credential) else { throw .openingDoesNotMatch }
        guard now < credential.expires else { throw .expired(expires: credential.expires, now: now) }
        guard statement.holds(for: opening.score) else { throw .statementFalse }
        var values = [UInt64](), blindings = [Scalar]()
        if let lower = statement.lower {
            values.append(UInt64(opening.score - lower))
            blindings.append(opening.blinding)
        }
        if let upper = statement.upper {
            values.append(UInt64(upper - opening.score))
            blindings.append(-opening.blinding)
        }
        return try assemble(credential: credential, statement: statement, challenge: challenge, values: values,
                            blindings: blindings, holderKey: holderKey)
    }

    /// Builds a presentation from the given statement values and blindings without checking them
    /// against the credential (the honest path is ``prove(credential:opening:holderKey:statement:challenge:now:)``;
    /// tests use this to play a cheating prover).
    static func assemble(credential: CreditCredential, statement: ScoreStatement, challenge: [UInt8], values: [UInt64],
                         blindings: [Scalar], holderKey: Signing.PrivateKey) throws(CredentialError) -> CreditPresentation {
        var transcript = baseTranscript(credential: credential, statement: statement, challenge: challenge)
        var rangeTranscript = transcript
        let proof: RangeProof
        do {
            (proof, _) = try RangeProof.prove(values: values, blindings: blindings, bits: CreditCredential.scoreBits,
                                             transcript: &rangeTranscript)
        } catch {
            throw .statementFalse
        }
        let signature = holderKey.signature(for: bindingMessage(&transcript, proof: proof))
        return CreditPresentation(credential: credential, statement: statement, rangeProof: proof, holderSignature: signature)
    }

    /// Assembles a presentation from its parts (for example parsed from JSON); nothing is checked
    /// until ``verify(scorer:challenge:now:)``.
    public init(credential: CreditCredential, statement: ScoreStatement, rangeProof: RangeProof, holderSignature: [UInt8]) {
        self.credential = credential
        self.statement = statement
        self.rangeProof = rangeProof
        self.holderSignature = holderSignature
    }

    static func baseTranscript(credential: CreditCredential, statement: ScoreStatement, challenge: [UInt8]) -> Transcript {
        var t = Transcript(label: domain)
        t.append(label: "credential", credential.bytes)
        t.append(label: "challenge", challenge)
        t.append(label: "bounds", [flags(statement)])
        if let lower = statement.lower { t.append(label: "at-least", UInt64(lower)) }
        if let upper = statement.upper { t.append(label: "at-most", UInt64(upper)) }
        return t
    }

    static func flags(_ statement: ScoreStatement) -> UInt8 {
        (statement.lower == nil ? 0 : 1) | (statement.upper == nil ? 0 : 2)
    }

    static func bindingMessage(_ transcript: inout Transcript, proof: RangeProof) -> [UInt8] {
        transcript.append(label: "range-proof", proof.bytes)
        return Array(bindingDomain.utf8) + transcript.challengeBytes(label: "holder-binding", count: 64)
    }

    /// The commitments the range proof is about: `C − t·g` and/or `u·g − C`.
    static func statementCommitments(_ credential: CreditCredential, _ statement: ScoreStatement) -> [PedersenCommitment] {
        let g = PedersenGenerators.standard.g
        let c = credential.commitment.point
        var out = [PedersenCommitment]()
        if let lower = statement.lower { out.append(PedersenCommitment(point: c - Scalar(UInt64(lower)) * g)) }
        if let upper = statement.upper { out.append(PedersenCommitment(point: Scalar(UInt64(upper)) * g - c)) }
        return out
    }

    /// Checks the presentation for the verifier who trusts `scorer` and sent `challenge`.
    ///
    /// Variable time (all inputs are public).
    /// - Parameters:
    ///   - scorer: the public key of the scorer the verifier trusts.
    ///   - challenge: the challenge the verifier sent.
    ///   - now: the current time, Unix seconds.
    /// - Returns: what the verifier learns.
    /// - Throws: `CredentialError.invalidChallengeLength` (malformed), or a verdict:
    ///   `.unexpectedScorer`, `.badScorerSignature`, `.expired`, `.badHolderSignature`, `.rangeProofInvalid`.
    public func verify(scorer: Signing.PublicKey, challenge: [UInt8], now: Int64) throws(CredentialError) -> VerifiedClaim {
        guard Self.challengeLengths.contains(challenge.count) else { throw .invalidChallengeLength(challenge.count) }
        guard credential.scorer == scorer else { throw .unexpectedScorer }
        guard credential.isSignatureValid else { throw .badScorerSignature }
        guard now < credential.expires else { throw .expired(expires: credential.expires, now: now) }
        var transcript = Self.baseTranscript(credential: credential, statement: statement, challenge: challenge)
        var rangeTranscript = transcript
        // The signature is checked first: it is cheap, and it covers the challenge, the statement and
        // the proof's bytes, so most tampering is rejected before the multiscalar multiplication.
        guard credential.holder.isValidSignature(holderSignature, for: Self.bindingMessage(&transcript, proof: rangeProof)) else {
            throw .badHolderSignature
        }
        let commitments = Self.statementCommitments(credential, statement)
        guard rangeProof.verify(commitments: commitments, bits: CreditCredential.scoreBits, transcript: &rangeTranscript) else {
            throw .rangeProofInvalid
        }
        return VerifiedClaim(statement: statement, scorer: credential.scorer, modelID: credential.modelID,
                             expires: credential.expires, holder: credential.holder)
    }

    /// The canonical encoding (see the type's documentation).
    public var bytes: [UInt8] {
        var w = CanonicalWriter()
        w.text(Self.domain)
        let credentialBytes = credential.bytes
        w.raw([UInt8(credentialBytes.count >> 8), UInt8(credentialBytes.count & 0xff)])
        w.raw(credentialBytes)
        w.u8(Self.flags(statement))
        if let lower = statement.lower { w.u64(UInt64(lower)) }
        if let upper = statement.upper { w.u64(UInt64(upper)) }
        let proofBytes = rangeProof.bytes
        w.raw([UInt8(proofBytes.count >> 8), UInt8(proofBytes.count & 0xff)])
        w.raw(proofBytes)
        w.raw(holderSignature)
        return w.bytes
    }

    /// Decodes a canonical encoding (checks structure only; ``verify(scorer:challenge:now:)`` checks the rest).
    /// - Throws: `CredentialError.truncated`, `.trailingBytes`, `.wrongDomain`, `.invalidStatement`,
    ///   `.invalidProofEncoding`, and the credential's decoding errors.
    public init(bytes: some Collection<UInt8>) throws(CredentialError) {
        var r = CanonicalReader(bytes)
        guard let domainText = r.text() else { throw .truncated(what: Self.what) }
        guard domainText == Self.domain else { throw .wrongDomain(what: Self.what) }
        guard let credentialLength = r.raw(2),
              let credentialBytes = r.raw(Int(credentialLength[0]) << 8 | Int(credentialLength[1])),
              let flags = r.u8() else { throw .truncated(what: Self.what) }
        let credential = try CreditCredential(bytes: credentialBytes)
        guard flags != 0, flags & ~3 == 0 else { throw .invalidStatement }
        var lower: UInt32?, upper: UInt32?
        for bit in [UInt8(1), 2] where flags & bit != 0 {
            guard let value = r.u64() else { throw .truncated(what: Self.what) }
            guard let narrow = UInt32(exactly: value) else { throw .invalidStatement }
            if bit == 1 { lower = narrow } else { upper = narrow }
        }
        let statement = try ScoreStatement(atLeast: lower, atMost: upper)
        guard let proofLength = r.raw(2), let proofBytes = r.raw(Int(proofLength[0]) << 8 | Int(proofLength[1])),
              let signature = r.raw(64) else { throw .truncated(what: Self.what) }
        guard r.isAtEnd else { throw .trailingBytes(what: Self.what) }
        let proof = try Self.decodeProof(proofBytes, statement: statement)
        self.init(credential: credential, statement: statement, rangeProof: proof, holderSignature: signature)
    }

    /// Decodes range proof bytes and checks their size against the statement (one or two bounds).
    /// - Throws: `CredentialError.invalidProofEncoding`.
    public static func decodeProof(_ bytes: [UInt8], statement: ScoreStatement) throws(CredentialError) -> RangeProof {
        let count = (statement.lower == nil ? 0 : 1) + (statement.upper == nil ? 0 : 1)
        let expected = RangeProof.byteCount(bits: CreditCredential.scoreBits, count: count)
        guard bytes.count == expected else {
            throw .invalidProofEncoding("range proof of \(bytes.count) bytes, expected \(expected)")
        }
        do { return try RangeProof(bytes: bytes) } catch { throw .invalidProofEncoding("range proof: \(error)") }
    }
}
