// FixedWidthInteger & UnsignedInteger conformance, so generic integer code accepts UInt256.

extension UInt256: FixedWidthInteger, UnsignedInteger {
    /// An unsigned value is its own magnitude.
    public typealias Magnitude = UInt256

    /// The value itself (it is unsigned).
    @inlinable
    public var magnitude: UInt256 { self }

    /// The value as machine words, least significant first.
    public struct Words: RandomAccessCollection, Sendable {
        @usableFromInline let value: UInt256
        @inlinable init(_ value: UInt256) { self.value = value }
        /// Word positions, 0 is least significant.
        public typealias Index = Int
        /// One machine word.
        public typealias Element = UInt
        /// Position of the least significant word.
        @inlinable public var startIndex: Int { 0 }
        /// One past the most significant word.
        @inlinable public var endIndex: Int { 256 / UInt.bitWidth }
        /// The word at `position` (least significant first).
        @inlinable public subscript(position: Int) -> UInt {
            precondition(position >= 0 && position < endIndex, "UInt256.Words index out of range")
            if UInt.bitWidth == 64 { return UInt(truncatingIfNeeded: value.limb(position)) }
            return UInt(truncatingIfNeeded: value.limb(position / 2) >> UInt64(32 * (position % 2)))
        }
    }

    /// The value as machine words, least significant first.
    @inlinable
    public var words: Words { Words(self) }

    /// Creates a value from the low word of a truncated bit pattern.
    @inlinable
    public init(_truncatingBits bits: UInt) { self.init(UInt64(bits)) }
}
