// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiAMMReplay
import Testing

@Test func readmeExample() throws {
    var session = try AMMReplaySession()
    let minted = try session.handle(Array(#"{"op":"mint","to":"a","amount0":"1000000","amount1":"1000000"}"#.utf8))
    print(minted)   // {"ok":true,"reserve0":"1000000",…,"lp":{"0":"1000","a":"999000"},"result":{"liquidity":"999000"}}
    let twice = try session.handle(Array(#"{"op":"sync","op":"skim","to":"x"}"#.utf8))
    print(twice)    // {"ok":false,"error":"BAD_INPUT","message":"duplicate JSON key \"op\""}

    // Checks (from the readme-test comment under the example).
    #expect(minted.contains(#""lp":{"0":"1000","a":"999000"}"#))
    #expect(minted.contains(#""result":{"liquidity":"999000"}"#))
    #expect(twice == #"{"ok":false,"error":"BAD_INPUT","message":"duplicate JSON key \"op\""}"#)
}
