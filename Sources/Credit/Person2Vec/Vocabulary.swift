import Foundation

/// The tokens kept for training, most frequent first, with word2vec.c's frequency-derived tables.
public struct Vocabulary: Sendable, Equatable {
    /// Tokens sorted by count (descending), ties by token (ascending, byte order).
    public let words: [String]
    /// `counts[i]` is how often `words[i]` occurs in the corpus.
    public let counts: [Int]
    let index: [String: Int32]

    /// Counts `sequences` and keeps tokens seen at least `minCount` times.
    public init<S: Sequence>(sequences: S, minCount: Int) where S.Element == [String] {
        var counter: [String: Int] = [:]
        for sequence in sequences { for token in sequence { counter[token, default: 0] += 1 } }
        self.init(counts: counter, minCount: minCount)
    }

    /// Builds a vocabulary from token counts, keeping those with count ≥ `minCount`.
    public init(counts counter: [String: Int], minCount: Int) {
        let kept = counter.filter { $0.value >= minCount && $0.value > 0 }
            .sorted { $0.value > $1.value || ($0.value == $1.value && Array($0.key.utf8).lexicographicallyPrecedes($1.key.utf8)) }
        words = kept.map(\.key)
        counts = kept.map(\.value)
        var index: [String: Int32] = [:]
        index.reserveCapacity(kept.count)
        for (i, word) in words.enumerated() { index[word] = Int32(i) }
        self.index = index
    }

    /// Number of distinct kept tokens.
    public var count: Int { words.count }
    /// Total occurrences of kept tokens (word2vec.c's `train_words`).
    public var totalCount: Int { counts.reduce(0, +) }

    /// The index of `word`, or nil when it was not kept.
    public func index(of word: String) -> Int? { index[word].map(Int.init) }

    /// word2vec.c's subsampling value `ran = (√(c / (s·T)) + 1) · (s·T) / c` for a token of count `c`
    /// among `T` training words with threshold `s`. A token occurrence is dropped when
    /// `ran < u` for `u` uniform in [0, 1) (16 random bits), so `min(ran, 1)` is the keep probability.
    public static func keepProbability(count: Int, totalWords: Int, sample: Double) -> Double {
        guard sample > 0, count > 0 else { return 1 }
        let st = sample * Double(totalWords)
        return ((Double(count) / st).squareRoot() + 1) * st / Double(count)
    }

    /// word2vec.c's noise table: slot `a` holds word `i` in proportion to `count_i^0.75`; empty when
    /// `size ≤ 0` or the vocabulary is empty.
    public func unigramTable(size: Int, power: Double = 0.75) -> [Int32] {
        guard size > 0, !counts.isEmpty else { return [] }
        var table = [Int32](repeating: 0, count: size)
        var total = 0.0
        for c in counts { total += pow(Double(c), power) }
        var i = 0
        var d1 = pow(Double(counts[0]), power) / total
        let last = counts.count - 1
        for a in 0..<size {
            table[a] = Int32(i)
            if Double(a) / Double(size) > d1 {
                i += 1
                if i <= last { d1 += pow(Double(counts[i]), power) / total }
            }
            if i > last { i = last }
        }
        return table
    }
}
