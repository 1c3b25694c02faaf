import DataFiCreditData
import DataFiFederated
import DataFiSupport
import Foundation
import Testing
@testable import DataFiFlower

/// Swift SuperNodes in a real Flower 1.42 federation: a SuperLink on loopback, the flower-credit app run with
/// `flwr run`, FedAvg over three rounds. Needs the Flower venv (`bash scripts/flower-venv.sh`) named by
/// DATAFI_FLOWER_PYTHON; CI always sets it.
@Suite(.serialized) struct SuperLinkTests {
    static let python = ProcessInfo.processInfo.environment["DATAFI_FLOWER_PYTHON"]
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A seeded numeric partition: two features, label from a noisy linear rule.
    static func partition(rows: Int, seed: UInt64) throws -> FederatedDataset {
        var rng = SplitMix64(seed: seed)
        func normal() -> Double {
            let u = Double(rng.next() >> 11) * 0x1p-53 + 0x1p-54, v = Double(rng.next() >> 11) * 0x1p-53
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        var values: [Double] = [], labels: [Double] = []
        for _ in 0..<rows {
            let a = normal(), b = normal()
            values += [a, b]
            labels.append(a - b + normal() > 0 ? 1 : 0)
        }
        return try FederatedDataset(features: Matrix(rows: rows, columns: 2, values: values), labels: labels)
    }

    static func launch(
        _ executable: String, _ arguments: [String], environment: [String: String],
        directory: URL, log: URL
    ) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = directory
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// The processes this test started for the SuperLink on `port`: the SuperLink (`--port PORT`) and the
    /// SuperExec it starts (`--runtime-api-address 127.0.0.1:PORT`). Each puts itself in a session of its own,
    /// so they are found by their command lines, which name the test's own random port.
    static func superlinkProcesses(port: Int) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry),
                let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { return nil }
            let arguments = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard arguments.contains(where: { $0.hasSuffix("flower-superlink") || $0.hasSuffix("flower-superexec") })
            else { return nil }
            let ours = zip(arguments, arguments.dropFirst()).contains {
                ($0.0 == "--port" && $0.1 == "\(port)")
                    || ($0.0 == "--runtime-api-address" && $0.1 == "127.0.0.1:\(port)")
            }
            return ours ? pid : nil
        }
    }

    /// SIGTERM to the SuperLink's processes, SIGKILL to what is left after ten seconds.
    static func stopSuperLink(port: Int) {
        for pid in superlinkProcesses(port: port) { kill(pid, SIGTERM) }
        for _ in 0..<100 where !superlinkProcesses(port: port).isEmpty { usleep(100_000) }
        for pid in superlinkProcesses(port: port) { kill(pid, SIGKILL) }
    }

    @Test(
        .enabled(
            if: python != nil, "set DATAFI_FLOWER_PYTHON=$(bash scripts/flower-venv.sh) to run against a real SuperLink"
        ),
        .timeLimit(.minutes(5)))
    func twoSwiftNodesThreeRoundsOfFedAvg() async throws {
        let python = try #require(Self.python)
        let bin = URL(fileURLWithPath: python).deletingLastPathComponent()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("datafi-flower-\(UUID().uuidString)")
        let home = work.appendingPathComponent("flwr-home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        // A free loopback port for the SuperLink's HTTP API (Fleet and control).
        let probe = try Self.launch(
            python,
            [
                "-c",
                "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); "
                    + "print(s.getsockname()[1])",
            ],
            environment: [:], directory: work, log: work.appendingPathComponent("port"))
        probe.waitUntilExit()
        let port = try #require(
            Int(
                String(
                    decoding: try Data(contentsOf: work.appendingPathComponent("port")),
                    as: UTF8.self
                ).trimmingCharacters(in: .whitespacesAndNewlines)))
        try Data("[superlink.local]\naddress = \"127.0.0.1:\(port)\"\ninsecure = true\n".utf8)
            .write(to: home.appendingPathComponent("config.toml"))
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["FLWR_HOME"] = home.path
        // In a session of its own (setsid), so the SuperLink and the SuperExec it starts stop together.
        let superlink = try Self.launch(
            "/usr/bin/setsid",
            [
                bin.appendingPathComponent("flower-superlink").path, "--insecure",
                "--disable-runtime-dependency-installation", "--port", "\(port)",
            ],
            environment: environment, directory: work, log: work.appendingPathComponent("superlink.log"))
        defer {
            Self.stopSuperLink(port: port)
            _ = superlink
        }
        let parts = [try Self.partition(rows: 60, seed: 1), try Self.partition(rows: 140, seed: 2)]
        let options = SuperNodeOptions(
            heartbeatInterval: 30, pollInterval: 0.2,
            fleet: FleetClientOptions(timeout: 30, retries: 30, backoff: 0.2))
        let nodes = try parts.map {
            try SuperNode(
                superlink: "http://127.0.0.1:\(port)", identity: NodeIdentity(),
                trainer: FlowerTrainer(client: FederatedClient(data: $0)), options: options)
        }
        let runs = nodes.map { node in Task { try await node.run() } }
        // `flwr run` needs the SuperLink up: wait until both nodes are active.
        for _ in 0..<600 where nodes.contains(where: { $0.activeNodeID == nil }) {
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(nodes.allSatisfy { $0.activeNodeID != nil })
        let result = work.appendingPathComponent("result.json")
        let flwr = try Self.launch(
            bin.appendingPathComponent("flwr").path,
            [
                "run", Self.root.appendingPathComponent("Examples/flower-credit").path, "local", "--stream",
                "--run-config", "num-server-rounds=3 num-features=2 lr=0.5 local-epochs=2 result-path='\(result.path)'",
            ],
            environment: environment, directory: work, log: work.appendingPathComponent("flwr.log"))
        while flwr.isRunning { try await Task.sleep(nanoseconds: 200_000_000) }
        nodes.forEach { $0.stop() }
        var summaries: [SuperNodeSummary] = []
        for run in runs { summaries.append(try await run.value) }
        let log = (try? String(contentsOf: work.appendingPathComponent("flwr.log"), encoding: .utf8)) ?? ""
        #expect(flwr.terminationStatus == 0, "flwr run: \(log.suffix(2000))")
        let data = try Data(contentsOf: result)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let rounds = try #require(json["rounds"] as? [[String: Any]])
        #expect(rounds.count == 3)
        // Every round's global model is the example-weighted mean of what the two nodes replied that round.
        let updates = nodes.map { $0.trainerSnapshot.updates }
        #expect(updates.map(\.count) == [3, 3])
        for (r, round) in rounds.enumerated() where updates.allSatisfy({ $0.count == 3 }) {
            let mean = try FederatedAveraging.aggregate(updates.map { $0[r].weighted })
            let coefficients = try #require(round["coefficients"] as? [Double])
            let intercept = try #require(round["intercept"] as? [Double])
            #expect(coefficients.count == 2 && intercept.count == 1)
            for (a, b) in zip(coefficients + intercept, mean.coefficients + [mean.intercept]) {
                #expect(abs(a - b) <= 1e-12, "round \(r + 1)")
            }
        }
        let final = try #require(json["final"] as? [String: [Double]])
        #expect(final["coefficients"] == rounds.last?["coefficients"] as? [Double])
        // The model learned the rule's direction; every message got a reply, none an error.
        #expect((final["coefficients"]?[0] ?? 0) > 0 && (final["coefficients"]?[1] ?? 0) < 0)
        #expect(summaries.map(\.replied) == [3, 3] && summaries.map(\.errorReplies) == [0, 0])
        #expect(Set(summaries.map(\.nodeID)).count == 2)
    }
}
