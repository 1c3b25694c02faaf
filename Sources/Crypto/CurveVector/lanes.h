// Lane-wise ("vertical") use of the four lanes: each lane holds a separate field element or point,
// and serial formulas run on all four at once. For public data in Ed25519 batch verification: the
// inverse square roots of point decoding (CV_POW22523_4) and [ℓ]P for the prime-order subgroup test
// (CV_MUL_L4). Included after points.h; the including file defines both entry-point names. The
// exponent and the chain for ℓ are fixed, so the code has no data-dependent branch.

#if CV_SQUARE_IS_CHEAP
#define CV_VSQ(a) fv_sq(a)
#else
#define CV_VSQ(a) fv_mul((a), (a))
#endif

/// out = in^((p - 5) / 8) = in^(2^252 - 3), lane by lane; limbs below 2^52 in and out.
void CV_POW22523_4(cv_fe51 out[4], const cv_fe51 in[4]) {
    fv z = fv_load(in);
#define SQN(a, n) for (int i_ = 0; i_ < (n); i_++) a = CV_VSQ(a)
    fv t0 = CV_VSQ(z);          // z^2
    fv t1 = CV_VSQ(t0);
    t1 = CV_VSQ(t1);            // z^8
    t1 = fv_mul(z, t1);         // z^9
    t0 = fv_mul(t0, t1);        // z^11
    t0 = CV_VSQ(t0);            // z^22
    t0 = fv_mul(t1, t0);        // z^(2^5-1)
    t1 = t0;
    SQN(t1, 5);
    t0 = fv_mul(t1, t0);        // z^(2^10-1)
    t1 = t0;
    SQN(t1, 10);
    t1 = fv_mul(t1, t0);        // z^(2^20-1)
    fv t2 = t1;
    SQN(t2, 20);
    t1 = fv_mul(t2, t1);        // z^(2^40-1)
    SQN(t1, 10);
    t0 = fv_mul(t1, t0);        // z^(2^50-1)
    t1 = t0;
    SQN(t1, 50);
    t1 = fv_mul(t1, t0);        // z^(2^100-1)
    t2 = t1;
    SQN(t2, 100);
    t1 = fv_mul(t2, t1);        // z^(2^200-1)
    SQN(t1, 50);
    t0 = fv_mul(t1, t0);        // z^(2^250-1)
    SQN(t0, 2);                 // z^(2^252-4)
    fv_store(out, fv_mul(t0, z));
#undef SQN
}

/// Four points, one per lane: fv x holds the four X coordinates, and so on.
typedef struct {
    fv x, y, z, t;
} cv_vpoint;

/// Four points ready to be added: Y - X, Y + X, 2Z, 2dT.
typedef struct {
    fv ymx, ypx, z2, t2d;
} cv_vcached;

static inline fv cv_vsub(fv a, fv b) { return fv_reduce(fv_add(a, fv_neg2(b))); }

/// 2P (dbl-2008-hwcd, a = -1); T is computed only when `with_t`, for an addition next.
static inline __attribute__((always_inline)) cv_vpoint cv_vdouble(cv_vpoint p, int with_t) {
    fv a = CV_VSQ(p.x), b = CV_VSQ(p.y), zz = CV_VSQ(p.z);
    fv s = CV_VSQ(fv_reduce(fv_add(p.x, p.y)));
    fv c = fv_reduce(fv_add(zz, zz));
    fv e = fv_reduce(fv_add(s, fv_add(fv_neg2(a), fv_neg2(b))));  // 2XY
    fv g = cv_vsub(b, a);
    fv f = cv_vsub(g, c);
    fv h = fv_reduce(fv_add(fv_neg2(a), fv_neg2(b)));  // -A - B
    cv_vpoint r = {fv_mul(e, f), fv_mul(g, h), fv_mul(f, g), p.t};
    if (with_t) r.t = fv_mul(e, h);
    return r;
}

/// P + Q (add-2008-hwcd-3, a = -1).
static inline __attribute__((always_inline)) cv_vpoint cv_vadd(cv_vpoint p, cv_vcached q) {
    fv a = fv_mul(cv_vsub(p.y, p.x), q.ymx);
    fv b = fv_mul(fv_reduce(fv_add(p.y, p.x)), q.ypx);
    fv c = fv_mul(p.t, q.t2d);
    fv d = fv_mul(p.z, q.z2);
    fv e = cv_vsub(b, a), f = cv_vsub(d, c);
    fv g = fv_reduce(fv_add(d, c)), h = fv_reduce(fv_add(b, a));
    return (cv_vpoint){fv_mul(e, f), fv_mul(g, h), fv_mul(f, g), fv_mul(e, h)};
}

static inline cv_vcached cv_vcache(cv_vpoint p, fv d2) {
    return (cv_vcached){cv_vsub(p.y, p.x), fv_reduce(fv_add(p.y, p.x)), fv_reduce(fv_add(p.z, p.z)),
                        fv_mul(p.t, d2)};
}

static inline cv_vcached cv_vneg(cv_vcached q) { return (cv_vcached){q.ypx, q.ymx, q.z2, fv_neg2(q.t2d)}; }

/// Non-zero digits of the width-5 NAF of ℓ = 2^252 + 27742317777372353535851937790883648493, from
/// the top: bit position and odd digit.
static const struct {
    int16_t position;
    int8_t digit;
} cv_ell_naf[23] = {
    {252, 1},  {122, 5},  {117, 7},  {112, -1}, {107, -1}, {101, 15}, {93, -11}, {88, 3},
    {83, -1},  {77, -3},  {70, -13}, {65, 11},  {59, 11},  {50, 5},   {45, -13}, {40, 3},
    {34, 7},   {29, -13}, {24, -3},  {17, -5},  {10, -11}, {5, -1},   {0, 13},
};

/// out[c][k] = coordinate c (X, Y, Z, T) of [ℓ] times point k, for the four points in[c][k];
/// limbs below 2^52 in and out.
void CV_MUL_L4(cv_fe51 out[4][4], const cv_fe51 in[4][4]) {
    const cv_fe51 d2[4] = {cached_scale_constants[3], cached_scale_constants[3], cached_scale_constants[3],
                           cached_scale_constants[3]};
    const fv twice_d = fv_load(d2);
    cv_vpoint p = {fv_load(in[0]), fv_load(in[1]), fv_load(in[2]), fv_load(in[3])};
    cv_vcached odd[8];  // P, 3P, ..., 15P
    odd[0] = cv_vcache(p, twice_d);
    const cv_vcached twice = cv_vcache(cv_vdouble(p, 1), twice_d);
    cv_vpoint multiple = p;
    for (int i = 1; i < 8; i++) {
        multiple = cv_vadd(multiple, twice);
        odd[i] = cv_vcache(multiple, twice_d);
    }
    cv_vpoint acc = p;  // the top digit, 1 at bit 252
    for (int k = 1; k < 23; k++) {
        for (int i = cv_ell_naf[k - 1].position; i > cv_ell_naf[k].position; i--)
            acc = cv_vdouble(acc, i == cv_ell_naf[k].position + 1);
        int digit = cv_ell_naf[k].digit;
        cv_vcached q = odd[(digit < 0 ? -digit : digit) >> 1];
        acc = cv_vadd(acc, digit < 0 ? cv_vneg(q) : q);
    }
    fv_store(out[0], acc.x);
    fv_store(out[1], acc.y);
    fv_store(out[2], acc.z);
    fv_store(out[3], acc.t);
}

#undef CV_VSQ
