import DataFiAMM
import DataFiBigNum
import DataFiSodium

/// The data exchange as a deterministic state machine.
///
/// One fungible-token book holds the base token (fixed supply from ``Genesis``, never inflated) and one
/// data token per dataset (fixed supply minted once to the maker at creation, never minted again and never
/// burned). Every dataset has an exact Uniswap V2 `Pair` (DataFiAMM) of its data token against the base token, a
/// join-reward reserve funded by the maker, and an owners' reward pool paid by compute tasks.
///
/// Trust is earned, not declared: a joined asset is pending until the compute node opens and counts it
/// (``Transaction/verifyAsset(dataset:asset:verdict:)``); its join reward is paid and its attested records
/// earn shares only once verified, and only verified assets take part in tasks. Datasets with
/// ``ReviewTerms`` also have staked validators score each contribution; the stake-weighted median quality
/// weights the owner's shares, and reviewers far from it are slashed. A task's payment is held until the
/// node executes it; an asset that fails then is excluded and its share refunded, and a task the node does
/// not execute by its deadline can be cancelled for a full refund.
///
/// Every change is a ``Transaction`` applied by ``apply(_:by:at:)``, which either returns events or throws
/// ``MarketError`` and leaves the market unchanged. Handlers check everything first and write only
/// afterwards, so a failed transaction costs no copy of the market's tables.
///
/// Supply rule: for every token, account balances + pool balances + reward reserves + owners' reward
/// pools + unwithdrawn compute fees + escrow (held join rewards, unexecuted tasks) + validators' stakes +
/// review pools == total supply at all times (``supplyAudit()``).
public struct Market: Sendable, Equatable {
    /// Decimals of every token.
    public static let decimals = 18
    /// Most assets one dataset accepts.
    public static let maxAssetsPerDataset = 1_000_000
    /// Fixed-point scale of ``Dataset/accRewardPerShare``: 2^128.
    public static let rewardScale = UInt256.one << 128

    /// The base token (ALITA by default).
    public let baseToken: TokenID
    /// The compute-node operator: receives compute fees, records data access.
    public let computeOperator: AccountID
    /// The compute node's X25519 public key; owners seal URLs to it.
    public let computeKey: Box.PublicKey

    /// Every token, by symbol.
    public internal(set) var tokens: [TokenID: TokenInfo] = [:]
    /// Every dataset, by symbol. Builds a dictionary on each call; use ``dataset(_:)`` to read one.
    public var datasets: [DatasetID: Dataset] {
        Dictionary(uniqueKeysWithValues: datasetList.map { ($0.id, $0) })
    }
    /// Paid tasks in submission order (task id n is at index n − 1). Builds an array on each call; use
    /// ``task(_:)`` and ``taskCount`` to read one.
    public var tasks: [ComputeTask] {
        (0..<taskCount).compactMap { task(UInt64($0 + 1)) }
    }
    /// Number of paid tasks.
    public var taskCount: Int { taskStore.count }
    /// Compute fees (base token, raw units) of executed tasks not yet withdrawn by the compute operator
    /// (``Transaction/withdrawComputeFees``). Accruing here keeps a task's cost independent of the
    /// operator's account.
    public internal(set) var computeFees: UInt256 = .zero
    /// Every paid task, packed.
    var taskStore = TaskStore()
    /// The jobs (and outcomes) of federated tasks by task id; central tasks have no entry.
    var federatedTasks: [UInt64: FederatedTaskState] = [:]
    /// Every opening of an asset, in order.
    public internal(set) var accessLog: [AccessRecord] = []

    // Balances in two tables of plain amounts (no zero entries), so reading one copies no references:
    // the base token by account, data tokens by dataset slot and account.
    var baseBalances: [AccountID: UInt256] = [:]
    var dataBalances: [DataBalanceKey: UInt256] = [:]
    // Datasets live in an array so hot paths read and write their fields in place.
    var datasetList: [Dataset] = []
    var datasetIndex: [DatasetID: Int] = [:]
    var positions: [PositionKey: OwnerPosition] = [:]
    var storedAssets: [DatasetID: [StoredAsset]] = [:]
    /// The owners' personal data: sealed assets by position. Outside the canonical snapshot and its hash, so
    /// erasing it (``eraseSealedAssets(of:)``) changes no state hash.
    var sealedAssets: [AssetKey: SealedAsset] = [:]
    var accessByOwner: [AccountID: [Int]] = [:]
    /// Validators' stakes by dataset and validator (no zero entries without open reviews).
    var stakes: [PositionKey: ValidatorStake] = [:]

