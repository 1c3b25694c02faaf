import DataFiBigNum
import DataFiMarket
import DataFiSecAgg
import DataFiSodium
import Foundation
import Testing

/// The secure-aggregation query of a market job (the numbers of a submitted job are well formed).
func analyticsQuery(_ query: FederatedTaskQuery) throws -> AnalyticsQuery {
    func number(_ text: TaskDecimal) throws -> Double { try #require(text.value) }
    switch query {
    case .count: return .count
    case .sum(_, let lower, let upper): return .sum(lower: try number(lower), upper: try number(upper))
    case .mean(_, let lower, let upper): return .mean(lower: try number(lower), upper: try number(upper))
    case .histogram(_, let lower, let upper, let bins):
        return .histogram(lower: try number(lower), upper: try number(upper), bins: bins)
    case .quantile(_, let q, let lower, let upper, let bins):
        return .quantile(try number(q), lower: try number(lower), upper: try number(upper), bins: bins)
    }
}

@Suite struct FederatedTaskTests {
    static let owners: [AccountID] = ["olu", "oksana", "omar", "chen"]
    /// Each owner's local records (ages); they never reach the market or the consumer.
    static let records: [[Double]] = [[34, 51, 29], [62, 45], [38, 41, 57, 23], [70]]
    static let meanAge = FederatedTaskJob(query: .mean(column: "age", lower: "0", upper: "120"), threshold: 3)

    /// HEALTH with four verified assets (one per owner, 1,000…4,000 records), and carla holding data tokens.
    static func market() throws -> Market {
        var market = try Fixture.marketWithDataset()
        for (i, owner) in owners.enumerated() {
            try market.joinVerified(
                try Fixture.asset(
                    "part \(i)", records: UInt64(1_000 * (i + 1)),
                    urls: ["https://o\(i).example/d.csv"]), by: owner)
        }
        _ = try market.apply(.transfer(token: "HEALTH", to: "carla", amount: tokens(20_000)), by: "maya", at: 3)
        return market
    }

    static func order(_ job: FederatedTaskJob? = meanAge, deadline: UInt64 = 100) -> TaskOrder {
        var order = Fixture.order(rows: 500, ops: 4, purpose: "mean age", deadline: deadline)
        order.federated = job
        return order
    }

    static func submit(_ market: inout Market, _ job: FederatedTaskJob? = meanAge, deadline: UInt64 = 100) throws
        -> UInt64
    {
        _ = try market.apply(.submitTask(order(job, deadline: deadline)), by: "carla", at: 4)
        return UInt64(market.taskCount)
    }

    /// The whole in-process path: a federated task runs one secure-aggregation round over the owners' records,
    /// one owner drops out before its masked input, and the result settles the task.
    @Test func federatedTaskRunsWithADropoutAndPaysOnlyContributors() throws {
        var market = try Self.market()
        let id = try Self.submit(&market)
        let task = try #require(market.task(id))
        let job = try #require(task.federated)
        #expect(job == Self.meanAge && task.status == .paid)
        let carlaBefore = market.balance(of: "carla", in: "HEALTH")

        // The round: one client per verified asset (client i + 1 for asset i), owner 2 (omar) drops out.
        let assets = market.assets(in: "HEALTH")
        let plan = try FederatedAnalytics.plan(
            query: try analyticsQuery(job.query), owners: assets.count,
            threshold: job.threshold, session: id)
        var inputs: [ClientID: [UInt64]] = [:]
        for asset in assets {
            inputs[ClientID(asset.index + 1)] = try FederatedAnalytics.ownerInput(Self.records[asset.index], plan: plan)
        }
        let report = try SecAggSimulation.run(config: plan.config, inputs: inputs, drops: [3: .beforeMaskedInput])
        #expect(report.sumMatchesPlaintext)
        let contributors = report.survivors.sorted().map { Int($0) - 1 }
        #expect(contributors == [0, 1, 3])
        let result = try FederatedAnalytics.decode(sum: report.sum, plan: plan, survivors: contributors.count)
        let survivingRecords = contributors.flatMap { Self.records[$0] }
        let plainMean = survivingRecords.reduce(0, +) / Double(survivingRecords.count)
        #expect(abs(try #require(result.value) - plainMean) < 0.01)

        // The ComputeNode never opens a federated task's assets.
        let beforeNode = market
        var read = 0
        #expect(throws: MarketError.taskIsFederated(id)) {
            try Fixture.node().execute(task: id, in: &market, at: 5) { _ in
                read += 1; return true
            }
        }
        #expect(read == 0 && market == beforeNode)

        let digest = FederatedTaskJob.aggregateDigest(task: id, values: report.sum)
        let events = try market.apply(
            .recordFederatedResult(task: id, contributors: contributors, digest: digest),
            by: "node", at: 6)
        #expect(
            events.first
                == .federatedResultRecorded(
                    task: id, dataset: "HEALTH", contributors: [0, 1, 3],
                    digest: digest))
        // Pro rata: the contributors hold 1,000 + 2,000 + 4,000 of the 10,000 shares.
        let paid = try UInt256.mulDiv(task.dataTokens, UInt256(7_000 as UInt64), UInt256(10_000 as UInt64))
        guard case .taskSettled(_, _, _, let fee, let settledPaid, let refunded, let excluded)? = events.last else {
            Issue.record("\(events)")
            return
        }
        #expect(fee == task.fee && settledPaid == paid && refunded == task.dataTokens - paid && excluded == [2])
        #expect(market.balance(of: "carla", in: "HEALTH") == carlaBefore + task.dataTokens - paid)
        #expect(market.computeFees == task.fee)
        let pending = Self.owners.map { market.pendingRewards(of: $0, in: "HEALTH") }
        #expect(pending[2] == .zero)
        #expect(
            pending[0] <= paid / UInt256(7 as UInt64)
                && pending[0] + UInt256(2 as UInt64) >= paid / UInt256(7 as UInt64))
        #expect(pending[3] <= paid * UInt256(4 as UInt64) / UInt256(7 as UInt64))
        #expect(pending[0] + pending[1] + pending[3] <= paid)
        // The access log: one federated entry per contributor, none for the owner that dropped out.
        let entries = market.accessLog.filter { $0.task == id }
        #expect(entries.map(\.asset) == [0, 1, 3] && entries.allSatisfy(\.federated))
        #expect(market.accessLog(forOwner: "omar").allSatisfy { $0.task == 0 })
        let done = try #require(market.task(id))
        #expect(
            done.status == .executed
                && done.federatedOutcome == FederatedTaskOutcome(contributors: [0, 1, 3], digest: digest))
        expectBalanced(market)
        // Recorded once only; the consumer checks the digest of the aggregate it receives.
        expectRefused(
            &market, .recordFederatedResult(task: id, contributors: contributors, digest: digest), by: "node",
            at: 7, .taskAlreadyExecuted(id))
        #expect(FederatedTaskJob.aggregateDigest(task: id, values: report.sum) == done.federatedOutcome?.digest)
        #expect(FederatedTaskJob.aggregateDigest(task: id + 1, values: report.sum) != digest)
        // The owners claim what they earned.
        for owner in [Self.owners[0], Self.owners[1], Self.owners[3]] {
            _ = try market.apply(.claim(dataset: "HEALTH"), by: owner, at: 8)
        }
        expectBalanced(market)
    }

    @Test func tooFewContributorsIsRefusedAndTheConsumerCancelsForAFullRefund() throws {
        var market = try Self.market()
        let baseBefore = market.balance(of: "carla", in: "ALITA"),
            dataBefore = market.balance(of: "carla", in: "HEALTH")
        let id = try Self.submit(&market)
        let digest = FederatedTaskJob.aggregateDigest(task: id, values: [1, 2])
        expectRefused(
            &market, .recordFederatedResult(task: id, contributors: [1, 3], digest: digest), by: "node", at: 5,
            .tooFewContributors(task: id, contributors: 2, threshold: 3))
        expectRefused(
            &market, .recordFederatedResult(task: id, contributors: [], digest: digest), by: "node", at: 5,
            .tooFewContributors(task: id, contributors: 0, threshold: 3))
        // Not before the deadline; after it, a full refund, and no late result.
        expectRefused(
            &market, .cancelTask(task: id), by: "carla", at: 100, .taskNotExpired(task: id, deadline: 100, now: 100))
        expectRefused(
            &market, .recordFederatedResult(task: id, contributors: [0, 1, 2], digest: digest), by: "node",
            at: 101, .taskExpired(task: id, deadline: 100, now: 101))
        _ = try market.apply(.cancelTask(task: id), by: "carla", at: 101)
        #expect(market.balance(of: "carla", in: "ALITA") == baseBefore)
        #expect(market.balance(of: "carla", in: "HEALTH") == dataBefore)
        #expect(market.task(id)?.status == .cancelled && market.task(id)?.federatedOutcome == nil)
        expectRefused(
            &market, .recordFederatedResult(task: id, contributors: [0, 1, 2], digest: digest), by: "node",
            at: 50, .taskCancelled(id))
        expectBalanced(market)
    }

    @Test func centralAndFederatedOperationsStayApart() throws {
        var market = try Self.market()
        let federated = try Self.submit(&market)
        let central = try Self.submit(&market, nil)
        #expect(market.task(central)?.federated == nil)
        let digest = FederatedTaskJob.aggregateDigest(task: central, values: [7])
        expectRefused(
            &market, .recordAccess(task: federated, failed: []), by: "node", at: 5, .taskIsFederated(federated))
        expectRefused(
            &market, .recordFederatedResult(task: central, contributors: [0, 1, 2, 3], digest: digest),
            by: "node", at: 5, .taskNotFederated(central))
        // The central task still runs as before: the node opens every verified asset.
        let (opened, _) = try Fixture.node().execute(task: central, in: &market, at: 5)
        #expect(opened.count == 4)
        #expect(market.accessLog.filter { $0.task == central }.allSatisfy { !$0.federated })
        expectBalanced(market)
    }

    @Test func badResultsAreRefusedAndChangeNothing() throws {
        var market = try Self.market()
        // A fifth asset stays pending: it cannot contribute.
        _ = try market.apply(.join(dataset: "HEALTH", asset: try Fixture.asset("late")), by: "carla", at: 3)
        let id = try Self.submit(&market)
        let digest = FederatedTaskJob.aggregateDigest(task: id, values: [9])
        expectRefused(
            &market, .recordFederatedResult(task: id, contributors: [0, 1, 2], digest: digest), by: "olu", at: 5,
            .notComputeOperator("olu"))
        expectRefused(
            &market, .recordFederatedResult(task: 99, contributors: [0, 1, 2], digest: digest), by: "node", at: 5,
            .unknownTask(99))
        for contributors in [[2, 1, 0], [0, 0, 1, 2], [0, 1, 2, 4], [0, 1, 7], [-1, 0, 1]] {
            expectRefused(
                &market, .recordFederatedResult(task: id, contributors: contributors, digest: digest), by: "node",
                at: 5, .invalidContributors(task: id))
        }
        for bad in ["", String(digest.dropLast()), digest.uppercased(), String(digest.dropLast()) + "g"] {
            expectRefused(
                &market, .recordFederatedResult(task: id, contributors: [0, 1, 2], digest: bad), by: "node", at: 5,
                .invalidResultDigest(task: id))
        }
        // An asset withdrawn after submission can no longer contribute.
        _ = try market.apply(.withdrawAsset(dataset: "HEALTH", asset: 3), by: "chen", at: 5)
        expectRefused(
            &market, .recordFederatedResult(task: id, contributors: [0, 1, 3], digest: digest), by: "node", at: 6,
            .invalidContributors(task: id))
        _ = try market.apply(
            .recordFederatedResult(task: id, contributors: [0, 1, 2], digest: digest), by: "node", at: 6)
        expectBalanced(market)
    }

    @Test func malformedJobsAreRefusedOnSubmission() throws {
        var market = try Self.market()
        let cases: [(FederatedTaskJob, FederatedTaskProblem)] = [
            (FederatedTaskJob(query: .count, threshold: 1), .threshold(1)),
            (FederatedTaskJob(query: .count, threshold: 5), .thresholdAboveParticipants(threshold: 5, participants: 4)),
            (FederatedTaskJob(query: .sum(column: "", lower: "0", upper: "1"), threshold: 2), .column),
            (FederatedTaskJob(query: .sum(column: "age\n", lower: "0", upper: "1"), threshold: 2), .column),
            (FederatedTaskJob(query: .sum(column: "age", lower: "1e3", upper: "2000"), threshold: 2), .number("1e3")),
            (FederatedTaskJob(query: .mean(column: "age", lower: "0", upper: "1.50"), threshold: 2), .number("1.50")),
            (FederatedTaskJob(query: .mean(column: "age", lower: "-0", upper: "1"), threshold: 2), .number("-0")),
            (FederatedTaskJob(query: .mean(column: "age", lower: "nan", upper: "1"), threshold: 2), .number("nan")),
            (
                FederatedTaskJob(query: .mean(column: "age", lower: "5", upper: "5"), threshold: 2),
                .bounds(lower: "5", upper: "5")
            ),
            (
                FederatedTaskJob(query: .histogram(column: "age", lower: "0", upper: "1", bins: 0), threshold: 2),
                .bins(0)
            ),
            (
                FederatedTaskJob(query: .histogram(column: "age", lower: "0", upper: "1", bins: 65_537), threshold: 2),
                .bins(65_537)
            ),
            (
                FederatedTaskJob(
                    query: .quantile(column: "age", q: "1.5", lower: "0", upper: "1", bins: 4), threshold: 2),
                .quantile("1.5")
            ),
            (
                FederatedTaskJob(
                    query: .count, threshold: 2, privacy: FederatedTaskPrivacy(epsilon: "0", delta: "0.00001")),
                .epsilon("0")
            ),
            (
                FederatedTaskJob(
                    query: .count, threshold: 2, privacy: FederatedTaskPrivacy(epsilon: "101", delta: "0.00001")),
                .epsilon("101")
            ),
            (
                FederatedTaskJob(query: .count, threshold: 2, privacy: FederatedTaskPrivacy(epsilon: "1", delta: "1")),
                .delta("1")
            ),
        ]
        for (job, problem) in cases {
            expectRefused(&market, .submitTask(Self.order(job)), by: "carla", at: 4, .invalidFederatedJob(problem))
        }
        // Well-formed jobs of every kind are accepted.
        for query: FederatedTaskQuery in [
            .count, .sum(column: "age", lower: "-12.5", upper: "0.25"),
            .histogram(column: "age", lower: "0", upper: "120", bins: 12),
            .quantile(column: "age", q: "0.5", lower: "0", upper: "120", bins: 64),
        ] {
            let job = FederatedTaskJob(
                query: query, threshold: 4, privacy: FederatedTaskPrivacy(epsilon: "1", delta: "0.000001"))
            _ = try market.apply(.submitTask(Self.order(job)), by: "carla", at: 4)
        }
        #expect(market.tasks.compactMap(\.federated).count == 4)
    }

    @Test func taskDecimalAcceptsOnlyPlainDecimals() {
        let good: [(TaskDecimal, Double)] = [
            ("0", 0), ("-12.5", -12.5), ("120", 120), ("0.000001", 0.000001),
            ("999999999999999", 999_999_999_999_999),
        ]
        for (text, value) in good { #expect(text.value == value, "\(text)") }
        for bad: TaskDecimal in [
            "", "-", "01", "1.", ".5", "1.0", "+1", "1e3", "-0", "0x10", "1 ", "1000000000000000",
            "0.0000000000001", "inf",
        ] {
            #expect(bad.value == nil, "\(bad)")
        }
    }

    /// A central order encodes exactly as before federated execution existed (no `federated` key), and a
    /// federated one round-trips through JSON.
    @Test func ordersRoundTripAndCentralOrdersKeepTheirEncoding() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let central = Self.order(nil)
        let bytes = String(decoding: try encoder.encode(central), as: UTF8.self)
        #expect(
            bytes == #"{"complexity":{"operationsPerRow":4,"rows":500},"dataset":"HEALTH","deadline":100,"#
                + #""maximumDataTokens":"\#(UInt256.max)","maximumFee":"\#(UInt256.max)","purpose":"mean age"}"#)
        let job = FederatedTaskJob(
            query: .quantile(column: "age", q: "0.9", lower: "0", upper: "120", bins: 240),
            threshold: 3, privacy: FederatedTaskPrivacy(epsilon: "0.5", delta: "0.00001"))
        for order in [central, Self.order(job), Self.order(FederatedTaskJob(query: .count, threshold: 2))] {
            let tx = Transaction.submitTask(order)
            #expect(try JSONDecoder().decode(Transaction.self, from: encoder.encode(tx)) == tx)
        }
        // The job is held out of line: an order is its central fields and one reference.
        #expect(MemoryLayout<TaskOrder>.size <= 128)
        var copy = Self.order(job)
        copy.federated = nil
        #expect(copy == central && Self.order(job) != central && Self.order(job).federated == job)
        let result = Transaction.recordFederatedResult(
            task: 3, contributors: [0, 2], digest: String(repeating: "a", count: 64))
        #expect(try JSONDecoder().decode(Transaction.self, from: encoder.encode(result)) == result)
        #expect(
            String(decoding: try encoder.encode(FederatedTaskJob(query: .count, threshold: 2)), as: UTF8.self)
                == #"{"query":{"count":{}},"threshold":2}"#)
    }

    @Test func snapshotsCarryFederatedTasksAndKeepTheOldFormatWithout() throws {
        var market = try Self.market()
        // Without federated tasks the snapshot is version 2, as before.
        let centralOnly = market.canonicalSnapshot()
        #expect(String(decoding: centralOnly, as: UTF8.self).contains(#""version":2"#))
        #expect(!String(decoding: centralOnly, as: UTF8.self).contains("federated"))
        let id = try Self.submit(&market)
        _ = try Self.submit(&market, FederatedTaskJob(query: .count, threshold: 2))
        _ = try market.apply(
            .recordFederatedResult(
                task: id, contributors: [0, 2, 3],
                digest: FederatedTaskJob.aggregateDigest(task: id, values: [1])),
            by: "node", at: 5)
        let bytes = market.canonicalSnapshot()
        #expect(String(decoding: bytes, as: UTF8.self).contains(#""version":3"#))
        let restored = try Market(canonicalSnapshot: bytes)
        #expect(restored.canonicalSnapshot() == bytes)
        #expect(try Market(snapshot: market.snapshot()) == market)
        #expect(restored.task(id)?.federatedOutcome?.contributors == [0, 2, 3])
        #expect(restored.task(id + 1)?.federated == FederatedTaskJob(query: .count, threshold: 2))
        // Version and content must agree; references must exist.
        var downgraded = market.snapshot()
        downgraded.version = 2
        #expect(throws: MarketError.invalidGenesis(.snapshotVersion)) { try Market(snapshot: downgraded) }
        var dangling = market.snapshot()
        dangling.federatedTasks?[0].task = 99
        #expect(throws: MarketError.invalidGenesis(.federatedTaskReference)) { try Market(snapshot: dangling) }
        var unexecuted = market.snapshot()
        unexecuted.federatedTasks?[1].outcome = FederatedTaskOutcome(contributors: [0, 1], digest: "")
        #expect(throws: MarketError.invalidGenesis(.federatedTaskReference)) { try Market(snapshot: unexecuted) }
    }
}
