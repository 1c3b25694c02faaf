// ristretto255 decoding and encoding (RFC 9496 section 4.3) in portable serial C, around the vector
// scalar multiplication, and the run-time choice of backend.
#include "datafi_curve_vector.h"
#include "fe51.h"

#include <stdatomic.h>
#include <stdlib.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

typedef unsigned __int128 u128;

static const cv_fe51 fe_d = {{0x34dca135978a3ULL, 0x1a8283b156ebdULL, 0x5e7a26001c029ULL, 0x739c663a03cbbULL,
                              0x52036cee2b6ffULL}};
static const cv_fe51 fe_sqrtm1 = {{0x61b274a0ea0b0ULL, 0x0d5a5fc8f189dULL, 0x7ef5e9cbd0c60ULL, 0x78595a6804c9eULL,
                                   0x2b8324804fc1dULL}};
static const cv_fe51 fe_invsqrt_a_minus_d = {{0x0fdaa805d40eaULL, 0x2eb482e57d339ULL, 0x007610274bc58ULL,
                                              0x6510b613dc8ffULL, 0x786c8905cfaffULL}};

static void fe_0(cv_fe51 *h) { memset(h, 0, sizeof *h); }
static void fe_1(cv_fe51 *h) {
    fe_0(h);
    h->v[0] = 1;
}

/// Carries so that every limb is below 2^51 + 2^13 (inputs below 2^63).
static void fe_carry(cv_fe51 *h) {
    uint64_t c;
    for (int i = 0; i < 4; i++) {
        c = h->v[i] >> 51;
        h->v[i] &= CV_MASK51;
        h->v[i + 1] += c;
    }
    c = h->v[4] >> 51;
    h->v[4] &= CV_MASK51;
    h->v[0] += 19 * c;
}

static void fe_add(cv_fe51 *h, const cv_fe51 *f, const cv_fe51 *g) {
    for (int i = 0; i < 5; i++) h->v[i] = f->v[i] + g->v[i];
    fe_carry(h);
}

/// f - g + 4p, limbs of g below 2^53.
static void fe_sub(cv_fe51 *h, const cv_fe51 *f, const cv_fe51 *g) {
    h->v[0] = f->v[0] + 0x1fffffffffffb4ULL - g->v[0];
    for (int i = 1; i < 5; i++) h->v[i] = f->v[i] + 0x1ffffffffffffcULL - g->v[i];
    fe_carry(h);
}

static void fe_neg(cv_fe51 *h, const cv_fe51 *f) {
    cv_fe51 zero;
    fe_0(&zero);
    fe_sub(h, &zero, f);
}

static void fe_carry_wide(cv_fe51 *h, u128 r0, u128 r1, u128 r2, u128 r3, u128 r4);

static void fe_mul(cv_fe51 *h, const cv_fe51 *f, const cv_fe51 *g) {
    const uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
    const uint64_t g0 = g->v[0], g1 = g->v[1], g2 = g->v[2], g3 = g->v[3], g4 = g->v[4];
    const uint64_t g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4;
    u128 r0 = (u128)f0 * g0 + (u128)f1 * g4_19 + (u128)f2 * g3_19 + (u128)f3 * g2_19 + (u128)f4 * g1_19;
    u128 r1 = (u128)f0 * g1 + (u128)f1 * g0 + (u128)f2 * g4_19 + (u128)f3 * g3_19 + (u128)f4 * g2_19;
    u128 r2 = (u128)f0 * g2 + (u128)f1 * g1 + (u128)f2 * g0 + (u128)f3 * g4_19 + (u128)f4 * g3_19;
    u128 r3 = (u128)f0 * g3 + (u128)f1 * g2 + (u128)f2 * g1 + (u128)f3 * g0 + (u128)f4 * g4_19;
    u128 r4 = (u128)f0 * g4 + (u128)f1 * g3 + (u128)f2 * g2 + (u128)f3 * g1 + (u128)f4 * g0;
    fe_carry_wide(h, r0, r1, r2, r3, r4);
}

