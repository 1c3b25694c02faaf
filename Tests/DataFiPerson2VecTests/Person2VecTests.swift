import Foundation
import PropertyBased
import Testing
import DataFiSupport
@testable import DataFiPerson2Vec

/// A corpus whose tokens come from `clusters` groups; every sequence draws from one group only.
/// Token `c<k>_<i>` belongs to cluster k; person `p<n>` always stays in cluster n % clusters.
func plantedCorpus(clusters: Int, tokensPerCluster: Int, sequences: Int, length: Int,
                   seed: UInt64) -> [BehaviourSequence] {
    var rng = SplitMix64(seed: seed)
    return (0..<sequences).map { n in
        let person = n % (sequences / 4)
        let k = person % clusters
        let events = (0..<length).map { _ in "c\(k)_\(rng.next() % UInt64(tokensPerCluster))" }
        return BehaviourSequence(person: "p\(person)", events: events)
    }
}

func cluster(of token: String) -> Substring { token.split(separator: "_")[0] }

/// Fraction of the top-10 neighbours that share the query's cluster.
func neighbourPurity(_ vectors: WordVectors, clusterOf: (String) -> Substring) -> Double {
    var same = 0, total = 0
    for word in vectors.words {
        for (neighbour, _) in vectors.nearest(to: word, count: 10) {
            total += 1
            if clusterOf(neighbour) == clusterOf(word) { same += 1 }
        }
    }
    return Double(same) / Double(total)
}

let smallConfiguration = Person2Vec.Configuration(dimension: 24, window: 4, negative: 5, epochs: 4, minCount: 1,
                                                   sample: 1e-3, noiseTableSize: 100_000)

@Test func singleThreadTrainingIsDeterministicForASeed() throws {
    let corpus = plantedCorpus(clusters: 3, tokensPerCluster: 10, sequences: 200, length: 12, seed: 1)
    let a = try Person2Vec.train(corpus: corpus, configuration: smallConfiguration)
    let b = try Person2Vec.train(corpus: corpus, configuration: smallConfiguration)
    #expect(a.wordVectors == b.wordVectors)
    #expect(a.personVectors == b.personVectors)
    var other = smallConfiguration
    other.seed = 2
    let c = try Person2Vec.train(corpus: corpus, configuration: other)
    #expect(c.wordVectors != a.wordVectors)
    #expect(a.wordsProcessed == 200 * 12 * smallConfiguration.epochs)
}

@Test func plantedClustersAreRecovered() throws {
    let corpus = plantedCorpus(clusters: 5, tokensPerCluster: 20, sequences: 1_000, length: 20, seed: 3)
    var configuration = smallConfiguration
    configuration.epochs = 5
    let model = try Person2Vec.train(corpus: corpus, configuration: configuration)
    #expect(model.wordVectors.count == 100)
    let purity = neighbourPurity(model.wordVectors, clusterOf: cluster(of:))
    #expect(purity >= 0.9, "top-10 neighbour purity \(purity)")
    // Person vectors point at their cluster's tokens: the nearest tokens to p0 are from cluster 0.
    let p0 = try #require(model.personVector(for: "p0"))
    let nearTokens = try model.wordVectors.nearest(to: p0, count: 10)
    let inCluster = nearTokens.filter { cluster(of: $0.word) == "c0" }.count
    #expect(inCluster >= 8, "\(nearTokens)")
    // Persons of one cluster are closer to each other than to persons of another.
    let same = try #require(model.personVectors.similarity("p0", "p5"))
    let other = try #require(model.personVectors.similarity("p0", "p1"))
    #expect(same > other)
}

@Test func hogwildThreadsStillLearn() throws {
    let corpus = plantedCorpus(clusters: 4, tokensPerCluster: 15, sequences: 800, length: 20, seed: 5)
    var configuration = smallConfiguration
    configuration.threads = 2
    let model = try Person2Vec.train(corpus: corpus, configuration: configuration)
    #expect(model.wordsProcessed == 800 * 20 * configuration.epochs)
    #expect(neighbourPurity(model.wordVectors, clusterOf: cluster(of:)) >= 0.85)
}

