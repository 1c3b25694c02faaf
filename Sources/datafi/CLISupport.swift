import ArgumentParser
import DataFiSupport
import Foundation

/// The tool's exit codes, the same for every subcommand.
enum CLIExit {
    /// Success, or the input is valid.
    static let success: Int32 = 0
    /// A negative verdict: a signature or proof does not verify, a check fails.
    static let negative: Int32 = 1
    /// Malformed input or a usage error.
    static let malformed: Int32 = 2
    /// The environment failed: an output could not be written, a file could not be read.
    static let environment: Int32 = 3
}

/// A failure reported as one line on stderr; malformed input (exit code 2) unless said otherwise.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    let exitCode: Int32
    init(_ description: String, exitCode: Int32 = CLIExit.malformed) {
        self.description = description
        self.exitCode = exitCode
    }
}

enum CLIIO {
    /// Upper bound on any single input the tool reads (files or stdin).
    static let maxInputBytes = 256 << 20

    /// Reads a whole file, or standard input when `path` is nil or "-".
    static func read(_ path: String?) throws -> Data {
        let data: Data
        let name = path.flatMap { $0 == "-" ? nil : $0 }
        do {
            if let name {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: name, isDirectory: &isDirectory), !isDirectory.boolValue,
                      let handle = FileHandle(forReadingAtPath: name) else { throw CLIError("cannot read \(name)") }
                defer { try? handle.close() }
                data = try handle.read(upToCount: maxInputBytes + 1) ?? Data()
            } else {
                data = try FileHandle.standardInput.read(upToCount: maxInputBytes + 1) ?? Data()
            }
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("cannot read \(name ?? "standard input")")
        }
        guard data.count <= maxInputBytes else { throw CLIError("input larger than \(maxInputBytes) bytes") }
        return data
    }

    /// Reads a secret key file. Refused: standard input, and a file that group or others may read or
    /// write (as ssh does: a key others could read is no longer secret; `chmod 600` it).
    static func readSecret(_ path: String) throws -> Data {
        guard path != "-" else { throw CLIError("a secret key must come from a file, not standard input") }
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_mode & 0o077 != 0 {
            throw CLIError("key file \(path) has mode \(String(info.st_mode & 0o777, radix: 8)): readable or writable by "
                + "group or others; restrict it with chmod 600 \(path)")
        }
        return try read(path)
    }

    /// Reads UTF-8 text from a file or standard input.
    static func readText(_ path: String?) throws -> String {
        guard let text = String(data: try read(path), encoding: .utf8) else {
            throw CLIError("input is not valid UTF-8")
        }
        return text
    }

    /// Writes `data` to `path` atomically (temporary file, fsync, rename).
    ///
    /// A `secret` file gets mode 0600 and an existing file is never replaced unless `force` is set.
    /// A path that is also one of `inputs` or a symbolic link is refused.
    static func write(_ data: Data, to path: String, secret: Bool = false, force: Bool = false,
                      inputs: [String?] = []) throws {
        do {
            try AtomicFile.write(data, to: path, mode: secret ? 0o600 : 0o644,
                                 overwrite: secret && !force ? .refuse : .replace,
                                 inputs: inputs.compactMap { $0 == "-" ? nil : $0 })
        } catch let error {
            switch error {
            case .exists:
                throw CLIError("\(error)\(secret ? " (pass --force to replace a secret)" : "")")
            case .io: throw CLIError("\(error)", exitCode: CLIExit.environment)
            default: throw CLIError("\(error)")
            }
        }
    }

    /// Streams a file to `path` atomically (see `write`): `body` appends to the sink piece by piece, so a
    /// large output is never built whole in memory.
    static func write(to path: String, secret: Bool = false, force: Bool = false, inputs: [String?] = [],
                      _ body: (inout AtomicFileSink) throws -> Void) throws {
        do {
            try AtomicFile.write(to: path, mode: secret ? 0o600 : 0o644, overwrite: secret && !force ? .refuse : .replace,
                                 inputs: inputs.compactMap { $0 == "-" ? nil : $0 }, body)
        } catch let error as AtomicFileError {
            switch error {
            case .exists:
                throw CLIError("\(error)\(secret ? " (pass --force to replace a secret)" : "")")
            case .io: throw CLIError("\(error)", exitCode: CLIExit.environment)
            default: throw CLIError("\(error)")
            }
        }
    }

    /// Standard output in 1 MiB chunks: a large answer is streamed, not built whole.
    struct StdoutStream {
        private var buffer: [UInt8] = []
        mutating func write(_ text: String) throws {
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 1 << 20 { try flush() }
        }
        mutating func flush() throws {
            guard !buffer.isEmpty else { return }
            try CLIIO.writeStdout(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Writes bytes to standard output; a failed write (a closed pipe, a full disk) is an error.
    static func writeStdout(_ bytes: some Collection<UInt8>) throws {
        fflush(nil)
        do {
            try AtomicFile.writeAll(fd: 1, bytes: Array(bytes), path: "standard output")
        } catch {
            throw CLIError("\(error)", exitCode: CLIExit.environment)
        }
    }

    /// Prints one JSON object on stdout with sorted keys.
    static func printJSON(_ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }

    /// Prints a message on stderr; a failed write there is ignored (there is nowhere left to report it).
    static func printError(_ message: String) {
        let line = Array((message + "\n").utf8)
        fflush(nil)
        try? AtomicFile.writeAll(fd: 2, bytes: line, path: "standard error")
    }
}

/// The process entry point: runs the command, maps errors to the exit codes of `CLIExit`, and reports
/// an output that could not be written (a closed pipe, a full device) instead of exiting 0.
@main
enum DataFiMain {
    static func main() async {
        signal(SIGPIPE, SIG_IGN)
        var code = CLIExit.success
        do {
            var command = try DataFiCommand.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            CLIIO.printError("datafi: \(error.description)")
            code = error.exitCode
        } catch let error as ExitCode {
            code = error.rawValue
        } catch {
            let message = DataFiCommand.fullMessage(for: error)
            let exit = DataFiCommand.exitCode(for: error).rawValue
            if !message.isEmpty {
                if exit == 0 {
                    print(message)
                } else {
                    // One line, like every other error: ArgumentParser's first line names the problem.
                    let first = message.split(separator: "\n").first.map(String.init) ?? message
                    CLIIO.printError("datafi: " + first.replacingOccurrences(of: "Error: ", with: "") + " (see --help)")
                }
            }
            // Usage errors (ArgumentParser's 64, or 1) are malformed input: exit 2, as documented.
            code = exit == 0 ? CLIExit.success : CLIExit.malformed
        }
        if fflush(nil) != 0 || standardOutputFailed() {
            CLIIO.printError("datafi: cannot write standard output: \(String(cString: strerror(errno)))")
            if code == CLIExit.success { code = CLIExit.environment }
        }
        exit(code)
    }

    /// Whether C's `stdout` stream (which `print` writes) has seen a write error. Swift 6 refuses a direct
    /// reference to the C global, so its address comes from the dynamic linker.
    static func standardOutputFailed() -> Bool {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "stdout"),
              let stream = symbol.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee else { return false }
        return ferror(stream) != 0
    }
}

/// Strict number parsing for options (`@Option(transform: StrictArgument.int)`): decimal only, so `0x10`,
/// `+5`, `inf` and `nan` are refused where ArgumentParser's default (Swift's `Int(_:)`/`Double(_:)`) would
/// take them; the error names the value, shortened.
enum StrictArgument {
    static func int(_ text: String) throws -> Int {
        guard let value = DecimalText.integer(text, as: Int.self) else { throw refusal(text, "a decimal integer") }
        return value
    }

    static func uint64(_ text: String) throws -> UInt64 {
        guard let value = DecimalText.integer(text, as: UInt64.self) else {
            throw refusal(text, "a decimal integer in 0...18446744073709551615")
        }
        return value
    }

    static func double(_ text: String) throws -> Double {
        guard let value = DecimalText.double(text) else { throw refusal(text, "a finite decimal number") }
        return value
    }

    static func float(_ text: String) throws -> Float {
        guard let value = DecimalText.double(text).map(Float.init), value.isFinite else {
            throw refusal(text, "a finite decimal number")
        }
        return value
    }

    private static func refusal(_ text: String, _ expected: String) -> ValidationError {
        ValidationError("\"\(Truncated.text(text, 40))\" is not \(expected)")
    }
}
