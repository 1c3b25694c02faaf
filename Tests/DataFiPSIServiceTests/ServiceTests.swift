import AsyncHTTPClient
import DataFiBigNum
import DataFiJointRisk
@testable import DataFiPSI
import DataFiPaillier
import Foundation
import NIOCore
import Testing
@testable import DataFiPSIService

/// A service host running in this process on a free loopback port, stopped by cancelling its task.
struct RunningHost {
    let url: String
    let task: Task<Void, any Error>

    static func start(psi: PSIService?, pjc: PJCService?) async throws -> RunningHost {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            try await PSIServiceHost.run(psi: psi, pjc: pjc, host: "127.0.0.1", port: 0) { port in continuation.yield(port) }
        }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return RunningHost(url: "http://127.0.0.1:\(port)", task: task)
    }

    func stop() { task.cancel() }

    /// A raw POST: status and body text.
    func post(_ path: String, _ body: [UInt8], headers: [(String, String)] = []) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url + path)
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: body))
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let buffer = try await response.body.collect(upTo: 1 << 26)
        return (Int(response.status.code), String(buffer: buffer))
    }
}

let servicePaillier: PaillierPrivateKey = {
    do { return try PaillierPrivateKey.generate(bits: 1024) } catch { preconditionFailure("\(error)") }
}()

@Suite(.serialized) struct PSIServiceTests {
    @Test func queriesOverLoopbackAndSurvivesHostileRequests() async throws {
        let serverItems = (0..<50).map { "user\($0)" }
        let host = try await RunningHost.start(psi: PSIService(items: serverItems, key: .generate(),
                                                               limits: PSIServiceLimits(maxQueryItems: 100)), pjc: nil)
        defer { host.stop() }
        let client = try PSIServiceClient(url: host.url)
        let clientItems = (40..<60).map { "user\($0)" }
        let result = try await client.query(items: clientItems, cardinalityOnly: false)
        #expect(result.common == (40..<50).map { "user\($0)" })
        #expect(try await client.query(items: clientItems, cardinalityOnly: true).count == 10)

        // Malformed, oversized and hostile bodies: a 4xx with a JSON error each, never a 5xx.
        let good = PSIClient(key: .generate(), items: ["user1"]).request().serialized
        var badElement = good
        for i in 7..<39 { badElement[i] = 0xFF }
        let tooMany = PSIClient(key: .generate(), items: (0..<101).map { "x\($0)" }).request().serialized
        let cases: [([UInt8], Int, String)] = [
            ([], 400, "malformed_message"),
            ([1, 2, 5, 0, 0, 0, 0], 400, "malformed_message"),
            ([2, 2, 0, 0, 0, 0, 0], 400, "malformed_message"),
            (Array(good.dropLast()), 400, "malformed_message"),
            (good + [0], 400, "malformed_message"),
            (badElement, 400, "malformed_message"),
            // More items than the limit: refused by the body bound before it is parsed.
            (tooMany, 413, "body_too_large"),
            ([UInt8](repeating: 7, count: 16 + 32 * 100 + 1), 413, "body_too_large"),
        ]
        for (body, status, code) in cases {
            let (got, text) = try await host.post("/psi/v1/query", body)
            #expect(got == status)
            #expect(text.contains("\"error\":\"\(code)\""))
        }
        // Still serving.
        #expect(try await client.query(items: ["user3", "nobody"], cardinalityOnly: false).common == ["user3"])
    }

