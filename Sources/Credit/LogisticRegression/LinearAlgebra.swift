/// Dense symmetric positive-definite linear algebra for small systems (p up to a few hundred).
///
/// Matrices are row-major `[Double]` of size `n × n`.
enum Cholesky {
    /// Factors a symmetric positive-definite matrix `a = L·Lᵀ` in place (lower triangle holds `L`).
    /// Returns false when a pivot is not positive (matrix not positive definite).
    static func factor(_ a: inout [Double], n: Int) -> Bool {
        // Scale-aware tolerance: a pivot below this is treated as zero.
        var maxDiagonal = 0.0
        for i in 0..<n { maxDiagonal = max(maxDiagonal, abs(a[i * n + i])) }
        let tolerance = max(maxDiagonal, 1e-300) * 1e-13
        return a.withUnsafeMutableBufferPointer { m in
            for j in 0..<n {
                var d = m[j * n + j]
                for k in 0..<j { d -= m[j * n + k] * m[j * n + k] }
                guard d > tolerance, d.isFinite else { return false }
                let ljj = d.squareRoot()
                m[j * n + j] = ljj
                for i in (j + 1)..<max(j + 1, n) {
                    var s = m[i * n + j]
                    for k in 0..<j { s -= m[i * n + k] * m[j * n + k] }
                    m[i * n + j] = s / ljj
                }
            }
            // Clear the strict upper triangle so the matrix is exactly L.
            for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { m[i * n + j] = 0 } }
            return true
        }
    }

    /// Solves `L·Lᵀ·x = b` given the factor from `factor`.
    static func solve(_ l: [Double], n: Int, _ b: [Double]) -> [Double] {
        var y = b
        for i in 0..<n {
            var s = y[i]
            for k in 0..<i { s -= l[i * n + k] * y[k] }
            y[i] = s / l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = y[i]
            for k in (i + 1)..<max(i + 1, n) { s -= l[k * n + i] * y[k] }
            y[i] = s / l[i * n + i]
        }
        return y
    }

    /// Inverse of `L·Lᵀ` (row-major, symmetric) from its factor.
    static func inverse(_ l: [Double], n: Int) -> [Double] {
        var result = [Double](repeating: 0, count: n * n)
        var e = [Double](repeating: 0, count: n)
        for j in 0..<n {
            e[j] = 1
            let column = solve(l, n: n, e)
            e[j] = 0
            for i in 0..<n { result[i * n + j] = column[i] }
        }
        return result
    }
}
