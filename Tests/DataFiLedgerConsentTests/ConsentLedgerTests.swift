import DataFiLedger
import DataFiLedgerConsent
import DataFiLedgerSQLite
import DataFiSodium
import DataFiWallet
import Foundation
import Testing

let origin = "example.com/consent"

/// A person's wallet and their next nonce on the ledger.
struct Person {
    var wallet: PersonalWallet
    var nonce: UInt64 = 0

    init() throws { wallet = try PersonalWallet(now: 1_000) }

    var key: Signing.PublicKey { wallet.publicKey }

    mutating func grant(_ subject: ConsentSubject, purpose: String = "credit-check", issued: Int64 = 1_000,
                        expires: Int64 = 2_000) throws -> ConsentGrant {
        try wallet.grantConsent(to: subject, purpose: purpose, issued: issued, expires: expires)
    }

    mutating func envelope(_ transaction: ConsentTransaction) throws -> Envelope<ConsentTransaction> {
        defer { nonce += 1 }
        return try wallet.consentEnvelope(transaction, origin: origin, nonce: nonce, deadline: 10_000)
    }
}

func newLedger<Store: LedgerStore>(_ store: Store, operatorKey: Signing.PrivateKey,
                                   interval: UInt64 = 10_000) throws -> ConsentLedger<Store> {
    try ConsentLedger.create(in: store, origin: origin, operatorKey: operatorKey.publicKey, genesis: ConsentMachine(),
                             snapshotInterval: interval)
}

func refusal(_ result: SubmitResult) -> String? {
    if case .logged(_, _, .refused(let code)) = result { return code }
    return nil
}

func applied(_ result: SubmitResult) -> Bool {
    if case .logged(_, _, .applied) = result { return true }
    return false
}

@Suite struct ConsentLedgerTests {
    let operatorKey = Signing.PrivateKey()

    @Test func recordedGrantIsFoundWithAVerifyingProof() throws {
        var person = try Person()
        let grant = try person.grant(.requester("acme-lending"))
        var ledger = try newLedger(MemoryLedgerStore(), operatorKey: operatorKey)
        let results = try ledger.submit([try person.envelope(.record(grant))], at: 1_100)
        #expect(applied(results[0]))
        #expect(ledger.state.consent(id: grant.id)?.grant == grant)

        guard case .allowed(let evidence) = try ledger.checkConsent(person: person.key, subject: .requester("acme-lending"),
                                                                   purpose: "credit-check", at: 1_500) else {
            Issue.record("no valid grant found")
            return
        }
        #expect(evidence.grant == grant)
        #expect(evidence.entryIndex == 0)
        #expect(evidence.verify())
        let note = try ledger.signedCheckpoint(with: operatorKey)
        #expect(evidence.verify(signedCheckpoint: note, operatorKey: operatorKey.publicKey))
        #expect(!evidence.verify(signedCheckpoint: note, operatorKey: Signing.PrivateKey().publicKey))

        // Flipping any byte of the entry, or using another proof or checkpoint, breaks the evidence.
        for i in stride(from: 0, to: evidence.entry.count, by: 7) {
            var entry = evidence.entry
            entry[i] ^= 0x01
            let bad = ConsentEvidence(grant: grant, entryIndex: 0, entry: entry, proof: evidence.proof,
                                      checkpoint: evidence.checkpoint)
            #expect(!bad.verify(), "byte \(i)")
        }
        let moved = ConsentEvidence(grant: grant, entryIndex: 1, entry: evidence.entry, proof: evidence.proof,
                                    checkpoint: evidence.checkpoint)
        #expect(!moved.verify())
        let other = try person.grant(.requester("other"))
        let swapped = ConsentEvidence(grant: other, entryIndex: 0, entry: evidence.entry, proof: evidence.proof,
                                      checkpoint: evidence.checkpoint)
        #expect(!swapped.verify())
    }

    @Test func proofHoldsInALongerLog() throws {
        var people = try (0..<5).map { _ in try Person() }
        var ledger = try newLedger(MemoryLedgerStore(), operatorKey: operatorKey)
        var grants: [ConsentGrant] = []
        for round in 0..<3 {
            var batch: [Envelope<ConsentTransaction>] = []
            for i in people.indices {
                let grant = try people[i].grant(.dataset("bank-statement"), purpose: "purpose-\(round)")
                grants.append(grant)
                batch.append(try people[i].envelope(.record(grant)))
            }
            let results = try ledger.submit(batch, at: 1_100)
            #expect(results.allSatisfy(applied))
        }
        #expect(ledger.size == 15)
        for (n, person) in people.enumerated() {
            for round in 0..<3 {
                guard case .allowed(let evidence) = try ledger.checkConsent(
                    person: person.key, subject: .dataset("bank-statement"), purpose: "purpose-\(round)", at: 1_200)
                else { Issue.record("person \(n) round \(round)"); continue }
                #expect(evidence.grant == grants[round * people.count + n])
                #expect(evidence.entryIndex == UInt64(round * people.count + n))
                #expect(evidence.verify())
            }
        }
    }

