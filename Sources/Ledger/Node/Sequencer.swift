import DataFiLedger
import DataFiLedgerMarket
import DataFiMarket
import DataFiSodium
import Dispatch
import Foundation
import ServiceLifecycle

/// The ledger as readers see it: the state after the last durable batch, replaced after each commit.
final class LedgerView<Store: LedgerStore>: @unchecked Sendable {
    private let lock = NSLock()
    private var ledger: MarketLedger<Store>
    private var note: (size: UInt64, text: String)?

    init(_ ledger: MarketLedger<Store>) { self.ledger = ledger }

    /// A copy of the ledger as of the last commit (copy-on-write: cheap).
    var current: MarketLedger<Store> { lock.withLock { ledger } }

    func publish(_ ledger: MarketLedger<Store>) { lock.withLock { self.ledger = ledger } }

    /// The signed checkpoint of the current size; signed once per size.
    func signedCheckpoint(with key: Signing.PrivateKey) throws(LedgerError) -> String {
        let ledger = current
        if let note = lock.withLock({ note }), note.size == ledger.size { return note.text }
        let text = try ledger.signedCheckpoint(with: key)
        lock.withLock { if (self.note?.size ?? 0) <= ledger.size { self.note = (ledger.size, text) } }
        return text
    }
}

/// The one writer: requests queue their envelopes here, and one task commits everything that queued up
/// while the previous batch was being made durable as a single batch (group commit). The queue is
/// bounded; a full queue refuses with 503 instead of growing.
final class Sequencer<Store: LedgerStore>: Service, @unchecked Sendable {
    typealias Transaction = MarketMachine.Transaction

    private struct Pending {
        let envelopes: [Envelope<Transaction>]
        let continuation: CheckedContinuation<[SubmitResult], any Error>
    }

    let view: LedgerView<Store>
    private var ledger: MarketLedger<Store>   // touched only by the commit thread
    private let commitQueue = DispatchQueue(label: "datafi.node.sequencer")
    private let lock = NSLock()
    private var pending: [Pending] = []
    private var queued = 0
    private var closed = false
    private var lastTime: UInt64 = 0
    private let wake: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation
    private let maxQueued: Int
    private let maxBatch: Int
    private let threads: Int
    private let metrics: NodeMetrics
    private let clock: @Sendable () -> UInt64
    private let followInterval: Duration?

