import DataFiBigNum
import DataFiPaillier
import DataFiRistretto
import DataFiSodium
import Dispatch

/// Why an intersection-sum (private join and compute) message or step failed.
public enum PJCError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The message is shorter than its header or its declared contents.
    case truncated(expected: Int, actual: Int)
    /// The message has bytes after its last field.
    case trailingBytes(Int)
    /// The version byte is not one this implementation reads.
    case unsupportedVersion(UInt8)
    /// The message is of another kind.
    case wrongMessageType(expected: UInt8, actual: UInt8)
    /// A declared count exceeds ``PJCMessage/maxItems``.
    case tooManyItems(Int)
    /// An element is not a canonical, non-identity ristretto255 encoding.
    case invalidElement(index: Int)
    /// The Paillier modulus in a setup is not acceptable.
    case invalidPublicKey(PaillierError)
    /// A ciphertext fails the range checks (`0 < c < n²`, `gcd(c, n) = 1`).
    case invalidCiphertext(index: Int, PaillierError)
    /// A masked sum is not below the modulus.
    case invalidMaskedSum
    /// The reported intersection size exceeds the number of items queried.
    case sizeOutOfRange(Int)
    /// A response has a different number of elements than the request.
    case responseCountMismatch(expected: Int, actual: Int)
    /// The sum does not fit the signed range of the Paillier plaintext space.
    case sumOverflow
    /// A key is not 32 bytes encoding a non-zero scalar.
    case invalidKey

    /// A short English description.
    public var description: String {
        switch self {
        case .truncated(let expected, let actual): "message truncated: need \(expected) bytes, got \(actual)"
        case .trailingBytes(let n): "message has \(n) unexpected trailing bytes"
        case .unsupportedVersion(let v): "unsupported intersection-sum message version \(v)"
        case .wrongMessageType(let expected, let actual): "expected message type \(expected), got \(actual)"
        case .tooManyItems(let n): "message declares \(n) items (limit \(PJCMessage.maxItems))"
        case .invalidElement(let index): "element \(index) is not a valid group element"
        case .invalidPublicKey(let error): "invalid Paillier key: \(error)"
        case .invalidCiphertext(let index, let error): "ciphertext \(index): \(error)"
        case .invalidMaskedSum: "masked sum is not below the modulus"
        case .sizeOutOfRange(let n): "intersection size \(n) exceeds the number of queried items"
        case .responseCountMismatch(let expected, let actual): "response has \(actual) elements, request had \(expected)"
        case .sumOverflow: "the sum exceeds the plaintext range"
        case .invalidKey: "key must be 32 bytes encoding a non-zero scalar"
        }
    }
}

/// Private intersection-sum-with-cardinality (Ion et al., "On Deploying Secure Computing: Private
/// Intersection-Sum-with-Cardinality", EuroS&P 2020): ECDH blinding on ristretto255 and Paillier.
///
/// Party A (the client) holds identifiers; party B (the server) holds (identifier, value) pairs.
/// A learns the number of common identifiers and the sum of B's values over them; B learns the
/// number of A's identifiers and the intersection size A reports. Shuffling hides which items match.
///
/// 1. B, once: `setup = shuffle{(k_B·H(w_j), Enc_B(t_j))}` under B's own Paillier key.
/// 2. A → B: `request = shuffle{k_A·H(v_i)}`.
/// 3. B → A: `response = shuffle{k_B·k_A·H(v_i)}`.
/// 4. A matches `k_A·(k_B·H(w_j))` against the response, sums the matching ciphertexts
///    homomorphically and adds a uniform mask ρ: A → B `Enc_B(S + ρ)` (a fresh ciphertext) and |J|.
/// 5. B decrypts and returns `S + ρ mod n` (uniform to B); A removes ρ.
///
/// Security is against semi-honest parties, as in the paper. A client that deviates can have B
/// decrypt one chosen combination of B's values per query (in the paper the party that learns the
/// sum holds the key, so the same deviation reveals the same); services bound it to one decryption
/// per query.
public enum PJCMessage {
    /// The only version written and read.
    public static let version: UInt8 = 1
    /// Upper bound on items in one message (2^20).
    public static let maxItems = 1 << 20
    static let setupType: UInt8 = 0x11, requestType: UInt8 = 0x12, responseType: UInt8 = 0x13
    static let sumRequestType: UInt8 = 0x14, sumResponseType: UInt8 = 0x15
    /// Hash-to-group domain label.
    public static let domain = "DataFi.PJC.v1"

