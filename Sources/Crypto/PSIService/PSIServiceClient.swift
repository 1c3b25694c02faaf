import DataFiHTTPClient
import DataFiBigNum
import DataFiJointRisk
import DataFiPSI
import DataFiPaillier
import Foundation
import NIOCore
import NIOHTTP1

/// Why a call to a PSI or intersection-sum service failed.
public enum PSIServiceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The base URL is not an http(s) URL.
    case invalidURL(String)
    /// The server could not be reached or did not answer in time (after the retries).
    case unreachable(String)
    /// The server answered with an error status and message.
    case refused(status: Int, message: String)
    /// The answer is larger than the client accepts.
    case answerTooLarge(limit: Int)
    /// The answer failed the PSI checks.
    case malformedPSI(PSIError)
    /// The answer failed the intersection-sum checks.
    case malformedPJC(PJCError)
    /// The server's item domain is not the one this client hashes with.
    case domainMismatch(expected: String, actual: String)
    /// An answer lacks a required header or field.
    case missingField(String)

    /// A short English description.
    public var description: String {
        switch self {
        case .invalidURL(let url): "not an http(s) URL: \(url)"
        case .unreachable(let why): "server unreachable: \(why)"
        case .refused(let status, let message): "server refused (\(status)): \(message)"
        case .answerTooLarge(let limit): "answer larger than \(limit) bytes"
        case .malformedPSI(let error): "malformed PSI answer: \(error)"
        case .malformedPJC(let error): "malformed intersection-sum answer: \(error)"
        case .domainMismatch(let expected, let actual): "server hashes items under \(actual), expected \(expected)"
        case .missingField(let name): "answer lacks \(name)"
        }
    }
}

/// Client settings: per-request timeout and retries of failed connections.
public struct PSIClientOptions: Sendable {
    /// Time allowed for one request (connect, send, compute, receive), in seconds.
    public var timeout: Double
    /// Further attempts after a connection failure or timeout (never after the server answered, and
    /// never for the intersection-sum sum step, which the server accepts once).
    public var retries: Int
    /// Pause before the first retry, in seconds; doubled for each further retry.
    public var backoff: Double
    /// Largest answer accepted, in bytes.
    public var maxAnswerBytes: Int

    /// 120 s per request, 2 retries, 0.2 s back-off, answers up to 1 GiB.
    public init(timeout: Double = 120, retries: Int = 2, backoff: Double = 0.2, maxAnswerBytes: Int = 1 << 30) {
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.maxAnswerBytes = maxAnswerBytes
    }
}

/// Bytes a client sent and received (HTTP bodies only).
public struct WireCount: Sendable, Equatable {
    /// Request body bytes.
    public var sent = 0
    /// Response body bytes.
    public var received = 0
}

/// HTTP transport shared by the clients.
struct ServiceTransport: Sendable {
    let service: HTTPService

    init(base: String, options: PSIClientOptions) throws(PSIServiceError) {
        let call = HTTPCallOptions(timeout: options.timeout, retries: options.retries, backoff: options.backoff,
                                   maxAnswerBytes: options.maxAnswerBytes)
        do { service = try HTTPService(url: base, options: call) } catch { throw .invalidURL(base) }
    }

    /// Sends one request, retrying connection failures; returns the body and the headers.
    func call(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, headers: [(String, String)] = [],
              retry: Bool = true, count: inout WireCount) async throws(PSIServiceError) -> ([UInt8], HTTPHeaders) {
        let answer: HTTPAnswer
        do { answer = try await service.call(method, path, body: body, headers: headers, retry: retry) } catch {
            switch error {
            case .answerTooLarge(let limit): throw .answerTooLarge(limit: limit)
            case .unreachable(let why): throw .unreachable(why)
            case .invalidURL(let url): throw .invalidURL(url)
            }
        }
        count.sent += body?.count ?? 0
        count.received += answer.body.count
        guard answer.isSuccess else { throw .refused(status: answer.status, message: ServiceTransport.message(answer.body)) }
        return (answer.body, answer.headers)
    }

    static func message(_ bytes: [UInt8]) -> String {
        if let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], let message = object["message"] as? String {
            return message
        }
        return String(decoding: bytes.prefix(200), as: UTF8.self)
    }
}

/// A client of a ``PSIService``: fetches the server's setup once, then queries it.
public struct PSIServiceClient: Sendable {
    let transport: ServiceTransport

    /// A client for the service at `url` (e.g. `http://127.0.0.1:8080`).
    /// - Throws: `PSIServiceError.invalidURL`.
    public init(url: String, options: PSIClientOptions = .init()) throws(PSIServiceError) {
        transport = try ServiceTransport(base: url, options: options)
    }

    /// The server's item domain and item count.
    /// - Throws: `PSIServiceError`.
    public func info() async throws(PSIServiceError) -> (domain: String, items: Int) {
        var count = WireCount()
        let (bytes, _) = try await transport.call(.GET, "/psi/v1/info", count: &count)
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let domain = object["domain"] as? String, let items = object["items"] as? Int else {
            throw .missingField("domain/items")
        }
        return (domain, items)
    }

