import DataFiCreditData
import DataFiCreditMetrics
import DataFiLogisticRegression
import DataFiPrivacy
import Foundation

/// The global model of a federation: a logistic regression's intercept and coefficients.
public struct FederatedModel: Sendable, Equatable, Codable {
    /// The intercept β₀.
    public var intercept: Double
    /// Coefficients β₁…βₚ, one per feature.
    public var coefficients: [Double]

    /// Creates a model from its parameters.
    public init(intercept: Double, coefficients: [Double]) {
        self.intercept = intercept
        self.coefficients = coefficients
    }

    /// The all-zero model over `features` features (probability 1/2 everywhere), a common starting point.
    public static func zero(features: Int) -> FederatedModel {
        FederatedModel(intercept: 0, coefficients: [Double](repeating: 0, count: max(0, features)))
    }

    /// The model as the SDK's `LogisticRegression` (for scoring with the Credit modules).
    public var regression: LogisticRegression { LogisticRegression(intercept: intercept, coefficients: coefficients) }

    /// Parameters θ = (β₀, β₁…βₚ).
    var parameters: [Double] { [intercept] + coefficients }

    init(parameters theta: [Double]) {
        intercept = theta[0]
        coefficients = Array(theta[1...])
    }

    func check(features: Int) throws(FederatedError) {
        guard coefficients.count == features else {
            throw .dimensionMismatch(expected: features, actual: coefficients.count)
        }
        guard intercept.isFinite, coefficients.allSatisfy(\.isFinite) else { throw .nonFiniteModel }
    }
}

/// Client-side differential privacy of each update: the update (local model minus global model) is clipped
/// to ℓ2 norm `clipNorm`, rounded to a grid and released with discrete Gaussian noise of standard deviation
/// `noiseMultiplier · clipNorm` per parameter (DataFiPrivacy's exact sampler).
///
/// Each noisy update is a Gaussian mechanism of sensitivity `clipNorm` over the client's whole local data set
/// (adding or removing that client's contribution), so `FederatedClient.privacySpent(delta:)` composes one
/// Gaussian step per round with DataFiPrivacy's `RDPAccountant`.
public struct UpdatePrivacy: Sendable, Equatable {
    /// ℓ2 bound C on every update.
    public var clipNorm: Double
    /// Noise multiplier σ (standard deviation σ·C); 0 clips without noise (no privacy guarantee).
    public var noiseMultiplier: Double
    /// Grid of the noise: spacing 2^`granularityExponent`.
    public var granularityExponent: Int

    /// Creates the clipping and noise settings (default grid 2⁻²⁰).
    public init(clipNorm: Double, noiseMultiplier: Double, granularityExponent: Int = -20) {
        self.clipNorm = clipNorm
        self.noiseMultiplier = noiseMultiplier
        self.granularityExponent = granularityExponent
    }
}

/// Settings of one client's local training in a round.
public struct LocalTrainingOptions: Sendable, Equatable {
    /// Gradient-descent step size.
    public var learningRate: Double
    /// Full-batch gradient steps over the local data (one step per epoch).
    public var localEpochs: Int
    /// FedProx's proximal coefficient μ: the local objective gains `(μ/2)·‖θ − θ_global‖²`; 0 is FedAvg.
    public var proximalMu: Double
    /// L2 penalty λ on the coefficients (not the intercept): the local objective gains `(λ/2)·‖β‖²`.
    public var l2: Double
    /// Clipping and noise of the update; nil releases the update as trained.
    public var privacy: UpdatePrivacy?

    /// Creates options (defaults: step 0.1, one epoch, μ = 0, λ = 0, no clipping).
    public init(
        learningRate: Double = 0.1, localEpochs: Int = 1, proximalMu: Double = 0, l2: Double = 0,
        privacy: UpdatePrivacy? = nil
    ) {
        self.learningRate = learningRate
        self.localEpochs = localEpochs
        self.proximalMu = proximalMu
        self.l2 = l2
        self.privacy = privacy
    }

    func validate() throws(FederatedError) {
        guard learningRate.isFinite, learningRate > 0 else { throw .outOfRange(.learningRate) }
        guard (1...10_000).contains(localEpochs) else { throw .outOfRange(.localEpochs) }
        guard proximalMu.isFinite, proximalMu >= 0 else { throw .outOfRange(.proximalMu) }
        guard l2.isFinite, l2 >= 0 else { throw .outOfRange(.l2) }
        if let privacy {
            guard privacy.clipNorm.isFinite, privacy.clipNorm > 0 else { throw .outOfRange(.clipNorm) }
            guard privacy.noiseMultiplier.isFinite, privacy.noiseMultiplier >= 0 else {
                throw .outOfRange(.noiseMultiplier)
            }
        }
    }
}

