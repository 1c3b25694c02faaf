// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiPerson2Vec
import Testing

@Test func readmeExample() throws {
    // Each person's behaviour sequence: events in time order.
    let corpus = (0..<300).map { n in
        BehaviourSequence(person: "user\(n % 30)",
                          events: n % 2 == 0 ? ["salary", "groceries", "repay_on_time", "groceries", "savings"]
                                             : ["cash_advance", "gambling", "late_fee", "cash_advance", "overdraft"])
    }
    let configuration = Person2Vec.Configuration(dimension: 16, window: 3, epochs: 10, minCount: 1)
    let model = try Person2Vec.train(corpus: corpus, configuration: configuration)
    let user0 = model.personVector(for: "user0")            // 16 floats, for a downstream scorer
    let similar = model.nearest(to: "late_fee", count: 3)   // cosine neighbours
    let saved = try model.wordVectors.text()                 // word2vec text format

    // Checks (from the readme-test comment under the example).
    #expect(user0?.count == 16)
    #expect(similar.contains { $0.word == "gambling" || $0.word == "overdraft" || $0.word == "cash_advance" })
    #expect(try WordVectors(text: saved) == model.wordVectors)
}
