import DataFiPSIService
import Foundation

/// Shared parsing for the commands that serve or query over HTTP.
enum ServiceCLI {
    /// Splits `HOST:PORT` (IPv4 or a name; `[v6]:PORT` for IPv6).
    static func listen(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
              let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw CLIError("--listen expects HOST:PORT, got \(text)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    /// Prints the bound address once the server accepts connections (tests and scripts wait for it).
    static func announce(host: String, port: Int) {
        print("listening on http://\(host):\(port)")
        fflush(nil)
    }

    static func options(timeout: Double, retries: Int) throws -> PSIClientOptions {
        guard timeout > 0, timeout <= 86_400, (0...10).contains(retries) else {
            throw CLIError("--timeout must be in (0, 86400] seconds and --retries in 0...10")
        }
        return PSIClientOptions(timeout: timeout, retries: retries)
    }

    static func failure(_ error: PSIServiceError) -> CLIError {
        switch error {
        case .invalidURL: CLIError(error.description)
        case .unreachable: CLIError(error.description, exitCode: CLIExit.environment)
        default: CLIError(error.description)
        }
    }
}
