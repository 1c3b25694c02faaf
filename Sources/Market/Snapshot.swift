import DataFiAMM
import DataFiBigNum
import DataFiSodium
import Foundation

/// The whole state of a ``Market`` as plain values, every table as a list in a fixed order, so that equal
/// markets give equal snapshots and equal bytes (``Market/canonicalSnapshot()``). A ledger stores it every N
/// entries and hashes it into its checkpoints.
public struct MarketSnapshot: Codable, Hashable, Sendable {
    /// The newest snapshot format this type writes. Version 2: assets hold a ``CommittedAsset`` instead of the
    /// sealed asset, which moved to ``sealedAssets`` (outside the canonical bytes). Version 3 adds
    /// ``federatedTasks``. A market without federated tasks is still written as version 2, byte for byte as
    /// before, so the state hashes of existing ledgers do not change; one with federated tasks is written as
    /// version 3, which a reader that knows only version 2 refuses rather than misreads.
    public static let currentVersion = 3
    /// The version of a snapshot without federated tasks.
    public static let centralOnlyVersion = 2

    /// Format version.
    public var version: Int
    /// The base token.
    public var baseToken: TokenID
    /// The compute-node operator.
    public var computeOperator: AccountID
    /// The compute node's X25519 public key, lowercase hex.
    public var computeKey: String
    /// Every token, ascending by symbol.
    public var tokens: [Token]
    /// Unwithdrawn compute fees.
    public var computeFees: UInt256
    /// Paid tasks in id order.
    public var tasks: [Task]
    /// The access log in order.
    public var accessLog: [AccessRecord]
    /// Nonzero base-token balances, ascending by account.
    public var baseBalances: [Balance]
    /// Nonzero data-token balances, ascending by (dataset slot, account).
    public var dataBalances: [DataBalance]
    /// Datasets in creation (slot) order.
    public var datasets: [DatasetState]
    /// Owner positions, ascending by (dataset, account).
    public var positions: [Position]
    /// Joined assets per dataset, ascending by dataset.
    public var assets: [DatasetAssets]
    /// Access-log positions per owner, ascending by owner.
    public var accessByOwner: [OwnerAccess]
    /// Validator stakes, ascending by (dataset, validator).
    public var stakes: [Stake]
    /// The owners' sealed assets (personal data), ascending by (dataset, index); always `nil` in the
    /// canonical snapshot, whose hash must not change when they are erased.
    public var sealedAssets: [SealedEntry]?
    /// The jobs and outcomes of federated tasks, ascending by task id; `nil` (absent) when there are none.
    public var federatedTasks: [FederatedTaskEntry]?

    /// A federated task's job and, once recorded, its outcome.
    public struct FederatedTaskEntry: Codable, Hashable, Sendable {
        /// Fields as the market stores them (see the matching public types).
        public var task: UInt64, job: FederatedTaskJob, outcome: FederatedTaskOutcome?
    }

    /// The sealed asset of one stored asset.
    public struct SealedEntry: Codable, Hashable, Sendable {
        /// Fields as the market stores them (see the matching public types).
        public var dataset: DatasetID, index: Int, asset: SealedAsset
    }

