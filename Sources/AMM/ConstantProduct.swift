import DataFiBigNum

/// V2-periphery's `UniswapV2Library` pricing functions on raw reserves, with its 0.30% fee and its
/// rounding (outputs floored, inputs rounded up so the pool never loses).
public enum ConstantProduct {
    /// The equivalent amount of the other asset at the current ratio: `amountA · reserveB / reserveA`,
    /// floored (no fee).
    /// - Throws: ``AMMError/insufficientAmount`` for a zero amount; ``AMMError/insufficientLiquidity``
    ///   for a zero reserve; ``AMMError/mathOverflow``.
    public static func quote(amountA: UInt256, reserveA: UInt256, reserveB: UInt256) throws(AMMError) -> UInt256 {
        guard !amountA.isZero else { throw .insufficientAmount }
        guard !reserveA.isZero && !reserveB.isZero else { throw .insufficientLiquidity }
        return try amountA.ammMultiplied(by: reserveB) / reserveA
    }

    /// The most output a swap of `amountIn` can take: `amountIn·997·reserveOut / (reserveIn·1000 + amountIn·997)`,
    /// floored.
    /// - Throws: ``AMMError/insufficientInputAmount`` for a zero input; ``AMMError/insufficientLiquidity``
    ///   for a zero reserve; ``AMMError/mathOverflow`` when an intermediate exceeds 256 bits.
    @inline(__always)
    public static func amountOut(amountIn: UInt256, reserveIn: UInt256, reserveOut: UInt256) throws(AMMError) -> UInt256 {
        guard !amountIn.isZero else { throw .insufficientInputAmount }
        guard !reserveIn.isZero && !reserveOut.isZero else { throw .insufficientLiquidity }
        let amountInWithFee = try amountIn.ammMultiplied(by: UInt256(997 as UInt64))
        let numerator = try amountInWithFee.ammMultiplied(by: reserveOut)
        let denominator = try reserveIn.ammMultiplied(by: UInt256(1000 as UInt64)).ammAdding(amountInWithFee)
        return numerator / denominator
    }

    /// The least input that buys `amountOut`: `reserveIn·amountOut·1000 / ((reserveOut − amountOut)·997) + 1`.
    /// - Throws: ``AMMError/insufficientOutputAmount`` for a zero output; ``AMMError/insufficientLiquidity``
    ///   for a zero reserve or an output equal to the reserve; ``AMMError/mathUnderflow`` for an output above
    ///   the reserve (V2's SafeMath); ``AMMError/mathOverflow``.
    @inline(__always)
    public static func amountIn(amountOut: UInt256, reserveIn: UInt256, reserveOut: UInt256) throws(AMMError) -> UInt256 {
        guard !amountOut.isZero else { throw .insufficientOutputAmount }
        guard !reserveIn.isZero && !reserveOut.isZero else { throw .insufficientLiquidity }
        let numerator = try reserveIn.ammMultiplied(by: amountOut).ammMultiplied(by: UInt256(1000 as UInt64))
        let denominator = try reserveOut.ammSubtracting(amountOut).ammMultiplied(by: UInt256(997 as UInt64))
        // V2 divides by zero here (a bare revert); the output would drain the reserve.
        guard !denominator.isZero else { throw .insufficientLiquidity }
        return try (numerator / denominator).ammAdding(.one)
    }
}
