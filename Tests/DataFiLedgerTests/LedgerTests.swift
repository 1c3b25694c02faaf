import DataFiLedger
import DataFiSodium
import Foundation
import PropertyBased
import Testing

typealias BankLedger = Ledger<Bank, MemoryLedgerStore>

func newBankLedger(interval: UInt64 = 4) throws -> (BankLedger, Signing.PrivateKey) {
    let operatorKey = Signing.PrivateKey()
    let ledger = try BankLedger.create(in: MemoryLedgerStore(), origin: "test.example/bank",
                                       operatorKey: operatorKey.publicKey, genesis: Bank(), snapshotInterval: interval)
    return (ledger, operatorKey)
}

func sign(_ tx: Bank.Transaction, _ key: Signing.PrivateKey, nonce: UInt64, origin: String = "test.example/bank",
          deadline: UInt64 = 2_000_000_000) throws -> Envelope<Bank.Transaction> {
    try Envelope.sign(tx, origin: origin, nonce: nonce, deadline: deadline, with: key)
}

@Suite struct EnvelopeTests {
    @Test func jsonAndBinaryRoundTrip() throws {
        let key = Signing.PrivateKey()
        let envelope = try sign(.pay(to: "bob", amount: 5), key, nonce: 7)
        #expect(envelope.isSignatureValid)
        let json = envelope.json()
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.hasPrefix("{\"deadline\":\"2000000000\",\"nonce\":\"7\",\"origin\":\"test.example/bank\",\"signature\":\""))
        #expect(text.contains("\"transaction\":{\"pay\":{\"amount\":5,\"to\":\"bob\"}}"))
        let back = try Envelope<Bank.Transaction>(json: json)
        #expect(back.encoded() == envelope.encoded() && back.transaction == envelope.transaction)
        let binary = try Envelope<Bank.Transaction>(encoded: envelope.encoded())
        #expect(binary.json() == json && binary.isSignatureValid)
        // Whitespace and key order are free in the JSON form.
        let spaced = " { \"transaction\" : { \"pay\" : { \"to\" : \"bob\" , \"amount\" : 5 } } ,"
            + text.dropFirst().replacingOccurrences(of: ",\"transaction\":{\"pay\":{\"amount\":5,\"to\":\"bob\"}}", with: "")
        #expect(try Envelope<Bank.Transaction>(json: Array(spaced.utf8)).encoded() == envelope.encoded())
    }

    @Test func signedBytesAreDocumentedLayout() throws {
        let key = try Signing.PrivateKey(seed: [UInt8](repeating: 7, count: 32))
        let envelope = try sign(.mint(amount: 1), key, nonce: 258, origin: "o", deadline: 3)
        var expected = Array("DataFi ledger envelope v1\n".utf8) + [1, UInt8(ascii: "o")] + key.publicKey.rawRepresentation
        expected += [0, 0, 0, 0, 0, 0, 1, 2] + [0, 0, 0, 0, 0, 0, 0, 3]
        let tx = Array("{\"mint\":{\"amount\":1}}".utf8)
        expected += [0, 0, 0, UInt8(tx.count)] + tx
        #expect(envelope.signingBytes == expected)
        #expect(key.publicKey.isValidSignature(envelope.signature, for: expected))
    }

    @Test func hostileJSONIsRefusedWithTypedErrors() throws {
        let key = Signing.PrivateKey()
        let good = String(decoding: try sign(.pay(to: "bob", amount: 5), key, nonce: 0).json(), as: UTF8.self)
        func refuse(_ text: String) -> LedgerError? {
            do { _ = try Envelope<Bank.Transaction>(json: Array(text.utf8)); return nil } catch { return error }
        }
        #expect(refuse(good) == nil)
        #expect(refuse(good.replacingOccurrences(of: "\"amount\":5", with: "\"amount\":5,\"amount\":6"))
            == .duplicateKey("amount"))
        #expect(refuse(good.replacingOccurrences(of: "\"amount\":5", with: "\"amount\":5.0")) == .nonCanonicalNumber("5.0"))
        #expect(refuse(good.replacingOccurrences(of: "\"amount\":5", with: "\"amount\":05")) == .nonCanonicalNumber("05"))
        #expect(refuse(good.replacingOccurrences(of: "\"amount\":5", with: "\"amount\":5e0")) == .nonCanonicalNumber("5e0"))
        #expect(refuse(good.replacingOccurrences(of: "\"to\":\"bob\"", with: "\"to\":\"bob\",\"memo\":\"x\""))?.code
            == "not_canonical")
        #expect(refuse(good.replacingOccurrences(of: "{\"deadline\"", with: "{\"extra\":1,\"deadline\""))?.code
            == "not_canonical")
        #expect(refuse(good.replacingOccurrences(of: "\"nonce\":\"0\"", with: "\"nonce\":\"00\""))?.code == "invalid_field")
        #expect(refuse(good.replacingOccurrences(of: "\"nonce\":\"0\"", with: "\"nonce\":0"))?.code == "invalid_field")
        #expect(refuse(String(good.dropLast(5)))?.code == "malformed_json")
        #expect(refuse(good + "x")?.code == "malformed_json")
        #expect(refuse(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)) == .tooDeep(limit: 64))
        let huge = good.replacingOccurrences(of: "\"bob\"", with: "\"" + String(repeating: "b", count: 300_000) + "\"")
        #expect(refuse(huge)?.code == "too_large")
        let big = good.replacingOccurrences(of: "\"bob\"", with: "\"" + String(repeating: "b", count: 70_000) + "\"")
        #expect(refuse(big)?.code == "too_large")
        #expect(refuse(good.replacingOccurrences(of: "\"signer\":\"", with: "\"signer\":\"AB"))?.code == "invalid_field")
        #expect(refuse("[]")?.code == "invalid_field")
        #expect(refuse("")?.code == "malformed_json")
    }

    @Test func personalDataIsNeverSignedOrLoggedAndRefusedByDefault() throws {
        var (ledger, _) = try newBankLedger()
        let key = Signing.PrivateKey()
        let plain = try sign(.mint(amount: 5), key, nonce: 0)
        let envelope = try plain.attaching(personal: Array("{\"name\":\"Olu\"}".utf8))
        #expect(envelope.isSignatureValid && envelope.encoded() == plain.encoded())
        let json = envelope.json()
        #expect(String(decoding: json, as: UTF8.self).contains("\"personal\":{\"name\":\"Olu\"}"))
        #expect(try Envelope<Bank.Transaction>(json: json).personal == envelope.personal)
        for bad in ["[1]", "{\"a\": 1}", "{\"a\":1,\"a\":2}", "\"text\""] {
            #expect(throws: LedgerError.self) { try plain.attaching(personal: Array(bad.utf8)) }
        }
        // A state machine that takes no personal data rejects it before logging.
        let results = try ledger.submit([envelope], at: 1)
        #expect(results == [.rejected(.personalData("this ledger takes no personal data"))])
        #expect(ledger.size == 0)
        #expect(throws: LedgerError.unknownSubject(Hex.encode(key.publicKey.rawRepresentation))) {
            try ledger.erase(subject: key.publicKey, at: 2)
        }
        _ = try ledger.submit([plain], at: 1)
        #expect(try ledger.erase(subject: key.publicKey, at: 2).entries.isEmpty)
    }

    @Test func truncatedBinaryIsRefused() throws {
        let bytes = try sign(.mint(amount: 9), Signing.PrivateKey(), nonce: 0).encoded()
        for cut in [0, 1, 26, 40, 80, bytes.count - 1] {
            #expect(throws: LedgerError.self) { try Envelope<Bank.Transaction>(encoded: Array(bytes.prefix(cut))) }
        }
        #expect(throws: LedgerError.self) { try Envelope<Bank.Transaction>(encoded: bytes + [0]) }
    }
}

