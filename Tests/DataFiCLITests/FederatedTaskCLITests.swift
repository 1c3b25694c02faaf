import DataFi
import Foundation
import Synchronization
import Testing

/// A ledger store whose market holds dataset HEALTH with four verified assets (one owner each) and three paid
/// tasks: 1 and 3 federated (sum of `age` clamped to [0, 128], threshold 2, no DP), 2 central.
struct FederatedTaskLedger {
    static let origin = "example.com/federated-task"
    let dir: URL
    let store: String
    let operatorKey = Signing.PrivateKey()
    let maker = Signing.PrivateKey(), consumer = Signing.PrivateKey()
    let owners = (0..<4).map { _ in Signing.PrivateKey() }
    let computeBox = Box.PrivateKey()

    func account(_ key: Signing.PrivateKey) -> AccountID { AccountID(publicKey: key.publicKey) }

    init() throws {
        dir = try CLIRunner.temporaryDirectory()
        store = dir.appendingPathComponent("market.sqlite").path
        let genesis = Genesis(
            totalSupply: Market.unit * 1_000_000_000,
            allocations: [
                .init(account: AccountID(publicKey: maker.publicKey), amount: Market.unit * 100_000),
                .init(account: AccountID(publicKey: consumer.publicKey), amount: Market.unit * 100_000),
            ],
            treasury: "treasury", computeOperator: AccountID(publicKey: operatorKey.publicKey),
            computeKey: computeBox.publicKey)
        var ledger = try MarketLedger.create(
            in: try SQLiteLedgerStore(path: store, create: true), origin: Self.origin,
            operatorKey: operatorKey.publicKey, genesis: MarketMachine(market: try Market(genesis: genesis)))
        var nonces: [[UInt8]: UInt64] = [:]
        func sign(_ tx: Transaction, _ key: Signing.PrivateKey) throws -> Envelope<Transaction> {
            let nonce = nonces[key.publicKey.rawRepresentation] ?? 0
            nonces[key.publicKey.rawRepresentation] = nonce + 1
            return try MarketMachine.sign(tx, origin: Self.origin, nonce: nonce, deadline: 4_000_000_000, with: key)
        }
        let one = Market.unit
        let terms = DatasetTerms(
            id: "HEALTH", title: "Health survey", requirements: "CSV rows", usageScenarios: ["statistics"],
            dataTokenSupply: one * 1_000_000, poolDataTokens: one * 100_000, poolBaseTokens: one * 10_000,
            rewardReserve: one * 30_000, rewardPerJoin: one * 1_000, pricing: .perUnit(price: one / 100))
        var envelopes = [try sign(.createDataset(terms), maker)]
        for owner in owners {
            let asset = try AssetMetadata(
                name: "Survey", description: "Rows", creator: "Owner", license: "CC-BY-4.0", keywords: ["health"],
                distribution: [DatasetDistribution(encodingFormat: "text/csv", contentUrl: "https://o.example/d.csv")],
                records: 500
            ).sealed(to: computeBox.publicKey)
            envelopes.append(try sign(.join(dataset: "HEALTH", asset: asset), owner))
        }
        for index in owners.indices {
            envelopes.append(
                try sign(.verifyAsset(dataset: "HEALTH", asset: index, verdict: .accept(records: 500)), operatorKey))
        }
        envelopes.append(
            try sign(
                .swap(
                    dataset: "HEALTH", side: .buyDataToken,
                    amount: .exactIn(amountIn: one * 1_000, minimumOut: .zero), deadline: 4_000_000_000),
                consumer))
        let job = FederatedTaskJob(query: .sum(column: "age", lower: "0", upper: "128"), threshold: 2)
        let federated = TaskOrder(
            dataset: "HEALTH", complexity: TaskComplexity(rows: 1_000, operationsPerRow: 2), purpose: "total age",
            maximumFee: .max, maximumDataTokens: .max, deadline: 4_000_000_000, federated: job)
        var central = federated
        central.federated = nil
        for order in [federated, central, federated] { envelopes.append(try sign(.submitTask(order), consumer)) }
        let results = try ledger.submit(envelopes, at: UInt64(Date().timeIntervalSince1970))
        for result in results {
            guard case .logged(_, _, .applied) = result else { throw CLIError2("setup refused: \(result)") }
        }
    }

    /// The market as the store holds it now.
    func market() throws -> Market {
        try MarketLedger(opening: try SQLiteLedgerStore(path: store, create: false)).state.market
    }

    /// The store's number of entries.
    func size() throws -> UInt64 { try MarketLedger(opening: try SQLiteLedgerStore(path: store, create: false)).size }

