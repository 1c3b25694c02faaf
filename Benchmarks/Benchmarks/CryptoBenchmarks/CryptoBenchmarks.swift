import BenchSupport
import Benchmark
import BenchNative
import DataFiRistretto
import DataFiSodium
import DataFiZK
import Foundation

// Each DataFi call is timed beside the bare libsodium call it wraps, in the same run, so the
// ratio of the two rows is the wrapper's overhead.
let benchmarks: @Sendable () -> Void = {
    BenchSupport.configure(timeUnits: .nanoseconds)
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

    // Ed25519 batch verification: 64 signatures of 64-byte messages by 64 different keys (the worst case
    // for the batch, which shares one term per key), against libsodium verifying the 64 one by one.
    let batchItems = (0..<64).map { i in
        let key = Signing.PrivateKey()
        let text = [UInt8](repeating: UInt8(i), count: 64)
        return Ed25519BatchVerification.Item(publicKey: key.publicKey, message: text, signature: key.signature(for: text))
    }
    Benchmark("Ed25519 batch verify x64 (DataFi)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Ed25519BatchVerification.allValid(batchItems))
        }
    }
    Benchmark("Ed25519 verify x64 one by one (libsodium)") { benchmark in
        for _ in benchmark.scaledIterations {
            for item in batchItems {
                blackHole(crypto_sign_verify_detached(item.signature, item.message, UInt64(item.message.count),
                                                      item.publicKey.rawRepresentation) == 0)
            }
        }
    }

    // The part of the batch no combination can share: the prime-order subgroup check of each R.
    Benchmark("Ed25519 R subgroup check x64 (libsodium is_valid_point)") { benchmark in
        for _ in benchmark.scaledIterations {
            for item in batchItems {
                blackHole(crypto_core_ed25519_is_valid_point(Array(item.signature.prefix(32))))
            }
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

    // The same product on each curve backend this processor supports, forced one at a time (the
    // row above uses the default, the fastest one); the libsodium row is the yardstick.
    for backend in CurveBackend.supported where backend != .serial {
        Benchmark("ristretto255 scalar mult (DataFi \(backend))") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try? RistrettoPoint.multiply(scalar, point, backend: backend))
            }
        }
    }

    // Hash-to-group of 64 messages (RFC 9380 ristretto255_XMD:SHA-512_R255MAP_RO_): the batched call
    // (four maps and encodings side by side on a vector backend) beside the one-message call, which
    // expands each message the same way and then calls libsodium's one-way map.
    let hashMessages = (0..<64).map { [UInt8]("item \($0)".utf8) }
    Benchmark("ristretto255 hash-to-group x64 (DataFi batched)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(RistrettoPoint.hash(hashMessages, domain: "DataFi.Bench.v1"))
        }
    }
    Benchmark("ristretto255 hash-to-group x64 (DataFi one by one)") { benchmark in
        for _ in benchmark.scaledIterations {
            for message in hashMessages { blackHole(RistrettoPoint.hash(message, domain: "DataFi.Bench.v1")) }
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
