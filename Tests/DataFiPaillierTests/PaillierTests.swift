import DataFiBigNum
import Foundation
import PropertyBased
import Testing
@testable import DataFiPaillier

/// One 1024-bit key shared by the tests (key generation is the slow part).
let sharedKey: PaillierPrivateKey = {
    do { return try PaillierPrivateKey.generate(bits: 1024) } catch { preconditionFailure("\(error)") }
}()

func big(_ text: String) -> BigInt { BigInt(text) ?? BigInt() }

@Suite struct PaillierKnownAnswerTests {
    let key: PaillierPrivateKey = {
        do { return try PaillierPrivateKey(p: big(PaillierVectors.p), q: big(PaillierVectors.q)) } catch {
            preconditionFailure("\(error)")
        }
    }()

    @Test func modulusMatches() {
        #expect(key.publicKey.n == big(PaillierVectors.n))
        #expect(key.publicKey.bits == 1024)
    }

    @Test func encryptionWithFixedRandomnessMatchesVectors() throws {
        for (m, r, c) in PaillierVectors.cases {
            #expect(key.publicKey.encrypt(big(m), randomness: big(r)).decimal == c)
        }
    }

    @Test func vectorsDecrypt() throws {
        for (m, _, c) in PaillierVectors.cases {
            #expect(try key.decrypt(decimal: c) == big(m))
        }
    }
}

@Suite struct PaillierPropertyTests {
    @Test func roundTripPublicAndKeyHolderEncryption() async {
        let key = sharedKey
        await propertyCheck(count: 30, input: Gen.uint8().array(of: 0...127)) { bytes throws in
            let m = try BigInt(bigEndianMagnitude: bytes).modulo(key.publicKey.n)
            #expect(try key.decrypt(key.publicKey.encrypt(m)) == m)
            #expect(try key.decrypt(key.encrypt(m)) == m)
        }
    }

    @Test func homomorphicIdentities() async {
        let key = sharedKey, pk = sharedKey.publicKey
        await propertyCheck(count: 20, input: Gen.int64(), Gen.int64(), Gen.int(in: -1000...1000)) { a, b, k throws in
            let ca = pk.encrypt(a), cb = key.encrypt(b)
            // Sum: a + b (exact, no overflow in the plaintext space).
            #expect(try key.decryptSigned(pk.add(ca, cb)) == BigInt(a) + BigInt(b))
            // Scalar multiple: k·a.
            #expect(try key.decryptSigned(pk.multiply(ca, by: BigInt(k))) == BigInt(a) * BigInt(k))
            // Re-randomisation: another ciphertext, the same plaintext.
            let fresh = try pk.rerandomize(ca)
            #expect(fresh != ca)
            #expect(try key.decryptSigned(fresh) == BigInt(a))
            // Sum of many.
            #expect(try key.decryptSigned(pk.sum([ca, cb, ca])) == 2 * BigInt(a) + BigInt(b))
        }
    }

    @Test func encryptionIsRandomised() throws {
        let pk = sharedKey.publicKey
        #expect(pk.encrypt(Int64(7)) != pk.encrypt(Int64(7)))
        #expect(sharedKey.encrypt(Int64(7)) != sharedKey.encrypt(Int64(7)))
    }

    @Test func signedEdgeValues() throws {
        let key = sharedKey, pk = key.publicKey
        for v in [Int64.min, Int64.min + 1, -1, 0, 1, Int64.max] {
            #expect(try key.decryptSigned(pk.encrypt(v)) == BigInt(v))
            #expect(try key.decryptSigned(key.encrypt(v)) == BigInt(v))
        }
        let max = pk.maxSignedMagnitude
        #expect(try key.decryptSigned(pk.encrypt(signed: max)) == max)
        #expect(try key.decryptSigned(pk.encrypt(signed: -max)) == -max)
        #expect(throws: PaillierError.plaintextOutOfRange) { try pk.encrypt(signed: max + 1) }
        // A value between the ranges decrypts as an overflow, not as a wrong number.
        #expect(throws: PaillierError.signedOverflow) { try key.decryptSigned(pk.encrypt(max + 1)) }
    }
}

@Suite struct PaillierHostileInputTests {
    let key = sharedKey
    var pk: PaillierPublicKey { key.publicKey }

