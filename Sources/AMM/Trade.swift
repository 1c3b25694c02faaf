import DataFiBigNum

/// A snapshot of one pool's tokens and reserves: what route search and quoting read (v2-sdk's `Pair`
/// entity).
public struct PoolReserves: Sendable, Hashable {
    /// The pair's address.
    public let address: Address
    /// The pair's first token.
    public let token0: Address
    /// The pair's second token.
    public let token1: Address
    /// Reserve of token0.
    public let reserve0: UInt256
    /// Reserve of token1.
    public let reserve1: UInt256

    /// A snapshot with explicit values.
    public init(address: Address, token0: Address, token1: Address, reserve0: UInt256, reserve1: UInt256) {
        self.address = address
        self.token0 = token0
        self.token1 = token1
        self.reserve0 = reserve0
        self.reserve1 = reserve1
    }

    /// A snapshot of a pair's current reserves.
    public init(_ pair: Pair) {
        self.init(address: pair.address, token0: pair.token0, token1: pair.token1,
                  reserve0: pair.reserve0, reserve1: pair.reserve1)
    }

    /// True when `token` is one of the pool's two tokens.
    public func involves(_ token: Address) -> Bool { token == token0 || token == token1 }

    /// The other token of the pool, or `nil` when `token` is not in it.
    public func otherToken(_ token: Address) -> Address? {
        token == token0 ? token1 : token == token1 ? token0 : nil
    }

    /// `(reserveIn, reserveOut)` for a trade that pays `tokenIn`, or `nil` when `tokenIn` is not in the pool.
    @inline(__always)
    public func reserves(selling tokenIn: Address) -> (reserveIn: UInt256, reserveOut: UInt256)? {
        tokenIn == token0 ? (reserve0, reserve1) : tokenIn == token1 ? (reserve1, reserve0) : nil
    }
}

/// A path of pools from an input token to an output token (v2-sdk's `Route`).
public struct Route: Sendable, Hashable {
    /// The pools in trading order.
    public let pools: [PoolReserves]
    /// The tokens in trading order; one more than ``pools``.
    public let path: [Address]
    // Reserves per hop, ordered (in, out), resolved once so quoting does no lookups.
    private let hopReserves: [(UInt256, UInt256)]

    /// A route through `pools` starting from `input`.
    /// - Throws: ``AMMError/invalidPath`` when `pools` is empty or a pool does not hold the current token.
    public init(pools: [PoolReserves], input: Address) throws(AMMError) {
        guard !pools.isEmpty else { throw .invalidPath }
        var path = [input]
        var reserves: [(UInt256, UInt256)] = []
        path.reserveCapacity(pools.count + 1)
        reserves.reserveCapacity(pools.count)
        var current = input
        for pool in pools {
            guard let next = pool.otherToken(current), let pair = pool.reserves(selling: current) else {
                throw .invalidPath
            }
            reserves.append(pair)
            path.append(next)
            current = next
        }
        self.pools = pools
        self.path = path
        self.hopReserves = reserves
    }

    /// The token paid in.
    public var input: Address { path[0] }
    /// The token received.
    public var output: Address { path[path.count - 1] }

    /// Amounts at each token of the path for an exact input (V2's `getAmountsOut`).
    /// - Throws: as ``ConstantProduct/amountOut(amountIn:reserveIn:reserveOut:)``.
    public func amountsOut(amountIn: UInt256) throws(AMMError) -> [UInt256] {
        var amounts: [UInt256] = []
        amounts.reserveCapacity(path.count)
        amounts.append(amountIn)
        var amount = amountIn
        for (reserveIn, reserveOut) in hopReserves {
            amount = try ConstantProduct.amountOut(amountIn: amount, reserveIn: reserveIn, reserveOut: reserveOut)
            amounts.append(amount)
        }
        return amounts
    }

    /// The final output for an exact input, without building the per-hop list (allocation-free).
    /// - Throws: as ``ConstantProduct/amountOut(amountIn:reserveIn:reserveOut:)``.
    @inline(__always)
    public func outputAmount(forInput amountIn: UInt256) throws(AMMError) -> UInt256 {
        var amount = amountIn
        for (reserveIn, reserveOut) in hopReserves {
            amount = try ConstantProduct.amountOut(amountIn: amount, reserveIn: reserveIn, reserveOut: reserveOut)
        }
        return amount
    }