    static func header(_ type: UInt8) -> [UInt8] { [version, type] }

    static func appendUInt32(_ value: Int, to out: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    /// Fixed-width big-endian encoding of a non-negative value below 2^(8·width).
    static func fixed(_ value: BigInt, width: Int) -> [UInt8] {
        let bytes = value.bigEndianMagnitude
        return [UInt8](repeating: 0, count: width - bytes.count) + bytes
    }

    /// A bounds-checked reader over a message.
    struct Reader {
        let data: [UInt8]
        var offset = 0

        init(_ bytes: some Collection<UInt8>, type: UInt8) throws(PJCError) {
            data = Array(bytes)
            guard data.count >= 2 else { throw .truncated(expected: 2, actual: data.count) }
            guard data[0] == PJCMessage.version else { throw .unsupportedVersion(data[0]) }
            guard data[1] == type else { throw .wrongMessageType(expected: type, actual: data[1]) }
            offset = 2
        }

        mutating func uint32() throws(PJCError) -> Int {
            try need(4)
            var value = 0
            for i in 0..<4 { value |= Int(data[offset + i]) << (8 * i) }
            offset += 4
            return value
        }

        mutating func uint16() throws(PJCError) -> Int {
            try need(2)
            let value = Int(data[offset]) | Int(data[offset + 1]) << 8
            offset += 2
            return value
        }

        mutating func bytes(_ count: Int) throws(PJCError) -> ArraySlice<UInt8> {
            try need(count)
            defer { offset += count }
            return data[offset..<(offset + count)]
        }

        /// Checks that `count` more bytes are present (the total is computed without overflow).
        func need(_ count: Int) throws(PJCError) {
            let (end, overflow) = offset.addingReportingOverflow(count)
            guard !overflow, end <= data.count else { throw .truncated(expected: overflow ? Int.max : end, actual: data.count) }
        }

        func finish() throws(PJCError) {
            guard offset == data.count else { throw .trailingBytes(data.count - offset) }
        }
    }

    /// Decodes `count` points from concatenated 32-byte encodings, in parallel.
    static func points(_ flat: ArraySlice<UInt8>, count: Int) throws(PJCError) -> [RistrettoPoint] {
        let base = flat.startIndex
        let decoded = PJCParallel.map(count: count, placeholder: RistrettoPoint?.none) { i in
            let slice = flat[(base + 32 * i)..<(base + 32 * i + 32)]
            guard slice[slice.startIndex + 31] & 0x80 == 0, let point = try? RistrettoPoint(encoded: slice),
                  !point.isIdentity else { return nil }
            return point
        }
        if let bad = decoded.firstIndex(where: { $0 == nil }) { throw .invalidElement(index: bad) }
        return decoded.compactMap { $0 }
    }
}

/// B's precomputed message: its Paillier public key and the shuffled pairs (k_B·H(w), Enc_B(t)).
///
/// Wire: version ‖ 0x11 ‖ modulus length L (UInt16 LE) ‖ n (L bytes, big-endian) ‖ count (UInt32 LE)
/// ‖ count × (32-byte element ‖ 2L-byte big-endian ciphertext).
public struct PJCSetup: Sendable, Equatable {
    /// B's Paillier public key.
    public let publicKey: PaillierPublicKey
    /// B's blinded identifiers.
    public let points: [RistrettoPoint]
    /// B's encrypted values, aligned with `points`.
    public let ciphertexts: [PaillierCiphertext]

