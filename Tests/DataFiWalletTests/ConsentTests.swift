import DataFiSodium
import DataFiWallet
import PropertyBased
import Testing

@Suite struct ConsentTests {
    @Test func grantHoldsOnlyInsideItsWindowAndUntilRevoked() throws {
        var wallet = try PersonalWallet(now: 1000)
        let lender = ConsentSubject.requester("acme-lending")
        let grant = try wallet.grantConsent(to: lender, purpose: "credit-check", issued: 1000, expires: 2000)
        #expect(grant.grantor == wallet.publicKey)
        #expect(grant.isSignatureValid)

        #expect(throws: WalletError.consentNotYetValid(id: grant.idHex, issued: 1000)) {
            try wallet.checkConsent(subject: lender, purpose: "credit-check", at: 999)
        }
        #expect(try wallet.checkConsent(subject: lender, purpose: "credit-check", at: 1000) == grant)
        #expect(try wallet.checkConsent(subject: lender, purpose: "credit-check", at: 1999) == grant)
        #expect(throws: WalletError.consentExpired(id: grant.idHex, expired: 2000)) {
            try wallet.checkConsent(subject: lender, purpose: "credit-check", at: 2000)
        }
        // Another purpose or another requester: no consent at all.
        #expect(throws: WalletError.noConsent(subject: "requester acme-lending", purpose: "marketing")) {
            try wallet.checkConsent(subject: lender, purpose: "marketing", at: 1500)
        }
        #expect(throws: WalletError.self) {
            try wallet.checkConsent(subject: .requester("other"), purpose: "credit-check", at: 1500)
        }

        // Revocation at 1500: uses before it stay allowed, from it on they are refused.
        let revocation = try wallet.revokeConsent(id: grant.idHex, at: 1500)
        #expect(revocation.grantID == grant.id)
        #expect(try wallet.checkConsent(subject: lender, purpose: "credit-check", at: 1499) == grant)
        #expect(throws: WalletError.consentRevoked(id: grant.idHex, revoked: 1500)) {
            try wallet.checkConsent(subject: lender, purpose: "credit-check", at: 1500)
        }
        #expect(throws: WalletError.alreadyRevoked(id: grant.idHex)) { try wallet.revokeConsent(id: grant.idHex, at: 1600) }
        #expect(throws: WalletError.unknownConsent(id: "00")) { try wallet.revokeConsent(id: "00", at: 1600) }

        // A new grant after the revocation holds again.
        let renewed = try wallet.grantConsent(to: lender, purpose: "credit-check", issued: 1600, expires: 3000)
        #expect(try wallet.checkConsent(subject: lender, purpose: "credit-check", at: 1700) == renewed)
        #expect(wallet.consents.grants.count == 2)
        #expect(wallet.consents.revocations.count == 1)
    }

    @Test func dataUseChecksConsentFirstAndIsLogged() throws {
        var wallet = try PersonalWallet(now: 0)
        try wallet.addRecord(type: "bank-statement", document: Array(#"{"balance": 1200}"#.utf8), time: 10)
        try wallet.addRecord(type: "payslip", document: Array(#"[1, 2, 3]"#.utf8), time: 11)
        #expect(throws: WalletError.noConsent(subject: "dataset bank-statement", purpose: "underwriting")) {
            try wallet.release(recordsOfType: "bank-statement", to: "acme", purpose: "underwriting", at: 50)
        }
        #expect(wallet.uses.isEmpty)
        let grant = try wallet.grantConsent(to: .dataset("bank-statement"), purpose: "underwriting", issued: 20, expires: 100)
        let released = try wallet.release(recordsOfType: "bank-statement", to: "acme", purpose: "underwriting", at: 50)
        #expect(released.count == 1)
        #expect(released[0].type == "bank-statement")
        #expect(wallet.uses.count == 1)
        #expect(wallet.uses.first?.grantID == grant.idHex)
        #expect(wallet.uses.first?.requester == "acme")
        #expect(wallet.uses.first?.dataset == "bank-statement")
        #expect(wallet.uses.first?.purpose == "underwriting")
        #expect(wallet.uses.first?.time == 50)
        #expect(wallet.uses.first?.records == 1)
        // The dataset grant does not cover the payslips, nor a time after expiry.
        #expect(throws: WalletError.self) { try wallet.release(recordsOfType: "payslip", to: "acme", purpose: "underwriting", at: 50) }
        #expect(throws: WalletError.consentExpired(id: grant.idHex, expired: 100)) {
            try wallet.release(recordsOfType: "bank-statement", to: "acme", purpose: "underwriting", at: 100)
        }
        // A requester grant covers any dataset for its purpose; revoking it stops the use.
        let acme = try wallet.grantConsent(to: .requester("acme"), purpose: "underwriting", issued: 20, expires: 1000)
        #expect(try wallet.release(recordsOfType: "payslip", to: "acme", purpose: "underwriting", at: 60).count == 1)
        try wallet.revokeConsent(id: acme.idHex, at: 70)
        #expect(throws: WalletError.consentRevoked(id: acme.idHex, revoked: 70)) {
            try wallet.release(recordsOfType: "payslip", to: "acme", purpose: "underwriting", at: 80)
        }
        #expect(wallet.uses.count == 2)
    }

    @Test func invalidGrantsAreRefusedAndChangeNothing() throws {
        var wallet = try PersonalWallet(now: 0)
        #expect(throws: WalletError.expiryNotAfterIssue(issued: 10, expires: 10)) {
            try wallet.grantConsent(to: .requester("a"), purpose: "p", issued: 10, expires: 10)
        }
        #expect(throws: WalletError.invalidConsentText("subject")) {
            try wallet.grantConsent(to: .requester(""), purpose: "p", issued: 0, expires: 10)
        }
        #expect(throws: WalletError.invalidConsentText("purpose")) {
            try wallet.grantConsent(to: .requester("a"), purpose: "line\nbreak", issued: 0, expires: 10)
        }
        #expect(throws: WalletError.invalidConsentText("purpose")) {
            try wallet.grantConsent(to: .requester("a"), purpose: String(repeating: "x", count: 257), issued: 0, expires: 10)
        }
        let grant = try wallet.grantConsent(to: .requester("a"), purpose: "p", issued: 100, expires: 200)
        #expect(throws: WalletError.revocationBeforeIssue(id: grant.idHex)) { try wallet.revokeConsent(id: grant.idHex, at: 99) }
        #expect(wallet.consents.grants.count == 1)
        #expect(wallet.consents.revocations.isEmpty)
    }

    @Test func canonicalEncodingsRoundTripAndResistTampering() async throws {
        var wallet = try PersonalWallet(now: 0)
        let grant = try wallet.grantConsent(to: .dataset("payslip"), purpose: "rent application", issued: -5, expires: 1 << 40)
        let revocation = try wallet.revokeConsent(id: grant.idHex, at: 7)
        #expect(try ConsentGrant(bytes: grant.bytes) == grant)
        #expect(try ConsentRevocation(bytes: revocation.bytes) == revocation)
        // The documented layout: domain label, id, grantor, kind byte, texts, times, signature.
        let bytes = grant.bytes
        let domain = Array("DataFi.Wallet.consent-grant.v1".utf8)
        #expect(Array(bytes[0..<2]) == [0, UInt8(domain.count)])
        #expect(Array(bytes[2..<2 + domain.count]) == domain)
        #expect(Array(bytes[2 + domain.count..<18 + domain.count]) == grant.id)
        #expect(Array(bytes[18 + domain.count..<50 + domain.count]) == wallet.publicKey.rawRepresentation)
        #expect(bytes[50 + domain.count] == 1)
        #expect(bytes.count == 2 + domain.count + 16 + 32 + 1 + (2 + 7) + (2 + 16) + 8 + 8 + 64)
        #expect(Array(bytes.suffix(64)) == grant.signature)
        #expect(wallet.publicKey.isValidSignature(grant.signature, for: bytes.dropLast(64)))

        for encoded in [grant.bytes, revocation.bytes] {
            for index in encoded.indices {
                var copy = encoded
                copy[index] ^= 0x01
                #expect(throws: WalletError.self) { try ConsentGrant(bytes: copy) }
                #expect(throws: WalletError.self) { try ConsentRevocation(bytes: copy) }
            }
            for length in 0..<encoded.count {
                #expect(throws: WalletError.self) { try ConsentGrant(bytes: encoded[0..<length]) }
                #expect(throws: WalletError.self) { try ConsentRevocation(bytes: encoded[0..<length]) }
            }
        }
        #expect(throws: WalletError.trailingBytes(what: "consent grant")) { try ConsentGrant(bytes: grant.bytes + [0]) }
        let huge = [UInt8](repeating: 0xff, count: 1 << 20)
        #expect(throws: WalletError.self) { try ConsentGrant(bytes: huge) }
        #expect(throws: WalletError.self) { try ConsentRevocation(bytes: huge) }
        #expect(throws: WalletError.self) { try ConsentGrant(bytes: grant.bytes + huge) }
        await propertyCheck(count: 200, input: Gen.uint8().array(of: 0...400)) { noise in
            #expect(throws: WalletError.self) { try ConsentGrant(bytes: noise) }
            #expect(throws: WalletError.self) { try ConsentRevocation(bytes: noise) }
        }
    }
}
