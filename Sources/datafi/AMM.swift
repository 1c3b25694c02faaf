import ArgumentParser
import DataFiAMM
import DataFiAMMReplay
import DataFiBigNum
import DataFiSupport
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
            1600000000. A failed line changes nothing; malformed lines (not JSON, a duplicate key, a
            missing or mistyped field, longer than --max-line-bytes) get error BAD_INPUT.
            A success answer lists under "lp" the liquidity balances the line changed (--lp changed, the
            default; a balance that fell to zero is "0"), or every nonzero balance (--lp all, at most
            10000 holders: beyond that the run stops with exit 2). Answers are streamed line by line.
            """)

    @Option(name: .long, help: "Longest accepted input line in bytes, 64...16777216 (longer lines get BAD_INPUT).", transform: StrictArgument.int)
    var maxLineBytes: Int = 65_536

    @Option(name: .long, help: "LP balances in each answer: changed (default) or all.")
    var lp: String = "changed"

    func run() throws {
        guard (64...(16 << 20)).contains(maxLineBytes) else { throw CLIError("--max-line-bytes must be in 64...16777216") }
        guard let report = AMMReplayLPReport(rawValue: lp) else {
            throw CLIError("--lp must be changed or all, got \(Truncated.text(lp, 40))")
        }
        var session = try AMMReplaySession(lpReport: report)
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
            case .line(let bytes):
                do {
                    pending.append(contentsOf: try session.handle(bytes).utf8)
                } catch {
                    try flush()
                    throw CLIError("\(error)")
                }
            case .tooLong: pending.append(contentsOf: AMMReplaySession.badInput("line longer than \(maxLineBytes) bytes").utf8)
            case .failed(let code):
                try flush()
                throw CLIError("cannot read standard input: \(String(cString: strerror(code)))")
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
        abstract: "Quote one swap: --amount-in gives getAmountOut, --amount-out gives getAmountIn (JSON out).",
        discussion: "Amounts and reserves are decimal integers in 0...2^256-1 (no sign, hex or exponent).")

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