    /// The server's blinded set.
    /// - Throws: `PSIServiceError`.
    public func setup() async throws(PSIServiceError) -> PSISetup {
        var count = WireCount()
        let (bytes, _) = try await transport.call(.GET, "/psi/v1/setup", count: &count)
        do { return try PSISetup(serialized: bytes) } catch { throw .malformedPSI(error) }
    }

    /// The server's answer to `request`.
    /// - Throws: `PSIServiceError`.
    public func respond(to request: PSIRequest) async throws(PSIServiceError) -> PSIResponse {
        var count = WireCount()
        let (bytes, _) = try await transport.call(.POST, "/psi/v1/query", body: request.serialized, count: &count)
        do { return try PSIResponse(serialized: bytes) } catch { throw .malformedPSI(error) }
    }

    /// Runs a whole query: the client's items that the server holds (in the client's order), or only
    /// their number in cardinality mode (then `common` is empty). Checks first that the server hashes
    /// under `domain`.
    /// - Throws: `PSIServiceError`.
    public func query(items: [String], cardinalityOnly: Bool, domain: String = PSIServer.defaultDomain,
                      key: PSIKey = .generate()) async throws(PSIServiceError) -> (common: [String], count: Int) {
        let served = try await info()
        guard served.domain == domain else { throw .domainMismatch(expected: domain, actual: served.domain) }
        let client = PSIClient(key: key, items: items, domain: domain)
        let request = client.request(cardinalityOnly: cardinalityOnly)
        async let setupTask = setup()
        let response = try await respond(to: request)
        let setup: PSISetup
        do { setup = try await setupTask } catch let error as PSIServiceError { throw error } catch { throw .unreachable("\(error)") }
        do {
            if cardinalityOnly { return ([], try client.cardinality(setup: setup, response: response)) }
            let common = try client.intersectionStrings(setup: setup, response: response)
            return (common, common.count)
        } catch {
            throw .malformedPSI(error)
        }
    }
}

/// A lender's blacklist reached over HTTP, for `MultiLenderScreening`. The lender's service must
/// hash under `BlacklistCheck/domain` (`datafi psi serve --blacklist`).
public struct HTTPBlacklistEndpoint: BlacklistEndpoint {
    /// The lender's name.
    public let name: String
    let client: PSIServiceClient

    /// The lender `name` at `url`.
    /// - Throws: `PSIServiceError.invalidURL`.
    public init(name: String, url: String, options: PSIClientOptions = .init()) throws(PSIServiceError) {
        self.name = name
        client = try PSIServiceClient(url: url, options: options)
    }

    /// The lender's setup, after checking that it hashes under the blacklist domain.
    public func setup() async throws -> PSISetup {
        let info = try await client.info()
        guard info.domain == BlacklistCheck.domain else {
            throw PSIServiceError.domainMismatch(expected: BlacklistCheck.domain, actual: info.domain)
        }
        return try await client.setup()
    }

    /// The lender's answer.
    public func respond(to request: PSIRequest) async throws -> PSIResponse { try await client.respond(to: request) }
}

/// A client of a ``PJCService`` (party A).
public struct PJCServiceClient: Sendable {
    let transport: ServiceTransport

    /// A client for the service at `url`.
    /// - Throws: `PSIServiceError.invalidURL`.
    public init(url: String, options: PSIClientOptions = .init()) throws(PSIServiceError) {
        transport = try ServiceTransport(base: url, options: options)
    }

    /// Runs the intersection-sum protocol for `items`: the intersection size and the sum of the
    /// server's values over it, with the bytes sent and received.
    /// - Throws: `PSIServiceError`.
    public func query(items: [String]) async throws(PSIServiceError) -> (PJCResult, WireCount) {
        var count = WireCount()
        let client = PJCClient(items: items)
        let request = client.request()
        let (setupBytes, _) = try await transport.call(.GET, "/pjc/v1/setup", count: &count)
        let setup: PJCSetup
        do { setup = try PJCSetup(serialized: setupBytes) } catch { throw .malformedPJC(error) }
        let (responseBytes, headers) = try await transport.call(.POST, "/pjc/v1/query", body: request.serialized, count: &count)
        guard let session = headers.first(name: "x-pjc-session") else { throw .missingField("x-pjc-session header") }
        do {
            let response = try PJCPoints(serialized: responseBytes, response: true)
            let (sumRequest, mask) = try client.maskedSum(setup: setup, response: response)
            let width = (setup.publicKey.bits + 7) / 8
            let (answerBytes, _) = try await transport.call(.POST, "/pjc/v1/sum", body: sumRequest.serialized(width: width),
                                                            headers: [("x-pjc-session", session)], retry: false, count: &count)
            let answer = try PJCSumResponse(serialized: answerBytes, key: setup.publicKey)
            let result = try client.result(answer, mask: mask, key: setup.publicKey, intersectionSize: sumRequest.intersectionSize)
            return (result, count)
        } catch let error as PJCError {
            throw .malformedPJC(error)
        } catch let error as PSIServiceError {
            throw error
        } catch {
            throw .unreachable("\(error)")
        }
    }
}
