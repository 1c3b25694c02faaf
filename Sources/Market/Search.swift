import Foundation

/// Why a dataset search was refused.
public enum SearchError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The query has no word (letters or digits).
    case emptyQuery
    /// The query is longer than ``DatasetSearch/maxQueryBytes`` UTF-8 bytes.
    case queryTooLong(bytes: Int)
    /// The query has more than ``DatasetSearch/maxQueryTerms`` words.
    case tooManyTerms(Int)
    /// The result limit is outside 1...``DatasetSearch/maxLimit``.
    case invalidLimit(Int)
    /// The record-count range is empty (minimum above maximum).
    case emptyRecordRange(minimum: UInt64, maximum: UInt64)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .emptyQuery: "the query has no word"
        case .queryTooLong(let bytes): "the query has \(bytes) bytes, limit \(DatasetSearch.maxQueryBytes)"
        case .tooManyTerms(let count): "the query has \(count) words, limit \(DatasetSearch.maxQueryTerms)"
        case .invalidLimit(let limit): "limit \(limit) outside 1...\(DatasetSearch.maxLimit)"
        case .emptyRecordRange(let minimum, let maximum): "record range \(minimum)...\(maximum) is empty"
        }
    }
}

/// One dataset as search sees it: its public metadata and verified size.
public struct SearchDocument: Codable, Hashable, Sendable {
    /// The dataset.
    public var dataset: DatasetID
    /// Title, description, keywords and usage scenarios: the searched text.
    public var title: String, description: String, keywords: [String], usageScenarios: [String]
    /// The licence it is offered under (empty when none was given).
    public var license: String
    /// Records of its verified, not withdrawn assets.
    public var verifiedRecords: UInt64
    /// Number of its verified, not withdrawn assets.
    public var verifiedAssets: Int

    /// Creates a document.
    public init(dataset: DatasetID, title: String, description: String, keywords: [String], usageScenarios: [String],
                license: String, verifiedRecords: UInt64, verifiedAssets: Int) {
        self.dataset = dataset
        self.title = title
        self.description = description
        self.keywords = keywords
        self.usageScenarios = usageScenarios
        self.license = license
        self.verifiedRecords = verifiedRecords
        self.verifiedAssets = verifiedAssets
    }

    /// The document of `dataset`.
    public init(_ dataset: Dataset) {
        self.init(dataset: dataset.id, title: dataset.title, description: dataset.description, keywords: dataset.keywords,
                  usageScenarios: dataset.usageScenarios, license: dataset.license,
                  verifiedRecords: dataset.verifiedRecords, verifiedAssets: dataset.rewards.verifiedAssets)
    }

    /// The searched text, field after field.
    var text: String { ([title, description] + keywords + usageScenarios).joined(separator: " ") }
}

/// Facet filters of a search; `nil` fields do not filter. Filters choose which datasets are returned; they do
/// not change the scores, which use statistics of the whole corpus.
public struct SearchFilters: Hashable, Sendable {
    /// Only datasets offered under this licence (compared case-insensitively).
    public var license: String?
    /// Only datasets with at least this many verified records.
    public var minimumRecords: UInt64?
    /// Only datasets with at most this many verified records.
    public var maximumRecords: UInt64?
    /// Only datasets carrying this keyword (compared case-insensitively).
    public var keyword: String?
    /// Only datasets with (`true`) or without (`false`) verified assets.
    public var hasVerifiedAssets: Bool?

    /// Creates filters.
    public init(license: String? = nil, minimumRecords: UInt64? = nil, maximumRecords: UInt64? = nil,
                keyword: String? = nil, hasVerifiedAssets: Bool? = nil) {
        self.license = license
        self.minimumRecords = minimumRecords
        self.maximumRecords = maximumRecords
        self.keyword = keyword
        self.hasVerifiedAssets = hasVerifiedAssets
    }

    func admits(_ document: SearchDocument) -> Bool {
        if let license, document.license.lowercased() != license.lowercased() { return false }
        if let minimumRecords, document.verifiedRecords < minimumRecords { return false }
        if let maximumRecords, document.verifiedRecords > maximumRecords { return false }
        if let keyword, !document.keywords.contains(where: { $0.lowercased() == keyword.lowercased() }) { return false }
        if let hasVerifiedAssets, (document.verifiedAssets > 0) != hasVerifiedAssets { return false }
        return true
    }
}

/// One ranked dataset.
public struct SearchResult: Hashable, Sendable {
    /// 1-based rank.
    public let rank: Int
    /// The dataset.
    public let dataset: DatasetID
    /// Its BM25 score for the query (positive).
    public let score: Double
    /// Its title.
    public let title: String
    /// Its licence.
    public let license: String
    /// Its verified records.
    public let verifiedRecords: UInt64
}