/// A model with the number of examples it was trained on: the unit FedAvg aggregates.
public struct WeightedModel: Sendable, Equatable {
    /// The model.
    public var model: FederatedModel
    /// Number of training examples behind it (its aggregation weight).
    public var exampleCount: Int

    /// Pairs a model with its example count.
    public init(model: FederatedModel, exampleCount: Int) {
        self.model = model
        self.exampleCount = exampleCount
    }
}

/// What one client sends back after local training.
public struct LocalUpdate: Sendable, Equatable {
    /// The locally trained model (after clipping and noise, when configured).
    public var model: FederatedModel
    /// Number of local training examples.
    public var exampleCount: Int
    /// Mean log loss of the released model on the local data.
    public var loss: Double
    /// ℓ2 norm of the update before clipping.
    public var updateNorm: Double
    /// Whether the update was scaled down to the clipping norm.
    public var clipped: Bool

    /// The model with its aggregation weight.
    public var weighted: WeightedModel { WeightedModel(model: model, exampleCount: exampleCount) }
}

/// A model's quality on one client's data.
public struct LocalEvaluation: Sendable, Equatable {
    /// Number of local examples.
    public var exampleCount: Int
    /// Mean log loss (natural log).
    public var loss: Double
    /// Area under the ROC curve; nil when the local data holds a single class.
    public var auc: Double?
}

/// One client's local data: numeric features and 0/1 labels.
public struct FederatedDataset: Sendable, Equatable {
    /// Features, one row per example.
    public let features: Matrix
    /// 0/1 labels, one per row.
    public let labels: [Double]
    /// Feature names in column order.
    public let featureNames: [String]

    /// Wraps a design matrix and its labels.
    /// - Parameters:
    ///   - features: one row per example, no intercept column.
    ///   - labels: 0 or 1 per row.
    ///   - featureNames: names of the columns (default `x1`, `x2`, …).
    /// - Throws: `FederatedError.data` wrapping `CreditError.emptyInput`, `.lengthMismatch`, `.nonFinite` or
    ///   `.invalidLabel`.
    public init(features: Matrix, labels: [Double], featureNames: [String]? = nil) throws(FederatedError) {
        guard features.rows > 0 else { throw .data(.emptyInput) }
        guard labels.count == features.rows else {
            throw .data(.lengthMismatch(what: "labels", expected: features.rows, actual: labels.count))
        }
        let names = featureNames ?? (0..<features.columns).map { "x\($0 + 1)" }
        guard names.count == features.columns else {
            throw .data(.lengthMismatch(what: "feature names", expected: features.columns, actual: names.count))
        }
        let p = max(features.columns, 1)
        for (i, v) in features.values.enumerated() where !v.isFinite {
            throw .data(.nonFinite(what: "features", row: i / p))
        }
        for (i, y) in labels.enumerated() where y != 0 && y != 1 { throw .data(.invalidLabel(row: i)) }
        self.features = features
        self.labels = labels
        self.featureNames = names
    }

    /// Reads a partition from a table: every column but `target`, in table order, as numeric features (the
    /// order every node of a federation must share), and `target` as the label (1 where it equals
    /// `positive`).
    /// - Parameters:
    ///   - table: the local data.
    ///   - target: the outcome column and its positive value.
    /// - Throws: `FederatedError.data` wrapping `CreditError.missingColumn`, `.positiveValueNotFound`,
    ///   `.nonNumericCell` (features must be numbers), `.nonFinite`, `.invalidLabel`, `.emptyInput`.
    public init(table: DataTable, target: TargetSpec) throws(FederatedError) {
        let features: Matrix, labels: [Double], names: [String]
        do throws(CreditError) {
            _ = try TargetSpec.resolve(table, column: target.column, positive: target.positive)
            names = table.columnNames.filter { $0 != target.column }
            for name in names where try !table.readsAsNumeric(name) {
                let cells = try table.column(name)
                throw .nonNumericCell(column: name, row: 0, value: cells.first ?? "")
            }
            features = try FeatureEncoder.fit(table, featureColumns: names).transform(table)
            labels = try target.labels(table)
        } catch { throw .data(error) }
        try self.init(features: features, labels: labels, featureNames: names)
    }
}

/// One participant of a federation: trains the global model on its local data and evaluates it, without
/// the data leaving it. Tracks the privacy spent by its noisy updates.
public struct FederatedClient: Sendable {
    /// The local data.
    public let data: FederatedDataset
    /// Noise multiplier of every noisy update released so far, in order; `privacySpent(delta:)` composes
    /// one Gaussian step for each.
    public private(set) var noiseMultipliers: [Double] = []
    /// Updates released with clipping but without noise (each voids the privacy guarantee).
    public private(set) var unprotectedReleases = 0

    /// A client over `data`.
    public init(data: FederatedDataset) {
        self.data = data
    }

