import DataFiSodium

/// The compute node: the only party that can open sealed URLs, and only for a paid central task (a federated
/// task's assets are never opened).
///
/// Its X25519 private key lives here, outside the market's state; the market holds the public key.
/// ``verify(asset:of:in:at:inspect:)`` opens a pending asset once to count and check it;
/// ``execute(task:in:at:read:)`` opens the URLs of every verified asset for a paid task and records each opening
/// in the market's access log through a ``Transaction/recordAccess(task:failed:)`` signed by the operator.
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

    /// Opens the sealed URLs of every verified asset of paid task `id`'s dataset and records the execution.
    /// An asset whose URL does not open (or whose sealed asset was erased), or whose data `read` reports
    /// unreadable (a file gone, a server down), is excluded: its share of the task's data tokens returns to
    /// the consumer. The others are logged and paid. Pending, rejected and withdrawn assets are never opened.
    /// - Parameters:
    ///   - id: the paid task.
    ///   - market: the market; the execution is recorded in it.
    ///   - time: the current time, Unix seconds (at most the task's deadline).
    ///   - read: reads an opened asset's data for the computation; `false` when it cannot. By default every
    ///     opened asset is read.
    /// - Returns: the opened assets and the events (one access per opened asset, then the task's settlement,
    ///   which lists the excluded assets).
    /// - Throws: ``MarketError/notComputeOperator(_:)`` when this node's account is not the market's operator;
    ///   ``MarketError/wrongComputeKey`` when its key is not the market's sealing key;
    ///   ``MarketError/unknownTask(_:)`` for a task that was never paid; ``MarketError/taskAlreadyExecuted(_:)``,
    ///   ``MarketError/taskCancelled(_:)``, ``MarketError/taskExpired(task:deadline:now:)``, and
    ///   ``MarketError/taskIsFederated(_:)`` for a federated task (its owners' agents compute their parts; the
    ///   node never opens its assets). Nothing is opened then and the market is unchanged.
    public func execute(task id: UInt64, in market: inout Market, at time: UInt64,
                        read: (OpenedAsset) -> Bool = { _ in true })
        throws(MarketError) -> (opened: [OpenedAsset], events: [MarketEvent])
    {
        guard account == market.computeOperator else { throw .notComputeOperator(account) }
        guard key.publicKey == market.computeKey else { throw .wrongComputeKey }
        guard let task = market.task(id) else { throw .unknownTask(id) }
        switch task.status {
        case .paid: break
        case .executed: throw .taskAlreadyExecuted(id)
        case .cancelled: throw .taskCancelled(id)
        }
        guard task.federated == nil else { throw .taskIsFederated(id) }
        guard time <= task.deadline else { throw .taskExpired(task: id, deadline: task.deadline, now: time) }
        var opened: [OpenedAsset] = []
        var failed: [Int] = []
        for stored in market.assets(in: task.dataset) {
            guard case .verified = stored.status else { continue }
            if let asset = open(stored, in: task.dataset, market), read(asset) {
                opened.append(asset)
            } else {
                failed.append(stored.index)
            }
        }
        let events = try market.apply(.recordAccess(task: id, failed: failed), by: account, at: time)
        return (opened, events)
    }

    /// Opens pending asset `index` of `dataset`, hands it to `inspect` (which counts its records and checks it
    /// against the dataset's requirements) and records the verdict. An asset whose URL does not open is
    /// rejected as ``AssetRejection/unreadable`` without calling `inspect`. Only a pending asset is opened.
    /// - Returns: the verdict recorded and the events.
    /// - Throws: ``MarketError/notComputeOperator(_:)``, ``MarketError/wrongComputeKey``,
    ///   ``MarketError/unknownDataset(_:)``, ``MarketError/unknownAsset(dataset:asset:)``,
    ///   ``MarketError/assetNotPending(dataset:asset:)`` before anything is opened; then what
    ///   ``Transaction/verifyAsset(dataset:asset:verdict:)`` throws for the verdict.
    public func verify(asset index: Int, of dataset: DatasetID, in market: inout Market, at time: UInt64,
                       inspect: (OpenedAsset) -> AssetVerdict) throws(MarketError) -> (verdict: AssetVerdict, events: [MarketEvent])
    {
        guard account == market.computeOperator else { throw .notComputeOperator(account) }
        guard key.publicKey == market.computeKey else { throw .wrongComputeKey }
        guard market.dataset(dataset) != nil else { throw .unknownDataset(dataset) }
        guard let stored = market.asset(index, in: dataset) else { throw .unknownAsset(dataset: dataset, asset: index) }
        guard stored.status == .pending else { throw .assetNotPending(dataset: dataset, asset: index) }
        let verdict = open(stored, in: dataset, market).map(inspect) ?? .reject(reason: .unreadable)
        let events = try market.apply(.verifyAsset(dataset: dataset, asset: index, verdict: verdict), by: account, at: time)
        return (verdict, events)
    }

    /// Opens every sealed URL of `stored`, or returns `nil` when its sealed asset is absent (never attached,
    /// or erased) or one URL does not open or is not UTF-8.
    private func open(_ stored: StoredAsset, in dataset: DatasetID, _ market: Market) -> OpenedAsset? {
        guard let sealed = market.sealedAsset(stored.index, in: dataset) else { return nil }
        var urls: [String] = []
        for entry in sealed.distribution {
            guard let bytes = try? SealedBox.open(entry.sealedContentUrl, with: key),
                  let url = String(validating: bytes, as: UTF8.self)
            else { return nil }
            urls.append(url)
        }
        return OpenedAsset(dataset: dataset, asset: stored.index, owner: stored.owner, contentUrls: urls)
    }
}
