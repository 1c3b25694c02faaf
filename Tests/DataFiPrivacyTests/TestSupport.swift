import Foundation
@_exported import DataFiSupport

/// Pearson's chi-square statistic of observed counts against expected probabilities. Cells with
/// expected count below 5 are merged into their neighbour.
func chiSquare(observed: [Int], probabilities: [Double]) -> (statistic: Double, degreesOfFreedom: Int) {
    let n = Double(observed.reduce(0, +))
    var cellsO: [Double] = [], cellsE: [Double] = []
    var accO = 0.0, accE = 0.0
    for (o, p) in zip(observed, probabilities) {
        accO += Double(o); accE += p * n
        if accE >= 5 { cellsO.append(accO); cellsE.append(accE); accO = 0; accE = 0 }
    }
    if accE > 0 || accO > 0 {
        if cellsE.isEmpty { cellsO.append(accO); cellsE.append(accE) } else {
            cellsO[cellsO.count - 1] += accO; cellsE[cellsE.count - 1] += accE
        }
    }
    var stat = 0.0
    for (o, e) in zip(cellsO, cellsE) { stat += (o - e) * (o - e) / e }
    return (stat, cellsO.count - 1)
}

/// The 0.999 quantile of the chi-square distribution (Wilson–Hilferty approximation).
func chiSquareCritical(_ k: Int) -> Double {
    let kd = Double(max(k, 1)), z = 3.09
    let h = 2 / (9 * kd)
    return kd * pow(1 - h + z * h.squareRoot(), 3)
}
