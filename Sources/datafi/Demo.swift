import ArgumentParser
import DataFiAMM
import DataFiBigNum
import DataFiMarket
import DataFiSodium
import DataFiSupport
import Foundation

/// `datafi demo`: the data value orchestration, played by named actors on a fresh market.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Play the data exchange end to end: a dataset, its pool, owners, consumers, a compute task.",
        discussion: """
            Keys and amounts derive from --seed, so the whole output is reproducible. Sealed URLs are \
            randomized ciphertexts and are shown only by size.
            """)

    @Option(help: "Seed for keys and amounts.", transform: StrictArgument.uint64)
    var seed: UInt64 = 7

    @Flag(help: "Print machine-readable JSON lines (events, snapshots, audit) instead of tables.")
    var json = false

    @Option(help: "Keep the demo's ledger (SQLite) at this path; by default it is a temporary file.")
    var ledger: String?

    func run() throws {
        var demo = try MarketDemo(seed: seed, json: json, ledgerPath: ledger)
        defer { demo.recorder?.cleanUp() }
        do {
            try demo.play()
        } catch let error as MarketError {
            throw CLIError("demo failed: \(error)")
        }
    }
}

/// One JSON line of `datafi demo --json`.
struct MarketDemoLine: Encodable {
    var step: Int
    var kind: String
    var title: String?
    var event: MarketEvent?
    var note: String?
    var fields: [String: String]?
    var balances: [String: [String: String]]?
}

struct MarketDemo {
    static let dataset: DatasetID = "HEALTH"
    static let base: TokenID = "ALITA"
    static let maker: AccountID = "Maya"
    static let owners: [AccountID] = ["Olu", "Oksana", "Omar"]
    static let consumers: [AccountID] = ["Chen", "Carla"]
    static let operatorAccount: AccountID = "Node"
    static let actors: [AccountID] = [maker] + owners + consumers + [operatorAccount]

    let json: Bool
    let seed: UInt64
    var random: SplitMix64
    var market: Market
    let node: ComputeNode
    let ownerKeys: [Signing.PrivateKey]
    let nodeKey: Box.PrivateKey
    var step = 0
    var time: UInt64 = 1_700_000_000
    var recorder: DemoLedgerRecorder?

    init(seed: UInt64, json: Bool, ledgerPath: String? = nil) throws {
        self.seed = seed
        self.json = json
        random = SplitMix64(seed: seed)
        // Every key derives from the seed: BLAKE2b(seed) is a KDF master key, one subkey per actor.
        var seedBytes = Array("datafi-demo".utf8)
        withUnsafeBytes(of: seed.littleEndian) { seedBytes += $0 }
        do {
            let master = try KeyDerivation.MasterKey(rawRepresentation: BLAKE2b.hash256(seedBytes))
            func subkey(_ id: UInt64) throws -> [UInt8] {
                try KeyDerivation.deriveKey(from: master, subkeyID: id, context: "DFdemo01").withUnsafeBytes { Array($0) }
            }
            nodeKey = try Box.PrivateKey(rawRepresentation: subkey(0))
            ownerKeys = try (1...3).map { try Signing.PrivateKey(seed: subkey($0)) }
        } catch {
            throw CLIError("key derivation failed: \(error)")
        }
        node = ComputeNode(account: Self.operatorAccount, key: nodeKey)
        let one = Market.unit
        var allocations: [Genesis.Allocation] = [.init(account: Self.maker, amount: one * UInt256(200_000 as UInt64))]
        allocations += Self.owners.map { .init(account: $0, amount: one * UInt256(1_000 as UInt64)) }
        allocations += Self.consumers.map { .init(account: $0, amount: one * UInt256(50_000 as UInt64)) }
        do {
            market = try Market(genesis: Genesis(
                baseToken: Self.base, totalSupply: one * UInt256(1_000_000_000 as UInt64), allocations: allocations,
                treasury: "Treasury", computeOperator: Self.operatorAccount, computeKey: nodeKey.publicKey))
        } catch {
            throw CLIError("genesis failed: \(error)")
        }
        recorder = try DemoLedgerRecorder(
            path: ledgerPath, seed: seed, actors: Self.ledgerActors, operatorAccount: Self.operatorAccount,
            allocations: allocations, treasury: "Treasury", totalSupply: one * UInt256(1_000_000_000 as UInt64),
            computeKey: nodeKey.publicKey)
    }

