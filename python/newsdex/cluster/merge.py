"""Merging shards' answers into the answer of one index holding the whole archive.

Stories never span shards (placement.py), so every count of stories adds up shard by shard, as
copies always did.  What needs care:

- facets: each shard gives every value it has; values are added up, then ranked and cut to the
  requested size here, with the rest summed into `other`;
- histograms and timelines: one index covers the span from the first to the last bucket holding
  a match, zero-filled, with each bucket's `all_stories` (stories under the query's filters
  without its text).  A shard only reports its own span, so a shard whose span is narrower
  than the merged one is asked again for the missing buckets' `all_stories`: a timeline of the
  query beside an anchor series `date:FIRST..LAST` (every article of the merged span), which
  widens the shard's span to every bucket where the shard has an article at all (elsewhere
  `all_stories` is 0 on that shard anyway).
"""
from datetime import timedelta

from .._ffi import lib
from ..errors import error
from ..records import Bucket, Facet, FacetValue

MAX_BUCKETS = 100000  # NDX_MAX_BUCKETS


def merge_stats(stats):
    """The sum of several indexes' query statistics (Index.query_stats)."""
    out = {"docs": 0, "sum_dl": 0, "langs": [], "df": {}, "prefix_df": {}}
    for s in stats:
        out["docs"] += s["docs"]
        out["sum_dl"] += s["sum_dl"]
        out["langs"] += [lang for lang in s["langs"] if lang not in out["langs"]]
        for k in ("df", "prefix_df"):
            for t, v in s.get(k, {}).items():
                out[k][t] = out[k].get(t, 0) + v
    return out


BUILTIN_FACETS = ("source", "lang", "wire", "year", "month")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def merge_facets(field, facets, size):
    """One Facet from the shards' Facets of `field` (each holding every value).

    A keyword field's values are one value whatever their ASCII case, as in one index, and each
    shard shows a value as the first article holding it there wrote it ("Sport" on one shard,
    "sport" on another): they are added up under the folded value, ranked by it on equal counts
    as one index ranks them, and shown as the shard holding most of its copies writes it (the
    lower shard on a tie; one index shows its first article's form, which no shard can tell)."""
    keyword = field.split(":", 1)[0] not in BUILTIN_FACETS
    counts, shown = {}, {}
    for f in facets:
        for v in f.values:
            key = v.value.translate(_ASCII_LOWER) if keyword else v.value
            st, cp = counts.get(key, (0, 0))
            counts[key] = (st + v.stories, cp + v.copies)
            if key not in shown or v.copies > shown[key][0]:
                shown[key] = (v.copies, v.value)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    rest = ranked[size:]
    return Facet(field=field,
                 values=[FacetValue(shown[k][1], st, cp) for k, (st, cp) in ranked[:size]],
                 other_values=len(rest), other_stories=sum(x[1][0] for x in rest),
                 other_copies=sum(x[1][1] for x in rest))


def _next_start(interval, start):
    """The first second of the bucket after the one starting at `start` (a datetime)."""
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    if interval == "month":
        y, m = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
        return start.replace(year=y, month=m, day=1)
    return start.replace(year=start.year + 1, month=1, day=1)


def _day(t):
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}"


def span_of(series):
    """(first, last) bucket starts over several bucket lists; None when all are empty."""
    starts = [b.start for bs in series for b in (bs[:1] + bs[-1:])]
    return (min(starts), max(starts)) if starts else None


def anchor_query(interval, span):
    """A query matching every dated article of the buckets from span[0] to span[1]."""
    last = _next_start(interval, span[1]) - timedelta(days=1)
    return f"date:{_day(span[0])}..{_day(last)}"


def needs_fill(buckets, span):
    """True when a shard's buckets do not cover the whole merged span."""
    return not buckets or buckets[0].start > span[0] or buckets[-1].start < span[1]


def bucket_keys(interval, span):
    """Every bucket (start, key) from span[0] to span[1]."""
    out, t = [], span[0]
    while t <= span[1]:
        out.append((t, _key(interval, t)))
        if len(out) > MAX_BUCKETS:
            raise error(lib.NDX_ERANGE, f"the matches span more than {MAX_BUCKETS} {interval}s: "
                                        "ask for a coarser interval")
        t = _next_start(interval, t)
    return out


def _key(interval, t):
    if interval == "year":
        return f"{t.year:04d}"
    if interval == "month":
        return f"{t.year:04d}-{t.month:02d}"
    return _day(t)


def merge_buckets(interval, series, span):
    """One bucket list over `span` from several shards' bucket lists of one query (each
    covering the part of the span where it has anything: zero elsewhere)."""
    if span is None:
        return []
    acc = {}
    for bs in series:
        for b in bs:
            st, cp, al = acc.get(b.start, (0, 0, 0))
            acc[b.start] = (st + b.stories, cp + b.copies, al + b.all_stories)
    return [Bucket(key=k, start=t, stories=acc.get(t, (0, 0, 0))[0],
                   copies=acc.get(t, (0, 0, 0))[1], all_stories=acc.get(t, (0, 0, 0))[2])
            for t, k in bucket_keys(interval, span)]

