import Foundation
import Testing

/// A small labelled CSV: numeric age and income, categorical city, 0/1 target (classes overlap).
private func scoreSampleCSV(rows: Int = 60) -> String {
    var text = "age,city,income,default\n"
    let cities = ["Paris", "Berlin", "Rome"]
    for i in 0..<rows {
        let age = 20 + (i * 7) % 40, income = 5 + (i * 13) % 30
        let label = (age + income + (i * 5) % 17) % 3 == 0 ? 1 : 0
        text += "\(age),\(cities[i % 3]),\(income),\(label)\n"
    }
    return text
}

private func scoreJSON(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

@Suite struct ScoreCLITests {
    @Test func trainPredictEvaluate() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let data = dir.appendingPathComponent("train.csv"), model = dir.appendingPathComponent("model.json")
        try scoreSampleCSV().write(to: data, atomically: true, encoding: .utf8)

        let train = try CLIRunner.run(["score", "train", "--data", data.path, "--target", "default", "--l2", "0.5",
                                       "--standardize", "--out", model.path])
        #expect(train.status == 0, "\(train.stderr)")
        let summary = try scoreJSON(train.stdout)
        let coefficients = try #require(summary["coefficients"] as? [String: Double])
        #expect(Set(coefficients.keys) == ["age", "income", "city=Paris", "city=Rome"])
        #expect((summary["auc"] as? Double).map { $0 > 0.5 && $0 <= 1 } == true)
        #expect(summary["iterations"] as? Int != nil && summary["logLikelihood"] as? Double != nil)
        #expect(FileManager.default.fileExists(atPath: model.path))

        let predict = try CLIRunner.run(["score", "predict", "--model", model.path, "--data", data.path])
        #expect(predict.status == 0)
        let lines = predict.stdout.split(separator: "\n")
        #expect(lines.first == "probability,score" && lines.count == 61)
        let fields = lines[1].split(separator: ",").compactMap { Double($0) }
        #expect(fields.count == 2 && (0...1).contains(fields[0]))

        let jsonl = try CLIRunner.run(["score", "predict", "--model", model.path, "--data", "-", "--format", "jsonl"],
                                      stdin: "age,city,income\n30,Rome,12\n")
        #expect(jsonl.status == 0)
        let row = try scoreJSON(String(jsonl.stdout.split(separator: "\n")[0]))
        #expect(row["probability"] as? Double != nil && row["score"] as? Double != nil)

        let evaluate = try CLIRunner.run(["score", "evaluate", "--model", model.path, "--data", data.path,
                                          "--target", "default"])
        #expect(evaluate.status == 0)
        let metrics = try scoreJSON(evaluate.stdout)
        #expect(metrics["auc"] as? Double == summary["auc"] as? Double)
        for key in ["ks", "gini", "logLoss", "brier"] { #expect(metrics[key] as? Double != nil) }
    }

    @Test func badInputGivesOneLineErrors() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let data = dir.appendingPathComponent("train.csv"), model = dir.appendingPathComponent("model.json")
        try scoreSampleCSV().write(to: data, atomically: true, encoding: .utf8)
        #expect(try CLIRunner.run(["score", "train", "--data", data.path, "--target", "default", "--out", model.path]).status == 0)

        let cases: [([String], String, String)] = [
            (["score", "train", "--data", "-", "--target", "y"], "a,y\n1,\"open\n", "malformed CSV"),
            (["score", "train", "--data", "-", "--target", "y"], "a,b\n1,2\n", "missing column y"),
            (["score", "train", "--data", "-", "--target", "y"], "a,y\n1,0\nnan,1\n2,1\n3,0\n", "non-finite"),
            (["score", "train", "--data", "-", "--target", "y"], "a,y\n1,0\n2,0\n3,1\n4,1\n", "perfect separation"),
            (["score", "train", "--data", "-", "--target", "y"], "a,y\n1,x\n", "name the positive value"),
            (["score", "predict", "--model", model.path, "--data", "-"], "age,city,income\n30,Oslo,1\n", "unseen category"),
            (["score", "predict", "--model", model.path, "--data", "-"], "age,city,income\nold,Rome,1\n", "non-numeric cell"),
            (["score", "predict", "--model", model.path, "--data", "-"], "age,income\n30,1\n", "missing column city"),
            (["score", "predict", "--model", data.path, "--data", "-"], "age\n1\n", "not a score model"),
            (["score", "evaluate", "--model", model.path, "--data", data.path, "--target", "nope"], "", "missing column nope"),
        ]
        for (arguments, stdin, message) in cases {
            let result = try CLIRunner.run(arguments, stdin: stdin)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func benchReportsAFit() throws {
        let result = try CLIRunner.run(["score", "bench", "--rows", "2000", "--features", "5"])
        #expect(result.status == 0)
        let json = try scoreJSON(result.stdout)
        #expect((json["coefficients"] as? [Double])?.count == 5)
        #expect((json["fitSeconds"] as? Double).map { $0 > 0 } == true)
    }
}
