import Foundation

/// SplitMix64: a small seeded generator so sampler tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
