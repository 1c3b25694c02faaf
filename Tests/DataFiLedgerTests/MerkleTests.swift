import DataFiLedger
import DataFiSupport
import Foundation
import PropertyBased
import Testing

/// The fields of transparency-dev/merkle's inclusion vectors (and of `datafi ledger prove-inclusion`).
struct InclusionVector: Decodable {
    let leafIdx: UInt64
    let treeSize: UInt64
    let root: Data?
    let leafHash: Data?
    let proof: [Data]?
    let desc: String
    let wantErr: Bool
}

/// The fields of transparency-dev/merkle's consistency vectors.
struct ConsistencyVector: Decodable {
    let size1: UInt64
    let size2: UInt64
    let root1: Data?
    let root2: Data?
    let proof: [Data]?
    let desc: String
    let wantErr: Bool
}

/// A node reader over leaf hashes held in memory (computes nodes directly).
struct ArrayTree: MerkleNodeReader {
    let leaves: [LogHash]
    func node(level: Int, index: UInt64) throws(LedgerError) -> LogHash {
        let width = 1 << level, start = Int(index) * width
        guard start + width <= leaves.count else { throw .missing("node") }
        return MerkleTree.root(ofLeafHashes: Array(leaves[start..<start + width]))
    }
}

@Suite struct MerkleTests {
    @Test func inclusionVectorsFromTransparencyDev() throws {
        let files = try fixtureFiles("inclusion")
        #expect(files.count > 90)
        var valid = 0, invalid = 0
        for file in files {
            let vector = try JSONDecoder().decode(InclusionVector.self, from: try fixture(file))
            let ok = MerkleTree.verifyInclusion(index: vector.leafIdx, size: vector.treeSize,
                                                leafHash: Array(vector.leafHash ?? Data()),
                                                proof: (vector.proof ?? []).map { Array($0) },
                                                root: Array(vector.root ?? Data()))
            #expect(ok == !vector.wantErr, "\(file): \(vector.desc)")
            if ok { valid += 1 } else { invalid += 1 }
        }
        #expect(valid > 0 && invalid > 0)
    }

    @Test func consistencyVectorsFromTransparencyDev() throws {
        let files = try fixtureFiles("consistency")
        #expect(files.count > 90)
        for file in files {
            let vector = try JSONDecoder().decode(ConsistencyVector.self, from: try fixture(file))
            let ok = MerkleTree.verifyConsistency(size1: vector.size1, size2: vector.size2,
                                                  root1: Array(vector.root1 ?? Data()), root2: Array(vector.root2 ?? Data()),
                                                  proof: (vector.proof ?? []).map { Array($0) })
            #expect(ok == !vector.wantErr, "\(file): \(vector.desc)")
        }
    }

