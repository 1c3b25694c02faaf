import DataFiRistretto
import DataFiSodium
import Testing

// Known answers from RFC 9496 appendix A (the ristretto255 test vectors) and RFC 9380
// appendix K.3 (expand_message_xmd with SHA-512).

private func hex(_ string: String) -> [UInt8] {
    do { return try Hex.decode(string) } catch { Issue.record("bad hex in test vector: \(error)"); return [] }
}

/// RFC 9496 A.1: encodings of 0·B, 1·B, …, 15·B.
let smallMultiples = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
    "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
    "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
    "da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
    "e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
    "f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
    "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
    "903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
    "02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
    "20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
    "bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
    "e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
    "aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
    "46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
    "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
]

/// RFC 9496 A.2: invalid encodings (non-canonical field elements, negative field elements,
/// non-square x², negative xy, s = -1).
let invalidEncodings = [
    "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
    "c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
    "c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
    "47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
    "f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
    "87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
    "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
    "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
    "de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
    "bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
    "2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
    "f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
    "8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
    "2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
    "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
    "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
    "d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
    "8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
    "32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
    "227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
    "5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
    "445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
]

/// RFC 9496 A.3: one-way map inputs (64 bytes) and the encodings they map to.
let uniformMapVectors: [(String, String)] = [
    ("5d1be09e3d0c82fc538112490e35701979d99e06ca3e2b5b54bffe8b4dc772c14d98b696a1bbfb5ca32c436cc61c16563790306c79eaca7705668b47dffe5bb6",
     "3066f82a1a747d45120d1740f14358531a8f04bbffe6a819f86dfe50f44a0a46"),
    ("f116b34b8f17ceb56e8732a60d913dd10cce47a6d53bee9204be8b44f6678b270102a56902e2488c46120e9276cfe54638286b9e4b3cdb470b542d46c2068d38",
     "f26e5b6f7d362d2d2a94c5d0e7602cb4773c95a2e5c31a64f133189fa76ed61b"),
    ("8422e1bbdaab52938b81fd602effb6f89110e1e57208ad12d9ad767e2e25510c27140775f9337088b982d83d7fcf0b2fa1edffe51952cbe7365e95c86eaf325c",
     "006ccd2a9e6867e6a2c5cea83d3302cc9de128dd2a9a57dd8ee7b9d7ffe02826"),
    ("ac22415129b61427bf464e17baee8db65940c233b98afce8d17c57beeb7876c2150d15af1cb1fb824bbd14955f2b57d08d388aab431a391cfc33d5bafb5dbbaf",
     "f8f0c87cf237953c5890aec3998169005dae3eca1fbb04548c635953c817f92a"),
    ("165d697a1ef3d5cf3c38565beefcf88c0f282b8e7dbd28544c483432f1cec7675debea8ebb4e5fe7d6f6e5db15f15587ac4d4d4a1de7191e0c1ca6664abcc413",
     "ae81e7dedf20a497e10c304a765c1767a42d6e06029758d2d7e8ef7cc4c41179"),
    ("a836e6c9a9ca9f1e8d486273ad56a78c70cf18f0ce10abb1c7172ddd605d7fd2979854f47ae1ccf204a33102095b4200e5befc0465accc263175485f0e17ea5c",
     "e2705652ff9f5e44d3e841bf1c251cf7dddb77d140870d1ab2ed64f1a9ce8628"),
    ("2cdc11eaeb95daf01189417cdddbf95952993aa9cb9c640eb5058d09702c74622c9965a697a3b345ec24ee56335b556e677b30e6f90ac77d781064f866a3c982",
     "80bd07262511cdde4863f8a7434cef696750681cb9510eea557088f76d9e5065"),
    // Four inputs with non-canonical field elements that all map to the same element.
    ("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff1200000000000000000000000000000000000000000000000000000000000000",
     "304282791023b73128d277bdcb5c7746ef2eac08dde9f2983379cb8e5ef0517f"),
    ("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "304282791023b73128d277bdcb5c7746ef2eac08dde9f2983379cb8e5ef0517f"),
    ("0000000000000000000000000000000000000000000000000000000000000080ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
     "304282791023b73128d277bdcb5c7746ef2eac08dde9f2983379cb8e5ef0517f"),
    ("00000000000000000000000000000000000000000000000000000000000000001200000000000000000000000000000000000000000000000000000000000080",
     "304282791023b73128d277bdcb5c7746ef2eac08dde9f2983379cb8e5ef0517f"),
]

@Test func encodingsOfSmallMultiplesMatchRFC9496() throws {
    var running = RistrettoPoint.identity
    for (index, expected) in smallMultiples.enumerated() {
        let bytes = hex(expected)
        #expect(running.encoded == bytes, "repeated addition, multiple \(index)")
        #expect(RistrettoPoint.baseMultiply(Scalar(UInt64(index))).encoded == bytes, "base multiply \(index)")
        #expect((Scalar(UInt64(index)) * RistrettoPoint.generator).encoded == bytes, "scalar multiply \(index)")
        let decoded = try RistrettoPoint(encoded: bytes)
        #expect(decoded == running)
        #expect(decoded.description == expected)
        running += .generator
    }
    #expect(RistrettoPoint.generator.encoded == hex(smallMultiples[1]))
    #expect(RistrettoPoint.identity.isIdentity)
    #expect(!RistrettoPoint.generator.isIdentity)
}

@Test func invalidEncodingsAreRejected() {
    #expect(invalidEncodings.count == 29)
    for encoding in invalidEncodings {
        #expect(throws: RistrettoError.invalidPoint, "\(encoding)") { try RistrettoPoint(encoded: hex(encoding)) }
    }
}

@Test func encodingsWithTheTopBitSetAreRejected() throws {
    // RFC 9496 decoding requires a canonical field element below 2^255; libsodium 1.0.18 masks the
    // top bit itself, so the wrapper checks it.
    for multiple in smallMultiples {
        var bytes = hex(multiple)
        #expect(try RistrettoPoint(encoded: bytes).encoded == bytes)
        bytes[31] |= 0x80
        #expect(throws: RistrettoError.invalidPoint) { try RistrettoPoint(encoded: bytes) }
    }
}

@Test func pointDecodingRejectsWrongLengths() {
    #expect(throws: RistrettoError.wrongLength(expected: 32, actual: 0)) { try RistrettoPoint(encoded: []) }
    #expect(throws: RistrettoError.wrongLength(expected: 32, actual: 31)) {
        try RistrettoPoint(encoded: hex(smallMultiples[1]).dropLast())
    }
    #expect(throws: RistrettoError.wrongLength(expected: 32, actual: 33)) {
        try RistrettoPoint(encoded: hex(smallMultiples[1]) + [0])
    }
    #expect(throws: RistrettoError.wrongLength(expected: 32, actual: 1 << 20)) {
        try RistrettoPoint(encoded: [UInt8](repeating: 0, count: 1 << 20))
    }
}

