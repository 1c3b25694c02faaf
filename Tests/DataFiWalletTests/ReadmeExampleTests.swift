import DataFiSodium
import DataFiWallet
import Foundation
import Testing

@Suite struct WalletReadmeExampleTests {
    @Test func readmeExample() throws {
        let path = try temporaryDirectory() + "/me.wallet"

        var wallet = try PersonalWallet(epsilonBudget: 4, now: 1_800_000_000)
        try wallet.addRecord(type: "bank-statement", document: Array(#"{"balance": 1200}"#.utf8), time: 1_800_000_000)
        let grant = try wallet.grantConsent(to: .requester("acme-lending"), purpose: "underwriting",
                                            issued: 1_800_000_000, expires: 1_800_086_400)
        let shared = try wallet.release(recordsOfType: "bank-statement", to: "acme-lending",
                                        purpose: "underwriting", at: 1_800_000_600)
        let answer = try wallet.answerYesNo(question: "owns-home", truth: true, epsilon: 1, at: 1_800_000_700)
        #expect(shared.count == 1)
        #expect(try ConsentGrant(bytes: grant.bytes) == grant)
        #expect([0, 1].contains(answer.reported))
        #expect(wallet.privacyLedger.spentEpsilon == 1)
        #expect(wallet.uses.count == 1)

        let passphrase = SecureBytes(copying: Array("correct horse battery staple".utf8))
        let store = try WalletStore.create(wallet, at: path, passphrase: passphrase)
        #expect(store.key.parameters == .moderate)
        let (_, reopened) = try WalletStore.open(at: path, passphrase: passphrase)
        #expect(reopened.records == wallet.records)

        let scorer = Signing.PrivateKey()
        let (credential, opening) = try CreditCredential.issue(score: 702, holder: wallet.publicKey,
                                                               modelID: "defi-score-basic", expires: 1_900_000_000,
                                                               scorer: scorer)
        let challenge = CreditPresentation.makeChallenge()
        let proof = try wallet.present(credential, opening: opening, statement: try ScoreStatement(atLeast: 650),
                                       challenge: challenge, now: 1_800_000_800)
        let claim = try proof.verify(scorer: scorer.publicKey, challenge: challenge, now: 1_800_000_900)
        #expect(claim.statement.lower == 650)
        #expect(claim.expires == 1_900_000_000)
    }
}
