// Multiscalar multiplication loops over four field-element lanes, shared by the vector backends and
// included after points.h. Whole loops run here, so the caller pays one call per multiplication,
// not one per point addition. Uses only the lane interface of the including file (fv_load,
// fv_store, fv_select, ...) and the point operations of points.h. The including file defines the
// names of the three entry points: CV_MSM_CONSTTIME, CV_MSM_BUCKETS and CV_MSM_STRAUS.
//
// Table entries come in the serial code's layout: field elements of five 64-bit limbs in radix
// 2^51, limbs below 2^54 (sums not yet carried are allowed). They are carried here before use.

/// Carries limbs below 2^62 into limbs below 2^51 + 2^15 (one serial round), so that every lane
/// interface accepts them. Constant time.
static inline void msm_carry(cv_fe51 *h) {
    uint64_t c[5];
    for (int i = 0; i < 5; i++) c[i] = h->v[i] >> 51;
    for (int i = 0; i < 5; i++) h->v[i] &= CV_MASK51;
    h->v[0] += 19 * c[4];
    for (int i = 1; i < 5; i++) h->v[i] += c[i - 1];
}

static inline void msm_copy(cv_fe51 *h, const uint64_t *limbs) {
    for (int i = 0; i < 5; i++) h->v[i] = limbs[i];
}

/// The cached lanes (Y - X, Y + X, 2Z, 2dT) of an entry laid out as (Y + X, Y - X, Z, 2dT), or as
/// (Y + X, Y - X, 2dT) with Z = 1 when `affine` is set (public). Constant time in the values.
static inline cached_point msm_cached_from_niels(const uint64_t *entry, int affine) {
    cv_fe51 lanes[4];
    msm_copy(&lanes[1], entry);
    msm_copy(&lanes[0], entry + 5);
    if (affine) {
        memset(&lanes[2], 0, sizeof lanes[2]);
        lanes[2].v[0] = 2;
        msm_copy(&lanes[3], entry + 10);
    } else {
        for (int i = 0; i < 5; i++) lanes[2].v[i] = 2 * entry[10 + i];
        msm_copy(&lanes[3], entry + 15);
    }
    for (int k = 0; k < 4; k++) msm_carry(&lanes[k]);
    return fv_load(lanes);
}

static const cv_fe51 msm_identity_cached[4] = {{{1, 0, 0, 0, 0}}, {{1, 0, 0, 0, 0}}, {{2, 0, 0, 0, 0}}, {{0}}};
static const cv_fe51 msm_identity_ext[4] = {{{0}}, {{1, 0, 0, 0, 0}}, {{1, 0, 0, 0, 0}}, {{0}}};

/// Room for `count` lane vectors, aligned for 256-bit loads; NULL when memory is short.
static inline fv *msm_alloc(size_t count) {
    if (count == 0) count = 1;
    if (count > SIZE_MAX / sizeof(fv)) return NULL;
    size_t bytes = count * sizeof(fv);
    bytes = (bytes + 63) & ~(size_t)63;
    return (fv *)aligned_alloc(64, bytes);
}

/// Constant-time sum of digits[i n + j] 16^i P_j over i < 64 and j < n, digits in [-8, 8], with
/// P_j given by the eight cached multiples 1 P_j ... 8 P_j at entries + (8 j + k) stride (layout
/// (Y + X, Y - X, Z, 2dT)). Every window reads every table entry and chooses with masks; the
/// operations and addresses depend on n only. Returns 0, or -3 when memory is short.
int CV_MSM_CONSTTIME(cv_fe51 out[4], size_t n, const int8_t *digits, const uint8_t *entries, size_t stride) {
    fv *table = msm_alloc(8 * n);
    if (table == NULL) return -3;
    for (size_t e = 0; e < 8 * n; e++) table[e] = msm_cached_from_niels((const uint64_t *)(entries + e * stride), 0);
    const fv identity = fv_load(msm_identity_cached);
    ext_point acc = fv_load(msm_identity_ext);
    for (int i = 63; i >= 0; i--) {
        if (i != 63) acc = point_times16(acc);  // public loop counter
        const int8_t *row = digits + (size_t)i * n;
        for (size_t j = 0; j < n; j++) acc = point_add(acc, cached_lookup(table + 8 * j, row[j], identity));
    }
    fv_store(out, acc);
    free(table);
    return 0;
}

/// Variable time, public data only: sum of digits[k] Q_k over k < count, digits in
/// [-bucket_count, bucket_count], with Q_k the affine entry at entries + k stride (layout
/// (Y + X, Y - X, 2dT), Z = 1), through one set of bucket_count buckets kept in lane form, then
/// the running sum from the top bucket down. Returns 0, or -3 when memory is short.
int CV_MSM_BUCKETS(cv_fe51 out[4], size_t count, const int16_t *digits, const uint8_t *entries, size_t stride,
                   size_t bucket_count) {
    fv *bucket = msm_alloc(bucket_count);
    if (bucket == NULL) return -3;
    const fv identity = fv_load(msm_identity_ext);
    for (size_t b = 0; b < bucket_count; b++) bucket[b] = identity;
    const __m256i all = _mm256_set1_epi64x(-1);
    for (size_t k = 0; k < count; k++) {
        int digit = digits[k];
        if (digit == 0) continue;
        cached_point q = msm_cached_from_niels((const uint64_t *)(entries + k * stride), 1);
        size_t b;
        if (digit < 0) {
            q = cached_cneg(q, all);
            b = (size_t)(-digit - 1);
        } else {
            b = (size_t)(digit - 1);
        }
        if (b >= bucket_count) continue;  // outside the documented range: ignored
        bucket[b] = point_add(bucket[b], q);
    }
    ext_point running = identity, sum = identity;
    for (size_t b = bucket_count; b-- > 0;) {
        running = point_add(running, to_cached(bucket[b]));
        sum = point_add(sum, to_cached(running));
    }
    fv_store(out, sum);
    free(bucket);
    return 0;
}

/// Variable time, public data only: interleaved windowed-NAF (Straus) sum of naf[i n + j] P_j
/// over rows i < 256, with odd digits d, |d| < 2 count_j, choosing entry offsets[j] + |d| / 2 of a
/// flat table of odd multiples P, 3P, 5P, ... (layout (Y + X, Y - X, Z, 2dT), entry_count entries).
/// Returns 0, -3 when memory is short, -4 when an offset or digit leaves the table.
int CV_MSM_STRAUS(cv_fe51 out[4], size_t n, const int8_t *naf, const uint8_t *entries, size_t stride,
                  const int64_t *offsets, size_t entry_count) {
    fv *table = msm_alloc(entry_count);
    if (table == NULL) return -3;
    for (size_t e = 0; e < entry_count; e++) table[e] = msm_cached_from_niels((const uint64_t *)(entries + e * stride), 0);
    const __m256i all = _mm256_set1_epi64x(-1);
    ext_point acc = fv_load(msm_identity_ext);
    int started = 0, status = 0;
    for (int i = 255; i >= 0; i--) {
        if (started) acc = point_double(acc);
        const int8_t *row = naf + (size_t)i * n;
        for (size_t j = 0; j < n; j++) {
            int digit = row[j];
            if (digit == 0) continue;
            size_t index = (size_t)offsets[j] + (size_t)((digit < 0 ? -digit : digit) >> 1);
            if (offsets[j] < 0 || index >= entry_count) {
                status = -4;
                continue;
            }
            cached_point q = table[index];
            if (digit < 0) q = cached_cneg(q, all);
            acc = point_add(acc, q);
            started = 1;
        }
    }
    fv_store(out, acc);
    free(table);
    return status;
}