    /// Amounts at each token of the path for an exact output (V2's `getAmountsIn`).
    /// - Throws: as ``ConstantProduct/amountIn(amountOut:reserveIn:reserveOut:)``.
    public func amountsIn(amountOut: UInt256) throws(AMMError) -> [UInt256] {
        var amounts = [UInt256](repeating: .zero, count: path.count)
        amounts[path.count - 1] = amountOut
        var amount = amountOut
        for index in stride(from: hopReserves.count - 1, through: 0, by: -1) {
            let (reserveIn, reserveOut) = hopReserves[index]
            amount = try ConstantProduct.amountIn(amountOut: amount, reserveIn: reserveIn, reserveOut: reserveOut)
            amounts[index] = amount
        }
        return amounts
    }

    /// The mid price as an exact fraction `(Π reserveOut, Π reserveIn)` (output per input, no fee).
    var midPriceFraction: (numerator: BigInt, denominator: BigInt) {
        var numerator = BigInt.one, denominator = BigInt.one
        for (reserveIn, reserveOut) in hopReserves {
            numerator = numerator * BigInt(reserveOut)
            denominator = denominator * BigInt(reserveIn)
        }
        return (numerator, denominator)
    }

    /// The mid price in output per input, as a `Double` (for display).
    public var midPrice: Double {
        let (n, d) = midPriceFraction
        return PriceImpact(numerator: n, denominator: d).doubleValue
    }

    /// Routes are equal when they use the same pools in the same direction.
    public static func == (lhs: Route, rhs: Route) -> Bool { lhs.pools == rhs.pools && lhs.path == rhs.path }
    /// Hashes the pools and the path.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(pools)
        hasher.combine(path)
    }
}

/// Whether a trade fixes its input or its output.
public enum TradeType: Sendable, Hashable {
    /// The input amount is fixed; the output is the most the route gives.
    case exactInput
    /// The output amount is fixed; the input is the least the route needs.
    case exactOutput
}

/// A trade along a route with its amounts and price impact (v2-sdk's `Trade`).
public struct Trade: Sendable, Hashable {
    /// The route.
    public let route: Route
    /// Which side is fixed.
    public let tradeType: TradeType
    /// Amounts at each token of the path.
    public let amounts: [UInt256]
    /// The exact fraction by which the output falls short of the mid-price quote (fee included).
    public let priceImpact: PriceImpact

    /// Input amount (first of ``amounts``).
    public var inputAmount: UInt256 { amounts[0] }
    /// Output amount (last of ``amounts``).
    public var outputAmount: UInt256 { amounts[amounts.count - 1] }
    /// Output per input, as a `Double` (for display).
    public var executionPrice: Double {
        PriceImpact(numerator: BigInt(outputAmount), denominator: BigInt(inputAmount)).doubleValue
    }

    /// The trade that spends exactly `amountIn` along `route`.
    /// - Throws: as ``Route/amountsOut(amountIn:)``.
    public static func exactInput(route: Route, amountIn: UInt256) throws(AMMError) -> Trade {
        Trade(route: route, tradeType: .exactInput, amounts: try route.amountsOut(amountIn: amountIn))
    }

    /// The trade that receives exactly `amountOut` along `route`.
    /// - Throws: as ``Route/amountsIn(amountOut:)``.
    public static func exactOutput(route: Route, amountOut: UInt256) throws(AMMError) -> Trade {
        Trade(route: route, tradeType: .exactOutput, amounts: try route.amountsIn(amountOut: amountOut))
    }

    private init(route: Route, tradeType: TradeType, amounts: [UInt256]) {
        self.route = route
        self.tradeType = tradeType
        self.amounts = amounts
        // impact = (mid·in − out) / (mid·in) = (n·in − out·d) / (n·in) with mid = n/d.
        let (n, d) = route.midPriceFraction
        let quote = n * BigInt(amounts[0])
        let received = BigInt(amounts[amounts.count - 1]) * d
        let shortfall = quote > received ? quote - received : BigInt.zero
        priceImpact = PriceImpact(numerator: shortfall, denominator: quote)
    }

