import DataFiBigNum

/// How much work a compute task asks for.
public struct TaskComplexity: Codable, Hashable, Sendable {
    /// Largest operations-per-row a task may declare.
    public static let maxOperationsPerRow: UInt64 = 1_000_000

    /// Records the task reads (at most the dataset's records at submission).
    public var rows: UInt64
    /// Operations the task performs per record read (1...1,000,000).
    public var operationsPerRow: UInt64

    /// Creates a complexity measure.
    public init(rows: UInt64, operationsPerRow: UInt64) {
        self.rows = rows
        self.operationsPerRow = operationsPerRow
    }

    /// Compute units: `rows × operationsPerRow` (exact; below 2^128).
    public var units: UInt256 { UInt256(UInt128(rows) * UInt128(operationsPerRow)) }
}

/// A pricing function: the compute fee, in raw units of the base token, of a task of some complexity.
///
/// The market stores a ``PricingRule`` per dataset (chosen by its maker); other implementations can be
/// used off-ledger to quote tasks the same way.
public protocol ComputePricing: Sendable {
    /// The fee for `complexity` in raw base-token units.
    /// - Throws: ``MarketError/arithmeticOverflow`` when the fee does not fit 256 bits.
    func fee(for complexity: TaskComplexity) throws(MarketError) -> UInt256
}

/// The pricing rules a dataset maker can choose.
public enum PricingRule: ComputePricing, Codable, Hashable, Sendable {
    /// `fee = rows × operationsPerRow × price` (price in raw base-token units per compute unit).
    case perUnit(price: UInt256)
    /// `fee = max(minimum, rows × operationsPerRow × price)`: a per-unit price with a floor per task.
    case perUnitWithMinimum(price: UInt256, minimum: UInt256)

    /// The fee for `complexity` in raw base-token units.
    /// - Throws: ``MarketError/arithmeticOverflow`` when the product exceeds 2^256 − 1.
    public func fee(for complexity: TaskComplexity) throws(MarketError) -> UInt256 {
        switch self {
        case .perUnit(let price):
            return try Self.product(complexity.units, price)
        case .perUnitWithMinimum(let price, let minimum):
            return Swift.max(minimum, try Self.product(complexity.units, price))
        }
    }

    private static func product(_ a: UInt256, _ b: UInt256) throws(MarketError) -> UInt256 {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        if overflow { throw .arithmeticOverflow }
        return value
    }
}