/// Carries five 128-bit column sums (each below 2^115) into limbs below 2^51 + 2^9.
static void fe_carry_wide(cv_fe51 *h, u128 r0, u128 r1, u128 r2, u128 r3, u128 r4) {
    r1 += (uint64_t)(r0 >> 51);
    uint64_t h0 = (uint64_t)r0 & CV_MASK51;
    r2 += (uint64_t)(r1 >> 51);
    uint64_t h1 = (uint64_t)r1 & CV_MASK51;
    r3 += (uint64_t)(r2 >> 51);
    uint64_t h2 = (uint64_t)r2 & CV_MASK51;
    r4 += (uint64_t)(r3 >> 51);
    uint64_t h3 = (uint64_t)r3 & CV_MASK51;
    uint64_t c = (uint64_t)(r4 >> 51);
    uint64_t h4 = (uint64_t)r4 & CV_MASK51;
    h0 += 19 * c;
    h1 += h0 >> 51;
    h0 &= CV_MASK51;
    h->v[0] = h0;
    h->v[1] = h1;
    h->v[2] = h2;
    h->v[3] = h3;
    h->v[4] = h4;
}

static void fe_sq(cv_fe51 *h, const cv_fe51 *f) {
    const uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
    const uint64_t f0_2 = 2 * f0, f1_2 = 2 * f1, f1_38 = 38 * f1, f2_38 = 38 * f2, f3_38 = 38 * f3;
    const uint64_t f3_19 = 19 * f3, f4_19 = 19 * f4;
    u128 r0 = (u128)f0 * f0 + (u128)f1_38 * f4 + (u128)f2_38 * f3;
    u128 r1 = (u128)f0_2 * f1 + (u128)f2_38 * f4 + (u128)f3_19 * f3;
    u128 r2 = (u128)f0_2 * f2 + (u128)f1 * f1 + (u128)f3_38 * f4;
    u128 r3 = (u128)f0_2 * f3 + (u128)f1_2 * f2 + (u128)f4_19 * f4;
    u128 r4 = (u128)f0_2 * f4 + (u128)f1_2 * f3 + (u128)f2 * f2;
    fe_carry_wide(h, r0, r1, r2, r3, r4);
}

static void fe_sqn(cv_fe51 *h, const cv_fe51 *f, int n) {
    fe_sq(h, f);
    for (int i = 1; i < n; i++) fe_sq(h, h);
}

/// z^((p-5)/8) = z^(2^252 - 3).
static void fe_pow22523(cv_fe51 *out, const cv_fe51 *z) {
    cv_fe51 t0, t1, t2;
    fe_sq(&t0, z);            // z^2
    fe_sqn(&t1, &t0, 2);      // z^8
    fe_mul(&t1, z, &t1);      // z^9
    fe_mul(&t0, &t0, &t1);    // z^11
    fe_sq(&t0, &t0);          // z^22
    fe_mul(&t0, &t1, &t0);    // z^(2^5-1)
    fe_sqn(&t1, &t0, 5);
    fe_mul(&t0, &t1, &t0);    // z^(2^10-1)
    fe_sqn(&t1, &t0, 10);
    fe_mul(&t1, &t1, &t0);    // z^(2^20-1)
    fe_sqn(&t2, &t1, 20);
    fe_mul(&t1, &t2, &t1);    // z^(2^40-1)
    fe_sqn(&t1, &t1, 10);
    fe_mul(&t0, &t1, &t0);    // z^(2^50-1)
    fe_sqn(&t1, &t0, 50);
    fe_mul(&t1, &t1, &t0);    // z^(2^100-1)
    fe_sqn(&t2, &t1, 100);
    fe_mul(&t1, &t2, &t1);    // z^(2^200-1)
    fe_sqn(&t1, &t1, 50);
    fe_mul(&t0, &t1, &t0);    // z^(2^250-1)
    fe_sqn(&t0, &t0, 2);      // z^(2^252-4)
    fe_mul(out, &t0, z);      // z^(2^252-3)
}

/// The canonical little-endian encoding (value reduced below p).
static void fe_tobytes(uint8_t s[32], const cv_fe51 *f) {
    cv_fe51 h = *f;
    fe_carry(&h);
    fe_carry(&h);
    h.v[1] += h.v[0] >> 51;
    h.v[0] &= CV_MASK51;
    // Now h < 2^255 with limbs below 2^51; q = 1 exactly when h >= p.
    uint64_t q = (h.v[0] + 19) >> 51;
    for (int i = 1; i < 5; i++) q = (h.v[i] + q) >> 51;
    h.v[0] += 19 * q;
    for (int i = 0; i < 4; i++) {
        h.v[i + 1] += h.v[i] >> 51;
        h.v[i] &= CV_MASK51;
    }
    h.v[4] &= CV_MASK51;
    uint64_t w[4];
    w[0] = h.v[0] | (h.v[1] << 51);
    w[1] = (h.v[1] >> 13) | (h.v[2] << 38);
    w[2] = (h.v[2] >> 26) | (h.v[3] << 25);
    w[3] = (h.v[3] >> 39) | (h.v[4] << 12);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) s[8 * i + j] = (uint8_t)(w[i] >> (8 * j));
}

