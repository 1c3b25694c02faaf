import DataFiLedger
import Dispatch
import Foundation
import Hummingbird
import NIOCore

/// A client mistake or an unavailable node, answered as `{"error": code, "message": text}`.
public struct NodeRefusal: Error, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// A stable short code (`bad_query`, `body_too_large`, …).
    public let code: String
    /// A one-line explanation.
    public let message: String
    /// Seconds a client should wait before retrying (sent as `Retry-After`), for 503 answers.
    public let retryAfter: Int?

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    /// The answer to a ledger error: 400 for the client's input (413 when too large), 503 with
    /// `Retry-After` when the store failed.
    init(_ error: LedgerError) {
        switch error {
        case .storage, .corrupt, .state:
            self.init(.serviceUnavailable, error.code, error.description, retryAfter: 1)
        case .tooLarge:
            self.init(.contentTooLarge, error.code, error.description)
        default:
            self.init(.badRequest, error.code, error.description)
        }
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    var response: Response {
        var response = NodeHTTP.json(.object([("error", .string(code)), ("message", .string(message))]), status: status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}

/// Turns every error a route or the router throws (unknown route, wrong method) into the error shape.
struct ErrorShapeMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let refusal as NodeRefusal {
            return refusal.response
        } catch let error as HTTPError {
            let code: String = switch error.status {
            case .notFound: "not_found"
            case .methodNotAllowed: "method_not_allowed"
            case .contentTooLarge: "body_too_large"
            default: error.status.code < 500 ? "bad_request" : "internal"
            }
            let text = error.body ?? (error.status == .notFound ? "no route \(request.method) \(request.uri.path)" : error.status.reasonPhrase)
            return NodeRefusal(error.status, code, text).response
        } catch let error as LedgerError {
            return NodeRefusal(error).response
        }
    }
}

enum NodeHTTP {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: CanonicalJSON.serialize(value))))
    }

    static func text(_ text: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func b64(_ bytes: [UInt8]) -> JSONValue { .string(Data(bytes).base64EncodedString()) }
    static func int(_ v: UInt64) -> JSONValue { .number(String(v)) }
    static func hashes(_ list: [LogHash]) -> JSONValue { .array(list.map { b64($0) }) }

    /// A query parameter as a canonical decimal UInt64; `fallback` when absent.
    static func uint(_ request: Request, _ name: String, fallback: UInt64? = nil) throws(NodeRefusal) -> UInt64 {
        let values = request.uri.queryParameters.getAll(name)
        guard let text = values.first else {
            guard let fallback else { throw NodeRefusal(.badRequest, "bad_query", "query parameter \(name) is required") }
            return fallback
        }
        guard values.count == 1 else { throw NodeRefusal(.badRequest, "bad_query", "query parameter \(name) given twice") }
        guard let v = UInt64(text), String(v) == text else {
            throw NodeRefusal(.badRequest, "bad_query", "query parameter \(name) must be a decimal integer in 0...2^64-1")
        }
        return v
    }

    /// An optional query parameter as a canonical decimal UInt64.
    static func optionalUInt(_ request: Request, _ name: String) throws(NodeRefusal) -> UInt64? {
        request.uri.queryParameters.getAll(name).isEmpty ? nil : try uint(request, name)
    }

    /// Runs blocking work (SQLite reads, replays, signing) on Dispatch's pool, off the event loops.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
            }
        }
    }
}
