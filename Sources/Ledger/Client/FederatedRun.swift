import DataFiLedger
import DataFiSecAgg
import DataFiSodium
import Foundation

/// Why a federated job over the relay failed.
public enum FederatedRunError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The node refused a request or could not be reached.
    case relay(LedgerClientError)
    /// A protocol message was refused (wrong round, replayed, tampered, …) or the round failed.
    case secAgg(SecAggError)
    /// The job description does not parse or names an invalid query.
    case invalidJob
    /// Nothing arrived for this step before the deadline.
    case timedOut(SecAggRelayStep)
    /// No open round to join appeared before the deadline.
    case noRound
    /// A message came from a sender who may not send it (only the coordinator sends server steps).
    case unexpectedSender(UInt32)
    /// The round runs a market task and the agent named no asset to speak for.
    case assetRequired
    /// The agent named an asset but the round runs no market task.
    case notAMarketRound
    /// The agent's asset is not one of the round's market task's verified assets.
    case assetNotInTask(Int)
    /// The coordinator left the agent out of the round (its asset claim was refused).
    case excluded
    /// The coordinator was given no owner key for one of the market task's assets.
    case missingOwner(Int)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .relay(let e): "relay: \(e)"
        case .secAgg(let e): "secure aggregation: \(e)"
        case .invalidJob: "the job description is invalid"
        case .timedOut(let step): "timed out waiting for step \(step)"
        case .noRound: "no open round to join"
        case .unexpectedSender(let id): "message from participant \(id), expected the coordinator"
        case .assetRequired: "the round runs a market task: name the asset this agent speaks for (--asset)"
        case .notAMarketRound: "the round runs no market task, so it takes no asset"
        case .assetNotInTask(let a): "asset \(a) is not a verified asset of the round's market task"
        case .excluded: "the coordinator left this agent out of the round (its asset claim was refused)"
        case .missingOwner(let a): "no owner key for asset \(a) of the market task"
        }
    }
}

/// The job description a coordinator publishes with its round: the query and its column, the
/// threshold, the session of the round, the optional distributed-DP target and, for a market
/// compute task, the task (`FederatedMarketTask`, member `market`). Canonical JSON; real numbers as
/// decimal strings.
public struct FederatedJob: Equatable, Sendable {
    /// The query.
    public let query: AnalyticsQuery
    /// The CSV column the owners read (empty for a count).
    public let column: String
    /// The Shamir threshold.
    public let threshold: Int
    /// The secure-aggregation session (every protocol message carries it).
    public let session: UInt64
    /// ε of the job (with distributed DP).
    public let epsilon: Double?
    /// δ of the job (with distributed DP).
    public let delta: Double?
    /// The market task the round runs, if any: each agent then claims one of its assets.
    public let market: FederatedMarketTask?

    /// A job from its parts.
    /// - Parameters:
    ///   - query: The query.
    ///   - column: The CSV column (empty for a count).
    ///   - threshold: The Shamir threshold.
    ///   - session: The round's session; random by default.
    ///   - epsilon: ε, with `delta`, for distributed DP.
    ///   - delta: δ, with `epsilon`.
    ///   - market: The market task the round runs, if any.
    public init(
        query: AnalyticsQuery, column: String, threshold: Int, session: UInt64 = SecureRandom.uint64(),
        epsilon: Double? = nil, delta: Double? = nil, market: FederatedMarketTask? = nil
    ) {
        self.query = query
        self.column = column
        self.threshold = threshold
        self.session = session
        self.epsilon = epsilon
        self.delta = delta
        self.market = market
    }

    /// The plan for `owners` owners.
    /// - Throws: `FederatedRunError.secAgg` for an invalid query, threshold or privacy target.
    public func plan(owners: Int) throws(FederatedRunError) -> FederatedAnalytics.Plan {
        let privacy = epsilon.flatMap { e in delta.map { (epsilon: e, delta: $0) } }
        do {
            return try FederatedAnalytics.plan(
                query: query, owners: owners, threshold: threshold, privacy: privacy,
                session: session)
        } catch { throw .secAgg(error) }
    }

