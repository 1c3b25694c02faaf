import DataFiSodium

/// The server of a secure-aggregation round as a value-type state machine. It relays messages,
/// keeps a running sum of the masked inputs, and at the end removes the masks with the shares the
/// survivors reveal: it learns the sum of the surviving clients' inputs (mod 2^bits) and nothing
/// else about them.
///
/// Order: `receive(_: AdvertiseKeys)`… → `keyDirectory()` → `receive(_: ShareKeys)`… →
/// `shareBundles()` → `receive(_: MaskedInput)`… → `unmaskRequest()` →
/// `receive(_: UnmaskResponse)`… → `aggregate()`. Clients that send nothing in a phase have
/// dropped out; any phase may lose clients as long as at least t remain, otherwise the closing
/// step throws `SecAggError.tooFewSurvivors` (or `.notEnoughShares`) and no sum is produced.
public struct SecAggServer: Sendable {
    /// The round's parameters.
    public let config: SecAggConfig
    /// The phase whose messages the server is collecting (`.finished` after `aggregate()`).
    public private(set) var phase: SecAggPhase = .advertiseKeys

    private var advertised: [ClientID: KeyDirectory.Entry] = [:]
    private var advertisedKeys = Set<KeyAgreement.PublicKey>()
    private var graph: NeighbourGraph?
    private var shared: [ClientID: ShareKeys] = [:]
    private var sum: [UInt64]
    private var masked = Set<ClientID>()
    private var request: UnmaskRequest?
    private var selfShares: [ClientID: [Shamir.Share]] = [:]
    private var keyShares: [ClientID: [Shamir.Share]] = [:]
    private var responders = Set<ClientID>()

    /// A server for a round with `config`.
    public init(config: SecAggConfig) {
        self.config = config
        sum = [UInt64](repeating: 0, count: config.dimension)
    }

    /// The clients that sent keys, shares and masked inputs so far (U1, U2, U3 of the protocol).
    public var participants: (advertised: Int, shared: Int, masked: Int) { (advertised.count, shared.count, masked.count) }

    private func expect(_ p: SecAggPhase, session: UInt64) throws(SecAggError) {
        guard session == config.session else { throw .wrongSession(expected: config.session, actual: session) }
        guard phase == p else { throw .wrongPhase(expected: p, actual: phase) }
    }

    /// Records a client's keys.
    /// - Throws: `SecAggError.wrongPhase`, `.wrongSession`; `.duplicateMessage` for a second message
    ///   from the same client; `.duplicateKey` when a key was already advertised by another client.
    public mutating func receive(_ message: AdvertiseKeys) throws(SecAggError) {
        try expect(.advertiseKeys, session: message.session)
        guard advertised[message.from] == nil else { throw .duplicateMessage(from: message.from) }
        guard message.channelKey != message.maskingKey, !advertisedKeys.contains(message.channelKey),
              !advertisedKeys.contains(message.maskingKey) else { throw .duplicateKey }
        advertised[message.from] = KeyDirectory.Entry(id: message.from, channelKey: message.channelKey, maskingKey: message.maskingKey)
        advertisedKeys.insert(message.channelKey)
        advertisedKeys.insert(message.maskingKey)
    }

    /// Closes phase 0: the directory of every client that advertised keys.
    /// - Throws: `SecAggError.wrongPhase`; `.tooFewSurvivors` when fewer than t clients advertised.
    public mutating func keyDirectory() throws(SecAggError) -> KeyDirectory {
        try expect(.advertiseKeys, session: config.session)
        guard advertised.count >= config.threshold else {
            throw .tooFewSurvivors(phase: .advertiseKeys, survivors: advertised.count, threshold: config.threshold)
        }
        let directory = KeyDirectory(session: config.session, entries: Array(advertised.values))
        graph = NeighbourGraph(members: directory.entries.map(\.id), neighbours: config.neighbours, seed: directory.digest)
        phase = .shareKeys
        return directory
    }

    /// Records a client's encrypted shares.
    /// - Throws: `SecAggError.wrongPhase`, `.wrongSession`; `.unknownSender` for a client that did
    ///   not advertise keys; `.duplicateMessage`; `.wrongShareRecipients` unless the shares go
    ///   exactly to the sender's neighbours.
    public mutating func receive(_ message: ShareKeys) throws(SecAggError) {
        try expect(.shareKeys, session: message.session)
        guard advertised[message.from] != nil, let graph else { throw .unknownSender(message.from) }
        guard shared[message.from] == nil else { throw .duplicateMessage(from: message.from) }
        guard message.shares.map(\.peer) == graph.neighbours(of: message.from) else {
            throw .wrongShareRecipients(from: message.from)
        }
        shared[message.from] = message
    }