    /// A token.
    public struct Token: Codable, Hashable, Sendable {
        /// Fields as the market stores them (see the matching public types).
        public var id: TokenID, totalSupply: UInt256, dataset: DatasetID?
    }
    /// A paid task as stored.
    public struct Task: Codable, Hashable, Sendable {
        /// Fields as the market stores them (see the matching public types).
        public var consumer: AccountID, purpose: String, rows: UInt64, submittedAt: UInt64, deadline: UInt64
        /// Fields as the market stores them (see the matching public types).
        public var dataTokens: UInt256, datasetSlot: UInt32, operationsPerRow: UInt32, status: TaskStatus
    }
    /// A base-token balance.
    public struct Balance: Codable, Hashable, Sendable {
        /// Fields as the market stores them (see the matching public types).
        public var account: AccountID, amount: UInt256
    }
    /// A data-token balance.
    public struct DataBalance: Codable, Hashable, Sendable {
        /// Fields as the market stores them (see the matching public types).
        public var slot: Int, account: AccountID, amount: UInt256
    }
    /// A dataset with its pool and reward accounting.
    public struct DatasetState: Codable, Hashable, Sendable {
        /// Fields as the market stores them (see the matching public types).
        public var id: DatasetID, maker: AccountID, title: String, requirements: String, usageScenarios: [String]
        /// Fields as the market stores them (see the matching public types).
        public var description: String, keywords: [String], license: String, review: ReviewTerms?
        /// Fields as the market stores them (see the matching public types).
        public var rewardPerJoin: UInt256, pricing: PricingRule, createdAt: UInt64, dataIsToken0: Bool
        /// Fields as the market stores them (see the matching public types).
        public var pool: Pair.State
        /// Fields as the market stores them (see the matching public types).
        public var rewardReserve: UInt256, ownerPool: UInt256, totalPaidIn: UInt256, totalClaimed: UInt256
        /// Fields as the market stores them (see the matching public types).
        public var totalShares: UInt64, accRewardPerShare: UInt256, assetCount: Int
        /// Fields as the market stores them (see the matching public types).
        public var heldJoinRewards: UInt256, verifiedRecords: UInt64, verifiedAssets: Int
        /// Fields as the market stores them (see the matching public types).
        public var escrowedDataTokens: UInt256, escrowedFees: UInt256, totalStaked: UInt256, reviewPool: UInt256
    }
    /// An owner position.
    public struct Position: Codable, Hashable, Sendable {
        /// Fields as the market stores them (see the matching public types).
        public var dataset: DatasetID, account: AccountID, shares: UInt64, rewardDebt: UInt256, owed: UInt256
        /// Fields as the market stores them (see the matching public types).
        public var claimed: UInt256, assets: Int
    }
    /// A stored asset.
    public struct Asset: Codable, Hashable, Sendable {
        /// Fields as the market stores them (see the matching public types).
        public var index: Int, owner: AccountID, joinedAt: UInt64, asset: CommittedAsset
        /// Fields as the market stores them (see the matching public types).
        public var status: AssetStatus, heldReward: UInt256, reviews: [Review]
    }
    /// The assets of one dataset.
    public struct DatasetAssets: Codable, Hashable, Sendable {
        /// Fields as the market stores them (see the matching public types).
        public var dataset: DatasetID, assets: [Asset]
    }
    /// The access-log positions of one owner.
    public struct OwnerAccess: Codable, Hashable, Sendable {
        /// Fields as the market stores them (see the matching public types).
        public var owner: AccountID, entries: [Int]
    }
    /// A validator's stake in a dataset.
    public struct Stake: Codable, Hashable, Sendable {
        /// Fields as the market stores them (see the matching public types).
        public var dataset: DatasetID, validator: AccountID, amount: UInt256, openReviews: Int
    }
}

extension Market {
    /// The market's snapshot.
    public func snapshot() -> MarketSnapshot {
        let flatTasks = (0..<UInt64(taskStore.count)).map { position in
            let task = taskStore[position + 1]!
            return MarketSnapshot.Task(
                consumer: task.consumer, purpose: task.purpose, rows: task.rows, submittedAt: task.submittedAt,
                deadline: task.deadline, dataTokens: task.dataTokens.value, datasetSlot: task.datasetSlot,
                operationsPerRow: task.operationsPerRow, status: task.status)
        }
        let federated = federatedTasks.sorted { $0.key < $1.key }.map {
            MarketSnapshot.FederatedTaskEntry(task: $0.key, job: $0.value.job, outcome: $0.value.outcome)
        }
        return MarketSnapshot(
            version: federated.isEmpty ? MarketSnapshot.centralOnlyVersion : MarketSnapshot.currentVersion,
            baseToken: baseToken, computeOperator: computeOperator,
            computeKey: Hex.encode(computeKey.rawRepresentation),
            tokens: tokens.values.sorted { $0.id < $1.id }.map { .init(id: $0.id, totalSupply: $0.totalSupply, dataset: $0.dataset) },
            computeFees: computeFees, tasks: flatTasks, accessLog: accessLog,
            baseBalances: baseBalances.sorted { $0.key < $1.key }.map { .init(account: $0.key, amount: $0.value) },
            dataBalances: dataBalances.sorted { ($0.key.slot, $0.key.account) < ($1.key.slot, $1.key.account) }
                .map { .init(slot: $0.key.slot, account: $0.key.account, amount: $0.value) },
            datasets: datasetList.map { ds in
                .init(id: ds.id, maker: ds.maker, title: ds.title, requirements: ds.requirements,
                      usageScenarios: ds.usageScenarios, description: ds.description, keywords: ds.keywords,
                      license: ds.license, review: ds.review, rewardPerJoin: ds.rewardPerJoin, pricing: ds.pricing,
                      createdAt: ds.createdAt, dataIsToken0: ds.dataIsToken0, pool: ds.pool.state,
                      rewardReserve: ds.rewards.rewardReserve, ownerPool: ds.rewards.ownerPool,
                      totalPaidIn: ds.rewards.totalPaidIn, totalClaimed: ds.rewards.totalClaimed,
                      totalShares: ds.rewards.totalShares, accRewardPerShare: ds.rewards.accRewardPerShare,
                      assetCount: ds.rewards.assetCount, heldJoinRewards: ds.rewards.heldJoinRewards,
                      verifiedRecords: ds.rewards.verifiedRecords, verifiedAssets: ds.rewards.verifiedAssets,
                      escrowedDataTokens: ds.rewards.escrowedDataTokens, escrowedFees: ds.rewards.escrowedFees,
                      totalStaked: ds.validation.totalStaked, reviewPool: ds.validation.reviewPool)
            },
            positions: positions.sorted { ($0.key.dataset, $0.key.account) < ($1.key.dataset, $1.key.account) }.map {
                .init(dataset: $0.key.dataset, account: $0.key.account, shares: $0.value.shares,
                      rewardDebt: $0.value.rewardDebt, owed: $0.value.owed, claimed: $0.value.claimed, assets: $0.value.assets)
            },
            assets: storedAssets.sorted { $0.key < $1.key }.map { entry in
                .init(dataset: entry.key, assets: entry.value.map {
                    .init(index: $0.index, owner: $0.owner, joinedAt: $0.joinedAt, asset: $0.asset, status: $0.status,
                          heldReward: $0.heldReward, reviews: $0.reviews)
                })
            },
            accessByOwner: accessByOwner.sorted { $0.key < $1.key }.map { .init(owner: $0.key, entries: $0.value) },
            stakes: stakes.sorted { ($0.key.dataset, $0.key.account) < ($1.key.dataset, $1.key.account) }.map {
                .init(dataset: $0.key.dataset, validator: $0.key.account, amount: $0.value.amount,
                      openReviews: $0.value.openReviews)
            },
            sealedAssets: sealedAssets.sorted { $0.key < $1.key }.map {
                .init(dataset: $0.key.dataset, index: $0.key.index, asset: $0.value)
            },
            federatedTasks: federated.isEmpty ? nil : federated)
    }