    /// The canonical JSON encoding.
    public var encoded: [UInt8] {
        var members: [(String, JSONValue)] = [("column", .string(column))]
        func real(_ v: Double) -> JSONValue { .string(String(v)) }
        switch query {
        case .count: members.append(("query", .string("count")))
        case .sum(let l, let u): members += [("query", .string("sum")), ("lower", real(l)), ("upper", real(u))]
        case .mean(let l, let u): members += [("query", .string("mean")), ("lower", real(l)), ("upper", real(u))]
        case .histogram(let l, let u, let b):
            members += [
                ("query", .string("histogram")), ("lower", real(l)), ("upper", real(u)), ("bins", .number(String(b))),
            ]
        case .quantile(let q, let l, let u, let b):
            members += [
                ("query", .string("quantile")), ("quantile", real(q)), ("lower", real(l)), ("upper", real(u)),
                ("bins", .number(String(b))),
            ]
        }
        members += [("threshold", .number(String(threshold))), ("session", .string(String(session)))]
        if let epsilon, let delta { members += [("epsilon", real(epsilon)), ("delta", real(delta))] }
        if let market { members.append(("market", market.json)) }
        return CanonicalJSON.serialize(.object(members))
    }

    /// Parses an encoded job.
    /// - Throws: `FederatedRunError.invalidJob` for anything but a well-formed job.
    public init(encoded bytes: [UInt8]) throws(FederatedRunError) {
        guard let tree = try? CanonicalJSON.parse(bytes), case .string(let name)? = tree["query"],
            case .string(let column)? = tree["column"], case .number(let t)? = tree["threshold"],
            let threshold = Int(t),
            case .string(let s)? = tree["session"], let session = UInt64(s)
        else { throw .invalidJob }
        func real(_ key: String) throws(FederatedRunError) -> Double {
            guard case .string(let text)? = tree[key], let v = Double(text), v.isFinite else { throw .invalidJob }
            return v
        }
        func bins() throws(FederatedRunError) -> Int {
            guard case .number(let text)? = tree["bins"], let v = Int(text) else { throw .invalidJob }
            return v
        }
        switch name {
        case "count": query = .count
        case "sum": query = .sum(lower: try real("lower"), upper: try real("upper"))
        case "mean": query = .mean(lower: try real("lower"), upper: try real("upper"))
        case "histogram": query = .histogram(lower: try real("lower"), upper: try real("upper"), bins: try bins())
        case "quantile":
            query = .quantile(
                try real("quantile"), lower: try real("lower"), upper: try real("upper"), bins: try bins())
        default: throw .invalidJob
        }
        self.column = column
        self.threshold = threshold
        self.session = session
        if tree["epsilon"] != nil || tree["delta"] != nil {
            epsilon = try real("epsilon")
            delta = try real("delta")
        } else {
            epsilon = nil
            delta = nil
        }
        market = try tree["market"].map { tree throws(FederatedRunError) in try FederatedMarketTask(json: tree) }
    }
}

/// The coordinator of a federated job: opens a relay round, acts as the secure-aggregation server
/// through it, and publishes the decoded aggregate as the round's result.
public struct FederatedCoordinator: Sendable {
    /// The outcome of a job.
    public struct Report: Sendable {
        /// The round's id.
        public let round: String
        /// The decoded aggregate.
        public let result: AnalyticsResult
        /// Messages refused, with their sender and the reason; their senders count as dropped.
        public let rejected: [(from: UInt32, error: SecAggError)]
        /// The participants whose inputs are in the aggregate, ascending.
        public let survivors: [UInt32]
        /// The secure-aggregation sum, one value per coordinate (what
        /// `FederatedTaskJob.aggregateDigest(task:values:)` hashes).
        public let sum: [UInt64]
        /// For a market task: the assets the survivors spoke for, ascending; empty otherwise.
        public let contributors: [Int]
        /// For a market task: the participants excluded before any keys were shared.
        public let excluded: [FederatedExclusion]
    }

