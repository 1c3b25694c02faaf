import ArgumentParser
import DataFiPerson2Vec
import DataFiSupport
import Foundation

extension EmbedCommand {
    /// Writes vectors in word2vec text format row by row (the same text as `WordVectors.text()`), so the
    /// output is never held whole in memory.
    static func stream(_ vectors: WordVectors, to path: String, inputs: [String?]) throws {
        for word in vectors.words where word.isEmpty || word.contains(where: { $0.isWhitespace }) {
            throw CLIError("\(Person2VecError.unwritableWord(word))")
        }
        try CLIIO.write(to: path, inputs: inputs) { sink in
            try sink.write("\(vectors.words.count) \(vectors.dimension)\n")
            var line = ""
            for (i, word) in vectors.words.enumerated() {
                line.removeAll(keepingCapacity: true)
                line += word
                for j in 0..<vectors.dimension {
                    line += " "
                    line += vectors.values[i * vectors.dimension + j].description
                }
                line += "\n"
                try sink.write(line)
            }
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
            vector written to that file. Prints training words/second on stderr. Input at most 256 MiB; \
            vectors are written row by row (atomically: the file appears when complete).
            """)

    @Option(help: "Corpus file ('-' for stdin).")
    var corpus: String

    @Option(help: "Vector dimension.", transform: StrictArgument.int)
    var dim: Int = 100

    @Option(help: "Maximum context distance.", transform: StrictArgument.int)
    var window: Int = 5

    @Option(help: "Negative samples per pair.", transform: StrictArgument.int)
    var negative: Int = 5

    @Option(help: "Passes over the corpus.", transform: StrictArgument.int)
    var epochs: Int = 5

    @Option(name: .customLong("min-count"), help: "Drop tokens seen fewer times.", transform: StrictArgument.int)
    var minCount: Int = 1

    @Option(help: "Subsampling threshold (0 = off).", transform: StrictArgument.double)
    var sample: Double = 1e-3

    @Option(help: "Starting learning rate.", transform: StrictArgument.float)
    var alpha: Float = 0.025

    @Option(help: "Worker threads (1 is deterministic for a seed).", transform: StrictArgument.int)
    var threads: Int = 1

    @Option(help: "Random seed.", transform: StrictArgument.uint64)
    var seed: UInt64 = 1

    @Option(name: .customLong("noise-table-size"), help: "Slots in the negative-sampling table (default: 10 per token, at least 100,000).", transform: StrictArgument.int)
    var noiseTableSize: Int?

    @Option(help: "Output file for token vectors (word2vec text format).")
    var out: String

    @Option(name: .customLong("person-vectors"), help: "Output file for person vectors; first token of each line is the person.")
    var personVectors: String?

    func run() throws {
        if let personVectors, personVectors == out { throw CLIError("--out and --person-vectors name the same file \(out)") }
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
        try Self.stream(model.wordVectors, to: out, inputs: [corpus])
        if let personVectors {
            try Self.stream(model.personVectors, to: personVectors, inputs: [corpus, out])
        }
        CLIIO.printError("embed: vocabulary=\(model.vocabulary.count) persons=\(model.personVectors.count) "
            + "words=\(model.wordsProcessed) seconds=\(String(format: "%.3f", model.trainingSeconds)) "
            + "words_per_second=\(Int(model.wordsPerSecond.rounded()))")
    }
}
