import ArgumentParser
import DataFiLedger
import DataFiLedgerClient
import DataFiSecAgg
import DataFiSodium
import Foundation

/// `datafi analytics run`: the coordinator of a federated job over a node's relay.
struct AnalyticsRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Coordinate a federated analytics job over a node's relay; print the aggregate as `simulate` does.",
        discussion: """
            Opens a secure-aggregation round on the node (its id is printed on standard error as \
            "round ID"), waits up to --join-timeout for N owners' agents (`datafi owner agent`) to join \
            and advertise keys, then acts as the secure-aggregation server through the relay, waiting up \
            to --step-timeout for each later step; owners that do not answer count as dropped. The \
            aggregate of the survivors is posted to the round and printed. The node only relays signed, \
            opaque messages. Exit 1 when fewer than the threshold survive (no aggregate is released).

            With --ledger STORE --task ID the job is the market's federated compute task ID (its query, \
            column, bounds, threshold and ε/δ; the job flags are refused): the round admits one owner's \
            agent per verified asset of the task's dataset, each claiming its asset (`owner agent \
            --asset INDEX`) with the asset owner's key; a participant whose key is not the market's owner \
            key of the asset it claims, that claims an asset already claimed, or an asset not in the task, \
            is excluded before keys are shared (a line on standard error). --key must be the market's \
            compute operator: the survivors' assets (ascending) and the aggregate's digest are recorded \
            with `recordFederatedResult`, which pays their owners. The JSON adds task, dataset, \
            contributors, digest, aggregate (the sum's values as decimal strings), excluded and \
            ledger_index. Exit 1 when fewer than the threshold survive (nothing is recorded), 2 for a task \
            that is unknown, not federated, no longer paid or past its deadline.
            """)

    @Option(help: "The node's base URL.") var node: String
    @Option(help: "The coordinator's Ed25519 signing key file (`datafi keys generate --kind signing`).") var key: String
    @Option(help: "Number of owners N the round admits.", transform: StrictArgument.int) var owners: Int?
    @Option(help: "count, sum, mean, histogram or quantile.") var query: String?
    @Option(help: "Column name the owners read. Optional for count.") var column: String?
    @Option(help: "Clamping bounds L,U (required except for count); write --bounds=-5,5 for a negative L.") var bounds:
        String?
    @Option(help: "Number of histogram bins (default 10).", transform: StrictArgument.int) var bins: Int?
    @Option(help: "Quantile in [0, 1] for the quantile query (default 0.5).", transform: StrictArgument.double)
    var quantile: Double?
    @Option(help: "Distributed DP: ε of this job.") var epsilon: Double?
    @Option(help: "Distributed DP: δ of this job.") var delta: Double?
    @Option(help: "Shamir threshold t (default ⌊N/2⌋ + 1).") var threshold: Int?
    @Option(help: "Seconds to wait for the owners to join.") var joinTimeout: Double = 60
    @Option(help: "Seconds to wait for the owners at each later step.") var stepTimeout: Double = 30
    @Option(
        help:
            "A ledger store (`datafi ledger init`) whose market holds the task (with --task); the result is appended to it."
    )
    var ledger: String?
    @Option(help: "The market's federated compute task to run (with --ledger).", transform: StrictArgument.uint64)
    var task: UInt64?
    @Option(
        help: "Ledger time of the recorded result, seconds since 1970 (with --task; default: the clock).",
        transform: StrictArgument.uint64)
    var time: UInt64?

    func run() async throws {
        guard joinTimeout > 0, joinTimeout <= 3600, stepTimeout > 0, stepTimeout <= 600 else {
            throw CLIError("--join-timeout must be in (0, 3600] and --step-timeout in (0, 600] seconds")
        }
        if ledger != nil || task != nil {
            guard let ledger, let task else { throw CLIError("--ledger and --task go together") }
            let given: [(String, Bool)] = [
                ("--owners", owners != nil), ("--query", query != nil), ("--column", column != nil),
                ("--bounds", bounds != nil), ("--bins", bins != nil), ("--quantile", quantile != nil),
                ("--epsilon", epsilon != nil), ("--delta", delta != nil), ("--threshold", threshold != nil),
            ]
            let conflicting = given.filter(\.1).map(\.0)
            guard conflicting.isEmpty else {
                throw CLIError(
                    "--task takes the job from the market; \(conflicting.joined(separator: ", ")) may not be given")
            }
            let run = FederatedMarketTaskRun(
                ledger: ledger, task: task, key: try FoundationIO.signingKey(key), time: time)
            try await run.run(node: node, joinTimeout: joinTimeout, stepTimeout: stepTimeout)
            return
        }
        guard time == nil else { throw CLIError("--time goes with --ledger and --task") }
        guard let owners, let query else { throw CLIError("give --owners and --query, or --ledger and --task") }
        guard ["count", "sum", "mean", "histogram", "quantile"].contains(query) else {
            throw CLIError("unknown query \(query) (use count, sum, mean, histogram or quantile)")
        }
        guard (epsilon == nil) == (delta == nil) else { throw CLIError("--epsilon and --delta go together") }
        if query != "count" && column == nil { throw CLIError("--column is required for \(query)") }
        var lower = 0.0, upper = 1.0
        if query != "count" {
            guard let bounds else { throw CLIError("--bounds L,U is required for \(query)") }
            (lower, upper) = try DPReleaseCommand.parseBounds(bounds)
        }
        let q = analyticsQuery(query, lower: lower, upper: upper, bins: bins ?? 10, quantile: quantile ?? 0.5)
        let job = FederatedJob(
            query: q, column: column ?? "", threshold: threshold ?? min(owners, owners / 2 + 1),
            epsilon: epsilon, delta: delta)
        let client: LedgerClient
        do { client = try LedgerClient(url: node) } catch { throw NodeCommand.failure(error) }
        var coordinator = FederatedCoordinator(client: client, key: try FoundationIO.signingKey(key))
        coordinator.joinTimeout = joinTimeout
        coordinator.stepTimeout = stepTimeout
        let report: FederatedCoordinator.Report
        do {
            report = try await coordinator.run(job: job, owners: owners) { round in
                FileHandle.standardError.write(Data("round \(round)\n".utf8))
            }
        } catch {
            throw federatedFailure(error)
        }
        var output = analyticsOutput(report.result, query: query, bounds: (lower, upper))
        output["round"] = report.round
        output["rejected"] = report.rejected.map { ["from": Int($0.from), "error": $0.error.description] }
        try CLIIO.printJSON(output)
    }
}

