// AVX2 backend: four field elements modulo 2^255 - 19 side by side, each in ten limbs of alternately
// 26 and 25 bits (radix 2^25.5), two limbs per 64-bit lane, so that five vectors hold the four
// elements (as in curve25519-dalek's `FieldElement2625x4`, with a different pairing of limbs):
// additions, negations, selections, permutations and the carry round take five instructions each
// rather than ten. Multiplication moves the limbs to the low 32-bit halves of the lanes for
// vpmuludq (four 32 x 32 -> 64-bit products per instruction), sums the products in 64-bit lanes,
// carries and packs the result again. The point operations are the shared parallel formulas in
// points.h, as in the IFMA backend.
//
// Every function here is constant time: no branches or memory addresses depend on the scalar or
// the point; table entries are chosen with masks over all eight entries.
#include "fe51.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)

/// Four field elements, one per 64-bit lane (the interface's lanes 0 to 3). Vector i holds limbs i
/// and i + 5 of each element: limb i in the low and limb i + 5 in the high 32 bits of the element's
/// lane; limb k weighs 2^ceil(25.5 k) and has 26 bits when k is even, 25 when odd. With limbs i
/// and i + 5 side by side, the carry out of either goes to the same half of the next vector.
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

/// Per 64-bit lane (low, high) repeated: the 32-bit pair for vector i, whose limbs i and i + 5 have
/// opposite parities.
static inline __m256i pair(int i, int even_value, int odd_value) {
    return (i & 1) ? _mm256_setr_epi32(odd_value, even_value, odd_value, even_value, odd_value, even_value,
                                       odd_value, even_value)
                   : _mm256_setr_epi32(even_value, odd_value, even_value, odd_value, even_value, odd_value,
                                       even_value, odd_value);
}

/// One parallel carry round: every limb keeps its low 26 or 25 bits and adds the carry out of the
/// limb below (limb 0 adds 19 times limb 9's carry). Limbs below 2^32 in; out, limbs below
/// 2^26 + 2^7, limb 0 below 2^26 + 19 * 2^7.
static inline fv fv_reduce(fv a) {
    __m256i c[5];
    fv r;
#pragma clang loop unroll(full)
    for (int i = 0; i < 5; i++) {
        c[i] = _mm256_srlv_epi32(a.v[i], pair(i, 26, 25));
        r.v[i] = _mm256_and_si256(a.v[i], pair(i, MASK26, MASK25));
    }
#pragma clang loop unroll(full)
    for (int i = 1; i < 5; i++) r.v[i] = _mm256_add_epi32(r.v[i], c[i - 1]);
    // c[4] holds the carries of limbs 4 (low) and 9 (high); limb 0 takes 19 times the carry of limb 9
    // and limb 5 that of limb 4. The carries are below 2^7, so 18 times the low half stays in it.
    const __m256i swapped = _mm256_shuffle_epi32(c[4], _MM_SHUFFLE(2, 3, 0, 1));
    const __m256i carry_in = _mm256_add_epi32(swapped, _mm256_mul_epu32(swapped, _mm256_set1_epi64x(18)));
    r.v[0] = _mm256_add_epi32(r.v[0], carry_in);
    return r;
}

/// Limb k of a radix-2^51 limb array: limb 2m is the low 26 bits of limb m, limb 2m + 1 the rest.
static inline int limb_of(const cv_fe51 *e, int k) {
    return (k & 1) ? (int)(e->v[k / 2] >> 26) : (int)(e->v[k / 2] & MASK26);
}

/// Loads four elements with limbs below 2^52, reduced.
static inline fv fv_load(const cv_fe51 e[4]) {
    fv r;
#pragma clang loop unroll(full)
    for (int i = 0; i < 5; i++) {
        r.v[i] = _mm256_setr_epi32(limb_of(&e[0], i), limb_of(&e[0], i + 5), limb_of(&e[1], i), limb_of(&e[1], i + 5),
                                   limb_of(&e[2], i), limb_of(&e[2], i + 5), limb_of(&e[3], i), limb_of(&e[3], i + 5));
    }
    return fv_reduce(r);
}

