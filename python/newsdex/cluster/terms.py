"""Significant terms of a sharded archive, computed as one index computes them (lib/query/terms.c,
docs/ANALYTICS.md), from counts added up over the shards.

Stories never span shards, so the foreground (one best copy per matching story) is the union of
the shards' foregrounds, and every count of stories adds up.  The steps of one index, with the
sums in place of its own counts:

1. every shard reports every term of its foreground with fg (ndx_shard_terms_foreground), and
   F (stories examined) and B (stories of the archive); the coordinator adds fg, F and B up.  A
   term's surface and language are those of the best-scoring story it was seen in;
2. terms with fg >= 2 (>= 1 when F < 3) are candidates; every shard reports their document
   frequencies and the documents of their languages (ndx_shard_terms_background), added up:
   a word held by more than a quarter of its language's documents is a stop word, and the
   rest are estimated with the summed frequencies;
3. the best max(100, 4 x size) by estimate get bg, the stories holding them, added up over the
   shards, and are scored (score_of below is terms.c's, operation for operation, so the doubles
   are the same).

With sample=N the foreground is the archive's best N stories: a search over the archive (with
its statistics) finds them, and each shard examines as many of its own best as are among them.
"""
import math

from ..records import SignificantTerms, TermScore

STOP_SHARE = 0.25
EXACT_PER_TERM = 4
EXACT_MIN = 100
METHODS = ("jlh", "chi2", "mi")


def score_of(method, fg, F, bg, B):
    """terms.c's score_of: JLH, chi-square or mutual information of fg/F against bg/B."""
    fg, F, bg, B = float(fg), float(F), float(bg), float(B)
    if F <= 0 or B <= 0 or bg <= 0:
        return 0.0
    pf, pb = fg / F, bg / B
    if pf <= pb:
        return 0.0
    if method == "jlh":
        return (pf - pb) * pf / pb
    a, b, c = fg, F - fg, (bg - fg if bg > fg else 0.0)
    d = B - F - c
    if d < 0:
        d = 0.0
    N = a + b + c + d
    if method == "chi2":
        den = (a + b) * (c + d) * (a + c) * (b + d)
        return N * (a * d - b * c) * (a * d - b * c) / den if den > 0 else 0.0
    cells = [(a, a + b, a + c), (b, a + b, b + d), (c, c + d, a + c), (d, c + d, b + d)]
    mi = 0.0
    for x, r, k in cells:
        if x > 0:
            mi += x / N * math.log2(N * x / (r * k))
    return mi


def merge_foregrounds(fgs):
    """The archive's foreground from the shards' (Index.terms_foreground dicts, in shard
    order): F, B, total stories and {(word, word2): [fg, lang, surface, best score]}."""
    F = sum(f["stories"] for f in fgs)
    B = sum(f["background"] for f in fgs)
    total = sum(f["total_stories"] for f in fgs)
    terms = {}
    for f in fgs:
        for w1, w2, fg, lang, surface, score in f["terms"]:
            t = terms.get((w1, w2))
            if t is None:
                terms[(w1, w2)] = [fg, lang, surface, score]
            else:
                t[0] += fg
                if score > t[3]:  # first seen in a better story: its surface and language
                    t[1:] = [lang, surface, score]
    return F, B, total, terms


def candidates(F, terms):
    """Terms seen in enough foreground stories, as [(word, word2), ...]."""
    min_fg = 1 if F < 3 else 2
    return [k for k, t in terms.items() if t[0] >= min_fg]


def estimate(method, F, terms, cands, back):
    """The candidates that are no stop word, best estimate first, from the summed
    background answers `back` ({"docs", "df": [[df1, df2]...], "lang_docs": {lang: n}})."""
    ndocs = back["docs"]
    out = []
    for (w1, w2), (d1, d2) in zip(cands, back["df"]):
        fg, lang, surface, _ = terms[(w1, w2)]
        ld = back["lang_docs"][lang] or ndocs
        if d1 > STOP_SHARE * ld or (w2 is not None and d2 > STOP_SHARE * ld):
            continue
        df = float(d1)
        if w2 is not None and float(d2) < df:
            df = float(d2)
        est = score_of(method, fg, F, df if df > fg else fg, ndocs)
        out.append((est, surface, (w1, w2)))
    out.sort(key=lambda x: (-x[0], x[1].encode("utf-8")))
    return out


def exact_count(size):
    return max(size * EXACT_PER_TERM, EXACT_MIN)


def final(q, method, size, F, B, sampled, terms, best, bgs):
    """SignificantTerms from the candidates counted exactly (`best`, in estimate order) and
    their summed bg."""
    scored = []
    for (_, surface, key), bg in zip(best, bgs):
        fg = terms[key][0]
        bg = max(bg, fg)  # a copy's text, not its story's, held the term
        scored.append((score_of(method, fg, F, bg, B), surface, fg, bg))
    scored.sort(key=lambda x: (-x[0], x[1].encode("utf-8")))
    out = []
    for score, surface, fg, bg in scored[:size]:
        if score <= 0:
            break
        out.append(TermScore(surface, score, fg, bg))
    return SignificantTerms(query=q, foreground=F, background=B, sampled=sampled, terms=out)
