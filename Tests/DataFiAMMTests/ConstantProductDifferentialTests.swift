import Testing
import PropertyBased
import DataFiBigNum
@testable import DataFiAMM

/// Values of every size from 1 bit to 256 bits, so overflow boundaries are crossed often.
private let amountGen = Gen.uint64().array(of: 5).map { (w: [UInt64]) -> UInt256 in
    let full = UInt256(littleEndianLimbs: (w[0], w[1], w[2], w[3]))
    return w[4] % 8 == 0 ? UInt256(w[0] % 4) : full >> Int(w[4] % 256)
}

private let max256 = BigInt(UInt256.max)

/// The slow obvious check: V2's formulas in unbounded integers, with "would SafeMath revert" decided
/// by comparing each intermediate to 2^256 − 1.
@Suite struct ConstantProductDifferentialTests {
    @Test func amountOutMatchesUnboundedArithmetic() async {
        await propertyCheck(count: 400, input: amountGen, amountGen, amountGen) { a, rIn, rOut in
            let actual = Result { () throws(AMMError) in try ConstantProduct.amountOut(amountIn: a, reserveIn: rIn, reserveOut: rOut) }
            if a.isZero { #expect(actual == .failure(.insufficientInputAmount)); return }
            if rIn.isZero || rOut.isZero { #expect(actual == .failure(.insufficientLiquidity)); return }
            let withFee = BigInt(a) * BigInt(997)
            let numerator = withFee * BigInt(rOut)
            let scaledIn = BigInt(rIn) * BigInt(1000)
            let denominator = scaledIn + withFee
            if withFee > max256 || numerator > max256 || scaledIn > max256 || denominator > max256 {
                #expect(actual == .failure(.mathOverflow))
                return
            }
            guard case .success(let q) = actual else { Issue.record("unexpected \(actual)"); return }
            // q = ⌊numerator / denominator⌋  ⇔  q·den ≤ num < (q+1)·den
            #expect(BigInt(q) * denominator <= numerator)
            #expect(numerator < (BigInt(q) + BigInt(1)) * denominator)
        }
    }

    @Test func amountInMatchesUnboundedArithmetic() async {
        await propertyCheck(count: 400, input: amountGen, amountGen, amountGen) { out, rIn, rOut in
            let actual = Result { () throws(AMMError) in try ConstantProduct.amountIn(amountOut: out, reserveIn: rIn, reserveOut: rOut) }
            if out.isZero { #expect(actual == .failure(.insufficientOutputAmount)); return }
            if rIn.isZero || rOut.isZero { #expect(actual == .failure(.insufficientLiquidity)); return }
            let numerator = BigInt(rIn) * BigInt(out) * BigInt(1000)
            let rInOut = BigInt(rIn) * BigInt(out)
            if rInOut > max256 || numerator > max256 { #expect(actual == .failure(.mathOverflow)); return }
            if out > rOut { #expect(actual == .failure(.mathUnderflow)); return }
            let remaining = BigInt(rOut - out) * BigInt(997)
            if remaining > max256 { #expect(actual == .failure(.mathOverflow)); return }
            if remaining.isZero { #expect(actual == .failure(.insufficientLiquidity)); return }
            guard case .success(let input) = actual else { Issue.record("unexpected \(actual)"); return }
            // input = ⌊numerator / remaining⌋ + 1
            let q = BigInt(input - 1)
            #expect(q * remaining <= numerator)
            #expect(numerator < (q + BigInt(1)) * remaining)
        }
    }

    @Test func quoteMatchesUnboundedArithmetic() async {
        await propertyCheck(count: 300, input: amountGen, amountGen, amountGen) { a, rA, rB in
            let actual = Result { () throws(AMMError) in try ConstantProduct.quote(amountA: a, reserveA: rA, reserveB: rB) }
            if a.isZero { #expect(actual == .failure(.insufficientAmount)); return }
            if rA.isZero || rB.isZero { #expect(actual == .failure(.insufficientLiquidity)); return }
            let product = BigInt(a) * BigInt(rB)
            if product > max256 { #expect(actual == .failure(.mathOverflow)); return }
            guard case .success(let q) = actual else { Issue.record("unexpected \(actual)"); return }
            #expect(BigInt(q) * BigInt(rA) <= product)
            #expect(product < (BigInt(q) + BigInt(1)) * BigInt(rA))
        }
    }
}
