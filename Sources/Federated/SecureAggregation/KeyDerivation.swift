import DataFiSodium

/// The symmetric keys derived from X25519 agreements: BLAKE2b-256 keyed with the raw shared secret
/// over a label, the round and both public keys in a fixed order.
enum SecAggKeys {
    static func derive(label: String, own: KeyAgreement.PrivateKey, peer: KeyAgreement.PublicKey,
                       session: UInt64, peerID: ClientID) throws(SecAggError) -> SecureBytes {
        let shared: SecureBytes
        do { shared = try own.sharedSecret(with: peer) } catch { throw .lowOrderKey(peerID) }
        let a = own.publicKey.rawRepresentation, b = peer.rawRepresentation
        let (lo, hi) = a.lexicographicallyPrecedes(b) ? (a, b) : (b, a)
        var digest: [UInt8] = shared.withUnsafeBytes { key in
            // A 32-byte key and digest length are within BLAKE2b's limits, so this cannot fail.
            guard var hasher = try? BLAKE2b(digestLength: 32, key: key) else { return [] }
            hasher.update(Array(label.utf8))
            withUnsafeBytes(of: session.littleEndian) { hasher.update($0) }
            hasher.update(lo)
            hasher.update(hi)
            return hasher.finalize()
        }
        precondition(digest.count == 32)
        let out = SecureBytes(copying: digest)
        for i in digest.indices { digest[i] = 0 }
        return out
    }

    /// The key that encrypts shares between two clients (from their channel keys).
    static func channel(own: KeyAgreement.PrivateKey, peer: KeyAgreement.PublicKey, session: UInt64,
                        peerID: ClientID) throws(SecAggError) -> SecretBox.Key {
        let bytes = try derive(label: "DataFiSecAgg v1 share channel", own: own, peer: peer, session: session, peerID: peerID)
        do { return try SecretBox.Key(bytes) } catch { preconditionFailure("derived key has 32 bytes") }
    }

    /// The 32-byte seed of the pairwise mask between two clients (from their masking keys).
    static func pairwiseSeed(own: KeyAgreement.PrivateKey, peer: KeyAgreement.PublicKey, session: UInt64,
                             peerID: ClientID) throws(SecAggError) -> SecureBytes {
        try derive(label: "DataFiSecAgg v1 pairwise mask", own: own, peer: peer, session: session, peerID: peerID)
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
