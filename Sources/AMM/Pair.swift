import DataFiBigNum

/// A Uniswap V2 constant-product pair: the pool state machine.
///
/// The pair holds balances of its two tokens (``balance0``, ``balance1``) and remembers the reserves
/// (``reserve0``, ``reserve1``) as of its last update. As in V2, tokens are first transferred to the pair
/// (``transferIn(amount0:amount1:)``) and then an operation settles the difference between balances and
/// reserves: ``mint(to:)`` turns a deposit into liquidity tokens, ``burn(to:)`` pays out the pair's own
/// liquidity tokens pro rata, ``swap(amount0Out:amount1Out:to:)`` sends output and checks the fee-adjusted
/// constant product, ``skim(to:)`` and ``sync()`` reconcile balances and reserves. Tokens leaving the pair
/// are reported in each result; whoever holds the pair credits the recipient (unless the recipient is
/// the pair's own ``address``, in which case the tokens stay).
///
/// The pair is also the ERC-20 ledger of its liquidity tokens (``totalSupply``,
/// ``liquidityBalance(of:)``, ``transferLiquidity(from:to:amount:)``), keeps V2's price accumulators over
/// 32-bit block times, and mints the optional protocol fee to ``feeTo``.
///
/// Every mutating operation either completes or throws ``AMMError`` and leaves the value exactly as it
/// was. Block time is an input: set ``blockTimestamp`` (seconds) before operating.
public struct Pair: Sendable, Hashable {
    /// Liquidity permanently locked to ``Address/zero`` by the first mint (10^3).
    public static let minimumLiquidity = UInt256(1000 as UInt64)
    /// The largest reserve a pair can hold, 2^112 − 1 (V2's `uint112`).
    public static let maxReserve = (UInt256.one << 112) &- .one

    /// The pair's own address (where its liquidity tokens are sent to be burned).
    public let address: Address
    /// The first token.
    public let token0: Address
    /// The second token.
    public let token1: Address

    /// Reserve of token0 as of the last update (at most 2^112 − 1).
    public internal(set) var reserve0: UInt256 = .zero
    /// Reserve of token1 as of the last update (at most 2^112 − 1).
    public internal(set) var reserve1: UInt256 = .zero
    /// Block time of the last update, modulo 2^32 (seconds).
    public internal(set) var blockTimestampLast: UInt32 = 0
    /// Sum over time of the price of token0 in token1 (UQ112x112 · seconds), wrapping modulo 2^256.
    public internal(set) var price0CumulativeLast: UInt256 = .zero
    /// Sum over time of the price of token1 in token0 (UQ112x112 · seconds), wrapping modulo 2^256.
    public internal(set) var price1CumulativeLast: UInt256 = .zero
    /// `reserve0 · reserve1` right after the last liquidity event while the protocol fee is on; zero otherwise.
    public internal(set) var kLast: UInt256 = .zero
    /// Token0 held by the pair (reserve plus anything transferred in since the last update).
    public internal(set) var balance0: UInt256 = .zero
    /// Token1 held by the pair.
    public internal(set) var balance1: UInt256 = .zero
    /// Total supply of liquidity tokens.
    public internal(set) var totalSupply: UInt256 = .zero
    /// Every nonzero liquidity-token balance, by holder.
    public internal(set) var liquidityBalances: [Address: UInt256] = [:]

    /// Recipient of the protocol fee (1/6 of the growth of √k); `nil` or ``Address/zero`` turns it off.
    /// A ``Factory`` sets this from its own `feeTo` before each operation.
    public var feeTo: Address?
    /// The current block time in seconds (a Unix time). Operations read it; nothing advances it.
    public var blockTimestamp: UInt64

    /// Creates an empty pair.
    /// - Parameters:
    ///   - address: the pair's own address.
    ///   - token0: first token (a ``Factory`` passes the smaller address).
    ///   - token1: second token.
    ///   - blockTimestamp: the current block time in seconds.
    /// - Throws: ``AMMError/identicalAddresses`` when the tokens are equal.
    public init(address: Address, token0: Address, token1: Address, blockTimestamp: UInt64 = 0) throws(AMMError) {
        guard token0 != token1 else { throw .identicalAddresses }
        self.address = address
        self.token0 = token0
        self.token1 = token1
        self.blockTimestamp = blockTimestamp
    }

    /// True when the protocol fee is on (``feeTo`` set and not the zero address).
    public var isFeeOn: Bool {
        if let feeTo, !feeTo.isZero { return true }
        return false
    }

