import DataFiSodium

/// One client of a secure-aggregation round (Bonawitz et al. 2017; SecAgg+ neighbourhoods of Bell
/// et al. 2020), as a value-type state machine: each step takes the server's message, checks it,
/// and either returns the client's next message and advances, or throws and stays unchanged.
///
/// Order: `advertiseKeys()` → `shareKeys(directory:)` → `maskedInput(bundle:)` → `unmask(request:)`.
///
/// The safety rule: for each peer the client reveals at most one of two shares — the share of the
/// peer's self-mask seed (when the server says the peer survived) or the share of its masking key
/// (when the server says it dropped). A request that lists a peer in both sets, or that would
/// reveal the other kind for a peer after the first answer, is refused with
/// `SecAggError.safetyViolation`; a repeated identical request gets the identical answer.
///
/// Threat model: an honest-but-curious server and clients, with the server able to lie about who
/// dropped (the safety rule above). Advertised keys are not signed and there is no
/// consistency-check round, so a server that actively substitutes keys (the malicious-server
/// variant of Bonawitz et al., which needs a PKI) is out of scope. Shares of self-mask seeds
/// cannot be checked: a client revealing a wrong one corrupts the sum silently; a wrong key share
/// is caught (`SecAggError.reconstructionMismatch`).
public struct SecAggClient: Sendable {
    /// Which of a peer's two shares was revealed.
    enum ShareKind: Sendable, Equatable { case selfMask, key }

    struct HeldShares: Sendable {
        let selfMask: Shamir.Share
        let key: Shamir.Share
    }

    /// The round's parameters.
    public let config: SecAggConfig
    /// This client's id.
    public let id: ClientID
    /// The next step the client expects (`.finished` after answering the unmask request).
    public private(set) var phase: SecAggPhase = .advertiseKeys

    private let input: [UInt64]
    private let channelKey = KeyAgreement.PrivateKey()
    private let maskingKey = KeyAgreement.PrivateKey()
    private let selfMaskSeed = SecureBytes(count: 32)
    private var directory: [ClientID: KeyDirectory.Entry] = [:]
    /// The share-channel keys of the neighbours, side by side in one secure allocation (32 bytes
    /// each), and each neighbour's slot in it.
    private var channelKeys: SecureBytes?
    private var channelSlots: [ClientID: Int] = [:]
    private var neighbours: [ClientID] = []
    private var held: [ClientID: HeldShares] = [:]
    private var revealed: [ClientID: ShareKind] = [:]
    private var answered: (request: UnmaskRequest, response: UnmaskResponse)?

    /// A client holding `input`, a vector over Z_{2^bits} (see `Quantizer` for real values).
    /// - Throws: `SecAggError.invalidClientID` for an id outside 1...`SecAggConfig.maxClients`;
    ///   `.wrongDimension` when the length is not `config.dimension`; `.valueOutOfRange` when a
    ///   value is not below 2^bits.
    public init(config: SecAggConfig, id: ClientID, input: [UInt64]) throws(SecAggError) {
        guard id >= 1, id <= UInt32(SecAggConfig.maxClients) else { throw .invalidClientID(id) }
        guard input.count == config.dimension else { throw .wrongDimension(expected: config.dimension, actual: input.count) }
        if let bad = input.firstIndex(where: { $0 > config.valueMask }) { throw .valueOutOfRange(index: bad) }
        self.config = config
        self.id = id
        self.input = input
    }

    private func expect(_ p: SecAggPhase, session: UInt64) throws(SecAggError) {
        guard session == config.session else { throw .wrongSession(expected: config.session, actual: session) }
        guard phase == p else { throw .wrongPhase(expected: p, actual: phase) }
    }

    /// Phase 0: the client's two public keys.
    /// - Throws: `SecAggError.wrongPhase` unless this is the first step.
    public mutating func advertiseKeys() throws(SecAggError) -> AdvertiseKeys {
        try expect(.advertiseKeys, session: config.session)
        phase = .shareKeys
        return AdvertiseKeys(session: config.session, from: id, channelKey: channelKey.publicKey,
                             maskingKey: maskingKey.publicKey)
    }

