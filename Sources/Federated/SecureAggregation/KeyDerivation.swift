import CSodium
import DataFiSodium

/// The symmetric keys derived from X25519 agreements: BLAKE2b-256 keyed with the raw shared secret
/// over a label, the round and both public keys in a fixed order.
enum SecAggKeys {
    /// Writes the 32-byte derived key to `out`. The raw X25519 secret lives only in a stack buffer
    /// that is wiped before returning (no secure-heap allocation per agreement: `sodium_malloc`
    /// costs several system calls).
    static func derive(label: String, own: KeyAgreement.PrivateKey, peer: KeyAgreement.PublicKey,
                       session: UInt64, peerID: ClientID, into out: UnsafeMutablePointer<UInt8>) throws(SecAggError) {
        let a = own.publicKey.rawRepresentation, b = peer.rawRepresentation
        let (lo, hi) = a.lexicographicallyPrecedes(b) ? (a, b) : (b, a)
        let ok = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { shared -> Bool in
            let base = shared.baseAddress!
            defer { sodium_memzero(base, 32) }
            guard crypto_scalarmult(base, own.secretPointer, b) == 0 else { return false }
            // Keyed BLAKE2b-256 (key: the shared secret) of label ‖ session ‖ both public keys.
            var message = Array(label.utf8)
            withUnsafeBytes(of: session.littleEndian) { message.append(contentsOf: $0) }
            message += lo
            message += hi
            _ = crypto_generichash(out, 32, message, UInt64(message.count), base, 32)
            return true
        }
        guard ok else { throw .lowOrderKey(peerID) }
    }

    /// Label of the keys that encrypt shares between two clients (from their channel keys).
    static let channelLabel = "DataFiSecAgg v1 share channel"
    /// Label of the pairwise mask seeds (from the clients' masking keys).
    static let pairwiseLabel = "DataFiSecAgg v1 pairwise mask"

    /// Keys derived with several peers under `label`, written side by side into one secure
    /// allocation (32 bytes each, in the order of `peers`): one `sodium_malloc` for all of them
    /// instead of one per peer.
    static func derive(label: String, own: KeyAgreement.PrivateKey, peers: [(id: ClientID, key: KeyAgreement.PublicKey)],
                       session: UInt64) throws(SecAggError) -> SecureBytes {
        var failure: SecAggError?
        let out = SecureBytes(count: 32 * peers.count) { buffer in
            guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            for (i, peer) in peers.enumerated() {
                do throws(SecAggError) {
                    try derive(label: label, own: own, peer: peer.key, session: session, peerID: peer.id, into: base + 32 * i)
                } catch {
                    failure = error
                    return
                }
            }
        }
        if let failure { throw failure }
        return out
    }

    /// The share-channel keys with several peers (see `derive(label:own:peers:session:)`).
    static func channels(own: KeyAgreement.PrivateKey, peers: [(id: ClientID, key: KeyAgreement.PublicKey)],
                         session: UInt64) throws(SecAggError) -> SecureBytes {
        try derive(label: channelLabel, own: own, peers: peers, session: session)
    }

    /// Pairwise mask seeds with several peers (see `derive(label:own:peers:session:)`).
    static func pairwiseSeeds(own: KeyAgreement.PrivateKey, peers: [(id: ClientID, key: KeyAgreement.PublicKey)],
                              session: UInt64) throws(SecAggError) -> SecureBytes {
        try derive(label: pairwiseLabel, own: own, peers: peers, session: session)
    }

    /// Associated data of an encrypted share: label ‖ session ‖ sender ‖ recipient.
    static func shareAD(session: UInt64, from: ClientID, to: ClientID) -> [UInt8] {
        var ad = Array("DataFiSecAgg v1 share".utf8)
        withUnsafeBytes(of: session.littleEndian) { ad.append(contentsOf: $0) }
        withUnsafeBytes(of: from.littleEndian) { ad.append(contentsOf: $0) }
        withUnsafeBytes(of: to.littleEndian) { ad.append(contentsOf: $0) }
        return ad
    }
}
