import DataFiAMM
import DataFiBigNum

/// Why an asset was rejected. Stable codes: they appear in events and in the ledger's JSON.
public enum AssetRejection: String, Codable, Hashable, Sendable {
    /// A sealed URL did not open, or its file could not be read (compute node).
    case unreadable
    /// The data does not meet the dataset's requirements (compute node).
    case requirementsNotMet
    /// The validators' stake-weighted median quality is below the dataset's threshold.
    case lowQuality
}

/// The compute node's finding about a pending asset, after it opened the asset and counted its records.
public enum AssetVerdict: Codable, Hashable, Sendable {
    /// The asset opened and meets the requirements; `records` (1...``AssetMetadata/maxRecords``) is the count
    /// the node attests, which replaces the owner's declaration.
    case accept(records: UInt64)
    /// The asset is refused for `reason` (``AssetRejection/unreadable`` or
    /// ``AssetRejection/requirementsNotMet``; ``AssetRejection/lowQuality`` is the validators' finding).
    /// JSON: `{"accept":{"records":N}}` or `{"reject":{"reason":"unreadable"}}`.
    case reject(reason: AssetRejection)
}

/// Where an asset is in its life.
public enum AssetStatus: Codable, Hashable, Sendable {
    /// Joined; waiting for the compute node to open and count it. Takes no part in tasks.
    case pending
    /// The node attested `records`; waiting for the dataset's validators to score it.
    case inReview(records: UInt64)
    /// Accepted: `records` attested, `quality` in basis points (10,000 when the dataset has no review).
    /// Only verified assets take part in tasks.
    case verified(records: UInt64, quality: UInt16)
    /// Refused for a reason; never opened for a task.
    case rejected(reason: AssetRejection)
    /// Taken back by its owner; never opened again. Rewards it earned stay claimable.
    case withdrawn
}

/// How a dataset's validators review contributions (seed 002's proof of contribution). Qualities and
/// distances are basis points (0...10,000); amounts are raw units of the base token.
///
/// When an asset collects `reviewsRequired` scores, its quality is the stake-weighted median of the scores
/// (``ReviewSettlement``). A reviewer whose score is more than `tolerance` from that median loses
/// `slashBasisPoints / 10,000` of its stake in the dataset to the review pool; each reviewer within
/// `tolerance` earns `reviewFee` from the pool (or an equal share of what the pool holds, when it holds
/// less). Below `threshold` the asset is rejected; otherwise it is verified and its quality weights its
/// owner's shares.
public struct ReviewTerms: Codable, Hashable, Sendable {
    /// Lowest quality (basis points) an accepted contribution may have.
    public var threshold: UInt16
    /// Scores that settle a review (1...``ReviewTerms/maxReviews``).
    public var reviewsRequired: Int
    /// Largest distance (basis points) from the median that counts as agreeing with it.
    public var tolerance: UInt16
    /// Share of a disagreeing reviewer's stake that is slashed (basis points).
    public var slashBasisPoints: UInt16
    /// Base token paid to each agreeing reviewer from the review pool (raw units).
    public var reviewFee: UInt256
    /// Least stake (raw units of base token, positive) a validator needs in the dataset to score.
    public var minimumStake: UInt256

    /// Most scores a review may require.
    public static let maxReviews = 32

    /// Creates review terms.
    public init(threshold: UInt16, reviewsRequired: Int, tolerance: UInt16, slashBasisPoints: UInt16,
                reviewFee: UInt256, minimumStake: UInt256) {
        self.threshold = threshold
        self.reviewsRequired = reviewsRequired
        self.tolerance = tolerance
        self.slashBasisPoints = slashBasisPoints
        self.reviewFee = reviewFee
        self.minimumStake = minimumStake
    }

    /// Why the terms are inconsistent, or `nil` when they are valid.
    var problem: ReviewTermsProblem? {
        if threshold > 10_000 || tolerance > 10_000 || slashBasisPoints > 10_000 { return .basisPoints }
        if !(1...Self.maxReviews).contains(reviewsRequired) { return .reviewsRequired }
        if minimumStake.isZero { return .minimumStake }
        if minimumStake > Pair.maxReserve || reviewFee > Pair.maxReserve { return .amounts }
        return nil
    }
}

