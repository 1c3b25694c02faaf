import DataFiBigNum
import Foundation
import Testing
@testable import DataFiPaillier

/// The Python of the peers' virtual environment (`sh Benchmarks/peers/paillier_venv.sh`), or the one
/// named by DATAFI_PEERS_PYTHON; nil when neither exists (the interop test is then skipped).
let peersPython: String? = {
    if let path = ProcessInfo.processInfo.environment["DATAFI_PEERS_PYTHON"], FileManager.default.isExecutableFile(atPath: path) {
        return path
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = root.appendingPathComponent(".venv-peers/bin/python").path
    return FileManager.default.isExecutableFile(atPath: path) ? path : nil
}()

let pheScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Benchmarks/peers/paillier_phe.py").path

@Suite struct PheInteropTests {
    @Test(.enabled(if: peersPython != nil, "needs the peers venv with phe: sh Benchmarks/peers/paillier_venv.sh"))
    func ciphertextsCrossBothWays() throws {
        let key = try PaillierPrivateKey.generate(bits: 2048)
        let pk = key.publicKey
        let values: [BigInt] = [0, 1, -1, 42, BigInt(Int64.max), BigInt(Int64.min), BigInt(1) << 200, -(BigInt(3) << 150)]
        var ours: [[String: String]] = []
        for (index, m) in values.enumerated() {
            // Public-key and key-holder encryption both.
            let c = index % 2 == 0 ? try pk.encrypt(signed: m) : try key.encrypt(m.isNegative ? pk.n + m : m)
            ours.append(["m": m.description, "c": c.decimal])
        }
        let request: [String: Any] = ["n": pk.n.description, "p": key.p.description, "q": key.q.description,
                                      "ours": ours, "encrypt": ["7", "-7", "123456789012345678901234567890", "0"]]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(peersPython))
        process.arguments = [pheScript]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: JSONSerialization.data(withJSONObject: request))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let answer = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        // phe decrypts ours.
        #expect(answer["decrypted"] as? [String] == values.map(\.description))
        // We decrypt phe's.
        let produced = try #require(answer["phe"] as? [[String: String]])
        #expect(produced.count == 4)
        for item in produced {
            #expect(try key.decryptSigned(pk.ciphertext(decimal: item["c"] ?? "")) == BigInt(item["m"] ?? "x"))
        }
        // phe's homomorphic sum of our ciphertexts decrypts here to the sum.
        let sum = try key.decryptSigned(pk.ciphertext(decimal: try #require(answer["phe_sum"] as? String)))
        #expect(sum == values.reduce(BigInt(0), +))
    }
}
