import DataFiSupport
import Foundation
import Testing

@Suite struct AtomicFileTests {
    func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func writesAndReplaces() throws {
        let dir = try scratch()
        let path = dir + "/out.txt"
        try AtomicFile.write(Array("one".utf8), to: path)
        try AtomicFile.write(Array("two".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.txt"])
    }

    @Test func secretModeAndRefusal() throws {
        let dir = try scratch()
        let path = dir + "/key"
        try AtomicFile.write([1, 2, 3], to: path, mode: 0o600, overwrite: .refuse)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(throws: AtomicFileError.exists(path: path)) {
            try AtomicFile.write([9], to: path, mode: 0o600, overwrite: .refuse)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([1, 2, 3]))
    }

    @Test func refusesSymlinksDirectoriesAndInputs() throws {
        let dir = try scratch()
        let target = dir + "/target"
        try AtomicFile.write([7], to: target)
        let link = dir + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(throws: AtomicFileError.symbolicLink(path: link)) { try AtomicFile.write([1], to: link) }
        #expect(throws: AtomicFileError.notRegularFile(path: dir)) { try AtomicFile.write([1], to: dir) }
        #expect(throws: AtomicFileError.sameAsInput(path: target)) {
            try AtomicFile.write([1], to: target, inputs: [link])
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data([7]))
    }

    @Test func missingDirectoryIsAnIOError() throws {
        do {
            try AtomicFile.write([1], to: "/nonexistent-\(UUID().uuidString)/x")
            Issue.record("expected an error")
        } catch {
            guard case .io = error else { Issue.record("unexpected \(error)"); return }
        }
    }
}

@Suite struct SplitMix64Tests {
    @Test func knownAnswer() {
        // First outputs for seed 0 (Vigna's reference implementation).
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    }
}
