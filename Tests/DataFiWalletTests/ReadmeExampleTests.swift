// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiSodium
import DataFiWallet
import Foundation
import Testing

@Test func readmeExample() throws {
    var wallet = try PersonalWallet(epsilonBudget: 4, now: 1_800_000_000)
    try wallet.addRecord(type: "bank-statement", document: Array(#"{"balance": 1200}"#.utf8), time: 1_800_000_000)
    let grant = try wallet.grantConsent(to: .requester("acme-lending"), purpose: "underwriting",
                                        issued: 1_800_000_000, expires: 1_800_086_400)
    let shared = try wallet.release(recordsOfType: "bank-statement", to: "acme-lending",
                                    purpose: "underwriting", at: 1_800_000_600)   // consent checked first, use logged
    let answer = try wallet.answerYesNo(question: "owns-home", truth: true, epsilon: 1, at: 1_800_000_700)
    // grant.bytes: the canonical signed encoding; answer.reported: the perturbed answer, 1 ε spent.

    // Encrypted at rest (Argon2id + XChaCha20-Poly1305), written atomically with mode 0600.
    let passphrase = SecureBytes(copying: Array("correct horse battery staple".utf8))
    let path = NSTemporaryDirectory() + "me-\(UUID().uuidString).wallet"    // a new file
    let store = try WalletStore.create(wallet, at: path, passphrase: passphrase)
    let (_, reopened) = try WalletStore.open(at: path, passphrase: passphrase)

    // CreditMe: a scorer commits to the score 702; the person proves "score ≥ 650" to one lender.
    let scorer = Signing.PrivateKey()
    let (credential, opening) = try CreditCredential.issue(score: 702, holder: wallet.publicKey,
                                                           modelID: "defi-score-basic", expires: 1_900_000_000,
                                                           scorer: scorer)
    let challenge = CreditPresentation.makeChallenge()                         // sent by the lender
    let proof = try wallet.present(credential, opening: opening, statement: try ScoreStatement(atLeast: 650),
                                   challenge: challenge, now: 1_800_000_800)
    let claim = try proof.verify(scorer: scorer.publicKey, challenge: challenge, now: 1_800_000_900)
    // claim.statement.lower == 650, claim.expires == 1_900_000_000; the score is never sent.

    // Checks (from the readme-test comment under the example).
    #expect(shared.count == 1)
    #expect(try ConsentGrant(bytes: grant.bytes) == grant)
    #expect([0, 1].contains(answer.reported))
    #expect(wallet.privacyLedger.spentEpsilon == 1)
    #expect(wallet.uses.count == 1)
    #expect(store.key.parameters == .moderate)
    #expect(reopened.records == wallet.records)
    #expect(claim.statement.lower == 650)
    #expect(claim.expires == 1_900_000_000)
}
