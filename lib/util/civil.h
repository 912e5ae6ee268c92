/*
 * civil.h - proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01, UTC),
 * after H. Hinnant's days_from_civil / civil_from_days.  Header-only: used by the date parser of
 * ingest (ingest/date.c), the query parser's date: ranges and the date histograms.
 */
#ifndef NDX_CIVIL_H
#define NDX_CIVIL_H

#include <stdint.h>

static inline int64_t ndx__days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static inline void ndx__civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Floor division of a day number by 86400-second days: the day of Unix time t. */
static inline int64_t ndx__day_of(int64_t t)
{
    return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

#endif