    /// The node.
    public let client: LedgerClient
    /// The coordinator's signing key.
    public let key: Signing.PrivateKey
    /// Longest wait for the owners to join and advertise their keys, in seconds.
    public var joinTimeout: Double = 60
    /// Longest wait for the owners' messages of each later step, in seconds.
    public var stepTimeout: Double = 30
    /// Pause between two polls of the relay, in seconds.
    public var pollInterval: Double = 0.05

    /// A coordinator on `client`'s node signing with `key`.
    public init(client: LedgerClient, key: Signing.PrivateKey) {
        self.client = client
        self.key = key
    }

    /// Runs `job` with `owners` owners.
    ///
    /// When the job names a market task (`FederatedJob.market`), every participant's first message
    /// must be a `FederatedAssetClaim` for one of the task's assets, and the key it joined the
    /// relay with must be that asset's owner key in `assetOwners`; a participant whose claim is
    /// malformed, names another asset, comes from another key or repeats an asset already claimed
    /// is excluded before the key directory is published (`onExcluded` hears of it at once).
    /// The report then maps the survivors to their assets (`Report.contributors`).
    /// - Parameters:
    ///   - job: The job.
    ///   - owners: The participants the round admits.
    ///   - assetOwners: For a market task: the owner key of each of its assets.
    ///   - onRoundCreated: Receives the round's id once it is open.
    ///   - onExcluded: Receives each participant excluded for its claim.
    /// - Throws: `FederatedRunError`: `.secAgg(.tooFewSurvivors…)` when fewer than the threshold
    ///   survive a step (no aggregate is released), `.relay` when the node refuses, `.missingOwner`
    ///   when `assetOwners` lacks one of the market task's assets.
    public func run(
        job: FederatedJob, owners: Int, assetOwners: [Int: Signing.PublicKey] = [:],
        onRoundCreated: @Sendable (String) -> Void = { _ in },
        onExcluded: @Sendable (FederatedExclusion) -> Void = { _ in }
    ) async throws(FederatedRunError) -> Report {
        let plan = try job.plan(owners: owners)
        var claims: ClaimCheck?
        if let market = job.market {
            guard market.isWellFormed else { throw .invalidJob }
            if let missing = market.assets.first(where: { assetOwners[$0] == nil }) { throw .missingOwner(missing) }
            claims = ClaimCheck(task: market, owners: assetOwners)
        }
        var excluded: [FederatedExclusion] = []
        let round: String
        do {
            round = try await client.createRound(
                coordinator: key.publicKey, participants: owners, job: job.encoded,
                lifetime: UInt64(joinTimeout + 5 * stepTimeout + 60))
        } catch {
            throw .relay(error)
        }
        onRoundCreated(round)
        var server = SecAggServer(config: plan.config)
        var rejected: [(from: UInt32, error: SecAggError)] = []
        var bytes: [UInt32: Int] = [:]

        func gather(_ step: SecAggRelayStep, expected: Int, timeout: Double) async throws(FederatedRunError)
            -> [RelayMessage]
        {
            let deadline = Date().addingTimeInterval(timeout)
            var messages: [RelayMessage] = []
            while true {
                do { messages = try await client.messages(round: round, step: step, to: 0) } catch {
                    throw .relay(error)
                }
                if messages.count >= expected || Date() >= deadline { break }
                try? await Task.sleep(nanoseconds: UInt64(pollInterval * 1e9))
            }
            return messages.filter { $0.to == 0 }.sorted { $0.from < $1.from }
        }
        func collect(
            _ step: SecAggRelayStep, expected: Int, timeout: Double,
            _ receive: (inout SecAggServer, [UInt8], UInt32) throws(SecAggError) -> Void
        ) async throws(FederatedRunError) {
            for message in try await gather(step, expected: expected, timeout: timeout) {
                do {
                    try receive(&server, message.payload, message.from)
                    bytes[message.from, default: 0] += message.payload.count
                } catch { rejected.append((message.from, error)) }
            }
        }
        func post(_ step: SecAggRelayStep, to: UInt32?, _ payload: [UInt8]) async throws(FederatedRunError) {
            do {
                try await client.postMessage(round: round, step: step, from: 0, to: to, payload: payload, key: key)
            } catch {
                throw .relay(error)
            }
        }
        // The relay authenticates senders; a message whose protocol sender differs is refused.
        func check(_ claimed: ClientID, _ sender: UInt32) throws(SecAggError) {
            guard claimed == sender else { throw .unknownSender(claimed) }
        }

        // A market round's first messages are asset claims, checked against the keys the relay lists.
        func admit(_ messages: [RelayMessage], claims: inout ClaimCheck) async throws(FederatedRunError) {
            let joined: [Signing.PublicKey]
            do { joined = try await client.round(round).joined } catch { throw .relay(error) }
            for message in messages {
                let key = message.from >= 1 && Int(message.from) <= joined.count ? joined[Int(message.from) - 1] : nil
                do throws(FederatedClaimProblem) {
                    let (asset, keys) = try claims.admit(message.payload, from: message.from, key: key)
                    do throws(SecAggError) {
                        let m = try AdvertiseKeys(serialized: keys)
                        try check(m.from, message.from)
                        try server.receive(m)
                    } catch { throw FederatedClaimProblem.refused(error) }
                    claims.accept(asset, participant: message.from)
                    bytes[message.from, default: 0] += message.payload.count
                } catch {
                    let exclusion = FederatedExclusion(participant: message.from, key: key, problem: error)
                    excluded.append(exclusion)
                    onExcluded(exclusion)
                }
            }
        }

        do {
            if var pending = claims {
                let messages = try await gather(.advertiseKeys, expected: owners, timeout: joinTimeout)
                try await admit(messages, claims: &pending)
                claims = pending
            } else {
                try await collect(.advertiseKeys, expected: owners, timeout: joinTimeout) {
                    s, p, from throws(SecAggError) in
                    let m = try AdvertiseKeys(serialized: p)
                    try check(m.from, from)
                    try s.receive(m)
                }
            }
            try await post(.keyDirectory, to: nil, try server.keyDirectory().serialized)
            try await collect(.shareKeys, expected: server.participants.advertised, timeout: stepTimeout) {
                s, p, from throws(SecAggError) in
                let m = try ShareKeys(serialized: p)
                try check(m.from, from)
                try s.receive(m)
            }
            let bundles = try server.shareBundles()
            for bundle in bundles { try await post(.shareBundle, to: bundle.to, bundle.serialized) }
            try await collect(.maskedInput, expected: bundles.count, timeout: stepTimeout) {
                s, p, from throws(SecAggError) in
                let m = try MaskedInput(serialized: p)
                try check(m.from, from)
                try s.receive(m)
            }
            let request = try server.unmaskRequest()
            try await post(.unmaskRequest, to: nil, request.serialized)
            try await collect(.unmaskResponse, expected: request.survivors.count, timeout: stepTimeout) {
                s, p, from throws(SecAggError) in
                let m = try UnmaskResponse(serialized: p)
                try check(m.from, from)
                try s.receive(m)
            }
            let survivors = request.survivors.count
            let sum = try server.aggregate()
            let sent = bytes.values.reduce(0, +)
            let result = try FederatedAnalytics.decode(
                sum: sum, plan: plan, survivors: survivors,
                bytesPerOwner: bytes.isEmpty ? 0 : Double(sent) / Double(bytes.count))
            try await post(.result, to: nil, Self.encode(result))
            let contributors = (claims?.assetOf).map { assetOf in request.survivors.compactMap { assetOf[$0] }.sorted()
            }
            return Report(
                round: round, result: result, rejected: rejected, survivors: request.survivors.sorted(), sum: sum,
                contributors: contributors ?? [], excluded: excluded)
        } catch let error as SecAggError {
            throw .secAgg(error)
        } catch let error as FederatedRunError {
            throw error
        } catch {
            throw .invalidJob
        }
    }

