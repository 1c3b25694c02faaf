import ArgumentParser
import DataFiSodium
import DataFiWallet
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Shared helpers of the `wallet` and `credential` commands.
enum WalletCLI {
    static let passphraseVariable = "DATAFI_WALLET_PASSPHRASE"

    /// The passphrase from `DATAFI_WALLET_PASSPHRASE`, or read from the terminal without echo
    /// (twice when `confirm`).
    static func passphrase(confirm: Bool = false) throws -> SecureBytes {
        if let value = ProcessInfo.processInfo.environment[passphraseVariable] {
            guard !value.isEmpty else { throw CLIError("\(passphraseVariable) is empty") }
            return SecureBytes(copying: Array(value.utf8))
        }
        let first = try prompt("Wallet passphrase: ")
        if confirm {
            let second = try prompt("Repeat the passphrase: ")
            guard first == second else { throw CLIError("the passphrases differ") }
        }
        guard first.count > 0 else { throw CLIError("the passphrase is empty") }
        return first
    }

    /// Reads one line from the controlling terminal with echo off.
    private static func prompt(_ text: String) throws -> SecureBytes {
        let fd = Glibc.open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else {
            throw CLIError("no passphrase: set \(passphraseVariable) or run from a terminal")
        }
        defer { close(fd) }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { throw CLIError("cannot read a passphrase from the terminal") }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        _ = tcsetattr(fd, TCSAFLUSH, &quiet)
        defer {
            _ = tcsetattr(fd, TCSAFLUSH, &saved)
            _ = writeBytes(fd, Array("\n".utf8))
        }
        _ = writeBytes(fd, Array(text.utf8))
        var line = [UInt8](repeating: 0, count: PasswordHashing.maxPassphraseLength + 1)
        defer { for i in line.indices { line[i] = 0 } }
        var count = 0
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") {
            guard count < line.count - 1 else { throw CLIError("passphrase too long") }
            if byte != UInt8(ascii: "\r") { line[count] = byte; count += 1 }
        }
        return SecureBytes(copying: line[0..<count])
    }

    private static func writeBytes(_ fd: Int32, _ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Maps a wallet error to the CLI's exit codes: file system failures 3, everything else 2.
    static func error(_ error: WalletError) -> CLIError {
        if case .file(let inner) = error, case .io = inner { return CLIError(error.description, exitCode: CLIExit.environment) }
        return CLIError(error.description)
    }

    static func open(_ path: String) throws -> (WalletStore, PersonalWallet) {
        let secret = try passphrase()
        do { return try WalletStore.open(at: path, passphrase: secret) } catch { throw Self.error(error) }
    }

    static func save(_ wallet: PersonalWallet, _ store: WalletStore) throws {
        do { try store.save(wallet) } catch { throw Self.error(error) }
    }

    /// Runs a read-modify-write of the wallet at `path` under its lock.
    static func locked(_ path: String, _ body: () throws -> Void) throws {
        do {
            try WalletStore.withExclusiveAccess(to: path, body)
        } catch let error as WalletError {
            throw Self.error(error)
        }
    }

    /// The current time in Unix seconds.
    static var now: Int64 { Int64(Date().timeIntervalSince1970) }

    /// A time given as Unix seconds or as an ISO 8601 date-time ("2027-01-31T00:00:00Z").
    static func time(_ text: String, option: String) throws -> Int64 {
        if let seconds = Int64(text) { return seconds }
        let formatter = ISO8601DateFormatter()
        guard let date = formatter.date(from: text) else {
            throw CLIError("\(option): expected Unix seconds or an ISO 8601 date-time, got \(text)")
        }
        return Int64(date.timeIntervalSince1970)
    }

    static func json(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) + Data("\n".utf8)
    }
}

/// The Argon2id cost a new wallet is created with.
enum WalletKDFChoice: String, ExpressibleByArgument, CaseIterable {
    case interactive, moderate, sensitive

    var parameters: PasswordHashing.Parameters {
        switch self {
        case .interactive: .interactive
        case .moderate: .moderate
        case .sensitive: .sensitive
        }
    }
}

struct WalletCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wallet",
        abstract: "A personal data wallet: encrypted records, signed consent, local-DP survey answers.",
        discussion: """
        The wallet file is encrypted (XChaCha20-Poly1305, key from the passphrase with Argon2id) and \
        replaced atomically on every change. The passphrase comes from \(WalletCLI.passphraseVariable) \
        or is read from the terminal without echo. Times are Unix seconds or ISO 8601 date-times.
        """,
        subcommands: [WalletInitCommand.self, WalletAddCommand.self, WalletExportCommand.self,
                      WalletConsentCommand.self, WalletAnswerCommand.self])
}