/// Stores four elements with limbs below 2^52 (from limbs below 2^26 + 2^12 and odd limbs below
/// 2^25.01, as fv_mul returns them).
static inline void fv_store(cv_fe51 e[4], fv a) {
    uint32_t lanes[5][8];
#pragma clang loop unroll(full)
    for (int i = 0; i < 5; i++) _mm256_storeu_si256((__m256i *)lanes[i], a.v[i]);
#pragma clang loop unroll(full)
    for (int j = 0; j < 4; j++) {
#pragma clang loop unroll(full)
        for (int m = 0; m < 5; m++) {
            // Limb k of element j is in vector k mod 5, half k / 5.
            int even = 2 * m, odd = 2 * m + 1;
            uint64_t low = lanes[even % 5][2 * j + even / 5], high = lanes[odd % 5][2 * j + odd / 5];
            e[j].v[m] = low + (high << 26);
        }
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
    fv r;
    r.v[0] = _mm256_sub_epi32(pair(0, 2 * (MASK26 - 18), 2 * MASK25), a.v[0]);
#pragma clang loop unroll(full)
    for (int i = 1; i < 5; i++) r.v[i] = _mm256_sub_epi32(pair(i, 2 * MASK26, 2 * MASK25), a.v[i]);
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

/// Moves limb i's bits above `width` into limb i + 1 (64-bit lanes, one limb per lane) and masks
/// limb i.
#define CARRY(h, i, width, mask)                           \
    do {                                                   \
        __m256i c_ = _mm256_srli_epi64((h)[i], width);     \
        (h)[i] = _mm256_and_si256((h)[i], mask);           \
        (h)[(i) + 1] = _mm256_add_epi64((h)[(i) + 1], c_); \
    } while (0)

/// As CARRY, but leaves limb i's carried-out bits in place for the mask after packing.
#define CARRY_UNMASKED(h, i, width) (h)[(i) + 1] = _mm256_add_epi64((h)[(i) + 1], _mm256_srli_epi64((h)[i], width))

/// Carries ten 64-bit column sums (each below 2^63) to limbs below 2^26 (odd limbs below 2^25,
/// limb 1 below 2^25.01, limb 5 below 2^25 + 2^12) and packs them. Two interleaved chains as in
/// ref10 (0 to 4 and 4 to 9); limb 9's carry (below 2^38) is split at 26 bits so that both halves
/// times 19 are 32 x 32-bit products and goes to limbs 0 and 1, then limb 0's carry to limb 1.
/// Limbs 0, 1, 4 and 5 are masked in the chain, as they take more carries later; the others keep
/// their carried-out bits until the packed result is masked.
static inline fv reduce_columns(__m256i h[10]) {
    const __m256i m26 = _mm256_set1_epi64x(MASK26), m25 = _mm256_set1_epi64x(MASK25);
    CARRY(h, 0, 26, m26);
    CARRY(h, 4, 26, m26);
    CARRY(h, 1, 25, m25);
    CARRY(h, 5, 25, m25);
    CARRY_UNMASKED(h, 2, 26);
    CARRY_UNMASKED(h, 6, 26);
    CARRY_UNMASKED(h, 3, 25);  // limb 4 below 2^26 + 2^38
    CARRY_UNMASKED(h, 7, 25);
    CARRY_UNMASKED(h, 4, 26);  // limb 5 below 2^25 + 2^12
    CARRY_UNMASKED(h, 8, 26);  // limb 9 below 2^63 + 2^37
    const __m256i nineteen = _mm256_set1_epi64x(19);
    const __m256i c = _mm256_srli_epi64(h[9], 25);                                // below 2^38
    const __m256i c0 = _mm256_and_si256(c, m26), c1 = _mm256_srli_epi64(c, 26);  // below 2^26, 2^12
    h[0] = _mm256_add_epi64(h[0], _mm256_mul_epu32(c0, nineteen));               // below 2^26 + 2^30.3
    h[1] = _mm256_add_epi64(h[1], _mm256_mul_epu32(c1, nineteen));               // below 2^25 + 2^16.3
    CARRY_UNMASKED(h, 0, 26);                                                     // limb 1 below 2^25.01
    // Pack limbs i and i + 5; mask all but limbs 1 and 5, which took their last carries after
    // their masks.
    fv r;
#pragma clang loop unroll(full)
    for (int i = 0; i < 5; i++) {
        __m256i packed = _mm256_blend_epi32(h[i], _mm256_shuffle_epi32(h[i + 5], _MM_SHUFFLE(2, 2, 0, 0)), 0xaa);
        __m256i mask = (i == 0)   ? pair(0, MASK26, -1)
                       : (i == 1) ? pair(1, MASK26, -1)
                                  : pair(i, MASK26, MASK25);
        r.v[i] = _mm256_and_si256(packed, mask);
    }
    return r;
}

/// The order in which reduce_columns first takes the columns.
static const int column_order[10] = {0, 4, 1, 5, 2, 6, 3, 7, 8, 9};

/// Limb k of each element in the low half of its 64-bit lane and zero in the high half, for
/// vpmuludq. The instruction itself ignores the high halves, but the compiler reads the intrinsic
/// as a 64-bit product of operands masked to 32 bits: with known-zero high halves it emits one
/// vpmuludq per product; with limb data there (or zeros it cannot see, as through memory) it adds
/// masking instructions or spells products as full 64 x 64-bit multiplications.
static inline void unpack(__m256i out[10], fv a) {
#pragma clang loop unroll(full)
    for (int i = 0; i < 5; i++) {
        out[i] = _mm256_blend_epi32(a.v[i], _mm256_setzero_si256(), 0xaa);
        out[i + 5] = _mm256_srli_epi64(a.v[i], 32);
    }
}

/// Element-wise product; limbs below 2^27 in, reduced out.
///
/// Bounds: with limbs below 2^27, g19 limbs are below 2^31.3 (one 32-bit lane) and doubled odd
/// limbs of f below 2^28, so each product is below 2^59.3 and each column of ten below 2^62.7 <
/// 2^63. (Inputs in this file are below 2^26 + 2^12, columns below 2^61.3.)
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
    // Column by column in the order the carry chain takes them, so that carrying the first columns
    // overlaps with multiplying the last.
    __m256i h[10];
#pragma clang loop unroll(full)
    for (int kk = 0; kk < 10; kk++) {
        const int k = column_order[kk];
        h[k] = _mm256_setzero_si256();
#pragma clang loop unroll(full)
        for (int i = 0; i < 10; i++) {
            // Two odd limbs carry an extra factor 2 (2^25.5 + 2^25.5 rounds up twice); limbs past
            // 2^255 fold back times 19.
            int j = (k - i + 10) % 10;
            __m256i left = ((i & j) & 1) ? f2[i] : f[i];
            __m256i right = (i + j >= 10) ? g19[j] : g[j];
            h[k] = _mm256_add_epi64(h[k], _mm256_mul_epu32(left, right));
        }
    }
    return reduce_columns(h);
}

/// Element-wise square: each cross product once, doubled; limbs below 2^27 in, reduced out.
/// Bounds as for fv_mul (f4 of a limb below 2^27 is below 2^29; each column is the same sum as
/// the product's).
static inline __attribute__((always_inline)) fv fv_sq(fv fp) {
    const __m256i nineteen = _mm256_set1_epi64x(19);
    __m256i f[10], f19[10], f2[10], f4[10];
    unpack(f, fp);
#pragma clang loop unroll(full)
    for (int i = 0; i < 10; i++) {
        f19[i] = _mm256_mul_epu32(f[i], nineteen);
        f2[i] = _mm256_slli_epi64(f[i], 1);
        f4[i] = _mm256_slli_epi64(f[i], 2);
    }
    // Column by column, as in fv_mul.
    __m256i h[10];
#pragma clang loop unroll(full)
    for (int kk = 0; kk < 10; kk++) {
        const int k = column_order[kk];
        h[k] = _mm256_setzero_si256();
#pragma clang loop unroll(full)
        for (int i = 0; i < 10; i++) {
            int j = (k - i + 10) % 10;
            if (j < i) continue;  // each pair once (compile-time indices)
            // Cross products count twice; two odd limbs carry an extra 2; past 2^255 times 19.
            int odd = (i & j) & 1;
            __m256i left = (i < j) ? (odd ? f4[i] : f2[i]) : (odd ? f2[i] : f[i]);
            __m256i right = (i + j >= 10) ? f19[j] : f[j];
            h[k] = _mm256_add_epi64(h[k], _mm256_mul_epu32(left, right));
        }
    }
    return reduce_columns(h);
}

// The point operations of points.h inlined into the scalar multiplication: called out of line,
// each passes its five-vector operands and result through memory, and every doubling waits on
// store-to-load forwarding (0.61x -> 0.56x of libsodium's time).
static inline __attribute__((always_inline)) fv point_double(fv p);
static inline __attribute__((always_inline)) fv point_add(fv p, fv q);
static inline __attribute__((always_inline)) fv to_cached(fv p);
static inline __attribute__((always_inline)) fv diff_sum_xy(fv p);
static inline __attribute__((always_inline)) fv finish(fv efgh);
static inline __attribute__((always_inline)) fv cached_cneg(fv q, __m256i mask);

#define CV_SQUARE_IS_CHEAP 1
#define CV_SCALARMULT cv_avx2_scalarmult
#include "points.h"
#define CV_MUL_L4 cv_avx2_mul_l4
#define CV_POW22523_4 cv_avx2_pow22523_4
#include "lanes.h"
#define CV_MSM_CONSTTIME cv_avx2_msm_consttime
#define CV_MSM_BUCKETS cv_avx2_msm_buckets
#define CV_MSM_STRAUS cv_avx2_msm_straus
#include "msm.h"

#pragma clang attribute pop

#endif
