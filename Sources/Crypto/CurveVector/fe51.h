// Portable serial arithmetic modulo p = 2^255 - 19 in radix 2^51 (five 64-bit limbs, 128-bit
// products), for ristretto255 decoding and encoding around the vector scalar multiplication.
// Everything here is constant time: no branches or addresses depend on the values.
#ifndef DATAFI_CV_FE51_H
#define DATAFI_CV_FE51_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t v[5];
} cv_fe51;

#define CV_MASK51 ((uint64_t)0x7ffffffffffffULL)

/// Signed radix-16 digits of a 255-bit scalar (top bit already cleared): 64 digits in [-8, 8].
static inline void cv_signed_radix16(int8_t e[64], const uint8_t n[32]) {
    for (int i = 0; i < 32; i++) {
        e[2 * i] = (int8_t)(n[i] & 15);
        e[2 * i + 1] = (int8_t)((n[i] >> 4) & 15);
    }
    e[63] = (int8_t)(e[63] & 7);
    int8_t carry = 0;
    for (int i = 0; i < 63; i++) {
        e[i] = (int8_t)(e[i] + carry);
        carry = (int8_t)((e[i] + 8) >> 4);
        e[i] = (int8_t)(e[i] - (int8_t)(carry * 16));
    }
    e[63] = (int8_t)(e[63] + carry);
}

/// Interface of the vector backends: `out = n * in` on extended coordinates (X, Y, Z, T), limbs
/// below 2^52 in and out. Constant time in `n` and `in`.
void cv_ifma_scalarmult(cv_fe51 out[4], const uint8_t n[32], const cv_fe51 in[4]);
void cv_avx2_scalarmult(cv_fe51 out[4], const uint8_t n[32], const cv_fe51 in[4]);
/// [ℓ] times four points, one per lane: `out[c][k]` is coordinate c (X, Y, Z, T) of point k; limbs
/// below 2^52 in and out.
void cv_ifma_mul_l4(cv_fe51 out[4][4], const cv_fe51 in[4][4]);
void cv_avx2_mul_l4(cv_fe51 out[4][4], const cv_fe51 in[4][4]);
/// `out[k] = in[k]^((p - 5) / 8)` for the four lanes k; limbs below 2^52 in and out.
void cv_ifma_pow22523_4(cv_fe51 out[4], const cv_fe51 in[4]);
void cv_avx2_pow22523_4(cv_fe51 out[4], const cv_fe51 in[4]);

/// Multiscalar multiplication loops of the vector backends (msm.h): 0 on success, -3 when memory
/// is short, -4 (Straus) when a digit leaves its table.
int cv_ifma_msm_consttime(cv_fe51 out[4], size_t n, const int8_t *digits, const uint8_t *entries, size_t stride);
int cv_avx2_msm_consttime(cv_fe51 out[4], size_t n, const int8_t *digits, const uint8_t *entries, size_t stride);
int cv_ifma_msm_buckets(cv_fe51 out[4], size_t count, const int16_t *digits, const uint8_t *entries, size_t stride,
                        size_t bucket_count);
int cv_avx2_msm_buckets(cv_fe51 out[4], size_t count, const int16_t *digits, const uint8_t *entries, size_t stride,
                        size_t bucket_count);
int cv_ifma_msm_straus(cv_fe51 out[4], size_t n, const int8_t *naf, const uint8_t *entries, size_t stride,
                       const int64_t *offsets, size_t entry_count);
int cv_avx2_msm_straus(cv_fe51 out[4], size_t n, const int8_t *naf, const uint8_t *entries, size_t stride,
                       const int64_t *offsets, size_t entry_count);

#endif
