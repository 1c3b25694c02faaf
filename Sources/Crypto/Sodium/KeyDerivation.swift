import CSodium

/// Subkeys from one master key with libsodium's `crypto_kdf_derive_from_key`.
///
/// Each subkey is keyed BLAKE2b of the empty message under the 32-byte master key, with the
/// 64-bit subkey id (little-endian) as BLAKE2b salt and the 8-byte context as personalization.
/// Different ids or contexts give independent keys; the same inputs always give the same key.
public enum KeyDerivation {
    /// Master key length in bytes.
    public static let masterKeyLength = 32
    /// Context length in bytes.
    public static let contextLength = 8
    /// Allowed subkey lengths in bytes.
    public static let subkeyLengths = 16...64

    /// A 32-byte master key in secure memory.
    public struct MasterKey: Sendable, Equatable {
        fileprivate let secret: SecureBytes

        /// A fresh random master key.
        public init() { secret = SecureBytes(count: 32) }

        /// A master key from 32 bytes.
        /// - Throws: `SodiumError.wrongLength` unless exactly 32 bytes.
        public init(rawRepresentation: some Collection<UInt8>) throws(SodiumError) {
            let count = rawRepresentation.count
            guard count == 32 else { throw .wrongLength(what: "KDF master key", expected: 32, actual: count) }
            secret = SecureBytes(copying: rawRepresentation)
        }

        /// The key bytes, in secure memory.
        public var rawRepresentation: SecureBytes { secret }
    }

    /// Derives subkey number `subkeyID` of `length` bytes for `context` (exactly 8 bytes of
    /// UTF-8, e.g. "DataFiV1", naming the purpose).
    /// - Throws: `SodiumError.wrongLength` when the context is not 8 bytes;
    ///   `.lengthOutOfRange` when `length` is outside 16...64.
    public static func deriveKey(from masterKey: MasterKey, subkeyID: UInt64, context: String,
                                 length: Int = 32) throws(SodiumError) -> SecureBytes {
        let contextBytes = Array(context.utf8)
        guard contextBytes.count == contextLength else {
            throw .wrongLength(what: "KDF context", expected: contextLength, actual: contextBytes.count)
        }
        guard subkeyLengths.contains(length) else {
            throw .lengthOutOfRange(what: "KDF subkey", allowed: subkeyLengths, actual: length)
        }
        SodiumRuntime.ensureInitialized()
        return SecureBytes(count: length) { out in
            contextBytes.withUnsafeBytes { ctx in
                _ = crypto_kdf_derive_from_key(out.baseAddress!.assumingMemoryBound(to: UInt8.self), length, subkeyID,
                                               ctx.baseAddress!.assumingMemoryBound(to: CChar.self),
                                               masterKey.secret.pointer)
            }
        }
    }
}
