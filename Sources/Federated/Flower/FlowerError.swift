/// Why a Flower message, object or array was refused, or a Fleet API call failed.
public enum FlowerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A `.npy` file does not start with the NumPy magic or its version is not 1.0 or 2.0.
    case npyNotNumpy
    /// A `.npy` header is not the dictionary NumPy writes (missing key, bad syntax, Fortran order).
    case npyMalformedHeader
    /// A `.npy` array's element type is not little-endian float32 or float64 (its `descr` is given).
    case npyUnsupportedDType(String)
    /// A `.npy` file is shorter or longer than its header says (expected and actual data bytes).
    case npyLength(expected: Int, actual: Int)
    /// An array has more elements than allowed, or its shape overflows.
    case arrayTooLarge(limit: Int)
    /// An array's shape does not match its values, or is not what the model needs.
    case shapeMismatch(expected: [Int], actual: [Int])
    /// An object's SHA-256 is not its id.
    case objectHashMismatch(expected: String)
    /// An object's bytes are not `"<Type> <children> <length>\0<body>"`, or its body is not what its type
    /// needs.
    case malformedObject(String)
    /// An object of one type where another was expected.
    case unexpectedObjectType(expected: String, actual: String)
    /// A record the exchange needs is missing (its name is given).
    case missingRecord(String)
    /// A value of a config or metric record has the wrong type (its key is given).
    case wrongValueType(String)
    /// A message type the node does not handle.
    case unsupportedMessageType(String)
    /// The message's time to live has passed.
    case expired
    /// A node key file is not a PEM ECDSA P-384 private key.
    case invalidNodeKey
    /// The SuperLink answered a Fleet API call with this HTTP status.
    case httpStatus(method: String, status: Int)
    /// A Fleet API call failed in transport (connection refused, timeout) after every retry.
    case transport(method: String)
    /// A Fleet API answer is not the protobuf message expected.
    case malformedResponse(method: String)
    /// The SuperLink has not made an object available after every retry.
    case objectUnavailable(String)
    /// The SuperLink URL is not `http(s)://host[:port]`.
    case invalidSuperLinkURL(String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .npyNotNumpy: return "not a NumPy .npy file of version 1.0 or 2.0"
        case .npyMalformedHeader: return "malformed .npy header"
        case let .npyUnsupportedDType(descr):
            return "unsupported .npy dtype \(descr) (float32 or float64, little-endian)"
        case let .npyLength(expected, actual): return ".npy data has \(actual) bytes where \(expected) were expected"
        case let .arrayTooLarge(limit): return "array larger than \(limit) elements"
        case let .shapeMismatch(expected, actual): return "array shape \(actual) where \(expected) was expected"
        case let .objectHashMismatch(expected): return "object content does not hash to its id \(expected)"
        case let .malformedObject(type): return "malformed \(type) object"
        case let .unexpectedObjectType(expected, actual): return "\(actual) object where \(expected) was expected"
        case let .missingRecord(name): return "record \(name) is missing"
        case let .wrongValueType(key): return "value \(key) has the wrong type"
        case let .unsupportedMessageType(type): return "unsupported message type \(type)"
        case .expired: return "the message has expired"
        case .invalidNodeKey: return "the node key is not a PEM ECDSA P-384 private key"
        case let .httpStatus(method, status): return "\(method): HTTP \(status)"
        case let .transport(method): return "\(method): the SuperLink could not be reached"
        case let .malformedResponse(method): return "\(method): malformed response"
        case let .objectUnavailable(id): return "object \(id) is not available"
        case let .invalidSuperLinkURL(url):
            return "SuperLink URL \(url.prefix(200).debugDescription) is not http(s)://host[:port]"
        }
    }
}
