import DataFiCredit
import Testing

/// The one rule that decides numeric or categorical, and readable labels.
@Suite struct ColumnRuleTests {
    @Test func numericCategoricalOrRefused() throws {
        let table = try DataTable(csv: "n,c,blank,text,hex,bad\n1,a,1,1,1,0\n2.5,b,,x,0x10,1\n-3e2,a,3,3,3,0\n")
        #expect(try table.readsAsNumeric("n"))
        #expect(try !table.readsAsNumeric("c"))
        // A blank or non-numeric cell among numbers is refused with the row and value, not read as categories.
        #expect(throws: CreditError.nonNumericCell(column: "blank", row: 1, value: "")) { try table.readsAsNumeric("blank") }
        #expect(throws: CreditError.nonNumericCell(column: "text", row: 1, value: "x")) { try table.readsAsNumeric("text") }
        #expect(throws: CreditError.nonNumericCell(column: "hex", row: 1, value: "0x10")) { try table.readsAsNumeric("hex") }
        // Named as categorical, the mixed column is read as categories on purpose.
        #expect(try !table.readsAsNumeric("text", categorical: ["text"]))
        let encoder = try FeatureEncoder.fit(table, featureColumns: ["n", "text"], categorical: ["text"])
        #expect(encoder.encodedNames == ["n", "text=3", "text=x"])
        #expect(throws: CreditError.nonNumericCell(column: "blank", row: 1, value: "")) {
            try FeatureEncoder.fit(table, featureColumns: ["blank"])
        }
    }

    @Test func hugeCellsAreShortenedInErrors() throws {
        let cell = String(repeating: "z", count: 10_000)
        let table = try DataTable(csv: "v,bad\n1,0\n\(cell),1\n")
        do {
            _ = try table.readsAsNumeric("v")
            Issue.record("no error")
        } catch {
            #expect(error.description.count < 200)
        }
    }

    @Test func labelsMustBeReadable() throws {
        let target = TargetSpec(column: "bad", positive: "1")
        #expect(try target.labels(try DataTable(csv: "x,bad\n1,0\n2,1\n")) == [0, 1])
        for cell in ["", "yes", "2", " "] {
            let table = try DataTable(csv: "x,bad\n1,0\n2,\(cell)\n")
            #expect(throws: CreditError.invalidLabel(row: 1), "\(cell.debugDescription)") { try target.labels(table) }
        }
        // A named positive value: other values are negatives, a blank cell is not a label.
        let named = TargetSpec(column: "bad", positive: "default")
        #expect(try named.labels(try DataTable(csv: "x,bad\n1,paid\n2,default\n")) == [0, 1])
        #expect(throws: CreditError.invalidLabel(row: 1)) { try named.labels(try DataTable(csv: "x,bad\n1,paid\n2,\n")) }
    }
}
