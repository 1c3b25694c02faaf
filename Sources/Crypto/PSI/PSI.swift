import DataFiSupport
import DataFiRistretto
import DataFiSodium
import Dispatch

/// Why a PSI operation failed.
public enum PSIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The message is shorter than its header or its declared element count.
    case truncated(expected: Int, actual: Int)
    /// The message has bytes after its last element.
    case trailingBytes(Int)
    /// The version byte is not one this implementation reads.
    case unsupportedVersion(UInt8)
    /// The message is of another kind (setup, request, response).
    case wrongMessageType(expected: UInt8, actual: UInt8)
    /// The declared element count exceeds `PSIMessage.maxElements`.
    case tooManyElements(Int)
    /// An element is not a canonical, non-identity ristretto255 encoding.
    case invalidElement(index: Int)
    /// A flag byte is neither 0 nor 1.
    case invalidFlag(UInt8)
    /// The response has a different number of elements than the request.
    case responseCountMismatch(expected: Int, actual: Int)
    /// The response is shuffled, so only the cardinality can be computed.
    case onlyCardinalityAvailable
    /// A key is not 32 bytes encoding a non-zero scalar below ℓ.
    case invalidKey

    public var description: String {
        switch self {
        case .truncated(let expected, let actual): "message truncated: need \(expected) bytes, got \(actual)"
        case .trailingBytes(let n): "message has \(n) unexpected trailing bytes"
        case .unsupportedVersion(let v): "unsupported PSI message version \(v)"
        case .wrongMessageType(let expected, let actual): "expected PSI message type \(expected), got \(actual)"
        case .tooManyElements(let n): "message declares \(n) elements (limit \(PSIMessage.maxElements))"
        case .invalidElement(let index): "element \(index) is not a valid group element"
        case .invalidFlag(let b): "flag byte \(b) is neither 0 nor 1"
        case .responseCountMismatch(let expected, let actual): "response has \(actual) elements, request had \(expected)"
        case .onlyCardinalityAvailable: "the response is shuffled: only the intersection size is available"
        case .invalidKey: "key must be 32 bytes encoding a non-zero scalar"
        }
    }
}

/// A party's secret blinding key: a random non-zero scalar kept in `SecureBytes` (guarded memory,
/// zeroed when freed). Multiplications with it use libsodium's constant-time code.
public struct PSIKey: Sendable {
    private let secret: SecureBytes

    /// A fresh random key.
    public static func generate() -> PSIKey {
        let scalar = NonZeroScalar.random().scalar
        return PSIKey(secret: SecureBytes(count: 32) { dst in scalar.withUnsafeBytes { dst.copyMemory(from: $0) } })
    }

    /// Loads a key from its 32-byte encoding.
    /// - Throws: `PSIError.invalidKey` unless 32 bytes encoding a non-zero scalar below ℓ.
    public init(bytes: some Collection<UInt8>) throws(PSIError) {
        guard bytes.count == 32, let key = try? NonZeroScalar(canonicalBytes: bytes) else { throw .invalidKey }
        secret = SecureBytes(count: 32) { dst in key.scalar.withUnsafeBytes { dst.copyMemory(from: $0) } }
    }

    private init(secret: SecureBytes) { self.secret = secret }

    /// The 32-byte encoding. Secret: store it with restricted permissions and wipe copies.
    public var bytes: [UInt8] { secret.withUnsafeBytes { Array($0) } }

    /// The key as a scalar: only the two initializers above write `secret`, both from a non-zero
    /// scalar, and nothing changes it afterwards, so it is read back without a fallback.
    var scalar: NonZeroScalar {
        secret.withUnsafeBytes { raw in NonZeroScalar(validatedBytes: raw) }
    }
}

/// Wire format shared by the three PSI messages:
/// version (1 byte, = 1) ‖ type (1 byte) ‖ flag (1 byte, 0 or 1) ‖ count (UInt32 LE) ‖ count × 32-byte elements.
public enum PSIMessage {
    /// The only version written and read.
    public static let version: UInt8 = 1
    /// Upper bound on elements in one message (2^22 ≈ 4.2 million, 128 MiB).
    public static let maxElements = 1 << 22
    static let headerSize = 7

