import DataFiRistretto
import DataFiSodium
@testable import DataFiWallet
import DataFiZK
import PropertyBased
import Testing

/// A scorer, a holder and a credential for the tests.
struct CreditFixture {
    let scorer = Signing.PrivateKey()
    let holder = Signing.PrivateKey()
    let now: Int64 = 1_800_000_000
    var expires: Int64 { now + 86_400 }

    func issue(_ score: UInt32) throws -> (CreditCredential, CredentialOpening) {
        try CreditCredential.issue(score: score, holder: holder.publicKey, modelID: "defi-score-basic-v1",
                                   expires: expires, scorer: scorer)
    }

    func present(_ credential: CreditCredential, _ opening: CredentialOpening, _ statement: ScoreStatement,
                 challenge: [UInt8]) throws -> CreditPresentation {
        try CreditPresentation.prove(credential: credential, opening: opening, holderKey: holder, statement: statement,
                                     challenge: challenge, now: now)
    }

    func verdict(_ presentation: CreditPresentation, challenge: [UInt8], now: Int64? = nil) -> CredentialError? {
        do {
            _ = try presentation.verify(scorer: scorer.publicKey, challenge: challenge, now: now ?? self.now)
            return nil
        } catch {
            return error
        }
    }
}

@Suite struct CreditMeTests {
    let f = CreditFixture()

    @Test func honestProofsVerifyAndRevealOnlyTheClaim() throws {
        let (credential, opening) = try f.issue(712)
        #expect(credential.isSignatureValid)
        #expect(opening.opens(credential))
        let challenge = CreditPresentation.makeChallenge()
        for statement in [try ScoreStatement(atLeast: 650), try ScoreStatement(atMost: 800),
                          try ScoreStatement(atLeast: 700, atMost: 720), try ScoreStatement(atLeast: 712, atMost: 712)] {
            let presentation = try f.present(credential, opening, statement, challenge: challenge)
            let claim = try presentation.verify(scorer: f.scorer.publicKey, challenge: challenge, now: f.now)
            #expect(claim.statement == statement)
            #expect(claim.scorer == f.scorer.publicKey)
            #expect(claim.expires == f.expires)
            #expect(claim.modelID == "defi-score-basic-v1")
            #expect(claim.holder == f.holder.publicKey)
            let expectedSize = RangeProof.byteCount(bits: 32, count: statement.lower != nil && statement.upper != nil ? 2 : 1)
            #expect(presentation.rangeProof.bytes.count == expectedSize)
            // The encoding round-trips and still verifies.
            let decoded = try CreditPresentation(bytes: presentation.bytes)
            #expect(decoded == presentation)
            #expect(f.verdict(decoded, challenge: challenge) == nil)
        }
    }