    /// Writes `key` to a file of mode 0600.
    func keyFile(_ key: Signing.PrivateKey, _ name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try Data(key.rawRepresentation.withUnsafeBytes { Array($0) }).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return path
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}

/// Runs every command in its own process at once and returns their results in order. One thread per
/// process (concurrentPerform would run only as many as there are cores).
func runTogether(_ commands: [[String]]) -> [CLIRunner.Result] {
    let results = Mutex<[Int: CLIRunner.Result]>([:])
    let threads = commands.indices.map { i in
        Thread {
            let result =
                (try? CLIRunner.run(commands[i])) ?? CLIRunner.Result(status: -1, stdout: "", stderr: "did not run")
            results.withLock { $0[i] = result }
        }
    }
    threads.forEach { $0.start() }
    while results.withLock({ $0.count }) < commands.count { Thread.sleep(forTimeInterval: 0.02) }
    let all = results.withLock { $0 }
    return commands.indices.map { all[$0] ?? CLIRunner.Result(status: -1, stdout: "", stderr: "lost") }
}

@Suite(.serialized) struct FederatedTaskCLITests {
    /// Task 1 over a `node serve` relay: agents for assets 0 and 1 stay, the agent of asset 2 leaves after
    /// sharing keys, and an impostor claims asset 3 with a key that is not its owner's. The impostor is
    /// excluded before keys are shared; assets 0 and 1 are recorded as contributors with the aggregate's
    /// digest, their owners are paid, the others' share returns to the consumer.
    @Test func aMarketTaskRunsOverTheRelayAndIsRecorded() throws {
        let market = try FederatedTaskLedger()
        let server = try ServerProcess([
            "node", "serve", "--store", "sqlite:" + market.dir.appendingPathComponent("node.sqlite").path,
            "--listen", "127.0.0.1:0", "--operator-key", market.dir.appendingPathComponent("node.key").path,
            "--origin", "cli.example/relay",
        ])
        defer { server.stop() }
        let tables = [
            "age,city\n12,a\n30,b\n31,c\n99,d\n", "age,city\n55,e\n60,f\n", "age,city\n1,g\n2,h\n3,i\n",
            "age,city\n70,j\n",
        ]
        let impostor = Signing.PrivateKey()
        let operatorKey = try market.keyFile(market.operatorKey, "operator.key")
        var agents: [[String]] = []
        for (i, table) in tables.enumerated() {
            let key = try market.keyFile(i == 3 ? impostor : market.owners[i], "owner\(i).key")
            agents.append(
                [
                    "owner", "agent", "--node", server.url, "--data", try market.write("owner\(i).csv", table),
                    "--key", key, "--asset", String(i), "--timeout", "60",
                ] + (i == 2 ? ["--stop-after", "share-keys"] : []))
        }
        let before = try market.market()
        let task = try #require(before.task(1))
        let results = runTogether(
            [
                [
                    "analytics", "run", "--node", server.url, "--key", operatorKey, "--ledger", market.store,
                    "--task", "1", "--step-timeout", "2",
                ]
            ] + agents)
        let coordinator = results[0]
        #expect(coordinator.status == 0, "\(coordinator.stderr)")
        #expect(
            coordinator.stderr.contains("excluded participant")
                && coordinator.stderr.contains("not the market's owner key of asset 3"), "\(coordinator.stderr)")
        let output = jsonObject(coordinator.stdout)
        #expect(output["contributors"] as? [Int] == [0, 1])
        // The survivors' plaintext sum: 12 + 30 + 31 + 99 + 55 + 60 (asset 2's rows and the impostor's are not in).
        #expect(output["value"] as? Double == 287)
        #expect(output["survivors"] as? Int == 2 && output["owners"] as? Int == 4)
        let excluded = output["excluded"] as? [[String: Any]] ?? []
        #expect(
            excluded.count == 1 && excluded.first?["key"] as? String == Hex.encode(impostor.publicKey.rawRepresentation)
        )
        let aggregate = (output["aggregate"] as? [String] ?? []).compactMap { UInt64($0) }
        #expect(aggregate == [287 * 512])  // fixed point: 2^16 / 128 units per year of age
        let digest = FederatedTaskJob.aggregateDigest(task: 1, values: aggregate)
        #expect(output["digest"] as? String == digest)
        for i in 1...3 { #expect(results[i].status == 0, "agent \(i - 1): \(results[i].stderr)") }
        #expect(results[1].stdout.contains(#""asset":0"#) && results[1].stdout.contains(#""result":{"#))
        #expect(results[4].status == 2 && results[4].stderr.contains("left this agent out"), "\(results[4].stderr)")

        // The ledger: the task is executed with exactly the survivors; their owners are paid, the rest refunded.
        let after = try market.market()
        #expect(after.task(1)?.status == .executed)
        #expect(after.task(1)?.federatedOutcome == FederatedTaskOutcome(contributors: [0, 1], digest: digest))
        let paid = try UInt256.mulDiv(task.dataTokens, UInt256(2 as UInt64), UInt256(4 as UInt64))
        let consumer = market.account(market.consumer)
        #expect(
            after.balance(of: consumer, in: "HEALTH") == before.balance(of: consumer, in: "HEALTH") + task.dataTokens
                - paid)
        let gains = market.owners.map { owner in
            after.pendingRewards(of: market.account(owner), in: "HEALTH")
                - before.pendingRewards(of: market.account(owner), in: "HEALTH")
        }
        #expect(gains[0] == gains[1] && !gains[0].isZero && gains[2].isZero && gains[3].isZero)
        // Each owner's part is floored twice (the reward per share, then its accrual): at most 2 raw units each.
        #expect(gains[0] + gains[1] <= paid && paid - (gains[0] + gains[1]) <= UInt256(4 as UInt64), "\(paid) \(gains)")
        #expect(after.accessLog(forOwner: market.account(market.owners[0])).filter(\.federated).map(\.task) == [1])
        #expect(after.accessLog(forOwner: market.account(market.owners[3])).filter(\.federated).isEmpty)
        #expect(after.balance(of: AccountID(publicKey: impostor.publicKey), in: "HEALTH").isZero)
        #expect(after.supplyAudit().allSatisfy { $0.balanced })
        let verify = try CLIRunner.run(["ledger", "verify", "--store", market.store])
        #expect(verify.status == 0, "\(verify.stderr)")

