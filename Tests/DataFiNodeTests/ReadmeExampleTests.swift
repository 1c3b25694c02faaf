// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiLedger
import DataFiLedgerClient
import DataFiLedgerMarket
import DataFiMarket
import DataFiNode
import DataFiSodium
import Testing

@Test func readmeExample() async throws {
    let operatorKey = Signing.PrivateKey(), alice = Signing.PrivateKey()
    let market = try Market(genesis: Genesis(
        totalSupply: Market.unit * 1_000_000, allocations: [.init(account: AccountID(publicKey: alice.publicKey),
                                                                    amount: Market.unit * 100)],
        treasury: "treasury", computeOperator: "node", computeKey: Box.PrivateKey().publicKey))
    let ledger = try MarketLedger.create(in: MemoryLedgerStore(), origin: "example.com/node",
                                         operatorKey: operatorKey.publicKey, genesis: MarketMachine(market: market))
    let node = try LedgerNode(ledger: ledger, operatorKey: operatorKey)
    let (ports, announce) = AsyncStream.makeStream(of: Int.self)
    let server = Task { try await node.run(host: "127.0.0.1", port: 0) { announce.yield($0) } }
    var bound = ports.makeAsyncIterator()
    let port = await bound.next() ?? 0                                   // port 0: the system picked one

    let client = try LedgerClient(url: "http://127.0.0.1:\(port)", operatorKey: operatorKey.publicKey)
    let pay = try Envelope.sign(Transaction.transfer(token: "ALITA", to: "bob", amount: Market.unit),
                                origin: "example.com/node", nonce: 0, deadline: 2_000_000_000, with: alice)
    let receipts = try await client.submit([pay])                        // answered once durable
    let bob = try await client.account("bob")
    if case .logged(let index, let leafHash, _, _) = receipts[0] {
        let (checkpoint, proof) = try await client.proveInclusion(index: index, leafHash: leafHash)
        print(checkpoint.size, proof.proof.count)                        // signature and proof checked
    }
    let latest = try await client.checkpoint()
    server.cancel()

    // Checks (from the readme-test comment under the example).
    guard case .logged(0, _, true, nil) = receipts[0] else {
        Issue.record("\(receipts)")
        return
    }
    #expect(bob.balances["ALITA"] == Market.unit.description)
    #expect(latest.size == 1)
}
