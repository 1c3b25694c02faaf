import DataFiHTTPClient
import Foundation
import SwiftProtobuf

/// Timeouts and retries of Fleet API calls.
public struct FleetClientOptions: Sendable, Equatable {
    /// Seconds one call may take.
    public var timeout: Double
    /// Retries of a call that failed in transport or with a 5xx status.
    public var retries: Int
    /// First retry delay in seconds; doubled for each further retry (at most 30 s).
    public var backoff: Double
    /// Largest answer accepted, in bytes.
    public var maxAnswerBytes: Int

    /// Creates options (defaults: 30 s, 5 retries, 0.5 s backoff, 16 MiB answers).
    public init(timeout: Double = 30, retries: Int = 5, backoff: Double = 0.5, maxAnswerBytes: Int = 16 << 20) {
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.maxAnswerBytes = maxAnswerBytes
    }
}

/// The Fleet API of a Flower 1.42 SuperLink: `POST /v1/fleet/<method>` with a protobuf body and the node's
/// authentication headers.
package struct FleetClient: Sendable {
    let service: HTTPService
    let identity: NodeIdentity
    let options: FleetClientOptions

    package init(superlink: String, identity: NodeIdentity, options: FleetClientOptions) throws(FlowerError) {
        let call = HTTPCallOptions(timeout: options.timeout, retries: 0, maxAnswerBytes: options.maxAnswerBytes)
        do { service = try HTTPService(url: superlink, options: call) } catch { throw .invalidSuperLinkURL(superlink) }
        self.identity = identity
        self.options = options
    }

    /// One call, retried with exponential backoff after transport failures and 5xx answers.
    package func call<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ method: String, _ request: Request, as: Response.Type
    ) async throws(FlowerError) -> Response {
        let body = FlowerObjects.serialize(request)
        var attempt = 0
        while true {
            // Headers are made per attempt: the signature covers a fresh timestamp.
            let headers = [("accept", "application/protobuf")] + identity.headers()
            var failure: FlowerError
            do {
                let answer = try await service.call(
                    .POST, "/v1/fleet/" + method, body: body, contentType: "application/protobuf", headers: headers,
                    retry: false)
                if answer.status == 200 {
                    guard let response = try? Response(serializedBytes: answer.body) else {
                        throw FlowerError.malformedResponse(method: method)
                    }
                    return response
                }
                failure = .httpStatus(method: method, status: answer.status)
                guard answer.status >= 500 else { throw failure }
            } catch let error as FlowerError {
                throw error
            } catch HTTPCallError.answerTooLarge {
                throw .malformedResponse(method: method)
            } catch {
                failure = .transport(method: method)
            }
            attempt += 1
            guard attempt <= options.retries, !Task.isCancelled else { throw failure }
            let delay = min(30, options.backoff * Double(1 << min(attempt - 1, 16)))
            try? await Task.sleep(nanoseconds: UInt64(delay * 1e9))
        }
    }
}