        // The same task again: already executed, nothing appended.
        let size = try market.size()
        let again = try CLIRunner.run([
            "analytics", "run", "--node", server.url, "--key", operatorKey, "--ledger", market.store, "--task", "1",
        ])
        #expect(again.status == 2 && again.stderr.contains("already executed"), "\(again.stderr)")
        // Task 3 with nobody joining: too few survivors, exit 1, the task stays paid and the ledger unchanged.
        let alone = try CLIRunner.run([
            "analytics", "run", "--node", server.url, "--key", operatorKey, "--ledger", market.store, "--task", "3",
            "--join-timeout", "0.5",
        ])
        #expect(alone.status == 1 && alone.stderr.contains("not completed"), "\(alone.stderr)")
        #expect(try market.size() == size)
        #expect(try market.market().task(3)?.status == .paid)
    }

    /// Refusals before any round opens: a task that is unknown or central, job flags beside --task, a key that
    /// is not the compute operator's, half of --ledger/--task. Each exits 2 and leaves the ledger as it was.
    @Test func badMarketTasksAreRefusedAndChangeNothing() throws {
        let market = try FederatedTaskLedger()
        let operatorKey = try market.keyFile(market.operatorKey, "operator.key")
        let ownerKey = try market.keyFile(market.owners[0], "owner.key")
        let size = try market.size()
        let node = ["analytics", "run", "--node", "http://127.0.0.1:1"]
        let cases: [([String], String)] = [
            (["--key", operatorKey, "--ledger", market.store, "--task", "99"], "unknown task 99"),
            (["--key", operatorKey, "--ledger", market.store, "--task", "2"], "not federated"),
            (["--key", operatorKey, "--ledger", market.store, "--task", "3", "--query", "sum"], "--query"),
            (["--key", operatorKey, "--ledger", market.store, "--task", "3", "--owners", "4"], "--owners"),
            (["--key", ownerKey, "--ledger", market.store, "--task", "3"], "compute operator"),
            (["--key", operatorKey, "--task", "3"], "go together"),
            (["--key", operatorKey, "--ledger", market.store, "--task=-3"], "decimal integer"),
            (["--key", operatorKey, "--ledger", market.store, "--task", "3", "--time", "4000000001"], "deadline"),
            (
                ["--key", operatorKey, "--ledger", market.dir.appendingPathComponent("none").path, "--task", "3"],
                "ledger"
            ),
            (["--key", operatorKey, "--owners", "3", "--query", "count", "--time", "5"], "--time"),
        ]
        for (arguments, message) in cases {
            let result = try CLIRunner.run(node + arguments)
            #expect(result.status >= 2 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try market.size() == size)
        // The agent's side: a negative or non-numeric asset is a usage error.
        for asset in ["-1", "x", "0x1"] {
            let result = try CLIRunner.run([
                "owner", "agent", "--node", "http://127.0.0.1:1", "--data", ownerKey, "--key", ownerKey, "--asset",
                asset,
            ])
            #expect(result.status == 2, "\(asset): \(result.stderr)")
        }
    }
}
