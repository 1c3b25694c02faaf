import DataFiCreditData
import DataFiPrivacy

/// A setting of federated training that can be out of range.
public enum FederatedParameter: String, Sendable, Equatable, CaseIterable {
    /// The learning rate (positive, finite).
    case learningRate
    /// The number of local epochs (1…10,000).
    case localEpochs
    /// FedProx's proximal coefficient μ (non-negative, finite).
    case proximalMu
    /// The L2 penalty (non-negative, finite).
    case l2
    /// The clipping norm (positive, finite).
    case clipNorm
    /// The noise multiplier (non-negative, finite).
    case noiseMultiplier
    /// The number of rounds (1…100,000).
    case rounds
    /// An example count or aggregation weight (positive).
    case exampleCount

    /// The allowed values, for messages.
    public var allowedRange: String {
        switch self {
        case .learningRate, .clipNorm: return "positive and finite"
        case .proximalMu, .l2, .noiseMultiplier: return "non-negative and finite"
        case .localEpochs: return "in 1...10000"
        case .rounds: return "in 1...100000"
        case .exampleCount: return "positive"
        }
    }
}

/// Why federated training, evaluation or aggregation was refused.
public enum FederatedError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A setting is outside its allowed range.
    case outOfRange(FederatedParameter)
    /// A model's coefficient count differs from the data's feature count (or another model's).
    case dimensionMismatch(expected: Int, actual: Int)
    /// A model parameter is NaN or infinite.
    case nonFiniteModel
    /// Nothing to aggregate or simulate: no clients or no replies.
    case noClients
    /// Local training made the parameters overflow (learning rate too large).
    case diverged(learningRate: Double)
    /// The local data is unusable (the wrapped error says why).
    case data(CreditError)
    /// The noise sampler or the privacy accountant refused its parameters.
    case privacy(PrivacyError)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .outOfRange(parameter): return "\(parameter.rawValue) must be \(parameter.allowedRange)"
        case let .dimensionMismatch(expected, actual):
            return "the model has \(actual) coefficients where \(expected) were expected"
        case .nonFiniteModel: return "the model has a NaN or infinite parameter"
        case .noClients: return "no clients to train or aggregate"
        case let .diverged(rate): return "local training diverges at learning rate \(rate)"
        case let .data(error): return "local data: \(error)"
        case let .privacy(error): return "privacy: \(error)"
        }
    }
}
