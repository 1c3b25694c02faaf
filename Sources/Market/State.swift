import DataFiAMM
import DataFiBigNum
import DataFiSodium

/// The genesis of a market: the base token's fixed supply and who holds it, and the compute node.
public struct Genesis: Codable, Hashable, Sendable {
    /// The base token's symbol (default `ALITA`).
    public var baseToken: TokenID
    /// The base token's total supply in raw units (18 decimals); never inflated afterwards.
    public var totalSupply: UInt256
    /// Initial holdings; what they leave of the supply goes to `treasury`.
    public var allocations: [Allocation]
    /// Receives the unallocated supply.
    public var treasury: AccountID
    /// The compute-node operator: receives compute fees and alone records data access.
    public var computeOperator: AccountID
    /// The compute node's X25519 public key (32 bytes): owners seal their URLs to it.
    public var computeKey: [UInt8]

    /// An initial holding.
    public struct Allocation: Codable, Hashable, Sendable {
        /// The holder.
        public var account: AccountID
        /// Raw units.
        public var amount: UInt256
        /// Creates an allocation.
        public init(account: AccountID, amount: UInt256) {
            self.account = account
            self.amount = amount
        }
    }

    /// Creates a genesis configuration.
    public init(baseToken: TokenID = "ALITA", totalSupply: UInt256, allocations: [Allocation], treasury: AccountID,
                computeOperator: AccountID, computeKey: Box.PublicKey) {
        self.baseToken = baseToken
        self.totalSupply = totalSupply
        self.allocations = allocations
        self.treasury = treasury
        self.computeOperator = computeOperator
        self.computeKey = computeKey.rawRepresentation
    }
}

/// A token the market knows.
public struct TokenInfo: Hashable, Sendable {
    /// Its symbol.
    public let id: TokenID
    /// Fixed total supply in raw units.
    public let totalSupply: UInt256
    /// The dataset a data token belongs to; `nil` for the base token.
    public let dataset: DatasetID?
    /// Decimals (always 18).
    public var decimals: Int { Market.decimals }
}

/// A dataset's reward accounting (plain numbers, so reading it copies no references).
public struct RewardAccounting: Hashable, Sendable {
    /// Data tokens left for join rewards.
    public internal(set) var rewardReserve: UInt256
    /// Data tokens held for owners: paid in by tasks, not yet claimed (includes rounding dust).
    public internal(set) var ownerPool: UInt256 = .zero
    /// All data tokens ever paid in by tasks.
    public internal(set) var totalPaidIn: UInt256 = .zero
    /// All data tokens ever claimed by owners.
    public internal(set) var totalClaimed: UInt256 = .zero
    /// Sum of owners' shares (records contributed).
    public internal(set) var totalShares: UInt64 = 0
    /// Accumulated reward per share, scaled by 2^128.
    public internal(set) var accRewardPerShare: UInt256 = .zero
    /// Number of assets joined (in any status).
    public internal(set) var assetCount: Int = 0
    /// Join rewards set aside for pending assets (data tokens): paid on verification, returned to the reserve
    /// on rejection or withdrawal.
    public internal(set) var heldJoinRewards: UInt256 = .zero
    /// Records of the verified, not withdrawn assets (attested counts): the rows a task may read.
    public internal(set) var verifiedRecords: UInt64 = 0
    /// Number of verified, not withdrawn assets.
    public internal(set) var verifiedAssets: Int = 0
    /// Data tokens paid by tasks not yet executed or cancelled (held until then).
    public internal(set) var escrowedDataTokens: UInt256 = .zero
    /// Compute fees (base token) paid by tasks not yet executed or cancelled (held until then).
    public internal(set) var escrowedFees: UInt256 = .zero
}

