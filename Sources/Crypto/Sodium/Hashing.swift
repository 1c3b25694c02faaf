import CSodium

/// BLAKE2b (RFC 7693) through libsodium's `crypto_generichash`: digests of 16...64 bytes,
/// optionally keyed with 16...64 bytes (a MAC).
///
/// A value type: `update` appends input, `finalize()` returns the digest without changing the
/// value, so a state can be copied to hash several continuations of one prefix.
public struct BLAKE2b: Sendable {
    /// Allowed digest lengths in bytes.
    public static let digestLengths = 16...64
    /// Allowed key lengths in bytes.
    public static let keyLengths = 16...64

    private var storage: BLAKE2bState
    /// Length of the digest this state produces, in bytes.
    public let digestLength: Int

    /// Starts a hash producing `digestLength` bytes, keyed when `key` is non-empty.
    /// - Throws: `SodiumError.lengthOutOfRange` for a digest length outside 16...64 or a key
    ///   length outside 16...64 (an empty key means unkeyed).
    public init(digestLength: Int = 32, key: some Collection<UInt8> = [UInt8]()) throws(SodiumError) {
        guard BLAKE2b.digestLengths.contains(digestLength) else {
            throw .lengthOutOfRange(what: "BLAKE2b digest", allowed: BLAKE2b.digestLengths, actual: digestLength)
        }
        let keyCount = key.count
        guard keyCount == 0 || BLAKE2b.keyLengths.contains(keyCount) else {
            throw .lengthOutOfRange(what: "BLAKE2b key", allowed: BLAKE2b.keyLengths, actual: keyCount)
        }
        self.digestLength = digestLength
        let state = BLAKE2bState()
        ByteInput.with(key) { k, n in
            _ = crypto_generichash_init(state.opaque, n == 0 ? nil : k, n, digestLength)
        }
        storage = state
    }

    /// Appends `data` to the hashed input.
    public mutating func update(_ data: some Collection<UInt8>) {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        let state = storage
        ByteInput.with(data) { p, n in
            _ = crypto_generichash_update(state.opaque, p, UInt64(n))
        }
    }

    /// The digest of everything passed to `update` so far. The state is left unchanged.
    public func finalize() -> [UInt8] {
        let copy = storage.copy()
        return ByteInput.output(count: digestLength) { out in
            _ = crypto_generichash_final(copy.opaque, out, digestLength)
        }
    }

    /// One-shot BLAKE2b of `data`.
    /// - Throws: `SodiumError.lengthOutOfRange` as `init(digestLength:key:)`.
    public static func hash(_ data: some Collection<UInt8>, digestLength: Int = 32,
                            key: some Collection<UInt8> = [UInt8]()) throws(SodiumError) -> [UInt8] {
        var hasher = try BLAKE2b(digestLength: digestLength, key: key)
        hasher.update(data)
        return hasher.finalize()
    }

    /// BLAKE2b-256 of `data`, unkeyed. Cannot fail.
    public static func hash256(_ data: some Collection<UInt8>) -> [UInt8] {
        SodiumRuntime.ensureInitialized()
        return ByteInput.with(data) { p, n in
            ByteInput.output(count: 32) { out in _ = crypto_generichash(out, 32, p, UInt64(n), nil, 0) }
        }
    }
}

/// Heap storage for libsodium's 64-byte-aligned BLAKE2b state, wiped when freed.
/// Mutated only while uniquely referenced (copy on write), so sharing copies is safe.
final class BLAKE2bState: @unchecked Sendable {
    private static let size = crypto_generichash_statebytes()
    private let raw: UnsafeMutableRawPointer

    init() {
        SodiumRuntime.ensureInitialized()
        raw = .allocate(byteCount: BLAKE2bState.size, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: BLAKE2bState.size)
    }

    func copy() -> BLAKE2bState {
        let other = BLAKE2bState()
        other.raw.copyMemory(from: raw, byteCount: BLAKE2bState.size)
        return other
    }

    var opaque: OpaquePointer { OpaquePointer(raw) }

    deinit {
        sodium_memzero(raw, BLAKE2bState.size)
        raw.deallocate()
    }
}

/// SHA-256 (FIPS 180-4) through libsodium. `finalize()` leaves the value unchanged.
public struct SHA256: Sendable {
    /// Digest length in bytes.
    public static let digestLength = 32
    private var state = crypto_hash_sha256_state()

    /// Starts an empty hash.
    public init() {
        SodiumRuntime.ensureInitialized()
        crypto_hash_sha256_init(&state)
    }

    /// Appends `data` to the hashed input.
    public mutating func update(_ data: some Collection<UInt8>) {
        ByteInput.with(data) { p, n in _ = crypto_hash_sha256_update(&state, p, UInt64(n)) }
    }

    /// The 32-byte digest of the input so far.
    public func finalize() -> [UInt8] {
        var copy = state
        return ByteInput.output(count: 32) { out in _ = crypto_hash_sha256_final(&copy, out) }
    }

    /// One-shot SHA-256 of `data`.
    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data)
        return hasher.finalize()
    }
}

/// SHA-512 (FIPS 180-4) through libsodium. `finalize()` leaves the value unchanged.
public struct SHA512: Sendable {
    /// Digest length in bytes.
    public static let digestLength = 64
    private var state = crypto_hash_sha512_state()

    /// Starts an empty hash.
    public init() {
        SodiumRuntime.ensureInitialized()
        crypto_hash_sha512_init(&state)
    }

    /// Appends `data` to the hashed input.
    public mutating func update(_ data: some Collection<UInt8>) {
        ByteInput.with(data) { p, n in _ = crypto_hash_sha512_update(&state, p, UInt64(n)) }
    }

    /// The 64-byte digest of the input so far.
    public func finalize() -> [UInt8] {
        var copy = state
        return ByteInput.output(count: 64) { out in _ = crypto_hash_sha512_final(&copy, out) }
    }

    /// One-shot SHA-512 of `data`.
    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        var hasher = SHA512()
        hasher.update(data)
        return hasher.finalize()
    }
}