    @Test func ciphertextRangeChecks() {
        #expect(throws: PaillierError.ciphertextOutOfRange) { try pk.ciphertext(BigInt(0)) }
        #expect(throws: PaillierError.ciphertextOutOfRange) { try pk.ciphertext(BigInt(-5)) }
        #expect(throws: PaillierError.ciphertextOutOfRange) { try pk.ciphertext(pk.nSquared) }
        #expect(throws: PaillierError.ciphertextOutOfRange) { try pk.ciphertext(pk.nSquared + BigInt(1)) }
        #expect(throws: PaillierError.ciphertextNotInvertible) { try pk.ciphertext(key.p) }
        #expect(throws: PaillierError.ciphertextNotInvertible) { try pk.ciphertext(key.q * BigInt(12345)) }
        #expect(throws: PaillierError.ciphertextNotInvertible) { try pk.ciphertext(pk.n) }
        #expect((try? pk.ciphertext(BigInt(1))) != nil)
        #expect((try? pk.ciphertext(pk.nSquared - BigInt(1))) != nil)
    }

    @Test func decimalChecksBeforeParsing() {
        let huge = String(repeating: "9", count: 1_000_000)
        #expect(throws: PaillierError.decimalTooLong(field: "ciphertext", length: 1_000_000, limit: 617)) {
            try pk.ciphertext(decimal: huge)
        }
        for bad in ["", "-1", "+5", "01", "1e5", "12 ", " 12", "0x10", "１２", "12.0"] {
            #expect(throws: PaillierError.malformedDecimal(field: "ciphertext")) { try pk.ciphertext(decimal: bad) }
        }
        #expect(throws: PaillierError.ciphertextOutOfRange) { try pk.ciphertext(decimal: "0") }
        #expect(throws: PaillierError.ciphertextOutOfRange) { try pk.ciphertext(decimal: pk.nSquared.description) }
        #expect(throws: PaillierError.ciphertextNotInvertible) { try key.decrypt(decimal: key.p.description) }
    }

    @Test func plaintextRange() {
        #expect(throws: PaillierError.plaintextOutOfRange) { try pk.encrypt(pk.n) }
        #expect(throws: PaillierError.plaintextOutOfRange) { try pk.encrypt(BigInt(-1)) }
        #expect(throws: PaillierError.plaintextOutOfRange) { try key.encrypt(pk.n) }
        #expect(throws: PaillierError.plaintextOutOfRange) { try pk.multiply(pk.encrypt(Int64(1)), by: pk.n) }
    }

    @Test func ciphertextsUnderAnotherKeyAreRefused() throws {
        let other = try PaillierPrivateKey.generate(bits: 1024)
        let mine = pk.encrypt(Int64(1)), theirs = other.publicKey.encrypt(Int64(1))
        #expect(throws: PaillierError.keyMismatch) { try pk.add(mine, theirs) }
        #expect(throws: PaillierError.keyMismatch) { try key.decrypt(theirs) }
        #expect(throws: PaillierError.keyMismatch) { try pk.rerandomize(theirs) }
        #expect(throws: PaillierError.keyMismatch) { try pk.multiply(theirs, by: 2) }
    }

    @Test func publicKeyChecks() {
        #expect(throws: PaillierError.modulusSize(bits: 512)) { try PaillierPublicKey(n: (BigInt(1) << 511) + BigInt(1)) }
        #expect(throws: PaillierError.modulusSize(bits: 8193)) { try PaillierPublicKey(n: (BigInt(1) << 8192) + BigInt(1)) }
        #expect(throws: PaillierError.evenModulus) { try PaillierPublicKey(n: BigInt(1) << 1500) }
        #expect(throws: PaillierError.modulusSize(bits: 1024)) { try PaillierPublicKey(n: -(key.publicKey.n)) }
    }

    @Test func privateKeyChecks() throws {
        let p = key.p, q = key.q
        #expect(throws: PaillierError.invalidFactors) { try PaillierPrivateKey(p: p, q: p) }
        #expect(throws: PaillierError.invalidFactors) { try PaillierPrivateKey(p: p, q: q * BigInt(3)) }
        #expect(throws: PaillierError.invalidFactors) { try PaillierPrivateKey(p: BigInt(-1) * p, q: q) }
        #expect(throws: PaillierError.unsupportedKeySize(bits: 1000)) { try PaillierPrivateKey.generate(bits: 1000) }
        #expect(throws: PaillierError.unsupportedKeySize(bits: 512)) { try PaillierPrivateKey.generate(bits: 512) }
    }

    @Test func keyJSONRoundTripsAndRejectsHostileDocuments() throws {
        let reread = try PaillierPrivateKey(json: key.jsonData)
        #expect(reread.publicKey == pk)
        #expect(try PaillierPublicKey(json: pk.jsonData) == pk)
        #expect(try PaillierPublicKey(json: key.jsonData) == pk)
        let decoded = try JSONDecoder().decode(PaillierPublicKey.self, from: pk.jsonData)
        #expect(decoded == pk)

        func json(_ object: [String: Any]) -> Data { (try? JSONSerialization.data(withJSONObject: object)) ?? Data() }
        let n = pk.n.description, p = key.p.description, q = key.q.description
        #expect(throws: PaillierError.malformedJSON(reason: "not a JSON object")) { try PaillierPublicKey(json: Data("[1]".utf8)) }
        #expect(throws: PaillierError.malformedJSON(reason: "not a JSON object")) { try PaillierPublicKey(json: Data("{\"n\":".utf8)) }
        #expect(throws: PaillierError.malformedJSON(reason: "field \"n\" missing or not a string")) {
            try PaillierPublicKey(json: json(["n": 5]))
        }
        #expect(throws: PaillierError.malformedJSON(reason: "larger than 16384 bytes")) {
            try PaillierPublicKey(json: Data(repeating: 0x20, count: 20_000))
        }
        #expect(throws: PaillierError.decimalTooLong(field: "n", length: 3000, limit: 2467)) {
            try PaillierPublicKey(json: json(["n": String(repeating: "7", count: 3000)]))
        }
        #expect(throws: PaillierError.malformedDecimal(field: "p")) { try PaillierPrivateKey(json: json(["n": n, "p": "-3", "q": q])) }
        #expect(throws: PaillierError.invalidFactors) {
            try PaillierPrivateKey(json: json(["n": (pk.n + BigInt(2)).description, "p": p, "q": q]))
        }
        #expect(throws: PaillierError.malformedJSON(reason: "field \"q\" missing or not a string")) {
            try PaillierPrivateKey(json: json(["n": n, "p": p]))
        }
    }

    @Test func printingAKeyNeverShowsItsFactors() {
        var dumped = ""
        dump(key, to: &dumped)
        let shown = [String(describing: key), String(reflecting: key), dumped]
        for text in shown {
            #expect(!text.contains(key.p.description) && !text.contains(key.q.description))
        }
    }

    @Test func generatedKeysHaveTheRequestedSize() throws {
        let key = try PaillierPrivateKey.generate(bits: 2048)
        #expect(key.publicKey.bits == 2048)
        #expect(key.p.bitCount == 1024 && key.q.bitCount == 1024)
        #expect(key.p.isProbablePrime() && key.q.isProbablePrime())
        #expect(try key.decryptSigned(key.publicKey.encrypt(Int64(-42))) == BigInt(-42))
    }
}

