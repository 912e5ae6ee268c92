"""Syndicated copies become one story: clusters, collapsed results, counts both ways, export,
related stories.  The truth is the syndication table in sample/README.md (W1-W3 wire groups with
edited copies, E1-E2 exact copies), restated here from that file."""
import csv
import io
import json

import pytest

from conftest import SAMPLE_JSONL, SAMPLE_PAGES

W1 = [
    "https://harbourline-daily.com/shipping/2021/03/08/strike-shuts-marrowhaven-port",
    "https://www.continental-ledger.com/world/europe/dockworkers-walk-out-marrowhaven-first-strike-since-1991",
    "https://globalpulse-news.com/business/uk-port-strike-strands-dozens-of-ships-20210308",
    "https://atlantic-observer-news.com/2021/03/08/marrowhaven-strike-food-imports",
]
W2 = [
    "https://globalpulse-news.com/world/reformist-dravik-wins-lestovia-presidency-20220912",
    "https://dailybrief-world.com/2022/09/12/lestovia-elects-ana-dravik-president",
    "https://www.the-meridian-post.com/international/opposition-lawyer-wins-lestovia-vote",
]
W3 = [
    "https://www.the-meridian-post.com/international/china-portugal-sign-deals-liang-visit",
    "https://atlantic-observer-news.com/2023/11/07/beijing-trade-envoy-wind-fruit-deals-lisbon",
    "https://dailybrief-world.com/2023/11/07/portugal-signs-five-accords-with-china",
]
GROUPS = [W1, W2, W3]


@pytest.fixture(scope="module")
def ix(nd, tmp_path_factory):
    d = tmp_path_factory.mktemp("stories") / "ix"
    nd.ingest(d, SAMPLE_JSONL, SAMPLE_PAGES, expect_rc=None)
    return d


def story_of(nd, ix, url):
    return nd.show(ix, url)["story"]


def all_articles(nd, ix):
    rc, out, err = nd("export", "--index", ix)
    assert rc == 0, err
    return [json.loads(l) for l in out.splitlines()]


def test_each_wire_group_is_one_story(nd, ix):
    stories = []
    for g in GROUPS:
        s = {story_of(nd, ix, u) for u in g}
        assert len(s) == 1, f"group split into stories {s}: {g}"
        stories.append(s.pop())
    assert len(set(stories)) == len(GROUPS)


def test_no_other_articles_are_merged(nd, ix):
    grouped = {u for g in GROUPS for u in g}
    members = {}
    for a in all_articles(nd, ix):
        members.setdefault(a["story"], set()).add(a["url"])
    for story, urls in members.items():
        if len(urls) > 1:
            assert urls <= grouped, f"unexpected story {story}: {urls}"
            assert any(urls == set(g) for g in GROUPS), urls


def test_collapsed_search_counts_stories_and_copies(nd, ix):
    q = "Lestovia"
    flat = nd.search(ix, q, "--limit", "100")
    col = nd.search(ix, q, "--limit", "100", collapse=True)
    assert col["collapsed"] is True and flat["collapsed"] is False
    assert flat["total"] == flat["total_copies"] == len(flat["hits"])
    # independently: distinct stories among the articles that match
    stories = {nd.show(ix, str(h["id"]))["story"] for h in flat["hits"]}
    assert col["total"] == col["total_stories"] == len(stories) == len(col["hits"])
    assert col["total_copies"] == flat["total"]
    # the wire group appears once, saying it has 3 copies from 3 sources
    w2 = [h for h in col["hits"] if h["url"] in W2]
    assert len(w2) == 1
    assert w2[0]["copies"] == 3 and len(w2[0]["sources"]) == 3 and w2[0]["wire"] is True


def test_exact_copies_count_as_copies(nd, ix):
    # E1: the article and its exact copy are stored once; the copy is counted in total_copies
    q = '"port strike ends"'
    flat = nd.search(ix, q)
    col = nd.search(ix, q, collapse=True)
    assert flat["total"] >= 1
    hit = col["hits"][0]
    assert hit["copies"] >= 2
    assert "northsea-freightnews.com" in hit["sources"]
    assert col["total_copies"] == flat["total"] + 1


def test_show_lists_story_articles(nd, ix):
    a = nd.show(ix, W1[2])
    urls = [m["url"] for m in a["story_articles"]]
    assert sorted(urls) == sorted(W1)
    dates = [m["date"] for m in a["story_articles"]]
    assert dates == sorted(dates), "earliest first"


def test_export_streams_every_match(nd, ix):
    rc, out, err = nd("export", "--index", ix, "--query", "strike")
    assert rc == 0
    ids = [json.loads(l)["id"] for l in out.splitlines()]
    flat = nd.search(ix, "strike", "--limit", "1000")
    assert sorted(ids) == sorted(h["id"] for h in flat["hits"])
    rc, out, err = nd("export", "--index", ix, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == nd.stats(ix)["documents"]
    assert set(rows[0]) == {"id", "url", "source", "date", "title", "story", "wire", "lang"}
    rc, out, err = nd("export", "--index", ix, "--query", "(unclosed")
    assert rc == 2 and "query error" in err


def test_related_lists_other_versions_and_finds_same_topic(nd, ix):
    rc, out, err = nd("related", "--index", ix, "--json", "--limit", "5", W2[0])
    assert rc == 0, err
    hits = json.loads(out)["hits"]
    assert hits, "no related articles"
    me = nd.show(ix, W2[0])
    assert me["id"] not in [h["id"] for h in hits]
    # the other outlets' versions of the story are related coverage, at most three of a story
    own = [h for h in hits if h["story"] == me["story"]]
    assert {h["url"] for h in own} == set(W2[1:])
    assert max(sum(h["story"] == s for h in hits) for s in {h["story"] for h in hits}) <= 3
    # the other Lestovia election articles are the most related ones
    top = hits[0]["title"] + " " + hits[0]["teaser"]
    assert "Lestovia" in top or "Dravik" in top
    assert all(h["teaser"] for h in hits)


def test_story_threshold_option(nd, tmp_path):
    # edited wire copies are below identity: a threshold of 1.0 keeps them apart
    strict = tmp_path / "strict"
    nd.ingest(strict, SAMPLE_JSONL, opts=("--story-threshold", "1.0"))
    assert len({nd.show(strict, u)["story"] for u in W2}) == len(W2)
    rc, out, err = nd("ingest", "--index", tmp_path / "bad", "--story-threshold", "7", SAMPLE_JSONL)
    assert rc == 2 and "story-threshold" in err
