import DataFiAMM
import DataFiBigNum
import DataFiSupport
import Foundation

// The replay engine behind `datafi amm replay`: JSON Lines of pair operations in, one JSON answer per line
// out. A library so that it is tested (and usable) without the command line.

// MARK: - Replay session

/// Which liquidity-token balances a success answer lists under `"lp"`.
public enum AMMReplayLPReport: String, Sendable, CaseIterable {
    /// The balances the operation changed (a balance that fell to zero is listed as "0"): the answer's
    /// size does not grow with the number of holders.
    case changed
    /// Every nonzero balance, in every answer: output grows with holders × lines, so it is bounded by
    /// `AMMReplaySession.maxReportedHolders`.
    case all
}

/// A replay line that cannot be answered in the chosen output form.
public enum AMMReplayLimitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `--lp all` with more holders than the limit.
    case tooManyHolders(count: Int, limit: Int)

    /// One line for people: what is wrong (and where, when known).
    public var description: String {
        switch self {
        case let .tooManyHolders(count, limit):
            return "the pair has \(count) liquidity holders, more than the limit of \(limit) for listing them all in every answer (use the changed-balances report)"
        }
    }
}

/// One Uniswap V2 pair and its clock, driven by JSON lines: each line is one operation, each answer one
/// JSON object (see `handle(_:)`). The pair's address is "pair", its tokens "token0" and "token1"; block
/// time starts at `startTime`. A failed line changes nothing.
public struct AMMReplaySession {
    /// The block time before any `advanceTime`, in seconds since 1970.
    public static let startTime: UInt64 = 1_600_000_000
    /// The default bound on holders listed in an answer with `AMMReplayLPReport.all`.
    public static let defaultMaxReportedHolders = 10_000
    /// Most holders listed in an answer with `AMMReplayLPReport.all`.
    public let maxReportedHolders: Int
    /// The pair being replayed.
    public private(set) var pair: Pair
    /// Which balances success answers list.
    public let lpReport: AMMReplayLPReport
    private let decoder = JSONDecoder()

    /// A fresh pair with no liquidity.
    /// - Throws: `AMMError` (never for the fixed addresses used here).
    public init(lpReport: AMMReplayLPReport = .changed,
                maxReportedHolders: Int = AMMReplaySession.defaultMaxReportedHolders) throws {
        precondition(maxReportedHolders > 0, "maxReportedHolders must be positive")
        pair = try Pair(address: "pair", token0: "token0", token1: "token1", blockTimestamp: Self.startTime)
        self.lpReport = lpReport
        self.maxReportedHolders = maxReportedHolders
    }

    /// The answer to a malformed line: `{"ok":false,"error":"BAD_INPUT","message":…}`.
    public static func badInput(_ message: String) -> String {
        #"{"ok":false,"error":"BAD_INPUT","message":"# + AMMJSON.quoted(message) + "}"
    }

    static func failure(_ code: String) -> String {
        #"{"ok":false,"error":"# + AMMJSON.quoted(code) + "}"
    }

    /// Parses and applies one line and returns its one-line JSON answer: on success
    /// `{"ok":true,"reserve0":…,…,"lp":{holder:balance…},"result":{…}}`, on a failed operation
    /// `{"ok":false,"error":CODE}` (Uniswap's revert reason, nothing changed), on a malformed line
    /// (not JSON, a duplicate key, a missing or mistyped field) `{"ok":false,"error":"BAD_INPUT","message":…}`.
    /// - Throws: `AMMReplayLimitError` when the answer cannot be given in the chosen `lpReport` form.
    public mutating func handle(_ bytes: [UInt8]) throws(AMMReplayLimitError) -> String {
        let operation: AMMReplayOperation
        do {
            operation = try AMMReplayOperation.parse(bytes, decoder: decoder)
        } catch {
            return Self.badInput(error.description)
        }
        let saved = pair
        let watched = lpReport == .changed ? watchedHolders(operation) : []
        let before = watched.map { pair.liquidityBalance(of: $0) }
        do {
            let result = try apply(operation)
            var holders: [(Address, UInt256)]
            switch lpReport {
            case .changed:
                holders = []
                for (holder, old) in zip(watched, before) {
                    let now = pair.liquidityBalance(of: holder)
                    if now != old { holders.append((holder, now)) }
                }
            case .all:
                guard pair.liquidityBalances.count <= maxReportedHolders else {
                    throw AMMReplayLimitError.tooManyHolders(count: pair.liquidityBalances.count, limit: maxReportedHolders)
                }
                holders = pair.liquidityBalances.map { ($0.key, $0.value) }
            }
            holders.sort { $0.0 < $1.0 }
            return state(result: result, holders: holders)
        } catch let error as AMMReplayLimitError {
            pair = saved
            throw error
        } catch let error as AMMError {
            pair = saved
            return Self.failure(error.code)
        } catch let error as AMMReplayInputError {
            pair = saved
            return Self.badInput(error.description)
        } catch {
            pair = saved
            return Self.badInput("\(error)")
        }
    }

