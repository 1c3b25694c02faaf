import DataFiSodium

/// The wire format of secure-aggregation messages, shared by the seven message types:
/// version (1 byte, = 1) ‖ type (1 byte) ‖ session (UInt64 LE) ‖ body. Integers are little-endian;
/// every count is checked against its limit and against the bytes present before anything is
/// allocated, so a relay can carry the messages as opaque, length-bounded byte strings.
public enum SecAggWire {
    /// The only version written and read.
    public static let version: UInt8 = 1
    /// Bytes of the common header.
    public static let headerLength = 10
    /// Bytes of one encrypted share pair: nonce (24) ‖ ciphertext of sender (4), recipient (4),
    /// self-mask share (33), key share (33) ‖ tag (16).
    public static let encryptedShareLength = SecretBox.overhead + 8 + 2 * Shamir.elementLength

    /// The largest serialized message: a masked input of `SecAggConfig.maxDimension` 8-byte values.
    public static let maxMessageLength = headerLength + 9 + 8 * SecAggConfig.maxDimension

    enum MessageType: UInt8 {
        case advertiseKeys = 1, keyDirectory, shareKeys, shareBundle, maskedInput, unmaskRequest, unmaskResponse
    }
}

struct WireWriter {
    var bytes: [UInt8] = []
    init(type: SecAggWire.MessageType, session: UInt64, capacity: Int = 64) {
        bytes.reserveCapacity(capacity)
        bytes.append(SecAggWire.version)
        bytes.append(type.rawValue)
        u64(session)
    }
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func raw(_ v: some Collection<UInt8>) { bytes.append(contentsOf: v) }
}

struct WireReader {
    let bytes: [UInt8]
    var offset = 0
    let session: UInt64

    init(_ data: some Collection<UInt8>, type: SecAggWire.MessageType) throws(SecAggError) {
        guard data.count <= SecAggWire.maxMessageLength else {
            throw .tooManyEntries(declared: data.count, limit: SecAggWire.maxMessageLength)
        }
        bytes = Array(data)
        guard bytes.count >= SecAggWire.headerLength else {
            throw .truncated(expected: SecAggWire.headerLength, actual: bytes.count)
        }
        guard bytes[0] == SecAggWire.version else { throw .unsupportedVersion(bytes[0]) }
        guard bytes[1] == type.rawValue else { throw .wrongMessageType(expected: type.rawValue, actual: bytes[1]) }
        offset = 2
        var s: UInt64 = 0
        for i in 0..<8 { s |= UInt64(bytes[2 + i]) << UInt64(8 * i) }
        session = s
        offset = SecAggWire.headerLength
    }

    var remaining: Int { bytes.count - offset }

    mutating func need(_ n: Int) throws(SecAggError) {
        guard n <= remaining else { throw .truncated(expected: offset + n, actual: bytes.count) }
    }
    mutating func u8() throws(SecAggError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }
    mutating func u32() throws(SecAggError) -> UInt32 {
        try need(4)
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[offset + i]) << UInt32(8 * i) }
        offset += 4
        return v
    }
    mutating func raw(_ n: Int) throws(SecAggError) -> [UInt8] {
        try need(n)
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }
    /// A count followed by `count` entries of `entrySize` bytes: checks the limit and the bytes present.
    mutating func count(limit: Int, entrySize: Int) throws(SecAggError) -> Int {
        let n = Int(try u32())
        guard n <= limit else { throw .tooManyEntries(declared: n, limit: limit) }
        try need(n * entrySize)
        return n
    }
    func finish() throws(SecAggError) {
        guard remaining == 0 else { throw .trailingBytes(remaining) }
    }
    mutating func clientID() throws(SecAggError) -> ClientID {
        let id = try u32()
        guard id >= 1, id <= UInt32(SecAggConfig.maxClients) else { throw .invalidClientID(id) }
        return id
    }
    /// `count` strictly increasing client ids.
    mutating func sortedIDs(limit: Int) throws(SecAggError) -> [ClientID] {
        let n = try count(limit: limit, entrySize: 4)
        var ids: [ClientID] = []
        ids.reserveCapacity(n)
        for _ in 0..<n {
            let id = try clientID()
            if let last = ids.last, id <= last { throw .unsortedIdentifiers }
            ids.append(id)
        }
        return ids
    }
}

