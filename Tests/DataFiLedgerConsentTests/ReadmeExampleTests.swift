// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiLedger
import DataFiLedgerConsent
import DataFiSodium
import DataFiWallet
import Testing

@Test func readmeExample() throws {
    var person = try PersonalWallet(now: 1_800_000_000)
    let grant = try person.grantConsent(to: .requester("acme-lending"), purpose: "underwriting",
                                        issued: 1_800_000_000, expires: 1_800_086_400)
    let operatorKey = Signing.PrivateKey()
    var ledger = try ConsentLedger.create(in: MemoryLedgerStore(), origin: "example.com/consent",
                                          operatorKey: operatorKey.publicKey, genesis: ConsentMachine())
    let envelope = try person.consentEnvelope(.record(grant), origin: ledger.origin,
                                              nonce: ledger.nextNonce(of: person.publicKey), deadline: 1_800_003_600)
    let recorded = try ledger.submit([envelope], at: 1_800_000_100)

    // The lender's check before a use, and the evidence it keeps.
    let verdict = try ledger.checkConsent(person: person.publicKey, subject: .requester("acme-lending"),
                                          purpose: "underwriting", at: 1_800_000_600)
    let note = try ledger.signedCheckpoint(with: operatorKey)
    var holds = false
    if case .allowed(let evidence) = verdict {      // the grant, its log entry and inclusion proof
        holds = evidence.verify(signedCheckpoint: note, operatorKey: operatorKey.publicKey)   // true
    }

    // Revoked from 1_800_001_000: from then on the answer is no.
    let revocation = try person.revokeConsent(id: grant.idHex, at: 1_800_001_000)
    _ = try ledger.submit([try person.consentEnvelope(.record(revocation), origin: ledger.origin,
                                                      nonce: ledger.nextNonce(of: person.publicKey),
                                                      deadline: 1_800_003_600)], at: 1_800_000_900)
    let later = try ledger.checkConsent(person: person.publicKey, subject: .requester("acme-lending"),
                                        purpose: "underwriting", at: 1_800_001_000)

    // Checks (from the readme-test comment under the example).
    guard case .logged(0, _, .applied) = recorded[0] else {
        Issue.record("\(recorded)")
        return
    }
    #expect(holds)
    guard case .denied(.revoked(_, 1_800_001_000)) = later else {
        Issue.record("\(later)")
        return
    }
}
