import DataFiBigNum

/// One entry of the access log: a single opening of one owner's asset, for one task or for its verification,
/// or its owner's part in a federated task (``federated``), computed by the owner's agent without opening it.
public struct AccessRecord: Codable, Hashable, Sendable {
    /// Position in the market's access log (0-based).
    public let sequence: Int
    /// The task the data was opened for; 0 when the compute node opened it to verify it (purpose
    /// ``Market/verificationPurpose``, the node as consumer).
    public let task: UInt64
    /// Who paid for the task.
    public let consumer: AccountID
    /// Whose asset was opened (the data subject).
    public let owner: AccountID
    /// The dataset holding the asset.
    public let dataset: DatasetID
    /// The asset's index in the dataset.
    public let asset: Int
    /// The task's declared purpose.
    public let purpose: String
    /// When it was opened (seconds).
    public let time: UInt64
    /// The compute-node operator that opened it (for a federated task: that recorded the aggregate).
    public let node: AccountID
    /// `true` in JSON when the asset took part in a federated job; absent for an opening.
    private let federatedMark: Bool?

    /// True when the asset was not opened: its owner's agent computed its part of a federated task's
    /// aggregate (``Transaction/recordFederatedResult(task:contributors:digest:)``).
    public var federated: Bool { federatedMark == true }

    private enum CodingKeys: String, CodingKey {
        case sequence, task, consumer, owner, dataset, asset, purpose, time, node
        case federatedMark = "federated"
    }

    /// Creates a record; `federated` marks a part in a federated task rather than an opening.
    public init(sequence: Int, task: UInt64, consumer: AccountID, owner: AccountID, dataset: DatasetID, asset: Int,
                purpose: String, time: UInt64, node: AccountID, federated: Bool = false) {
        self.federatedMark = federated ? true : nil
        self.sequence = sequence
        self.task = task
        self.consumer = consumer
        self.owner = owner
        self.dataset = dataset
        self.asset = asset
        self.purpose = purpose
        self.time = time
        self.node = node
    }
}

/// What an applied transaction did. Amounts are raw units (18 decimals).
public enum MarketEvent: Codable, Hashable, Sendable {
    /// Tokens moved between accounts.
    case transferred(token: TokenID, from: AccountID, to: AccountID, amount: UInt256)
    /// A dataset, its data token (supply minted to the maker) and its pool were created.
    case datasetCreated(dataset: DatasetID, maker: AccountID, supply: UInt256, poolData: UInt256, poolBase: UInt256,
                        liquidity: UInt256)
    /// Data tokens were added to a reward reserve.
    case rewardsFunded(dataset: DatasetID, from: AccountID, amount: UInt256)
    /// An owner joined with a pending asset declaring `records`; `reward` data tokens are set aside and paid
    /// when the asset is verified.
    case joined(dataset: DatasetID, owner: AccountID, asset: Int, records: UInt64, reward: UInt256)
    /// A swap through a dataset's pool; reserves after it.
    case swapped(dataset: DatasetID, trader: AccountID, side: SwapSide, amountIn: UInt256, amountOut: UInt256,
                 reserveData: UInt256, reserveBase: UInt256)
    /// Liquidity was added.
    case liquidityAdded(dataset: DatasetID, provider: AccountID, data: UInt256, base: UInt256, liquidity: UInt256)
    /// Liquidity was removed.
    case liquidityRemoved(dataset: DatasetID, provider: AccountID, data: UInt256, base: UInt256, liquidity: UInt256)
    /// A task was paid: `fee` base token for `node` and `dataTokens` for the owners, held until execution.
    case taskSubmitted(task: UInt64, dataset: DatasetID, consumer: AccountID, fee: UInt256, dataTokens: UInt256,
                       node: AccountID)
    /// An owner claimed rewards.
    case claimed(dataset: DatasetID, owner: AccountID, amount: UInt256)
    /// An asset was opened for a task (or, when the record is ``AccessRecord/federated``, its owner's part
    /// entered a federated task's aggregate).
    case accessed(AccessRecord)
    /// A federated task's aggregate was recorded: `contributors` (ascending asset indexes) are in it, and
    /// `digest` identifies it. The settlement follows as ``taskSettled(task:dataset:consumer:fee:paid:refunded:excluded:)``,
    /// which excludes the verified assets that did not contribute.
    case federatedResultRecorded(task: UInt64, dataset: DatasetID, contributors: [Int], digest: String)
    /// The compute operator withdrew its accrued compute fees (base token).
    case computeFeesWithdrawn(node: AccountID, amount: UInt256)
    /// A task was executed: `fee` accrued to the operator, `paid` data tokens went to the owners of the
    /// assets opened, `refunded` data tokens (the excluded assets' share and rounding) returned to the consumer.
    case taskSettled(task: UInt64, dataset: DatasetID, consumer: AccountID, fee: UInt256, paid: UInt256,
                     refunded: UInt256, excluded: [Int])
    /// A task not executed by its deadline was cancelled; the consumer got `fee` and `dataTokens` back.
    case taskCancelled(task: UInt64, dataset: DatasetID, consumer: AccountID, fee: UInt256, dataTokens: UInt256)
    /// The compute node attested `records` for an asset, which now waits for validators' scores.
    case assetAttested(dataset: DatasetID, asset: Int, records: UInt64)
    /// An asset was verified with `records` and `quality` (basis points): the owner gained `shares` and was
    /// paid the held join `reward`.
    case assetVerified(dataset: DatasetID, owner: AccountID, asset: Int, records: UInt64, quality: UInt16,
                       shares: UInt64, reward: UInt256)
    /// An asset was rejected; its held join reward returned to the reserve.
    case assetRejected(dataset: DatasetID, owner: AccountID, asset: Int, reason: AssetRejection)
    /// An owner withdrew an asset.
    case assetWithdrawn(dataset: DatasetID, owner: AccountID, asset: Int)
    /// A validator staked base token in a dataset.
    case staked(dataset: DatasetID, validator: AccountID, amount: UInt256)
    /// A validator took back staked base token.
    case unstaked(dataset: DatasetID, validator: AccountID, amount: UInt256)
    /// Base token was added to a review pool.
    case reviewPoolFunded(dataset: DatasetID, from: AccountID, amount: UInt256)
    /// A validator scored an asset.
    case reviewed(dataset: DatasetID, asset: Int, validator: AccountID, score: UInt16)
    /// A review settled with quality `quality` (the stake-weighted median, basis points).
    case reviewSettled(dataset: DatasetID, asset: Int, quality: UInt16)
    /// A reviewer far from the median lost `amount` of its stake to the review pool.
    case validatorSlashed(dataset: DatasetID, validator: AccountID, amount: UInt256)
    /// A reviewer near the median was paid `amount` base token from the review pool.
    case validatorRewarded(dataset: DatasetID, validator: AccountID, amount: UInt256)
}
