// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiHTTPClient
import Testing

@Test func readmeExample() async throws {
    let options = HTTPCallOptions(timeout: 5, retries: 1, backoff: 0.01, maxAnswerBytes: 1 << 20)
    let node = try HTTPService(url: "http://127.0.0.1:9/", options: options)   // nothing listens on port 9
    var outcome = ""
    do { _ = try await node.call(.GET, "/healthz", retry: true) } catch { outcome = "\(error)" }

    // Checks (from the readme-test comment under the example).
    #expect(node.base == "http://127.0.0.1:9")
    #expect(outcome.hasPrefix("service unreachable"))
    #expect(throws: HTTPCallError.invalidURL("ftp://example.org")) { try HTTPService(url: "ftp://example.org", options: options) }
}