/// Keyword search over datasets' public metadata, ranked by Okapi BM25.
///
/// Text is lower-cased and cut into words: maximal runs of letters and digits. A dataset's document is its
/// title, description, keywords and usage scenarios. For a query of words q₁…qₙ (repeats count), a document
/// D of |D| words scores
///
///     Σᵢ idf(qᵢ) · f(qᵢ, D) · (k1 + 1) / (f(qᵢ, D) + k1 · (1 − b + b · |D| / avgdl))
///
/// with `idf(q) = ln(1 + (N − n(q) + 0.5) / (n(q) + 0.5))` (N documents, n(q) of them containing q; the
/// Lucene form, never negative, so a word in most datasets still counts a little), `k1 = 1.2` and
/// `b = 0.75` (the Lucene and Elasticsearch defaults: 1.2 saturates repeated words a little sooner than
/// 1.5, which suits short metadata). Datasets that match no query word are not returned. Ties are broken
/// by dataset symbol, ascending, so a ranking is deterministic.
public struct DatasetSearch: Sendable {
    /// Term-frequency saturation.
    public static let k1 = 1.2
    /// Length normalisation.
    public static let b = 0.75
    /// Longest query (UTF-8 bytes).
    public static let maxQueryBytes = 1_000
    /// Most words in a query.
    public static let maxQueryTerms = 64
    /// Largest result limit.
    public static let maxLimit = 1_000

    /// The corpus, in the order given.
    public let documents: [SearchDocument]
    private let frequencies: [[String: Int]]
    private let lengths: [Int]
    private let documentFrequency: [String: Int]
    private let averageLength: Double

    /// Indexes `documents`.
    public init(documents: [SearchDocument]) {
        self.documents = documents
        var frequencies: [[String: Int]] = [], lengths: [Int] = [], df: [String: Int] = [:]
        for document in documents {
            let words = Self.words(document.text)
            var tf: [String: Int] = [:]
            for word in words { tf[word, default: 0] += 1 }
            for word in tf.keys { df[word, default: 0] += 1 }
            frequencies.append(tf)
            lengths.append(words.count)
        }
        self.frequencies = frequencies
        self.lengths = lengths
        self.documentFrequency = df
        let total = lengths.reduce(0, +)
        averageLength = documents.isEmpty ? 0 : Double(total) / Double(documents.count)
    }

    /// Indexes every dataset of `market`.
    public init(market: Market) {
        self.init(documents: market.datasets.values.sorted { $0.id < $1.id }.map(SearchDocument.init))
    }

    /// Lower-cased maximal runs of letters and digits.
    public static func words(_ text: String) -> [String] {
        var words: [String] = [], current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// The inverse document frequency of `word` (0 for a word no document has).
    public func idf(_ word: String) -> Double {
        guard let n = documentFrequency[word] else { return 0 }
        let count = Double(documents.count), matching = Double(n)
        return log(1 + (count - matching + 0.5) / (matching + 0.5))
    }

    /// The BM25 score of every document for `query`, in corpus order.
    /// - Throws: ``SearchError`` for an empty, too long or too wordy query.
    public func scores(_ query: String) throws(SearchError) -> [Double] {
        let terms = try Self.terms(query)
        let idfs = terms.map(idf)
        return documents.indices.map { index in
            var score = 0.0
            let length = Double(lengths[index])
            for (term, idf) in zip(terms, idfs) {
                let f = Double(frequencies[index][term] ?? 0)
                score += idf * (f * (Self.k1 + 1) / (f + Self.k1 * (1 - Self.b + Self.b * length / averageLength)))
            }
            return score
        }
    }

    /// The datasets matching `query` and `filters`, best first (ties by symbol), at most `limit`.
    /// - Throws: ``SearchError`` for an empty, too long or too wordy query, a limit outside
    ///   1...``maxLimit`` or an empty record range.
    public func search(_ query: String, filters: SearchFilters = SearchFilters(),
                       limit: Int = 10) throws(SearchError) -> [SearchResult] {
        guard (1...Self.maxLimit).contains(limit) else { throw .invalidLimit(limit) }
        if let minimum = filters.minimumRecords, let maximum = filters.maximumRecords, minimum > maximum {
            throw .emptyRecordRange(minimum: minimum, maximum: maximum)
        }
        let scores = try scores(query)
        let ranked = documents.indices
            .filter { scores[$0] > 0 && filters.admits(documents[$0]) }
            .sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : documents[$0].dataset < documents[$1].dataset }
            .prefix(limit)
        return ranked.enumerated().map { rank, index in
            let document = documents[index]
            return SearchResult(rank: rank + 1, dataset: document.dataset, score: scores[index], title: document.title,
                                license: document.license, verifiedRecords: document.verifiedRecords)
        }
    }

    /// The words of a query, checked.
    static func terms(_ query: String) throws(SearchError) -> [String] {
        let bytes = query.utf8.count
        guard bytes <= maxQueryBytes else { throw .queryTooLong(bytes: bytes) }
        let terms = words(query)
        guard !terms.isEmpty else { throw .emptyQuery }
        guard terms.count <= maxQueryTerms else { throw .tooManyTerms(terms.count) }
        return terms
    }
}

extension Market {
    /// Searches the datasets' public metadata: see ``DatasetSearch``.
    /// - Throws: ``SearchError``.
    public func searchDatasets(_ query: String, filters: SearchFilters = SearchFilters(),
                               limit: Int = 10) throws(SearchError) -> [SearchResult] {
        try DatasetSearch(market: self).search(query, filters: filters, limit: limit)
    }
}
