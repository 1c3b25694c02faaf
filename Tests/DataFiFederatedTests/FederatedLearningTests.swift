import DataFiCreditData
import DataFiSupport
import Foundation
import Testing
@testable import DataFiFederated

/// In-process FedAvg/FedProx: equivalence with centralised gradient descent, the proximal term, clipping.
@Suite struct FederatedLearningTests {
    /// Seeded data with a known logistic truth, split into `parts` contiguous partitions of the given sizes.
    static func partitions(_ sizes: [Int], features p: Int = 4, seed: UInt64 = 7) throws -> [FederatedDataset] {
        var rng = SplitMix64(seed: seed)
        func uniform() -> Double { Double(rng.next() >> 11) * 0x1p-53 }
        let truth = (0..<p).map { Double($0 + 1) * (($0 % 2 == 0) ? 0.5 : -0.4) }
        return try sizes.map { n in
            var values: [Double] = [], labels: [Double] = []
            for _ in 0..<n {
                let row = (0..<p).map { _ in 4 * uniform() - 2 }
                let eta = 0.3 + zip(row, truth).reduce(0) { $0 + $1.0 * $1.1 }
                labels.append(uniform() < 1 / (1 + exp(-eta)) ? 1 : 0)
                values += row
            }
            return try FederatedDataset(features: Matrix(rows: n, columns: p, values: values), labels: labels)
        }
    }

    /// Plain gradient descent on the mean log loss of all rows together, written out independently.
    static func centralisedStep(_ theta: [Double], _ parts: [FederatedDataset], rate: Double) -> [Double] {
        var gradient = [Double](repeating: 0, count: theta.count)
        var n = 0
        for part in parts {
            let p = part.features.columns
            for i in 0..<part.features.rows {
                var eta = theta[0]
                for j in 0..<p { eta += theta[j + 1] * part.features[i, j] }
                let r = 1 / (1 + exp(-eta)) - part.labels[i]
                gradient[0] += r
                for j in 0..<p { gradient[j + 1] += r * part.features[i, j] }
                n += 1
            }
        }
        return zip(theta, gradient).map { $0 - rate * $1 / Double(n) }
    }