    /// Creates a market from its genesis: mints the base token's whole supply to the allocations and the
    /// treasury.
    /// - Throws: ``MarketError/invalidSymbol(_:)``, ``MarketError/invalidAccount(_:)``,
    ///   ``MarketError/invalidGenesis(_:)`` when allocations exceed the supply, the supply exceeds 2^112 − 1
    ///   (a pool's bound) or the compute key is not 32 bytes.
    public init(genesis: Genesis) throws(MarketError) {
        guard genesis.baseToken.isValid else { throw .invalidSymbol(genesis.baseToken.rawValue) }
        guard genesis.treasury.isValid else { throw .invalidAccount(genesis.treasury.rawValue) }
        guard genesis.computeOperator.isValid else { throw .invalidAccount(genesis.computeOperator.rawValue) }
        guard !genesis.totalSupply.isZero, genesis.totalSupply <= Pair.maxReserve else {
            throw .invalidGenesis(.totalSupply)
        }
        guard let key = try? Box.PublicKey(rawRepresentation: genesis.computeKey) else {
            throw .invalidGenesis(.computeKey)
        }
        baseToken = genesis.baseToken
        computeOperator = genesis.computeOperator
        computeKey = key
        var remaining = genesis.totalSupply
        for allocation in genesis.allocations {
            guard allocation.account.isValid else { throw .invalidAccount(allocation.account.rawValue) }
            let (rest, underflow) = remaining.subtractingReportingOverflow(allocation.amount)
            guard !underflow else { throw .invalidGenesis(.allocationsExceedSupply) }
            remaining = rest
            credit(.base, allocation.account, allocation.amount)
        }
        credit(.base, genesis.treasury, remaining)
        tokens[genesis.baseToken] = TokenInfo(id: genesis.baseToken, totalSupply: genesis.totalSupply, dataset: nil)
    }

    // MARK: Reading

    /// The dataset `id`, if it exists.
    public func dataset(_ id: DatasetID) -> Dataset? {
        guard let slot = datasetIndex[id] else { return nil }
        return datasetList[slot]
    }

    /// The balance of `account` in `token` (raw units).
    public func balance(of account: AccountID, in token: TokenID) -> UInt256 {
        guard let book = bookToken(token) else { return .zero }
        return amount(book, account)
    }

    /// Every nonzero balance of `token`, ordered by account.
    public func holders(of token: TokenID) -> [(account: AccountID, amount: UInt256)] {
        let entries: [(account: AccountID, amount: UInt256)]
        switch bookToken(token) {
        case nil:
            return []
        case .base:
            entries = baseBalances.map { ($0.key, $0.value) }
        case .data(let slot):
            entries = dataBalances.compactMap { $0.key.slot == slot ? ($0.key.account, $0.value) : nil }
        }
        return entries.sorted { $0.account < $1.account }
    }

    /// The owner position of `account` in `dataset`, if it joined.
    public func position(of account: AccountID, in dataset: DatasetID) -> OwnerPosition? {
        positions[PositionKey(dataset: dataset, account: account)]
    }

    /// Data tokens `account` could claim now from `dataset`.
    public func pendingRewards(of account: AccountID, in dataset: DatasetID) -> UInt256 {
        guard let ds = self.dataset(dataset), let position = position(of: account, in: dataset) else { return .zero }
        return Self.pending(position, acc: ds.accRewardPerShare)
    }

    /// The assets joined to `dataset`, in order (every status).
    public func assets(in dataset: DatasetID) -> [StoredAsset] { storedAssets[dataset] ?? [] }

    /// Asset `index` of `dataset`, if it exists.
    public func asset(_ index: Int, in dataset: DatasetID) -> StoredAsset? {
        guard let list = storedAssets[dataset], list.indices.contains(index) else { return nil }
        return list[index]
    }