    /// The least output to accept with a slippage tolerance (v2-sdk's `minimumAmountOut`):
    /// `⌊output / (1 + tolerance)⌋` for exact-input trades, the exact output otherwise.
    /// - Parameter slippageBasisPoints: the tolerance in 1/10000 (50 = 0.5%).
    public func minimumAmountOut(slippageBasisPoints: UInt32) -> UInt256 {
        guard tradeType == .exactInput else { return outputAmount }
        let scale = UInt256(10_000 as UInt64)
        // output · 10000 / (10000 + bps) is below output, so it always fits.
        return (try? UInt256.mulDiv(outputAmount, scale, scale + UInt256(UInt64(slippageBasisPoints)))) ?? outputAmount
    }

    /// The most input to allow with a slippage tolerance (v2-sdk's `maximumAmountIn`):
    /// `⌊input · (1 + tolerance)⌋` for exact-output trades, the exact input otherwise.
    /// - Parameter slippageBasisPoints: the tolerance in 1/10000 (50 = 0.5%).
    /// - Throws: ``AMMError/mathOverflow`` when the bound exceeds 2^256 − 1.
    public func maximumAmountIn(slippageBasisPoints: UInt32) throws(AMMError) -> UInt256 {
        guard tradeType == .exactOutput else { return inputAmount }
        let scale = UInt256(10_000 as UInt64)
        do {
            return try UInt256.mulDiv(inputAmount, scale + UInt256(UInt64(slippageBasisPoints)), scale)
        } catch {
            throw .mathOverflow
        }
    }

    /// v2-sdk's `tradeComparator`: more output first, then less input, then lower price impact, then
    /// fewer hops. Returns true when `lhs` is the better trade.
    public static func isBetter(_ lhs: Trade, than rhs: Trade) -> Bool {
        if lhs.outputAmount != rhs.outputAmount { return lhs.outputAmount > rhs.outputAmount }
        if lhs.inputAmount != rhs.inputAmount { return lhs.inputAmount < rhs.inputAmount }
        if lhs.priceImpact != rhs.priceImpact { return lhs.priceImpact < rhs.priceImpact }
        return lhs.route.path.count < rhs.route.path.count
    }

    private static func insert(_ trade: Trade, into best: inout [Trade], limit: Int) {
        let index = best.firstIndex { isBetter(trade, than: $0) } ?? best.count
        guard index < limit else { return }
        best.insert(trade, at: index)
        if best.count > limit { best.removeLast() }
    }

    /// The best trades spending exactly `amountIn` of `tokenIn` for `tokenOut` over routes of at most
    /// `maxHops` pools, best first (v2-sdk's `bestTradeExactIn`: a depth-first search that uses each pool
    /// at most once per route and skips empty pools and hops whose output would be zero).
    /// - Returns: up to `maxResults` trades; empty when no route exists.
    public static func bestTradesExactInput(pools: [PoolReserves], amountIn: UInt256, tokenIn: Address,
                                            tokenOut: Address, maxResults: Int = 3, maxHops: Int = 3) -> [Trade] {
        var best: [Trade] = []
        guard maxResults > 0, maxHops > 0, !amountIn.isZero else { return best }
        var used = [Bool](repeating: false, count: pools.count)
        var current: [PoolReserves] = []
        func search(amount: UInt256, token: Address, hopsLeft: Int) {
            for index in pools.indices where !used[index] {
                let pool = pools[index]
                guard let (reserveIn, reserveOut) = pool.reserves(selling: token),
                      !reserveIn.isZero, !reserveOut.isZero,
                      let out = try? ConstantProduct.amountOut(amountIn: amount, reserveIn: reserveIn, reserveOut: reserveOut),
                      !out.isZero, let next = pool.otherToken(token) else { continue }
                current.append(pool)
                if next == tokenOut {
                    if let route = try? Route(pools: current, input: tokenIn),
                       let trade = try? Trade.exactInput(route: route, amountIn: amountIn) {
                        insert(trade, into: &best, limit: maxResults)
                    }
                } else if hopsLeft > 1 {
                    used[index] = true
                    search(amount: out, token: next, hopsLeft: hopsLeft - 1)
                    used[index] = false
                }
                current.removeLast()
            }
        }
        search(amount: amountIn, token: tokenIn, hopsLeft: maxHops)
        return best
    }

