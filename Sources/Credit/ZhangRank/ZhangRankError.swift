/// Everything that can go wrong while building a credit graph or ranking it.
public enum ZhangRankError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An edge weight was negative, NaN or infinite (weights are non-negative amounts).
    case invalidWeight(edge: Int, weight: Double)
    /// An edge timestamp was NaN or infinite.
    case invalidTimestamp(edge: Int, timestamp: Double)
    /// Time decay is on but this edge carries no timestamp.
    case missingTimestamp(edge: Int)
    /// The edge happened after `now` (age < 0): clocks disagree or the input is forged.
    case timestampInFuture(edge: Int, timestamp: Double, now: Double)
    /// The damping factor is outside [0, 1).
    case invalidDamping(Double)
    /// The tolerance is not a finite number greater than zero.
    case invalidTolerance(Double)
    /// The iteration limit is below one.
    case invalidMaxIterations(Int)
    /// The half-life is not a finite number greater than zero, or `now` is not finite.
    case invalidDecay(halfLife: Double, now: Double)
    /// The thread count is below one.
    case invalidThreadCount(Int)
    /// A personalization value is negative, NaN or infinite.
    case invalidPersonalizationValue(node: String, value: Double)
    /// The personalization names a node that is not in the graph.
    case unknownPersonalizationNode(String)
    /// The personalization vector has no positive mass.
    case emptyPersonalization
    /// The graph would exceed the supported number of nodes or edges.
    case graphTooLarge(limit: Int)
    /// Power iteration did not reach the tolerance within the iteration limit.
    case didNotConverge(iterations: Int, residual: Double)
    /// A line of an edge-list CSV could not be read.
    case malformedEdgeList(line: Int, problem: EdgeListProblem)

    public var description: String {
        switch self {
        case let .invalidWeight(edge, weight):
            return "edge \(edge): weight \(weight) is not a finite non-negative number"
        case let .invalidTimestamp(edge, timestamp):
            return "edge \(edge): timestamp \(timestamp) is not finite"
        case let .missingTimestamp(edge):
            return "edge \(edge): time decay needs a timestamp on every edge"
        case let .timestampInFuture(edge, timestamp, now):
            return "edge \(edge): timestamp \(timestamp) is after now (\(now))"
        case let .invalidDamping(value):
            return "damping \(value) is outside [0, 1)"
        case let .invalidTolerance(value):
            return "tolerance \(value) must be finite and greater than 0"
        case let .invalidMaxIterations(value):
            return "max iterations \(value) must be at least 1"
        case let .invalidDecay(halfLife, now):
            return "half-life \(halfLife) must be finite and > 0 and now \(now) finite"
        case let .invalidThreadCount(value):
            return "thread count \(value) must be at least 1 (or left out for Parallelism.limit)"
        case let .invalidPersonalizationValue(node, value):
            return "personalization of \(node) is \(value); it must be finite and non-negative"
        case let .unknownPersonalizationNode(node):
            return "personalization names unknown node \(node)"
        case .emptyPersonalization:
            return "personalization has no positive mass"
        case let .graphTooLarge(limit):
            return "graph exceeds \(limit) nodes or edges"
        case let .didNotConverge(iterations, residual):
            return "power iteration did not converge in \(iterations) iterations (residual \(residual))"
        case let .malformedEdgeList(line, problem):
            return "edge list line \(line): \(problem)"
        }
    }
}
