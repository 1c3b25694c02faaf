import DataFiBigNum

/// V2-periphery's router over a ``Factory`` and a ``TokenLedger``: liquidity at the optimal ratio with
/// minimums, and multi-hop swaps with slippage bounds and a deadline.
///
/// Every mutating operation is all-or-nothing: on any error the router (factory, pairs and ledger) is
/// exactly as before, even when a later hop of a multi-hop swap fails. Operations copy the router
/// first, so they cost O(number of pairs) in addition to the trade itself. Tokens sent to a pair's
/// address are credited to that pair's balance (as in a multi-hop swap); all other recipients are
/// credited in the ledger.
public struct Router: Sendable, Hashable {
    /// The pairs.
    public var factory: Factory
    /// Balances of accounts outside the pairs.
    public var ledger: TokenLedger
    /// The current block time in seconds; set on each pair before it operates and checked against deadlines.
    public var blockTimestamp: UInt64

    /// A router over a factory and a ledger at a block time.
    public init(factory: Factory, ledger: TokenLedger = TokenLedger(), blockTimestamp: UInt64 = 0) {
        self.factory = factory
        self.ledger = ledger
        self.blockTimestamp = blockTimestamp
    }

    // MARK: Read-only quotes

    /// The route along `path` through the factory's current pairs.
    /// - Throws: ``AMMError/invalidPath`` for fewer than two tokens; ``AMMError/pairNotFound``.
    public func route(_ path: [Address]) throws(AMMError) -> Route {
        guard path.count >= 2 else { throw .invalidPath }
        var pools: [PoolReserves] = []
        pools.reserveCapacity(path.count - 1)
        for index in 0..<(path.count - 1) {
            guard let pair = factory.pair(path[index], path[index + 1]) else { throw .pairNotFound }
            pools.append(PoolReserves(pair))
        }
        return try Route(pools: pools, input: path[0])
    }

    /// V2's `getAmountsOut`: amounts at each token of `path` for an exact input.
    /// - Throws: ``AMMError/invalidPath`` for fewer than two tokens; ``AMMError/pairNotFound``;
    ///   ``AMMError/identicalAddresses``; and the errors of ``ConstantProduct/amountOut(amountIn:reserveIn:reserveOut:)``.
    public func amountsOut(amountIn: UInt256, path: [Address]) throws(AMMError) -> [UInt256] {
        guard path.count >= 2 else { throw .invalidPath }
        var amounts: [UInt256] = []
        amounts.reserveCapacity(path.count)
        amounts.append(amountIn)
        var amount = amountIn
        for index in 0..<(path.count - 1) {
            let (reserveIn, reserveOut) = try factory.reserves(selling: path[index], buying: path[index + 1])
            amount = try ConstantProduct.amountOut(amountIn: amount, reserveIn: reserveIn, reserveOut: reserveOut)
            amounts.append(amount)
        }
        return amounts
    }

    /// V2's `getAmountsIn`: amounts at each token of `path` for an exact output.
    /// - Throws: ``AMMError/invalidPath`` for fewer than two tokens; ``AMMError/pairNotFound``;
    ///   ``AMMError/identicalAddresses``; and the errors of ``ConstantProduct/amountIn(amountOut:reserveIn:reserveOut:)``.
    public func amountsIn(amountOut: UInt256, path: [Address]) throws(AMMError) -> [UInt256] {
        guard path.count >= 2 else { throw .invalidPath }
        var amounts = [UInt256](repeating: .zero, count: path.count)
        amounts[path.count - 1] = amountOut
        var amount = amountOut
        for index in stride(from: path.count - 1, to: 0, by: -1) {
            let (reserveIn, reserveOut) = try factory.reserves(selling: path[index - 1], buying: path[index])
            amount = try ConstantProduct.amountIn(amountOut: amount, reserveIn: reserveIn, reserveOut: reserveOut)
            amounts[index - 1] = amount
        }
        return amounts
    }

    /// Snapshots of every pair with nonzero reserves.
    public var pools: [PoolReserves] {
        factory.pairs.filter { !$0.reserve0.isZero && !$0.reserve1.isZero }.map(PoolReserves.init)
    }

    /// The best exact-input trades over all pairs (see ``Trade/bestTradesExactInput(pools:amountIn:tokenIn:tokenOut:maxResults:maxHops:)``).
    public func bestTradesExactInput(amountIn: UInt256, tokenIn: Address, tokenOut: Address,
                                     maxResults: Int = 3, maxHops: Int = 3) -> [Trade] {
        Trade.bestTradesExactInput(pools: pools, amountIn: amountIn, tokenIn: tokenIn, tokenOut: tokenOut,
                                   maxResults: maxResults, maxHops: maxHops)
    }

    /// The best exact-output trades over all pairs (see ``Trade/bestTradesExactOutput(pools:tokenIn:amountOut:tokenOut:maxResults:maxHops:)``).
    public func bestTradesExactOutput(tokenIn: Address, amountOut: UInt256, tokenOut: Address,
                                      maxResults: Int = 3, maxHops: Int = 3) -> [Trade] {
        Trade.bestTradesExactOutput(pools: pools, tokenIn: tokenIn, amountOut: amountOut, tokenOut: tokenOut,
                                    maxResults: maxResults, maxHops: maxHops)
    }

