/// A directed, weighted multigraph of credit relations (lender → borrower, repayer → lender,
/// guarantor → borrowed-for), with dense node indices assigned in order of first appearance.
///
/// Parallel edges are kept and their weights add up; self-loops are kept. Node ids may be any
/// hashable value, typically `String` account ids or `Int` ids.
public struct CreditGraph<Node: Hashable & Sendable>: Sendable {
    /// Largest number of nodes or edges a graph may hold (indices are 32-bit).
    public static var maxSize: Int { Int(Int32.max) - 1 }

    /// Nodes in index order: `nodes[i]` is the node whose score is `scores[i]`.
    public private(set) var nodes: [Node] = []
    private var indexOfNode: [Node: Int32] = [:]
    var sources: [Int32] = []
    var targets: [Int32] = []
    var weights: [Double] = []
    /// Seconds since an epoch of the caller's choice; NaN means "no timestamp".
    var timestamps: [Double] = []

    /// Creates an empty graph.
    public init() {}

    /// Number of distinct nodes.
    public var nodeCount: Int { nodes.count }
    /// Number of edges added (parallel edges count separately).
    public var edgeCount: Int { sources.count }

    /// The dense index of `node`, or nil when the graph does not contain it.
    public func index(of node: Node) -> Int? { indexOfNode[node].map(Int.init) }

    /// Adds `node` if it is new and returns its index. Throws `graphTooLarge` past `maxSize` nodes.
    @discardableResult
    public mutating func addNode(_ node: Node) throws(ZhangRankError) -> Int {
        if let index = indexOfNode[node] { return Int(index) }
        guard nodes.count < Self.maxSize else { throw .graphTooLarge(limit: Self.maxSize) }
        let index = Int32(nodes.count)
        nodes.append(node)
        indexOfNode[node] = index
        return Int(index)
    }

    /// Adds an edge `source → target` (source first, then target become nodes if new).
    ///
    /// - Parameters:
    ///   - source: the lender (or whoever extends the relation).
    ///   - target: the borrower (or whoever receives it).
    ///   - weight: a finite, non-negative amount (for example the loan size); defaults to 1.
    ///   - timestamp: when the relation happened, in seconds; required when ranking with time decay.
    /// - Throws: `invalidWeight`, `invalidTimestamp`, `graphTooLarge`. On error the graph is unchanged.
    public mutating func addEdge(from source: Node, to target: Node, weight: Double = 1,
                                 timestamp: Double? = nil) throws(ZhangRankError) {
        let edge = sources.count
        guard weight.isFinite, weight >= 0 else { throw .invalidWeight(edge: edge, weight: weight) }
        if let timestamp, !timestamp.isFinite { throw .invalidTimestamp(edge: edge, timestamp: timestamp) }
        guard edge < Self.maxSize else { throw .graphTooLarge(limit: Self.maxSize) }
        let newNodes = (indexOfNode[source] == nil ? 1 : 0) + (indexOfNode[target] == nil && source != target ? 1 : 0)
        guard nodes.count + newNodes <= Self.maxSize else { throw .graphTooLarge(limit: Self.maxSize) }
        let s = try addNode(source)
        let t = try addNode(target)
        sources.append(Int32(s))
        targets.append(Int32(t))
        weights.append(weight)
        timestamps.append(timestamp ?? .nan)
    }

    /// Reserves storage for `edges` more edges.
    public mutating func reserveCapacity(edges: Int) {
        sources.reserveCapacity(edges)
        targets.reserveCapacity(edges)
        weights.reserveCapacity(edges)
        timestamps.reserveCapacity(edges)
    }
}