    /// The result message: canonical JSON `{"survivors", "owners", "value"?, "histogram"?, "epsilon"?}`
    /// with real numbers as decimal strings.
    public static func encode(_ result: AnalyticsResult) -> [UInt8] {
        var members: [(String, JSONValue)] = [
            ("survivors", .number(String(result.survivors))),
            ("owners", .number(String(result.owners))),
        ]
        if let value = result.value { members.append(("value", .string(String(value)))) }
        if let histogram = result.histogram {
            members.append(("histogram", .array(histogram.map { .string(String($0)) })))
        }
        if let epsilon = result.epsilon { members.append(("epsilon", .string(String(epsilon)))) }
        return CanonicalJSON.serialize(.object(members))
    }
}

/// An owner's agent: joins a relay round, maps its local records as the round's job asks, and runs
/// the secure-aggregation client through the relay. Only its masked vector and encrypted shares
/// leave it.
public struct FederatedOwnerAgent: Sendable {
    /// Where the agent stops, to rehearse a dropout.
    public enum Stop: Sendable, Equatable {
        /// Take part in every step.
        case never
        /// Leave after sharing keys (before the masked input: the coordinator must remove its masks).
        case afterShareKeys
        /// Leave after the masked input (before unmasking: its input still counts).
        case afterMaskedInput
    }