/// Phase 0, client → server: the client's two X25519 public keys, one for encrypting shares to it
/// (`channelKey`) and one for agreeing pairwise mask seeds (`maskingKey`).
public struct AdvertiseKeys: Sendable, Equatable {
    /// The round.
    public let session: UInt64
    /// The sender.
    public let from: ClientID
    /// The key other clients encrypt shares to.
    public let channelKey: KeyAgreement.PublicKey
    /// The key pairwise mask seeds are agreed with.
    public let maskingKey: KeyAgreement.PublicKey

    /// The message from its parts.
    public init(session: UInt64, from: ClientID, channelKey: KeyAgreement.PublicKey, maskingKey: KeyAgreement.PublicKey) {
        self.session = session
        self.from = from
        self.channelKey = channelKey
        self.maskingKey = maskingKey
    }

    /// The serialized message (74 bytes).
    public var serialized: [UInt8] {
        var w = WireWriter(type: .advertiseKeys, session: session)
        w.u32(from)
        w.raw(channelKey.rawRepresentation)
        w.raw(maskingKey.rawRepresentation)
        return w.bytes
    }

    /// Parses a serialized message.
    /// - Throws: `SecAggError` for a wrong header, truncation, trailing bytes or an invalid id.
    public init(serialized data: some Collection<UInt8>) throws(SecAggError) {
        var r = try WireReader(data, type: .advertiseKeys)
        session = r.session
        from = try r.clientID()
        channelKey = try Self.key(r.raw(32))
        maskingKey = try Self.key(r.raw(32))
        try r.finish()
    }

    static func key(_ bytes: [UInt8]) throws(SecAggError) -> KeyAgreement.PublicKey {
        do { return try KeyAgreement.PublicKey(rawRepresentation: bytes) } catch { throw .truncated(expected: 32, actual: bytes.count) }
    }
}

/// Phase 0, server → clients: the keys of every client that advertised, sorted by id.
public struct KeyDirectory: Sendable, Equatable {
    /// One client's advertised keys.
    public struct Entry: Sendable, Equatable {
        /// The client.
        public let id: ClientID
        /// Its channel key.
        public let channelKey: KeyAgreement.PublicKey
        /// Its masking key.
        public let maskingKey: KeyAgreement.PublicKey
        /// An entry from its parts.
        public init(id: ClientID, channelKey: KeyAgreement.PublicKey, maskingKey: KeyAgreement.PublicKey) {
            self.id = id
            self.channelKey = channelKey
            self.maskingKey = maskingKey
        }
    }
    /// The round.
    public let session: UInt64
    /// The entries, in strictly increasing id order.
    public let entries: [Entry]

    /// A directory from entries (sorted here).
    public init(session: UInt64, entries: [Entry]) {
        self.session = session
        self.entries = entries.sorted { $0.id < $1.id }
    }

    /// The serialized message: count (UInt32) ‖ entries of id (4) ‖ channel key (32) ‖ masking key (32).
    public var serialized: [UInt8] {
        var w = WireWriter(type: .keyDirectory, session: session, capacity: 14 + 68 * entries.count)
        w.u32(UInt32(entries.count))
        for e in entries {
            w.u32(e.id)
            w.raw(e.channelKey.rawRepresentation)
            w.raw(e.maskingKey.rawRepresentation)
        }
        return w.bytes
    }

    /// Parses a serialized directory.
    /// - Throws: `SecAggError` for a wrong header, truncation, trailing bytes, too many entries or
    ///   ids that are not strictly increasing.
    public init(serialized data: some Collection<UInt8>) throws(SecAggError) {
        var r = try WireReader(data, type: .keyDirectory)
        session = r.session
        let n = try r.count(limit: SecAggConfig.maxClients, entrySize: 68)
        var entries: [Entry] = []
        entries.reserveCapacity(n)
        for _ in 0..<n {
            let id = try r.clientID()
            if let last = entries.last, id <= last.id { throw .unsortedIdentifiers }
            entries.append(Entry(id: id, channelKey: try AdvertiseKeys.key(r.raw(32)),
                                 maskingKey: try AdvertiseKeys.key(r.raw(32))))
        }
        try r.finish()
        self.entries = entries
    }

