import ArgumentParser
import DataFiCredit
import DataFiSupport
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
    do { try JSONKeys.check(data) } catch { throw CLIError("cannot read model \(path): \(error)") }
    do { return try JSONDecoder().decode(CreditScoreModel.self, from: data) } catch {
        throw CLIError("cannot read model \(path): not a score model JSON")
    }
}

struct ScoreTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fit a logistic regression on every column except the target; print coefficients as JSON.",
        discussion: """
            Input: CSV (RFC 4180, header row, LF or CRLF, UTF-8 with an optional BOM). A column is numeric \
            when every cell is a decimal number (no hex, '+', inf or nan), categorical (one-hot) when no \
            cell is; a column mixing numbers with blank or other cells is refused unless named with \
            --categorical. The target is 0/1, or names its positive value with --positive. Limits: \
            \(ScoreLimits.maxEncodedColumns) encoded columns, \(ScoreLimits.maxDesignCells) design cells \
            (rows × columns), \(ScoreLimits.maxWork) rows × columns² per iteration; input at most 256 MiB.
            """)

    @Option(help: "CSV file with a header row (\"-\" for stdin).") var data: String
    @Option(help: "Target column.") var target: String
    @Option(help: "Target value that means label 1 (default 1 for a 0/1 column).") var positive: String?
    @Option(name: .customLong("l2"), help: "L2 penalty λ on the coefficients (sklearn C = 1/λ).", transform: StrictArgument.double) var l2: Double = 0
    @Flag(help: "Standardize numeric columns (remembered by the model).") var standardize = false
    @Option(help: "Write the model JSON to this file.") var out: String?
    @Option(help: "Read this column as categories even if some cells are numbers; repeat for several.")
    var categorical: [String] = []

    func run() throws {
        let table = try scoreReadTable(data)
        let features = table.columnNames.filter { $0 != target }
        try ScoreLimits.checkDesign(table, features: features, categorical: Set(categorical))
        let (model, auc) = try scoreRun { () throws(CreditError) in
            let spec = try TargetSpec.resolve(table, column: target, positive: positive)
            let model = try CreditScoreModel.train(table, target: spec, options: .init(l2: l2), standardize: standardize,
                                                   categorical: Set(categorical))
            let auc = try Metrics.auc(scores: try model.logOdds(table), labels: try spec.labels(table))
            return (model, auc)
        }
        if let out {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try CLIIO.write(try encoder.encode(model), to: out, inputs: [data])
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
        discussion: "Input: CSV as for `score train` with the model's feature columns (numeric columns hold decimal numbers only; a category the model has not seen is an error); at most 256 MiB. "
            + "CSV output (default): a header `probability,score` and one line per input row. "
            + "JSON lines (--format jsonl): one {\"probability\":…,\"score\":…} object per row. Output is streamed.")

    enum Format: String, ExpressibleByArgument { case csv, jsonl }

    @Option(help: "Model JSON from `score train --out`.") var model: String
    @Option(help: "CSV file with the model's feature columns (\"-\" for stdin).") var data: String
    @Option(help: "Output format: csv or jsonl.") var format: Format = .csv

    func run() throws {
        let model = try scoreReadModel(self.model)
        let table = try scoreReadTable(data)
        try ScoreLimits.check(rows: table.rowCount, columns: model.encoder.encodedNames.count, why: "the model on this table")
        let (probabilities, scores) = try scoreRun { () throws(CreditError) in
            (try model.probabilities(table), try model.scores(table))
        }
        var out = CLIIO.StdoutStream()
        if format == .csv { try out.write("probability,score\n") }
        for (p, s) in zip(probabilities, scores) {
            try out.write(format == .csv ? "\(p),\(s)\n" : "{\"probability\":\(p),\"score\":\(s)}\n")
        }
        try out.flush()
    }
}

