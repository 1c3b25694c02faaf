import DataFiSupport
import Dispatch

/// When a simulated client stops answering.
public enum DropPhase: Int, Sendable, Hashable, CaseIterable {
    /// After advertising keys: it sends no shares (so nobody masks with it).
    case beforeShareKeys = 1
    /// After sharing keys: it sends no masked input (its pairwise masks must be removed).
    case beforeMaskedInput = 2
    /// After its masked input: it does not answer the unmask request (its input still counts).
    case beforeUnmask = 3
}

/// An in-process run of a whole round: one server and any number of clients exchanging serialized
/// messages, as they would through a relay, with clients dropping out at chosen phases.
public enum SecAggSimulation {
    /// The outcome of a simulated round.
    public struct Report: Sendable {
        /// The aggregate the server computed (mod 2^bits).
        public let sum: [UInt64]
        /// The plaintext sum of the survivors' inputs, computed directly.
        public let expected: [UInt64]
        /// Whether `sum == expected`.
        public var sumMatchesPlaintext: Bool { sum == expected }
        /// The clients whose input is in the sum (their masked input reached the server).
        public let survivors: [ClientID]
        /// Mean wall-clock time per client spent in the client's own steps, in milliseconds.
        public let clientMilliseconds: Double
        /// Wall-clock time of the server's steps, in milliseconds.
        public let serverMilliseconds: Double
        /// Mean bytes sent by a client that took part in all four phases.
        public let bytesPerClient: Double
        /// Mask vectors the server regenerated when unmasking.
        public let masksRegenerated: Int
    }

    /// Runs a round over the given inputs (keyed by client id) with clients dropping at the given
    /// phases.
    /// - Throws: `SecAggError` from any step — in particular `.tooFewSurvivors` or
    ///   `.notEnoughShares` when dropouts leave fewer than t clients; no sum is produced then.
    public static func run(config: SecAggConfig, inputs: [ClientID: [UInt64]],
                           drops: [ClientID: DropPhase] = [:]) throws(SecAggError) -> Report {
        var server = SecAggServer(config: config)
        var clients: [ClientID: SecAggClient] = [:]
        for (id, input) in inputs { clients[id] = try SecAggClient(config: config, id: id, input: input) }
        let ids = inputs.keys.sorted()
        var clientNanos: UInt64 = 0, serverNanos: UInt64 = 0
        var sent: [ClientID: Int] = [:]

        func clientStep<T>(_ id: ClientID, _ body: (inout SecAggClient) throws(SecAggError) -> T) throws(SecAggError) -> T {
            guard var client = clients[id] else { throw .unknownSender(id) }
            clients[id] = nil  // keep one reference, so the step does not copy the client's buffers
            let start = DispatchTime.now().uptimeNanoseconds
            defer {
                clientNanos += DispatchTime.now().uptimeNanoseconds - start
                clients[id] = client
            }
            return try body(&client)
        }
        func serverStep<T>(_ body: (inout SecAggServer) throws(SecAggError) -> T) throws(SecAggError) -> T {
            let start = DispatchTime.now().uptimeNanoseconds
            defer { serverNanos += DispatchTime.now().uptimeNanoseconds - start }
            return try body(&server)
        }
        func active(_ id: ClientID, before phase: DropPhase) -> Bool {
            guard let d = drops[id] else { return true }
            return d.rawValue > phase.rawValue
        }

        // Phase 0.
        for id in ids {
            let bytes = try clientStep(id) { c throws(SecAggError) in try c.advertiseKeys().serialized }
            sent[id, default: 0] += bytes.count
            try serverStep { s throws(SecAggError) in try s.receive(AdvertiseKeys(serialized: bytes)) }
        }
        let directory = try serverStep { s throws(SecAggError) in try s.keyDirectory().serialized }
        // Phase 1.
        for id in ids where active(id, before: .beforeShareKeys) {
            let bytes = try clientStep(id) { c throws(SecAggError) in try c.shareKeys(directory: KeyDirectory(serialized: directory)).serialized }
            sent[id, default: 0] += bytes.count
            try serverStep { s throws(SecAggError) in try s.receive(ShareKeys(serialized: bytes)) }
        }
        let bundles = try serverStep { s throws(SecAggError) in try s.shareBundles().map { ($0.to, $0.serialized) } }
        // Phase 2.
        var survivors: [ClientID] = []
        for (id, bundle) in bundles where active(id, before: .beforeMaskedInput) {
            let bytes = try clientStep(id) { c throws(SecAggError) in try c.maskedInput(bundle: ShareBundle(serialized: bundle)).serialized }
            sent[id, default: 0] += bytes.count
            try serverStep { s throws(SecAggError) in try s.receive(MaskedInput(serialized: bytes)) }
            survivors.append(id)
        }
        let request = try serverStep { s throws(SecAggError) in try s.unmaskRequest().serialized }
        // Phase 3.
        var complete: [ClientID] = []
        for id in survivors where active(id, before: .beforeUnmask) {
            let bytes = try clientStep(id) { c throws(SecAggError) in try c.unmask(request: UnmaskRequest(serialized: request)).serialized }
            sent[id, default: 0] += bytes.count
            try serverStep { s throws(SecAggError) in try s.receive(UnmaskResponse(serialized: bytes)) }
            complete.append(id)
        }
        let masks = server.masksToRegenerate
        let sum = try serverStep { s throws(SecAggError) in try s.aggregate() }

        var expected = [UInt64](repeating: 0, count: config.dimension)
        for id in survivors {
            guard let input = inputs[id] else { continue }
            for i in expected.indices { expected[i] &+= input[i] }
        }
        MaskExpander.reduce(&expected, bits: config.bits)
        let bytes = complete.isEmpty ? 0 : Double(complete.reduce(0) { $0 + (sent[$1] ?? 0) }) / Double(complete.count)
        return Report(sum: sum, expected: expected, survivors: survivors,
                      clientMilliseconds: Double(clientNanos) / 1e6 / Double(max(1, ids.count)),
                      serverMilliseconds: Double(serverNanos) / 1e6, bytesPerClient: bytes, masksRegenerated: masks)
    }

