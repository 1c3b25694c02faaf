import DataFiBigNum

/// An event a pair emits, mirroring V2's `Transfer` (of liquidity tokens), `Mint`, `Burn`, `Swap` and
/// `Sync` logs. Token amounts are raw units.
public enum PairEvent: Sendable, Hashable {
    /// Liquidity tokens moved; `from` is ``Address/zero`` for a mint and `to` is ``Address/zero`` for a burn.
    case transfer(from: Address, to: Address, value: UInt256)
    /// Liquidity was added: the amounts of each token deposited.
    case mint(amount0: UInt256, amount1: UInt256)
    /// Liquidity was removed: the amounts of each token paid out, and to whom.
    case burn(amount0: UInt256, amount1: UInt256, to: Address)
    /// A swap: amounts paid in and sent out, and the output's recipient.
    case swap(amount0In: UInt256, amount1In: UInt256, amount0Out: UInt256, amount1Out: UInt256, to: Address)
    /// The reserves after an update.
    case sync(reserve0: UInt256, reserve1: UInt256)
}

/// The outcome of ``Pair/mint(to:)``.
public struct MintResult: Sendable, Hashable {
    /// Liquidity tokens credited to the recipient.
    public let liquidity: UInt256
    /// Token0 deposited (balance above the old reserve).
    public let amount0: UInt256
    /// Token1 deposited.
    public let amount1: UInt256
    /// Liquidity tokens minted to `feeTo` as the protocol fee before this mint (zero when off).
    public let protocolFeeLiquidity: UInt256
    /// Events in V2's order: fee `Transfer`, `Transfer`s of the new tokens, `Sync`, `Mint`.
    public let events: [PairEvent]
}

/// The outcome of ``Pair/burn(to:)``.
public struct BurnResult: Sendable, Hashable {
    /// Liquidity tokens burned (the pair's own balance of them).
    public let liquidity: UInt256
    /// Token0 paid out to the recipient.
    public let amount0: UInt256
    /// Token1 paid out to the recipient.
    public let amount1: UInt256
    /// Liquidity tokens minted to `feeTo` as the protocol fee before this burn (zero when off).
    public let protocolFeeLiquidity: UInt256
    /// Events in V2's order: fee `Transfer`, burn `Transfer`, `Sync`, `Burn`.
    public let events: [PairEvent]
}

/// The outcome of a swap. Holds no heap storage; ``events`` builds the event list on demand.
public struct SwapResult: Sendable, Hashable {
    /// Token0 paid into the pair (balance above `reserve0 − amount0Out`).
    public let amount0In: UInt256
    /// Token1 paid into the pair.
    public let amount1In: UInt256
    /// Token0 sent out.
    public let amount0Out: UInt256
    /// Token1 sent out.
    public let amount1Out: UInt256
    /// Recipient of the output.
    public let to: Address
    /// Reserve of token0 after the swap.
    public let reserve0: UInt256
    /// Reserve of token1 after the swap.
    public let reserve1: UInt256

    /// `Sync` then `Swap`, as V2 emits them.
    public var events: [PairEvent] {
        [.sync(reserve0: reserve0, reserve1: reserve1),
         .swap(amount0In: amount0In, amount1In: amount1In, amount0Out: amount0Out, amount1Out: amount1Out, to: to)]
    }
}

/// The outcome of ``Pair/skim(to:)``: the excess balances sent out.
public struct SkimResult: Sendable, Hashable {
    /// Token0 sent to the recipient.
    public let amount0: UInt256
    /// Token1 sent to the recipient.
    public let amount1: UInt256
}

/// What a flash-swap callback sees and does: the amounts already sent out, and what it pays back in.
public struct FlashSwap: Sendable {
    /// Token0 sent out optimistically before the callback.
    public let amount0Out: UInt256
    /// Token1 sent out optimistically before the callback.
    public let amount1Out: UInt256
    /// The pair's token0.
    public let token0: Address
    /// The pair's token1.
    public let token1: Address
    /// Token0 paid into the pair so far by the callback.
    public private(set) var amount0Paid: UInt256 = .zero
    /// Token1 paid into the pair so far by the callback.
    public private(set) var amount1Paid: UInt256 = .zero

    init(amount0Out: UInt256, amount1Out: UInt256, token0: Address, token1: Address) {
        self.amount0Out = amount0Out
        self.amount1Out = amount1Out
        self.token0 = token0
        self.token1 = token1
    }

    /// Transfers tokens into the pair (repayment plus fee, or the other token).
    /// - Throws: ``AMMError/mathOverflow`` when the running total exceeds 2^256 − 1.
    public mutating func pay(amount0: UInt256 = .zero, amount1: UInt256 = .zero) throws(AMMError) {
        let new0 = try amount0Paid.ammAdding(amount0)
        let new1 = try amount1Paid.ammAdding(amount1)
        amount0Paid = new0
        amount1Paid = new1
    }
}
