import DataFiSodium
import Foundation

/// One file of an asset (schema.org `DataDownload`): its media type and, before sealing, its URL.
public struct DatasetDistribution: Codable, Hashable, Sendable {
    /// The media type or format, e.g. `"text/csv"` (schema.org `encodingFormat`).
    public var encodingFormat: String
    /// Where the owner serves the file (schema.org `contentUrl`). Plaintext: it exists only on the owner's
    /// side until ``AssetMetadata/sealed(to:)`` encrypts it.
    public var contentUrl: String

    /// Creates a distribution entry.
    public init(encodingFormat: String, contentUrl: String) {
        self.encodingFormat = encodingFormat
        self.contentUrl = contentUrl
    }
}

/// A data owner's description of one asset in the schema.org `Dataset` vocabulary, with plaintext URLs.
///
/// This value stays on the owner's side: ``sealed(to:)`` validates it and encrypts every `contentUrl`
/// to the compute node's X25519 key, and only the resulting ``SealedAsset`` enters a transaction.
public struct AssetMetadata: Codable, Hashable, Sendable {
    /// Longest `name`, `creator` and `encodingFormat` (UTF-8 bytes).
    public static let maxShortText = 200
    /// Longest `description` (UTF-8 bytes).
    public static let maxDescription = 5000
    /// Longest `license` (UTF-8 bytes; usually a URL).
    public static let maxLicense = 500
    /// Most keywords, and the longest keyword (UTF-8 bytes).
    public static let maxKeywords = 32, maxKeywordLength = 64
    /// Most distribution entries per asset.
    public static let maxDistributions = 16
    /// Longest plaintext content URL (UTF-8 bytes).
    public static let maxURLLength = 2048
    /// Largest record count one asset may declare.
    public static let maxRecords: UInt64 = 1_000_000_000_000
    /// URL schemes a content URL may use.
    public static let allowedSchemes: Set<String> = ["https", "ipfs", "s3", "sftp"]

    /// The asset's name (schema.org `name`).
    public var name: String
    /// What the asset holds (schema.org `description`).
    public var description: String
    /// Who made it (schema.org `creator`, exported as a `Person`).
    public var creator: String
    /// Its license, usually a URL (schema.org `license`).
    public var license: String
    /// Search keywords (schema.org `keywords`).
    public var keywords: [String]
    /// The files (schema.org `distribution`), 1...16.
    public var distribution: [DatasetDistribution]
    /// The number of records the asset holds: the owner's contribution (share of payouts) and the
    /// rows a task may touch. Exported as schema.org `size`.
    public var records: UInt64

    /// Creates metadata; nothing is checked until ``validate()`` or ``sealed(to:)``.
    public init(name: String, description: String, creator: String, license: String, keywords: [String],
                distribution: [DatasetDistribution], records: UInt64) {
        self.name = name
        self.description = description
        self.creator = creator
        self.license = license
        self.keywords = keywords
        self.distribution = distribution
        self.records = records
    }

    /// Checks every field: lengths, counts, control characters, URL form and scheme, record count.
    /// - Throws: the first ``MetadataError`` found.
    public func validate() throws(MetadataError) {
        try PublicAssetFields(self).validate()
        for (index, entry) in distribution.enumerated() {
            try Self.validateURL(entry.contentUrl, index: index)
        }
    }

