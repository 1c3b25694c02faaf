import Testing
@testable import DataFiBigNum

/// Known answers computed by Python's int and Decimal (see PythonVectors.swift and its generator).
@Suite struct KnownAnswerTests {
    func hex(_ text: String) throws -> UInt256 { try #require(UInt256(hex: text)) }

    @Test func uint256AgainstPython() throws {
        #expect(pythonUInt256Vectors.count == 60)
        for v in pythonUInt256Vectors {
            let a = try hex(v.a), b = try hex(v.b), d = try hex(v.d)
            let full = a.multipliedFullWidth(by: b)
            #expect(full.high == (try hex(v.high)))
            #expect(full.low == (try hex(v.low)))
            #expect(a / d == (try hex(v.quotient)))
            #expect(a % d == (try hex(v.remainder)))
            #expect((try? UInt256.mulDiv(a, b, d)) == (try v.mulDivDown.map(hex)))
            #expect((try? UInt256.mulDiv(a, b, d, rounding: .up)) == (try v.mulDivUp.map(hex)))
            #expect(a.squareRoot() == (try hex(v.sqrtA)))
        }
    }

    @Test func bigIntAgainstPython() throws {
        #expect(pythonBigIntVectors.count == 60)
        for v in pythonBigIntVectors {
            let a = try #require(BigInt(v.a)), b = try #require(BigInt(v.b))
            #expect((a + b).description == v.sum)
            #expect((a * b).description == v.product)
            #expect((a / b).description == v.quotient)
            #expect((a % b).description == v.remainder)
            #expect((a & b).description == v.and)
            #expect((a | b).description == v.or)
            #expect((a ^ b).description == v.xor)
            #expect((a >> v.shift).description == v.shifted)
            #expect(a.gcd(b).description == v.gcd)
            #expect(try a.power(v.exponent).description == v.power)
            #expect(String(a, radix: v.radix) == v.inRadix)
            #expect(BigInt(v.inRadix, radix: v.radix) == a)
        }
    }

    @Test func tokenAmountsAgainstPythonDecimal() throws {
        #expect(pythonTokenVectors.count == 40)
        for v in pythonTokenVectors {
            if let raw = v.raw {
                let amount = try TokenAmount(parsing: v.text, decimals: v.decimals)
                #expect(amount.raw.description == raw)
                #expect(amount.description == v.formatted)
            } else {
                #expect(throws: BigNumError.overflow) { try TokenAmount(parsing: v.text, decimals: v.decimals) }
            }
        }
    }
}
