import DataFiSodium
import DataFiSupport
import Foundation
import PropertyBased
import Testing
@testable import DataFiSecAgg

/// Drives a round step by step so tests can intercept and alter messages.
struct Round {
    var server: SecAggServer
    var clients: [ClientID: SecAggClient]
    let config: SecAggConfig
    let inputs: [ClientID: [UInt64]]

    init(n: Int, threshold: Int, dimension: Int, bits: Int = 16, neighbours: Int? = nil, seed: UInt64 = 1) throws {
        let config = try SecAggConfig(session: seed, threshold: threshold, dimension: dimension, bits: bits, neighbours: neighbours)
        self.config = config
        let mask = config.valueMask
        var rng = SplitMix64(seed: seed)
        var inputs: [ClientID: [UInt64]] = [:]
        var clients: [ClientID: SecAggClient] = [:]
        for id in 1...UInt32(n) {
            let x = (0..<dimension).map { _ in rng.next() & mask }
            inputs[id] = x
            clients[id] = try SecAggClient(config: config, id: id, input: x)
        }
        self.inputs = inputs
        self.clients = clients
        server = SecAggServer(config: config)
    }

    var ids: [ClientID] { clients.keys.sorted() }

    mutating func advertise() throws -> KeyDirectory {
        for id in ids { try server.receive(clients[id]!.advertiseKeys()) }
        return try server.keyDirectory()
    }

    mutating func share(_ directory: KeyDirectory) throws -> [ShareBundle] {
        for id in ids { try server.receive(clients[id]!.shareKeys(directory: directory)) }
        return try server.shareBundles()
    }

    mutating func mask(_ bundles: [ShareBundle], skip: Set<ClientID> = []) throws -> UnmaskRequest {
        for b in bundles where !skip.contains(b.to) { try server.receive(clients[b.to]!.maskedInput(bundle: b)) }
        return try server.unmaskRequest()
    }

    func plainSum(of ids: some Sequence<ClientID>) -> [UInt64] {
        var s = [UInt64](repeating: 0, count: config.dimension)
        for id in ids { for i in s.indices { s[i] = (s[i] &+ inputs[id]![i]) & config.valueMask } }
        return s
    }
}