@Test func moreThreadsThanSequencesIsFine() throws {
    let model = try Person2Vec.train(sequences: [["a", "b", "c"], ["c", "b"]],
                                     configuration: .init(dimension: 8, epochs: 3, minCount: 1, threads: 4))
    #expect(model.wordsProcessed == 15)
    #expect(Person2Vec.splitByTokens(sequenceStart: [0, 3, 5], parts: 4).reduce(0) { $0 + $1.count } == 2)
}

@Test func plainSequencesTrainWithoutPersons() throws {
    let model = try Person2Vec.train(sequences: [["a", "b", "c"], ["b", "c", "a"], ["a"]],
                                     configuration: .init(dimension: 8, minCount: 1, noiseTableSize: 1000))
    #expect(model.personVectors.count == 0)
    #expect(model.vector(for: "a")?.count == 8)
    #expect(model.vector(for: "zz") == nil)
    #expect(model.personVector(for: "p") == nil)
}

@Test func vocabularyIsSortedByCountThenToken() {
    let vocabulary = Vocabulary(sequences: [["b", "a", "c", "a"], ["c", "d", "a", "b", "e"]], minCount: 2)
    #expect(vocabulary.words == ["a", "b", "c"])
    #expect(vocabulary.counts == [3, 2, 2])
    #expect(vocabulary.totalCount == 7)
    #expect(vocabulary.index(of: "d") == nil)
    #expect(vocabulary.index(of: "c") == 2)
}

@Test func subsamplingFollowsTheWord2vecFormula() {
    // ran = (sqrt(c/(s*T)) + 1) * (s*T)/c. With s*T = 1: c = 4 → (2+1)/4 = 0.75; c = 100 → 11/100.
    #expect(abs(Vocabulary.keepProbability(count: 4, totalWords: 1000, sample: 1e-3) - 0.75) < 1e-12)
    #expect(abs(Vocabulary.keepProbability(count: 100, totalWords: 1000, sample: 1e-3) - 0.11) < 1e-12)
    // Rare tokens have ran > 1: always kept. sample 0 keeps all.
    #expect(Vocabulary.keepProbability(count: 1, totalWords: 1000, sample: 1e-3) > 1)
    #expect(Vocabulary.keepProbability(count: 999, totalWords: 1000, sample: 0) == 1)
}

@Test func subsamplingDropsFrequentTokensAtTheFormulaRate() throws {
    // One token making up most of the corpus is kept at about ran = (sqrt(c/(sT))+1)(sT)/c per epoch;
    // processed counts are pre-subsampling so they do not change, but training stays finite.
    let frequent = Array(repeating: "x", count: 9_000) + (0..<1_000).map { "r\($0)" }
    let keep = Vocabulary.keepProbability(count: 9_000, totalWords: 10_000, sample: 1e-3)
    #expect(abs(keep - (3 + 10) / 9_000 * 0 - ((9_000.0 / 10).squareRoot() + 1) * 10 / 9_000) < 1e-12)
    // Simulate word2vec.c's draw with its LCG and check the kept fraction.
    var next: UInt64 = 1, kept = 0
    for _ in 0..<9_000 {
        next = next &* 25_214_903_917 &+ 11
        if !(keep < Double(next & 0xFFFF) / 65536) { kept += 1 }
    }
    #expect(abs(Double(kept) / 9_000 - keep) < 0.01)
    let model = try Person2Vec.train(sequences: [frequent], configuration: .init(dimension: 8, epochs: 1, minCount: 1,
                                                                                 noiseTableSize: 10_000))
    #expect(model.wordsProcessed == 10_000)
}

