import DataFi
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// A `datafi … serve` child process on a free loopback port, read from its "listening on URL" line.
final class ServerProcess {
    let process = Process()
    let url: String
    private let output = Pipe()

    init(_ arguments: [String]) throws {
        process.executableURL = CLIRunner.executable
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read the announcement line (the server prints it once it accepts connections).
        var line = Data()
        let handle = output.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "listening on ") else {
            process.terminate()
            throw CLIError("server did not start: \(text)")
        }
        url = String(text[range.upperBound...].prefix { !$0.isNewline })
    }

    struct CLIError: Error { let message: String; init(_ m: String) { message = m } }

    /// Stops the server (SIGTERM: graceful shutdown) and returns its exit status.
    @discardableResult
    func stop() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate() } }
}

@Suite(.serialized) struct NetworkCLITests {
    func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// A raw POST to a server: status and body.
    func post(_ url: String, _ body: Data) async throws -> (Int, String) {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = "POST"
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func psiServeAndQueryAsTwoProcesses() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        let serverItems = try write((0..<200).map { "user\($0)@example.com" }.joined(separator: "\n") + "\n", "server.txt", in: dir)
        let clientItems = try write(["user5@example.com", "nobody@example.com", "user150@example.com"].joined(separator: "\n"), "client.txt", in: dir)
        let server = try ServerProcess(["psi", "serve", "--items", serverItems, "--key", dir.appendingPathComponent("server.key").path,
                                        "--listen", "127.0.0.1:0", "--max-query-items", "1000"])
        defer { server.stop() }
        let clientKey = dir.appendingPathComponent("client.key").path
        let query = try CLIRunner.run(["psi", "query", "--server", server.url, "--items", clientItems, "--key", clientKey])
        #expect(query.status == 0)
        #expect(query.stdout == "user5@example.com\nuser150@example.com\n")
        let count = try CLIRunner.run(["psi", "query", "--server", server.url, "--items", clientItems, "--key", clientKey, "--cardinality"])
        #expect(count.status == 0 && count.stdout == "2\n")
        // A bad URL and an unreachable server are typed failures, not crashes.
        let badURL = try CLIRunner.run(["psi", "query", "--server", "not a url", "--items", clientItems, "--key", clientKey])
        #expect(badURL.status == 2 && badURL.stderr.contains("not an http(s) URL"))
        let down = try CLIRunner.run(["psi", "query", "--server", "http://127.0.0.1:1", "--items", clientItems, "--key", clientKey,
                                      "--retries", "0", "--timeout", "3"])
        #expect(down.status == 3 && down.stderr.contains("unreachable"))
        // Malformed and oversized messages get a 4xx JSON error from the server process.
        let garbage = try await post(server.url + "/psi/v1/query", Data([1, 2, 0, 9, 9, 9, 9, 1, 2, 3]))
        #expect(garbage.0 == 400 && garbage.1.contains("\"error\":\"malformed_message\""))
        let oversized = try await post(server.url + "/psi/v1/query", Data(count: 40_000))
        #expect(oversized.0 == 413 && oversized.1.contains("body_too_large"))
        // The server is still up after the failures of others.
        #expect(try CLIRunner.run(["psi", "query", "--server", server.url, "--items", clientItems, "--key", clientKey, "--cardinality"]).stdout == "2\n")
        #expect(server.stop() == 0)
    }

    @Test func pjcServeAndQueryAsTwoProcesses() throws {
        let dir = try CLIRunner.temporaryDirectory()
        var csv = "id,value\n"
        for i in 0..<100 { csv += "cust\(i),\(i * 3 - 100)\n" }
        csv += "big1,9223372036854775807\nbig2,9223372036854775806\n"
        let serverItems = try write(csv, "b.csv", in: dir)
        let clientItems = try write(((90..<120).map { "cust\($0)" } + ["big1", "big2"]).joined(separator: "\n") + "\n", "a.txt", in: dir)
        let server = try ServerProcess(["pjc", "serve", "--items", serverItems, "--listen", "127.0.0.1:0", "--bits", "1024"])
        defer { server.stop() }
        let query = try CLIRunner.run(["pjc", "query", "--server", server.url, "--items", clientItems])
        #expect(query.status == 0)
        let total = (90..<100).reduce(BigInt(Int64.max) + BigInt(Int64.max - 1)) { $0 + BigInt($1 * 3 - 100) }
        #expect(query.stdout == "{\"intersection_size\":12,\"intersection_sum\":\"\(total)\"}\n")
        let bad = try CLIRunner.run(["pjc", "serve", "--items", try write("id,value\nx,notanumber\n", "bad.csv", in: dir), "--listen", "127.0.0.1:0"])
        #expect(bad.status == 2 && bad.stderr.contains("not a 64-bit integer"))
        #expect(server.stop() == 0)
    }

