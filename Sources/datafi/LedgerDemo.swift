import DataFiBigNum
import DataFiLedger
import DataFiLedgerMarket
import DataFiLedgerSQLite
import DataFiMarket
import DataFiSodium
import Foundation

/// Records the demo's transactions in a SQLite ledger, each signed by its actor's Ed25519 key.
///
/// The ledger's market mirrors the demo's: the same genesis amounts, with every named actor (the treasury,
/// and anyone who appears later, such as a validator paid by the treasury) replaced by the account of its key
/// (the key's hex), so its balances must equal the demo's name for name. Keys derive from the demo's seed.
struct DemoLedgerRecorder {
    static let origin = "demo.datafi.example/ledger"

    let path: String
    let keep: Bool
    let operatorKey: Signing.PrivateKey
    let seed: UInt64
    var keys: [AccountID: Signing.PrivateKey] = [:]
    var nonces: [AccountID: UInt64] = [:]
    var ledger: MarketLedger<SQLiteLedgerStore>
    var refusedByLedger = 0

    static func key(seed: UInt64, name: String) -> Signing.PrivateKey {
        let material = BLAKE2b.hash256(Array("datafi-demo-ledger/\(seed)/\(name)".utf8))
        // A 32-byte seed always makes a key.
        return (try? Signing.PrivateKey(seed: material)) ?? Signing.PrivateKey()
    }

    /// Creates the ledger at `path` (a temporary file when nil) with the demo's genesis.
    init(path: String?, seed: UInt64, actors: [AccountID], operatorAccount: AccountID,
         allocations: [Genesis.Allocation], treasury: AccountID, totalSupply: UInt256, computeKey: Box.PublicKey) throws {
        keep = path != nil
        self.path = path ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("datafi-demo-\(UUID().uuidString).sqlite").path
        operatorKey = Self.key(seed: seed, name: "ledger operator")
        self.seed = seed
        var keyTable: [AccountID: Signing.PrivateKey] = [:]
        for actor in actors + allocations.map(\.account) + [treasury] {
            keyTable[actor] = Self.key(seed: seed, name: actor.rawValue)
        }
        keys = keyTable
        let mapped = allocations.map { allocation in
            Genesis.Allocation(account: keyTable[allocation.account].map { AccountID(publicKey: $0.publicKey) } ?? allocation.account,
                               amount: allocation.amount)
        }
        let nodeAccount = keyTable[operatorAccount].map { AccountID(publicKey: $0.publicKey) } ?? operatorAccount
        let treasuryAccount = keyTable[treasury].map { AccountID(publicKey: $0.publicKey) } ?? treasury
        do {
            let market = try Market(genesis: Genesis(totalSupply: totalSupply, allocations: mapped, treasury: treasuryAccount,
                                                     computeOperator: nodeAccount, computeKey: computeKey))
            ledger = try MarketLedger.create(in: try SQLiteLedgerStore(path: self.path, create: true), origin: Self.origin,
                                             operatorKey: operatorKey.publicKey, genesis: MarketMachine(market: market),
                                             snapshotInterval: 8)
        } catch let error as LedgerError {
            throw CLIError("ledger: \(error)", exitCode: error.code == "already_exists" ? CLIExit.malformed : CLIExit.environment)
        }
    }

    /// The key of a demo actor; one who appears later (a stranger, a validator) gets its key from the seed too.
    mutating func key(of actor: AccountID) -> Signing.PrivateKey {
        if let key = keys[actor] { return key }
        let key = Self.key(seed: seed, name: actor.rawValue)
        keys[actor] = key
        return key
    }

    /// The ledger account of a demo actor.
    func account(_ actor: AccountID) -> AccountID {
        keys[actor].map { AccountID(publicKey: $0.publicKey) } ?? actor
    }

    /// Signs `tx` with `actor`'s key and logs it at `time`; returns whether the ledger's market applied it.
    /// An account named in `tx` (a transfer's recipient) is replaced by its ledger account.
    mutating func record(_ tx: Transaction, by actor: AccountID, at time: UInt64) throws -> Bool {
        let signer = key(of: actor)
        var tx = tx
        if case .transfer(let token, let to, let amount) = tx {
            tx = .transfer(token: token, to: AccountID(publicKey: key(of: to).publicKey), amount: amount)
        }
        let nonce = nonces[actor] ?? 0
        // A join is logged committed, its sealed asset beside it in the side table.
        let envelope = try MarketMachine.sign(tx, origin: Self.origin, nonce: nonce, deadline: time + 3600, with: signer)
        let results = try ledger.submit([envelope], at: time)
        guard case .logged(_, _, let outcome) = results[0] else { throw CLIError("ledger rejected \(actor)'s envelope") }
        nonces[actor] = nonce + 1
        if outcome != .applied { refusedByLedger += 1 }
        return outcome == .applied
    }

