import Testing
import PropertyBased
import DataFiBigNum
@testable import DataFiAMM

/// Random router traffic over four tokens: tokens are conserved across the ledger and the pairs, and a
/// refused operation leaves the whole router unchanged.
@Suite struct RouterPropertyTests {
    static let tokens: [Address] = ["A", "B", "C", "D"]
    static let users: [Address] = ["u1", "u2"]

    func total(_ router: Router, _ token: Address) -> UInt256 {
        var sum = Self.users.reduce(UInt256.zero) { $0 + router.ledger.balance(of: $1, in: token) }
        for pair in router.factory.pairs where pair.token0 == token || pair.token1 == token {
            sum += pair.token0 == token ? pair.balance0 : pair.balance1
        }
        return sum
    }

    @Test func routerTrafficConservesTokens() async throws {
        await propertyCheck(count: 60, input: Gen.uint64().array(of: 3...90)) { words throws in
            _ = try runTraffic(words)
        }
    }

    /// The random traffic really trades: on a long fixed script most kinds of operation succeed.
    @Test func trafficCoverage() throws {
        var state: UInt64 = 12345
        let words = (0..<900).map { _ -> UInt64 in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let (successes, failures) = try runTraffic(words)
        #expect(successes > 100 && failures > 10, "\(successes) succeeded, \(failures) refused")
    }

    /// Applies the operations three words at a time, checking the invariants after each.
    func runTraffic(_ words: [UInt64]) throws -> (successes: Int, failures: Int) {
        var ledger = TokenLedger()
        for user in Self.users {
            for token in Self.tokens { try ledger.mint(token, to: user, amount: UInt256.one << 90) }
        }
        var router = Router(factory: Factory(feeToSetter: "dao"), ledger: ledger, blockTimestamp: 100)
        try router.factory.setFeeTo("dao", caller: "dao")
        let supply = Self.tokens.map { total(router, $0) }
        var successes = 0, failures = 0
        var index = 0
        while index + 2 < words.count {
            let (a, b, c) = (words[index], words[index + 1], words[index + 2])
            index += 3
            let user = Self.users[Int(a % 2)]
            let x = Self.tokens[Int((a >> 8) % 4)], y = Self.tokens[Int((a >> 16) % 4)]
            let amount = UInt256(b) + 1
            let before = router
            let outcome: AMMError?
            switch (a >> 24) % 5 {
            case 0:
                outcome = ammError {
                    try router.addLiquidity(tokenA: x, tokenB: y, amountADesired: amount, amountBDesired: UInt256(c) + 1,
                                            amountAMin: 0, amountBMin: 0, from: user, to: user, deadline: 100)
                }
            case 1:
                let liquidity = router.factory.pair(x, y)?.liquidityBalance(of: user) ?? 0
                outcome = ammError {
                    try router.removeLiquidity(tokenA: x, tokenB: y, liquidity: liquidity / UInt256(c % 4 + 1),
                                               amountAMin: 0, amountBMin: 0, from: user, to: user, deadline: 100)
                }
            case 2, 3:
                let path = [x] + (0..<Int(c % 3)).map { Self.tokens[Int((c >> (8 * $0 + 8)) % 4)] } + [y]
                outcome = ammError {
                    try router.swapExactTokensForTokens(amountIn: amount / 1000 + 1, amountOutMin: 0, path: path,
                                                        from: user, to: Self.users[Int(c % 2)], deadline: 100)
                }
            default:
                let path = [x, y]
                outcome = ammError {
                    try router.swapTokensForExactTokens(amountOut: amount / 1000 + 1, amountInMax: .max, path: path,
                                                        from: user, to: user, deadline: UInt64(c % 2) * 100)
                }
            }
            if outcome != nil {
                failures += 1
                #expect(router == before, "refused with \(String(describing: outcome)) but changed the router")
            } else {
                successes += 1
            }
            for (token, expected) in zip(Self.tokens, supply) { #expect(total(router, token) == expected) }
            for pair in router.factory.pairs {
                #expect(pair.liquidityBalances.values.reduce(UInt256.zero, +) == pair.totalSupply)
            }
        }
        return (successes, failures)
    }

    @Test func routerTrafficMostlySucceedsOnAFixedScript() throws {
        var ledger = TokenLedger()
        for token in Self.tokens { try ledger.mint(token, to: "u1", amount: UInt256.one << 90) }
        var router = Router(factory: Factory(feeToSetter: "dao"), ledger: ledger, blockTimestamp: 5)
        for (x, y) in [("A", "B"), ("B", "C"), ("C", "D"), ("A", "D")] {
            try router.addLiquidity(tokenA: Address(x), tokenB: Address(y), amountADesired: UInt256.one << 70,
                                    amountBDesired: UInt256.one << 70, amountAMin: 0, amountBMin: 0,
                                    from: "u1", to: "u1", deadline: 5)
        }
        // The best A→D route for a large trade splits nothing but may go around: it must beat or tie the direct pair.
        let best = router.bestTradesExactInput(amountIn: UInt256.one << 66, tokenIn: "A", tokenOut: "D")
        let direct = try router.amountsOut(amountIn: UInt256.one << 66, path: ["A", "D"])
        #expect(best.first.map { $0.outputAmount >= direct[1] } == true)
        #expect(best.count == 2)   // A→D and A→B→C→D
        let amounts = try router.swapExactTokensForTokens(amountIn: UInt256.one << 66, amountOutMin: best[0].outputAmount,
                                                          path: best[0].route.path, from: "u1", to: "u2", deadline: 5)
        #expect(amounts.last == best[0].outputAmount)
        #expect(router.ledger.balance(of: "u2", in: "D") == best[0].outputAmount)
    }
}
