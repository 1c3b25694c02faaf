// AVX2 backend: four field elements modulo 2^255 - 19 side by side, each in ten limbs of alternately
// 26 and 25 bits (radix 2^25.5), packed two limbs per 64-bit lane as in curve25519-dalek's
// `FieldElement2625x4`: five vectors hold the four elements, so additions, negations, selections,
// permutations and the carry round take five instructions each rather than ten. Multiplication
// unpacks the limbs to the even 32-bit lanes for vpmuludq (four 32 x 32 -> 64-bit products per
// instruction), sums the products in 64-bit lanes and packs the carried result again. The point
// operations are the shared parallel formulas in points.h, as in the IFMA backend.
//
// Every function here is constant time: no branches or memory addresses depend on the scalar or
// the point; table entries are chosen with masks over all eight entries.
#include "fe51.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)

/// Four field elements, one per 64-bit lane (the interface's lanes 0 to 3). Vector i holds limbs
/// 2i and 2i + 1 of each element, limb 2i in the low and limb 2i + 1 in the high 32 bits of the
/// element's lane; limb k weighs 2^ceil(25.5 k).
///
/// Bounds (limbs as unsigned 32-bit numbers): fv_mul, fv_sq and fv_reduce return limbs below
/// 2^26 + 2^12 (fv_mul and fv_sq: even limbs below 2^26, odd limbs below 2^25.01); fv_neg2 needs
/// limbs at most those of 2p and returns limbs below 2^27; fv_reduce takes any limbs below 2^32;
/// fv_mul and fv_sq take limbs below 2^27, for which every 64-bit column sum stays below 2^63.
typedef struct {
    __m256i v[5];
} fv;

#define MASK26 0x3ffffff
#define MASK25 0x1ffffff

/// Lane k of the result is lane (a, b, c, d)[k] of the argument (as pairs of 32-bit indices).
#define IDX(a, b, c, d) \
    _mm256_setr_epi32(2 * (a), 2 * (a) + 1, 2 * (b), 2 * (b) + 1, 2 * (c), 2 * (c) + 1, 2 * (d), 2 * (d) + 1)

/// One parallel carry round: every limb keeps its low 26 or 25 bits and adds the carry out of the
/// limb below (limb 0 adds 19 times limb 9's carry). Limbs below 2^32 in; out, limbs below
/// 2^26 + 2^7, limb 0 below 2^26 + 19 * 2^7.
static inline fv fv_reduce(fv a) {
    const __m256i shifts = _mm256_setr_epi32(26, 25, 26, 25, 26, 25, 26, 25);
    const __m256i masks = _mm256_setr_epi32(MASK26, MASK25, MASK26, MASK25, MASK26, MASK25, MASK26, MASK25);
    // Carries of vector i with the halves of each 64-bit lane swapped: the carry of limb 2i in the
    // high half (where limb 2i + 1 is), that of limb 2i + 1 in the low half (for limb 2i + 2 in
    // the next vector).
    __m256i c[5];
#pragma clang loop unroll(full)
    for (int i = 0; i < 5; i++)
        c[i] = _mm256_shuffle_epi32(_mm256_srlv_epi32(a.v[i], shifts), _MM_SHUFFLE(2, 3, 0, 1));
    // Limb 9's carry, in the low halves of c[4], times 19 (below 2^12, so the high halves are 0).
    const __m256i c9x19 = _mm256_mul_epu32(c[4], _mm256_set1_epi64x(19));
    fv r;
    r.v[0] = _mm256_add_epi32(_mm256_and_si256(a.v[0], masks), _mm256_blend_epi32(c9x19, c[0], 0xaa));
#pragma clang loop unroll(full)
    for (int i = 1; i < 5; i++)
        r.v[i] = _mm256_add_epi32(_mm256_and_si256(a.v[i], masks), _mm256_blend_epi32(c[i - 1], c[i], 0xaa));
    return r;
}

/// Loads four elements with limbs below 2^52, reduced.
static inline fv fv_load(const cv_fe51 e[4]) {
    fv r;
#pragma clang loop unroll(full)
    for (int i = 0; i < 5; i++) {
        r.v[i] = _mm256_setr_epi32((int)(e[0].v[i] & MASK26), (int)(e[0].v[i] >> 26), (int)(e[1].v[i] & MASK26),
                                   (int)(e[1].v[i] >> 26), (int)(e[2].v[i] & MASK26), (int)(e[2].v[i] >> 26),
                                   (int)(e[3].v[i] & MASK26), (int)(e[3].v[i] >> 26));
    }
    return fv_reduce(r);
}

