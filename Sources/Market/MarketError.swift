import DataFiAMM
import DataFiBigNum

/// Why metadata submitted by a data owner was refused.
public enum MetadataError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A required text field is empty.
    case empty(field: String)
    /// A text field is longer than its limit (in UTF-8 bytes).
    case tooLong(field: String, limit: Int, actual: Int)
    /// A list has more entries than allowed.
    case tooMany(field: String, limit: Int, actual: Int)
    /// A text field holds a control character (line breaks are allowed only in `description`).
    case controlCharacter(field: String)
    /// A content URL does not have the form `scheme://rest` with a non-empty rest and no spaces.
    case malformedURL(index: Int)
    /// A content URL uses a scheme outside ``AssetMetadata/allowedSchemes``.
    case unsupportedScheme(index: Int, scheme: String)
    /// The record count is outside 1...``AssetMetadata/maxRecords``.
    case recordsOutOfRange(UInt64)
    /// A sealed content URL is not between 49 and 48 + ``AssetMetadata/maxURLLength`` bytes.
    case sealedURLSize(index: Int, actual: Int)
    /// A committed asset's commitment is not 64 lowercase hex digits.
    case malformedCommitment

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .empty(let field): "\(field) is empty"
        case .tooLong(let field, let limit, let actual): "\(field) has \(actual) bytes, limit \(limit)"
        case .tooMany(let field, let limit, let actual): "\(field) has \(actual) entries, limit \(limit)"
        case .controlCharacter(let field): "\(field) contains a control character"
        case .malformedURL(let index): "distribution[\(index)].contentUrl is not a URL of the form scheme://..."
        case .unsupportedScheme(let index, let scheme):
            "distribution[\(index)].contentUrl uses scheme \"\(scheme)\"; allowed: \(AssetMetadata.allowedSchemes.sorted().joined(separator: ", "))"
        case .recordsOutOfRange(let value): "records \(value) outside 1...\(AssetMetadata.maxRecords)"
        case .sealedURLSize(let index, let actual): "distribution[\(index)] sealed URL has \(actual) bytes"
        case .malformedCommitment: "commitment is not 64 lowercase hex digits"
        }
    }
}

