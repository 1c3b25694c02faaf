import BenchNative
import BenchSupport
import Benchmark
import DataFiSecAgg
import Foundation

// One SecAgg+ round of 100 clients × 100,000 parameters (1,000 in smoke mode), neighbourhood
// K = 2·⌈log2 100⌉ = 14, threshold 8, 10% of the clients dropping after sharing keys (the case
// that makes the server regenerate pairwise masks). Each protocol step is timed beside the bare
// ChaCha20 keystream (libsodium `crypto_stream_chacha20`) of the masks it must expand, in the same
// run, so the ratio of the two rows is the protocol's overhead over mask expansion.
struct RoundFixture {
    let clientAtShare: SecAggClient
    let directory: KeyDirectory
    let clientAtMask: SecAggClient
    let bundle: ShareBundle
    let clientAtUnmask: SecAggClient
    let request: UnmaskRequest
    let serverAtUnmask: SecAggServer
    let clientMasks: Int
    let serverMasks: Int
    let dimension: Int
    let bytesPerClient: Int

    init(clients n: Int, dimension: Int, neighbours: Int, threshold: Int, dropped: Int) throws {
        let config = try SecAggConfig(session: 1, threshold: threshold, dimension: dimension, bits: 32, neighbours: neighbours)
        var rng = SplitMix64(seed: 7)
        var clients = try (1...UInt32(n)).map { id in
            try SecAggClient(config: config, id: id, input: (0..<dimension).map { _ in rng.next() & config.valueMask })
        }
        var server = SecAggServer(config: config)
        var bytes = 0
        for i in clients.indices {
            let m = try clients[i].advertiseKeys()
            if i == 0 { bytes += m.serialized.count }
            try server.receive(m)
        }
        let directory = try server.keyDirectory()
        self.directory = directory
        clientAtShare = clients[0]
        for i in clients.indices {
            let m = try clients[i].shareKeys(directory: directory)
            if i == 0 { bytes += m.serialized.count }
            try server.receive(m)
        }
        let bundles = try server.shareBundles()
        clientAtMask = clients[0]
        bundle = bundles[0]
        // Clients n − dropped + 1 … n drop before their masked input; client 1 always survives.
        for (i, b) in bundles.enumerated() where i < n - dropped {
            let m = try clients[i].maskedInput(bundle: b)
            if i == 0 { bytes += m.serialized.count }
            try server.receive(m)
        }
        request = try server.unmaskRequest()
        clientAtUnmask = clients[0]
        for i in 0..<(n - dropped) {
            let m = try clients[i].unmask(request: request)
            if i == 0 { bytes += m.serialized.count }
            try server.receive(m)
        }
        serverAtUnmask = server
        clientMasks = bundle.shares.count + 1
        serverMasks = server.masksToRegenerate
        self.dimension = dimension
        bytesPerClient = bytes
    }
}

/// The bare keystream: `masks` × `dimension` × 8 bytes of ChaCha20, 16 KiB per call as the
/// protocol expands them.
func bareKeystream(masks: Int, dimension: Int, buffer: UnsafeMutablePointer<UInt8>, key: [UInt8]) {
    let chunk = 2048 * 8
    let nonce = [UInt8](repeating: 0, count: 8)
    for _ in 0..<masks {
        var remaining = dimension * 8
        while remaining > 0 {
            let n = min(chunk, remaining)
            crypto_stream_chacha20(buffer, UInt64(n), nonce, key)
            remaining -= n
        }
    }
}

/// Built once per benchmark process, on first use (a global is initialised lazily), so listing the
/// benchmarks costs nothing.
let sharedFixture: RoundFixture? = {
    let dimension = BenchSupport.smoke ? 1_000 : 100_000
    do {
        let f = try RoundFixture(clients: 100, dimension: dimension, neighbours: 14, threshold: 8, dropped: 10)
        print("SecAgg+ fixture: d=\(dimension), client expands \(f.clientMasks) masks, server regenerates \(f.serverMasks), client sends \(f.bytesPerClient) bytes")
        return f
    } catch {
        print("SecAgg fixture failed: \(error)")
        return nil
    }
}()

let benchmarks: @Sendable () -> Void = {
    BenchSupport.configure(timeUnits: .milliseconds, maxIterations: 30)
    // CPU time beside wall clock: on a shared machine it is the less noisy of the two.
    Benchmark.defaultConfiguration.metrics = [.wallClock, .cpuTotal, .mallocCountTotal]
    _ = sodium_init()
    let key = [UInt8](repeating: 7, count: 32)
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 4096 * 8)
    // Client rows repeat the work 20 times per sample so CPU time (10 ms ticks) resolves it to
    // about 7% of a client row.
    let repeats = BenchSupport.smoke ? 1 : 20
    let label = "100 clients, d=\(BenchSupport.smoke ? 1_000 : 100_000), K=14, 10% dropped"

    Benchmark("Client round (share keys + masked input + unmask) ×\(repeats) [\(label)]") { benchmark in
        guard let fixture = sharedFixture else { return }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { for _ in 0..<repeats {
            var a = fixture.clientAtShare
            blackHole(try a.shareKeys(directory: fixture.directory).serialized)
            var b = fixture.clientAtMask
            blackHole(try b.maskedInput(bundle: fixture.bundle).serialized)
            var c = fixture.clientAtUnmask
            blackHole(try c.unmask(request: fixture.request).serialized)
        } }
    }
    // The client round in its parts, to see where the time beyond the keystream goes.
    Benchmark("Client part: share keys ×\(repeats) [\(label)]") { benchmark in
        guard let fixture = sharedFixture else { return }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { for _ in 0..<repeats {
            var a = fixture.clientAtShare
            blackHole(try a.shareKeys(directory: fixture.directory))
        } }
    }
    Benchmark("Client part: masked input, unserialized ×\(repeats) [\(label)]") { benchmark in
        guard let fixture = sharedFixture else { return }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { for _ in 0..<repeats {
            var b = fixture.clientAtMask
            blackHole(try b.maskedInput(bundle: fixture.bundle))
        } }
    }
    Benchmark("Client bare ChaCha20 keystream (its masks) ×\(repeats) [\(label)]") { benchmark in
        guard let fixture = sharedFixture else { return }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { for _ in 0..<repeats {
            bareKeystream(masks: fixture.clientMasks, dimension: fixture.dimension, buffer: buffer, key: key)
            blackHole(buffer.pointee)
        } }
    }
    Benchmark("Server unmask (aggregate) [\(label)]") { benchmark in
        guard let fixture = sharedFixture else { return }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var s = fixture.serverAtUnmask
            blackHole(try s.aggregate())
        }
    }
    Benchmark("Server bare ChaCha20 keystream (its masks) [\(label)]") { benchmark in
        guard let fixture = sharedFixture else { return }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            bareKeystream(masks: fixture.serverMasks, dimension: fixture.dimension, buffer: buffer, key: key)
            blackHole(buffer.pointee)
        }
    }
}
