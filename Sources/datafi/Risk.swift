import ArgumentParser
import DataFiJointRisk
import Foundation

// MARK: risk

struct RiskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "risk", abstract: "Joint risk control between lenders over PSI.",
        subcommands: [RiskBlacklistCommand.self])
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
        (amounts as decimal strings).
        """)

    @Option(help: "Applicants CSV.") var applicants: String
    @Option(help: "A provider's blacklist as NAME=FILE.csv; repeat for each provider.") var blacklist: [String]
    @Option(help: "Fee per hit in the settlement token's smallest unit.") var fee: UInt64 = 0
    @Option(help: "Country calling code for phone numbers without one.") var countryCode: String = Identifier.defaultCountryCode

    static let columns: [(String, IdentifierKind)] = [("phone", .phone), ("bank_account", .bankAccount), ("id_number", .nationalID)]

    func run() throws {
        let applicantRows = try RiskCSV.parse(CLIIO.readText(applicants))
        guard let header = applicantRows.first, let refIndex = header.firstIndex(of: "reference") else {
            throw CLIError("\(applicants): needs a header with a \"reference\" column")
        }
        var parsedApplicants: [Applicant] = []
        for (line, row) in applicantRows.dropFirst().enumerated() where !(row.count == 1 && row[0].isEmpty) {
            guard refIndex < row.count else { throw CLIError("\(applicants): row \(line + 2) has no reference") }
            parsedApplicants.append(Applicant(reference: row[refIndex],
                                              identifiers: try identifiers(header: header, row: row, file: applicants, line: line + 2)))
        }
        var providers: [BlacklistProvider] = []
        for spec in blacklist {
            guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex else {
                throw CLIError("--blacklist expects NAME=FILE, got \(spec)")
            }
            let name = String(spec[..<eq]), file = String(spec[spec.index(after: eq)...])
            let rows = try RiskCSV.parse(CLIIO.readText(file))
            guard let header = rows.first else { throw CLIError("\(file): empty file") }
            var entries: [Identifier] = []
            for (line, row) in rows.dropFirst().enumerated() {
                entries += try identifiers(header: header, row: row, file: file, line: line + 2)
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

    private func identifiers(header: [String], row: [String], file: String, line: Int) throws -> [Identifier] {
        var out: [Identifier] = []
        for (column, kind) in Self.columns {
            guard let index = header.firstIndex(of: column), index < row.count else { continue }
            let cell = row[index].trimmingCharacters(in: .whitespaces)
            if cell.isEmpty { continue }
            do { out.append(try Identifier(kind, cell, countryCode: countryCode)) } catch {
                throw CLIError("\(file) line \(line): \(error.description)")
            }
        }
        return out
    }
}

/// A small RFC 4180 reader: comma-separated, double-quoted fields with "" escapes, CRLF or LF.
enum RiskCSV {
    static func parse(_ text: String) throws -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var inQuotes = false, afterQuote = false
        var iterator = text.unicodeScalars.makeIterator()
        while let c = iterator.next() {
            if inQuotes {
                if c == "\"" { inQuotes = false; afterQuote = true } else { field.unicodeScalars.append(c) }
                continue
            }
            switch c {
            case "\"":
                if afterQuote { field.append("\""); inQuotes = true; afterQuote = false }
                else if field.isEmpty { inQuotes = true }
                else { throw CLIError("CSV: quote inside an unquoted field") }
            case ",": row.append(field); field = ""; afterQuote = false
            case "\n": row.append(field); rows.append(row); row = []; field = ""; afterQuote = false
            case "\r": continue
            default:
                if afterQuote { throw CLIError("CSV: text after a closing quote") }
                field.unicodeScalars.append(c)
            }
        }
        guard !inQuotes else { throw CLIError("CSV: unterminated quoted field") }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows.map { $0.map { $0.trimmingCharacters(in: .whitespaces) } }
    }
}
