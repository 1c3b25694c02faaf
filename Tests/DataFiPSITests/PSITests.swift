import DataFiSodium
import PropertyBased
import Testing
@testable import DataFiPSI

@Suite struct PSITests {
    /// Runs the whole protocol through serialized messages, as two processes would.
    private func run(client clientItems: [String], server serverItems: [String], cardinalityOnly: Bool = false)
        throws -> (intersection: [String]?, cardinality: Int) {
        let server = PSIServer(key: .generate(), items: serverItems)
        let client = PSIClient(key: .generate(), items: clientItems)
        let setup = try PSISetup(serialized: server.setup().serialized)
        let request = try PSIRequest(serialized: client.request(cardinalityOnly: cardinalityOnly).serialized)
        let response = try PSIResponse(serialized: server.respond(to: request).serialized)
        let count = try client.cardinality(setup: setup, response: response)
        if cardinalityOnly {
            #expect(throws: PSIError.onlyCardinalityAvailable) { try client.intersection(setup: setup, response: response) }
            return (nil, count)
        }
        return (try client.intersectionStrings(setup: setup, response: response), count)
    }

    private func expected(_ client: [String], _ server: [String]) -> [String] {
        let serverSet = Set(server)
        var seen = Set<String>()
        return client.filter { serverSet.contains($0) && seen.insert($0).inserted }
    }

    @Test func matchesPlainIntersectionOnRandomSets() async {
        await propertyCheck(count: 25, input: Gen.int(in: 0...30).array(of: 0...25), Gen.int(in: 0...30).array(of: 0...25)) { a, b throws in
            let client = a.map { "item-\($0)" }, server = b.map { "item-\($0)" }
            let (intersection, cardinality) = try run(client: client, server: server)
            #expect(intersection == expected(client, server))
            #expect(cardinality == expected(client, server).count)
        }
    }

    @Test func edgeCases() throws {
        let items = (0..<20).map { "user\($0)@example.com" }
        #expect(try run(client: [], server: items).intersection == [])
        #expect(try run(client: items, server: []).intersection == [])
        #expect(try run(client: [], server: []).intersection == [])
        #expect(try run(client: items, server: items.map { $0 + "x" }).intersection == [])
        #expect(try run(client: items, server: items.reversed()).intersection == items)
        let duplicated = items + items + items
        #expect(try run(client: duplicated, server: duplicated).intersection == items)
        #expect(try run(client: items, server: items, cardinalityOnly: true).cardinality == 20)
        #expect(try run(client: ["a", "b", "c"], server: ["b", "c", "d"], cardinalityOnly: true).cardinality == 2)
        // Items are exact byte strings: case and whitespace matter.
        #expect(try run(client: ["Alice", "bob "], server: ["alice", "bob"]).intersection == [])
    }

    @Test func cardinalityResponseIsShuffled() throws {
        let items = (0..<64).map { "x\($0)" }
        let server = PSIServer(key: .generate(), items: items)
        let client = PSIClient(key: .generate(), items: items)
        let ordered = server.respond(to: client.request())
        let shuffled = server.respond(to: client.request(cardinalityOnly: true))
        #expect(!ordered.shuffled && shuffled.shuffled)
        #expect(ordered.elements != shuffled.elements)
        #expect(Set(stride(from: 0, to: 64 * 32, by: 32).map { Array(ordered.elements[$0..<$0 + 32]) })
                == Set(stride(from: 0, to: 64 * 32, by: 32).map { Array(shuffled.elements[$0..<$0 + 32]) }))
        // The server can force cardinality mode.
        #expect(server.respond(to: client.request(), forceCardinalityOnly: true).shuffled)
    }

    @Test func blindedElementsRevealNothingDirectly() {
        // Same items under different keys give unrelated elements; the request differs from the setup.
        let items = ["alice", "bob"]
        let a = PSIClient(key: .generate(), items: items).request()
        let b = PSIClient(key: .generate(), items: items).request()
        #expect(a.elements != b.elements)
    }

    @Test func keyEncoding() throws {
        let key = PSIKey.generate()
        let again = try PSIKey(bytes: key.bytes)
        #expect(again.bytes == key.bytes)
        #expect(throws: PSIError.invalidKey) { try PSIKey(bytes: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: PSIError.invalidKey) { try PSIKey(bytes: [UInt8](repeating: 0xff, count: 32)) }
        #expect(throws: PSIError.invalidKey) { try PSIKey(bytes: [1, 2, 3]) }
    }

    @Test func decodingRejectsHostileMessages() async throws {
        let server = PSIServer(key: .generate(), items: ["a", "b", "c"])
        let good = server.setup().serialized
        #expect(try PSISetup(serialized: good).count == 3)
        #expect(throws: PSIError.truncated(expected: 7, actual: 0)) { try PSISetup(serialized: []) }
        #expect(throws: PSIError.truncated(expected: 7 + 96, actual: good.count - 1)) {
            try PSISetup(serialized: good.dropLast())
        }
        #expect(throws: PSIError.trailingBytes(1)) { try PSISetup(serialized: good + [0]) }
        var badVersion = good; badVersion[0] = 2
        #expect(throws: PSIError.unsupportedVersion(2)) { try PSISetup(serialized: badVersion) }
        #expect(throws: PSIError.wrongMessageType(expected: 2, actual: 1)) { try PSIRequest(serialized: good) }
        var badFlag = good; badFlag[2] = 7
        #expect(throws: PSIError.invalidFlag(7)) { try PSISetup(serialized: badFlag) }
        // A huge declared count is refused before anything is allocated.
        let huge: [UInt8] = [1, 1, 0, 0xff, 0xff, 0xff, 0xff]
        #expect(throws: PSIError.tooManyElements(0xffff_ffff)) { try PSISetup(serialized: huge) }
        // Invalid elements: identity, top bit set, non-canonical.
        var identity = good
        for i in 7..<39 { identity[i] = 0 }
        #expect(throws: PSIError.invalidElement(index: 0)) { try PSISetup(serialized: identity) }
        var topBit = good
        topBit[7 + 32 + 31] |= 0x80
        #expect(throws: PSIError.invalidElement(index: 1)) { try PSISetup(serialized: topBit) }
        var nonCanonical = good
        for i in (7 + 64)..<(7 + 96) { nonCanonical[i] = 0xff }
        #expect(throws: PSIError.invalidElement(index: 2)) { try PSISetup(serialized: nonCanonical) }
        // Random garbage never crashes.
        await propertyCheck(count: 200, input: Gen.uint8().array(of: 0...200)) { bytes in
            _ = try? PSISetup(serialized: bytes)
            _ = try? PSIRequest(serialized: bytes)
            _ = try? PSIResponse(serialized: bytes)
        }
    }

    @Test func responseMustMatchRequest() throws {
        let server = PSIServer(key: .generate(), items: ["a"])
        let client = PSIClient(key: .generate(), items: ["a", "b"])
        let other = PSIClient(key: .generate(), items: ["a"])
        let response = server.respond(to: other.request())
        #expect(throws: PSIError.responseCountMismatch(expected: 2, actual: 1)) {
            try client.intersection(setup: server.setup(), response: response)
        }
    }
}
