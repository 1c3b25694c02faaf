import Benchmark
@_exported import DataFiSupport
import Foundation

/// Settings every DataFi benchmark suite shares.
public enum BenchSupport {
    /// True when `DATAFI_BENCH_SMOKE` is set: each benchmark then runs once, so CI can check that
    /// the whole suite still builds and runs without spending minutes measuring.
    public static let smoke = ProcessInfo.processInfo.environment["DATAFI_BENCH_SMOKE"] != nil

    /// Sets `Benchmark.defaultConfiguration`: wall clock, malloc count and throughput, two seconds
    /// per benchmark and at most `maxIterations` (one iteration in smoke mode).
    public static func configure(scalingFactor: BenchmarkScalingFactor = .one,
                                 timeUnits: BenchmarkTimeUnits = .automatic,
                                 maxIterations: Int = 1_000_000) {
        Benchmark.defaultConfiguration = .init(
            metrics: [.wallClock, .mallocCountTotal, .throughput],
            timeUnits: timeUnits,
            scalingFactor: scalingFactor,
            maxDuration: smoke ? .milliseconds(1) : .seconds(2),
            maxIterations: smoke ? 1 : maxIterations)
    }
}

extension BenchSupport {
    /// xorshift64 (Marsaglia, 2003; shifts 13, 7, 17): the fixed random sequence of the AMM and market
    /// workloads.
    public struct XorShift64: RandomNumberGenerator, Sendable {
        /// The generator's state; never zero.
        public var state: UInt64

        /// Starts the sequence at `state`, which must not be zero (zero is a fixed point).
        @inlinable public init(state: UInt64) {
            precondition(state != 0, "xorshift64 needs a non-zero seed")
            self.state = state
        }

        /// The next 64 pseudo-random bits.
        @inlinable public mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    /// 1024 trade sizes in raw units, from 0.5·10^18 to just under 1.5·10^18 (0.5 to 1.5 tokens of 18
    /// decimals), drawn by xorshift64 from a fixed seed. The AMM and market suites trade these same amounts.
    public static let tradeSizes: [UInt64] = {
        var random = XorShift64(state: 0x2545_F491_4F6C_DD1D)
        return (0..<1024).map { _ in 500_000_000_000_000_000 + random.next() % 1_000_000_000_000_000_000 }
    }()
}