/// A dataset's validator accounting (base token, raw units).
public struct ValidationAccounting: Hashable, Sendable {
    /// Base token staked by the dataset's validators.
    public internal(set) var totalStaked: UInt256 = .zero
    /// Base token that pays reviewers near the consensus: funded by ``Transaction/fundReviewPool(dataset:amount:)``
    /// and by slashed stakes.
    public internal(set) var reviewPool: UInt256 = .zero
}

/// A dataset: its terms, its pool and its owner-reward accounting.
public struct Dataset: Hashable, Sendable {
    /// Symbol of the dataset and its data token.
    public let id: DatasetID
    /// The maker.
    public let maker: AccountID
    /// Title, requirements and usage scenarios as created.
    public let title: String, requirements: String, usageScenarios: [String]
    /// Public description, search keywords and licence as created (empty when the terms gave none).
    public let description: String, keywords: [String], license: String
    /// How validators review contributions; `nil` when the compute node's verification alone decides.
    public let review: ReviewTerms?
    /// Data tokens paid per join.
    public let rewardPerJoin: UInt256
    /// The pricing rule for tasks.
    public let pricing: PricingRule
    /// Creation time (seconds).
    public let createdAt: UInt64
    /// True when the data token is the pool's token0.
    public let dataIsToken0: Bool
    /// The data token / base token pool (exact Uniswap V2).
    public internal(set) var pool: Pair
    /// Reward reserve, owners' pool, shares and reward per share.
    public internal(set) var rewards: RewardAccounting
    /// Validators' stakes and the review pool.
    public internal(set) var validation = ValidationAccounting()

    /// Data tokens left for join rewards.
    public var rewardReserve: UInt256 { rewards.rewardReserve }
    /// Data tokens held for owners, not yet claimed (includes rounding dust).
    public var ownerPool: UInt256 { rewards.ownerPool }
    /// All data tokens ever paid in by tasks.
    public var totalPaidIn: UInt256 { rewards.totalPaidIn }
    /// All data tokens ever claimed by owners.
    public var totalClaimed: UInt256 { rewards.totalClaimed }
    /// Sum of owners' shares (records contributed).
    public var totalShares: UInt64 { rewards.totalShares }
    /// Accumulated reward per share, scaled by 2^128.
    public var accRewardPerShare: UInt256 { rewards.accRewardPerShare }
    /// Number of assets joined (in any status).
    public var assetCount: Int { rewards.assetCount }
    /// Records of the verified, not withdrawn assets.
    public var verifiedRecords: UInt64 { rewards.verifiedRecords }

    /// The pool's reserves as (data token, base token).
    public var reserves: (data: UInt256, base: UInt256) {
        dataIsToken0 ? (pool.reserve0, pool.reserve1) : (pool.reserve1, pool.reserve0)
    }
}

/// One owner's stake in a dataset (MasterChef-style reward accounting).
public struct OwnerPosition: Hashable, Sendable {
    /// The owner's shares: the quality-weighted records of its verified, not withdrawn assets.
    public internal(set) var shares: UInt64 = 0
    /// `ceil(shares · accRewardPerShare / 2^128)` at the last settlement.
    public internal(set) var rewardDebt: UInt256 = .zero
    /// Rewards settled when shares changed, not yet claimed.
    public internal(set) var owed: UInt256 = .zero
    /// Everything claimed so far.
    public internal(set) var claimed: UInt256 = .zero
    /// Verified, not withdrawn assets.
    public internal(set) var assets: Int = 0
}

/// An asset as stored: its owner, committed metadata, verification status and reviews.
public struct StoredAsset: Hashable, Sendable {
    /// Index within its dataset.
    public let index: Int
    /// The data owner.
    public let owner: AccountID
    /// When it joined (seconds).
    public let joinedAt: UInt64
    /// The record count (the owner's declaration), media types and the commitment to the sealed asset,
    /// which the market keeps apart (``Market/sealedAsset(_:in:)``) so that it can be erased.
    public let asset: CommittedAsset
    /// Where the asset is in its life: pending, in review, verified, rejected or withdrawn.
    public internal(set) var status: AssetStatus = .pending
    /// The join reward set aside for it while pending or in review (data tokens); zero afterwards.
    public internal(set) var heldReward: UInt256 = .zero
    /// Validators' scores so far (while in review; kept after the review settles).
    public internal(set) var reviews: [Review] = []