@Suite struct BigIntModularTests {
    @Test func secureAndPlainPowersAgree() async {
        let modulus = sharedKey.publicKey.nSquared
        await propertyCheck(count: 20, input: Gen.uint8().array(of: 1...64), Gen.uint8().array(of: 1...64)) { b, e throws in
            let base = try BigInt(bigEndianMagnitude: b), exponent = try BigInt(bigEndianMagnitude: e)
            guard exponent.signum > 0 else { return }
            #expect(try base.powerSecure(exponent, modulus: modulus) == base.power(exponent, modulus: modulus))
        }
    }

    @Test func multipliedModuloAgreesWithProductThenModulo() async {
        await propertyCheck(count: 50, input: Gen.uint8().array(of: 0...80), Gen.uint8().array(of: 0...80), Gen.uint8().array(of: 1...40)) { a, b, m throws in
            let x = try BigInt(bigEndianMagnitude: a), y = try BigInt(bigEndianMagnitude: b), modulus = try BigInt(bigEndianMagnitude: m)
            guard !modulus.isZero else { return }
            #expect(try x.multiplied(by: y, modulo: modulus) == (x * y).modulo(modulus))
        }
        #expect(throws: BigNumError.divisionByZero) { try BigInt(3).multiplied(by: 4, modulo: 0) }
        #expect(throws: BigNumError.negative) { try BigInt(3).multiplied(by: 4, modulo: -5) }
    }

    @Test func secureRefusesWhatPowmSecCannotTake() {
        #expect(throws: BigNumError.negative) { try BigInt(3).powerSecure(BigInt(5), modulus: BigInt(10)) }
        #expect(throws: BigNumError.negative) { try BigInt(3).powerSecure(BigInt(0), modulus: BigInt(11)) }
        #expect(throws: BigNumError.divisionByZero) { try BigInt(3).powerSecure(BigInt(5), modulus: BigInt(0)) }
    }

    @Test func inverseAndPrimes() throws {
        #expect(BigInt(3).inverse(modulo: BigInt(11)) == BigInt(4))
        #expect(BigInt(6).inverse(modulo: BigInt(9)) == nil)
        #expect(BigInt(6).inverse(modulo: BigInt(1)) == nil)
        #expect(try BigInt(14).nextProbablePrime() == BigInt(17))
        #expect(BigInt(97).isProbablePrime() && !BigInt(91).isProbablePrime() && !BigInt(-7).isProbablePrime())
        var secret = BigInt(123456789) * BigInt(987654321)
        secret.wipe()
        #expect(secret.isZero)
    }
}
