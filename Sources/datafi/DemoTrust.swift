import DataFiBigNum
import DataFiSodium
import Foundation
import DataFiMarket

extension MarketDemo {
    /// The trust events (verification, escrow settlement, validators) in one line each.
    func describeTrust(_ event: MarketEvent) -> String {
        let a = Self.amount
        switch event {
        case .taskSettled(let task, let ds, let consumer, let fee, let paid, let refunded, let excluded):
            let skipped = excluded.isEmpty ? "" : ", excluded asset(s) \(excluded.map { "#\($0)" }.joined(separator: ", "))"
            return "task \(task) settled: \(a(fee)) \(Self.base) fee to the node, \(a(paid)) \(ds) to the owners, \(a(refunded)) \(ds) refunded to \(consumer)\(skipped)"
        case .taskCancelled(let task, let ds, let consumer, let fee, let dataTokens):
            return "task \(task) cancelled after its deadline: \(consumer) got back \(a(fee)) \(Self.base) and \(a(dataTokens)) \(ds)"
        case .assetAttested(let ds, let asset, let records):
            return "the compute node counted \(records) records in \(ds)#\(asset); it now waits for validators"
        case .assetVerified(let ds, let owner, let asset, let records, let quality, let shares, let reward):
            return "\(ds)#\(asset) verified: \(records) records at quality \(Self.percent(quality)), \(shares) shares; \(owner) received the \(a(reward)) \(ds) join reward"
        case .assetRejected(let ds, let owner, let asset, let reason):
            return "\(ds)#\(asset) of \(owner) rejected (\(reason.rawValue)); its join reward went back to the reserve"
        case .assetWithdrawn(let ds, let owner, let asset):
            return "\(owner) withdrew \(ds)#\(asset); it stops earning, what it earned stays claimable"
        case .staked(let ds, let validator, let amount): return "\(validator) staked \(a(amount)) \(Self.base) to review \(ds)"
        case .unstaked(let ds, let validator, let amount): return "\(validator) unstaked \(a(amount)) \(Self.base) from \(ds)"
        case .reviewPoolFunded(let ds, let from, let amount): return "\(from) put \(a(amount)) \(Self.base) in the \(ds) review pool"
        case .reviewed(let ds, let asset, let validator, let score):
            return "\(validator) scored \(ds)#\(asset) at \(Self.percent(score))"
        case .reviewSettled(let ds, let asset, let quality):
            return "review of \(ds)#\(asset) settled: stake-weighted median quality \(Self.percent(quality))"
        case .validatorSlashed(let ds, let validator, let amount):
            return "\(validator) was far from the consensus on \(ds): slashed \(a(amount)) \(Self.base) to the review pool"
        case .validatorRewarded(let ds, let validator, let amount):
            return "\(validator) agreed with the consensus on \(ds): earned \(a(amount)) \(Self.base)"
        default:
            return "\(event)"
        }
    }

    /// Basis points as a percentage, e.g. 8250 → "82.50%".
    static func percent(_ basisPoints: UInt16) -> String {
        let whole = basisPoints / 100, fraction = basisPoints % 100
        return "\(whole).\(fraction < 10 ? "0" : "")\(fraction)%"
    }
}

// MARK: Scenes of trust: verification, a task surviving a failure, cancellation, validators, search

extension MarketDemo {
    static let mobility: DatasetID = "MOBILITY"
    static let energy: DatasetID = "ENERGY"
    static let validators: [AccountID] = ["Vera", "Victor", "Val"]
    /// Everyone who signs a transaction in the demo, the treasury included.
    static let ledgerActors: [AccountID] = actors + ["Eve"] + validators + ["Treasury"]

    /// The compute node opens each pending HEALTH asset once, counts its records and verifies it.
    mutating func verifyJoined() throws {
        for stored in market.assets(in: Self.dataset) where stored.status == .pending {
            time += 60
            let events = try nodeVerify(asset: stored.index, of: Self.dataset) { opened in
                // The node counts the records it can read; here, what the owner declared.
                .accept(records: stored.asset.records)
            }
            say("  the compute node opened \(stored.owner)'s asset once and counted \(stored.asset.records) records")
            report(events)
        }
    }

    mutating func trust() throws {
        try rejectedAsset()
        try taskSurvivesAFailure()
        try cancelledTask()
        try validators()
        try search()
    }

