// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiLedger
import DataFiSodium
import Testing

@Test func readmeExample() throws {
    // An operator signs a checkpoint; anyone holding its public key checks it and a proof against it.
    let operatorKey = Signing.PrivateKey()
    let leaves = (0..<5).map { MerkleTree.leafHash([UInt8]("entry \($0)".utf8)) }
    let note = try Checkpoint(origin: "example.com/log", size: 5, root: MerkleTree.root(ofLeafHashes: leaves),
                              stateHash: SHA256.hash([UInt8]("state".utf8))).signed(with: operatorKey)
    let checkpoint = try Checkpoint.verify(note: note, publicKey: operatorKey.publicKey)
    let proof = [leaves[2], MerkleTree.nodeHash(leaves[0], leaves[1]), leaves[4]]   // for leaf 3 of 5
    let included = MerkleTree.verifyInclusion(index: 3, size: checkpoint.size, leafHash: leaves[3], proof: proof,
                                              root: checkpoint.root)                // true

    // Checks (from the readme-test comment under the example).
    #expect(included)
    #expect(try MemoryTree(leaves: leaves).inclusionProof(index: 3, size: 5) == proof)
}
