import ArgumentParser
import DataFiPSI
import DataFiPSIService
import DataFiSupport
import DataFiPaillier
import Foundation

// MARK: pjc

struct PJCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pjc",
        abstract: "Private intersection-sum over HTTP: the sum of a server's values over the common identifiers.",
        discussion: """
        The server holds (identifier, value) pairs and a Paillier key; the client holds identifiers and \
        learns the number of common identifiers and the sum of the server's values over them. The server \
        learns the two counts. Identifiers are compared byte for byte.
        """,
        subcommands: [PJCServeCommand.self, PJCQueryCommand.self])
}

struct PJCServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve (identifier, value) pairs for intersection-sum queries until interrupted.")
    @Option(help: "CSV with a header row holding columns \"id\" and \"value\" (64-bit signed integers).") var items: String
    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free port; the bound one is printed).")
    var listen = "127.0.0.1:8090"
    @Option(help: "Paillier modulus size in bits (1024, 2048, 3072, 4096).") var bits = 2048
    @Option(help: "Most identifiers one query may carry.") var maxQueryItems = 1 << 20

    static func pairs(_ path: String) throws -> [(String, Int64)] {
        let table = try RiskCSV.read(path)
        guard let idColumn = table.index(of: "id"), let valueColumn = table.index(of: "value") else {
            throw CLIError("\(path): needs a header row with columns \"id\" and \"value\"")
        }
        var out: [(String, Int64)] = []
        for (row, line) in zip(table.records, table.lines) where !(row.count == 1 && row[0].isEmpty) {
            guard !row[idColumn].isEmpty else { throw CLIError("\(path) line \(line): missing id") }
            guard let value = DecimalText.integer(row[valueColumn], as: Int64.self) else {
                throw CLIError("\(path) line \(line): value \(Truncated.text(row[valueColumn], 40)) is not a 64-bit integer")
            }
            out.append((row[idColumn], value))
        }
        guard out.count <= PJCMessage.maxItems else { throw CLIError("\(path): more than \(PJCMessage.maxItems) rows") }
        return out
    }

    func run() async throws {
        let (host, port) = try ServiceCLI.listen(listen)
        guard (1...PJCMessage.maxItems).contains(maxQueryItems) else {
            throw CLIError("--max-query-items must be in 1...\(PJCMessage.maxItems)")
        }
        let pairs = try Self.pairs(items)
        let key: PaillierPrivateKey
        do { key = try PaillierPrivateKey.generate(bits: bits) } catch { throw CLIError(error.description) }
        let service = PJCService(items: pairs, paillier: key, limits: PSIServiceLimits(maxQueryItems: maxQueryItems))
        do {
            try await PSIServiceHost.run(psi: nil, pjc: service, host: host, port: port) { bound in
                ServiceCLI.announce(host: host, port: bound)
            }
        } catch {
            throw CLIError("cannot serve on \(listen): \(error)", exitCode: CLIExit.environment)
        }
    }
}

struct PJCQueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Print {\"intersection_size\": N, \"intersection_sum\": \"S\"} for the client's identifiers.")
    @Option(help: "Server base URL, e.g. http://127.0.0.1:8090.") var server: String
    @Option(help: "Client identifier file: one per line (empty lines ignored).") var items: String
    @Option(help: "Seconds allowed per HTTP request.") var timeout = 300.0
    @Option(help: "Retries after a connection failure.") var retries = 2
    @Flag(help: "Also print the bytes sent and received.") var wire = false

    func run() async throws {
        let options = try ServiceCLI.options(timeout: timeout, retries: retries)
        let identifiers = try CLIIO.readText(items).split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        let client: PJCServiceClient
        do { client = try PJCServiceClient(url: server, options: options) } catch { throw ServiceCLI.failure(error) }
        let result: PJCResult, count: WireCount
        do { (result, count) = try await client.query(items: identifiers) } catch { throw ServiceCLI.failure(error) }
        var object: [String: Any] = ["intersection_size": result.intersectionSize, "intersection_sum": result.intersectionSum.description]
        if wire { object["bytes_sent"] = count.sent; object["bytes_received"] = count.received }
        try CLIIO.printJSON(object)
    }
}