/// Loads 255 bits (the top bit of the last byte is ignored).
static void fe_frombytes(cv_fe51 *h, const uint8_t s[32]) {
    uint64_t w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = 0;
        for (int j = 0; j < 8; j++) w[i] |= (uint64_t)s[8 * i + j] << (8 * j);
    }
    h->v[0] = w[0] & CV_MASK51;
    h->v[1] = ((w[0] >> 51) | (w[1] << 13)) & CV_MASK51;
    h->v[2] = ((w[1] >> 38) | (w[2] << 26)) & CV_MASK51;
    h->v[3] = ((w[2] >> 25) | (w[3] << 39)) & CV_MASK51;
    h->v[4] = (w[3] >> 12) & CV_MASK51;
}

static int fe_isnegative(const cv_fe51 *f) {
    uint8_t s[32];
    fe_tobytes(s, f);
    return s[0] & 1;
}

static int fe_iszero(const cv_fe51 *f) {
    uint8_t s[32];
    fe_tobytes(s, f);
    uint8_t acc = 0;
    for (int i = 0; i < 32; i++) acc |= s[i];
    return (int)(((unsigned)acc - 1) >> 8) & 1;
}

static int fe_eq(const cv_fe51 *f, const cv_fe51 *g) {
    cv_fe51 d;
    fe_sub(&d, f, g);
    return fe_iszero(&d);
}

/// h = g when b == 1, unchanged when b == 0.
static void fe_cmov(cv_fe51 *h, const cv_fe51 *g, int b) {
    uint64_t mask = (uint64_t)0 - (uint64_t)b;
    for (int i = 0; i < 5; i++) h->v[i] ^= mask & (h->v[i] ^ g->v[i]);
}

static void fe_abs(cv_fe51 *h, const cv_fe51 *f) {
    cv_fe51 negf;
    fe_neg(&negf, f);
    *h = *f;
    fe_cmov(h, &negf, fe_isnegative(f));
}

/// The first half of SQRT_RATIO_M1(u, v): w = u v^7, whose (p - 5) / 8 power the second half needs,
/// and v^3.
static void sqrt_ratio_start(cv_fe51 *w, cv_fe51 *v3, const cv_fe51 *u, const cv_fe51 *v) {
    cv_fe51 v7;
    fe_sq(v3, v);
    fe_mul(v3, v3, v);  // v^3
    fe_sq(&v7, v3);
    fe_mul(&v7, &v7, v);  // v^7
    fe_mul(w, u, &v7);    // u v^7
}

/// The second half of SQRT_RATIO_M1(u, v), given power = w^((p - 5) / 8): returns whether u/v is
/// square; r = the non-negative root of u/v (or of i*u/v).
static int sqrt_ratio_finish(cv_fe51 *r, const cv_fe51 *power, const cv_fe51 *v3, const cv_fe51 *u,
                             const cv_fe51 *v) {
    cv_fe51 t, check, negu, negui, rprime;
    fe_mul(&t, power, v3);
    fe_mul(r, &t, u);  // u v^3 (u v^7)^((p-5)/8)
    fe_sq(&check, r);
    fe_mul(&check, &check, v);
    fe_neg(&negu, u);
    fe_mul(&negui, &negu, &fe_sqrtm1);
    int correct = fe_eq(&check, u);
    int flipped = fe_eq(&check, &negu);
    int flipped_i = fe_eq(&check, &negui);
    fe_mul(&rprime, r, &fe_sqrtm1);
    fe_cmov(r, &rprime, flipped | flipped_i);
    fe_abs(r, r);
    return correct | flipped;
}

/// SQRT_RATIO_M1(u, v) of RFC 9496 section 4.2: returns whether u/v is square; r = the
/// non-negative root of u/v (or of i*u/v).
static int fe_sqrt_ratio_m1(cv_fe51 *r, const cv_fe51 *u, const cv_fe51 *v) {
    cv_fe51 w, v3, power;
    sqrt_ratio_start(&w, &v3, u, v);
    fe_pow22523(&power, &w);
    return sqrt_ratio_finish(r, &power, &v3, u, v);
}

static const cv_fe51 fe_sqrt_ad_minus_one = {{0x7f6a0497b2e1bULL, 0x1836f0a97afd2ULL, 0x7d747f6be7638ULL,
                                               0x456079e7e6498ULL, 0x376931bf2b834ULL}};
