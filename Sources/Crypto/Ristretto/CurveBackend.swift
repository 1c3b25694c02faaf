import CCurveVector

/// The arithmetic behind ``RistrettoPoint``'s variable-base scalar multiplication.
///
/// The vector backends compute four field elements side by side (the Hisil–Wong–Carter–Dawson
/// parallel formulas on the four coordinates of an Edwards point) in C intrinsics; the processor's
/// features choose among them at run time. All backends are constant time and give byte-identical
/// results. The default is the fastest supported backend, unless the environment variable
/// `DATAFI_CURVE_BACKEND` names another supported one (`serial`, `avx2` or `ifma`) when the first
/// scalar multiplication runs; ``select(_:)`` changes it for the whole process.
public enum CurveBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    /// libsodium's serial code (`crypto_scalarmult_ristretto255`), available everywhere.
    case serial
    /// AVX2: four lanes of 32 × 32 → 64-bit multiplies, field elements in radix 2^25.5.
    case avx2
    /// AVX-512 IFMA on 256-bit vectors: 52-bit multiply-adds, field elements in radix 2^51.
    case ifma

    var code: Int32 {
        switch self {
        case .serial: Int32(DATAFI_CV_SERIAL)
        case .avx2: Int32(DATAFI_CV_AVX2)
        case .ifma: Int32(DATAFI_CV_IFMA)
        }
    }

    init?(code: Int32) {
        guard let backend = CurveBackend.allCases.first(where: { $0.code == code }) else { return nil }
        self = backend
    }

    /// The backends this processor and operating system support, slowest first; always contains
    /// ``serial``.
    public static var supported: [CurveBackend] {
        let mask = datafi_cv_supported_mask()
        return allCases.filter { mask & (1 << $0.code) != 0 }
    }

    /// Whether this processor supports the backend.
    public var isSupported: Bool { datafi_cv_supported_mask() & (1 << code) != 0 }

    /// The backend that `Scalar * RistrettoPoint` uses now.
    public static var current: CurveBackend { CurveBackend(code: datafi_cv_default_backend()) ?? .serial }

    /// Makes `backend` the one `Scalar * RistrettoPoint` uses, for every thread.
    /// - Throws: `CurveBackendError.unsupported` (and changes nothing) when the processor lacks it.
    public static func select(_ backend: CurveBackend) throws(CurveBackendError) {
        guard datafi_cv_set_default_backend(backend.code) == 0 else { throw .unsupported(backend) }
    }

    /// The name used by `DATAFI_CURVE_BACKEND`.
    public var description: String { rawValue }
}

/// Why a curve backend could not be used.
public enum CurveBackendError: Error, Equatable, Sendable, CustomStringConvertible {
    /// This processor (or operating system) lacks the instructions the backend needs.
    case unsupported(CurveBackend)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .unsupported(let backend): "the \(backend) curve backend is not supported on this processor"
        }
    }
}