    /// The stake of `validator` in `dataset`, if any.
    public func stake(of validator: AccountID, in dataset: DatasetID) -> ValidatorStake? {
        stakes[PositionKey(dataset: dataset, account: validator)]
    }

    /// The task with id `id`, if paid.
    public func task(_ id: UInt64) -> ComputeTask? {
        guard let record = taskStore[id] else { return nil }
        let ds = datasetList[Int(record.datasetSlot)]
        return ComputeTask(id: id, dataset: ds.id, consumer: record.consumer, complexity: record.complexity,
                           purpose: record.purpose, fee: record.fee(under: ds.pricing), dataTokens: record.dataTokens.value,
                           submittedAt: record.submittedAt, deadline: record.deadline, status: record.status,
                           federated: federatedTasks[id]?.job, federatedOutcome: federatedTasks[id]?.outcome)
    }

    /// Every opening of `owner`'s assets, in order: what a data subject audits.
    public func accessLog(forOwner owner: AccountID) -> [AccessRecord] {
        (accessByOwner[owner] ?? []).map { accessLog[$0] }
    }

    /// The price of one data token of `dataset` in raw base-token units, i.e. `reserveBase · 10^18 /
    /// reserveData` floored: read it as an 18-decimal amount of base token. `nil` for an unknown dataset.
    public func spotPrice(of dataset: DatasetID) -> UInt256? {
        guard let ds = self.dataset(dataset) else { return nil }
        let (data, base) = ds.reserves
        return try? UInt256.mulDiv(base, Self.unit, data)
    }

    /// One whole token, 10^18 raw units.
    public static let unit = UInt256(1_000_000_000_000_000_000 as UInt64)

    /// What `order` would cost now: the fee in base token and the data tokens consumed.
    /// - Throws: as ``Transaction/submitTask(_:)`` does for checks that do not depend on balances.
    public func quoteTask(_ order: TaskOrder) throws(MarketError) -> (fee: UInt256, dataTokens: UInt256) {
        guard let ds = dataset(order.dataset) else { throw .unknownDataset(order.dataset) }
        return try Self.price(order, in: ds)
    }

    /// Where every raw unit of every token is, ordered by token.
    public func supplyAudit() -> [SupplyAudit] {
        var accounts: [TokenID: UInt256] = [:], pools: [TokenID: UInt256] = [:]
        var reserves: [TokenID: UInt256] = [:], ownerPools: [TokenID: UInt256] = [:]
        var escrow: [TokenID: UInt256] = [:], staked: [TokenID: UInt256] = [:], reviewPools: [TokenID: UInt256] = [:]
        let fees: [TokenID: UInt256] = [baseToken: computeFees]
        var overflow = false
        func add(_ table: inout [TokenID: UInt256], _ token: TokenID, _ amount: UInt256) {
            let (sum, o) = (table[token] ?? .zero).addingReportingOverflow(amount)
            overflow = overflow || o
            table[token] = sum
        }
        for value in baseBalances.values { add(&accounts, baseToken, value) }
        for (key, value) in dataBalances { add(&accounts, datasetList[key.slot].id.token, value) }
        for ds in datasetList {
            let data = ds.id.token
            let (dataHeld, baseHeld) = ds.dataIsToken0
                ? (ds.pool.balance0, ds.pool.balance1) : (ds.pool.balance1, ds.pool.balance0)
            add(&pools, data, dataHeld)
            add(&pools, baseToken, baseHeld)
            add(&reserves, data, ds.rewardReserve)
            add(&ownerPools, data, ds.ownerPool)
            add(&escrow, data, ds.rewards.heldJoinRewards)
            add(&escrow, data, ds.rewards.escrowedDataTokens)
            add(&escrow, baseToken, ds.rewards.escrowedFees)
            add(&reviewPools, baseToken, ds.validation.reviewPool)
        }
        // Stakes are summed from the validators' entries, independently of the datasets' totals.
        for stake in stakes.values { add(&staked, baseToken, stake.amount) }
        return tokens.values.sorted { $0.id < $1.id }.map { info in
            let parts = [accounts, pools, reserves, ownerPools, fees, escrow, staked, reviewPools].map { $0[info.id] ?? .zero }
            var sum = UInt256.zero, o = overflow
            for part in parts {
                let (next, carry) = sum.addingReportingOverflow(part)
                (sum, o) = (next, o || carry)
            }
            return SupplyAudit(token: info.id, totalSupply: info.totalSupply, accounts: parts[0], pools: parts[1],
                               rewardReserves: parts[2], ownerPools: parts[3], computeFees: parts[4], escrow: parts[5],
                               stakes: parts[6], reviewPools: parts[7], balanced: !o && sum == info.totalSupply)
        }
    }

