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
        while let line = reader.nextLine() {
            let response: [String: Any]
            switch line {
            case .line(let bytes): response = session.handle(bytes)
            case .tooLong: response = AMMReplaySession.badInput("line longer than \(maxLineBytes) bytes")
            }
            try AMMReplaySession.emit(response)
        }
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

    static func badInput(_ message: String) -> [String: Any] {
        ["ok": false, "error": "BAD_INPUT", "message": message]
    }

    static func emit(_ object: [String: Any]) throws {
        var data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        try FileHandle.standardOutput.write(contentsOf: data)
    }

    /// Parses and applies one line; a failing operation restores the pair.
    mutating func handle(_ bytes: [UInt8]) -> [String: Any] {
        let operation: AMMReplayOperation
        do {
            operation = try decoder.decode(AMMReplayOperation.self, from: Data(bytes))
        } catch let error as AMMReplayInputError {
            return Self.badInput(error.description)
        } catch {
            return Self.badInput("not a JSON object")
        }
        let saved = pair
        do {
            let result = try apply(operation)
            return state(result: result)
        } catch let error as AMMError {
            pair = saved
            return ["ok": false, "error": error.code]
        } catch let error as AMMReplayInputError {
            pair = saved
            return Self.badInput(error.description)
        } catch {
            pair = saved
            return Self.badInput("\(error)")
        }
    }

    private mutating func apply(_ operation: AMMReplayOperation) throws -> [String: String] {
        switch operation {
        case .mint(let to, let amount0, let amount1):
            try pair.transferIn(amount0: amount0, amount1: amount1)
            return ["liquidity": try pair.mint(to: to).liquidity.description]
        case .burn(let from, let liquidity):
            try pair.transferLiquidity(from: from, to: pair.address, amount: liquidity)
            let burned = try pair.burn(to: from)
            return ["amount0": burned.amount0.description, "amount1": burned.amount1.description]
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
            return ["amount0": skimmed.amount0.description, "amount1": skimmed.amount1.description]
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

    private func state(result: [String: String]) -> [String: Any] {
        var lp: [String: String] = [:]
        for (holder, balance) in pair.liquidityBalances { lp[holder.rawValue] = balance.description }
        return [
            "ok": true,
            "reserve0": pair.reserve0.description,
            "reserve1": pair.reserve1.description,
            "totalSupply": pair.totalSupply.description,
            "kLast": pair.kLast.description,
            "price0CumulativeLast": pair.price0CumulativeLast.description,
            "price1CumulativeLast": pair.price1CumulativeLast.description,
            "blockTimestampLast": Int(pair.blockTimestampLast),
            "lp": lp,
            "result": result,
        ]
    }
}

/// A malformed replay line, with what was wrong.
struct AMMReplayInputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One parsed replay line.
enum AMMReplayOperation: Decodable {
    case mint(to: Address, amount0: UInt256, amount1: UInt256)
    case burn(from: Address, liquidity: UInt256)
    case swap(amount0In: UInt256, amount1In: UInt256, amount0Out: UInt256, amount1Out: UInt256, to: Address)
    case donate(amount0: UInt256, amount1: UInt256)
    case sync
    case skim(to: Address)
    case advanceTime(seconds: UInt64)
    case setFeeTo(Address?)

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        guard let container = try? decoder.container(keyedBy: Key.self) else {
            throw AMMReplayInputError("not a JSON object")
        }
        func string(_ name: String) throws -> String {
            let key = Key(stringValue: name)
            guard container.contains(key) else { throw AMMReplayInputError("missing field \"\(name)\"") }
            guard let value = try? container.decode(String.self, forKey: key) else {
                throw AMMReplayInputError("field \"\(name)\" must be a string")
            }
            return value
        }
        func account(_ name: String) throws -> Address { Address(try string(name)) }
        func amount(_ name: String) throws -> UInt256 {
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
            let key = Key(stringValue: "seconds")
            guard container.contains(key) else { throw AMMReplayInputError("missing field \"seconds\"") }
            if let seconds = try? container.decode(UInt64.self, forKey: key) {
                self = .advanceTime(seconds: seconds)
            } else if let text = try? container.decode(String.self, forKey: key), let seconds = UInt64(text) {
                self = .advanceTime(seconds: seconds)
            } else {
                throw AMMReplayInputError("field \"seconds\" must be an integer in 0...2^64-1")
            }
        case "setFeeTo":
            let key = Key(stringValue: "to")
            guard container.contains(key) else { throw AMMReplayInputError("missing field \"to\"") }
            if (try? container.decodeNil(forKey: key)) == true {
                self = .setFeeTo(nil)
            } else {
                self = .setFeeTo(try account("to"))
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
    mutating func nextLine() -> Line? {
        var current: [UInt8] = []
        var overlong = false
        var sawAnything = false
        while true {
            if start == end {
                if finished { break }
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
