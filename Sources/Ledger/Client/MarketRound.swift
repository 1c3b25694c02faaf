import DataFiLedger
import DataFiSecAgg
import DataFiSodium
import Foundation

/// The market compute task a relay round runs: a federated job description names it so that each
/// owner's agent can say which of the dataset's verified assets it speaks for.
public struct FederatedMarketTask: Equatable, Sendable {
    /// The most assets a description lists.
    public static let maxAssets = 1000
    /// The longest dataset symbol, in UTF-8 bytes.
    public static let maxDatasetLength = 64

    /// The market's task id.
    public let task: UInt64
    /// The dataset's symbol.
    public let dataset: String
    /// The dataset's verified assets when the round opened (indexes, strictly ascending): one
    /// participant each.
    public let assets: [Int]

    /// A task reference from its parts.
    /// - Parameters:
    ///   - task: The market's task id.
    ///   - dataset: The dataset's symbol.
    ///   - assets: The verified assets' indexes, strictly ascending.
    public init(task: UInt64, dataset: String, assets: [Int]) {
        self.task = task
        self.dataset = dataset
        self.assets = assets
    }

    /// Whether the reference is well formed: a dataset symbol of 1...``maxDatasetLength`` printable
    /// bytes and 1...``maxAssets`` non-negative, strictly ascending asset indexes.
    public var isWellFormed: Bool {
        guard (1...Self.maxDatasetLength).contains(dataset.utf8.count),
            dataset.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
            (1...Self.maxAssets).contains(assets.count), let first = assets.first, first >= 0
        else { return false }
        return zip(assets, assets.dropFirst()).allSatisfy { $0 < $1 }
    }

    var json: JSONValue {
        .object([
            ("task", .string(String(task))), ("dataset", .string(dataset)),
            ("assets", .array(assets.map { .number(String($0)) })),
        ])
    }

    init(json tree: JSONValue) throws(FederatedRunError) {
        guard case .string(let t)? = tree["task"], let task = UInt64(t), case .string(let dataset)? = tree["dataset"],
            case .array(let list)? = tree["assets"], list.count <= Self.maxAssets
        else { throw .invalidJob }
        var assets: [Int] = []
        for item in list {
            guard case .number(let text) = item, let index = Int(text) else { throw .invalidJob }
            assets.append(index)
        }
        self.init(task: task, dataset: dataset, assets: assets)
        guard isWellFormed else { throw .invalidJob }
    }
}

/// The first message of an owner's agent in a market round: the asset it speaks for and its
/// secure-aggregation `AdvertiseKeys`. The relay authenticates the message with the key the agent
/// joined with, so the coordinator can check the claim against the market's owner of the asset.
/// Canonical JSON `{"asset": N, "keys": BASE64}`.
public struct FederatedAssetClaim: Equatable, Sendable {
    /// The claimed asset's index in the task's dataset.
    public let asset: Int
    /// The serialized `AdvertiseKeys`.
    public let keys: [UInt8]

    /// A claim from its parts.
    /// - Parameters:
    ///   - asset: The asset's index.
    ///   - keys: The serialized `AdvertiseKeys`.
    public init(asset: Int, keys: [UInt8]) {
        self.asset = asset
        self.keys = keys
    }

    /// The canonical JSON encoding.
    public var serialized: [UInt8] {
        CanonicalJSON.serialize(
            .object([("asset", .number(String(asset))), ("keys", .string(Data(keys).base64EncodedString()))]))
    }

    /// Parses a claim.
    /// - Throws: `FederatedClaimProblem.malformed` for anything but a well-formed claim.
    public init(serialized bytes: [UInt8]) throws(FederatedClaimProblem) {
        guard let tree = try? CanonicalJSON.parse(bytes), case .number(let a)? = tree["asset"], let asset = Int(a),
            asset >= 0, case .string(let k)? = tree["keys"], let keys = Data(base64Encoded: k)
        else { throw .malformed }
        self.init(asset: asset, keys: Array(keys))
    }
}

/// Why the coordinator of a market round excluded a participant before any keys were shared.
public enum FederatedClaimProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// The first message is not a claim.
    case malformed
    /// The claimed asset is not one of the task's verified assets.
    case assetNotInTask(Int)
    /// The participant's key is not the key of the asset's owner in the market.
    case notOwner(Int)
    /// Another participant already claimed the asset.
    case duplicateClaim(Int)
    /// The claim's `AdvertiseKeys` was refused by the secure-aggregation server.
    case refused(SecAggError)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .malformed: "its first message is not an asset claim"
        case .assetNotInTask(let a): "asset \(a) is not a verified asset of the task's dataset"
        case .notOwner(let a): "its key is not the market's owner key of asset \(a)"
        case .duplicateClaim(let a): "asset \(a) was already claimed by another participant"
        case .refused(let e): "its keys were refused: \(e)"
        }
    }
}

/// A participant the coordinator of a market round excluded, and why.
public struct FederatedExclusion: Equatable, Sendable {
    /// The participant's id in the round.
    public let participant: UInt32
    /// The key it joined with, when the relay lists it.
    public let key: Signing.PublicKey?
    /// The reason.
    public let problem: FederatedClaimProblem

    /// An exclusion from its parts.
    /// - Parameters:
    ///   - participant: The participant's id.
    ///   - key: Its key, if known.
    ///   - problem: The reason.
    public init(participant: UInt32, key: Signing.PublicKey?, problem: FederatedClaimProblem) {
        self.participant = participant
        self.key = key
        self.problem = problem
    }
}

/// The checks a coordinator applies to the claims of a market round.
struct ClaimCheck {
    let task: FederatedMarketTask
    let owners: [Int: Signing.PublicKey]
    var claimed: [Int: UInt32] = [:]
    /// The accepted participants' assets.
    var assetOf: [UInt32: Int] = [:]

    /// The `AdvertiseKeys` bytes of `payload` when participant `from`, joined with `key`, may claim its asset.
    mutating func admit(_ payload: [UInt8], from: UInt32, key: Signing.PublicKey?) throws(FederatedClaimProblem)
        -> (asset: Int, keys: [UInt8])
    {
        let claim = try FederatedAssetClaim(serialized: payload)
        guard task.assets.contains(claim.asset), let owner = owners[claim.asset] else {
            throw .assetNotInTask(claim.asset)
        }
        guard let key, key == owner else { throw .notOwner(claim.asset) }
        guard claimed[claim.asset] == nil else { throw .duplicateClaim(claim.asset) }
        return (claim.asset, claim.keys)
    }

    mutating func accept(_ asset: Int, participant: UInt32) {
        claimed[asset] = participant
        assetOf[participant] = asset
    }
}