    /// `followInterval`: when other processes append to the same store, how often to catch up while idle
    /// (`nil`: this sequencer is the only writer).
    init(ledger: MarketLedger<Store>, maxQueued: Int, maxBatch: Int, threads: Int, metrics: NodeMetrics,
         followInterval: Duration? = nil, clock: @escaping @Sendable () -> UInt64) {
        self.ledger = ledger
        self.followInterval = followInterval
        view = LedgerView(ledger)
        self.maxQueued = maxQueued
        self.maxBatch = maxBatch
        self.threads = threads
        self.metrics = metrics
        self.clock = clock
        (wake, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues `envelopes` and returns their results once their batch is durable.
    /// - Throws: ``NodeRefusal``: 503 when the queue is full, the node is shutting down or the batch could
    ///   not be stored; 413 when the request alone exceeds the queue.
    func submit(_ envelopes: [Envelope<Transaction>]) async throws -> [SubmitResult] {
        guard !envelopes.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            let refusal: NodeRefusal? = lock.withLock {
                if closed { return NodeRefusal(.serviceUnavailable, "shutting_down", "the node is shutting down", retryAfter: 1) }
                guard envelopes.count <= maxQueued else {
                    return NodeRefusal(.contentTooLarge, "too_many_envelopes",
                                       "\(envelopes.count) envelopes exceed the queue's \(maxQueued)")
                }
                guard queued + envelopes.count <= maxQueued else {
                    return NodeRefusal(.serviceUnavailable, "overloaded",
                                       "\(queued) envelopes are waiting (limit \(maxQueued)); retry later", retryAfter: 1)
                }
                pending.append(Pending(envelopes: envelopes, continuation: continuation))
                queued += envelopes.count
                return nil
            }
            if let refusal {
                metrics.overloaded.increment()
                continuation.resume(throwing: refusal)
            } else {
                metrics.queueDepth.record(Double(lock.withLock { queued }))
                wakeUp.yield()
            }
        }
    }

    /// Commits batches until graceful shutdown, then commits what is still queued and returns.
    func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                if let interval = followInterval {
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: interval)
                            await self.follow()
                        }
                    }
                }
                for await _ in wake { await drain() }
                await drain()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.lock.withLock { self.closed = true }
            self.wakeUp.finish()
        }
    }

    /// Submits on the commit thread. With other writers on the store, a batch that lost the race for the
    /// log's end (nothing written) is retried after catching up.
    private func commit(_ envelopes: [Envelope<Transaction>], at time: UInt64) throws(LedgerError) -> [SubmitResult] {
        var attempts = 0
        while true {
            do {
                return try ledger.submit(envelopes, at: time, threads: threads)
            } catch .invalidRange where followInterval != nil && attempts < 100 {
                attempts += 1
                try catchUp()
            }
        }
    }

    /// Reopens the ledger from the store: the latest snapshot, then the entries after it, including those
    /// other writers appended. Commit thread only.
    private func catchUp() throws(LedgerError) {
        ledger = try MarketLedger(opening: ledger.store)
        view.publish(ledger)
        metrics.treeSize.record(Double(ledger.size))
    }

    /// Catches up when the store holds entries this sequencer has not applied.
    private func follow() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            commitQueue.async {
                if let size = try? self.ledger.store.size(), size > self.ledger.size { try? self.catchUp() }
                done.resume()
            }
        }
    }

    /// Takes whole requests, up to `maxBatch` envelopes (at least one request), until the queue is empty.
    private func drain() async {
        while true {
            let taken: [Pending] = lock.withLock {
                var count = 0, n = 0
                while n < pending.count, n == 0 || count + pending[n].envelopes.count <= maxBatch {
                    count += pending[n].envelopes.count
                    n += 1
                }
                let batch = Array(pending.prefix(n))
                pending.removeFirst(n)
                queued -= count
                return batch
            }
            if taken.isEmpty { return }
            let all = taken.flatMap(\.envelopes)
            let started = ContinuousClock.now
            let outcome: Result<[SubmitResult], any Error> = await withCheckedContinuation { done in
                commitQueue.async {
                    let now = max(self.clock(), self.lastTime)
                    self.lastTime = now
                    do throws(LedgerError) {
                        let results = try self.commit(all, at: now)
                        self.view.publish(self.ledger)
                        done.resume(returning: .success(results))
                    } catch {
                        done.resume(returning: .failure(NodeRefusal(error)))
                    }
                }
            }
            metrics.commitDuration.recordNanoseconds(Int64((ContinuousClock.now - started).components.attoseconds / 1_000_000_000
                + (ContinuousClock.now - started).components.seconds * 1_000_000_000))
            metrics.batches.increment()
            metrics.batchSize.record(Double(all.count))
            switch outcome {
            case .success(let results):
                var offset = 0
                for item in taken {
                    let slice = Array(results[offset..<offset + item.envelopes.count])
                    offset += item.envelopes.count
                    item.continuation.resume(returning: slice)
                }
                let logged = results.filter { if case .logged = $0 { true } else { false } }.count
                metrics.logged.increment(by: Int64(logged))
                metrics.rejected.increment(by: Int64(results.count - logged))
                metrics.treeSize.record(Double(view.current.size))
            case .failure(let error):
                for item in taken { item.continuation.resume(throwing: error) }
            }
            metrics.queueDepth.record(Double(lock.withLock { queued }))
        }
    }
}
