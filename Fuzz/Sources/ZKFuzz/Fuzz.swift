import DataFiPSI
import DataFiRistretto
import DataFiSodium
import DataFiZK

// Input layout: byte 0 picks the bit width (low 2 bits: 8, 16, 32, 64) and the number of
// commitments (next 3 bits: 1, 2, 4, …, 64); then 32 bytes per commitment; the rest is the proof.
// The same bytes are also fed to every other decoder. Nothing may crash, and a proof that decodes
// must never verify against commitments it was not made for (random inputs: never).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let header = bytes.first else { return 0 }
    let bits = [8, 16, 32, 64][Int(header & 3)]
    let count = 1 << Int((header >> 2) & 7)
    let body = bytes.dropFirst()
    if body.count >= 32 * count {
        let commitments = (0..<count).compactMap { i in
            try? PedersenCommitment(bytes: body.dropFirst(32 * i).prefix(32))
        }
        if commitments.count == count, let proof = try? RangeProof(bytes: body.dropFirst(32 * count)) {
            var transcript = Transcript(label: "DataFi.fuzz")
            if proof.verify(commitments: commitments, bits: bits, transcript: &transcript) {
                fatalError("a fuzzed range proof verified")
            }
            // Encoding round-trips exactly.
            if proof.bytes != Array(body.dropFirst(32 * count)) { fatalError("range proof re-encoding differs") }
        }
    }
    checkEd25519Batch(bytes)
    _ = try? DiscreteLogProof(bytes: body)
    _ = try? OpeningProof(bytes: body)
    _ = try? EqualityProof(bytes: body)
    _ = try? PSISetup(serialized: bytes)
    _ = try? PSIRequest(serialized: bytes)
    _ = try? PSIResponse(serialized: bytes)
    return 0
}

/// A fixed signer for the batch-verification oracle.
let fuzzSigner = try? Signing.PrivateKey(seed: [UInt8](repeating: 7, count: 32))

/// The input cut into 64-byte signatures over the rest of the input, beside one valid signature:
/// `Ed25519BatchVerification` must give exactly libsodium's verdict on each.
func checkEd25519Batch(_ bytes: [UInt8]) {
    guard let signer = fuzzSigner else { fatalError("fixed seed refused") }
    let message = Array(bytes.suffix(bytes.count % 64 + 1))
    var items = [Ed25519BatchVerification.Item(publicKey: signer.publicKey, message: message,
                                               signature: signer.signature(for: message))]
    var offset = 0
    while offset + 64 <= bytes.count && items.count < 8 {
        items.append(Ed25519BatchVerification.Item(publicKey: signer.publicKey, message: message,
                                                   signature: Array(bytes[offset..<offset + 64])))
        offset += 64
    }
    items.append(Ed25519BatchVerification.Item(publicKey: signer.publicKey, message: message, signature: bytes))
    for (item, verdict) in zip(items, Ed25519BatchVerification.verify(items))
    where verdict != item.publicKey.isValidSignature(item.signature, for: item.message) {
        fatalError("batch verification disagrees with libsodium")
    }
}

// SwiftPM links executables with `main` aliased to `<module>_main`, so hand control to libFuzzer's
// driver from there instead of relying on libFuzzer's own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32) -> Int32

@_cdecl("ZKFuzz_main")
public func zkFuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzz(data, size) }
}
