import DataFiPaillier
import Testing

@Suite struct PaillierReadmeExampleTests {
    @Test func readmeExample() throws {
        let key = try PaillierPrivateKey.generate(bits: 2048)
        let pk = key.publicKey
        let total = try pk.add(pk.encrypt(Int64(1_200)), pk.encrypt(Int64(-200)))   // Enc(1_000)
        let tripled = try pk.multiply(total, by: 3)                                  // Enc(3_000)
        let plain = try key.decryptSigned(tripled)                                   // 3000
        let wire = tripled.decimal                                  // decimal string for JSON
        let back = try pk.ciphertext(decimal: wire)                 // range-checked before GMP sees it
        #expect(plain == 3000)
        #expect(back == tripled)
    }
}