    // MARK: Formatting

    static func amount(_ raw: UInt256) -> String {
        (try? TokenAmount(raw: raw, decimals: Market.decimals))?.description ?? raw.description
    }

    static func whole(_ n: UInt64) -> UInt256 { UInt256(n) * Market.unit }

    func emit(_ line: MarketDemoLine) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(line) { print(String(decoding: data, as: UTF8.self)) }
    }

    func say(_ text: String) {
        if json {
            emit(MarketDemoLine(step: step, kind: "note", note: text.trimmingCharacters(in: .whitespaces)))
        } else {
            print(text)
        }
    }

    mutating func section(_ title: String) {
        step += 1
        if json {
            emit(MarketDemoLine(step: step, kind: "step", title: title))
        } else {
            print("")
            print("== \(step). \(title) ==")
        }
    }

    func describe(_ event: MarketEvent) -> String {
        let a = Self.amount
        switch event {
        case .transferred(let token, let from, let to, let amount): return "\(from) sent \(a(amount)) \(token) to \(to)"
        case .datasetCreated(let ds, let maker, let supply, let poolData, let poolBase, let liquidity):
            return "\(maker) created \(ds): supply \(a(supply)) \(ds), pool seeded with \(a(poolData)) \(ds) + \(a(poolBase)) \(Self.base), \(a(liquidity)) LP tokens"
        case .rewardsFunded(let ds, let from, let amount): return "\(from) added \(a(amount)) \(ds) to the reward reserve"
        case .joined(let ds, let owner, let asset, let records, let reward):
            return "\(owner) joined \(ds) with asset #\(asset) (\(records) records declared); \(a(reward)) \(ds) reward held until verification"
        case .swapped(let ds, let trader, let side, let amountIn, let amountOut, _, _):
            return side == .buyDataToken
                ? "\(trader) bought \(a(amountOut)) \(ds) for \(a(amountIn)) \(Self.base)"
                : "\(trader) sold \(a(amountIn)) \(ds) for \(a(amountOut)) \(Self.base)"
        case .liquidityAdded(let ds, let provider, let data, let base, let liquidity):
            return "\(provider) added \(a(data)) \(ds) + \(a(base)) \(Self.base) for \(a(liquidity)) LP"
        case .liquidityRemoved(let ds, let provider, let data, let base, let liquidity):
            return "\(provider) burned \(a(liquidity)) LP for \(a(data)) \(ds) + \(a(base)) \(Self.base)"
        case .taskSubmitted(let task, let ds, let consumer, let fee, let dataTokens, let node):
            return "task \(task): \(consumer) paid \(a(fee)) \(Self.base) compute fee (accrues to \(node)) and \(a(dataTokens)) \(ds) to the owners"
        case .claimed(let ds, let owner, let amount): return "\(owner) claimed \(a(amount)) \(ds)"
        case .computeFeesWithdrawn(let node, let amount): return "\(node) withdrew \(a(amount)) \(Self.base) of compute fees"
        case .accessed(let r):
            return "access #\(r.sequence): \(r.node) opened \(r.owner)'s asset \(r.dataset)#\(r.asset) for task \(r.task) (\(r.consumer), \"\(r.purpose)\")"
        default: return describeTrust(event)
        }
    }

    mutating func apply(_ tx: Transaction, by account: AccountID) throws(MarketError) {
        time += 60
        ledgerRecord(tx, by: account)
        let events = try market.apply(tx, by: account, at: time)
        report(events)
    }

    func report(_ events: [MarketEvent]) {
        for event in events {
            if json { emit(MarketDemoLine(step: step, kind: "event", event: event)) } else { print("  " + describe(event)) }
        }
    }

    func price() -> UInt256 { market.spotPrice(of: Self.dataset) ?? .zero }

    func snapshot() {
        let ds = market.dataset(Self.dataset)
        let data = Self.dataset.token
        var rows: [(String, String, String, String)] = [("account", Self.base.rawValue, data.rawValue, "LP")]
        var balances: [String: [String: String]] = [:]
        for account in Self.actors {
            let lp = ds?.pool.liquidityBalance(of: account.address) ?? .zero
            let values = [market.balance(of: account, in: Self.base), market.balance(of: account, in: data), lp]
            rows.append((account.rawValue, Self.amount(values[0]), Self.amount(values[1]), Self.amount(values[2])))
            balances[account.rawValue] = [Self.base.rawValue: values[0].description, data.rawValue: values[1].description,
                                          "LP": values[2].description]
        }
        let reserves = ds?.reserves ?? (.zero, .zero)
        let fields = [
            "reserveData": reserves.data.description, "reserveBase": reserves.base.description,
            "price": price().description, "rewardReserve": (ds?.rewardReserve ?? .zero).description,
            "ownerPool": (ds?.ownerPool ?? .zero).description,
        ]
        if json {
            emit(MarketDemoLine(step: step, kind: "snapshot", fields: fields, balances: balances))
            return
        }
        rows.append(("pool", Self.amount(reserves.base), Self.amount(reserves.data), Self.amount(ds?.pool.totalSupply ?? .zero)))
        rows.append(("reward reserve", "", Self.amount(ds?.rewardReserve ?? .zero), ""))
        rows.append(("owners' pool", "", Self.amount(ds?.ownerPool ?? .zero), ""))
        var widths: [Int] = [0, 0, 0, 0]
        for row in rows {
            let counts: [Int] = [row.0.count, row.1.count, row.2.count, row.3.count]
            for i in 0..<4 { widths[i] = max(widths[i], counts[i]) }
        }
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return left ? s + fill : fill + s
        }
        print("")
        for (i, row) in rows.enumerated() {
            print("  " + pad(row.0, widths[0], left: true) + "  " + pad(row.1, widths[1]) + "  " + pad(row.2, widths[2])
                  + "  " + pad(row.3, widths[3]))
            if i == 0 || i == Self.actors.count {
                print("  " + String(repeating: "-", count: widths.reduce(6, +)))
            }
        }
        print("  price: 1 \(data) = \(Self.amount(price())) \(Self.base)")
    }

    // MARK: The play

    mutating func play() throws {
        try foundation()
        try create()
        try join()
        try buy()
        try compute()
        try trust()
        try exit()
        audit()
        try ledgerSummary()
    }

    mutating func foundation() throws {
        section("Foundation: keys, a signed metadata record, a UInt256 pool quote")
        let record = Self.record(for: 0, records: 1_000)
        let publicRecord = try record.sealed(to: nodeKey.publicKey).jsonLD(identifier: "\(Self.dataset)/0")
        let signer = ownerKeys[0]
        let signature = signer.signature(for: Array(publicRecord.utf8))
        let valid = signer.publicKey.isValidSignature(signature, for: Array(publicRecord.utf8))
        let tampered = publicRecord.replacingOccurrences(of: "\"Olu\"", with: "\"Eve\"")
        let tamperedValid = signer.publicKey.isValidSignature(signature, for: Array(tampered.utf8))
        let poolData = Self.whole(100_000), poolBase = Self.whole(10_000), input = Self.whole(1_000)
        let out = (try? ConstantProduct.amountOut(amountIn: input, reserveIn: poolBase, reserveOut: poolData)) ?? .zero
        let fields = [
            "seed": String(seed), "computeNodeKey": nodeKey.publicKey.description,
            "oluSigningKey": signer.publicKey.description, "record": publicRecord,
            "signature": Hex.encode(signature), "signatureValid": String(valid), "tamperedValid": String(tamperedValid),
            "quoteIn": input.description, "quoteOut": out.description,
        ]
        if json {
            emit(MarketDemoLine(step: step, kind: "foundation", fields: fields))
            return
        }
        print("  seed \(seed): compute node X25519 key \(nodeKey.publicKey)")
        print("  Olu's Ed25519 key \(signer.publicKey)")
        print("  Olu's asset record (public JSON-LD, URL sealed):")
        print("    \(publicRecord)")
        print("  Ed25519 signature \(Hex.encode(signature))")
        print("  verifies: \(valid ? "yes" : "no"); with creator changed to Eve: \(tamperedValid ? "yes" : "no (rejected)")")
        print("  UInt256 quote: \(Self.amount(input)) \(Self.base) into a pool of \(Self.amount(poolBase)) \(Self.base) / "
              + "\(Self.amount(poolData)) \(Self.dataset)")
        print("    amountOut = in·997·reserveOut / (reserveIn·1000 + in·997) = \(out) raw = \(Self.amount(out)) \(Self.dataset)")
    }

    static func record(for index: Int, records: UInt64) -> AssetMetadata {
        let owner = owners[index]
        let slug = owner.rawValue.lowercased()
        return AssetMetadata(
            name: "\(owner) household health diary", description: "Daily anonymised health measurements kept by \(owner).",
            creator: owner.rawValue, license: "https://creativecommons.org/licenses/by-nc/4.0/",
            keywords: ["health", "diary", "anonymised"],
            distribution: [DatasetDistribution(encodingFormat: "text/csv", contentUrl: "https://\(slug).example/diary.csv")],
            records: records)
    }

    mutating func create() throws {
        section("A maker creates the HEALTH dataset and seeds its pool")
        let terms = DatasetTerms(
            id: Self.dataset, title: "Community health diaries",
            requirements: "Daily anonymised measurements, CSV, one row per day",
            usageScenarios: ["public-health statistics", "privacy-preserving model training"],
            dataTokenSupply: Self.whole(1_000_000), poolDataTokens: Self.whole(100_000), poolBaseTokens: Self.whole(10_000),
            rewardReserve: Self.whole(30_000), rewardPerJoin: Self.whole(1_000),
            pricing: .perUnit(price: Market.unit / UInt256(100 as UInt64)))
        say("  terms: 1,000,000 HEALTH; pool 100,000 HEALTH + 10,000 ALITA; 30,000 HEALTH reserve; 1,000 HEALTH per join; tasks cost 0.01 ALITA per row-operation")
        try apply(.createDataset(terms), by: Self.maker)
        snapshot()
    }

    mutating func join() throws {
        section("Community owners join and are rewarded")
        for index in Self.owners.indices {
            let records = 500 + random.next() % 4_500
            let sealed: SealedAsset
            do { sealed = try Self.record(for: index, records: records).sealed(to: market.computeKey) }
            let size = sealed.distribution[0].sealedContentUrl.count
            say("  \(Self.owners[index])'s URL sealed to the compute node: \(size) bytes of ciphertext stored, no plaintext")
            try apply(.join(dataset: Self.dataset, asset: sealed), by: Self.owners[index])
        }
        try verifyJoined()
        snapshot()
    }

    mutating func buy() throws {
        section("Demand grows: consumers buy HEALTH with ALITA")
        for (consumer, base) in zip(Self.consumers, [1_500 as UInt64, 2_500]) {
            let amount = Self.whole(base + random.next() % 500)
            let before = price()
            try apply(.swap(dataset: Self.dataset, side: .buyDataToken,
                            amount: .exactIn(amountIn: amount, minimumOut: .one), deadline: time + 600), by: consumer)
            say("  price \(Self.amount(before)) -> \(Self.amount(price())) ALITA per HEALTH")
        }
        snapshot()
    }

    mutating func compute() throws {
        section("A compute task consumes data tokens and pays the owners")
        let records = market.dataset(Self.dataset)?.totalShares ?? 1
        let big = TaskOrder(dataset: Self.dataset, complexity: TaskComplexity(rows: records, operationsPerRow: 200),
                            purpose: "train a risk model", maximumFee: .max, maximumDataTokens: .max, deadline: time + 600)
        let before = market
        do {
            try apply(.submitTask(big), by: "Carla")
        } catch {
            say("  Carla's task (\(records) rows x 200 ops) refused before anything moved: \(error)")
        }
        say("  state unchanged after the refusal: \(market == before ? "yes" : "no")")
        let order = TaskOrder(dataset: Self.dataset, complexity: TaskComplexity(rows: records, operationsPerRow: 5),
                              purpose: "average resting heart rate by age band", maximumFee: Self.whole(10_000),
                              maximumDataTokens: Self.whole(100_000), deadline: time + 600)
        let quote = try market.quoteTask(order)
        say("  Chen's task: \(records) rows x 5 ops x 0.01 ALITA = \(Self.amount(quote.fee)) ALITA; at the pool price that is \(Self.amount(quote.dataTokens)) HEALTH")
        try apply(.submitTask(order), by: "Chen")
        time += 60
        let (opened, events) = try nodeExecute(task: 1)
        say("  the compute node opened \(opened.count) sealed URLs for paid task 1:")
        for asset in opened { say("    \(asset.owner): \(asset.contentUrls.joined(separator: ", "))") }
        report(events)
        say("  access log as each data subject sees it:")
        for owner in Self.owners {
            for record in market.accessLog(forOwner: owner) {
                say("    \(owner): task \(record.task) by \(record.consumer) at \(record.time), purpose \"\(record.purpose)\"")
            }
        }
        do {
            _ = try node.execute(task: 1, in: &market, at: time)
        } catch {
            say("  opening task 1 again: \(error)")
        }
        do {
            _ = try node.execute(task: 2, in: &market, at: time)
        } catch {
            say("  opening unpaid task 2: \(error)")
        }
        for owner in Self.owners { try apply(.claim(dataset: Self.dataset), by: owner) }
        try apply(.withdrawComputeFees, by: Self.operatorAccount)
        snapshot()
    }

    mutating func exit() throws {
        section("An owner sells at the higher price; the maker removes liquidity with the fees")
        let olu = Self.owners[0]
        let half = market.balance(of: olu, in: Self.dataset.token) / UInt256(2 as UInt64)
        try apply(.swap(dataset: Self.dataset, side: .sellDataToken, amount: .exactIn(amountIn: half, minimumOut: .one),
                        deadline: time + 600), by: olu)
        let firstPriceValue = (try? UInt256.mulDiv(half, Self.whole(1), Self.whole(10))) ?? .zero
        say("  at the first price (0.1 ALITA) those tokens were worth \(Self.amount(firstPriceValue)) ALITA")
        let liquidity = market.dataset(Self.dataset)?.pool.liquidityBalance(of: Self.maker.address) ?? .zero
        if let pool = market.dataset(Self.dataset)?.pool, !pool.totalSupply.isZero {
            let rootK = (pool.reserve0 * pool.reserve1).squareRoot()
            let perLP = (try? UInt256.mulDiv(rootK, Market.unit, pool.totalSupply)) ?? .zero
            say("  trading fees stayed in the pool: sqrt(k) per LP token grew from 1 to \(Self.amount(perLP))")
        }
        try apply(.removeLiquidity(dataset: Self.dataset, liquidity: liquidity, dataMinimum: .zero, baseMinimum: .zero,
                                   deadline: time + 600), by: Self.maker)
        snapshot()
    }

    func audit() {
        let audits = market.supplyAudit()
        if json {
            for a in audits {
                emit(MarketDemoLine(step: step + 1, kind: "audit", fields: [
                    "token": a.token.rawValue, "totalSupply": a.totalSupply.description, "accounts": a.accounts.description,
                    "pools": a.pools.description, "rewardReserves": a.rewardReserves.description,
                    "ownerPools": a.ownerPools.description, "computeFees": a.computeFees.description,
                    "escrow": a.escrow.description, "stakes": a.stakes.description, "reviewPools": a.reviewPools.description,
                    "balanced": String(a.balanced),
                ]))
            }
            return
        }
        print("")
        print("== Supply check: holders + pools + reward reserves + owners' pool + unwithdrawn fees + escrow, stakes and review pools == supply ==")
        for a in audits {
            print("  \(a.token): \(Self.amount(a.accounts)) + \(Self.amount(a.pools)) + \(Self.amount(a.rewardReserves)) + "
                  + "\(Self.amount(a.ownerPools)) + \(Self.amount(a.computeFees)) + \(Self.amount(a.escrow + a.stakes + a.reviewPools)) = \(Self.amount(a.totalSupply))  "
                  + (a.balanced ? "ok" : "MISMATCH"))
        }
        print("  LP tokens: \(market.liquidityBalanced ? "ok" : "MISMATCH")")
    }
}
