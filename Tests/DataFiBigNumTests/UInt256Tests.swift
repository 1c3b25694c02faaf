import Foundation
import PropertyBased
import Testing
@testable import DataFiBigNum

@Suite struct UInt256ArithmeticTests {
    @Test func constantsAndDecimal() {
        #expect(UInt256.zero.description == "0")
        #expect(UInt256.one.description == "1")
        #expect(UInt256.max.description == "115792089237316195423570985008687907853269984665640564039457584007913129639935")
        #expect(UInt256.max == UInt256("115792089237316195423570985008687907853269984665640564039457584007913129639935"))
        #expect(UInt256.max.hexString == "0x" + String(repeating: "f", count: 64))
        #expect(UInt256.zero.hexString == "0x0")
        let big: UInt256 = 115792089237316195423570985008687907853269984665640564039457584007913129639935
        #expect(big == .max)
        #expect(UInt256(UInt128.max).uint128Value == .max)
        #expect((UInt256(UInt128.max) + 1).uint128Value == nil)
        #expect(UInt256(UInt64.max).uint64Value == .max)
        #expect((UInt256(UInt64.max) + 1).uint64Value == nil)
        #expect(UInt256.bitWidth == 256)
        #expect(UInt256.zero.isZero && !UInt256.one.isZero)
    }

    @Test func edgeValuesMatchOracle() {
        for a in edgeValues {
            #expect(Oracle(a).decimal == a.description)
            #expect(a.squareRoot() == Oracle(a).sqrt().uint256)
            for b in edgeValues {
                checkAgainstOracle(a, b)
            }
        }
    }

    @Test func randomValuesMatchOracle() async {
        await propertyCheck(count: 400, input: uint256Gen, uint256Gen) { a, b in
            checkAgainstOracle(a, b)
            #expect(a.squareRoot() == Oracle(a).sqrt().uint256)
            #expect(Oracle(a).decimal == a.description)
            #expect(UInt256(a.description) == a)
            #expect(UInt256(hex: a.hexString) == a)
        }
    }

    @Test func mulDivMatchesOracle() async throws {
        await propertyCheck(count: 400, input: uint256Gen, uint256Gen, uint256Gen) { a, b, d in
            checkMulDiv(a, b, d)
        }
        for a in edgeValues {
            for b in edgeValues {
                for d in edgeValues.prefix(12) { checkMulDiv(a, b, d) }
            }
        }
        // Intermediate product wider than 256 bits, exact quotient back in range.
        #expect(try UInt256.mulDiv(.max, .max, .max) == .max)
        #expect(try UInt256.mulDiv(.max, 3, 3, rounding: .up) == .max)
        #expect(throws: BigNumError.overflow) { try UInt256.mulDiv(.max, 2, 1) }
        #expect(throws: BigNumError.overflow) { try UInt256.mulDiv(.max, .max - 1, .max - 2, rounding: .up) }
        #expect(throws: BigNumError.divisionByZero) { try UInt256.mulDiv(1, 1, 0) }
        #expect(try UInt256.mulDiv(7, 3, 2) == 10)
        #expect(try UInt256.mulDiv(7, 3, 2, rounding: .up) == 11)
        #expect(try UInt256.mulDiv(8, 3, 2, rounding: .up) == 12)
    }

    @Test func ammFormulaMatchesNativeUInt128() async {
        await propertyCheck(count: 300, input: Gen.uint64(), Gen.uint64(), Gen.uint64()) { a, r, big in
            let amountIn = UInt128(a % 1_000_000_000_000)
            let reserveIn = UInt128(big % 1_000_000_000_000_000) + 1
            let reserveOut = UInt128(r % 1_000_000_000_000_000)
            let native = amountIn * 997 * reserveOut / (reserveIn * 1000 + amountIn * 997)
            let a256 = UInt256(amountIn), ri = UInt256(reserveIn), ro = UInt256(reserveOut)
            let ours = a256 * 997 * ro / (ri * 1000 + a256 * 997)
            #expect(ours.uint128Value == native)
        }
    }

    @Test func shiftsAndBits() async {
        await propertyCheck(count: 200, input: uint256Gen, Gen.int(in: -300...300)) { a, s in
            let left = a << s, right = a >> s
            if s >= 0 {
                #expect(right == Oracle(a).shiftedRight(s).uint256)
                #expect(left == (s >= 256 ? .zero : (Oracle(a) * Oracle(UInt256.one << s)).mod256().uint256))
                if s < 256 {
                    #expect(a &<< UInt256(UInt64(s)) == left)
                    #expect(a &>> UInt256(UInt64(s)) == right)
                }
            } else {
                #expect(left == a >> -s)
                #expect(right == a << -s)
            }
            #expect(~(~a) == a)
            #expect(a ^ a == .zero)
            #expect(a & ~a == .zero)
            #expect(a | ~a == .max)
            #expect(a.leadingZeroBitCount == 256 - Oracle(a).bitCount)
            if !a.isZero {
                #expect((a >> a.trailingZeroBitCount) & 1 == 1)
                #expect((a << (256 - a.trailingZeroBitCount)) == .zero)
            }
            #expect(a.byteSwapped.byteSwapped == a)
            #expect(a.byteSwapped.bigEndianBytes == a.bigEndianBytes.reversed())
            #expect(a.nonzeroBitCount == a.words.reduce(0) { $0 + $1.nonzeroBitCount })
        }
        #expect(UInt256.zero.leadingZeroBitCount == 256)
        #expect(UInt256.zero.trailingZeroBitCount == 256)
        #expect((UInt256.one << 200).trailingZeroBitCount == 200)
        #expect(UInt256.one << Int.min == .zero)
        #expect(UInt256.max >> Int.max == .zero)
    }