    /// Removes the temporary ledger file (and its WAL files) unless the caller asked to keep it.
    func cleanUp() {
        guard !keep else { return }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

nonisolated(unsafe) private var demoLedgerFailure: String?

extension MarketDemo {
    /// Logs `tx` by `account` in the demo's ledger; a failure is reported at the end of the play.
    mutating func ledgerRecord(_ tx: Transaction, by account: AccountID) {
        guard recorder != nil, demoLedgerFailure == nil else { return }
        do { _ = try recorder?.record(tx, by: account, at: time) } catch { demoLedgerFailure = "\(error)" }
    }

    /// The compute node executes task `id`; the ledger logs the transaction the node applied.
    mutating func nodeExecute(task id: UInt64, read: (ComputeNode.OpenedAsset) -> Bool = { _ in true })
        throws(MarketError) -> (opened: [ComputeNode.OpenedAsset], events: [MarketEvent])
    {
        let result = try node.execute(task: id, in: &market, at: time, read: read)
        var failed: [Int] = []
        for case .taskSettled(_, _, _, _, _, _, let excluded) in result.events { failed = excluded }
        ledgerRecord(.recordAccess(task: id, failed: failed), by: Self.operatorAccount)
        return result
    }

    /// The compute node verifies pending asset `index` of `dataset`; the ledger logs the verdict it applied.
    mutating func nodeVerify(asset index: Int, of dataset: DatasetID, inspect: (ComputeNode.OpenedAsset) -> AssetVerdict)
        throws(MarketError) -> [MarketEvent]
    {
        let (verdict, events) = try node.verify(asset: index, of: dataset, in: &market, at: time, inspect: inspect)
        ledgerRecord(.verifyAsset(dataset: dataset, asset: index, verdict: verdict), by: Self.operatorAccount)
        return events
    }

    /// Prints the ledger's signed checkpoint and verifies one owner's audit trail against it.
    mutating func ledgerSummary() throws {
        guard let recorder else { return }
        if let failure = demoLedgerFailure { throw CLIError("ledger: \(failure)", exitCode: CLIExit.environment) }
        section("The ledger: every transaction signed by its actor, a signed checkpoint, an owner's audit")
        let ledger = recorder.ledger
        let ledgerMarket = ledger.state.market
        var mismatches: [String] = []
        for actor in Self.ledgerActors {
            for token in [Self.base, Self.dataset.token, Self.mobility.token, Self.energy.token]
            where market.balance(of: actor, in: token) != ledgerMarket.balance(of: recorder.account(actor), in: token) {
                mismatches.append("\(actor) \(token)")
            }
        }
        let note: String, checkpoint: Checkpoint, audit: AccessAudit, verified: UInt64
        do {
            note = try ledger.signedCheckpoint(with: recorder.operatorKey)
            checkpoint = try Checkpoint.verify(note: note, publicKey: recorder.operatorKey.publicKey)
            audit = try ledger.accessAudit(owner: recorder.account(Self.owners[0]))
            verified = try ledger.verify()
        } catch {
            throw CLIError("ledger: \(error)", exitCode: CLIExit.environment)
        }
        let auditOK = audit.checkpoint == checkpoint && audit.verify()
        let owner = Self.owners[0]
        if json {
            emit(MarketDemoLine(step: step, kind: "ledger", fields: [
                "entries": String(ledger.size), "refused": String(recorder.refusedByLedger),
                "balancesMatch": String(mismatches.isEmpty), "verified": String(verified),
                "auditOwner": owner.rawValue, "auditAccesses": String(audit.items.count), "auditVerified": String(auditOK),
            ]))
            emit(MarketDemoLine(step: step, kind: "checkpoint", note: note))
            return
        }
        print("  \(ledger.size) entries, each an envelope signed by its actor's Ed25519 key; "
              + "\(recorder.refusedByLedger) refused by the market and logged with its error code")
        print("  the ledger's balances equal the demo's for every actor: "
              + (mismatches.isEmpty ? "yes" : "MISMATCH (\(mismatches.joined(separator: ", ")))"))
        print("  full verification (every hash, signature and the replay): \(verified) entries ok")
        print("  checkpoint signed by the operator (C2SP signed note; root and state hash cover the assets' salted")
        print("  commitments, which are random, so they differ from run to run):")
        for line in note.split(separator: "\n", omittingEmptySubsequences: false).dropLast() { print("  | " + line) }
        print("  \(owner)'s audit trail: \(audit.items.count) access(es), each with an inclusion proof against "
              + "checkpoint size \(checkpoint.size): " + (auditOK ? "verifies" : "DOES NOT VERIFY"))
        for item in audit.items {
            print("    entry \(item.entryIndex): task \(item.record.task), purpose \"\(item.record.purpose)\", "
                  + "proof of \(item.proof.count) hashes")
        }
        if recorder.keep { print("  ledger kept at \(recorder.path)") }
    }
}
