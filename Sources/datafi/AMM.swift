import ArgumentParser
import DataFiAMM
import DataFiBigNum
import Foundation

/// `datafi amm`: replay operations on a Uniswap V2 pair, and single quotes.
struct AMMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amm",
        abstract: "Constant-product pools with Uniswap V2's exact semantics.",
        subcommands: [AMMReplayCommand.self, AMMQuoteCommand.self])
}

/// `datafi amm replay`: JSON Lines in, one JSON line out per input line.
struct AMMReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay pair operations from JSON Lines on stdin; one JSON result line per input line.",
        discussion: """
            Operations (amounts are decimal strings; accounts are any strings with unlimited token0/token1):
              {"op":"mint","to":A,"amount0":X,"amount1":Y}
              {"op":"burn","from":A,"liquidity":L}
              {"op":"swap","amount0In":a,"amount1In":b,"amount0Out":c,"amount1Out":d,"to":A}
              {"op":"donate","amount0":X,"amount1":Y}
              {"op":"sync"}   {"op":"skim","to":A}   {"op":"advanceTime","seconds":N}
              {"op":"setFeeTo","to":A}   {"op":"setFeeTo","to":null}
            The tokens are "token0" and "token1", the pair's address is "pair", block time starts at
            1600000000. A failed line changes nothing; malformed lines get error BAD_INPUT.
            """)

    @Option(name: .long, help: "Longest accepted input line in bytes (longer lines get BAD_INPUT).")
    var maxLineBytes: Int = 65_536

    func run() throws {
        guard (64...(16 << 20)).contains(maxLineBytes) else { throw CLIError("--max-line-bytes must be in 64...16777216") }
        var session = try AMMReplaySession()
        var reader = AMMLineReader(fileDescriptor: 0, maxLineBytes: maxLineBytes)
        // Answers are buffered while more input is already at hand and written out before the reader
        // would wait for input, so a line-by-line client gets each answer without delay.
        var pending: [UInt8] = []
        func flush() throws {
            if pending.isEmpty { return }
            try CLIIO.writeStdout(pending)
            pending.removeAll(keepingCapacity: true)
        }
        while let line = try reader.nextLine(beforeWaiting: flush) {
            switch line {
            case .line(let bytes): pending.append(contentsOf: session.handle(bytes).utf8)
            case .tooLong: pending.append(contentsOf: AMMReplaySession.badInput("line longer than \(maxLineBytes) bytes").utf8)
            }
            pending.append(0x0A)
            if pending.count >= 1 << 16 { try flush() }
        }
        try flush()
    }
}

/// `datafi amm quote`: V2's getAmountOut / getAmountIn for one hop.
struct AMMQuoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quote",
        abstract: "Quote one swap: --amount-in gives getAmountOut, --amount-out gives getAmountIn (JSON out).")

    @Option(name: .long, help: "Exact input amount (decimal); prints amountOut.")
    var amountIn: String?
    @Option(name: .long, help: "Exact output amount (decimal); prints amountIn.")
    var amountOut: String?
    @Option(name: .long, help: "Reserve of the input token (decimal).")
    var reserveIn: String
    @Option(name: .long, help: "Reserve of the output token (decimal).")
    var reserveOut: String

    func run() throws {
        let rIn = try Self.amount(reserveIn, "--reserve-in"), rOut = try Self.amount(reserveOut, "--reserve-out")
        do {
            switch (amountIn, amountOut) {
            case (let input?, nil):
                let a = try Self.amount(input, "--amount-in")
                let out = try ConstantProduct.amountOut(amountIn: a, reserveIn: rIn, reserveOut: rOut)
                try CLIIO.printJSON(["amountIn": a.description, "amountOut": out.description])
            case (nil, let output?):
                let a = try Self.amount(output, "--amount-out")
                let needed = try ConstantProduct.amountIn(amountOut: a, reserveIn: rIn, reserveOut: rOut)
                try CLIIO.printJSON(["amountIn": needed.description, "amountOut": a.description])
            default:
                throw CLIError("give exactly one of --amount-in and --amount-out")
            }
        } catch let error as AMMError {
            throw CLIError(error.description)
        }
    }

    static func amount(_ text: String, _ name: String) throws -> UInt256 {
        guard let value = UInt256(text) else { throw CLIError("\(name): expected a decimal integer in 0...2^256-1") }
        return value
    }
}