    /// A BLAKE2b-256 digest of the serialized directory: the public seed of the neighbourhood graph.
    public var digest: [UInt8] { BLAKE2b.hash256(serialized) }
}

/// An encrypted pair of shares from one client to another.
public struct EncryptedShare: Sendable, Equatable {
    /// The other end: the recipient in `ShareKeys`, the sender in `ShareBundle`.
    public let peer: ClientID
    /// `SecAggWire.encryptedShareLength` bytes of XChaCha20-Poly1305 output.
    public let ciphertext: [UInt8]
    /// An entry from its parts.
    public init(peer: ClientID, ciphertext: [UInt8]) {
        self.peer = peer
        self.ciphertext = ciphertext
    }
}

/// Phase 1, client → server: the sender's encrypted shares, one for each neighbour.
public struct ShareKeys: Sendable, Equatable {
    /// The round.
    public let session: UInt64
    /// The sender.
    public let from: ClientID
    /// One encrypted share per neighbour, `peer` = recipient, in increasing order.
    public let shares: [EncryptedShare]

    /// The message from its parts.
    public init(session: UInt64, from: ClientID, shares: [EncryptedShare]) {
        self.session = session
        self.from = from
        self.shares = shares
    }

    /// The serialized message: from (4) ‖ count (4) ‖ count × (recipient (4) ‖ ciphertext (114)).
    public var serialized: [UInt8] {
        serializeShares(type: .shareKeys, session: session, id: from, shares: shares)
    }

    /// Parses a serialized message.
    /// - Throws: `SecAggError` for a wrong header, truncation, trailing bytes, too many entries or
    ///   unsorted recipients.
    public init(serialized data: some Collection<UInt8>) throws(SecAggError) {
        var r = try WireReader(data, type: .shareKeys)
        session = r.session
        (from, shares) = try parseShares(&r)
    }
}

/// Phase 1, server → one client: the encrypted shares addressed to it.
public struct ShareBundle: Sendable, Equatable {
    /// The round.
    public let session: UInt64
    /// The recipient.
    public let to: ClientID
    /// The encrypted shares, `peer` = sender, in increasing order.
    public let shares: [EncryptedShare]

    /// The message from its parts.
    public init(session: UInt64, to: ClientID, shares: [EncryptedShare]) {
        self.session = session
        self.to = to
        self.shares = shares
    }

    /// The serialized message: to (4) ‖ count (4) ‖ count × (sender (4) ‖ ciphertext (114)).
    public var serialized: [UInt8] {
        serializeShares(type: .shareBundle, session: session, id: to, shares: shares)
    }

    /// Parses a serialized message.
    /// - Throws: `SecAggError` for a wrong header, truncation, trailing bytes, too many entries or
    ///   unsorted senders.
    public init(serialized data: some Collection<UInt8>) throws(SecAggError) {
        var r = try WireReader(data, type: .shareBundle)
        session = r.session
        (to, shares) = try parseShares(&r)
    }
}

private func serializeShares(type: SecAggWire.MessageType, session: UInt64, id: ClientID, shares: [EncryptedShare]) -> [UInt8] {
    var w = WireWriter(type: type, session: session, capacity: 18 + shares.count * (4 + SecAggWire.encryptedShareLength))
    w.u32(id)
    w.u32(UInt32(shares.count))
    for s in shares {
        w.u32(s.peer)
        w.raw(s.ciphertext)
    }
    return w.bytes
}

private func parseShares(_ r: inout WireReader) throws(SecAggError) -> (ClientID, [EncryptedShare]) {
    let id = try r.clientID()
    let n = try r.count(limit: SecAggConfig.maxClients, entrySize: 4 + SecAggWire.encryptedShareLength)
    var shares: [EncryptedShare] = []
    shares.reserveCapacity(n)
    for _ in 0..<n {
        let peer = try r.clientID()
        if let last = shares.last, peer <= last.peer { throw .unsortedIdentifiers }
        shares.append(EncryptedShare(peer: peer, ciphertext: try r.raw(SecAggWire.encryptedShareLength)))
    }
    try r.finish()
    return (id, shares)
}