    @Test func riskScreenAgainstTwoLenderProcesses() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let northList = try write("phone,id_number\n+86 138 0000 0001,\n,ID-77\n", "north.csv", in: dir)
        let southList = try write("phone\n13800000003\n", "south.csv", in: dir)
        let applicants = try write("reference,phone,id_number\nA1,13800000001,\nA2,13800000002,id77\nA3,13800000004,\n", "applicants.csv", in: dir)
        let north = try ServerProcess(["psi", "serve", "--blacklist", northList, "--key", dir.appendingPathComponent("n.key").path, "--listen", "127.0.0.1:0"])
        defer { north.stop() }
        let south = try ServerProcess(["psi", "serve", "--blacklist", southList, "--key", dir.appendingPathComponent("s.key").path, "--listen", "127.0.0.1:0"])
        defer { south.stop() }
        let result = try CLIRunner.run(["risk", "screen", "--applicants", applicants, "--lender", "north=\(north.url)",
                                        "--lender", "south=\(south.url)", "--fee", "40"])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["flagged"] as? [String] == ["A1", "A2"])
        let matches = object?["matches"] as? [String: [String]]
        #expect(matches?["north"] == ["A1", "A2"] && matches?["south"] == [])
        let fees = object?["fees"] as? [[String: Any]]
        #expect(fees?.count == 1 && fees?.first?["amount"] as? String == "80" && fees?.first?["provider"] as? String == "north")
        // One lender down: the report still comes, with exit code 3.
        let partial = try CLIRunner.run(["risk", "screen", "--applicants", applicants, "--lender", "north=\(north.url)",
                                         "--lender", "gone=http://127.0.0.1:1", "--retries", "0", "--timeout", "3"])
        #expect(partial.status == 3)
        #expect(partial.stdout.contains("\"unavailable\":{\"gone\""))
    }

    @Test func paillierCommandsRoundTrip() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let keyPath = dir.appendingPathComponent("key.json").path
        let keygen = try CLIRunner.run(["paillier", "keygen", "--bits", "1024", "--out", keyPath])
        #expect(keygen.status == 0 && keygen.stdout.hasPrefix("{\"n\":\""))
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try CLIRunner.run(["paillier", "keygen", "--bits", "1024", "--out", keyPath]).status == 2)
        let pubPath = try write(keygen.stdout, "pub.json", in: dir)
        let a = try CLIRunner.run(["paillier", "encrypt", "--key", pubPath, "--value", "-1234"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let b = try CLIRunner.run(["paillier", "encrypt", "--key", pubPath, "--value", "99999999999999999999999"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let sum = try CLIRunner.run(["paillier", "add", "--key", pubPath, "--a", a, "--b", b]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let plain = try CLIRunner.run(["paillier", "decrypt", "--key", keyPath, "--ciphertext", sum])
        #expect(plain.status == 0 && plain.stdout == "99999999999999999998765\n")
        // Hostile ciphertexts and values.
        #expect(try CLIRunner.run(["paillier", "decrypt", "--key", keyPath, "--ciphertext", "0"]).stderr.contains("outside 0 < c < n²"))
        #expect(try CLIRunner.run(["paillier", "decrypt", "--key", keyPath, "--ciphertext", String(repeating: "9", count: 5000)]).status == 2)
        #expect(try CLIRunner.run(["paillier", "add", "--key", pubPath, "--a", "-5", "--b", b]).status == 2)
        #expect(try CLIRunner.run(["paillier", "encrypt", "--key", pubPath, "--value", "12x"]).status == 2)
        #expect(try CLIRunner.run(["paillier", "decrypt", "--key", pubPath, "--ciphertext", a]).status == 2)
        #expect(try CLIRunner.run(["paillier", "keygen", "--bits", "1000", "--out", dir.appendingPathComponent("k2").path]).status == 2)
    }
}
