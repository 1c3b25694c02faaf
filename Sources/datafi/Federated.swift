import ArgumentParser
import DataFiCreditData
import DataFiFederated
import DataFiFlower
import Dispatch
import Foundation
import Logging

/// `datafi fed …`: federated learning with Flower.
struct FedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fed",
        abstract: "Federated learning: join a Flower federation as a SuperNode.",
        subcommands: [FedNodeCommand.self])
}

struct FedNodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a Flower 1.42 SuperNode that trains logistic regression on a local CSV until SIGINT/SIGTERM.",
        discussion: """
            The server app sends the ArrayRecord `coefficients` (float64, shape [d], the CSV's columns in \
            header order without the target, all numeric) and `intercept` (shape [1]); the ConfigRecord \
            `config` may set `lr`, `local-epochs` and `proximal-mu`. Train replies carry the new arrays with \
            `num-examples` and `loss`; evaluate replies `num-examples`, `loss` and `auc`. A bad message gets \
            an error reply and the node keeps serving. On SIGINT/SIGTERM the node deactivates and \
            unregisters, then prints a JSON summary.
            """)

    @Option(help: "The SuperLink's Fleet API, http://HOST:PORT.") var superlink: String
    @Option(help: "The local partition (CSV with a header).") var data: String
    @Option(help: "The target column.") var target: String
    @Option(help: "The target value that means label 1.") var positive: String
    @Option(
        name: .customLong("node-key"),
        help: "ECDSA P-384 key file (PEM); created (mode 0600) when missing. Default: a fresh key.")
    var nodeKey: String?
    @Option(
        name: .customLong("local-epochs"), help: "Local gradient steps per round unless the server sets local-epochs.")
    var localEpochs = 1
    @Option(name: .customLong("proximal-mu"), help: "FedProx's μ unless the server sets proximal-mu.")
    var proximalMu = 0.0
    @Option(help: "Learning rate unless the server sets lr.") var lr = 0.1

    func run() async throws {
        guard let url = URL(string: superlink), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw CLIError("--superlink expects http://HOST:PORT")
        }
        let defaults = LocalTrainingOptions(learningRate: lr, localEpochs: localEpochs, proximalMu: proximalMu)
        let table: DataTable
        do { table = try DataTable(csv: try CLIIO.readText(data)) } catch let error as CreditError {
            throw CLIError("\(data): \(error)")
        }
        let dataset: FederatedDataset
        do {
            dataset = try FederatedDataset(table: table, target: TargetSpec(column: target, positive: positive))
        } catch { throw CLIError("\(data): \(error)") }
        var client = FederatedClient(data: dataset)
        var probe = SystemRandomNumberGenerator()
        do {
            _ = try client.train(from: .zero(features: dataset.features.columns), options: defaults, using: &probe)
        } catch { throw CLIError("\(error)") }
        let identity = try loadIdentity()
        var logger = Logger(label: "datafi.fed.node")
        logger.logLevel = .info
        let node = try SuperNode(
            superlink: superlink, identity: identity,
            trainer: FlowerTrainer(client: FederatedClient(data: dataset), defaults: defaults),
            logger: logger)
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { node.stop() }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        let summary: SuperNodeSummary
        do { summary = try await node.run() } catch {
            throw CLIError("\(error)", exitCode: CLIExit.environment)
        }
        try CLIIO.printJSON([
            "node_id": summary.nodeID, "replied": summary.replied,
            "error_replies": summary.errorReplies, "dropped": summary.dropped,
        ])
    }

    private func loadIdentity() throws -> NodeIdentity {
        guard let nodeKey else { return NodeIdentity() }
        if FileManager.default.fileExists(atPath: nodeKey) {
            let pem = String(decoding: try CLIIO.readSecret(nodeKey), as: UTF8.self)
            do { return try NodeIdentity(pem: pem) } catch { throw CLIError("\(nodeKey): \(error)") }
        }
        let identity = NodeIdentity()
        try CLIIO.write(Data(identity.privateKeyPEM.utf8), to: nodeKey, secret: true)
        return identity
    }
}
