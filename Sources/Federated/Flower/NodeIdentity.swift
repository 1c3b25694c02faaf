import Crypto
import Foundation

/// A SuperNode's ECDSA P-384 key and the authentication headers Flower's Fleet API requires on every call:
/// `flwr-public-key` (base64 of the PEM public key), `flwr-timestamp` (ISO-8601 UTC) and `flwr-signature`
/// (base64 DER ECDSA-SHA256 over the timestamp's bytes).
public struct NodeIdentity: Sendable {
    private let key: P384.Signing.PrivateKey

    /// A fresh random key.
    public init() { key = P384.Signing.PrivateKey() }

    /// A key from PEM (`EC PRIVATE KEY` or PKCS #8 `PRIVATE KEY`).
    /// - Parameter pem: the key file's text.
    /// - Throws: `FlowerError.invalidNodeKey` for anything else (another curve, a public key, garbage).
    public init(pem: String) throws(FlowerError) {
        guard pem.utf8.count <= 64 * 1024, let key = try? P384.Signing.PrivateKey(pemRepresentation: pem) else {
            throw .invalidNodeKey
        }
        self.key = key
    }

    /// The private key as PKCS #8 PEM (to store with `AtomicFile`, readable only by the node).
    public var privateKeyPEM: String { key.pemRepresentation }

    /// The public key as PEM SubjectPublicKeyInfo, the form the SuperLink registers.
    public var publicKeyPEM: String { key.publicKey.pemRepresentation }

    /// The authentication headers for a call made at `date`.
    /// - Parameter date: the call's time (the SuperLink refuses timestamps far from its clock).
    public func headers(at date: Date = Date()) -> [(name: String, value: String)] {
        let timestamp = Self.timestamp(date)
        let digest = SHA256.hash(data: Data(timestamp.utf8))
        // Signing a digest with a valid key does not fail; an empty signature would be refused by the server.
        let signature = (try? key.signature(for: digest).derRepresentation) ?? Data()
        return [
            ("flwr-public-key", Data(publicKeyPEM.utf8).base64EncodedString()),
            ("flwr-timestamp", timestamp),
            ("flwr-signature", signature.base64EncodedString()),
        ]
    }

    /// `2026-01-02T03:04:05.678901+00:00`, Python's `datetime.isoformat()` of a UTC time.
    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        let micros = min(999_999, Int(((seconds - whole) * 1_000_000).rounded()))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let c = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second],
            from: Date(timeIntervalSince1970: whole))
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06d+00:00", c.year ?? 0, c.month ?? 0, c.day ?? 0,
            c.hour ?? 0, c.minute ?? 0, c.second ?? 0, micros)
    }

    /// Whether `signature` (DER) signs `timestamp` under this node's key (what the SuperLink checks).
    package func verify(signature: Data, timestamp: String) -> Bool {
        guard let s = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
        return key.publicKey.isValidSignature(s, for: SHA256.hash(data: Data(timestamp.utf8)))
    }
}
