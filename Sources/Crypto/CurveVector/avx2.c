// AVX2 backend: four field elements modulo 2^255 - 19 side by side, one per 64-bit lane, each in
// ten limbs of alternately 26 and 25 bits (radix 2^25.5), multiplied with vpmuludq (four 32 x 32 ->
// 64-bit products per instruction). The point operations are the shared parallel formulas in
// points.h, as in the IFMA backend.
//
// Every function here is constant time: no branches or memory addresses depend on the scalar or
// the point; table entries are chosen with masks over all eight entries.
#include "fe51.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)

/// Four field elements: limb i of lane j is the low 32 bits of lane j of l[i]; limb i weighs
/// 2^ceil(25.5 i).
typedef struct {
    __m256i l[10];
} fv;

#define MASK26 0x3ffffffLL
#define MASK25 0x1ffffffLL

static inline fv fv_load(const cv_fe51 e[4]) {
    fv r;
    for (int i = 0; i < 5; i++) {
        r.l[2 * i] = _mm256_setr_epi64x((long long)(e[0].v[i] & MASK26), (long long)(e[1].v[i] & MASK26),
                                        (long long)(e[2].v[i] & MASK26), (long long)(e[3].v[i] & MASK26));
        r.l[2 * i + 1] = _mm256_setr_epi64x((long long)(e[0].v[i] >> 26), (long long)(e[1].v[i] >> 26),
                                            (long long)(e[2].v[i] >> 26), (long long)(e[3].v[i] >> 26));
    }
    return r;
}

static inline void fv_store(cv_fe51 e[4], fv a) {
    for (int i = 0; i < 5; i++) {
        uint64_t low[4], high[4];
        _mm256_storeu_si256((__m256i *)low, a.l[2 * i]);
        _mm256_storeu_si256((__m256i *)high, a.l[2 * i + 1]);
        for (int j = 0; j < 4; j++) e[j].v[i] = low[j] + (high[j] << 26);
    }
}

/// Lane k of the result is lane idx[k] of a (idx given as pairs of 32-bit indices).
static inline fv fv_perm(fv a, __m256i idx) {
    fv r;
    for (int i = 0; i < 10; i++) r.l[i] = _mm256_permutevar8x32_epi32(a.l[i], idx);
    return r;
}

#define IDX(a, b, c, d) _mm256_setr_epi32(2 * (a), 2 * (a) + 1, 2 * (b), 2 * (b) + 1, 2 * (c), 2 * (c) + 1, \
                                          2 * (d), 2 * (d) + 1)

static inline fv fv_add(fv a, fv b) {
    fv r;
    for (int i = 0; i < 10; i++) r.l[i] = _mm256_add_epi64(a.l[i], b.l[i]);
    return r;
}

/// 2p - a limb by limb, for limbs of a below those of 2p (outputs of fv_mul).
static inline fv fv_neg2(fv a) {
    fv r;
    r.l[0] = _mm256_sub_epi64(_mm256_set1_epi64x(2 * (MASK26 - 18)), a.l[0]);
    for (int i = 1; i < 10; i++) {
        long long limb = (i & 1) ? 2 * MASK25 : 2 * MASK26;
        r.l[i] = _mm256_sub_epi64(_mm256_set1_epi64x(limb), a.l[i]);
    }
    return r;
}

/// Lanes of b where mask is all ones, else lanes of a.
static inline fv fv_select(fv a, fv b, __m256i mask) {
    fv r;
    for (int i = 0; i < 10; i++) r.l[i] = _mm256_blendv_epi8(a.l[i], b.l[i], mask);
    return r;
}

static inline fv fv_and(fv a, __m256i mask) {
    fv r;
    for (int i = 0; i < 10; i++) r.l[i] = _mm256_and_si256(a.l[i], mask);
    return r;
}

/// Moves limb i's bits above `width` into limb i + 1.
#define CARRY(h, i, width, mask)                                        \
    do {                                                                \
        __m256i c_ = _mm256_srli_epi64((h)[i], width);                  \
        (h)[i] = _mm256_and_si256((h)[i], mask);                        \
        (h)[(i) + 1] = _mm256_add_epi64((h)[(i) + 1], c_);              \
    } while (0)

