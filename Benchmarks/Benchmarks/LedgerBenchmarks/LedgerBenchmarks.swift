import BenchSupport
import Benchmark
import DataFiBigNum
import DataFiLedger
import DataFiLedgerMarket
import DataFiLedgerSQLite
import DataFiMarket
import DataFiSodium
import Dispatch
import Foundation

// The ledger's costs next to their yardsticks, measured in the same run:
// - durable ingest of signed transfers into the SQLite ledger (parallel signature checks, sequential apply,
//   one SQL transaction per batch of 1024, WAL + synchronous=FULL) against bare crypto_sign_verify_detached
//   over the same envelopes on the same threads (both: one iteration = 1024 envelopes);
// - an inclusion proof and opening the ledger at 10^6 entries (10^4 in smoke mode). The 10^6-entry file is
//   built once (it takes minutes) and kept in the temporary directory for later runs.

private let origin = "bench.example/ledger"
private let batch = 1024
private let threads = ProcessInfo.processInfo.activeProcessorCount
private let signerCount = 256

private let signers: [Signing.PrivateKey] = (0..<signerCount).map { i in
    // Deterministic keys, so a kept ledger file matches later runs.
    (try? Signing.PrivateKey(seed: (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i &* 7 &+ i >> 8) }))!
}

private func genesis() -> MarketMachine {
    let allocations = signers.map { Genesis.Allocation(account: AccountID(publicKey: $0.publicKey), amount: Market.unit * 1_000_000) }
    let nodeKey = (try? Box.PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: 32)))!
    let market = try? Market(genesis: Genesis(totalSupply: Market.unit * 1_000_000_000_000, allocations: allocations,
                                              treasury: "treasury", computeOperator: "node", computeKey: nodeKey.publicKey))
    return MarketMachine(market: market!)
}

/// `count` signed transfers starting at each signer's nonce `firstNonce`: envelope k is signed by signer
/// k mod 256 and pays 1 raw unit to the next signer. Signed on all threads.
private func envelopes(count: Int, firstRound: Int) -> [Envelope<Transaction>] {
    let accounts = signers.map { AccountID(publicKey: $0.publicKey) }
    var out = [Envelope<Transaction>?](repeating: nil, count: count)
    out.withUnsafeMutableBufferPointer { buffer in
        nonisolated(unsafe) let base = buffer.baseAddress!
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for k in stride(from: t, to: count, by: threads) {
                let s = k % signerCount, round = firstRound + k / signerCount
                base[k] = try? Envelope.sign(.transfer(token: "ALITA", to: accounts[(s + 1) % signerCount], amount: .one),
                                             origin: origin, nonce: UInt64(round), deadline: UInt64.max, with: signers[s])
            }
        }
    }
    return out.map { $0! }
}

private final class IngestWorld: @unchecked Sendable {
    var ledger: MarketLedger<SQLiteLedgerStore>
    var pool: [Envelope<Transaction>]
    var next = 0
    let path: String

    init(poolSize: Int, name: String) throws {
        // One file per world, replaced on every run, so runs do not pile files up.
        path = FileManager.default.temporaryDirectory.appendingPathComponent("datafi-ingest-bench-\(name).sqlite").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        ledger = try MarketLedger.create(in: try SQLiteLedgerStore(path: path, create: true), origin: origin,
                                         operatorKey: signers[0].publicKey, genesis: genesis(), snapshotInterval: 10_000)
        pool = envelopes(count: poolSize, firstRound: 0)
    }
}