/// Why a market operation was refused. A refused operation leaves the market exactly as it was.
public enum MarketError: Error, Hashable, Sendable, CustomStringConvertible {
    /// An account id is not 1...64 characters of `A-Z a-z 0-9 _ . -`.
    case invalidAccount(String)
    /// A token or dataset symbol is not 2...12 characters of `A-Z 0-9` starting with a letter.
    case invalidSymbol(String)
    /// The genesis configuration or a snapshot is inconsistent.
    case invalidGenesis(GenesisProblem)
    /// A dataset's terms are inconsistent.
    case invalidTerms(TermsProblem)
    /// The token does not exist.
    case unknownToken(TokenID)
    /// The dataset does not exist.
    case unknownDataset(DatasetID)
    /// A dataset or token with this symbol already exists.
    case symbolTaken(String)
    /// An amount that must be positive is zero.
    case zeroAmount
    /// `account` holds `available` of `token`, less than the `needed` amount (raw units).
    case insufficientBalance(token: TokenID, account: AccountID, needed: UInt256, available: UInt256)
    /// The transaction's deadline (seconds) is before the current time.
    case expired(deadline: UInt64, now: UInt64)
    /// The metadata of a joining asset is invalid.
    case invalidMetadata(MetadataError)
    /// The dataset's reward reserve holds less than one join reward; the maker can top it up.
    case rewardReserveExhausted(dataset: DatasetID, reserve: UInt256, needed: UInt256)
    /// The dataset holds its maximum number of assets.
    case datasetFull(DatasetID)
    /// A trade would give less than the caller's minimum.
    case slippage(minimum: UInt256, actual: UInt256)
    /// A trade or task would take more than the caller's maximum.
    case excessiveInput(maximum: UInt256, actual: UInt256)
    /// The pool refused the operation (Uniswap V2's reason).
    case pool(AMMError)
    /// A compute task on a dataset that nobody has joined yet: there is nobody to pay.
    case noOwners(DatasetID)
    /// A task's complexity is out of range.
    case invalidComplexity(ComplexityProblem)
    /// A task's purpose is empty, too long or holds a control character.
    case invalidPurpose
    /// No paid task has this id.
    case unknownTask(UInt64)
    /// The task's data was already opened once.
    case taskAlreadyExecuted(UInt64)
    /// Only the market's compute-node operator may do this.
    case notComputeOperator(AccountID)
    /// The compute node's key is not the key the market seals URLs to.
    case wrongComputeKey
    /// The owner has no rewards to claim in this dataset.
    case nothingToClaim
    /// A computed amount does not fit 256 bits (or a pool's 112-bit reserve).
    case arithmeticOverflow
    /// The dataset has no asset with this index.
    case unknownAsset(dataset: DatasetID, asset: Int)
    /// A sealed asset and salt do not open the commitment stored for the asset.
    case commitmentMismatch(dataset: DatasetID, asset: Int)
    /// The asset is not pending (the compute node verifies each asset once).
    case assetNotPending(dataset: DatasetID, asset: Int)
    /// The asset is not waiting for validators' scores.
    case assetNotInReview(dataset: DatasetID, asset: Int)
    /// The asset was already rejected or withdrawn.
    case assetClosed(dataset: DatasetID, asset: Int)
    /// Only the asset's owner may do this.
    case notAssetOwner(dataset: DatasetID, asset: Int, account: AccountID)
    /// An attested record count is outside 1...``AssetMetadata/maxRecords``.
    case invalidRecordCount(UInt64)
    /// The compute node may not use this rejection reason (``AssetRejection/lowQuality`` is the validators').
    case rejectionReasonReserved(AssetRejection)
    /// The task was cancelled.
    case taskCancelled(UInt64)
    /// The task's deadline has passed: the node can no longer execute it.
    case taskExpired(task: UInt64, deadline: UInt64, now: UInt64)
    /// The task's deadline has not passed yet: it cannot be cancelled.
    case taskNotExpired(task: UInt64, deadline: UInt64, now: UInt64)
    /// Only the consumer who paid for the task may cancel it.
    case notTaskConsumer(task: UInt64, account: AccountID)
    /// The failed-asset list of an execution is not an ascending list of the dataset's verified assets.
    case invalidFailedAssets(task: UInt64)
    /// The dataset has no review terms: it has no validators.
    case reviewsNotEnabled(DatasetID)
    /// A score is above 10,000 basis points.
    case scoreOutOfRange(UInt16)
    /// The validator already scored this asset.
    case alreadyReviewed(dataset: DatasetID, asset: Int, validator: AccountID)
    /// An owner may not score its own asset.
    case ownerCannotReview(dataset: DatasetID, asset: Int)
    /// The validator's stake in the dataset is below the minimum to score.
    case stakeBelowMinimum(dataset: DatasetID, needed: UInt256, staked: UInt256)
    /// The validator asked to unstake more than it staked.
    case insufficientStake(dataset: DatasetID, staked: UInt256, requested: UInt256)
    /// The validator has unsettled reviews: its stake is locked until they settle.
    case stakeLocked(dataset: DatasetID, openReviews: Int)
    /// A federated task order's job is malformed or cannot run on the dataset.
    case invalidFederatedJob(FederatedTaskProblem)
    /// The operation is for central tasks, and this task runs federated: its assets are never opened.
    case taskIsFederated(UInt64)
    /// The operation is for federated tasks, and this task runs centrally.
    case taskNotFederated(UInt64)
    /// The contributors of a federated result are not an ascending list of the dataset's verified assets.
    case invalidContributors(task: UInt64)
    /// A federated result has fewer contributors than its job's threshold: no aggregate may be released.
    case tooFewContributors(task: UInt64, contributors: Int, threshold: Int)
    /// A federated result's digest is not 64 lowercase hex digits.
    case invalidResultDigest(task: UInt64)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .invalidAccount(let id): "invalid account id \"\(id)\" (1-64 characters of A-Z a-z 0-9 _ . -)"
        case .invalidSymbol(let symbol): "invalid symbol \"\(symbol)\" (2-12 characters of A-Z 0-9, starting with a letter)"
        case .invalidGenesis(let problem): "invalid genesis: \(problem)"
        case .invalidTerms(let problem): "invalid dataset terms: \(problem)"
        case .unknownToken(let token): "unknown token \(token)"
        case .unknownDataset(let dataset): "unknown dataset \(dataset)"
        case .symbolTaken(let symbol): "symbol \(symbol) is already in use"
        case .zeroAmount: "amount must be positive"
        case .insufficientBalance(let token, let account, let needed, let available):
            "\(account) holds \(available) raw \(token), needs \(needed)"
        case .expired(let deadline, let now): "deadline \(deadline) is before now (\(now))"
        case .invalidMetadata(let error): "invalid metadata: \(error)"
        case .rewardReserveExhausted(let dataset, let reserve, let needed):
            "reward reserve of \(dataset) holds \(reserve) raw, a join needs \(needed)"
        case .datasetFull(let dataset): "dataset \(dataset) holds its maximum number of assets"
        case .slippage(let minimum, let actual): "output \(actual) below the minimum \(minimum)"
        case .excessiveInput(let maximum, let actual): "input \(actual) above the maximum \(maximum)"
        case .pool(let error): "pool: \(error)"
        case .noOwners(let dataset): "dataset \(dataset) has no owners to pay"
        case .invalidComplexity(let problem): "invalid task complexity: \(problem)"
        case .invalidPurpose: "purpose must be 1-200 bytes without control characters"
        case .unknownTask(let id): "no paid task \(id)"
        case .taskAlreadyExecuted(let id): "task \(id) was already executed"
        case .notComputeOperator(let account): "\(account) is not the compute-node operator"
        case .wrongComputeKey: "the compute node's key is not the market's sealing key"
        case .nothingToClaim: "nothing to claim"
        case .arithmeticOverflow: "amount out of range"
        case .unknownAsset(let dataset, let asset): "dataset \(dataset) has no asset \(asset)"
        case .commitmentMismatch(let dataset, let asset): "sealed asset does not open the commitment of \(dataset)/\(asset)"
        case .assetNotPending(let dataset, let asset): "asset \(dataset)/\(asset) is not pending verification"
        case .assetNotInReview(let dataset, let asset): "asset \(dataset)/\(asset) is not in review"
        case .assetClosed(let dataset, let asset): "asset \(dataset)/\(asset) was rejected or withdrawn"
        case .notAssetOwner(let dataset, let asset, let account): "\(account) does not own asset \(dataset)/\(asset)"
        case .invalidRecordCount(let records): "attested record count \(records) outside 1...\(AssetMetadata.maxRecords)"
        case .rejectionReasonReserved(let reason): "the compute node cannot reject for \(reason.rawValue)"
        case .taskCancelled(let id): "task \(id) was cancelled"
        case .taskExpired(let id, let deadline, let now): "task \(id) expired at \(deadline) (now \(now))"
        case .taskNotExpired(let id, let deadline, let now): "task \(id) runs until \(deadline) (now \(now))"
        case .notTaskConsumer(let id, let account): "\(account) did not pay for task \(id)"
        case .invalidFailedAssets(let id): "failed assets of task \(id) must be ascending verified assets"
        case .reviewsNotEnabled(let dataset): "dataset \(dataset) has no review terms"
        case .scoreOutOfRange(let score): "score \(score) above 10000 basis points"
        case .alreadyReviewed(let dataset, let asset, let validator): "\(validator) already scored \(dataset)/\(asset)"
        case .ownerCannotReview(let dataset, let asset): "the owner of \(dataset)/\(asset) cannot score it"
        case .stakeBelowMinimum(let dataset, let needed, let staked): "stake \(staked) in \(dataset) below the minimum \(needed)"
        case .insufficientStake(let dataset, let staked, let requested): "stake \(staked) in \(dataset) is less than \(requested)"
        case .stakeLocked(let dataset, let open): "stake in \(dataset) is locked by \(open) unsettled review(s)"
        case .invalidFederatedJob(let problem): "invalid federated job: \(problem)"
        case .taskIsFederated(let id): "task \(id) runs federated: its assets are never opened"
        case .taskNotFederated(let id): "task \(id) runs centrally, not federated"
        case .invalidContributors(let id): "contributors of task \(id) must be ascending verified assets"
        case .tooFewContributors(let id, let count, let threshold):
            "task \(id) has \(count) contributor(s), fewer than its threshold \(threshold)"
        case .invalidResultDigest(let id): "result digest of task \(id) must be 64 lowercase hex digits"
        }
    }
}

