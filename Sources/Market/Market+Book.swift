import DataFiBigNum

// The token book and the reward-per-share arithmetic the rules are written with: balances are checked
// with `require` before any write, credited and debited afterwards; zero balances are not stored.
extension Market {
    // MARK: Book primitives (writes only after checks)

    /// How the book keys `token`: the base token, a dataset's data token, or `nil` for an unknown token.
    func bookToken(_ token: TokenID) -> BookToken? {
        if token == baseToken { return .base }
        guard let slot = datasetIndex[DatasetID(token.rawValue)] else { return nil }
        return .data(slot: slot)
    }

    /// The symbol of a book token.
    func symbol(_ token: BookToken) -> TokenID {
        switch token {
        case .base: baseToken
        case .data(let slot): datasetList[slot].id.token
        }
    }

    /// The balance of `account` in `token`.
    func amount(_ token: BookToken, _ account: AccountID) -> UInt256 {
        switch token {
        case .base: baseBalances[account] ?? .zero
        case .data(let slot): dataBalances[DataBalanceKey(slot: slot, account: account)] ?? .zero
        }
    }

    func require(_ token: BookToken, _ account: AccountID, _ amount: UInt256) throws(MarketError) {
        let available = self.amount(token, account)
        guard available >= amount else {
            throw .insufficientBalance(token: symbol(token), account: account, needed: amount, available: available)
        }
    }

    /// Credits a checked amount. Cannot overflow: a balance never exceeds its token's supply (< 2^112).
    mutating func credit(_ token: BookToken, _ account: AccountID, _ amount: UInt256) {
        guard !amount.isZero else { return }
        switch token {
        case .base: baseBalances[account, default: .zero] += amount
        case .data(let slot): dataBalances[DataBalanceKey(slot: slot, account: account), default: .zero] += amount
        }
    }

    /// Debits an amount the caller has checked with ``require(_:_:_:)``; a balance that reaches zero is removed.
    mutating func debit(_ token: BookToken, _ account: AccountID, _ amount: UInt256) {
        guard !amount.isZero else { return }
        switch token {
        case .base: Self.subtract(amount, at: account, in: &baseBalances)
        case .data(let slot): Self.subtract(amount, at: DataBalanceKey(slot: slot, account: account), in: &dataBalances)
        }
    }

    static func subtract<Key: Hashable>(_ amount: UInt256, at key: Key, in table: inout [Key: UInt256]) {
        guard let index = table.index(forKey: key) else { return }
        let left = table.values[index] - amount
        if left.isZero { table.remove(at: index) } else { table.values[index] = left }
    }

    func slot(_ id: DatasetID) throws(MarketError) -> Int {
        guard let slot = datasetIndex[id] else { throw .unknownDataset(id) }
        return slot
    }

    static func check(_ deadline: UInt64, _ time: UInt64) throws(MarketError) {
        guard deadline >= time else { throw .expired(deadline: deadline, now: time) }
    }

    static func text(_ value: String, limit: Int) -> Bool { PrintableText.isValid(value, limit: limit) }

    // MARK: Reward-per-share arithmetic

    /// `shares · acc / 2^128` floored and rounded up.
    static func accrued(_ shares: UInt64, _ acc: UInt256) -> (floor: UInt256, ceiling: UInt256) {
        let (high, low) = UInt256(shares).multipliedFullWidth(by: acc)
        // shares < 2^64 and acc < 2^256, so the quotient is below 2^192 and fits.
        let floor = (high << 128) | (low >> 128)
        let exact = (low << 128).isZero
        return (floor, exact ? floor : floor + .one)
    }

    /// Rewards an owner can claim: settled `owed` plus accrual since the debt was set (never negative).
    static func pending(_ position: OwnerPosition, acc: UInt256) -> UInt256 {
        let now = accrued(position.shares, acc).floor
        let fresh = now > position.rewardDebt ? now - position.rewardDebt : .zero
        return position.owed + fresh
    }
}
