import AsyncHTTPClient
import DataFiLedger
import DataFiLedgerClient
import DataFiMarket
import DataFiSodium
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// A `datafi node serve` child process on a free loopback port, read from its "listening on URL" line.
final class NodeProcess: @unchecked Sendable {
    let process = Process()
    let url: String
    let directory: URL
    let origin: String
    private let output = Pipe()

    static let executable: URL = {
        if let path = ProcessInfo.processInfo.environment["DATAFI_BIN"] { return URL(fileURLWithPath: path) }
        var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.pathExtension == "xctest" || dir.lastPathComponent == "MacOS" || dir.lastPathComponent == "Contents" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("datafi")
    }()

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("datafi-node-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Starts a node on `store` (default: `node.sqlite` in `directory`, created on first start).
    init(directory: URL, origin: String = "test.example/node", store: String? = nil, extra: [String] = []) throws {
        self.directory = directory
        self.origin = origin
        process.executableURL = Self.executable
        process.arguments = ["node", "serve", "--store", store ?? ("sqlite:" + directory.appendingPathComponent("node.sqlite").path),
                             "--listen", "127.0.0.1:0", "--operator-key", directory.appendingPathComponent("operator.key").path,
                             "--origin", origin] + extra
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        let handle = output.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "listening on ") else {
            process.terminate()
            throw StartFailure(message: "node did not start: \(text)")
        }
        url = String(text[range.upperBound...].prefix { !$0.isNewline })
    }

    struct StartFailure: Error { let message: String }

    /// The operator's key, as the node created it.
    func operatorKey() throws -> Signing.PrivateKey {
        try Signing.PrivateKey(rawRepresentation: Array(try Data(contentsOf: directory.appendingPathComponent("operator.key"))))
    }

    func client(verifying: Bool = true) throws -> LedgerClient {
        try LedgerClient(url: url, operatorKey: verifying ? try operatorKey().publicKey : nil)
    }

    /// SIGTERM, then the exit status.
    @discardableResult func stop() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL: no chance to flush or drain.
    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { if process.isRunning { process.terminate() } }
}

/// A raw HTTP exchange, for hostile requests and schema checks.
struct RawAnswer {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? CanonicalJSON.parse(body) }
}

func raw(_ method: HTTPMethod, _ url: String, body: [UInt8]? = nil) async throws -> RawAnswer {
    var request = HTTPClientRequest(url: url)
    request.method = method
    if let body {
        request.body = .bytes(ByteBuffer(bytes: body))
        request.headers.add(name: "content-type", value: "application/json")
    }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
    let buffer = try await response.body.collect(upTo: 64 << 20)
    return RawAnswer(status: Int(response.status.code), headers: response.headers, body: Array(buffer.readableBytesView))
}

/// Transfers of one raw unit each, signed by fresh accounts (nonce 0): refused by the market, logged.
func freshTransfers(_ count: Int, origin: String) throws -> [Envelope<Transaction>] {
    try (0..<count).map { _ in
        try Envelope.sign(.transfer(token: "ALITA", to: AccountID(publicKey: Signing.PrivateKey().publicKey), amount: .one),
                          origin: origin, nonce: 0, deadline: UInt64.max / 2, with: Signing.PrivateKey())
    }
}