    /// Number of features the global model must have.
    public var featureCount: Int { data.features.columns }

    /// Trains from the global model: `localEpochs` full-batch gradient steps on the mean log loss plus the
    /// L2 and proximal terms, then clips the update and adds noise when `options.privacy` is set.
    /// - Parameters:
    ///   - global: the model received from the server.
    ///   - options: step size, epochs, proximal μ, penalty and privacy.
    ///   - rng: randomness for the noise (use a cryptographic generator for a real guarantee).
    /// - Returns: the released model, its example count and local loss.
    /// - Throws: `FederatedError.outOfRange`, `.dimensionMismatch`, `.nonFiniteModel`, `.diverged`,
    ///   `.privacy`. The client is unchanged on a throw.
    public mutating func train<R: RandomNumberGenerator>(
        from global: FederatedModel, options: LocalTrainingOptions,
        using rng: inout R
    ) throws(FederatedError) -> LocalUpdate {
        try options.validate()
        try global.check(features: featureCount)
        let start = global.parameters
        var theta = start
        var gradient = [Double](repeating: 0, count: theta.count)
        for _ in 0..<options.localEpochs {
            meanLossGradient(theta, into: &gradient)
            for j in theta.indices {
                var g = gradient[j] + options.proximalMu * (theta[j] - start[j])
                if j > 0 { g += options.l2 * theta[j] }
                theta[j] -= options.learningRate * g
            }
        }
        guard theta.allSatisfy(\.isFinite) else { throw .diverged(learningRate: options.learningRate) }
        var delta = zip(theta, start).map { $0 - $1 }
        let norm = delta.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm.isFinite else { throw .diverged(learningRate: options.learningRate) }
        var clipped = false
        var nextMultipliers = noiseMultipliers
        var nextUnprotected = unprotectedReleases
        if let privacy = options.privacy {
            if norm > privacy.clipNorm {
                let scale = privacy.clipNorm / norm
                for j in delta.indices { delta[j] *= scale }
                clipped = true
            }
            if privacy.noiseMultiplier > 0 {
                do {
                    let noise = try DiscreteGaussianNoise(
                        standardDeviation: privacy.noiseMultiplier * privacy.clipNorm,
                        granularityExponent: privacy.granularityExponent)
                    let z = try noise.sample(count: delta.count, using: &rng)
                    let grid = noise.grid.granularity
                    for j in delta.indices { delta[j] = (delta[j] / grid).rounded() * grid + z[j] }
                    nextMultipliers.append(privacy.noiseMultiplier)
                } catch { throw .privacy(error) }
            } else {
                nextUnprotected += 1
            }
            theta = zip(start, delta).map { $0 + $1 }
        }
        let model = FederatedModel(parameters: theta)
        let loss = meanLoss(theta)
        guard loss.isFinite else { throw .diverged(learningRate: options.learningRate) }
        noiseMultipliers = nextMultipliers
        unprotectedReleases = nextUnprotected
        return LocalUpdate(
            model: model, exampleCount: data.features.rows, loss: loss, updateNorm: norm,
            clipped: clipped)
    }

    /// Evaluates a model on the local data: mean log loss and AUC.
    /// - Throws: `FederatedError.dimensionMismatch`, `.nonFiniteModel`.
    public func evaluate(_ model: FederatedModel) throws(FederatedError) -> LocalEvaluation {
        try model.check(features: featureCount)
        let theta = model.parameters
        var eta = [Double](repeating: 0, count: data.features.rows)
        Logistic.linearPredictor(
            data.features, intercept: theta[0], coefficients: model.coefficients, into: &eta,
            threads: 1)
        let auc = try? Metrics.auc(scores: eta, labels: data.labels)
        return LocalEvaluation(exampleCount: data.features.rows, loss: meanLoss(theta), auc: auc)
    }

    /// ε spent at `delta` by the noisy updates released so far (0 before any); +∞ once an update was
    /// released with clipping but no noise.
    /// - Throws: `FederatedError.privacy` unless δ ∈ (0, 1).
    public func privacySpent(delta: Double) throws(FederatedError) -> Double {
        let epsilon: Double
        do {
            var accountant = try RDPAccountant()
            for sigma in noiseMultipliers { try accountant.composeGaussian(noiseMultiplier: sigma) }
            epsilon = try accountant.epsilon(delta: delta).epsilon
        } catch { throw .privacy(error) }
        return unprotectedReleases > 0 ? .infinity : epsilon
    }