    /// True when every pool's liquidity-token balances sum to its liquidity-token supply.
    public var liquidityBalanced: Bool {
        datasetList.allSatisfy { ds in
            var sum = UInt256.zero
            for value in ds.pool.liquidityBalances.values {
                let (s, o) = sum.addingReportingOverflow(value)
                if o { return false }
                sum = s
            }
            return sum == ds.pool.totalSupply
        }
    }

    // MARK: Applying

    /// Applies `tx` signed by `signer` at `time` (seconds).
    /// - Returns: the events, in order.
    /// - Throws: ``MarketError``; the market is then exactly as before.
    public mutating func apply(_ tx: Transaction, by signer: AccountID, at time: UInt64) throws(MarketError) -> [MarketEvent] {
        guard signer.isValid else { throw .invalidAccount(signer.rawValue) }
        switch tx {
        case .transfer(let token, let to, let amount):
            return try transfer(token, from: signer, to: to, amount: amount)
        case .createDataset(let terms):
            return try createDataset(terms, maker: signer, at: time)
        case .fundRewards(let dataset, let amount):
            return try fundRewards(dataset, amount: amount, from: signer)
        case .join(let dataset, let asset):
            do { try asset.validate() } catch { throw .invalidMetadata(error) }
            let events = try join(dataset, asset: CommittedAsset(committing: asset, salt: Self.directJoinSalt),
                                  owner: signer, at: time)
            sealedAssets[AssetKey(dataset: dataset, index: (storedAssets[dataset]?.count ?? 1) - 1)] = asset
            return events
        case .joinCommitted(let dataset, let asset):
            return try join(dataset, asset: asset, owner: signer, at: time)
        case .swap(let dataset, let side, let amount, let deadline):
            return try swap(dataset, side: side, amount: amount, deadline: deadline, trader: signer, at: time)
        case .addLiquidity(let dataset, let dataDesired, let baseDesired, let dataMinimum, let baseMinimum, let deadline):
            return try addLiquidity(dataset, dataDesired: dataDesired, baseDesired: baseDesired, dataMinimum: dataMinimum,
                                    baseMinimum: baseMinimum, deadline: deadline, provider: signer, at: time)
        case .removeLiquidity(let dataset, let liquidity, let dataMinimum, let baseMinimum, let deadline):
            return try removeLiquidity(dataset, liquidity: liquidity, dataMinimum: dataMinimum, baseMinimum: baseMinimum,
                                       deadline: deadline, provider: signer, at: time)
        case .submitTask(let order):
            return try submitTask(order, consumer: signer, at: time)
        case .claim(let dataset):
            return try claim(dataset, owner: signer)
        case .recordAccess(let task, let failed):
            return try recordAccess(task, failed: failed, node: signer, at: time)
        case .recordFederatedResult(let task, let contributors, let digest):
            return try recordFederatedResult(task, contributors: contributors, digest: digest, node: signer, at: time)
        case .withdrawComputeFees:
            guard signer == computeOperator else { throw .notComputeOperator(signer) }
            let amount = computeFees
            guard !amount.isZero else { throw .nothingToClaim }
            computeFees = .zero
            credit(.base, signer, amount)
            return [.computeFeesWithdrawn(node: signer, amount: amount)]
        case .verifyAsset(let dataset, let asset, let verdict):
            return try verifyAsset(dataset, asset: asset, verdict: verdict, node: signer, at: time)
        case .withdrawAsset(let dataset, let asset):
            return try withdrawAsset(dataset, asset: asset, owner: signer)
        case .cancelTask(let task):
            return try cancelTask(task, consumer: signer, at: time)
        case .stake(let dataset, let amount):
            return try stake(dataset, amount: amount, validator: signer)
        case .unstake(let dataset, let amount):
            return try unstake(dataset, amount: amount, validator: signer)
        case .fundReviewPool(let dataset, let amount):
            return try fundReviewPool(dataset, amount: amount, from: signer)
        case .reviewAsset(let dataset, let asset, let score):
            return try reviewAsset(dataset, asset: asset, score: score, validator: signer)
        }
    }