/// Stores four elements with limbs below 2^52 (from limbs below 2^26 + 2^12 and odd limbs below
/// 2^25.01, as fv_mul returns them).
static inline void fv_store(cv_fe51 e[4], fv a) {
#pragma clang loop unroll(full)
    for (int i = 0; i < 5; i++) {
        uint32_t lanes[8];
        _mm256_storeu_si256((__m256i *)lanes, a.v[i]);
#pragma clang loop unroll(full)
        for (int j = 0; j < 4; j++) e[j].v[i] = lanes[2 * j] + ((uint64_t)lanes[2 * j + 1] << 26);
    }
}

/// Element k of the result is element idx[k] of a (idx from IDX).
static inline fv fv_perm(fv a, __m256i idx) {
    fv r;
#pragma clang loop unroll(full)
    for (int i = 0; i < 5; i++) r.v[i] = _mm256_permutevar8x32_epi32(a.v[i], idx);
    return r;
}

/// Limb-wise sum; the caller keeps the limbs below 2^32 (a few summands of reduced limbs).
static inline fv fv_add(fv a, fv b) {
    fv r;
#pragma clang loop unroll(full)
    for (int i = 0; i < 5; i++) r.v[i] = _mm256_add_epi32(a.v[i], b.v[i]);
    return r;
}

/// 2p - a limb by limb, for limbs of a at most those of 2p (outputs of fv_mul, fv_sq, fv_reduce).
static inline fv fv_neg2(fv a) {
    const __m256i low = _mm256_setr_epi32(2 * (MASK26 - 18), 2 * MASK25, 2 * (MASK26 - 18), 2 * MASK25,
                                          2 * (MASK26 - 18), 2 * MASK25, 2 * (MASK26 - 18), 2 * MASK25);
    const __m256i rest = _mm256_setr_epi32(2 * MASK26, 2 * MASK25, 2 * MASK26, 2 * MASK25, 2 * MASK26, 2 * MASK25,
                                           2 * MASK26, 2 * MASK25);
    fv r;
    r.v[0] = _mm256_sub_epi32(low, a.v[0]);
#pragma clang loop unroll(full)
    for (int i = 1; i < 5; i++) r.v[i] = _mm256_sub_epi32(rest, a.v[i]);
    return r;
}

/// Elements of b where mask's 64-bit lane is all ones, else elements of a.
static inline fv fv_select(fv a, fv b, __m256i mask) {
    fv r;
#pragma clang loop unroll(full)
    for (int i = 0; i < 5; i++) r.v[i] = _mm256_blendv_epi8(a.v[i], b.v[i], mask);
    return r;
}

/// Elements of a where mask's 64-bit lane is all ones, else zero.
static inline fv fv_and(fv a, __m256i mask) {
    fv r;
#pragma clang loop unroll(full)
    for (int i = 0; i < 5; i++) r.v[i] = _mm256_and_si256(a.v[i], mask);
    return r;
}

/// Moves limb i's bits above `width` into limb i + 1 (64-bit lanes, one limb per lane).
#define CARRY(h, i, width, mask)                           \
    do {                                                   \
        __m256i c_ = _mm256_srli_epi64((h)[i], width);     \
        (h)[i] = _mm256_and_si256((h)[i], mask);           \
        (h)[(i) + 1] = _mm256_add_epi64((h)[(i) + 1], c_); \
    } while (0)

/// Two limbs (even, odd) of four elements, each below 2^32 in the low half of a 64-bit lane, into
/// one vector.
static inline __m256i repack(__m256i even, __m256i odd) {
    return _mm256_blend_epi32(even, _mm256_shuffle_epi32(odd, _MM_SHUFFLE(2, 2, 0, 0)), 0xaa);
}

/// Carries ten 64-bit column sums (each below 2^62) to limbs below 2^26 (odd limbs below 2^25, limb
/// 1 below 2^25.01, limb 5 below 2^25 + 2^11), packed. Two interleaved chains as in ref10; limb 9's
/// carry (below 2^37) is split at 26 bits so that both halves times 19 are 32 x 32-bit products.
static inline fv reduce_columns(__m256i h[10]) {
    const __m256i m26 = _mm256_set1_epi64x(MASK26), m25 = _mm256_set1_epi64x(MASK25);
    CARRY(h, 0, 26, m26);
    CARRY(h, 4, 26, m26);
    CARRY(h, 1, 25, m25);
    CARRY(h, 5, 25, m25);
    CARRY(h, 2, 26, m26);
    CARRY(h, 6, 26, m26);
    CARRY(h, 3, 25, m25);
    CARRY(h, 7, 25, m25);
    CARRY(h, 4, 26, m26);  // limb 4 below 2^26, limb 5 below 2^25 + 2^37 / 2^26
    CARRY(h, 8, 26, m26);  // limb 9 below 2^62 + 2^36
    const __m256i nineteen = _mm256_set1_epi64x(19);
    __m256i c = _mm256_srli_epi64(h[9], 25);  // below 2^37.1
    h[9] = _mm256_and_si256(h[9], m25);
    __m256i c0 = _mm256_and_si256(c, m26), c1 = _mm256_srli_epi64(c, 26);  // below 2^26, 2^11.1
    h[0] = _mm256_add_epi64(h[0], _mm256_mul_epu32(c0, nineteen));  // below 2^26 + 2^30.3
    h[1] = _mm256_add_epi64(h[1], _mm256_mul_epu32(c1, nineteen));  // below 2^25 + 2^11 + 2^15.4
    CARRY(h, 0, 26, m26);  // limb 1 below 2^25 + 2^15.5
    fv r;
    #pragma clang loop unroll(full)
    for (int i = 0; i < 5; i++) r.v[i] = repack(h[2 * i], h[2 * i + 1]);
    return r;
}

