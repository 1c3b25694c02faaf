import ArgumentParser
import DataFiCredit
import Foundation

/// `datafi score`: Defi Score Basic (logistic regression credit scoring) on CSV files.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Train, apply and evaluate a logistic-regression credit score on CSV data.",
        subcommands: [ScoreTrainCommand.self, ScorePredictCommand.self, ScoreEvaluateCommand.self,
                      ScoreBenchCommand.self])
}

/// Runs a credit operation and turns its typed error into a one-line CLI error.
func scoreRun<T>(_ body: () throws(CreditError) -> T) throws -> T {
    do { return try body() } catch { throw CLIError(error.description) }
}

func scoreReadTable(_ path: String) throws -> DataTable {
    let text = try CLIIO.readText(path)
    return try scoreRun { () throws(CreditError) in try DataTable(csv: text) }
}

func scoreReadModel(_ path: String) throws -> CreditScoreModel {
    let data = try CLIIO.read(path)
    do { return try JSONDecoder().decode(CreditScoreModel.self, from: data) } catch {
        throw CLIError("cannot read model \(path): not a score model JSON")
    }
}

struct ScoreTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fit a logistic regression on every column except the target; print coefficients as JSON.")

    @Option(help: "CSV file with a header row (\"-\" for stdin).") var data: String
    @Option(help: "Target column.") var target: String
    @Option(help: "Target value that means label 1 (default 1 for a 0/1 column).") var positive: String?
    @Option(name: .customLong("l2"), help: "L2 penalty λ on the coefficients (sklearn C = 1/λ).") var l2: Double = 0
    @Flag(help: "Standardize numeric columns (remembered by the model).") var standardize = false
    @Option(help: "Write the model JSON to this file.") var out: String?

    func run() throws {
        let table = try scoreReadTable(data)
        let (model, auc) = try scoreRun { () throws(CreditError) in
            let spec = try TargetSpec.resolve(table, column: target, positive: positive)
            let model = try CreditScoreModel.train(table, target: spec, options: .init(l2: l2), standardize: standardize)
            let auc = try Metrics.auc(scores: try model.logOdds(table), labels: try spec.labels(table))
            return (model, auc)
        }
        if let out {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try CLIIO.write(try encoder.encode(model), to: out)
        }
        try CLIIO.printJSON([
            "intercept": model.regression.intercept,
            "coefficients": model.namedCoefficients,
            "iterations": model.regression.iterations,
            "logLikelihood": model.regression.logLikelihood,
            "auc": auc,
        ] as [String: Any])
    }
}

struct ScorePredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Print probability of the positive class and score points for every row.",
        discussion: "CSV output (default): a header `probability,score` and one line per input row. "
            + "JSON lines (--format jsonl): one {\"probability\":…,\"score\":…} object per row.")

    enum Format: String, ExpressibleByArgument { case csv, jsonl }

    @Option(help: "Model JSON from `score train --out`.") var model: String
    @Option(help: "CSV file with the model's feature columns (\"-\" for stdin).") var data: String
    @Option(help: "Output format: csv or jsonl.") var format: Format = .csv

    func run() throws {
        let model = try scoreReadModel(self.model)
        let table = try scoreReadTable(data)
        let (probabilities, scores) = try scoreRun { () throws(CreditError) in
            (try model.probabilities(table), try model.scores(table))
        }
        var out = format == .csv ? "probability,score\n" : ""
        for (p, s) in zip(probabilities, scores) {
            out += format == .csv ? "\(p),\(s)\n" : "{\"probability\":\(p),\"score\":\(s)}\n"
        }
        try CLIIO.writeStdout(Array(out.utf8))
    }
}

struct ScoreEvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Print AUC, KS, Gini, log loss and Brier score of a model on labelled data.")

    @Option(help: "Model JSON from `score train --out`.") var model: String
    @Option(help: "Labelled CSV file (\"-\" for stdin).") var data: String
    @Option(help: "Target column (its positive value is the model's).") var target: String

    func run() throws {
        var model = try scoreReadModel(self.model)
        let table = try scoreReadTable(data)
        model.target.column = target
        let metrics = try scoreRun { () throws(CreditError) in try model.evaluate(table) }
        try CLIIO.printJSON([
            "auc": metrics.auc, "ks": metrics.ks, "gini": metrics.gini,
            "logLoss": metrics.logLoss, "brier": metrics.brier, "rows": table.rowCount,
        ] as [String: Any])
    }
}

struct ScoreBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time a fit on seeded synthetic data (SyntheticCreditData.uniformDesign) and scoring throughput.")

    @Option(help: "Rows.") var rows: Int = 100_000
    @Option(help: "Features.") var features: Int = 50
    @Option(help: "Generator seed.") var seed: UInt64 = 1
    @Option(name: .customLong("l2"), help: "L2 penalty λ.") var l2: Double = 0
    @Option(help: "Worker threads (default: one per processor).") var threads: Int?

    func run() throws {
        let (x, labels) = try scoreRun { () throws(CreditError) in
            try SyntheticCreditData.uniformDesign(rows: rows, features: features, seed: seed)
        }
        let clock = ContinuousClock()
        var model: LogisticRegression?
        let fitTime = try clock.measure {
            model = try scoreRun { () throws(CreditError) in
                try LogisticRegression.fit(x, labels: labels, options: .init(l2: l2, threads: threads,
                                                                              computeStandardErrors: false))
            }
        }
        guard let model else { throw CLIError("fit failed") }
        var probabilities: [Double] = []
        let scoreTime = try clock.measure {
            probabilities = try scoreRun { () throws(CreditError) in try model.probabilities(x) }
        }
        let seconds = { (d: Duration) in Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        try CLIIO.printJSON([
            "rows": rows, "features": features, "fitSeconds": seconds(fitTime), "iterations": model.iterations,
            "intercept": model.intercept, "coefficients": model.coefficients,
            "scoringRowsPerSecond": Double(probabilities.count) / max(seconds(scoreTime), 1e-9),
        ] as [String: Any])
    }
}
