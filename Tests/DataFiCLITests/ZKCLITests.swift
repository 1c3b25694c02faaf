import Foundation
import Testing

@Suite struct ZKCLITests {
    @Test func proveAndVerifyRoundTrip() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let proofPath = dir.appendingPathComponent("proof.json").path
        let blindingPath = dir.appendingPathComponent("blinding.txt").path
        let prove = try CLIRunner.run(["zk", "prove", "--value", "200", "--bits", "8", "--out", proofPath,
                                       "--blinding-out", blindingPath])
        #expect(prove.status == 0, "\(prove.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: proofPath))) as? [String: Any])
        #expect(object["bits"] as? Int == 8)
        #expect((object["commitment"] as? String)?.count == 64)
        let expectedHexLength = 2 * 32 * (2 * 3 + 9)
        let proofHex = object["proof"] as? String
        #expect(proofHex?.count == expectedHexLength)
        let attributes = try FileManager.default.attributesOfItem(atPath: blindingPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let verify = try CLIRunner.run(["zk", "verify", "--in", proofPath])
        #expect(verify.status == 0)
        #expect(verify.stderr.contains("valid"))
        // From stdin too.
        let json = try String(contentsOfFile: proofPath, encoding: .utf8)
        #expect(try CLIRunner.run(["zk", "verify"], stdin: json).status == 0)
    }