@Suite struct LedgerTests {
    @Test func outcomeRules() throws {
        var (ledger, _) = try newBankLedger()
        let alice = Signing.PrivateKey(), bob = Signing.PrivateKey()
        let mint = try sign(.mint(amount: 100), alice, nonce: 0)
        let results = try ledger.submit([mint], at: 1000)
        guard case .logged(0, _, .applied) = results[0] else { Issue.record("\(results)"); return }
        let before = try ledger.state.snapshot(), beforeRoot = try ledger.root(), beforeSize = ledger.size
        // Refused before logging: nothing changes.
        var forged = try sign(.pay(to: "x", amount: 1), alice, nonce: 1)
        let json = String(decoding: forged.json(), as: UTF8.self).replacingOccurrences(of: "\"x\"", with: "\"y\"")
        forged = try Envelope(json: Array(json.utf8))
        let hostile: [(Envelope<Bank.Transaction>, String)] = [
            (forged, "bad_signature"),
            (try sign(.mint(amount: 1), alice, nonce: 1, origin: "other.example/bank"), "wrong_origin"),
            (try sign(.mint(amount: 1), alice, nonce: 0), "wrong_nonce"),
            (try sign(.mint(amount: 1), alice, nonce: 2), "wrong_nonce"),
            (try sign(.mint(amount: 1), alice, nonce: 1, deadline: 999), "expired"),
        ]
        for (envelope, code) in hostile {
            let r = try ledger.submit([envelope], at: 1000)
            guard case .rejected(let error) = r[0] else { Issue.record("accepted \(code)"); continue }
            #expect(error.code == code)
        }
        let afterRoot = try ledger.root()
        #expect(try ledger.state.snapshot() == before)
        #expect(afterRoot == beforeRoot && ledger.size == beforeSize)
        // Refused by the machine: logged, nonce consumed, no balance changed.
        let overdraft = try sign(.pay(to: "bob", amount: 1000), alice, nonce: 1)
        let r = try ledger.submit([overdraft], at: 1001)
        #expect(r == [.logged(index: 1, leafHash: try ledger.store.node(level: 0, index: 1),
                              outcome: .refused(code: "insufficientBalance"))])
        #expect(try ledger.state.snapshot() == before)
        #expect(ledger.nonces[alice.publicKey.rawRepresentation] == 2)
        // The next nonce works; a batch mixing outcomes keeps order.
        let batch = [try sign(.pay(to: bob.publicKey.description, amount: 30), alice, nonce: 2),
                     try sign(.mint(amount: 5), bob, nonce: 0),
                     try sign(.mint(amount: 5), bob, nonce: 0)]
        let rs = try ledger.submit(batch, at: 1002)
        #expect(rs.count == 3)
        if case .rejected(.wrongNonce(1, 0)) = rs[2] {} else { Issue.record("\(rs[2])") }
        #expect(ledger.state.balances[bob.publicKey.description] == 35)
        #expect(ledger.size == 4)
        #expect(try ledger.verify() == 4)
    }

    @Test func reopenReplaysFromTheLatestSnapshotAndVerifies() throws {
        var (ledger, operatorKey) = try newBankLedger(interval: 3)
        let keys = (0..<4).map { _ in Signing.PrivateKey() }
        var nonces = [UInt64](repeating: 0, count: 4)
        for round in 0..<5 {
            var batch: [Envelope<Bank.Transaction>] = []
            for (i, key) in keys.enumerated() {
                let tx: Bank.Transaction = round == 0 ? .mint(amount: 50) : .pay(to: keys[(i + 1) % 4].publicKey.description,
                                                                               amount: UInt64(7 * round + i))
                batch.append(try sign(tx, key, nonce: nonces[i]))
                nonces[i] += 1
            }
            _ = try ledger.submit(batch, at: 10 + UInt64(round), threads: 2)
        }
        #expect(ledger.size == 20)
        #expect(try ledger.store.snapshotSizes() == [0, 3, 6, 9, 12, 15, 18])
        let reopened = try BankLedger(opening: ledger.store)
        #expect(reopened.state == ledger.state && reopened.nonces == ledger.nonces && reopened.frontier == ledger.frontier)
        #expect(try reopened.verify(threads: 2) == 20)
        let note = try ledger.signedCheckpoint(with: operatorKey)
        let checkpoint = try Checkpoint.verify(note: note, publicKey: operatorKey.publicKey)
        let root = try ledger.root()
        #expect(checkpoint.size == 20 && checkpoint.root == root)
        #expect(checkpoint.stateHash == (try ledger.state.stateHash()))
        for i in 0..<20 {
            let proof = try ledger.inclusionProof(index: UInt64(i))
            let hash = MerkleTree.leafHash(try ledger.store.leaf(UInt64(i)))
            #expect(MerkleTree.verifyInclusion(index: UInt64(i), size: 20, leafHash: hash, proof: proof, root: checkpoint.root))
        }
        let consistency = try ledger.consistencyProof(size1: 7, size2: 20)
        #expect(MerkleTree.verifyConsistency(size1: 7, size2: 20, root1: try ledger.root(size: 7), root2: checkpoint.root,
                                             proof: consistency))
    }

    @Test func verifyNamesTheCorruptEntry() throws {
        var (ledger, _) = try newBankLedger(interval: 100)
        let key = Signing.PrivateKey()
        _ = try ledger.submit((0..<10).map { try sign(.mint(amount: UInt64($0)), key, nonce: UInt64($0)) }, at: 5)
        var data = try ledger.store.leaf(6)
        data[data.count - 3] ^= 1   // inside the signature
        ledger.store.corruptLeaf(6, with: data)
        #expect(throws: LedgerError.corrupt(entry: 6, reason: "leaf hash differs from the data")) { try ledger.verify() }
        // A store whose leaf no longer decodes is refused on open.
        ledger.store.corruptLeaf(6, with: [1, 2, 3])
        #expect { _ = try BankLedger(opening: ledger.store) } throws: { error in
            if case LedgerError.corrupt(entry: 6, reason: _) = error { return true }
            return false
        }
    }
}