    /// The asset's shares in its dataset's owner rewards: `records × quality / 10,000` (floored) while
    /// verified, otherwise 0.
    public var shares: UInt64 {
        guard case .verified(let records, let quality) = status else { return 0 }
        return Self.shares(records: records, quality: quality)
    }

    /// `records × quality / 10,000` floored: records (≤ 10^12) weighted by quality in basis points (≤ 10,000).
    static func shares(records: UInt64, quality: UInt16) -> UInt64 {
        UInt64(UInt128(records) * UInt128(quality) / 10_000)
    }
}

/// Whether a paid task's data has been opened.
public enum TaskStatus: String, Codable, Hashable, Sendable {
    /// Paid, not yet executed: its fee and data tokens are held in escrow.
    case paid
    /// Its data was opened (once), or for a federated task its aggregate recorded, and the escrow settled.
    case executed
    /// Not executed before its deadline; the consumer took a full refund.
    case cancelled
}

/// A paid compute task.
public struct ComputeTask: Hashable, Sendable {
    /// Task id (1-based, in submission order).
    public let id: UInt64
    /// The dataset.
    public let dataset: DatasetID
    /// Who paid.
    public let consumer: AccountID
    /// Declared work.
    public let complexity: TaskComplexity
    /// Declared purpose.
    public let purpose: String
    /// Base token paid for the compute node (held until execution).
    public let fee: UInt256
    /// Data tokens paid for the owners (held until execution; the share of assets that fail is refunded).
    public let dataTokens: UInt256
    /// Submission time.
    public let submittedAt: UInt64
    /// Latest time (seconds) the node may execute it; afterwards the consumer may cancel it for a refund.
    public let deadline: UInt64
    /// Paid, executed or cancelled.
    public internal(set) var status: TaskStatus
    /// The job of a federated task; `nil` for a central one.
    public let federated: FederatedTaskJob?
    /// What completed a federated task, once recorded.
    public internal(set) var federatedOutcome: FederatedTaskOutcome?
}

/// A token as the book keys it: the base token, or a data token by its dataset's slot in the market's
/// dataset list (which a handler has already looked up, so no symbol is hashed again).
enum BookToken: Hashable, Sendable {
    case base
    case data(slot: Int)
}

/// The key of a data-token balance: the dataset's slot and the holder.
struct DataBalanceKey: Hashable, Sendable {
    let slot: Int
    let account: AccountID
}

struct PositionKey: Hashable, Sendable {
    let dataset: DatasetID
    let account: AccountID
}

/// Supply accounting of one token: where every raw unit is.
public struct SupplyAudit: Hashable, Sendable {
    /// The token.
    public let token: TokenID
    /// Its fixed total supply.
    public let totalSupply: UInt256
    /// Sum of all account balances.
    public let accounts: UInt256
    /// Sum held by pools.
    public let pools: UInt256
    /// Sum held in join-reward reserves.
    public let rewardReserves: UInt256
    /// Sum held in owners' reward pools.
    public let ownerPools: UInt256
    /// Compute fees not yet withdrawn by the operator (base token only).
    public let computeFees: UInt256
    /// Held for later: join rewards of pending assets (data tokens) and the fees and data tokens of tasks not
    /// yet executed or cancelled.
    public let escrow: UInt256
    /// Validators' stakes (base token only).
    public let stakes: UInt256
    /// Review pools (base token only).
    public let reviewPools: UInt256
    /// True when accounts + pools + reserves + owner pools + compute fees + escrow + stakes + review pools
    /// == total supply (without overflow).
    public let balanced: Bool
}