    @Test(arguments: [[100, 100, 100], [50, 130, 220]])
    func fedAvgWithOneFullBatchStepEqualsCentralisedGradientDescent(sizes: [Int]) throws {
        let parts = try Self.partitions(sizes)
        var clients = parts.map(FederatedClient.init(data:))
        var rng = SplitMix64(seed: 1)
        let rounds = 25, rate = 0.5
        let history = try FederatedSimulation.run(
            clients: &clients, initial: .zero(features: 4), rounds: rounds, strategy: .fedAvg,
            options: LocalTrainingOptions(learningRate: rate, localEpochs: 1), using: &rng)
        var theta = [Double](repeating: 0, count: 5)
        for round in history {
            theta = Self.centralisedStep(theta, parts, rate: rate)
            let federated = [round.model.intercept] + round.model.coefficients
            for j in theta.indices { #expect(abs(federated[j] - theta[j]) <= 1e-12, "round \(round.round) θ\(j)") }
        }
        #expect(history.count == rounds)
        // It learns: the loss falls and the model moves away from zero.
        #expect(history.last!.trainingLoss < history.first!.trainingLoss)
        #expect(history.last!.model.coefficients.contains { abs($0) > 0.1 })
    }

    @Test func fedProxWithZeroMuEqualsFedAvgAndPositiveMuStaysCloser() throws {
        let parts = try Self.partitions([80, 120, 60], seed: 11)
        let options = LocalTrainingOptions(learningRate: 0.3, localEpochs: 5)
        func run(_ strategy: FederatedStrategy) throws -> [FederatedRound] {
            var clients = parts.map(FederatedClient.init(data:))
            var rng = SplitMix64(seed: 3)
            return try FederatedSimulation.run(
                clients: &clients, initial: .zero(features: 4), rounds: 6,
                strategy: strategy, options: options, using: &rng)
        }
        let avg = try run(.fedAvg), prox0 = try run(.fedProx(mu: 0)), prox = try run(.fedProx(mu: 5))
        #expect(avg == prox0)
        #expect(avg != prox)
        // The proximal term pulls each local model toward the global one: smaller local updates.
        var client = FederatedClient(data: parts[0])
        var rng = SplitMix64(seed: 0)
        let global = avg[0].model
        var plain = options, proximal = options
        plain.proximalMu = 0
        proximal.proximalMu = 5
        let free = try client.train(from: global, options: plain, using: &rng)
        let held = try client.train(from: global, options: proximal, using: &rng)
        #expect(held.updateNorm < free.updateNorm)
    }

    @Test func clippingBoundsEveryUpdate() throws {
        let parts = try Self.partitions([40, 90, 150], seed: 5)
        let clip = 0.05
        let options = LocalTrainingOptions(
            learningRate: 1, localEpochs: 10,
            privacy: UpdatePrivacy(clipNorm: clip, noiseMultiplier: 0))
        var clients = parts.map(FederatedClient.init(data:))
        var rng = SplitMix64(seed: 9)
        var global = FederatedModel.zero(features: 4)
        var clippedCount = 0
        for _ in 0..<5 {
            var replies: [LocalUpdate] = []
            for k in clients.indices {
                let update = try clients[k].train(from: global, options: options, using: &rng)
                let released = zip(
                    [update.model.intercept] + update.model.coefficients,
                    [global.intercept] + global.coefficients
                ).map { $0 - $1 }
                let norm = released.reduce(0) { $0 + $1 * $1 }.squareRoot()
                #expect(norm <= clip * (1 + 1e-12))
                if update.clipped {
                    clippedCount += 1
                    #expect(update.updateNorm > clip)
                    #expect(abs(norm - clip) <= 1e-12)
                }
                replies.append(update)
            }
            global = try FederatedAveraging.aggregate(replies.map(\.weighted))
        }
        #expect(clippedCount > 0)
        // Clipping without noise gives no guarantee; the accountant says so.
        #expect(try clients[0].privacySpent(delta: 1e-5) == .infinity)
    }

    @Test func noisyUpdatesAreAccountedPerRound() throws {
        let parts = try Self.partitions([200], seed: 2)
        var client = FederatedClient(data: parts[0])
        #expect(try client.privacySpent(delta: 1e-5) == 0)
        var rng = SplitMix64(seed: 4)
        let options = LocalTrainingOptions(
            learningRate: 0.5, localEpochs: 3,
            privacy: UpdatePrivacy(clipNorm: 0.5, noiseMultiplier: 1.5))
        let global = FederatedModel.zero(features: 4)
        let first = try client.train(from: global, options: options, using: &rng)
        let once = try client.privacySpent(delta: 1e-5)
        _ = try client.train(from: global, options: options, using: &rng)
        let twice = try client.privacySpent(delta: 1e-5)
        #expect(once > 0 && once.isFinite)
        #expect(twice > once)
        // Noise moved the release off the clipped update.
        var quiet = options
        quiet.privacy?.noiseMultiplier = 0
        var other = FederatedClient(data: parts[0])
        let clean = try other.train(from: global, options: quiet, using: &rng)
        #expect(first.model != clean.model)
    }

    @Test func evaluationReportsLossAndAUC() throws {
        let parts = try Self.partitions([300], seed: 13)
        var client = FederatedClient(data: parts[0])
        var rng = SplitMix64(seed: 0)
        let zero = FederatedModel.zero(features: 4)
        let before = try client.evaluate(zero)
        #expect(abs(before.loss - log(2)) < 1e-12)
        #expect(before.auc == 0.5)
        var model = zero
        for _ in 0..<20 {
            model = try client.train(
                from: model, options: LocalTrainingOptions(learningRate: 1, localEpochs: 5),
                using: &rng
            ).model
        }
        let after = try client.evaluate(model)
        #expect(after.loss < before.loss)
        #expect(after.auc! > 0.7)
        #expect(after.exampleCount == 300)
        // One class only: no AUC, still a loss.
        let single = try FederatedDataset(features: Matrix(rows: 2, columns: 1, values: [1, 2]), labels: [1, 1])
        #expect(try FederatedClient(data: single).evaluate(.zero(features: 1)).auc == nil)
    }

    @Test func readsNumericPartitionsFromCSV() throws {
        let csv = "age,amount,default\n30,1000,yes\n45,250.5,no\n22,3000,yes\n"
        let data = try FederatedDataset(
            table: DataTable(csv: csv),
            target: TargetSpec(column: "default", positive: "yes"))
        #expect(data.featureNames == ["age", "amount"])
        #expect(data.labels == [1, 0, 1])
        #expect(data.features.row(1) == [45, 250.5])
        let categorical = "city,amount,default\nParis,1,yes\nLyon,2,no\n"
        #expect(throws: FederatedError.data(.nonNumericCell(column: "city", row: 0, value: "Paris"))) {
            try FederatedDataset(
                table: DataTable(csv: categorical), target: TargetSpec(column: "default", positive: "yes"))
        }
        #expect(throws: FederatedError.data(.missingColumn("target"))) {
            try FederatedDataset(table: DataTable(csv: csv), target: TargetSpec(column: "target", positive: "yes"))
        }
        #expect(throws: FederatedError.data(.positiveValueNotFound(column: "default", value: "maybe"))) {
            try FederatedDataset(table: DataTable(csv: csv), target: TargetSpec(column: "default", positive: "maybe"))
        }
    }

    @Test func refusesBadModelsOptionsAndReplies() throws {
        let parts = try Self.partitions([20], seed: 1)
        var client = FederatedClient(data: parts[0])
        var rng = SplitMix64(seed: 0)
        let zero = FederatedModel.zero(features: 4)
        #expect(throws: FederatedError.dimensionMismatch(expected: 4, actual: 3)) {
            try client.train(from: .zero(features: 3), options: LocalTrainingOptions(), using: &rng)
        }
        #expect(throws: FederatedError.nonFiniteModel) {
            try client.evaluate(FederatedModel(intercept: .nan, coefficients: [0, 0, 0, 0]))
        }
        let bad: [(LocalTrainingOptions, FederatedParameter)] = [
            (LocalTrainingOptions(learningRate: 0), .learningRate),
            (LocalTrainingOptions(learningRate: .infinity), .learningRate),
            (LocalTrainingOptions(localEpochs: 0), .localEpochs),
            (LocalTrainingOptions(localEpochs: 1_000_000), .localEpochs),
            (LocalTrainingOptions(proximalMu: -1), .proximalMu),
            (LocalTrainingOptions(l2: .nan), .l2),
            (LocalTrainingOptions(privacy: UpdatePrivacy(clipNorm: 0, noiseMultiplier: 1)), .clipNorm),
            (LocalTrainingOptions(privacy: UpdatePrivacy(clipNorm: 1, noiseMultiplier: -1)), .noiseMultiplier),
        ]
        for (options, parameter) in bad {
            #expect(throws: FederatedError.outOfRange(parameter)) {
                try client.train(from: zero, options: options, using: &rng)
            }
        }
        #expect(throws: FederatedError.diverged(learningRate: 1e300)) {
            try client.train(
                from: FederatedModel(intercept: 0, coefficients: [1e10, 1e10, 1e10, 1e10]),
                options: LocalTrainingOptions(learningRate: 1e300, localEpochs: 50), using: &rng)
        }
        #expect(throws: FederatedError.noClients) { try FederatedAveraging.aggregate([]) }
        #expect(throws: FederatedError.outOfRange(.exampleCount)) {
            try FederatedAveraging.aggregate([WeightedModel(model: zero, exampleCount: 0)])
        }
        #expect(throws: FederatedError.dimensionMismatch(expected: 4, actual: 2)) {
            try FederatedAveraging.aggregate([
                WeightedModel(model: zero, exampleCount: 1),
                WeightedModel(model: .zero(features: 2), exampleCount: 1),
            ])
        }
        #expect(throws: FederatedError.outOfRange(.exampleCount)) {
            try FederatedAveraging.aggregate([
                WeightedModel(model: zero, exampleCount: .max),
                WeightedModel(model: zero, exampleCount: 1),
            ])
        }
        var none: [FederatedClient] = []
        #expect(throws: FederatedError.noClients) {
            try FederatedSimulation.run(
                clients: &none, initial: zero, rounds: 1, strategy: .fedAvg,
                options: LocalTrainingOptions(), using: &rng)
        }
        #expect(throws: FederatedError.data(.invalidLabel(row: 0))) {
            try FederatedDataset(features: Matrix(rows: 1, columns: 1, values: [1]), labels: [2])
        }
        #expect(throws: FederatedError.data(.nonFinite(what: "features", row: 1))) {
            try FederatedDataset(features: Matrix(rows: 2, columns: 1, values: [1, .nan]), labels: [0, 1])
        }
    }

    @Test func aggregationIsTheExampleWeightedMean() throws {
        let a = FederatedModel(intercept: 1, coefficients: [2, -4])
        let b = FederatedModel(intercept: -3, coefficients: [0, 8])
        let mean = try FederatedAveraging.aggregate([
            WeightedModel(model: a, exampleCount: 30),
            WeightedModel(model: b, exampleCount: 10),
        ])
        #expect(abs(mean.intercept - 0) < 1e-15)
        #expect(abs(mean.coefficients[0] - 1.5) < 1e-15)
        #expect(abs(mean.coefficients[1] - -1) < 1e-15)
    }
}
