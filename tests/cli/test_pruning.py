"""Dynamic pruning (block-max, MaxScore) of single words and ORs of words returns exactly what an
exhaustive evaluation returns: the same top hits in the same order, the same scores, the same
exact totals.  The exhaustive answer is the same search with a facet asked for (analytics count
every match, so nothing is pruned).  The index is the whole BBC corpus in two segments, with
deletions, so that postings span many blocks and the recount of deleted documents is exercised."""
import collections
import random

import pytest

from conftest import BBC, tokenize


def bbc_files():
    out = []
    for cat in sorted(p for p in BBC.iterdir() if p.is_dir()):
        for f in sorted(cat.glob("*.txt")):
            try:
                f.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                continue
            out.append(f)
    return out


@pytest.fixture(scope="module")
def corpus(nd, tmp_path_factory):
    files = bbc_files()
    ix = tmp_path_factory.mktemp("prune") / "ix"
    half = len(files) // 2
    nd.ingest(ix, *files[:half], opts=("--no-stem", "-q"))
    nd.ingest(ix, *files[half:], opts=("--no-stem", "-q"))
    # delete every 7th article of a common word's matches (deletions inside postings blocks)
    hits = nd.search(ix, "said", "--limit", "1000", "--no-snippets")["hits"]
    victims = [str(h["id"]) for h in hits[::7]]
    rc, out, err = nd("delete", "--index", ix, *victims)
    assert rc == 0, err
    df = collections.Counter()
    for f in files:
        df.update(set(tokenize(f.read_text(encoding="utf-8"))))
    return ix, len(files), df


def queries(df, n_docs):
    rnd = random.Random(17)
    words = [w for w in df if w.isalpha()]
    common = sorted((w for w in words if df[w] >= n_docs // 10), key=lambda w: (-df[w], w))
    medium = sorted(w for w in words if 130 <= df[w] < n_docs // 10)
    rare = sorted(w for w in words if 2 <= df[w] <= 20)
    qs = common[:25] + rnd.sample(medium, 25) + rnd.sample(rare, 5)
    for _ in range(35):
        k = rnd.choice((2, 2, 3, 4))
        pool = rnd.choice((common, medium, common + medium + rare))
        qs.append(" OR ".join(rnd.sample(pool, k)))
    return qs


def answer(nd, ix, q, *opts, collapse=False):
    r = nd.search(ix, q, "--no-snippets", *opts, collapse=collapse)
    return {"total": r["total"], "stories": r["total_stories"], "copies": r["total_copies"],
            "hits": [(h["id"], h["score"], h.get("story"), h.get("copies")) for h in r["hits"]]}


@pytest.mark.parametrize("collapse", [False, True], ids=["articles", "stories"])
@pytest.mark.parametrize("limit", ["1", "10", "40"])
def test_pruned_equals_exhaustive(nd, corpus, limit, collapse):
    """One hit per article, and one per story (the CLI's default: the best article of each of
    the best stories, the story and copy totals)."""
    ix, n_docs, df = corpus
    qs = queries(df, n_docs)
    assert len(qs) == 90
    differ = []
    for q in qs:
        pruned = answer(nd, ix, q, "--limit", limit, collapse=collapse)
        full = answer(nd, ix, q, "--limit", limit, "--facet", "lang", collapse=collapse)
        assert pruned["hits"], q
        if pruned != full:
            differ.append((q, pruned, full))
    assert not differ, f"{len(differ)} of {len(qs)} queries differ, first: {differ[0]}"


@pytest.mark.parametrize("collapse", [False, True], ids=["articles", "stories"])
def test_pruned_paging_and_story_counts(nd, corpus, collapse):
    """Offsets page through the same order; total_stories and total_copies stay exact."""
    ix, n_docs, df = corpus
    for q in ("the", "said OR year", "government OR market OR film"):
        full = answer(nd, ix, q, "--limit", "30", "--facet", "lang", collapse=collapse)
        pages = [answer(nd, ix, q, "--limit", "10", "--offset", str(o), collapse=collapse)
                 for o in (0, 10, 20)]
        assert [h for p in pages for h in p["hits"]] == full["hits"], q
        for p in pages:
            assert (p["total"], p["stories"], p["copies"]) == \
                (full["total"], full["stories"], full["copies"]), q
