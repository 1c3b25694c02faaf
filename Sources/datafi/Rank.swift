import ArgumentParser
import DataFiZhangRank
import Foundation

/// `datafi rank`: Zhang Rank (time-decayed PageRank) of a credit-relation edge list.
struct RankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rank",
        abstract: "Rank accounts by time-decayed PageRank over credit relations; prints node,score CSV.",
        discussion: """
            The edge list is CSV (RFC 4180 quoting) with columns source,target[,weight][,timestamp]. \
            A header row is detected, \
            not required: a first row starting with 'source,target' names the columns (weight and \
            timestamp in any order). Without a header the third column is the weight and the fourth \
            the timestamp. Output: 'node,score' then one row per node, highest score first, streamed. \
            Input at most 256 MiB.
            """)

    @Option(help: "Edge-list CSV file ('-' for stdin).")
    var edges: String

    @Option(help: "Damping factor in [0, 1).", transform: StrictArgument.double)
    var damping: Double = 0.85

    @Option(name: .customLong("max-error"),
            help: "Stop once the scores are provably within this L1 distance of the PageRank fixed point.",
            transform: StrictArgument.double)
    var maxError: Double = 1e-10

    @Option(help: "networkx's rule instead of --max-error: stop when sum |x - x_last| < N * tolerance.",
            transform: StrictArgument.double)
    var tolerance: Double?

    @Option(name: .customLong("max-iterations"), help: "Iteration limit; exceeding it is an error.", transform: StrictArgument.int)
    var maxIterations: Int = 1000

    @Option(name: .customLong("half-life"), help: "Half-life of edge weights in seconds (needs timestamps).", transform: StrictArgument.double)
    var halfLife: Double?

    @Option(help: "The present in the timestamps' seconds (default: current Unix time); used with --half-life.", transform: StrictArgument.double)
    var now: Double?

    @Option(help: "Seed accounts for personalization: lines 'node' or 'node,weight'.")
    var seeds: String?

    @Option(help: "Where dangling nodes send their rank: personalization (networkx default) or uniform.")
    var dangling: String = "personalization"

    @Option(help: "Worker threads (default: the SDK's Parallelism.limit, one per processor).",
            transform: StrictArgument.int)
    var threads: Int?

    @Flag(help: "Print parse and compute times on stderr.")
    var timing = false

    func run() throws {
        let clock = ContinuousClock()
        let data = try CLIIO.read(edges)
        let parseStart = clock.now
        let graph: CreditGraph<String>
        do {
            graph = try data.withUnsafeBytes { raw throws(ZhangRankError) in
                try EdgeListCSV.parse(bytes: raw.bindMemory(to: UInt8.self))
            }
        } catch {
            throw CLIError("\(edges): \(error)")
        }
        var personalization: [String: Double]? = nil
        if let seeds {
            do { personalization = try EdgeListCSV.parseSeeds(CLIIO.readText(seeds)) } catch let error as ZhangRankError {
                throw CLIError("\(seeds): \(error)")
            }
        }
        let parseTime = clock.now - parseStart

        var configuration = ZhangRank.Configuration(damping: damping, tolerance: tolerance ?? 1e-6,
                                                    maxIterations: maxIterations, threads: threads,
                                                    maxError: tolerance == nil ? maxError : nil)
        switch dangling {
        case "personalization": configuration.dangling = .personalization
        case "uniform": configuration.dangling = .uniform
        default: throw CLIError("--dangling must be 'personalization' or 'uniform'")
        }
        if let halfLife {
            configuration.decay = .init(halfLife: halfLife, now: now ?? Date().timeIntervalSince1970)
        } else if now != nil {
            throw CLIError("--now needs --half-life")
        }

        let computeStart = clock.now
        let result: ZhangRank.Result
        do {
            result = try ZhangRank.solve(graph: graph, configuration: configuration, personalization: personalization)
        } catch {
            throw CLIError("\(error)")
        }
        let computeTime = clock.now - computeStart

        let scores = result.scores
        let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        var out = CLIIO.StdoutStream()
        try out.write("node,score\n")
        for i in order {
            try out.write(graph.nodes[i] + "," + scores[i].description + "\n")
        }
        try out.flush()
        if timing {
            CLIIO.printError("rank: nodes=\(graph.nodeCount) edges=\(graph.edgeCount) iterations=\(result.iterations) "
                + "parse_seconds=\(rankSeconds(parseTime)) compute_seconds=\(rankSeconds(computeTime))")
        }
    }
}

/// Seconds of a duration as a decimal string.
private func rankSeconds(_ duration: Duration) -> String {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    return String(format: "%.6f", seconds)
}