    /// Gradient of the mean log loss `(1/n)·Σ(softplus(ηᵢ) − yᵢηᵢ)` at θ.
    private func meanLossGradient(_ theta: [Double], into gradient: inout [Double]) {
        let x = data.features, n = x.rows, p = x.columns
        for j in gradient.indices { gradient[j] = 0 }
        x.values.withUnsafeBufferPointer { values in
            for i in 0..<n {
                var eta = theta[0]
                for j in 0..<p { eta += theta[j + 1] * values[i * p + j] }
                let r = Logistic.sigmoid(eta) - data.labels[i]
                gradient[0] += r
                for j in 0..<p { gradient[j + 1] += r * values[i * p + j] }
            }
        }
        let scale = 1 / Double(n)
        for j in gradient.indices { gradient[j] *= scale }
    }

    private func meanLoss(_ theta: [Double]) -> Double {
        let x = data.features, n = x.rows, p = x.columns
        var total = 0.0
        for i in 0..<n {
            var eta = theta[0]
            for j in 0..<p { eta += theta[j + 1] * x.values[i * p + j] }
            total += Logistic.softplus(eta) - data.labels[i] * eta
        }
        return total / Double(n)
    }
}

/// Federated averaging (McMahan et al. 2017): the example-weighted mean of the clients' models, the
/// server step of both FedAvg and FedProx.
public enum FederatedAveraging {
    /// `Σₖ (nₖ/N)·θₖ` over the replies, in reply order (as Flower's `FedAvg` computes it).
    /// - Throws: `FederatedError.noClients`, `.outOfRange(.exampleCount)` for a non-positive count,
    ///   `.dimensionMismatch` when models differ in size, `.nonFiniteModel`.
    public static func aggregate(_ replies: [WeightedModel]) throws(FederatedError) -> FederatedModel {
        guard let first = replies.first else { throw .noClients }
        let d = first.model.coefficients.count
        var total = 0
        for reply in replies {
            guard reply.exampleCount > 0 else { throw .outOfRange(.exampleCount) }
            try reply.model.check(features: d)
            let (sum, overflow) = total.addingReportingOverflow(reply.exampleCount)
            guard !overflow else { throw .outOfRange(.exampleCount) }
            total = sum
        }
        var theta = [Double](repeating: 0, count: d + 1)
        for reply in replies {
            let weight = Double(reply.exampleCount) / Double(total)
            for (j, value) in reply.model.parameters.enumerated() { theta[j] += weight * value }
        }
        return FederatedModel(parameters: theta)
    }
}

/// The server strategy of a simulated federation.
public enum FederatedStrategy: Sendable, Equatable {
    /// FedAvg: plain local gradient descent, example-weighted averaging.
    case fedAvg
    /// FedProx (Li et al. 2020): local objective with the proximal term `(μ/2)·‖θ − θ_global‖²`, the same
    /// averaging.
    case fedProx(mu: Double)
}

/// One round of a simulated federation.
public struct FederatedRound: Sendable, Equatable {
    /// Round number, from 1.
    public var round: Int
    /// The global model after the round.
    public var model: FederatedModel
    /// Example-weighted mean of the clients' local training losses.
    public var trainingLoss: Double
}

/// FedAvg/FedProx rounds run in one process over several clients' data sets: every round each client
/// trains from the current global model and the server averages the replies by example count.
public enum FederatedSimulation {
    /// Runs `rounds` rounds.
    /// - Parameters:
    ///   - clients: the participants (their noisy releases are recorded).
    ///   - initial: the starting global model.
    ///   - rounds: number of rounds.
    ///   - strategy: FedAvg, or FedProx with its μ (which overrides `options.proximalMu`).
    ///   - options: local training settings.
    ///   - rng: randomness for update noise.
    /// - Returns: the global model after each round.
    /// - Throws: `FederatedError.noClients`, `.outOfRange(.rounds)`, and what `FederatedClient.train`
    ///   throws; the clients are left as they were after the last completed round.
    public static func run<R: RandomNumberGenerator>(
        clients: inout [FederatedClient], initial: FederatedModel, rounds: Int, strategy: FederatedStrategy,
        options: LocalTrainingOptions, using rng: inout R
    ) throws(FederatedError) -> [FederatedRound] {
        guard !clients.isEmpty else { throw .noClients }
        guard (1...100_000).contains(rounds) else { throw .outOfRange(.rounds) }
        var local = options
        switch strategy {
        case .fedAvg: local.proximalMu = 0
        case let .fedProx(mu): local.proximalMu = mu
        }
        var global = initial
        var history: [FederatedRound] = []
        for round in 1...rounds {
            var replies: [LocalUpdate] = []
            for k in clients.indices { replies.append(try clients[k].train(from: global, options: local, using: &rng)) }
            global = try FederatedAveraging.aggregate(replies.map(\.weighted))
            let total = Double(replies.reduce(0) { $0 + $1.exampleCount })
            let loss = replies.reduce(0) { $0 + Double($1.exampleCount) / total * $1.loss }
            history.append(FederatedRound(round: round, model: global, trainingLoss: loss))
        }
        return history
    }
}
