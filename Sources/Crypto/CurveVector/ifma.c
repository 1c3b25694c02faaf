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

/// The same element in every lane.
static inline fv fv_splat(const cv_fe51 *e) {
    fv r;
    for (int i = 0; i < 5; i++) r.l[i] = _mm256_set1_epi64x((long long)e->v[i]);
    return r;
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

/// k*p - a limb by limb, for k*p's limbs above a's (k = 2 for limbs below 2^52 - 38, 4 below 2^53).
static inline fv fv_negk(fv a, uint64_t low, uint64_t rest) {
    fv r;
    r.l[0] = _mm256_sub_epi64(_mm256_set1_epi64x((long long)low), a.l[0]);
    for (int i = 1; i < 5; i++) r.l[i] = _mm256_sub_epi64(_mm256_set1_epi64x((long long)rest), a.l[i]);
    return r;
}
#define P2_LOW 0xfffffffffffdaULL
#define P2_REST 0xffffffffffffeULL
#define P4_LOW 0x1fffffffffffb4ULL
#define P4_REST 0x1ffffffffffffcULL

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

/// One parallel carry round: limbs below 2^62 in, below 2^52 out.
static inline fv fv_reduce(fv a) {
    const __m256i mask = _mm256_set1_epi64x((long long)LIMB_MASK);
    __m256i c[5];
    for (int i = 0; i < 5; i++) c[i] = _mm256_srli_epi64(a.l[i], 51);
    fv r;
    for (int i = 0; i < 5; i++) r.l[i] = _mm256_and_si256(a.l[i], mask);
    // 19 c = 16 c + 2 c + c
    __m256i c19 = _mm256_add_epi64(_mm256_add_epi64(_mm256_slli_epi64(c[4], 4), _mm256_slli_epi64(c[4], 1)), c[4]);
    r.l[0] = _mm256_add_epi64(r.l[0], c19);
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
        __m256i t = z[k + 5];
        __m256i t19 = _mm256_add_epi64(_mm256_add_epi64(_mm256_slli_epi64(t, 4), _mm256_slli_epi64(t, 1)), t);
        r.l[k] = _mm256_add_epi64(z[k], t19);
    }
    return fv_reduce(r);
}

/// (a, b, c, d) -> (b - a, b + a, c - d, c + d) is not what the formulas need everywhere, so each
/// caller builds its own combination from these pieces: broadcast/permute, negate, add, reduce.

/// An Edwards point in extended coordinates, lanes (X, Y, Z, T).
typedef fv ext_point;
/// A point ready to be added: lanes (Y - X, Y + X, 2Z, 2dT).
typedef fv cached_point;

static const cv_fe51 cached_scale_constants[4] = {
    {{1, 0, 0, 0, 0}},
    {{1, 0, 0, 0, 0}},
    {{2, 0, 0, 0, 0}},
    {{0x69b9426b2f159ULL, 0x35050762add7aULL, 0x3cf44c0038052ULL, 0x6738cc7407977ULL, 0x2406d9dc56dffULL}},  // 2d
};

/// (X, Y, Z, T) -> (Y - X, Y + X, Z, T), reduced.
static inline fv diff_sum_xy(ext_point p) {
    fv yy = fv_perm(p, IDX(1, 1, 2, 3));  // (Y, Y, Z, T)
    fv xx = fv_perm(p, IDX(0, 0, 0, 0));
    fv negx = fv_negk(xx, P2_LOW, P2_REST);
    const __m256i lane0 = _mm256_setr_epi64x(-1, 0, 0, 0);
    const __m256i lanes01 = _mm256_setr_epi64x(-1, -1, 0, 0);
    fv m = fv_and(fv_select(xx, negx, lane0), lanes01);  // (-X, X, 0, 0)
    return fv_reduce(fv_add(yy, m));
}

static inline cached_point to_cached(ext_point p) {
    return fv_mul(diff_sum_xy(p), fv_load(cached_scale_constants));
}

/// From lanes (E, H, F, G) to (EF, GH, FG, EH) = (X3, Y3, Z3, T3).
static inline ext_point finish(fv efgh) {
    fv t0 = fv_perm(efgh, IDX(0, 3, 3, 0));  // (E, G, G, E)
    fv t1 = fv_perm(efgh, IDX(2, 1, 2, 1));  // (F, H, F, H)
    return fv_mul(t0, t1);
}

/// P + Q.
static inline ext_point point_add(ext_point p, cached_point q) {
    fv t = fv_mul(diff_sum_xy(p), q);  // (A, B, D, C)
    fv first = fv_perm(t, IDX(1, 1, 2, 2));   // (B, B, D, D)
    fv second = fv_perm(t, IDX(0, 0, 3, 3));  // (A, A, C, C)
    const __m256i lanes02 = _mm256_setr_epi64x(-1, 0, -1, 0);
    fv signed_second = fv_select(second, fv_negk(second, P2_LOW, P2_REST), lanes02);
    return finish(fv_reduce(fv_add(first, signed_second)));  // (E, H, F, G)
}

