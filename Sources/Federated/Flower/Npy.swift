import Foundation

/// Element types of `.npy` arrays a node exchanges.
public enum NpyDType: String, Sendable, Equatable, CaseIterable {
    /// Little-endian IEEE 754 binary32 (`<f4`, NumPy `float32`).
    case float32 = "<f4"
    /// Little-endian IEEE 754 binary64 (`<f8`, NumPy `float64`).
    case float64 = "<f8"

    /// Bytes per element.
    public var size: Int { self == .float32 ? 4 : 8 }
    /// NumPy's name of the type (`float32`, `float64`), as Flower's `Array` objects carry it.
    public var numpyName: String { self == .float32 ? "float32" : "float64" }
}

/// A numeric array in NumPy's `.npy` format: C order, little-endian float32 or float64. Values are held
/// as `Double` (float32 values convert exactly).
public struct NpyArray: Sendable, Equatable {
    /// Element type on the wire.
    public let dtype: NpyDType
    /// Dimensions; `[]` is a scalar.
    public let shape: [Int]
    /// Values in C (row-major) order.
    public let values: [Double]

    /// The largest number of elements `init(npy:maxElements:)` accepts by default (16 Mi).
    public static let defaultMaxElements = 1 << 24

    /// An array of the given shape.
    /// - Throws: `FlowerError.shapeMismatch` when the shape's product is not `values.count` (or a dimension
    ///   is negative).
    public init(dtype: NpyDType, shape: [Int], values: [Double]) throws(FlowerError) {
        var count = 1
        for d in shape {
            guard d >= 0 else { throw .shapeMismatch(expected: [values.count], actual: shape) }
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw .shapeMismatch(expected: [values.count], actual: shape) }
            count = product
        }
        guard count == values.count else { throw .shapeMismatch(expected: [values.count], actual: shape) }
        self.dtype = dtype
        self.shape = shape
        self.values = values
    }

    /// Reads a `.npy` file (version 1.0 or 2.0) of little-endian float32 or float64 in C order.
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - maxElements: refuse arrays with more elements than this.
    /// - Throws: `FlowerError.npyNotNumpy`, `.npyMalformedHeader`, `.npyUnsupportedDType`,
    ///   `.arrayTooLarge`, `.npyLength` (truncated or trailing data).
    public init(npy bytes: [UInt8], maxElements: Int = NpyArray.defaultMaxElements) throws(FlowerError) {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic, bytes[7] == 0 else { throw .npyNotNumpy }
        let headerLength: Int, offset: Int
        switch bytes[6] {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            offset = 10
        case 2:
            guard bytes.count >= 12 else { throw .npyNotNumpy }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            offset = 12
        default: throw .npyNotNumpy
        }
        guard headerLength <= 1 << 16, bytes.count >= offset + headerLength,
            let header = String(bytes: bytes[offset..<(offset + headerLength)], encoding: .ascii)
        else { throw .npyMalformedHeader }
        let (descr, fortran, shape) = try Self.parseHeader(header)
        guard let dtype = NpyDType(rawValue: descr) else { throw .npyUnsupportedDType(descr) }
        guard !fortran else { throw .npyMalformedHeader }
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, product <= maxElements else { throw .arrayTooLarge(limit: maxElements) }
            count = product
        }
        let start = offset + headerLength
        let expected = count * dtype.size
        guard bytes.count - start == expected else { throw .npyLength(expected: expected, actual: bytes.count - start) }
        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for i in 0..<count {
                let at = start + i * dtype.size
                switch dtype {
                case .float32:
                    values[i] = Double(
                        Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))))
                case .float64:
                    values[i] = Double(
                        bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
                }
            }
        }
        self.dtype = dtype
        self.shape = shape
        self.values = values
    }

    /// The array as a `.npy` version 1.0 file, byte for byte what NumPy's `np.save` writes.
    public func npy() -> [UInt8] {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': (\(dims)), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
        let length = header.utf8.count
        out += [UInt8(length & 0xFF), UInt8(length >> 8)]
        out += Array(header.utf8)
        out.reserveCapacity(out.count + values.count * dtype.size)
        for value in values {
            switch dtype {
            case .float32: withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { out += $0 }
            case .float64: withUnsafeBytes(of: value.bitPattern.littleEndian) { out += $0 }
            }
        }
        return out
    }

    /// Parses NumPy's header dictionary: `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }`.
    private static func parseHeader(_ text: String) throws(FlowerError) -> (String, Bool, [Int]) {
        var s = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        guard s.first == "{", s.last == "}" else { throw .npyMalformedHeader }
        s = s.dropFirst().dropLast()
        var descr: String?, fortran: Bool?, shape: [Int]?
        func skipSpace() { while let c = s.first, c == " " { s = s.dropFirst() } }
        while true {
            skipSpace()
            if s.isEmpty { break }
            guard s.first == "'", let close = s.dropFirst().firstIndex(of: "'") else { throw .npyMalformedHeader }
            let key = String(s[s.index(after: s.startIndex)..<close])
            s = s[s.index(after: close)...]
            skipSpace()
            guard s.first == ":" else { throw .npyMalformedHeader }
            s = s.dropFirst()
            skipSpace()
            switch key {
            case "descr":
                guard descr == nil, s.first == "'", let close = s.dropFirst().firstIndex(of: "'") else {
                    throw .npyMalformedHeader
                }
                descr = String(s[s.index(after: s.startIndex)..<close])
                s = s[s.index(after: close)...]
            case "fortran_order":
                guard fortran == nil else { throw .npyMalformedHeader }
                if s.hasPrefix("False") {
                    fortran = false; s = s.dropFirst(5)
                } else if s.hasPrefix("True") {
                    fortran = true; s = s.dropFirst(4)
                } else {
                    throw .npyMalformedHeader
                }
            case "shape":
                guard shape == nil, s.first == "(", let close = s.firstIndex(of: ")") else { throw .npyMalformedHeader }
                let inner = s[s.index(after: s.startIndex)..<close]
                var dims: [Int] = []
                for part in inner.split(separator: ",", omittingEmptySubsequences: false) {
                    let token = part.trimmingCharacters(in: .whitespaces)
                    if token.isEmpty { continue }
                    guard token.count <= 19, token.allSatisfy(\.isASCII), let d = Int(token), d >= 0 else {
                        throw .npyMalformedHeader
                    }
                    dims.append(d)
                }
                guard dims.count <= 32 else { throw .npyMalformedHeader }
                shape = dims
                s = s[s.index(after: close)...]
            default: throw .npyMalformedHeader
            }
            skipSpace()
            if s.first == "," {
                s = s.dropFirst()
            } else {
                skipSpace(); guard s.isEmpty else { throw .npyMalformedHeader }
            }
        }
        guard let descr, let fortran, let shape else { throw .npyMalformedHeader }
        return (descr, fortran, shape)
    }
}