    /// The happy-path vectors are proofs our prover must reproduce over the RFC 6962 test leaves.
    @Test func proverReproducesTheVectorsOverTheReferenceLeaves() throws {
        // transparency-dev/merkle's reference leaves (hex), the same as RFC 6962's test data.
        let leafData: [[UInt8]] = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                   "606162636465666768696a6b6c6d6e6f"].map { hex in
            stride(from: 0, to: hex.count, by: 2).map { i in
                UInt8(hex[hex.index(hex.startIndex, offsetBy: i)..<hex.index(hex.startIndex, offsetBy: i + 2)], radix: 16)!
            }
        }
        let tree = ArrayTree(leaves: leafData.map { MerkleTree.leafHash($0) })
        #expect(Data(try tree.root(size: 8)).base64EncodedString() == "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=")
        var checked = 0
        for file in try fixtureFiles("inclusion") where file.hasSuffix("happy-path.json") {
            let v = try JSONDecoder().decode(InclusionVector.self, from: try fixture(file))
            guard v.treeSize <= 8 else { continue }
            #expect(try tree.inclusionProof(index: v.leafIdx, size: v.treeSize).map { Data($0) } == v.proof ?? [])
            checked += 1
        }
        for file in try fixtureFiles("consistency") where file.hasSuffix("happy-path.json") {
            let v = try JSONDecoder().decode(ConsistencyVector.self, from: try fixture(file))
            guard v.size2 <= 8 else { continue }
            #expect(try tree.consistencyProof(size1: v.size1, size2: v.size2).map { Data($0) } == v.proof ?? [])
            checked += 1
        }
        #expect(checked >= 4)
    }

    @Test func everyProofVerifiesAndAnyFlippedBitFails() async {
        await propertyCheck(count: 60, input: Gen.int(in: 1...70), Gen.int(in: 0...1_000_000)) { n, seed throws in
            var rng = SplitMix64(seed: UInt64(seed))
            let leaves = (0..<n).map { i in MerkleTree.leafHash([UInt8(i & 0xFF), UInt8(i >> 8)]) }
            let store = MemoryTree(leaves: leaves)
            let m = Int.random(in: 0...n, using: &rng)
            let index = UInt64(Int.random(in: 0..<n, using: &rng))
            let root = MerkleTree.root(ofLeafHashes: leaves)
            let rootM = MerkleTree.root(ofLeafHashes: Array(leaves.prefix(m)))
            #expect(try store.root(size: UInt64(n)) == root)
            let inclusion = try store.inclusionProof(index: index, size: UInt64(n))
            #expect(MerkleTree.verifyInclusion(index: index, size: UInt64(n), leafHash: leaves[Int(index)],
                                               proof: inclusion, root: root))
            let consistency = try store.consistencyProof(size1: UInt64(m), size2: UInt64(n))
            #expect(MerkleTree.verifyConsistency(size1: UInt64(m), size2: UInt64(n), root1: rootM, root2: root,
                                                 proof: consistency) == (m > 0))
            if !inclusion.isEmpty {
                var bad = inclusion
                let i = Int.random(in: 0..<bad.count, using: &rng), bit = Int.random(in: 0..<256, using: &rng)
                bad[i][bit / 8] ^= UInt8(1 << (bit % 8))
                #expect(!MerkleTree.verifyInclusion(index: index, size: UInt64(n), leafHash: leaves[Int(index)],
                                                    proof: bad, root: root))
            }
            var badLeaf = leaves[Int(index)]
            badLeaf[Int.random(in: 0..<32, using: &rng)] ^= 1
            #expect(!MerkleTree.verifyInclusion(index: index, size: UInt64(n), leafHash: badLeaf, proof: inclusion, root: root))
            if !consistency.isEmpty {
                var bad = consistency
                let i = Int.random(in: 0..<bad.count, using: &rng), bit = Int.random(in: 0..<256, using: &rng)
                bad[i][bit / 8] ^= UInt8(1 << (bit % 8))
                #expect(!MerkleTree.verifyConsistency(size1: UInt64(m), size2: UInt64(n), root1: rootM, root2: root,
                                                      proof: bad))
            }
            if m > 0 && m < n {
                var badRoot = rootM
                badRoot[0] ^= 0x80
                #expect(!MerkleTree.verifyConsistency(size1: UInt64(m), size2: UInt64(n), root1: badRoot, root2: root,
                                                      proof: consistency))
            }
        }
    }

    @Test func frontierMatchesDirectRootAndStoresEveryNode() throws {
        var frontier = MerkleFrontier()
        var leaves: [LogHash] = []
        var stored: [String: LogHash] = [:]
        for i in 0..<100 {
            let leaf = MerkleTree.leafHash([UInt8(i)])
            leaves.append(leaf)
            for node in frontier.append(leaf) { stored["\(node.level)/\(node.index)"] = node.hash }
            #expect(frontier.root == MerkleTree.root(ofLeafHashes: leaves))
        }
        let tree = ArrayTree(leaves: leaves)
        for (key, hash) in stored {
            let parts = key.split(separator: "/")
            #expect(try tree.node(level: Int(parts[0])!, index: UInt64(parts[1])!) == hash)
        }
        #expect(stored.count == 100 + 50 + 25 + 12 + 6 + 3 + 1)
        struct Reader: MerkleNodeReader {
            let stored: [String: LogHash]
            func node(level: Int, index: UInt64) throws(LedgerError) -> LogHash {
                guard let h = stored["\(level)/\(index)"] else { throw .missing("\(level)/\(index)") }
                return h
            }
        }
        #expect(try MerkleFrontier(size: 100, reader: Reader(stored: stored)) == frontier)
    }

    @Test func emptyTreeAndBadArguments() throws {
        #expect(Data(MerkleTree.emptyRoot).base64EncodedString() == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        let tree = ArrayTree(leaves: [MerkleTree.leafHash([1])])
        #expect(throws: LedgerError.indexOutOfRange(index: 1, size: 1)) { try tree.inclusionProof(index: 1, size: 1) }
        #expect(throws: LedgerError.invalidRange(from: 2, to: 1)) { try tree.consistencyProof(size1: 2, size2: 1) }
        #expect(!MerkleTree.verifyInclusion(index: 0, size: 0, leafHash: [], proof: [], root: []))
        #expect(!MerkleTree.verifyInclusion(index: 0, size: 1, leafHash: [UInt8](repeating: 0, count: 31), proof: [],
                                            root: [UInt8](repeating: 0, count: 31)))
    }
}

/// Leaf hashes plus a stored-node table, as a store keeps them.
struct MemoryTree: MerkleNodeReader {
    var nodes: [Int: [UInt64: LogHash]] = [:]
    init(leaves: [LogHash]) {
        var frontier = MerkleFrontier()
        for leaf in leaves {
            for node in frontier.append(leaf) { nodes[node.level, default: [:]][node.index] = node.hash }
        }
    }
    func node(level: Int, index: UInt64) throws(LedgerError) -> LogHash {
        guard let hash = nodes[level]?[index] else { throw .missing("node") }
        return hash
    }
}