    // MARK: Liquidity

    /// Adds liquidity at the pair's current ratio (creating the pair if needed), paying from `sender` and
    /// minting liquidity tokens to `to` (V2's `addLiquidity`).
    /// - Returns: the amounts deposited and the liquidity minted.
    /// - Throws: ``AMMError/expired``; ``AMMError/insufficientAAmount`` / ``AMMError/insufficientBAmount``
    ///   when the optimal amount of one token is below its minimum; ``AMMError/transferFromFailed``; and the
    ///   errors of ``Pair/mint(to:)``.
    @discardableResult
    public mutating func addLiquidity(tokenA: Address, tokenB: Address, amountADesired: UInt256,
                                      amountBDesired: UInt256, amountAMin: UInt256, amountBMin: UInt256,
                                      from sender: Address, to: Address, deadline: UInt64)
        throws(AMMError) -> (amountA: UInt256, amountB: UInt256, liquidity: UInt256)
    {
        try transaction { (next: inout Router) throws(AMMError) in
            try next.ensure(deadline)
            if next.factory.pairAddress(tokenA, tokenB) == nil {
                try next.factory.createPair(tokenA, tokenB, blockTimestamp: next.blockTimestamp)
            }
            guard let pair = next.factory.pair(tokenA, tokenB) else { throw .pairNotFound }
            let (reserveA, reserveB) = tokenA == pair.token0 ? (pair.reserve0, pair.reserve1) : (pair.reserve1, pair.reserve0)
            let amountA: UInt256, amountB: UInt256
            if reserveA.isZero && reserveB.isZero {
                (amountA, amountB) = (amountADesired, amountBDesired)
            } else {
                let amountBOptimal = try ConstantProduct.quote(amountA: amountADesired, reserveA: reserveA, reserveB: reserveB)
                if amountBOptimal <= amountBDesired {
                    guard amountBOptimal >= amountBMin else { throw .insufficientBAmount }
                    (amountA, amountB) = (amountADesired, amountBOptimal)
                } else {
                    let amountAOptimal = try ConstantProduct.quote(amountA: amountBDesired, reserveA: reserveB, reserveB: reserveA)
                    // V2 asserts this; it holds because quote is monotone.
                    guard amountAOptimal <= amountADesired else { throw .insufficientAAmount }
                    guard amountAOptimal >= amountAMin else { throw .insufficientAAmount }
                    (amountA, amountB) = (amountAOptimal, amountBDesired)
                }
            }
            try next.pay(tokenA, amount: amountA, from: sender, toPair: pair.address)
            try next.pay(tokenB, amount: amountB, from: sender, toPair: pair.address)
            let minted = try next.operate(on: pair.address) { (p: inout Pair) throws(AMMError) in try p.mint(to: to) }
            return (amountA, amountB, minted.liquidity)
        }
    }

    /// Removes `liquidity` of `sender`'s liquidity tokens, paying both tokens to `to` (V2's `removeLiquidity`).
    /// - Returns: the amounts of token A and token B paid out.
    /// - Throws: ``AMMError/expired``; ``AMMError/pairNotFound``; ``AMMError/mathUnderflow`` when `sender`
    ///   holds too few liquidity tokens; the errors of ``Pair/burn(to:)``;
    ///   ``AMMError/insufficientAAmount`` / ``AMMError/insufficientBAmount`` below the minimums.
    @discardableResult
    public mutating func removeLiquidity(tokenA: Address, tokenB: Address, liquidity: UInt256,
                                         amountAMin: UInt256, amountBMin: UInt256,
                                         from sender: Address, to: Address, deadline: UInt64)
        throws(AMMError) -> (amountA: UInt256, amountB: UInt256)
    {
        try transaction { (next: inout Router) throws(AMMError) in
            try next.ensure(deadline)
            guard let address = next.factory.pairAddress(tokenA, tokenB) else { throw .pairNotFound }
            let burned = try next.operate(on: address) { (p: inout Pair) throws(AMMError) in
                try p.transferLiquidity(from: sender, to: p.address, amount: liquidity)
                return (try p.burn(to: to), p.token0, p.token1)
            }
            let (result, token0, token1) = burned
            try next.deliver(token0, amount: result.amount0, to: to, from: address)
            try next.deliver(token1, amount: result.amount1, to: to, from: address)
            let (amountA, amountB) = tokenA == token0 ? (result.amount0, result.amount1) : (result.amount1, result.amount0)
            guard amountA >= amountAMin else { throw .insufficientAAmount }
            guard amountB >= amountBMin else { throw .insufficientBAmount }
            return (amountA, amountB)
        }
    }

    // MARK: Swaps