/// `datafi owner …`: the data owner's side.
struct OwnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "owner",
        abstract: "The data owner's side of federated jobs.",
        subcommands: [OwnerAgentCommand.self])
}

/// `datafi owner agent`: takes part in one federated job over a node's relay.
struct OwnerAgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract:
            "Join a federated job on a node, answer it over the local CSV, and run the secure-aggregation client.",
        discussion: """
            Joins --round, or the first open round with room that appears, with the owner's signing key; \
            maps the CSV's rows as the job asks (its column, clamped to its bounds, with the job's \
            distributed-DP noise) and sends only masked vectors and encrypted shares through the relay. \
            Prints JSON: round, participant, records and the coordinator's result when it arrives. \
            --stop-after leaves the round early, to rehearse a dropout.

            A round that runs a market compute task (`analytics run --ledger STORE --task ID`) needs \
            --asset INDEX, the task's verified asset this owner speaks for; --key must then be the key \
            the market has for that asset's owner (the coordinator checks it against the key the relay \
            join was signed with and excludes the agent otherwise: exit 2). Without --round the agent \
            waits for a market round listing its asset, or, without --asset, for a round that runs no \
            market task.
            """)

    @Option(help: "The node's base URL.") var node: String
    @Option(help: "CSV file with a header row ('-' for stdin).") var data: String
    @Option(help: "The owner's Ed25519 signing key file (`datafi keys generate --kind signing`).") var key: String
    @Option(help: "The round to join (default: the first open round with room).") var round: String?
    @Option(help: "Seconds to wait for a round and for each step of the coordinator.") var timeout: Double = 120
    @Option(help: "Leave after this step: share-keys or masked-input (to rehearse a dropout).") var stopAfter: String?
    @Option(
        help: "The market task's asset (its index in the dataset) this owner speaks for.", transform: StrictArgument.int
    )
    var asset: Int?

    func run() async throws {
        guard timeout > 0, timeout <= 3600 else { throw CLIError("--timeout must be in (0, 3600] seconds") }
        if let asset, asset < 0 { throw CLIError("--asset must be an asset index (0 or more), got \(asset)") }
        let stop: FederatedOwnerAgent.Stop
        switch stopAfter {
        case nil: stop = .never
        case "share-keys": stop = .afterShareKeys
        case "masked-input": stop = .afterMaskedInput
        case let other?: throw CLIError("--stop-after must be share-keys or masked-input, got \(other)")
        }
        let client: LedgerClient
        do { client = try LedgerClient(url: node) } catch { throw NodeCommand.failure(error) }
        var agent = FederatedOwnerAgent(client: client, key: try FoundationIO.signingKey(key))
        agent.timeout = timeout
        agent.stop = stop
        let path = data
        let report: FederatedOwnerAgent.Report
        do {
            report = try await agent.run(round: round, asset: asset) { job in
                try readAnalyticsColumn(
                    path: path, column: job.column.isEmpty ? nil : job.column, numeric: job.query != .count)
            }
        } catch let error as FederatedRunError {
            throw federatedFailure(error)
        }
        var members: [(String, JSONValue)] = [
            ("round", .string(report.round)), ("participant", .number(String(report.participant))),
            ("records", .number(String(report.records))),
        ]
        if let asset = report.asset { members.append(("asset", .number(String(asset)))) }
        if let result = report.result { members.append(("result", result)) }
        try LedgerCLI.printLine(.object(members))
    }
}

/// The exit of a failed federated job: 1 when too few owners survived, the node's class otherwise.
func federatedFailure(_ error: FederatedRunError) -> Error {
    switch error {
    case .relay(let e): return NodeCommand.failure(e)
    case .secAgg(.tooFewSurvivors), .secAgg(.notEnoughShares):
        return CLIError(error.description, exitCode: CLIExit.negative)
    case .timedOut, .noRound: return CLIError(error.description, exitCode: CLIExit.environment)
    default: return CLIError(error.description)
    }
}