    static func encode(type: UInt8, flag: Bool, elements: [UInt8]) -> [UInt8] {
        let count = UInt32(elements.count / 32)
        var out: [UInt8] = [version, type, flag ? 1 : 0]
        out.reserveCapacity(headerSize + elements.count)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: count >> UInt32(shift))) }
        out += elements
        return out
    }

    /// Parses and validates a message; returns its flag and elements. Elements are checked in parallel.
    static func decode(_ bytes: some Collection<UInt8>, type: UInt8) throws(PSIError) -> (Bool, PSIPointList) {
        let data = Array(bytes)
        guard data.count >= headerSize else { throw .truncated(expected: headerSize, actual: data.count) }
        guard data[0] == version else { throw .unsupportedVersion(data[0]) }
        guard data[1] == type else { throw .wrongMessageType(expected: type, actual: data[1]) }
        guard data[2] <= 1 else { throw .invalidFlag(data[2]) }
        var count = 0
        for i in 0..<4 { count |= Int(data[3 + i]) << (8 * i) }
        guard count <= maxElements else { throw .tooManyElements(count) }
        let needed = headerSize + 32 * count
        guard data.count >= needed else { throw .truncated(expected: needed, actual: data.count) }
        guard data.count == needed else { throw .trailingBytes(data.count - needed) }
        let elements = Array(data[headerSize...])
        let decoded = Parallel.map(count: count, placeholder: RistrettoPoint?.none) { i in
            let slice = elements[(32 * i)..<(32 * i + 32)]
            // libsodium ignores the top bit; RFC 9496 canonical encodings have it clear.
            guard slice[slice.startIndex + 31] & 0x80 == 0, let point = try? RistrettoPoint(encoded: slice),
                  !point.isIdentity else { return nil }
            return point
        }
        if let invalid = decoded.firstIndex(where: { $0 == nil }) { throw .invalidElement(index: invalid) }
        return (data[2] == 1, PSIPointList(elements: elements, points: decoded.compactMap { $0 }))
    }
}

/// The server's blinded set `{b·H(y)}`, sorted so it reveals nothing about the server's item order.
public struct PSISetup: Sendable, Equatable {
    let elements: [UInt8]

    /// Number of server items.
    public var count: Int { elements.count / 32 }

    /// The wire encoding (type 1).
    public var serialized: [UInt8] { PSIMessage.encode(type: 1, flag: false, elements: elements) }

    /// Parses a setup message.
    /// - Throws: `PSIError` for a wrong header, size, count or element.
    public init(serialized bytes: some Collection<UInt8>) throws(PSIError) {
        elements = try PSIMessage.decode(bytes, type: 1).1.elements
    }

    init(elements: [UInt8]) { self.elements = elements }

    /// The sorted union of several servers' setups (each server with its own key), so the client
    /// cannot tell which server contributed an element. Used with `PSIResponse.shuffledUnion`.
    public static func union(_ setups: [PSISetup]) -> PSISetup {
        PSISetup(elements: Parallel.sorted32(setups.flatMap(\.elements)))
    }
}

/// Blinded group elements as sent (32-byte encodings, concatenated) and as decoded. Lists are equal
/// when their encodings are; the decoded points only spare decoding them again.
struct PSIPointList: Sendable, Equatable {
    let elements: [UInt8]
    let points: [RistrettoPoint]

    init(points: [RistrettoPoint]) {
        self.points = points
        self.elements = points.flatMap(\.encoded)
    }

    init(elements: [UInt8], points: [RistrettoPoint]) {
        self.elements = elements
        self.points = points
    }

    var count: Int { elements.count / 32 }

    static func == (a: PSIPointList, b: PSIPointList) -> Bool { a.elements == b.elements }
}

/// The client's blinded items `{a·H(x)}` in the client's order, with its choice of mode.
public struct PSIRequest: Sendable, Equatable {
    let list: PSIPointList
    /// When true the server shuffles its answer, so the client learns only the intersection size.
    public let cardinalityOnly: Bool

    var elements: [UInt8] { list.elements }
    var points: [RistrettoPoint] { list.points }

    /// Number of client items.
    public var count: Int { list.count }

    /// The wire encoding (type 2).
    public var serialized: [UInt8] { PSIMessage.encode(type: 2, flag: cardinalityOnly, elements: elements) }

    /// Parses a request message.
    /// - Throws: `PSIError` for a wrong header, size, count or element.
    public init(serialized bytes: some Collection<UInt8>) throws(PSIError) {
        (cardinalityOnly, list) = try PSIMessage.decode(bytes, type: 2)
    }

    init(points: [RistrettoPoint], cardinalityOnly: Bool) {
        self.list = PSIPointList(points: points)
        self.cardinalityOnly = cardinalityOnly
    }
}

/// The server's answer `{b·a·H(x)}`: in request order, or shuffled in cardinality mode.
public struct PSIResponse: Sendable, Equatable {
    let list: PSIPointList
    /// Whether the elements were shuffled (cardinality mode).
    public let shuffled: Bool

    var elements: [UInt8] { list.elements }
    var points: [RistrettoPoint] { list.points }

    /// Number of elements.
    public var count: Int { list.count }

