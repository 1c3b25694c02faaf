import DataFiSodium

/// A 32-byte SHA-256 hash of the log: a leaf hash, an interior node hash or a tree root.
public typealias LogHash = [UInt8]

/// The Merkle tree hash of RFC 9162 §2.1.1 (Certificate Transparency 2.0): SHA-256 with a `0x00` prefix
/// for leaves and `0x01` for interior nodes, so that no leaf can be presented as a node.
public enum MerkleTree {
    /// Length of every hash in bytes.
    public static let hashLength = 32

    /// The root of the empty tree: SHA-256 of no bytes.
    public static let emptyRoot: LogHash = SHA256.hash([UInt8]())

    /// `SHA-256(0x00 || data)`: the hash of the leaf whose data is `data`.
    public static func leafHash(_ data: some Collection<UInt8>) -> LogHash {
        var hasher = SHA256()
        hasher.update(CollectionOfOne(UInt8(0)))
        hasher.update(data)
        return hasher.finalize()
    }

    /// `SHA-256(0x01 || left || right)`: the hash of an interior node.
    public static func nodeHash(_ left: LogHash, _ right: LogHash) -> LogHash {
        var bytes = [UInt8](repeating: 1, count: 65)
        bytes.replaceSubrange(1..<33, with: left)
        bytes.replaceSubrange(33..<65, with: right)
        return SHA256.hash(bytes)
    }

    /// The largest power of two strictly below `n` (`n` ≥ 2): the split point `k` of RFC 9162 §2.1.1.
    static func split(_ n: UInt64) -> UInt64 {
        precondition(n >= 2)
        return UInt64(1) << (63 - (n - 1).leadingZeroBitCount)
    }

    /// The root of a tree over `leafHashes`, computed directly (reference implementation, O(n)).
    public static func root(ofLeafHashes leafHashes: [LogHash]) -> LogHash {
        guard !leafHashes.isEmpty else { return emptyRoot }
        var level = leafHashes
        while level.count > 1 {
            var next: [LogHash] = []
            next.reserveCapacity((level.count + 1) / 2)
            var i = 0
            while i + 1 < level.count {
                next.append(nodeHash(level[i], level[i + 1]))
                i += 2
            }
            if i < level.count { next.append(level[i]) }
            level = next
        }
        return level[0]
    }

    // MARK: Verification (RFC 9162 §2.1.3.2 and §2.1.4.2; public data only, variable time)

    /// Whether `proof` shows that the leaf with hash `leafHash` is at `index` in the tree of `size` leaves
    /// whose root is `root` (RFC 9162 §2.1.3.2). Hashes of a length other than 32 bytes never verify.
    public static func verifyInclusion(index: UInt64, size: UInt64, leafHash: LogHash, proof: [LogHash],
                                       root: LogHash) -> Bool {
        guard index < size, leafHash.count == hashLength, root.count == hashLength,
              proof.allSatisfy({ $0.count == hashLength }) else { return false }
        var fn = index, sn = size - 1
        var r = leafHash
        for p in proof {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// Whether `proof` shows that the tree of `size1` leaves with root `root1` is a prefix of the tree of
    /// `size2` leaves with root `root2` (RFC 9162 §2.1.4.2). Equal sizes need an empty proof and equal
    /// roots; `size1 == 0` never verifies (a proof from the empty tree proves nothing), as in
    /// transparency-dev/merkle.
    public static func verifyConsistency(size1: UInt64, size2: UInt64, root1: LogHash, root2: LogHash,
                                         proof: [LogHash]) -> Bool {
        guard size1 > 0, size1 <= size2, proof.allSatisfy({ $0.count == hashLength }) else { return false }
        if size1 == size2 { return proof.isEmpty && root1 == root2 }
        guard !proof.isEmpty, root1.count == hashLength, root2.count == hashLength else { return false }
        var path = proof
        if size1 & (size1 - 1) == 0 { path.insert(root1, at: 0) }
        var fn = size1 - 1, sn = size2 - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0], sr = path[0]
        for c in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == root1 && sr == root2 && sn == 0
    }
}

/// Reads the hashes of complete subtrees: the node at `level` and `index` is the root of the leaves
/// `index·2^level ..< (index+1)·2^level` (level 0 = leaf hashes). Stores implement it; proofs read
/// O(log n) nodes through it.
public protocol MerkleNodeReader {
    /// The hash of the complete subtree at (`level`, `index`).
    /// - Throws: ``LedgerError`` when the node is missing or cannot be read.
    func node(level: Int, index: UInt64) throws(LedgerError) -> LogHash
}

extension MerkleNodeReader {
    /// `MTH(D[start..<end])`: the hash of any range that starts on a multiple of the largest power of two
    /// not above its length (every range RFC 9162's recursions ask for). Reads one node per set bit of
    /// `end − start`.
    public func rangeHash(_ start: UInt64, _ end: UInt64) throws(LedgerError) -> LogHash {
        precondition(start < end)
        let count = end - start
        if count & (count - 1) == 0 {
            let level = count.trailingZeroBitCount
            return try node(level: level, index: start >> UInt64(level))
        }
        let k = MerkleTree.split(count)
        return MerkleTree.nodeHash(try rangeHash(start, start + k), try rangeHash(start + k, end))
    }

