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
    static let needsFlower: ConditionTrait = .enabled(
        if: python != nil, "set DATAFI_FLOWER_PYTHON=$(bash scripts/flower-venv.sh) to run against a real SuperLink")
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

    /// A SuperLink on a free loopback port, in a session of its own, with the paths `flwr run` needs.
    struct SuperLink {
        let port: Int
        let bin: URL
        let work: URL
        let environment: [String: String]
        let process: Process

        var url: String { "http://127.0.0.1:\(port)" }

        init(python: String) throws {
            bin = URL(fileURLWithPath: python).deletingLastPathComponent()
            work = FileManager.default.temporaryDirectory.appendingPathComponent("datafi-flower-\(UUID().uuidString)")
            let home = work.appendingPathComponent("flwr-home")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            // A free loopback port for the SuperLink's HTTP API (Fleet and control).
            let probe = try SuperLinkTests.launch(
                python,
                [
                    "-c",
                    "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); "
                        + "print(s.getsockname()[1])",
                ],
                environment: [:], directory: work, log: work.appendingPathComponent("port"))
            probe.waitUntilExit()
            port = try #require(
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
            self.environment = environment
            // In a session of its own (setsid), so the SuperLink and the SuperExec it starts stop together.
            process = try SuperLinkTests.launch(
                "/usr/bin/setsid",
                [
                    bin.appendingPathComponent("flower-superlink").path, "--insecure",
                    "--disable-runtime-dependency-installation", "--port", "\(port)",
                ],
                environment: environment, directory: work, log: work.appendingPathComponent("superlink.log"))
        }

        /// Runs the flower-credit app with `config` (run config text) and waits for `flwr run` to exit.
        /// - Returns: its exit status and its log.
        func run(config: String) async throws -> (status: Int32, log: String) {
            let flwr = try SuperLinkTests.launch(
                bin.appendingPathComponent("flwr").path,
                [
                    "run", SuperLinkTests.root.appendingPathComponent("Examples/flower-credit").path, "local",
                    "--stream", "--run-config", config,
                ],
                environment: environment, directory: work, log: work.appendingPathComponent("flwr.log"))
            while flwr.isRunning { try await Task.sleep(nanoseconds: 200_000_000) }
            let log = (try? String(contentsOf: work.appendingPathComponent("flwr.log"), encoding: .utf8)) ?? ""
            return (flwr.terminationStatus, log)
        }

        /// Stops the SuperLink's processes and removes the work directory.
        func stop() {
            SuperLinkTests.stopSuperLink(port: port)
            try? FileManager.default.removeItem(at: work)
        }
    }

    /// A Swift node on each partition, running, and active (`flwr run` needs them up; at most a minute's wait).
    static func startNodes(on parts: [FederatedDataset], superlink: SuperLink, heartbeatInterval: Double)
        async throws -> (nodes: [SuperNode], runs: [Task<SuperNodeSummary, any Error>])
    {
        let options = SuperNodeOptions(
            heartbeatInterval: heartbeatInterval, pollInterval: 0.2,
            fleet: FleetClientOptions(timeout: 30, retries: 30, backoff: 0.2))
        let nodes = try parts.map {
            try SuperNode(
                superlink: superlink.url, identity: NodeIdentity(),
                trainer: FlowerTrainer(client: FederatedClient(data: $0)), options: options)
        }
        let runs = nodes.map { node in Task { try await node.run() } }
        for _ in 0..<600 where nodes.contains(where: { $0.activeNodeID == nil }) {
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        return (nodes, runs)
    }

    /// Stops the nodes once `flwr run` has exited (expecting it to have succeeded) and returns what each node
    /// did, and the rounds and final model the run wrote to its result file.
    static func finish(
        _ nodes: [SuperNode], _ runs: [Task<SuperNodeSummary, any Error>], status: Int32, log: String, result: URL
    ) async throws -> (summaries: [SuperNodeSummary], rounds: [[String: Any]], final: [String: [Double]]) {
        nodes.forEach { $0.stop() }
        var summaries: [SuperNodeSummary] = []
        for run in runs { summaries.append(try await run.value) }
        #expect(status == 0, "flwr run: \(log.suffix(2000))")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: result)) as? [String: Any])
        return (
            summaries, try #require(json["rounds"] as? [[String: Any]]),
            try #require(json["final"] as? [String: [Double]])
        )
    }

    /// Expects a round's global model to be the example-weighted mean of `replies` to 1e-12.
    static func expectMean(of replies: [LocalUpdate], equals round: [String: Any], _ label: String) throws {
        let mean = try FederatedAveraging.aggregate(replies.map(\.weighted))
        let coefficients = try #require(round["coefficients"] as? [Double])
        let intercept = try #require(round["intercept"] as? [Double])
        #expect(coefficients.count == mean.coefficients.count && intercept.count == 1, "\(label)")
        for (a, b) in zip(coefficients + intercept, mean.coefficients + [mean.intercept]) {
            #expect(abs(a - b) <= 1e-12, "\(label)")
        }
    }

    @Test(needsFlower, .timeLimit(.minutes(5)))
    func twoSwiftNodesThreeRoundsOfFedAvg() async throws {
        let superlink = try SuperLink(python: try #require(Self.python))
        defer { superlink.stop() }
        let parts = [try Self.partition(rows: 60, seed: 1), try Self.partition(rows: 140, seed: 2)]
        let (nodes, runs) = try await Self.startNodes(on: parts, superlink: superlink, heartbeatInterval: 30)
        #expect(nodes.allSatisfy { $0.activeNodeID != nil })
        let result = superlink.work.appendingPathComponent("result.json")
        let (status, log) = try await superlink.run(
            config: "num-server-rounds=3 num-features=2 lr=0.5 local-epochs=2 result-path='\(result.path)'")
        let (summaries, rounds, final) = try await Self.finish(nodes, runs, status: status, log: log, result: result)
        #expect(rounds.count == 3)
        // Every round's global model is the example-weighted mean of what the two nodes replied that round.
        let updates = nodes.map { $0.trainerSnapshot.updates }
        #expect(updates.map(\.count) == [3, 3])
        for (r, round) in rounds.enumerated() where updates.allSatisfy({ $0.count == 3 }) {
            try Self.expectMean(of: updates.map { $0[r] }, equals: round, "round \(r + 1)")
        }
        #expect(final["coefficients"] == rounds.last?["coefficients"] as? [Double])
        // The model learned the rule's direction; every message got a reply, none an error.
        #expect((final["coefficients"]?[0] ?? 0) > 0 && (final["coefficients"]?[1] ?? 0) < 0)
        #expect(summaries.map(\.replied) == [3, 3] && summaries.map(\.errorReplies) == [0, 0])
        #expect(Set(summaries.map(\.nodeID)).count == 2)
    }

    /// Three nodes, FedAvg needing two: one node dies after its first reply (no more heartbeats, pulls or
    /// deactivation). The SuperLink marks it offline once its heartbeats stop, answers the message waiting for
    /// it with an error reply, and the run goes on with the two survivors.
    @Test(needsFlower, .timeLimit(.minutes(5)))
    func aNodeKilledMidRunLeavesTheRunToTheSurvivors() async throws {
        let superlink = try SuperLink(python: try #require(Self.python))
        defer { superlink.stop() }
        let parts = [
            try Self.partition(rows: 60, seed: 11), try Self.partition(rows: 100, seed: 12),
            try Self.partition(rows: 140, seed: 13),
        ]
        // The shortest heartbeat interval Flower accepts (10 s): a silent node is offline within 20 s.
        let (nodes, runs) = try await Self.startNodes(on: parts, superlink: superlink, heartbeatInterval: 10)
        let ids = nodes.map { $0.activeNodeID ?? 0 }
        #expect(!ids.contains(0))
        let victim = nodes[1]
        let result = superlink.work.appendingPathComponent("result.json")
        let flwr = Task {
            try await superlink.run(
                config: "num-server-rounds=3 num-features=2 min-nodes=2 lr=0.5 local-epochs=2 "
                    + "result-path='\(result.path)'")
        }
        // The victim dies as soon as it has trained once: its first reply goes out, nothing after it.
        for _ in 0..<12_000 where victim.trainerSnapshot.updates.isEmpty {
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        victim.halt()
        let (status, log) = try await flwr.value
        let (summaries, rounds, final) = try await Self.finish(nodes, runs, status: status, log: log, result: result)
        #expect(rounds.count == 3)
        let updates = nodes.map { $0.trainerSnapshot.updates }
        #expect(updates.map(\.count) == [3, 1, 3])
        #expect(summaries.map(\.replied) == [3, 1, 3] && summaries.map(\.errorReplies) == [0, 0, 0])
        // Round 1: the victim took part, the global model is the mean of all three replies. Later rounds: the
        // mean of the two survivors' replies, which the ServerApp also lists as the only nodes that answered.
        // Node ids are 64-bit: the ServerApp writes them as decimal strings.
        let nodesPerRound = rounds.map { ($0["nodes"] as? [String])?.compactMap { UInt64($0) } ?? [] }
        #expect(nodesPerRound.map { Set($0) } == [Set(ids), Set([ids[0], ids[2]]), Set([ids[0], ids[2]])])
        if rounds.count == 3, updates.map(\.count) == [3, 1, 3] {
            try Self.expectMean(of: updates.map { $0[0] }, equals: rounds[0], "round 1")
            for r in 1..<3 {
                try Self.expectMean(of: [updates[0][r], updates[2][r]], equals: rounds[r], "round \(r + 1)")
            }
        }
        #expect(final["coefficients"] == rounds.last?["coefficients"] as? [Double])
    }
}
