/*
 * date.c - ndx_parse_date: the date forms found in news archives (ISO 8601, RFC 2822 with RFC 822's
 * two-digit years, Reuters
 * "26-FEB-1987 15:01:01.79", "March 5, 2019", "5 March 2019", "2021年03月23日 10:48", epoch
 * digits) to Unix seconds UTC.  A small hand-written parser: no locale, no strptime; calendar
 * arithmetic by days-from-civil.  Ranges are validated (years 1800-2200).
 */
#include "ingest.h"
#include "util/civil.h"

struct dp {
    const unsigned char *s;
    size_t n, i;
};

static int at_end(const struct dp *p)
{
    return p->i >= p->n;
}

static int peek(const struct dp *p)
{
    return p->i < p->n ? p->s[p->i] : -1;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static void skip_spaces(struct dp *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t'))
        p->i++;
}

/* Read between mind and maxd digits.  Returns the digit count (0 = none / too many). */
static int digits(struct dp *p, int mind, int maxd, int *v)
{
    int k = 0;
    long x = 0;
    while (p->i < p->n && is_digit(p->s[p->i])) {
        if (k == maxd)
            return 0;
        x = x * 10 + (p->s[p->i] - '0');
        p->i++;
        k++;
    }
    if (k < mind)
        return 0;
    *v = (int)x;
    return k;
}

/* Match a UTF-8 literal. */
static int lit(struct dp *p, const char *s)
{
    size_t l = strlen(s);
    if (p->n - p->i < l || memcmp(p->s + p->i, s, l) != 0)
        return 0;
    p->i += l;
    return 1;
}

/* Read an ASCII word into w (lowercased); returns its length (0 = none or too long). */
static size_t word(struct dp *p, char *w, size_t cap)
{
    size_t k = 0;
    while (p->i < p->n && ndx__ascii_is_alpha(p->s[p->i])) {
        if (k + 1 >= cap)
            return 0;
        w[k++] = (char)ndx__ascii_lower(p->s[p->i++]);
    }
    w[k] = 0;
    return k;
}

/* "1st", "2nd", "3rd", "4th": skip the suffix. */
static void skip_ordinal(struct dp *p)
{
    if (!(lit(p, "st") || lit(p, "nd") || lit(p, "rd")))
        lit(p, "th");
}

static int month_of(const char *w)
{
    static const char *const full[] = {"january",   "february", "march",    "april",
                                       "may",       "june",     "july",     "august",
                                       "september", "october",  "november", "december"};
    size_t l = strlen(w);
    if (l < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        if (strcmp(w, full[m]) == 0 || (l == 3 && strncmp(w, full[m], 3) == 0))
            return m + 1;
    }
    if (strcmp(w, "sept") == 0)
        return 9;
    return 0;
}

static int is_weekday(const char *w)
{
    static const char *const full[] = {"monday", "tuesday",  "wednesday", "thursday",
                                       "friday", "saturday", "sunday"};
    static const char *const other[] = {"tues", "wed", "thur", "thurs"};
    size_t l = strlen(w);
    for (size_t k = 0; k < NDX_ARRAY_LEN(full); k++) {
        if (strcmp(w, full[k]) == 0 || (l == 3 && strncmp(w, full[k], 3) == 0))
            return 1;
    }
    for (size_t k = 0; k < NDX_ARRAY_LEN(other); k++) {
        if (strcmp(w, other[k]) == 0)
            return 1;
    }
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dim[m - 1];
}

#define YEAR_MIN 1800
#define YEAR_MAX 2200

static int valid_ymd(int y, int m, int d)
{
    return y >= YEAR_MIN && y <= YEAR_MAX && m >= 1 && m <= 12 && d >= 1 &&
           d <= days_in_month(y, m);
}

/* Named time zones (offset in minutes). */
static int zone_name(const char *w, int *off)
{
    static const struct {
        const char *name;
        int off;
    } z[] = {{"z", 0},      {"ut", 0},     {"utc", 0},    {"gmt", 0},    {"est", -300},
             {"edt", -240}, {"cst", -360}, {"cdt", -300}, {"mst", -420}, {"mdt", -360},
             {"pst", -480}, {"pdt", -420}, {"bst", 60},   {"cet", 60},   {"cest", 120},
             {"eet", 120},  {"eest", 180}, {"jst", 540},  {"kst", 540},  {"hkt", 480}};
    for (size_t k = 0; k < NDX_ARRAY_LEN(z); k++) {
        if (strcmp(w, z[k].name) == 0) {
            *off = z[k].off;
            return 1;
        }
    }
    return 0;
}

/* "+08:00", "+0800", "+08", "-5".  Returns 1 and the offset in minutes, 0 if malformed. */
static int numeric_zone(struct dp *p, int *off)
{
    int c = peek(p);
    if (c != '+' && c != '-')
        return 0;
    p->i++;
    int h = 0, m = 0, k;
    k = digits(p, 1, 4, &h);
    if (!k)
        return 0;
    if (k == 4 || k == 3) {
        m = h % 100;
        h /= 100;
    } else if (peek(p) == ':') {
        p->i++;
        if (digits(p, 2, 2, &m) != 2)
            return 0;
    }
    if (h > 18 || m > 59)
        return 0;
    *off = (c == '-' ? -1 : 1) * (h * 60 + m);
    return 1;
}

/* Optional zone at the cursor: numeric, named, or named followed by a numeric offset. */
static int zone(struct dp *p, int *off)
{
    skip_spaces(p);
    *off = 0;
    if (at_end(p))
        return 1;
    int c = peek(p);
    if (c == '+' || c == '-')
        return numeric_zone(p, off);
    if (ndx__ascii_is_alpha(c)) {
        char w[8];
        if (!word(p, w, sizeof w) || !zone_name(w, off))
            return 0;
        if ((peek(p) == '+' || peek(p) == '-') && (!strcmp(w, "gmt") || !strcmp(w, "utc"))) {
            int o2;
            if (!numeric_zone(p, &o2))
                return 0;
            *off += o2;
        }
        /* "GMT (Greenwich Mean Time)"-style comments are not accepted: trailing text fails. */
        return 1;
    }
    return 0;
}

/*
 * Time of day: "10:00", "10:00:00", "15:01:01.79", "10:00 AM", "10時48分".  Returns 1 on success
 * (secs = seconds since midnight), 0 if malformed.
 */
static int time_of_day(struct dp *p, int *secs)
{
    int h, m = 0, s = 0;
    if (!digits(p, 1, 2, &h))
        return 0;
    if (lit(p, "時")) {
        if (digits(p, 1, 2, &m)) {
            if (!lit(p, "分"))
                return 0;
            if (digits(p, 1, 2, &s) && !lit(p, "秒"))
                return 0;
        }
    } else {
        if (peek(p) != ':')
            return 0;
        p->i++;
        if (digits(p, 2, 2, &m) != 2)
            return 0;
        if (peek(p) == ':') {
            p->i++;
            if (digits(p, 2, 2, &s) != 2)
                return 0;
            if (peek(p) == '.' || peek(p) == ',') {
                p->i++;
                int k = 0; /* fractional seconds are dropped */
                while (p->i < p->n && is_digit(p->s[p->i]) && k < 9) {
                    p->i++;
                    k++;
                }
                if (!k)
                    return 0;
            }
        }
    }
    /* AM / PM */
    size_t w0 = p->i;
    skip_spaces(p);
    char w[8];
    size_t wl = 0;
    if (ndx__ascii_is_alpha(peek(p))) {
        wl = word(p, w, sizeof w);
        if (wl == 1 && (w[0] == 'a' || w[0] == 'p') && lit(p, ".m.")) {
            w[1] = 'm';
            w[2] = 0;
            wl = 2;
        }
        if (wl == 2 && (strcmp(w, "am") == 0 || strcmp(w, "pm") == 0)) {
            if (h < 1 || h > 12)
                return 0;
            if (w[0] == 'a')
                h = h == 12 ? 0 : h;
            else
                h = h == 12 ? 12 : h + 12;
        } else {
            p->i = w0; /* not AM/PM: a zone, left to the caller */
        }
    } else {
        p->i = w0;
    }
    if (h > 23 || m > 59 || s > 60)
        return 0;
    *secs = h * 3600 + m * 60 + s;
    return 1;
}

static int finish(int y, int mo, int d, int secs, int off_min, int64_t *out)
{
    if (!valid_ymd(y, mo, d))
        return NDX_EINVAL;
    *out = ndx__days_from_civil(y, mo, d) * 86400 + secs - (int64_t)off_min * 60;
    return NDX_OK;
}

/* After the date part: nothing, or [sep] time [zone]. */
static int rest_time(struct dp *p, int *secs, int *off)
{
    *secs = 0;
    *off = 0;
    skip_spaces(p);
    if (peek(p) == ',') {
        p->i++;
        skip_spaces(p);
    }
    if (at_end(p))
        return 1;
    if (peek(p) == 'T' || peek(p) == 't') {
        p->i++;
    } else if (ndx__ascii_is_alpha(peek(p))) {
        size_t w0 = p->i;
        char w[4];
        if (!(word(p, w, sizeof w) && strcmp(w, "at") == 0))
            p->i = w0;
        skip_spaces(p);
    }
    if (!time_of_day(p, secs))
        return 0;
    if (!zone(p, off))
        return 0;
    skip_spaces(p);
    return at_end(p);
}

static int epoch_digits(const unsigned char *s, size_t n, int64_t *out)
{
    int64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    if (n == 8) { /* YYYYMMDD */
        int y = (int)(v / 10000), m = (int)(v / 100 % 100), d = (int)(v % 100);
        return finish(y, m, d, 0, 0, out);
    }
    if (n >= 12)
        v /= 1000;
    else if (n > 10)
        return NDX_EINVAL;
    else if (n < 9)
        return NDX_EINVAL;
    int64_t y;
    int mon, mday;
    ndx__civil_from_days(v / 86400, &y, &mon, &mday);
    if (y < YEAR_MIN || y > YEAR_MAX)
        return NDX_EINVAL;
    *out = v;
    return NDX_OK;
}

int ndx_parse_date(const char *str, size_t n, int64_t *out)
{
    if (!str || !out)
        return NDX_EINVAL;
    const unsigned char *s = (const unsigned char *)str;
    while (n && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    if (n == 0 || n > 128)
        return NDX_EINVAL;
    struct dp p = {s, n, 0};
    size_t nd = 0;
    while (nd < n && is_digit(s[nd]))
        nd++;
    if (nd == n)
        return n <= 13 ? epoch_digits(s, n, out) : NDX_EINVAL;

    int y = 0, mo = 0, d = 0, secs = 0, off = 0;
    if (nd == 4) {
        /* 2019-03-05, 2019/03/05, 2019.03.05, 2021年03月23日 */
        digits(&p, 4, 4, &y);
        int cjk = 0, sep = peek(&p);
        if (lit(&p, "年"))
            cjk = 1;
        else if (sep == '-' || sep == '/' || sep == '.')
            p.i++;
        else
            return NDX_EINVAL;
        if (!digits(&p, 1, 2, &mo))
            return NDX_EINVAL;
        if (cjk ? !lit(&p, "月") : peek(&p) != sep)
            return NDX_EINVAL;
        if (!cjk)
            p.i++;
        if (!digits(&p, 1, 2, &d))
            return NDX_EINVAL;
        if (cjk)
            lit(&p, "日");
        if (!rest_time(&p, &secs, &off))
            return NDX_EINVAL;
        return finish(y, mo, d, secs, off, out);
    }

    /* Textual month: [Weekday,] 5 March 2019 / March 5, 2019 / 26-FEB-1987 [time [zone]] */
    char w[16];
    if (ndx__ascii_is_alpha(peek(&p))) {
        size_t w0 = p.i;
        if (word(&p, w, sizeof w) && is_weekday(w)) {
            if (peek(&p) == '.')
                p.i++;
            skip_spaces(&p);
            if (peek(&p) == ',')
                p.i++;
            skip_spaces(&p);
        } else {
            p.i = w0;
        }
    }
    if (is_digit(peek(&p))) {
        if (!digits(&p, 1, 2, &d))
            return NDX_EINVAL;
        skip_ordinal(&p);
        int c = peek(&p);
        if (c == '-' || c == '.' || c == '/')
            p.i++;
        else if (c == ' ' || c == '\t')
            skip_spaces(&p);
        else
            return NDX_EINVAL;
        if (!word(&p, w, sizeof w) || !(mo = month_of(w)))
            return NDX_EINVAL;
        if (peek(&p) == '.')
            p.i++;
        c = peek(&p);
        if (c == '-' || c == '/')
            p.i++;
        else if (c == ' ' || c == '\t' || c == ',') {
            if (c == ',')
                p.i++;
            skip_spaces(&p);
        } else {
            return NDX_EINVAL;
        }
        int ny = digits(&p, 2, 4, &y);
        if (ny == 2 && (c == '-' || c == '/'))
            return NDX_EINVAL; /* "26-FEB-87": which century is anyone's guess */
        if (ny == 2) /* RFC 822's two-digit year ("27 Apr 93"): 50-99 are 19xx, 00-49 20xx */
            y += y >= 50 ? 1900 : 2000;
        else if (ny != 4)
            return NDX_EINVAL;
    } else if (ndx__ascii_is_alpha(peek(&p))) {
        if (!word(&p, w, sizeof w) || !(mo = month_of(w)))
            return NDX_EINVAL;
        if (peek(&p) == '.')
            p.i++;
        int c = peek(&p);
        if (c == '-' || c == '/')
            p.i++;
        else
            skip_spaces(&p);
        if (!digits(&p, 1, 2, &d))
            return NDX_EINVAL;
        skip_ordinal(&p);
        c = peek(&p);
        if (c == ',' || c == '-' || c == '/')
            p.i++;
        skip_spaces(&p);
        if (digits(&p, 4, 4, &y) != 4)
            return NDX_EINVAL;
    } else {
        return NDX_EINVAL;
    }
    if (!rest_time(&p, &secs, &off))
        return NDX_EINVAL;
    return finish(y, mo, d, secs, off, out);
}
