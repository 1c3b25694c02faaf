import DataFiBigNum
import DataFiMarket
import DataFiSodium
import Testing

@Suite struct CommittedAssetTests {
    @Test func theCommitmentIsTheDocumentedByteStringHashed() throws {
        // Built here from the table in CommittedAsset's documentation, independently of the streamed hash.
        var sealed = try Fixture.asset(records: 0x01_0203_0405)
        sealed.keywords = ["health", "é"]
        let salt = (0..<32).map { UInt8($0) }
        func be(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> UInt64(8 * (n - 1 - $0))) } }
        func text(_ t: String) -> [UInt8] { be(UInt64(t.utf8.count), 4) + Array(t.utf8) }
        var bytes = Array("DataFi sealed asset v1\n".utf8) + salt
        for t in [sealed.name, sealed.description, sealed.creator, sealed.license] { bytes += text(t) }
        bytes += be(2, 4) + text("health") + text("é")
        bytes += be(UInt64(sealed.distribution.count), 4)
        for entry in sealed.distribution {
            bytes += text(entry.encodingFormat) + be(UInt64(entry.sealedContentUrl.count), 4) + entry.sealedContentUrl
        }
        bytes += [0, 0, 0, 1, 2, 3, 4, 5]
        #expect(CommittedAsset.commitment(to: sealed, salt: salt) == SHA256.hash(bytes))
    }

    @Test func aCommittedJoinOpensOnlyWithItsSealedAssetAndSalt() throws {
        var market = try Fixture.marketWithDataset()
        let sealed = try Fixture.asset(records: 700)
        let salt = SecureRandom.bytes(count: CommittedAsset.saltLength)
        let committed = CommittedAsset(committing: sealed, salt: salt)
        #expect(committed.records == 700 && committed.formats == ["text/csv"] && committed.commitment.utf8.count == 64)
        #expect(committed.isOpened(by: sealed, salt: salt))
        #expect(!committed.isOpened(by: sealed, salt: Market.directJoinSalt))
        var other = sealed
        other.creator = "Eve"
        #expect(!committed.isOpened(by: other, salt: salt))
        // Malformed public parts are refused; the market is unchanged.
        for bad in [CommittedAsset(records: 0, formats: ["text/csv"], commitment: committed.commitment),
                    CommittedAsset(records: 5, formats: [], commitment: committed.commitment),
                    CommittedAsset(records: 5, formats: ["text/csv"], commitment: String(committed.commitment.dropLast())),
                    CommittedAsset(records: 5, formats: ["text/csv"], commitment: committed.commitment.uppercased())] {
            let before = market
            #expect(throws: MarketError.self) { try market.apply(.joinCommitted(dataset: Fixture.dataset, asset: bad), by: "olu", at: 2) }
            #expect(market == before)
        }
        _ = try market.apply(.joinCommitted(dataset: Fixture.dataset, asset: committed), by: "olu", at: 2)
        #expect(market.sealedAsset(0, in: Fixture.dataset) == nil)
        // The wrong salt or asset does not attach.
        #expect(throws: MarketError.commitmentMismatch(dataset: Fixture.dataset, asset: 0)) {
            try market.attachSealedAsset(sealed, salt: Market.directJoinSalt, to: 0, in: Fixture.dataset)
        }
        #expect(throws: MarketError.commitmentMismatch(dataset: Fixture.dataset, asset: 0)) {
            try market.attachSealedAsset(other, salt: salt, to: 0, in: Fixture.dataset)
        }
        let hash = market.canonicalSnapshot()
        try market.attachSealedAsset(sealed, salt: salt, to: 0, in: Fixture.dataset)
        #expect(market.canonicalSnapshot() == hash)
        // Attached, the node opens it; erased, it cannot, and the state's bytes never moved.
        let (verdict, _) = try Fixture.node().verify(asset: 0, of: Fixture.dataset, in: &market, at: 3) { opened in
            .accept(records: UInt64(opened.contentUrls.count) * 700)
        }
        #expect(verdict == .accept(records: 700))
        let verified = market.canonicalSnapshot()
        #expect(market.eraseSealedAssets(of: "olu") == [AssetKey(dataset: Fixture.dataset, index: 0)])
        #expect(market.eraseSealedAssets(of: "olu") == [])
        #expect(market.canonicalSnapshot() == verified)
        _ = try market.apply(.swap(dataset: Fixture.dataset, side: .buyDataToken,
                                   amount: .exactIn(amountIn: tokens(2_000), minimumOut: .zero), deadline: 100), by: "chen", at: 4)
        _ = try market.apply(.submitTask(Fixture.order(rows: 700)), by: "chen", at: 5)
        let (opened, events) = try Fixture.node().execute(task: 1, in: &market, at: 6)
        #expect(opened.isEmpty)
        var excluded: [Int] = []
        for case .taskSettled(_, _, _, _, _, _, let list) in events { excluded = list }
        #expect(excluded == [0])
        expectBalanced(market)
    }

    @Test func aDirectJoinKeepsItsSealedAssetBesideTheHashedState() throws {
        var market = try Fixture.marketWithDataset()
        let sealed = try Fixture.asset()
        _ = try market.apply(.join(dataset: Fixture.dataset, asset: sealed), by: "olu", at: 2)
        #expect(market.sealedAsset(0, in: Fixture.dataset) == sealed)
        #expect(market.asset(0, in: Fixture.dataset)?.asset == CommittedAsset(committing: sealed, salt: Market.directJoinSalt))
        // The full snapshot keeps the sealed asset; the canonical bytes do not.
        #expect(try Market(snapshot: market.snapshot()) == market)
        let restored = try Market(canonicalSnapshot: market.canonicalSnapshot())
        #expect(restored.sealedAsset(0, in: Fixture.dataset) == nil)
        #expect(!String(decoding: market.canonicalSnapshot(), as: UTF8.self).contains("Olu"))
    }
}