@Suite struct SecAggProtocolTests {
    @Test func sumEqualsPlaintextSumOfSurvivorsOverRandomRounds() async {
        await propertyCheck(count: 30, input: Gen.int(in: 3...9), Gen.int(in: 1...24), Gen.uint64(in: 0...UInt64.max)) { n, d, seed in
            var rng = SplitMix64(seed: seed)
            let t = 2 + Int(rng.next(upperBound: UInt64(n - 1)))          // 2...n
            let bits = 1 + Int(rng.next(upperBound: UInt64(62)))          // 1...62
            let plus = n >= 5 && rng.next() & 1 == 1
            let k = plus ? 2 * (1 + Int(rng.next(upperBound: UInt64((n - 2) / 2)))) : nil   // even, < n - 1
            let threshold = k.map { min(t, $0 + 1) } ?? t
            var drops: [ClientID: DropPhase] = [:]
            for id in 1...UInt32(n) where rng.next(upperBound: UInt64(4)) == 0 {
                drops[id] = DropPhase.allCases[Int(rng.next(upperBound: UInt64(3)))]
            }
            let config = try SecAggConfig(session: seed, threshold: threshold, dimension: d, bits: bits, neighbours: k)
            var inputs: [ClientID: [UInt64]] = [:]
            for id in 1...UInt32(n) { inputs[id] = (0..<d).map { _ in rng.next() & config.valueMask } }
            let finishers = (1...UInt32(n)).filter { drops[$0] == nil }.count
            do {
                let report = try SecAggSimulation.run(config: config, inputs: inputs, drops: drops)
                #expect(report.sumMatchesPlaintext)
                #expect(report.sum == Round.sum(inputs, report.survivors, config))
                #expect(Set(report.survivors) == Set((1...UInt32(n)).filter { drops[$0] == nil || drops[$0] == .beforeUnmask }))
                if k == nil { #expect(finishers >= threshold) }
            } catch let error as SecAggError {
                switch error {
                case .tooFewSurvivors, .notEnoughShares: break
                default: Issue.record("unexpected error \(error)")
                }
                // Complete graph: the round fails exactly when fewer than t clients finish.
                if k == nil { #expect(finishers < threshold) }
                if drops.isEmpty { Issue.record("a round without dropouts failed: \(error)") }
            }
        }
    }

    @Test func everyDropPhaseWithSecAggPlus() throws {
        for phase in DropPhase.allCases {
            let report = try SecAggSimulation.run(clients: 20, dimension: 33, threshold: 4, dropout: 0.15, seed: 7,
                                                  neighbours: 6, bits: 40, dropPhase: phase)
            #expect(report.sumMatchesPlaintext)
            #expect(report.survivors.count == (phase == .beforeUnmask ? 20 : 17))
        }
    }

    @Test func fewerThanThresholdSurvivorsGiveTypedErrorAndNoSum() throws {
        #expect(throws: SecAggError.tooFewSurvivors(phase: .maskedInput, survivors: 2, threshold: 3)) {
            try SecAggSimulation.run(clients: 5, dimension: 4, threshold: 3, dropout: 0.6, seed: 3, dropPhase: .beforeMaskedInput)
        }
        #expect(throws: SecAggError.tooFewSurvivors(phase: .shareKeys, survivors: 2, threshold: 3)) {
            try SecAggSimulation.run(clients: 5, dimension: 4, threshold: 3, dropout: 0.6, seed: 3, dropPhase: .beforeShareKeys)
        }
        #expect(throws: SecAggError.tooFewSurvivors(phase: .unmask, survivors: 2, threshold: 3)) {
            try SecAggSimulation.run(clients: 5, dimension: 4, threshold: 3, dropout: 0.6, seed: 3, dropPhase: .beforeUnmask)
        }
    }

    @Test func anyThresholdSubsetOfSharesReconstructs() async {
        await propertyCheck(count: 40, input: Gen.int(in: 1...40), Gen.uint64(in: 0...UInt64.max)) { t, seed in
            var rng = SplitMix64(seed: seed)
            let n = t + Int(rng.next(upperBound: UInt64(10)))
            let xs = Array(Set((0..<(4 * n)).map { _ in ClientID(1 + rng.next(upperBound: UInt64(SecAggConfig.maxClients))) })).sorted().prefix(n)
            guard xs.count == n else { return }
            let secret = SecureBytes(copying: (0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            let shares = Shamir.split(secret, threshold: t, at: Array(xs))
            var subset = shares
            subset.shuffle(using: &rng)
            #expect(try Shamir.reconstruct(Array(subset.prefix(t)), threshold: t) == secret)
            if t >= 2 {
                // t − 1 shares are not enough; a changed share gives another value.
                #expect(throws: SecAggError.notEnoughShares(client: 0, have: t - 1, need: t)) {
                    try Shamir.reconstruct(Array(subset.prefix(t - 1)), threshold: t)
                }
                var bad = Array(subset.prefix(t))
                var value = bad[0].value
                value[32] ^= 1
                bad[0] = try Shamir.Share(x: bad[0].x, value: value)
                #expect((try? Shamir.reconstruct(bad, threshold: t)) != secret)
            }
        }
    }

    @Test func chunkMajorExpansionMatchesOneSeedAtATime() throws {
        // 5,000 words: two full chunks and a partial one.
        let seeds = (0..<4).map { i in (seed: SecureBytes(count: 32), negate: i % 2 == 1) }
        var rng = SplitMix64(seed: 12)
        let start = (0..<5000).map { _ in rng.next() }
        var oneByOne = start, together = start
        let expander = MaskExpander()
        for (seed, negate) in seeds { expander.apply(seed: seed, to: &oneByOne, negate: negate) }
        expander.apply(seeds: seeds, to: &together)
        #expect(oneByOne == together)
        #expect(expander.masked(start, seeds: seeds) == together)
        #expect(oneByOne != start)
        // Element i of a mask is word i of the stream, nonce i / chunkWords.
        let mask = expander.mask(seed: seeds[0].seed, count: 5000, bits: 64)
        let block2 = try ChaCha20Stream.keystream(count: 16, key: seeds[0].seed, nonce: 2)
        let word = block2.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
        #expect(mask[2 * MaskExpander.chunkWords] == word)
    }

    @Test func oneClientsNeighboursMatchTheWholeGraph() {
        // A client computes only its own neighbours; they must be the graph's, for rings and for
        // the complete graph, and empty for a non-member.
        var rng = SplitMix64(seed: 23)
        for (n, k) in [(3, 2), (10, 4), (31, 6), (100, 14), (9, nil), (5, 8)] as [(Int, Int?)] {
            let members = (1...UInt32(n)).map { $0 * 3 }
            let seed = (0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let graph = NeighbourGraph(members: members, neighbours: k, seed: seed)
            for id in members {
                let own = NeighbourGraph.neighbours(of: id, members: members, neighbours: k, seed: seed)
                #expect(own == graph.neighbours(of: id), "n \(n), k \(String(describing: k)), id \(id)")
                #expect(own.count == min(k ?? n - 1, n - 1))
            }
            #expect(NeighbourGraph.neighbours(of: 1, members: members, neighbours: k, seed: seed).isEmpty)
        }
    }

    @Test func maskingReducesAsItAddsTheLastMask() throws {
        // The reduction mod 2^bits fused into the last mask's pass equals masking then reducing,
        // with one seed (first and last pass at once) and with several, over a partial chunk.
        var rng = SplitMix64(seed: 21)
        let seeds = (0..<3).map { i in (seed: SecureBytes(count: 32), negate: i == 1) }
        let expander = MaskExpander()
        for bits in [1, 7, 16, 32, 62, 64] {
            let input = (0..<(MaskExpander.chunkWords + 77)).map { _ in rng.next() }
            for used in [1, 3] {
                let chosen = Array(seeds.prefix(used))
                var expected = expander.masked(input, seeds: chosen)
                MaskExpander.reduce(&expected, bits: bits)
                let fused = withExtendedLifetime(chosen) {
                    expander.masked(input, keys: chosen.map { ($0.seed.pointer, $0.negate) }, bits: bits)
                }
                #expect(fused == expected, "bits \(bits), \(used) seeds")
            }
        }
    }

    @Test func maskedInputWireLayoutAtEveryWidth() throws {
        // Values are written little-endian in ⌈bits/8⌉ bytes after the 19-byte header, for the
        // word-at-a-time widths (4, 8) and the byte-at-a-time ones alike, and read back equal.
        var rng = SplitMix64(seed: 22)
        for bits in [1, 8, 9, 17, 24, 25, 31, 32, 33, 48, 56, 57, 62] {
            let width = (bits + 7) / 8
            let values = (0..<37).map { _ in rng.next() & ((UInt64(1) << UInt64(bits)) - 1) }
            let message = MaskedInput(session: 9, from: 4, bits: bits, values: values)
            let bytes = message.serialized
            #expect(bytes.count == 19 + width * values.count)
            for (i, v) in values.enumerated() {
                let field = bytes[(19 + width * i)..<(19 + width * (i + 1))]
                let read = field.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
                #expect(read == v, "bits \(bits), value \(i)")
            }
            #expect(try MaskedInput(serialized: bytes) == message)
        }
    }

    @Test func maskedVectorLooksUniform() throws {
        // Client 1's masked vector over many rounds with a fixed all-zero input, k = 4 bits:
        // chi-square against uniform over 16 cells (15 degrees of freedom).
        let bits = 4, cells = 1 << bits
        var counts = [Int](repeating: 0, count: cells)
        var inputCounts = [Int](repeating: 0, count: cells)
        for round in 0..<20 {
            let config = try SecAggConfig(session: UInt64(round), threshold: 2, dimension: 200, bits: bits)
            var server = SecAggServer(config: config)
            var clients = try (1...3).map { try SecAggClient(config: config, id: UInt32($0), input: [UInt64](repeating: 0, count: 200)) }
            for i in clients.indices { try server.receive(clients[i].advertiseKeys()) }
            let directory = try server.keyDirectory()
            for i in clients.indices { try server.receive(clients[i].shareKeys(directory: directory)) }
            let bundles = try server.shareBundles()
            let masked = try clients[0].maskedInput(bundle: bundles[0])
            for v in masked.values { counts[Int(v)] += 1 }
            for _ in masked.values { inputCounts[0] += 1 }
        }
        func chiSquare(_ c: [Int]) -> Double {
            let total = Double(c.reduce(0, +)), expected = total / Double(c.count)
            return c.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        }
        // 99.99th percentile of chi-square with 15 degrees of freedom ≈ 44.3.
        #expect(chiSquare(counts) < 44.3)
        // The unmasked input fails the same test (the test can fail).
        #expect(chiSquare(inputCounts) > 44.3)
    }
}

extension Round {
    static func sum(_ inputs: [ClientID: [UInt64]], _ ids: [ClientID], _ config: SecAggConfig) -> [UInt64] {
        var s = [UInt64](repeating: 0, count: config.dimension)
        for id in ids { for i in s.indices { s[i] = (s[i] &+ inputs[id]![i]) & config.valueMask } }
        return s
    }
}