// MARK: - Replay session

/// One pair and its clock, driven line by line.
struct AMMReplaySession {
    static let startTime: UInt64 = 1_600_000_000
    var pair: Pair
    private let decoder = JSONDecoder()

    init() throws {
        pair = try Pair(address: "pair", token0: "token0", token1: "token1", blockTimestamp: Self.startTime)
    }

    static func badInput(_ message: String) -> String {
        #"{"ok":false,"error":"BAD_INPUT","message":"# + AMMJSON.quoted(message) + "}"
    }

    static func failure(_ code: String) -> String {
        #"{"ok":false,"error":"# + AMMJSON.quoted(code) + "}"
    }

    /// Parses and applies one line (returning its JSON answer); a failing operation restores the pair.
    mutating func handle(_ bytes: [UInt8]) -> String {
        let operation: AMMReplayOperation
        do {
            operation = try AMMReplayOperation.parse(bytes, decoder: decoder)
        } catch {
            return Self.badInput(error.description)
        }
        let saved = pair
        do {
            let result = try apply(operation)
            return state(result: result)
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
            guard !overflow else { throw AMMReplayInputError("block time would exceed 2^64 - 1") }
            pair.blockTimestamp = time
            return [:]
        case .setFeeTo(let to):
            pair.feeTo = to
            return [:]
        }
    }

