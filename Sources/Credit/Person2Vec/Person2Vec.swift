import DataFiSupport
import Dispatch
import Foundation
import Synchronization

/// One person's behaviour sequence: events, merchant categories, loan actions, in time order.
public struct BehaviourSequence: Sendable, Equatable {
    /// The person the sequence belongs to; nil trains no person vector for it.
    public var person: String?
    /// The tokens, in order.
    public var events: [String]

    /// Creates a sequence for `person` (or for nobody).
    public init(person: String? = nil, events: [String]) {
        self.person = person
        self.events = events
    }
}

/// Trained embeddings: one vector per kept token, and one per person when sequences carried persons.
public struct Person2VecModel: Sendable {
    /// The kept tokens and their counts, most frequent first.
    public let vocabulary: Vocabulary
    /// Token vectors (word2vec's `syn0`), rows in vocabulary order.
    public let wordVectors: WordVectors
    /// Person vectors (PV-DBOW document vectors), rows in order of first appearance.
    public let personVectors: WordVectors
    /// Token occurrences processed (before subsampling), over all epochs.
    public let wordsProcessed: Int
    /// Wall-clock seconds spent in the training loops (excluding vocabulary building).
    public let trainingSeconds: Double

    /// Vector dimension.
    public var dimension: Int { wordVectors.dimension }
    /// The vector of `token`, or nil when it is not in the vocabulary.
    public func vector(for token: String) -> [Float]? { wordVectors.vector(for: token) }
    /// The vector of `person`, or nil when no sequence named that person.
    public func personVector(for person: String) -> [Float]? { personVectors.vector(for: person) }
    /// The `count` tokens most cosine-similar to `token`, best first.
    public func nearest(to token: String, count: Int = 10) -> [(word: String, similarity: Float)] {
        wordVectors.nearest(to: token, count: count)
    }
    /// Training throughput in token occurrences per second.
    public var wordsPerSecond: Double { trainingSeconds > 0 ? Double(wordsProcessed) / trainingSeconds : 0 }
}

/// Skip-gram with negative sampling (word2vec.c semantics) plus PV-DBOW person vectors.
///
/// Follows word2vec.c: vocabulary sorted by count after `minCount`; frequent-token subsampling with
/// `ran = (√(c/(s·T)) + 1)·(s·T)/c`; noise table by `count^0.75`; window shrink `b = random % window`;
/// learning rate decaying linearly from `alpha` to `alpha·0.0001` by tokens processed (updated every
/// 10,000 tokens); sigmoid from a 1000-entry table clipped at ±6; its LCG `r = r·25214903917 + 11`.
/// Differences: no `</s>` token (sequences are lines, never joined), so no sentence-end counts, and
/// a negative sample equal to the table's first word is kept rather than redrawn. When a sequence
/// has a person, the person's vector also predicts every kept token of the sequence with the same
/// negative sampling (PV-DBOW), sharing the output weights with the skip-gram.
///
/// One thread is deterministic for a seed. Several threads train Hogwild-style: they read and write
/// the shared float matrices without locks. The races are benign for SGD (an update may be lost or
/// see a half-updated row) but make the result depend on scheduling.
public enum Person2Vec {
    /// Training parameters; defaults are word2vec.c's skip-gram ones except `noiseTableSize`.
    public struct Configuration: Sendable, Equatable {
        /// Vector dimension (1...10,000).
        public var dimension = 100
        /// Maximum distance between a token and a context token (≥ 1).
        public var window = 5
        /// Noise samples per positive pair (1...100).
        public var negative = 5
        /// Passes over the corpus (≥ 1).
        public var epochs = 5
        /// Tokens seen fewer times are dropped.
        public var minCount = 5
        /// Subsampling threshold; 0 keeps every token.
        public var sample = 1e-3
        /// Starting learning rate; it decays linearly to `alpha · 0.0001`.
        public var alpha: Float = 0.025
        /// Worker threads: nil uses the SDK's `Parallelism.limit`, a number in 1…1024 exactly that many.
        /// Unlike the rest of the SDK the default is 1, because only one thread is reproducible for a seed
        /// (several train Hogwild-style).
        public var threads: Int? = 1
        /// Seed of the generators (initial vectors and each thread's sampling).
        public var seed: UInt64 = 1
        /// Slots in the noise table; nil picks `automaticNoiseTableSize(vocabularySize:)`.
        /// word2vec.c uses 1e8, which misses the caches on every draw; a table of about ten slots per
        /// token keeps the sampling error small and is several times faster.
        public var noiseTableSize: Int? = nil
        /// Sequences longer than this are trained in chunks of this many kept tokens.
        public var maxSequenceLength = 1000