    /// What the agent did.
    public struct Report: Sendable {
        /// The round's id.
        public let round: String
        /// The agent's participant id.
        public let participant: UInt32
        /// Records the agent contributed.
        public let records: Int
        /// The market task's asset the agent spoke for, in a market round.
        public let asset: Int?
        /// The coordinator's result message, when the agent stayed to the end and it arrived.
        public let result: JSONValue?
    }

    /// The node.
    public let client: LedgerClient
    /// The owner's signing key.
    public let key: Signing.PrivateKey
    /// Longest wait for each step of the coordinator (and for a round to appear), in seconds.
    public var timeout: Double = 120
    /// Pause between two polls of the relay, in seconds.
    public var pollInterval: Double = 0.05
    /// Where to stop.
    public var stop: Stop = .never

    /// An agent on `client`'s node signing with `key`.
    public init(client: LedgerClient, key: Signing.PrivateKey) {
        self.client = client
        self.key = key
    }

    /// Takes part in `round` (or, when nil, in the first open round with room that appears),
    /// reading the records the job asks for with `records`.
    ///
    /// A round that runs a market task (`FederatedJob.market`) needs `asset`, the index of the
    /// task's verified asset this owner speaks for: the agent's first message is then a
    /// `FederatedAssetClaim`, authenticated by the relay with the agent's key, which the coordinator
    /// checks against the market's owner key of that asset. Without `round`, the agent waits for a
    /// market round listing `asset` when one is given, and for a round without a market task
    /// otherwise.
    /// - Parameters:
    ///   - round: The round's id, or nil to wait for one.
    ///   - asset: The market task's asset this owner speaks for (market rounds only).
    ///   - records: The owner's values for a job (the job's column; one per record).
    /// - Throws: `FederatedRunError` (`.assetRequired`, `.notAMarketRound`, `.assetNotInTask` for
    ///   an asset that does not fit the round, `.excluded` when the coordinator refused the claim);
    ///   `records`' own errors as they are.
    public func run(round: String? = nil, asset: Int? = nil, records: (FederatedJob) throws -> [Double])
        async throws -> Report
    {
        let info = try await find(round, asset: asset)
        let job = try FederatedJob(encoded: info.job)
        switch (job.market, asset) {
        case (nil, nil): break
        case (nil, .some): throw FederatedRunError.notAMarketRound
        case (.some, nil): throw FederatedRunError.assetRequired
        case (.some(let market), .some(let asset)):
            guard market.assets.contains(asset) else { throw FederatedRunError.assetNotInTask(asset) }
        }
        let plan = try job.plan(owners: info.participants)
        let values = try records(job)
        let input: [UInt64]
        do { input = try FederatedAnalytics.ownerInput(values, plan: plan) } catch {
            throw FederatedRunError.secAgg(error)
        }
        let id: UInt32
        do { id = try await client.joinRound(info.id, key: key) } catch { throw FederatedRunError.relay(error) }
        do {
            var agent = try SecAggClient(config: plan.config, id: id, input: input)
            let keys = try agent.advertiseKeys().serialized
            try await post(
                info.id, .advertiseKeys, id, asset.map { FederatedAssetClaim(asset: $0, keys: keys).serialized } ?? keys
            )
            let directory = try KeyDirectory(serialized: try await receive(info.id, .keyDirectory, id))
            if asset != nil, !directory.entries.contains(where: { $0.id == id }) { throw FederatedRunError.excluded }
            try await post(info.id, .shareKeys, id, try agent.shareKeys(directory: directory).serialized)
            if stop == .afterShareKeys {
                return Report(round: info.id, participant: id, records: values.count, asset: asset, result: nil)
            }
            let bundle = try ShareBundle(serialized: try await receive(info.id, .shareBundle, id))
            try await post(info.id, .maskedInput, id, try agent.maskedInput(bundle: bundle).serialized)
            if stop == .afterMaskedInput {
                return Report(round: info.id, participant: id, records: values.count, asset: asset, result: nil)
            }
            let request = try UnmaskRequest(serialized: try await receive(info.id, .unmaskRequest, id))
            try await post(info.id, .unmaskResponse, id, try agent.unmask(request: request).serialized)
            let result = try? CanonicalJSON.parse(try await receive(info.id, .result, id))
            return Report(round: info.id, participant: id, records: values.count, asset: asset, result: result)
        } catch let error as SecAggError {
            throw FederatedRunError.secAgg(error)
        }
    }

