import Foundation
import Testing

@Test func rankPrintsSortedScores() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let edges = dir.appendingPathComponent("edges.csv")
    try "source,target,weight\na,b,2\nb,c,1\nc,a,1\nd,c,3\n".write(to: edges, atomically: true, encoding: .utf8)
    let result = try CLIRunner.run(["rank", "--edges", edges.path, "--timing"])
    #expect(result.status == 0)
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.first == "node,score")
    let rows = lines.dropFirst().map { $0.split(separator: ",") }
    #expect(Set(rows.map { String($0[0]) }) == ["a", "b", "c", "d"])
    let scores = rows.compactMap { Double($0[1]) }
    #expect(scores.count == 4)
    #expect(zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 })
    #expect(abs(scores.reduce(0, +) - 1) < 1e-9)
    #expect(result.stderr.contains("compute_seconds="))
}

@Test func rankWithSeedsAndDecayFromStdin() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let seeds = dir.appendingPathComponent("seeds.txt")
    try "bank\n".write(to: seeds, atomically: true, encoding: .utf8)
    let csv = "bank,alice,100,900\nalice,bank,100,950\nbank,bob,100,0\nmallory,sybil,1000,1000\nsybil,mallory,1000,1000\n"
    let result = try CLIRunner.run(["rank", "--edges", "-", "--seeds", seeds.path, "--half-life", "100",
                                    "--now", "1000", "--threads", "2"], stdin: csv)
    #expect(result.status == 0)
    let rows = result.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
    let score = Dictionary(uniqueKeysWithValues: rows.map { (String($0[0]), Double($0[1]) ?? -1) })
    #expect(score["alice"]! > score["bob"]!)   // recent relation beats an old one
    // Unreachable from the seed: only the decaying start value d^k/N is left.
    #expect(score["mallory"]! < 1e-9 && score["sybil"]! < 1e-9)
    #expect(score["bank"]! > 0.3)
}

@Test func rankRejectsBadInputWithOneLine() throws {
    let cases: [([String], String)] = [
        (["rank", "--edges", "-"], "a,b,-1\n"),
        (["rank", "--edges", "-"], "a\n"),
        (["rank", "--edges", "-"], "a,b,x\n"),
        (["rank", "--edges", "-", "--damping", "1"], "a,b\n"),
        (["rank", "--edges", "-", "--tolerance", "0"], "a,b\n"),
        (["rank", "--edges", "-", "--half-life", "10", "--now", "5"], "a,b,1,6\n"),
        (["rank", "--edges", "-", "--half-life", "10", "--now", "5"], "a,b\n"),
        (["rank", "--edges", "-", "--now", "5"], "a,b\n"),
        (["rank", "--edges", "-", "--dangling", "nowhere"], "a,b\n"),
        (["rank", "--edges", "/nonexistent/edges.csv"], ""),
        (["rank", "--edges", "-", "--max-iterations", "1"], "a,b\nb,a\nb,c\n"),
    ]
    for (arguments, stdin) in cases {
        let result = try CLIRunner.run(arguments, stdin: stdin)
        #expect(result.status == 2, "\(arguments) \(stdin)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}

@Test func embedWritesWord2vecFilesAndSpeed() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let corpus = dir.appendingPathComponent("corpus.txt")
    var text = ""
    for n in 0..<200 {
        text += "p\(n % 20) " + (n % 2 == 0 ? "salary rent groceries savings" : "loan late_fee overdraft loan") + "\n"
    }
    try text.write(to: corpus, atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("vectors.txt"), persons = dir.appendingPathComponent("persons.txt")
    let args = ["embed", "--corpus", corpus.path, "--dim", "8", "--epochs", "2", "--noise-table-size", "10000",
                "--out", out.path, "--person-vectors", persons.path]
    let result = try CLIRunner.run(args)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("words_per_second="))
    let vectors = try String(contentsOf: out, encoding: .utf8)
    #expect(vectors.hasPrefix("7 8\n"))
    let people = try String(contentsOf: persons, encoding: .utf8)
    #expect(people.hasPrefix("20 8\n"))
    // Same seed, one thread: identical output.
    let again = dir.appendingPathComponent("again.txt")
    var argsAgain = args
    argsAgain[argsAgain.firstIndex(of: out.path)!] = again.path
    #expect(try CLIRunner.run(argsAgain).status == 0)
    #expect(try String(contentsOf: again, encoding: .utf8) == vectors)
}

@Test func embedRejectsBadInputWithOneLine() throws {
    let dir = try CLIRunner.temporaryDirectory()
    let out = dir.appendingPathComponent("v.txt").path
    let cases: [[String]] = [
        ["embed", "--corpus", "-", "--out", out, "--dim", "0"],
        ["embed", "--corpus", "-", "--out", out, "--window", "0"],
        ["embed", "--corpus", "-", "--out", out, "--min-count", "5"],
        ["embed", "--corpus", "/nonexistent/corpus.txt", "--out", out],
        ["embed", "--corpus", "-", "--out", "/nonexistent/dir/v.txt", "--noise-table-size", "100"],
    ]
    for arguments in cases {
        let result = try CLIRunner.run(arguments, stdin: "a b c\n")
        #expect(result.status >= 2, "\(arguments)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
}
