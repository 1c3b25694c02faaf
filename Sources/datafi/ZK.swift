import ArgumentParser
import DataFiJointRisk
import DataFiPSI
import DataFiRistretto
import DataFiSodium
import DataFiZK
import Foundation

// MARK: zk

struct ZKCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zk", abstract: "Bulletproofs range proofs over Pedersen commitments.",
        subcommands: [ZKProveCommand.self, ZKVerifyCommand.self])

    /// The transcript label of proofs made and checked by the tool.
    static let transcriptLabel = "DataFi.CLI.RangeProof"
}

struct ZKProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Prove that committed values are below 2^bits.",
        discussion: """
        Writes {"bits":N,"commitment":HEX,"proof":HEX} (with several --value: "commitments":[HEX,…], one \
        aggregated proof). Only public data is written; the random blinding(s), needed to open the \
        commitment later, go to --blinding-out (hex, one per line, mode 0600) or are discarded.
        """)

    @Option(name: .customLong("value"), help: "Value to prove (unsigned 64-bit); repeat to aggregate (1, 2, 4, … 64 values).")
    var values: [String]

    @Option(help: "Bit width: 8, 16, 32 or 64.")
    var bits: Int = 64

    @Option(help: "Output file (default: stdout).")
    var out: String?

    @Option(help: "File to write the secret blinding(s) to, mode 0600.")
    var blindingOut: String?

    func run() throws {
        guard !values.isEmpty else { throw CLIError("give at least one --value") }
        let parsed = try values.map { text -> UInt64 in
            guard let v = UInt64(text) else { throw CLIError("not an unsigned 64-bit integer: \(text)") }
            return v
        }
        let blindings = parsed.map { _ in Scalar.random() }
        var transcript = Transcript(label: ZKCommand.transcriptLabel)
        let proof: RangeProof, commitments: [PedersenCommitment]
        do {
            (proof, commitments) = try RangeProof.prove(values: parsed, blindings: blindings, bits: bits,
                                                        transcript: &transcript)
        } catch {
            throw CLIError(error.description)
        }
        var object: [String: Any] = ["bits": bits, "proof": Hex.encode(proof.bytes)]
        if commitments.count == 1 {
            object["commitment"] = Hex.encode(commitments[0].bytes)
        } else {
            object["commitments"] = commitments.map { Hex.encode($0.bytes) }
        }
        if let blindingOut {
            let text = blindings.map { Hex.encode($0.bytes) }.joined(separator: "\n") + "\n"
            try CLIIO.write(Data(text.utf8), to: blindingOut, secret: true)
        }
        if let out {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            try CLIIO.write(data + Data("\n".utf8), to: out)
        } else {
            try CLIIO.printJSON(object)
        }
    }
}

struct ZKVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a range proof written by `zk prove`; exit 0 when valid, 1 when not.")

    @Option(name: .customLong("in"), help: "Proof JSON file (default: stdin).")
    var input: String?

    func run() throws {
        let data = try CLIIO.read(input)
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw CLIError("input is not a JSON object")
        }
        guard let bits = object["bits"] as? Int else { throw CLIError("missing integer \"bits\"") }
        guard let proofHex = object["proof"] as? String else { throw CLIError("missing string \"proof\"") }
        let commitmentHexes: [String]
        if let one = object["commitment"] as? String {
            commitmentHexes = [one]
        } else if let many = object["commitments"] as? [String] {
            commitmentHexes = many
        } else {
            throw CLIError("missing \"commitment\" or \"commitments\"")
        }
        let proof: RangeProof
        let commitments: [PedersenCommitment]
        do {
            proof = try RangeProof(bytes: Hex.decode(proofHex))
            commitments = try commitmentHexes.map { try PedersenCommitment(bytes: Hex.decode($0, length: 32)) }
        } catch let error as CustomStringConvertible {
            CLIIO.printError("invalid: \(error.description)")
            throw ExitCode(1)
        }
        var transcript = Transcript(label: ZKCommand.transcriptLabel)
        if proof.verify(commitments: commitments, bits: bits, transcript: &transcript) {
            CLIIO.printError("valid: \(commitments.count) value(s) below 2^\(bits)")
        } else {
            CLIIO.printError("invalid: the proof does not verify")
            throw ExitCode(1)
        }
    }
}

// MARK: psi