static const cv_fe51 fe_one_minus_d_sq = {{0x409c1945fc176ULL, 0x719abc6a1fc4fULL, 0x1c37f90b20684ULL,
                                           0x6bccca55eedfULL, 0x29072a8b2b3eULL}};
static const cv_fe51 fe_d_minus_one_sq = {{0x55aaa44ed4d20ULL, 0x59603c3332635ULL, 0x26d3baf4a7928ULL,
                                           0x120a66e6997a9ULL, 0x5968b37af66c2ULL}};

/// RFC 9496 decoding to extended coordinates; 0 on success, -1 for a non-canonical or off-group
/// encoding. Branches only on whether the (public) encoding is valid.
static int ristretto_decode(cv_fe51 out[4], const uint8_t bytes[32]) {
    cv_fe51 s, one, ss, u1, u2, u2sq, v, t, invsqrt, denx, deny, x, y;
    uint8_t check[32];
    fe_frombytes(&s, bytes);
    fe_tobytes(check, &s);
    uint8_t diff = 0;
    for (int i = 0; i < 32; i++) diff |= check[i] ^ bytes[i];
    if (diff != 0 || (bytes[0] & 1) != 0) return -1;
    fe_1(&one);
    fe_sq(&ss, &s);
    fe_sub(&u1, &one, &ss);
    fe_add(&u2, &one, &ss);
    fe_sq(&u2sq, &u2);
    fe_sq(&t, &u1);
    fe_mul(&t, &t, &fe_d);
    fe_neg(&t, &t);
    fe_sub(&v, &t, &u2sq);  // -(d u1^2) - u2^2
    fe_mul(&t, &v, &u2sq);
    int was_square = fe_sqrt_ratio_m1(&invsqrt, &one, &t);
    fe_mul(&denx, &invsqrt, &u2);
    fe_mul(&deny, &invsqrt, &denx);
    fe_mul(&deny, &deny, &v);
    fe_mul(&x, &s, &denx);
    fe_add(&x, &x, &x);
    fe_abs(&x, &x);
    fe_mul(&y, &u1, &deny);
    fe_mul(&t, &x, &y);
    if (!was_square || fe_isnegative(&t) || fe_iszero(&y)) return -1;
    out[0] = x;
    out[1] = y;
    out[2] = one;
    out[3] = t;
    return 0;
}

/// The first half of RFC 9496 encoding of (X, Y, Z, T): u1 = (Z + Y)(Z - Y), u2 = XY and t, whose
/// inverse square root the second half needs.
static void encode_start(cv_fe51 *u1, cv_fe51 *u2, cv_fe51 *t, const cv_fe51 in[4]) {
    cv_fe51 sum;
    fe_add(&sum, &in[2], &in[1]);
    fe_sub(u1, &in[2], &in[1]);
    fe_mul(u1, u1, &sum);  // (Z+Y)(Z-Y)
    fe_mul(u2, &in[0], &in[1]);
    fe_sq(t, u2);
    fe_mul(t, t, u1);
}

/// The second half of RFC 9496 encoding, given invsqrt = 1/sqrt(u1 u2^2); constant time.
static void encode_finish(uint8_t s[32], const cv_fe51 in[4], const cv_fe51 *u1, const cv_fe51 *u2,
                          const cv_fe51 *invsqrt) {
    const cv_fe51 *x0 = &in[0], *y0 = &in[1], *z0 = &in[2], *t0 = &in[3];
    cv_fe51 t, den1, den2, zinv, ix0, iy0, enchanted, x, y, deninv, negy;
    fe_mul(&den1, invsqrt, u1);
    fe_mul(&den2, invsqrt, u2);
    fe_mul(&zinv, &den1, &den2);
    fe_mul(&zinv, &zinv, t0);
    fe_mul(&ix0, x0, &fe_sqrtm1);
    fe_mul(&iy0, y0, &fe_sqrtm1);
    fe_mul(&enchanted, &den1, &fe_invsqrt_a_minus_d);
    fe_mul(&t, t0, &zinv);
    int rotate = fe_isnegative(&t);
    x = *x0;
    y = *y0;
    deninv = den2;
    fe_cmov(&x, &iy0, rotate);
    fe_cmov(&y, &ix0, rotate);
    fe_cmov(&deninv, &enchanted, rotate);
    fe_mul(&t, &x, &zinv);
    fe_neg(&negy, &y);
    fe_cmov(&y, &negy, fe_isnegative(&t));
    fe_sub(&t, z0, &y);
    fe_mul(&t, &deninv, &t);
    fe_abs(&t, &t);
    fe_tobytes(s, &t);
}