    @Test func revokedExpiredAndNotYetValidGrantsAreNotValid() throws {
        var person = try Person()
        let revokedGrant = try person.grant(.requester("acme"), purpose: "marketing", issued: 1_000, expires: 5_000)
        let shortGrant = try person.grant(.requester("acme"), purpose: "credit-check", issued: 1_000, expires: 2_000)
        let laterGrant = try person.grant(.dataset("payslips"), purpose: "credit-check", issued: 3_000, expires: 4_000)
        let revocation = try person.wallet.revokeConsent(id: revokedGrant.idHex, at: 1_800)
        var ledger = try newLedger(MemoryLedgerStore(), operatorKey: operatorKey)
        let results = try ledger.submit([try person.envelope(.record(revokedGrant)), try person.envelope(.record(shortGrant)),
                                         try person.envelope(.record(laterGrant)), try person.envelope(.record(revocation))],
                                        at: 1_500)
        #expect(results.allSatisfy(applied))
        #expect(ledger.state.consent(id: revokedGrant.id)?.revocation == revocation)

        func verdict(_ subject: ConsentSubject, _ purpose: String, _ at: Int64) throws -> ConsentDenial? {
            switch try ledger.checkConsent(person: person.key, subject: subject, purpose: purpose, at: at) {
            case .allowed(let evidence):
                #expect(evidence.verify())
                return nil
            case .denied(let denial): return denial
            }
        }
        // Revoked from 1800: valid before, not from then on.
        #expect(try verdict(.requester("acme"), "marketing", 1_799) == nil)
        #expect(try verdict(.requester("acme"), "marketing", 1_800) == .revoked(id: revokedGrant.idHex, revoked: 1_800))
        // Expires at 2000 (exclusive).
        #expect(try verdict(.requester("acme"), "credit-check", 1_999) == nil)
        #expect(try verdict(.requester("acme"), "credit-check", 2_000) == .expired(id: shortGrant.idHex, expires: 2_000))
        // Valid only from 3000.
        #expect(try verdict(.dataset("payslips"), "credit-check", 2_999) == .notYetValid(id: laterGrant.idHex, issued: 3_000))
        #expect(try verdict(.dataset("payslips"), "credit-check", 3_000) == nil)
        // Wrong purpose, requester, subject kind or person: no grant.
        #expect(try verdict(.requester("acme"), "insurance", 1_500) == .noGrant)
        #expect(try verdict(.requester("acme-bank"), "credit-check", 1_500) == .noGrant)
        #expect(try verdict(.dataset("acme"), "credit-check", 1_500) == .noGrant)
        let stranger = try Person()
        guard case .denied(.noGrant) = try ledger.checkConsent(person: stranger.key, subject: .requester("acme"),
                                                              purpose: "credit-check", at: 1_500) else {
            Issue.record("another person's grant was accepted")
            return
        }
    }