    /// V2's `getReserves()`: both reserves and the 32-bit time of the last update.
    public var reserves: (reserve0: UInt256, reserve1: UInt256, blockTimestampLast: UInt32) {
        (reserve0, reserve1, blockTimestampLast)
    }

    /// The liquidity-token balance of `holder`.
    public func liquidityBalance(of holder: Address) -> UInt256 { liquidityBalances[holder] ?? .zero }

    // MARK: Transfers

    /// Transfers tokens into the pair without calling it (the first half of every V2 interaction, or a
    /// donation). Raises ``balance0``/``balance1``; reserves change only at the next update.
    /// - Throws: ``AMMError/mathOverflow`` when a balance would exceed 2^256 − 1.
    public mutating func transferIn(amount0: UInt256 = .zero, amount1: UInt256 = .zero) throws(AMMError) {
        let new0 = try balance0.ammAdding(amount0)
        let new1 = try balance1.ammAdding(amount1)
        balance0 = new0
        balance1 = new1
    }

    /// Moves liquidity tokens between holders (ERC-20 `transfer`). Sending them to ``address`` prepares a
    /// ``burn(to:)``.
    /// - Returns: the `Transfer` event.
    /// - Throws: ``AMMError/mathUnderflow`` when `from` holds less than `amount`; ``AMMError/forbidden``
    ///   when `from` is the zero address (the locked minimum cannot move).
    @discardableResult
    public mutating func transferLiquidity(from: Address, to: Address, amount: UInt256) throws(AMMError) -> PairEvent {
        guard !from.isZero else { throw .forbidden }
        let fromBalance = try liquidityBalance(of: from).ammSubtracting(amount)
        if from != to {
            let toBalance = try liquidityBalance(of: to).ammAdding(amount)
            setLiquidityBalance(fromBalance, of: from)
            setLiquidityBalance(toBalance, of: to)
        }
        return .transfer(from: from, to: to, value: amount)
    }

    private mutating func setLiquidityBalance(_ value: UInt256, of holder: Address) {
        if value.isZero {
            liquidityBalances.removeValue(forKey: holder)
        } else {
            liquidityBalances[holder] = value
        }
    }

    /// Credits newly minted liquidity (total supply was already checked, so this cannot overflow).
    private mutating func creditMinted(_ amount: UInt256, to holder: Address) {
        setLiquidityBalance(liquidityBalance(of: holder) &+ amount, of: holder)
    }

    // MARK: Internal steps (pure: they compute, callers commit)

    /// The 32-bit block time and the accumulators after an update from the given reserves (V2's `_update`
    /// without the writes). Throws ``AMMError/overflow`` when a balance exceeds 2^112 − 1.
    @inline(__always)
    private func accumulated(balance0: UInt256, balance1: UInt256)
        throws(AMMError) -> (timestamp: UInt32, price0: UInt256, price1: UInt256)
    {
        guard balance0 <= Pair.maxReserve && balance1 <= Pair.maxReserve else { throw .overflow }
        let timestamp = UInt32(truncatingIfNeeded: blockTimestamp)
        let elapsed = timestamp &- blockTimestampLast
        var price0 = price0CumulativeLast, price1 = price1CumulativeLast
        if elapsed > 0 && !reserve0.isZero && !reserve1.isZero {
            let seconds = UInt256(UInt64(elapsed))
            // The product never overflows (224 + 32 bits); the sum wraps by design.
            price0 = price0 &+ UQ112x112.ratio(reserve: reserve1, reserve: reserve0).rawValue &* seconds
            price1 = price1 &+ UQ112x112.ratio(reserve: reserve0, reserve: reserve1).rawValue &* seconds
        }
        return (timestamp, price0, price1)
    }

    @inline(__always)
    private mutating func commitUpdate(balance0: UInt256, balance1: UInt256,
                                       accumulated: (timestamp: UInt32, price0: UInt256, price1: UInt256)) {
        self.balance0 = balance0
        self.balance1 = balance1
        reserve0 = balance0
        reserve1 = balance1
        blockTimestampLast = accumulated.timestamp
        price0CumulativeLast = accumulated.price0
        price1CumulativeLast = accumulated.price1
    }