/// One validator's score of a contribution.
public struct Review: Codable, Hashable, Sendable {
    /// The validator.
    public let validator: AccountID
    /// Quality in basis points (0...10,000).
    public let score: UInt16
    /// The validator's stake in the dataset when it scored: its weight in the median.
    public let weight: UInt256

    /// Creates a review.
    public init(validator: AccountID, score: UInt16, weight: UInt256) {
        self.validator = validator
        self.score = score
        self.weight = weight
    }
}

/// A validator's stake in one dataset.
public struct ValidatorStake: Hashable, Sendable {
    /// Base token staked (raw units).
    public internal(set) var amount: UInt256 = .zero
    /// Reviews scored and not yet settled: while positive the stake cannot be withdrawn.
    public internal(set) var openReviews: Int = 0
}

/// The settlement of one review: the stake-weighted median and what each reviewer loses or earns.
public struct ReviewSettlement: Hashable, Sendable {
    /// The contribution's quality: the stake-weighted (lower) median of the scores, in basis points.
    public let quality: UInt16
    /// Per reviewer, in review order: stake slashed to the review pool (zero for agreeing reviewers).
    public let slashed: [UInt256]
    /// Per reviewer, in review order: base token paid from the review pool (zero for disagreeing reviewers).
    public let paid: [UInt256]
    /// The review pool afterwards.
    public let poolAfter: UInt256

    /// The stake-weighted lower median of `reviews`: scores ordered ascending (ties by validator), the first
    /// score at which the cumulative weight reaches half the total weight (`2 · cumulative ≥ total`).
    /// Returns 0 for no reviews.
    public static func weightedMedian(_ reviews: [Review]) -> UInt16 {
        let ordered = reviews.sorted { ($0.score, $0.validator) < ($1.score, $1.validator) }
        var total = UInt256.zero
        for review in ordered { total = saturatingSum(total, review.weight) }
        var cumulative = UInt256.zero
        for review in ordered {
            cumulative = saturatingSum(cumulative, review.weight)
            // 2 · cumulative ≥ total, written without doubling. In the market weights are stakes below 2^112,
            // at most 32 of them, so the sums are exact.
            if cumulative >= total - cumulative { return review.score }
        }
        return ordered.last?.score ?? 0
    }

    /// Settles `reviews` under `terms`: `stakes[i]` is reviewer i's stake now, `pool` the review pool now.
    ///
    /// Disagreeing reviewers (more than `terms.tolerance` from the median) lose
    /// `floor(stake · slashBasisPoints / 10,000)`, added to the pool first; then each agreeing reviewer is paid
    /// `min(reviewFee, floor(pool / agreeing))` from the pool.
    public init(reviews: [Review], stakes: [UInt256], terms: ReviewTerms, pool: UInt256) {
        precondition(reviews.count == stakes.count, "one stake per review")
        let median = Self.weightedMedian(reviews)
        var slashed: [UInt256] = [], agrees: [Bool] = [], agreeing = 0
        var pool = pool
        for (review, stake) in zip(reviews, stakes) {
            let distance = review.score > median ? review.score - median : median - review.score
            agrees.append(distance <= terms.tolerance)
            if distance > terms.tolerance {
                let cut = Self.share(of: stake, basisPoints: Swift.min(terms.slashBasisPoints, 10_000))
                slashed.append(cut)
                pool = Self.saturatingSum(pool, cut)
            } else {
                slashed.append(.zero)
                agreeing += 1
            }
        }
        let each = agreeing == 0 ? UInt256.zero : Swift.min(terms.reviewFee, pool / UInt256(UInt64(agreeing)))
        let paid = agrees.map { $0 ? each : UInt256.zero }
        self.quality = median
        self.slashed = slashed
        self.paid = paid
        self.poolAfter = pool - each * UInt256(UInt64(agreeing))
    }

    /// `floor(amount · basisPoints / 10,000)` for basis points ≤ 10,000, without an intermediate overflow:
    /// with amount = q · 10,000 + r it is q · basisPoints + floor(r · basisPoints / 10,000).
    static func share(of amount: UInt256, basisPoints: UInt16) -> UInt256 {
        let scale = UInt256(10_000 as UInt64), bp = UInt256(UInt64(basisPoints))
        let (q, r) = amount.quotientAndRemainder(dividingBy: scale)
        return q * bp + r * bp / scale
    }

    /// `a + b`, or 2^256 − 1 when that overflows.
    static func saturatingSum(_ a: UInt256, _ b: UInt256) -> UInt256 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }
}