    // MARK: Handlers

    private mutating func transfer(_ token: TokenID, from: AccountID, to: AccountID,
                                   amount: UInt256) throws(MarketError) -> [MarketEvent] {
        guard tokens[token] != nil, let book = bookToken(token) else { throw .unknownToken(token) }
        guard to.isValid else { throw .invalidAccount(to.rawValue) }
        guard !amount.isZero else { throw .zeroAmount }
        try require(book, from, amount)
        if from != to {
            debit(book, from, amount)
            credit(book, to, amount)
        }
        return [.transferred(token: token, from: from, to: to, amount: amount)]
    }

    private mutating func createDataset(_ terms: DatasetTerms, maker: AccountID, at time: UInt64) throws(MarketError) -> [MarketEvent] {
        let id = terms.id
        guard TokenID.isValidSymbol(id.rawValue) else { throw .invalidSymbol(id.rawValue) }
        guard tokens[id.token] == nil, datasetIndex[id] == nil else { throw .symbolTaken(id.rawValue) }
        guard Self.text(terms.title, limit: 200) else { throw .invalidTerms(.title) }
        guard terms.requirements.utf8.count <= 5000, Self.text(terms.requirements.replacingControlNewlines, limit: 5000) else {
            throw .invalidTerms(.requirements)
        }
        guard (1...16).contains(terms.usageScenarios.count), terms.usageScenarios.allSatisfy({ Self.text($0, limit: 200) }) else {
            throw .invalidTerms(.usageScenarios)
        }
        guard (terms.description ?? "").utf8.count <= 5000,
              (terms.description ?? "").isEmpty || Self.text(terms.description!.replacingControlNewlines, limit: 5000) else {
            throw .invalidTerms(.description)
        }
        guard (terms.keywords ?? []).count <= AssetMetadata.maxKeywords,
              (terms.keywords ?? []).allSatisfy({ Self.text($0, limit: AssetMetadata.maxKeywordLength) }) else {
            throw .invalidTerms(.keywords)
        }
        guard terms.license.map({ Self.text($0, limit: AssetMetadata.maxLicense) }) ?? true else {
            throw .invalidTerms(.licence)
        }
        if let problem = terms.review?.problem { throw .invalidTerms(.review(problem)) }
        guard terms.dataTokenSupply <= Pair.maxReserve else { throw .invalidTerms(.dataTokenSupply) }
        guard !terms.poolDataTokens.isZero, !terms.poolBaseTokens.isZero else { throw .invalidTerms(.poolDeposits) }
        let (committed, overflow) = terms.poolDataTokens.addingReportingOverflow(terms.rewardReserve)
        guard !overflow, committed <= terms.dataTokenSupply else {
            throw .invalidTerms(.depositsExceedSupply)
        }
        switch terms.pricing {
        case .perUnit(let price), .perUnitWithMinimum(let price, _):
            guard !price.isZero else { throw .invalidTerms(.computePrice) }
        }
        try require(.base, maker, terms.poolBaseTokens)
        var pair: Pair
        let minted: MintResult
        do {
            let (a, b) = (id.token.address, baseToken.address)
            pair = try Pair(address: id.poolAddress, token0: min(a, b), token1: max(a, b), blockTimestamp: time)
            if pair.token0 == a {
                try pair.transferIn(amount0: terms.poolDataTokens, amount1: terms.poolBaseTokens)
            } else {
                try pair.transferIn(amount0: terms.poolBaseTokens, amount1: terms.poolDataTokens)
            }
            minted = try pair.mint(to: maker.address)
        } catch {
            throw .pool(error)
        }
        // Commit.
        tokens[id.token] = TokenInfo(id: id.token, totalSupply: terms.dataTokenSupply, dataset: id)
        let slot = datasetList.count
        datasetIndex[id] = slot
        debit(.base, maker, terms.poolBaseTokens)
        credit(.data(slot: slot), maker, terms.dataTokenSupply - committed)
        datasetList.append(Dataset(
            id: id, maker: maker, title: terms.title, requirements: terms.requirements,
            usageScenarios: terms.usageScenarios, description: terms.description ?? "", keywords: terms.keywords ?? [],
            license: terms.license ?? "", review: terms.review, rewardPerJoin: terms.rewardPerJoin, pricing: terms.pricing,
            createdAt: time, dataIsToken0: pair.token0 == id.token.address, pool: pair,
            rewards: RewardAccounting(rewardReserve: terms.rewardReserve)))
        return [.datasetCreated(dataset: id, maker: maker, supply: terms.dataTokenSupply, poolData: terms.poolDataTokens,
                                poolBase: terms.poolBaseTokens, liquidity: minted.liquidity)]
    }