    /// The holders whose balance `operation` can change: its accounts, the pair, the fee recipient and
    /// the zero address (minimum liquidity).
    private func watchedHolders(_ operation: AMMReplayOperation) -> [Address] {
        var set: Set<Address> = [pair.address, .zero]
        if let feeTo = pair.feeTo { set.insert(feeTo) }
        switch operation {
        case .mint(let to, _, _): set.insert(to)
        case .burn(let from, _): set.insert(from)
        case .swap(_, _, _, _, let to): set.insert(to)
        case .skim(let to): set.insert(to)
        case .setFeeTo(let to): if let to { set.insert(to) }
        case .donate, .sync, .advanceTime: break
        }
        return Array(set)
    }

    private mutating func apply(_ operation: AMMReplayOperation) throws -> KeyValuePairs<String, UInt256> {
        switch operation {
        case .mint(let to, let amount0, let amount1):
            try pair.transferIn(amount0: amount0, amount1: amount1)
            return ["liquidity": try pair.mint(to: to).liquidity]
        case .burn(let from, let liquidity):
            try pair.transferLiquidity(from: from, to: pair.address, amount: liquidity)
            let burned = try pair.burn(to: from)
            return ["amount0": burned.amount0, "amount1": burned.amount1]
        case .swap(let amount0In, let amount1In, let amount0Out, let amount1Out, let to):
            try pair.transferIn(amount0: amount0In, amount1: amount1In)
            try pair.swap(amount0Out: amount0Out, amount1Out: amount1Out, to: to)
            return [:]
        case .donate(let amount0, let amount1):
            try pair.transferIn(amount0: amount0, amount1: amount1)
            return [:]
        case .sync:
            try pair.sync()
            return [:]
        case .skim(let to):
            let skimmed = try pair.skim(to: to)
            return ["amount0": skimmed.amount0, "amount1": skimmed.amount1]
        case .advanceTime(let seconds):
            let (time, overflow) = pair.blockTimestamp.addingReportingOverflow(seconds)
            guard !overflow else { throw AMMReplayInputError.timeOverflow }
            pair.blockTimestamp = time
            return [:]
        case .setFeeTo(let to):
            pair.feeTo = to
            return [:]
        }
    }

