// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiPSIService
import Testing

@Test func readmeExample() async throws {
    // A PSI server on a free loopback port (port 0), and a client that queries it.
    let service = PSIService(items: ["alice", "bob"], key: .generate())
    let (ports, ready) = AsyncStream<Int>.makeStream()
    let server = Task {
        try await PSIServiceHost.run(psi: service, pjc: nil, host: "127.0.0.1", port: 0) { ready.yield($0) }
    }
    let port = await ports.first(where: { _ in true })!
    let answer = try await PSIServiceClient(url: "http://127.0.0.1:\(port)")
        .query(items: ["bob", "carol"], cardinalityOnly: false)          // answer.common == ["bob"]
    server.cancel()                                                      // stops the server

    // Checks (from the readme-test comment under the example).
    #expect(answer.common == ["bob"])
}