    private mutating func fundRewards(_ id: DatasetID, amount: UInt256, from account: AccountID) throws(MarketError) -> [MarketEvent] {
        let slot = try slot(id)
        guard !amount.isZero else { throw .zeroAmount }
        try require(.data(slot: slot), account, amount)
        debit(.data(slot: slot), account, amount)
        datasetList[slot].rewards.rewardReserve += amount
        return [.rewardsFunded(dataset: id, from: account, amount: amount)]
    }

    private mutating func join(_ id: DatasetID, asset: CommittedAsset, owner: AccountID, at time: UInt64) throws(MarketError) -> [MarketEvent] {
        let slot = try slot(id)
        let ds = datasetList[slot]
        do { try asset.validate() } catch { throw .invalidMetadata(error) }
        guard ds.assetCount < Self.maxAssetsPerDataset else { throw .datasetFull(id) }
        let reward = ds.rewardPerJoin
        guard ds.rewardReserve >= reward else {
            throw .rewardReserveExhausted(dataset: id, reserve: ds.rewardReserve, needed: reward)
        }
        // Commit: the asset waits for verification; its join reward is set aside, not paid.
        let index = ds.assetCount
        storedAssets[id, default: []].append(StoredAsset(index: index, owner: owner, joinedAt: time, asset: asset,
                                                         heldReward: reward))
        datasetList[slot].rewards.assetCount = index + 1
        datasetList[slot].rewards.rewardReserve = ds.rewardReserve - reward
        datasetList[slot].rewards.heldJoinRewards += reward
        return [.joined(dataset: id, owner: owner, asset: index, records: asset.records, reward: reward)]
    }