struct PSICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "psi",
        abstract: "ECDH private set intersection in four file-to-file steps.",
        discussion: """
        Server: setup, then respond. Client: request, then intersect. Item files hold one UTF-8 item \
        per line (empty lines ignored, compared byte for byte). Key files hold a hex key and are \
        created (mode 0600) when missing.
        """,
        subcommands: [PSISetupCommand.self, PSIRequestCommand.self, PSIRespondCommand.self, PSIIntersectCommand.self, PSIServeCommand.self, PSIQueryCommand.self])

    static func items(_ path: String) throws -> [String] {
        // Lines end with LF or CRLF ("\r\n" is one Character, a newline).
        try CLIIO.readText(path).split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
    }

    /// Loads the key at `path`, creating a random one (mode 0600) when the file does not exist.
    static func key(_ path: String) throws -> PSIKey {
        if FileManager.default.fileExists(atPath: path) {
            let text = try CLIIO.readText(path).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let bytes = try? Hex.decode(text, length: 32), let key = try? PSIKey(bytes: bytes) else {
                throw CLIError("\(path) does not hold a valid PSI key")
            }
            return key
        }
        let key = PSIKey.generate()
        try CLIIO.write(Data((Hex.encode(key.bytes) + "\n").utf8), to: path, secret: true)
        return key
    }

    static func message<T>(_ path: String, _ decode: ([UInt8]) throws(PSIError) -> T) throws -> T {
        let bytes = [UInt8](try CLIIO.read(path))
        do { return try decode(bytes) } catch { throw CLIError("\(path): \(error.description)") }
    }
}

struct PSISetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "setup", abstract: "Server: blind the server's items.")
    @Option(help: "Server item file.") var items: String
    @Option(help: "Server key file (created when missing).") var key: String
    @Option(help: "Output setup message.") var out: String

    func run() throws {
        let server = PSIServer(key: try PSICommand.key(key), items: try PSICommand.items(items))
        try CLIIO.write(Data(server.setup().serialized), to: out)
    }
}

struct PSIRequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "request", abstract: "Client: blind the client's items.")
    @Option(help: "Client item file.") var items: String
    @Option(help: "Client key file (created when missing).") var key: String
    @Option(help: "Output request message.") var out: String
    @Flag(help: "Ask the server to shuffle its answer so only the intersection size can be learned.")
    var cardinality = false

    func run() throws {
        let client = PSIClient(key: try PSICommand.key(key), items: try PSICommand.items(items))
        try CLIIO.write(Data(client.request(cardinalityOnly: cardinality).serialized), to: out)
    }
}

struct PSIRespondCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "respond", abstract: "Server: re-blind the client's request.")
    @Option(help: "Server key file.") var key: String
    @Option(help: "Request message from the client.") var request: String
    @Option(help: "Output response message.") var out: String
    @Flag(help: "Shuffle the answer even if the client asked for the intersection.")
    var cardinality = false

    func run() throws {
        guard FileManager.default.fileExists(atPath: key) else { throw CLIError("key file \(key) not found") }
        let server = PSIServer(key: try PSICommand.key(key), items: [])
        let parsed = try PSICommand.message(request) { bytes throws(PSIError) in try PSIRequest(serialized: bytes) }
        try CLIIO.write(Data(server.respond(to: parsed, forceCardinalityOnly: cardinality).serialized), to: out)
    }
}

struct PSIIntersectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intersect", abstract: "Client: print the common items (one per line) or their number.")
    @Option(help: "Client key file.") var key: String
    @Option(help: "Client item file (the same as for request).") var items: String
    @Option(help: "Setup message from the server.") var setup: String
    @Option(help: "Response message from the server.") var response: String
    @Flag(help: "Print only the number of common items.") var cardinality = false

    func run() throws {
        guard FileManager.default.fileExists(atPath: key) else { throw CLIError("key file \(key) not found") }
        let client = PSIClient(key: try PSICommand.key(key), items: try PSICommand.items(items))
        let parsedSetup = try PSICommand.message(setup) { bytes throws(PSIError) in try PSISetup(serialized: bytes) }
        let parsedResponse = try PSICommand.message(response) { bytes throws(PSIError) in try PSIResponse(serialized: bytes) }
        do {
            if cardinality {
                print(try client.cardinality(setup: parsedSetup, response: parsedResponse))
            } else {
                for item in try client.intersectionStrings(setup: parsedSetup, response: parsedResponse) { print(item) }
            }
        } catch {
            throw CLIError(error.description)
        }
    }
}

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
