import DataFiAMM
import DataFiAMMReplay
import DataFiBigNum
import Foundation
import PropertyBased
import Testing

@Suite struct ReplaySessionTests {
    func answer(_ session: inout AMMReplaySession, _ line: String) throws -> [String: Any] {
        let text = try session.handle(Array(line.utf8))
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func changedReportListsOnlyTouchedHolders() throws {
        var session = try AMMReplaySession()
        let first = try answer(&session, #"{"op":"mint","to":"a","amount0":"1000000","amount1":"1000000"}"#)
        #expect(first["lp"] as? [String: String] == ["0": "1000", "a": "999000"])
        let second = try answer(&session, #"{"op":"mint","to":"b","amount0":"1000000","amount1":"1000000"}"#)
        #expect(second["lp"] as? [String: String] == ["b": "1000000"])
        let sync = try answer(&session, #"{"op":"sync"}"#)
        #expect(sync["lp"] as? [String: String] == [:])
        let burn = try answer(&session, #"{"op":"burn","from":"b","liquidity":"1000000"}"#)
        #expect(burn["lp"] as? [String: String] == ["b": "0"])
    }

    @Test func allReportIsBoundedByHolderCount() throws {
        var session = try AMMReplaySession(lpReport: .all, maxReportedHolders: 5)
        _ = try answer(&session, #"{"op":"mint","to":"a","amount0":"1000000","amount1":"1000000"}"#)
        let again = try answer(&session, #"{"op":"sync"}"#)
        #expect(again["lp"] as? [String: String] == ["0": "1000", "a": "999000"])
        // Holders "0", "a" and three more: five, the limit.
        for k in 0..<3 {
            _ = try session.handle(Array(#"{"op":"mint","to":"h\#(k)","amount0":"1000","amount1":"1000"}"#.utf8))
        }
        let before = session.pair
        // A sixth holder cannot be listed: the line is refused and changes nothing.
        #expect(throws: AMMReplayLimitError.tooManyHolders(count: 6, limit: 5)) {
            try session.handle(Array(#"{"op":"mint","to":"h9","amount0":"1000","amount1":"1000"}"#.utf8))
        }
        #expect(session.pair.liquidityBalances == before.liquidityBalances)
    }

    @Test func duplicateKeysAreRefusedOnBothParsingPaths() {
        // Fast path: flat ASCII object.
        #expect(AMMFlatJSON.parse(Array(#"{"op":"sync","op":"mint"}"#.utf8)) == .duplicateKey("op"))
        #expect(throws: AMMReplayInputError.duplicateKey("to")) { try AMMReplayOperation.parse(Array(#"{"op":"mint","to":"a","to":"b","amount0":"1","amount1":"1"}"#.utf8)) }
        // Decoder path: an escape sends the line to JSONDecoder, which alone would keep one of the two.
        #expect(AMMFlatJSON.parse(Array(#"{"op":"mint","to":"\u0061","to":"b","amount0":"1","amount1":"1"}"#.utf8)) == .notFlat)
        #expect(throws: AMMReplayInputError.duplicateKey("to")) {
            try AMMReplayOperation.parse(Array(#"{"op":"mint","to":"\u0061","to":"b","amount0":"1","amount1":"1"}"#.utf8))
        }
        #expect(throws: AMMReplayInputError.duplicateKey("to")) {
            try AMMReplayOperation.parse(Array(#"{"op":"mint","\u0074o":"a","to":"b","amount0":"1","amount1":"1"}"#.utf8))
        }
    }

    @Test func fastPathAndDecoderAgree() async {
        let ops = [#"{"op":"sync"}"#, #"{"op":"advanceTime","seconds":5}"#, #"{"op":"skim","to":"x"}"#,
                   #"{"op":"mint","to":"a","amount0":"10","amount1":"20"}"#, #"{"op":"setFeeTo","to":null}"#]
        for line in ops {
            guard case .fields(let fast) = AMMFlatJSON.parse(Array(line.utf8)) else { Issue.record("not flat: \(line)"); continue }
            let slow = try? JSONDecoder().decode([String: AMMJSONValue].self, from: Data(line.utf8))
            #expect(fast == slow)
        }
    }

    @Test func malformedFieldsHaveTypedErrors() {
        #expect(throws: AMMReplayInputError.notAnObject) { try AMMReplayOperation.parse(Array("[1]".utf8)) }
        #expect(throws: AMMReplayInputError.missingField("to")) { try AMMReplayOperation.parse(Array(#"{"op":"skim"}"#.utf8)) }
        #expect(throws: AMMReplayInputError.notAString(field: "op")) { try AMMReplayOperation.parse(Array(#"{"op":1}"#.utf8)) }
        #expect(throws: AMMReplayInputError.badAmount(field: "amount0")) {
            try AMMReplayOperation.parse(Array(#"{"op":"donate","amount0":"+5","amount1":"1"}"#.utf8))
        }
        #expect(throws: AMMReplayInputError.badSeconds) { try AMMReplayOperation.parse(Array(#"{"op":"advanceTime","seconds":-1}"#.utf8)) }
        #expect(throws: AMMReplayInputError.unknownOp("fly")) { try AMMReplayOperation.parse(Array(#"{"op":"fly"}"#.utf8)) }
    }

    @Test func malformedLinesAreBadInputAndChangeNothing() throws {
        var session = try AMMReplaySession()
        _ = try session.handle(Array(#"{"op":"mint","to":"a","amount0":"1000000","amount1":"1000000"}"#.utf8))
        let before = session.pair
        for line in ["not json", #"{"op":"fly"}"#, #"{"op":"mint","to":"a","amount0":"-1","amount1":"1"}"#,
                     #"{"op":"burn","from":"a","from":"b","liquidity":"1"}"#, "", "[]", #"{"op":"mint","to":"a","amount0":"0x10","amount1":"1"}"#] {
            let text = try session.handle(Array(line.utf8))
            #expect(text.contains("BAD_INPUT"), "\(line)")
        }
        #expect(session.pair.reserve0 == before.reserve0 && session.pair.liquidityBalances == before.liquidityBalances)
    }

    /// Random bytes never crash a session: every line gets one JSON answer.
    @Test func arbitraryLinesGetOneJSONAnswer() async throws {
        await propertyCheck(count: 200, input: Gen.uint8().array(of: 0...80)) { bytes in
            guard var session = try? AMMReplaySession() else { Issue.record("no session"); return }
            let text = try? session.handle(bytes)
            #expect(text.map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil } == true)
        }
    }
}
