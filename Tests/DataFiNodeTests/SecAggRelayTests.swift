import DataFiLedger
@testable import DataFiLedgerClient
import DataFiNode
import DataFiSecAgg
import DataFiSodium
import Foundation
import Synchronization
import Testing

@Suite("Secure-aggregation relay")
struct SecAggRelayTests {
    /// Four owners' agents and a coordinator through a node process; one owner leaves after sharing
    /// keys. The aggregate is the plaintext sum over the three survivors, exactly (integers in
    /// [0, 64] are exact in the 2^16/64 fixed point).
    @Test func federatedSumOverTheNodeWithADropout() async throws {
        let node = try NodeProcess(directory: try NodeProcess.temporaryDirectory())
        defer { node.stop() }
        let client = try LedgerClient(url: node.url)
        let shards: [[Double]] = [[3, 17, 40], [64, 0], [9, 9, 9, 9], [50, 33]]
        var coordinator = FederatedCoordinator(client: client, key: Signing.PrivateKey())
        coordinator.joinTimeout = 60
        coordinator.stepTimeout = 2
        let job = FederatedJob(query: .sum(lower: 0, upper: 64), column: "amount", threshold: 3)
        let coordinatorTask = Task { try await coordinator.run(job: job, owners: 4) }
        let reports = try await withThrowingTaskGroup(of: (Int, FederatedOwnerAgent.Report).self) { group in
            for (i, shard) in shards.enumerated() {
                var agent = FederatedOwnerAgent(client: client, key: Signing.PrivateKey())
                agent.timeout = 60
                agent.stop = i == 3 ? .afterShareKeys : .never
                group.addTask {
                    let report = try await agent.run { job in
                        #expect(job.column == "amount")
                        return shard
                    }
                    return (i, report)
                }
            }
            var out: [Int: FederatedOwnerAgent.Report] = [:]
            for try await (i, report) in group { out[i] = report }
            return out
        }
        let report = try await coordinatorTask.value
        let expected = shards[0...2].joined().reduce(0, +)
        #expect(report.result.value == expected)
        #expect(report.result.survivors == 3 && report.result.owners == 4)
        #expect(report.rejected.isEmpty)
        for i in 0...2 {
            #expect(reports[i]?.result?["value"] == .string(String(expected)))
        }
        #expect(reports[3]?.result == nil)
        // The round's participants are the four agents; ids 1...4 each went to one of them.
        #expect(Set(reports.values.map(\.participant)) == [1, 2, 3, 4])
    }