/// RFC 9496 encoding of extended coordinates (X, Y, Z, T); constant time.
static void ristretto_encode(uint8_t s[32], const cv_fe51 in[4]) {
    cv_fe51 u1, u2, t, one, invsqrt;
    encode_start(&u1, &u2, &t, in);
    fe_1(&one);
    (void)fe_sqrt_ratio_m1(&invsqrt, &one, &t);
    encode_finish(s, in, &u1, &u2, &invsqrt);
}

/// Serial extended-coordinate addition (add-2008-hwcd-3, a = -1); constant time.
static void point_add_serial(cv_fe51 r[4], const cv_fe51 p[4], const cv_fe51 q[4]) {
    cv_fe51 a, b, c, d, e, f, g, h, t;
    fe_sub(&a, &p[1], &p[0]);
    fe_sub(&t, &q[1], &q[0]);
    fe_mul(&a, &a, &t);  // (Y1 - X1)(Y2 - X2)
    fe_add(&b, &p[1], &p[0]);
    fe_add(&t, &q[1], &q[0]);
    fe_mul(&b, &b, &t);  // (Y1 + X1)(Y2 + X2)
    fe_mul(&c, &p[3], &q[3]);
    fe_mul(&c, &c, &fe_d);
    fe_add(&c, &c, &c);  // 2d T1 T2
    fe_mul(&d, &p[2], &q[2]);
    fe_add(&d, &d, &d);  // 2 Z1 Z2
    fe_sub(&e, &b, &a);
    fe_sub(&f, &d, &c);
    fe_add(&g, &d, &c);
    fe_add(&h, &b, &a);
    fe_mul(&r[0], &e, &f);
    fe_mul(&r[1], &g, &h);
    fe_mul(&r[2], &f, &g);
    fe_mul(&r[3], &e, &h);
}

/// The state of RFC 9496's one-way map MAP(t) around its square root: r = i t^2, u, v.
typedef struct {
    cv_fe51 t, r, u, v, w, v3;
} map_state;

/// MAP(t) up to SQRT_RATIO_M1(u, v): w = u v^7 is what needs its (p - 5) / 8 power.
static void map_start(map_state *m, const uint8_t bytes[32]) {
    cv_fe51 one, t;
    fe_1(&one);
    fe_frombytes(&m->t, bytes);  // the top bit is ignored: RFC 9496 masks it
    fe_sq(&t, &m->t);
    fe_mul(&m->r, &t, &fe_sqrtm1);  // r = i t^2
    fe_add(&t, &m->r, &one);
    fe_mul(&m->u, &t, &fe_one_minus_d_sq);  // u = (r + 1)(1 - d^2)
    cv_fe51 rd, left, right;
    fe_mul(&rd, &m->r, &fe_d);
    fe_add(&left, &rd, &one);
    fe_neg(&left, &left);  // -1 - r d
    fe_add(&right, &m->r, &fe_d);
    fe_mul(&m->v, &left, &right);  // v = (-1 - r d)(r + d)
    sqrt_ratio_start(&m->w, &m->v3, &m->u, &m->v);
}

/// The rest of MAP(t), given power = w^((p - 5) / 8): the point in extended coordinates.
static void map_finish(cv_fe51 out[4], const map_state *m, const cv_fe51 *power) {
    cv_fe51 s, sprime, c, n, one, t, w0, w1, w2, w3, ss;
    fe_1(&one);
    int was_square = sqrt_ratio_finish(&s, power, &m->v3, &m->u, &m->v);
    fe_mul(&sprime, &s, &m->t);
    fe_abs(&sprime, &sprime);
    fe_neg(&sprime, &sprime);  // -|s t|
    fe_cmov(&s, &sprime, 1 - was_square);
    fe_neg(&c, &one);
    fe_cmov(&c, &m->r, 1 - was_square);
    fe_sub(&t, &m->r, &one);
    fe_mul(&n, &c, &t);
    fe_mul(&n, &n, &fe_d_minus_one_sq);
    fe_sub(&n, &n, &m->v);  // N = c (r - 1)(d - 1)^2 - v
    fe_mul(&w0, &s, &m->v);
    fe_add(&w0, &w0, &w0);  // 2 s v
    fe_mul(&w1, &n, &fe_sqrt_ad_minus_one);
    fe_sq(&ss, &s);
    fe_sub(&w2, &one, &ss);
    fe_add(&w3, &one, &ss);
    fe_mul(&out[0], &w0, &w3);
    fe_mul(&out[1], &w2, &w1);
    fe_mul(&out[2], &w1, &w3);
    fe_mul(&out[3], &w0, &w2);
}