        /// Creates a configuration; every parameter has word2vec.c's default.
        public init(dimension: Int = 100, window: Int = 5, negative: Int = 5, epochs: Int = 5, minCount: Int = 5,
                    sample: Double = 1e-3, alpha: Float = 0.025, threads: Int? = 1, seed: UInt64 = 1,
                    noiseTableSize: Int? = nil, maxSequenceLength: Int = 1000) {
            self.dimension = dimension
            self.window = window
            self.negative = negative
            self.epochs = epochs
            self.minCount = minCount
            self.sample = sample
            self.alpha = alpha
            self.threads = threads
            self.seed = seed
            self.noiseTableSize = noiseTableSize
            self.maxSequenceLength = maxSequenceLength
        }

        func validate() throws(Person2VecError) {
            func check(_ ok: Bool, _ name: String, _ value: Any) throws(Person2VecError) {
                if !ok { throw .invalidConfiguration(name: name, value: "\(value)") }
            }
            try check((1...10_000).contains(dimension), "dimension", dimension)
            try check((1...10_000).contains(window), "window", window)
            try check((1...100).contains(negative), "negative", negative)
            try check((1...100_000).contains(epochs), "epochs", epochs)
            try check(minCount >= 1, "min count", minCount)
            try check(sample.isFinite && sample >= 0, "sample", sample)
            try check(alpha.isFinite && alpha > 0, "alpha", alpha)
            if let threads { try check((1...1024).contains(threads), "threads", threads) }
            if let noiseTableSize {
                try check((1...1_000_000_000).contains(noiseTableSize), "noise table size", noiseTableSize)
            }
            try check((1...1_000_000).contains(maxSequenceLength), "max sequence length", maxSequenceLength)
        }
    }

    /// The default noise-table size: 10 slots per token, clamped to [100,000, 100,000,000].
    public static func automaticNoiseTableSize(vocabularySize: Int) -> Int {
        vocabularySize >= 10_000_000 ? 100_000_000 : max(100_000, vocabularySize * 10)
    }

    /// Largest number of floats (tokens + persons) × dimension, for both matrices together.
    public static let maxParameters = 1 << 29

    /// Trains on plain token sequences (no person vectors).
    /// - Throws: see `train(corpus:configuration:)`.
    public static func train(sequences: [[String]], configuration: Configuration = .init())
        throws(Person2VecError) -> Person2VecModel {
        try train(corpus: sequences.map { BehaviourSequence(events: $0) }, configuration: configuration)
    }