    /// Closes phase 1: for each client that shared, the shares its neighbours addressed to it.
    /// - Throws: `SecAggError.wrongPhase`; `.tooFewSurvivors` when fewer than t clients shared.
    public mutating func shareBundles() throws(SecAggError) -> [ShareBundle] {
        try expect(.shareKeys, session: config.session)
        guard shared.count >= config.threshold else {
            throw .tooFewSurvivors(phase: .shareKeys, survivors: shared.count, threshold: config.threshold)
        }
        var inbox: [ClientID: [EncryptedShare]] = [:]
        for sender in shared.keys.sorted() {
            guard let message = shared[sender] else { continue }
            for share in message.shares where shared[share.peer] != nil {
                inbox[share.peer, default: []].append(EncryptedShare(peer: sender, ciphertext: share.ciphertext))
            }
        }
        phase = .maskedInput
        return shared.keys.sorted().map { ShareBundle(session: config.session, to: $0, shares: inbox[$0] ?? []) }
    }

    /// Adds a client's masked input to the running sum.
    /// - Throws: `SecAggError.wrongPhase`, `.wrongSession`; `.unknownSender` for a client that did
    ///   not share keys; `.duplicateMessage`; `.invalidBitWidth` or `.wrongDimension` for a vector
    ///   of another shape.
    public mutating func receive(_ message: MaskedInput) throws(SecAggError) {
        try expect(.maskedInput, session: message.session)
        guard shared[message.from] != nil else { throw .unknownSender(message.from) }
        guard !masked.contains(message.from) else { throw .duplicateMessage(from: message.from) }
        guard message.bits == config.bits else { throw .invalidBitWidth(message.bits) }
        guard message.values.count == config.dimension else {
            throw .wrongDimension(expected: config.dimension, actual: message.values.count)
        }
        sum.withUnsafeMutableBufferPointer { s in
            message.values.withUnsafeBufferPointer { v in
                for i in 0..<s.count { s[i] &+= v[i] }
            }
        }
        masked.insert(message.from)
    }

    /// Closes phase 2: the survivors (clients whose masked input arrived) and the dropped (clients
    /// that shared keys but sent no input).
    /// - Throws: `SecAggError.wrongPhase`; `.tooFewSurvivors` when fewer than t inputs arrived.
    public mutating func unmaskRequest() throws(SecAggError) -> UnmaskRequest {
        try expect(.maskedInput, session: config.session)
        guard masked.count >= config.threshold else {
            throw .tooFewSurvivors(phase: .maskedInput, survivors: masked.count, threshold: config.threshold)
        }
        let r = UnmaskRequest(session: config.session, survivors: Array(masked),
                              dropped: shared.keys.filter { !masked.contains($0) })
        request = r
        phase = .unmask
        return r
    }

    /// Records a survivor's revealed shares.
    /// - Throws: `SecAggError.wrongPhase`, `.wrongSession`; `.unknownSender` for a client that is
    ///   not a survivor; `.duplicateMessage`; `.inconsistentUnmaskList` when a share belongs to a
    ///   client of the wrong set or outside the sender's neighbourhood, or is not the sender's own
    ///   (its evaluation point is not the sender's id).
    public mutating func receive(_ message: UnmaskResponse) throws(SecAggError) {
        try expect(.unmask, session: message.session)
        guard masked.contains(message.from), let graph else { throw .unknownSender(message.from) }
        guard !responders.contains(message.from) else { throw .duplicateMessage(from: message.from) }
        let dropped = Set(request?.dropped ?? [])
        for entry in message.selfMaskShares + message.keyShares where entry.share.x != message.from {
            throw .inconsistentUnmaskList(entry.owner)
        }
        for entry in message.selfMaskShares {
            guard masked.contains(entry.owner),
                  entry.owner == message.from || graph.areNeighbours(entry.owner, message.from) else {
                throw .inconsistentUnmaskList(entry.owner)
            }
        }
        for entry in message.keyShares {
            guard dropped.contains(entry.owner), graph.areNeighbours(entry.owner, message.from) else {
                throw .inconsistentUnmaskList(entry.owner)
            }
        }
        for entry in message.selfMaskShares { selfShares[entry.owner, default: []].append(entry.share) }
        for entry in message.keyShares { keyShares[entry.owner, default: []].append(entry.share) }
        responders.insert(message.from)
    }