    func find(_ round: String?, asset: Int?) async throws(FederatedRunError) -> RelayRound {
        let deadline = Date().addingTimeInterval(timeout)
        // A round fits when the job parses and is a market round listing `asset` exactly when one is given.
        func fits(_ info: RelayRound) -> Bool {
            guard let job = try? FederatedJob(encoded: info.job) else { return false }
            guard let asset else { return job.market == nil }
            return job.market?.assets.contains(asset) == true
        }
        while true {
            do {
                if let round { return try await client.round(round) }
                if let open = try await client.rounds().first(where: {
                    ($0.joined.contains(key.publicKey) || $0.joined.count < $0.participants) && fits($0)
                }) {
                    return open
                }
            } catch { throw .relay(error) }
            guard Date() < deadline else { throw .noRound }
            try? await Task.sleep(nanoseconds: UInt64(pollInterval * 1e9))
        }
    }

    func post(_ round: String, _ step: SecAggRelayStep, _ id: UInt32, _ payload: [UInt8])
        async throws(FederatedRunError)
    {
        do { try await client.postMessage(round: round, step: step, from: id, to: 0, payload: payload, key: key) } catch
        {
            throw .relay(error)
        }
    }

    /// The coordinator's message of `step` for participant `id`, waiting up to `timeout`.
    func receive(_ round: String, _ step: SecAggRelayStep, _ id: UInt32) async throws(FederatedRunError) -> [UInt8] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let messages: [RelayMessage]
            do { messages = try await client.messages(round: round, step: step, to: id) } catch { throw .relay(error) }
            if let other = messages.first(where: { $0.from != 0 }) { throw .unexpectedSender(other.from) }
            if let message = messages.first { return message.payload }
            guard Date() < deadline else { throw .timedOut(step) }
            try? await Task.sleep(nanoseconds: UInt64(pollInterval * 1e9))
        }
    }
}
