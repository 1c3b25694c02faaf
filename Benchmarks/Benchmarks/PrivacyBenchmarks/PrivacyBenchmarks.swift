import Benchmark
import Foundation

let benchmarks: @Sendable () -> Void = {
    let smoke = ProcessInfo.processInfo.environment["DATAFI_BENCH_SMOKE"] != nil
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        maxDuration: smoke ? .milliseconds(1) : .seconds(2),
        maxIterations: smoke ? 1 : 1_000_000)
    Benchmark("Privacy placeholder") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(1) }
    }
}
