// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiPaillier
import Testing

@Test func readmeExample() throws {
    let key = try PaillierPrivateKey.generate(bits: 2048)
    let pk = key.publicKey
    let total = try pk.add(pk.encrypt(Int64(1_200)), pk.encrypt(Int64(-200)))   // Enc(1_000)
    let tripled = try pk.multiply(total, by: 3)                                  // Enc(3_000)
    let plain = try key.decryptSigned(tripled)                                   // 3000
    let wire = tripled.decimal                                  // decimal string for JSON
    let back = try pk.ciphertext(decimal: wire)                 // range-checked before GMP sees it

    // Checks (from the readme-test comment under the example).
    #expect(plain == 3000)
    #expect(back == tripled)
}