    /// Runs a round of `clients` clients (ids 1...n) with inputs drawn uniformly from Z_{2^bits} by
    /// `SplitMix64(seed:)`, and ⌊dropout·n + ½⌋ clients, chosen by the same generator, dropping at
    /// `dropPhase` (or at a phase drawn uniformly for each when nil).
    /// - Throws: the configuration errors of `SecAggConfig`; `SecAggError.invalidClientID` when
    ///   clients is outside 2...`SecAggConfig.maxClients`; `.invalidDropout` for a fraction outside
    ///   [0, 1]; and every error of `run(config:inputs:drops:)`.
    public static func run(clients: Int, dimension: Int, threshold: Int, dropout: Double, seed: UInt64,
                           neighbours: Int? = nil, bits: Int = 62, dropPhase: DropPhase? = nil) throws(SecAggError) -> Report {
        guard clients >= 2, clients <= SecAggConfig.maxClients else { throw .invalidClientID(UInt32(clamping: clients)) }
        guard dropout.isFinite, dropout >= 0, dropout <= 1 else { throw .invalidDropout(dropout) }
        let config = try SecAggConfig(session: seed, threshold: threshold, dimension: dimension, bits: bits, neighbours: neighbours)
        var rng = SplitMix64(seed: seed)
        var inputs: [ClientID: [UInt64]] = [:]
        for id in 1...UInt32(clients) {
            inputs[id] = (0..<dimension).map { _ in rng.next() & config.valueMask }
        }
        var order = Array(1...UInt32(clients))
        order.shuffle(using: &rng)
        let dropping = Int((dropout * Double(clients)).rounded())
        var drops: [ClientID: DropPhase] = [:]
        for id in order.prefix(dropping) {
            drops[id] = dropPhase ?? DropPhase.allCases[Int(rng.next(upperBound: UInt64(3)))]
        }
        return try run(config: config, inputs: inputs, drops: drops)
    }
}
