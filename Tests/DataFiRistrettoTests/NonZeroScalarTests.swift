import Testing
@testable import DataFiRistretto

/// A scalar that needs an inverse is a `NonZeroScalar`: zero is refused when it is built, never replaced later.
@Suite struct NonZeroScalarTests {
    @Test func zeroIsRefusedWithATypedError() {
        #expect(throws: RistrettoError.zeroHasNoInverse) { try NonZeroScalar(Scalar.zero) }
        #expect(throws: RistrettoError.zeroHasNoInverse) {
            try NonZeroScalar(canonicalBytes: [UInt8](repeating: 0, count: 32))
        }
        #expect(throws: RistrettoError.nonCanonicalScalar) {
            try NonZeroScalar(canonicalBytes: [UInt8](repeating: 0xFF, count: 32))
        }
        #expect(throws: RistrettoError.wrongLength(expected: 32, actual: 31)) {
            try NonZeroScalar(canonicalBytes: [UInt8](repeating: 1, count: 31))
        }
    }

    @Test func inverseTimesScalarIsOne() throws {
        for value: UInt64 in [1, 2, 3, 1 << 40, .max] {
            let x = try NonZeroScalar(Scalar(value))
            #expect(x.inverse.scalar * x.scalar == .one)
        }
        for _ in 0..<20 {
            let x = NonZeroScalar.random()
            #expect(!x.scalar.isZero)
            #expect(x.inverse.scalar * x.scalar == .one)
            #expect(x.inverse.inverse == x)
        }
    }

    @Test func validatedBytesRoundTrip() throws {
        let x = NonZeroScalar.random()
        let back = x.scalar.withUnsafeBytes { NonZeroScalar(validatedBytes: $0) }
        #expect(back == x)
    }
}
