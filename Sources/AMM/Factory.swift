import DataFiBigNum

/// V2's factory: at most one ``Pair`` per unordered token pair, each at a deterministic address, plus the
/// protocol-fee switch (`feeTo`, `feeToSetter`).
///
/// The factory owns its pairs (value semantics): read them with ``pair(at:)`` / ``pair(_:_:)`` and
/// operate on one with ``withPair(at:_:)``, which also hands the pair the factory's `feeTo`.
public struct Factory: Sendable, Hashable {
    /// Recipient of the protocol fee in every pair; `nil` when off.
    public private(set) var feeTo: Address?
    /// The one account allowed to change ``feeTo`` and itself.
    public private(set) var feeToSetter: Address
    /// Pair addresses in creation order (V2's `allPairs`).
    public private(set) var allPairs: [Address] = []
    private var pairsByTokens: [TokenPairKey: Pair] = [:]
    private var tokensByAddress: [Address: TokenPairKey] = [:]

    private struct TokenPairKey: Hashable, Sendable {
        let token0: Address
        let token1: Address
    }

    /// Creates a factory with no pairs and the fee off.
    public init(feeToSetter: Address) {
        self.feeToSetter = feeToSetter
    }

    /// The two tokens in pair order (smaller UTF-8 address first), V2's `sortTokens`.
    /// - Throws: ``AMMError/identicalAddresses``; ``AMMError/zeroAddress`` when either token is ``Address/zero``.
    public static func sortTokens(_ tokenA: Address, _ tokenB: Address) throws(AMMError) -> (Address, Address) {
        guard tokenA != tokenB else { throw .identicalAddresses }
        guard !tokenA.isZero && !tokenB.isZero else { throw .zeroAddress }
        return tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA)
    }

    /// The deterministic address of the pair of two tokens, in either order:
    /// `"v2-pair:" + <UTF-8 byte count of token0> + ":" + token0 + token1`, with the tokens sorted.
    /// The length prefix makes the encoding injective, so distinct token pairs never share an address.
    /// - Throws: as ``sortTokens(_:_:)``.
    public static func pairAddress(_ tokenA: Address, _ tokenB: Address) throws(AMMError) -> Address {
        let (token0, token1) = try sortTokens(tokenA, tokenB)
        return Address("v2-pair:\(token0.rawValue.utf8.count):\(token0.rawValue)\(token1.rawValue)")
    }

    /// Creates the pair of two tokens at `Factory.pairAddress(_:_:)` (the static one) with the given block time.
    /// - Returns: the new pair's address.
    /// - Throws: ``AMMError/identicalAddresses``, ``AMMError/zeroAddress``, ``AMMError/pairExists``.
    @discardableResult
    public mutating func createPair(_ tokenA: Address, _ tokenB: Address,
                                    blockTimestamp: UInt64 = 0) throws(AMMError) -> Address {
        let (token0, token1) = try Factory.sortTokens(tokenA, tokenB)
        let key = TokenPairKey(token0: token0, token1: token1)
        guard pairsByTokens[key] == nil else { throw .pairExists }
        let address = try Factory.pairAddress(token0, token1)
        var pair = try Pair(address: address, token0: token0, token1: token1, blockTimestamp: blockTimestamp)
        pair.feeTo = feeTo
        pairsByTokens[key] = pair
        tokensByAddress[address] = key
        allPairs.append(address)
        return address
    }

    /// The address of the pair of two tokens (either order), or `nil` when none exists (V2's `getPair`).
    public func pairAddress(_ tokenA: Address, _ tokenB: Address) -> Address? {
        guard let (token0, token1) = try? Factory.sortTokens(tokenA, tokenB) else { return nil }
        return pairsByTokens[TokenPairKey(token0: token0, token1: token1)]?.address
    }

    /// The pair at an address, with the factory's current `feeTo`.
    public func pair(at address: Address) -> Pair? {
        guard let key = tokensByAddress[address], var pair = pairsByTokens[key] else { return nil }
        pair.feeTo = feeTo
        return pair
    }

    /// The pair of two tokens (either order), if it exists.
    public func pair(_ tokenA: Address, _ tokenB: Address) -> Pair? {
        guard let (token0, token1) = try? Factory.sortTokens(tokenA, tokenB),
              var pair = pairsByTokens[TokenPairKey(token0: token0, token1: token1)] else { return nil }
        pair.feeTo = feeTo
        return pair
    }

    /// `(reserveIn, reserveOut)` of the pair trading `tokenIn` for `tokenOut` (V2's `getReserves` via
    /// `pairFor`), without copying the pair.
    /// - Throws: ``AMMError/identicalAddresses``, ``AMMError/zeroAddress``, ``AMMError/pairNotFound``.
    public func reserves(selling tokenIn: Address, buying tokenOut: Address)
        throws(AMMError) -> (reserveIn: UInt256, reserveOut: UInt256)
    {
        let (token0, token1) = try Factory.sortTokens(tokenIn, tokenOut)
        guard let index = pairsByTokens.index(forKey: TokenPairKey(token0: token0, token1: token1)) else {
            throw .pairNotFound
        }
        let pair = pairsByTokens.values[index]
        return tokenIn == token0 ? (pair.reserve0, pair.reserve1) : (pair.reserve1, pair.reserve0)
    }

    /// Every pair, in creation order.
    public var pairs: [Pair] { allPairs.compactMap { pair(at: $0) } }

    /// Runs `body` on the pair at `address` with the factory's `feeTo`, keeping its changes only if
    /// `body` returns normally.
    /// - Throws: ``AMMError/pairNotFound`` when no pair is there, or what `body` throws.
    public mutating func withPair<R>(at address: Address,
                                     _ body: (inout Pair) throws(AMMError) -> R) throws(AMMError) -> R {
        guard let key = tokensByAddress[address], var pair = pairsByTokens[key] else { throw .pairNotFound }
        pair.feeTo = feeTo
        let result = try body(&pair)
        pairsByTokens[key] = pair
        return result
    }

    /// Turns the protocol fee on (to `feeTo`) or off (`nil`).
    /// - Throws: ``AMMError/forbidden`` unless `caller` is ``feeToSetter``.
    public mutating func setFeeTo(_ feeTo: Address?, caller: Address) throws(AMMError) {
        guard caller == feeToSetter else { throw .forbidden }
        self.feeTo = feeTo
    }

    /// Hands the fee switch to another account.
    /// - Throws: ``AMMError/forbidden`` unless `caller` is ``feeToSetter``.
    public mutating func setFeeToSetter(_ newSetter: Address, caller: Address) throws(AMMError) {
        guard caller == feeToSetter else { throw .forbidden }
        feeToSetter = newSetter
    }
}