    /// The wire encoding (type 3).
    public var serialized: [UInt8] { PSIMessage.encode(type: 3, flag: shuffled, elements: elements) }

    /// Parses a response message.
    /// - Throws: `PSIError` for a wrong header, size, count or element.
    public init(serialized bytes: some Collection<UInt8>) throws(PSIError) {
        (shuffled, list) = try PSIMessage.decode(bytes, type: 3)
    }

    init(points: [RistrettoPoint], shuffled: Bool) {
        self.list = PSIPointList(points: points)
        self.shuffled = shuffled
    }

    /// Several servers' responses to the same request, concatenated and shuffled by a party other
    /// than the client, so the client learns only how many (item, server) pairs match.
    public static func shuffledUnion(_ responses: [PSIResponse]) -> PSIResponse {
        var generator = SodiumRandomNumberGenerator()
        return PSIResponse(points: responses.flatMap(\.points).shuffled(using: &generator), shuffled: true)
    }
}

/// Hashing items to ristretto255 (RFC 9380 hash-to-group under a domain label).
enum PSIHash {
    /// Every item hashed, in parallel chunks, each hashed in blocks with `RistrettoPoint.hash(_:domain:)`
    /// for many messages (four side by side on a vector backend).
    static func points(_ items: [[UInt8]], domain: String) -> [RistrettoPoint] {
        guard !items.isEmpty else { return [] }
        let chunks = Swift.min(items.count, Parallelism.limit)
        var parts = [[RistrettoPoint]](repeating: [], count: chunks)
        parts.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let base = buffer.baseAddress!
            Parallelism.forEachPart(chunks) { chunk in
                let start = chunk * items.count / chunks, end = (chunk + 1) * items.count / chunks
                var points = [RistrettoPoint]()
                points.reserveCapacity(end - start)
                for block in stride(from: start, to: end, by: 1024) {
                    points += RistrettoPoint.hash(Array(items[block..<Swift.min(block + 1024, end)]), domain: domain)
                }
                base[chunk] = points
            }
        }
        return parts.flatMap { $0 }
    }
}

/// The server side of ECDH-PSI. It never learns the client's items: it sees only `a·H(x)` for the
/// client's secret `a`. Every multiplication uses its secret key in constant time (libsodium).
public struct PSIServer: Sendable {
    /// The default hash-to-group domain label.
    public static let defaultDomain = "DataFi.PSI.v1"

    private let key: PSIKey
    private let items: [[UInt8]]
    private let domain: String

    /// A server holding `items` (duplicates are ignored) under `key`.
    public init(key: PSIKey, items: [String], domain: String = PSIServer.defaultDomain) {
        self.init(key: key, itemBytes: items.map { Array($0.utf8) }, domain: domain)
    }

    /// A server holding byte-string items (duplicates are ignored).
    public init(key: PSIKey, itemBytes: [[UInt8]], domain: String = PSIServer.defaultDomain) {
        self.key = key
        self.items = Parallel.unique(itemBytes)
        self.domain = domain
    }

    /// The blinded, sorted server set to send to the client.
    public func setup() -> PSISetup {
        let scalar = key.scalar.scalar
        let domain = domain
        let items = items
        let hashed = PSIHash.points(items, domain: domain)
        var flat = Parallel.map32(count: items.count) { i in (scalar * hashed[i]).encoded }
        flat = Parallel.sorted32(flat)
        return PSISetup(elements: flat)
    }

    /// Re-blinds the client's elements with the server key: `b·(a·H(x))`. In cardinality mode (requested
    /// by the client, or forced with `forceCardinalityOnly`) the result is shuffled.
    public func respond(to request: PSIRequest, forceCardinalityOnly: Bool = false) -> PSIResponse {
        let scalar = key.scalar.scalar
        let points = request.points
        var blinded = Parallel.map(count: points.count, placeholder: RistrettoPoint.identity) { i in scalar * points[i] }
        let shuffle = request.cardinalityOnly || forceCardinalityOnly
        if shuffle {
            var generator = SodiumRandomNumberGenerator()
            blinded.shuffle(using: &generator)
        }
        return PSIResponse(points: blinded, shuffled: shuffle)
    }
}

/// The client side of ECDH-PSI: learns which of its items the server holds (or only how many),
/// and nothing else about the server's set.
public struct PSIClient: Sendable {
    private let key: PSIKey
    /// The client's distinct items, in first-seen order.
    public let items: [[UInt8]]
    private let domain: String

    /// A client holding `items` (duplicates are ignored) under `key`.
    public init(key: PSIKey, items: [String], domain: String = PSIServer.defaultDomain) {
        self.init(key: key, itemBytes: items.map { Array($0.utf8) }, domain: domain)
    }

