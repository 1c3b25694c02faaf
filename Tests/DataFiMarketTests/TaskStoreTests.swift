import DataFiBigNum
@testable import DataFiMarket
import Testing

/// Results stay independent across transactions and market copies; the compact task record reads back exactly.
@Suite struct TaskStoreTests {
    static func funded() throws -> Market {
        var market = try Fixture.marketWithDataset()
        try market.joinVerified(try Fixture.asset(records: 5_000), by: "olu")
        _ = try market.apply(.transfer(token: Fixture.dataset.token, to: "chen", amount: tokens(50_000)), by: "maya", at: 2)
        return market
    }

    @Test func heldResultsStayIntactAcrossLaterTransactions() throws {
        var market = try Self.funded()
        let first = try market.apply(.submitTask(Fixture.order(rows: 10)), by: "chen", at: 3)
        let second = try market.apply(.submitTask(Fixture.order(rows: 20)), by: "chen", at: 4)
        let transfer = try market.apply(.transfer(token: "ALITA", to: "omar", amount: tokens(1)), by: "chen", at: 5)
        guard case .taskSubmitted(let id1, _, _, let fee1, _, _) = try #require(first.first),
              case .taskSubmitted(let id2, _, _, let fee2, _, _) = try #require(second.first)
        else { Issue.record("expected task events"); return }
        #expect(first.count == 1 && second.count == 1 && id1 == 1 && id2 == 2)
        #expect(fee1 == tokens(10) / UInt256(10 as UInt64) && fee2 == tokens(2))
        #expect(transfer == [.transferred(token: "ALITA", from: "chen", to: "omar", amount: tokens(1))])
        // A refused transaction returns nothing and leaves the earlier results alone.
        expectRefused(&market, .submitTask(Fixture.order(rows: 0)), by: "chen",
                      .invalidComplexity(.rows(verifiedRecords: 5000)))
        #expect(first.count == 1 && second.count == 1)
    }

    @Test func copiesOfAMarketDoNotShareResults() throws {
        let original = try Self.funded()
        var a = original, b = original
        let fromA = try a.apply(.submitTask(Fixture.order(rows: 10)), by: "chen", at: 3)
        let fromB = try b.apply(.submitTask(Fixture.order(rows: 30)), by: "chen", at: 3)
        #expect(fromA != fromB)
        #expect(a != b && a != original)
        var c = original
        _ = try c.apply(.submitTask(Fixture.order(rows: 10)), by: "chen", at: 3)
        #expect(a == c)
        #expect(original.taskCount == 0 && a.taskCount == 1)
    }

    @Test func taskRecordKeepsFullAmounts() throws {
        let fee = (UInt256.one << 111) + UInt256(12_345 as UInt64)
        let data = (UInt256.one << 112) - .one
        let record = TaskRecord(consumer: "chen", purpose: "p", rows: .max, submittedAt: 99, deadline: .max,
                                dataTokens: Amount128(data), datasetSlot: 3,
                                operationsPerRow: UInt32(TaskComplexity.maxOperationsPerRow), status: .paid)
        #expect(record.dataTokens.value == data && Amount128(fee).value == fee)
        #expect(Amount128(.zero).value == .zero && Amount128(UInt256(UInt128.max)).value == UInt256(UInt128.max))
        #expect(MemoryLayout<TaskRecord>.stride == 88)
        #expect(record.deadline == .max && record.complexity.rows == .max)
    }

    @Test func storedTasksReadBackExactly() throws {
        var market = try Self.funded()
        _ = try market.apply(.submitTask(Fixture.order(rows: 1, ops: 200_000, purpose: "Ünïcode purpose")),
                             by: "chen", at: 7)
        let task = try #require(market.task(1))
        #expect(task.id == 1 && task.dataset == Fixture.dataset && task.consumer == "chen")
        #expect(task.complexity == TaskComplexity(rows: 1, operationsPerRow: 200_000))
        #expect(task.purpose == "Ünïcode purpose" && task.submittedAt == 7 && task.deadline == 1_000 && task.status == .paid)
        #expect(task.fee == tokens(2_000))
        #expect(market.tasks == [task])
    }

    /// Tasks past the first chunks (which are backed with memory up front) read back exactly, and a copy
    /// taken before keeps its own store.
    @Test func tasksAcrossChunksReadBackExactly() throws {
        var market = try Self.funded()
        let count = 2 * TaskStore.chunkSize + 3
        var before: Market?
        for i in 0..<count {
            if i == TaskStore.chunkSize + 1 { before = market }
            let order = Fixture.order(rows: UInt64(i % 7 + 1), ops: 1, purpose: "p\(i % 5)", deadline: .max)
            _ = try market.apply(.submitTask(order), by: "chen", at: UInt64(10 + i))
        }
        #expect(market.taskCount == count)
        for id in [1, TaskStore.chunkSize, TaskStore.chunkSize + 1, TaskStore.chunkSize + 2, count] {
            let task = try #require(market.task(UInt64(id)))
            let i = id - 1
            #expect(task.id == UInt64(id) && task.submittedAt == UInt64(10 + i) && task.purpose == "p\(i % 5)")
            #expect(task.complexity.rows == UInt64(i % 7 + 1) && task.fee == tokens(UInt64(i % 7 + 1)) / UInt256(100 as UInt64))
        }
        let copy = try #require(before)
        #expect(copy.taskCount == TaskStore.chunkSize + 1 && copy.task(UInt64(TaskStore.chunkSize + 2)) == nil)
        #expect(copy.task(1) == market.task(1))
    }
}