int datafi_cv_ristretto_from_uniform(int backend, size_t count, const uint8_t *uniform, uint8_t *out) {
    memset(out, 0, 32 * count);
    if (backend != DATAFI_CV_AVX2 && backend != DATAFI_CV_IFMA) return -2;
    if (!(datafi_cv_supported_mask() & (1 << backend))) return -2;
#if defined(__x86_64__)
    void (*pow4)(cv_fe51[4], const cv_fe51[4]) = backend == DATAFI_CV_IFMA ? cv_ifma_pow22523_4 : cv_avx2_pow22523_4;
    static const uint8_t zero[64] = {0};
    for (size_t first = 0; first < count; first += 4) {
        // Two maps per element: lanes (element 2g, first half), (2g, second), (2g + 1, first), ...
        map_state maps[8];
        cv_fe51 w[4], power[4], points[8][4], sums[4][4];
        for (size_t k = 0; k < 8; k++) {
            const uint8_t *bytes = first + k / 2 < count ? uniform + 64 * (first + k / 2) : zero;
            map_start(&maps[k], bytes + 32 * (k % 2));
        }
        for (int half = 0; half < 2; half++) {
            for (int k = 0; k < 4; k++) w[k] = maps[4 * half + k].w;
            pow4(power, w);
            for (int k = 0; k < 4; k++) map_finish(points[4 * half + k], &maps[4 * half + k], &power[k]);
        }
        // The sums, encoded with the four inverse square roots side by side.
        cv_fe51 u1[4], u2[4], t[4], v3[4], one;
        fe_1(&one);
        for (int k = 0; k < 4; k++) {
            point_add_serial(sums[k], points[2 * k], points[2 * k + 1]);
            encode_start(&u1[k], &u2[k], &t[k], sums[k]);
            sqrt_ratio_start(&w[k], &v3[k], &one, &t[k]);
        }
        pow4(power, w);
        for (size_t k = 0; k < 4 && first + k < count; k++) {
            cv_fe51 invsqrt;
            (void)sqrt_ratio_finish(&invsqrt, &power[k], &v3[k], &one, &t[k]);
            encode_finish(out + 32 * (first + k), sums[k], &u1[k], &u2[k], &invsqrt);
        }
    }
    return 0;
#else
    return -2;
#endif
}

int datafi_cv_ristretto_is_valid(const uint8_t p[32]) {
    cv_fe51 point[4];
    return ristretto_decode(point, p) == 0;
}

#if defined(__x86_64__)
/// Ed25519 decoding (RFC 8032 section 5.1.3) of four encodings to extended coordinates, the inverse
/// square roots computed lane-wise with the vector backend: out[c][k] is coordinate c (X, Y, Z, T)
/// of point k, and ok[k] is 1 when encoding k (NULL: none) has y below p, is on the curve and has
/// not x = 0 with the sign bit set; else 0, and out[.][k] holds the identity. Branches only on
/// whether the (public) encodings are valid.
static void ed25519_decode4(int backend, const uint8_t *enc[4], cv_fe51 out[4][4], int ok[4]) {
    cv_fe51 y[4], u[4], v[4], v3[4], w[4], power[4], one;
    fe_1(&one);
    for (int k = 0; k < 4; k++) {
        ok[k] = 0;
        fe_1(&y[k]);
        fe_0(&u[k]);
        fe_1(&v[k]);
        if (enc[k] != NULL) {
            uint8_t check[32];
            fe_frombytes(&y[k], enc[k]);
            fe_tobytes(check, &y[k]);
            uint8_t diff = (uint8_t)(check[31] ^ (enc[k][31] & 0x7f));
            for (int i = 0; i < 31; i++) diff |= check[i] ^ enc[k][i];
            ok[k] = diff == 0;
            if (!ok[k]) fe_1(&y[k]);
            cv_fe51 yy;
            fe_sq(&yy, &y[k]);
            fe_sub(&u[k], &yy, &one);  // y^2 - 1
            fe_mul(&v[k], &yy, &fe_d);
            fe_add(&v[k], &v[k], &one);  // d y^2 + 1
        }
        sqrt_ratio_start(&w[k], &v3[k], &u[k], &v[k]);
    }
    if (backend == DATAFI_CV_IFMA) cv_ifma_pow22523_4(power, w);
    else cv_avx2_pow22523_4(power, w);
    for (int k = 0; k < 4; k++) {
        cv_fe51 x, negx;
        int square = sqrt_ratio_finish(&x, &power[k], &v3[k], &u[k], &v[k]);  // x: the non-negative root
        int sign = ok[k] ? enc[k][31] >> 7 : 0;
        if (!square || (sign && fe_iszero(&x))) ok[k] = 0;
        if (!ok[k]) {
            fe_0(&x);
            fe_1(&y[k]);
        }
        fe_neg(&negx, &x);
        fe_cmov(&x, &negx, sign);
        out[0][k] = x;
        out[1][k] = y[k];
        out[2][k] = one;
        fe_mul(&out[3][k], &x, &y[k]);
    }
}
#endif

