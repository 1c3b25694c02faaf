// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiJointRisk
import Testing

@Test func readmeExample() async throws {
    // Lender A screens applicants against two providers' blacklists; nobody reveals a list.
    let applicants = [
        Applicant(reference: "app-17", identifiers: [try Identifier(.phone, "138-0013-8000")]),
        Applicant(reference: "app-18", identifiers: [try Identifier(.bankAccount, "6222 0200 1234")]),
    ]
    let providers = [
        BlacklistProvider(name: "lenderB", entries: [try Identifier(.phone, "+86 13800138000")]),
        BlacklistProvider(name: "lenderC", entries: [try Identifier(.nationalID, "110105194912310021")]),
    ]
    let report = try BlacklistCheck.run(applicants: applicants, providers: providers, feePerHit: 100)
    // report.flaggedApplicants == ["app-17"]; lenderB is owed one hit × 100

    // Multi-lending: how many platforms have an active loan with this applicant (not which).
    let platforms = [
        LendingPlatform(name: "p1", activeBorrowers: [try Identifier(.phone, "13800138000")]),
        LendingPlatform(name: "p2", activeBorrowers: []),
    ]
    let count = try MultiLendingMonitor.countPlatforms(applicant: try Identifier(.phone, "13800138000"),
                                                       platforms: platforms)   // 1

    // Checks (from the readme-test comment under this part of the example).
    #expect(report.flaggedApplicants == ["app-17"])
    #expect(report.fees == [BlacklistFee(provider: "lenderB", hits: 1, feePerHit: 100, amount: 100)])
    #expect(count == 1)

    let lenders: [any BlacklistEndpoint] = providers            // or HTTPBlacklistEndpoint(name:url:)
    let screening = try await MultiLenderScreening.screen(applicants: applicants, lenders: lenders, feePerHit: 100)
    // screening.flaggedApplicants == ["app-17"]; screening.fees: one record per lender with hits

    let merchant = try MarketingMerchant(name: "shop", conversions: [(try Identifier(.phone, "13800138000"), 350)])
    let campaign = try JointMarketing.measure(targeted: [try Identifier(.phone, "138-0013-8000")], merchant: merchant)
    // campaign.commonCustomers == 1, campaign.conversionSum == 350

    // Checks (from the readme-test comment under the example).
    #expect(screening.flaggedApplicants == ["app-17"])
    #expect(screening.fees == [BlacklistFee(provider: "lenderB", hits: 1, feePerHit: 100, amount: 100)])
    #expect(campaign.commonCustomers == 1)
    #expect(campaign.conversionSum == 350)
}
