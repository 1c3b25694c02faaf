import DataFiSodium
import DataFiSupport
@testable import DataFiWallet
import Foundation
import PropertyBased
import Testing

/// A deliberately cheap Argon2id cost (1 pass, 64 KiB) so the tests can derive keys thousands of times;
/// the wallet's default is libsodium's "moderate" (3 passes, 256 MiB).
let cheapCost: PasswordHashing.Parameters = {
    do { return try PasswordHashing.Parameters(operations: 1, memoryBytes: 64 << 10) } catch { preconditionFailure("\(error)") }
}()

func passphrase(_ text: String) -> SecureBytes { SecureBytes(copying: Array(text.utf8)) }

func temporaryDirectory() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("datafi-wallet-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// A wallet with something of every kind in it.
func populatedWallet() throws -> PersonalWallet {
    var wallet = try PersonalWallet(epsilonBudget: 3, now: 1_700_000_000)
    try wallet.addRecord(type: "bank-statement", document: Array(#"{"balance":1200,"currency":"EUR"}"#.utf8), time: 1_700_000_100)
    let grant = try wallet.grantConsent(to: .requester("acme"), purpose: "underwriting", issued: 1_700_000_000, expires: 1_800_000_000)
    _ = try wallet.release(recordsOfType: "bank-statement", to: "acme", purpose: "underwriting", at: 1_700_000_200)
    try wallet.revokeConsent(id: grant.idHex, at: 1_700_000_300)
    _ = try wallet.answerYesNo(question: "owns-home", truth: true, epsilon: 1, at: 1_700_000_400)
    let scorer = Signing.PrivateKey()
    let (credential, opening) = try CreditCredential.issue(score: 702, holder: wallet.publicKey, modelID: "defi-basic",
                                                           expires: 1_900_000_000, scorer: scorer)
    try wallet.accept(credential, opening: opening)
    return wallet
}

func expectSameContents(_ a: PersonalWallet, _ b: PersonalWallet) {
    #expect(a.publicKey == b.publicKey)
    #expect(a.created == b.created)
    #expect(a.records == b.records)
    #expect(a.consents == b.consents)
    #expect(a.uses == b.uses)
    #expect(a.answers == b.answers)
    #expect(a.privacyLedger == b.privacyLedger)
    #expect(a.credentials == b.credentials)
}

@Suite struct WalletFileTests {
    @Test func sealedWalletRoundTripsWithItsPassphraseOnly() throws {
        let wallet = try populatedWallet()
        let key = try WalletFile.Key(passphrase: passphrase("correct horse"), parameters: cheapCost)
        let sealed = WalletFile.seal(wallet, key: key)
        #expect(Array(sealed.prefix(8)) == Array("DFWALLET".utf8))
        let (opened, reopenedKey) = try WalletFile.open(sealed, passphrase: passphrase("correct horse"))
        expectSameContents(opened, wallet)
        #expect(reopenedKey.salt == key.salt)
        #expect(reopenedKey.parameters == cheapCost)
        // The plaintext never shows: no record text in the file.
        #expect(!String(decoding: sealed, as: UTF8.self).contains("balance"))
        // A fresh nonce every time.
        #expect(WalletFile.seal(wallet, key: key) != sealed)
        #expect(throws: WalletError.wrongPassphraseOrTampered) { try WalletFile.open(sealed, passphrase: passphrase("correct horsE")) }
        #expect(throws: WalletError.emptyPassphrase) { try WalletFile.open(sealed, passphrase: passphrase("")) }
        // Opened wallets still sign as the same person and keep their budget.
        var again = opened
        #expect(throws: WalletError.self) { try again.answerYesNo(question: "q", truth: true, epsilon: 2.5, at: 0) }
        _ = try again.answerYesNo(question: "q", truth: true, epsilon: 2, at: 0)
    }

    @Test func everyTruncationAndEveryFlippedByteIsATypedError() throws {
        var wallet = try PersonalWallet(now: 5)
        try wallet.addRecord(type: "note", document: Array("[1]".utf8), time: 6)
        let sealed = WalletFile.seal(wallet, key: try WalletFile.Key(passphrase: passphrase("pw"), parameters: cheapCost))
        for length in 0..<sealed.count {
            #expect(throws: WalletError.self) { try WalletFile.open(Array(sealed[0..<length]), passphrase: passphrase("pw")) }
        }
        #expect(throws: WalletError.truncatedFile(minimum: 114, actual: 50)) {
            try WalletFile.open(Array(sealed[0..<50]), passphrase: passphrase("pw"))
        }
        for index in sealed.indices {
            var copy = sealed
            copy[index] ^= UInt8(1) << UInt8(index % 8)
            #expect(throws: WalletError.self) { try WalletFile.open(copy, passphrase: passphrase("pw")) }
        }
        var magic = sealed
        magic[0] ^= 0x20
        #expect(throws: WalletError.notAWalletFile) { try WalletFile.open(magic, passphrase: passphrase("pw")) }
        var version = sealed
        version[8] = 9
        #expect(throws: WalletError.unsupportedFormat(version: 9, algorithm: 2)) { try WalletFile.open(version, passphrase: passphrase("pw")) }
        let oversized = sealed + [UInt8](repeating: 0, count: WalletFile.maxFileBytes)
        #expect(throws: WalletError.fileTooLarge(limit: WalletFile.maxFileBytes, actual: oversized.count)) {
            try WalletFile.open(oversized, passphrase: passphrase("pw"))
        }
        var appended = sealed
        appended.append(0)
        #expect(throws: WalletError.wrongPassphraseOrTampered) { try WalletFile.open(appended, passphrase: passphrase("pw")) }
    }

    @Test func hostileCostIsRefusedBeforeAnyWork() throws {
        let sealed = WalletFile.seal(try PersonalWallet(now: 0), key: try WalletFile.Key(passphrase: passphrase("pw"), parameters: cheapCost))
        var greedy = sealed
        // Memory field (offset 18, 8 bytes big-endian) set to 1 TiB.
        let terabyte = UInt64(1) << 40
        for i in 0..<8 { greedy[18 + i] = UInt8(truncatingIfNeeded: terabyte >> UInt64(56 - 8 * i)) }
        #expect(throws: WalletError.keyDerivationCostOutOfRange(operations: 1, memoryBytes: terabyte)) {
            try WalletFile.open(greedy, passphrase: passphrase("pw"))
        }
        var slow = sealed
        slow[17] = 200
        #expect(throws: WalletError.keyDerivationCostOutOfRange(operations: 200, memoryBytes: 64 << 10)) {
            try WalletFile.open(slow, passphrase: passphrase("pw"))
        }
        #expect(throws: WalletError.keyDerivationCostOutOfRange(operations: 1, memoryBytes: 2 << 30)) {
            try WalletFile.Key(passphrase: passphrase("pw"), parameters: try PasswordHashing.Parameters(operations: 1, memoryBytes: 2 << 30))
        }
    }

    @Test func randomBytesNeverOpen() async {
        await propertyCheck(count: 200, input: Gen.uint8().array(of: 0...300)) { noise in
            #expect(throws: WalletError.self) { try WalletFile.open(noise, passphrase: passphrase("pw")) }
            #expect(throws: WalletError.self) { try WalletFile.open(Array("DFWALLET".utf8) + noise, passphrase: passphrase("pw")) }
        }
    }

    @Test func storeCreatesOpensSavesAndRefusesToReplace() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/me.wallet"
        let wallet = try populatedWallet()
        let store = try WalletStore.create(wallet, at: path, passphrase: passphrase("s3cret"), parameters: cheapCost)
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        #expect(throws: WalletError.alreadyExists(path: path)) {
            try WalletStore.create(wallet, at: path, passphrase: passphrase("other"), parameters: cheapCost)
        }
        var (reopened, opened) = try WalletStore.open(at: path, passphrase: passphrase("s3cret"))
        expectSameContents(opened, wallet)
        try opened.addRecord(type: "payslip", document: Array(#"{"net":2100}"#.utf8), time: 9)
        try reopened.save(opened)
        (reopened, opened) = try WalletStore.open(at: path, passphrase: passphrase("s3cret"))
        #expect(opened.records.count == 2)
        #expect(reopened.key.salt == store.key.salt)
        #expect(throws: WalletError.wrongPassphraseOrTampered) { try WalletStore.open(at: path, passphrase: passphrase("s3creT")) }
        #expect(throws: WalletError.notFound(path: dir + "/none")) { try WalletStore.open(at: dir + "/none", passphrase: passphrase("x")) }
        #expect(throws: WalletError.self) { try WalletStore.open(at: dir, passphrase: passphrase("x")) }
    }

    /// A writer that dies mid-write leaves only its temporary file; the wallet is the previous one.
    @Test func interruptedWriteLeavesThePreviousWalletReadable() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/me.wallet"
        var wallet = try PersonalWallet(now: 0)
        try wallet.addRecord(type: "a", document: Array("[1]".utf8), time: 1)
        let store = try WalletStore.create(wallet, at: path, passphrase: passphrase("pw"), parameters: cheapCost)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        // What a writer killed before its rename leaves behind: a temporary file holding part of the new wallet.
        try wallet.addRecord(type: "b", document: Array("[2]".utf8), time: 2)
        let next = WalletFile.seal(wallet, key: store.key)
        let partial = dir + "/.datafi-Xk2q9a"
        try Data(next.prefix(next.count / 2)).write(to: URL(fileURLWithPath: partial))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        let (_, survivor) = try WalletStore.open(at: path, passphrase: passphrase("pw"))
        #expect(survivor.records.map(\.type) == ["a"])
        // The half-written file itself is not a wallet; the next save succeeds beside it.
        #expect(throws: WalletError.self) { try WalletStore.open(at: partial, passphrase: passphrase("pw")) }
        try store.save(wallet)
        let (_, after) = try WalletStore.open(at: path, passphrase: passphrase("pw"))
        #expect(after.records.map(\.type) == ["a", "b"])
        // A save through a symbolic link is refused and changes nothing.
        let link = dir + "/link.wallet"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        let linked = WalletStore(path: link, key: store.key)
        #expect(throws: WalletError.self) { try linked.save(try PersonalWallet(now: 0)) }
        #expect(try WalletStore.open(at: path, passphrase: passphrase("pw")).1.records.count == 2)
    }

    @Test func recordsAreValidated() throws {
        var wallet = try PersonalWallet(now: 0)
        for bad in ["", "with space", "slash/type", String(repeating: "t", count: 65), "é"] {
            #expect(throws: WalletError.invalidRecordType(bad)) { try wallet.addRecord(type: bad, document: Array("{}".utf8), time: 0) }
        }
        for bad in ["", "42", "\"text\"", "{", "{\"a\":}", "null"] {
            #expect(throws: WalletError.documentNotJSON) { try wallet.addRecord(type: "t", document: Array(bad.utf8), time: 0) }
        }
        let huge = [UInt8]("[".utf8) + [UInt8](repeating: UInt8(ascii: "1"), count: PersonalWallet.maxDocumentBytes) + [UInt8]("]".utf8)
        #expect(throws: WalletError.documentTooLarge(limit: PersonalWallet.maxDocumentBytes, actual: huge.count)) {
            try wallet.addRecord(type: "t", document: huge, time: 0)
        }
        #expect(wallet.records.isEmpty)
        let record = try wallet.addRecord(type: "t.v1_x-y", document: Array(#"{"k":[1,2]}"#.utf8), time: 3)
        #expect(record.id.count == 32)
        #expect(wallet.records(ofType: "t.v1_x-y") == [record])
    }

    @Test func exportHoldsEverythingButTheSecrets() throws {
        let wallet = try populatedWallet()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(wallet.exportJSON())) as? [String: Any])
        #expect(object["public_key"] as? String == Hex.encode(wallet.publicKey.rawRepresentation))
        let records = try #require(object["records"] as? [[String: Any]])
        #expect((records.first?["data"] as? [String: Any])?["balance"] as? Int == 1200)
        let consents = try #require(object["consents"] as? [[String: Any]])
        #expect(consents.count == 1)
        #expect(consents[0]["revoked"] as? Int == 1_700_000_300)
        let encoded = try #require(consents[0]["encoded"] as? String)
        #expect(try ConsentGrant(bytes: Hex.decode(encoded)) == wallet.consents.grants[0])
        #expect((object["uses"] as? [Any])?.count == 1)
        #expect(((object["privacy"] as? [String: Any])?["epsilon_spent"] as? Double) == 1)
        #expect(((object["credentials"] as? [[String: Any]])?.first?["score"] as? Int) == 702)
        let text = String(decoding: wallet.exportJSON(), as: UTF8.self)
        let seed = Hex.encode(wallet.signingKey.seed.withUnsafeBytes { Array($0) })
        #expect(!text.contains(seed))
        #expect(!text.contains(Hex.encode(wallet.credentials[0].opening.blinding.bytes)))
    }
}

