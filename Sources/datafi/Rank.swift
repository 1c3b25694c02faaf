import ArgumentParser
import DataFiPerson2Vec
import DataFiZhangRank
import Foundation

/// `datafi rank`: Zhang Rank (time-decayed PageRank) of a credit-relation edge list.
struct RankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rank",
        abstract: "Rank accounts by time-decayed PageRank over credit relations; prints node,score CSV.",
        discussion: """
            The edge list has columns source,target[,weight][,timestamp]. A header row is detected, \
            not required: a first row starting with 'source,target' names the columns (weight and \
            timestamp in any order). Without a header the third column is the weight and the fourth \
            the timestamp. Output: 'node,score' then one row per node, highest score first.
            """)

    @Option(help: "Edge-list CSV file ('-' for stdin).")
    var edges: String

    @Option(help: "Damping factor in [0, 1).")
    var damping: Double = 0.85

    @Option(name: .customLong("max-error"),
            help: "Stop once the scores are provably within this L1 distance of the PageRank fixed point.")
    var maxError: Double = 1e-10

    @Option(help: "networkx's rule instead of --max-error: stop when sum |x - x_last| < N * tolerance.")
    var tolerance: Double?

    @Option(name: .customLong("max-iterations"), help: "Iteration limit; exceeding it is an error.")
    var maxIterations: Int = 1000

    @Option(name: .customLong("half-life"), help: "Half-life of edge weights in seconds (needs timestamps).")
    var halfLife: Double?

    @Option(help: "The present in the timestamps' seconds (default: current Unix time); used with --half-life.")
    var now: Double?

    @Option(help: "Seed accounts for personalization: lines 'node' or 'node,weight'.")
    var seeds: String?

    @Option(help: "Where dangling nodes send their rank: personalization (networkx default) or uniform.")
    var dangling: String = "personalization"

    @Option(help: "Worker threads (default: the SDK's Parallelism.limit, one per processor).")
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
        var out = "node,score\n"
        out.reserveCapacity(order.count * 24)
        for i in order {
            out += graph.nodes[i]
            out += ","
            out += scores[i].description
            out += "\n"
        }
        try CLIIO.writeStdout(Array(out.utf8))
        if timing {
            CLIIO.printError("rank: nodes=\(graph.nodeCount) edges=\(graph.edgeCount) iterations=\(result.iterations) "
                + "parse_seconds=\(rankSeconds(parseTime)) compute_seconds=\(rankSeconds(computeTime))")
        }
    }
}

/// `datafi embed`: Person2Vec / skip-gram embeddings of behaviour sequences.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Train skip-gram embeddings of behaviour sequences; writes word2vec text format.",
        discussion: """
            The corpus has one sequence per line, tokens separated by spaces. With --person-vectors \
            the first token of each line is the person id: it is not an event, it gets a PV-DBOW \
            vector written to that file. Prints training words/second on stderr.
            """)

    @Option(help: "Corpus file ('-' for stdin).")
    var corpus: String

    @Option(help: "Vector dimension.")
    var dim: Int = 100

    @Option(help: "Maximum context distance.")
    var window: Int = 5

    @Option(help: "Negative samples per pair.")
    var negative: Int = 5

    @Option(help: "Passes over the corpus.")
    var epochs: Int = 5

    @Option(name: .customLong("min-count"), help: "Drop tokens seen fewer times.")
    var minCount: Int = 1

    @Option(help: "Subsampling threshold (0 = off).")
    var sample: Double = 1e-3

    @Option(help: "Starting learning rate.")
    var alpha: Float = 0.025

    @Option(help: "Worker threads (1 is deterministic for a seed).")
    var threads: Int = 1

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(name: .customLong("noise-table-size"), help: "Slots in the negative-sampling table (default: 10 per token, at least 100,000).")
    var noiseTableSize: Int?

    @Option(help: "Output file for token vectors (word2vec text format).")
    var out: String

    @Option(name: .customLong("person-vectors"), help: "Output file for person vectors; first token of each line is the person.")
    var personVectors: String?

    func run() throws {
        let text = try CLIIO.readText(corpus)
        let sequences = BehaviourSequence.parseCorpus(text, firstTokenIsPerson: personVectors != nil)
        let configuration = Person2Vec.Configuration(
            dimension: dim, window: window, negative: negative, epochs: epochs, minCount: minCount,
            sample: sample, alpha: alpha, threads: threads, seed: seed, noiseTableSize: noiseTableSize)
        let model: Person2VecModel
        do {
            model = try Person2Vec.train(corpus: sequences, configuration: configuration)
        } catch {
            throw CLIError("\(error)")
        }
        do {
            try CLIIO.write(Data(model.wordVectors.text().utf8), to: out)
            if let personVectors {
                try CLIIO.write(Data(model.personVectors.text().utf8), to: personVectors)
            }
        } catch let error as Person2VecError {
            throw CLIError("\(error)")
        }
        CLIIO.printError("embed: vocabulary=\(model.vocabulary.count) persons=\(model.personVectors.count) "
            + "words=\(model.wordsProcessed) seconds=\(String(format: "%.3f", model.trainingSeconds)) "
            + "words_per_second=\(Int(model.wordsPerSecond.rounded()))")
    }
}

/// Seconds of a duration as a decimal string.
private func rankSeconds(_ duration: Duration) -> String {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    return String(format: "%.6f", seconds)
}