    /// The success line: the pair's state, the reported LP balances (sorted by holder) and the result.
    private func state(result: KeyValuePairs<String, UInt256>, holders: [(Address, UInt256)]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(640)
        out.append(contentsOf: #"{"ok":true"#.utf8)
        let fields: KeyValuePairs<String, UInt256> = [
            "reserve0": pair.reserve0, "reserve1": pair.reserve1, "totalSupply": pair.totalSupply,
            "kLast": pair.kLast, "price0CumulativeLast": pair.price0CumulativeLast,
            "price1CumulativeLast": pair.price1CumulativeLast,
        ]
        for (key, value) in fields {
            out.append(contentsOf: #",""#.utf8)
            out.append(contentsOf: key.utf8)
            out.append(contentsOf: #"":"#.utf8)
            AMMJSON.appendDecimalString(value, to: &out)
        }
        out.append(contentsOf: #","blockTimestampLast":"#.utf8)
        out.append(contentsOf: String(pair.blockTimestampLast).utf8)
        out.append(contentsOf: #","lp":{"#.utf8)
        for (index, (holder, balance)) in holders.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            AMMJSON.appendQuoted(holder.rawValue, to: &out)
            out.append(UInt8(ascii: ":"))
            AMMJSON.appendDecimalString(balance, to: &out)
        }
        out.append(contentsOf: #"},"result":{"#.utf8)
        for (index, (key, value)) in result.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            AMMJSON.appendQuoted(key, to: &out)
            out.append(UInt8(ascii: ":"))
            AMMJSON.appendDecimalString(value, to: &out)
        }
        out.append(contentsOf: "}}".utf8)
        return String(decoding: out, as: UTF8.self)
    }
}

/// Minimal JSON text output for the replay's fixed shapes.
public enum AMMJSON {
    /// `text` as a JSON string literal (quotes, backslashes and control characters escaped).
    public static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        appendQuoted(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text` as a JSON string literal.
    public static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        let hexDigits = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 15)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends `value` in decimal, in quotes.
    public static func appendDecimalString(_ value: UInt256, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: value.description.utf8)
        out.append(UInt8(ascii: "\""))
    }
}

/// Why a replay line is malformed (answered with `BAD_INPUT`).
public enum AMMReplayInputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The line is not one JSON object.
    case notAnObject
    /// The object names a key twice.
    case duplicateKey(String)
    /// Objects or arrays nest too deep.
    case tooDeep(limit: Int)
    /// A required field is missing.
    case missingField(String)
    /// A field that must be a string is not.
    case notAString(field: String)
    /// An amount field is not a decimal integer in 0...2^256-1.
    case badAmount(field: String)
    /// `seconds` is not an integer in 0...2^64-1.
    case badSeconds
    /// The block time would pass 2^64 - 1.
    case timeOverflow
    /// `op` names no operation (shortened to 64 characters).
    case unknownOp(String)

    /// One line for people: what is wrong.
    public var description: String {
        switch self {
        case .notAnObject: return "not a JSON object"
        case .duplicateKey(let key): return JSONKeyError.duplicateKey(key).description
        case .tooDeep(let limit): return JSONKeyError.tooDeep(limit: limit).description
        case .missingField(let name): return "missing field \"\(name)\""
        case .notAString(let name): return "field \"\(name)\" must be a string"
        case .badAmount(let name): return "field \"\(name)\" must be a decimal integer in 0...2^256-1"
        case .badSeconds: return "field \"seconds\" must be an integer in 0...2^64-1"
        case .timeOverflow: return "block time would exceed 2^64 - 1"
        case .unknownOp(let op): return "unknown op \"\(op)\""
        }
    }
}

/// A top-level field value of a replay line, as far as the replay cares.
public enum AMMJSONValue: Decodable, Equatable, Sendable {
    /// A string.
    case string(String)
    /// A non-negative integer up to 2^64 − 1.
    case unsigned(UInt64)
    /// `null`.
    case null
    /// Anything else: a negative, fractional or huge number, a boolean, an array or an object.
    case other

    /// Decodes one JSON value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let number = try? container.decode(UInt64.self) {
            self = .unsigned(number)
        } else {
            self = .other
        }
    }
}

/// A conservative parser for the common replay line: one flat JSON object whose values are ASCII
/// strings without escapes, non-negative integers or null. Anything else returns `.notFlat`, and the
/// line goes to `JSONDecoder` instead, so this never accepts what JSON rejects. A repeated key is
/// refused here as on the decoder path.
public enum AMMFlatJSON {
    /// The outcome of the fast path.
    public enum Outcome: Equatable, Sendable {
        /// The line's fields.
        case fields([String: AMMJSONValue])
        /// Not a line the fast path handles; decode it with `JSONDecoder`.
        case notFlat
        /// The object names this key twice.
        case duplicateKey(String)
    }

    /// Parses one line (see the type's description).
    public static func parse(_ bytes: [UInt8]) -> Outcome {
        parseFields(bytes)
    }

    private static func parseFields(_ bytes: [UInt8]) -> Outcome {
        var fields: [String: AMMJSONValue] = [:]
        var index = 0
        let count = bytes.count
        func skipSpace() {
            while index < count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
                index += 1
            }
        }
        func plainString() -> String? {
            guard index < count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            let start = index
            while index < count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return String(decoding: bytes[start..<(index - 1)], as: UTF8.self)
                }
                // Escapes, control characters and non-ASCII text are left to JSONDecoder.
                if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return nil }
                index += 1
            }
            return nil
        }
        skipSpace()
        guard index < count, bytes[index] == UInt8(ascii: "{") else { return .notFlat }
        index += 1
        skipSpace()
        if index < count, bytes[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipSpace()
                guard let key = plainString() else { return .notFlat }
                guard fields[key] == nil else { return .duplicateKey(key) }
                skipSpace()
                guard index < count, bytes[index] == UInt8(ascii: ":") else { return .notFlat }
                index += 1
                skipSpace()
                guard index < count else { return .notFlat }
                let first = bytes[index]
                if first == UInt8(ascii: "\"") {
                    guard let value = plainString() else { return .notFlat }
                    fields[key] = .string(value)
                } else if first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") {
                    let start = index
                    while index < count, bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") { index += 1 }
                    // Leading zeros, fractions and exponents are left to JSONDecoder.
                    if index - start > 1 && first == UInt8(ascii: "0") { return .notFlat }
                    if index < count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
                        return .notFlat
                    }
                    guard let number = UInt64(String(decoding: bytes[start..<index], as: UTF8.self)) else { return .notFlat }
                    fields[key] = .unsigned(number)
                } else if bytes[index...].starts(with: "null".utf8) {
                    index += 4
                    fields[key] = .null
                } else {
                    return .notFlat
                }
                skipSpace()
                guard index < count else { return .notFlat }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "}") else { return .notFlat }
                index += 1
                break
            }
        }
        skipSpace()
        return index == count ? .fields(fields) : .notFlat
    }
}

/// One parsed replay line.
public enum AMMReplayOperation: Equatable, Sendable {
    /// Transfer both amounts in, then mint liquidity to `to`.
    case mint(to: Address, amount0: UInt256, amount1: UInt256)
    /// Move `liquidity` from `from` to the pair, then burn it to `from`.
    case burn(from: Address, liquidity: UInt256)
    /// Transfer the inputs in, then swap the outputs to `to`.
    case swap(amount0In: UInt256, amount1In: UInt256, amount0Out: UInt256, amount1Out: UInt256, to: Address)
    /// Transfer tokens in without minting (settled by a later `sync` or `skim`).
    case donate(amount0: UInt256, amount1: UInt256)
    /// Set the reserves to the balances.
    case sync
    /// Send the balances above the reserves to `to`.
    case skim(to: Address)
    /// Move block time forward.
    case advanceTime(seconds: UInt64)
    /// Turn the protocol fee on (to an address) or off (nil).
    case setFeeTo(Address?)

    /// Parses one line: the flat fast path, else `JSONDecoder`; both refuse a duplicate key.
    /// - Throws: `AMMReplayInputError` naming what is wrong.
    public static func parse(_ bytes: [UInt8], decoder: JSONDecoder = JSONDecoder()) throws(AMMReplayInputError) -> AMMReplayOperation {
        switch AMMFlatJSON.parse(bytes) {
        case .fields(let fields): return try AMMReplayOperation(fields: fields)
        case .duplicateKey(let key): throw .duplicateKey(key)
        case .notFlat: break
        }
        do { try JSONKeys.check(bytes) } catch {
            switch error {
            case .duplicateKey(let key): throw .duplicateKey(key)
            case .tooDeep(let limit): throw .tooDeep(limit: limit)
            }
        }
        guard let fields = try? decoder.decode([String: AMMJSONValue].self, from: Data(bytes)) else {
            throw .notAnObject
        }
        return try AMMReplayOperation(fields: fields)
    }

    /// The operation the fields describe.
    /// - Throws: `AMMReplayInputError` for a missing, mistyped or out-of-range field or an unknown op.
    public init(fields: [String: AMMJSONValue]) throws(AMMReplayInputError) {
        func string(_ name: String) throws(AMMReplayInputError) -> String {
            guard let value = fields[name] else { throw .missingField(name) }
            guard case .string(let text) = value else { throw .notAString(field: name) }
            return text
        }
        func account(_ name: String) throws(AMMReplayInputError) -> Address { Address(try string(name)) }
        func amount(_ name: String) throws(AMMReplayInputError) -> UInt256 {
            let text = try string(name)
            do {
                return try UInt256(decimalString: text)
            } catch {
                throw .badAmount(field: name)
            }
        }
        let op = try string("op")
        switch op {
        case "mint":
            self = .mint(to: try account("to"), amount0: try amount("amount0"), amount1: try amount("amount1"))
        case "burn":
            self = .burn(from: try account("from"), liquidity: try amount("liquidity"))
        case "swap":
            self = .swap(amount0In: try amount("amount0In"), amount1In: try amount("amount1In"),
                         amount0Out: try amount("amount0Out"), amount1Out: try amount("amount1Out"),
                         to: try account("to"))
        case "donate":
            self = .donate(amount0: try amount("amount0"), amount1: try amount("amount1"))
        case "sync":
            self = .sync
        case "skim":
            self = .skim(to: try account("to"))
        case "advanceTime":
            switch fields["seconds"] {
            case nil: throw .missingField("seconds")
            case .unsigned(let seconds)?: self = .advanceTime(seconds: seconds)
            case .string(let text)? where UInt64(text) != nil: self = .advanceTime(seconds: UInt64(text) ?? 0)
            default: throw .badSeconds
            }
        case "setFeeTo":
            switch fields["to"] {
            case nil: throw .missingField("to")
            case .null?: self = .setFeeTo(nil)
            default: self = .setFeeTo(try account("to"))
            }
        default:
            throw .unknownOp(String(op.prefix(64)))
        }
    }
}

// MARK: - Bounded line reader

/// Reads lines from a file descriptor in chunks without holding more than one bounded line.
public struct AMMLineReader {
    /// One input line.
    public enum Line: Equatable, Sendable {
        /// A line without its line feed (and a trailing carriage return).
        case line([UInt8])
        /// A line longer than the limit (its bytes were skipped).
        case tooLong
        /// Reading failed (a closed or unreadable descriptor); `errno` says why. Nothing more is read.
        case failed(errno: Int32)
    }

    private let fileDescriptor: Int32
    private let maxLineBytes: Int
    private var buffer = [UInt8](repeating: 0, count: 65_536)
    private var start = 0
    private var end = 0
    private var finished = false

    /// A reader of `fileDescriptor` (not closed by the reader) refusing lines longer than `maxLineBytes`.
    public init(fileDescriptor: Int32, maxLineBytes: Int) {
        precondition(maxLineBytes > 0, "maxLineBytes must be positive")
        self.fileDescriptor = fileDescriptor
        self.maxLineBytes = maxLineBytes
    }

    /// The next line (without its newline and a trailing carriage return), or nil at end of input.
    /// Calls `beforeWaiting` before each read from the file descriptor.
    public mutating func nextLine(beforeWaiting: () throws -> Void) rethrows -> Line? {
        var current: [UInt8] = []
        var overlong = false
        var sawAnything = false
        while true {
            if start == end {
                if finished { break }
                try beforeWaiting()
                let count = buffer.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count < 0 {
                    finished = true
                    return .failed(errno: errno)
                }
                if count == 0 {
                    finished = true
                    break
                }
                start = 0
                end = count
            }
            sawAnything = true
            if let newline = buffer[start..<end].firstIndex(of: 0x0A) {
                append(buffer[start..<newline], to: &current, overlong: &overlong)
                start = newline + 1
                return finish(current, overlong: overlong)
            }
            append(buffer[start..<end], to: &current, overlong: &overlong)
            start = end
        }
        guard sawAnything, overlong || !current.isEmpty else { return nil }
        return finish(current, overlong: overlong)
    }

    private func append(_ bytes: ArraySlice<UInt8>, to current: inout [UInt8], overlong: inout Bool) {
        if overlong { return }
        // One spare byte for a trailing carriage return.
        if current.count + bytes.count > maxLineBytes + 1 {
            overlong = true
            current = []
        } else {
            current.append(contentsOf: bytes)
        }
    }

    private func finish(_ line: [UInt8], overlong: Bool) -> Line {
        var line = line
        if line.last == 0x0D { line.removeLast() }
        if overlong || line.count > maxLineBytes { return .tooLong }
        return .line(line)
    }
}
