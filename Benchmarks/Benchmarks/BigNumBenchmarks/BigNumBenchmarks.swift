import BenchSupport
import Benchmark
import DataFiBigNum
import Foundation

/// Pool inputs small enough that `amountIn·997·reserveOut` fits in UInt128, so the native UInt128
/// formula is exact and comparable: amountIn < 10^15, reserves < 10^20 raw units.
let ammInputs: [(amountIn: UInt128, reserveIn: UInt128, reserveOut: UInt128)] = {
    var rng = SplitMix64(seed: 42)
    return (0..<256).map { _ in
        (UInt128(UInt64.random(in: 1...999_999_999_999_999, using: &rng)),
         UInt128(UInt64.random(in: 1_000_000...UInt64.max, using: &rng)) * UInt128(UInt64.random(in: 1...5, using: &rng)),
         UInt128(UInt64.random(in: 1_000_000...UInt64.max, using: &rng)) * UInt128(UInt64.random(in: 1...5, using: &rng)))
    }
}()

/// Operations per measured iteration of the AMM benchmarks.
let ammBatch = 256

/// Two random 4096-bit numbers as big-endian bytes (top bit set).
let mulOperands: ([UInt8], [UInt8]) = {
    var rng = SplitMix64(seed: 7)
    func operand() -> [UInt8] {
        var bytes = (0..<512).map { _ in UInt8.random(in: 0...255, using: &rng) }
        bytes[0] |= 0x80
        return bytes
    }
    return (operand(), operand())
}()

let benchmarks: @Sendable () -> Void = {
    BenchSupport.configure()

    // (1) AMM output amount a·997·r / (R·1000 + a·997), 256 evaluations per iteration.
    Benchmark("AMM amountOut ×256: UInt256") { benchmark in
        let inputs = ammInputs.map { (UInt256($0.amountIn), UInt256($0.reserveIn), UInt256($0.reserveOut)) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var sum = UInt256.zero
            for (a, reserveIn, reserveOut) in inputs {
                let inWithFee = a * 997
                sum &+= inWithFee * reserveOut / (reserveIn * 1000 + inWithFee)
            }
            blackHole(sum)
        }
    }

    Benchmark("AMM amountOut ×256: UInt256.mulDiv") { benchmark in
        let inputs = ammInputs.map { (UInt256($0.amountIn), UInt256($0.reserveIn), UInt256($0.reserveOut)) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var sum = UInt256.zero
            for (a, reserveIn, reserveOut) in inputs {
                let inWithFee = a * 997
                sum &+= (try? UInt256.mulDiv(inWithFee, reserveOut, reserveIn * 1000 + inWithFee)) ?? .zero
            }
            blackHole(sum)
        }
    }

    Benchmark("AMM amountOut ×256: native UInt128") { benchmark in
        let inputs = ammInputs
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var sum: UInt128 = 0
            for (a, reserveIn, reserveOut) in inputs {
                let inWithFee = a * 997
                sum &+= inWithFee * reserveOut / (reserveIn * 1000 + inWithFee)
            }
            blackHole(sum)
        }
    }

    Benchmark("AMM amountOut ×256: attaswift BigUInt") { benchmark in
        let inputs = ammInputs.map { (PeerBigUInt.make($0.amountIn), PeerBigUInt.make($0.reserveIn), PeerBigUInt.make($0.reserveOut)) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(PeerBigUInt.ammSum(inputs))
        }
    }

    // (2) 4096-bit × 4096-bit multiplication.
    Benchmark("BigInt 4096-bit multiply: DataFi BigInt") { benchmark in
        let a = try DataFiBigNum.BigInt(bigEndianMagnitude: mulOperands.0)
        let b = try DataFiBigNum.BigInt(bigEndianMagnitude: mulOperands.1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(a * b)
        }
    }

    Benchmark("BigInt 4096-bit multiply: bare __gmpz_mul") { benchmark in
        let native = NativeMultiply(mulOperands.0, mulOperands.1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            native.multiply()
        }
        blackHole(native)
    }

    Benchmark("BigInt 4096-bit multiply: attaswift BigUInt") { benchmark in
        let a = PeerBigUInt.make(bigEndian: mulOperands.0), b = PeerBigUInt.make(bigEndian: mulOperands.1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(a * b)
        }
    }

    // Supporting numbers: full 512-bit mulDiv and decimal text.
    Benchmark("UInt256 mulDiv 512-bit product ×256") { benchmark in
        var rng = SplitMix64(seed: 9)
        let inputs = (0..<ammBatch).map { _ in
            (UInt256(littleEndianLimbs: (rng.next(), rng.next(), rng.next(), rng.next())),
             UInt256(littleEndianLimbs: (rng.next(), rng.next(), rng.next(), rng.next())),
             UInt256(littleEndianLimbs: (rng.next(), rng.next(), rng.next(), rng.next() | 1 << 63)))
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var sum = UInt256.zero
            for (a, b, d) in inputs { sum &+= (try? UInt256.mulDiv(a, b, d, rounding: .up)) ?? .zero }
            blackHole(sum)
        }
    }

    Benchmark("UInt256 decimal round trip") { benchmark in
        let text = UInt256.max.description
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(UInt256(text)?.description)
        }
    }
}
