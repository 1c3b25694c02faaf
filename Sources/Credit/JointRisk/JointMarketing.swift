import DataFiBigNum
import DataFiPaillier
import DataFiPSI

/// A merchant's side of joint marketing: its customers' conversion values (purchases, sign-ups,
/// repayments, in the merchant's smallest unit), served by private intersection-sum. The merchant
/// holds the Paillier key; its setup is computed once and answers every lender's campaign query.
public struct MarketingMerchant: Sendable {
    /// The merchant's name.
    public let name: String
    /// The intersection-sum server (its setup is precomputed).
    public let server: PJCServer

    /// A merchant with `conversions` (customer identifier, value). Identifiers are compared in
    /// normalized form (``Identifier/item``); a customer listed twice keeps its first value.
    /// - Throws: `PaillierError.unsupportedKeySize` for an unsupported `paillierBits`.
    public init(name: String, conversions: [(Identifier, Int64)], paillierBits: Int = 2048) throws(PaillierError) {
        self.name = name
        server = PJCServer(items: conversions.map { ($0.0.item, $0.1) },
                           paillier: try PaillierPrivateKey.generate(bits: paillierBits))
    }
}

/// What a lender learns from one joint-marketing measurement.
public struct MarketingReport: Sendable, Equatable {
    /// The lender's distinct targeted customers.
    public let targeted: Int
    /// How many of them are the merchant's customers.
    public let commonCustomers: Int
    /// The sum of the merchant's conversion values over the common customers.
    public let conversionSum: BigInt

    /// Common customers per targeted customer (0 when none were targeted).
    public var overlapRate: Double { targeted == 0 ? 0 : Double(commonCustomers) / Double(targeted) }
}

/// Joint marketing between a lender and a merchant (activating dormant users, precision marketing):
/// the lender learns how many of the customers it targeted are the merchant's customers and the sum
/// of their conversion values; the merchant learns the two counts; neither learns who.
public enum JointMarketing {
    /// Runs the measurement in process with every message serialized as on the wire.
    /// - Throws: `JointRiskError.protocolFailure` when a message fails.
    public static func measure(targeted customers: [Identifier], merchant: MarketingMerchant) throws(JointRiskError) -> MarketingReport {
        let client = PJCClient(items: customers.map(\.item))
        do {
            let result = try IntersectionSum.run(client: client, server: merchant.server)
            return MarketingReport(targeted: client.items.count, commonCustomers: result.intersectionSize,
                                   conversionSum: result.intersectionSum)
        } catch {
            throw .protocolFailure(error.description)
        }
    }
}