    @Test func hostileTransactionsAreRefusedAndChangeNothing() throws {
        var alice = try Person(), mallory = try Person()
        let grant = try alice.grant(.requester("acme"))
        var ledger = try newLedger(MemoryLedgerStore(), operatorKey: operatorKey)
        let first = try ledger.submit([try alice.envelope(.record(grant))], at: 1_100)
        #expect(first.allSatisfy(applied))

        func expectRefused(_ envelope: Envelope<ConsentTransaction>, _ code: String, at time: UInt64 = 1_200,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
            let before = try ledger.state.snapshot()
            let size = ledger.size
            let results = try ledger.submit([envelope], at: time)
            #expect(ledger.size == size + 1, sourceLocation: sourceLocation)
            #expect(refusal(results[0]) == code, "\(results[0])", sourceLocation: sourceLocation)
            #expect(try ledger.state.snapshot() == before, sourceLocation: sourceLocation)
        }
        // Signs with the person's key directly, bypassing the wallet's check that the record is its own.
        func sign(_ tx: ConsentTransaction, _ who: inout Person) throws -> Envelope<ConsentTransaction> {
            defer { who.nonce += 1 }
            return try Envelope.sign(tx, origin: origin, nonce: who.nonce, deadline: 10_000, with: who.wallet.signingKey)
        }

        // Mallory submits Alice's grant under her own key.
        let aliceGrant2 = try alice.grant(.requester("mallory-corp"))
        try expectRefused(try sign(.record(aliceGrant2), &mallory), "signerIsNotGrantor")
        // A tampered grant signature (one byte of the signature, or of the signed fields).
        var tampered = aliceGrant2.bytes
        tampered[tampered.count - 1] ^= 0x01
        try expectRefused(try sign(.grant(tampered), &alice), "badRecordSignature")
        var tamperedField = aliceGrant2.bytes
        tamperedField[40] ^= 0x01
        try expectRefused(try sign(.grant(tamperedField), &alice), "badRecordSignature")
        // Malformed record bytes.
        try expectRefused(try sign(.grant(Array(aliceGrant2.bytes.prefix(40))), &alice), "malformedRecord")
        // Duplicate grant.
        try expectRefused(try alice.envelope(.record(grant)), "duplicateGrant")
        // A grant already expired when recorded.
        let old = try alice.grant(.requester("acme"), purpose: "old", issued: 100, expires: 1_200)
        try expectRefused(try alice.envelope(.record(old)), "expiredAtRecording", at: 1_200)
        // Revocation of a grant never recorded.
        let unrecorded = try alice.grant(.requester("never-recorded"))
        let unknownRevocation = try alice.wallet.revokeConsent(id: unrecorded.idHex, at: 1_500)
        try expectRefused(try alice.envelope(.record(unknownRevocation)), "unknownGrant")
        // Mallory revokes Alice's grant with a revocation she signs herself.
        let foreign = ConsentRevocation(grant: grant, revoked: 1_500, signer: mallory.wallet.signingKey)
        try expectRefused(try sign(.record(foreign), &mallory), "foreignGrant")
        // Alice's revocation submitted by Mallory.
        let revocation = try alice.wallet.revokeConsent(id: grant.idHex, at: 1_500)
        try expectRefused(try sign(.record(revocation), &mallory), "signerIsNotGrantor")
        // Then Alice's own revocation applies once, and a second time is refused.
        let revoked = try ledger.submit([try alice.envelope(.record(revocation))], at: 1_300)
        #expect(revoked.allSatisfy(applied))
        try expectRefused(try sign(.record(revocation), &alice), "alreadyRevoked")
        // Every refusal was logged; the ledger replays to the same state.
        #expect(try ledger.verify() == ledger.size)
    }

