// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiAMM
import DataFiBigNum
import Testing

@Test func readmeExample() throws {
    // A pool of the base token ALITA and a data token: transfer in, then settle.
    var pair = try Pair(address: "pool", token0: "ALITA", token1: "DATA", blockTimestamp: 1_700_000_000)
    try pair.transferIn(amount0: 1_000_000, amount1: 4_000_000)
    let minted = try pair.mint(to: "maker")                  // √(1e6 · 4e6) − 1000 locked
    let out = try ConstantProduct.amountOut(amountIn: 10_000, reserveIn: pair.reserve0, reserveOut: pair.reserve1)
    try pair.transferIn(amount0: 10_000)
    try pair.swap(amount0Out: 0, amount1Out: out, to: "consumer")
    do {
        try pair.swap(amount0Out: 0, amount1Out: 1, to: "consumer")   // nothing paid in
    } catch {
        print(error.code)                                     // INSUFFICIENT_INPUT_AMOUNT; pair unchanged
    }

    // Factory + router: liquidity with minimums, then the best route for a purchase.
    var ledger = TokenLedger()
    try ledger.mint("ALITA", to: "maker", amount: 10_000_000)
    try ledger.mint("DATA", to: "maker", amount: 10_000_000)
    var router = Router(factory: Factory(feeToSetter: "dao"), ledger: ledger, blockTimestamp: 1_700_000_000)
    try router.addLiquidity(tokenA: "ALITA", tokenB: "DATA", amountADesired: 5_000_000, amountBDesired: 5_000_000,
                            amountAMin: 0, amountBMin: 0, from: "maker", to: "maker", deadline: 1_700_000_060)
    let best = router.bestTradesExactInput(amountIn: 1_000, tokenIn: "ALITA", tokenOut: "DATA")
    print(best[0].route.path, best[0].outputAmount, best[0].priceImpact.basisPoints)   // [ALITA, DATA] 996 40

    // Checks (from the readme-test comment under the example).
    #expect(minted.liquidity == 1_999_000)
    #expect(out == 39_486)
    #expect(pair.reserve1 == 4_000_000 - 39_486)
    #expect(best[0].outputAmount == 996 && best[0].priceImpact.basisPoints == 40)
}
