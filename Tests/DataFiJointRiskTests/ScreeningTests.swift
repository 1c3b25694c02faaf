import DataFiBigNum
import DataFiPSI
import DataFiPaillier
import Testing
@testable import DataFiJointRisk

/// An endpoint that always fails, as an unreachable lender would.
struct UnreachableLender: BlacklistEndpoint {
    struct Down: Error, CustomStringConvertible { var description: String { "connection refused" } }
    let name: String
    func setup() async throws -> PSISetup { throw Down() }
    func respond(to request: PSIRequest) async throws -> PSIResponse { throw Down() }
}

@Suite struct MultiLenderScreeningTests {
    func phone(_ raw: String) throws -> Identifier { try Identifier(.phone, raw) }

    @Test func screensAgainstEveryLenderConcurrentlyAndPricesHits() async throws {
        let applicants = [
            Applicant(reference: "A1", identifiers: [try phone("13800000001")]),
            Applicant(reference: "A2", identifiers: [try phone("13800000002"), try Identifier(.nationalID, "X-1")]),
            Applicant(reference: "A3", identifiers: [try phone("13800000003")]),
        ]
        let north = BlacklistProvider(name: "north", entries: [try phone("+86 138 0000 0001"), try phone("13900000000")])
        let south = BlacklistProvider(name: "south", entries: [try Identifier(.nationalID, "x1"), try phone("13800000001")])
        let empty = BlacklistProvider(name: "empty", entries: [])
        let report = try await MultiLenderScreening.screen(applicants: applicants, lenders: [north, south, empty], feePerHit: 250)
        #expect(report.flaggedApplicants == ["A1", "A2"])
        #expect(report.lenders.map(\.lender) == ["north", "south", "empty"])
        #expect(report.lenders.map(\.matchedApplicants) == [["A1"], ["A1", "A2"], []])
        #expect(report.fees == [BlacklistFee(provider: "north", hits: 1, feePerHit: 250, amount: 250),
                                BlacklistFee(provider: "south", hits: 2, feePerHit: 250, amount: 500)])
        #expect(report.failedLenders.isEmpty)
    }

    @Test func anUnreachableLenderIsReportedAndEarnsNothing() async throws {
        let applicants = [Applicant(reference: "A1", identifiers: [try phone("13800000001")])]
        let up = BlacklistProvider(name: "up", entries: [try phone("13800000001")])
        let report = try await MultiLenderScreening.screen(applicants: applicants, lenders: [UnreachableLender(name: "down"), up], feePerHit: 1)
        #expect(report.failedLenders == ["down"])
        #expect(report.lenders[0].failure == "connection refused")
        #expect(report.flaggedApplicants == ["A1"])
        #expect(report.fees == [BlacklistFee(provider: "up", hits: 1, feePerHit: 1, amount: 1)])
    }

    @Test func refusesDuplicateNamesAndFeeOverflow() async throws {
        let applicants = [Applicant(reference: "A1", identifiers: [try phone("13800000001")]),
                          Applicant(reference: "A2", identifiers: [try phone("13800000002")])]
        let a = BlacklistProvider(name: "same", entries: [try phone("13800000001"), try phone("13800000002")])
        await #expect(throws: JointRiskError.duplicateName("same")) {
            try await MultiLenderScreening.screen(applicants: applicants, lenders: [a, a], feePerHit: 1)
        }
        await #expect(throws: JointRiskError.feeOverflow(provider: "same")) {
            try await MultiLenderScreening.screen(applicants: applicants, lenders: [a], feePerHit: UInt64.max)
        }
    }
}

@Suite struct JointMarketingTests {
    @Test func lenderLearnsOverlapAndConversionSum() throws {
        let customers = try (0..<30).map { try Identifier(.phone, "1380000\(String(format: "%04d", $0))") }
        // The merchant knows customers 20..<50, with conversions worth 100 + index.
        let conversions = try (20..<50).map { (try Identifier(.phone, "+86 1380000\(String(format: "%04d", $0))"), Int64(100 + $0)) }
        let merchant = try MarketingMerchant(name: "shop", conversions: conversions, paillierBits: 1024)
        let report = try JointMarketing.measure(targeted: customers, merchant: merchant)
        #expect(report.targeted == 30)
        #expect(report.commonCustomers == 10)
        #expect(report.conversionSum == BigInt((20..<30).reduce(0) { $0 + 100 + $1 }))
        #expect(abs(report.overlapRate - 1.0 / 3.0) < 1e-12)
    }

    @Test func unsupportedKeySizeIsRefused() {
        #expect(throws: PaillierError.unsupportedKeySize(bits: 100)) {
            try MarketingMerchant(name: "m", conversions: [], paillierBits: 100)
        }
    }
}
