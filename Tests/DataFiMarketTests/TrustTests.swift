import DataFiBigNum
@testable import DataFiMarket
import PropertyBased
import Testing

/// Verification, refunds, cancellation, withdrawal, staking and slashing, path by path.
@Suite struct TrustTests {
    static let review = ReviewTerms(threshold: 6_000, reviewsRequired: 3, tolerance: 1_000, slashBasisPoints: 1_000,
                                    reviewFee: tokens(2), minimumStake: tokens(100))

    /// HEALTH (no review) plus DATA (three staked reviews settle a contribution), with validators staked.
    static func reviewed() throws -> Market {
        var market = try Fixture.marketWithDataset()
        var terms = Fixture.terms("DATA")
        terms.review = review
        _ = try market.apply(.createDataset(terms), by: "carla", at: 1)
        for (validator, stake) in [("chen", 300 as UInt64), ("omar", 100), ("oksana", 100), ("maya", 100)] {
            _ = try market.apply(.stake(dataset: "DATA", amount: tokens(stake)), by: AccountID(validator), at: 1)
        }
        _ = try market.apply(.fundReviewPool(dataset: "DATA", amount: tokens(3)), by: "carla", at: 1)
        return market
    }

    @Test func joinRewardsArePaidOnVerificationAndReturnedOnRejection() throws {
        var market = try Fixture.marketWithDataset()
        _ = try market.apply(.join(dataset: Fixture.dataset, asset: try Fixture.asset(records: 700)), by: "olu", at: 2)
        _ = try market.apply(.join(dataset: Fixture.dataset, asset: try Fixture.asset("b", records: 900)), by: "omar", at: 2)
        #expect(market.dataset(Fixture.dataset)?.rewardReserve == tokens(28_000))
        #expect(market.dataset(Fixture.dataset)?.rewards.heldJoinRewards == tokens(2_000))
        #expect(market.balance(of: "olu", in: "HEALTH") == .zero && market.position(of: "olu", in: Fixture.dataset) == nil)
        expectBalanced(market)
        // Only the operator verifies; a verdict is checked before anything moves.
        expectRefused(&market, .verifyAsset(dataset: Fixture.dataset, asset: 0, verdict: .accept(records: 700)), by: "olu",
                      .notComputeOperator("olu"))
        expectRefused(&market, .verifyAsset(dataset: Fixture.dataset, asset: 0, verdict: .accept(records: 0)), by: "node",
                      .invalidRecordCount(0))
        expectRefused(&market, .verifyAsset(dataset: Fixture.dataset, asset: 0, verdict: .accept(records: .max)), by: "node",
                      .invalidRecordCount(.max))
        expectRefused(&market, .verifyAsset(dataset: Fixture.dataset, asset: 0, verdict: .reject(reason: .lowQuality)), by: "node",
                      .rejectionReasonReserved(.lowQuality))
        expectRefused(&market, .verifyAsset(dataset: Fixture.dataset, asset: 2, verdict: .accept(records: 1)), by: "node",
                      .unknownAsset(dataset: Fixture.dataset, asset: 2))
        expectRefused(&market, .verifyAsset(dataset: Fixture.dataset, asset: -1, verdict: .accept(records: 1)), by: "node",
                      .unknownAsset(dataset: Fixture.dataset, asset: -1))
        expectRefused(&market, .verifyAsset(dataset: "NOPE", asset: 0, verdict: .accept(records: 1)), by: "node",
                      .unknownDataset("NOPE"))
        let verified = try market.apply(.verifyAsset(dataset: Fixture.dataset, asset: 0, verdict: .accept(records: 650)),
                                        by: "node", at: 3)
        // The node's opening is in the owner's access log, as task 0.
        let opening = AccessRecord(sequence: 0, task: 0, consumer: "node", owner: "olu", dataset: Fixture.dataset, asset: 0,
                                   purpose: Market.verificationPurpose, time: 3, node: "node")
        #expect(verified == [.accessed(opening),
                             .assetVerified(dataset: Fixture.dataset, owner: "olu", asset: 0, records: 650, quality: 10_000,
                                            shares: 650, reward: tokens(1_000))])
        #expect(market.accessLog(forOwner: "olu") == [opening])
        let rejected = try market.apply(.verifyAsset(dataset: Fixture.dataset, asset: 1, verdict: .reject(reason: .requirementsNotMet)),
                                        by: "node", at: 3)
        #expect(rejected.count == 2 && rejected.last == .assetRejected(dataset: Fixture.dataset, owner: "omar", asset: 1,
                                                                        reason: .requirementsNotMet))
        #expect(market.accessLog(forOwner: "omar").map(\.purpose) == [Market.verificationPurpose])
        #expect(market.balance(of: "olu", in: "HEALTH") == tokens(1_000) && market.balance(of: "omar", in: "HEALTH") == .zero)
        #expect(market.dataset(Fixture.dataset)?.rewardReserve == tokens(29_000))
        #expect(market.dataset(Fixture.dataset)?.rewards.heldJoinRewards == .zero)
        // Each asset is verified once.
        expectRefused(&market, .verifyAsset(dataset: Fixture.dataset, asset: 0, verdict: .accept(records: 1)), by: "node",
                      .assetNotPending(dataset: Fixture.dataset, asset: 0))
        expectRefused(&market, .verifyAsset(dataset: Fixture.dataset, asset: 1, verdict: .accept(records: 1)), by: "node",
                      .assetNotPending(dataset: Fixture.dataset, asset: 1))
        expectBalanced(market)
    }

    @Test func anExpiredTaskIsCancelledForAFullRefund() throws {
        var market = try Fixture.marketWithDataset()
        try market.joinVerified(try Fixture.asset(records: 2_000), by: "olu")
        _ = try market.apply(.transfer(token: "HEALTH", to: "chen", amount: tokens(10_000)), by: "maya", at: 2)
        let base = market.balance(of: "chen", in: "ALITA"), data = market.balance(of: "chen", in: "HEALTH")
        _ = try market.apply(.submitTask(Fixture.order(rows: 2_000, deadline: 20)), by: "chen", at: 3)
        let task = try #require(market.task(1))
        #expect(market.balance(of: "chen", in: "ALITA") == base - task.fee)
        // Not before the deadline, and only by the consumer.
        expectRefused(&market, .cancelTask(task: 1), by: "chen", at: 20, .taskNotExpired(task: 1, deadline: 20, now: 20))
        expectRefused(&market, .cancelTask(task: 1), by: "olu", at: 21, .notTaskConsumer(task: 1, account: "olu"))
        expectRefused(&market, .cancelTask(task: 2), by: "chen", at: 21, .unknownTask(2))
        // The node can no longer execute it.
        #expect(throws: MarketError.taskExpired(task: 1, deadline: 20, now: 21)) {
            var copy = market
            _ = try Fixture.node().execute(task: 1, in: &copy, at: 21)
        }
        expectRefused(&market, .recordAccess(task: 1, failed: []), by: "node", at: 21, .taskExpired(task: 1, deadline: 20, now: 21))
        let events = try market.apply(.cancelTask(task: 1), by: "chen", at: 21)
        #expect(events == [.taskCancelled(task: 1, dataset: Fixture.dataset, consumer: "chen", fee: task.fee,
                                          dataTokens: task.dataTokens)])
        #expect(market.balance(of: "chen", in: "ALITA") == base && market.balance(of: "chen", in: "HEALTH") == data)
        #expect(market.task(1)?.status == .cancelled)
        #expect(market.pendingRewards(of: "olu", in: Fixture.dataset) == .zero && market.computeFees == .zero)
        expectRefused(&market, .cancelTask(task: 1), by: "chen", at: 22, .taskCancelled(1))
        expectRefused(&market, .recordAccess(task: 1, failed: []), by: "node", at: 22, .taskCancelled(1))
        expectBalanced(market)
    }

    @Test func executionChecksTheFailedList() throws {
        var market = try Fixture.marketWithDataset()
        try market.joinVerified(try Fixture.asset(records: 1_000), by: "olu")
        _ = try market.apply(.join(dataset: Fixture.dataset, asset: try Fixture.asset("p")), by: "omar", at: 2)
        try market.joinVerified(try Fixture.asset("c", records: 1_000), by: "oksana")
        _ = try market.apply(.transfer(token: "HEALTH", to: "chen", amount: tokens(10_000)), by: "maya", at: 2)
        _ = try market.apply(.submitTask(Fixture.order(rows: 10)), by: "chen", at: 3)
        for failed in [[1], [2, 0], [0, 0], [3], [-1], [0, 2, 5]] {
            expectRefused(&market, .recordAccess(task: 1, failed: failed), by: "node", .invalidFailedAssets(task: 1))
        }
        // Everything failed: the whole payment returns to the consumer, the node keeps the fee.
        let task = try #require(market.task(1))
        let events = try market.apply(.recordAccess(task: 1, failed: [0, 2]), by: "node", at: 4)
        #expect(events == [.taskSettled(task: 1, dataset: Fixture.dataset, consumer: "chen", fee: task.fee, paid: .zero,
                                        refunded: task.dataTokens, excluded: [0, 2])])
        #expect(market.accessLog.allSatisfy { $0.task == 0 } && market.computeFees == task.fee)
        expectRefused(&market, .recordAccess(task: 1, failed: []), by: "node", .taskAlreadyExecuted(1))
        expectBalanced(market)
    }

    @Test func aWithdrawnAssetStopsEarningAndKeepsItsRewards() throws {
        var market = try Fixture.marketWithDataset()
        try market.joinVerified(try Fixture.asset(records: 1_000), by: "olu")
        try market.joinVerified(try Fixture.asset("b", records: 1_000, urls: ["https://omar.example/b.csv"]), by: "omar")
        _ = try market.apply(.transfer(token: "HEALTH", to: "chen", amount: tokens(50_000)), by: "maya", at: 2)
        _ = try market.apply(.submitTask(Fixture.order(rows: 2_000)), by: "chen", at: 3)
        let first = try #require(market.task(1)).dataTokens
        _ = try Fixture.node().execute(task: 1, in: &market, at: 4)
        let earned = market.pendingRewards(of: "olu", in: Fixture.dataset)
        #expect(earned > .zero)
        expectRefused(&market, .withdrawAsset(dataset: Fixture.dataset, asset: 0), by: "omar",
                      .notAssetOwner(dataset: Fixture.dataset, asset: 0, account: "omar"))
        let events = try market.apply(.withdrawAsset(dataset: Fixture.dataset, asset: 0), by: "olu", at: 5)
        #expect(events == [.assetWithdrawn(dataset: Fixture.dataset, owner: "olu", asset: 0)])
        expectRefused(&market, .withdrawAsset(dataset: Fixture.dataset, asset: 0), by: "olu",
                      .assetClosed(dataset: Fixture.dataset, asset: 0))
        #expect(market.dataset(Fixture.dataset)?.verifiedRecords == 1_000 && market.dataset(Fixture.dataset)?.totalShares == 1_000)
        // A later task is paid to omar alone and never opens olu's asset.
        _ = try market.apply(.submitTask(Fixture.order(rows: 1_000)), by: "chen", at: 6)
        let second = try #require(market.task(2)).dataTokens
        let (opened, _) = try Fixture.node().execute(task: 2, in: &market, at: 7)
        #expect(opened.map(\.owner) == ["omar"])
        #expect(market.pendingRewards(of: "olu", in: Fixture.dataset) == earned)
        let omar = market.pendingRewards(of: "omar", in: Fixture.dataset)
        #expect(omar <= first / UInt256(2 as UInt64) + second && first / UInt256(2 as UInt64) + second - omar <= UInt256(2 as UInt64))
        _ = try market.apply(.claim(dataset: Fixture.dataset), by: "olu", at: 8)
        #expect(market.balance(of: "olu", in: "HEALTH") == tokens(1_000) + earned)
        // A pending asset's held reward returns to the reserve on withdrawal.
        _ = try market.apply(.join(dataset: Fixture.dataset, asset: try Fixture.asset("late")), by: "olu", at: 9)
        let reserve = try #require(market.dataset(Fixture.dataset)).rewardReserve
        _ = try market.apply(.withdrawAsset(dataset: Fixture.dataset, asset: 2), by: "olu", at: 9)
        #expect(market.dataset(Fixture.dataset)?.rewardReserve == reserve + tokens(1_000))
        expectRefused(&market, .verifyAsset(dataset: Fixture.dataset, asset: 2, verdict: .accept(records: 1)), by: "node",
                      .assetNotPending(dataset: Fixture.dataset, asset: 2))
        expectBalanced(market)
    }

    @Test func validatorsSettleQualityByStakeWeightedMedianAndFarOnesAreSlashed() throws {
        var market = try Self.reviewed()
        _ = try market.apply(.join(dataset: "DATA", asset: try Fixture.asset(records: 2_000)), by: "olu", at: 2)
        // Scores wait for the node's count.
        expectRefused(&market, .reviewAsset(dataset: "DATA", asset: 0, score: 8_000), by: "chen",
                      .assetNotInReview(dataset: "DATA", asset: 0))
        let attested = try market.apply(.verifyAsset(dataset: "DATA", asset: 0, verdict: .accept(records: 2_000)), by: "node", at: 3)
        #expect(attested.last == .assetAttested(dataset: "DATA", asset: 0, records: 2_000) && attested.count == 2)
        expectRefused(&market, .reviewAsset(dataset: "DATA", asset: 0, score: 10_001), by: "chen", .scoreOutOfRange(10_001))
        expectRefused(&market, .reviewAsset(dataset: "DATA", asset: 0, score: 8_000), by: "olu",
                      .ownerCannotReview(dataset: "DATA", asset: 0))
        expectRefused(&market, .reviewAsset(dataset: "DATA", asset: 0, score: 8_000), by: "carla",
                      .stakeBelowMinimum(dataset: "DATA", needed: tokens(100), staked: .zero))
        _ = try market.apply(.reviewAsset(dataset: "DATA", asset: 0, score: 8_000), by: "chen", at: 4)
        expectRefused(&market, .reviewAsset(dataset: "DATA", asset: 0, score: 7_000), by: "chen",
                      .alreadyReviewed(dataset: "DATA", asset: 0, validator: "chen"))
        // A scored review locks the stake.
        expectRefused(&market, .unstake(dataset: "DATA", amount: tokens(1)), by: "chen", .stakeLocked(dataset: "DATA", openReviews: 1))
        _ = try market.apply(.reviewAsset(dataset: "DATA", asset: 0, score: 8_500), by: "omar", at: 4)
        let chenBase = market.balance(of: "chen", in: "ALITA"), omarBase = market.balance(of: "omar", in: "ALITA")
        // Weights 300 (8000), 100 (8500), 100 (2000): the weighted median is 8000; oksana is 6000 away.
        let events = try market.apply(.reviewAsset(dataset: "DATA", asset: 0, score: 2_000), by: "oksana", at: 5)
        #expect(events == [
            .reviewed(dataset: "DATA", asset: 0, validator: "oksana", score: 2_000),
            .reviewSettled(dataset: "DATA", asset: 0, quality: 8_000),
            .validatorRewarded(dataset: "DATA", validator: "chen", amount: tokens(2)),
            .validatorRewarded(dataset: "DATA", validator: "omar", amount: tokens(2)),
            .validatorSlashed(dataset: "DATA", validator: "oksana", amount: tokens(10)),
            .assetVerified(dataset: "DATA", owner: "olu", asset: 0, records: 2_000, quality: 8_000, shares: 1_600,
                           reward: tokens(1_000)),
        ])
        #expect(market.balance(of: "chen", in: "ALITA") == chenBase + tokens(2))
        #expect(market.balance(of: "omar", in: "ALITA") == omarBase + tokens(2))
        #expect(market.stake(of: "oksana", in: "DATA")?.amount == tokens(90))
        // The pool held 3, gained 10 from the slash and paid 2 × 2.
        #expect(market.dataset("DATA")?.validation.reviewPool == tokens(9))
        #expect(market.position(of: "olu", in: "DATA")?.shares == 1_600)
        // Locks are released: stakes can leave.
        _ = try market.apply(.unstake(dataset: "DATA", amount: tokens(300)), by: "chen", at: 6)
        #expect(market.stake(of: "chen", in: "DATA") == nil)
        expectRefused(&market, .unstake(dataset: "DATA", amount: tokens(91)), by: "oksana",
                      .insufficientStake(dataset: "DATA", staked: tokens(90), requested: tokens(91)))
        expectBalanced(market)
    }

    @Test func aContributionBelowTheThresholdIsRejected() throws {
        var market = try Self.reviewed()
        _ = try market.apply(.join(dataset: "DATA", asset: try Fixture.asset(records: 2_000)), by: "olu", at: 2)
        _ = try market.apply(.verifyAsset(dataset: "DATA", asset: 0, verdict: .accept(records: 2_000)), by: "node", at: 3)
        for (validator, score) in [("omar", 3_000 as UInt16), ("oksana", 3_500)] {
            _ = try market.apply(.reviewAsset(dataset: "DATA", asset: 0, score: score), by: AccountID(validator), at: 4)
        }
        let events = try market.apply(.reviewAsset(dataset: "DATA", asset: 0, score: 9_000), by: "maya", at: 5)
        #expect(events.contains(.reviewSettled(dataset: "DATA", asset: 0, quality: 3_500)))
        #expect(events.contains(.validatorSlashed(dataset: "DATA", validator: "maya", amount: tokens(10))))
        #expect(events.last == .assetRejected(dataset: "DATA", owner: "olu", asset: 0, reason: .lowQuality))
        #expect(market.balance(of: "olu", in: "DATA") == .zero && market.dataset("DATA")?.totalShares == 0)
        #expect(market.asset(0, in: "DATA")?.reviews.count == 3)
        for validator in ["omar", "oksana", "maya"] as [AccountID] { #expect(market.stake(of: validator, in: "DATA")?.openReviews == 0) }
        expectBalanced(market)
    }

    @Test func withdrawingAnAssetInReviewReleasesItsReviewers() throws {
        var market = try Self.reviewed()
        _ = try market.apply(.join(dataset: "DATA", asset: try Fixture.asset(records: 2_000)), by: "olu", at: 2)
        _ = try market.apply(.verifyAsset(dataset: "DATA", asset: 0, verdict: .accept(records: 2_000)), by: "node", at: 3)
        _ = try market.apply(.reviewAsset(dataset: "DATA", asset: 0, score: 7_000), by: "omar", at: 4)
        _ = try market.apply(.withdrawAsset(dataset: "DATA", asset: 0), by: "olu", at: 5)
        #expect(market.stake(of: "omar", in: "DATA")?.openReviews == 0)
        _ = try market.apply(.unstake(dataset: "DATA", amount: tokens(100)), by: "omar", at: 6)
        expectRefused(&market, .reviewAsset(dataset: "DATA", asset: 0, score: 7_000), by: "chen",
                      .assetNotInReview(dataset: "DATA", asset: 0))
        expectBalanced(market)
    }

    @Test func stakingNeedsReviewTermsAndFunds() throws {
        var market = try Self.reviewed()
        expectRefused(&market, .stake(dataset: Fixture.dataset, amount: tokens(1)), by: "chen", .reviewsNotEnabled(Fixture.dataset))
        expectRefused(&market, .fundReviewPool(dataset: Fixture.dataset, amount: tokens(1)), by: "chen",
                      .reviewsNotEnabled(Fixture.dataset))
        expectRefused(&market, .stake(dataset: "DATA", amount: .zero), by: "chen", .zeroAmount)
        expectRefused(&market, .stake(dataset: "DATA", amount: tokens(1_000_000)), by: "chen",
                      .insufficientBalance(token: "ALITA", account: "chen", needed: tokens(1_000_000),
                                           available: market.balance(of: "chen", in: "ALITA")))
        expectRefused(&market, .unstake(dataset: "DATA", amount: tokens(1)), by: "carla",
                      .insufficientStake(dataset: "DATA", staked: .zero, requested: tokens(1)))
        expectRefused(&market, .reviewAsset(dataset: "NOPE", asset: 0, score: 1), by: "chen", .unknownDataset("NOPE"))
        expectRefused(&market, .reviewAsset(dataset: "DATA", asset: 9, score: 1), by: "chen", .unknownAsset(dataset: "DATA", asset: 9))
        var bad = Fixture.terms("BAD")
        bad.review = ReviewTerms(threshold: 10_001, reviewsRequired: 1, tolerance: 0, slashBasisPoints: 0, reviewFee: .zero,
                                 minimumStake: .one)
        expectRefused(&market, .createDataset(bad), by: "maya",
                      .invalidTerms(.review(.basisPoints)))
        bad.review = ReviewTerms(threshold: 1, reviewsRequired: 33, tolerance: 0, slashBasisPoints: 0, reviewFee: .zero,
                                 minimumStake: .one)
        expectRefused(&market, .createDataset(bad), by: "maya", .invalidTerms(.review(.reviewsRequired)))
        bad.review = ReviewTerms(threshold: 1, reviewsRequired: 1, tolerance: 0, slashBasisPoints: 0, reviewFee: .zero,
                                 minimumStake: .zero)
        expectRefused(&market, .createDataset(bad), by: "maya", .invalidTerms(.review(.minimumStake)))
        bad.review = nil
        bad.keywords = Array(repeating: "k", count: 33)
        expectRefused(&market, .createDataset(bad), by: "maya", .invalidTerms(.keywords))
        bad.keywords = nil
        bad.license = ""
        expectRefused(&market, .createDataset(bad), by: "maya", .invalidTerms(.licence))
        bad.license = nil
        bad.description = String(repeating: "d", count: 5_001)
        expectRefused(&market, .createDataset(bad), by: "maya",
                      .invalidTerms(.description))
    }

    // MARK: The median and the settlement against slow obvious versions

    /// The lower weighted median by expansion: every review repeated `weight` times, the element at
    /// position ceil(total / 2) − 1 of the sorted list.
    static func expandedMedian(_ reviews: [(score: UInt16, weight: Int)]) -> UInt16 {
        let expanded = reviews.flatMap { Array(repeating: $0.score, count: $0.weight) }.sorted()
        return expanded[(expanded.count + 1) / 2 - 1]
    }

    @Test func weightedMedianEqualsTheExpandedMedian() async {
        await propertyCheck(count: 300, input: Gen.uint16(in: 0...10_000).array(of: 1...9), Gen.int(in: 1...20).array(of: 9...9)) {
            scores, weights in
            let pairs = scores.enumerated().map { (score: $1, weight: weights[$0]) }
            let reviews = pairs.enumerated().map { Review(validator: AccountID("v\($0)"), score: $1.score, weight: UInt256(UInt64($1.weight))) }
            #expect(ReviewSettlement.weightedMedian(reviews) == Self.expandedMedian(pairs))
        }
    }

    @Test func settlementConservesThePoolAndStakes() async {
        await propertyCheck(count: 300, input: Gen.uint16(in: 0...10_000).array(of: 1...8), Gen.uint64(in: 1...1_000_000).array(of: 8...8),
                            Gen.uint16(in: 0...10_000), Gen.uint64(in: 0...5_000)) { scores, stakes, tolerance, pool in
            let terms = ReviewTerms(threshold: 5_000, reviewsRequired: scores.count, tolerance: tolerance,
                                    slashBasisPoints: 2_500, reviewFee: UInt256(700 as UInt64), minimumStake: .one)
            let reviews = scores.enumerated().map { Review(validator: AccountID("v\($0)"), score: $1, weight: UInt256(stakes[$0])) }
            let current = stakes.prefix(scores.count).map { UInt256($0) }
            let s = ReviewSettlement(reviews: reviews, stakes: current, terms: terms, pool: UInt256(pool))
            let slashed = s.slashed.reduce(UInt256.zero, +), paid = s.paid.reduce(UInt256.zero, +)
            #expect(UInt256(pool) + slashed == s.poolAfter + paid)
            for (i, review) in reviews.enumerated() {
                let distance = review.score > s.quality ? review.score - s.quality : s.quality - review.score
                if distance > tolerance {
                    #expect(s.slashed[i] == current[i] * UInt256(2_500 as UInt64) / UInt256(10_000 as UInt64) && s.paid[i] == .zero)
                } else {
                    #expect(s.slashed[i] == .zero && s.paid[i] <= terms.reviewFee)
                }
            }
        }
    }

    @Test func slashShareEqualsTheFullWidthDivisionAndHugeInputsDoNotTrap() async throws {
        await propertyCheck(count: 300, input: Gen.uint64().array(of: 4...4), Gen.uint16(in: 0...10_000)) { limbs, bp in
            let amount = UInt256(littleEndianLimbs: (limbs[0], limbs[1], limbs[2], limbs[3]))
            let exact = try UInt256.mulDiv(amount, UInt256(UInt64(bp)), UInt256(10_000 as UInt64))
            #expect(ReviewSettlement.share(of: amount, basisPoints: bp) == exact)
        }
        let huge = ReviewTerms(threshold: 0, reviewsRequired: 2, tolerance: 0, slashBasisPoints: 65_535, reviewFee: .max,
                               minimumStake: .one)
        let reviews = [Review(validator: "a", score: 0, weight: .max), Review(validator: "b", score: 10_000, weight: .max)]
        let s = ReviewSettlement(reviews: reviews, stakes: [.max, .max], terms: huge, pool: .max)
        #expect(s.quality == 0 && s.slashed == [.zero, .max] && s.paid == [.max, .zero] && s.poolAfter == .zero)
    }

    // MARK: Speed devices

    @Test func prefaultKeepsContentsAndAdvisesWholePages() {
        var chunk: [UInt64] = []
        chunk.reserveCapacity(4 * 4096)
        chunk.append(contentsOf: [1, 2, 3])
        let advised = ChunkPrefault.populate(&chunk)
        #expect(chunk == [1, 2, 3] && chunk.capacity >= 4 * 4096)
        #expect(advised % 4096 == 0 && advised <= chunk.capacity * 8)
        var empty: [UInt64] = []
        #expect(ChunkPrefault.populate(&empty) == 0)
    }

    @Test func taskStoreAppendsAndReadsAcrossChunks() {
        var store = TaskStore()
        let count = TaskStore.chunkSize + 5
        for i in 0..<count {
            let id = store.append(TaskRecord(consumer: "chen", purpose: "p\(i)", rows: UInt64(i + 1), submittedAt: UInt64(i),
                                             deadline: UInt64(i + 10), dataTokens: Amount128(UInt256(UInt64(i))), datasetSlot: 0,
                                             operationsPerRow: 1, status: .paid))
            #expect(id == UInt64(i + 1))
        }
        let copy = store
        store.setStatus(.cancelled, of: UInt64(TaskStore.chunkSize + 1))
        #expect(store[UInt64(TaskStore.chunkSize + 1)]?.status == .cancelled)
        #expect(copy[UInt64(TaskStore.chunkSize + 1)]?.status == .paid)
        #expect(store[0] == nil && store[UInt64(count + 1)] == nil && store[.max] == nil)
        #expect(store[UInt64(count)]?.purpose == "p\(count - 1)" && store[UInt64(count)]?.dataTokens.value == UInt256(UInt64(count - 1)))
    }

    @Test func recomputedFeeEqualsTheSubmittedFee() async {
        await propertyCheck(count: 300, input: Gen.uint64(in: 1...1_000_000_000), Gen.uint64(in: 1...1_000_000),
                            Gen.uint64(), Gen.uint64()) { rows, ops, price, minimum in
            let complexity = TaskComplexity(rows: rows, operationsPerRow: ops)
            for pricing in [PricingRule.perUnit(price: UInt256(price)),
                            .perUnitWithMinimum(price: UInt256(price), minimum: UInt256(minimum))] {
                guard let fee = try? pricing.fee(for: complexity) else { continue }
                let record = TaskRecord(consumer: "c", purpose: "p", rows: rows, submittedAt: 0, deadline: 0,
                                        dataTokens: Amount128(.zero), datasetSlot: 0, operationsPerRow: UInt32(ops), status: .paid)
                #expect(record.fee(under: pricing) == fee)
            }
        }
    }

    @Test func printableTextRule() {
        #expect(PrintableText.isValid("average age", limit: 200))
        #expect(!PrintableText.isValid("", limit: 200))
        #expect(!PrintableText.isValid(String(repeating: "a", count: 201), limit: 200))
        #expect(PrintableText.isValid("Ünïcode purpose", limit: 200))
        #expect(!PrintableText.isValid("tab\there", limit: 200))
        #expect(!PrintableText.isValid("bell\u{7}", limit: 200))
        #expect(!PrintableText.isValid("del\u{7F}xxxxxxxx", limit: 200))
    }
}
