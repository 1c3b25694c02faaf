// Vector backends for curve25519 arithmetic: the field in four parallel lanes and the Edwards point
// operations with the Hisil-Wong-Carter-Dawson parallel formulas, used for constant-time
// variable-base scalar multiplication of ristretto255 elements.
//
// The instruction sets are enabled per function (target attributes), and the path is chosen at run
// time from cpuid, so the module builds for any x86-64 or arm64 processor without extra flags.
#ifndef DATAFI_CURVE_VECTOR_H
#define DATAFI_CURVE_VECTOR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Backend identifiers (also the bit positions in `datafi_cv_supported_mask`).
enum {
    DATAFI_CV_SERIAL = 0,  ///< no vector code: callers use their serial path (libsodium).
    DATAFI_CV_AVX2 = 1,    ///< AVX2, radix 2^25.5, 32x32->64-bit multiplies.
    DATAFI_CV_IFMA = 2,    ///< AVX-512 IFMA on 256-bit vectors, 51-bit limbs in 52-bit multiply-adds.
};

/// Bit `1 << backend` is set for each backend this processor (and operating system) supports.
/// The serial backend is always supported.
int datafi_cv_supported_mask(void);

/// The backend in use by default: the value of DATAFI_CURVE_BACKEND (serial, avx2, ifma) when set
/// and supported, else the fastest supported one. Set with `datafi_cv_set_default_backend`.
int datafi_cv_default_backend(void);

/// Sets the default backend; returns 0, or -1 (and changes nothing) when it is not supported.
int datafi_cv_set_default_backend(int backend);

/// Constant-time `q = n * p` on ristretto255 with the given vector backend, with the semantics of
/// libsodium's `crypto_scalarmult_ristretto255`: the top bit of `n` is ignored, and the result is
/// -1 when `p` is not a canonical encoding of a group element or when the product is the identity
/// (then `q` holds the identity's encoding, 32 zero bytes). Returns -2 (and leaves `q` zeroed)
/// when `backend` is not a supported vector backend. Decoding rejects invalid points with
/// branches on public data only; the multiplication has no branches or addresses that depend on
/// `n` or `p`.
int datafi_cv_ristretto_scalarmult(int backend, uint8_t q[32], const uint8_t n[32], const uint8_t p[32]);

/// 1 when `p` is the canonical encoding of a ristretto255 element (RFC 9496 decoding, including
/// the rule that the top bit is zero), else 0. Uses the portable serial field code.
int datafi_cv_ristretto_is_valid(const uint8_t p[32]);

/// RFC 9496's one-way map from 64 uniform bytes to a ristretto255 element (libsodium's
/// `crypto_core_ristretto255_from_hash`), for `count` inputs of 64 bytes at `uniform`, writing the
/// 32-byte encodings to `out`. The inverse square roots (two maps and the encoding per element) run
/// four at a time in the vector lanes. Constant time. Returns 0, or -2 (`out` zeroed) when
/// `backend` is not a supported vector backend.
int datafi_cv_ristretto_from_uniform(int backend, size_t count, const uint8_t *uniform, uint8_t *out);

/// Ed25519 decoding (RFC 8032) of `count` 32-byte encodings at `points`, four at a time with the
/// inverse square roots computed lane-wise: `valid[i]` = 1 when encoding i has y below p, is on the
/// curve and has not x = 0 with the sign bit set, and, when `check_order` is non-zero, encodes a
/// point of order exactly ℓ (the prime-order subgroup without the identity, tested by multiplying
/// by ℓ); then the point's extended coordinates (X, Y, Z, T), Z = 1, are at `out + 20 i` as four
/// field elements of five 51-bit limbs. Otherwise `valid[i]` = 0 and zeros there. Returns 0, or -2
/// (all invalid) when `backend` is not a supported vector backend. For public points: decoding
/// branches on validity.
int datafi_cv_ed25519_decode_points(int backend, size_t count, const uint8_t *points, int check_order,
                                    uint64_t *out, uint8_t *valid);

/// Multiscalar multiplication on the vector backends, for the zero-knowledge code's serial field
/// layout: a field element is five 64-bit limbs in radix 2^51 (limbs below 2^54), a point four of
/// them. `out` receives the sum in extended coordinates (X, Y, Z, T), limbs below 2^52. Each entry
/// returns 0; -2 (out zeroed) when `backend` is not a supported vector backend; -3 when memory is
/// short; -4 when the arguments are inconsistent. Callers fall back to their serial code on any
/// nonzero result.

/// Constant time: sum over windows i < 64 and points j < n of digits[i n + j] 16^i P_j, digits in
/// [-8, 8], where entry 8 j + k (k < 8, at `entries` + (8 j + k) `entry_stride` bytes) holds
/// (k + 1) P_j as (Y + X, Y - X, Z, 2dT). Every window reads all eight entries of every point and
/// chooses with masks: no branch or address depends on the digits or the points.
int datafi_cv_msm_consttime(int backend, uint64_t out[20], size_t n, const int8_t *digits, const void *entries,
                            size_t entry_stride);

/// Variable time (public scalars and points only): sum over k < count of digits[k] Q_k, where
/// entry k holds Q_k with Z = 1 as (Y + X, Y - X, 2dT), through `bucket_count` shared buckets
/// (digits in [-bucket_count, bucket_count]; others are skipped).
int datafi_cv_msm_buckets(int backend, uint64_t out[20], size_t count, const int16_t *digits, const void *entries,
                          size_t entry_stride, size_t bucket_count);

/// Variable time (public scalars and points only): interleaved windowed-NAF sum over rows i < 256
/// and points j < n of naf[i n + j] 2^i P_j, with the odd multiples P_j, 3 P_j, 5 P_j, ... at
/// entries offsets[j], offsets[j] + 1, ... of `entry_count` entries laid out as
/// (Y + X, Y - X, Z, 2dT). Returns -4 (after summing the other digits) when a digit leaves the
/// table.
int datafi_cv_msm_straus(int backend, uint64_t out[20], size_t n, const int8_t *naf, const void *entries,
                         size_t entry_stride, const int64_t *offsets, size_t entry_count);

#ifdef __cplusplus
}
#endif

#endif
