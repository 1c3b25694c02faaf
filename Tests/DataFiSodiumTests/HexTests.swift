import DataFiSodium
import PropertyBased
import Testing

@Test func hexRoundTrips() async {
    await propertyCheck(input: Gen.uint8().array(of: 0...64)) { bytes throws in
        #expect(try Hex.decode(Hex.encode(bytes)) == bytes)
    }
}

@Test func hexRejectsBadInput() throws {
    #expect(throws: Hex.DecodingError.oddLength(3)) { try Hex.decode("abc") }
    #expect(throws: Hex.DecodingError.invalidCharacter(offset: 1)) { try Hex.decode("0g") }
    #expect(throws: Hex.DecodingError.invalidCharacter(offset: 0)) { try Hex.decode("é") }
    #expect(throws: Hex.DecodingError.wrongLength(expected: 2, actual: 1)) { try Hex.decode("ab", length: 2) }
    #expect(try Hex.decode("ABcd") == [0xab, 0xcd])
}
