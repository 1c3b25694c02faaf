import DataFiHTTPClient
import Foundation
import Hummingbird
import NIOCore
import Testing

/// A loopback server: `/echo` answers the request body, `/big` 64 KiB, `/teapot` status 418 with a body.
private func withServer(_ body: @Sendable (String) async throws -> Void) async throws {
    let router = Router()
    router.post("/echo") { request, _ -> Response in
        let bytes = try await request.body.collect(upTo: 1 << 20)
        return Response(
            status: .ok, headers: [.contentType: request.headers[.contentType] ?? ""],
            body: ResponseBody(byteBuffer: bytes))
    }
    router.get("/big") { _, _ -> Response in
        Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(repeating: 7, count: 1 << 16)))
    }
    router.get("/teapot") { _, _ -> Response in
        Response(status: .init(code: 418), body: ResponseBody(byteBuffer: ByteBuffer(string: "short and stout")))
    }
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
    let server = Task { try await app.runService() }
    defer { server.cancel() }
    var ports = stream.makeAsyncIterator()
    guard let port = await ports.next() else { throw CancellationError() }
    try await body("http://127.0.0.1:\(port)")
}

private let options = HTTPCallOptions(timeout: 10, retries: 2, backoff: 0.01, maxAnswerBytes: 1 << 12)

@Test func onlyHTTPURLsWithAHostAreAccepted() throws {
    for bad in [
        "", "ftp://example.org", "file:///etc/passwd", "http://", "localhost:8080", "not a url", "javascript:alert(1)",
    ] {
        #expect(throws: HTTPCallError.invalidURL(bad)) { try HTTPService(url: bad, options: options) }
    }
    #expect(
        try HTTPService(url: "https://node.example:8443/api///", options: options).base
            == "https://node.example:8443/api")
}

@Test func answersComeBackWhateverTheirStatus() async throws {
    try await withServer { url in
        let service = try HTTPService(url: url + "/", options: options)
        let echo = try await service.call(
            .POST, "/echo", body: Array("ping".utf8), contentType: "text/plain", retry: false)
        #expect(
            echo.isSuccess && echo.body == Array("ping".utf8)
                && echo.headers.first(name: "content-type") == "text/plain")
        // A refusal is an answer, not an error, and is never retried.
        let teapot = try await service.call(.GET, "/teapot", retry: true)
        #expect(
            teapot.status == 418 && !teapot.isSuccess
                && String(decoding: teapot.body, as: UTF8.self) == "short and stout")
        // An answer past the limit is refused, not truncated.
        await #expect(throws: HTTPCallError.answerTooLarge(limit: 1 << 12)) {
            try await service.call(.GET, "/big", retry: true)
        }
        let roomy = try HTTPService(url: url, options: HTTPCallOptions(timeout: 10, maxAnswerBytes: 1 << 16))
        #expect(try await roomy.call(.GET, "/big", retry: false).body.count == 1 << 16)
    }
}

@Test func aClosedPortIsUnreachableAfterTheRetries() async throws {
    // Bind and close a socket to find a port nobody listens on.
    let port = try closedPort()
    let service = try HTTPService(url: "http://127.0.0.1:\(port)", options: options)
    let clock = ContinuousClock()
    let start = clock.now
    await #expect(throws: HTTPCallError.self) { try await service.call(.GET, "/", retry: true) }
    // Two retries wait 0.01 s and 0.02 s: the back-off was taken, and nothing hung.
    let elapsed = clock.now - start
    #expect(elapsed >= .milliseconds(30) && elapsed < .seconds(10))
    do { _ = try await service.call(.GET, "/", retry: false) } catch {
        guard case .unreachable = error else { Issue.record("expected unreachable, got \(error)"); return }
    }
}

private func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard bound else { throw CancellationError() }
    return Int(UInt16(bigEndian: address.sin_port))
}