    /// Closes the round: reconstructs each survivor's self-mask seed and each dropped client's
    /// masking key from t shares, removes the self masks and the dropped clients' pairwise masks,
    /// and returns the sum of the survivors' inputs mod 2^bits.
    /// - Throws: `SecAggError.wrongPhase`; `.tooFewSurvivors` when fewer than t survivors answered;
    ///   `.notEnoughShares` when a client's secret has fewer than t shares;
    ///   `.reconstructionMismatch` when a reconstructed key does not match the advertised one. The
    ///   server is unchanged on a throw.
    public mutating func aggregate() throws(SecAggError) -> [UInt64] {
        try expect(.unmask, session: config.session)
        guard responders.count >= config.threshold else {
            throw .tooFewSurvivors(phase: .unmask, survivors: responders.count, threshold: config.threshold)
        }
        guard let graph, let request else { throw .wrongPhase(expected: .unmask, actual: phase) }
        let t = config.threshold
        // Reconstructed dropped keys first (each checked against its advertised key), then every
        // seed to regenerate, written side by side into one secure allocation.
        var droppedKeys: [(owner: ClientID, key: KeyAgreement.PrivateKey)] = []
        for owner in request.dropped {
            let shares = (keyShares[owner] ?? []).sorted { $0.x < $1.x }
            let raw = try Shamir.reconstruct(shares, threshold: t, owner: owner)
            let key: KeyAgreement.PrivateKey
            do { key = try KeyAgreement.PrivateKey(rawRepresentation: raw.withUnsafeBytes { Array($0) }) } catch {
                throw .reconstructionMismatch(client: owner)
            }
            guard let entry = advertised[owner], key.publicKey == entry.maskingKey else {
                throw .reconstructionMismatch(client: owner)
            }
            droppedKeys.append((owner, key))
        }
        // Survivor v added the pairwise mask with a dropped owner when v < owner and subtracted it
        // otherwise: undo that. Self masks were added by every survivor: subtract them.
        var pairs: [(owner: ClientID, key: KeyAgreement.PrivateKey, peer: ClientID, peerKey: KeyAgreement.PublicKey)] = []
        for (owner, key) in droppedKeys {
            for v in graph.neighbours(of: owner) where masked.contains(v) {
                guard let peer = advertised[v] else { continue }
                pairs.append((owner, key, v, peer.maskingKey))
            }
        }
        let survivors = request.survivors
        var failure: SecAggError?
        let seeds = SecureBytes(count: 32 * (survivors.count + pairs.count)) { buffer in
            guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            do throws(SecAggError) {
                for (i, owner) in survivors.enumerated() {
                    let shares = (selfShares[owner] ?? []).sorted { $0.x < $1.x }
                    try Shamir.reconstruct(shares, threshold: t, owner: owner, into: base + 32 * i)
                }
                for (j, pair) in pairs.enumerated() {
                    try SecAggKeys.derive(label: SecAggKeys.pairwiseLabel, own: pair.key, peer: pair.peerKey,
                                          session: config.session, peerID: pair.peer,
                                          into: base + 32 * (survivors.count + j))
                }
            } catch { failure = error }
        }
        if let failure { throw failure }
        let negations = survivors.map { _ in true } + pairs.map { $0.peer < $0.owner }
        var result = sum
        if negations.isEmpty {
            MaskExpander.reduce(&result, bits: config.bits)
        } else {
            result = withExtendedLifetime(seeds) {
                let keys = negations.enumerated().map { (key: seeds.pointer + 32 * $0.offset, negate: $0.element) }
                return MaskExpander().masked(sum, keys: keys, bits: config.bits)
            }
        }
        phase = .finished
        return result
    }

    /// The number of mask vectors `aggregate()` regenerates: one per survivor plus one per pair of a
    /// dropped client and a surviving neighbour.
    public var masksToRegenerate: Int {
        guard let graph, let request else { return 0 }
        return request.survivors.count
            + request.dropped.reduce(0) { $0 + graph.neighbours(of: $1).filter { masked.contains($0) }.count }
    }
}
