import ArgumentParser
import DataFiPrivacy
import DataFiSupport
import Foundation

/// `datafi dp`: differentially private releases and privacy accounting.
struct DPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dp",
        abstract: "Differential privacy: exact-noise releases and privacy accounting.",
        subcommands: [DPEpsilonCommand.self, DPReleaseCommand.self, DPNoiseCommand.self])
}

/// `datafi dp epsilon`: ε of DP-SGD style training (Poisson-subsampled Gaussian) by RDP or PLD.
struct DPEpsilonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "epsilon",
        abstract: "Compute ε for T steps of the Poisson-subsampled Gaussian mechanism at a target δ.",
        discussion: """
            Prints {"epsilon":NUMBER,"accountant":…,"bound":…}: with --accountant pld the reported ε is the \
            tighter of the PLD and RDP bounds (both valid upper bounds; "bound" names the one reported). \
            When no finite ε exists (σ = 0, for example) the command prints an error and exits 2. \
            Limits: steps ≤ 100000000.
            """)

    @Option(help: "Noise multiplier σ (noise standard deviation over sensitivity).", transform: StrictArgument.double)
    var noiseMultiplier: Double
    @Option(help: "Poisson sampling rate q in [0, 1].", transform: StrictArgument.double)
    var samplingRate: Double
    @Option(help: "Number of steps T.", transform: StrictArgument.int)
    var steps: Int
    @Option(help: "Target δ in (0, 1).", transform: StrictArgument.double)
    var delta: Double
    @Option(help: "Accountant: rdp or pld.")
    var accountant: String = "rdp"
    @Flag(help: "Also print the accountant's computing time in seconds.")
    var timing = false

    func run() throws {
        guard steps >= 0, steps <= 100_000_000 else { throw CLIError("steps must be in 0...100000000") }
        let start = DispatchTime.now().uptimeNanoseconds
        let epsilon: Double
        do {
            switch accountant {
            case "rdp":
                epsilon = try RDPAccountant.epsilon(samplingRate: samplingRate, noiseMultiplier: noiseMultiplier,
                                                    steps: steps, delta: delta)
            case "pld":
                guard steps >= 1 else { throw CLIError("steps must be at least 1 for the pld accountant") }
                epsilon = try PLDAccountant.epsilon(samplingRate: samplingRate, noiseMultiplier: noiseMultiplier,
                                                    steps: steps, delta: delta)
            default:
                throw CLIError("unknown accountant \(accountant) (use rdp or pld)")
            }
        } catch let error as PrivacyError {
            throw CLIError(error.description)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // Both accountants give valid upper bounds. The PLD's pessimistic tail truncation makes it looser
        // than RDP at very small δ (≤ 1e-14 or so); report the tighter of the two and say which it is.
        var bound = accountant
        var reported = epsilon
        if accountant == "pld", steps >= 1,
           let rdp = try? RDPAccountant.epsilon(samplingRate: samplingRate, noiseMultiplier: noiseMultiplier,
                                                steps: steps, delta: delta),
           rdp < epsilon {
            reported = rdp
            bound = "rdp"
        }
        guard reported.isFinite else {
            throw CLIError("no finite ε at δ=\(delta) for σ=\(noiseMultiplier), q=\(samplingRate), \(steps) steps "
                + "(the mechanism gives no (ε, δ) guarantee here; raise the noise or δ)")
        }
        var output: [String: Any] = ["epsilon": reported, "accountant": accountant, "bound": bound]
        if timing { output["seconds"] = seconds }
        try CLIIO.printJSON(output)
    }
}