    private mutating func swap(_ id: DatasetID, side: SwapSide, amount: SwapAmount, deadline: UInt64,
                               trader: AccountID, at time: UInt64) throws(MarketError) -> [MarketEvent] {
        try Self.check(deadline, time)
        let index = try slot(id)
        let dataIs0 = datasetList[index].dataIsToken0
        var pair = datasetList[index].pool
        let (reserveData, reserveBase) = dataIs0 ? (pair.reserve0, pair.reserve1) : (pair.reserve1, pair.reserve0)
        let data = BookToken.data(slot: index)
        let (tokenIn, tokenOut) = side == .buyDataToken ? (BookToken.base, data) : (data, BookToken.base)
        let (reserveIn, reserveOut) = side == .buyDataToken ? (reserveBase, reserveData) : (reserveData, reserveBase)
        let amountIn: UInt256, amountOut: UInt256
        do {
            switch amount {
            case .exactIn(let input, let minimumOut):
                guard !input.isZero else { throw MarketError.zeroAmount }
                amountIn = input
                amountOut = try Self.pool { () throws(AMMError) in
                    try ConstantProduct.amountOut(amountIn: input, reserveIn: reserveIn, reserveOut: reserveOut)
                }
                guard amountOut >= minimumOut else { throw MarketError.slippage(minimum: minimumOut, actual: amountOut) }
            case .exactOut(let output, let maximumIn):
                guard !output.isZero else { throw MarketError.zeroAmount }
                amountOut = output
                amountIn = try Self.pool { () throws(AMMError) in
                    try ConstantProduct.amountIn(amountOut: output, reserveIn: reserveIn, reserveOut: reserveOut)
                }
                guard amountIn <= maximumIn else { throw MarketError.excessiveInput(maximum: maximumIn, actual: amountIn) }
            }
        } catch let error as MarketError {
            throw error
        } catch {
            throw .arithmeticOverflow
        }
        try require(tokenIn, trader, amountIn)
        pair.blockTimestamp = time
        _ = try Self.pool { () throws(AMMError) in
            let inIsToken0 = (side == .sellDataToken) == dataIs0
            try pair.transferIn(amount0: inIsToken0 ? amountIn : .zero, amount1: inIsToken0 ? .zero : amountIn)
            return try pair.swap(amount0Out: inIsToken0 ? .zero : amountOut, amount1Out: inIsToken0 ? amountOut : .zero,
                                 to: trader.address)
        }
        // Commit.
        debit(tokenIn, trader, amountIn)
        credit(tokenOut, trader, amountOut)
        datasetList[index].pool = pair
        let after = dataIs0 ? (data: pair.reserve0, base: pair.reserve1) : (data: pair.reserve1, base: pair.reserve0)
        return [.swapped(dataset: id, trader: trader, side: side, amountIn: amountIn, amountOut: amountOut,
                         reserveData: after.data, reserveBase: after.base)]
    }

    private mutating func addLiquidity(_ id: DatasetID, dataDesired: UInt256, baseDesired: UInt256, dataMinimum: UInt256,
                                       baseMinimum: UInt256, deadline: UInt64, provider: AccountID,
                                       at time: UInt64) throws(MarketError) -> [MarketEvent] {
        try Self.check(deadline, time)
        let slot = try slot(id)
        let ds = datasetList[slot]
        guard !dataDesired.isZero, !baseDesired.isZero else { throw .zeroAmount }
        let (reserveData, reserveBase) = ds.reserves
        let baseOptimal = try Self.pool { () throws(AMMError) in
            try ConstantProduct.quote(amountA: dataDesired, reserveA: reserveData, reserveB: reserveBase)
        }
        let data: UInt256, base: UInt256
        if baseOptimal <= baseDesired {
            guard baseOptimal >= baseMinimum else { throw .slippage(minimum: baseMinimum, actual: baseOptimal) }
            (data, base) = (dataDesired, baseOptimal)
        } else {
            let dataOptimal = try Self.pool { () throws(AMMError) in
                try ConstantProduct.quote(amountA: baseDesired, reserveA: reserveBase, reserveB: reserveData)
            }
            guard dataOptimal >= dataMinimum, dataOptimal <= dataDesired else {
                throw .slippage(minimum: dataMinimum, actual: dataOptimal)
            }
            (data, base) = (dataOptimal, baseDesired)
        }
        try require(.data(slot: slot), provider, data)
        try require(.base, provider, base)
        var pair = ds.pool
        pair.blockTimestamp = time
        let minted = try Self.pool { () throws(AMMError) in
            let dataIs0 = ds.dataIsToken0
            try pair.transferIn(amount0: dataIs0 ? data : base, amount1: dataIs0 ? base : data)
            return try pair.mint(to: provider.address)
        }
        // Commit.
        debit(.data(slot: slot), provider, data)
        debit(.base, provider, base)
        datasetList[slot].pool = pair
        return [.liquidityAdded(dataset: id, provider: provider, data: data, base: base, liquidity: minted.liquidity)]
    }