    @Test func malformedAndHugeEnvelopesAreRejected() throws {
        var alice = try Person()
        let grant = try alice.grant(.requester("acme"))
        let good = try alice.envelope(.record(grant)).json()
        #expect(throws: LedgerError.self) { try Envelope<ConsentTransaction>(json: Array(good.dropLast(3))) }
        let text = String(decoding: good, as: UTF8.self)
        for hostile in [
            text.replacingOccurrences(of: "\"grant\"", with: "\"grantx\""),
            text.replacingOccurrences(of: "{\"grant\":", with: "{\"revocation\":\"00\",\"grant\":"),
            text.replacingOccurrences(of: Hex.encode(grant.bytes), with: Hex.encode(grant.bytes).uppercased()),
            text.replacingOccurrences(of: Hex.encode(grant.bytes), with: "zz"),
            text.replacingOccurrences(of: Hex.encode(grant.bytes), with: String(repeating: "00", count: 2049)),
            "{}", "[]", "null",
        ] {
            #expect(throws: LedgerError.self, "\(hostile.prefix(80))") { try Envelope<ConsentTransaction>(json: Array(hostile.utf8)) }
        }
        let huge = Array(repeating: UInt8(ascii: " "), count: Envelope<ConsentTransaction>.maxJSONBytes + 1)
        #expect(throws: LedgerError.tooLarge(limit: Envelope<ConsentTransaction>.maxJSONBytes, actual: huge.count)) {
            try Envelope<ConsentTransaction>(json: huge)
        }
        // The good one round-trips and verifies.
        let decoded = try Envelope<ConsentTransaction>(json: good)
        #expect(decoded.isSignatureValid)
        #expect(decoded.transaction == .grant(grant.bytes))
    }

    @Test func walletSignsOnlyItsOwnRecords() throws {
        var alice = try Person(), bob = try Person()
        let bobGrant = try bob.grant(.requester("acme"))
        #expect(throws: LedgerError.self) {
            try alice.wallet.consentEnvelope(.record(bobGrant), origin: origin, nonce: 0, deadline: 10_000)
        }
        #expect(throws: LedgerError.self) {
            try alice.wallet.consentEnvelope(.grant([1, 2, 3]), origin: origin, nonce: 0, deadline: 10_000)
        }
        let own = try alice.grant(.requester("acme"))
        let envelope = try alice.wallet.consentEnvelope(.record(own), origin: origin, nonce: 0, deadline: 10_000)
        #expect(envelope.signer == alice.key)
        #expect(envelope.isSignatureValid)
    }

    @Test func snapshotRoundTripsAndRejectsDamage() throws {
        var alice = try Person(), bob = try Person()
        var machine = ConsentMachine()
        var grants: [ConsentGrant] = []
        for i in 0..<6 {
            grants.append(i % 2 == 0 ? try alice.grant(.dataset("d\(i)")) : try bob.grant(.dataset("d\(i)")))
        }
        for grant in grants {
            #expect(machine.apply(.record(grant), signer: grant.grantor, time: 1_100) == .applied)
        }
        let revocation = try alice.wallet.revokeConsent(id: grants[0].idHex, at: 1_300)
        #expect(machine.apply(.record(revocation), signer: alice.key, time: 1_200) == .applied)
        let bytes = try machine.snapshot()
        let restored = try ConsentMachine(snapshot: bytes)
        #expect(restored == machine)
        #expect(try restored.snapshot() == bytes)
        // The same grants applied in another order give the same bytes.
        var reordered = ConsentMachine()
        for grant in grants.reversed() { _ = reordered.apply(.record(grant), signer: grant.grantor, time: 1_100) }
        _ = reordered.apply(.record(revocation), signer: alice.key, time: 1_200)
        #expect(try reordered.snapshot() == bytes)
        #expect(try ConsentMachine(snapshot: try ConsentMachine().snapshot()) == ConsentMachine())
        // Truncation, trailing bytes and flipped bytes are refused.
        #expect(throws: LedgerError.self) { try ConsentMachine(snapshot: Array(bytes.dropLast())) }
        #expect(throws: LedgerError.self) { try ConsentMachine(snapshot: bytes + [0]) }
        for i in stride(from: 0, to: bytes.count, by: 13) {
            var damaged = bytes
            damaged[i] ^= 0x80
            // A flipped recording time still parses; every other byte is covered by a signature or a check.
            if let parsed = try? ConsentMachine(snapshot: damaged) { #expect(parsed != machine) }
        }
    }

    @Test func reopeningTheSQLiteStoreGivesTheSameState() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("datafi-consent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("consent.sqlite").path
        var people = try (0..<3).map { _ in try Person() }
        var ledger = try newLedger(try SQLiteLedgerStore(path: path, create: true), operatorKey: operatorKey, interval: 4)
        var grants: [ConsentGrant] = []
        for i in 0..<9 {
            let grant = try people[i % 3].grant(.requester("lender-\(i)"))
            grants.append(grant)
            _ = try ledger.submit([try people[i % 3].envelope(.record(grant))], at: 1_100 + UInt64(i))
        }
        let revocation = try people[1].wallet.revokeConsent(id: grants[1].idHex, at: 1_400)
        let last = try ledger.submit([try people[1].envelope(.record(revocation)),
                                      try people[0].envelope(.record(grants[0]))], at: 1_300)
        #expect(applied(last[0]))
        #expect(refusal(last[1]) == "duplicateGrant")
        let checkpoint = try ledger.checkpoint()
        let reopened = try ConsentLedger(opening: try SQLiteLedgerStore(path: path, create: false))
        #expect(reopened.state == ledger.state)
        #expect(try reopened.checkpoint() == checkpoint)
        #expect(try reopened.verify() == 11)
        #expect(reopened.nextNonce(of: people[0].key) == people[0].nonce)
        guard case .allowed(let evidence) = try reopened.checkConsent(person: people[2].key, subject: .requester("lender-5"),
                                                                     purpose: "credit-check", at: 1_500) else {
            Issue.record("grant lost on reopening")
            return
        }
        #expect(evidence.entryIndex == 5)
        #expect(evidence.verify())
        guard case .denied(.revoked) = try reopened.checkConsent(person: people[1].key, subject: .requester("lender-1"),
                                                                 purpose: "credit-check", at: 1_500) else {
            Issue.record("revocation lost on reopening")
            return
        }
    }
}

/// A small deterministic generator (xorshift64*), so a failing sequence can be replayed.
struct Xorshift: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
}

