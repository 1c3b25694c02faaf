import ArgumentParser
import DataFiJointRisk
import DataFiPSIService
import Foundation

// MARK: risk screen

struct RiskScreenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "Screen applicants against several lenders' PSI services at once; print flags, hits and fees.",
        discussion: """
        Applicants CSV: a "reference" column plus any of "phone", "bank_account", "id_number". Each lender \
        runs `datafi psi serve --blacklist`. Prints JSON: flagged applicants, matches per lender, lenders \
        that could not be checked, and one fee record per lender with hits (amounts as decimal strings). \
        Exits 3 when a lender could not be checked (the report is still printed).
        """)
    @Option(help: "Applicants CSV.") var applicants: String
    @Option(help: "A lender's PSI service as NAME=URL; repeat for each lender.") var lender: [String]
    @Option(help: "Fee per hit in the settlement token's smallest unit.") var fee: UInt64 = 0
    @Option(help: "Country calling code for phone numbers without one.") var countryCode = Identifier.defaultCountryCode
    @Option(help: "Seconds allowed per HTTP request.") var timeout = 60.0
    @Option(help: "Retries after a connection failure.") var retries = 2

    /// Identifiers of every non-empty cell of the identifier columns.
    static func identifiers(header: [String], row: [String], file: String, line: Int, countryCode: String) throws -> [Identifier] {
        var out: [Identifier] = []
        for (column, kind) in RiskBlacklistCommand.columns {
            guard let index = header.firstIndex(of: column), index < row.count else { continue }
            let cell = row[index].trimmingCharacters(in: .whitespaces)
            if cell.isEmpty { continue }
            do { out.append(try Identifier(kind, cell, countryCode: countryCode)) } catch {
                throw CLIError("\(file) line \(line): \(error.description)")
            }
        }
        return out
    }

    /// A blacklist CSV as PSI items (`Identifier.item`).
    static func blacklistItems(_ path: String, countryCode: String) throws -> [String] {
        let table = try RiskCSV.read(path)
        try RiskBlacklistCommand.checkHeader(table.header, file: path, allowed: RiskBlacklistCommand.columns.map(\.0))
        var items: [String] = []
        for (row, line) in zip(table.records, table.lines) {
            items += try identifiers(header: table.header, row: row, file: path, line: line, countryCode: countryCode).map(\.item)
        }
        return items
    }

    func run() async throws {
        let options = try ServiceCLI.options(timeout: timeout, retries: retries)
        let table = try RiskCSV.read(applicants)
        guard let refIndex = table.index(of: "reference") else {
            throw CLIError("\(applicants): needs a header with a \"reference\" column")
        }
        try RiskBlacklistCommand.checkHeader(table.header, file: applicants,
                                             allowed: ["reference"] + RiskBlacklistCommand.columns.map(\.0))
        var parsed: [Applicant] = []
        for (row, line) in zip(table.records, table.lines) {
            let reference = row[refIndex].trimmingCharacters(in: .whitespaces)
            guard !reference.isEmpty else { throw CLIError("\(applicants) line \(line): empty reference") }
            parsed.append(Applicant(reference: reference, identifiers: try Self.identifiers(
                header: table.header, row: row, file: applicants, line: line, countryCode: countryCode)))
        }
        guard !lender.isEmpty else { throw CLIError("give at least one --lender NAME=URL") }
        var endpoints: [any BlacklistEndpoint] = []
        for spec in lender {
            guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex else { throw CLIError("--lender expects NAME=URL, got \(spec)") }
            do { endpoints.append(try HTTPBlacklistEndpoint(name: String(spec[..<eq]), url: String(spec[spec.index(after: eq)...]), options: options)) } catch {
                throw ServiceCLI.failure(error)
            }
        }
        let report: ScreeningReport
        do { report = try await MultiLenderScreening.screen(applicants: parsed, lenders: endpoints, feePerHit: fee) } catch {
            throw CLIError(error.description)
        }
        var matches: [String: Any] = [:]
        var unavailable: [String: Any] = [:]
        for outcome in report.lenders {
            if let failure = outcome.failure { unavailable[outcome.lender] = failure } else { matches[outcome.lender] = outcome.matchedApplicants }
        }
        try CLIIO.printJSON([
            "flagged": report.flaggedApplicants,
            "matches": matches,
            "unavailable": unavailable,
            "fees": report.fees.map {
                ["provider": $0.provider, "hits": $0.hits, "fee_per_hit": String($0.feePerHit), "amount": String($0.amount)] as [String: Any]
            },
        ] as [String: Any])
        if !report.failedLenders.isEmpty { throw ExitCode(CLIExit.environment) }
    }
}
