import DataFiBigNum
@testable import DataFiAMM

/// `n · 10^18`, the spec files' `expandTo18Decimals`.
func e18(_ n: UInt64) -> UInt256 { UInt256(n) * UInt256(1_000_000_000_000_000_000 as UInt64) }

/// A decimal literal from the spec files.
func dec(_ text: String) -> UInt256 {
    guard let value = UInt256(text) else { preconditionFailure("bad decimal in test: \(text)") }
    return value
}

let wallet: Address = "wallet"
let other: Address = "other"
let token0: Address = "token0"
let token1: Address = "token1"

/// A fresh pair of token0/token1 at the spec fixtures' starting time.
func makePair(time: UInt64 = 1_600_000_000) throws -> Pair {
    try Pair(address: "pair", token0: token0, token1: token1, blockTimestamp: time)
}

/// The spec files' `addLiquidity`: transfer both amounts to the pair, then mint to the wallet.
@discardableResult
func addLiquidity(_ pair: inout Pair, _ amount0: UInt256, _ amount1: UInt256, to: Address = wallet) throws -> MintResult {
    try pair.transferIn(amount0: amount0, amount1: amount1)
    return try pair.mint(to: to)
}

/// The spec files' `encodePrice(reserve0, reserve1)`: both UQ112x112 prices.
func encodePrice(_ reserve0: UInt256, _ reserve1: UInt256) -> (UInt256, UInt256) {
    ((reserve1 << 112) / reserve0, (reserve0 << 112) / reserve1)
}

/// Runs `body` and returns the AMMError it throws, or nil.
func ammError<R>(_ body: () throws -> R) -> AMMError? {
    do {
        _ = try body()
        return nil
    } catch let error as AMMError {
        return error
    } catch {
        return nil
    }
}