struct WalletInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a wallet with a new Ed25519 key; print {\"public_key\": HEX}.")

    @Option(help: "Wallet file to create (refused if it exists).") var wallet: String
    @Option(help: "Argon2id cost: moderate (3 passes, 256 MiB; default), sensitive (4, 1 GiB) or interactive (2, 64 MiB: cheaper, weaker against guessing).")
    var kdf: WalletKDFChoice = .moderate
    @Option(help: "Total local ε budget for survey answers.") var epsilonBudget: Double = PersonalWallet.defaultEpsilonBudget

    func run() throws {
        let secret = try WalletCLI.passphrase(confirm: true)
        do {
            let person = try PersonalWallet(epsilonBudget: epsilonBudget, now: WalletCLI.now)
            _ = try WalletStore.create(person, at: wallet, passphrase: secret, parameters: kdf.parameters)
            try CLIIO.printJSON(["public_key": Hex.encode(person.publicKey.rawRepresentation)])
        } catch let error as WalletError {
            throw WalletCLI.error(error)
        }
    }
}

struct WalletAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a JSON document as a record of a type.")

    @Option(help: "Wallet file.") var wallet: String
    @Option(help: "Record type (1-64 of A-Z a-z 0-9 . _ -), also the dataset name consents refer to.") var type: String
    @Option(help: "JSON file with the document (an object or an array; default: stdin).") var data: String?
    @Option(help: "Record time (default: now).") var time: String?

    func run() throws {
        try WalletCLI.locked(wallet) { try update() }
    }

    private func update() throws {
        let document = [UInt8](try CLIIO.read(data))
        let at = try time.map { try WalletCLI.time($0, option: "--time") } ?? WalletCLI.now
        let (store, opened) = try WalletCLI.open(wallet)
        var person = opened
        let record: WalletRecord
        do { record = try person.addRecord(type: type, document: document, time: at) } catch { throw WalletCLI.error(error) }
        try WalletCLI.save(person, store)
        try CLIIO.printJSON(["id": record.id, "type": record.type, "time": record.time])
    }
}

struct WalletExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export everything the wallet holds (not its secret key) as JSON.",
        discussion: "The export holds personal data: a file given with --out is written with mode 0600.")

    @Option(help: "Wallet file.") var wallet: String
    @Option(help: "Output file (default: stdout).") var out: String?
    @Flag(help: "Replace an existing output file.") var force = false

    func run() throws {
        let (_, person) = try WalletCLI.open(wallet)
        let data = Data(person.exportJSON()) + Data("\n".utf8)
        if let out {
            try CLIIO.write(data, to: out, secret: true, force: force, inputs: [wallet])
        } else {
            try CLIIO.writeStdout(data)
        }
    }
}

/// The subject of a consent, from exactly one of --requester and --dataset.
struct ConsentSubjectOptions: ParsableArguments {
    @Option(help: "A requester the consent names.") var requester: String?
    @Option(help: "A dataset (record type) the consent names.") var dataset: String?

    func subject() throws -> ConsentSubject {
        switch (requester, dataset) {
        case let (r?, nil): return .requester(r)
        case let (nil, d?): return .dataset(d)
        default: throw CLIError("give exactly one of --requester and --dataset")
        }
    }
}

struct WalletConsentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Grant, revoke, list, check and record signed consents.",
        discussion: """
        Grants and revocations are Ed25519-signed by the wallet's key; "encoded" holds their canonical \
        byte encoding in hex, self-contained and verifiable. `record` puts them on a consent ledger \
        (`datafi consent init`), where data users check them with `datafi consent check`.
        """,
        subcommands: [WalletConsentGrantCommand.self, WalletConsentRevokeCommand.self,
                      WalletConsentListCommand.self, WalletConsentCheckCommand.self,
                      WalletConsentRecordCommand.self, WalletConsentEnvelopeCommand.self])

    static func describe(_ grant: ConsentGrant, revocation: ConsentRevocation?, at: Int64?) -> [String: Any] {
        var object: [String: Any] = [
            "id": grant.idHex, "subject_kind": grant.subject.kindByte == 1 ? "dataset" : "requester",
            "subject": grant.subject.name, "purpose": grant.purpose, "issued": grant.issued, "expires": grant.expires,
            "grantor": Hex.encode(grant.grantor.rawRepresentation), "encoded": Hex.encode(grant.bytes),
        ]
        if let revocation { object["revoked"] = revocation.revoked }
        if let at {
            let status: String
            if let revocation, revocation.revoked <= at { status = "revoked" }
            else if at >= grant.expires { status = "expired" }
            else if at < grant.issued { status = "not_yet_valid" }
            else { status = "valid" }
            object["status"] = status
        }
        return object
    }
}

