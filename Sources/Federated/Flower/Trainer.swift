import DataFiFederated
import Foundation

/// How a node answers Flower `train` and `evaluate` messages with a `FederatedClient`.
///
/// The contract with the server app: an array record (named `arrays` by Flower's strategies; any single
/// array record is accepted) holding `coefficients` (shape [d], features in the CSV's header order without
/// the target) and `intercept` (shape [1]), float32 or float64; the config record `config` may set `lr`,
/// `local-epochs`, `proximal-mu` and carries `server-round`. A train reply holds the new arrays (same names,
/// dtypes and shapes) and the metric record `metrics` with `num-examples` and `loss`; an evaluate reply the
/// metric record with `num-examples`, `loss` and `auc` (omitted when the local data has one class).
public struct FlowerTrainer: Sendable {
    /// The local data and privacy state.
    public private(set) var client: FederatedClient
    /// Defaults for settings the server does not send.
    public var defaults: LocalTrainingOptions
    /// Every local update sent in a train reply, oldest first.
    public private(set) var updates: [LocalUpdate] = []
    private var rng = SystemRandomNumberGenerator()

    /// A trainer over a client.
    /// - Parameters:
    ///   - client: the local data.
    ///   - defaults: local training settings used unless the server's config record overrides them.
    public init(client: FederatedClient, defaults: LocalTrainingOptions = LocalTrainingOptions()) {
        self.client = client
        self.defaults = defaults
    }

    /// The reply content for a message of type `messageType` with `content`.
    /// - Parameters:
    ///   - messageType: `train` or `evaluate`.
    ///   - content: the decoded records of the message.
    /// - Throws: `FlowerError.unsupportedMessageType`, `.missingRecord`, `.shapeMismatch`, `.wrongValueType`,
    ///   `.npyUnsupportedDType`; `FederatedError` from training (wrapped by the caller into an error reply).
    public mutating func respond(messageType: String, content: FlowerContent) throws -> FlowerContent {
        guard messageType == "train" || messageType == "evaluate" else {
            throw FlowerError.unsupportedMessageType(messageType)
        }
        let (recordName, model, dtypes) = try readModel(content)
        let config = content.configs["config"] ?? [:]
        if messageType == "evaluate" {
            let result = try client.evaluate(model)
            var metrics: [String: FlowerScalar] = [
                "num-examples": .int(Int64(result.exampleCount)),
                "loss": .double(result.loss),
            ]
            if let auc = result.auc { metrics["auc"] = .double(auc) }
            return FlowerContent(metrics: ["metrics": metrics])
        }
        var options = defaults
        if let lr = try number(config, "lr") { options.learningRate = lr }
        if let epochs = try number(config, "local-epochs") {
            guard epochs.rounded() == epochs, abs(epochs) <= 1e9 else {
                throw FlowerError.wrongValueType("local-epochs")
            }
            options.localEpochs = Int(epochs)
        }
        if let mu = try number(config, "proximal-mu") { options.proximalMu = mu }
        let update = try client.train(from: model, options: options, using: &rng)
        updates.append(update)
        let coefficients = try NpyArray(
            dtype: dtypes.coefficients, shape: [update.model.coefficients.count],
            values: update.model.coefficients)
        let intercept = try NpyArray(dtype: dtypes.intercept, shape: [1], values: [update.model.intercept])
        return FlowerContent(
            arrays: [recordName: [("coefficients", coefficients), ("intercept", intercept)]],
            metrics: [
                "metrics": [
                    "num-examples": .int(Int64(update.exampleCount)),
                    "loss": .double(update.loss),
                ]
            ])
    }

    private func readModel(_ content: FlowerContent) throws(FlowerError)
        -> (String, FederatedModel, (coefficients: NpyDType, intercept: NpyDType))
    {
        guard content.arrays.count == 1, let (name, arrays) = content.arrays.first else {
            throw .missingRecord("arrays")
        }
        guard let coefficients = arrays.first(where: { $0.name == "coefficients" })?.array else {
            throw .missingRecord("coefficients")
        }
        guard let intercept = arrays.first(where: { $0.name == "intercept" })?.array else {
            throw .missingRecord("intercept")
        }
        let d = client.featureCount
        guard coefficients.shape == [d] else { throw .shapeMismatch(expected: [d], actual: coefficients.shape) }
        guard intercept.shape == [1] else { throw .shapeMismatch(expected: [1], actual: intercept.shape) }
        return (
            name, FederatedModel(intercept: intercept.values[0], coefficients: coefficients.values),
            (coefficients.dtype, intercept.dtype)
        )
    }

    private func number(_ config: [String: FlowerScalar], _ key: String) throws(FlowerError) -> Double? {
        guard let value = config[key] else { return nil }
        guard let number = value.number else { throw .wrongValueType(key) }
        return number
    }
}