    /// Restores a market from a snapshot.
    /// - Throws: ``MarketError/invalidGenesis(_:)`` when the snapshot's version, compute key, pools or
    ///   references (dataset slots, access positions) are inconsistent. Only snapshots taken by
    ///   ``snapshot()`` are meant to be restored: balances and accounting are taken as given.
    public init(snapshot s: MarketSnapshot) throws(MarketError) {
        let federated = s.federatedTasks ?? []
        guard s.version == MarketSnapshot.currentVersion && !federated.isEmpty
            || s.version == MarketSnapshot.centralOnlyVersion && s.federatedTasks == nil
        else { throw .invalidGenesis(.snapshotVersion) }
        guard let keyBytes = try? Hex.decode(s.computeKey, length: 32),
              let key = try? Box.PublicKey(rawRepresentation: keyBytes) else {
            throw .invalidGenesis(.computeKey)
        }
        baseToken = s.baseToken
        computeOperator = s.computeOperator
        computeKey = key
        for token in s.tokens {
            tokens[token.id] = TokenInfo(id: token.id, totalSupply: token.totalSupply, dataset: token.dataset)
        }
        computeFees = s.computeFees
        for ds in s.datasets {
            guard datasetIndex[ds.id] == nil else { throw .invalidGenesis(.duplicateDataset) }
            let pool: Pair
            do { pool = try Pair(state: ds.pool) } catch { throw .pool(error) }
            var rewards = RewardAccounting(rewardReserve: ds.rewardReserve)
            rewards.ownerPool = ds.ownerPool
            rewards.totalPaidIn = ds.totalPaidIn
            rewards.totalClaimed = ds.totalClaimed
            rewards.totalShares = ds.totalShares
            rewards.accRewardPerShare = ds.accRewardPerShare
            rewards.assetCount = ds.assetCount
            rewards.heldJoinRewards = ds.heldJoinRewards
            rewards.verifiedRecords = ds.verifiedRecords
            rewards.verifiedAssets = ds.verifiedAssets
            rewards.escrowedDataTokens = ds.escrowedDataTokens
            rewards.escrowedFees = ds.escrowedFees
            datasetIndex[ds.id] = datasetList.count
            datasetList.append(Dataset(
                id: ds.id, maker: ds.maker, title: ds.title, requirements: ds.requirements,
                usageScenarios: ds.usageScenarios, description: ds.description, keywords: ds.keywords,
                license: ds.license, review: ds.review, rewardPerJoin: ds.rewardPerJoin, pricing: ds.pricing,
                createdAt: ds.createdAt, dataIsToken0: ds.dataIsToken0, pool: pool, rewards: rewards,
                validation: ValidationAccounting(totalStaked: ds.totalStaked, reviewPool: ds.reviewPool)))
        }
        for task in s.tasks {
            guard Int(task.datasetSlot) < datasetList.count, task.dataTokens < (UInt256.one << 128)
            else { throw .invalidGenesis(.taskReference) }
            _ = taskStore.append(TaskRecord(
                consumer: task.consumer, purpose: task.purpose, rows: task.rows, submittedAt: task.submittedAt,
                deadline: task.deadline, dataTokens: Amount128(task.dataTokens), datasetSlot: task.datasetSlot,
                operationsPerRow: task.operationsPerRow, status: task.status))
        }
        accessLog = s.accessLog
        for balance in s.baseBalances where !balance.amount.isZero { baseBalances[balance.account] = balance.amount }
        for balance in s.dataBalances where !balance.amount.isZero {
            guard balance.slot >= 0, balance.slot < datasetList.count else { throw .invalidGenesis(.datasetSlot) }
            dataBalances[DataBalanceKey(slot: balance.slot, account: balance.account)] = balance.amount
        }
        for p in s.positions {
            var position = OwnerPosition()
            position.shares = p.shares
            position.rewardDebt = p.rewardDebt
            position.owed = p.owed
            position.claimed = p.claimed
            position.assets = p.assets
            positions[PositionKey(dataset: p.dataset, account: p.account)] = position
        }
        for entry in s.assets {
            storedAssets[entry.dataset] = entry.assets.map {
                StoredAsset(index: $0.index, owner: $0.owner, joinedAt: $0.joinedAt, asset: $0.asset, status: $0.status,
                            heldReward: $0.heldReward, reviews: $0.reviews)
            }
        }
        for owner in s.accessByOwner {
            guard owner.entries.allSatisfy({ $0 >= 0 && $0 < accessLog.count }) else {
                throw .invalidGenesis(.accessPosition)
            }
            accessByOwner[owner.owner] = owner.entries
        }
        for stake in s.stakes {
            guard datasetIndex[stake.dataset] != nil, stake.openReviews >= 0 else {
                throw .invalidGenesis(.stakeReference)
            }
            stakes[PositionKey(dataset: stake.dataset, account: stake.validator)] =
                ValidatorStake(amount: stake.amount, openReviews: stake.openReviews)
        }
        for entry in s.sealedAssets ?? [] {
            // The salt is not part of the snapshot: check what the sealed asset shares with the stored one.
            guard let stored = storedAssets[entry.dataset], stored.indices.contains(entry.index),
                  stored[entry.index].asset.records == entry.asset.records,
                  stored[entry.index].asset.formats == entry.asset.distribution.map(\.encodingFormat) else {
                throw .invalidGenesis(.sealedAssetReference)
            }
            sealedAssets[AssetKey(dataset: entry.dataset, index: entry.index)] = entry.asset
        }
        for entry in federated {
            guard let task = taskStore[entry.task], federatedTasks[entry.task] == nil else {
                throw .invalidGenesis(.federatedTaskReference)
            }
            if let outcome = entry.outcome {
                let count = storedAssets[datasetList[Int(task.datasetSlot)].id]?.count ?? 0
                guard task.status == .executed, outcome.contributors.allSatisfy({ $0 >= 0 && $0 < count }) else {
                    throw .invalidGenesis(.federatedTaskReference)
                }
            }
            federatedTasks[entry.task] = FederatedTaskState(job: entry.job, outcome: entry.outcome)
        }
    }

    /// The canonical bytes of ``snapshot()`` without the sealed assets: JSON with sorted keys and no
    /// whitespace, every table a list in the snapshot's fixed order, amounts as decimal strings. Equal markets
    /// give equal bytes, whether or not their owners' sealed assets are present.
    public func canonicalSnapshot() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var value = snapshot()
        value.sealedAssets = nil
        // Every field is a string, integer, boolean, list or struct of those: encoding cannot fail.
        return (try? Array(encoder.encode(value))) ?? []
    }

    /// Restores a market from ``canonicalSnapshot()`` bytes.
    /// - Throws: ``MarketError/invalidGenesis(_:)`` when the bytes are not a snapshot; as
    ///   ``init(snapshot:)``.
    public init(canonicalSnapshot bytes: some Collection<UInt8>) throws(MarketError) {
        let decoded: MarketSnapshot
        do { decoded = try JSONDecoder().decode(MarketSnapshot.self, from: Data(bytes)) } catch {
            throw .invalidGenesis(.notASnapshot)
        }
        try self.init(snapshot: decoded)
    }
}
