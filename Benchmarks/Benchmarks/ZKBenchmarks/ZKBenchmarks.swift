import DataFiSupport
import BenchSupport
import Benchmark
import DataFiPSI
import DataFiRistretto
import DataFiZK
import Foundation

let benchmarks: @Sendable () -> Void = {
    let smoke = BenchSupport.smoke
    BenchSupport.configure()

    // The unit every ZK ratio is measured in: one libsodium ristretto255 scalar multiplication
    // (the serial backend; `s * point` runs on the vector backend where the processor has one).
    let point = Scalar.random() * RistrettoPoint.generator
    Benchmark("libsodium ristretto255 scalar mult") { benchmark in
        let s = Scalar.random()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try? RistrettoPoint.multiply(s, point, backend: .serial)) }
    }

    func transcript() -> Transcript { Transcript(label: "DataFi.bench") }

    var t = transcript()
    // Proving cannot fail for these in-range inputs.
    let single = try? RangeProof.prove(value: 1 << 40, blinding: .random(), bits: 64, transcript: &t)
    Benchmark("range proof prove 1x64") { benchmark in
        for _ in benchmark.scaledIterations {
            var t = transcript()
            blackHole(try? RangeProof.prove(value: 123_456_789, blinding: .random(), bits: 64, transcript: &t))
        }
    }
    // The same proof with one thread (Parallelism.limit = 1), for the single-core cost.
    Benchmark("range proof prove 1x64, one thread") { benchmark in
        let saved = Parallelism.limit
        Parallelism.limit = 1
        defer { Parallelism.limit = saved }
        for _ in benchmark.scaledIterations {
            var t = transcript()
            blackHole(try? RangeProof.prove(value: 123_456_789, blinding: .random(), bits: 64, transcript: &t))
        }
    }
    Benchmark("range proof verify 1x64") { benchmark in
        guard let (proof, commitment) = single else { return }
        for _ in benchmark.scaledIterations {
            var t = transcript()
            blackHole(proof.verify(commitment: commitment, bits: 64, transcript: &t))
        }
    }

    var t16 = transcript()
    let aggregated = try? RangeProof.prove(values: (0..<16).map { UInt64($0) << 40 },
                                           blindings: (0..<16).map { _ in .random() }, bits: 64, transcript: &t16)
    Benchmark("range proof verify 16x64 aggregated") { benchmark in
        guard let (proof, commitments) = aggregated else { return }
        for _ in benchmark.scaledIterations {
            var t = transcript()
            blackHole(proof.verify(commitments: commitments, bits: 64, transcript: &t))
        }
    }

    Benchmark("range proof verify 16x64 aggregated, one thread") { benchmark in
        guard let (proof, commitments) = aggregated else { return }
        let saved = Parallelism.limit
        Parallelism.limit = 1
        defer { Parallelism.limit = saved }
        for _ in benchmark.scaledIterations {
            var t = transcript()
            blackHole(proof.verify(commitments: commitments, bits: 64, transcript: &t))
        }
    }

    // 64 independent single-value proofs.
    let many: [(proof: RangeProof, commitments: [PedersenCommitment], bits: Int, transcript: Transcript)] =
        smoke ? [] : (0..<64).compactMap { i in
            var t = transcript()
            guard let (p, c) = try? RangeProof.prove(value: UInt64(i) * 1_000_003, blinding: .random(), bits: 64,
                                                     transcript: &t) else { return nil }
            return (p, [c], 64, transcript())
        }
    Benchmark("range proof verify 64 proofs one by one") { benchmark in
        for _ in benchmark.scaledIterations {
            for item in many {
                var t = item.transcript
                blackHole(item.proof.verify(commitments: item.commitments, bits: 64, transcript: &t))
            }
        }
    }
    Benchmark("range proof batch verify 64 proofs") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(RangeProof.verifyBatch(many)) }
    }

    // PSI: the whole protocol, 10^4 items per side with half in common.
    let n = smoke ? 10 : 10_000
    let serverItems = (0..<n).map { "item-\($0)" }
    let clientItems = (n / 2..<(n + n / 2)).map { "item-\($0)" }
    Benchmark("psi 10^4 per side, full protocol", configuration: .init(maxDuration: .seconds(5), maxIterations: smoke ? 1 : 3)) { benchmark in
        for _ in benchmark.scaledIterations {
            let server = PSIServer(key: .generate(), items: serverItems)
            let client = PSIClient(key: .generate(), items: clientItems)
            let setup = server.setup()
            let response = server.respond(to: client.request())
            blackHole(try? client.intersection(setup: setup, response: response))
        }
    }
}