/// What is inconsistent in a genesis configuration or a market snapshot.
public enum GenesisProblem: Hashable, Sendable, CustomStringConvertible {
    /// The total supply is not in 1...2^112 − 1 raw units.
    case totalSupply
    /// The compute key is not 32 bytes.
    case computeKey
    /// The allocations add up to more than the total supply.
    case allocationsExceedSupply
    /// The snapshot's version is not one this build reads.
    case snapshotVersion
    /// A dataset appears twice in the snapshot.
    case duplicateDataset
    /// A task names an unknown dataset or an amount out of range.
    case taskReference
    /// A balance names a dataset slot that does not exist.
    case datasetSlot
    /// An access position is out of range.
    case accessPosition
    /// A stake names an unknown dataset.
    case stakeReference
    /// A sealed asset names an asset that does not exist.
    case sealedAssetReference
    /// A federated task names a task that does not exist, or its outcome names assets that do not.
    case federatedTaskReference
    /// The bytes are not a market snapshot.
    case notASnapshot

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .totalSupply: "total supply must be in 1...2^112-1 raw units"
        case .computeKey: "compute key must be 32 bytes"
        case .allocationsExceedSupply: "allocations exceed the total supply"
        case .snapshotVersion: "unknown snapshot version"
        case .duplicateDataset: "duplicate dataset in snapshot"
        case .taskReference: "task references an unknown dataset or a too large amount"
        case .datasetSlot: "unknown dataset slot"
        case .accessPosition: "access position out of range"
        case .stakeReference: "stake in an unknown dataset"
        case .sealedAssetReference: "sealed asset of an unknown asset"
        case .federatedTaskReference: "federated job of an unknown task or asset"
        case .notASnapshot: "not a market snapshot"
        }
    }
}