    /// Exhaustive around the threshold: the scores just above t prove and verify; every score in the
    /// window below t is refused by the honest prover, and a cheating prover who proves the value wrapped
    /// to 32 bits with the credential's blinding never gets a proof that verifies (for one score, four more
    /// forgeries: zero, t − s, t − s with −r, and s itself). Proofs are slow in debug builds, so the
    /// window is 6 below and 3 at or above each threshold.
    @Test(arguments: [UInt32(650), 1, UInt32.max])
    func noProofBelowTheThreshold(threshold: UInt32) throws {
        let challenge = CreditPresentation.makeChallenge()
        let low = threshold >= 6 ? threshold - 6 : 0
        let high = threshold <= UInt32.max - 2 ? threshold + 2 : UInt32.max
        for score in low...high {
            let (credential, opening) = try f.issue(score)
            let statement = try ScoreStatement(atLeast: threshold)
            if score >= threshold {
                let presentation = try f.present(credential, opening, statement, challenge: challenge)
                #expect(f.verdict(presentation, challenge: challenge) == nil, "score \(score) ≥ \(threshold)")
                continue
            }
            #expect(throws: CredentialError.statementFalse) {
                try f.present(credential, opening, statement, challenge: challenge)
            }
            let difference = UInt64(threshold - score)
            let wrapped32 = (UInt64(score) &- UInt64(threshold)) & 0xffff_ffff
            var forgeries = [(wrapped32, opening.blinding)]
            if score == threshold - 1 {
                forgeries += [(0, opening.blinding), (difference, opening.blinding), (difference, -opening.blinding),
                              (UInt64(score), opening.blinding)]
            }
            for (value, blinding) in forgeries {
                let forged = try CreditPresentation.assemble(credential: credential, statement: statement, challenge: challenge,
                                                             values: [value], blindings: [blinding], holderKey: f.holder)
                #expect(f.verdict(forged, challenge: challenge) == .rangeProofInvalid, "score \(score) < \(threshold), value \(value)")
            }
        }
    }

    @Test func noProofAboveTheUpperBound() throws {
        let challenge = CreditPresentation.makeChallenge()
        let bound: UInt32 = 700
        for score in bound - 2...bound + 4 {
            let (credential, opening) = try f.issue(score)
            let statement = try ScoreStatement(atMost: bound)
            if score <= bound {
                #expect(f.verdict(try f.present(credential, opening, statement, challenge: challenge), challenge: challenge) == nil)
                continue
            }
            #expect(throws: CredentialError.statementFalse) { try f.present(credential, opening, statement, challenge: challenge) }
            let wrapped32 = (UInt64(bound) &- UInt64(score)) & 0xffff_ffff
            let values = score == bound + 1 ? [wrapped32, 0, UInt64(score - bound)] : [wrapped32]
            for value in values {
                let forged = try CreditPresentation.assemble(credential: credential, statement: statement, challenge: challenge,
                                                             values: [value], blindings: [-opening.blinding], holderKey: f.holder)
                #expect(f.verdict(forged, challenge: challenge) == .rangeProofInvalid)
            }
        }
        // Both bounds: a true lower bound does not carry a false upper bound.
        let (credential, opening) = try f.issue(710)
        let both = try ScoreStatement(atLeast: 650, atMost: 705)
        #expect(throws: CredentialError.statementFalse) { try f.present(credential, opening, both, challenge: challenge) }
        let forged = try CreditPresentation.assemble(
            credential: credential, statement: both, challenge: challenge,
            values: [60, (UInt64(705) &- 710) & 0xffff_ffff], blindings: [opening.blinding, -opening.blinding], holderKey: f.holder)
        #expect(f.verdict(forged, challenge: challenge) == .rangeProofInvalid)
    }

    @Test func proofIsBoundToChallengeHolderCredentialAndTime() throws {
        let (credential, opening) = try f.issue(700)
        let challenge = CreditPresentation.makeChallenge()
        let statement = try ScoreStatement(atLeast: 650)
        let presentation = try f.present(credential, opening, statement, challenge: challenge)
        #expect(f.verdict(presentation, challenge: challenge) == nil)

        // Another verifier's challenge.
        #expect(f.verdict(presentation, challenge: CreditPresentation.makeChallenge()) == .badHolderSignature)
        var flipped = challenge
        flipped[5] ^= 1
        #expect(f.verdict(presentation, challenge: flipped) == .badHolderSignature)
        // Even with a signature over the other challenge's transcript, the proof itself is bound to the
        // challenge: re-signing the same proof for another challenge does not make it verify.
        let resigned = CreditPresentation(
            credential: credential, statement: statement, rangeProof: presentation.rangeProof,
            holderSignature: f.holder.signature(for: {
                var t = CreditPresentation.baseTranscript(credential: credential, statement: statement, challenge: flipped)
                return CreditPresentation.bindingMessage(&t, proof: presentation.rangeProof)
            }()))
        #expect(f.verdict(resigned, challenge: flipped) == .rangeProofInvalid)

        // Another holder key: a stranger who learned the opening (the scorer knows it) signs with their own key.
        let stranger = Signing.PrivateKey()
        let replayed = try CreditPresentation.assemble(credential: credential, statement: statement, challenge: challenge,
                                                       values: [50], blindings: [opening.blinding], holderKey: stranger)
        #expect(f.verdict(replayed, challenge: challenge) == .badHolderSignature)
        let byScorer = try CreditPresentation.assemble(credential: credential, statement: statement, challenge: challenge,
                                                       values: [50], blindings: [opening.blinding], holderKey: f.scorer)
        #expect(f.verdict(byScorer, challenge: challenge) == .badHolderSignature)
        #expect(throws: CredentialError.wrongHolderKey) {
            try CreditPresentation.prove(credential: credential, opening: opening, holderKey: stranger, statement: statement,
                                         challenge: challenge, now: f.now)
        }
        // The holder field swapped for the stranger's key: the scorer's signature breaks.
        let reassigned = try CreditCredential(commitment: credential.commitment, holder: stranger.publicKey,
                                              scorer: credential.scorer, modelID: credential.modelID,
                                              expires: credential.expires, signature: credential.signature)
        let stolen = try CreditPresentation.assemble(credential: reassigned, statement: statement, challenge: challenge,
                                                     values: [50], blindings: [opening.blinding], holderKey: stranger)
        #expect(f.verdict(stolen, challenge: challenge) == .badScorerSignature)

        // A tampered commitment (the commitment to a higher score, same blinding).
        let higher = PedersenGenerators.standard.commit(value: Scalar(900), blinding: opening.blinding)
        let tampered = try CreditCredential(commitment: higher, holder: credential.holder, scorer: credential.scorer,
                                            modelID: credential.modelID, expires: credential.expires,
                                            signature: credential.signature)
        let onTampered = try CreditPresentation.assemble(credential: tampered, statement: try ScoreStatement(atLeast: 850),
                                                         challenge: challenge, values: [50], blindings: [opening.blinding],
                                                         holderKey: f.holder)
        #expect(f.verdict(onTampered, challenge: challenge) == .badScorerSignature)
        // A stretched expiry.
        let later = try CreditCredential(commitment: credential.commitment, holder: credential.holder, scorer: credential.scorer,
                                         modelID: credential.modelID, expires: credential.expires + 1,
                                         signature: credential.signature)
        #expect(f.verdict(CreditPresentation(credential: later, statement: statement, rangeProof: presentation.rangeProof,
                                             holderSignature: presentation.holderSignature), challenge: challenge)
                == .badScorerSignature)
        // A lower threshold claimed with the proof for 650.
        let weaker = CreditPresentation(credential: credential, statement: try ScoreStatement(atLeast: 600),
                                        rangeProof: presentation.rangeProof, holderSignature: presentation.holderSignature)
        #expect(f.verdict(weaker, challenge: challenge) == .badHolderSignature)
        let weakerResigned = CreditPresentation(
            credential: credential, statement: weaker.statement, rangeProof: presentation.rangeProof,
            holderSignature: f.holder.signature(for: {
                var t = CreditPresentation.baseTranscript(credential: credential, statement: weaker.statement, challenge: challenge)
                return CreditPresentation.bindingMessage(&t, proof: presentation.rangeProof)
            }()))
        #expect(f.verdict(weakerResigned, challenge: challenge) == .rangeProofInvalid)

        // Expired: valid strictly before `expires`.
        #expect(f.verdict(presentation, challenge: challenge, now: credential.expires - 1) == nil)
        #expect(f.verdict(presentation, challenge: challenge, now: credential.expires)
                == .expired(expires: credential.expires, now: credential.expires))
        #expect(throws: CredentialError.expired(expires: credential.expires, now: credential.expires)) {
            try CreditPresentation.prove(credential: credential, opening: opening, holderKey: f.holder, statement: statement,
                                         challenge: challenge, now: credential.expires)
        }

        // A foreign credential: issued by another scorer, or checked against another trusted scorer.
        let otherScorer = Signing.PrivateKey()
        let (foreign, foreignOpening) = try CreditCredential.issue(score: 700, holder: f.holder.publicKey, modelID: "x",
                                                                   expires: f.expires, scorer: otherScorer)
        let foreignPresentation = try f.present(foreign, foreignOpening, statement, challenge: challenge)
        #expect(f.verdict(foreignPresentation, challenge: challenge) == .unexpectedScorer)
        #expect(throws: CredentialError.unexpectedScorer) {
            try presentation.verify(scorer: otherScorer.publicKey, challenge: challenge, now: f.now)
        }
        // A credential whose scorer field names the trusted scorer but was signed by another key.
        let impostor = try CreditCredential(commitment: foreign.commitment, holder: foreign.holder, scorer: f.scorer.publicKey,
                                            modelID: foreign.modelID, expires: foreign.expires, signature: foreign.signature)
        let onImpostor = try CreditPresentation.assemble(credential: impostor, statement: statement, challenge: challenge,
                                                         values: [50], blindings: [foreignOpening.blinding], holderKey: f.holder)
        #expect(f.verdict(onImpostor, challenge: challenge) == .badScorerSignature)
        // The opening of another credential.
        #expect(throws: CredentialError.openingDoesNotMatch) {
            try f.present(credential, foreignOpening, statement, challenge: challenge)
        }
    }

    /// One flipped bit in any byte of the encoded presentation: it either fails to decode or fails to verify.
    @Test func everyFlippedByteIsRejected() throws {
        let (credential, opening) = try f.issue(701)
        let challenge = CreditPresentation.makeChallenge()
        let presentation = try f.present(credential, opening, try ScoreStatement(atLeast: 700), challenge: challenge)
        let bytes = presentation.bytes
        var decodeFailures = 0, verifyFailures = 0
        for index in bytes.indices {
            var copy = bytes
            copy[index] ^= UInt8(1) << UInt8(index % 8)
            guard let decoded = try? CreditPresentation(bytes: copy) else {
                decodeFailures += 1
                continue
            }
            if f.verdict(decoded, challenge: challenge) != nil { verifyFailures += 1 }
        }
        #expect(decodeFailures + verifyFailures == bytes.count)
        #expect(verifyFailures > 0)
    }

    @Test func hostileEncodingsAreTypedErrors() async throws {
        let (credential, opening) = try f.issue(640)
        let challenge = CreditPresentation.makeChallenge()
        let presentation = try f.present(credential, opening, try ScoreStatement(atMost: 700), challenge: challenge)
        let bytes = presentation.bytes
        // Every truncation.
        for length in 0..<bytes.count {
            #expect(throws: CredentialError.self) { try CreditPresentation(bytes: bytes[0..<length]) }
        }
        #expect(throws: CredentialError.trailingBytes(what: "presentation")) { try CreditPresentation(bytes: bytes + [0]) }
        let huge = [UInt8](repeating: 0xff, count: 1 << 20)
        #expect(throws: CredentialError.self) { try CreditPresentation(bytes: huge) }
        #expect(throws: CredentialError.self) { try CreditCredential(bytes: huge) }
        #expect(throws: CredentialError.self) { try CreditPresentation(bytes: bytes + huge) }
        let credentialBytes = credential.bytes
        for length in 0..<credentialBytes.count {
            #expect(throws: CredentialError.self) { try CreditCredential(bytes: credentialBytes[0..<length]) }
        }
        #expect(try CreditCredential(bytes: credentialBytes) == credential)
        // Random bytes never trap.
        await propertyCheck(count: 200, input: Gen.uint8().array(of: 0...1200)) { noise in
            #expect(throws: CredentialError.self) { try CreditPresentation(bytes: noise) }
            #expect(throws: CredentialError.self) { try CreditCredential(bytes: noise) }
        }
        // Challenge lengths.
        for length in [0, 15, 65, 1000] {
            let wrong = [UInt8](repeating: 1, count: length)
            #expect(throws: CredentialError.invalidChallengeLength(length)) {
                try presentation.verify(scorer: f.scorer.publicKey, challenge: wrong, now: f.now)
            }
            #expect(throws: CredentialError.invalidChallengeLength(length)) {
                try f.present(credential, opening, try ScoreStatement(atMost: 700), challenge: wrong)
            }
        }
        #expect(throws: CredentialError.invalidStatement) { try ScoreStatement() }
        #expect(throws: CredentialError.invalidStatement) { try ScoreStatement(atLeast: 10, atMost: 9) }
        #expect(throws: CredentialError.invalidModelID) {
            try CreditCredential.issue(score: 1, holder: f.holder.publicKey, modelID: "", expires: 1, scorer: f.scorer)
        }
        #expect(throws: CredentialError.invalidModelID) {
            try CreditCredential.issue(score: 1, holder: f.holder.publicKey, modelID: String(repeating: "m", count: 129),
                                       expires: 1, scorer: f.scorer)
        }
        // A proof of the wrong size for the statement.
        #expect(throws: CredentialError.self) {
            try CreditPresentation.decodeProof(presentation.rangeProof.bytes, statement: try ScoreStatement(atLeast: 1, atMost: 2))
        }
    }
}
