import DataFiSodium
import DataFiSupport

/// The public parameters of one secure-aggregation round, known to the server and every client.
public struct SecAggConfig: Sendable, Hashable {
    /// The largest client id (and so the largest number of clients) in a round.
    public static let maxClients = 10_000
    /// The largest vector dimension.
    public static let maxDimension = 1 << 24

    /// An identifier of the round; every message carries it, so messages of another round are refused.
    public let session: UInt64
    /// The Shamir threshold t: a client's secrets are shared among its neighbours and itself so that
    /// any t of them reconstruct them. At least t clients must survive every phase. For privacy
    /// choose t above half of the sharing group (n/2 for SecAgg, (K + 1)/2 for SecAgg+): fewer
    /// colluding holders than t learn nothing about a client's secrets.
    public let threshold: Int
    /// The number of values in each input vector.
    public let dimension: Int
    /// The bit width k of the group Z_{2^k} the vectors live in (1...62).
    public let bits: Int
    /// The SecAgg+ neighbourhood size K (even): each client masks with and shares to K neighbours
    /// on a random K-regular graph. `nil` means the complete graph (the original SecAgg).
    public let neighbours: Int?

    /// Checks and stores the parameters.
    /// - Throws: `SecAggError.invalidThreshold` when t < 2 or t > K + 1 (or above `maxClients`);
    ///   `.invalidDimension`, `.invalidBitWidth`, `.invalidNeighbourCount` for the other bounds.
    public init(session: UInt64, threshold: Int, dimension: Int, bits: Int = 62, neighbours: Int? = nil) throws(SecAggError) {
        guard (1...Self.maxDimension).contains(dimension) else { throw .invalidDimension(dimension) }
        guard (1...62).contains(bits) else { throw .invalidBitWidth(bits) }
        if let k = neighbours {
            guard k >= 2, k % 2 == 0, k < Self.maxClients else { throw .invalidNeighbourCount(k) }
            guard threshold >= 2, threshold <= k + 1 else { throw .invalidThreshold(threshold: threshold, maximum: k + 1) }
        } else {
            guard threshold >= 2, threshold <= Self.maxClients else {
                throw .invalidThreshold(threshold: threshold, maximum: Self.maxClients)
            }
        }
        self.session = session
        self.threshold = threshold
        self.dimension = dimension
        self.bits = bits
        self.neighbours = neighbours
    }

    /// 2^bits − 1.
    public var valueMask: UInt64 { (UInt64(1) << UInt64(bits)) - 1 }

    /// The bytes of one packed value in a masked-input message (⌈bits / 8⌉).
    public var bytesPerValue: Int { (bits + 7) / 8 }
}

/// The neighbourhood graph of a round over the clients that advertised keys.
///
/// With K neighbours (SecAgg+, Bell et al. 2020) the clients are placed in a random order on a
/// ring and each is joined to the K/2 nearest on either side: a K-regular graph (a Harary graph
/// under a random relabelling). The order is derived from a BLAKE2b hash of the key directory, so
/// every client computes the same graph and the server cannot choose it without changing keys.
/// Without K, or when K ≥ n − 1, the graph is complete (the original SecAgg).
public struct NeighbourGraph: Sendable {
    /// The clients, in increasing id order.
    public let members: [ClientID]
    private let adjacency: [ClientID: [ClientID]]

    /// The graph for `members` (sorted, distinct) with `neighbours` K, randomised by `seed`.
    public init(members: [ClientID], neighbours: Int?, seed: [UInt8]) {
        self.members = members
        var adjacency: [ClientID: [ClientID]] = [:]
        if let (order, k) = Self.ring(members: members, neighbours: neighbours, seed: seed) {
            for (position, id) in order.enumerated() { adjacency[id] = Self.around(position, in: order, k: k) }
        } else {
            for id in members { adjacency[id] = members.filter { $0 != id } }
        }
        self.adjacency = adjacency
    }

    /// The neighbours of one member without building the whole graph (what a client needs):
    /// the same list as `NeighbourGraph(members:neighbours:seed:).neighbours(of: id)`.
    static func neighbours(of id: ClientID, members: [ClientID], neighbours: Int?, seed: [UInt8]) -> [ClientID] {
        guard let (order, k) = ring(members: members, neighbours: neighbours, seed: seed) else {
            return members.contains(id) ? members.filter { $0 != id } : []
        }
        guard let position = order.firstIndex(of: id) else { return [] }
        return around(position, in: order, k: k)
    }

    /// The members in ring order (shuffled by `seed`) and K, or nil when every member neighbours
    /// every other (no K, or K ≥ n − 1).
    private static func ring(members: [ClientID], neighbours: Int?, seed: [UInt8]) -> (order: [ClientID], k: Int)? {
        guard let k = neighbours, k < members.count - 1 else { return nil }
        var seedWord: UInt64 = 0
        for (i, b) in seed.prefix(8).enumerated() { seedWord |= UInt64(b) << UInt64(8 * i) }
        var rng = SplitMix64(seed: seedWord)
        var order = members
        order.shuffle(using: &rng)
        return (order, k)
    }

    /// The K/2 members on each side of `position` in the ring, sorted.
    private static func around(_ position: Int, in order: [ClientID], k: Int) -> [ClientID] {
        let n = order.count
        var list: [ClientID] = []
        list.reserveCapacity(k)
        for offset in 1...(k / 2) {
            list.append(order[(position + offset) % n])
            list.append(order[(position - offset + n) % n])
        }
        list.sort()
        return list
    }

    /// The neighbours of `id` (sorted; without `id` itself); empty for a non-member.
    public func neighbours(of id: ClientID) -> [ClientID] { adjacency[id] ?? [] }

    /// Whether `a` and `b` are neighbours.
    public func areNeighbours(_ a: ClientID, _ b: ClientID) -> Bool {
        adjacency[a].map { $0.contains(b) } ?? false
    }
}
