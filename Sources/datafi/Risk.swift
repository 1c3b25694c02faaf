import ArgumentParser
import DataFiJointRisk
import DataFiSupport
import Foundation

// MARK: risk

struct RiskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "risk", abstract: "Joint risk control between lenders over PSI.",
        subcommands: [RiskBlacklistCommand.self, RiskScreenCommand.self])
}

struct RiskBlacklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blacklist",
        abstract: "Screen applicants against providers' blacklists without revealing the lists.",
        discussion: """
        CSV files have a header row. Applicants: a "reference" column plus any of "phone", \
        "bank_account", "id_number". Blacklists: any of "phone", "bank_account", "id_number"; every \
        non-empty cell is an entry. Identifiers are normalized (trim, lowercase, no spaces/dashes; \
        phones to digits with a country code, --country-code for numbers written without one). Prints \
        JSON: flagged applicants, matches per provider, and one fee record per provider with hits \
        (amounts as decimal strings). A column other than these, a blacklist without an identifier \
        column or a ragged row is an error; an applicant listed twice is one hit. Limits: 256 MiB and \
        1,000,000 rows per file.
        """)

    @Option(help: "Applicants CSV.") var applicants: String
    @Option(help: "A provider's blacklist as NAME=FILE.csv; repeat for each provider.") var blacklist: [String]
    @Option(help: "Fee per hit in the settlement token's smallest unit.", transform: StrictArgument.uint64) var fee: UInt64 = 0
    @Option(help: "Country calling code for phone numbers without one.") var countryCode: String = Identifier.defaultCountryCode

    static let columns: [(String, IdentifierKind)] = [("phone", .phone), ("bank_account", .bankAccount), ("id_number", .nationalID)]

    /// Most applicants or blacklist rows read from one file.
    static let maxRows = 1_000_000

    func run() throws {
        let applicantTable = try RiskCSV.read(applicants)
        guard let refIndex = applicantTable.index(of: "reference") else {
            throw CLIError("\(applicants): needs a header with a \"reference\" column")
        }
        try Self.checkHeader(applicantTable.header, file: applicants, allowed: ["reference"] + Self.columns.map(\.0))
        var parsedApplicants: [Applicant] = []
        for (row, line) in zip(applicantTable.records, applicantTable.lines) {
            let reference = row[refIndex].trimmingCharacters(in: .whitespaces)
            guard !reference.isEmpty else { throw CLIError("\(applicants) line \(line): empty reference") }
            parsedApplicants.append(Applicant(reference: reference,
                                              identifiers: try identifiers(header: applicantTable.header, row: row,
                                                                           file: applicants, line: line)))
        }
        var providers: [BlacklistProvider] = []
        for spec in blacklist {
            guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex else {
                throw CLIError("--blacklist expects NAME=FILE, got \(Truncated.text(spec))")
            }
            let name = String(spec[..<eq]), file = String(spec[spec.index(after: eq)...])
            let table = try RiskCSV.read(file)
            try Self.checkHeader(table.header, file: file, allowed: Self.columns.map(\.0))
            var entries: [Identifier] = []
            for (row, line) in zip(table.records, table.lines) {
                entries += try identifiers(header: table.header, row: row, file: file, line: line)
            }
            providers.append(BlacklistProvider(name: name, entries: entries))
        }
        let report: BlacklistReport
        do { report = try BlacklistCheck.run(applicants: parsedApplicants, providers: providers, feePerHit: fee) } catch {
            throw CLIError(error.description)
        }
        var matches: [String: Any] = [:]
        for m in report.matches { matches[m.provider] = m.applicants }
        try CLIIO.printJSON([
            "flagged": report.flaggedApplicants,
            "matches": matches,
            "fees": report.fees.map {
                ["provider": $0.provider, "hits": $0.hits, "fee_per_hit": String($0.feePerHit), "amount": String($0.amount)] as [String: Any]
            },
        ] as [String: Any])
    }

    /// Refuses a header with a column the command does not know, or with no identifier column, instead of
    /// reading the file as an empty list.
    static func checkHeader(_ header: [String], file: String, allowed: [String]) throws {
        for name in header where !allowed.contains(name) {
            throw CLIError("\(file): unknown column \"\(Truncated.text(name, 40))\" (expected \(allowed.joined(separator: ", ")))")
        }
        guard header.contains(where: { name in columns.contains { $0.0 == name } }) else {
            throw CLIError("\(file): no identifier column (phone, bank_account or id_number)")
        }
    }

    private func identifiers(header: [String], row: [String], file: String, line: Int) throws -> [Identifier] {
        var out: [Identifier] = []
        for (column, kind) in Self.columns {
            guard let index = header.firstIndex(of: column), index < row.count else { continue }
            let cell = row[index].trimmingCharacters(in: .whitespaces)
            if cell.isEmpty { continue }
            do { out.append(try Identifier(kind, cell, countryCode: countryCode)) } catch {
                throw CLIError("\(file) line \(line): \(column) \"\(Truncated.text(cell, 40))\": \(error.description)")
            }
        }
        return out
    }
}

/// Reads the command's CSV files with the SDK's one reader (`CSVReader`), header names trimmed.
enum RiskCSV {
    static func read(_ path: String) throws -> CSVTable {
        let data = try CLIIO.read(path)
        do {
            let table = try CSVReader.table(data, limits: CSVLimits(maxRecords: RiskBlacklistCommand.maxRows + 1))
            return CSVTable(header: table.header.map { $0.trimmingCharacters(in: .whitespaces) },
                            records: table.records, lines: table.lines)
        } catch {
            throw CLIError("\(path): \(error)")
        }
    }
}
