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

    // Checks (from the readme-test comment under this part of the example).
    guard case .logged(1, _, .refused(code: "insufficientBalance")) = results[1] else {
        Issue.record("\(results)")
        return
    }
    #expect(entries == 2)
    #expect(try Checkpoint.verify(note: note, publicKey: operatorKey.publicKey).size == 2)
    #expect(reopened.state.market.balance(of: AccountID(publicKey: bob.publicKey), in: "ALITA") == Market.unit * 5)

    let nodeKey = Box.PrivateKey()
    let maker = Signing.PrivateKey(), owner = Signing.PrivateKey()
    let genesis = try Market(genesis: Genesis(
        totalSupply: Market.unit * 1_000_000, allocations: [.init(account: AccountID(publicKey: maker.publicKey),
                                                                    amount: Market.unit * 1_000)],
        treasury: "treasury", computeOperator: "node", computeKey: nodeKey.publicKey))
    var log = try MarketLedger.create(in: try SQLiteLedgerStore(path: NSTemporaryDirectory() + "erase-\(UUID().uuidString).sqlite",
                                                              create: true),
                                      origin: "example.com/market", operatorKey: Signing.PrivateKey().publicKey,
                                      genesis: MarketMachine(market: genesis))
    let terms = DatasetTerms(id: "HEALTH", title: "Health survey", requirements: "CSV rows", usageScenarios: ["statistics"],
                             dataTokenSupply: Market.unit * 1_000_000, poolDataTokens: Market.unit * 100_000,
                             poolBaseTokens: Market.unit * 100, rewardReserve: Market.unit * 30_000,
                             rewardPerJoin: Market.unit * 1_000, pricing: .perUnit(price: Market.unit / 100))
    let asset = try AssetMetadata(name: "Sleep diary", description: "One row per night", creator: "Olu", license: "CC-BY-4.0",
                                  keywords: ["sleep"], distribution: [.init(encodingFormat: "text/csv",
                                                                            contentUrl: "https://olu.example/sleep.csv")],
                                  records: 365).sealed(to: nodeKey.publicKey)
    _ = try log.submit([try MarketMachine.sign(.createDataset(terms), origin: "example.com/market", nonce: 0,
                                               deadline: 2_000_000_000, with: maker),
                        // Logged as joinCommitted; the sealed asset and salt go to the side table.
                        try MarketMachine.sign(.join(dataset: "HEALTH", asset: asset), origin: "example.com/market", nonce: 0,
                                               deadline: 2_000_000_000, with: owner)], at: 1_700_000_000)
    let before = try log.checkpoint()
    let held = log.state.market.sealedAsset(0, in: "HEALTH") != nil       // true: the node can open it
    let receipt = try log.erase(subject: owner.publicKey, at: 1_700_000_100)   // entries [1]
    let after = try log.checkpoint()                                       // == before: same root, same state hash
    let opened = log.state.market.sealedAsset(0, in: "HEALTH") != nil     // false
    let verified = try log.verify()                                        // 2

    // Checks (from the readme-test comment under the example).
    #expect(held && !opened)
    #expect(receipt.entries == [1])
    #expect(after == before)
    #expect(verified == 2)
    #expect(throws: LedgerError.alreadyErased(subject: Hex.encode(owner.publicKey.rawRepresentation), time: 1_700_000_100)) {
        try log.erase(subject: owner.publicKey, at: 1_700_000_200)
    }
}