int datafi_cv_ed25519_decode_points(int backend, size_t count, const uint8_t *points, int check_order,
                                    uint64_t *out, uint8_t *valid) {
    memset(out, 0, count * 20 * sizeof(uint64_t));
    memset(valid, 0, count);
    if (backend != DATAFI_CV_AVX2 && backend != DATAFI_CV_IFMA) return -2;
    if (!(datafi_cv_supported_mask() & (1 << backend))) return -2;
#if defined(__x86_64__)
    cv_fe51 zero;
    fe_0(&zero);
    for (size_t first = 0; first < count; first += 4) {
        const uint8_t *enc[4];
        for (size_t k = 0; k < 4; k++) enc[k] = first + k < count ? points + 32 * (first + k) : NULL;
        cv_fe51 point[4][4], product[4][4];
        int ok[4];
        ed25519_decode4(backend, enc, point, ok);
        if (check_order) {
            for (int k = 0; k < 4; k++) ok[k] &= !fe_eq(&point[0][k], &zero);  // x = 0: order 1 or 2
            if (backend == DATAFI_CV_IFMA) cv_ifma_mul_l4(product, point);
            else cv_avx2_mul_l4(product, point);
            for (int k = 0; k < 4; k++)
                ok[k] &= fe_eq(&product[0][k], &zero) && fe_eq(&product[1][k], &product[2][k]);
        }
        for (size_t k = 0; k < 4 && first + k < count; k++) {
            if (!ok[k]) continue;
            valid[first + k] = 1;
            for (int c = 0; c < 4; c++) memcpy(out + 20 * (first + k) + 5 * c, point[c][k].v, 5 * sizeof(uint64_t));
        }
    }
    return 0;
#else
    return -2;
#endif
}

static int detect_mask(void) {
    int mask = 1 << DATAFI_CV_SERIAL;
#if defined(__x86_64__)
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return mask;
    int osxsave = (ecx >> 27) & 1;
    if (!osxsave) return mask;
    unsigned xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    int ymm_state = (xcr0_lo & 0x6) == 0x6;
    int zmm_state = (xcr0_lo & 0xe6) == 0xe6;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return mask;
    int avx2 = (ebx >> 5) & 1;
    int avx512f = (ebx >> 16) & 1;
    int ifma = (ebx >> 21) & 1;
    int avx512vl = (ebx >> 31) & 1;
    if (ymm_state && avx2) mask |= 1 << DATAFI_CV_AVX2;
    if (ymm_state && zmm_state && avx2 && avx512f && avx512vl && ifma) mask |= 1 << DATAFI_CV_IFMA;
#endif
    return mask;
}

static _Atomic int supported_cache = -1;
static _Atomic int default_cache = -1;

int datafi_cv_supported_mask(void) {
    int mask = atomic_load_explicit(&supported_cache, memory_order_relaxed);
    if (mask < 0) {
        mask = detect_mask();
        atomic_store_explicit(&supported_cache, mask, memory_order_relaxed);
    }
    return mask;
}

static int fastest(int mask) {
    if (mask & (1 << DATAFI_CV_IFMA)) return DATAFI_CV_IFMA;
    if (mask & (1 << DATAFI_CV_AVX2)) return DATAFI_CV_AVX2;
    return DATAFI_CV_SERIAL;
}

int datafi_cv_default_backend(void) {
    int backend = atomic_load_explicit(&default_cache, memory_order_relaxed);
    if (backend >= 0) return backend;
    int mask = datafi_cv_supported_mask();
    backend = fastest(mask);
    const char *forced = getenv("DATAFI_CURVE_BACKEND");
    if (forced != NULL) {
        int wanted = -1;
        if (strcmp(forced, "serial") == 0) wanted = DATAFI_CV_SERIAL;
        else if (strcmp(forced, "avx2") == 0) wanted = DATAFI_CV_AVX2;
        else if (strcmp(forced, "ifma") == 0) wanted = DATAFI_CV_IFMA;
        if (wanted >= 0 && (mask & (1 << wanted))) backend = wanted;
    }
    int expected = -1;
    // The first caller's choice wins, so every thread sees the same default.
    if (!atomic_compare_exchange_strong(&default_cache, &expected, backend)) backend = expected;
    return backend;
}

