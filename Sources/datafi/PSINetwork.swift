import ArgumentParser
import DataFiJointRisk
import DataFiPSI
import DataFiPSIService
import Foundation

// MARK: psi serve / psi query

struct PSIServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve an item set for PSI queries over HTTP until interrupted (blinded once at start-up).",
        discussion: """
        --items serves raw lines (compared byte for byte). --blacklist serves a lender's blacklist CSV \
        (columns phone, bank_account, id_number; normalized as by `risk blacklist`) for `risk screen`.
        """)
    @Option(help: "Item file: one UTF-8 item per line.") var items: String?
    @Option(help: "Blacklist CSV (instead of --items).") var blacklist: String?
    @Option(help: "Server key file (created with mode 0600 when missing).") var key: String
    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free port; the bound one is printed).")
    var listen = "127.0.0.1:8080"
    @Option(help: "Most items one query may carry.") var maxQueryItems = 1 << 20
    @Option(help: "Country calling code for blacklist phone numbers without one.") var countryCode = Identifier.defaultCountryCode

    func run() async throws {
        let (host, port) = try ServiceCLI.listen(listen)
        guard (1...PSIMessage.maxElements).contains(maxQueryItems) else {
            throw CLIError("--max-query-items must be in 1...\(PSIMessage.maxElements)")
        }
        let served: [String], domain: String
        switch (items, blacklist) {
        case (let path?, nil): (served, domain) = (try PSICommand.items(path), PSIServer.defaultDomain)
        case (nil, let path?): (served, domain) = (try RiskScreenCommand.blacklistItems(path, countryCode: countryCode), BlacklistCheck.domain)
        default: throw CLIError("give exactly one of --items and --blacklist")
        }
        let service = PSIService(items: served, key: try PSICommand.key(key), domain: domain,
                                 limits: PSIServiceLimits(maxQueryItems: maxQueryItems))
        do {
            try await PSIServiceHost.run(psi: service, pjc: nil, host: host, port: port) { bound in
                ServiceCLI.announce(host: host, port: bound)
            }
        } catch {
            throw CLIError("cannot serve on \(listen): \(error)", exitCode: CLIExit.environment)
        }
    }
}

struct PSIQueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query", abstract: "Query a PSI server: print the common items (one per line) or their number.")
    @Option(help: "Server base URL, e.g. http://127.0.0.1:8080.") var server: String
    @Option(help: "Client item file: one UTF-8 item per line.") var items: String
    @Option(help: "Client key file (created with mode 0600 when missing).") var key: String
    @Flag(help: "Learn only the number of common items (the server shuffles its answer).") var cardinality = false
    @Option(help: "Seconds allowed per HTTP request.") var timeout = 120.0
    @Option(help: "Retries after a connection failure.") var retries = 2

    func run() async throws {
        let options = try ServiceCLI.options(timeout: timeout, retries: retries)
        let clientItems = try PSICommand.items(items)
        let psiKey = try PSICommand.key(key)
        let client: PSIServiceClient
        do { client = try PSIServiceClient(url: server, options: options) } catch { throw ServiceCLI.failure(error) }
        let result: (common: [String], count: Int)
        do { result = try await client.query(items: clientItems, cardinalityOnly: cardinality, key: psiKey) } catch {
            throw ServiceCLI.failure(error)
        }
        if cardinality {
            print(result.count)
        } else {
            try CLIIO.writeStdout(Array(result.common.map { $0 + "\n" }.joined().utf8))
        }
    }
}
