import DataFiSupport
import Foundation
import SwiftCSV

/// 50 MB of CSV: 8 columns of numbers and text, two quoted fields per row (a comma, doubled quotes),
/// CRLF line ends; both readers parse it twice and the times are printed side by side.
func run() throws {
    var text = "id,name,city,income,age,score,note,label\r\n"
    var rows = 0
    var state: UInt64 = 1
    func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
    while text.utf8.count < 50_000_000 {
        text += "\(rows),user\(next() % 100000),\"City, \(next() % 50)\",\(next() % 100000).\(next() % 100),\(next() % 90),"
        text += "\(Double(next() % 1000) / 7),\"said \"\"hi\"\"\",\(next() % 2)\r\n"
        rows += 1
    }
    let bytes = Array(text.utf8)
    print("bytes \(bytes.count) rows \(rows)")
    let clock = ContinuousClock()
    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
    for round in 0..<2 {
        var ours = 0, theirs = 0
        var oursError: Error? = nil, theirsError: Error? = nil
        let t1 = clock.measure {
            do { ours = try CSVReader.table(bytes).records.count } catch { oursError = error }
        }
        let t2 = clock.measure {
            do { theirs = try CSV<Enumerated>(string: text, delimiter: .comma, loadColumns: false).rows.count } catch {
                theirsError = error
            }
        }
        if let oursError { print("CSVReader failed: \(oursError)") }
        if let theirsError { print("SwiftCSV failed: \(theirsError)") }
        print("round \(round): DataFiSupport.CSVReader \(seconds(t1)) s (\(ours) rows), "
            + "SwiftCSV 0.10.0 \(seconds(t2)) s (\(theirs) rows), SwiftCSV/CSVReader \(seconds(t2) / seconds(t1))")
    }
}
try run()
