import DataFiSodium
import Testing
@testable import DataFiSecAgg

/// Tampered, replayed, truncated and oversized messages, and a server that cheats.
@Suite struct SecAggHostileInputTests {
    /// A round of 4 clients (t = 3) run up to the unmask request, keeping every message.
    struct Fixture {
        var round: Round
        let directory: KeyDirectory
        let shareKeys: [ShareKeys]
        let bundles: [ShareBundle]
        let masked: [MaskedInput]
        let request: UnmaskRequest

        init(dropBeforeMask: ClientID? = nil) throws {
            var round = try Round(n: 4, threshold: 3, dimension: 5)
            let directory = try round.advertise()
            var shareKeys: [ShareKeys] = []
            for id in round.ids {
                let m = try round.clients[id]!.shareKeys(directory: directory)
                shareKeys.append(m)
                try round.server.receive(m)
            }
            let bundles = try round.server.shareBundles()
            var masked: [MaskedInput] = []
            for b in bundles where b.to != dropBeforeMask {
                let m = try round.clients[b.to]!.maskedInput(bundle: b)
                masked.append(m)
                try round.server.receive(m)
            }
            request = try round.server.unmaskRequest()
            self.round = round
            self.directory = directory
            self.shareKeys = shareKeys
            self.bundles = bundles
            self.masked = masked
        }

        var allMessages: [(name: String, bytes: [UInt8], parse: ([UInt8]) throws -> Void)] {
            var list: [(name: String, bytes: [UInt8], parse: ([UInt8]) throws -> Void)] = []
            list.append(("advertise", AdvertiseKeys(session: 1, from: 1, channelKey: directory.entries[0].channelKey,
                                                    maskingKey: directory.entries[0].maskingKey).serialized,
                         { _ = try AdvertiseKeys(serialized: $0) }))
            list.append(("directory", directory.serialized, { _ = try KeyDirectory(serialized: $0) }))
            list.append(("shareKeys", shareKeys[0].serialized, { _ = try ShareKeys(serialized: $0) }))
            list.append(("bundle", bundles[0].serialized, { _ = try ShareBundle(serialized: $0) }))
            list.append(("masked", masked[0].serialized, { _ = try MaskedInput(serialized: $0) }))
            list.append(("request", request.serialized, { _ = try UnmaskRequest(serialized: $0) }))
            return list
        }
    }

    @Test func everyMessageRoundTrips() throws {
        let f = try Fixture()
        #expect(try KeyDirectory(serialized: f.directory.serialized) == f.directory)
        #expect(try ShareKeys(serialized: f.shareKeys[1].serialized) == f.shareKeys[1])
        #expect(try ShareBundle(serialized: f.bundles[2].serialized) == f.bundles[2])
        #expect(try MaskedInput(serialized: f.masked[0].serialized) == f.masked[0])
        #expect(try UnmaskRequest(serialized: f.request.serialized) == f.request)
        var client = f.round.clients[1]!
        let response = try client.unmask(request: f.request)
        #expect(try UnmaskResponse(serialized: response.serialized) == response)
    }

    @Test func truncatedMessagesAreRejectedWithTypedErrors() throws {
        let f = try Fixture()
        for (name, bytes, parse) in f.allMessages {
            for length in [0, 1, 9, 10, bytes.count / 2, bytes.count - 1] {
                do {
                    try parse(Array(bytes.prefix(length)))
                    Issue.record("\(name) truncated to \(length) bytes was accepted")
                } catch let error as SecAggError {
                    guard case .truncated = error else { Issue.record("\(name) at \(length): \(error)"); continue }
                }
            }
            #expect(throws: SecAggError.trailingBytes(1), "\(name)") { try parse(bytes + [0]) }
            var wrongVersion = bytes
            wrongVersion[0] = 2
            #expect(throws: SecAggError.unsupportedVersion(2), "\(name)") { try parse(wrongVersion) }
            var wrongType = bytes
            wrongType[1] = 99
            #expect(throws: SecAggError.wrongMessageType(expected: bytes[1], actual: 99), "\(name)") { try parse(wrongType) }
        }
    }