@Test func oneWayMapMatchesRFC9496() throws {
    for (input, output) in uniformMapVectors {
        #expect(try RistrettoPoint.fromUniformBytes(hex(input)).encoded == hex(output), "\(input)")
    }
    #expect(throws: RistrettoError.wrongLength(expected: 64, actual: 63)) {
        try RistrettoPoint.fromUniformBytes([UInt8](repeating: 1, count: 63))
    }
    #expect(throws: RistrettoError.wrongLength(expected: 64, actual: 32)) {
        try RistrettoPoint.fromUniformBytes(hex(smallMultiples[1]))
    }
}

/// RFC 9380 K.3: expand_message_xmd(SHA-512), DST "QUUX-V01-CS02-with-expander-SHA512-256".
@Test func expandMessageXMDMatchesRFC9380() throws {
    let dst = Array("QUUX-V01-CS02-with-expander-SHA512-256".utf8)
    let q128 = "q128_" + String(repeating: "q", count: 128)
    let a512 = "a512_" + String(repeating: "a", count: 512)
    let vectors: [(String, Int, String)] = [
        ("", 0x20, "6b9a7312411d92f921c6f68ca0b6380730a1a4d982c507211a90964c394179ba"),
        ("abc", 0x20, "0da749f12fbe5483eb066a5f595055679b976e93abe9be6f0f6318bce7aca8dc"),
        ("abcdef0123456789", 0x20, "087e45a86e2939ee8b91100af1583c4938e0f5fc6c9db4b107b83346bc967f58"),
        (q128, 0x20, "7336234ee9983902440f6bc35b348352013becd88938d2afec44311caf8356b3"),
        (a512, 0x20, "57b5f7e766d5be68a6bfe1768e3c2b7f1228b3e4b3134956dd73a59b954c66f4"),
        ("", 0x80, "41b037d1734a5f8df225dd8c7de38f851efdb45c372887be655212d07251b921"
            + "b052b62eaed99b46f72f2ef4cc96bfaf254ebbbec091e1a3b9e4fb5e5b619d2e"
            + "0c5414800a1d882b62bb5cd1778f098b8eb6cb399d5d9d18f5d5842cf5d13d7e"
            + "b00a7cff859b605da678b318bd0e65ebff70bec88c753b159a805d2c89c55961"),
        ("abc", 0x80, "7f1dddd13c08b543f2e2037b14cefb255b44c83cc397c1786d975653e36a6b11"
            + "bdd7732d8b38adb4a0edc26a0cef4bb45217135456e58fbca1703cd6032cb134"
            + "7ee720b87972d63fbf232587043ed2901bce7f22610c0419751c065922b48843"
            + "1851041310ad659e4b23520e1772ab29dcdeb2002222a363f0c2b1c972b3efe1"),
        ("abcdef0123456789", 0x80, "3f721f208e6199fe903545abc26c837ce59ac6fa45733f1baaf0222f8b7acb04"
            + "24814fcb5eecf6c1d38f06e9d0a6ccfbf85ae612ab8735dfdf9ce84c372a77c8"
            + "f9e1c1e952c3a61b7567dd0693016af51d2745822663d0c2367e3f4f0bed827f"
            + "eecc2aaf98c949b5ed0d35c3f1023d64ad1407924288d366ea159f46287e61ac"),
        (q128, 0x80, "b799b045a58c8d2b4334cf54b78260b45eec544f9f2fb5bd12fb603eaee70db7"
            + "317bf807c406e26373922b7b8920fa29142703dd52bdf280084fb7ef69da78af"
            + "df80b3586395b433dc66cde048a258e476a561e9deba7060af40adf30c64249c"
            + "a7ddea79806ee5beb9a1422949471d267b21bc88e688e4014087a0b592b695ed"),
        (a512, 0x80, "05b0bfef265dcee87654372777b7c44177e2ae4c13a27f103340d9cd11c86cb2"
            + "426ffcad5bd964080c2aee97f03be1ca18e30a1f14e27bc11ebbd650f305269c"
            + "c9fb1db08bf90bfc79b42a952b46daf810359e7bc36452684784a64952c343c5"
            + "2e5124cd1f71d474d5197fefc571a92929c9084ffe1112cf5eea5192ebff330b"),
    ]
    for (message, length, expected) in vectors {
        let out = try ExpandMessageXMD.sha512(Array(message.utf8), domain: dst, length: length)
        #expect(out == hex(expected), "msg \(message.prefix(16)) len \(length)")
    }
}

