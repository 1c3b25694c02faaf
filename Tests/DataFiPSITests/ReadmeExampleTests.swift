// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiPSI
import DataFiPaillier
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

    // Checks (from the readme-test comment under this part of the example).
    #expect(common == ["bob", "carol"])

    let merchant = PJCServer(items: [("alice", 120), ("bob", 80), ("erin", 5)],
                             paillier: try PaillierPrivateKey.generate(bits: 2048))
    let lender = PJCClient(items: ["alice", "bob", "dave"])
    let result = try IntersectionSum.run(client: lender, server: merchant)
    // result.intersectionSize == 2, result.intersectionSum == 200

    // Checks (from the readme-test comment under the example).
    #expect(result.intersectionSize == 2)
    #expect(result.intersectionSum == 200)
}
