/*
 * histogram.c - the date histogram of a result set (docs/ANALYTICS.md): bucket numbers and keys
 * (day, Monday-based week, month, year; UTC), and the histogram as the collectors leave it on the
 * results: the buckets holding a match (their stories and copies) and every bucket's
 * all_stories.  The full list of buckets, empty ones filled with zero, is built from it on the
 * first ndx_results_bucket call; ndx_results_match_bucket reads the buckets holding a match
 * without building it, so a day histogram over decades costs what its matches cost.
 */
#include "query/collect.h"
#include "util/civil.h"

int64_t ndx__bucket_of(int interval, int64_t day)
{
    int64_t y;
    int m, d;
    switch (interval) {
    case NDX_INTERVAL_DAY:
        return day;
    case NDX_INTERVAL_WEEK:
        return day + 3 >= 0 ? (day + 3) / 7 : -((-(day + 3) + 6) / 7);
    case NDX_INTERVAL_MONTH:
        ndx__civil_from_days(day, &y, &m, &d);
        return y * 12 + m - 1;
    default:
        ndx__civil_from_days(day, &y, &m, &d);
        return y;
    }
}

int64_t ndx__bucket_day(int interval, int64_t b)
{
    switch (interval) {
    case NDX_INTERVAL_DAY:
        return b;
    case NDX_INTERVAL_WEEK:
        return b * 7 - 3;
    case NDX_INTERVAL_MONTH: {
        int64_t y = b >= 0 ? b / 12 : -((-b + 11) / 12);
        return ndx__days_from_civil(y, (int)(b - y * 12) + 1, 1);
    }
    default:
        return ndx__days_from_civil(b, 1, 1);
    }
}

void ndx__fmt_date(char *buf, int64_t y, int m, int d, int parts)
{
    int yy = y < 0 ? 0 : y > 9999 ? 9999 : (int)y;
    buf[0] = (char)('0' + yy / 1000), buf[1] = (char)('0' + yy / 100 % 10);
    buf[2] = (char)('0' + yy / 10 % 10), buf[3] = (char)('0' + yy % 10);
    size_t k = 4;
    if (parts >= 2)
        buf[k++] = '-', buf[k++] = (char)('0' + m / 10), buf[k++] = (char)('0' + m % 10);
    if (parts >= 3)
        buf[k++] = '-', buf[k++] = (char)('0' + d / 10), buf[k++] = (char)('0' + d % 10);
    buf[k] = 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return dm[m - 1] + (m == 2 && leap);
}

/* The first day of the bucket after the one starting on *day (civil date *y, *m, *d). */
static void step_bucket(int interval, int64_t *day, int64_t *y, int *m, int *d)
{
    int step = interval == NDX_INTERVAL_DAY     ? 1
               : interval == NDX_INTERVAL_WEEK  ? 7
               : interval == NDX_INTERVAL_MONTH ? days_in_month(*y, *m) - *d + 1
                                                : (int)(ndx__days_from_civil(*y + 1, 1, 1) - *day);
    *day += step;
    *d += step;
    while (*d > days_in_month(*y, *m)) {
        *d -= days_in_month(*y, *m);
        if (++*m > 12)
            *m = 1, ++*y;
    }
}

static int key_parts(int interval)
{
    return interval == NDX_INTERVAL_YEAR ? 1 : interval == NDX_INTERVAL_MONTH ? 2 : 3;
}

void ndx__hist_free(struct ndx_hist *h)
{
    if (!h)
        return;
    ndx_free(h->mi);
    ndx_free(h->mst);
    ndx_free(h->mcp);
    ndx_free(h->all);
    ndx_free(h);
}

/* Every bucket of r's histogram into r->buckets, stepped bucket by bucket from the first day;
 * the key written again only when the month changes, else its day digits. */