    static func validateURL(_ url: String, index: Int) throws(MetadataError) {
        let bytes = Array(url.utf8)
        guard !bytes.isEmpty else { throw .empty(field: "distribution[\(index)].contentUrl") }
        guard bytes.count <= maxURLLength else {
            throw .tooLong(field: "distribution[\(index)].contentUrl", limit: maxURLLength, actual: bytes.count)
        }
        // No spaces, controls or non-ASCII: URLs are sent percent-encoded.
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw .malformedURL(index: index) }
        guard let range = url.range(of: "://") else { throw .malformedURL(index: index) }
        let scheme = url[..<range.lowerBound].lowercased()
        let rest = url[range.upperBound...]
        guard !scheme.isEmpty, !rest.isEmpty,
              scheme.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E })
        else { throw .malformedURL(index: index) }
        guard allowedSchemes.contains(scheme) else { throw .unsupportedScheme(index: index, scheme: String(scheme)) }
    }

    /// Validates the metadata and seals each content URL to `computeNode` (libsodium sealed box).
    /// The result holds no plaintext URL.
    /// - Throws: ``MarketError/invalidMetadata(_:)``; ``MarketError/wrongComputeKey`` when the key is a
    ///   low-order point.
    public func sealed(to computeNode: Box.PublicKey) throws(MarketError) -> SealedAsset {
        do { try validate() } catch { throw .invalidMetadata(error) }
        var sealedEntries: [SealedDistribution] = []
        sealedEntries.reserveCapacity(distribution.count)
        for entry in distribution {
            do {
                let box = try SealedBox.seal(Array(entry.contentUrl.utf8), to: computeNode)
                sealedEntries.append(SealedDistribution(encodingFormat: entry.encodingFormat, sealedContentUrl: box))
            } catch {
                throw .wrongComputeKey
            }
        }
        return SealedAsset(name: name, description: description, creator: creator, license: license,
                           keywords: keywords, distribution: sealedEntries, records: records)
    }
}

/// A distribution entry whose URL is sealed to the compute node.
public struct SealedDistribution: Codable, Hashable, Sendable {
    /// The media type (public).
    public var encodingFormat: String
    /// The sealed box of the URL's UTF-8 bytes (`crypto_box_seal`); encoded in JSON as lowercase hex.
    public var sealedContentUrl: [UInt8]

    /// Creates an entry from an already sealed URL.
    public init(encodingFormat: String, sealedContentUrl: [UInt8]) {
        self.encodingFormat = encodingFormat
        self.sealedContentUrl = sealedContentUrl
    }

    private enum CodingKeys: String, CodingKey { case encodingFormat, sealedContentUrl }

    /// Decodes `{"encodingFormat": ..., "sealedContentUrl": "<hex>"}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        encodingFormat = try container.decode(String.self, forKey: .encodingFormat)
        let hex = try container.decode(String.self, forKey: .sealedContentUrl)
        guard hex.utf8.count <= 2 * (AssetMetadata.maxURLLength + SealedBox.overhead) else {
            throw DecodingError.dataCorruptedError(forKey: .sealedContentUrl, in: container, debugDescription: "too long")
        }
        do { sealedContentUrl = try Hex.decode(hex) } catch {
            throw DecodingError.dataCorruptedError(forKey: .sealedContentUrl, in: container, debugDescription: "\(error)")
        }
    }

    /// Encodes the sealed URL as hex.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(encodingFormat, forKey: .encodingFormat)
        try container.encode(Hex.encode(sealedContentUrl), forKey: .sealedContentUrl)
    }
}

/// An asset as it enters the market: public schema.org fields plus sealed URLs. This is what a
/// ``Transaction/join(dataset:asset:)`` carries and what the market stores.
public struct SealedAsset: Codable, Hashable, Sendable {
    /// schema.org `name`.
    public var name: String
    /// schema.org `description`.
    public var description: String
    /// schema.org `creator`.
    public var creator: String
    /// schema.org `license`.
    public var license: String
    /// schema.org `keywords`.
    public var keywords: [String]
    /// The files, URLs sealed.
    public var distribution: [SealedDistribution]
    /// Records held (the owner's contribution).
    public var records: UInt64

    /// Creates a sealed asset from its parts (normally made by ``AssetMetadata/sealed(to:)``).
    public init(name: String, description: String, creator: String, license: String, keywords: [String],
                distribution: [SealedDistribution], records: UInt64) {
        self.name = name
        self.description = description
        self.creator = creator
        self.license = license
        self.keywords = keywords
        self.distribution = distribution
        self.records = records
    }

