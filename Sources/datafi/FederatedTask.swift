import DataFiLedger
import DataFiLedgerClient
import DataFiLedgerMarket
import DataFiMarket
import DataFiSecAgg
import DataFiSodium
import Foundation

/// `datafi analytics run --ledger STORE --task ID`: one market compute task run federated over a
/// node's relay, its result recorded on the ledger by the compute operator.
struct FederatedMarketTaskRun {
    /// The task as the market holds it, turned into a relay job.
    struct Prepared {
        let job: FederatedJob
        let taskJob: FederatedTaskJob
        let owners: [Int: Signing.PublicKey]
        let dataset: String
    }

    let ledger: String
    let task: UInt64
    let key: Signing.PrivateKey
    let time: UInt64?

    var now: UInt64 { time ?? LedgerCLI.now() }

    /// Reads the task from the ledger's market and checks that this key may complete it now.
    func prepare() throws -> Prepared {
        let market = try LedgerCLI.open(ledger).state.market
        guard AccountID(publicKey: key.publicKey) == market.computeOperator else {
            throw CLIError(
                "the key is not the market's compute operator (\(market.computeOperator)): only it may record "
                    + "a federated result")
        }
        guard let record = market.task(task) else { throw CLIError("unknown task \(task)") }
        guard let taskJob = record.federated else {
            throw CLIError("task \(task) is not federated: it runs on the compute node (ledger recordAccess)")
        }
        switch record.status {
        case .paid: break
        case .executed: throw CLIError("task \(task) is already executed")
        case .cancelled: throw CLIError("task \(task) was cancelled")
        }
        guard now <= record.deadline else {
            throw CLIError("task \(task) passed its deadline \(record.deadline); its consumer may cancel it")
        }
        var owners: [Int: Signing.PublicKey] = [:]
        for asset in market.assets(in: record.dataset) {
            guard case .verified = asset.status else { continue }
            // An account that is not an Ed25519 key cannot sign a relay join: that asset cannot take part.
            guard let bytes = Hex.decodeLower(asset.owner.rawValue), bytes.count == 32,
                let owner = try? Signing.PublicKey(rawRepresentation: bytes)
            else { continue }
            owners[asset.index] = owner
        }
        guard owners.count >= taskJob.threshold, owners.count >= 2 else {
            throw CLIError(
                "task \(task) needs \(taskJob.threshold) contributors but its dataset has \(owners.count) verified "
                    + "assets with owner keys", exitCode: CLIExit.negative)
        }
        guard owners.count <= FederatedMarketTask.maxAssets else {
            throw CLIError("the dataset has \(owners.count) verified assets, more than one round takes")
        }
        let privacy = try taskJob.privacy.map { p in (epsilon: try Self.real(p.epsilon), delta: try Self.real(p.delta))
        }
        let job = FederatedJob(
            query: try Self.query(taskJob.query), column: taskJob.query.column ?? "", threshold: taskJob.threshold,
            epsilon: privacy?.epsilon, delta: privacy?.delta,
            market: FederatedMarketTask(task: task, dataset: record.dataset.rawValue, assets: owners.keys.sorted()))
        return Prepared(job: job, taskJob: taskJob, owners: owners, dataset: record.dataset.rawValue)
    }

    static func real(_ number: TaskDecimal) throws -> Double {
        guard let value = number.value else { throw CLIError("the task holds a malformed number \"\(number)\"") }
        return value
    }

    /// The analytics query of a market task's query.
    static func query(_ query: FederatedTaskQuery) throws -> AnalyticsQuery {
        switch query {
        case .count: .count
        case .sum(_, let lower, let upper): .sum(lower: try real(lower), upper: try real(upper))
        case .mean(_, let lower, let upper): .mean(lower: try real(lower), upper: try real(upper))
        case .histogram(_, let lower, let upper, let bins):
            .histogram(lower: try real(lower), upper: try real(upper), bins: bins)
        case .quantile(_, let q, let lower, let upper, let bins):
            .quantile(try real(q), lower: try real(lower), upper: try real(upper), bins: bins)
        }
    }

