import DataFiJointRisk
import Testing

@Suite struct ScreeningReadmeExampleTests {
    @Test func readmeExample() async throws {
        let applicants = [
            Applicant(reference: "app-17", identifiers: [try Identifier(.phone, "138-0013-8000")]),
            Applicant(reference: "app-18", identifiers: [try Identifier(.bankAccount, "6222 0200 1234")]),
        ]
        let providers = [
            BlacklistProvider(name: "lenderB", entries: [try Identifier(.phone, "+86 13800138000")]),
            BlacklistProvider(name: "lenderC", entries: [try Identifier(.nationalID, "110105194912310021")]),
        ]
        let lenders: [any BlacklistEndpoint] = providers            // or HTTPBlacklistEndpoint(name:url:)
        let screening = try await MultiLenderScreening.screen(applicants: applicants, lenders: lenders, feePerHit: 100)
        #expect(screening.flaggedApplicants == ["app-17"])
        #expect(screening.fees == [BlacklistFee(provider: "lenderB", hits: 1, feePerHit: 100, amount: 100)])

        let merchant = try MarketingMerchant(name: "shop", conversions: [(try Identifier(.phone, "13800138000"), 350)])
        let campaign = try JointMarketing.measure(targeted: [try Identifier(.phone, "138-0013-8000")], merchant: merchant)
        #expect(campaign.commonCustomers == 1)
        #expect(campaign.conversionSum == 350)
    }
}
