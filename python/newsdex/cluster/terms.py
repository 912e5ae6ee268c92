"""Significant terms of a sharded archive, computed as one index computes them (lib/query/terms.c,
docs/ANALYTICS.md), from counts added up over the shards.

Stories never span shards, so the foreground (one best copy per matching story) is the union of
the shards' foregrounds, and every count of stories adds up.  The steps of one index, with the
sums in place of its own counts:

1. every shard reports every term of its foreground with fg (ndx_shard_terms_foreground), and
   F (stories examined) and B (stories of the archive); the coordinator adds fg, F and B up.  A
   term's surface and language are those of the best-scoring story it was seen in.  Most terms
   of a large foreground are seen in one story only, and only a term in two stories can be a
   candidate: a shard sends its terms seen once as 8-byte keys (compact) and keeps them, and
   is asked again for those whose key another shard holds too (wanted_once; the task goes to
   the same worker, which computes the foreground again only if it no longer holds it), so the
   coordinator reads the few terms that can count, not every word pair of every story;
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
import hashlib
import math
from array import array
from collections import Counter

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


def term_key(w1, w2):
    """A term's key, the same in every process (str hashes are not)."""
    raw = (w1 + "\x00" + w2).encode() if w2 is not None else w1.encode()
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "little")


def split_once(fg):
    """A shard's foreground (Index.terms_foreground) as (the foreground with only its terms
    seen in two stories or more, the terms seen once).  A shard that examined fewer than 3
    stories keeps everything in the first: with F < 3 every term is a candidate, and F is the
    archive's sum."""
    if fg["stories"] < 3:
        return fg, []
    full = [t for t in fg["terms"] if t[2] >= 2]
    once = [t for t in fg["terms"] if t[2] < 2]
    return dict(fg, terms=full), once


def compact(full, once):
    """What a shard sends first: split_once's foreground, and its once-seen terms as packed
    64-bit keys in "once"."""
    return dict(full, once=array("Q", (term_key(t[0], t[1]) for t in once)).tobytes())


def pick_once(once, want):
    """The second answer: the once-seen terms whose keys are in `want` (packed keys)."""
    keys = set(array("Q", want))
    return {"terms": [t for t in once if term_key(t[0], t[1]) in keys]}


def wanted_once(fgs):
    """For each shard (compact foregrounds, in shard order), the packed keys of its once-seen
    terms that another shard holds too (once or more): only those can reach fg >= 2.  A key
    shared by two different terms asks for a term that cannot count; the sums stay exact."""
    onces = [array("Q", f.get("once") or b"") for f in fgs]
    seen = Counter(k for a in onces for k in a)
    for f in fgs:
        seen.update(term_key(t[0], t[1]) for t in f["terms"])
    return [array("Q", (k for k in a if seen[k] >= 2)).tobytes() for a in onces]


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