    /// Number of B's items.
    public var count: Int { points.count }

    init(publicKey: PaillierPublicKey, points: [RistrettoPoint], ciphertexts: [PaillierCiphertext]) {
        self.publicKey = publicKey
        self.points = points
        self.ciphertexts = ciphertexts
    }

    /// The wire encoding.
    public var serialized: [UInt8] {
        let width = (publicKey.bits + 7) / 8
        var out = PJCMessage.header(PJCMessage.setupType)
        out.reserveCapacity(12 + width + points.count * (32 + 2 * width))
        out.append(UInt8(width & 0xFF)); out.append(UInt8(width >> 8))
        out += PJCMessage.fixed(publicKey.n, width: width)
        PJCMessage.appendUInt32(points.count, to: &out)
        for (point, c) in zip(points, ciphertexts) {
            out += point.encoded
            out += PJCMessage.fixed(c.value, width: 2 * width)
        }
        return out
    }

    /// Parses and checks a setup: the modulus, every element, and every ciphertext (`0 < c < n²`,
    /// `gcd(c, n) = 1`), before any of them is used.
    /// - Throws: `PJCError`.
    public init(serialized bytes: some Collection<UInt8>) throws(PJCError) {
        var reader = try PJCMessage.Reader(bytes, type: PJCMessage.setupType)
        let width = try reader.uint16()
        guard width * 8 <= PaillierPublicKey.maximumBits, width * 8 >= PaillierPublicKey.minimumBits else {
            throw .invalidPublicKey(.modulusSize(bits: width * 8))
        }
        let nBytes = try reader.bytes(width)
        let n = (try? BigInt(bigEndianMagnitude: nBytes)) ?? BigInt()
        let key: PaillierPublicKey
        do { key = try PaillierPublicKey(n: n) } catch { throw .invalidPublicKey(error) }
        let count = try reader.uint32()
        guard count <= PJCMessage.maxItems else { throw .tooManyItems(count) }
        let stride = 32 + 2 * width
        let body = try reader.bytes(count * stride)
        try reader.finish()
        var flat = [UInt8]()
        flat.reserveCapacity(32 * count)
        let base = body.startIndex
        for i in 0..<count { flat += body[(base + stride * i)..<(base + stride * i + 32)] }
        let points = try PJCMessage.points(flat[...], count: count)
        let checked = PJCParallel.map(count: count, placeholder: Result<PaillierCiphertext, PaillierError>.failure(.ciphertextOutOfRange)) { i in
            let start = base + stride * i + 32
            let value = (try? BigInt(bigEndianMagnitude: body[start..<(start + 2 * width)])) ?? BigInt()
            return Result { () throws(PaillierError) in try key.ciphertext(value) }
        }
        var ciphertexts: [PaillierCiphertext] = []
        ciphertexts.reserveCapacity(count)
        for (i, result) in checked.enumerated() {
            switch result {
            case .success(let c): ciphertexts.append(c)
            case .failure(let error): throw .invalidCiphertext(index: i, error)
            }
        }
        self.init(publicKey: key, points: points, ciphertexts: ciphertexts)
    }
}

/// A's blinded identifiers (request, type 0x12) or B's re-blinding of them (response, type 0x13).
///
/// Wire: version ‖ type ‖ count (UInt32 LE) ‖ count × 32-byte elements.
public struct PJCPoints: Sendable, Equatable {
    /// The elements.
    public let points: [RistrettoPoint]
    let type: UInt8

    /// Number of elements.
    public var count: Int { points.count }

    init(points: [RistrettoPoint], type: UInt8) {
        self.points = points
        self.type = type
    }