@Suite struct ConsentModelTests {
    /// Random sequences of grants, revocations and hostile submissions, checked against a plain model:
    /// every outcome as predicted, refusals change nothing, and the final answers match the model.
    @Test(arguments: [1, 2, 3] as [UInt64]) func randomSequencesFollowTheModel(seed: UInt64) throws {
        var rng = Xorshift(state: 0x9E37_79B9_7F4A_7C15 &* seed)
        var people = try (0..<3).map { _ in try Person() }
        var pool: [(owner: Int, grant: ConsentGrant)] = []
        for i in 0..<12 {
            let owner = i % 3
            let issued = Int64(1_000 + 100 * Int.random(in: 0..<10, using: &rng))
            let grant = try people[owner].grant(.requester("r\(i)"), purpose: "p", issued: issued,
                                                expires: issued + Int64(Int.random(in: 1...1_500, using: &rng)))
            pool.append((owner, grant))
        }
        var recorded: [[UInt8]: Int64?] = [:]   // grant id → revocation time
        var ledger = try newLedger(MemoryLedgerStore(), operatorKey: Signing.PrivateKey(), interval: 5)
        let time: UInt64 = 1_500
        for _ in 0..<60 {
            let pick = pool[Int.random(in: 0..<pool.count, using: &rng)]
            let action = Int.random(in: 0..<4, using: &rng)
            var signer = action == 3 ? (pick.owner + 1) % 3 : pick.owner
            let transaction: ConsentTransaction
            let expected: String?
            if action == 0 || action == 3 {
                transaction = .record(pick.grant)
                expected = action == 3 ? "signerIsNotGrantor"
                    : recorded[pick.grant.id] != nil ? "duplicateGrant"
                    : Int64(time) >= pick.grant.expires ? "expiredAtRecording" : nil
            } else if action == 1 {
                let at = pick.grant.issued + Int64(Int.random(in: 0..<600, using: &rng))
                if people[pick.owner].wallet.consents.revocation(of: pick.grant) == nil {
                    try people[pick.owner].wallet.revokeConsent(id: pick.grant.idHex, at: at)
                }
                transaction = .record(people[pick.owner].wallet.consents.revocation(of: pick.grant)!)
                expected = recorded[pick.grant.id] == nil ? "unknownGrant"
                    : recorded[pick.grant.id]! != nil ? "alreadyRevoked" : nil
            } else {
                var bytes = pick.grant.bytes
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                transaction = .grant(bytes)
                signer = pick.owner
                expected = nil   // a refusal of some kind; checked below
            }
            let before = try ledger.state.snapshot()
            let envelope = try Envelope.sign(transaction, origin: origin, nonce: people[signer].nonce, deadline: 10_000,
                                             with: people[signer].wallet.signingKey)
            people[signer].nonce += 1
            let result = try ledger.submit([envelope], at: time)[0]
            if action == 2 {
                #expect(refusal(result) != nil, "a flipped bit was accepted")
            } else if let expected {
                #expect(refusal(result) == expected)
            } else {
                #expect(applied(result), "\(result)")
                if case .revocation = transaction {
                    recorded[pick.grant.id] = .some(people[pick.owner].wallet.consents.revocation(of: pick.grant)!.revoked)
                } else {
                    recorded[pick.grant.id] = .some(nil)
                }
            }
            if !applied(result) { #expect(try ledger.state.snapshot() == before) }
        }
        #expect(ledger.state.grants.count == recorded.count)
        #expect(recorded.values.contains { $0 != nil }, "the sequence recorded no revocation")
        #expect(recorded.values.contains { $0 == nil }, "the sequence left no grant unrevoked")
        #expect(try ConsentMachine(snapshot: try ledger.state.snapshot()) == ledger.state)
        #expect(try ledger.verify() == ledger.size)
        for (owner, grant) in pool {
            for at in stride(from: Int64(1_000), through: 3_500, by: 250) {
                let revoked = recorded[grant.id].flatMap { $0 }
                let allowed = recorded[grant.id] != nil && grant.issued <= at && at < grant.expires
                    && !(revoked.map { $0 <= at } ?? false)
                let verdict = try ledger.checkConsent(person: people[owner].key, subject: grant.subject, purpose: "p", at: at)
                switch verdict {
                case .allowed(let evidence):
                    #expect(allowed)
                    #expect(evidence.grant == grant)
                    #expect(evidence.verify())
                case .denied:
                    #expect(!allowed)
                }
            }
        }
    }
}