int datafi_cv_set_default_backend(int backend) {
    if (backend < 0 || backend > DATAFI_CV_IFMA || !(datafi_cv_supported_mask() & (1 << backend))) return -1;
    atomic_store(&default_cache, backend);
    return 0;
}

int datafi_cv_ristretto_scalarmult(int backend, uint8_t q[32], const uint8_t n[32], const uint8_t p[32]) {
    memset(q, 0, 32);
    if (backend != DATAFI_CV_AVX2 && backend != DATAFI_CV_IFMA) return -2;
    if (!(datafi_cv_supported_mask() & (1 << backend))) return -2;
    cv_fe51 point[4], product[4];
    if (ristretto_decode(point, p) != 0) return -1;
    uint8_t scalar[32];
    memcpy(scalar, n, 32);
    scalar[31] &= 127;
#if defined(__x86_64__)
    if (backend == DATAFI_CV_IFMA) cv_ifma_scalarmult(product, scalar, point);
    else cv_avx2_scalarmult(product, scalar, point);
#else
    return -2;
#endif
    volatile uint8_t *wipe = scalar;  // a plain memset of a dead buffer may be optimised away
    for (size_t i = 0; i < sizeof scalar; i++) wipe[i] = 0;
    ristretto_encode(q, product);
    uint8_t acc = 0;
    for (int i = 0; i < 32; i++) acc |= q[i];
    return acc == 0 ? -1 : 0;
}

/// The backend when it is a supported vector backend, else -1.
static int vector_backend(int backend) {
    if (backend != DATAFI_CV_AVX2 && backend != DATAFI_CV_IFMA) return -1;
    if (!(datafi_cv_supported_mask() & (1 << backend))) return -1;
    return backend;
}

int datafi_cv_msm_consttime(int backend, uint64_t out[20], size_t n, const int8_t *digits, const void *entries,
                            size_t entry_stride) {
    memset(out, 0, 20 * sizeof(uint64_t));
    if (vector_backend(backend) < 0) return -2;
    if (n > SIZE_MAX / 64 || entry_stride < 20 * sizeof(uint64_t)) return -4;
#if defined(__x86_64__)
    cv_fe51 *point = (cv_fe51 *)out;
    if (backend == DATAFI_CV_IFMA) return cv_ifma_msm_consttime(point, n, digits, (const uint8_t *)entries, entry_stride);
    return cv_avx2_msm_consttime(point, n, digits, (const uint8_t *)entries, entry_stride);
#else
    return -2;
#endif
}

int datafi_cv_msm_buckets(int backend, uint64_t out[20], size_t count, const int16_t *digits, const void *entries,
                          size_t entry_stride, size_t bucket_count) {
    memset(out, 0, 20 * sizeof(uint64_t));
    if (vector_backend(backend) < 0) return -2;
    if (entry_stride < 15 * sizeof(uint64_t)) return -4;
#if defined(__x86_64__)
    cv_fe51 *point = (cv_fe51 *)out;
    if (backend == DATAFI_CV_IFMA)
        return cv_ifma_msm_buckets(point, count, digits, (const uint8_t *)entries, entry_stride, bucket_count);
    return cv_avx2_msm_buckets(point, count, digits, (const uint8_t *)entries, entry_stride, bucket_count);
#else
    return -2;
#endif
}

int datafi_cv_msm_straus(int backend, uint64_t out[20], size_t n, const int8_t *naf, const void *entries,
                         size_t entry_stride, const int64_t *offsets, size_t entry_count) {
    memset(out, 0, 20 * sizeof(uint64_t));
    if (vector_backend(backend) < 0) return -2;
    if (n > SIZE_MAX / 256 || entry_stride < 20 * sizeof(uint64_t)) return -4;
#if defined(__x86_64__)
    cv_fe51 *point = (cv_fe51 *)out;
    if (backend == DATAFI_CV_IFMA)
        return cv_ifma_msm_straus(point, n, naf, (const uint8_t *)entries, entry_stride, offsets, entry_count);
    return cv_avx2_msm_straus(point, n, naf, (const uint8_t *)entries, entry_stride, offsets, entry_count);
#else
    return -2;
#endif
}
