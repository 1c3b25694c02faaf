import DataFi
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `node serve --relay-*`: the secure-aggregation relay's bounds come from the command line.
@Suite(.serialized) struct RelayLimitsCLITests {
    func postRound(_ url: String, lifetime: Int) async throws -> (Int, String) {
        let coordinator = Hex.encode(Signing.PrivateKey().publicKey.rawRepresentation)
        var request = URLRequest(url: try #require(URL(string: url + "/v1/secagg/rounds")))
        request.httpMethod = "POST"
        request.httpBody = Data(
            #"{"coordinator":"\#(coordinator)","participants":3,"lifetime":\#(lifetime),"job":"e30="}"#.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func relayBoundsFromTheCommandLine() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        let server = try ServerProcess([
            "node", "serve", "--store", "sqlite:" + dir.appendingPathComponent("n.sqlite").path,
            "--listen", "127.0.0.1:0", "--operator-key", dir.appendingPathComponent("operator.key").path,
            "--origin", "cli.example/relay", "--relay-max-rounds", "1", "--relay-max-lifetime", "60",
        ])
        defer { server.stop() }
        let tooLong = try await postRound(server.url, lifetime: 61)
        #expect(tooLong.0 == 400 && tooLong.1.contains("lifetime"), "\(tooLong)")
        let first = try await postRound(server.url, lifetime: 60)
        #expect(first.0 == 200 && first.1.contains("\"round\""), "\(first)")
        let second = try await postRound(server.url, lifetime: 60)
        #expect(second.0 == 503 && second.1.contains("too_many_rounds"), "\(second)")
    }

    @Test func outOfRangeRelayBoundsAreUsageErrors() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let base = [
            "node", "serve", "--store", "sqlite:" + dir.appendingPathComponent("n.sqlite").path,
            "--listen", "127.0.0.1:0", "--operator-key", dir.appendingPathComponent("operator.key").path,
            "--origin", "cli.example/relay",
        ]
        for (flag, value) in [
            ("--relay-max-rounds", "0"), ("--relay-max-participants", "1"), ("--relay-max-message-bytes", "10"),
            ("--relay-max-message-bytes", "99999999999"), ("--relay-max-bytes", "2048"),
            ("--relay-max-lifetime", "-5"), ("--relay-max-rounds", "many"),
        ] {
            let result = try CLIRunner.run(base + [flag, value])
            #expect(result.status == 2, "\(flag) \(value): \(result.stderr)")
            #expect(result.stderr.contains(flag), "\(flag) \(value): \(result.stderr)")
        }
        // Nothing was created by a refused start.
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("n.sqlite").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("operator.key").path))
    }
}
