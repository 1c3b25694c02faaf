import ArgumentParser
import DataFiSecAgg
import Foundation

/// `datafi analytics`: federated analytics over secure aggregation.
struct AnalyticsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics",
        abstract: "Federated analytics: owners compute locally, only the securely aggregated result is revealed.",
        subcommands: [AnalyticsSimulateCommand.self, AnalyticsRunCommand.self])
}

/// `datafi analytics simulate`: splits a CSV among simulated owners and runs one job.
struct AnalyticsSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Split a CSV among N owners (row i to owner i mod N) and answer a query by secure aggregation.",
        discussion: """
        Queries: count, sum, mean, histogram, quantile. With --epsilon and --delta every owner adds \
        discrete Gaussian noise so that the aggregate of t survivors is (ε, δ)-DP; --bounds is then \
        required (bounds taken from the data would leak it). Prints JSON with the aggregate and, with \
        DP, the ε spent for the actual survivors. Exit 1 when too few owners survive.
        """)

    @Option(help: "Number of owners N.")
    var owners: Int
    @Option(help: "CSV file with a header row ('-' for stdin).")
    var data: String
    @Option(help: "count, sum, mean, histogram or quantile.")
    var query: String
    @Option(help: "Column name (from the CSV header). Optional for count.")
    var column: String?
    @Option(help: "Clamping bounds L,U; write --bounds=-5,5 for a negative L. Default without DP: the data's range.")
    var bounds: String?
    @Option(help: "Number of histogram bins.")
    var bins: Int = 10
    @Option(help: "Quantile in [0, 1] for the quantile query.")
    var quantile: Double = 0.5
    @Option(help: "Distributed DP: ε of this job.")
    var epsilon: Double?
    @Option(help: "Distributed DP: δ of this job.")
    var delta: Double?
    @Option(help: "Fraction of owners that drop out before sending their masked vector.")
    var dropout: Double = 0
    @Option(help: "Shamir threshold t (default ⌊N/2⌋ + 1).")
    var threshold: Int?
    @Option(help: "Seed of the dropouts.")
    var seed: UInt64 = 0

    func run() throws {
        guard ["count", "sum", "mean", "histogram", "quantile"].contains(query) else {
            throw CLIError("unknown query \(query) (use count, sum, mean, histogram or quantile)")
        }
        guard owners >= 2, owners <= SecAggConfig.maxClients else {
            throw CLIError("owners must be in 2...\(SecAggConfig.maxClients), got \(owners)")
        }
        guard (epsilon == nil) == (delta == nil) else { throw CLIError("--epsilon and --delta go together") }
        if query != "count" && column == nil { throw CLIError("--column is required for \(query)") }
        let values = try readAnalyticsColumn(path: data, column: column, numeric: query != "count")
        var lower = 0.0, upper = 1.0
        if query != "count" {
            if let bounds {
                (lower, upper) = try DPReleaseCommand.parseBounds(bounds)
            } else {
                guard epsilon == nil else { throw CLIError("--bounds L,U is required with --epsilon") }
                lower = values.min() ?? 0
                upper = values.max() ?? 1
                if !(lower < upper) { upper = lower + 1 }
            }
        }
        let q = analyticsQuery(query, lower: lower, upper: upper, bins: bins, quantile: quantile)
        var shards = [[Double]](repeating: [], count: owners)
        for (i, v) in values.enumerated() { shards[i % owners].append(v) }
        let privacy = epsilon.flatMap { e in delta.map { (epsilon: e, delta: $0) } }
        let outcome = Result { () throws(SecAggError) -> AnalyticsResult in
            try FederatedAnalytics.run(shards: shards, query: q, privacy: privacy, threshold: threshold,
                                       dropout: dropout, seed: seed)
        }
        let result: AnalyticsResult
        switch outcome {
        case .success(let r):
            result = r
        case .failure(.tooFewSurvivors(let phase, let survivors, let threshold)):
            let error = SecAggError.tooFewSurvivors(phase: phase, survivors: survivors, threshold: threshold)
            try CLIIO.printJSON(["error": error.description])
            throw ExitCode(1)
        case .failure(let error):
            throw CLIError(error.description)
        }
        try CLIIO.printJSON(analyticsOutput(result, query: query, bounds: (lower, upper)))
    }
}

/// The query named `name` (one of count, sum, mean, histogram, quantile) with its parameters.
func analyticsQuery(_ name: String, lower: Double, upper: Double, bins: Int, quantile: Double) -> AnalyticsQuery {
    switch name {
    case "count": .count
    case "sum": .sum(lower: lower, upper: upper)
    case "mean": .mean(lower: lower, upper: upper)
    case "histogram": .histogram(lower: lower, upper: upper, bins: bins)
    default: .quantile(quantile, lower: lower, upper: upper, bins: bins)
    }
}

/// The JSON both analytics commands print for a result.
func analyticsOutput(_ result: AnalyticsResult, query: String, bounds: (Double, Double)) -> [String: Any] {
    var output: [String: Any] = [
        "query": query, "owners": result.owners, "survivors": result.survivors,
        "bytes_per_owner": result.bytesPerOwner,
    ]
    if let value = result.value { output["value"] = value }
    if let histogram = result.histogram { output["histogram"] = histogram }
    if query != "count" { output["bounds"] = [bounds.0, bounds.1] }
    if let e = result.epsilon, let d = result.delta {
        output["privacy"] = ["epsilon_spent": e, "delta": d, "per_owner_variance": result.perOwnerVariance ?? 0,
                             "accounting": "distributed discrete Gaussian, RDP, charged for the actual survivors"]
    }
    return output
}

/// The one place the analytics command reads CSV: one value per row — the numbers of `column`
/// when `numeric`, otherwise zeros (a count needs only the rows; a named column must exist).
func readAnalyticsColumn(path: String, column: String?, numeric: Bool) throws -> [Double] {
    let table = try DPCSVTable(data: CLIIO.read(path))
    guard numeric, let column else {
        if let column { _ = try table.columnIndex(column) }
        return [Double](repeating: 0, count: table.rows.count)
    }
    return try table.numericColumn(column)
}