@Suite struct CheckpointTests {
    /// golang.org/x/mod/sumdb/note's published example (key PeterNeumann+c74f20a3).
    @Test func signedNoteKnownAnswer() throws {
        let seedBlob = Data(base64Encoded: "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")!
        let keyBlob = Data(base64Encoded: "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")!
        let key = try Signing.PrivateKey(seed: seedBlob.dropFirst())
        #expect(key.publicKey.rawRepresentation == Array(keyBlob.dropFirst()))
        #expect(SignedNote.keyID(name: "PeterNeumann", publicKey: key.publicKey) == [0xc7, 0x4f, 0x20, 0xa3])
        let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
        let expected = text + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
        #expect(try SignedNote.sign(text, name: "PeterNeumann", key: key) == expected)
        #expect(try SignedNote.open(expected, name: "PeterNeumann", publicKey: key.publicKey) == text)
        let tampered = expected.replacingOccurrences(of: "cryptography", with: "cryptograph")
        #expect(throws: LedgerError.badSignature) { try SignedNote.open(tampered, name: "PeterNeumann", publicKey: key.publicKey) }
        #expect(throws: LedgerError.badSignature) {
            try SignedNote.open(expected, name: "PeterNeumann", publicKey: Signing.PrivateKey().publicKey)
        }
        #expect(throws: LedgerError.self) { try SignedNote.open(text, name: "PeterNeumann", publicKey: key.publicKey) }
    }

    @Test func checkpointRoundTripAndHostileNotes() throws {
        let key = Signing.PrivateKey()
        let cp = Checkpoint(origin: "example.com/log", size: 12, root: [UInt8](repeating: 3, count: 32),
                            stateHash: [UInt8](repeating: 9, count: 32))
        let note = try cp.signed(with: key)
        #expect(note.hasPrefix("example.com/log\n12\nAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=\ndatafi-state "))
        #expect(try Checkpoint.verify(note: note, publicKey: key.publicKey) == cp)
        for bad in [note.replacingOccurrences(of: "\n12\n", with: "\n13\n"), "", "\n\n", String(note.dropLast()),
                    note.replacingOccurrences(of: "— ", with: "- "), note + "— x AAAA\n"] {
            #expect(throws: LedgerError.self) { try Checkpoint.verify(note: bad, publicKey: key.publicKey) }
        }
        #expect(throws: LedgerError.self) { try Checkpoint(text: "a\n-1\nAA==\n") }
    }
}

