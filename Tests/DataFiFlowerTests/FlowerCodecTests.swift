import DataFiCreditData
import DataFiFederated
import Foundation
import Testing
@testable import DataFiFlower

func hex(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = s.startIndex
    while i < s.endIndex {
        let j = s.index(i, offsetBy: 2)
        out.append(UInt8(s[i..<j], radix: 16)!)
        i = j
    }
    return out
}

/// `.npy` reading and writing, object trees, node keys and the train/evaluate contract, without a network.
@Suite struct FlowerCodecTests {
    // Written by NumPy's np.save (np.array([1.5, -2.0, 3.25]) and a 2×2 float32 array).
    static let numpyFloat64 = hex(
        "934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20"
            + "277368617065273a2028332c292c207d" + String(repeating: "20", count: 60)
            + "0a000000000000f83f00000000000000c00000000000000a40")
    static let numpyFloat32 = hex(
        "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20"
            + "277368617065273a2028322c2032292c207d" + String(repeating: "20", count: 58)
            + "0a0000803f000000400000404000008040")

    @Test func npyReadsAndWritesWhatNumPyWrites() throws {
        let a = try NpyArray(npy: Self.numpyFloat64)
        #expect(a.dtype == .float64 && a.shape == [3] && a.values == [1.5, -2, 3.25])
        #expect(a.npy() == Self.numpyFloat64)
        let b = try NpyArray(npy: Self.numpyFloat32)
        #expect(b.dtype == .float32 && b.shape == [2, 2] && b.values == [1, 2, 3, 4])
        #expect(b.npy() == Self.numpyFloat32)
        let scalar = try NpyArray(dtype: .float64, shape: [], values: [7])
        #expect(try NpyArray(npy: scalar.npy()) == scalar)
    }