    @Test func hugeDeclaredCountsAreRefusedBeforeAllocating() throws {
        var header: [UInt8] = [1, 2] + [UInt8](repeating: 0, count: 8)     // key directory, session 0
        #expect(throws: SecAggError.tooManyEntries(declared: Int(UInt32.max), limit: SecAggConfig.maxClients)) {
            try KeyDirectory(serialized: header + [0xFF, 0xFF, 0xFF, 0xFF])
        }
        #expect(throws: SecAggError.truncated(expected: 14 + 68 * 5000, actual: 14)) {
            try KeyDirectory(serialized: header + [0x88, 0x13, 0, 0])
        }
        header[1] = 5   // masked input: from 1, 62 bits, 2^32 − 1 values
        #expect(throws: SecAggError.tooManyEntries(declared: Int(UInt32.max), limit: SecAggConfig.maxDimension)) {
            try MaskedInput(serialized: header + [1, 0, 0, 0, 62, 0xFF, 0xFF, 0xFF, 0xFF])
        }
        #expect(throws: SecAggError.invalidBitWidth(63)) {
            try MaskedInput(serialized: header + [1, 0, 0, 0, 63, 0, 0, 0, 0])
        }
        #expect(throws: SecAggError.valueOutOfRange(index: 0)) {
            try MaskedInput(serialized: header + [1, 0, 0, 0, 4, 1, 0, 0, 0, 0x10])
        }
        #expect(throws: SecAggError.invalidClientID(0)) {
            try MaskedInput(serialized: header + [0, 0, 0, 0, 4, 1, 0, 0, 0, 0x01])
        }
        // An oversized message is refused by its length alone.
        #expect(throws: SecAggError.tooManyEntries(declared: SecAggWire.maxMessageLength + 1, limit: SecAggWire.maxMessageLength)) {
            try MaskedInput(serialized: [UInt8](repeating: 0, count: SecAggWire.maxMessageLength + 1))
        }
        // Unsorted or repeated ids.
        header[1] = 6
        #expect(throws: SecAggError.unsortedIdentifiers) {
            try UnmaskRequest(serialized: header + [2, 0, 0, 0, 3, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0])
        }
    }

    @Test func tamperedShareIsRejectedAndClientUnchanged() throws {
        var fresh = try Round(n: 4, threshold: 3, dimension: 5, seed: 9)
        let directory = try fresh.advertise()
        for id in fresh.ids { try fresh.server.receive(fresh.clients[id]!.shareKeys(directory: directory)) }
        let bundles = try fresh.server.shareBundles()
        var client = fresh.clients[1]!
        var tampered = bundles[0].shares
        var ct = tampered[0].ciphertext
        ct[30] ^= 1
        tampered[0] = EncryptedShare(peer: tampered[0].peer, ciphertext: ct)
        let before = client.phase
        #expect(throws: SecAggError.shareAuthenticationFailed(from: tampered[0].peer)) {
            try client.maskedInput(bundle: ShareBundle(session: bundles[0].session, to: 1, shares: tampered))
        }
        #expect(client.phase == before)
        // A share relayed between two other clients, presented as if sent to this one, fails too.
        let foreign = bundles[1].shares.first { $0.peer != 1 }!
        var swapped = bundles[0].shares.filter { $0.peer != foreign.peer }
        swapped.append(EncryptedShare(peer: foreign.peer, ciphertext: foreign.ciphertext))
        swapped.sort { $0.peer < $1.peer }
        #expect(throws: SecAggError.shareAuthenticationFailed(from: foreign.peer)) {
            try client.maskedInput(bundle: ShareBundle(session: bundles[0].session, to: 1, shares: swapped))
        }
        // Addressed to someone else, or from another round.
        #expect(throws: SecAggError.wrongRecipient(expected: 1, actual: 2)) {
            try client.maskedInput(bundle: ShareBundle(session: bundles[0].session, to: 2, shares: bundles[0].shares))
        }
        #expect(throws: SecAggError.wrongSession(expected: 9, actual: 10)) {
            try client.maskedInput(bundle: ShareBundle(session: 10, to: 1, shares: bundles[0].shares))
        }
        // The untouched bundle still works, once; a replay of it is refused.
        _ = try client.maskedInput(bundle: bundles[0])
        #expect(throws: SecAggError.wrongPhase(expected: .maskedInput, actual: .unmask)) {
            try client.maskedInput(bundle: bundles[0])
        }
    }

    @Test func serverRefusesReplaysAndStrangers() throws {
        let f = try Fixture()
        var h = try Round(n: 3, threshold: 2, dimension: 3, seed: 5)
        let bundles = try h.share(h.advertise())
        let first = try h.clients[1]!.maskedInput(bundle: bundles[0])
        try h.server.receive(first)
        #expect(throws: SecAggError.duplicateMessage(from: 1)) { try h.server.receive(first) }
        let other = try Round(n: 5, threshold: 3, dimension: 5, seed: 2)
        var server = SecAggServer(config: other.config)
        var c1 = other.clients[1]!
        let advert = try c1.advertiseKeys()
        try server.receive(advert)
        #expect(throws: SecAggError.duplicateMessage(from: 1)) { try server.receive(advert) }
        #expect(throws: SecAggError.duplicateKey) {
            try server.receive(AdvertiseKeys(session: 2, from: 2, channelKey: advert.channelKey, maskingKey: advert.maskingKey))
        }
        #expect(throws: SecAggError.wrongSession(expected: 2, actual: 1)) { try server.receive(f.shareKeys[0]) }
        // Shares not addressed exactly to the sender's neighbours are refused.
        var g = try Round(n: 4, threshold: 3, dimension: 5, seed: 3)
        let directory = try g.advertise()
        let m = try g.clients[1]!.shareKeys(directory: directory)
        #expect(throws: SecAggError.wrongShareRecipients(from: 1)) {
            try g.server.receive(ShareKeys(session: m.session, from: 1, shares: Array(m.shares.dropLast())))
        }
        #expect(throws: SecAggError.unknownSender(9)) {
            try g.server.receive(ShareKeys(session: m.session, from: 9, shares: m.shares))
        }
        #expect(throws: SecAggError.wrongPhase(expected: .maskedInput, actual: .shareKeys)) {
            try g.server.receive(MaskedInput(session: 3, from: 1, bits: 16, values: [0, 0, 0, 0, 0]))
        }
    }

    @Test func clientRefusesADirectoryWithoutItsKeys() throws {
        var r = try Round(n: 3, threshold: 2, dimension: 2)
        let directory = try r.advertise()
        var entries = directory.entries
        entries[0] = KeyDirectory.Entry(id: 1, channelKey: entries[1].channelKey, maskingKey: entries[0].maskingKey)
        #expect(throws: SecAggError.ownKeysMissing) {
            try r.clients[1]!.shareKeys(directory: KeyDirectory(session: directory.session, entries: entries))
        }
        #expect(throws: SecAggError.ownKeysMissing) {
            try r.clients[1]!.shareKeys(directory: KeyDirectory(session: directory.session, entries: Array(entries.dropFirst())))
        }
        #expect(r.clients[1]!.phase == .shareKeys)
    }

    @Test func cheatingServerIsRefused() throws {
        let f = try Fixture(dropBeforeMask: 4)
        #expect(f.request.survivors == [1, 2, 3] && f.request.dropped == [4])
        var client = f.round.clients[1]!
        // Asking for both shares of peer 2 in one request.
        let both = UnmaskRequest(session: 1, survivors: [1, 2, 3], dropped: [2, 4])
        #expect(throws: SecAggError.safetyViolation(peer: 2)) { try client.unmask(request: both) }
        #expect(client.phase == .unmask)
        // Listing the client itself as dropped.
        #expect(throws: SecAggError.listedAsDropped) {
            try client.unmask(request: UnmaskRequest(session: 1, survivors: [2, 3], dropped: [1, 4]))
        }
        // Fewer than t survivors.
        #expect(throws: SecAggError.tooFewSurvivors(phase: .maskedInput, survivors: 2, threshold: 3)) {
            try client.unmask(request: UnmaskRequest(session: 1, survivors: [1, 2], dropped: [3, 4]))
        }
        // The honest request is answered: self-mask shares of 1, 2, 3, the key share of 4.
        let response = try client.unmask(request: f.request)
        #expect(response.selfMaskShares.map(\.owner) == [1, 2, 3])
        #expect(response.keyShares.map(\.owner) == [4])
        // A retransmission gets the same answer; asking later for the other share of a peer is refused.
        #expect(try client.unmask(request: f.request) == response)
        #expect(throws: SecAggError.safetyViolation(peer: 4)) {
            try client.unmask(request: UnmaskRequest(session: 1, survivors: [1, 2, 3, 4], dropped: []))
        }
        #expect(throws: SecAggError.safetyViolation(peer: 2)) {
            try client.unmask(request: UnmaskRequest(session: 1, survivors: [1, 3], dropped: [2, 4]))
        }
    }

    @Test func badSharesAreDetectedAtReconstruction() throws {
        var f = try Fixture(dropBeforeMask: 4)
        for id: ClientID in 1...3 {
            var client = f.round.clients[id]!
            var response = try client.unmask(request: f.request)
            if id == 1 {
                // Client 1 lies about its share of client 4's masking key.
                let share = response.keyShares[0].share
                var value = share.value
                value[32] ^= 1
                response = UnmaskResponse(session: 1, from: 1, selfMaskShares: response.selfMaskShares,
                                          keyShares: [(4, try Shamir.Share(x: share.x, value: value))])
            }
            try f.round.server.receive(response)
        }
        #expect(throws: SecAggError.reconstructionMismatch(client: 4)) { try f.round.server.aggregate() }
        #expect(f.round.server.phase == .unmask)
        // A response revealing a share of the wrong kind is refused.
        var g = try Fixture(dropBeforeMask: 4)
        var client = g.round.clients[2]!
        let r = try client.unmask(request: g.request)
        #expect(throws: SecAggError.inconsistentUnmaskList(4)) {
            try g.round.server.receive(UnmaskResponse(session: 1, from: 2, selfMaskShares: r.keyShares, keyShares: []))
        }
        #expect(throws: SecAggError.unknownSender(4)) {
            try g.round.server.receive(UnmaskResponse(session: 1, from: 4, selfMaskShares: [], keyShares: []))
        }
    }

    @Test func invalidConfigurationsAndInputs() throws {
        #expect(throws: SecAggError.invalidThreshold(threshold: 1, maximum: SecAggConfig.maxClients)) {
            try SecAggConfig(session: 0, threshold: 1, dimension: 1)
        }
        #expect(throws: SecAggError.invalidThreshold(threshold: 6, maximum: 5)) {
            try SecAggConfig(session: 0, threshold: 6, dimension: 1, neighbours: 4)
        }
        #expect(throws: SecAggError.invalidNeighbourCount(3)) { try SecAggConfig(session: 0, threshold: 2, dimension: 1, neighbours: 3) }
        #expect(throws: SecAggError.invalidBitWidth(63)) { try SecAggConfig(session: 0, threshold: 2, dimension: 1, bits: 63) }
        #expect(throws: SecAggError.invalidDimension(0)) { try SecAggConfig(session: 0, threshold: 2, dimension: 0) }
        let config = try SecAggConfig(session: 0, threshold: 2, dimension: 2, bits: 8)
        #expect(throws: SecAggError.valueOutOfRange(index: 1)) { try SecAggClient(config: config, id: 1, input: [1, 256]) }
        #expect(throws: SecAggError.wrongDimension(expected: 2, actual: 3)) { try SecAggClient(config: config, id: 1, input: [1, 2, 3]) }
        #expect(throws: SecAggError.invalidClientID(0)) { try SecAggClient(config: config, id: 0, input: [1, 2]) }
        #expect(throws: SecAggError.invalidShare) { try Shamir.Share(x: 1, value: [UInt8](repeating: 0xFF, count: 33)) }
        #expect(throws: SecAggError.invalidDropout(1.5)) {
            try SecAggSimulation.run(clients: 3, dimension: 1, threshold: 2, dropout: 1.5, seed: 0)
        }
    }
}
