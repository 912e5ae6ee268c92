"""Facets, histograms and timelines (docs/ANALYTICS.md) on real corpora, checked against a
brute-force recount from `newsdex export`: every value's stories and copies, every bucket's
stories, copies and all_stories.  Plus the errors of bad requests."""
import datetime
import json
from collections import defaultdict

import pytest

from conftest import BBC, CORPORA, GIVEME, export_rows

LIVEDOOR = CORPORA / "text" / "livedoor-news-ja" / "text"
FACETS = ("source", "lang", "wire", "year", "month")


@pytest.fixture(scope="module")
def mixed(nd, tmp_path_factory):
    """News-please articles with dates and sources, BBC (undated, with exact duplicates) and two
    livedoor categories (Japanese, dated), in one index."""
    d = tmp_path_factory.mktemp("analytics") / "ix"
    nd.ingest(d, GIVEME, BBC, LIVEDOOR / "dokujo-tsushin", LIVEDOOR / "it-life-hack",
              expect_rc=None)
    return d


def day_of(a):
    return datetime.date.fromisoformat(a["date"][:10]) if a["date"] else None


def values_of(field, a):
    """(value, copies) pairs an exported article stands for under a facet field."""
    if field == "source":
        return [(a["source"], 1)] + [(c["source"], 1) for c in a["copies"]]
    n = 1 + len(a["copies"])
    if field == "lang":
        return [(a["lang"], n)]
    if field == "wire":
        return [("yes" if a["wire"] else "no", n)]
    d = a["date"]
    if field == "year":
        return [(d[:4] if d else "unknown", n)]
    return [(d[:7] if d else "unknown", n)]


def recount_facet(arts, field):
    stories, copies = defaultdict(set), defaultdict(int)
    for a in arts:
        for v, n in values_of(field, a):
            stories[v].add(a["story"])
            copies[v] += n
    return {v: (len(stories[v]), copies[v]) for v in copies}


def bucket_key(day, interval):
    if interval == "day":
        return day.isoformat()
    if interval == "week":
        return (day - datetime.timedelta(days=day.weekday())).isoformat()
    if interval == "month":
        return day.isoformat()[:7]
    return day.isoformat()[:4]


def next_bucket(key, interval):
    if interval in ("day", "week"):
        d = datetime.date.fromisoformat(key) + datetime.timedelta(days=1 if interval == "day" else 7)
        return d.isoformat()
    if interval == "month":
        y, m = int(key[:4]), int(key[5:7])
        return f"{y + (m == 12):04d}-{m % 12 + 1:02d}"
    return f"{int(key) + 1:04d}"


def recount_buckets(arts, interval):
    stories, copies = defaultdict(set), defaultdict(int)
    for a in arts:
        d = day_of(a)
        if d is None:
            continue
        k = bucket_key(d, interval)
        stories[k].add(a["story"])
        copies[k] += 1 + len(a["copies"])
    return stories, copies


def search(nd, index, query, *opts):
    rc, out, err = nd("search", "--index", index, "--json", "--limit", "0", "--no-snippets", *opts,
                      "--", query)
    assert rc == 0, err
    return json.loads(out)


@pytest.mark.parametrize("query", ["the", "trump", "korea OR japan", "-the", "lang:ja",
                                   "date:2017 korea", "source:cnn"])
def test_facets_equal_a_recount_from_export(nd, mixed, query):
    arts = export_rows(nd, mixed, query)
    assert arts, query
    opts = []
    for f in FACETS:
        opts += ["--facet", f]
    r = search(nd, mixed, query, *opts, "--facet-size", "10000")
    assert r["total_copies"] == sum(1 + len(a["copies"]) for a in arts)
    assert r["total_stories"] == len({a["story"] for a in arts})
    for f in FACETS:
        got = {v["value"]: (v["stories"], v["copies"]) for v in r["facets"][f]}
        assert got == recount_facet(arts, f), f
        assert r["facets_other"][f] == {"values": 0, "stories": 0, "copies": 0}
        # best first: stories, then copies descending, then value
        order = [(-v["stories"], -v["copies"], v["value"]) for v in r["facets"][f]]
        assert order == sorted(order), f


