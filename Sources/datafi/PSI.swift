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
        per line (LF or CRLF, empty lines ignored, compared byte for byte; at most 256 MiB and \
        4,194,304 items). Key files hold a hex key and are created (mode 0600) when missing. The \
        request and response files end with a binding of the request to the client's items and key: \
        intersect refuses an item file or key other than the request's. An output path that is one of \
        the command's inputs is refused.
        """,
        subcommands: [PSISetupCommand.self, PSIRequestCommand.self, PSIRespondCommand.self, PSIIntersectCommand.self,
                      PSIServeCommand.self, PSIQueryCommand.self])

    static func items(_ path: String) throws -> [String] {
        // Lines end with LF or CRLF ("\r\n" is one Character, a newline).
        try CLIIO.readText(path).split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
    }

    /// Loads the key at `path`, creating a random one (mode 0600) when the file does not exist.
    static func key(_ path: String) throws -> PSIKey {
        if FileManager.default.fileExists(atPath: path) {
            guard let text = String(data: try CLIIO.readSecret(path), encoding: .utf8)?
                .trimmingCharacters(in: .whitespacesAndNewlines) else {
                throw CLIError("\(path) does not hold a valid PSI key")
            }
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

    /// Reads a request or response file: the PSI message followed by the item binding (see `PSIBinding`).
    static func boundMessage<T>(_ path: String, _ decode: ([UInt8]) throws(PSIError) -> T) throws -> (T, [UInt8]) {
        let bytes = [UInt8](try CLIIO.read(path))
        guard let (message, tag) = PSIBinding.split(bytes) else {
            // A file that is not even a message gets the decoder's own error (truncated, wrong type, …).
            do { _ = try decode(bytes) } catch { throw CLIError("\(path): \(error.description)") }
            throw CLIError("\(path): no item binding after the message (written by `datafi psi request`/`respond`?)")
        }
        do { return (try decode(message), tag) } catch { throw CLIError("\(path): \(error.description)") }
    }
}

/// Binds a PSI request, and the response that answers it, to the client's items, so `psi intersect`
/// refuses an item file other than the one the request was made from (it would otherwise print items the
/// request never carried). The request and response files carry, after the message, a trailer
/// `"DFB1"` ‖ tag, where tag = BLAKE2b-256 keyed with BLAKE2b-256(domain ‖ client key) over the
/// cardinality flag and the client's distinct items (length-prefixed, in order). The key is secret, so the
/// tag tells the server nothing about the items; `psi respond` copies it into the response unchanged.
enum PSIBinding {
    static let magic: [UInt8] = Array("DFB1".utf8)
    static let trailerLength = 4 + 32

    static func tag(key: PSIKey, items: [[UInt8]], cardinalityOnly: Bool) -> [UInt8] {
        let macKey = BLAKE2b.hash256(Array("DataFi.CLI.PSI.binding.v1".utf8) + key.bytes)
        var message: [UInt8] = [cardinalityOnly ? 1 : 0]
        for item in items {
            withUnsafeBytes(of: UInt64(item.count).littleEndian) { message.append(contentsOf: $0) }
            message += item
        }
        // A 32-byte key and digest are within BLAKE2b's bounds, so this cannot fail.
        return (try? BLAKE2b.hash(message, digestLength: 32, key: macKey)) ?? []
    }

    static func trailer(_ tag: [UInt8]) -> [UInt8] { magic + tag }

    /// The message and the tag, or nil when the file has no trailer.
    static func split(_ bytes: [UInt8]) -> ([UInt8], [UInt8])? {
        guard bytes.count >= trailerLength else { return nil }
        let cut = bytes.count - trailerLength
        guard Array(bytes[cut..<(cut + 4)]) == magic else { return nil }
        return (Array(bytes[..<cut]), Array(bytes[(cut + 4)...]))
    }
}

struct PSISetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "setup", abstract: "Server: blind the server's items.")
    @Option(help: "Server item file.") var items: String
    @Option(help: "Server key file (created when missing).") var key: String
    @Option(help: "Output setup message.") var out: String

    func run() throws {
        let server = PSIServer(key: try PSICommand.key(key), items: try PSICommand.items(items))
        try CLIIO.write(Data(server.setup().serialized), to: out, inputs: [items, key])
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
        let clientKey = try PSICommand.key(key)
        let client = PSIClient(key: clientKey, items: try PSICommand.items(items))
        let binding = PSIBinding.tag(key: clientKey, items: client.items, cardinalityOnly: cardinality)
        try CLIIO.write(Data(client.request(cardinalityOnly: cardinality).serialized + PSIBinding.trailer(binding)),
                        to: out, inputs: [items, key])
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
        let (parsed, binding) = try PSICommand.boundMessage(request) { bytes throws(PSIError) in try PSIRequest(serialized: bytes) }
        try CLIIO.write(Data(server.respond(to: parsed, forceCardinalityOnly: cardinality).serialized + PSIBinding.trailer(binding)),
                        to: out, inputs: [request, key])
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
        let clientKey = try PSICommand.key(key)
        let client = PSIClient(key: clientKey, items: try PSICommand.items(items))
        let parsedSetup = try PSICommand.message(setup) { bytes throws(PSIError) in try PSISetup(serialized: bytes) }
        let (parsedResponse, binding) = try PSICommand.boundMessage(response) { bytes throws(PSIError) in
            try PSIResponse(serialized: bytes)
        }
        // The request may have asked for cardinality only; either flag is fine as long as the items match.
        guard binding == PSIBinding.tag(key: clientKey, items: client.items, cardinalityOnly: false)
                || binding == PSIBinding.tag(key: clientKey, items: client.items, cardinalityOnly: true) else {
            throw CLIError("\(response) does not answer a request made from \(items) with \(key): give the item file and key the request was made from")
        }
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
