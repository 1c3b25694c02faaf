import DataFiBigNum

/// What a maker commits to when creating a dataset. Amounts are raw units (18 decimals).
public struct DatasetTerms: Codable, Hashable, Sendable {
    /// The dataset's symbol, which is also its data token's symbol.
    public var id: DatasetID
    /// A title (1...200 bytes).
    public var title: String
    /// What joining assets must contain (1...5000 bytes).
    public var requirements: String
    /// What the data may be used for (1...16 entries of 1...200 bytes).
    public var usageScenarios: [String]
    /// The data token's fixed total supply, minted once to the maker (at most 2^112 − 1).
    public var dataTokenSupply: UInt256
    /// Data tokens the maker deposits into the pool.
    public var poolDataTokens: UInt256
    /// Base tokens (ALITA) the maker deposits into the pool; with `poolDataTokens` this sets the first price.
    public var poolBaseTokens: UInt256
    /// Data tokens set aside for join rewards (taken from the maker's supply).
    public var rewardReserve: UInt256
    /// Data tokens each join pays its owner from the reserve.
    public var rewardPerJoin: UInt256
    /// How compute tasks on this dataset are priced in the base token.
    public var pricing: PricingRule
    /// A public description for search (0...5000 bytes; line breaks allowed). Optional in JSON.
    public var description: String?
    /// Search keywords (at most 32 of 1...64 bytes). Optional in JSON.
    public var keywords: [String]?
    /// The licence the data is offered under, e.g. `CC-BY-4.0` (1...500 bytes). Optional in JSON.
    public var license: String?
    /// How validators review contributions; `nil`: the compute node's verification alone decides.
    public var review: ReviewTerms?

    /// Creates the terms.
    public init(id: DatasetID, title: String, requirements: String, usageScenarios: [String],
                dataTokenSupply: UInt256, poolDataTokens: UInt256, poolBaseTokens: UInt256,
                rewardReserve: UInt256, rewardPerJoin: UInt256, pricing: PricingRule,
                description: String? = nil, keywords: [String]? = nil, license: String? = nil,
                review: ReviewTerms? = nil) {
        self.id = id
        self.title = title
        self.requirements = requirements
        self.usageScenarios = usageScenarios
        self.dataTokenSupply = dataTokenSupply
        self.poolDataTokens = poolDataTokens
        self.poolBaseTokens = poolBaseTokens
        self.rewardReserve = rewardReserve
        self.rewardPerJoin = rewardPerJoin
        self.pricing = pricing
        self.description = description
        self.keywords = keywords
        self.license = license
        self.review = review
    }
}

/// Which way a swap goes.
public enum SwapSide: String, Codable, Hashable, Sendable {
    /// Pay the base token, receive data tokens.
    case buyDataToken
    /// Pay data tokens, receive the base token.
    case sellDataToken
}

/// How much a swap moves.
public enum SwapAmount: Codable, Hashable, Sendable {
    /// Pay exactly `amountIn`, receive at least `minimumOut` (raw units).
    case exactIn(amountIn: UInt256, minimumOut: UInt256)
    /// Receive exactly `amountOut`, pay at most `maximumIn` (raw units).
    case exactOut(amountOut: UInt256, maximumIn: UInt256)
}

/// A compute task a consumer pays for.
public struct TaskOrder: Codable, Hashable, Sendable {
    /// The dataset the task reads.
    public var dataset: DatasetID
    /// The work it asks for (sets the fee through the dataset's ``PricingRule``).
    public var complexity: TaskComplexity
    /// Why the data is used (1...200 bytes), recorded in the access log.
    public var purpose: String
    /// The most base token the consumer pays as compute fee (raw units).
    public var maximumFee: UInt256
    /// The most data tokens the consumer lets the task consume (raw units).
    public var maximumDataTokens: UInt256
    /// Latest time (seconds) the task may be accepted.
    public var deadline: UInt64
    /// How the task runs: `nil` (the default) for central execution, where the compute node opens the verified
    /// assets; a job for federated execution, where the owners' agents compute their part locally and only
    /// the aggregate reaches the consumer (``Transaction/recordFederatedResult(task:contributors:digest:)``).
    /// Omitted from the JSON when `nil`, so a central order's encoding and signed bytes are those of an order
    /// written before federated execution existed.
    public var federated: FederatedTaskJob? {
        get { federatedStorage?.job }
        set { federatedStorage = newValue.map(FederatedJobStorage.init) }
    }
    /// The job out of line, so that it does not set the size of every order and transaction value.
    private var federatedStorage: FederatedJobStorage?

    private enum CodingKeys: String, CodingKey {
        case dataset, complexity, purpose, maximumFee, maximumDataTokens, deadline
        case federatedStorage = "federated"
    }

    /// Creates a task order; `federated` chooses federated execution.
    public init(dataset: DatasetID, complexity: TaskComplexity, purpose: String, maximumFee: UInt256,
                maximumDataTokens: UInt256, deadline: UInt64, federated: FederatedTaskJob? = nil) {
        self.dataset = dataset
        self.complexity = complexity
        self.purpose = purpose
        self.maximumFee = maximumFee
        self.maximumDataTokens = maximumDataTokens
        self.deadline = deadline
        self.federatedStorage = federated.map(FederatedJobStorage.init)
    }
}