private final class BigWorld: @unchecked Sendable {
    let ledger: MarketLedger<SQLiteLedgerStore>
    let path: String
    init(entries: Int) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("datafi-ledger-bench-\(entries).sqlite").path
        if FileManager.default.fileExists(atPath: path),
           let existing = try? MarketLedger<SQLiteLedgerStore>(opening: try SQLiteLedgerStore(path: path, create: false)),
           existing.size == UInt64(entries) {
            ledger = existing
            return
        }
        try? FileManager.default.removeItem(atPath: path)
        var ledger = try MarketLedger.create(in: try SQLiteLedgerStore(path: path, create: true), origin: origin,
                                             operatorKey: signers[0].publicKey, genesis: genesis(), snapshotInterval: 1000)
        var done = 0
        while done < entries {
            let n = min(65_536, entries - done)
            let list = envelopes(count: n, firstRound: done / signerCount)
            var k = 0
            while k < n {
                _ = try ledger.submit(Array(list[k..<min(n, k + 8192)]), at: 1000, threads: threads)
                k += 8192
            }
            done += n
        }
        self.ledger = try MarketLedger(opening: try SQLiteLedgerStore(path: path, create: false))
    }
}

/// Bare verification of `list` on all threads; the number of valid signatures.
private func bareVerify(_ messages: [(Signing.PublicKey, [UInt8], [UInt8])]) -> Int {
    let valid = UnsafeMutablePointer<Int>.allocate(capacity: threads)
    defer { valid.deallocate() }
    nonisolated(unsafe) let counts = valid
    let n = messages.count
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        var ok = 0
        for k in stride(from: t, to: n, by: threads) {
            let (key, message, signature) = messages[k]
            if key.isValidSignature(signature, for: message) { ok += 1 }
        }
        counts[t] = ok
    }
    return (0..<threads).reduce(0) { $0 + valid[$1] }
}

nonisolated(unsafe) private var ingestWorld: IngestWorld?
nonisolated(unsafe) private var pairedWorld: IngestWorld?
nonisolated(unsafe) private var memoryWorld: (ledger: MarketLedger<MemoryLedgerStore>, pool: [Envelope<Transaction>], next: Int)?
nonisolated(unsafe) private var bigWorld: BigWorld?

