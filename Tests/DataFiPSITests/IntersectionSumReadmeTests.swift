import DataFiPSI
import DataFiPaillier
import Testing

@Suite struct IntersectionSumReadmeExampleTests {
    @Test func readmeExample() throws {
        let merchant = PJCServer(items: [("alice", 120), ("bob", 80), ("erin", 5)],
                                 paillier: try PaillierPrivateKey.generate(bits: 2048))
        let lender = PJCClient(items: ["alice", "bob", "dave"])
        let result = try IntersectionSum.run(client: lender, server: merchant)
        #expect(result.intersectionSize == 2)
        #expect(result.intersectionSum == 200)
    }
}