static int build_buckets(ndx_results *r)
{
    const struct ndx_hist *h = r->hist;
    ndx_bucket *out = ndx_malloc(h->nb * sizeof *out); /* every field written below */
    if (!out)
        return NDX_ENOMEM;
    int iv = h->interval;
    int64_t day = ndx__bucket_day(iv, h->lo), y;
    int m, d, km = 0;
    ndx__civil_from_days(day, &y, &m, &d);
    int parts = key_parts(iv);
    char key[sizeof out->key] = {0};
    size_t k = 0; /* the next bucket holding a match */
    for (size_t i = 0; i < h->nb; i++) {
        ndx_bucket *b = &out[i];
        b->start = day * 86400;
        if (parts < 3 || m != km || i == 0) {
            ndx__fmt_date(key, y, m, d, parts);
            km = m;
        } else {
            key[8] = (char)('0' + d / 10), key[9] = (char)('0' + d % 10);
        }
        memcpy(b->key, key, sizeof key);
        step_bucket(iv, &day, &y, &m, &d);
        int in = k < h->nm && h->mi[k] == i;
        b->stories = in ? h->mst[k] : 0;
        b->copies = in ? h->mcp[k] : 0;
        k += in;
        b->all_stories = h->all ? h->all[i] : 0;
    }
    r->buckets = out;
    return NDX_OK;
}

size_t ndx_results_bucket_count(const ndx_results *r)
{
    return r->nbuckets;
}

/* Bucket i of h, with the k-th bucket holding a match when that is bucket i, into *out.  The
 * date of the bucket read before is kept (h->at): a later bucket of the same month takes its
 * key with other day digits. */
static void one_bucket(struct ndx_hist *h, size_t i, size_t k, ndx_bucket *out)
{
    int64_t day = ndx__bucket_day(h->interval, h->lo + (int64_t)i);
    struct ndx_hist_at *a = &h->at;
    int parts = key_parts(h->interval);
    memset(out, 0, sizeof *out);
    out->start = day * 86400;
    if (a->valid && parts == 3 && day >= a->day && day - a->day < 31 &&
        a->d + (day - a->day) <= days_in_month(a->y, a->m)) {
        a->d += (int)(day - a->day);
        a->key[8] = (char)('0' + a->d / 10), a->key[9] = (char)('0' + a->d % 10);
    } else {
        ndx__civil_from_days(day, &a->y, &a->m, &a->d);
        ndx__fmt_date(a->key, a->y, a->m, a->d, parts);
        a->valid = 1;
    }
    a->day = day;
    memcpy(out->key, a->key, sizeof out->key);
    if (k < h->nm && h->mi[k] == i) {
        out->stories = h->mst[k];
        out->copies = h->mcp[k];
    }
    out->all_stories = h->all ? h->all[i] : 0;
}

const ndx_bucket *ndx_results_bucket(const ndx_results *r, size_t i)
{
    if (i >= r->nbuckets)
        return NULL;
    /* built once, on the first call (a result set is read by one thread at a time) */
    ndx_results *w = (ndx_results *)r;
    if (r->buckets || build_buckets(w) == NDX_OK)
        return &r->buckets[i];
    /* out of memory for the list: the bucket alone, in the result set's own slot */
    const struct ndx_hist *h = r->hist;
    size_t lo = 0, hi = h->nm; /* the first bucket holding a match at or after i */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->mi[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    one_bucket(w->hist, i, lo, &w->one);
    return &w->one;
}

size_t ndx_results_match_bucket_count(const ndx_results *r)
{
    return r->hist ? r->hist->nm : 0;
}

int ndx_results_match_bucket(const ndx_results *r, size_t k, ndx_bucket *out, size_t *index)
{
    struct ndx_hist *h = r->hist; /* its cursor moves (one thread at a time) */
    if (!h || k >= h->nm)
        return NDX_ERANGE;
    one_bucket(h, h->mi[k], k, out);
    if (index)
        *index = h->mi[k];
    return NDX_OK;
}
