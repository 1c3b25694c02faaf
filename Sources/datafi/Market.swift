import ArgumentParser
import DataFiMarket
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `datafi market`: read a market's state.
struct MarketCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "market",
        abstract: "Read a market: dataset search.",
        subcommands: [MarketSearchCommand.self])
}

/// `datafi market search`: BM25 search over the datasets' public metadata.
struct MarketSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Rank datasets by BM25 over their title, description, keywords and usage scenarios.",
        discussion: """
            Prints one JSON line per dataset, best first: rank, dataset, score, title, license and \
            verifiedRecords (a decimal string). Ties are broken by dataset symbol. --ledger PATH searches \
            the market a ledger store holds (replayed from its entries, as `datafi ledger` opens it); \
            --demo-seed N searches the market `datafi demo --seed N` builds.
            """)

    @Option(help: "A ledger store (`datafi ledger init`) whose market to search.")
    var ledger: String?

    @Option(name: .customLong("demo-seed"), help: "Search the market the demo builds for this seed.")
    var demoSeed: UInt64?

    @Option(help: "The words to search for.")
    var query: String

    @Option(help: "Only datasets offered under this licence (case-insensitive).")
    var licence: String?

    @Option(help: "Only datasets carrying this keyword (case-insensitive).")
    var keyword: String?

    @Option(name: .customLong("min-records"), help: "Only datasets with at least this many verified records.")
    var minRecords: UInt64?

    @Option(name: .customLong("max-records"), help: "Only datasets with at most this many verified records.")
    var maxRecords: UInt64?

    @Flag(name: .customLong("verified-only"), help: "Only datasets with verified assets.")
    var verifiedOnly = false

    @Option(help: "Most results (1...1000).")
    var limit: Int = 10

    func run() throws {
        let market: Market
        switch (ledger, demoSeed) {
        case (.some, .some), (nil, nil):
            throw CLIError("give exactly one of --ledger PATH and --demo-seed N")
        case (.some(let path), nil):
            market = try LedgerCLI.open(path).state.market
        case (nil, .some(let seed)):
            market = try Self.demoMarket(seed: seed)
        }
        let filters = SearchFilters(license: licence, minimumRecords: minRecords, maximumRecords: maxRecords,
                                    keyword: keyword, hasVerifiedAssets: verifiedOnly ? true : nil)
        let results: [SearchResult]
        do {
            results = try market.searchDatasets(query, filters: filters, limit: limit)
        } catch {
            throw CLIError("search: \(error)")
        }
        for result in results {
            try CLIIO.printJSON([
                "rank": result.rank, "dataset": result.dataset.rawValue, "score": result.score, "title": result.title,
                "license": result.license, "verifiedRecords": String(result.verifiedRecords),
            ] as [String: Any])
        }
    }

    /// Plays the demo for `seed` with its output discarded and returns the market it built.
    static func demoMarket(seed: UInt64) throws -> Market {
        var demo = try MarketDemo(seed: seed, json: true)
        try silencingStandardOutput {
            do {
                try demo.play()
            } catch let error as MarketError {
                throw CLIError("demo failed: \(error)")
            }
        }
        return demo.market
    }

    /// Runs `body` with file descriptor 1 pointed at /dev/null, then restores it.
    static func silencingStandardOutput(_ body: () throws -> Void) throws {
        fflush(nil)
        let saved = dup(1)
        let null = open("/dev/null", O_WRONLY)
        guard saved >= 0, null >= 0, dup2(null, 1) >= 0 else {
            if saved >= 0 { close(saved) }
            if null >= 0 { close(null) }
            throw CLIError("cannot redirect standard output", exitCode: CLIExit.environment)
        }
        close(null)
        defer {
            fflush(nil)
            dup2(saved, 1)
            close(saved)
        }
        try body()
    }
}