struct ScoreEvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Print AUC, KS, Gini, log loss and Brier score of a model on labelled data.",
        discussion: "Every label must be readable: a 0/1 target holds only 0 and 1, a target with a named positive value no blank cells; an unreadable label is an error, never a negative.")

    @Option(help: "Model JSON from `score train --out`.") var model: String
    @Option(help: "Labelled CSV file (\"-\" for stdin).") var data: String
    @Option(help: "Target column (its positive value is the model's).") var target: String

    func run() throws {
        var model = try scoreReadModel(self.model)
        let table = try scoreReadTable(data)
        try ScoreLimits.check(rows: table.rowCount, columns: model.encoder.encodedNames.count, why: "the model on this table")
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
        abstract: "Time a fit on seeded synthetic data (SyntheticCreditData.uniformDesign) and scoring throughput.",
        discussion: "Limits as for `score train`: rows × features at most \(ScoreLimits.maxDesignCells), features at most \(ScoreLimits.maxEncodedColumns), rows × features² at most \(ScoreLimits.maxWork).")

    @Option(help: "Rows.", transform: StrictArgument.int) var rows: Int = 100_000
    @Option(help: "Features.", transform: StrictArgument.int) var features: Int = 50
    @Option(help: "Generator seed.", transform: StrictArgument.uint64) var seed: UInt64 = 1
    @Option(name: .customLong("l2"), help: "L2 penalty λ.", transform: StrictArgument.double) var l2: Double = 0
    @Option(help: "Worker threads (default: one per processor).", transform: StrictArgument.int) var threads: Int?

    func run() throws {
        guard rows >= 1, features >= 1 else { throw CLIError("--rows and --features must be at least 1") }
        try ScoreLimits.check(rows: rows, columns: features,
                              why: "--rows \(rows) × --features \(features)")
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

/// What `score train` and `score bench` may cost, checked before anything is allocated: the design
/// matrix holds rows × columns doubles and every iteration of the fit builds a columns² Hessian from
/// rows × columns² products, so one-hot columns with many levels are refused here, naming the limit.
enum ScoreLimits {
    /// Most design-matrix columns (numeric columns plus one-hot columns): a 4,096² Hessian is 128 MiB.
    static let maxEncodedColumns = 4_096
    /// Most design-matrix cells (rows × columns): 50 million doubles are 400 MB.
    static let maxDesignCells = 50_000_000
    /// Most multiply-adds per iteration (rows × columns²), about a minute of work at worst.
    static let maxWork = 100_000_000_000

    static func check(rows: Int, columns: Int, why: String) throws {
        guard columns <= maxEncodedColumns else {
            throw CLIError("\(why): \(columns) design columns exceed the limit of \(maxEncodedColumns)")
        }
        let (cells, o1) = rows.multipliedReportingOverflow(by: columns)
        guard !o1, cells <= maxDesignCells else {
            throw CLIError("\(why): \(rows) rows × \(columns) columns exceed the limit of \(maxDesignCells) design cells")
        }
        let (work, o2) = cells.multipliedReportingOverflow(by: columns)
        guard !o2, work <= maxWork else {
            throw CLIError("\(why): \(rows) rows × \(columns)² exceed the limit of \(maxWork) operations per iteration")
        }
    }

    /// The encoded width of `features` (one-hot columns counted by distinct values), checked against the limits.
    static func checkDesign(_ table: DataTable, features: [String], categorical: Set<String>) throws {
        var columns = 0
        var widest: (name: String, levels: Int)? = nil
        for name in features {
            let numeric = try scoreRun { () throws(CreditError) in try table.readsAsNumeric(name, categorical: categorical) }
            if numeric {
                columns += 1
            } else {
                let levels = Set(try scoreRun { () throws(CreditError) in try table.column(name) }).count
                columns += max(levels - 1, 0)
                if levels > (widest?.levels ?? 0) { widest = (name, levels) }
            }
            if columns > maxEncodedColumns { break }
        }
        let why = widest.map { "column \(Truncated.text($0.name, 40)) has \($0.levels) distinct values, each a one-hot column" }
            ?? "the table"
        try check(rows: table.rowCount, columns: columns, why: why)
    }
}