    @Test func npyRefusesHostileInput() throws {
        let good = Self.numpyFloat64
        #expect(throws: FlowerError.npyLength(expected: 24, actual: 23)) { try NpyArray(npy: Array(good.dropLast())) }
        #expect(throws: FlowerError.npyLength(expected: 24, actual: 25)) { try NpyArray(npy: good + [0]) }
        #expect(throws: FlowerError.npyNotNumpy) { try NpyArray(npy: Array(good.prefix(5))) }
        #expect(throws: FlowerError.npyNotNumpy) {
            try NpyArray(npy: [0x93] + Array("NUMPX".utf8) + Array(good.dropFirst(6)))
        }
        #expect(throws: FlowerError.npyMalformedHeader) { try NpyArray(npy: Array(good.prefix(40))) }
        func withHeader(_ header: String, data: [UInt8] = []) -> [UInt8] {
            var h = header
            h += String(repeating: " ", count: (64 - (10 + h.utf8.count + 1) % 64) % 64) + "\n"
            return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(h.utf8.count & 0xFF), UInt8(h.utf8.count >> 8)]
                + Array(h.utf8) + data
        }
        #expect(throws: FlowerError.npyUnsupportedDType("<i8")) {
            try NpyArray(
                npy: withHeader(
                    "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", data: [UInt8](repeating: 0, count: 8)))
        }
        #expect(throws: FlowerError.npyUnsupportedDType(">f8")) {
            try NpyArray(
                npy: withHeader(
                    "{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", data: [UInt8](repeating: 0, count: 8)))
        }
        #expect(throws: FlowerError.npyMalformedHeader) {
            try NpyArray(
                npy: withHeader(
                    "{'descr': '<f8', 'fortran_order': True, 'shape': (1,), }", data: [UInt8](repeating: 0, count: 8)))
        }
        #expect(throws: FlowerError.arrayTooLarge(limit: NpyArray.defaultMaxElements)) {
            try NpyArray(
                npy: withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"))
        }
        #expect(throws: FlowerError.arrayTooLarge(limit: 10)) {
            try NpyArray(npy: withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (11,), }"), maxElements: 10)
        }
        #expect(throws: FlowerError.npyMalformedHeader) {
            try NpyArray(npy: withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }"))
        }
        #expect(throws: FlowerError.npyMalformedHeader) {
            try NpyArray(npy: withHeader("{'descr': '<f8', 'shape': (1,), }", data: [UInt8](repeating: 0, count: 8)))
        }
        #expect(throws: FlowerError.shapeMismatch(expected: [2], actual: [3])) {
            try NpyArray(dtype: .float64, shape: [3], values: [1, 2])
        }
    }

    @Test func objectTreesRoundTripAndEveryHashIsChecked() throws {
        var metadata = Flwr_Proto_Metadata()
        metadata.runID = 7
        metadata.messageType = "train"
        let content = FlowerContent(
            arrays: [
                "arrays": [
                    ("coefficients", try NpyArray(dtype: .float64, shape: [2], values: [0.5, -1])),
                    ("intercept", try NpyArray(dtype: .float32, shape: [1], values: [0.25])),
                ]
            ],
            configs: ["config": ["lr": .double(0.1), "server-round": .int(3), "name": .string("x")]],
            metrics: ["metrics": ["num-examples": .int(12)]])
        let encoded = FlowerObjects.encodeMessage(metadata: metadata, content: content)
        var objects: [String: FlowerObject] = [:]
        for (id, bytes) in encoded.objects { objects[id] = try FlowerObject(content: bytes, id: id) }
        let decoded = try FlowerObjects.decodeMessage(root: encoded.id, objects: objects, maxElements: 100)
        #expect(decoded.content == content)
        #expect(decoded.message.metadata.runID == 7 && decoded.message.metadata.messageID.isEmpty)
        // The object format is Flower's: "<Type> <children> <length>\0<body>".
        let chunk = FlowerObject(type: "ArrayChunk", children: [], body: [1, 2, 3])
        #expect(chunk.content == Array("ArrayChunk  3".utf8) + [0, 1, 2, 3])
        // One flipped byte anywhere is refused before the object is read.
        for (id, bytes) in encoded.objects {
            var tampered = bytes
            tampered[tampered.count - 1] ^= 1
            #expect(throws: FlowerError.objectHashMismatch(expected: id)) {
                try FlowerObject(content: tampered, id: id)
            }
        }
        // Arrays past the element limit are refused.
        #expect(throws: FlowerError.arrayTooLarge(limit: 2)) {
            try FlowerObjects.decodeMessage(root: encoded.id, objects: objects, maxElements: 2)
        }
        // A header whose length lies, or garbage, is malformed (its hash is right).
        for bad in [Array("ArrayChunk  4".utf8) + [0, 1, 2, 3], [0xFF, 0xFE, 0], Array("no-nul".utf8)] {
            #expect(throws: FlowerError.self) { try FlowerObject(content: bad, id: FlowerObject.id(of: bad)) }
        }
    }

    @Test func nodeKeysSignTheTimestamp() throws {
        let identity = NodeIdentity()
        let headers = Dictionary(
            uniqueKeysWithValues: identity.headers(at: Date(timeIntervalSince1970: 1_767_225_600.25)).map {
                ($0.name, $0.value)
            })
        #expect(headers["flwr-timestamp"] == "2026-01-01T00:00:00.250000+00:00")
        let pem = String(decoding: Data(base64Encoded: headers["flwr-public-key"]!)!, as: UTF8.self)
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----") && pem == identity.publicKeyPEM)
        let signature = Data(base64Encoded: headers["flwr-signature"]!)!
        #expect(identity.verify(signature: signature, timestamp: headers["flwr-timestamp"]!))
        #expect(!identity.verify(signature: signature, timestamp: "2026-01-01T00:00:01.250000+00:00"))
        let reloaded = try NodeIdentity(pem: identity.privateKeyPEM)
        #expect(reloaded.publicKeyPEM == identity.publicKeyPEM)
        for bad in ["", "garbage", identity.publicKeyPEM, String(repeating: "A", count: 100_000)] {
            #expect(throws: FlowerError.invalidNodeKey) { try NodeIdentity(pem: bad) }
        }
    }

    static func trainer() throws -> FlowerTrainer {
        let csv = "x1,x2,bad\n1,0,1\n0,1,0\n2,1,1\n0,2,0\n1,1,1\n"
        let data = try FederatedDataset(table: DataTable(csv: csv), target: TargetSpec(column: "bad", positive: "1"))
        return FlowerTrainer(client: FederatedClient(data: data))
    }

    @Test func trainAndEvaluateFollowTheServerAppContract() throws {
        var trainer = try Self.trainer()
        let model: [(name: String, array: NpyArray)] = [
            ("coefficients", try NpyArray(dtype: .float64, shape: [2], values: [0, 0])),
            ("intercept", try NpyArray(dtype: .float32, shape: [1], values: [0])),
        ]
        let message = FlowerContent(
            arrays: ["arrays": model],
            configs: [
                "config": [
                    "lr": .double(0.5), "local-epochs": .int(3),
                    "server-round": .int(1),
                ]
            ])
        let reply = try trainer.respond(messageType: "train", content: message)
        let arrays = try #require(reply.arrays["arrays"])
        #expect(arrays.map(\.name) == ["coefficients", "intercept"])
        #expect(arrays[0].array.dtype == .float64 && arrays[0].array.shape == [2])
        #expect(arrays[1].array.dtype == .float32 && arrays[1].array.shape == [1])
        #expect(reply.metrics["metrics"]?["num-examples"] == .int(5))
        // The reply is what the client computes for these settings.
        var client = try Self.trainer().client
        var rng = SystemRandomNumberGenerator()
        let expected = try client.train(
            from: .zero(features: 2),
            options: LocalTrainingOptions(learningRate: 0.5, localEpochs: 3), using: &rng)
        #expect(arrays[0].array.values == expected.model.coefficients)
        #expect(reply.metrics["metrics"]?["loss"] == .double(expected.loss))
        #expect(trainer.updates.count == 1)
        let evaluation = try trainer.respond(messageType: "evaluate", content: FlowerContent(arrays: reply.arrays))
        #expect(evaluation.metrics["metrics"]?["auc"] == .double(1))
        #expect(evaluation.arrays.isEmpty)
    }

    @Test func badMessagesAreRefusedWithTypedErrors() throws {
        var trainer = try Self.trainer()
        func content(_ coefficients: NpyArray, config: [String: FlowerScalar] = [:]) throws -> FlowerContent {
            FlowerContent(
                arrays: [
                    "arrays": [
                        ("coefficients", coefficients),
                        ("intercept", try NpyArray(dtype: .float64, shape: [1], values: [0])),
                    ]
                ],
                configs: ["config": config])
        }
        let good = try NpyArray(dtype: .float64, shape: [2], values: [0, 0])
        #expect(throws: FlowerError.unsupportedMessageType("query")) {
            try trainer.respond(messageType: "query", content: try content(good))
        }
        #expect(throws: FlowerError.shapeMismatch(expected: [2], actual: [3])) {
            try trainer.respond(
                messageType: "train", content: try content(NpyArray(dtype: .float64, shape: [3], values: [0, 0, 0])))
        }
        #expect(throws: FlowerError.missingRecord("arrays")) {
            try trainer.respond(messageType: "train", content: FlowerContent())
        }
        #expect(throws: FlowerError.wrongValueType("lr")) {
            try trainer.respond(messageType: "train", content: try content(good, config: ["lr": .string("fast")]))
        }
        #expect(throws: FederatedError.outOfRange(.learningRate)) {
            try trainer.respond(messageType: "train", content: try content(good, config: ["lr": .double(-1)]))
        }
        #expect(throws: FederatedError.nonFiniteModel) {
            try trainer.respond(
                messageType: "train", content: try content(NpyArray(dtype: .float64, shape: [2], values: [.nan, 0])))
        }
        #expect(trainer.updates.isEmpty)
    }
}
