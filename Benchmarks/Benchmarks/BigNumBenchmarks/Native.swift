// A bare GMP call for side-by-side timing: preallocated mpz_t operands and result, nothing else.
import BenchNative

final class NativeMultiply: @unchecked Sendable {
    var a = __mpz_struct(), b = __mpz_struct(), r = __mpz_struct()

    init(_ x: [UInt8], _ y: [UInt8]) {
        __gmpz_init(&a)
        __gmpz_init(&b)
        __gmpz_init2(&r, 8192)
        __gmpz_import(&a, x.count, 1, 1, 1, 0, x)
        __gmpz_import(&b, y.count, 1, 1, 1, 0, y)
    }

    func multiply() { __gmpz_mul(&r, &a, &b) }

    deinit {
        __gmpz_clear(&a)
        __gmpz_clear(&b)
        __gmpz_clear(&r)
    }
}