@Suite struct WalletLockTests {
    /// Eight writers, each opening, adding a record and saving under the lock: no change is lost.
    @Test func lockedUpdatesNeverLoseAChange() async throws {
        let dir = try temporaryDirectory()
        let path = dir + "/shared.wallet"
        _ = try WalletStore.create(try PersonalWallet(now: 0), at: path, passphrase: passphrase("pw"), parameters: cheapCost)
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    do {
                        try WalletStore.withExclusiveAccess(to: path) {
                            let (store, opened) = try WalletStore.open(at: path, passphrase: passphrase("pw"))
                            var wallet = opened
                            try wallet.addRecord(type: "w\(writer)", document: Array("[\(writer)]".utf8), time: Int64(writer))
                            try store.save(wallet)
                        }
                    } catch {
                        Issue.record("writer \(writer): \(error)")
                    }
                }
            }
        }
        let (_, wallet) = try WalletStore.open(at: path, passphrase: passphrase("pw"))
        #expect(Set(wallet.records.map(\.type)) == Set((0..<8).map { "w\($0)" }))
        let lockMode = (try FileManager.default.attributesOfItem(atPath: path + ".lock")[.posixPermissions] as? NSNumber)?.intValue
        #expect(lockMode == 0o600)
        #expect(throws: WalletError.self) { try WalletStore.withExclusiveAccess(to: dir + "/missing/dir/w") { 1 } }
    }
}
