import DataFiBigNum
import DataFiMarket
import PropertyBased
import Testing

@Suite struct SnapshotTests {
    @Test func snapshotRoundTripsOverRandomHistories() async throws {
        let base = try PropertyTests.world()
        await propertyCheck(count: 60, input: Gen.uint64().array(of: 1...60)) { script throws in
            var world = base
            for (step, r) in script.enumerated() {
                let time = UInt64(10 + step)
                switch PropertyTests.operation(r, in: world) {
                case .apply(let tx, let by):
                    _ = try? world.market.apply(tx, by: by, at: time)
                case .execute(let id):
                    _ = try? world.node.execute(task: id, in: &world.market, at: time)
                case .verify(let dataset, let index, let verdict):
                    _ = try? world.node.verify(asset: index, of: dataset, in: &world.market, at: time) { _ in verdict }
                }
                // Snapshot mid-history too: restore, then both copies must evolve identically.
                if step % 17 == 5 {
                    world.market = try Market(canonicalSnapshot: world.market.canonicalSnapshot())
                }
            }
            let bytes = world.market.canonicalSnapshot()
            let restored = try Market(canonicalSnapshot: bytes)
            // The canonical bytes leave out the owners' sealed assets; the full snapshot keeps them.
            #expect(restored.snapshot().sealedAssets == [])
            #expect(restored.canonicalSnapshot() == bytes)
            #expect(try Market(snapshot: world.market.snapshot()) == world.market)
        }
    }

    /// Every stored property of `Market` must be in the snapshot: when one is added, this count changes and
    /// the snapshot (Snapshot.swift) must be extended with it.
    @Test func snapshotCoversEveryStoredProperty() throws {
        let market = try Fixture.marketWithDataset()
        let names = Mirror(reflecting: market).children.compactMap(\.label).sorted()
        #expect(names == ["accessByOwner", "accessLog", "baseBalances", "baseToken", "computeFees", "computeKey",
                          "computeOperator", "dataBalances", "datasetIndex", "datasetList", "federatedTasks", "positions", "sealedAssets",
                          "stakes", "storedAssets", "taskStore", "tokens"])
    }

    @Test func hostileSnapshotsAreRefused() throws {
        let bytes = try Fixture.marketWithDataset().canonicalSnapshot()
        for bad in [Array(bytes.prefix(bytes.count / 2)), [], Array("{}".utf8),
                    Array(String(decoding: bytes, as: UTF8.self)
                        .replacingOccurrences(of: "\"version\":2", with: "\"version\":3").utf8)] {
            #expect(throws: MarketError.self) { try Market(canonicalSnapshot: bad) }
        }
    }
}
