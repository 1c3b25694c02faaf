import DataFiBigNum
import DataFiPaillier
import DataFiRistretto
import PropertyBased
import Testing
@testable import DataFiPSI

/// One 1024-bit Paillier key for the intersection-sum tests (key generation is the slow part).
let pjcPaillier: PaillierPrivateKey = {
    do { return try PaillierPrivateKey.generate(bits: 1024) } catch { preconditionFailure("\(error)") }
}()

@Suite struct IntersectionSumTests {
    /// The plain computation: size and sum over distinct client ids present at the server (first value wins).
    func plain(client: [String], server: [(String, Int64)]) -> PJCResult {
        var values: [String: Int64] = [:]
        for (id, value) in server where values[id] == nil { values[id] = value }
        var size = 0, sum = BigInt(0)
        for id in Set(client) { if let v = values[id] { size += 1; sum += BigInt(v) } }
        return PJCResult(intersectionSize: size, intersectionSum: sum)
    }

    func run(client: [String], server: [(String, Int64)]) throws -> PJCResult {
        try IntersectionSum.run(client: PJCClient(items: client), server: PJCServer(items: server, paillier: pjcPaillier))
    }

    @Test func equalsThePlainComputationOnRandomSets() async {
        await propertyCheck(count: 15, input: Gen.int(in: 0...40).array(of: 0...30),
                            Gen.int(in: 0...40).array(of: 0...30), Gen.int64().array(of: 30...30)) { a, b, values throws in
            let client = a.map { "id\($0)" }
            let server = b.enumerated().map { ("id\($1)", values[$0 % values.count]) }
            #expect(try run(client: client, server: server) == plain(client: client, server: server))
        }
    }

    @Test func edgeCases() throws {
        let ids = (0..<25).map { "customer-\($0)" }
        let pairs = ids.enumerated().map { ($1, Int64($0 * 10 - 50)) }
        #expect(try run(client: [], server: pairs) == PJCResult(intersectionSize: 0, intersectionSum: 0))
        #expect(try run(client: ids, server: []) == PJCResult(intersectionSize: 0, intersectionSum: 0))
        #expect(try run(client: [], server: []) == PJCResult(intersectionSize: 0, intersectionSum: 0))
        #expect(try run(client: ids.map { $0 + "x" }, server: pairs) == PJCResult(intersectionSize: 0, intersectionSum: 0))
        #expect(try run(client: ids, server: pairs) == plain(client: ids, server: pairs))
        #expect(try run(client: ids + ids + ids, server: pairs + pairs) == plain(client: ids, server: pairs))
        // Negative sums come back negative.
        #expect(try run(client: ["a", "b"], server: [("a", -7), ("b", -8), ("c", 100)]) == PJCResult(intersectionSize: 2, intersectionSum: -15))
    }

    @Test func valuesNearTheLimitsOfInt64SumExactly() throws {
        let ids = (0..<40).map { "big\($0)" }
        let high = ids.map { ($0, Int64.max - 3) }
        let expected = BigInt(Int64.max - 3) * BigInt(40)
        #expect(try run(client: ids, server: high) == PJCResult(intersectionSize: 40, intersectionSum: expected))
        let low = ids.map { ($0, Int64.min) }
        #expect(try run(client: ids, server: low).intersectionSum == BigInt(Int64.min) * BigInt(40))
        let mixed = ids.enumerated().map { ($1, $0 % 2 == 0 ? Int64.max : Int64.min) }
        #expect(try run(client: ids, server: mixed).intersectionSum == BigInt(-20))
    }

    @Test func setupAndResponseAreShuffled() throws {
        let ids = (0..<64).map { "s\($0)" }
        let server = PJCServer(items: ids.map { ($0, 1) }, paillier: pjcPaillier)
        let client = PJCClient(items: ids)
        let first = client.request(), second = client.request()
        // The same items under the same key, in two independent orders.
        #expect(Set(first.points) == Set(second.points))
        #expect(first.points != second.points)
        #expect(server.setup.points.count == 64)
        #expect(server.respond(to: first).points != server.respond(to: first).points)
    }
}

@Suite struct IntersectionSumHostileInputTests {
    let server = PJCServer(items: [("a", 5), ("b", 6)], paillier: pjcPaillier)
    var width: Int { (pjcPaillier.publicKey.bits + 7) / 8 }

    @Test func pointMessagesRejectMalformedBytes() {
        let good = PJCClient(items: ["a", "b", "c"]).request().serialized
        #expect(throws: PJCError.truncated(expected: 2, actual: 0)) { try PJCPoints(serialized: [], response: false) }
        #expect(throws: PJCError.unsupportedVersion(9)) { try PJCPoints(serialized: [9] + good.dropFirst(), response: false) }
        #expect(throws: PJCError.wrongMessageType(expected: 0x13, actual: 0x12)) { try PJCPoints(serialized: good, response: true) }
        #expect(throws: PJCError.truncated(expected: 6 + 96, actual: good.count - 1)) { try PJCPoints(serialized: good.dropLast(), response: false) }
        #expect(throws: PJCError.trailingBytes(1)) { try PJCPoints(serialized: good + [0], response: false) }
        var huge = good
        huge[2] = 0xFF; huge[3] = 0xFF; huge[4] = 0xFF; huge[5] = 0x7F
        #expect(throws: PJCError.tooManyItems(0x7FFF_FFFF)) { try PJCPoints(serialized: huge, response: false) }
        var identity = good
        for i in 6..<38 { identity[i] = 0 }
        #expect(throws: PJCError.invalidElement(index: 0)) { try PJCPoints(serialized: identity, response: false) }
        var noncanonical = good
        noncanonical[6 + 32 + 31] |= 0x80
        #expect(throws: PJCError.invalidElement(index: 1)) { try PJCPoints(serialized: noncanonical, response: false) }
    }