struct WalletConsentGrantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "grant", abstract: "Sign and keep a consent; print it as JSON.")

    @Option(help: "Wallet file.") var wallet: String
    @OptionGroup var subject: ConsentSubjectOptions
    @Option(help: "Purpose of the use, e.g. credit-check.") var purpose: String
    @Option(help: "Start of validity (default: now).") var issued: String?
    @Option(help: "End of validity (exclusive).") var expires: String

    func run() throws {
        try WalletCLI.locked(wallet) { try update() }
    }

    private func update() throws {
        let subject = try subject.subject()
        let from = try issued.map { try WalletCLI.time($0, option: "--issued") } ?? WalletCLI.now
        let until = try WalletCLI.time(expires, option: "--expires")
        let (store, opened) = try WalletCLI.open(wallet)
        var person = opened
        let grant: ConsentGrant
        do { grant = try person.grantConsent(to: subject, purpose: purpose, issued: from, expires: until) } catch {
            throw WalletCLI.error(error)
        }
        try WalletCLI.save(person, store)
        try CLIIO.printJSON(WalletConsentCommand.describe(grant, revocation: nil, at: nil))
    }
}

struct WalletConsentRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Sign and keep a revocation; print it as JSON.")

    @Option(help: "Wallet file.") var wallet: String
    @Option(help: "Id of the grant (32 hex digits).") var id: String
    @Option(help: "Effective from (default: now).") var at: String?

    func run() throws {
        try WalletCLI.locked(wallet) { try update() }
    }

    private func update() throws {
        let when = try at.map { try WalletCLI.time($0, option: "--at") } ?? WalletCLI.now
        let (store, opened) = try WalletCLI.open(wallet)
        var person = opened
        let revocation: ConsentRevocation
        do { revocation = try person.revokeConsent(id: id, at: when) } catch { throw WalletCLI.error(error) }
        try WalletCLI.save(person, store)
        try CLIIO.printJSON(["grant_id": Hex.encode(revocation.grantID), "revoked": revocation.revoked,
                             "encoded": Hex.encode(revocation.bytes)])
    }
}

struct WalletConsentListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Print every consent with its status at a time.")

    @Option(help: "Wallet file.") var wallet: String
    @Option(help: "Time of the status (default: now).") var at: String?

    func run() throws {
        let when = try at.map { try WalletCLI.time($0, option: "--at") } ?? WalletCLI.now
        let (_, person) = try WalletCLI.open(wallet)
        let list = person.consents.grants.map {
            WalletConsentCommand.describe($0, revocation: person.consents.revocation(of: $0), at: when)
        }
        try CLIIO.printJSON(["at": when, "consents": list])
    }
}

struct WalletConsentCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Exit 0 when a valid, unrevoked, unexpired consent allows the use; 1 when not.")

    @Option(help: "Wallet file.") var wallet: String
    @OptionGroup var subject: ConsentSubjectOptions
    @Option(help: "Purpose of the use.") var purpose: String
    @Option(help: "Time of the use (default: now).") var at: String?

    func run() throws {
        let subject = try subject.subject()
        let when = try at.map { try WalletCLI.time($0, option: "--at") } ?? WalletCLI.now
        let (_, person) = try WalletCLI.open(wallet)
        do {
            let grant = try person.checkConsent(subject: subject, purpose: purpose, at: when)
            try CLIIO.printJSON(["allowed": true, "grant_id": grant.idHex])
        } catch let error as WalletError {
            try CLIIO.printJSON(["allowed": false, "reason": error.description])
            throw ExitCode(CLIExit.negative)
        }
    }
}

struct WalletAnswerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answer",
        abstract: "Answer a survey question with local differential privacy, charged to the wallet's ε budget.",
        discussion: """
        Yes/no questions use randomized response; --category with --categories uses k-ary randomized \
        response (local histograms). Prints only the perturbed answer. Refused (exit 2, nothing \
        spent) when the budget is exhausted.
        """)

    @Option(help: "Wallet file.") var wallet: String
    @Option(help: "Question id.") var question: String
    @Option(help: "The true yes/no answer: yes or no.") var answer: String?
    @Option(help: "The true category (0-based), with --categories.") var category: Int?
    @Option(help: "Number of categories (2-1024).") var categories: Int?
    @Option(help: "Local privacy ε spent on this answer.") var epsilon: Double

    func run() throws {
        try WalletCLI.locked(wallet) { try update() }
    }

    private func update() throws {
        let (store, opened) = try WalletCLI.open(wallet)
        var person = opened
        let given: SurveyAnswer
        do {
            switch (answer, category, categories) {
            case let (text?, nil, nil):
                guard text == "yes" || text == "no" else { throw CLIError("--answer must be yes or no") }
                given = try person.answerYesNo(question: question, truth: text == "yes", epsilon: epsilon, at: WalletCLI.now)
            case let (nil, value?, k?):
                given = try person.answerCategory(question: question, value: value, categories: k, epsilon: epsilon,
                                                  at: WalletCLI.now)
            default:
                throw CLIError("give --answer yes|no, or --category with --categories")
            }
        } catch let error as WalletError {
            throw WalletCLI.error(error)
        }
        try WalletCLI.save(person, store)
        try CLIIO.printJSON(["question": given.question, "mechanism": given.mechanism.rawValue, "reported": given.reported,
                             "categories": given.categories, "epsilon": given.epsilon,
                             "epsilon_remaining": person.privacyLedger.remainingEpsilon])
    }
}