    /// Phase 1: checks the directory, derives the neighbourhood graph, splits the self-mask seed and
    /// the masking key into shares (threshold t, among the neighbours and this client) and encrypts
    /// each neighbour's pair of shares to it.
    /// - Throws: `SecAggError.wrongPhase`, `.wrongSession`; `.ownKeysMissing` when the directory does
    ///   not list this client's keys; `.duplicateKey` when two entries share a key;
    ///   `.tooFewSurvivors` when fewer than t clients (or neighbours plus self) are listed;
    ///   `.lowOrderKey` for a neighbour's unusable key.
    public mutating func shareKeys(directory message: KeyDirectory) throws(SecAggError) -> ShareKeys {
        try expect(.shareKeys, session: message.session)
        guard let mine = message.entries.first(where: { $0.id == id }),
              mine.channelKey == channelKey.publicKey, mine.maskingKey == maskingKey.publicKey else {
            throw .ownKeysMissing
        }
        var seen = Set<KeyAgreement.PublicKey>(minimumCapacity: 2 * message.entries.count)
        for e in message.entries {
            guard seen.insert(e.channelKey).inserted, seen.insert(e.maskingKey).inserted else { throw .duplicateKey }
        }
        guard message.entries.count >= config.threshold else {
            throw .tooFewSurvivors(phase: .advertiseKeys, survivors: message.entries.count, threshold: config.threshold)
        }
        let peers = NeighbourGraph.neighbours(of: id, members: message.entries.map(\.id), neighbours: config.neighbours,
                                              seed: message.digest)
        guard peers.count + 1 >= config.threshold else {
            throw .tooFewSurvivors(phase: .advertiseKeys, survivors: peers.count + 1, threshold: config.threshold)
        }
        var entries: [ClientID: KeyDirectory.Entry] = [:]
        for e in message.entries { entries[e.id] = e }
        let xs = (peers + [id]).sorted()
        let selfShares = Shamir.split(selfMaskSeed, threshold: config.threshold, at: xs)
        let keyShares = Shamir.split(maskingKey.rawRepresentation, threshold: config.threshold, at: xs)
        var recipients: [(id: ClientID, key: KeyAgreement.PublicKey)] = []
        for x in xs where x != id {
            if let peer = entries[x] { recipients.append((x, peer.channelKey)) }
        }
        // All channel keys in one secure allocation (one `sodium_malloc`, not one per neighbour).
        let keys = try SecAggKeys.channels(own: channelKey, peers: recipients, session: config.session)
        var slots: [ClientID: Int] = [:]
        for (slot, peer) in recipients.enumerated() { slots[peer.id] = slot }
        var out: [EncryptedShare] = []
        out.reserveCapacity(recipients.count)
        var own: HeldShares?
        var plaintext: [UInt8] = []
        plaintext.reserveCapacity(8 + 2 * Shamir.elementLength)
        withExtendedLifetime(keys) {
            for (i, x) in xs.enumerated() {
                if x == id {
                    own = HeldShares(selfMask: selfShares[i], key: keyShares[i])
                    continue
                }
                guard let slot = slots[x] else { continue }
                plaintext.removeAll(keepingCapacity: true)
                withUnsafeBytes(of: id.littleEndian) { plaintext.append(contentsOf: $0) }
                withUnsafeBytes(of: x.littleEndian) { plaintext.append(contentsOf: $0) }
                plaintext += selfShares[i].value
                plaintext += keyShares[i].value
                out.append(EncryptedShare(peer: x, ciphertext: SecretBox.seal(plaintext, keyPointer: keys.pointer + 32 * slot,
                    authenticating: SecAggKeys.shareAD(session: config.session, from: id, to: x))))
                for j in plaintext.indices { plaintext[j] = 0 }
            }
        }
        directory = entries
        channelKeys = keys
        channelSlots = slots
        neighbours = peers
        if let own { held = [id: own] }
        phase = .maskedInput
        return ShareKeys(session: config.session, from: id, shares: out)
    }

