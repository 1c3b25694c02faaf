import BenchSupport
import Benchmark
import DataFiRistretto
import DataFiSodium
import DataFiWallet
import DataFiZK

// CreditMe presentations against the bare Bulletproofs range proof of the same shape (32-bit values,
// one or two aggregated), measured side by side: the difference is the credential's transcript, the
// shifted commitments, the holder's Ed25519 signature and the scorer-signature check.
let benchmarks: @Sendable () -> Void = {
    BenchSupport.configure(timeUnits: .microseconds)

    let scorer = Signing.PrivateKey()
    let holder = Signing.PrivateKey()
    let now: Int64 = 1_800_000_000
    let challenge = CreditPresentation.makeChallenge()
    guard let (credential, opening) = try? CreditCredential.issue(score: 702, holder: holder.publicKey, modelID: "defi-score-basic",
                                                                 expires: now + 86_400, scorer: scorer),
          let atLeast = try? ScoreStatement(atLeast: 650),
          let between = try? ScoreStatement(atLeast: 650, atMost: 750) else { return }

    func transcript() -> Transcript { Transcript(label: "DataFi.bench") }

    Benchmark("range proof prove 1x32") { benchmark in
        for _ in benchmark.scaledIterations {
            var t = transcript()
            blackHole(try? RangeProof.prove(value: 52, blinding: .random(), bits: 32, transcript: &t))
        }
    }
    Benchmark("credential prove score >= t (1x32)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? CreditPresentation.prove(credential: credential, opening: opening, holderKey: holder,
                                                    statement: atLeast, challenge: challenge, now: now))
        }
    }

    var t1 = transcript()
    let plain = try? RangeProof.prove(value: 52, blinding: .random(), bits: 32, transcript: &t1)
    let presentation = try? CreditPresentation.prove(credential: credential, opening: opening, holderKey: holder,
                                                     statement: atLeast, challenge: challenge, now: now)
    Benchmark("range proof verify 1x32") { benchmark in
        guard let (proof, commitment) = plain else { return }
        for _ in benchmark.scaledIterations {
            var t = transcript()
            blackHole(proof.verify(commitment: commitment, bits: 32, transcript: &t))
        }
    }
    Benchmark("credential verify score >= t (1x32)") { benchmark in
        guard let presentation else { return }
        for _ in benchmark.scaledIterations {
            blackHole(try? presentation.verify(scorer: scorer.publicKey, challenge: challenge, now: now))
        }
    }

    var t2 = transcript()
    let plainPair = try? RangeProof.prove(values: [52, 48], blindings: [.random(), .random()], bits: 32, transcript: &t2)
    let presentationPair = try? CreditPresentation.prove(credential: credential, opening: opening, holderKey: holder,
                                                         statement: between, challenge: challenge, now: now)
    Benchmark("range proof verify 2x32 aggregated") { benchmark in
        guard let (proof, commitments) = plainPair else { return }
        for _ in benchmark.scaledIterations {
            var t = transcript()
            blackHole(proof.verify(commitments: commitments, bits: 32, transcript: &t))
        }
    }
    Benchmark("credential verify t <= score <= u (2x32)") { benchmark in
        guard let presentationPair else { return }
        for _ in benchmark.scaledIterations {
            blackHole(try? presentationPair.verify(scorer: scorer.publicKey, challenge: challenge, now: now))
        }
    }
}
