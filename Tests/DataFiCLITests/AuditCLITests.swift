import Foundation
import Testing

// Hostile input through the command line: every case answers correctly or fails with one line on stderr
// and nothing on stdout; none may crash the process.

private func auditExpectOneLineFailure(_ result: CLIRunner.Result, _ context: String,
                                       sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == 2, "\(context): status \(result.status) \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.split(separator: "\n").count == 1, "\(context): \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, "\(context): \(result.stdout)", sourceLocation: sourceLocation)
}

private func auditScores(_ csv: String) -> [String: Double] {
    var scores: [String: Double] = [:]
    for line in csv.split(separator: "\n").dropFirst() {
        let fields = line.split(separator: ",")
        if fields.count == 2, let value = Double(fields[1]) { scores[String(fields[0])] = value }
    }
    return scores
}

@Test func auditHistogramWithBoundsWiderThanTheLargestDouble() throws {
    let result = try CLIRunner.run(["dp", "release", "--query", "histogram", "--column", "v", "--epsilon", "60",
                                    "--bounds=-1e308,1.7e308", "--bins", "4", "--data", "-"],
                                   stdin: "v\n-1e308\n0\n1.7e308\n1.7e308\n")
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(json["answer"] as? [Int] == [1, 1, 0, 2])
}

@Test func auditEmbedWithADivergingLearningRateFailsCleanly() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let out = dir.appendingPathComponent("v.txt").path
    var corpus = ""
    var state: UInt64 = 1
    for _ in 0..<100 {
        corpus += (0..<20).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return String(UnicodeScalar(UInt8(97 + (state >> 33) % 10)))
        }.joined(separator: " ") + "\n"
    }
    let result = try CLIRunner.run(["embed", "--corpus", "-", "--out", out, "--dim", "8", "--epochs", "8",
                                    "--sample", "0", "--alpha", "10"], stdin: corpus)
    auditExpectOneLineFailure(result, "alpha 10")
    #expect(result.stderr.contains("alpha"))
    #expect(!FileManager.default.fileExists(atPath: out))
}

@Test func auditRankSurvivesHugeWeightsSeedsAndAByteOrderMark() throws {
    let huge = try CLIRunner.run(["rank", "--edges", "-", "--tolerance", "1e-13"], stdin: "a,b,1e308\na,c,1e308\nb,a,1\nc,a,1\n")
    let plain = try CLIRunner.run(["rank", "--edges", "-", "--tolerance", "1e-13"], stdin: "a,b\na,c\nb,a\nc,a\n")
    #expect(huge.status == 0 && plain.status == 0)
    let x = auditScores(huge.stdout), y = auditScores(plain.stdout)
    #expect(x.count == 3 && abs(x.values.reduce(0, +) - 1) < 1e-9)
    for (node, score) in y { #expect(abs((x[node] ?? 0) - score) < 1e-10, "\(node)") }

    let dir = try CLIRunner.temporaryDirectory()
    let seeds = dir.appendingPathComponent("seeds.csv")
    try "a,1e308\nb,1e308\n".write(to: seeds, atomically: true, encoding: .utf8)
    let seeded = try CLIRunner.run(["rank", "--edges", "-", "--seeds", seeds.path], stdin: "a,b\nb,c\n")
    #expect(seeded.status == 0)
    #expect(abs(auditScores(seeded.stdout).values.reduce(0, +) - 1) < 1e-9)

    let bom = try CLIRunner.run(["rank", "--edges", "-"], stdin: "\u{FEFF}source,target\r\na,b\r\nb,a\r\n")
    #expect(bom.status == 0)
    #expect(Set(auditScores(bom.stdout).keys) == ["a", "b"])

    for empty in ["", "source,target\n", "\u{FEFF}", "\n\n"] {
        let result = try CLIRunner.run(["rank", "--edges", "-"], stdin: empty)
        #expect(result.status == 0 && result.stdout == "node,score\n", "\(empty.debugDescription)")
    }
}

@Test func auditScoreRejectsCollidingNamesAndTamperedModels() throws {
    var csv = "cat,cat=B,bad\n"
    for i in 0..<40 { csv += "\(i % 2 == 0 ? "A" : "B"),\(i % 7),\(i % 3 == 0 ? 1 : 0)\n" }
    let collide = try CLIRunner.run(["score", "train", "--data", "-", "--target", "bad", "--l2", "1"], stdin: csv)
    auditExpectOneLineFailure(collide, "colliding names")
    #expect(collide.stderr.contains("duplicate column cat=B"))

    let dir = try CLIRunner.temporaryDirectory()
    let data = dir.appendingPathComponent("train.csv"), model = dir.appendingPathComponent("model.json")
    var train = "x,bad\n"
    for i in 0..<40 { train += "\(i % 9),\(i % 3 == 0 || i % 7 == 0 ? 1 : 0)\n" }
    try train.write(to: data, atomically: true, encoding: .utf8)
    let fit = try CLIRunner.run(["score", "train", "--data", data.path, "--target", "bad", "--out", model.path])
    #expect(fit.status == 0, "\(fit.stderr)")
    let original = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: model)) as? [String: Any])

    let tampers: [(String, ([String: Any]) -> [String: Any])] = [
        ("baseOdds 0", { var m = $0; m["scaling"] = ["base": 600, "baseOdds": 0, "pdo": 20]; return m }),
        ("pdo -20", { var m = $0; m["scaling"] = ["base": 600, "baseOdds": 50, "pdo": -20]; return m }),
        ("version 2", { var m = $0; m["version"] = 2; return m }),
        ("huge coefficient", { var m = $0
            var regression = m["regression"] as? [String: Any] ?? [:]
            regression["coefficients"] = [1e308]
            m["regression"] = regression
            return m }),
        ("no coefficients", { var m = $0
            var regression = m["regression"] as? [String: Any] ?? [:]
            regression["coefficients"] = [Double]()
            m["regression"] = regression
            return m }),
        ("no version", { var m = $0; m["version"] = nil; return m }),
    ]
    for (name, tamper) in tampers {
        let path = dir.appendingPathComponent("tampered.json")
        try JSONSerialization.data(withJSONObject: tamper(original)).write(to: path)
        auditExpectOneLineFailure(try CLIRunner.run(["score", "predict", "--model", path.path, "--data", data.path]), name)
        auditExpectOneLineFailure(try CLIRunner.run(["score", "evaluate", "--model", path.path, "--data", data.path,
                                                     "--target", "bad"]), name)
    }
}