    /// Checks the public fields as ``AssetMetadata/validate()`` does, and that each sealed URL's size
    /// fits a sealed URL of 1...2048 bytes.
    /// - Throws: the first ``MetadataError`` found.
    public func validate() throws(MetadataError) {
        try PublicAssetFields(self).validate()
        for (index, entry) in distribution.enumerated() {
            let size = entry.sealedContentUrl.count
            guard size > SealedBox.overhead && size <= SealedBox.overhead + AssetMetadata.maxURLLength else {
                throw .sealedURLSize(index: index, actual: size)
            }
        }
    }

    /// The public description as JSON-LD (`@context` https://schema.org, `@type` Dataset), keys sorted.
    /// Content URLs are sealed and therefore absent; each distribution lists its `encodingFormat`.
    /// - Parameter identifier: an optional schema.org `identifier`, e.g. `"HEALTH/0"`.
    public func jsonLD(identifier: String? = nil) -> String {
        var object: [String: Any] = [
            "@context": "https://schema.org",
            "@type": "Dataset",
            "name": name,
            "description": description,
            "creator": ["@type": "Person", "name": creator],
            "license": license,
            "keywords": keywords,
            "size": ["@type": "QuantitativeValue", "value": records, "unitText": "records"],
            "distribution": distribution.map { ["@type": "DataDownload", "encodingFormat": $0.encodingFormat] },
        ]
        if let identifier { object["identifier"] = identifier }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The bytes an owner signs to vouch for this record: the JSON-LD followed by the BLAKE2b-256 of
    /// every sealed URL, so the signature covers the ciphertexts too.
    public var signingBytes: [UInt8] {
        var bytes = Array(jsonLD().utf8)
        for entry in distribution { bytes += BLAKE2b.hash256(entry.sealedContentUrl) }
        return bytes
    }
}

/// The public fields shared by ``AssetMetadata`` and ``SealedAsset``, for validation.
struct PublicAssetFields {
    let name: String, description: String, creator: String, license: String
    let keywords: [String], formats: [String], records: UInt64

    init(_ m: AssetMetadata) {
        (name, description, creator, license, keywords, records) = (m.name, m.description, m.creator, m.license, m.keywords, m.records)
        formats = m.distribution.map(\.encodingFormat)
    }

    init(_ m: SealedAsset) {
        (name, description, creator, license, keywords, records) = (m.name, m.description, m.creator, m.license, m.keywords, m.records)
        formats = m.distribution.map(\.encodingFormat)
    }

    func validate() throws(MetadataError) {
        try Self.text(name, field: "name", limit: AssetMetadata.maxShortText)
        try Self.text(description, field: "description", limit: AssetMetadata.maxDescription, allowNewlines: true)
        try Self.text(creator, field: "creator", limit: AssetMetadata.maxShortText)
        try Self.text(license, field: "license", limit: AssetMetadata.maxLicense)
        guard keywords.count <= AssetMetadata.maxKeywords else {
            throw .tooMany(field: "keywords", limit: AssetMetadata.maxKeywords, actual: keywords.count)
        }
        for (index, keyword) in keywords.enumerated() {
            try Self.text(keyword, field: "keywords[\(index)]", limit: AssetMetadata.maxKeywordLength)
        }
        guard !formats.isEmpty else { throw .empty(field: "distribution") }
        guard formats.count <= AssetMetadata.maxDistributions else {
            throw .tooMany(field: "distribution", limit: AssetMetadata.maxDistributions, actual: formats.count)
        }
        for (index, format) in formats.enumerated() {
            try Self.text(format, field: "distribution[\(index)].encodingFormat", limit: AssetMetadata.maxShortText)
        }
        guard (1...AssetMetadata.maxRecords).contains(records) else { throw .recordsOutOfRange(records) }
    }

    static func text(_ value: String, field: String, limit: Int, allowNewlines: Bool = false) throws(MetadataError) {
        let count = value.utf8.count
        guard count > 0 else { throw .empty(field: field) }
        guard count <= limit else { throw .tooLong(field: field, limit: limit, actual: count) }
        for scalar in value.unicodeScalars where scalar.properties.generalCategory == .control {
            if allowNewlines && (scalar == "\n" || scalar == "\t") { continue }
            throw .controlCharacter(field: field)
        }
    }
}