    /// Sells exactly `amountIn` of `path[0]` for at least `amountOutMin` of the last token, hop by hop
    /// (V2's `swapExactTokensForTokens`).
    /// - Returns: the amounts at each token of the path.
    /// - Throws: ``AMMError/expired``; ``AMMError/insufficientOutputAmount`` below the minimum; the errors
    ///   of ``amountsOut(amountIn:path:)``, ``AMMError/transferFromFailed`` and the pairs' swap errors.
    @discardableResult
    public mutating func swapExactTokensForTokens(amountIn: UInt256, amountOutMin: UInt256, path: [Address],
                                                  from sender: Address, to: Address,
                                                  deadline: UInt64) throws(AMMError) -> [UInt256] {
        try transaction { (next: inout Router) throws(AMMError) in
            try next.ensure(deadline)
            let amounts = try next.amountsOut(amountIn: amountIn, path: path)
            guard amounts[amounts.count - 1] >= amountOutMin else { throw .insufficientOutputAmount }
            try next.executeSwaps(amounts: amounts, path: path, from: sender, to: to)
            return amounts
        }
    }

    /// Buys exactly `amountOut` of the last token of `path` for at most `amountInMax` of `path[0]`
    /// (V2's `swapTokensForExactTokens`).
    /// - Returns: the amounts at each token of the path.
    /// - Throws: ``AMMError/expired``; ``AMMError/excessiveInputAmount`` above the maximum; the errors of
    ///   ``amountsIn(amountOut:path:)``, ``AMMError/transferFromFailed`` and the pairs' swap errors.
    @discardableResult
    public mutating func swapTokensForExactTokens(amountOut: UInt256, amountInMax: UInt256, path: [Address],
                                                  from sender: Address, to: Address,
                                                  deadline: UInt64) throws(AMMError) -> [UInt256] {
        try transaction { (next: inout Router) throws(AMMError) in
            try next.ensure(deadline)
            let amounts = try next.amountsIn(amountOut: amountOut, path: path)
            guard amounts[0] <= amountInMax else { throw .excessiveInputAmount }
            try next.executeSwaps(amounts: amounts, path: path, from: sender, to: to)
            return amounts
        }
    }

    // MARK: Steps

    private mutating func transaction<R>(_ body: (inout Router) throws(AMMError) -> R) throws(AMMError) -> R {
        var next = self
        let result = try body(&next)
        self = next
        return result
    }

    private func ensure(_ deadline: UInt64) throws(AMMError) {
        guard deadline >= blockTimestamp else { throw .expired }
    }

    private mutating func operate<R>(on address: Address,
                                     _ body: (inout Pair) throws(AMMError) -> R) throws(AMMError) -> R {
        let now = blockTimestamp
        return try factory.withPair(at: address) { (pair: inout Pair) throws(AMMError) -> R in
            pair.blockTimestamp = now
            return try body(&pair)
        }
    }

    /// Moves `amount` of `token` from `sender`'s ledger balance into a pair.
    private mutating func pay(_ token: Address, amount: UInt256, from sender: Address,
                              toPair address: Address) throws(AMMError) {
        try ledger.debit(token, from: sender, amount: amount)
        try operate(on: address) { (pair: inout Pair) throws(AMMError) in
            try pair.transferIn(amount0: token == pair.token0 ? amount : .zero,
                                amount1: token == pair.token1 ? amount : .zero)
        }
    }

    /// Credits tokens that left pair `source` to `to`: a pair holding that token, or a ledger account.
    private mutating func deliver(_ token: Address, amount: UInt256, to: Address,
                                  from source: Address) throws(AMMError) {
        if to == source || amount.isZero { return }   // a pair paying itself keeps its balance
        if let pair = factory.pair(at: to), pair.token0 == token || pair.token1 == token {
            try operate(on: to) { (p: inout Pair) throws(AMMError) in
                try p.transferIn(amount0: token == p.token0 ? amount : .zero,
                                 amount1: token == p.token1 ? amount : .zero)
            }
        } else {
            try ledger.credit(token, to: to, amount: amount)
        }
    }

    /// V2's `_swap`: pays the first pair, then swaps hop by hop, each pair sending to the next.
    private mutating func executeSwaps(amounts: [UInt256], path: [Address], from sender: Address,
                                       to: Address) throws(AMMError) {
        guard let first = factory.pairAddress(path[0], path[1]) else { throw .pairNotFound }
        try pay(path[0], amount: amounts[0], from: sender, toPair: first)
        for index in 0..<(path.count - 1) {
            let input = path[index], output = path[index + 1]
            guard let address = factory.pairAddress(input, output) else { throw .pairNotFound }
            let recipient: Address
            if index < path.count - 2 {
                guard let nextPair = factory.pairAddress(output, path[index + 2]) else { throw .pairNotFound }
                recipient = nextPair
            } else {
                recipient = to
            }
            let amountOut = amounts[index + 1]
            try operate(on: address) { (pair: inout Pair) throws(AMMError) in
                let (out0, out1) = input == pair.token0 ? (UInt256.zero, amountOut) : (amountOut, UInt256.zero)
                try pair.swap(amount0Out: out0, amount1Out: out1, to: recipient)
            }
            try deliver(output, amount: amountOut, to: recipient, from: address)
        }
    }
}