/// A market operation as a value: what a ledger signs, orders and replays. Apply it with
/// ``Market/apply(_:by:at:)``; the signer (`by`) is the acting account.
public enum Transaction: Codable, Hashable, Sendable {
    /// Move `amount` of `token` from the signer to `to`.
    case transfer(token: TokenID, to: AccountID, amount: UInt256)
    /// Create a dataset, its data token and its pool, seeded by the signer (the maker). Stored out of line,
    /// so the large terms do not set the size of every transaction value.
    indirect case createDataset(DatasetTerms)
    /// Add the signer's data tokens to a dataset's join-reward reserve.
    case fundRewards(dataset: DatasetID, amount: UInt256)
    /// Join a dataset with one asset; the signer is the owner. The asset is pending and the join reward is
    /// set aside until the compute node verifies it (``verifyAsset(dataset:asset:verdict:)``).
    case join(dataset: DatasetID, asset: SealedAsset)
    /// Join with the public part of an asset and a commitment to its sealed asset, which travels beside the
    /// transaction and can be erased (``Market/attachSealedAsset(_:salt:to:in:)``): the form a ledger logs.
    /// Otherwise as ``join(dataset:asset:)``; until its sealed asset is attached the compute node cannot open it.
    case joinCommitted(dataset: DatasetID, asset: CommittedAsset)
    /// Trade the base token against a dataset's data token through its pool.
    case swap(dataset: DatasetID, side: SwapSide, amount: SwapAmount, deadline: UInt64)
    /// Deposit both tokens into a dataset's pool at the current ratio (V2 router rules).
    case addLiquidity(dataset: DatasetID, dataDesired: UInt256, baseDesired: UInt256, dataMinimum: UInt256,
                      baseMinimum: UInt256, deadline: UInt64)
    /// Burn the signer's liquidity tokens for their share of both reserves (fees included).
    case removeLiquidity(dataset: DatasetID, liquidity: UInt256, dataMinimum: UInt256, baseMinimum: UInt256,
                         deadline: UInt64)
    /// Pay for a compute task: the fee in base token and the equivalent data tokens are held in escrow until
    /// the node executes the task (``recordAccess(task:failed:)``, or for a federated task
    /// ``recordFederatedResult(task:contributors:digest:)``) or the consumer cancels it after its deadline
    /// (``cancelTask(task:)``). A federated order's job is checked here (``MarketError/invalidFederatedJob(_:)``).
    case submitTask(TaskOrder)
    /// Collect the signer's pending owner rewards in a dataset.
    case claim(dataset: DatasetID)
    /// Compute operator only, by the task's deadline: record that a paid task ran over the dataset's verified
    /// assets. One access-log entry per asset opened; `failed` lists (ascending) the verified assets that
    /// could not be opened or read, which are excluded: their share of the data tokens returns to the
    /// consumer, the other owners are paid, and the fee accrues to the operator. Refused for a federated task
    /// (``MarketError/taskIsFederated(_:)``): its assets are never opened.
    case recordAccess(task: UInt64, failed: [Int])
    /// Compute operator only (it coordinates the secure-aggregation round), by the task's deadline: complete a
    /// federated task. `contributors` lists (ascending) the verified assets whose owners' parts are in the
    /// aggregate (the round's survivors); `digest` is the aggregate's digest
    /// (``FederatedTaskJob/aggregateDigest(task:values:)``). The contributors' owners are paid pro rata to their
    /// shares, the other verified assets' share of the data tokens returns to the consumer, the fee accrues
    /// to the operator, and each contributing asset gets an access-log entry marked federated (it was not
    /// opened). Fewer contributors than the job's threshold is refused
    /// (``MarketError/tooFewContributors(task:contributors:threshold:)``): the task stays paid, and the
    /// consumer can cancel it after its deadline for a full refund.
    case recordFederatedResult(task: UInt64, contributors: [Int], digest: String)
    /// Compute operator only: move the accrued compute fees (``Market/computeFees``) to its account.
    case withdrawComputeFees
    /// Compute operator only: the verdict on pending asset `asset` of `dataset` after opening and counting it.
    /// Accepted assets become verified (or go to review when the dataset has ``ReviewTerms``); rejected ones
    /// return their join reward to the reserve. Each opening (all but an ``AssetRejection/unreadable`` one)
    /// is recorded in the access log as task 0.
    case verifyAsset(dataset: DatasetID, asset: Int, verdict: AssetVerdict)
    /// The asset's owner takes it back: it stops earning and is never opened again; rewards it already
    /// earned stay claimable.
    case withdrawAsset(dataset: DatasetID, asset: Int)
    /// The consumer cancels a paid task that was not executed by its deadline, for a full refund of the fee
    /// and the data tokens.
    case cancelTask(task: UInt64)
    /// Stake base token in a dataset with review terms, to score its contributions.
    case stake(dataset: DatasetID, amount: UInt256)
    /// Take back staked base token (only while no scored review is unsettled).
    case unstake(dataset: DatasetID, amount: UInt256)
    /// Add base token to a dataset's review pool, which pays agreeing reviewers.
    case fundReviewPool(dataset: DatasetID, amount: UInt256)
    /// Validator: score asset `asset` of `dataset` (in review) with a quality of `score` basis points
    /// (0...10,000). The score that completes the review settles it.
    case reviewAsset(dataset: DatasetID, asset: Int, score: UInt16)
}