    /// Trains token vectors and person vectors on `corpus`.
    /// - Throws: `invalidConfiguration` (also when a too-large `alpha` makes training diverge), `emptyVocabulary` (nothing reaches `minCount`),
    ///   `modelTooLarge`, `inputTooLarge` (more than 2^31 tokens).
    public static func train(corpus: [BehaviourSequence], configuration: Configuration = .init())
        throws(Person2VecError) -> Person2VecModel {
        try configuration.validate()
        let vocabulary = Vocabulary(sequences: corpus.lazy.map(\.events), minCount: configuration.minCount)
        guard vocabulary.count > 0 else { throw .emptyVocabulary }

        // Encode: kept tokens as indices, one range per sequence, person index or -1.
        var persons: [String] = []
        var personIndex: [String: Int32] = [:]
        var tokens: [Int32] = []
        var sequenceStart: [Int] = [0]
        var sequencePerson: [Int32] = []
        sequenceStart.reserveCapacity(corpus.count + 1)
        sequencePerson.reserveCapacity(corpus.count)
        for sequence in corpus {
            for token in sequence.events {
                if let i = vocabulary.index[token] { tokens.append(i) }
            }
            guard tokens.count < Int(Int32.max) else { throw .inputTooLarge(what: "token count", limit: Int(Int32.max)) }
            sequenceStart.append(tokens.count)
            if let person = sequence.person {
                if let p = personIndex[person] {
                    sequencePerson.append(p)
                } else {
                    let p = Int32(persons.count)
                    persons.append(person)
                    personIndex[person] = p
                    sequencePerson.append(p)
                }
            } else {
                sequencePerson.append(-1)
            }
        }
        let d = configuration.dimension
        let rows = vocabulary.count + persons.count
        guard rows <= maxParameters / d, vocabulary.count * 2 + persons.count <= maxParameters / d else {
            throw .modelTooLarge(limit: maxParameters)
        }

        let state = TrainingState(vocabulary: vocabulary, personCount: persons.count, tokens: tokens,
                                  sequenceStart: sequenceStart, sequencePerson: sequencePerson,
                                  configuration: configuration)
        let clock = ContinuousClock()
        let start = clock.now
        let threads = min(Parallelism.threads(configuration.threads), 1024)
        if threads == 1 {
            state.run(thread: 0, sequences: 0..<corpus.count)
        } else {
            let ranges = splitByTokens(sequenceStart: sequenceStart, parts: threads)
            Parallelism.forEachPart(threads) { t in
                state.run(thread: t, sequences: ranges[t])
            }
        }
        let elapsed = clock.now - start
        // A learning rate far too large makes the vectors overflow; report it instead of writing NaN.
        guard UnsafeBufferPointer(start: state.syn0, count: vocabulary.count * d).allSatisfy(\.isFinite),
              UnsafeBufferPointer(start: state.personVectors, count: persons.count * d).allSatisfy(\.isFinite) else {
            throw .invalidConfiguration(name: "alpha", value: "\(configuration.alpha) (training diverged to non-finite vectors)")
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return try Person2VecModel(
            vocabulary: vocabulary,
            wordVectors: WordVectors(words: vocabulary.words, dimension: d,
                                     values: Array(UnsafeBufferPointer(start: state.syn0, count: vocabulary.count * d))),
            personVectors: WordVectors(words: persons, dimension: d,
                                       values: Array(UnsafeBufferPointer(start: state.personVectors, count: persons.count * d))),
            wordsProcessed: state.wordCountActual.load(ordering: .relaxed),
            trainingSeconds: seconds)
    }

    /// Splits sequences into `parts` contiguous ranges of about equal token counts.
    static func splitByTokens(sequenceStart: [Int], parts: Int) -> [Range<Int>] {
        let n = sequenceStart.count - 1
        let total = sequenceStart[n]
        var ranges: [Range<Int>] = []
        var lower = 0
        for p in 1...parts {
            var upper = lower
            let goal = total * p / parts
            while upper < n && (sequenceStart[upper + 1] <= goal || p == parts) { upper += 1 }
            ranges.append(lower..<upper)
            lower = upper
        }
        return ranges
    }
}

/// word2vec.c's sigmoid table: 1000 entries over [−6, 6].
let expTableSize = 1000
let maxExp: Float = 6

/// Buffers shared by the training threads. The float matrices are written without locks
/// (Hogwild); everything else is read-only once training starts.
final class TrainingState: @unchecked Sendable {
    let dimension: Int
    let vocabularySize: Int
    let syn0: UnsafeMutablePointer<Float>
    let syn1neg: UnsafeMutablePointer<Float>
    let personVectors: UnsafeMutablePointer<Float>
    let personCount: Int
    let table: [Int32]
    let expTable: [Float]
    let keep: [Double]
    let tokens: [Int32]
    let sequenceStart: [Int]
    let sequencePerson: [Int32]
    let configuration: Person2Vec.Configuration
    let trainWords: Int
    let wordCountActual = Atomic<Int>(0)