    /// The wire encoding.
    public var serialized: [UInt8] {
        var out = PJCMessage.header(type)
        out.reserveCapacity(6 + 32 * points.count)
        PJCMessage.appendUInt32(points.count, to: &out)
        for point in points { out += point.encoded }
        return out
    }

    /// Parses a request (`response: false`) or a response.
    /// - Throws: `PJCError`.
    public init(serialized bytes: some Collection<UInt8>, response: Bool) throws(PJCError) {
        let type = response ? PJCMessage.responseType : PJCMessage.requestType
        var reader = try PJCMessage.Reader(bytes, type: type)
        let count = try reader.uint32()
        guard count <= PJCMessage.maxItems else { throw .tooManyItems(count) }
        let flat = try reader.bytes(32 * count)
        try reader.finish()
        self.init(points: try PJCMessage.points(flat, count: count), type: type)
    }
}

/// A's masked encrypted sum and the intersection size it reports (type 0x14).
///
/// Wire: version ‖ 0x14 ‖ size (UInt32 LE) ‖ ciphertext (2L bytes, big-endian, L = modulus bytes).
public struct PJCSumRequest: Sendable, Equatable {
    /// The intersection size A found.
    public let intersectionSize: Int
    /// `Enc_B(S + ρ)`.
    public let maskedSum: PaillierCiphertext

    /// The wire encoding.
    public func serialized(width: Int) -> [UInt8] {
        var out = PJCMessage.header(PJCMessage.sumRequestType)
        PJCMessage.appendUInt32(intersectionSize, to: &out)
        out += PJCMessage.fixed(maskedSum.value, width: 2 * width)
        return out
    }

    init(intersectionSize: Int, maskedSum: PaillierCiphertext) {
        self.intersectionSize = intersectionSize
        self.maskedSum = maskedSum
    }

    /// Parses and range-checks a sum request under B's key.
    /// - Throws: `PJCError`.
    public init(serialized bytes: some Collection<UInt8>, key: PaillierPublicKey) throws(PJCError) {
        var reader = try PJCMessage.Reader(bytes, type: PJCMessage.sumRequestType)
        let size = try reader.uint32()
        let width = (key.bits + 7) / 8
        let raw = try reader.bytes(2 * width)
        try reader.finish()
        let value = (try? BigInt(bigEndianMagnitude: raw)) ?? BigInt()
        do { maskedSum = try key.ciphertext(value) } catch { throw .invalidCiphertext(index: 0, error) }
        intersectionSize = size
    }
}

/// B's decryption of the masked sum, `S + ρ mod n` (type 0x15). Wire: version ‖ 0x15 ‖ L bytes.
public struct PJCSumResponse: Sendable, Equatable {
    /// `S + ρ mod n`.
    public let maskedSum: BigInt

    init(maskedSum: BigInt) { self.maskedSum = maskedSum }

    /// The wire encoding for a modulus of `width` bytes.
    public func serialized(width: Int) -> [UInt8] {
        PJCMessage.header(PJCMessage.sumResponseType) + PJCMessage.fixed(maskedSum, width: width)
    }

    /// Parses a sum response under B's key (the value must be below n).
    /// - Throws: `PJCError`.
    public init(serialized bytes: some Collection<UInt8>, key: PaillierPublicKey) throws(PJCError) {
        var reader = try PJCMessage.Reader(bytes, type: PJCMessage.sumResponseType)
        let raw = try reader.bytes((key.bits + 7) / 8)
        try reader.finish()
        let value = (try? BigInt(bigEndianMagnitude: raw)) ?? BigInt()
        guard value < key.n else { throw .invalidMaskedSum }
        maskedSum = value
    }
}

/// Party B: holds (identifier, value) pairs, a Paillier key and an ECDH key. Its setup is computed
/// once (``setup``) and reused for every query.
public struct PJCServer: Sendable {
    private let key: PSIKey
    private let paillier: PaillierPrivateKey
    /// The precomputed setup message.
    public let setup: PJCSetup

