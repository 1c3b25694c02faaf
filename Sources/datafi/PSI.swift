import ArgumentParser
import DataFiPSI
import DataFiSodium
import Foundation

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
        subcommands: [PSISetupCommand.self, PSIRequestCommand.self, PSIRespondCommand.self, PSIIntersectCommand.self])

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
