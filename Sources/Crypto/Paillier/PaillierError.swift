/// Why a Paillier operation or a Paillier value from outside was refused.
public enum PaillierError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Key generation was asked for a modulus size that is not one of ``PaillierPrivateKey/supportedBits``.
    case unsupportedKeySize(bits: Int)
    /// A modulus outside ``PaillierPublicKey/minimumBits``...``PaillierPublicKey/maximumBits`` bits.
    case modulusSize(bits: Int)
    /// An even modulus (a product of two odd primes is odd).
    case evenModulus
    /// A private key whose factors are not two distinct probable primes whose product is the modulus,
    /// or with `gcd(n, (p − 1)(q − 1)) ≠ 1`.
    case invalidFactors
    /// A decimal field that is empty, holds a character other than `0`–`9`, or has a leading zero.
    case malformedDecimal(field: String)
    /// A decimal field longer than the modulus allows (checked before parsing).
    case decimalTooLong(field: String, length: Int, limit: Int)
    /// A ciphertext outside `0 < c < n²`.
    case ciphertextOutOfRange
    /// A ciphertext sharing a factor with `n` (`gcd(c, n) ≠ 1`): not produced by encryption, and a
    /// probe for the factorisation.
    case ciphertextNotInvertible
    /// A plaintext outside `0..<n` (or, for signed values, outside `−⌊n/3⌋...⌊n/3⌋`).
    case plaintextOutOfRange
    /// A decrypted value in the gap between the positive and negative signed ranges (overflow).
    case signedOverflow
    /// Values under different public keys were combined.
    case keyMismatch
    /// A JSON document that is not an object with the expected string fields.
    case malformedJSON(reason: String)

    /// A short English description.
    public var description: String {
        switch self {
        case .unsupportedKeySize(let bits):
            "unsupported key size \(bits) bits (supported: \(PaillierPrivateKey.supportedBits.map(String.init).joined(separator: ", ")))"
        case .modulusSize(let bits):
            "modulus of \(bits) bits outside \(PaillierPublicKey.minimumBits)...\(PaillierPublicKey.maximumBits)"
        case .evenModulus: "the modulus is even"
        case .invalidFactors: "p and q are not distinct primes whose product is n"
        case .malformedDecimal(let field): "\(field) is not a canonical decimal integer"
        case .decimalTooLong(let field, let length, let limit): "\(field) has \(length) digits (limit \(limit))"
        case .ciphertextOutOfRange: "ciphertext outside 0 < c < n²"
        case .ciphertextNotInvertible: "ciphertext shares a factor with n"
        case .plaintextOutOfRange: "plaintext outside the key's range"
        case .signedOverflow: "decrypted value is outside the signed range (overflow)"
        case .keyMismatch: "values under different keys"
        case .malformedJSON(let reason): "malformed key JSON: \(reason)"
        }
    }
}
