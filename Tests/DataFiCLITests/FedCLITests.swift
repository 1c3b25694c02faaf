import Foundation
import Testing

/// `datafi fed node` refuses bad input before it contacts any SuperLink.
@Suite struct FedCLITests {
    @Test func fedNodeRefusesBadInputWithExitCode2() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let numeric = dir.appendingPathComponent("part.csv")
        try Data("x1,x2,bad\n1,2,1\n3,4,0\n".utf8).write(to: numeric)
        let categorical = dir.appendingPathComponent("cat.csv")
        try Data("city,x2,bad\nParis,2,1\nLyon,4,0\n".utf8).write(to: categorical)
        let badKey = dir.appendingPathComponent("key.pem")
        try Data("not a key".utf8).write(to: badKey)
        chmod(badKey.path, 0o600)
        let base = ["fed", "node", "--superlink", "http://127.0.0.1:9", "--target", "bad", "--positive", "1"]
        let cases: [([String], String)] = [
            (base + ["--data", dir.appendingPathComponent("missing.csv").path], "cannot read"),
            (base + ["--data", categorical.path], "city"),
            (
                [
                    "fed", "node", "--superlink", "ftp://x", "--data", numeric.path, "--target", "bad", "--positive",
                    "1",
                ],
                "--superlink"
            ),
            (base + ["--data", numeric.path, "--local-epochs", "0"], "localEpochs"),
            (base + ["--data", numeric.path, "--proximal-mu=-1"], "proximalMu"),
            (base + ["--data", numeric.path, "--node-key", badKey.path], "P-384"),
            (
                [
                    "fed", "node", "--superlink", "http://127.0.0.1:9", "--data", numeric.path, "--target", "nope",
                    "--positive", "1",
                ], "nope"
            ),
        ]
        for (arguments, message) in cases {
            let result = try CLIRunner.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