def test_top_n_and_other_sum_the_rest(nd, mixed):
    arts = export_rows(nd, mixed, "the")
    full = recount_facet(arts, "source")
    r = search(nd, mixed, "the", "--facet", "source", "--facet-size", "3")
    top = r["facets"]["source"]
    assert len(top) == 3
    ranked = sorted(full.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    assert [(v["value"], (v["stories"], v["copies"])) for v in top] == ranked[:3]
    rest = ranked[3:]
    assert r["facets_other"]["source"] == {"values": len(rest),
                                           "stories": sum(s for _, (s, _c) in rest),
                                           "copies": sum(c for _, (_s, c) in rest)}
    # the default is 10
    assert len(search(nd, mixed, "the", "--facet", "source")["facets"]["source"]) == 10


def test_prefix_keeps_the_values_starting_with_it(nd, mixed):
    arts = export_rows(nd, mixed, "the")
    full = recount_facet(arts, "source")
    want = {v: sc for v, sc in full.items() if v.lower().startswith("n")}
    assert len(want) >= 2
    r = search(nd, mixed, "the", "--facet", "source:N", "--facet-size", "1000")
    assert {v["value"]: (v["stories"], v["copies"]) for v in r["facets"]["source"]} == want


@pytest.mark.parametrize("query,interval", [("the", "year"), ("trump", "month"),
                                            ("korea", "week"), ("date:2017-12 north", "day"),
                                            ("source:cnn OR source:nytimes", "month"),
                                            ("lang:ja iphone", "month"), ("-korea", "week")])
def test_histogram_equals_a_recount_from_export(nd, mixed, query, interval):
    arts = export_rows(nd, mixed, query)
    stories, copies = recount_buckets(arts, interval)
    r = search(nd, mixed, query, "--histogram", interval)
    h = r["histogram"]
    assert h["interval"] == interval
    keys = [b["key"] for b in h["buckets"]]
    assert keys[0] == min(stories) and keys[-1] == max(stories)
    for a, b in zip(keys, keys[1:]):  # zero-filled: consecutive buckets
        assert b == next_bucket(a, interval)
    # all_stories: the filters of the query without its text
    filters = " ".join(w for w in query.split() if w.startswith(("date:", "source:", "lang:")))
    if " OR " in query:
        filters = query  # a query made only of filters is its own background
    background = export_rows(nd, mixed, filters or None)
    all_stories, _ = recount_buckets(background, interval)
    for b in h["buckets"]:
        k = b["key"]
        assert (b["stories"], b["copies"]) == (len(stories.get(k, ())), copies.get(k, 0)), k
        assert b["all_stories"] == len(all_stories.get(k, ())), k
        assert b["stories"] <= b["all_stories"]


def test_exact_copies_count_under_their_own_source(nd, tmp_path):
    """The same text from three outlets: one stored article, two exact copies recorded on it."""
    text = (BBC / "business" / "001.txt").read_text(encoding="latin-1").split("\n", 1)
    lines = []
    for i, src in enumerate(["alpha.example", "beta.example", "beta.example", "gamma.example"]):
        lines.append(json.dumps({"url": f"https://{src}/a{i}", "source_domain": src,
                                 "title": text[0], "maintext": text[1],
                                 "date_publish": f"2020-01-0{i + 1} 10:00:00"}))
    f = tmp_path / "copies.jsonl"
    f.write_text("\n".join(lines) + "\n")
    ix = tmp_path / "ix"
    nd.ingest(ix, f)
    r = search(nd, ix, "the", "--facet", "source", "--facet", "year", "--histogram", "day")
    assert r["total_copies"] == 4 and r["total_stories"] == 1
    assert {v["value"]: (v["stories"], v["copies"]) for v in r["facets"]["source"]} == {
        "alpha.example": (1, 1), "beta.example": (1, 2), "gamma.example": (1, 1)}
    assert r["facets"]["year"] == [{"value": "2020", "stories": 1, "copies": 4}]
    assert [(b["key"], b["copies"]) for b in r["histogram"]["buckets"]] == [("2020-01-01", 4)]


def test_timeline_series_share_one_span(nd, mixed):
    rc, out, err = nd("timeline", "--index", mixed, "--json", "--by", "month", "trump",
                      "--compare", "korea", "--compare", "iphone")
    assert rc == 0, err
    t = json.loads(out)
    assert t["interval"] == "month" and len(t["series"]) == 3
    keys = [[b["key"] for b in s["buckets"]] for s in t["series"]]
    assert keys[0] == keys[1] == keys[2]
    firsts = []
    for s in t["series"]:
        arts = export_rows(nd, mixed, s["query"])
        stories, copies = recount_buckets(arts, "month")
        firsts.append(min(stories))
        assert s["total_stories"] == len({a["story"] for a in arts})
        assert s["total_copies"] == sum(1 + len(a["copies"]) for a in arts)
        for b in s["buckets"]:
            assert (b["stories"], b["copies"]) == (len(stories.get(b["key"], ())),
                                                   copies.get(b["key"], 0))
    assert keys[0][0] == min(firsts)
    # the same as search --histogram for the query alone, bucket by bucket where both have it
    h = {b["key"]: b for b in search(nd, mixed, "iphone", "--histogram", "month")["histogram"]["buckets"]}
    for b in t["series"][2]["buckets"]:
        if b["key"] in h:
            assert b == h[b["key"]]
    rc, out, err = nd("timeline", "--index", mixed, "--csv", "--by", "year", "trump")
    assert rc == 0 and out.splitlines()[0] == "query,bucket,stories,copies,all_stories"
    assert all(l.startswith("trump,") for l in out.splitlines()[1:])


@pytest.mark.parametrize("args,message", [
    (["search", "--facet", "colour", "x"], "unknown facet 'colour'"),
    (["search", "--facet", "col our", "x"], "--facet takes source"),
    (["search", "--histogram", "fortnight", "x"], "--histogram takes day"),
    (["search", "--facet-size", "0", "--facet", "lang", "x"], "--facet-size takes"),
    (["timeline", "--by", "hour", "x"], "--by takes day"),
    (["timeline", "x", "--compare", "(unbalanced"], "query error in --compare 1"),
    (["timeline", "x", "--compare", ""], "--compare takes a query"),
])
def test_bad_requests_are_clear_errors(nd, mixed, args, message):
    rc, out, err = nd(args[0], "--index", mixed, *args[1:])
    assert rc == 2
    assert message in err


def test_plain_search_json_has_no_analytics_keys(nd, mixed):
    r = search(nd, mixed, "trump")
    assert "facets" not in r and "histogram" not in r


# ---- significant terms ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def bbc(nd, tmp_path_factory):
    d = tmp_path_factory.mktemp("bbc") / "ix"
    nd.ingest(d, BBC, expect_rc=None)
    return d


def bbc_docs():
    """(category, set of lower-cased words) of every BBC article."""
    import re
    docs = []
    for f in sorted(BBC.glob("*/*.txt")):
        text = f.read_bytes().decode("latin-1").lower()
        docs.append((f.parent.name, set(re.findall(r"[a-z]+", text))))
    return docs


def test_significant_terms_are_topical_not_common(nd, bbc):
    rc, out, err = nd("terms", "--index", bbc, "--json", "shares", "profits")
    assert rc == 0, err
    r = json.loads(out)
    assert r["method"] == "jlh" and r["sampled"] is False and r["sample"] is None
    terms = r["terms"]
    assert len(terms) == 25
    assert r["stories"] > 30 and r["background"] > 2000
    scores = [t["score"] for t in terms]
    assert scores == sorted(scores, reverse=True)
    docs = bbc_docs()
    # the archive's commonest words are none of them
    from collections import Counter
    df = Counter(w for _, ws in docs for w in ws)
    common = {w for w, _ in df.most_common(60)}
    words = {w for t in terms for w in t["term"].split()}
    assert not words & common, words & common
    # and the words are the business section's: each is (far) more frequent there than overall
    biz = [ws for cat, ws in docs if cat == "business"]
    topical = 0
    for t in terms[:10]:
        w = t["term"].split()[0]
        share_biz = sum(1 for ws in biz if any(x.startswith(w[:5]) for x in ws)) / len(biz)
        share_all = sum(1 for _, ws in docs if any(x.startswith(w[:5]) for x in ws)) / len(docs)
        topical += share_biz > 1.5 * share_all
        assert t["fg"] <= r["stories"] and t["fg"] <= t["bg"] <= r["background"]
    assert topical >= 8, terms[:10]
    # two-word phrases are found, and fg/bg of a word are exact story counts
    assert any(" " in t["term"] for t in terms)


def test_terms_sample_and_methods(nd, bbc):
    rc, out, err = nd("terms", "--index", bbc, "--json", "--sample", "10", "--limit", "5",
                      "oil")
    assert rc == 0, err
    r = json.loads(out)
    assert r["sampled"] is True and r["sample"] == 10 and r["stories"] == 10
    assert len(r["terms"]) <= 5
    for m in ("chi2", "mi"):
        rc, out, err = nd("terms", "--index", bbc, "--json", "--method", m, "oil")
        assert rc == 0, err
        r = json.loads(out)
        assert r["method"] == m and r["terms"] and "oil" in [t["term"] for t in r["terms"][:3]]


def test_terms_of_japanese_text(nd, mixed):
    rc, out, err = nd("terms", "--index", mixed, "--json", "lang:ja", "iphone")
    assert rc == 0, err
    terms = json.loads(out)["terms"]
    assert terms
    cjk = [t["term"] for t in terms if any("\u3040" <= ch <= "\u9fff" for ch in t["term"])]
    assert cjk, terms  # CJK words (bigrams) are terms too
    assert all(len(t) >= 2 for t in cjk)


@pytest.mark.parametrize("args,message", [
    (["--sample", "0"], "--sample takes a number of stories from 1 to 100000"),
    (["--sample", "1000000000"], "--sample takes a number of stories from 1 to 100000"),
    (["--method", "tfidf"], "--method takes jlh, chi2 or mi"),
    (["--limit", "0"], "--limit takes a number from 1 to 1000"),
])
def test_terms_bad_options(nd, bbc, args, message):
    rc, out, err = nd("terms", "--index", bbc, *args, "oil")
    assert rc == 2 and message in err


def test_terms_syntax_error(nd, bbc):
    rc, out, err = nd("terms", "--index", bbc, '"oil')
    assert rc == 2 and "query error" in err


# ---- search --explain --------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["trump", "trump korea -china", '"north korea" OR missile',
                                   "title:trump source:cnn OR invit*", "korea date:2017"])