    @Test func verifyRejectsTamperedAndGarbage() throws {
        let prove = try CLIRunner.run(["zk", "prove", "--value", "7", "--value", "9", "--bits", "16"])
        #expect(prove.status == 0)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(prove.stdout.utf8)) as? [String: Any])
        #expect((object["commitments"] as? [String])?.count == 2)
        #expect(try CLIRunner.run(["zk", "verify"], stdin: prove.stdout).status == 0)
        // Swap the two commitments: invalid.
        object["commitments"] = (object["commitments"] as? [String]).map { Array($0.reversed()) }
        let swapped = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        let bad = try CLIRunner.run(["zk", "verify"], stdin: swapped)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("invalid"))
        // Wrong bit width, garbage hex, not JSON.
        object["commitments"] = (object["commitments"] as? [String]).map { Array($0.reversed()) }
        object["bits"] = 32
        let wrongBits = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        #expect(try CLIRunner.run(["zk", "verify"], stdin: wrongBits).status == 1)
        object["bits"] = 16
        object["proof"] = "zz"
        let garbage = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        // A proof that does not decode is malformed input (exit 2), not a failed verification (exit 1).
        #expect(try CLIRunner.run(["zk", "verify"], stdin: garbage).status == 2)
        let notJSON = try CLIRunner.run(["zk", "verify"], stdin: "hello")
        #expect(notJSON.status != 0)
        #expect(!notJSON.stderr.isEmpty)
    }

    @Test func proveRefusesOutOfRange() throws {
        let result = try CLIRunner.run(["zk", "prove", "--value", "256", "--bits", "8"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("does not fit"))
        #expect(try CLIRunner.run(["zk", "prove", "--value", "-1"]).status != 0)
        #expect(try CLIRunner.run(["zk", "prove", "--value", "1", "--bits", "12"]).status != 0)
    }

    @Test func psiFourSteps() throws {
        let dir = try CLIRunner.temporaryDirectory()
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        try "alice\nbob\ncarol\n\n".write(toFile: path("server.txt"), atomically: true, encoding: .utf8)
        try "dave\r\ncarol\r\nbob\r\nbob\r\n".write(toFile: path("client.txt"), atomically: true, encoding: .utf8)
        #expect(try CLIRunner.run(["psi", "setup", "--items", path("server.txt"), "--key", path("server.key"),
                                   "--out", path("setup.bin")]).status == 0)
        #expect(try CLIRunner.run(["psi", "request", "--items", path("client.txt"), "--key", path("client.key"),
                                   "--out", path("request.bin")]).status == 0)
        #expect(try CLIRunner.run(["psi", "respond", "--key", path("server.key"), "--request", path("request.bin"),
                                   "--out", path("response.bin")]).status == 0)
        let intersect = try CLIRunner.run(["psi", "intersect", "--key", path("client.key"), "--items", path("client.txt"),
                                           "--setup", path("setup.bin"), "--response", path("response.bin")])
        #expect(intersect.status == 0, "\(intersect.stderr)")
        #expect(intersect.stdout == "carol\nbob\n")
        let count = try CLIRunner.run(["psi", "intersect", "--key", path("client.key"), "--items", path("client.txt"),
                                       "--setup", path("setup.bin"), "--response", path("response.bin"), "--cardinality"])
        #expect(count.stdout == "2\n")
        let keyMode = try FileManager.default.attributesOfItem(atPath: path("server.key"))[.posixPermissions] as? NSNumber
        #expect(keyMode?.intValue == 0o600)
        // A garbage response is rejected with one line on stderr.
        try Data([1, 3, 0, 9, 0, 0, 0]).write(to: URL(fileURLWithPath: path("bad.bin")))
        let bad = try CLIRunner.run(["psi", "intersect", "--key", path("client.key"), "--items", path("client.txt"),
                                     "--setup", path("setup.bin"), "--response", path("bad.bin")])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("truncated"))
        // Shuffled (cardinality) responses refuse to name items.
        #expect(try CLIRunner.run(["psi", "request", "--items", path("client.txt"), "--key", path("client.key"),
                                   "--out", path("request2.bin"), "--cardinality"]).status == 0)
        #expect(try CLIRunner.run(["psi", "respond", "--key", path("server.key"), "--request", path("request2.bin"),
                                   "--out", path("response2.bin")]).status == 0)
        let refused = try CLIRunner.run(["psi", "intersect", "--key", path("client.key"), "--items", path("client.txt"),
                                         "--setup", path("setup.bin"), "--response", path("response2.bin")])
        #expect(refused.status == 2)
        // A missing server key for respond is an error, not a new key.
        #expect(try CLIRunner.run(["psi", "respond", "--key", path("nokey.key"), "--request", path("request.bin"),
                                   "--out", path("x.bin")]).status == 2)
    }

    @Test func riskBlacklist() throws {
        let dir = try CLIRunner.temporaryDirectory()
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        try "reference,phone,bank_account,id_number\nA-1,138-0013-8000,,\nA-2,,6222 0200 1234,\n\"A,3\",,,11010519491231002X\n"
            .write(toFile: path("applicants.csv"), atomically: true, encoding: .utf8)
        try "phone,id_number\n+86 13800138000,110105194912310021\n,11010519491231002x\n"
            .write(toFile: path("b.csv"), atomically: true, encoding: .utf8)
        try "bank_account\n6222-0200-1234\n".write(toFile: path("c.csv"), atomically: true, encoding: .utf8)
        let result = try CLIRunner.run(["risk", "blacklist", "--applicants", path("applicants.csv"),
                                        "--blacklist", "lenderB=\(path("b.csv"))", "--blacklist", "lenderC=\(path("c.csv"))",
                                        "--fee", "7"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["flagged"] as? [String] == ["A-1", "A-2", "A,3"])
        let fees = try #require(object["fees"] as? [[String: Any]])
        #expect(fees.count == 2)
        #expect(fees[0]["provider"] as? String == "lenderB")
        #expect(fees[0]["hits"] as? Int == 2)
        #expect(fees[0]["amount"] as? String == "14")
        #expect(fees[1]["amount"] as? String == "7")
        let matches = try #require(object["matches"] as? [String: [String]])
        #expect(matches["lenderB"] == ["A-1", "A,3"])
        #expect(matches["lenderC"] == ["A-2"])
        // Two hits at the largest fee overflow 64 bits: refused.
        let overflow = try CLIRunner.run(["risk", "blacklist", "--applicants", path("applicants.csv"),
                                          "--blacklist", "lenderB=\(path("b.csv"))", "--fee", "18446744073709551615"])
        #expect(overflow.status == 2)
        #expect(overflow.stderr.contains("exceeds"))
    }

    @Test func riskBlacklistErrors() throws {
        let dir = try CLIRunner.temporaryDirectory()
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        try "reference,phone\nA-1,12ab\n".write(toFile: path("a.csv"), atomically: true, encoding: .utf8)
        try "phone\n1\n".write(toFile: path("b.csv"), atomically: true, encoding: .utf8)
        let bad = try CLIRunner.run(["risk", "blacklist", "--applicants", path("a.csv"), "--blacklist", "x=\(path("b.csv"))"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("phone"))
        let noEquals = try CLIRunner.run(["risk", "blacklist", "--applicants", path("a.csv"), "--blacklist", path("b.csv")])
        #expect(noEquals.status != 0)
    }
}