/// Phase 2, client → server: the masked input y = x + self mask ± pairwise masks (mod 2^bits).
public struct MaskedInput: Sendable, Equatable {
    /// The round.
    public let session: UInt64
    /// The sender.
    public let from: ClientID
    /// The bit width k of the values.
    public let bits: Int
    /// The masked values, each below 2^bits.
    public let values: [UInt64]

    /// The message from its parts.
    /// - Precondition: 1 ≤ bits ≤ 62 and every value is below 2^bits.
    public init(session: UInt64, from: ClientID, bits: Int, values: [UInt64]) {
        precondition((1...62).contains(bits))
        self.session = session
        self.from = from
        self.bits = bits
        self.values = values
    }

    /// The serialized message: from (4) ‖ bits (1) ‖ count (4) ‖ count values of ⌈bits/8⌉ bytes each (LE).
    public var serialized: [UInt8] {
        let width = (bits + 7) / 8
        var w = WireWriter(type: .maskedInput, session: session, capacity: 19)
        w.u32(from)
        w.u8(UInt8(bits))
        w.u32(UInt32(values.count))
        let header = w.bytes
        let total = header.count + width * values.count
        // Written once, without zero-filling first; the common widths store whole words.
        return [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            let base = UnsafeMutableRawPointer(out.baseAddress!)
            header.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: header.count) }
            let body = base + header.count
            values.withUnsafeBufferPointer { v in
                switch width {
                case 4:
                    for i in v.indices {
                        body.storeBytes(of: UInt32(truncatingIfNeeded: v[i]).littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                    }
                case 8:
                    for i in v.indices { body.storeBytes(of: v[i].littleEndian, toByteOffset: 8 * i, as: UInt64.self) }
                default:
                    var p = 0
                    for x0 in v {
                        var x = x0
                        for _ in 0..<width {
                            body.storeBytes(of: UInt8(truncatingIfNeeded: x), toByteOffset: p, as: UInt8.self)
                            x >>= 8
                            p += 1
                        }
                    }
                }
            }
            initialized = total
        }
    }

    /// Parses a serialized message.
    /// - Throws: `SecAggError` for a wrong header, truncation, trailing bytes, a bit width outside
    ///   1...62, a count above `SecAggConfig.maxDimension`, or a value not below 2^bits.
    public init(serialized data: some Collection<UInt8>) throws(SecAggError) {
        var r = try WireReader(data, type: .maskedInput)
        session = r.session
        from = try r.clientID()
        let b = Int(try r.u8())
        guard (1...62).contains(b) else { throw .invalidBitWidth(b) }
        bits = b
        let width = (b + 7) / 8
        let n = try r.count(limit: SecAggConfig.maxDimension, entrySize: width)
        let limit = UInt64(1) << UInt64(b)
        var values = [UInt64](repeating: 0, count: n)
        var bad: Int? = nil
        r.bytes.withUnsafeBufferPointer { input in
            var p = r.offset
            for i in 0..<n {
                var x: UInt64 = 0
                for j in 0..<width { x |= UInt64(input[p + j]) << UInt64(8 * j) }
                p += width
                if x >= limit && bad == nil { bad = i }
                values[i] = x
            }
        }
        if let bad { throw .valueOutOfRange(index: bad) }
        r.offset += n * width
        try r.finish()
        self.values = values
    }
}

/// Phase 3, server → surviving clients: who sent a masked input (`survivors`) and who shared keys
/// but did not (`dropped`). Each client reveals self-mask shares of survivors and key shares of
/// the dropped, for its own neighbours only.
public struct UnmaskRequest: Sendable, Equatable {
    /// The round.
    public let session: UInt64
    /// Clients whose masked input the server holds, strictly increasing.
    public let survivors: [ClientID]
    /// Clients that shared keys but sent no masked input, strictly increasing.
    public let dropped: [ClientID]

    /// The message from its parts (the lists are sorted here).
    public init(session: UInt64, survivors: [ClientID], dropped: [ClientID]) {
        self.session = session
        self.survivors = survivors.sorted()
        self.dropped = dropped.sorted()
    }

