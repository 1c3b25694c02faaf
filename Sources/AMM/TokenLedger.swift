import DataFiBigNum

/// Token balances of accounts outside the pools: the ERC-20 side of the world a ``Router`` trades in.
public struct TokenLedger: Sendable, Hashable {
    private var balances: [Address: [Address: UInt256]] = [:]

    /// An empty ledger.
    public init() {}

    /// The balance of `holder` in `token` (raw units).
    public func balance(of holder: Address, in token: Address) -> UInt256 {
        balances[token]?[holder] ?? .zero
    }

    /// Creates `amount` new tokens for `holder` (a faucet for tests and simulations).
    /// - Throws: ``AMMError/mathOverflow`` when the balance would exceed 2^256 − 1.
    public mutating func mint(_ token: Address, to holder: Address, amount: UInt256) throws(AMMError) {
        let value = try balance(of: holder, in: token).ammAdding(amount)
        set(value, of: holder, in: token)
    }

    /// Moves tokens between holders.
    /// - Throws: ``AMMError/transferFromFailed`` when `from` holds less than `amount`;
    ///   ``AMMError/mathOverflow`` when the recipient's balance would exceed 2^256 − 1.
    public mutating func transfer(_ token: Address, from: Address, to: Address, amount: UInt256) throws(AMMError) {
        let fromBalance = balance(of: from, in: token)
        guard fromBalance >= amount else { throw .transferFromFailed }
        if from == to { return }
        let toBalance = try balance(of: to, in: token).ammAdding(amount)
        set(fromBalance &- amount, of: from, in: token)
        set(toBalance, of: to, in: token)
    }

    /// Removes `amount` from `holder` (tokens leaving for a pool).
    mutating func debit(_ token: Address, from holder: Address, amount: UInt256) throws(AMMError) {
        let value = balance(of: holder, in: token)
        guard value >= amount else { throw .transferFromFailed }
        set(value &- amount, of: holder, in: token)
    }

    /// Adds `amount` to `holder` (tokens arriving from a pool).
    mutating func credit(_ token: Address, to holder: Address, amount: UInt256) throws(AMMError) {
        try mint(token, to: holder, amount: amount)
    }

    private mutating func set(_ value: UInt256, of holder: Address, in token: Address) {
        if value.isZero {
            balances[token]?.removeValue(forKey: holder)
            if balances[token]?.isEmpty == true { balances.removeValue(forKey: token) }
        } else {
            balances[token, default: [:]][holder] = value
        }
    }
}