@Test func auditScoreAndDPRejectDegenerateCSV() throws {
    let cases: [([String], String)] = [
        (["score", "train", "--data", "-", "--target", "bad"], ""),
        (["score", "train", "--data", "-", "--target", "bad"], "x,bad\n"),
        (["score", "train", "--data", "-", "--target", "bad"], "\u{FEFF}x,bad\r\n1,1\r\n2,1\r\n3,1\r\n"),
        (["score", "train", "--data", "-", "--target", "bad"], "x,bad\n1,0\nnan,1\n2,1\n"),
        (["score", "train", "--data", "-", "--target", "bad"], "x,bad\n1,0\n" + String(repeating: "9", count: 100_000) + ",1\n"),
        (["dp", "release", "--query", "sum", "--column", "v", "--epsilon", "1", "--bounds=-1e308,1.7e308", "--data", "-"], "v\n1\n"),
        (["dp", "release", "--query", "mean", "--column", "v", "--epsilon", "1", "--bounds=0,1", "--data", "-"], "v\ninf\n"),
        (["dp", "release", "--query", "count", "--epsilon", "1", "--data", "-"], ""),
        (["dp", "release", "--query", "histogram", "--column", "v", "--epsilon", "1", "--bounds=0,1", "--bins", "1000000000",
          "--data", "-"], "v\n1\n"),
        (["dp", "noise", "--distribution", "discrete-laplace", "--scale", "nan", "--count", "10"], ""),
        (["dp", "epsilon", "--noise-multiplier", "1e-3", "--sampling-rate", "1", "--steps", "10", "--delta", "1e-5",
          "--accountant", "pld"], ""),
    ]
    for (arguments, stdin) in cases {
        auditExpectOneLineFailure(try CLIRunner.run(arguments, stdin: stdin), "\(arguments) \(stdin.prefix(40).debugDescription)")
    }
}

@Test func auditReplayKeepsStateAcrossOverflowingAndMalformedLines() throws {
    let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
    let lines = [
        #"{"op":"mint","to":"a","amount0":"1000000","amount1":"1000000"}"#,
        #"{"op":"donate","amount0":"\#(max)","amount1":"\#(max)"}"#,
        #"{"op":"swap","amount0In":"\#(max)","amount1In":"0","amount0Out":"0","amount1Out":"999999","to":"c"}"#,
        #"{"op":"swap","amount0In":"0","amount1In":"0","amount0Out":"\#(max)","amount1Out":"\#(max)","to":"c"}"#,
        #"{"op":"burn","from":"nobody","liquidity":"\#(max)"}"#,
        #"{"op":"advanceTime","seconds":18446744073709551615}"#,
        #"{"op":"mint","to":"\ud800","amount0":"1","amount1":"1"}"#,
        #"{"op":{"op":"sync"}}"#,
        "\u{FF}\u{FE}",
        #"{"op":"sync"}"#,
    ]
    let result = try CLIRunner.run(["amm", "replay"], stdin: lines.joined(separator: "\r\n"))
    #expect(result.status == 0)
    let out = try result.stdout.split(separator: "\n").map {
        try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
    #expect(out.count == lines.count)
    for line in out[1..<(lines.count - 1)] { #expect(line["ok"] as? Bool == false) }
    #expect(out.last?["reserve0"] as? String == "1000000" && out.last?["reserve1"] as? String == "1000000")
}
