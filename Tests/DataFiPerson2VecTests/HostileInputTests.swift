import Foundation
import Testing
@testable import DataFiPerson2Vec

// Degenerate corpora and parameters: training must return a usable model or throw.

private func randomCorpus(sequences: Int, length: Int, seed: UInt64) -> [[String]] {
    var state = seed
    return (0..<sequences).map { _ in
        (0..<length).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return String(UnicodeScalar(UInt8(97 + (state >> 33) % 10)))
        }
    }
}

@Test func divergingLearningRateThrowsInsteadOfTrapping() {
    // A learning rate this large overflows the vectors; the NaN dot product used to index the sigmoid table.
    let corpus = randomCorpus(sequences: 100, length: 20, seed: 3)
    for (alpha, epochs): (Float, Int) in [(10, 8), (1e30, 2), (.greatestFiniteMagnitude, 1)] {
        let configuration = Person2Vec.Configuration(dimension: 8, epochs: epochs, minCount: 1, sample: 0, alpha: alpha)
        #expect(throws: Person2VecError.self) { try Person2Vec.train(sequences: corpus, configuration: configuration) }
    }
}

@Test func ordinaryLearningRateGivesFiniteVectors() throws {
    let corpus = randomCorpus(sequences: 200, length: 20, seed: 3)
    let model = try Person2Vec.train(sequences: corpus,
                                     configuration: .init(dimension: 8, epochs: 2, minCount: 1, sample: 0))
    #expect(model.wordVectors.count == 10)
    #expect(try WordVectors(text: model.wordVectors.text()) == model.wordVectors)
}

@Test func degenerateCorporaTrainOrThrow() throws {
    let tiny = Person2Vec.Configuration(dimension: 2, epochs: 1, minCount: 1)
    #expect(throws: Person2VecError.emptyVocabulary) { try Person2Vec.train(sequences: [], configuration: tiny) }
    #expect(throws: Person2VecError.emptyVocabulary) { try Person2Vec.train(sequences: [[], []], configuration: tiny) }
    #expect(throws: Person2VecError.emptyVocabulary) {
        try Person2Vec.train(corpus: [BehaviourSequence(person: "p", events: [])], configuration: tiny)
    }
    // One token, one occurrence; more threads than sequences; a one-slot noise table.
    #expect(try Person2Vec.train(sequences: [["a"]], configuration: tiny).wordVectors.count == 1)
    var many = tiny
    many.threads = 64
    many.noiseTableSize = 1
    #expect(try Person2Vec.train(sequences: [["a", "b"], ["b", "a"]], configuration: many).wordVectors.count == 2)
    var subsampled = tiny
    subsampled.sample = 1e300
    #expect(try Person2Vec.train(sequences: [["a", "b", "a"]], configuration: subsampled).wordVectors.count == 2)
}

@Test func byteOrderMarkIsNotPartOfTheFirstToken() {
    let corpus = BehaviourSequence.parseCorpus("\u{FEFF}p1 a b\r\np2 b a\r\n", firstTokenIsPerson: true)
    #expect(corpus.map(\.person) == ["p1", "p2"])
    #expect(BehaviourSequence.parseCorpus("\u{FEFF}a b\n").first?.events == ["a", "b"])
    #expect(BehaviourSequence.parseCorpus("\u{FEFF}").isEmpty)
}
