import Foundation
import Testing

/// Runs the `datafi` executable built beside the test bundle.
struct CLIRunner {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let executable: URL = {
        if let path = ProcessInfo.processInfo.environment["DATAFI_BIN"] { return URL(fileURLWithPath: path) }
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = me.deletingLastPathComponent()
        // On macOS the tests live inside an .xctest bundle; walk up to the products folder.
        while dir.pathExtension == "xctest" || dir.lastPathComponent == "MacOS" || dir.lastPathComponent == "Contents" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("datafi")
    }()

    /// Runs `datafi` with `arguments`, feeding `stdin`, and waits for it to exit.
    static func run(_ arguments: [String], stdin: Data = Data(), cwd: URL? = nil, program: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = program ?? executable
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = cwd }
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read both streams concurrently so a full pipe never blocks the child.
        nonisolated(unsafe) var errData = Data()
        let errThread = Thread { errData = error.fileHandleForReading.readDataToEndOfFile() }
        errThread.start()
        try input.fileHandleForWriting.write(contentsOf: stdin)
        try input.fileHandleForWriting.close()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errThread.isFinished { Thread.sleep(forTimeInterval: 0.001) }
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    static func run(_ arguments: [String], stdin: String) throws -> Result {
        try run(arguments, stdin: Data(stdin.utf8))
    }

    /// A fresh temporary directory for files a test writes.
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("datafi-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

@Test func helpListsTheAreas() throws {
    let result = try CLIRunner.run(["--help"])
    #expect(result.status == 0)
    for area in ["keys", "seal", "amm", "zk", "psi", "score", "rank", "dp", "demo"] {
        #expect(result.stdout.contains(area))
    }
}

@Test func unknownSubcommandFailsCleanly() throws {
    let result = try CLIRunner.run(["no-such-command"])
    #expect(result.status != 0)
    #expect(!result.stderr.isEmpty)
}