    @Test func reportingOverflowAndTrapFreeForms() throws {
        #expect(UInt256.max.addingReportingOverflow(1) == (.zero, true))
        #expect(UInt256.zero.subtractingReportingOverflow(1) == (.max, true))
        #expect(UInt256.max.multipliedReportingOverflow(by: 2) == (.max - 1, true))
        #expect(UInt256(5).dividedReportingOverflow(by: 0) == (5, true))
        #expect(UInt256(5).remainderReportingOverflow(dividingBy: 0) == (5, true))
        #expect(UInt256.max &+ 1 == .zero)
        #expect(UInt256.zero &- 1 == .max)
        #expect(UInt256.max &* .max == 1)
        #expect(throws: BigNumError.divisionByZero) { try UInt256(1).divided(by: 0) }
        #expect(try UInt256(7).divided(by: 2) == 3)
        #expect(UInt256(7).quotientAndRemainder(dividingBy: 2) == (3, 1))
        let full = UInt256.max.multipliedFullWidth(by: .max)
        #expect(full.high == .max - 1 && full.low == 1)
        #expect(UInt256.max.dividingFullWidth(full) == (.max, 0))
    }

    @Test func genericIntegerCode() async {
        func sum<T: FixedWidthInteger & UnsignedInteger>(_ values: [T]) -> T { values.reduce(0, +) }
        #expect(sum([UInt256(1), 2, 3]) == 6)
        #expect(UInt256(exactly: 12.0) == 12)
        #expect(UInt256(exactly: 12.5) == nil)
        #expect(UInt256(exactly: -1) == nil)
        #expect(UInt256(truncatingIfNeeded: -1) == .max)
        #expect(UInt256(clamping: -5) == 0)
        #expect(UInt64(exactly: UInt256(UInt64.max)) == .max)
        #expect(UInt64(exactly: UInt256(UInt64.max) + 1) == nil)
        #expect(UInt128(UInt256(UInt128.max)) == .max)
        #expect(Int(truncatingIfNeeded: UInt256.max) == -1)
        #expect(UInt256(1 as UInt8) << 255 == UInt256(hex: "8" + String(repeating: "0", count: 63)))
        #expect(String(UInt256.max, radix: 16) == String(repeating: "f", count: 64))
        #expect(UInt256("ff", radix: 16) == 255)
        #expect(Double(UInt256.one << 100) == 0x1p100)
        await propertyCheck(count: 100, input: uint256Gen, uint256Gen) { a, b in
            let divisor = b.isZero ? 1 : b
            let (q, r) = a.quotientAndRemainder(dividingBy: divisor)
            #expect(q * divisor + r == a)
            let (h, l) = a.multipliedFullWidth(by: b)
            if !b.isZero, h < b {
                let back = b.dividingFullWidth((high: h, low: l))
                #expect(back.quotient == a && back.remainder == 0)
            }
            #expect(String(a, radix: 10) == a.description)
            #expect(UInt256(a.description, radix: 10) == a)
        }
    }
}

