// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiLedger
import DataFiLedgerMarket
import DataFiLedgerSQLite
import DataFiMarket
import DataFiSodium
import Foundation
import Testing

@Test func readmeExample() throws {
    let path = NSTemporaryDirectory() + "market-\(UUID().uuidString).sqlite"   // a new file
    let alice = Signing.PrivateKey(), bob = Signing.PrivateKey(), operatorKey = Signing.PrivateKey()
    let market = try Market(genesis: Genesis(
        totalSupply: Market.unit * 1_000_000, allocations: [.init(account: AccountID(publicKey: alice.publicKey),
                                                                    amount: Market.unit * 100)],
        treasury: "treasury", computeOperator: "node", computeKey: Box.PrivateKey().publicKey))
    var ledger = try MarketLedger.create(in: try SQLiteLedgerStore(path: path, create: true), origin: "example.com/market",
                                         operatorKey: operatorKey.publicKey, genesis: MarketMachine(market: market))
    let pay = try Envelope.sign(Transaction.transfer(token: "ALITA", to: AccountID(publicKey: bob.publicKey),
                                                     amount: Market.unit * 5),
                                origin: "example.com/market", nonce: 0, deadline: 2_000_000_000, with: alice)
    let overdraft = try Envelope.sign(Transaction.transfer(token: "ALITA", to: "treasury", amount: Market.unit * 1_000),
                                      origin: "example.com/market", nonce: 1, deadline: 2_000_000_000, with: alice)
    let results = try ledger.submit([pay, overdraft], at: 1_700_000_000)   // applied; refused "insufficientBalance"
    let note = try ledger.signedCheckpoint(with: operatorKey)              // C2SP signed note
    let reopened = try MarketLedger(opening: try SQLiteLedgerStore(path: path, create: false))
    let entries = try reopened.verify()                                    // 2

    // Checks (from the readme-test comment under the example).
    guard case .logged(1, _, .refused(code: "insufficientBalance")) = results[1] else {
        Issue.record("\(results)")
        return
    }
    #expect(entries == 2)
    #expect(try Checkpoint.verify(note: note, publicKey: operatorKey.publicKey).size == 2)
    #expect(reopened.state.market.balance(of: AccountID(publicKey: bob.publicKey), in: "ALITA") == Market.unit * 5)
}
