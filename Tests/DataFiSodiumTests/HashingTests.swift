import DataFiSodium
import PropertyBased
import Testing

// BLAKE2b: RFC 7693 appendix A and the official blake2b-kat.txt (key 00..3f, input 00..(n-1)).
// SHA-256/512: FIPS 180-2 examples ("abc", the 448-bit message).

@Test func blake2bRFC7693() throws {
    #expect(try BLAKE2b.hash(Array("abc".utf8), digestLength: 64) == hex(
        "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"))
    #expect(try BLAKE2b.hash([UInt8](), digestLength: 64) == hex(
        "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce"))
    #expect(BLAKE2b.hash256(Array("abc".utf8)) == hex("bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"))
    #expect(try BLAKE2b.hash(Array("abc".utf8)) == BLAKE2b.hash256(Array("abc".utf8)))
}

@Test func blake2bKeyedKAT() throws {
    let key = (0..<64).map { UInt8($0) }
    let vectors: [(Int, String)] = [
        (0, "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568"),
        (1, "961f6dd1e4dd30f63901690c512e78e4b45e4742ed197c3c5e45c549fd25f2e4187b0bc9fe30492b16b0d0bc4ef9b0f34c7003fac09a5ef1532e69430234cebd"),
        (31, "eba51acffb4cea31db4b8d87e9bf7dd48fe97b0253ae67aa580f9ac4a9d941f2bea518ee286818cc9f633f2a3b9fb68e594b48cdd6d515bf1d52ba6c85a203a7"),
        (33, "5595e05c13a7ec4dc8f41fb70cb50a71bce17c024ff6de7af618d0cc4e9c32d9570d6d3ea45b86525491030c0d8f2b1836d5778c1ce735c17707df364d054347"),
        (66, "c516541701863f91005f314108ceece3c643e04fc8c42fd2ff556220e616aaa6a48aeb97a84bad74782e8dff96a1a2fa949339d722edcaa32b57067041df88cc"),
        (97, "31fc79738b8772b3f55cd8178813b3b52d0db5a419d30ba9495c4b9da0219fac6df8e7c23a811551a62b827f256ecdb8124ac8a6792ccfecc3b3012722e94463"),
        (127, "76d2d819c92bce55fa8e092ab1bf9b9eab237a25267986cacf2b8ee14d214d730dc9a5aa2d7b596e86a1fd8fa0804c77402d2fcd45083688b218b1cdfa0dcbcb"),
        (255, "142709d62e28fcccd0af97fad0f8465b971e82201dc51070faa0372aa43e92484be1c1e73ba10906d5d1853db6a4106e0a7bf9800d373d6dee2d46d62ef2a461"),
    ]
    for (length, expected) in vectors {
        let input = (0..<length).map { UInt8($0) }
        #expect(try BLAKE2b.hash(input, digestLength: 64, key: key) == hex(expected), "length \(length)")
    }
    // Streaming in uneven pieces, reading the digest in between (finalize leaves the state as is).
    var hasher = try BLAKE2b(digestLength: 64, key: key)
    hasher.update((0..<10).map { UInt8($0) })
    #expect(hasher.finalize() == hex(
        "4fe181f54ad63a2983feaaf77d1e7235c2beb17fa328b6d9505bda327df19fc37f02c4b6f0368ce23147313a8e5738b5fa2a95b29de1c7f8264eb77b69f585cd"))
    hasher.update((10..<127).map { UInt8($0) })
    #expect(hasher.finalize() == hex(vectors[6].1))
    hasher.update((127..<255).map { UInt8($0) })
    #expect(hasher.finalize() == hex(vectors[7].1))
}

@Test func blake2bRejectsBadLengths() {
    for n in [0, 15, 65, 1000, -1] {
        #expect(throws: SodiumError.lengthOutOfRange(what: "BLAKE2b digest", allowed: 16...64, actual: n)) {
            try BLAKE2b.hash([1, 2, 3], digestLength: n)
        }
    }
    for n in [1, 15, 65, 4096] {
        #expect(throws: SodiumError.lengthOutOfRange(what: "BLAKE2b key", allowed: 16...64, actual: n)) {
            try BLAKE2b(key: [UInt8](repeating: 7, count: n))
        }
    }
}

@Test func blake2bStreamingMatchesOneShotAndCopiesAreIndependent() async {
    await propertyCheck(count: 100, input: Gen.uint8().array(of: 0...300), Gen.int(in: 0...300), Gen.int(in: 16...64)) {
        data, cut, length throws in
        let split = min(cut, data.count)
        var hasher = try BLAKE2b(digestLength: length)
        hasher.update(data[..<split])
        let snapshot = hasher
        hasher.update(data[split...])
        #expect(hasher.finalize() == (try BLAKE2b.hash(data, digestLength: length)))
        #expect(snapshot.finalize() == (try BLAKE2b.hash(data[..<split], digestLength: length)))
        #expect(hasher.finalize().count == length)
    }
}

@Test func shaKnownAnswers() {
    let abc = Array("abc".utf8)
    let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
    #expect(SHA256.hash(abc) == hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
    #expect(SHA256.hash(long) == hex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"))
    #expect(SHA256.hash([UInt8]()) == hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
    #expect(SHA512.hash(abc) == hex(
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"))
    #expect(SHA512.hash([UInt8]()) == hex(
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"))
}

@Test func shaStreamingMatchesOneShot() async {
    await propertyCheck(count: 100, input: Gen.uint8().array(of: 0...300), Gen.int(in: 0...300)) { data, cut in
        let split = min(cut, data.count)
        var a = SHA256(), b = SHA512()
        a.update(data[..<split]); a.update(data[split...])
        b.update(data[..<split]); b.update(data[split...])
        #expect(a.finalize() == SHA256.hash(data))
        #expect(b.finalize() == SHA512.hash(data))
        #expect(a.finalize() == a.finalize())
    }
}
