// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiSupport
import Testing

@Test func readmeExample() throws {
    let table = try CSVReader.table(Array("\u{FEFF}name,income\r\n\"Doe, J\",1200\r\n".utf8))
    print(table.header, table.records)      // ["name", "income"] [["Doe, J", "1200"]]
    print(DecimalText.double("0x10") as Any) // nil
    do {
        _ = try CSVReader.table(Array("a,b\n1,2,3\n".utf8))
    } catch {
        print(error)                         // CSV line 2: expected 2 fields, found 3
    }

    // Checks (from the readme-test comment under the example).
    #expect(table.header == ["name", "income"] && table.records == [["Doe, J", "1200"]])
    #expect(DecimalText.double("0x10") == nil)
    #expect(throws: CSVError.raggedRecord(line: 2, expected: 2, found: 3)) { try CSVReader.table(Array("a,b\n1,2,3\n".utf8)) }
    #expect(CSVError.raggedRecord(line: 2, expected: 2, found: 3).description == "CSV line 2: expected 2 fields, found 3")
}