    /// The success line: the pair's state, every nonzero LP balance (sorted by holder) and the result.
    private func state(result: KeyValuePairs<String, UInt256>) -> String {
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
        let holders = pair.liquidityBalances.sorted { $0.key < $1.key }
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
enum AMMJSON {
    /// `text` as a JSON string literal (quotes, backslashes and control characters escaped).
    static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        appendQuoted(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text` as a JSON string literal.
    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
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
    static func appendDecimalString(_ value: UInt256, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: value.description.utf8)
        out.append(UInt8(ascii: "\""))
    }
}

/// A malformed replay line, with what was wrong.
struct AMMReplayInputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A top-level field value of a replay line, as far as the replay cares.
enum AMMJSONValue: Decodable, Equatable {
    case string(String)
    case unsigned(UInt64)
    case null
    /// Anything else: a negative, fractional or huge number, a boolean, an array or an object.
    case other

    init(from decoder: any Decoder) throws {
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
/// strings without escapes, non-negative integers or null. Anything else returns nil, and the line
/// goes to `JSONDecoder` instead, so this never accepts what JSON rejects.
enum AMMFlatJSON {
    static func parse(_ bytes: [UInt8]) -> [String: AMMJSONValue]? {
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
        guard index < count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        skipSpace()
        if index < count, bytes[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipSpace()
                guard let key = plainString() else { return nil }
                skipSpace()
                guard index < count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                skipSpace()
                guard index < count else { return nil }
                let first = bytes[index]
                if first == UInt8(ascii: "\"") {
                    guard let value = plainString() else { return nil }
                    fields[key] = .string(value)
                } else if first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") {
                    let start = index
                    while index < count, bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") { index += 1 }
                    // Leading zeros, fractions and exponents are left to JSONDecoder.
                    if index - start > 1 && first == UInt8(ascii: "0") { return nil }
                    if index < count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
                        return nil
                    }
                    guard let number = UInt64(String(decoding: bytes[start..<index], as: UTF8.self)) else { return nil }
                    fields[key] = .unsigned(number)
                } else if bytes[index...].starts(with: "null".utf8) {
                    index += 4
                    fields[key] = .null
                } else {
                    return nil
                }
                skipSpace()
                guard index < count else { return nil }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "}") else { return nil }
                index += 1
                break
            }
        }
        skipSpace()
        return index == count ? fields : nil
    }
}

/// One parsed replay line.
enum AMMReplayOperation {
    case mint(to: Address, amount0: UInt256, amount1: UInt256)
    case burn(from: Address, liquidity: UInt256)
    case swap(amount0In: UInt256, amount1In: UInt256, amount0Out: UInt256, amount1Out: UInt256, to: Address)
    case donate(amount0: UInt256, amount1: UInt256)
    case sync
    case skim(to: Address)
    case advanceTime(seconds: UInt64)
    case setFeeTo(Address?)

    /// Parses one line: the flat fast path, else `JSONDecoder`.
    static func parse(_ bytes: [UInt8], decoder: JSONDecoder) throws(AMMReplayInputError) -> AMMReplayOperation {
        if let fields = AMMFlatJSON.parse(bytes) { return try AMMReplayOperation(fields: fields) }
        guard let fields = try? decoder.decode([String: AMMJSONValue].self, from: Data(bytes)) else {
            throw AMMReplayInputError("not a JSON object")
        }
        return try AMMReplayOperation(fields: fields)
    }

    init(fields: [String: AMMJSONValue]) throws(AMMReplayInputError) {
        func string(_ name: String) throws(AMMReplayInputError) -> String {
            guard let value = fields[name] else { throw AMMReplayInputError("missing field \"\(name)\"") }
            guard case .string(let text) = value else { throw AMMReplayInputError("field \"\(name)\" must be a string") }
            return text
        }
        func account(_ name: String) throws(AMMReplayInputError) -> Address { Address(try string(name)) }
        func amount(_ name: String) throws(AMMReplayInputError) -> UInt256 {
            let text = try string(name)
            do {
                return try UInt256(decimalString: text)
            } catch {
                throw AMMReplayInputError("field \"\(name)\" must be a decimal integer in 0...2^256-1 (\(error))")
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
            case nil: throw AMMReplayInputError("missing field \"seconds\"")
            case .unsigned(let seconds)?: self = .advanceTime(seconds: seconds)
            case .string(let text)? where UInt64(text) != nil: self = .advanceTime(seconds: UInt64(text) ?? 0)
            default: throw AMMReplayInputError("field \"seconds\" must be an integer in 0...2^64-1")
            }
        case "setFeeTo":
            switch fields["to"] {
            case nil: throw AMMReplayInputError("missing field \"to\"")
            case .null?: self = .setFeeTo(nil)
            default: self = .setFeeTo(try account("to"))
            }
        default:
            throw AMMReplayInputError("unknown op \"\(op.prefix(64))\"")
        }
    }
}

// MARK: - Bounded line reader

/// Reads lines from a file descriptor in chunks without holding more than one bounded line.
struct AMMLineReader {
    enum Line {
        case line([UInt8])
        case tooLong
    }

    private let fileDescriptor: Int32
    private let maxLineBytes: Int
    private var buffer = [UInt8](repeating: 0, count: 65_536)
    private var start = 0
    private var end = 0
    private var finished = false

    init(fileDescriptor: Int32, maxLineBytes: Int) {
        self.fileDescriptor = fileDescriptor
        self.maxLineBytes = maxLineBytes
    }

    /// The next line (without its newline and a trailing carriage return), or nil at end of input.
    /// Calls `beforeWaiting` before each read from the file descriptor.
    mutating func nextLine(beforeWaiting: () throws -> Void) rethrows -> Line? {
        var current: [UInt8] = []
        var overlong = false
        var sawAnything = false
        while true {
            if start == end {
                if finished { break }
                try beforeWaiting()
                let count = buffer.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 {
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
