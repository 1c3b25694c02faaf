import DataFiSodium
import Testing

/// Decodes hex from a test vector, recording an issue on a typo.
func hex(_ string: String) -> [UInt8] {
    do { return try Hex.decode(string) } catch { Issue.record("bad hex in test vector: \(error)"); return [] }
}

extension SecureBytes {
    var array: [UInt8] { withUnsafeBytes { Array($0) } }
}
