import ArgumentParser
import DataFiSecAgg
import Foundation

/// `datafi secagg`: secure aggregation (SecAgg / SecAgg+) simulations.
struct SecAggCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secagg",
        abstract: "Secure aggregation: the server learns only the sum of the survivors' vectors.",
        subcommands: [SecAggSimulateCommand.self])
}

/// `datafi secagg simulate`: one round in process with seeded random inputs and dropouts.
struct SecAggSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run one secure-aggregation round in process and compare the sum with the plaintext sum.",
        discussion: """
        Inputs are seeded random vectors over Z_{2^bits}; ⌊dropout·n + ½⌋ clients drop, each at a phase \
        drawn from the seed. Prints JSON: sum_matches_plaintext, survivors, client_ms (mean per client), \
        server_ms, bytes_per_client (sent by a client taking part in all phases). Exit 1 when the sum \
        does not match or too few clients survive (no sum is produced then).
        """)

    /// Largest clients × dimension a simulation holds in memory (8 bytes each).
    static let maxCells = 64_000_000

    @Option(help: "Number of clients n.")
    var clients: Int
    @Option(help: "Vector dimension.")
    var dimension: Int
    @Option(help: "Shamir threshold t (at least t clients must survive).")
    var threshold: Int
    @Option(help: "Fraction of clients that drop out, in [0, 1].")
    var dropout: Double = 0
    @Option(help: "Seed of the inputs and dropouts (keys always come from libsodium).")
    var seed: UInt64 = 0
    @Option(help: "SecAgg+ neighbourhood size K (even); default: complete graph.")
    var neighbours: Int?
    @Option(help: "Bit width k of the group Z_{2^k}, 1...62.")
    var bits: Int = 32

    func run() throws {
        guard clients >= 2, clients <= SecAggConfig.maxClients else {
            throw CLIError("clients must be in 2...\(SecAggConfig.maxClients), got \(clients)")
        }
        guard dimension >= 1, dimension <= SecAggConfig.maxDimension else {
            throw CLIError("dimension must be in 1...\(SecAggConfig.maxDimension), got \(dimension)")
        }
        guard threshold >= 2, threshold <= clients else {
            throw CLIError("threshold must be in 2...\(clients), got \(threshold)")
        }
        guard clients * dimension <= Self.maxCells else {
            throw CLIError("clients × dimension must be at most \(Self.maxCells)")
        }
        let outcome = Result { () throws(SecAggError) -> SecAggSimulation.Report in
            try SecAggSimulation.run(clients: clients, dimension: dimension, threshold: threshold,
                                     dropout: dropout, seed: seed, neighbours: neighbours, bits: bits)
        }
        let report: SecAggSimulation.Report
        switch outcome {
        case .success(let r):
            report = r
        case .failure(let error):
            switch error {
            case .tooFewSurvivors, .notEnoughShares:
                try CLIIO.printJSON(["sum_matches_plaintext": false, "error": error.description])
                throw ExitCode(1)
            default:
                throw CLIError(error.description)
            }
        }
        try CLIIO.printJSON([
            "sum_matches_plaintext": report.sumMatchesPlaintext,
            "survivors": report.survivors.count,
            "client_ms": report.clientMilliseconds,
            "server_ms": report.serverMilliseconds,
            "bytes_per_client": report.bytesPerClient,
            "masks_regenerated": report.masksRegenerated,
        ])
        if !report.sumMatchesPlaintext { throw ExitCode(1) }
    }
}
