import DataFiSodium

/// What the market keeps of a joined asset: the record count and media types its rules use, and a salted
/// SHA-256 commitment to the ``SealedAsset`` (its sealed URLs and descriptive metadata, which are the
/// owner's personal data). The market's state and snapshot hold only this, so erasing the sealed asset
/// changes no state hash.
///
/// The commitment is `SHA-256(bytes)` of these bytes (lengths and integers big-endian):
///
/// | field | bytes |
/// |---|---|
/// | domain: ASCII `DataFi sealed asset v1` followed by one `0x0A` | 23 |
/// | salt | 32 |
/// | `name`, `description`, `creator`, `license`: each a UTF-8 length (u32) and the bytes | 4 × (4 + n) |
/// | keyword count (u32), then each keyword as a length (u32) and its UTF-8 bytes | 4 + … |
/// | distribution count (u32), then each entry's `encodingFormat` (u32 length, UTF-8) and sealed URL (u32 length, bytes) | 4 + … |
/// | `records` | 8 |
public struct CommittedAsset: Codable, Hashable, Sendable {
    /// Length of a commitment salt.
    public static let saltLength = 32

    /// Records the owner declares (public: they set the asset's shares and join event).
    public var records: UInt64
    /// The `encodingFormat` of each distribution entry, in order.
    public var formats: [String]
    /// The commitment, 64 lowercase hex digits.
    public var commitment: String

    /// Commits to `sealed` under `salt` (32 random bytes for anything logged).
    public init(committing sealed: SealedAsset, salt: [UInt8]) {
        records = sealed.records
        formats = sealed.distribution.map(\.encodingFormat)
        commitment = Hex.encode(Self.commitment(to: sealed, salt: salt))
    }

    /// Creates a committed asset from its parts.
    public init(records: UInt64, formats: [String], commitment: String) {
        self.records = records
        self.formats = formats
        self.commitment = commitment
    }

    /// The commitment bytes of `sealed` under `salt` (see the type's documentation).
    public static func commitment(to sealed: SealedAsset, salt: [UInt8]) -> [UInt8] {
        // Streamed into the hash: a join builds no copy of the asset's bytes.
        var hash = SHA256()
        hash.update("DataFi sealed asset v1\n".utf8)
        hash.update(salt)
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).bigEndian) { hash.update($0) } }
        func field(_ text: String) { u32(text.utf8.count); hash.update(text.utf8) }
        for text in [sealed.name, sealed.description, sealed.creator, sealed.license] { field(text) }
        u32(sealed.keywords.count)
        for keyword in sealed.keywords { field(keyword) }
        u32(sealed.distribution.count)
        for entry in sealed.distribution {
            field(entry.encodingFormat)
            u32(entry.sealedContentUrl.count)
            hash.update(entry.sealedContentUrl)
        }
        withUnsafeBytes(of: sealed.records.bigEndian) { hash.update($0) }
        return hash.finalize()
    }

    /// Whether `sealed` and `salt` open this commitment (and its public fields agree with them).
    public func isOpened(by sealed: SealedAsset, salt: [UInt8]) -> Bool {
        salt.count == Self.saltLength && self == CommittedAsset(committing: sealed, salt: salt)
    }

    /// Checks the public fields: record count, 1...16 formats of valid text, a 64-hex-digit commitment.
    /// - Throws: the first ``MetadataError`` found.
    public func validate() throws(MetadataError) {
        guard (1...AssetMetadata.maxRecords).contains(records) else { throw .recordsOutOfRange(records) }
        guard !formats.isEmpty else { throw .empty(field: "distribution") }
        guard formats.count <= AssetMetadata.maxDistributions else {
            throw .tooMany(field: "distribution", limit: AssetMetadata.maxDistributions, actual: formats.count)
        }
        for (index, format) in formats.enumerated() {
            try PublicAssetFields.text(format, field: "distribution[\(index)].encodingFormat", limit: AssetMetadata.maxShortText)
        }
        guard commitment.utf8.count == 64,
              commitment.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw .malformedCommitment
        }
    }
}

/// Where a sealed asset sits: its dataset and its index there.
public struct AssetKey: Hashable, Sendable, Comparable {
    /// The dataset.
    public let dataset: DatasetID
    /// The asset's index in it.
    public let index: Int

    /// Creates a key.
    public init(dataset: DatasetID, index: Int) {
        self.dataset = dataset
        self.index = index
    }

    public static func < (a: AssetKey, b: AssetKey) -> Bool { (a.dataset, a.index) < (b.dataset, b.index) }
}

extension Market {
    /// The salt of a ``Transaction/join(dataset:asset:)`` applied directly (32 zero bytes). The sealed URLs'
    /// random ephemeral keys already make its commitment unguessable; a ledger join
    /// (``Transaction/joinCommitted(dataset:asset:)``) carries the owner's random salt.
    public static let directJoinSalt = [UInt8](repeating: 0, count: CommittedAsset.saltLength)

    /// The sealed asset (URLs and descriptive metadata) of asset `index` of `dataset`, or `nil` when it was
    /// never attached or has been erased: the compute node can open only these.
    public func sealedAsset(_ index: Int, in dataset: DatasetID) -> SealedAsset? {
        sealedAssets[AssetKey(dataset: dataset, index: index)]
    }

    /// Attaches the sealed asset of a committed asset (one joined by ``Transaction/joinCommitted(dataset:asset:)``).
    /// - Throws: ``MarketError/unknownAsset(dataset:asset:)``; ``MarketError/commitmentMismatch(dataset:asset:)``
    ///   when `sealed` and `salt` do not open the stored commitment. Nothing changes then.
    public mutating func attachSealedAsset(_ sealed: SealedAsset, salt: [UInt8], to index: Int,
                                           in dataset: DatasetID) throws(MarketError) {
        guard let stored = asset(index, in: dataset) else { throw .unknownAsset(dataset: dataset, asset: index) }
        guard stored.asset.isOpened(by: sealed, salt: salt) else { throw .commitmentMismatch(dataset: dataset, asset: index) }
        sealedAssets[AssetKey(dataset: dataset, index: index)] = sealed
    }

    /// Removes the sealed assets of every asset `owner` joined; the market's state (balances, statuses,
    /// commitments) is unchanged. Returns the keys removed, ascending.
    public mutating func eraseSealedAssets(of owner: AccountID) -> [AssetKey] {
        var removed: [AssetKey] = []
        for key in sealedAssets.keys where asset(key.index, in: key.dataset)?.owner == owner { removed.append(key) }
        for key in removed { sealedAssets[key] = nil }
        return removed.sorted()
    }
}