    /// Phase 2: decrypts and checks the shares addressed to this client, then masks the input with
    /// the self mask and a pairwise mask for every neighbour that shared (mod 2^bits).
    /// - Throws: `SecAggError.wrongPhase`, `.wrongSession`, `.wrongRecipient`; `.unknownSender`
    ///   for a share from a non-neighbour; `.shareAuthenticationFailed` for a tampered share;
    ///   `.misaddressedShare` for a share replayed between other clients; `.invalidShare`;
    ///   `.tooFewSurvivors` when fewer than t − 1 neighbours shared.
    public mutating func maskedInput(bundle: ShareBundle) throws(SecAggError) -> MaskedInput {
        try expect(.maskedInput, session: bundle.session)
        guard bundle.to == id else { throw .wrongRecipient(expected: id, actual: bundle.to) }
        var newHeld = held
        for share in bundle.shares {
            // The channel key of every neighbour was derived when sharing keys.
            guard let slot = channelSlots[share.peer], let keys = channelKeys else { throw .unknownSender(share.peer) }
            let plaintext: [UInt8]
            do {
                plaintext = try withExtendedLifetime(keys) { () throws(SodiumError) -> [UInt8] in
                    try SecretBox.open(share.ciphertext, keyPointer: keys.pointer + 32 * slot,
                                       authenticating: SecAggKeys.shareAD(session: config.session, from: share.peer, to: id))
                }
            } catch { throw .shareAuthenticationFailed(from: share.peer) }
            guard plaintext.count == 8 + 2 * Shamir.elementLength else { throw .misaddressedShare(from: share.peer) }
            let from = plaintext[0..<4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let to = plaintext[4..<8].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard from == share.peer, to == id else { throw .misaddressedShare(from: share.peer) }
            let s = try Shamir.Share(x: id, value: Array(plaintext[8..<(8 + Shamir.elementLength)]))
            let k = try Shamir.Share(x: id, value: Array(plaintext[(8 + Shamir.elementLength)...]))
            newHeld[share.peer] = HeldShares(selfMask: s, key: k)
        }
        guard bundle.shares.count + 1 >= config.threshold else {
            throw .tooFewSurvivors(phase: .shareKeys, survivors: bundle.shares.count + 1, threshold: config.threshold)
        }
        var peers: [(id: ClientID, key: KeyAgreement.PublicKey)] = []
        for share in bundle.shares {
            guard let peer = directory[share.peer] else { continue }
            peers.append((share.peer, peer.maskingKey))
        }
        // All pairwise seeds in one secure allocation, expanded together with the self mask.
        let seeds = try SecAggKeys.pairwiseSeeds(own: maskingKey, peers: peers, session: config.session)
        let y = withExtendedLifetime((seeds, selfMaskSeed)) {
            var keys: [(key: UnsafePointer<UInt8>, negate: Bool)] = [(selfMaskSeed.pointer, false)]
            for (i, peer) in peers.enumerated() { keys.append((seeds.pointer + 32 * i, id > peer.id)) }
            return MaskExpander().masked(input, keys: keys, bits: config.bits)
        }
        held = newHeld
        phase = .unmask
        return MaskedInput(session: config.session, from: id, bits: config.bits, values: y)
    }

    /// Phase 3: reveals, for each neighbour this client holds shares of, the self-mask share when
    /// the peer is listed as a survivor or the key share when it is listed as dropped — never both.
    /// - Throws: `SecAggError.wrongPhase`, `.wrongSession`; `.listedAsDropped` (or
    ///   `.inconsistentUnmaskList`) when this client is not among the survivors;
    ///   `.tooFewSurvivors` when fewer than t survivors are listed; `.safetyViolation` when a peer
    ///   is in both lists or a later request asks for the other share of a peer.
    public mutating func unmask(request: UnmaskRequest) throws(SecAggError) -> UnmaskResponse {
        if phase == .finished, let answered, request.session == config.session {
            if answered.request == request { return answered.response }
            // A different request after answering: refuse, naming a peer whose other share it asks for.
            for peer in request.survivors where revealed[peer] == .key { throw .safetyViolation(peer: peer) }
            for peer in request.dropped where revealed[peer] == .selfMask { throw .safetyViolation(peer: peer) }
        }
        try expect(.unmask, session: request.session)
        let dropped = Set(request.dropped)
        for peer in request.survivors where dropped.contains(peer) { throw .safetyViolation(peer: peer) }
        guard request.survivors.contains(id) else {
            if dropped.contains(id) { throw .listedAsDropped }
            throw .inconsistentUnmaskList(id)
        }
        guard request.survivors.count >= config.threshold else {
            throw .tooFewSurvivors(phase: .maskedInput, survivors: request.survivors.count, threshold: config.threshold)
        }
        var selfShares: [(owner: ClientID, share: Shamir.Share)] = []
        var keyShares: [(owner: ClientID, share: Shamir.Share)] = []
        var newRevealed = revealed
        for peer in request.survivors {
            guard let h = held[peer] else { continue }
            if newRevealed[peer] == .key { throw .safetyViolation(peer: peer) }
            newRevealed[peer] = .selfMask
            selfShares.append((peer, h.selfMask))
        }
        for peer in request.dropped {
            guard let h = held[peer] else { continue }
            if newRevealed[peer] == .selfMask { throw .safetyViolation(peer: peer) }
            newRevealed[peer] = .key
            keyShares.append((peer, h.key))
        }
        let response = UnmaskResponse(session: config.session, from: id, selfMaskShares: selfShares, keyShares: keyShares)
        revealed = newRevealed
        answered = (request, response)
        phase = .finished
        return response
    }
}
