import DataFiPSIService
import Testing

@Suite struct PSIServiceReadmeExampleTests {
    @Test func readmeExample() async throws {
        // As in the README, on a free port instead of 8080.
        let service = PSIService(items: ["alice", "bob"], key: .generate())
        let host = try await RunningHost.start(psi: service, pjc: nil)
        defer { host.stop() }
        let answer = try await PSIServiceClient(url: host.url)
            .query(items: ["bob", "carol"], cardinalityOnly: false)          // answer.common == ["bob"]
        #expect(answer.common == ["bob"])
    }
}