    /// Liquidity V2's `_mintFee` would mint to `feeTo` now (zero when off or when √k did not grow).
    private func protocolFee() throws(AMMError) -> UInt256 {
        guard isFeeOn, !kLast.isZero else { return .zero }
        let rootK = (reserve0 &* reserve1).squareRoot()   // < 2^224: no overflow
        let rootKLast = kLast.squareRoot()
        guard rootK > rootKLast else { return .zero }
        let numerator = try totalSupply.ammMultiplied(by: rootK &- rootKLast)
        let denominator = try rootK.ammMultiplied(by: UInt256(5 as UInt64)).ammAdding(rootKLast)
        return numerator / denominator
    }

    /// The kLast value after a liquidity event with the given new reserves.
    private func nextKLast(_ reserve0: UInt256, _ reserve1: UInt256) -> UInt256 {
        isFeeOn ? reserve0 &* reserve1 : .zero
    }

    // MARK: Mint and burn

    /// Mints liquidity tokens to `to` for the tokens transferred in since the last update (V2's `mint`).
    ///
    /// The first mint credits `√(amount0·amount1) − 1000` and locks 1000 to ``Address/zero``; later mints
    /// credit `min(amount0·supply/reserve0, amount1·supply/reserve1)`. When the protocol fee is on, the fee
    /// is minted to ``feeTo`` first and ``kLast`` is refreshed afterwards.
    /// - Throws: ``AMMError/insufficientLiquidityMinted`` when nothing would be minted;
    ///   ``AMMError/mathUnderflow`` when a first deposit's √ product is below 1000;
    ///   ``AMMError/mathOverflow`` when a product exceeds 256 bits; ``AMMError/overflow`` when a balance
    ///   exceeds 2^112 − 1.
    public mutating func mint(to: Address) throws(AMMError) -> MintResult {
        let amount0 = try balance0.ammSubtracting(reserve0)
        let amount1 = try balance1.ammSubtracting(reserve1)
        let fee = try protocolFee()
        let supply = try totalSupply.ammAdding(fee)
        let liquidity: UInt256
        let firstMint = supply.isZero
        if firstMint {
            liquidity = try amount0.ammMultiplied(by: amount1).squareRoot().ammSubtracting(Pair.minimumLiquidity)
        } else {
            // Reserves are nonzero whenever the supply is: the locked minimum can never be burned.
            guard !reserve0.isZero && !reserve1.isZero else { throw .insufficientLiquidity }
            let liquidity0 = try amount0.ammMultiplied(by: supply) / reserve0
            let liquidity1 = try amount1.ammMultiplied(by: supply) / reserve1
            liquidity = Swift.min(liquidity0, liquidity1)
        }
        guard !liquidity.isZero else { throw .insufficientLiquidityMinted }
        let newSupply = try supply.ammAdding(firstMint ? Pair.minimumLiquidity : .zero).ammAdding(liquidity)
        let update = try accumulated(balance0: balance0, balance1: balance1)

        // Commit.
        var events: [PairEvent] = []
        events.reserveCapacity(5)
        if !fee.isZero, let feeTo {
            creditMinted(fee, to: feeTo)
            events.append(.transfer(from: .zero, to: feeTo, value: fee))
        }
        if firstMint {
            creditMinted(Pair.minimumLiquidity, to: .zero)
            events.append(.transfer(from: .zero, to: .zero, value: Pair.minimumLiquidity))
        }
        creditMinted(liquidity, to: to)
        events.append(.transfer(from: .zero, to: to, value: liquidity))
        totalSupply = newSupply
        commitUpdate(balance0: balance0, balance1: balance1, accumulated: update)
        kLast = nextKLast(reserve0, reserve1)
        events.append(.sync(reserve0: reserve0, reserve1: reserve1))
        events.append(.mint(amount0: amount0, amount1: amount1))
        return MintResult(liquidity: liquidity, amount0: amount0, amount1: amount1,
                          protocolFeeLiquidity: fee, events: events)
    }

