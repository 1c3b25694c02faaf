import AsyncHTTPClient
import Foundation
import NIOCore
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
    let base: String
    let identity: NodeIdentity
    let options: FleetClientOptions

    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(10)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    package init(superlink: String, identity: NodeIdentity, options: FleetClientOptions) {
        var trimmed = superlink
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        base = trimmed + "/v1/fleet/"
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
            var http = HTTPClientRequest(url: base + method)
            http.method = .POST
            http.body = .bytes(ByteBuffer(bytes: body))
            http.headers.add(name: "content-type", value: "application/protobuf")
            http.headers.add(name: "accept", value: "application/protobuf")
            for (name, value) in identity.headers() { http.headers.add(name: name, value: value) }
            var failure: FlowerError
            do {
                let response = try await Self.http.execute(http, timeout: .milliseconds(Int64(options.timeout * 1000)))
                let buffer = try await response.body.collect(upTo: options.maxAnswerBytes)
                let status = Int(response.status.code)
                if status == 200 {
                    do { return try Response(serializedBytes: Array(buffer.readableBytesView)) } catch {
                        throw FlowerError.malformedResponse(method: method)
                    }
                }
                failure = .httpStatus(method: method, status: status)
                guard status >= 500 else { throw failure }
            } catch let error as FlowerError {
                throw error
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
