import Foundation
import Testing

@Suite struct DemoCLITests {
    @Test func demoIsReproducibleFromItsSeed() throws {
        let first = try CLIRunner.run(["demo", "--seed", "7"], stdin: "")
        let second = try CLIRunner.run(["demo", "--seed", "7"], stdin: "")
        #expect(first.status == 0, "\(first.stderr)")
        // The ledger's checkpoint lines ("  | ") hash the assets' random commitments; everything else repeats.
        func stable(_ text: String) -> [Substring] { text.split(separator: "\n").filter { !$0.hasPrefix("  | ") } }
        #expect(stable(first.stdout) == stable(second.stdout))
        #expect(first.stdout.split(separator: "\n").filter { $0.hasPrefix("  | ") }.count == 6)
        #expect(first.stdout.contains("the ledger's balances equal the demo's for every actor: yes"))
        #expect(first.stdout.contains("Olu's audit trail: 3 access(es), each with an inclusion proof against checkpoint size 38: verifies"))
        #expect(first.stdout.contains("ALITA: "))
        #expect(!first.stdout.contains("MISMATCH"))
        #expect(first.stdout.contains("verifies: yes"))
        #expect(first.stdout.contains("opening unpaid task 2: no paid task 2"))
        let other = try CLIRunner.run(["demo", "--seed", "8"], stdin: "")
        #expect(other.status == 0)
        #expect(other.stdout != first.stdout)
    }

    @Test func jsonLinesParseAndBalance() throws {
        let result = try CLIRunner.run(["demo", "--seed", "7", "--json"], stdin: "")
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count > 20)
        var kinds: Set<String> = [], audits = 0
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let kind = try #require(object["kind"] as? String)
            kinds.insert(kind)
            if kind == "audit" {
                audits += 1
                #expect((object["fields"] as? [String: String])?["balanced"] == "true")
            }
        }
        #expect(kinds.isSuperset(of: ["step", "event", "snapshot", "foundation", "audit", "note"]))
        #expect(audits == 4)   // ALITA, ENERGY, HEALTH, MOBILITY
        #expect(kinds.contains("ledger") && kinds.contains("checkpoint"))
        let again = try CLIRunner.run(["demo", "--seed", "7", "--json"], stdin: "")
        func stable(_ text: String) -> [Substring] { text.split(separator: "\n").filter { !$0.contains("\"kind\":\"checkpoint\"") } }
        #expect(stable(again.stdout) == stable(result.stdout))
    }

    @Test func demoKeepsItsLedgerWhenAsked() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let path = dir.appendingPathComponent("demo.sqlite").path
        let result = try CLIRunner.run(["demo", "--ledger", path], stdin: "")
        #expect(result.status == 0, "\(result.stderr)")
        let verify = try CLIRunner.run(["ledger", "verify", "--store", path])
        #expect(verify.status == 0 && verify.stdout.contains("\"verified\":38"))
        #expect(try CLIRunner.run(["demo", "--ledger", path], stdin: "").status == 2)
    }

    @Test func badSeedIsAUsageError() throws {
        let result = try CLIRunner.run(["demo", "--seed", "-1"], stdin: "")
        #expect(result.status != 0)
    }
}
