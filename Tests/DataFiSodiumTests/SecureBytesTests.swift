import DataFiSodium
import PropertyBased
import Testing

@Test func secureBytesCopyAndCompare() async {
    await propertyCheck(count: 100, input: Gen.uint8().array(of: 0...80)) { bytes in
        let a = SecureBytes(copying: bytes)
        #expect(a.count == bytes.count)
        #expect(a.array == bytes)
        #expect(a == SecureBytes(copying: bytes))
        if !bytes.isEmpty {
            var other = bytes
            other[other.count - 1] ^= 1
            #expect(a != SecureBytes(copying: other))
            #expect(a != SecureBytes(copying: bytes.dropLast()))
        }
    }
}

@Test func secureBytesRandomAndDescription() {
    let a = SecureBytes(count: 32), b = SecureBytes(count: 32)
    #expect(a.count == 32 && a != b)
    #expect(a.description == "SecureBytes(32 bytes)")
    #expect(!a.description.contains(Hex.encode(a.array)))
    #expect(SecureBytes(count: 0).count == 0)
    #expect(SecureBytes(count: 0) == SecureBytes(copying: []))
    // Non-contiguous input is copied too.
    #expect(SecureBytes(copying: (0..<10).lazy.map { UInt8($0) }).array == Array(0..<10))
}

@Test func constantTimeEquality() async {
    await propertyCheck(count: 200, input: Gen.uint8().array(of: 0...64), Gen.uint8().array(of: 0...64)) { a, b in
        #expect(ConstantTime.equals(a, b) == (a == b))
        #expect(ConstantTime.equals(a, a))
    }
    #expect(!ConstantTime.equals([1, 2], [1, 2, 3]))
    #expect(ConstantTime.equals([UInt8](), [UInt8]()))
}