    mutating func rejectedAsset() throws {
        section("The compute node verifies what joins: an unreadable asset is rejected")
        let reserve = market.dataset(Self.dataset)?.rewardReserve ?? .zero
        // Eve seals her URL to a key that is not the compute node's: nobody the market trusts can open it.
        let strangerKey: Box.PublicKey
        do { strangerKey = try Box.PrivateKey(rawRepresentation: Array(repeating: 0x45, count: 32)).publicKey } catch {
            throw CLIError("key setup failed: \(error)")
        }
        let sealed = try AssetMetadata(
            name: "Eve's health diary", description: "Claims 50,000 rows.", creator: "Eve",
            license: "https://creativecommons.org/licenses/by-nc/4.0/", keywords: ["health"],
            distribution: [DatasetDistribution(encodingFormat: "text/csv", contentUrl: "https://eve.example/diary.csv")],
            records: 50_000).sealed(to: strangerKey)
        try apply(.join(dataset: Self.dataset, asset: sealed), by: "Eve")
        let index = market.assetCount(of: Self.dataset) - 1
        time += 60
        var inspected = false
        let events = try nodeVerify(asset: index, of: Self.dataset) { _ in
            inspected = true
            return .accept(records: 50_000)
        }
        report(events)
        say("  Eve's sealed URL did not open\(inspected ? "" : ", so her 50,000 declared rows were never counted or paid")")
        say("  reward reserve \(Self.amount(reserve)) -> \(Self.amount(market.dataset(Self.dataset)?.rewardReserve ?? .zero)) HEALTH (the held reward went back)")
    }

    mutating func taskSurvivesAFailure() throws {
        section("A task survives an asset that fails when it runs: its share is refunded")
        let records = market.dataset(Self.dataset)?.verifiedRecords ?? 1
        let order = TaskOrder(dataset: Self.dataset, complexity: TaskComplexity(rows: records, operationsPerRow: 2),
                              purpose: "sleep duration by weekday", maximumFee: Self.whole(10_000),
                              maximumDataTokens: Self.whole(100_000), deadline: time + 3_600)
        try apply(.submitTask(order), by: "Carla")
        let id = UInt64(market.taskCount)
        say("  task \(id) is paid into escrow; when it runs, Omar's file server does not answer")
        time += 60
        let (opened, events) = try nodeExecute(task: id) { asset in asset.owner != "Omar" }
        say("  the node read \(opened.map(\.owner.rawValue).joined(separator: " and ")); Omar's asset is excluded")
        report(events)
        snapshot()
    }

    mutating func cancelledTask() throws {
        section("A paid task the node never ran is cancelled after its deadline")
        let order = TaskOrder(dataset: Self.dataset, complexity: TaskComplexity(rows: 100, operationsPerRow: 1),
                              purpose: "count of diaries per region", maximumFee: Self.whole(1_000),
                              maximumDataTokens: Self.whole(10_000), deadline: time + 60)
        let before = (market.balance(of: "Chen", in: Self.base), market.balance(of: "Chen", in: Self.dataset.token))
        try apply(.submitTask(order), by: "Chen")
        let id = UInt64(market.taskCount)
        time += 600
        do {
            _ = try node.execute(task: id, in: &market, at: time)
        } catch {
            say("  the node comes too late: \(error)")
        }
        try apply(.cancelTask(task: id), by: "Chen")
        let after = (market.balance(of: "Chen", in: Self.base), market.balance(of: "Chen", in: Self.dataset.token))
        say("  Chen's balances restored exactly: \(before == after ? "yes" : "no")")
    }