let benchmarks: @Sendable () -> Void = {
    let smoke = BenchSupport.smoke
    let bigSize = smoke ? 2_048 : 1_000_000
    BenchSupport.configure(maxIterations: 100)

    // Yardstick: bare crypto_sign_verify_detached over the signed bytes of 1024 envelopes, all threads.
    Benchmark("Ledger yardstick: bare crypto_sign_verify_detached, 1024 envelopes, all threads") { benchmark in
        let list = envelopes(count: batch, firstRound: 0)
        let messages = list.map { ($0.signer, $0.signingBytes, $0.signature) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let valid = UnsafeMutablePointer<Int>.allocate(capacity: threads)
            nonisolated(unsafe) let counts = valid
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                var ok = 0
                for k in stride(from: t, to: batch, by: threads) {
                    let (key, message, signature) = messages[k]
                    if key.isValidSignature(signature, for: message) { ok += 1 }
                }
                counts[t] = ok
            }
            blackHole((0..<threads).reduce(0) { $0 + valid[$1] })
            valid.deallocate()
        }
    }

    // Durable ingest: one submit of 1024 fresh envelopes = one fsynced SQL transaction.
    Benchmark("Ledger durable ingest into SQLite, 1024 signed transfers per batch, all threads") { benchmark in
        if ingestWorld == nil { ingestWorld = try? IngestWorld(poolSize: smoke ? batch : 100 * batch, name: "ingest") }
        guard let world = ingestWorld else { preconditionFailure("benchmark setup failed") }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            guard world.next + batch <= world.pool.count else { break }
            let slice = Array(world.pool[world.next..<world.next + batch])
            world.next += batch
            guard let results = try? world.ledger.submit(slice, at: 1000, threads: threads),
                  case .logged = results[batch - 1] else { preconditionFailure("ingest failed") }
            blackHole(results)
        }
    }

    // The goal's ratio measured pairwise: each iteration verifies one batch bare, then ingests the same batch,
    // so both halves see the same machine load; the custom metric is bare time / ingest time in percent.
    Benchmark("Ledger ingest vs bare verify, same 1024 envelopes back to back (ratio %)",
              configuration: .init(metrics: [.wallClock, .custom("ingest throughput / bare verify (%)",
                                                                 polarity: .prefersLarger, useScalingFactor: false)],
                                   maxDuration: smoke ? .milliseconds(1) : .seconds(10),
                                   maxIterations: smoke ? 1 : 60)) { benchmark in
        if pairedWorld == nil { pairedWorld = try? IngestWorld(poolSize: smoke ? batch : 60 * batch, name: "paired") }
        guard let world = pairedWorld else { preconditionFailure("benchmark setup failed") }
        for _ in benchmark.scaledIterations {
            guard world.next + batch <= world.pool.count else { break }
            let slice = Array(world.pool[world.next..<world.next + batch])
            world.next += batch
            let messages = slice.map { ($0.signer, $0.signingBytes, $0.signature) }
            let clock = ContinuousClock()
            let start = clock.now
            blackHole(bareVerify(messages))
            let middle = clock.now
            guard let results = try? world.ledger.submit(slice, at: 1000, threads: threads),
                  case .logged = results[batch - 1] else { preconditionFailure("ingest failed") }
            let end = clock.now
            let bare = Double((middle - start).components.attoseconds) / 1e18 + Double((middle - start).components.seconds)
            let ingest = Double((end - middle).components.attoseconds) / 1e18 + Double((end - middle).components.seconds)
            benchmark.measurement(.custom("ingest throughput / bare verify (%)", polarity: .prefersLarger,
                                          useScalingFactor: false), Int((100 * bare / ingest).rounded()))
        }
    }

    // The same ingest into the in-memory store: what the SQLite commit costs on top.
    Benchmark("Ledger ingest into the memory store (not durable), 1024 signed transfers per batch, all threads") { benchmark in
        if memoryWorld == nil {
            let pool = envelopes(count: smoke ? batch : 60 * batch, firstRound: 0)
            guard let ledger = try? MarketLedger.create(in: MemoryLedgerStore(), origin: origin, operatorKey: signers[0].publicKey,
                                                        genesis: genesis(), snapshotInterval: 10_000)
            else { preconditionFailure("benchmark setup failed") }
            memoryWorld = (ledger, pool, 0)
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            guard var world = memoryWorld, world.next + batch <= world.pool.count else { break }
            let slice = Array(world.pool[world.next..<world.next + batch])
            world.next += batch
            guard let results = try? world.ledger.submit(slice, at: 1000, threads: threads),
                  case .logged = results[batch - 1] else { preconditionFailure("ingest failed") }
            memoryWorld = world
            blackHole(results)
        }
    }

    Benchmark("Ledger inclusion proof, \(bigSize) entries (SQLite)",
              configuration: .init(metrics: [.wallClock], maxDuration: smoke ? .milliseconds(1) : .seconds(2),
                                   maxIterations: smoke ? 1 : 100_000)) { benchmark in
        if bigWorld == nil { bigWorld = try? BigWorld(entries: bigSize) }
        guard let world = bigWorld else { preconditionFailure("benchmark setup failed") }
        var random = SplitMix64(seed: 42)
        let size = world.ledger.size
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            guard let proof = try? world.ledger.inclusionProof(index: random.next() % size) else {
                preconditionFailure("proof failed")
            }
            blackHole(proof)
        }
    }

    Benchmark("Ledger open (latest snapshot + replay), \(bigSize) entries (SQLite)",
              configuration: .init(metrics: [.wallClock], maxDuration: smoke ? .milliseconds(1) : .seconds(5),
                                   maxIterations: smoke ? 1 : 20)) { benchmark in
        if bigWorld == nil { bigWorld = try? BigWorld(entries: bigSize) }
        guard let world = bigWorld else { preconditionFailure("benchmark setup failed") }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            guard let opened = try? MarketLedger(opening: try SQLiteLedgerStore(path: world.path, create: false)) else {
                preconditionFailure("open failed")
            }
            blackHole(opened.size)
        }
    }
}