@Test func noiseTableFollowsCountsToThePower075() {
    let vocabulary = Vocabulary(counts: ["a": 1000, "b": 100, "c": 10, "d": 1], minCount: 1)
    let table = vocabulary.unigramTable(size: 1_000_000)
    let weights = vocabulary.counts.map { pow(Double($0), 0.75) }
    let total = weights.reduce(0, +)
    for i in 0..<4 {
        let share = Double(table.filter { $0 == Int32(i) }.count) / 1_000_000
        #expect(abs(share - weights[i] / total) < 1e-3, "word \(i): \(share)")
    }
    #expect(table.first == 0 && table.last == 3)
}

@Test func automaticNoiseTableScalesWithTheVocabulary() {
    #expect(Person2Vec.automaticNoiseTableSize(vocabularySize: 10) == 100_000)
    #expect(Person2Vec.automaticNoiseTableSize(vocabularySize: 1_000_000) == 10_000_000)
    #expect(Person2Vec.automaticNoiseTableSize(vocabularySize: 1 << 40) == 100_000_000)
    #expect(Person2Vec.automaticNoiseTableSize(vocabularySize: Int.max) == 100_000_000)
}

@Test func invalidConfigurationsAndEmptyCorporaThrow() {
    let corpus = [["a", "b"]]
    let bad: [Person2Vec.Configuration] = [
        .init(dimension: 0), .init(dimension: 10_001), .init(window: 0), .init(negative: 0), .init(epochs: 0),
        .init(minCount: 0), .init(sample: -1), .init(sample: .nan), .init(alpha: 0), .init(alpha: .infinity),
        .init(threads: 0), .init(noiseTableSize: 0), .init(maxSequenceLength: 0),
    ]
    for configuration in bad {
        #expect(throws: Person2VecError.self) { try Person2Vec.train(sequences: corpus, configuration: configuration) }
    }
    #expect(throws: Person2VecError.emptyVocabulary) {
        try Person2Vec.train(sequences: corpus, configuration: .init(minCount: 2))
    }
    #expect(throws: Person2VecError.emptyVocabulary) { try Person2Vec.train(sequences: [], configuration: .init()) }
    #expect(throws: Person2VecError.modelTooLarge(limit: Person2Vec.maxParameters)) {
        try Person2Vec.train(sequences: [(0..<60_000).map { "t\($0)" }],
                             configuration: .init(dimension: 10_000, minCount: 1))
    }
}

@Test func longSequencesAreChunked() throws {
    let long = (0..<5_000).map { "t\($0 % 50)" }
    let model = try Person2Vec.train(sequences: [long], configuration: .init(dimension: 8, epochs: 1, minCount: 1,
                                                                              noiseTableSize: 1000, maxSequenceLength: 64))
    #expect(model.wordsProcessed == 5_000)
    #expect(model.wordVectors.values.allSatisfy { $0.isFinite })
}


@Test func corpusTextIsParsedPerLine() {
    let text = "a b  c\n\n\td e\r\nf\n"
    #expect(BehaviourSequence.parseCorpus(text) == [
        BehaviourSequence(events: ["a", "b", "c"]), BehaviourSequence(events: ["d", "e"]),
        BehaviourSequence(events: ["f"]),
    ])
    #expect(BehaviourSequence.parseCorpus(text, firstTokenIsPerson: true) == [
        BehaviourSequence(person: "a", events: ["b", "c"]), BehaviourSequence(person: "d", events: ["e"]),
    ])
    #expect(BehaviourSequence.parseCorpus("").isEmpty)
}

@Test func hostileCorpusTextNeverCrashes() async {
    let alphabet: [Character] = ["a", "b", " ", "\n", "\t", "\r", "é", "\u{0}", "z", "\r\n"]
    await propertyCheck(count: 200, input: Gen.int(in: 0...9).array(of: 0...60), Gen.bool) { picks, persons in
        let corpus = BehaviourSequence.parseCorpus(String(picks.map { alphabet[$0] }), firstTokenIsPerson: persons)
        #expect(corpus.allSatisfy { !$0.events.isEmpty && $0.events.allSatisfy { !$0.contains(" ") } })
    }
}
