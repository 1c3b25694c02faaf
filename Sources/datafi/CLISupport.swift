import Foundation

/// A failure reported as one line on stderr with exit code 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
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

    /// Reads UTF-8 text from a file or standard input.
    static func readText(_ path: String?) throws -> String {
        guard let text = String(data: try read(path), encoding: .utf8) else {
            throw CLIError("input is not valid UTF-8")
        }
        return text
    }

    /// Writes `data` to `path`; `secret` files are created with mode 0600.
    static func write(_ data: Data, to path: String, secret: Bool = false) throws {
        let mode: mode_t = secret ? 0o600 : 0o644
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        if secret { fchmod(fd, 0o600) }
        let written = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else { throw CLIError("short write to \(path)") }
    }

    /// Prints one JSON object on stdout with sorted keys.
    static func printJSON(_ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }

    /// Prints a message on stderr.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