/// 2P.
static inline ext_point point_double(ext_point p) {
    const __m256i lane3 = _mm256_setr_epi64x(0, 0, 0, -1);
    const __m256i lane2 = _mm256_setr_epi64x(0, 0, -1, 0);
    const __m256i lanes12 = _mm256_setr_epi64x(0, -1, -1, 0);
    // (X, Y, Z, X + Y)
    fv v = fv_add(fv_perm(p, IDX(0, 1, 2, 0)), fv_and(fv_perm(p, IDX(0, 0, 0, 1)), lane3));
    fv s = fv_mul(fv_reduce(v), fv_reduce(v));  // (S1, S2, S3, S4) = (X^2, Y^2, Z^2, (X+Y)^2)
    fv s1 = fv_perm(s, IDX(0, 0, 0, 0));
    fv s2 = fv_perm(s, IDX(1, 1, 1, 1));
    fv s2signed = fv_select(s2, fv_negk(s2, P2_LOW, P2_REST), lanes12);  // (S2, -S2, -S2, S2)
    fv w = fv_perm(s, IDX(2, 2, 2, 3));
    fv extra = fv_add(fv_and(fv_add(w, w), lane2), fv_and(fv_negk(w, P2_LOW, P2_REST), lane3));  // (0, 0, 2S3, -S4)
    // u = (S1 + S2, S1 - S2, S1 - S2 + 2S3, S1 + S2 - S4) = (-H, -G, -F, -E)
    fv u = fv_reduce(fv_add(fv_add(s1, s2signed), extra));
    // (E, H, F, G) up to one common sign, which the products cancel.
    return finish(fv_perm(u, IDX(3, 0, 2, 1)));
}

/// -Q when mask is all ones: swap Y - X and Y + X, negate 2dT.
static inline cached_point cached_cneg(cached_point q, __m256i mask) {
    fv swapped = fv_perm(q, IDX(1, 0, 2, 3));
    const __m256i lane3 = _mm256_setr_epi64x(0, 0, 0, -1);
    fv neg = fv_select(swapped, fv_negk(swapped, P2_LOW, P2_REST), lane3);
    return fv_select(q, neg, mask);
}

void cv_ifma_scalarmult(cv_fe51 out[4], const uint8_t n[32], const cv_fe51 in[4]) {
    static const cv_fe51 identity_cached[4] = {{{1, 0, 0, 0, 0}}, {{1, 0, 0, 0, 0}}, {{2, 0, 0, 0, 0}}, {{0}}};
    static const cv_fe51 identity_ext[4] = {{{0}}, {{1, 0, 0, 0, 0}}, {{1, 0, 0, 0, 0}}, {{0}}};
    ext_point p = fv_load(in);
    cached_point table[8];
    table[0] = to_cached(p);
    ext_point multiple = p;
    for (int i = 1; i < 8; i++) {
        multiple = point_add(multiple, table[0]);
        table[i] = to_cached(multiple);
    }
    int8_t e[64];
    cv_signed_radix16(e, n);
    const fv identity = fv_load(identity_cached);
    ext_point acc = fv_load(identity_ext);
    for (int i = 63; i >= 0; i--) {
        if (i != 63) {  // public loop counter
            acc = point_double(acc);
            acc = point_double(acc);
            acc = point_double(acc);
            acc = point_double(acc);
        }
        int8_t digit = e[i];
        int8_t negative = (int8_t)((uint8_t)digit >> 7);
        int8_t magnitude = (int8_t)(digit - (int8_t)(((-negative) & digit) * 2));
        const __m256i wanted = _mm256_set1_epi64x(magnitude);
        fv chosen = identity;
        for (int j = 0; j < 8; j++) {
            __m256i hit = _mm256_cmpeq_epi64(wanted, _mm256_set1_epi64x(j + 1));
            chosen = fv_select(chosen, table[j], hit);
        }
        chosen = cached_cneg(chosen, _mm256_set1_epi64x(-(long long)negative));
        acc = point_add(acc, chosen);
    }
    fv_store(out, acc);
    // Scrub the secret digits and the table of multiples.
    volatile int8_t *ve = e;
    for (int i = 0; i < 64; i++) ve[i] = 0;
    volatile uint8_t *vt = (volatile uint8_t *)table;
    for (size_t i = 0; i < sizeof table; i++) vt[i] = 0;
}

#pragma clang attribute pop

#endif
