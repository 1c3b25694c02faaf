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
    /// Number of assets joined.
    public internal(set) var assetCount: Int = 0
}

/// A dataset: its terms, its pool and its owner-reward accounting.
public struct Dataset: Hashable, Sendable {
    /// Symbol of the dataset and its data token.
    public let id: DatasetID
    /// The maker.
    public let maker: AccountID
    /// Title, requirements and usage scenarios as created.
    public let title: String, requirements: String, usageScenarios: [String]
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
    /// Number of assets joined.
    public var assetCount: Int { rewards.assetCount }

    /// The pool's reserves as (data token, base token).
    public var reserves: (data: UInt256, base: UInt256) {
        dataIsToken0 ? (pool.reserve0, pool.reserve1) : (pool.reserve1, pool.reserve0)
    }
}

/// One owner's stake in a dataset (MasterChef-style reward accounting).
public struct OwnerPosition: Hashable, Sendable {
    /// Records contributed (the owner's shares).
    public internal(set) var shares: UInt64 = 0
    /// `ceil(shares · accRewardPerShare / 2^128)` at the last settlement.
    public internal(set) var rewardDebt: UInt256 = .zero
    /// Rewards settled when shares changed, not yet claimed.
    public internal(set) var owed: UInt256 = .zero
    /// Everything claimed so far.
    public internal(set) var claimed: UInt256 = .zero
    /// Assets joined.
    public internal(set) var assets: Int = 0
}

/// An asset as stored: its owner and sealed metadata.
public struct StoredAsset: Hashable, Sendable {
    /// Index within its dataset.
    public let index: Int
    /// The data owner.
    public let owner: AccountID
    /// When it joined (seconds).
    public let joinedAt: UInt64
    /// Public metadata and sealed URLs.
    public let asset: SealedAsset
}

/// Whether a paid task's data has been opened.
public enum TaskStatus: String, Codable, Hashable, Sendable {
    /// Paid, not yet executed.
    case paid
    /// Its data was opened (once).
    case executed
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
    /// Base token paid to the compute operator.
    public let fee: UInt256
    /// Data tokens paid to the owners' reward pool.
    public let dataTokens: UInt256
    /// Assets covered: the first `assetCount` assets of the dataset (those present at submission).
    public let assetCount: Int
    /// Submission time.
    public let submittedAt: UInt64
    /// Paid or executed.
    public internal(set) var status: TaskStatus
}

/// A paid task as stored: 80 bytes where ``ComputeTask`` takes 160, as the task store grows by one record
/// per task. The id is the position, the dataset its slot, the fee follows from the dataset's fixed pricing;
/// data tokens (paid from a balance below 2^112) fit 128 bits, operations per row (at most 10^6) and asset
/// counts (at most 10^6) fit 32 bits.
struct TaskRecord: Hashable, Sendable {
    let consumer: AccountID
    let purpose: String
    let rows: UInt64
    let submittedAt: UInt64
    let dataTokens: Amount128
    let datasetSlot: UInt32
    let operationsPerRow: UInt32
    let assetCount: UInt32
    var status: TaskStatus
}

/// An amount below 2^128 as two 64-bit limbs (8-byte aligned, unlike `UInt128`).
struct Amount128: Hashable, Sendable {
    let low: UInt64, high: UInt64

    /// `value` must be below 2^128.
    init(_ value: UInt256) {
        let limbs = value.littleEndianLimbs
        precondition(limbs.2 == 0 && limbs.3 == 0, "amount above 2^128")
        (low, high) = (limbs.0, limbs.1)
    }

    var value: UInt256 { UInt256(littleEndianLimbs: (low, high, 0, 0)) }
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
    /// True when accounts + pools + reserves + owner pools + compute fees == total supply (without overflow).
    public let balanced: Bool
}