    init(vocabulary: Vocabulary, personCount: Int, tokens: [Int32], sequenceStart: [Int],
         sequencePerson: [Int32], configuration: Person2Vec.Configuration) {
        let d = configuration.dimension
        dimension = d
        vocabularySize = vocabulary.count
        self.personCount = personCount
        self.tokens = tokens
        self.sequenceStart = sequenceStart
        self.sequencePerson = sequencePerson
        self.configuration = configuration
        trainWords = vocabulary.totalCount
        syn0 = .allocate(capacity: vocabularySize * d)
        syn1neg = .allocate(capacity: vocabularySize * d)
        syn1neg.initialize(repeating: 0, count: vocabularySize * d)
        personVectors = .allocate(capacity: max(1, personCount * d))
        // word2vec.c's initialisation: (random16/65536 − 0.5) / dimension, token rows then person rows.
        var next = configuration.seed
        for i in 0..<(vocabularySize * d) {
            next = next &* 25_214_903_917 &+ 11
            syn0[i] = (Float(next & 0xFFFF) / 65536 - 0.5) / Float(d)
        }
        for i in 0..<(personCount * d) {
            next = next &* 25_214_903_917 &+ 11
            personVectors[i] = (Float(next & 0xFFFF) / 65536 - 0.5) / Float(d)
        }
        table = vocabulary.unigramTable(size: configuration.noiseTableSize
            ?? Person2Vec.automaticNoiseTableSize(vocabularySize: vocabulary.count))
        expTable = (0..<expTableSize).map { i in
            let e = Float(exp(Double((Float(i) / Float(expTableSize) * 2 - 1) * maxExp)))
            return e / (e + 1)
        }
        let total = vocabulary.totalCount
        keep = vocabulary.counts.map {
            Vocabulary.keepProbability(count: $0, totalWords: total, sample: configuration.sample)
        }
    }

    deinit {
        syn0.deallocate()
        syn1neg.deallocate()
        personVectors.deallocate()
    }