@Suite struct PipelineTests {
    /// Large batches take the pipelined path (parallel checks overlapping the apply); results and state must
    /// equal the one-thread path, including rejected envelopes in the middle of chunks.
    @Test func pipelinedSubmitEqualsSequential() throws {
        let keys = (0..<5).map { _ in Signing.PrivateKey() }
        var envelopes: [Envelope<Bank.Transaction>] = []
        var nonces = [UInt64](repeating: 0, count: 5)
        for k in 0..<300 {
            let s = k % 5
            var envelope = try sign(k % 7 == 0 ? .pay(to: "x", amount: 3) : .mint(amount: UInt64(k)), keys[s], nonce: nonces[s],
                                    deadline: k % 41 == 0 ? 1 : 2_000_000_000)
            if k % 53 == 0 {
                let json = String(decoding: envelope.json(), as: UTF8.self)
                let tampered = json.contains("\"mint\"") ? json.replacingOccurrences(of: "\"amount\":\(k)", with: "\"amount\":\(k + 1)")
                                                         : json.replacingOccurrences(of: "\"x\"", with: "\"y\"")
                envelope = try Envelope(json: Array(tampered.utf8))
            }
            if k % 53 != 0 && k % 41 != 0 { nonces[s] += 1 }
            envelopes.append(envelope)
        }
        var (one, _) = try newBankLedger(interval: 50)
        var (many, _) = try newBankLedger(interval: 50)
        let a = try one.submit(envelopes, at: 100, threads: 1)
        let b = try many.submit(envelopes, at: 100, threads: 3)
        #expect(a == b)
        #expect(one.state == many.state && one.frontier == many.frontier)
        #expect(a.contains { if case .rejected(.badSignature) = $0 { true } else { false } })
        #expect(a.contains { if case .rejected(.expired) = $0 { true } else { false } })
        // Signatures are checked in batches: exactly the envelopes one-by-one verification refuses are
        // refused (expired ones are refused before their signature is looked at).
        for (k, result) in a.enumerated() where k % 41 != 0 {
            let refused: Bool
            if case .rejected(.badSignature) = result { refused = true } else { refused = false }
            #expect(refused == !envelopes[k].isSignatureValid, "envelope \(k)")
        }
        #expect(try many.verify(threads: 2) == many.size)
    }
}
