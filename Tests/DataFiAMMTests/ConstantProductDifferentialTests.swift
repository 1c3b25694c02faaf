import Testing
import PropertyBased
import DataFiBigNum
@testable import DataFiAMM

/// Values of every size from 1 bit to 256 bits, so overflow boundaries are crossed often.
private let amountGen = Gen.uint64().array(of: 5).map { (w: [UInt64]) -> UInt256 in
    let full = UInt256(littleEndianLimbs: (w[0], w[1], w[2], w[3]))
    return w[4] % 8 == 0 ? UInt256(w[0] % 4) : full >> Int(w[4] % 256)
}

private let max256 = BigNatural(UInt256.max)

/// The slow obvious check: V2's formulas in unbounded integers, with "would SafeMath revert" decided
/// by comparing each intermediate to 2^256 − 1.
@Suite struct ConstantProductDifferentialTests {
    @Test func amountOutMatchesUnboundedArithmetic() async {
        await propertyCheck(count: 400, input: amountGen, amountGen, amountGen) { a, rIn, rOut in
            let actual = Result { () throws(AMMError) in try ConstantProduct.amountOut(amountIn: a, reserveIn: rIn, reserveOut: rOut) }
            if a.isZero { #expect(actual == .failure(.insufficientInputAmount)); return }
            if rIn.isZero || rOut.isZero { #expect(actual == .failure(.insufficientLiquidity)); return }
            let withFee = BigNatural(a) * BigNatural(997 as UInt64)
            let numerator = withFee * BigNatural(rOut)
            let scaledIn = BigNatural(rIn) * BigNatural(1000 as UInt64)
            let denominator = scaledIn + withFee
            if withFee > max256 || numerator > max256 || scaledIn > max256 || denominator > max256 {
                #expect(actual == .failure(.mathOverflow))
                return
            }
            guard case .success(let q) = actual else { Issue.record("unexpected \(actual)"); return }
            // q = ⌊numerator / denominator⌋  ⇔  q·den ≤ num < (q+1)·den
            #expect(BigNatural(q) * denominator <= numerator)
            #expect(numerator < (BigNatural(q) + BigNatural(1 as UInt64)) * denominator)
        }
    }

    @Test func amountInMatchesUnboundedArithmetic() async {
        await propertyCheck(count: 400, input: amountGen, amountGen, amountGen) { out, rIn, rOut in
            let actual = Result { () throws(AMMError) in try ConstantProduct.amountIn(amountOut: out, reserveIn: rIn, reserveOut: rOut) }
            if out.isZero { #expect(actual == .failure(.insufficientOutputAmount)); return }
            if rIn.isZero || rOut.isZero { #expect(actual == .failure(.insufficientLiquidity)); return }
            let numerator = BigNatural(rIn) * BigNatural(out) * BigNatural(1000 as UInt64)
            let rInOut = BigNatural(rIn) * BigNatural(out)
            if rInOut > max256 || numerator > max256 { #expect(actual == .failure(.mathOverflow)); return }
            if out > rOut { #expect(actual == .failure(.mathUnderflow)); return }
            let remaining = BigNatural(rOut - out) * BigNatural(997 as UInt64)
            if remaining > max256 { #expect(actual == .failure(.mathOverflow)); return }
            if remaining.isZero { #expect(actual == .failure(.insufficientLiquidity)); return }
            guard case .success(let input) = actual else { Issue.record("unexpected \(actual)"); return }
            // input = ⌊numerator / remaining⌋ + 1
            let q = BigNatural(input - 1)
            #expect(q * remaining <= numerator)
            #expect(numerator < (q + BigNatural(1 as UInt64)) * remaining)
        }
    }

    @Test func quoteMatchesUnboundedArithmetic() async {
        await propertyCheck(count: 300, input: amountGen, amountGen, amountGen) { a, rA, rB in
            let actual = Result { () throws(AMMError) in try ConstantProduct.quote(amountA: a, reserveA: rA, reserveB: rB) }
            if a.isZero { #expect(actual == .failure(.insufficientAmount)); return }
            if rA.isZero || rB.isZero { #expect(actual == .failure(.insufficientLiquidity)); return }
            let product = BigNatural(a) * BigNatural(rB)
            if product > max256 { #expect(actual == .failure(.mathOverflow)); return }
            guard case .success(let q) = actual else { Issue.record("unexpected \(actual)"); return }
            #expect(BigNatural(q) * BigNatural(rA) <= product)
            #expect(product < (BigNatural(q) + BigNatural(1 as UInt64)) * BigNatural(rA))
        }
    }
}
