import Foundation
// attaswift/BigInt, kept in its own file: its module and its type are both named `BigInt`, which would
// clash with DataFi's `BigInt` in a file that imports both.
import BigInt

typealias PeerBigUInt = BigUInt

extension BigUInt {
    static func make(_ value: UInt128) -> BigUInt {
        BigUInt(UInt64(truncatingIfNeeded: value >> 64)) << 64 | BigUInt(UInt64(truncatingIfNeeded: value))
    }

    static func make(bigEndian bytes: [UInt8]) -> BigUInt { BigUInt(Data(bytes)) }

    /// The AMM output formula summed over the inputs.
    static func ammSum(_ inputs: [(BigUInt, BigUInt, BigUInt)]) -> BigUInt {
        var sum = BigUInt(0)
        for (a, reserveIn, reserveOut) in inputs {
            let inWithFee = a * 997
            sum += inWithFee * reserveOut / (reserveIn * 1000 + inWithFee)
        }
        return sum
    }
}
