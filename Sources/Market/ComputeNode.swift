import DataFiSodium

/// The compute node: the only party that can open sealed URLs, and only for a paid task.
///
/// Its X25519 private key lives here, outside the market's state; the market holds the public key.
/// ``execute(task:in:at:)`` opens the URLs of every asset a paid task covers and records each opening
/// in the market's access log through a ``Transaction/recordAccess(task:)`` signed by the operator.
public struct ComputeNode: Sendable {
    /// The operator account that signs access records and receives compute fees.
    public let account: AccountID
    private let key: Box.PrivateKey

    /// A node for `account` holding `key`.
    public init(account: AccountID, key: Box.PrivateKey) {
        self.account = account
        self.key = key
    }

    /// The node's public key (what owners seal to).
    public var publicKey: Box.PublicKey { key.publicKey }

    /// One asset's opened URLs, handed to the computation and never stored.
    public struct OpenedAsset: Sendable, Hashable {
        /// The dataset.
        public let dataset: DatasetID
        /// The asset's index in the dataset.
        public let asset: Int
        /// The data owner.
        public let owner: AccountID
        /// The plaintext content URLs, in distribution order.
        public let contentUrls: [String]
    }

    /// Opens the sealed URLs of every asset covered by paid task `id` and appends one access record per
    /// asset. All or nothing: if any URL fails to open, nothing is logged and no URL is returned.
    /// - Returns: the opened assets and the access events.
    /// - Throws: ``MarketError/notComputeOperator(_:)`` when this node's account is not the market's operator;
    ///   ``MarketError/wrongComputeKey`` when its key is not the market's sealing key;
    ///   ``MarketError/unknownTask(_:)`` for a task that was never paid; ``MarketError/taskAlreadyExecuted(_:)``;
    ///   ``MarketError/sealedURLUnreadable(dataset:asset:distribution:)`` for a tampered ciphertext.
    public func execute(task id: UInt64, in market: inout Market, at time: UInt64)
        throws(MarketError) -> (opened: [OpenedAsset], events: [MarketEvent])
    {
        guard account == market.computeOperator else { throw .notComputeOperator(account) }
        guard key.publicKey == market.computeKey else { throw .wrongComputeKey }
        guard let task = market.task(id) else { throw .unknownTask(id) }
        guard task.status == .paid else { throw .taskAlreadyExecuted(id) }
        var opened: [OpenedAsset] = []
        opened.reserveCapacity(task.assetCount)
        for stored in market.assets(in: task.dataset).prefix(task.assetCount) {
            var urls: [String] = []
            for (index, entry) in stored.asset.distribution.enumerated() {
                guard let bytes = try? SealedBox.open(entry.sealedContentUrl, with: key),
                      let url = String(validating: bytes, as: UTF8.self)
                else {
                    throw .sealedURLUnreadable(dataset: task.dataset, asset: stored.index, distribution: index)
                }
                urls.append(url)
            }
            opened.append(OpenedAsset(dataset: task.dataset, asset: stored.index, owner: stored.owner, contentUrls: urls))
        }
        let events = try market.apply(.recordAccess(task: id), by: account, at: time)
        return (opened, events)
    }
}