    /// B with `items` (identifier, value). Duplicate identifiers keep their first value. Values are
    /// encrypted with the key holder's CRT encryption, in parallel; this is B's start-up cost.
    public init(items: [(String, Int64)], paillier: PaillierPrivateKey, key: PSIKey = .generate()) {
        var seen = Set<String>()
        let unique = items.filter { seen.insert($0.0).inserted }
        self.key = key
        self.paillier = paillier
        let scalar = PJCScalar.of(key)
        var order = Array(unique.indices)
        var generator = SodiumRandomNumberGenerator()
        order.shuffle(using: &generator)
        let shuffled = order
        let hashed = PSIHash.points(shuffled.map { Array(unique[$0].0.utf8) }, domain: PJCMessage.domain)
        let points = PJCParallel.map(count: shuffled.count, placeholder: RistrettoPoint.identity) { i in
            scalar * hashed[i]
        }
        let ciphertexts = PJCParallel.map(count: shuffled.count, placeholder: PaillierCiphertext?.none) { i in
            paillier.encrypt(unique[shuffled[i]].1)
        }.compactMap { $0 }
        setup = PJCSetup(publicKey: paillier.publicKey, points: points, ciphertexts: ciphertexts)
    }

    /// Re-blinds A's request with k_B and shuffles it.
    public func respond(to request: PJCPoints) -> PJCPoints {
        let scalar = PJCScalar.of(key)
        let points = request.points
        var out = PJCParallel.map(count: points.count, placeholder: RistrettoPoint.identity) { i in scalar * points[i] }
        var generator = SodiumRandomNumberGenerator()
        out.shuffle(using: &generator)
        return PJCPoints(points: out, type: PJCMessage.responseType)
    }

    /// Decrypts A's masked sum.
    /// - Throws: `PJCError.sizeOutOfRange` when the reported size exceeds `queriedCount` (the size of
    ///   the request this sum answers) or B's item count.
    public func decrypt(_ request: PJCSumRequest, queriedCount: Int) throws(PJCError) -> PJCSumResponse {
        guard request.intersectionSize <= min(queriedCount, setup.count) else { throw .sizeOutOfRange(request.intersectionSize) }
        guard let value = try? paillier.decrypt(request.maskedSum) else { throw .invalidMaskedSum }
        return PJCSumResponse(maskedSum: value)
    }
}

/// Party A: holds identifiers; learns the intersection size and the sum of B's values over it.
public struct PJCClient: Sendable {
    private let key: PSIKey
    /// A's distinct identifiers.
    public let items: [String]

    /// A with `items` (duplicates ignored), blinding with `key` (fresh by default: one per query).
    public init(items: [String], key: PSIKey = .generate()) {
        var seen = Set<String>()
        self.items = items.filter { seen.insert($0).inserted }
        self.key = key
    }

    /// Step 2: A's blinded identifiers, shuffled.
    public func request() -> PJCPoints {
        let scalar = PJCScalar.of(key)
        let items = items
        let hashed = PSIHash.points(items.map { Array($0.utf8) }, domain: PJCMessage.domain)
        var points = PJCParallel.map(count: items.count, placeholder: RistrettoPoint.identity) { i in
            scalar * hashed[i]
        }
        var generator = SodiumRandomNumberGenerator()
        points.shuffle(using: &generator)
        return PJCPoints(points: points, type: PJCMessage.requestType)
    }

