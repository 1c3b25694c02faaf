import Testing
import DataFiBigNum
import DataFiAMM

/// `UQ112x112.encode` and `ratio` take caller input: out-of-range values are errors, not traps.
@Suite struct FixedPointErrorTests {
    @Test func encodeRefusesValuesOf112BitsAndMore() throws {
        #expect(throws: AMMError.overflow) { try UQ112x112.encode(Pair.maxReserve + 1) }
        #expect(throws: AMMError.overflow) { try UQ112x112.encode(UInt256.max) }
        #expect(try UQ112x112.encode(Pair.maxReserve).rawValue == Pair.maxReserve << 112)
    }

    @Test func ratioRefusesZeroAndOversizedOperands() throws {
        #expect(throws: AMMError.divisionByZero) { try UQ112x112.ratio(UInt256.one, UInt256.zero) }
        #expect(throws: AMMError.overflow) { try UQ112x112.ratio(Pair.maxReserve + 1, UInt256.one) }
        #expect(throws: AMMError.overflow) { try UQ112x112.ratio(UInt256.one, UInt256.max) }
        #expect(try UQ112x112.ratio(UInt256.one, UInt256.one) == UQ112x112.resolution.uq)
    }
}

private extension UInt256 {
    var uq: UQ112x112 { UQ112x112(rawValue: self) }
}
