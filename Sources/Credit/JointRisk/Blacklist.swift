import DataFiPSI

/// An applicant to screen: a reference the checking lender chooses plus identifiers.
public struct Applicant: Sendable, Equatable {
    /// The lender's own reference (never sent to anyone).
    public let reference: String
    /// Normalized identifiers.
    public let identifiers: [Identifier]

    /// An applicant with its identifiers.
    public init(reference: String, identifiers: [Identifier]) {
        self.reference = reference
        self.identifiers = identifiers
    }
}

/// A lender that shares a blacklist through PSI: it answers queries without revealing its list,
/// and it learns nothing about the applicants asked about.
public struct BlacklistProvider: Sendable {
    /// The provider's public name (used for fee settlement).
    public let name: String
    private let server: PSIServer

    /// A provider holding `entries`, blinding with `key`.
    public init(name: String, entries: [Identifier], key: PSIKey = .generate()) {
        self.name = name
        server = PSIServer(key: key, items: entries.map(\.item), domain: BlacklistCheck.domain)
    }

    /// The blinded blacklist to send to checking lenders.
    public func setup() -> PSISetup { server.setup() }

    /// Re-blinds a checking lender's request.
    public func respond(to request: PSIRequest) -> PSIResponse { server.respond(to: request) }
}

/// A lender's side of one blacklist check: which applicants appear on a provider's list.
public struct BlacklistQuery: Sendable {
    /// The applicants being screened.
    public let applicants: [Applicant]
    private let client: PSIClient

    /// A query for `applicants`, blinding with `key`.
    public init(applicants: [Applicant], key: PSIKey = .generate()) {
        self.applicants = applicants
        client = PSIClient(key: key, items: applicants.flatMap { $0.identifiers.map(\.item) },
                           domain: BlacklistCheck.domain)
    }

    /// The blinded identifiers to send to a provider.
    public func request() -> PSIRequest { client.request() }

    /// The references of applicants with at least one identifier on the provider's list, in order, each
    /// reference once (an applicant listed twice is one hit, so it is billed once).
    /// - Throws: `JointRiskError.protocolFailure` when the response does not answer this query.
    public func matchedApplicants(setup: PSISetup, response: PSIResponse) throws(JointRiskError) -> [String] {
        let common: Set<String>
        do { common = Set(try client.intersectionStrings(setup: setup, response: response)) } catch {
            throw .protocolFailure(error.description)
        }
        var seen = Set<String>()
        return applicants.filter { $0.identifiers.contains { common.contains($0.item) } }.map(\.reference)
            .filter { seen.insert($0).inserted }
    }
}

/// A fee a checking lender owes a provider for its hits, ready for settlement.
public struct BlacklistFee: Sendable, Equatable, Codable {
    /// The provider credited.
    public let provider: String
    /// Number of applicants the provider's list matched.
    public let hits: Int
    /// Fee per hit, in the smallest unit of the settlement token.
    public let feePerHit: UInt64
    /// hits × feePerHit.
    public let amount: UInt64

    /// A fee record; `amount` should be `hits × feePerHit`.
    public init(provider: String, hits: Int, feePerHit: UInt64, amount: UInt64) {
        self.provider = provider
        self.hits = hits
        self.feePerHit = feePerHit
        self.amount = amount
    }
}

/// The outcome of screening applicants against several providers.
public struct BlacklistReport: Sendable, Equatable {
    /// For each provider (in the order given), the references of matched applicants.
    public let matches: [(provider: String, applicants: [String])]
    /// One fee record per provider with at least one hit.
    public let fees: [BlacklistFee]

    /// References of applicants matched by any provider, in applicant order.
    public let flaggedApplicants: [String]

    public static func == (a: BlacklistReport, b: BlacklistReport) -> Bool {
        a.fees == b.fees && a.flaggedApplicants == b.flaggedApplicants
            && a.matches.map(\.provider) == b.matches.map(\.provider)
            && a.matches.map(\.applicants) == b.matches.map(\.applicants)
    }
}

/// Blacklist sharing between lenders over PSI.
public enum BlacklistCheck {
    /// Hash-to-group domain for blacklist items.
    public static let domain = "DataFi.JointRisk.Blacklist.v1"

    /// Runs the PSI protocol with every provider (in process) and prices the hits.
    /// - Throws: `JointRiskError.duplicateName`, `.feeOverflow`, `.protocolFailure`.
    public static func run(applicants: [Applicant], providers: [BlacklistProvider],
                           feePerHit: UInt64) throws(JointRiskError) -> BlacklistReport {
        var names = Set<String>()
        for p in providers where !names.insert(p.name).inserted { throw .duplicateName(p.name) }
        let query = BlacklistQuery(applicants: applicants)
        let request = query.request()
        var matches: [(provider: String, applicants: [String])] = []
        var fees: [BlacklistFee] = []
        var flagged = Set<String>()
        for provider in providers {
            let hits = try query.matchedApplicants(setup: provider.setup(), response: provider.respond(to: request))
            matches.append((provider.name, hits))
            flagged.formUnion(hits)
            if !hits.isEmpty {
                let (amount, overflow) = UInt64(hits.count).multipliedReportingOverflow(by: feePerHit)
                guard !overflow else { throw .feeOverflow(provider: provider.name) }
                fees.append(BlacklistFee(provider: provider.name, hits: hits.count, feePerHit: feePerHit, amount: amount))
            }
        }
        var seen = Set<String>()
        let ordered = applicants.map(\.reference).filter { flagged.contains($0) && seen.insert($0).inserted }
        return BlacklistReport(matches: matches, fees: fees, flaggedApplicants: ordered)
    }
}
