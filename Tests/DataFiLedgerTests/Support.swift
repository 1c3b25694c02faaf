import DataFiLedger
import DataFiSodium
import Foundation

/// A tiny deterministic bank used to exercise the ledger without the market.
struct Bank: LedgerStateMachine, Equatable {
    enum Transaction: Codable, Sendable, Equatable {
        case mint(amount: UInt64)
        case pay(to: String, amount: UInt64)
    }

    var balances: [String: UInt64] = [:]

    init() {}

    mutating func apply(_ transaction: Transaction, signer: Signing.PublicKey, time: UInt64) -> LedgerOutcome {
        let me = signer.description
        switch transaction {
        case .mint(let amount):
            guard amount <= 1_000_000 else { return .refused(code: "mintTooLarge") }
            balances[me, default: 0] += amount
        case .pay(let to, let amount):
            guard let have = balances[me], have >= amount else { return .refused(code: "insufficientBalance") }
            balances[me] = have - amount
            balances[to, default: 0] += amount
        }
        return .applied
    }

    func snapshot() throws(LedgerError) -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return Array(try encoder.encode(balances))
        } catch { throw .state("\(error)") }
    }

    init(snapshot: [UInt8]) throws(LedgerError) {
        do { balances = try JSONDecoder().decode([String: UInt64].self, from: Data(snapshot)) } catch {
            throw .state("\(error)")
        }
    }
}

/// Reads a fixture file of transparency-dev/merkle's test data.
func fixture(_ path: String) throws -> Data {
    guard let url = Bundle.module.url(forResource: "Fixtures/merkle/" + path, withExtension: nil) else {
        throw CocoaError(.fileNoSuchFile)
    }
    return try Data(contentsOf: url)
}

/// Every fixture file under a folder of the merkle test data.
func fixtureFiles(_ folder: String) throws -> [String] {
    guard let base = Bundle.module.url(forResource: "Fixtures/merkle", withExtension: nil) else { return [] }
    let root = base.appendingPathComponent(folder)
    guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
    return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted().map { folder + "/" + $0 }
}
