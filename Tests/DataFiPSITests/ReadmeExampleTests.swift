// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiPSI
import Testing

@Test func readmeExample() throws {
    // Server (e.g. a lender holding a blacklist) and client each keep a secret key.
    let server = PSIServer(key: .generate(), items: ["alice", "bob", "carol"])
    let client = PSIClient(key: .generate(), items: ["bob", "dave", "carol"])

    let setup = server.setup().serialized                 // server → client
    let request = client.request().serialized             // client → server
    let response = try server.respond(to: PSIRequest(serialized: request)).serialized  // server → client

    let common = try client.intersectionStrings(setup: PSISetup(serialized: setup),
                                                response: PSIResponse(serialized: response))  // ["bob", "carol"]

    // Checks (from the readme-test comment under the example).
    #expect(common == ["bob", "carol"])
}
