import BenchSupport
import Benchmark
import DataFiCredit
import Foundation

let benchmarks: @Sendable () -> Void = {
    BenchSupport.configure()

    // Same seeded design as `datafi score bench` and Benchmarks/peers/credit_peers.py.
    let rows = BenchSupport.smoke ? 2_000 : 100_000
    guard let (x, labels) = try? SyntheticCreditData.uniformDesign(rows: rows, features: 50, seed: 1) else { return }

    Benchmark("Logistic regression fit \(rows)x50 (Newton/IRLS, 2 threads)",
              configuration: .init(maxDuration: BenchSupport.smoke ? .milliseconds(1) : .seconds(5), maxIterations: BenchSupport.smoke ? 1 : 5)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try LogisticRegression.fit(x, labels: labels, options: .init(threads: 2, computeStandardErrors: false)))
        }
    }

    guard let model = try? LogisticRegression.fit(x, labels: labels, options: .init(computeStandardErrors: false)) else { return }
    Benchmark("Scoring \(rows) rows x50 (probabilities)",
              configuration: .init(scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try model.probabilities(x)) }
    }

    let scores = (try? model.probabilities(x)) ?? []
    Benchmark("AUC \(rows) rows") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try Metrics.auc(scores: scores, labels: labels)) }
    }
}
