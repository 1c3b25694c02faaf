import Foundation
import Testing

/// End-to-end tests of `datafi amm replay` and `datafi amm quote`.
@Suite struct AMMCLITests {
    static let e18 = "000000000000000000"

    /// Runs a replay and returns one parsed JSON object per output line.
    func replay(_ lines: [String]) throws -> [[String: Any]] {
        // These expectations list every holder: the form of `--lp all` (the default lists changed balances).
        let result = try CLIRunner.run(["amm", "replay", "--lp", "all"], stdin: lines.joined(separator: "\n") + "\n")
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let outputs = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        return try outputs.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any])
        }
    }

    @Test func specMintAndSwap() throws {
        let out = try replay([
            #"{"op":"mint","to":"wallet","amount0":"5\#(Self.e18)","amount1":"10\#(Self.e18)"}"#,
            // v2-core getInputPrice:0 — one wei more than the answer breaks K, the answer passes.
            #"{"op":"swap","amount0In":"1\#(Self.e18)","amount1In":"0","amount0Out":"0","amount1Out":"1662497915624478907","to":"wallet"}"#,
            #"{"op":"swap","amount0In":"1\#(Self.e18)","amount1In":"0","amount0Out":"0","amount1Out":"1662497915624478906","to":"wallet"}"#,
        ])
        #expect(out.count == 3)
        #expect(out[0]["ok"] as? Bool == true)
        #expect((out[0]["result"] as? [String: String])?["liquidity"] == "7071067811865474244")
        #expect((out[0]["lp"] as? [String: String]) == ["0": "1000", "wallet": "7071067811865474244"])
        #expect(out[1]["ok"] as? Bool == false && out[1]["error"] as? String == "K")
        #expect(out[2]["reserve0"] as? String == "6\(Self.e18)")
        #expect(out[2]["reserve1"] as? String == "8337502084375521094")
        #expect(out[2]["blockTimestampLast"] as? Int == 1_600_000_000)
    }

    @Test func specFeeToOn() throws {
        let out = try replay([
            #"{"op":"setFeeTo","to":"other"}"#,
            #"{"op":"mint","to":"wallet","amount0":"1000\#(Self.e18)","amount1":"1000\#(Self.e18)"}"#,
            #"{"op":"swap","amount0In":"0","amount1In":"1\#(Self.e18)","amount0Out":"996006981039903216","amount1Out":"0","to":"wallet"}"#,
            #"{"op":"burn","from":"wallet","liquidity":"999999999999999999000"}"#,
            #"{"op":"setFeeTo","to":null}"#,
        ])
        #expect(out.allSatisfy { $0["ok"] as? Bool == true })
        #expect(out[1]["kLast"] as? String == "1000000\(Self.e18)\(Self.e18)")
        #expect(out[3]["totalSupply"] as? String == "249750499252388")
        #expect((out[3]["lp"] as? [String: String]) == ["0": "1000", "other": "249750499251388"])
        #expect(out[3]["reserve0"] as? String == "249501683698445")
        #expect(out[3]["reserve1"] as? String == "250000187313969")
    }

    @Test func failingLineChangesNothing() throws {
        let out = try replay([
            #"{"op":"mint","to":"a","amount0":"1000000","amount1":"1000000"}"#,
            // Pays 500 in, asks far too much: K fails and the 500 must not stay in the pair.
            #"{"op":"swap","amount0In":"500","amount1In":"0","amount0Out":"0","amount1Out":"900","to":"b"}"#,
            #"{"op":"skim","to":"c"}"#,
            // A burn larger than the balance fails and the LP transfer is undone.
            #"{"op":"burn","from":"a","liquidity":"999001"}"#,
            #"{"op":"advanceTime","seconds":60}"#,
            #"{"op":"sync"}"#,
        ])
        #expect(out[1]["error"] as? String == "K")
        #expect((out[2]["result"] as? [String: String]) == ["amount0": "0", "amount1": "0"])
        #expect(out[3]["error"] as? String == "MATH_UNDERFLOW")
        #expect((out[5]["lp"] as? [String: String]) == ["0": "1000", "a": "999000"])
        #expect(out[5]["reserve0"] as? String == "1000000")
        #expect(out[5]["blockTimestampLast"] as? Int == 1_600_000_060)
        // One second-price of 1.0 for 60 seconds: 60 · 2^112.
        #expect(out[5]["price0CumulativeLast"] as? String == "311537811512089657711829779753205760")
    }

    @Test func errorCodesAndDonations() throws {
        let out = try replay([
            #"{"op":"mint","to":"a","amount0":"999","amount1":"1000"}"#,
            #"{"op":"mint","to":"a","amount0":"1000","amount1":"1000"}"#,
            #"{"op":"mint","to":"a","amount0":"5192296858534827628530496329220096","amount1":"1000000"}"#,
            #"{"op":"mint","to":"a","amount0":"10000","amount1":"10000"}"#,
            #"{"op":"swap","amount0In":"0","amount1In":"0","amount0Out":"0","amount1Out":"0","to":"b"}"#,
            #"{"op":"swap","amount0In":"0","amount1In":"0","amount0Out":"10000","amount1Out":"0","to":"b"}"#,
            #"{"op":"swap","amount0In":"10","amount1In":"0","amount0Out":"0","amount1Out":"1","to":"token1"}"#,
            #"{"op":"swap","amount0In":"0","amount1In":"0","amount0Out":"0","amount1Out":"1","to":"b"}"#,
            #"{"op":"burn","from":"nobody","liquidity":"0"}"#,
            #"{"op":"donate","amount0":"7","amount1":"9"}"#,
            #"{"op":"skim","to":"c"}"#,
            #"{"op":"donate","amount0":"5192296858534827628530496329220096","amount1":"0"}"#,
            #"{"op":"sync"}"#,
        ])
        let codes = out.map { ($0["ok"] as? Bool == true) ? "ok" : ($0["error"] as? String ?? "?") }
        #expect(codes == ["MATH_UNDERFLOW", "INSUFFICIENT_LIQUIDITY_MINTED", "OVERFLOW", "ok",
                          "INSUFFICIENT_OUTPUT_AMOUNT", "INSUFFICIENT_LIQUIDITY", "INVALID_TO",
                          "INSUFFICIENT_INPUT_AMOUNT", "INSUFFICIENT_LIQUIDITY_BURNED", "ok", "ok", "ok", "OVERFLOW"])
        #expect((out[10]["result"] as? [String: String]) == ["amount0": "7", "amount1": "9"])
    }

    @Test func malformedLinesGetBadInputAndTheReplayGoesOn() throws {
        let huge = #"{"op":"sync","pad":""# + String(repeating: "x", count: 70_000) + #""}"#
        let lines = [
            "not json",
            "",
            "[1,2,3]",
            #"{"op":"fly"}"#,
            #"{"to":"a"}"#,
            #"{"op":"mint","to":"a","amount0":"1"}"#,
            #"{"op":"mint","to":"a","amount0":"-1","amount1":"1"}"#,
            #"{"op":"mint","to":"a","amount0":1000,"amount1":"1000"}"#,
            #"{"op":"mint","to":"a","amount0":"1e6","amount1":"1000"}"#,
            #"{"op":"mint","to":"a","amount0":"115792089237316195423570985008687907853269984665640564039457584007913129639936","amount1":"1"}"#,
            #"{"op":"mint","to":"a","amount0":"\#(String(repeating: "9", count: 500))","amount1":"1"}"#,
            #"{"op":"mint","to":7,"amount0":"1","amount1":"1"}"#,
            #"{"op":"advanceTime","seconds":-5}"#,
            #"{"op":"advanceTime","seconds":1.5}"#,
            #"{"op":"advanceTime","seconds":18446744073709551615}"#,
            #"{"op":"setFeeTo"}"#,
            huge,
            #"{"op":"mint","to":"a","amount0":"115792089237316195423570985008687907853269984665640564039457584007913129639935","amount1":"2"}"#,
            #"{"op":"mint","to":"a","amount0":"1000000","amount1":"1000000"}"#,
        ]
        let out = try replay(lines)
        #expect(out.count == lines.count)
        for object in out.prefix(17) {
            #expect(object["ok"] as? Bool == false)
            #expect(object["error"] as? String == "BAD_INPUT", "\(object)")
            #expect((object["message"] as? String)?.isEmpty == false)
        }
        // 2^256 − 1 is a valid amount: it fails with V2's code, not BAD_INPUT.
        #expect(out[17]["error"] as? String == "MATH_OVERFLOW")
        #expect(out[18]["ok"] as? Bool == true)
        #expect((out[18]["result"] as? [String: String])?["liquidity"] == "999000")
    }

    @Test func jsonSpellingsGiveTheSameAnswers() throws {
        // The same operations, plain and in spellings only a full JSON parser reads (escapes, spaces,
        // non-ASCII, nested unknown fields, numbers as strings).
        let plain = try replay([
            #"{"op":"mint","to":"a","amount0":"1000000","amount1":"2000000"}"#,
            #"{"op":"advanceTime","seconds":60}"#,
            #"{"op":"swap","amount0In":"1000","amount1In":"0","amount0Out":"0","amount1Out":"1990","to":"b"}"#,
        ])
        let fancy = try replay([
            #" { "op" : "mint" , "to" : "\u0061", "amount0":"1000000","amount1":"2000000", "x": [1, {"y": true}] } "#,
            #"{"op":"advanceTime","seconds":"60","note":"é"}"#,
            #"{"\u006fp":"swap","amount0In":"1000","amount1In":"0","amount0Out":"0","amount1Out":"1990","to":"b","z":1.5}"#,
        ])
        #expect(plain.count == 3 && fancy.count == 3)
        for (a, b) in zip(plain, fancy) {
            let canonicalA = try JSONSerialization.data(withJSONObject: a, options: .sortedKeys)
            let canonicalB = try JSONSerialization.data(withJSONObject: b, options: .sortedKeys)
            #expect(canonicalA == canonicalB, "\(a) vs \(b)")
        }
        #expect(plain[2]["ok"] as? Bool == true)
    }

    @Test func accountNamesAreEscapedInTheOutput() throws {
        let name = "q\"b\\n\u{01}é🙂"
        let line = try String(decoding: JSONSerialization.data(withJSONObject: [
            "op": "mint", "to": name, "amount0": "1000000", "amount1": "1000000",
        ]), as: UTF8.self)
        let out = try replay([line])
        #expect((out[0]["lp"] as? [String: String])?[name] == "999000")
    }

    @Test func truncatedAndNonUTF8LinesAreBadInput() throws {
        var input = Data(#"{"op":"mint","to":"a","amount0":"1000000""#.utf8 + [0x0A])      // truncated object
        input.append(contentsOf: [0x7B, 0x22, 0x6F, 0x70, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D, 0x0A])   // {"op":"<FF FE>"}
        input.append(contentsOf: [0x00, 0x01, 0x02, 0x0A])                                        // binary
        input.append(contentsOf: Data(#"{"op":"sync"}"#.utf8))                                   // no final newline
        let result = try CLIRunner.run(["amm", "replay"], stdin: input)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        for line in lines.prefix(3) { #expect(line.contains(#""error":"BAD_INPUT""#)) }
        #expect(lines.last?.contains(#""ok":true"#) == true)
        // A line over the limit is refused without holding it; the next line still works.
        let small = try CLIRunner.run(["amm", "replay", "--max-line-bytes", "64"],
                                      stdin: String(repeating: " ", count: 100) + #"{"op":"sync"}"# + "\n" + #"{"op":"sync"}"# + "\n")
        #expect(small.stdout.split(separator: "\n").count == 2)
        #expect(small.stdout.hasPrefix(#"{"ok":false,"error":"BAD_INPUT","message":"line longer than 64 bytes"}"#))
        let badOption = try CLIRunner.run(["amm", "replay", "--max-line-bytes", "1"], stdin: "")
        #expect(badOption.status != 0)
    }

    @Test func replayStreamsLineByLine() throws {
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = ["amm", "replay"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        // Write one line and read its answer while stdin is still open.
        try input.fileHandleForWriting.write(contentsOf: Data(#"{"op":"sync"}"#.utf8 + [0x0A]))
        nonisolated(unsafe) var received = Data()
        let done = DispatchSemaphore(value: 0)
        let handle = output.fileHandleForReading
        Thread {
            while !received.contains(0x0A) {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                received.append(chunk)
            }
            done.signal()
        }.start()
        let answered = done.wait(timeout: .now() + 20) == .success
        #expect(answered, "no answer before end of input: output is not streamed")
        if !answered { process.terminate() }
        #expect(String(decoding: received, as: UTF8.self).contains(#""ok":true"#))
    }

    @Test func quote() throws {
        let out = try CLIRunner.run(["amm", "quote", "--amount-in", "1\(Self.e18)", "--reserve-in", "5\(Self.e18)",
                                     "--reserve-out", "10\(Self.e18)"])
        #expect(out.status == 0)
        #expect(out.stdout.contains(#""amountOut":"1662497915624478906""#))
        let back = try CLIRunner.run(["amm", "quote", "--amount-out", "1\(Self.e18)", "--reserve-in", "5\(Self.e18)",
                                      "--reserve-out", "10\(Self.e18)"])
        #expect(back.status == 0)
        #expect(back.stdout.contains(#""amountIn":"557227237267357629""#))
        let empty = try CLIRunner.run(["amm", "quote", "--amount-in", "2", "--reserve-in", "0", "--reserve-out", "100"])
        #expect(empty.status == 2 && empty.stderr.contains("INSUFFICIENT_LIQUIDITY"))
        let both = try CLIRunner.run(["amm", "quote", "--amount-in", "2", "--amount-out", "1", "--reserve-in", "1",
                                      "--reserve-out", "1"])
        #expect(both.status != 0 && !both.stderr.isEmpty)
        let bad = try CLIRunner.run(["amm", "quote", "--amount-in", "-2", "--reserve-in", "10", "--reserve-out", "10"])
        #expect(bad.status != 0 && !bad.stderr.isEmpty)
        let huge = try CLIRunner.run(["amm", "quote", "--amount-in", String(repeating: "9", count: 100),
                                      "--reserve-in", "10", "--reserve-out", "10"])
        #expect(huge.status != 0 && !huge.stderr.isEmpty)
    }
}