/// `datafi dp release`: one private statistic over a CSV column, charged to a budget.
struct DPReleaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release a differentially private count, sum, mean, histogram or quantile of a CSV column.",
        discussion: """
            Input: CSV (RFC 4180, header row, LF or CRLF, optional BOM; at most 256 MiB and \
            \(PrivateQueries.maxRecords) rows); cells of the queried column must be finite decimal numbers \
            (no blanks, hex or '+'). Without --budget-file the budget is forgotten after the run; with it the \
            spent ε persists and a release beyond the budget exits 2 without an answer.
            """)

    @Option(help: "count, sum, mean, histogram or quantile.")
    var query: String
    @Option(help: "Column name (from the CSV header). Optional for count.")
    var column: String?
    @Option(help: "Privacy parameter ε of this release.", transform: StrictArgument.double)
    var epsilon: Double
    @Option(help: "Clamping bounds L,U (required except for count); write --bounds=-5,5 for a negative L.")
    var bounds: String?
    @Option(help: "CSV file with a header row ('-' for stdin).")
    var data: String
    @Option(help: "Total ε budget of the dataset (default: ε of this release); with --budget-file, fixed when the file is created.", transform: StrictArgument.double)
    var budget: Double?
    @Option(name: .customLong("budget-file"), help: "JSON file recording the dataset's budget and the ε spent so far; created when missing, updated atomically after each release, and a release that would exceed it is refused.")
    var budgetFile: String?
    @Option(help: "Number of histogram bins.", transform: StrictArgument.int)
    var bins: Int = 10
    @Option(help: "Quantile in [0, 1] for the quantile query.", transform: StrictArgument.double)
    var quantile: Double = 0.5

    func run() throws {
        guard ["count", "sum", "mean", "histogram", "quantile"].contains(query) else {
            throw CLIError("unknown query \(query) (use count, sum, mean, histogram or quantile)")
        }
        guard epsilon.isFinite, epsilon > 0 else { throw CLIError("epsilon must be positive and finite, got \(epsilon)") }
        var ledger: PrivacyLedger
        var lock: DPBudgetFile.Lock? = nil
        var releases = 0
        if let budgetFile {
            lock = try DPBudgetFile.Lock(path: budgetFile)
            (ledger, releases) = try DPBudgetFile.load(budgetFile, budget: budget)
        } else {
            do {
                ledger = try PrivacyLedger(epsilon: budget ?? epsilon)
            } catch {
                throw CLIError("budget must be positive and finite, got \(budget ?? epsilon)")
            }
        }
        defer { lock?.release() }
        guard ledger.canCharge(epsilon: epsilon) else {
            throw CLIError("privacy budget exceeded: release needs ε=\(epsilon), budget is \(ledger.totalEpsilon), "
                + "\(ledger.spentEpsilon) already spent")
        }
        let table = try DPCSVTable(data: CLIIO.read(data))
        var rng = SecureBitSource()
        let answer: Any
        do {
            if query == "count" {
                if let column { _ = try table.columnIndex(column) }
                answer = try PrivateQueries.count(table.rows.count, epsilon: epsilon, using: &rng)
            } else {
                guard let column else { throw CLIError("--column is required for \(query)") }
                guard let bounds else { throw CLIError("--bounds L,U is required for \(query)") }
                let (lower, upper) = try Self.parseBounds(bounds)
                let values = try table.numericColumn(column)
                switch query {
                case "sum":
                    answer = try PrivateQueries.boundedSum(values, lower: lower, upper: upper, epsilon: epsilon, using: &rng)
                case "mean":
                    answer = try PrivateQueries.boundedMean(values, lower: lower, upper: upper, epsilon: epsilon, using: &rng)
                case "histogram":
                    answer = try PrivateQueries.histogram(values, lower: lower, upper: upper, bins: bins,
                                                          epsilon: epsilon, using: &rng)
                default:
                    answer = try PrivateQueries.quantile(values, quantile: quantile, lower: lower, upper: upper,
                                                         epsilon: epsilon, using: &rng)
                }
            }
            try ledger.charge(epsilon: epsilon)
        } catch let error as PrivacyError {
            throw CLIError(error.description)
        }
        // The spending is recorded before the answer is shown: an answer is never released unaccounted.
        if let budgetFile { try DPBudgetFile.save(budgetFile, ledger: ledger, releases: releases + 1, inputs: [data]) }
        try CLIIO.printJSON([
            "query": query,
            "answer": answer,
            "epsilon_spent": ledger.spentEpsilon,
            "budget_remaining": ledger.remainingEpsilon,
        ])
    }

    static func parseBounds(_ text: String) throws -> (Double, Double) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let lower = Double(parts[0].trimmingCharacters(in: .whitespaces)),
              let upper = Double(parts[1].trimmingCharacters(in: .whitespaces)),
              lower.isFinite, upper.isFinite else {
            throw CLIError("bounds must be two numbers L,U, got \(text)")
        }
        guard lower < upper else { throw CLIError("bounds must satisfy L < U, got \(text)") }
        return (lower, upper)
    }
}

/// `datafi dp noise`: draws noise from an exact sampler and reports its speed and moments (the samples
/// themselves are not printed). Used by the benchmark peer scripts.
struct DPNoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noise",
        abstract: "Time an exact noise sampler: samples per second, mean and variance.")

    @Option(help: "discrete-laplace, discrete-gaussian, bernoulli-exp.")
    var distribution: String
    @Option(help: "Scale b (discrete Laplace), standard deviation σ (discrete Gaussian) or γ (Bernoulli(e^-γ)).", transform: StrictArgument.double)
    var scale: Double
    @Option(help: "Number of samples (at most 10^8).", transform: StrictArgument.int)
    var count: Int = 1_000_000

    func run() throws {
        guard (1...100_000_000).contains(count) else { throw CLIError("count must be in 1...100000000") }
        var rng = SecureBitSource()
        var sum = 0.0, sumSquares = 0.0
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            switch distribution {
            case "discrete-laplace":
                let b = try PrivacyRational.roundingUp(scale)
                for _ in 0..<count {
                    let x = Double(try ExactSampler.discreteLaplace(scale: b, using: &rng))
                    sum += x; sumSquares += x * x
                }
            case "discrete-gaussian":
                let noise = try DiscreteGaussianNoise(standardDeviation: scale, granularityExponent: 0)
                for x in try noise.sampleUnits(count: count, using: &rng) {
                    sum += Double(x); sumSquares += Double(x) * Double(x)
                }
            case "bernoulli-exp":
                let gamma = try PrivacyRational.roundingUp(scale)
                for _ in 0..<count where ExactSampler.bernoulliExp(gamma, using: &rng) { sum += 1; sumSquares += 1 }
            default:
                throw CLIError("unknown distribution \(distribution)")
            }
        } catch let error as PrivacyError {
            throw CLIError(error.description)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let mean = sum / Double(count)
        try CLIIO.printJSON([
            "distribution": distribution, "count": count, "seconds": seconds,
            "samples_per_second": Double(count) / max(seconds, 1e-9),
            "mean": mean, "variance": sumSquares / Double(count) - mean * mean,
        ])
    }
}

