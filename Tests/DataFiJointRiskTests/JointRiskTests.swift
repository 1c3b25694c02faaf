import DataFiPSI
import PropertyBased
import Testing
@testable import DataFiJointRisk

@Suite struct IdentifierTests {
    @Test func normalization() throws {
        #expect(try Identifier(.bankAccount, "  6222-0200 1234 ").value == "622202001234")
        #expect(try Identifier(.nationalID, "11010519491231002x").value == "11010519491231002x")
        #expect(try Identifier(.nationalID, " 11010519491231002X ").value == "11010519491231002x")
        #expect(try Identifier(.phone, "138-0013-8000").value == "8613800138000")
        #expect(try Identifier(.phone, "+86 138 0013 8000").value == "8613800138000")
        #expect(try Identifier(.phone, "0086 13800138000").value == "8613800138000")
        #expect(try Identifier(.phone, "(020) 8888 8888").value == "862088888888")
        #expect(try Identifier(.phone, "+1 (415) 555-0100").value == "14155550100")
        #expect(try Identifier(.phone, "020 7946 0000", countryCode: "44").value == "442079460000")
        #expect(try Identifier(.phone, "+86 138 0013 8000").item == "phone:8613800138000")
    }

    @Test func rejectsBadInput() {
        #expect(throws: JointRiskError.emptyIdentifier(kind: .bankAccount)) { try Identifier(.bankAccount, "  - - ") }
        #expect(throws: JointRiskError.invalidPhoneNumber("12a45678")) { try Identifier(.phone, "12a45678") }
        #expect(throws: JointRiskError.invalidPhoneNumber("+1 23")) { try Identifier(.phone, "+1 23") }
        #expect(throws: JointRiskError.invalidPhoneNumber("+1234567890123456")) { try Identifier(.phone, "+1234567890123456") }
        #expect(throws: JointRiskError.invalidPhoneNumber("+８６１３８００１３８０００")) { try Identifier(.phone, "+８６１３８００１３８０００") }
    }

    @Test func normalizationIsIdempotentForPhones() async {
        await propertyCheck(count: 100, input: Gen.uint64(in: 10_000_000...999_999_999_999)) { n throws in
            let once = try Identifier(.phone, "+\(n)")
            let twice = try Identifier(.phone, "+" + once.value)
            #expect(once == twice)
        }
    }
}

@Suite struct BlacklistTests {
    private func applicant(_ ref: String, phone: String, id: String) throws -> Applicant {
        Applicant(reference: ref, identifiers: [try Identifier(.phone, phone), try Identifier(.nationalID, id)])
    }

    @Test func endToEndWithFees() throws {
        let applicants = [
            try applicant("A-1", phone: "13800138000", id: "110105194912310021"),
            try applicant("A-2", phone: "13900139000", id: "110105194912310022"),
            try applicant("A-3", phone: "13700137000", id: "110105194912310023"),
        ]
        let providerX = BlacklistProvider(name: "lenderX", entries: [
            try Identifier(.phone, "+86 138-0013-8000"),        // A-1 by phone, another spelling
            try Identifier(.nationalID, "110105194912310023"),  // A-3 by ID
            try Identifier(.phone, "13111111111"),
        ])
        let providerY = BlacklistProvider(name: "lenderY", entries: [
            try Identifier(.nationalID, "110105194912310021"),  // A-1 by ID
            try Identifier(.bankAccount, "13900139000"),        // same digits as A-2's phone, other kind
        ])
        let providerZ = BlacklistProvider(name: "lenderZ", entries: [])
        let report = try BlacklistCheck.run(applicants: applicants, providers: [providerX, providerY, providerZ],
                                            feePerHit: 250)
        #expect(report.matches.map(\.provider) == ["lenderX", "lenderY", "lenderZ"])
        #expect(report.matches[0].applicants == ["A-1", "A-3"])
        #expect(report.matches[1].applicants == ["A-1"])
        #expect(report.matches[2].applicants == [])
        #expect(report.flaggedApplicants == ["A-1", "A-3"])
        #expect(report.fees == [
            BlacklistFee(provider: "lenderX", hits: 2, feePerHit: 250, amount: 500),
            BlacklistFee(provider: "lenderY", hits: 1, feePerHit: 250, amount: 250),
        ])
    }

    @Test func feeOverflowAndDuplicateNames() throws {
        let a = Applicant(reference: "r", identifiers: [try Identifier(.bankAccount, "1"), ])
        let b = Applicant(reference: "s", identifiers: [try Identifier(.bankAccount, "2")])
        let p = BlacklistProvider(name: "p", entries: [try Identifier(.bankAccount, "1"), try Identifier(.bankAccount, "2")])
        #expect(throws: JointRiskError.feeOverflow(provider: "p")) {
            try BlacklistCheck.run(applicants: [a, b], providers: [p], feePerHit: .max)
        }
        #expect(throws: JointRiskError.duplicateName("p")) {
            try BlacklistCheck.run(applicants: [a], providers: [p, p], feePerHit: 1)
        }
    }

    @Test func responseForAnotherQueryIsRejected() throws {
        let p = BlacklistProvider(name: "p", entries: [try Identifier(.bankAccount, "1")])
        let q1 = BlacklistQuery(applicants: [Applicant(reference: "x", identifiers: [try Identifier(.bankAccount, "1")])])
        let q2 = BlacklistQuery(applicants: [Applicant(reference: "y", identifiers: [
            try Identifier(.bankAccount, "1"), try Identifier(.bankAccount, "2")])])
        #expect(throws: JointRiskError.self) {
            try q2.matchedApplicants(setup: p.setup(), response: p.respond(to: q1.request()))
        }
    }
}

@Suite struct MultiLendingTests {
    @Test func countsPlatformsWithoutNamingThem() throws {
        let me = try Identifier(.nationalID, "110105194912310021")
        let other = try Identifier(.nationalID, "110105194912310099")
        let platforms = [
            LendingPlatform(name: "p1", activeBorrowers: [me, other]),
            LendingPlatform(name: "p2", activeBorrowers: [other]),
            LendingPlatform(name: "p3", activeBorrowers: [me]),
            LendingPlatform(name: "p4", activeBorrowers: []),
        ]
        #expect(try MultiLendingMonitor.countPlatforms(applicant: me, platforms: platforms) == 2)
        #expect(try MultiLendingMonitor.countPlatforms(applicant: other, platforms: platforms) == 2)
        #expect(try MultiLendingMonitor.countPlatforms(applicant: try Identifier(.nationalID, "x"), platforms: platforms) == 0)
        #expect(try MultiLendingMonitor.countPlatforms(applicant: me, platforms: []) == 0)
        // The merged response is shuffled: the lender cannot ask for the intersection.
        let query = MultiLendingMonitor.Query(applicant: me)
        let request = query.request()
        let (setup, response) = MultiLendingMonitor.merge(setups: platforms.map { $0.setup() },
                                                          responses: platforms.map { $0.respond(to: request) })
        #expect(response.shuffled)
        #expect(try query.platformCount(unionSetup: setup, mergedResponse: response) == 2)
        #expect(throws: JointRiskError.duplicateName("p1")) {
            try MultiLendingMonitor.countPlatforms(applicant: me, platforms: [platforms[0], platforms[0]])
        }
    }
}