    /// The setup bytes with the ciphertext of item `index` replaced by `value`.
    func setup(replacingCiphertext index: Int, with value: BigInt) -> [UInt8] {
        var bytes = server.setup.serialized
        let start = 2 + 2 + width + 4 + index * (32 + 2 * width) + 32
        let encoded = PJCMessage.fixed(value, width: 2 * width)
        for i in 0..<(2 * width) { bytes[start + i] = encoded[i] }
        return bytes
    }

    @Test func setupRejectsHostileCiphertextsAndModuli() throws {
        #expect(try PJCSetup(serialized: server.setup.serialized) == server.setup)
        let pk = pjcPaillier.publicKey
        #expect(throws: PJCError.invalidCiphertext(index: 1, .ciphertextOutOfRange)) { try PJCSetup(serialized: setup(replacingCiphertext: 1, with: 0)) }
        #expect(throws: PJCError.invalidCiphertext(index: 0, .ciphertextNotInvertible)) {
            try PJCSetup(serialized: setup(replacingCiphertext: 0, with: pjcPaillier.p * BigInt(3)))
        }
        // n² itself does not fit the field, so the largest value that fits (2^(8·2L) − 1 ≥ n²) is tried.
        let allOnes = (BigInt(1) << (16 * width)) - BigInt(1)
        #expect(allOnes >= pk.nSquared)
        #expect(throws: PJCError.invalidCiphertext(index: 0, .ciphertextOutOfRange)) { try PJCSetup(serialized: setup(replacingCiphertext: 0, with: allOnes)) }
        var even = server.setup.serialized
        even[2 + 2 + width - 1] &= 0xFE
        #expect(throws: PJCError.invalidPublicKey(.evenModulus)) { try PJCSetup(serialized: even) }
        var small = server.setup.serialized
        small[2] = 64; small[3] = 0
        #expect(throws: PJCError.invalidPublicKey(.modulusSize(bits: 512))) { try PJCSetup(serialized: small) }
        var wide = server.setup.serialized
        wide[2] = 0xFF; wide[3] = 0xFF
        #expect(throws: PJCError.invalidPublicKey(.modulusSize(bits: 0xFFFF * 8))) { try PJCSetup(serialized: wide) }
        #expect(throws: PJCError.trailingBytes(3)) { try PJCSetup(serialized: server.setup.serialized + [1, 2, 3]) }
    }

    @Test func sumStepRejectsHostileValues() throws {
        let pk = pjcPaillier.publicKey
        let good = PJCSumRequest(intersectionSize: 1, maskedSum: pk.encrypt(Int64(3)))
        let parsed = try PJCSumRequest(serialized: good.serialized(width: width), key: pk)
        #expect(parsed == good)
        #expect(throws: PJCError.sizeOutOfRange(1)) { try server.decrypt(parsed, queriedCount: 0) }
        let tooBig = PJCSumRequest(intersectionSize: 3, maskedSum: pk.encrypt(Int64(3)))
        #expect(throws: PJCError.sizeOutOfRange(3)) { try server.decrypt(tooBig, queriedCount: 10) }
        var zero = good.serialized(width: width)
        for i in 6..<zero.count { zero[i] = 0 }
        #expect(throws: PJCError.invalidCiphertext(index: 0, .ciphertextOutOfRange)) { try PJCSumRequest(serialized: zero, key: pk) }
        #expect(throws: PJCError.truncated(expected: 6 + 2 * width, actual: 6 + 2 * width - 1)) {
            try PJCSumRequest(serialized: good.serialized(width: width).dropLast(), key: pk)
        }
        let answer = PJCSumResponse(maskedSum: pk.n)
        #expect(throws: PJCError.invalidMaskedSum) { try PJCSumResponse(serialized: answer.serialized(width: width), key: pk) }
    }

    @Test func randomBytesNeverCrashADecoder() async {
        let pk = pjcPaillier.publicKey
        await propertyCheck(count: 300, input: Gen.uint8().array(of: 0...400)) { bytes in
            // Half the inputs get a valid header so the decoders look past it.
            for prefix in [[], [1, 0x11], [1, 0x12], [1, 0x13], [1, 0x14], [1, 0x15]] as [[UInt8]] {
                let input = prefix + bytes
                _ = try? PJCSetup(serialized: input)
                _ = try? PJCPoints(serialized: input, response: false)
                _ = try? PJCPoints(serialized: input, response: true)
                _ = try? PJCSumRequest(serialized: input, key: pk)
                _ = try? PJCSumResponse(serialized: input, key: pk)
                if input.first != 1 { #expect((try? PJCPoints(serialized: input, response: false)) == nil) }
            }
        }
    }

    @Test func responseForAnotherRequestIsRefused() throws {
        let client = PJCClient(items: ["a", "b", "c"])
        let other = PJCClient(items: ["a"])
        let response = server.respond(to: other.request())
        #expect(throws: PJCError.responseCountMismatch(expected: 3, actual: 1)) { try client.maskedSum(setup: server.setup, response: response) }
    }
}
