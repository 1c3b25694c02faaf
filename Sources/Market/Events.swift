import DataFiBigNum

/// One entry of the access log: a single opening of one owner's asset for one task.
public struct AccessRecord: Codable, Hashable, Sendable {
    /// Position in the market's access log (0-based).
    public let sequence: Int
    /// The task the data was opened for.
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
    /// The compute-node operator that opened it.
    public let node: AccountID

    /// Creates a record.
    public init(sequence: Int, task: UInt64, consumer: AccountID, owner: AccountID, dataset: DatasetID, asset: Int,
                purpose: String, time: UInt64, node: AccountID) {
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
    /// An owner joined with an asset and received `reward` data tokens.
    case joined(dataset: DatasetID, owner: AccountID, asset: Int, records: UInt64, reward: UInt256)
    /// A swap through a dataset's pool; reserves after it.
    case swapped(dataset: DatasetID, trader: AccountID, side: SwapSide, amountIn: UInt256, amountOut: UInt256,
                 reserveData: UInt256, reserveBase: UInt256)
    /// Liquidity was added.
    case liquidityAdded(dataset: DatasetID, provider: AccountID, data: UInt256, base: UInt256, liquidity: UInt256)
    /// Liquidity was removed.
    case liquidityRemoved(dataset: DatasetID, provider: AccountID, data: UInt256, base: UInt256, liquidity: UInt256)
    /// A task was paid: `fee` base token accrued for `node`, `dataTokens` into the owners' reward pool.
    case taskSubmitted(task: UInt64, dataset: DatasetID, consumer: AccountID, fee: UInt256, dataTokens: UInt256,
                       node: AccountID)
    /// An owner claimed rewards.
    case claimed(dataset: DatasetID, owner: AccountID, amount: UInt256)
    /// An asset was opened for a task.
    case accessed(AccessRecord)
    /// The compute operator withdrew its accrued compute fees (base token).
    case computeFeesWithdrawn(node: AccountID, amount: UInt256)
}
