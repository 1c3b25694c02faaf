// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiBigNum
import Testing

@Test func readmeExample() throws {
    // Token amounts: 256-bit raw units plus decimals.
    let amountIn = try TokenAmount(parsing: "1.5", decimals: 18)         // raw 1500000000000000000
    let reserveIn: UInt256 = 1_000_000_000_000_000_000_000               // 1000 tokens
    let reserveOut = UInt256("2000000000000000000000")!                  // 2000 tokens

    // Constant-product output with a 0.3 % fee, exact 512-bit intermediate, rounded down.
    let inWithFee = amountIn.raw * 997
    let out = try UInt256.mulDiv(inWithFee, reserveOut, reserveIn * 1000 + inWithFee)
    // TokenAmount(raw: out, decimals: 18).description == "2.986533638942960802"

    // Arbitrary precision when 256 bits are not enough.
    let big = try BigInt(2).power(300) - 1                               // big.bitCount == 300
    let quotient = BigInt("-12345678901234567890123")! / 1_000           // truncates toward zero

    // Checks (from the readme-test comment under the example).
    #expect(try TokenAmount(raw: out, decimals: 18).description == "2.986533638942960802")
    #expect(big.bitCount == 300)
    #expect(quotient == BigInt("-12345678901234567890")!)
    #expect(throws: BigNumError.self) { try BigInt(parsing: "12 apples") }
}