    mutating func validators() throws {
        section("Validators stake on their judgement: a contribution's quality is their stake-weighted median")
        for validator in Self.validators {
            try apply(.transfer(token: Self.base, to: validator, amount: Self.whole(1_000)), by: "Treasury")
        }
        let review = ReviewTerms(threshold: 5_000, reviewsRequired: 3, tolerance: 1_000, slashBasisPoints: 2_000,
                                 reviewFee: Self.whole(5), minimumStake: Self.whole(100))
        say("  MOBILITY's review terms: 3 scores settle; below 50% is rejected; more than 10 points from the median loses 20% of the stake; agreeing reviewers earn 5 ALITA")
        try apply(.createDataset(DatasetTerms(
            id: Self.mobility, title: "City mobility traces", requirements: "GPS trips, one row per trip, no home addresses",
            usageScenarios: ["transit planning", "traffic models"], dataTokenSupply: Self.whole(1_000_000),
            poolDataTokens: Self.whole(50_000), poolBaseTokens: Self.whole(5_000), rewardReserve: Self.whole(10_000),
            rewardPerJoin: Self.whole(500), pricing: .perUnit(price: Market.unit / UInt256(100 as UInt64)),
            description: "Anonymised trips recorded by commuters' phones in one city.",
            keywords: ["mobility", "transit", "city"], license: "ODbL-1.0", review: review)), by: Self.maker)
        try apply(.createDataset(DatasetTerms(
            id: Self.energy, title: "Household smart-meter readings", requirements: "Half-hourly readings, CSV",
            usageScenarios: ["demand forecasting"], dataTokenSupply: Self.whole(1_000_000),
            poolDataTokens: Self.whole(50_000), poolBaseTokens: Self.whole(5_000), rewardReserve: Self.whole(10_000),
            rewardPerJoin: Self.whole(500), pricing: .perUnit(price: Market.unit / UInt256(100 as UInt64)),
            description: "Electricity use of volunteer households.", keywords: ["energy", "household"],
            license: "CC-BY-4.0")), by: Self.maker)
        try apply(.fundReviewPool(dataset: Self.mobility, amount: Self.whole(30)), by: Self.maker)
        for (validator, stake) in zip(Self.validators, [300 as UInt64, 200, 100]) {
            try apply(.stake(dataset: Self.mobility, amount: Self.whole(stake)), by: validator)
        }
        let trips = try AssetMetadata(
            name: "Oksana's commute trips", description: "Two years of commute trips.", creator: "Oksana",
            license: "ODbL-1.0", keywords: ["mobility"],
            distribution: [DatasetDistribution(encodingFormat: "text/csv", contentUrl: "https://oksana.example/trips.csv")],
            records: 4_000).sealed(to: market.computeKey)
        try apply(.join(dataset: Self.mobility, asset: trips), by: "Oksana")
        time += 60
        let attested = try nodeVerify(asset: 0, of: Self.mobility) { _ in .accept(records: 3_600) }
        say("  Oksana declared 4,000 trips; the node counted 3,600, which sets her share")
        report(attested)
        let valBefore = market.stake(of: "Val", in: Self.mobility)?.amount ?? .zero
        for (validator, score) in zip(Self.validators, [8_500 as UInt16, 8_000, 2_000]) {
            try apply(.reviewAsset(dataset: Self.mobility, asset: 0, score: score), by: validator)
        }
        let valAfter = market.stake(of: "Val", in: Self.mobility)?.amount ?? .zero
        say("  weights 300 / 200 / 100 ALITA: the median is Victor's 80%; Val's stake \(Self.amount(valBefore)) -> \(Self.amount(valAfter)) ALITA")
        say("  Oksana's shares: 3,600 records x 80% quality = \(market.position(of: "Oksana", in: Self.mobility)?.shares ?? 0)")
    }

    mutating func search() throws {
        section("Dataset search: BM25 over the datasets' public metadata")
        let queries: [(String, SearchFilters)] = [
            ("health diaries", SearchFilters()),
            ("city traffic", SearchFilters(license: "ODbL-1.0")),
            ("household readings", SearchFilters(hasVerifiedAssets: true)),
        ]
        for (query, filters) in queries {
            let results: [SearchResult]
            do { results = try market.searchDatasets(query, filters: filters, limit: 5) } catch {
                throw CLIError("search failed: \(error)")
            }
            var facet = ""
            if let licence = filters.license { facet += " licence \(licence)" }
            if filters.hasVerifiedAssets == true { facet += " with verified assets" }
            say("  \"\(query)\"\(facet): \(results.isEmpty ? "no dataset" : "\(results.count) dataset(s)")")
            for result in results {
                if json {
                    emit(MarketDemoLine(step: step, kind: "search", fields: [
                        "query": query, "rank": String(result.rank), "dataset": result.dataset.rawValue,
                        "score": String(format: "%.6f", result.score), "license": result.license,
                        "verifiedRecords": String(result.verifiedRecords),
                    ]))
                } else {
                    print("    \(result.rank). \(result.dataset) \(String(format: "%.4f", result.score))  \"\(result.title)\"  "
                          + "\(result.license.isEmpty ? "no licence" : result.license), \(result.verifiedRecords) verified records")
                }
            }
        }
    }
}

extension Market {
    /// The number of assets joined to `dataset`.
    func assetCount(of dataset: DatasetID) -> Int { self.dataset(dataset)?.assetCount ?? 0 }
}