    /// The best trades receiving exactly `amountOut` of `tokenOut` for `tokenIn` over routes of at most
    /// `maxHops` pools, best first (v2-sdk's `bestTradeExactOut`; hops whose output would drain the reserve
    /// are skipped).
    /// - Returns: up to `maxResults` trades; empty when no route exists.
    public static func bestTradesExactOutput(pools: [PoolReserves], tokenIn: Address, amountOut: UInt256,
                                             tokenOut: Address, maxResults: Int = 3, maxHops: Int = 3) -> [Trade] {
        var best: [Trade] = []
        guard maxResults > 0, maxHops > 0, !amountOut.isZero else { return best }
        var used = [Bool](repeating: false, count: pools.count)
        var current: [PoolReserves] = []   // reversed: last hop first
        func search(amount: UInt256, token: Address, hopsLeft: Int) {
            for index in pools.indices where !used[index] {
                let pool = pools[index]
                guard let previous = pool.otherToken(token),
                      let (reserveIn, reserveOut) = pool.reserves(selling: previous),
                      !reserveIn.isZero, !reserveOut.isZero, amount < reserveOut,
                      let needed = try? ConstantProduct.amountIn(amountOut: amount, reserveIn: reserveIn, reserveOut: reserveOut)
                else { continue }
                current.append(pool)
                if previous == tokenIn {
                    if let route = try? Route(pools: current.reversed(), input: tokenIn),
                       let trade = try? Trade.exactOutput(route: route, amountOut: amountOut) {
                        insert(trade, into: &best, limit: maxResults)
                    }
                } else if hopsLeft > 1 {
                    used[index] = true
                    search(amount: needed, token: previous, hopsLeft: hopsLeft - 1)
                    used[index] = false
                }
                current.removeLast()
            }
        }
        search(amount: amountOut, token: tokenOut, hopsLeft: maxHops)
        return best
    }
}

/// A price impact: the exact fraction `(midPrice · input − output) / (midPrice · input)` of a trade, as
/// v2-sdk's `computePriceImpact` defines it (it includes the 0.30% fee).
public struct PriceImpact: Sendable, Hashable, Comparable, CustomStringConvertible {
    let numerator: BigInt
    let denominator: BigInt

    /// `numerator / denominator`; both are non-negative.
    init(numerator: BigInt, denominator: BigInt) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The impact in basis points (1/10000), floored; 0...10000 for any V2 trade.
    public var basisPoints: Int {
        // Largest b in 0...10000 with b · denominator ≤ numerator · 10000 (exact).
        let cap = 10_000
        if denominator.isZero { return cap }
        let quotient = (numerator * BigInt(cap)) / denominator
        return quotient >= BigInt(cap) ? cap : (quotient.intValue ?? cap)
    }

    /// The impact as a fraction of one (for display; rounded).
    public var doubleValue: Double {
        // Each side keeps its top 64 bits as `top · 2^exponent`; the quotient of the tops is scaled back
        // by the exponent difference, so neither side's size limits the range or the precision.
        func split(_ value: BigInt) -> (top: Double, exponent: Int) {
            let shift = Swift.max(0, value.bitCount - 64)
            return (Double(UInt64(truncatingIfNeeded: value >> shift)), shift)
        }
        guard !denominator.isZero else { return 0 }
        let n = split(numerator), d = split(denominator)
        return Double(sign: .plus, exponent: n.exponent - d.exponent, significand: n.top / d.top)
    }

    /// The exact numerator in decimal.
    public var numeratorDescription: String { numerator.description }
    /// The exact denominator in decimal.
    public var denominatorDescription: String { denominator.description }

    /// Compares the exact fractions.
    public static func < (lhs: PriceImpact, rhs: PriceImpact) -> Bool {
        lhs.numerator * rhs.denominator < rhs.numerator * lhs.denominator
    }

    /// Equality of the exact fractions (not of their representations).
    public static func == (lhs: PriceImpact, rhs: PriceImpact) -> Bool {
        lhs.numerator * rhs.denominator == rhs.numerator * lhs.denominator
    }

    /// Hashes the basis points (consistent with `==` since equal fractions have equal basis points).
    public func hash(into hasher: inout Hasher) { hasher.combine(basisPoints) }

    /// `"<numerator>/<denominator>"`.
    public var description: String { "\(numerator.description)/\(denominator.description)" }
}