/// Draft-era vectors for the same expander with a shorter tag (DST "QUUX-V01-CS02-with-expander"),
/// from the hash-to-curve reference implementation; they exercise a different DST length.
@Test func expandMessageXMDMatchesDraftVectors() throws {
    let dst = Array("QUUX-V01-CS02-with-expander".utf8)
    #expect(try ExpandMessageXMD.sha512([], domain: dst, length: 0x20)
        == hex("2eaa1f7b5715f4736e6a5dbe288257abf1faa028680c1d938cd62ac699ead642"))
    #expect(try ExpandMessageXMD.sha512(Array("abc".utf8), domain: dst, length: 0x20)
        == hex("0eeda81f69376c80c0f8986496f22f21124cb3c562cf1dc608d2c13005553b0f"))
}

@Test func expandMessageXMDBoundsItsOutput() throws {
    let dst = Array("DST".utf8)
    #expect(throws: RistrettoError.outputLengthOutOfRange(0)) { try ExpandMessageXMD.sha512([1], domain: dst, length: 0) }
    #expect(throws: RistrettoError.outputLengthOutOfRange(-1)) { try ExpandMessageXMD.sha512([1], domain: dst, length: -1) }
    #expect(throws: RistrettoError.outputLengthOutOfRange(16321)) {
        try ExpandMessageXMD.sha512([1], domain: dst, length: 16321)
    }
    let longest = try ExpandMessageXMD.sha512([1], domain: dst, length: 16320)
    #expect(longest.count == 16320)
    // Outputs of different lengths are not prefixes of each other (the length is bound in).
    let short = try ExpandMessageXMD.sha512([1], domain: dst, length: 32)
    #expect(Array(longest.prefix(32)) != short)
    // An oversize tag (> 255 bytes) is hashed first and still works.
    let big = [UInt8](repeating: 0x41, count: 300)
    let a = try ExpandMessageXMD.sha512([1], domain: big, length: 64)
    let b = try ExpandMessageXMD.sha512([1], domain: big + [0x41], length: 64)
    #expect(a.count == 64 && a != b)
}