    /// The root of the tree of the first `size` leaves.
    public func root(size: UInt64) throws(LedgerError) -> LogHash {
        size == 0 ? MerkleTree.emptyRoot : try rangeHash(0, size)
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1), leaf to root.
    /// - Throws: ``LedgerError/indexOutOfRange(index:size:)`` when `index ≥ size`.
    public func inclusionProof(index: UInt64, size: UInt64) throws(LedgerError) -> [LogHash] {
        guard index < size else { throw .indexOutOfRange(index: index, size: size) }
        var proof: [LogHash] = []
        var start: UInt64 = 0, end = size, m = index
        // Walk from the root down, collecting siblings; the proof lists them leaf to root.
        while end - start > 1 {
            let k = MerkleTree.split(end - start)
            if m < k {
                proof.append(try rangeHash(start + k, end))
                end = start + k
            } else {
                proof.append(try rangeHash(start, start + k))
                start += k
                m -= k
            }
        }
        return proof.reversed()
    }

    /// The consistency proof between the trees of `size1` and `size2` leaves (RFC 9162 §2.1.4.1).
    /// - Throws: ``LedgerError/invalidRange(from:to:)`` unless `size1 ≤ size2`.
    public func consistencyProof(size1: UInt64, size2: UInt64) throws(LedgerError) -> [LogHash] {
        guard size1 <= size2 else { throw .invalidRange(from: size1, to: size2) }
        guard size1 > 0, size1 < size2 else { return [] }
        var proof: [LogHash] = []
        var start: UInt64 = 0, end = size2, m = size1
        var complete = true
        while true {
            let n = end - start
            if m == n {
                if !complete { proof.append(try rangeHash(start, end)) }
                break
            }
            let k = MerkleTree.split(n)
            if m <= k {
                proof.append(try rangeHash(start + k, end))
                end = start + k
            } else {
                proof.append(try rangeHash(start, start + k))
                start += k
                m -= k
                complete = false
            }
        }
        return proof.reversed()
    }
}

/// The right edge of a growing tree: the roots of its complete subtrees, largest first (one per set bit of
/// the size). Appending a leaf returns the new complete nodes to store.
public struct MerkleFrontier: Sendable, Equatable {
    /// Leaves so far.
    public private(set) var size: UInt64 = 0
    /// (level, hash) of each complete subtree on the right edge, largest (highest level) first.
    public private(set) var nodes: [(level: Int, hash: LogHash)] = []

    /// An empty tree.
    public init() {}

    /// The frontier of the tree of `size` leaves, read from `reader` (one node per set bit of `size`).
    public init(size: UInt64, reader: some MerkleNodeReader) throws(LedgerError) {
        self.size = size
        var start: UInt64 = 0
        for level in stride(from: 63, through: 0, by: -1) where size & (UInt64(1) << UInt64(level)) != 0 {
            nodes.append((level, try reader.node(level: level, index: start >> UInt64(level))))
            start += UInt64(1) << UInt64(level)
        }
    }

    /// Adds a leaf hash. Returns every complete node it finishes, as (level, index, hash), the leaf first.
    public mutating func append(_ leafHash: LogHash) -> [(level: Int, index: UInt64, hash: LogHash)] {
        var created: [(level: Int, index: UInt64, hash: LogHash)] = [(0, size, leafHash)]
        var current = (level: 0, hash: leafHash)
        var index = size
        while let last = nodes.last, last.level == current.level {
            nodes.removeLast()
            current = (current.level + 1, MerkleTree.nodeHash(last.hash, current.hash))
            index >>= 1
            created.append((current.level, index, current.hash))
        }
        nodes.append(current)
        size += 1
        return created
    }

    /// The root of the tree (``MerkleTree/emptyRoot`` when empty).
    public var root: LogHash {
        guard var hash = nodes.last?.hash else { return MerkleTree.emptyRoot }
        for node in nodes.dropLast().reversed() { hash = MerkleTree.nodeHash(node.hash, hash) }
        return hash
    }

    /// Compares sizes and nodes.
    public static func == (lhs: MerkleFrontier, rhs: MerkleFrontier) -> Bool {
        lhs.size == rhs.size && lhs.nodes.count == rhs.nodes.count
            && zip(lhs.nodes, rhs.nodes).allSatisfy { $0.level == $1.level && $0.hash == $1.hash }
    }
}