    /// Step 4: the intersection size, the masked encrypted sum for B, and the mask to remove later.
    /// - Throws: `PJCError.responseCountMismatch` when the response does not answer this request.
    public func maskedSum(setup: PJCSetup, response: PJCPoints) throws(PJCError) -> (PJCSumRequest, PJCMask) {
        guard response.count == items.count else { throw .responseCountMismatch(expected: items.count, actual: response.count) }
        let scalar = PJCScalar.of(key)
        let serverPoints = setup.points
        let doubled = PJCParallel.map(count: serverPoints.count, placeholder: RistrettoPoint.identity) { i in scalar * serverPoints[i] }
        let answered = Set(response.points)
        let pk = setup.publicKey
        var matches: [PaillierCiphertext] = []
        for (i, point) in doubled.enumerated() where answered.contains(point) { matches.append(setup.ciphertexts[i]) }
        let sum = (try? pk.sum(matches)) ?? pk.encrypt(Int64(0))
        let mask = PJCMask(value: pk.randomPlaintext())
        let masked = (try? pk.add(sum, try pk.encrypt(mask.value))) ?? sum
        return (PJCSumRequest(intersectionSize: matches.count, maskedSum: masked), mask)
    }

    /// Step 5: removes the mask and reads the sum as a signed integer.
    /// - Throws: `PJCError.sumOverflow` when `S` is outside `−⌊n/3⌋...⌊n/3⌋`.
    public func result(_ response: PJCSumResponse, mask: PJCMask, key pk: PaillierPublicKey,
                       intersectionSize: Int) throws(PJCError) -> PJCResult {
        let n = pk.n
        let s = (try? (response.maskedSum - mask.value).modulo(n)) ?? BigInt()
        let max = pk.maxSignedMagnitude
        let signed: BigInt
        if s <= max { signed = s } else if s >= n - max { signed = s - n } else { throw .sumOverflow }
        return PJCResult(intersectionSize: intersectionSize, intersectionSum: signed)
    }
}

/// A's one-time mask ρ (kept by A between steps 4 and 5).
public struct PJCMask: Sendable {
    let value: BigInt
}

/// What A learns.
public struct PJCResult: Sendable, Equatable {
    /// The number of common identifiers.
    public let intersectionSize: Int
    /// The sum of B's values over the common identifiers.
    public let intersectionSum: BigInt

    /// A result.
    public init(intersectionSize: Int, intersectionSum: BigInt) {
        self.intersectionSize = intersectionSize
        self.intersectionSum = intersectionSum
    }
}

/// Runs the whole protocol in process (for tests and single-host use).
public enum IntersectionSum {
    /// A's result against `server`, with every message serialized and parsed as on the wire.
    /// - Throws: `PJCError`.
    public static func run(client: PJCClient, server: PJCServer) throws(PJCError) -> PJCResult {
        let width = (server.setup.publicKey.bits + 7) / 8
        let setup = try PJCSetup(serialized: server.setup.serialized)
        let request = try PJCPoints(serialized: client.request().serialized, response: false)
        let response = try PJCPoints(serialized: server.respond(to: request).serialized, response: true)
        let (sumRequest, mask) = try client.maskedSum(setup: setup, response: response)
        let parsedSum = try PJCSumRequest(serialized: sumRequest.serialized(width: width), key: setup.publicKey)
        let answer = try server.decrypt(parsedSum, queriedCount: request.count)
        let parsedAnswer = try PJCSumResponse(serialized: answer.serialized(width: width), key: setup.publicKey)
        return try client.result(parsedAnswer, mask: mask, key: setup.publicKey, intersectionSize: sumRequest.intersectionSize)
    }
}

enum PJCScalar {
    /// The key's scalar (validated when the key was made).
    static func of(_ key: PSIKey) -> Scalar {
        (try? Scalar(canonicalBytes: key.bytes)) ?? .one
    }
}

/// Work spread over the cores in chunks (`DispatchQueue.concurrentPerform`).
enum PJCParallel {
    static func map<T: Sendable>(count: Int, placeholder: T, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        var out = [T](repeating: placeholder, count: count)
        out.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let base = buffer.baseAddress!
            let chunks = Swift.min(count, 64)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = chunk * count / chunks, end = (chunk + 1) * count / chunks
                for i in start..<end { base[i] = body(i) }
            }
        }
        return out
    }
}