    @Test func clientReportsTypedErrors() async throws {
        #expect(throws: PSIServiceError.invalidURL("ftp://x")) { try PSIServiceClient(url: "ftp://x") }
        let unreachable = try PSIServiceClient(url: "http://127.0.0.1:1", options: PSIClientOptions(timeout: 2, retries: 1, backoff: 0.01))
        do {
            _ = try await unreachable.setup()
            Issue.record("expected a failure")
        } catch let error {
            guard case .unreachable = error else { Issue.record("wrong error \(error)"); return }
        }
        // A blacklist endpoint refuses a server that hashes under another domain.
        let host = try await RunningHost.start(psi: PSIService(items: ["a"], key: .generate()), pjc: nil)
        defer { host.stop() }
        let endpoint = try HTTPBlacklistEndpoint(name: "x", url: host.url)
        await #expect(throws: PSIServiceError.domainMismatch(expected: BlacklistCheck.domain, actual: PSIServer.defaultDomain)) {
            _ = try await endpoint.setup()
        }
    }

    @Test func screeningOverHTTP() async throws {
        let north = try await RunningHost.start(psi: PSIService(items: [try Identifier(.phone, "13800000001").item], key: .generate(),
                                                                domain: BlacklistCheck.domain), pjc: nil)
        defer { north.stop() }
        let applicants = [Applicant(reference: "A1", identifiers: [try Identifier(.phone, "+8613800000001")]),
                          Applicant(reference: "A2", identifiers: [try Identifier(.phone, "13800000002")])]
        let lenders: [any BlacklistEndpoint] = [try HTTPBlacklistEndpoint(name: "north", url: north.url),
                                                try HTTPBlacklistEndpoint(name: "gone", url: "http://127.0.0.1:1",
                                                                          options: PSIClientOptions(timeout: 2, retries: 0))]
        let report = try await MultiLenderScreening.screen(applicants: applicants, lenders: lenders, feePerHit: 5)
        #expect(report.flaggedApplicants == ["A1"])
        #expect(report.failedLenders == ["gone"])
        #expect(report.fees == [BlacklistFee(provider: "north", hits: 1, feePerHit: 5, amount: 5)])
    }
}

@Suite(.serialized) struct PJCServiceTests {
    @Test func intersectionSumOverLoopbackWithOneSumPerSession() async throws {
        let pairs = (0..<40).map { ("c\($0)", Int64($0) * 1000 - 7) }
        let service = PJCService(items: pairs, paillier: servicePaillier, limits: PSIServiceLimits(maxQueryItems: 100))
        let host = try await RunningHost.start(psi: nil, pjc: service)
        defer { host.stop() }
        let client = try PJCServiceClient(url: host.url)
        let (result, wire) = try await client.query(items: (30..<60).map { "c\($0)" })
        #expect(result.intersectionSize == 10)
        #expect(result.intersectionSum == BigInt((30..<40).reduce(Int64(0)) { $0 + $1 * 1000 - 7 }))
        #expect(wire.sent > 30 * 32 && wire.received > 40 * (32 + 256))
        let sizes = await service.reportedSizes()
        #expect(sizes.count == 1 && sizes[0].queried == 30 && sizes[0].intersection == 10)

        // The sum step needs an open session, and each session decrypts once.
        let pk = servicePaillier.publicKey
        let sum = PJCSumRequest(intersectionSize: 0, maskedSum: pk.encrypt(Int64(1))).serialized(width: 128)
        var (status, text) = try await host.post("/pjc/v1/sum", sum)
        #expect(status == 404 && text.contains("unknown_session"))
        let request = PJCClient(items: ["c1"]).request().serialized
        var raw = HTTPClientRequest(url: host.url + "/pjc/v1/query")
        raw.method = .POST
        raw.body = .bytes(ByteBuffer(bytes: request))
        let response = try await HTTPClient.shared.execute(raw, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 1 << 20)
        let session = try #require(response.headers.first(name: "x-pjc-session"))
        (status, _) = try await host.post("/pjc/v1/sum", sum, headers: [("x-pjc-session", session)])
        #expect(status == 200)
        (status, text) = try await host.post("/pjc/v1/sum", sum, headers: [("x-pjc-session", session)])
        #expect(status == 404 && text.contains("unknown_session"))

        // Hostile sum bodies are refused with 4xx.
        (status, text) = try await host.post("/pjc/v1/sum", [1, 0x14, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 256))
        #expect(status == 400 && text.contains("malformed_message"))
        (status, text) = try await host.post("/pjc/v1/sum", [UInt8](repeating: 0, count: 5000))
        #expect(status == 413 && text.contains("body_too_large"))
        (status, text) = try await host.post("/pjc/v1/query", [1, 0x12, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(status == 400 && text.contains("malformed_message"))

        // Still serving.
        #expect(try await client.query(items: ["c5", "zz"]).0 == PJCResult(intersectionSize: 1, intersectionSum: BigInt(4993)))
    }

    @Test func openAPIDocumentIsValidJSON() throws {
        let object = try JSONSerialization.jsonObject(with: Data(PSIServiceOpenAPI.document.utf8)) as? [String: Any]
        let paths = try #require(object?["paths"] as? [String: Any])
        #expect(Set(paths.keys) == ["/health", "/psi/v1/info", "/psi/v1/setup", "/psi/v1/query", "/pjc/v1/setup", "/pjc/v1/query", "/pjc/v1/sum"])
    }
}
