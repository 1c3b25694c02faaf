import DataFiJointRisk
import Testing

@Test func anApplicantListedTwiceIsOneHit() throws {
    let phone = try Identifier(.phone, "13800138000")
    let applicants = [
        Applicant(reference: "A-1", identifiers: [phone]),
        Applicant(reference: "A-1", identifiers: [phone]),
        Applicant(reference: "A-2", identifiers: [try Identifier(.phone, "13900139000")]),
    ]
    let provider = BlacklistProvider(name: "p", entries: [phone])
    let report = try BlacklistCheck.run(applicants: applicants, providers: [provider], feePerHit: 100)
    #expect(report.matches[0].applicants == ["A-1"])
    #expect(report.fees == [BlacklistFee(provider: "p", hits: 1, feePerHit: 100, amount: 100)])
}