/// A CSV table with a header row, read by the SDK's one reader (`CSVReader`, blank lines skipped).
struct DPCSVTable {
    let header: [String]
    let rows: [[String]]
    let lines: [Int]

    init(data: Data) throws {
        let table: CSVTable
        do {
            table = try CSVReader.table(data, limits: CSVLimits(maxRecords: PrivateQueries.maxRecords + 1))
        } catch {
            throw CLIError("\(error)")
        }
        header = table.header.map { $0.trimmingCharacters(in: .whitespaces) }
        rows = table.records
        lines = table.lines
    }

    func columnIndex(_ name: String) throws -> Int {
        guard let index = header.firstIndex(of: name) else { throw CLIError("CSV has no column \(Truncated.text(name, 40))") }
        return index
    }

    /// The column's cells as numbers; every cell must be a finite decimal number (no blanks, hex or `+`).
    func numericColumn(_ name: String) throws -> [Double] {
        let index = try columnIndex(name)
        return try zip(rows, lines).map { (row, line) in
            let cell = row[index].trimmingCharacters(in: .whitespaces)
            guard let value = DecimalText.double(cell) else {
                throw CLIError("CSV line \(line), column \(Truncated.text(name, 40)): not a finite number (decimal notation): \"\(Truncated.text(cell, 40))\"")
            }
            return value
        }
    }
}

/// The persisted budget of `dp release --budget-file`: `{"budget_epsilon":B,"spent_epsilon":S,"releases":N}`,
/// read and rewritten (atomically) under an exclusive lock on `FILE.lock`, so two concurrent releases
/// cannot both spend the last of the budget.
enum DPBudgetFile {
    struct Lock {
        let fd: Int32
        init(path: String) throws {
            fd = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else {
                throw CLIError("cannot open \(path).lock: \(String(cString: strerror(errno)))", exitCode: CLIExit.environment)
            }
            guard flock(fd, LOCK_EX) == 0 else {
                close(fd)
                throw CLIError("cannot lock \(path).lock", exitCode: CLIExit.environment)
            }
        }
        func release() { flock(fd, LOCK_UN); close(fd) }
    }

    static func load(_ path: String, budget: Double?) throws -> (PrivacyLedger, Int) {
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
            throw CLIError("\(path) is a symbolic link; refusing to read or replace it")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            guard let budget else { throw CLIError("\(path) does not exist: give --budget to create it") }
            do { return (try PrivacyLedger(epsilon: budget), 0) } catch {
                throw CLIError("budget must be positive and finite, got \(budget)")
            }
        }
        let data = try CLIIO.read(path)
        do { try JSONKeys.check(data) } catch { throw CLIError("\(path): \(error)") }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let total = (object["budget_epsilon"] as? NSNumber)?.doubleValue,
              let spent = (object["spent_epsilon"] as? NSNumber)?.doubleValue,
              let releases = (object["releases"] as? NSNumber)?.intValue,
              Set(object.keys) == ["budget_epsilon", "spent_epsilon", "releases"],
              spent.isFinite, spent >= 0, releases >= 0 else {
            throw CLIError("\(path): not a budget file ({\"budget_epsilon\":B,\"spent_epsilon\":S,\"releases\":N})")
        }
        if let budget, budget != total {
            throw CLIError("--budget \(budget) differs from the budget \(total) recorded in \(path)")
        }
        var ledger: PrivacyLedger
        do {
            ledger = try PrivacyLedger(epsilon: total)
            if spent > 0 { try ledger.charge(epsilon: spent) }
        } catch {
            throw CLIError("\(path): inconsistent budget (spent \(spent) of \(total))")
        }
        return (ledger, releases)
    }

    static func save(_ path: String, ledger: PrivacyLedger, releases: Int, inputs: [String?]) throws {
        let object: [String: Any] = ["budget_epsilon": ledger.totalEpsilon, "spent_epsilon": ledger.spentEpsilon,
                                     "releases": releases]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try CLIIO.write(data + Data("\n".utf8), to: path, inputs: inputs)
    }
}