    private mutating func removeLiquidity(_ id: DatasetID, liquidity: UInt256, dataMinimum: UInt256, baseMinimum: UInt256,
                                          deadline: UInt64, provider: AccountID,
                                          at time: UInt64) throws(MarketError) -> [MarketEvent] {
        try Self.check(deadline, time)
        let slot = try slot(id)
        let ds = datasetList[slot]
        guard !liquidity.isZero else { throw .zeroAmount }
        var pair = ds.pool
        pair.blockTimestamp = time
        let burned = try Self.pool { () throws(AMMError) in
            try pair.transferLiquidity(from: provider.address, to: pair.address, amount: liquidity)
            return try pair.burn(to: provider.address)
        }
        let (data, base) = ds.dataIsToken0 ? (burned.amount0, burned.amount1) : (burned.amount1, burned.amount0)
        guard data >= dataMinimum else { throw .slippage(minimum: dataMinimum, actual: data) }
        guard base >= baseMinimum else { throw .slippage(minimum: baseMinimum, actual: base) }
        // Commit.
        credit(.data(slot: slot), provider, data)
        credit(.base, provider, base)
        datasetList[slot].pool = pair
        return [.liquidityRemoved(dataset: id, provider: provider, data: data, base: base, liquidity: liquidity)]
    }

    /// The fee and the data tokens a task costs on `ds` now.
    ///
    /// Data tokens = `ceil(fee · reserveData / reserveBase)`: the fee's worth at the pool's spot price
    /// (no swap, no price impact), rounded up in the owners' favour.
    static func price(_ order: TaskOrder, in ds: Dataset) throws(MarketError) -> (fee: UInt256, dataTokens: UInt256) {
        let (reserveData, reserveBase) = ds.reserves
        return try price(order, rewards: ds.rewards, pricing: ds.pricing, reserveData: reserveData,
                         reserveBase: reserveBase)
    }

    /// Prices `order` against a dataset's verified records (the rows a task may read) and shares (someone to pay).
    static func price(_ order: TaskOrder, rewards: RewardAccounting, pricing: PricingRule, reserveData: UInt256,
                      reserveBase: UInt256) throws(MarketError) -> (fee: UInt256, dataTokens: UInt256) {
        guard rewards.totalShares > 0 else { throw .noOwners(order.dataset) }
        let c = order.complexity
        let records = rewards.verifiedRecords
        guard c.rows >= 1, c.rows <= records else {
            throw .invalidComplexity(.rows(verifiedRecords: records))
        }
        guard (1...TaskComplexity.maxOperationsPerRow).contains(c.operationsPerRow) else {
            throw .invalidComplexity(.operationsPerRow)
        }
        let fee = try pricing.fee(for: c)
        guard !fee.isZero else { throw .zeroAmount }
        guard let dataTokens = TaskArithmetic.mulDivUp(fee, reserveData, reserveBase) else {
            throw .arithmeticOverflow
        }
        return (fee, dataTokens)
    }

    private mutating func claim(_ id: DatasetID, owner: AccountID) throws(MarketError) -> [MarketEvent] {
        let slot = try slot(id)
        let ds = datasetList[slot]
        let key = PositionKey(dataset: id, account: owner)
        guard var position = positions[key] else { throw .nothingToClaim }
        let amount = Self.pending(position, acc: ds.accRewardPerShare)
        guard !amount.isZero else { throw .nothingToClaim }
        // Claims never exceed what tasks paid in (debts round up, accruals round down); checked anyway.
        guard ds.ownerPool >= amount else { throw .arithmeticOverflow }
        position.owed = .zero
        position.rewardDebt = Swift.max(position.rewardDebt, Self.accrued(position.shares, ds.accRewardPerShare).floor)
        position.claimed += amount
        // Commit.
        positions[key] = position
        datasetList[slot].rewards.ownerPool = ds.ownerPool - amount
        datasetList[slot].rewards.totalClaimed = ds.totalClaimed + amount
        credit(.data(slot: slot), owner, amount)
        return [.claimed(dataset: id, owner: owner, amount: amount)]
    }

    /// Runs a pool computation, mapping its error.
    @inline(__always)
    static func pool<T>(_ body: () throws(AMMError) -> T) throws(MarketError) -> T {
        do { return try body() } catch { throw .pool(error) }
    }
}

extension String {
    /// The text with line breaks and tabs turned into spaces (for validating multi-line fields).
    var replacingControlNewlines: String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0 == "\n" || $0 == "\t" ? " " : $0 }))
    }
}