def test_explain_parts_add_up_to_the_score(nd, mixed, query):
    rc, out, err = nd("search", "--index", mixed, "--json", "--explain", "--no-snippets",
                      "--limit", "5", "--", query)
    assert rc == 0, err
    r = json.loads(out)
    assert r["explain"].startswith("(")
    assert r["hits"]
    for h in r["hits"]:
        x = h["explain"]
        assert x["matches"] is True
        assert abs(sum(p["score"] for p in x["parts"]) - h["score"]) < 1e-6 * max(1, h["score"])
        assert all(p["score"] > 0 for p in x["parts"])
        assert "china" not in [p["term"] for p in x["parts"]]  # negated words score nothing


def test_explain_counts_title_and_body_occurrences(nd, mixed):
    from conftest import tokenize
    rc, out, err = nd("search", "--index", mixed, "--json", "--explain", "--no-snippets",
                      "--limit", "5", "--", "missile")
    assert rc == 0, err
    for h in json.loads(out)["hits"]:
        (p,) = h["explain"]["parts"]
        art = nd.show(mixed, str(h["id"]))
        title = [w for w in tokenize(art["title"]) if w.startswith("missil")]
        body = [w for w in tokenize(art["text"]) if w.startswith("missil")]
        assert (p["title_tf"], p["body_tf"]) == (len(title), len(body)), h["title"]
        assert p["wf"] == 3 * len(title) + len(body)


def test_explain_text_output(nd, mixed):
    rc, out, err = nd("search", "--index", mixed, "--explain", "--limit", "1", "--no-snippets",
                      "trump", "korea")
    assert rc == 0, err
    assert 'query tree: (and (term "trump") (term "korea"))' in out
    assert "term trump: idf" in out and "(title " in out
