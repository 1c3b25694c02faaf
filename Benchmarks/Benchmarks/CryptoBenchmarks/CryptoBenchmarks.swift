import Benchmark
import BenchNative
import DataFiRistretto
import DataFiSodium
import Foundation

// Each DataFi call is timed beside the bare libsodium call it wraps, in the same run, so the
// ratio of the two rows is the wrapper's overhead.
let benchmarks: @Sendable () -> Void = {
    let smoke = ProcessInfo.processInfo.environment["DATAFI_BENCH_SMOKE"] != nil
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        maxDuration: smoke ? .milliseconds(1) : .seconds(2),
        maxIterations: smoke ? 1 : 1_000_000)
    _ = sodium_init()

    // Ed25519 verification of a 64-byte message.
    let signer = Signing.PrivateKey()
    let message = [UInt8](repeating: 0x42, count: 64)
    let signature = signer.signature(for: message)
    let publicKey = signer.publicKey
    let publicKeyBytes = publicKey.rawRepresentation

    Benchmark("Ed25519 verify (DataFi)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(publicKey.isValidSignature(signature, for: message))
        }
    }
    Benchmark("Ed25519 verify (libsodium)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKeyBytes) == 0)
        }
    }

    // ristretto255 variable-base scalar multiplication.
    let scalar = Scalar.random()
    let point = RistrettoPoint.random()
    let scalarBytes = scalar.bytes
    let pointBytes = point.encoded

    Benchmark("ristretto255 scalar mult (DataFi)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(scalar * point)
        }
    }
    Benchmark("ristretto255 scalar mult (libsodium)") { benchmark in
        var out = [UInt8](repeating: 0, count: 32)
        for _ in benchmark.scaledIterations {
            blackHole(crypto_scalarmult_ristretto255(&out, scalarBytes, pointBytes))
            blackHole(out)
        }
    }

    // ristretto255 fixed-base multiplication.
    Benchmark("ristretto255 base mult (DataFi)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(RistrettoPoint.baseMultiply(scalar))
        }
    }
    Benchmark("ristretto255 base mult (libsodium)") { benchmark in
        var out = [UInt8](repeating: 0, count: 32)
        for _ in benchmark.scaledIterations {
            blackHole(crypto_scalarmult_ristretto255_base(&out, scalarBytes))
            blackHole(out)
        }
    }

    // BLAKE2b-256 of 1 KiB.
    let kibibyte = [UInt8]((0..<1024).map { UInt8(truncatingIfNeeded: $0) })
    Benchmark("BLAKE2b-256 1 KiB (DataFi)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(BLAKE2b.hash256(kibibyte))
        }
    }
    Benchmark("BLAKE2b-256 1 KiB (libsodium)") { benchmark in
        var out = [UInt8](repeating: 0, count: 32)
        for _ in benchmark.scaledIterations {
            blackHole(crypto_generichash(&out, 32, kibibyte, UInt64(kibibyte.count), nil, 0))
            blackHole(out)
        }
    }
}
