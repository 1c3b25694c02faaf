import DataFiPSI

/// A lending platform that takes part in multi-lending monitoring with the identifiers of its
/// borrowers who have an active loan. Each platform blinds with its own key.
public struct LendingPlatform: Sendable {
    /// The platform's name.
    public let name: String
    private let server: PSIServer

    /// A platform with `activeBorrowers`, blinding with `key`.
    public init(name: String, activeBorrowers: [Identifier], key: PSIKey = .generate()) {
        self.name = name
        server = PSIServer(key: key, items: activeBorrowers.map(\.item), domain: MultiLendingMonitor.domain)
    }

    /// The platform's blinded set.
    public func setup() -> PSISetup { server.setup() }

    /// Re-blinds the monitor's request.
    public func respond(to request: PSIRequest) -> PSIResponse { server.respond(to: request, forceCardinalityOnly: true) }
}

/// Multi-lending monitoring: how many other platforms have an active loan with an applicant,
/// learned through PSI cardinality, never which ones.
///
/// The lender's request goes to every platform; a coordinator (any party but the lender) merges the
/// setups into one sorted union and the answers into one shuffled list, so the lender can count
/// matches but cannot attribute them. Each platform learns nothing about the applicant.
public enum MultiLendingMonitor {
    /// Hash-to-group domain for multi-lending items.
    public static let domain = "DataFi.JointRisk.MultiLending.v1"

    /// The lender's query for one applicant.
    public struct Query: Sendable {
        private let client: PSIClient

        /// A query about `applicant` (any of its identifiers may match; use one identifier kind per
        /// query to count platforms rather than identifiers).
        public init(applicant: Identifier, key: PSIKey = .generate()) {
            client = PSIClient(key: key, items: [applicant.item], domain: MultiLendingMonitor.domain)
        }

        /// The blinded request sent to every platform.
        public func request() -> PSIRequest { client.request(cardinalityOnly: true) }

        /// The number of platforms whose set contains the applicant.
        /// - Throws: `JointRiskError.protocolFailure` for a response that does not answer this query.
        public func platformCount(unionSetup: PSISetup, mergedResponse: PSIResponse) throws(JointRiskError) -> Int {
            do { return try client.cardinality(setup: unionSetup, response: mergedResponse) } catch {
                throw .protocolFailure(error.description)
            }
        }
    }

    /// The coordinator's step: sorted union of setups, shuffled union of responses.
    public static func merge(setups: [PSISetup], responses: [PSIResponse]) -> (PSISetup, PSIResponse) {
        (PSISetup.union(setups), PSIResponse.shuffledUnion(responses))
    }

    /// Runs the whole exchange in process: the number of `platforms` (other than the asking lender)
    /// with an active loan to `applicant`.
    /// - Throws: `JointRiskError.duplicateName`, `.protocolFailure`.
    public static func countPlatforms(applicant: Identifier, platforms: [LendingPlatform]) throws(JointRiskError) -> Int {
        var names = Set<String>()
        for p in platforms where !names.insert(p.name).inserted { throw .duplicateName(p.name) }
        let query = Query(applicant: applicant)
        let request = query.request()
        let (setup, response) = merge(setups: platforms.map { $0.setup() },
                                      responses: platforms.map { $0.respond(to: request) })
        return try query.platformCount(unionSetup: setup, mergedResponse: response)
    }
}
