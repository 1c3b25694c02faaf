import DataFiBigNum

extension Pair {
    /// Every stored field of a pair, as plain values: what a ledger snapshot saves and restores.
    /// Liquidity balances are listed by holder in ascending order, so equal pairs give equal states.
    public struct State: Codable, Hashable, Sendable {
        /// The pair's address and tokens.
        public var address: Address, token0: Address, token1: Address
        /// Reserves as of the last update.
        public var reserve0: UInt256, reserve1: UInt256
        /// Block time of the last update, modulo 2^32.
        public var blockTimestampLast: UInt32
        /// Price accumulators.
        public var price0CumulativeLast: UInt256, price1CumulativeLast: UInt256
        /// `k` after the last liquidity event while the protocol fee is on.
        public var kLast: UInt256
        /// Tokens held.
        public var balance0: UInt256, balance1: UInt256
        /// Liquidity-token supply.
        public var totalSupply: UInt256
        /// Nonzero liquidity balances, ascending by holder.
        public var liquidityBalances: [Holding]
        /// Protocol fee recipient.
        public var feeTo: Address?
        /// Current block time (seconds).
        public var blockTimestamp: UInt64

        /// One liquidity-token balance.
        public struct Holding: Codable, Hashable, Sendable {
            /// The holder.
            public var holder: Address
            /// The balance.
            public var amount: UInt256
        }
    }

    /// The pair's state.
    public var state: State {
        State(address: address, token0: token0, token1: token1, reserve0: reserve0, reserve1: reserve1,
              blockTimestampLast: blockTimestampLast, price0CumulativeLast: price0CumulativeLast,
              price1CumulativeLast: price1CumulativeLast, kLast: kLast, balance0: balance0, balance1: balance1,
              totalSupply: totalSupply,
              liquidityBalances: liquidityBalances.sorted { $0.key < $1.key }.map { State.Holding(holder: $0.key, amount: $0.value) },
              feeTo: feeTo, blockTimestamp: blockTimestamp)
    }

    /// Restores a pair from its state.
    /// - Throws: ``AMMError/identicalAddresses`` when the tokens are equal. Other fields are taken as given:
    ///   restore only states read from a pair (a ledger checks snapshots against its replay).
    public init(state: State) throws(AMMError) {
        try self.init(address: state.address, token0: state.token0, token1: state.token1,
                      blockTimestamp: state.blockTimestamp)
        reserve0 = state.reserve0
        reserve1 = state.reserve1
        blockTimestampLast = state.blockTimestampLast
        price0CumulativeLast = state.price0CumulativeLast
        price1CumulativeLast = state.price1CumulativeLast
        kLast = state.kLast
        balance0 = state.balance0
        balance1 = state.balance1
        totalSupply = state.totalSupply
        liquidityBalances = Dictionary(state.liquidityBalances.map { ($0.holder, $0.amount) }, uniquingKeysWith: { a, _ in a })
        feeTo = state.feeTo
    }
}