/// What is inconsistent in a dataset's terms.
public enum TermsProblem: Hashable, Sendable, CustomStringConvertible {
    /// The title is not 1-200 bytes without control characters.
    case title
    /// The requirements are not 1-5000 bytes.
    case requirements
    /// The usage scenarios are not 1-16 entries of 1-200 bytes.
    case usageScenarios
    /// The description is over 5000 bytes or holds a control character.
    case description
    /// More than 32 keywords, or one not of 1-64 bytes.
    case keywords
    /// The licence is not 1-500 bytes without control characters.
    case licence
    /// The review terms are inconsistent.
    case review(ReviewTermsProblem)
    /// The data token supply exceeds 2^112 − 1.
    case dataTokenSupply
    /// A pool deposit is zero.
    case poolDeposits
    /// The pool deposit plus the reward reserve exceed the data token supply.
    case depositsExceedSupply
    /// The price per compute unit is zero.
    case computePrice

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .title: "title must be 1-200 bytes without control characters"
        case .requirements: "requirements must be 1-5000 bytes"
        case .usageScenarios: "usage scenarios must be 1-16 entries of 1-200 bytes"
        case .description: "description must be at most 5000 bytes without control characters"
        case .keywords: "keywords must be at most 32 entries of 1-64 bytes"
        case .licence: "licence must be 1-500 bytes without control characters"
        case .review(let problem): "\(problem)"
        case .dataTokenSupply: "data token supply exceeds 2^112-1"
        case .poolDeposits: "pool deposits must be positive"
        case .depositsExceedSupply: "pool deposit plus reward reserve exceed the data token supply"
        case .computePrice: "price per compute unit must be positive"
        }
    }
}

/// What is inconsistent in a dataset's review terms.
public enum ReviewTermsProblem: Hashable, Sendable, CustomStringConvertible {
    /// The threshold, tolerance or slash is above 10,000 basis points.
    case basisPoints
    /// The reviews required are not 1...`ReviewTerms.maxReviews`.
    case reviewsRequired
    /// The minimum validator stake is zero.
    case minimumStake
    /// The review fee or minimum stake is 2^112 or more.
    case amounts

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .basisPoints: "review threshold, tolerance and slash must be 0...10000 basis points"
        case .reviewsRequired: "reviews required must be 1...\(ReviewTerms.maxReviews)"
        case .minimumStake: "minimum validator stake must be positive"
        case .amounts: "review fee and minimum stake must be below 2^112"
        }
    }
}

/// What is out of range in a task's complexity.
public enum ComplexityProblem: Hashable, Sendable, CustomStringConvertible {
    /// Rows are not in 1...the dataset's verified records.
    case rows(verifiedRecords: UInt64)
    /// Operations per row are not in 1...`TaskComplexity.maxOperationsPerRow`.
    case operationsPerRow

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .rows(let records): "rows must be in 1...\(records) (the dataset's verified records)"
        case .operationsPerRow: "operations per row must be in 1...\(TaskComplexity.maxOperationsPerRow)"
        }
    }
}