@Suite struct UInt256EncodingTests {
    @Test func decimalParsingRejectsBadInput() throws {
        #expect(UInt256("") == nil)
        #expect(UInt256("-1") == nil)
        #expect(UInt256("+1") == nil)
        #expect(UInt256(" 1") == nil)
        #expect(UInt256("1 ") == nil)
        #expect(UInt256("1_000") == nil)
        #expect(UInt256("0x10") == nil)
        #expect(UInt256("١٢") == nil)  // Arabic-Indic digits are not ASCII digits
        #expect(UInt256("115792089237316195423570985008687907853269984665640564039457584007913129639936") == nil)
        #expect(throws: BigNumError.overflow) {
            try UInt256(decimalString: "115792089237316195423570985008687907853269984665640564039457584007913129639936")
        }
        #expect(throws: BigNumError.inputTooLong(limit: 78)) { try UInt256(decimalString: String(repeating: "0", count: 79)) }
        #expect(throws: BigNumError.inputTooLong(limit: 78)) { try UInt256(decimalString: String(repeating: "9", count: 1_000_000)) }
        #expect(throws: BigNumError.empty) { try UInt256(decimalString: "") }
        #expect(throws: BigNumError.invalidDigits) { try UInt256(decimalString: "12a") }
        #expect(UInt256("007") == 7)
        #expect(UInt256(String(repeating: "0", count: 78)) == 0)
    }

    @Test func hexParsing() {
        #expect(UInt256(hex: "0x") == nil)
        #expect(UInt256(hex: "") == nil)
        #expect(UInt256(hex: "0xg") == nil)
        #expect(UInt256(hex: "0x" + String(repeating: "f", count: 65)) == nil)
        #expect(UInt256(hex: String(repeating: "F", count: 64)) == .max)
        #expect(UInt256(hex: "0XaB") == 0xab)
        #expect(UInt256(hex: "-1") == nil)
        #expect(UInt256(hex: "0x0") == 0)
    }

    @Test func bytesRoundTrip() async throws {
        #expect(throws: BigNumError.wrongByteCount(expected: 32, actual: 31)) { try UInt256(bigEndianBytes: [UInt8](repeating: 0, count: 31)) }
        #expect(throws: BigNumError.wrongByteCount(expected: 32, actual: 33)) { try UInt256(bigEndianBytes: [UInt8](repeating: 0, count: 33)) }
        #expect(throws: BigNumError.wrongByteCount(expected: 32, actual: 0)) { try UInt256(bigEndianBytes: [UInt8]()) }
        var one = [UInt8](repeating: 0, count: 32)
        one[31] = 1
        #expect(try UInt256(bigEndianBytes: one) == 1)
        #expect(UInt256.one.bigEndianBytes == one)
        #expect(UInt256(hex: "0x0102")!.bigEndianBytes.suffix(2) == [1, 2])
        await propertyCheck(count: 100, input: uint256Gen) { a throws in
            #expect(try UInt256(bigEndianBytes: a.bigEndianBytes) == a)
            #expect(try UInt256(bigEndianBytes: a.bigEndianBytes[...]) == a)
        }
    }

    @Test func codableIsDecimalString() throws {
        let values: [UInt256] = [0, 1, .max, UInt256(UInt128.max)]
        let data = try JSONEncoder().encode(values)
        #expect(String(decoding: data, as: UTF8.self)
                == #"["0","1","115792089237316195423570985008687907853269984665640564039457584007913129639935","340282366920938463463374607431768211455"]"#)
        #expect(try JSONDecoder().decode([UInt256].self, from: data) == values)
        for bad in [#"["-1"]"#, #"[1]"#, #"["1e3"]"#, #"[""]"#, #"["0x1"]"#] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode([UInt256].self, from: Data(bad.utf8)) }
        }
    }
}

func checkAgainstOracle(_ a: UInt256, _ b: UInt256) {
    let oa = Oracle(a), ob = Oracle(b)
    let sum = oa + ob
    #expect(a.addingReportingOverflow(b).partialValue == sum.mod256().uint256)
    #expect(a.addingReportingOverflow(b).overflow == (sum.uint256 == nil))
    let diff = oa - ob
    #expect(a.subtractingReportingOverflow(b).partialValue == diff.mod256().uint256)
    #expect(a.subtractingReportingOverflow(b).overflow == (diff.uint256 == nil))
    let product = oa * ob
    let full = a.multipliedFullWidth(by: b)
    #expect(full.low == product.mod256().uint256)
    #expect(full.high == product.shiftedRight(256).uint256)
    #expect(a &* b == full.low)
    #expect(a.multipliedReportingOverflow(by: b).overflow == !full.high.isZero)
    #expect((a < b) == (a.description.count < b.description.count
                        || (a.description.count == b.description.count && a.description < b.description)))
    if !b.isZero {
        let (q, r) = a.quotientAndRemainder(dividingBy: b)
        #expect(q == (oa / ob).uint256)
        #expect(r == (oa % ob).uint256)
        #expect(a / b == q && a % b == r)
    }
}

func checkMulDiv(_ a: UInt256, _ b: UInt256, _ d: UInt256) {
    if d.isZero {
        #expect(throws: BigNumError.divisionByZero) { try UInt256.mulDiv(a, b, d) }
        return
    }
    let product = Oracle(a) * Oracle(b)
    let down = (product / Oracle(d)).uint256
    let up = product.ceilDiv(Oracle(d)).uint256
    #expect((try? UInt256.mulDiv(a, b, d)) == down)
    #expect((try? UInt256.mulDiv(a, b, d, rounding: .up)) == up)
    if down == nil { #expect(throws: BigNumError.overflow) { try UInt256.mulDiv(a, b, d) } }
    if up == nil { #expect(throws: BigNumError.overflow) { try UInt256.mulDiv(a, b, d, rounding: .up) } }
}

@Suite struct UInt256HashingTests {
    @Test func equalityAndHashingUseAllLimbs() {
        // Values far apart (distance not representable in Int) must compare and hash without trapping.
        #expect(UInt256.max != .zero)
        #expect((UInt256.max, UInt256.zero) == (UInt256.max, UInt256.zero))
        let set: Set<UInt256> = [.max, .zero, UInt256.one << 200, UInt256.one << 201, 1]
        #expect(set.count == 5)
        #expect(set.contains(UInt256.one << 200))
        #expect(!set.contains(UInt256.one << 199))
    }
}
