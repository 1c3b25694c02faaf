// AVX-512 IFMA backend on 256-bit vectors: four field elements modulo 2^255 - 19 side by side, one
// per 64-bit lane, each in five 51-bit limbs (the serial code's radix, so lanes load and store
// without conversion). A product of two limbs below 2^52 is split by vpmadd52luq / vpmadd52huq
// into its low 52 bits and the bits above; the high half weighs 2^52 = 2 * 2^51 and goes to the
// next limb doubled. Point operations use the Hisil-Wong-Carter-Dawson formulas for a = -1, laid
// out over the lanes as curve25519-dalek's vector backends do, so one point addition or doubling
// is two 4-lane multiplications plus permutations.
//
// Every function here is constant time: no branches or memory addresses depend on the scalar or
// the point; table entries are chosen with masks over all eight entries.
#include "fe51.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2,avx512f,avx512vl,avx512ifma"))), apply_to = function)

/// Four field elements: limb i of lane j is lane j of l[i].
typedef struct {
    __m256i l[5];
} fv;

#define LIMB_MASK 0x7ffffffffffffULL

static inline fv fv_load(const cv_fe51 e[4]) {
    fv r;
    for (int i = 0; i < 5; i++) r.l[i] = _mm256_setr_epi64x((long long)e[0].v[i], (long long)e[1].v[i],
                                                             (long long)e[2].v[i], (long long)e[3].v[i]);
    return r;
}

static inline void fv_store(cv_fe51 e[4], fv a) {
    for (int i = 0; i < 5; i++) {
        uint64_t lanes[4];
        _mm256_storeu_si256((__m256i *)lanes, a.l[i]);
        for (int j = 0; j < 4; j++) e[j].v[i] = lanes[j];
    }
}

/// Lane k of the result is lane idx[k] of a.
static inline fv fv_perm(fv a, __m256i idx) {
    fv r;
    for (int i = 0; i < 5; i++) r.l[i] = _mm256_permutexvar_epi64(idx, a.l[i]);
    return r;
}

#define IDX(a, b, c, d) _mm256_setr_epi64x(a, b, c, d)

static inline fv fv_add(fv a, fv b) {
    fv r;
    for (int i = 0; i < 5; i++) r.l[i] = _mm256_add_epi64(a.l[i], b.l[i]);
    return r;
}

/// 2p - a limb by limb, for limbs of a below 2^52 - 38 (outputs of fv_mul).
static inline fv fv_neg2(fv a) {
    fv r;
    r.l[0] = _mm256_sub_epi64(_mm256_set1_epi64x(0xfffffffffffdaLL), a.l[0]);
    for (int i = 1; i < 5; i++) r.l[i] = _mm256_sub_epi64(_mm256_set1_epi64x(0xffffffffffffeLL), a.l[i]);
    return r;
}

/// Lanes of b where mask is all ones, else lanes of a.
static inline fv fv_select(fv a, fv b, __m256i mask) {
    fv r;
    for (int i = 0; i < 5; i++) r.l[i] = _mm256_blendv_epi8(a.l[i], b.l[i], mask);
    return r;
}

static inline fv fv_and(fv a, __m256i mask) {
    fv r;
    for (int i = 0; i < 5; i++) r.l[i] = _mm256_and_si256(a.l[i], mask);
    return r;
}

/// 19 t with two shifts and two adds (the empty asm keeps the compiler from turning it into an
/// emulated 64-bit multiplication, which costs more).
static inline __m256i times19(__m256i t) {
    __m256i t16 = _mm256_slli_epi64(t, 4);
    __asm__("" : "+v"(t16));
    return _mm256_add_epi64(_mm256_add_epi64(t16, _mm256_slli_epi64(t, 1)), t);
}

/// One parallel carry round: limbs below 2^62 in, below 2^52 out.
static inline fv fv_reduce(fv a) {
    const __m256i mask = _mm256_set1_epi64x((long long)LIMB_MASK);
    __m256i c[5];
    for (int i = 0; i < 5; i++) c[i] = _mm256_srli_epi64(a.l[i], 51);
    fv r;
    for (int i = 0; i < 5; i++) r.l[i] = _mm256_and_si256(a.l[i], mask);
    r.l[0] = _mm256_add_epi64(r.l[0], times19(c[4]));
    for (int i = 1; i < 5; i++) r.l[i] = _mm256_add_epi64(r.l[i], c[i - 1]);
    return r;
}

/// Lane-wise product, limbs below 2^52 in, below 2^52 out.
static inline fv fv_mul(fv a, fv b) {
    __m256i lo[10], hi[10];
    const __m256i zero = _mm256_setzero_si256();
    for (int k = 0; k < 10; k++) {
        lo[k] = zero;
        hi[k] = zero;
    }
    for (int i = 0; i < 5; i++) {
        for (int j = 0; j < 5; j++) {
            lo[i + j] = _mm256_madd52lo_epu64(lo[i + j], a.l[i], b.l[j]);
            hi[i + j + 1] = _mm256_madd52hi_epu64(hi[i + j + 1], a.l[i], b.l[j]);
        }
    }
    // z_k = lo_k + 2 hi_k < 2^57; limb k + 5 weighs 19 times limb k.
    __m256i z[10];
    for (int k = 0; k < 10; k++) z[k] = _mm256_add_epi64(lo[k], _mm256_add_epi64(hi[k], hi[k]));
    fv r;
    for (int k = 0; k < 5; k++) {
        r.l[k] = _mm256_add_epi64(z[k], times19(z[k + 5]));
    }
    return fv_reduce(r);
}

#define CV_SQUARE_IS_CHEAP 0
#define CV_SCALARMULT cv_ifma_scalarmult
#include "points.h"
#define CV_MUL_L4 cv_ifma_mul_l4
#define CV_POW22523_4 cv_ifma_pow22523_4
#include "lanes.h"
#define CV_MSM_CONSTTIME cv_ifma_msm_consttime
#define CV_MSM_BUCKETS cv_ifma_msm_buckets
#define CV_MSM_STRAUS cv_ifma_msm_straus
#include "msm.h"

#pragma clang attribute pop

#endif
