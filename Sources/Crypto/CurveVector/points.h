// Edwards point operations and constant-time scalar multiplication over four field-element lanes,
// shared by the vector backends. The including file defines the lane type `fv` and its operations:
// fv_load, fv_store, fv_add, fv_neg2 (2p - a for a reduced a), fv_and, fv_select (lane masks of 64
// bits), fv_perm with IDX(i0, i1, i2, i3) (lane k of the result is lane ik), fv_reduce (a carry round)
// fv_mul (reduced inputs, reduced output); CV_SQUARE_IS_CHEAP (1 when fv_sq, a squaring, costs
// clearly less than fv_mul); and CV_SCALARMULT, the name of the entry point.
// Every function is constant time: no branches or memory addresses depend on the scalar or the point.

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
    fv negx = fv_neg2(xx);
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
static inline __attribute__((always_inline)) ext_point point_add(ext_point p, cached_point q) {
    fv t = fv_mul(diff_sum_xy(p), q);  // (A, B, D, C)
    fv first = fv_perm(t, IDX(1, 1, 2, 2));   // (B, B, D, D)
    fv second = fv_perm(t, IDX(0, 0, 3, 3));  // (A, A, C, C)
    const __m256i lanes02 = _mm256_setr_epi64x(-1, 0, -1, 0);
    fv signed_second = fv_select(second, fv_neg2(second), lanes02);
    return finish(fv_reduce(fv_add(first, signed_second)));  // (E, H, F, G)
}

/// 2P.
static inline __attribute__((always_inline)) ext_point point_double(ext_point p) {
    const __m256i lane3 = _mm256_setr_epi64x(0, 0, 0, -1);
    const __m256i lane2 = _mm256_setr_epi64x(0, 0, -1, 0);
    const __m256i lanes12 = _mm256_setr_epi64x(0, -1, -1, 0);
#if CV_SQUARE_IS_CHEAP
    // (X, Y, Z, X + Y) squared: (S1, S2, S3, S4) = (X^2, Y^2, Z^2, (X + Y)^2).
    fv v = fv_add(fv_perm(p, IDX(0, 1, 2, 0)), fv_and(fv_perm(p, IDX(0, 0, 0, 1)), lane3));
    fv s = fv_sq(fv_reduce(v));
    fv s1 = fv_perm(s, IDX(0, 0, 0, 0));
    fv s2 = fv_perm(s, IDX(1, 1, 1, 1));
    fv s2signed = fv_select(s2, fv_neg2(s2), lanes12);  // (S2, -S2, -S2, S2)
    fv w = fv_perm(s, IDX(2, 2, 2, 3));
    fv extra = fv_add(fv_and(fv_add(w, w), lane2), fv_and(fv_neg2(w), lane3));  // (0, 0, 2S3, -S4)
    // u = (S1 + S2, S1 - S2, S1 - S2 + 2S3, S1 + S2 - S4) = (-H, -G, -F, -E)
    fv u = fv_reduce(fv_add(fv_add(s1, s2signed), extra));
#else
    // (X, Y, Z, X) times (X, Y, Z, Y): (S1, S2, S3, P) = (X^2, Y^2, Z^2, XY), with no sum to
    // reduce first; E = (X + Y)^2 - X^2 - Y^2 = 2XY.
    fv s = fv_mul(fv_perm(p, IDX(0, 1, 2, 0)), fv_perm(p, IDX(0, 1, 2, 1)));
    fv a = fv_perm(s, IDX(0, 0, 0, 3));
    fv b = fv_perm(s, IDX(1, 1, 1, 3));
    fv asigned = fv_select(a, fv_neg2(a), lane3);                                     // (S1, S1, S1, -P)
    fv bsigned = fv_select(b, fv_neg2(b), _mm256_or_si256(lanes12, lane3));          // (S2, -S2, -S2, -P)
    fv w = fv_perm(s, IDX(2, 2, 2, 2));
    // u = (S1 + S2, S1 - S2, S1 - S2 + 2S3, -2XY) = (-H, -G, -F, -E)
    fv u = fv_reduce(fv_add(fv_add(asigned, bsigned), fv_and(fv_add(w, w), lane2)));
#endif
    // (E, G, G, E) and (F, H, F, H) up to one common sign, which the products cancel.
    return fv_mul(fv_perm(u, IDX(3, 1, 1, 3)), fv_perm(u, IDX(2, 0, 2, 0)));
}

/// 16P: four doublings.
static inline ext_point point_times16(ext_point p) {
    for (int k = 0; k < 4; k++) p = point_double(p);
    return p;
}

/// -Q when mask is all ones: swap Y - X and Y + X, negate 2dT.
static inline cached_point cached_cneg(cached_point q, __m256i mask) {
    fv swapped = fv_perm(q, IDX(1, 0, 2, 3));
    const __m256i lane3 = _mm256_setr_epi64x(0, 0, 0, -1);
    fv neg = fv_select(swapped, fv_neg2(swapped), lane3);
    return fv_select(q, neg, mask);
}

/// digit * P for digit in [-8, 8], from the multiples 1P ... 8P: reads all eight entries and
/// chooses with masks, then negates with a mask (`identity` is the cached identity).
static inline cached_point cached_lookup(const cached_point table[8], int8_t digit, fv identity) {
    int8_t negative = (int8_t)((uint8_t)digit >> 7);
    int8_t magnitude = (int8_t)(digit - (int8_t)(((-negative) & digit) * 2));
    const __m256i wanted = _mm256_set1_epi64x(magnitude);
    fv chosen = identity;
    for (int j = 0; j < 8; j++) {
        __m256i hit = _mm256_cmpeq_epi64(wanted, _mm256_set1_epi64x(j + 1));
        chosen = fv_select(chosen, table[j], hit);
    }
    return cached_cneg(chosen, _mm256_set1_epi64x(-(long long)negative));
}

void CV_SCALARMULT(cv_fe51 out[4], const uint8_t n[32], const cv_fe51 in[4]) {
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
        if (i != 63) acc = point_times16(acc);  // public loop counter
        acc = point_add(acc, cached_lookup(table, e[i], identity));
    }
    fv_store(out, acc);
    // Scrub the secret digits and the table of multiples.
    volatile int8_t *ve = e;
    for (int i = 0; i < 64; i++) ve[i] = 0;
    volatile uint8_t *vt = (volatile uint8_t *)table;
    for (size_t i = 0; i < sizeof table; i++) vt[i] = 0;
}

