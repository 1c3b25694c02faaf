import Synchronization
import Testing
@testable import DataFiSupport

@Suite(.serialized) struct ParallelismTests {
    @Test func limitDefaultsToTheProcessorsAndIsClampedToOne() {
        defer { Parallelism.resetLimit() }
        Parallelism.resetLimit()
        #expect(Parallelism.limit == Parallelism.processorCount)
        Parallelism.limit = 3
        #expect(Parallelism.limit == 3 && Parallelism.threads() == 3 && Parallelism.threads(nil) == 3)
        #expect(Parallelism.threads(5) == 5)
        #expect(Parallelism.threads(0) == 1 && Parallelism.threads(-7) == 1)
        Parallelism.limit = 0
        #expect(Parallelism.limit == 1)
        Parallelism.limit = -4
        #expect(Parallelism.limit == 1)
    }

    @Test func rangesCoverEveryIndexOnce() {
        for (count, threads, minimum) in [(0, 4, 1), (1, 4, 1), (10, 3, 1), (10, 3, 4), (1000, 7, 10), (5, 100, 1)] {
            let seen = Mutex([Int](repeating: 0, count: count))
            let parts = Mutex(0)
            Parallelism.forEachRange(count, threads: threads, minimumPerPart: minimum) { lo, hi in
                parts.withLock { $0 += 1 }
                seen.withLock { for i in lo..<hi { $0[i] += 1 } }
            }
            #expect(seen.withLock { $0.allSatisfy { $0 == 1 } })
            #expect(parts.withLock { $0 } <= max(1, threads))
        }
    }
}