/// Limb k of each element in the low half of its 64-bit lane, for vpmuludq (which ignores the high
/// halves): the even limbs are there already; the odd limbs are copied down from the high halves
/// (and stay in them, rather than leaving zeros: with zeros the compiler would see 64-bit products
/// of small numbers and spell some as full 64 x 64-bit multiplications, three vpmuludq each).
static inline void unpack(__m256i out[10], fv a) {
#pragma clang loop unroll(full)
    for (int i = 0; i < 5; i++) {
        out[2 * i] = a.v[i];
        out[2 * i + 1] = _mm256_shuffle_epi32(a.v[i], _MM_SHUFFLE(3, 3, 1, 1));
    }
}

/// Element-wise product; limbs below 2^27 in, reduced out.
///
/// Bounds: with limbs below 2^27, g19 limbs are below 2^31.3 (one 32-bit lane) and doubled odd
/// limbs of f below 2^28, so each product is below 2^59.3 and each column of ten below 2^62.7 <
/// 2^64. (Inputs in this file are below 2^26 + 2^12, columns below 2^61.3.)
static inline __attribute__((always_inline)) fv fv_mul(fv fp, fv gp) {
    const __m256i nineteen = _mm256_set1_epi64x(19);
    __m256i f[10], g[10], g19[10], f2[10];
    unpack(f, fp);
    unpack(g, gp);
    #pragma clang loop unroll(full)
    for (int i = 0; i < 10; i++) {
        g19[i] = _mm256_mul_epu32(g[i], nineteen);
        f2[i] = _mm256_add_epi64(f[i], f[i]);
    }
    __m256i h[10];
    #pragma clang loop unroll(full)
    for (int k = 0; k < 10; k++) h[k] = _mm256_setzero_si256();
#pragma clang loop unroll(full)
    for (int i = 0; i < 10; i++) {
#pragma clang loop unroll(full)
        for (int j = 0; j < 10; j++) {
            // Two odd limbs carry an extra factor 2 (2^25.5 + 2^25.5 rounds up twice); limbs past
            // 2^255 fold back times 19.
            __m256i left = ((i & j) & 1) ? f2[i] : f[i];
            __m256i right = (i + j >= 10) ? g19[j] : g[j];
            int k = (i + j) % 10;
            h[k] = _mm256_add_epi64(h[k], _mm256_mul_epu32(left, right));
        }
    }
    return reduce_columns(h);
}

/// Element-wise square: each cross product once, doubled; limbs below 2^27 in, reduced out.
/// Bounds as for fv_mul (f4 of a limb below 2^27 is below 2^29; each column is the same sum as
/// the product's).
static inline fv fv_sq(fv fp) {
    const __m256i nineteen = _mm256_set1_epi64x(19);
    __m256i f[10], f19[10], f2[10], f4[10];
    unpack(f, fp);
    #pragma clang loop unroll(full)
    for (int i = 0; i < 10; i++) {
        f19[i] = _mm256_mul_epu32(f[i], nineteen);
        f2[i] = _mm256_slli_epi64(f[i], 1);
        f4[i] = _mm256_slli_epi64(f[i], 2);
    }
    __m256i h[10];
    #pragma clang loop unroll(full)
    for (int k = 0; k < 10; k++) h[k] = _mm256_setzero_si256();
#pragma clang loop unroll(full)
    for (int i = 0; i < 10; i++) {
#pragma clang loop unroll(full)
        for (int j = i; j < 10; j++) {
            // Cross products count twice; two odd limbs carry an extra 2; past 2^255 times 19.
            int odd = (i & j) & 1;
            __m256i left = (i < j) ? (odd ? f4[i] : f2[i]) : (odd ? f2[i] : f[i]);
            __m256i right = (i + j >= 10) ? f19[j] : f[j];
            int k = (i + j) % 10;
            h[k] = _mm256_add_epi64(h[k], _mm256_mul_epu32(left, right));
        }
    }
    return reduce_columns(h);
}

#define CV_SQUARE_IS_CHEAP 1
#define CV_SCALARMULT cv_avx2_scalarmult
#include "points.h"

#pragma clang attribute pop

#endif