    /// A client holding byte-string items (duplicates are ignored).
    public init(key: PSIKey, itemBytes: [[UInt8]], domain: String = PSIServer.defaultDomain) {
        self.key = key
        self.items = Parallel.unique(itemBytes)
        self.domain = domain
    }

    /// The blinded items `a·H(x)`, in the order of `items`.
    public func request(cardinalityOnly: Bool = false) -> PSIRequest {
        let scalar = key.scalar.scalar
        let domain = domain
        let items = items
        let hashed = PSIHash.points(items, domain: domain)
        let points = Parallel.map(count: items.count, placeholder: RistrettoPoint.identity) { i in scalar * hashed[i] }
        return PSIRequest(points: points, cardinalityOnly: cardinalityOnly)
    }

    /// Unblinds the response with a⁻¹ and marks which positions appear in the server's setup.
    private func matches(setup: PSISetup, response: PSIResponse) throws(PSIError) -> [Bool] {
        let inverse = key.scalar.inverse.scalar
        var serverSet = Set<[UInt8]>()
        serverSet.reserveCapacity(setup.count)
        for i in 0..<setup.count { serverSet.insert(Array(setup.elements[(32 * i)..<(32 * i + 32)])) }
        let points = response.points
        let unblinded = Parallel.map(count: points.count, placeholder: RistrettoPoint.identity) { i in
            inverse * points[i]
        }
        return unblinded.map { serverSet.contains($0.encoded) }
    }

    /// The client's items that the server also holds, in the client's order.
    /// - Throws: `PSIError.onlyCardinalityAvailable` for a shuffled response,
    ///   `.responseCountMismatch` when the response does not answer this client's request.
    public func intersection(setup: PSISetup, response: PSIResponse) throws(PSIError) -> [[UInt8]] {
        guard !response.shuffled else { throw .onlyCardinalityAvailable }
        guard response.count == items.count else {
            throw .responseCountMismatch(expected: items.count, actual: response.count)
        }
        let hits = try matches(setup: setup, response: response)
        return zip(items, hits).compactMap { $1 ? $0 : nil }
    }

    /// The common items as UTF-8 strings (items that are not valid UTF-8 are decoded with replacement).
    public func intersectionStrings(setup: PSISetup, response: PSIResponse) throws(PSIError) -> [String] {
        try intersection(setup: setup, response: response).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The number of common items; works for shuffled and ordered responses, and for a
    /// `PSIResponse.shuffledUnion` of several servers' answers to this request against the
    /// `PSISetup.union` of their setups (then: the number of (item, server) pairs that match).
    /// - Throws: `PSIError.responseCountMismatch` unless the response has a whole multiple of this
    ///   client's item count.
    public func cardinality(setup: PSISetup, response: PSIResponse) throws(PSIError) -> Int {
        guard items.isEmpty ? response.count == 0 : response.count % items.count == 0 else {
            throw .responseCountMismatch(expected: items.count, actual: response.count)
        }
        return try matches(setup: setup, response: response).lazy.filter { $0 }.count
    }
}

/// Work spread over up to `Parallelism.limit` threads, in contiguous chunks.
enum Parallel {
    /// Computes 32 bytes per index into one flat array.
    static func map32(count: Int, _ body: @Sendable (Int) -> [UInt8]) -> [UInt8] {
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: 32 * count)
        out.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let base = buffer.baseAddress!
            let chunks = Swift.min(count, Parallelism.limit)
            Parallelism.forEachPart(chunks) { chunk in
                let start = chunk * count / chunks, end = (chunk + 1) * count / chunks
                for i in start..<end {
                    let value = body(i)
                    for k in 0..<32 { base[32 * i + k] = value[k] }
                }
            }
        }
        return out
    }

    /// `body(i)` for every index, computed in parallel chunks.
    static func map<T: Sendable>(count: Int, placeholder: T, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        var out = [T](repeating: placeholder, count: count)
        out.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let base = buffer.baseAddress!
            let chunks = Swift.min(count, Parallelism.limit)
            Parallelism.forEachPart(chunks) { chunk in
                let start = chunk * count / chunks, end = (chunk + 1) * count / chunks
                for i in start..<end { base[i] = body(i) }
            }
        }
        return out
    }

    static func sorted32(_ flat: [UInt8]) -> [UInt8] {
        let rows = (0..<(flat.count / 32)).map { Array(flat[(32 * $0)..<(32 * $0 + 32)]) }
        return rows.sorted { $0.lexicographicallyPrecedes($1) }.flatMap { $0 }
    }

    /// Distinct items in first-seen order.
    static func unique(_ items: [[UInt8]]) -> [[UInt8]] {
        var seen = Set<[UInt8]>()
        return items.filter { seen.insert($0).inserted }
    }
}