/// Carries limbs below 2^63 to limbs within a few units of 2^26 / 2^25 (two interleaved chains,
/// as in ref10's carry sequence; limb 9's excess folds into limb 0 times 19).
static inline fv fv_reduce(fv a) {
    const __m256i m26 = _mm256_set1_epi64x(MASK26), m25 = _mm256_set1_epi64x(MASK25);
    __m256i *h = a.l;
    CARRY(h, 0, 26, m26);
    CARRY(h, 4, 26, m26);
    CARRY(h, 1, 25, m25);
    CARRY(h, 5, 25, m25);
    CARRY(h, 2, 26, m26);
    CARRY(h, 6, 26, m26);
    CARRY(h, 3, 25, m25);
    CARRY(h, 7, 25, m25);
    CARRY(h, 4, 26, m26);
    CARRY(h, 8, 26, m26);
    __m256i c = _mm256_srli_epi64(h[9], 25);
    h[9] = _mm256_and_si256(h[9], m25);
    h[0] = _mm256_add_epi64(h[0], _mm256_add_epi64(_mm256_add_epi64(_mm256_slli_epi64(c, 4),
                                                                    _mm256_slli_epi64(c, 1)), c));
    CARRY(h, 0, 26, m26);
    return a;
}

/// Lane-wise product; limbs below 2^27 in, reduced out.
static inline fv fv_mul(fv f, fv g) {
    const __m256i nineteen = _mm256_set1_epi64x(19);
    __m256i g19[10], f2[10];
    for (int i = 0; i < 10; i++) {
        g19[i] = _mm256_mul_epu32(g.l[i], nineteen);  // limbs below 2^32
        f2[i] = _mm256_add_epi64(f.l[i], f.l[i]);
    }
    fv h;
    for (int k = 0; k < 10; k++) h.l[k] = _mm256_setzero_si256();
#pragma clang loop unroll(full)
    for (int i = 0; i < 10; i++) {
#pragma clang loop unroll(full)
        for (int j = 0; j < 10; j++) {
            // Two odd limbs carry an extra factor 2 (2^25.5 + 2^25.5 rounds up twice); limbs past
            // 2^255 fold back times 19.
            __m256i left = ((i & j) & 1) ? f2[i] : f.l[i];
            __m256i right = (i + j >= 10) ? g19[j] : g.l[j];
            int k = (i + j) % 10;
            h.l[k] = _mm256_add_epi64(h.l[k], _mm256_mul_epu32(left, right));
        }
    }
    return fv_reduce(h);
}

/// Lane-wise square: each cross product once, doubled; limbs below 2^27 in, reduced out.
static inline fv fv_sq(fv f) {
    const __m256i nineteen = _mm256_set1_epi64x(19);
    __m256i f19[10], f2[10], f4[10];
    for (int i = 0; i < 10; i++) {
        f19[i] = _mm256_mul_epu32(f.l[i], nineteen);  // limbs below 2^32
        f2[i] = _mm256_slli_epi64(f.l[i], 1);
        f4[i] = _mm256_slli_epi64(f.l[i], 2);
    }
    fv h;
    for (int k = 0; k < 10; k++) h.l[k] = _mm256_setzero_si256();
#pragma clang loop unroll(full)
    for (int i = 0; i < 10; i++) {
#pragma clang loop unroll(full)
        for (int j = i; j < 10; j++) {
            // Cross products count twice; two odd limbs carry an extra 2; past 2^255 times 19.
            int odd = (i & j) & 1;
            __m256i left = (i < j) ? (odd ? f4[i] : f2[i]) : (odd ? f2[i] : f.l[i]);
            __m256i right = (i + j >= 10) ? f19[j] : f.l[j];
            int k = (i + j) % 10;
            h.l[k] = _mm256_add_epi64(h.l[k], _mm256_mul_epu32(left, right));
        }
    }
    return fv_reduce(h);
}

#define CV_SQUARE_IS_CHEAP 1
#define CV_SCALARMULT cv_avx2_scalarmult
#include "points.h"
#define CV_MSM_CONSTTIME cv_avx2_msm_consttime
#define CV_MSM_BUCKETS cv_avx2_msm_buckets
#define CV_MSM_STRAUS cv_avx2_msm_straus
#include "msm.h"

#pragma clang attribute pop

#endif