    /// The serialized message: count ‖ survivor ids ‖ count ‖ dropped ids (all UInt32).
    public var serialized: [UInt8] {
        var w = WireWriter(type: .unmaskRequest, session: session, capacity: 18 + 4 * (survivors.count + dropped.count))
        w.u32(UInt32(survivors.count))
        for id in survivors { w.u32(id) }
        w.u32(UInt32(dropped.count))
        for id in dropped { w.u32(id) }
        return w.bytes
    }

    /// Parses a serialized message.
    /// - Throws: `SecAggError` for a wrong header, truncation, trailing bytes, too many entries or
    ///   unsorted ids.
    public init(serialized data: some Collection<UInt8>) throws(SecAggError) {
        var r = try WireReader(data, type: .unmaskRequest)
        session = r.session
        survivors = try r.sortedIDs(limit: SecAggConfig.maxClients)
        dropped = try r.sortedIDs(limit: SecAggConfig.maxClients)
        try r.finish()
    }
}

/// Phase 3, client → server: the requested shares.
public struct UnmaskResponse: Sendable, Equatable {
    /// The round.
    public let session: UInt64
    /// The sender.
    public let from: ClientID
    /// Shares of survivors' self-mask seeds, keyed by the survivor (the share's owner), sorted.
    public let selfMaskShares: [(owner: ClientID, share: Shamir.Share)]
    /// Shares of dropped clients' masking keys, keyed by the dropped client, sorted.
    public let keyShares: [(owner: ClientID, share: Shamir.Share)]

    /// The message from its parts.
    public init(session: UInt64, from: ClientID, selfMaskShares: [(owner: ClientID, share: Shamir.Share)],
                keyShares: [(owner: ClientID, share: Shamir.Share)]) {
        self.session = session
        self.from = from
        self.selfMaskShares = selfMaskShares.sorted { $0.owner < $1.owner }
        self.keyShares = keyShares.sorted { $0.owner < $1.owner }
    }

    /// The serialized message: from ‖ count ‖ (owner (4) ‖ share (33))… ‖ count ‖ (owner ‖ share)….
    /// The share's x-coordinate is the sender's id.
    public var serialized: [UInt8] {
        var w = WireWriter(type: .unmaskResponse, session: session,
                           capacity: 22 + 37 * (selfMaskShares.count + keyShares.count))
        w.u32(from)
        for list in [selfMaskShares, keyShares] {
            w.u32(UInt32(list.count))
            for entry in list {
                w.u32(entry.owner)
                w.raw(entry.share.value)
            }
        }
        return w.bytes
    }

    /// Parses a serialized message.
    /// - Throws: `SecAggError` for a wrong header, truncation, trailing bytes, too many entries,
    ///   unsorted owners or a share value that is not a field element.
    public init(serialized data: some Collection<UInt8>) throws(SecAggError) {
        var r = try WireReader(data, type: .unmaskResponse)
        session = r.session
        let from = try r.clientID()
        self.from = from
        var lists: [[(owner: ClientID, share: Shamir.Share)]] = []
        for _ in 0..<2 {
            let n = try r.count(limit: SecAggConfig.maxClients, entrySize: 4 + Shamir.elementLength)
            var list: [(owner: ClientID, share: Shamir.Share)] = []
            list.reserveCapacity(n)
            for _ in 0..<n {
                let owner = try r.clientID()
                if let last = list.last, owner <= last.owner { throw .unsortedIdentifiers }
                list.append((owner, try Shamir.Share(x: from, value: r.raw(Shamir.elementLength))))
            }
            lists.append(list)
        }
        try r.finish()
        selfMaskShares = lists[0]
        keyShares = lists[1]
    }

    /// Equal when the same shares are revealed.
    public static func == (a: UnmaskResponse, b: UnmaskResponse) -> Bool {
        a.session == b.session && a.from == b.from
            && a.selfMaskShares.map(\.owner) == b.selfMaskShares.map(\.owner)
            && a.selfMaskShares.map(\.share) == b.selfMaskShares.map(\.share)
            && a.keyShares.map(\.owner) == b.keyShares.map(\.owner)
            && a.keyShares.map(\.share) == b.keyShares.map(\.share)
    }
}
