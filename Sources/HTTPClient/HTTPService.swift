import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Per-request timeout, retries of failed connections and the largest answer accepted.
public struct HTTPCallOptions: Sendable, Equatable {
    /// Time allowed for one request (connect, send, server work, receive), in seconds.
    public var timeout: Double
    /// Further attempts after a connection failure or timeout, for calls that allow retries. Never
    /// after the server answered: an answer, whatever its status, is returned.
    public var retries: Int
    /// Pause before the first retry, in seconds; doubled for each further retry.
    public var backoff: Double
    /// Largest answer body accepted, in bytes.
    public var maxAnswerBytes: Int

    /// Creates options; see each property.
    public init(timeout: Double, retries: Int = 2, backoff: Double = 0.2, maxAnswerBytes: Int) {
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.maxAnswerBytes = maxAnswerBytes
    }
}

/// Why a call got no answer.
public enum HTTPCallError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The base URL is not `http(s)://host[:port][/path]`.
    case invalidURL(String)
    /// The answer body was larger than `HTTPCallOptions.maxAnswerBytes`.
    case answerTooLarge(limit: Int)
    /// No answer: the connection failed or timed out on every attempt (the last failure's text).
    case unreachable(String)

    /// A one-line description.
    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid service URL \(url.prefix(200).debugDescription)"
        case .answerTooLarge(let limit): "answer larger than \(limit) bytes"
        case .unreachable(let why): "service unreachable: \(why)"
        }
    }
}

/// A server's answer: status, headers and the whole body.
public struct HTTPAnswer: Sendable {
    /// The HTTP status code.
    public let status: Int
    /// The response headers.
    public let headers: HTTPHeaders
    /// The response body.
    public let body: [UInt8]

    /// True for a 2xx status.
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// One HTTP service at a base URL, called through the process's one shared client: the SDK's network
/// clients (PSI, ledger node) share its timeouts, bounded answers and retry rule.
public struct HTTPService: Sendable {
    /// The base URL without trailing slashes; paths are appended to it.
    public let base: String
    /// Timeouts, retries and answer limit.
    public let options: HTTPCallOptions

    /// A service at `url` (`http://host:port`, `https://…`, optionally with a path prefix).
    /// - Throws: `HTTPCallError.invalidURL` for any other scheme, no host, or an unparsable URL.
    public init(url: String, options: HTTPCallOptions) throws(HTTPCallError) {
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let parsed = URL(string: trimmed), let scheme = parsed.scheme, ["http", "https"].contains(scheme),
            parsed.host != nil
        else { throw .invalidURL(url) }
        base = trimmed
        self.options = options
    }

    /// Sends one request and returns the answer, whatever its status.
    ///
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - path: appended to the base URL (starts with `/`).
    ///   - body: the request body, sent with `contentType`; none when `nil`.
    ///   - contentType: the body's media type.
    ///   - headers: further request headers.
    ///   - retry: whether connection failures and timeouts are retried (`options.retries` times, with
    ///     doubling back-off); only for requests that are safe to repeat.
    /// - Throws: `HTTPCallError.answerTooLarge`, or `.unreachable` after the last attempt.
    public func call(
        _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil,
        contentType: String = "application/octet-stream", headers: [(String, String)] = [],
        retry: Bool
    ) async throws(HTTPCallError) -> HTTPAnswer {
        var attempt = 0
        while true {
            var request = HTTPClientRequest(url: base + path)
            request.method = method
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if let body {
                request.body = .bytes(ByteBuffer(bytes: body))
                request.headers.add(name: "content-type", value: contentType)
            }
            do {
                let response = try await sharedHTTPClient.execute(
                    request, timeout: .milliseconds(Int64(options.timeout * 1000)))
                let buffer: ByteBuffer
                do {
                    buffer = try await response.body.collect(upTo: options.maxAnswerBytes)
                } catch is NIOTooManyBytesError {
                    throw HTTPCallError.answerTooLarge(limit: options.maxAnswerBytes)
                }
                return HTTPAnswer(
                    status: Int(response.status.code), headers: response.headers,
                    body: Array(buffer.readableBytesView))
            } catch let error as HTTPCallError {
                throw error
            } catch {
                attempt += 1
                guard retry, attempt <= options.retries else { throw .unreachable("\(error)") }
                let pause = options.backoff * Double(1 << min(attempt - 1, 10))
                try? await Task.sleep(nanoseconds: UInt64(pause * 1e9))
            }
        }
    }
}

/// One HTTP client for the process: connection failures fail at once (no background reconnection until a
/// deadline, so retries stay the caller's), and enough connections per host for concurrent callers.
let sharedHTTPClient: HTTPClient = {
    var configuration = HTTPClient.Configuration()
    configuration.timeout.connect = .seconds(10)
    configuration.connectionPool.retryConnectionEstablishment = false
    configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}()