    /// One worker: `epochs` passes over its sequences, as word2vec.c's TrainModelThread.
    func run(thread: Int, sequences: Range<Int>) {
        let d = dimension
        let window = configuration.window
        let negative = configuration.negative
        let startingAlpha = configuration.alpha
        let sample = configuration.sample
        let maxLength = configuration.maxSequenceLength
        let epochs = configuration.epochs
        let totalWork = Float(epochs * trainWords + 1)
        var alpha = startingAlpha
        var next = configuration.seed &+ UInt64(thread) &+ 0x5DEECE66D
        let neu1e = UnsafeMutablePointer<Float>.allocate(capacity: d)
        let sentence = UnsafeMutablePointer<Int32>.allocate(capacity: maxLength)
        defer {
            neu1e.deallocate()
            sentence.deallocate()
        }
        var wordCount = 0
        var lastWordCount = 0
        table.withUnsafeBufferPointer { tableBuffer in
        expTable.withUnsafeBufferPointer { expBuffer in
        keep.withUnsafeBufferPointer { keepBuffer in
        tokens.withUnsafeBufferPointer { tokenBuffer in
            let table = tableBuffer.baseAddress!
            let tableSize = UInt64(tableBuffer.count)
            let expTable = expBuffer.baseAddress!
            let keep = keepBuffer.baseAddress!
            let syn0 = self.syn0, syn1neg = self.syn1neg

            /// One positive pair (input row `l1` predicts `word`) plus `negative` noise pairs.
            @inline(__always)
            func trainPair(_ l1: UnsafeMutablePointer<Float>, _ word: Int32) {
                neu1e.update(repeating: 0, count: d)
                for k in 0...negative {
                    let target: Int32
                    let label: Float
                    if k == 0 {
                        target = word
                        label = 1
                    } else {
                        next = next &* 25_214_903_917 &+ 11
                        target = table[Int((next >> 16) % tableSize)]
                        if target == word { continue }
                        label = 0
                    }
                    let l2 = syn1neg + Int(target) * d
                    let f = dot(l1, l2, d)
                    let g: Float
                    // `!(f <= maxExp)` also takes a NaN dot product (diverged training) away from the table index.
                    if !(f <= maxExp) {
                        g = (label - 1) * alpha
                    } else if f < -maxExp {
                        g = label * alpha
                    } else {
                        g = (label - expTable[Int((f + maxExp) * Float(expTableSize / Int(maxExp) / 2))]) * alpha
                    }
                    fusedUpdate(g, input: l1, output: l2, accumulator: neu1e, d)
                }
                axpy(1, neu1e, l1, d)
            }

            for _ in 0..<epochs {
                for s in sequences {
                    var i = sequenceStart[s]
                    let end = sequenceStart[s + 1]
                    let person = sequencePerson[s]
                    while i < end {
                        // Read up to maxLength kept tokens, subsampling frequent ones.
                        var length = 0
                        while i < end && length < maxLength {
                            let word = tokenBuffer[i]
                            i += 1
                            wordCount += 1
                            if sample > 0 {
                                next = next &* 25_214_903_917 &+ 11
                                if keep[Int(word)] < Double(next & 0xFFFF) / 65536 { continue }
                            }
                            sentence[length] = word
                            length += 1
                        }
                        for position in 0..<length {
                            if wordCount - lastWordCount > 10_000 {
                                let total = wordCountActual.add(wordCount - lastWordCount, ordering: .relaxed).newValue
                                lastWordCount = wordCount
                                alpha = startingAlpha * (1 - Float(total) / totalWork)
                                if alpha < startingAlpha * 0.0001 { alpha = startingAlpha * 0.0001 }
                            }
                            let word = sentence[position]
                            next = next &* 25_214_903_917 &+ 11
                            let b = Int(next % UInt64(window))
                            var a = b
                            while a < window * 2 + 1 - b {
                                defer { a += 1 }
                                if a == window { continue }
                                let c = position - window + a
                                if c < 0 || c >= length { continue }
                                trainPair(syn0 + Int(sentence[c]) * d, word)
                            }
                            if person >= 0 {
                                trainPair(personVectors + Int(person) * d, word)
                            }
                        }
                    }
                }
                wordCountActual.add(wordCount - lastWordCount, ordering: .relaxed)
                wordCount = 0
                lastWordCount = 0
            }
        }
        }
        }
        }
    }
}

extension BehaviourSequence {
    /// Reads a corpus with one sequence per line and tokens separated by spaces or tabs.
    ///
    /// Blank lines are skipped. With `firstTokenIsPerson`, the first token of each line is the
    /// person id and the rest are the events; a line with a person but no events is skipped (that
    /// person gets no vector unless another line names them).
    public static func parseCorpus(_ text: String, firstTokenIsPerson: Bool = false) -> [BehaviourSequence] {
        var corpus: [BehaviourSequence] = []
        var text = text
        text.withUTF8 { bytes in
            var tokens: [String] = []
            let count = bytes.count
            // Skip a UTF-8 byte-order mark so it does not become part of the first token.
            var lineStart = count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
            while lineStart < count {
                var end = lineStart
                while end < count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
                tokens.removeAll(keepingCapacity: true)
                var i = lineStart
                while i < end {
                    while i < end && (bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 13) { i += 1 }
                    let start = i
                    while i < end && !(bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 13) { i += 1 }
                    if i > start {
                        tokens.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
                    }
                }
                if firstTokenIsPerson {
                    if tokens.count >= 2 {
                        corpus.append(BehaviourSequence(person: tokens[0], events: Array(tokens.dropFirst())))
                    }
                } else if !tokens.isEmpty {
                    corpus.append(BehaviourSequence(events: tokens))
                }
                lineStart = end + 1
            }
        }
        return corpus
    }
}