    /// Burns the liquidity tokens held by the pair's own ``address`` and pays `to` its pro-rata share
    /// of both balances (V2's `burn`): `amount = liquidity · balance / totalSupply`, floored.
    /// - Throws: ``AMMError/insufficientLiquidityBurned`` when either amount is zero (or the pair has no
    ///   supply); ``AMMError/mathOverflow`` when a product exceeds 256 bits; ``AMMError/overflow`` when a
    ///   remaining balance exceeds 2^112 − 1.
    public mutating func burn(to: Address) throws(AMMError) -> BurnResult {
        let liquidity = liquidityBalance(of: address)
        let fee = try protocolFee()
        let supply = try totalSupply.ammAdding(fee)
        guard !supply.isZero else { throw .insufficientLiquidityBurned }
        let amount0 = try liquidity.ammMultiplied(by: balance0) / supply
        let amount1 = try liquidity.ammMultiplied(by: balance1) / supply
        guard !amount0.isZero && !amount1.isZero else { throw .insufficientLiquidityBurned }
        let keep = to == address
        let newBalance0 = keep ? balance0 : balance0 &- amount0
        let newBalance1 = keep ? balance1 : balance1 &- amount1
        let update = try accumulated(balance0: newBalance0, balance1: newBalance1)

        // Commit.
        var events: [PairEvent] = []
        events.reserveCapacity(4)
        if !fee.isZero, let feeTo {
            creditMinted(fee, to: feeTo)
            events.append(.transfer(from: .zero, to: feeTo, value: fee))
        }
        setLiquidityBalance(.zero, of: address)
        totalSupply = supply &- liquidity
        events.append(.transfer(from: address, to: .zero, value: liquidity))
        commitUpdate(balance0: newBalance0, balance1: newBalance1, accumulated: update)
        kLast = nextKLast(reserve0, reserve1)
        events.append(.sync(reserve0: reserve0, reserve1: reserve1))
        events.append(.burn(amount0: amount0, amount1: amount1, to: to))
        return BurnResult(liquidity: liquidity, amount0: amount0, amount1: amount1,
                          protocolFeeLiquidity: fee, events: events)
    }

    // MARK: Swap

    /// Sends `amount0Out` of token0 and `amount1Out` of token1 to `to`, taking as input whatever was
    /// transferred in since the last update, and checks V2's fee-adjusted invariant
    /// `(balance0·1000 − amount0In·3)·(balance1·1000 − amount1In·3) ≥ reserve0·reserve1·1000²`.
    ///
    /// Allocation-free.
    /// - Throws: ``AMMError/insufficientOutputAmount`` (both outputs zero),
    ///   ``AMMError/insufficientLiquidity`` (an output not below its reserve), ``AMMError/invalidTo``
    ///   (`to` is a token of the pair), ``AMMError/insufficientInputAmount`` (nothing paid in),
    ///   ``AMMError/mathOverflow`` (a fee-adjusted product exceeds 256 bits), ``AMMError/k``,
    ///   ``AMMError/overflow`` (a balance exceeds 2^112 − 1).
    @discardableResult
    public mutating func swap(amount0Out: UInt256, amount1Out: UInt256, to: Address) throws(AMMError) -> SwapResult {
        let (balance0, balance1) = try optimisticBalances(amount0Out: amount0Out, amount1Out: amount1Out, to: to)
        return try settleSwap(balance0: balance0, balance1: balance1,
                              amount0Out: amount0Out, amount1Out: amount1Out, to: to)
    }

    /// A flash swap: sends the output optimistically, calls `callback` (which may pay tokens in through its
    /// ``FlashSwap`` argument), then checks the invariant exactly as ``swap(amount0Out:amount1Out:to:)``.
    ///
    /// The callback cannot reach the pair while it runs (Swift's exclusive access does what V2's `lock`
    /// does), so re-entrancy is impossible by construction.
    /// - Throws: any ``AMMError`` of ``swap(amount0Out:amount1Out:to:)``, or the callback's own error.
    ///   Either way the pair is unchanged.
    @discardableResult
    public mutating func swap(amount0Out: UInt256, amount1Out: UInt256, to: Address,
                              callback: (inout FlashSwap) throws -> Void) throws -> SwapResult {
        var (balance0, balance1) = try optimisticBalances(amount0Out: amount0Out, amount1Out: amount1Out, to: to)
        var flash = FlashSwap(amount0Out: amount0Out, amount1Out: amount1Out, token0: token0, token1: token1)
        try callback(&flash)
        balance0 = try balance0.ammAdding(flash.amount0Paid)
        balance1 = try balance1.ammAdding(flash.amount1Paid)
        return try settleSwap(balance0: balance0, balance1: balance1,
                              amount0Out: amount0Out, amount1Out: amount1Out, to: to)
    }

    @inline(__always)
    private func optimisticBalances(amount0Out: UInt256, amount1Out: UInt256, to: Address)
        throws(AMMError) -> (UInt256, UInt256)
    {
        guard !amount0Out.isZero || !amount1Out.isZero else { throw .insufficientOutputAmount }
        guard amount0Out < reserve0 && amount1Out < reserve1 else { throw .insufficientLiquidity }
        guard to != token0 && to != token1 else { throw .invalidTo }
        if to == address { return (balance0, balance1) }
        // Balances never fall below reserves, and outputs are below reserves.
        return (try balance0.ammSubtracting(amount0Out), try balance1.ammSubtracting(amount1Out))
    }

