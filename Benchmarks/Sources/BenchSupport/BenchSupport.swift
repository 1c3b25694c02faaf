import Benchmark
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