    /// A relay that hands an owner a key directory of another round: the agent stops with a typed
    /// error and sends nothing more.
    @Test func agentRefusesAMessageOfAnotherRound() async throws {
        let node = try NodeProcess(directory: try NodeProcess.temporaryDirectory())
        defer { node.stop() }
        let client = try LedgerClient(url: node.url)
        let coordinatorKey = Signing.PrivateKey()
        let job = FederatedJob(query: .count, column: "", threshold: 2, session: 41)
        let round = try await client.createRound(
            coordinator: coordinatorKey.publicKey, participants: 2, job: job.encoded)
        var agent = FederatedOwnerAgent(client: client, key: Signing.PrivateKey())
        agent.timeout = 30
        let agentTask = Task { try await agent.run(round: round) { _ in [1, 2, 3] } }
        var advertised: [RelayMessage] = []
        for _ in 0..<600 where advertised.isEmpty {
            advertised = try await client.messages(round: round, step: .advertiseKeys, to: 0)
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        let keys = try AdvertiseKeys(serialized: try #require(advertised.first).payload)
        let directory = KeyDirectory(
            session: 42,
            entries: [
                .init(
                    id: keys.from, channelKey: keys.channelKey,
                    maskingKey: keys.maskingKey)
            ])
        try await client.postMessage(
            round: round, step: .keyDirectory, from: 0, to: nil, payload: directory.serialized,
            key: coordinatorKey)
        await #expect(throws: FederatedRunError.secAgg(.wrongSession(expected: 41, actual: 42))) {
            try await agentTask.value
        }
        #expect(try await client.messages(round: round, step: .shareKeys, to: 0).isEmpty)
    }

    /// Hostile requests over HTTP get the node's typed refusals, as the client reports them.
    @Test func hostileMessagesOverHTTP() async throws {
        let node = try NodeProcess(directory: try NodeProcess.temporaryDirectory())
        defer { node.stop() }
        let client = try LedgerClient(url: node.url)
        let coordinator = Signing.PrivateKey(), owner = Signing.PrivateKey()
        let round = try await client.createRound(coordinator: coordinator.publicKey, participants: 2, job: [])
        let other = try await client.createRound(coordinator: coordinator.publicKey, participants: 2, job: [])
        #expect(try await client.joinRound(round, key: owner) == 1)
        #expect(try await client.joinRound(round, key: owner) == 1)
        try await client.postMessage(round: round, step: .advertiseKeys, from: 1, to: 0, payload: [1, 2], key: owner)

        func code(_ body: () async throws(LedgerClientError) -> Void) async -> (Int, String)? {
            do { try await body() } catch {
                if case .refused(let status, let code, _, _) = error { return (status, code) }
            }
            return nil
        }
        // Replayed.
        #expect(
            await code { () throws(LedgerClientError) in
                try await client.postMessage(
                    round: round, step: .advertiseKeys, from: 1, to: 0, payload: [1, 2], key: owner)
            }.map { "\($0.0) \($0.1)" } == "409 duplicate_message")
        // Oversized: one byte above 1 MiB.
        #expect(
            await code { () throws(LedgerClientError) in
                try await client.postMessage(
                    round: round, step: .shareKeys, from: 1, to: 0,
                    payload: [UInt8](repeating: 1, count: (1 << 20) + 1),
                    key: owner)
            }.map { "\($0.0) \($0.1)" } == "413 message_too_large")
        // Another round: the owner has not joined it, and a signature made for one round fails in another.
        #expect(
            await code { () throws(LedgerClientError) in
                try await client.postMessage(
                    round: other, step: .advertiseKeys, from: 1, to: 0, payload: [1], key: owner)
            }.map { "\($0.0) \($0.1)" } == "403 unknown_sender")
        _ = try await client.joinRound(other, key: owner)
        let signature = Hex.encode(
            owner.signature(for: SecAggRelayAuth.postMessage(round: round, step: 2, from: 1, to: 0, payload: [9])))
        let copied = try await raw(
            .POST, node.url + "/v1/secagg/rounds/\(other)/messages",
            body: Array(#"{"step":2,"from":1,"to":0,"payload":"CQ==","signature":"\#(signature)"}"#.utf8))
        #expect(copied.status == 403 && copied.json?["error"] == .string("bad_signature"))
        // An expired or unknown round.
        #expect(
            await code { () throws(LedgerClientError) in _ = try await client.round("0123") }.map { "\($0.0) \($0.1)" }
                == "404 unknown_round")
        // Only what was accepted is there.
        let stored = try await client.messages(round: round, step: .advertiseKeys, to: 0)
        #expect(stored.count == 1 && stored[0].from == 1 && stored[0].to == 0 && stored[0].payload == [1, 2])
        #expect(try await client.messages(round: other, step: .shareKeys, to: 0).isEmpty)
    }

    /// The relay's bounds: message size, round bytes, round count, expiry, senders and recipients.
    @Test func relayBoundsMemoryAndRefusesTypedly() throws {
        let now = Mutex<UInt64>(1000)
        let relay = SecAggRelay(
            limits: RelayLimits(
                maxRounds: 2, maxParticipants: 3, maxMessageBytes: 64, maxRoundBytes: 100,
                maxTotalBytes: 1000, maxJobBytes: 16, maxLifetime: 60),
            clock: { now.withLock { $0 } })
        let coordinator = Signing.PrivateKey()
        let owners = [Signing.PrivateKey(), Signing.PrivateKey(), Signing.PrivateKey(), Signing.PrivateKey()]
        func refusal(_ body: () throws(NodeRefusal) -> Void) -> String? {
            do { try body() } catch { return "\(error.status.code) \(error.code)" }
            return nil
        }
        #expect(
            refusal { () throws(NodeRefusal) in
                _ = try relay.create(
                    coordinator: coordinator.publicKey, participants: 2, job: [UInt8](repeating: 0, count: 17),
                    lifetime: 10)
            } == "413 job_too_large")
        #expect(
            refusal { () throws(NodeRefusal) in
                _ = try relay.create(coordinator: coordinator.publicKey, participants: 4, job: [], lifetime: 10)
            }
                == "400 invalid_field")
        #expect(
            refusal { () throws(NodeRefusal) in
                _ = try relay.create(coordinator: coordinator.publicKey, participants: 3, job: [], lifetime: 61)
            }
                == "400 invalid_field")
        let (round, expiresAt) = try relay.create(
            coordinator: coordinator.publicKey, participants: 3, job: [], lifetime: 30)
        #expect(expiresAt == 1030)
        _ = try relay.create(coordinator: coordinator.publicKey, participants: 2, job: [], lifetime: 60)
        #expect(
            refusal { () throws(NodeRefusal) in
                _ = try relay.create(coordinator: coordinator.publicKey, participants: 2, job: [], lifetime: 5)
            }
                == "503 too_many_rounds")

        func join(_ key: Signing.PrivateKey) throws(NodeRefusal) -> UInt32 {
            try relay.join(
                round: round, key: key.publicKey,
                signature: key.signature(for: SecAggRelayAuth.joinMessage(round: round)))
        }
        func post(_ key: Signing.PrivateKey, step: UInt8, from: UInt32, to: UInt32?, _ payload: [UInt8])
            throws(NodeRefusal)
        {
            try relay.post(
                round: round, step: step, from: from, to: to, payload: payload,
                signature: key.signature(
                    for: SecAggRelayAuth.postMessage(round: round, step: step, from: from, to: to, payload: payload)))
        }
        #expect(try join(owners[0]) == 1 && join(owners[1]) == 2 && join(owners[2]) == 3 && join(owners[0]) == 1)
        #expect(refusal { () throws(NodeRefusal) in _ = try join(owners[3]) } == "409 round_full")
        #expect(
            refusal { () throws(NodeRefusal) in
                _ = try relay.join(round: round, key: owners[3].publicKey, signature: [UInt8](repeating: 0, count: 64))
            } == "403 bad_signature")

        try post(owners[0], step: 0, from: 1, to: 0, [UInt8](repeating: 1, count: 64))
        #expect(
            refusal { () throws(NodeRefusal) in try post(owners[0], step: 0, from: 1, to: 0, [1]) }
                == "409 duplicate_message")
        #expect(
            refusal { () throws(NodeRefusal) in
                try post(owners[1], step: 0, from: 2, to: 0, [UInt8](repeating: 1, count: 65))
            }
                == "413 message_too_large")
        #expect(
            refusal { () throws(NodeRefusal) in try post(owners[1], step: 8, from: 2, to: 0, [1]) }
                == "400 invalid_field")
        #expect(
            refusal { () throws(NodeRefusal) in try post(owners[1], step: 0, from: 2, to: nil, [1]) }
                == "400 invalid_field")
        #expect(
            refusal { () throws(NodeRefusal) in try post(owners[1], step: 0, from: 2, to: 9, [1]) }
                == "400 invalid_field")
        #expect(
            refusal { () throws(NodeRefusal) in try post(owners[1], step: 0, from: 1, to: 0, [2]) }
                == "403 bad_signature")
        #expect(
            refusal { () throws(NodeRefusal) in try post(owners[3], step: 0, from: 9, to: 0, [1]) }
                == "403 unknown_sender")
        try post(owners[1], step: 0, from: 2, to: 0, [UInt8](repeating: 2, count: 36))
        // 64 + 36 = 100 bytes: the round is full.
        #expect(
            refusal { () throws(NodeRefusal) in try post(owners[2], step: 0, from: 3, to: 0, [3]) }
                == "413 round_too_large")
        try post(coordinator, step: 1, from: 0, to: nil, [])
        let forTwo = try relay.messages(round: round, step: 1, to: 2)
        #expect(forTwo.count == 1 && forTwo[0].from == 0 && forTwo[0].to == nil)
        #expect(try relay.messages(round: round, step: 0, to: 0).map(\.from) == [1, 2])
        #expect(try relay.messages(round: round, step: 0, to: 3).isEmpty)

        // Expiry frees the round and its bytes; a new round fits again.
        now.withLock { $0 = 1030 }
        #expect(relay.roundCount == 1)
        #expect(
            refusal { () throws(NodeRefusal) in _ = try relay.messages(round: round, step: 0, to: 0) }
                == "404 unknown_round")
        _ = try relay.create(coordinator: coordinator.publicKey, participants: 2, job: [], lifetime: 5)
        #expect(relay.roundCount == 2)
    }

    /// A job description round-trips; wrong, truncated, huge or hostile ones are refused typedly.
    @Test func jobDescriptionsParseOrAreRefused() throws {
        let jobs = [
            FederatedJob(query: .count, column: "", threshold: 2, session: 7),
            FederatedJob(
                query: .quantile(0.25, lower: -5, upper: 5.5, bins: 11), column: "x", threshold: 3, session: 8,
                epsilon: 1, delta: 1e-6),
        ]
        for job in jobs { #expect(try FederatedJob(encoded: job.encoded) == job) }
        let encoded = jobs[1].encoded
        let hostile: [[UInt8]] = [
            [], Array(encoded.prefix(encoded.count / 2)), [UInt8](repeating: 0x5B, count: 100_000),
            Array(#"{"query":"median","column":"x","threshold":2,"session":"1"}"#.utf8),
            Array(#"{"query":"sum","column":"x","threshold":2,"session":"1","lower":"nan","upper":"1"}"#.utf8),
            Array(#"{"query":"count","column":"x","threshold":2,"session":"-1"}"#.utf8),
            Array(#"{"query":"count","column":"x","threshold":2,"session":"1","epsilon":"1"}"#.utf8),
        ]
        for bytes in hostile { #expect(throws: FederatedRunError.invalidJob) { try FederatedJob(encoded: bytes) } }
        // Parsed but impossible: the plan refuses it.
        let badBins = try FederatedJob(
            encoded: Array(
                #"{"query":"histogram","column":"x","threshold":2,"session":"1","lower":"0","upper":"1","bins":0}"#.utf8
            ))
        #expect(throws: FederatedRunError.secAgg(.invalidDimension(0))) { try badBins.plan(owners: 3) }
    }

    /// A market round's job names its task and assets; asset claims round-trip. Malformed task references and
    /// claims (wrong, truncated, huge, hostile) are refused typedly.
    @Test func marketTaskReferencesAndClaimsParseOrAreRefused() throws {
        let market = FederatedMarketTask(task: 12, dataset: "HEALTH", assets: [0, 2, 5])
        let job = FederatedJob(
            query: .sum(lower: 0, upper: 128), column: "age", threshold: 2, session: 9, market: market)
        #expect(try FederatedJob(encoded: job.encoded) == job)
        #expect(try FederatedJob(encoded: job.encoded).market == market)
        let base = #"{"query":"count","column":"","threshold":2,"session":"1","market":"#
        let hostile = [
            #"{"task":"1","dataset":"HEALTH","assets":[1,1]}"#, #"{"task":"1","dataset":"HEALTH","assets":[2,1]}"#,
            #"{"task":"1","dataset":"HEALTH","assets":[-1]}"#, #"{"task":"1","dataset":"HEALTH","assets":[]}"#,
            #"{"task":"-1","dataset":"HEALTH","assets":[0]}"#, #"{"task":"1","dataset":"","assets":[0]}"#,
            #"{"task":"1","dataset":"A B","assets":[0]}"#, #"{"task":1,"dataset":"HEALTH","assets":[0]}"#,
            #"{"task":"1","dataset":"HEALTH","assets":["0"]}"#, #"{"task":"1","dataset":"HEALTH"}"#, #""HEALTH""#,
            #"{"task":"1","dataset":"HEALTH","assets":["# + (0...1000).map(String.init).joined(separator: ",") + "]}",
        ]
        for market in hostile {
            #expect(throws: FederatedRunError.invalidJob) {
                try FederatedJob(encoded: Array((base + market + "}").utf8))
            }
        }
        let claim = FederatedAssetClaim(asset: 5, keys: [1, 2, 3])
        #expect(try FederatedAssetClaim(serialized: claim.serialized) == claim)
        let claims: [[UInt8]] = [
            [], Array(claim.serialized.dropLast()), [UInt8](repeating: 0x7B, count: 100_000),
            Array(#"{"asset":-1,"keys":"AQID"}"#.utf8), Array(#"{"asset":"5","keys":"AQID"}"#.utf8),
            Array(#"{"asset":5,"keys":"%%%"}"#.utf8), Array(#"{"asset":99999999999999999999,"keys":""}"#.utf8),
        ]
        for bytes in claims {
            #expect(throws: FederatedClaimProblem.malformed) { try FederatedAssetClaim(serialized: bytes) }
        }
    }

    /// The coordinator's claim check: the claimed asset must be the task's, the key its owner's, the claim the
    /// first for the asset.
    @Test func claimsAreCheckedAgainstTheOwnersKeys() throws {
        let owners = (0..<3).map { _ in Signing.PrivateKey() }
        var check = ClaimCheck(
            task: FederatedMarketTask(task: 1, dataset: "HEALTH", assets: [0, 1, 2]),
            owners: [0: owners[0].publicKey, 1: owners[1].publicKey, 2: owners[2].publicKey])
        func claim(_ asset: Int) -> [UInt8] { FederatedAssetClaim(asset: asset, keys: [7]).serialized }
        #expect(try check.admit(claim(0), from: 1, key: owners[0].publicKey) == (0, [7]))
        check.accept(0, participant: 1)
        #expect(throws: FederatedClaimProblem.notOwner(1)) {
            try check.admit(claim(1), from: 2, key: owners[0].publicKey)
        }
        #expect(throws: FederatedClaimProblem.notOwner(1)) { try check.admit(claim(1), from: 2, key: nil) }
        #expect(throws: FederatedClaimProblem.assetNotInTask(3)) {
            try check.admit(claim(3), from: 2, key: owners[1].publicKey)
        }
        #expect(throws: FederatedClaimProblem.duplicateClaim(0)) {
            try check.admit(claim(0), from: 3, key: owners[0].publicKey)
        }
        #expect(throws: FederatedClaimProblem.malformed) { try check.admit([1, 2], from: 2, key: owners[1].publicKey) }
        #expect(check.assetOf == [1: 0])
    }
}
