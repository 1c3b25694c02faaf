import DataFiBigNum
import DataFiMarket

extension MarketDemo {
    /// The trust events (verification, escrow settlement, validators) in one line each.
    func describeTrust(_ event: MarketEvent) -> String {
        let a = Self.amount
        switch event {
        case .taskSettled(let task, let ds, let consumer, let fee, let paid, let refunded, let excluded):
            let skipped = excluded.isEmpty ? "" : ", excluded asset(s) \(excluded.map { "#\($0)" }.joined(separator: ", "))"
            return "task \(task) settled: \(a(fee)) \(Self.base) fee to the node, \(a(paid)) \(ds) to the owners, \(a(refunded)) \(ds) refunded to \(consumer)\(skipped)"
        case .taskCancelled(let task, let ds, let consumer, let fee, let dataTokens):
            return "task \(task) cancelled after its deadline: \(consumer) got back \(a(fee)) \(Self.base) and \(a(dataTokens)) \(ds)"
        case .assetAttested(let ds, let asset, let records):
            return "the compute node counted \(records) records in \(ds)#\(asset); it now waits for validators"
        case .assetVerified(let ds, let owner, let asset, let records, let quality, let shares, let reward):
            return "\(ds)#\(asset) verified: \(records) records at quality \(Self.percent(quality)), \(shares) shares; \(owner) received the \(a(reward)) \(ds) join reward"
        case .assetRejected(let ds, let owner, let asset, let reason):
            return "\(ds)#\(asset) of \(owner) rejected (\(reason.rawValue)); its join reward went back to the reserve"
        case .assetWithdrawn(let ds, let owner, let asset):
            return "\(owner) withdrew \(ds)#\(asset); it stops earning, what it earned stays claimable"
        case .staked(let ds, let validator, let amount): return "\(validator) staked \(a(amount)) \(Self.base) to review \(ds)"
        case .unstaked(let ds, let validator, let amount): return "\(validator) unstaked \(a(amount)) \(Self.base) from \(ds)"
        case .reviewPoolFunded(let ds, let from, let amount): return "\(from) put \(a(amount)) \(Self.base) in the \(ds) review pool"
        case .reviewed(let ds, let asset, let validator, let score):
            return "\(validator) scored \(ds)#\(asset) at \(Self.percent(score))"
        case .reviewSettled(let ds, let asset, let quality):
            return "review of \(ds)#\(asset) settled: stake-weighted median quality \(Self.percent(quality))"
        case .validatorSlashed(let ds, let validator, let amount):
            return "\(validator) was far from the consensus on \(ds): slashed \(a(amount)) \(Self.base) to the review pool"
        case .validatorRewarded(let ds, let validator, let amount):
            return "\(validator) agreed with the consensus on \(ds): earned \(a(amount)) \(Self.base)"
        default:
            return "\(event)"
        }
    }

    /// Basis points as a percentage, e.g. 8250 → "82.50%".
    static func percent(_ basisPoints: UInt16) -> String {
        let whole = basisPoints / 100, fraction = basisPoints % 100
        return "\(whole).\(fraction < 10 ? "0" : "")\(fraction)%"
    }
}