    static func bounds(_ query: AnalyticsQuery) -> (Double, Double) {
        switch query {
        case .count: (0, 1)
        case .sum(let l, let u), .mean(let l, let u), .histogram(let l, let u, _), .quantile(_, let l, let u, _): (l, u)
        }
    }

    /// Runs the round and records its result; prints the aggregate, the contributors and the digest.
    func run(node: String, joinTimeout: Double, stepTimeout: Double) async throws {
        let prepared = try prepare()
        let client: LedgerClient
        do { client = try LedgerClient(url: node) } catch { throw NodeCommand.failure(error) }
        var coordinator = FederatedCoordinator(client: client, key: key)
        coordinator.joinTimeout = joinTimeout
        coordinator.stepTimeout = stepTimeout
        let report: FederatedCoordinator.Report
        do {
            report = try await coordinator.run(
                job: prepared.job, owners: prepared.owners.count, assetOwners: prepared.owners,
                onRoundCreated: { round in CLIIO.printError("round \(round)") },
                onExcluded: { exclusion in
                    let key = exclusion.key.map { Hex.encode($0.rawRepresentation) } ?? "unknown"
                    CLIIO.printError(
                        "datafi: excluded participant \(exclusion.participant) (key \(key)): \(exclusion.problem)")
                })
        } catch {
            if case .secAgg(.tooFewSurvivors) = error {
                throw CLIError(
                    "\(error.description); task \(task) is not completed and the ledger is unchanged (its consumer "
                        + "may cancel it after its deadline)", exitCode: CLIExit.negative)
            }
            throw federatedFailure(error)
        }
        let digest = FederatedTaskJob.aggregateDigest(task: task, values: report.sum)
        let index = try record(contributors: report.contributors, digest: digest)
        let kind = prepared.taskJob.query.kind
        var output = analyticsOutput(report.result, query: kind, bounds: Self.bounds(prepared.job.query))
        output["round"] = report.round
        output["rejected"] = report.rejected.map { ["from": Int($0.from), "error": $0.error.description] }
        output["task"] = String(task)
        output["dataset"] = prepared.dataset
        output["contributors"] = report.contributors
        output["digest"] = digest
        output["aggregate"] = report.sum.map { String($0) }
        output["excluded"] = report.excluded.map { exclusion -> [String: Any] in
            var item: [String: Any] = [
                "participant": Int(exclusion.participant), "reason": exclusion.problem.description,
            ]
            if let key = exclusion.key { item["key"] = Hex.encode(key.rawRepresentation) }
            return item
        }
        output["ledger_index"] = String(index)
        try CLIIO.printJSON(output)
    }

    /// Appends `recordFederatedResult` signed with the operator key; returns its entry index. Checked on
    /// the current market first, so a refusal logs nothing.
    func record(contributors: [Int], digest: String) throws -> UInt64 {
        var store = try LedgerCLI.open(ledger)
        let at = now
        let transaction = Transaction.recordFederatedResult(task: task, contributors: contributors, digest: digest)
        var trial = store.state.market
        do {
            _ = try trial.apply(transaction, by: AccountID(publicKey: key.publicKey), at: at)
        } catch {
            let negative: Bool
            if case .tooFewContributors = error { negative = true } else { negative = false }
            throw CLIError(
                "the market refuses the result of task \(task): \(error); the ledger is unchanged",
                exitCode: negative ? CLIExit.negative : CLIExit.malformed)
        }
        let result: SubmitResult
        do {
            let envelope = try MarketMachine.sign(
                transaction, origin: store.origin, nonce: store.nonces[key.publicKey.rawRepresentation] ?? 0,
                deadline: at + 86_400, with: key)
            result = try store.submit([envelope], at: at)[0]
        } catch {
            throw LedgerCLI.cliError(error, context: "result of task \(task) not recorded")
        }
        switch result {
        case .logged(let index, _, .applied): return index
        case .logged(_, _, let outcome):
            throw CLIError("the ledger refused the result of task \(task): \(outcome)", exitCode: CLIExit.negative)
        case .rejected(let error):
            throw CLIError("the ledger rejected the result of task \(task): \(error)")
        }
    }
}