    @inline(__always)
    private mutating func settleSwap(balance0: UInt256, balance1: UInt256, amount0Out: UInt256,
                                     amount1Out: UInt256, to: Address) throws(AMMError) -> SwapResult {
        let left0 = reserve0 &- amount0Out, left1 = reserve1 &- amount1Out
        let amount0In = balance0 > left0 ? balance0 &- left0 : .zero
        let amount1In = balance1 > left1 ? balance1 &- left1 : .zero
        guard !amount0In.isZero || !amount1In.isZero else { throw .insufficientInputAmount }
        let thousand = UInt256(1000 as UInt64), three = UInt256(3 as UInt64)
        let adjusted0 = try balance0.ammMultiplied(by: thousand).ammSubtracting(amount0In.ammMultiplied(by: three))
        let adjusted1 = try balance1.ammMultiplied(by: thousand).ammSubtracting(amount1In.ammMultiplied(by: three))
        let product = try adjusted0.ammMultiplied(by: adjusted1)
        // reserve0·reserve1·10^6 < 2^244: never overflows.
        guard product >= reserve0 &* reserve1 &* UInt256(1_000_000 as UInt64) else { throw .k }
        let update = try accumulated(balance0: balance0, balance1: balance1)
        commitUpdate(balance0: balance0, balance1: balance1, accumulated: update)
        return SwapResult(amount0In: amount0In, amount1In: amount1In, amount0Out: amount0Out,
                          amount1Out: amount1Out, to: to, reserve0: balance0, reserve1: balance1)
    }

    // MARK: Skim and sync

    /// Sends the balances above the reserves to `to` (V2's `skim`). Reserves and accumulators do not change.
    /// - Throws: never in practice (balances never fall below reserves); ``AMMError/mathUnderflow`` otherwise.
    public mutating func skim(to: Address) throws(AMMError) -> SkimResult {
        let amount0 = try balance0.ammSubtracting(reserve0)
        let amount1 = try balance1.ammSubtracting(reserve1)
        if to != address {
            balance0 = reserve0
            balance1 = reserve1
        }
        return SkimResult(amount0: amount0, amount1: amount1)
    }

    /// Sets the reserves to the balances (V2's `sync`), accumulating prices first.
    /// - Returns: the `Sync` event.
    /// - Throws: ``AMMError/overflow`` when a balance exceeds 2^112 − 1.
    @discardableResult
    public mutating func sync() throws(AMMError) -> PairEvent {
        let update = try accumulated(balance0: balance0, balance1: balance1)
        commitUpdate(balance0: balance0, balance1: balance1, accumulated: update)
        return .sync(reserve0: reserve0, reserve1: reserve1)
    }

    // MARK: Oracle

    /// The price accumulators as they would read now, without writing (V2's
    /// `UniswapV2OracleLibrary.currentCumulativePrices`): the stored values plus the current price times
    /// the seconds since the last update.
    public var currentObservation: PriceObservation {
        let timestamp = UInt32(truncatingIfNeeded: blockTimestamp)
        var price0 = price0CumulativeLast, price1 = price1CumulativeLast
        let elapsed = timestamp &- blockTimestampLast
        if elapsed > 0 && !reserve0.isZero && !reserve1.isZero {
            let seconds = UInt256(UInt64(elapsed))
            price0 = price0 &+ UQ112x112.ratio(reserve: reserve1, reserve: reserve0).rawValue &* seconds
            price1 = price1 &+ UQ112x112.ratio(reserve: reserve0, reserve: reserve1).rawValue &* seconds
        }
        return PriceObservation(timestamp: timestamp, price0Cumulative: price0, price1Cumulative: price1)
    }

    /// The spot price of token0 in token1 (`reserve1 / reserve0`), or `nil` when a reserve is zero.
    public var price0: UQ112x112? {
        reserve0.isZero || reserve1.isZero ? nil : UQ112x112.ratio(reserve: reserve1, reserve: reserve0)
    }

    /// The spot price of token1 in token0 (`reserve0 / reserve1`), or `nil` when a reserve is zero.
    public var price1: UQ112x112? {
        reserve0.isZero || reserve1.isZero ? nil : UQ112x112.ratio(reserve: reserve0, reserve: reserve1)
    }
}
