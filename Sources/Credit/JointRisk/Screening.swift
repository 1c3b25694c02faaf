import DataFiPSI

/// A lender's blacklist as another lender reaches it: in process (``BlacklistProvider``) or over the
/// network (an HTTP client of the lender's PSI service). Its items are ``Identifier/item`` strings
/// hashed under ``BlacklistCheck/domain``.
public protocol BlacklistEndpoint: Sendable {
    /// The lender's name (fees are credited to it).
    var name: String { get }
    /// The lender's blinded, sorted blacklist (computed once by the lender and reused).
    func setup() async throws -> PSISetup
    /// The lender's re-blinding of a request.
    func respond(to request: PSIRequest) async throws -> PSIResponse
}

extension BlacklistProvider: BlacklistEndpoint {}

/// One lender's outcome in a screening.
public struct LenderScreening: Sendable, Equatable {
    /// The lender's name.
    public let lender: String
    /// References of the applicants its blacklist matched, in applicant order (empty when it failed).
    public let matchedApplicants: [String]
    /// Why the lender could not be checked (unreachable, malformed answer), or nil.
    public let failure: String?
}

/// The outcome of screening one applicant list against several lenders.
public struct ScreeningReport: Sendable, Equatable {
    /// Per lender, in the order given.
    public let lenders: [LenderScreening]
    /// References of applicants matched by at least one lender, in applicant order.
    public let flaggedApplicants: [String]
    /// One fee record per lender with at least one hit, ready for a ledger to settle.
    public let fees: [BlacklistFee]

    /// Lenders that could not be checked.
    public var failedLenders: [String] { lenders.filter { $0.failure != nil }.map(\.lender) }
}

/// Multi-lender screening: one applicant list checked against N lenders' blacklists concurrently,
/// by ECDH-PSI (each lender learns only how many identifiers were asked about; the checking lender
/// learns which of its applicants are on each list and nothing else of the lists).
public enum MultiLenderScreening {
    /// Screens `applicants` against every lender at once. A lender that fails (network, malformed
    /// answer) is reported in ``ScreeningReport/lenders`` with its reason and earns no fee; the others
    /// are still checked. The request is blinded once and sent to all lenders.
    /// - Throws: `JointRiskError.duplicateName` when two lenders share a name, `.feeOverflow` when a
    ///   lender's hits × `feePerHit` exceeds 2^64 − 1.
    public static func screen(applicants: [Applicant], lenders: [any BlacklistEndpoint],
                              feePerHit: UInt64) async throws(JointRiskError) -> ScreeningReport {
        var names = Set<String>()
        for lender in lenders where !names.insert(lender.name).inserted { throw .duplicateName(lender.name) }
        let query = BlacklistQuery(applicants: applicants)
        let request = query.request()
        let outcomes = await withTaskGroup(of: (Int, LenderScreening).self) { group in
            for (index, lender) in lenders.enumerated() {
                group.addTask {
                    do {
                        async let setup = lender.setup()
                        async let response = lender.respond(to: request)
                        let hits = try query.matchedApplicants(setup: try await setup, response: try await response)
                        return (index, LenderScreening(lender: lender.name, matchedApplicants: hits, failure: nil))
                    } catch {
                        return (index, LenderScreening(lender: lender.name, matchedApplicants: [], failure: "\(error)"))
                    }
                }
            }
            var results = [LenderScreening?](repeating: nil, count: lenders.count)
            for await (index, outcome) in group { results[index] = outcome }
            return results.compactMap { $0 }
        }
        var fees: [BlacklistFee] = []
        var flagged = Set<String>()
        for outcome in outcomes where !outcome.matchedApplicants.isEmpty {
            flagged.formUnion(outcome.matchedApplicants)
            let (amount, overflow) = UInt64(outcome.matchedApplicants.count).multipliedReportingOverflow(by: feePerHit)
            guard !overflow else { throw .feeOverflow(provider: outcome.lender) }
            fees.append(BlacklistFee(provider: outcome.lender, hits: outcome.matchedApplicants.count,
                                     feePerHit: feePerHit, amount: amount))
        }
        var seen = Set<String>()
        let ordered = applicants.map(\.reference).filter { flagged.contains($0) && seen.insert($0).inserted }
        return ScreeningReport(lenders: outcomes, flaggedApplicants: ordered, fees: fees)
    }
}
