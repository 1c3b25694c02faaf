import Testing
import DataFiPSI

@Suite struct PSIReadmeExampleTests {
    @Test func readmeExample() throws {
        // Server (e.g. a lender holding a blacklist) and client each keep a secret key.
        let server = PSIServer(key: .generate(), items: ["alice", "bob", "carol"])
        let client = PSIClient(key: .generate(), items: ["bob", "dave", "carol"])

        let setup = server.setup().serialized                 // server → client
        let request = client.request().serialized             // client → server
        let response = try server.respond(to: PSIRequest(serialized: request)).serialized  // server → client

        let common = try client.intersectionStrings(setup: PSISetup(serialized: setup),
                                                    response: PSIResponse(serialized: response))
        #expect(common == ["bob", "carol"])
    }
}
