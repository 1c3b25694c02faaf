import PropertyBased
import Testing
@testable import DataFiBigNum

/// `10^k` for k in 0...77 (every power of ten below 2^256).
private let powersOfTen: [UInt256] = (0...77).map { k in
    (0..<k).reduce(UInt256.one) { value, _ in value * 10 }
}

@Suite struct UInt256DescriptionTests {
    /// Decimal text equals GMP's (through `BigInt`) on the edges of every chunk and limb.
    @Test func edgeValuesMatchBigInt() {
        let chunk = UInt256(10_000_000_000_000_000_000 as UInt64)
        var values: [UInt256] = [0, 1, 9, chunk - 1, chunk, chunk + 1, UInt256(UInt64.max), UInt256.one << 64,
                                 chunk * chunk - 1, chunk * chunk, chunk * chunk * chunk, .max, .max - 1]
        values += edgeValues
        for power in powersOfTen { values += [power - 1, power, power + 1] }
        for value in values {
            #expect(value.description == String(BigInt(value)))
            #expect(UInt256(value.description) == value)
        }
        #expect(UInt256.max.description.count == UInt256.maxDecimalDigits)
        #expect((UInt256.one << 64).description == "18446744073709551616")
        #expect(powersOfTen[77].description == "1" + String(repeating: "0", count: 77))
    }

    @Test func randomValuesMatchBigInt() async {
        await propertyCheck(count: 500, input: uint256Gen) { value in
            let text = value.description
            #expect(text == String(BigInt(value)))
            #expect(text.utf8.first != UInt8(ascii: "0") || text == "0")
        }
    }
}
