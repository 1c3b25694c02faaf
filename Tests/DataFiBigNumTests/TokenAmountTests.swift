import Foundation
import PropertyBased
import Testing
@testable import DataFiBigNum

@Suite struct TokenAmountTests {
    @Test func parsesAndFormats() throws {
        let amount = try TokenAmount(parsing: "1.5", decimals: 18)
        #expect(amount.raw == 1_500_000_000_000_000_000)
        #expect(amount.description == "1.5")
        #expect(amount.fixedDescription == "1.500000000000000000")
        #expect(try TokenAmount(parsing: "0.000000000000000001", decimals: 18).raw == 1)
        #expect(try TokenAmount(parsing: "2", decimals: 6).description == "2")
        #expect(try TokenAmount(parsing: "2", decimals: 6).fixedDescription == "2.000000")
        #expect(try TokenAmount(parsing: "0", decimals: 6).description == "0")
        #expect(try TokenAmount(parsing: "0.0", decimals: 6).fixedDescription == "0.000000")
        #expect(try TokenAmount(parsing: "42", decimals: 0).fixedDescription == "42")
        #expect(try TokenAmount(parsing: "1.50", decimals: 1).raw == 15)
        #expect(try TokenAmount(parsing: "007.25", decimals: 2).raw == 725)
        #expect(try TokenAmount(raw: 5, decimals: 3).description == "0.005")
        #expect(try TokenAmount(raw: .max, decimals: 77).description
                == "1.15792089237316195423570985008687907853269984665640564039457584007913129639935")
        #expect(try TokenAmount(parsing: "1", decimals: 77).raw == TokenAmount.powerOfTen(77))
        let maxAt18 = try TokenAmount(raw: .max, decimals: 18)
        #expect(try TokenAmount(parsing: maxAt18.description, decimals: 18) == maxAt18)
    }

    @Test func rejectsBadInput() {
        let cases: [(String, Int, BigNumError)] = [
            ("", 18, .empty),
            (".", 18, .empty),
            ("-1", 18, .negative),
            ("-0.5", 18, .negative),
            ("+1", 18, .invalidDigits),
            (".5", 18, .invalidDigits),
            ("1.", 18, .invalidDigits),
            ("1.2.3", 18, .invalidDigits),
            ("1e18", 18, .invalidDigits),
            (" 1", 18, .invalidDigits),
            ("1 ", 18, .invalidDigits),
            ("1,5", 18, .invalidDigits),
            ("1_000", 18, .invalidDigits),
            ("0x10", 18, .invalidDigits),
            ("١", 18, .invalidDigits),
            ("1.0000001", 6, .excessPrecision(maxDecimals: 6)),
            ("0.5", 0, .excessPrecision(maxDecimals: 0)),
            ("1", 78, .invalidDecimals(78)),
            ("1", -1, .invalidDecimals(-1)),
            (String(repeating: "1", count: 201), 18, .inputTooLong(limit: 200)),
            (String(repeating: "9", count: 1_000_000), 18, .inputTooLong(limit: 200)),
            ("115792089237316195423570985008687907853269984665640564039457.584007913129639936", 18, .overflow),
            ("115792089237316195423570985008687907853269984665640564039458", 18, .overflow),
            (String(repeating: "9", count: 100), 0, .overflow),
        ]
        for (text, decimals, error) in cases {
            #expect(throws: error, "\(text.prefix(40)) / \(decimals)") { try TokenAmount(parsing: text, decimals: decimals) }
        }
        #expect(throws: BigNumError.invalidDecimals(100)) { try TokenAmount(raw: 1, decimals: 100) }
    }

    @Test func roundTripsAndMatchesBigInt() async {
        await propertyCheck(count: 300, input: uint256Gen, Gen.int(in: 0...77)) { raw, decimals throws in
            let amount = try TokenAmount(raw: raw, decimals: decimals)
            #expect(try TokenAmount(parsing: amount.description, decimals: decimals) == amount)
            #expect(try TokenAmount(parsing: amount.fixedDescription, decimals: decimals) == amount)
            // Independent check: whole and fraction rebuilt with BigInt arithmetic.
            let text = amount.description
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            let whole = BigInt(String(parts[0]))!
            let fractionText = parts.count > 1 ? String(parts[1]) : ""
            #expect(fractionText.count <= decimals)
            #expect(!fractionText.hasSuffix("0"))
            let fraction = fractionText.isEmpty ? BigInt.zero : BigInt(fractionText)!
            let scale = try BigInt(10).power(decimals)
            let rebuilt = whole * scale + fraction * (try BigInt(10).power(decimals - fractionText.count))
            #expect(rebuilt == BigInt(raw))
        }
    }

    @Test func arithmeticAndRescaling() throws {
        let a = try TokenAmount(parsing: "1.25", decimals: 6)
        let b = try TokenAmount(parsing: "0.75", decimals: 6)
        #expect(try a.adding(b).description == "2")
        #expect(try a.subtracting(b).description == "0.5")
        #expect(throws: BigNumError.underflow) { try b.subtracting(a) }
        #expect(throws: BigNumError.decimalsMismatch(6, 18)) { try a.adding(TokenAmount(raw: 1, decimals: 18)) }
        #expect(throws: BigNumError.overflow) { try TokenAmount(raw: .max, decimals: 0).adding(TokenAmount(raw: 1, decimals: 0)) }
        #expect(try a.rescaled(to: 18).raw == 1_250_000_000_000_000_000)
        #expect(try TokenAmount(parsing: "1.234567", decimals: 6).rescaled(to: 2).description == "1.23")
        #expect(try TokenAmount(parsing: "1.234567", decimals: 6).rescaled(to: 2, rounding: .up).description == "1.24")
        #expect(throws: BigNumError.overflow) { try TokenAmount(raw: .max, decimals: 0).rescaled(to: 1) }
        #expect(throws: BigNumError.invalidDecimals(80)) { try a.rescaled(to: 80) }
        #expect(a.unit == 1_000_000)
    }

    @Test func codable() throws {
        let amount = try TokenAmount(parsing: "1.5", decimals: 18)
        let data = try JSONEncoder().encode(amount)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(object?["raw"] as? String == "1500000000000000000")
        #expect(object?["decimals"] as? Int == 18)
        #expect(try JSONDecoder().decode(TokenAmount.self, from: data) == amount)
        for bad in [#"{"raw":"1","decimals":78}"#, #"{"raw":"1","decimals":-1}"#, #"{"raw":1,"decimals":2}"#,
                    #"{"raw":"-1","decimals":2}"#, #"{"raw":"1"}"#] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(TokenAmount.self, from: Data(bad.utf8)) }
        }
    }
}
