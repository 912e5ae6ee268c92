"""newsdex.cluster: an archive over 4 shards on a Dask LocalCluster of 4 worker processes answers
as one index holding the same articles does; faults are survived or named."""
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

import newsdex
from conftest import BBC, CORPORA, ROOT, SAMPLE

sys.path.insert(0, str(ROOT / "bench" / "cluster"))
import bgame  # noqa: E402  (the benchmark's query set, shared with bench/cluster/bench.py)

distributed = pytest.importorskip("distributed")
from newsdex.cluster import ShardError, ShardedArchive, shard_of_url  # noqa: E402

if "libasan" in os.environ.get("LD_PRELOAD", ""):
    pytestmark = pytest.mark.skip(reason="Dask worker processes under the sanitizer runtime are "
                                  "too slow for this machine; the release pass runs these")

GIVEME = CORPORA / "text" / "giveme5w1h-dev" / "data_raw"


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=4, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=50)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def syndicated(tmp_path_factory):
    """The story-clustering benchmark's generated syndication set (bench/dedup/gen.py): real
    BBC, Reuters and livedoor articles with 1-5 edited copies each for a third of them."""
    d = tmp_path_factory.mktemp("syn")
    subprocess.run([sys.executable, str(ROOT / "bench" / "dedup" / "gen.py"), "--out", str(d),
                    "--bases", "600", "--copied", "250", "--ja-bases", "80", "--ja-copied", "30"],
                   check=True, capture_output=True)
    return d / "articles.jsonl"


@pytest.fixture(scope="module")
def corpora(tmp_path_factory, client, syndicated):
    """The BBC and Giveme5W1H corpora, then the syndication set, in one index and in a 4-shard
    archive (two ingest calls each, so that copies meet stored stories and each other)."""
    if not BBC.exists() or not GIVEME.exists():
        pytest.skip("corpora missing")
    d = tmp_path_factory.mktemp("corpora")
    with newsdex.Index(d / "one", write=True) as ix:
        ix.ingest([BBC, GIVEME])
        ix.ingest(syndicated)
    arc = ShardedArchive([d / "arc" / f"shard-{i}" for i in range(4)], client)
    rep = arc.ingest([BBC, GIVEME])
    rep.merge(arc.ingest(syndicated))
    return newsdex.Index(d / "one"), arc, rep


def bench_queries(n):
    """n queries of the search-benchmark game in newsdex's language, plus field, prefix and
    negated ones."""
    return bgame.queries()[:n] + [
        "title:film", "government -labour", "elect*", "source:bbc", "film OR music",
        '"prime minister"', "date:2016..2017 trump", "lang:en economy", "lang:ja", "date:2005",
        "source:reuters.com oil"]


FACETS = ["source", "lang", "year", "wire"]


def top(res, k):
    return [(h.url, h.score) for h in res.hits[:k]]


def assert_same_hits(got, want, k):
    """The same hits with the same scores; among hits tied on the last score either may be cut."""
    assert len(got) == len(want)
    if not want:
        return
    assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-9, abs=1e-12)
    cut = want[-1][1]
    strict = lambda hits: {u for u, s in hits if s > cut * (1 + 1e-9)}  # noqa: E731
    assert strict(got) == strict(want)


def stories_of(articles):
    """The archive's stories as sets of URLs (ids differ between an archive and one index)."""
    by = {}
    for a in articles:
        by.setdefault(a.story, set()).add(a.url)
    return sorted(sorted(v) for v in by.values())


def test_stories_span_no_shards_and_equal_one_index(corpora):
    one, arc, _ = corpora
    want = stories_of(one.export(body=False))
    got = stories_of(arc.export(body=False))
    assert len(want) < one.stats().documents - 500  # the syndicated copies form stories
    assert got == want
    shard_of = {a.url: a.shard for a in arc.export(body=False)}
    for urls in got:
        assert len({shard_of[u] for u in urls}) == 1
    # a hit's story id names the story across the archive: its members are the story's
    hit = next(h for h in arc.search("said", limit=50) if h.copies > 2)
    members = arc.story(hit.story)
    assert {m.url for m in members} in [set(urls) for urls in got]
    assert hit.url in {m.url for m in members} and {m.shard for m in members} == {hit.shard}
    assert {m.story for m in members} == {hit.story}


def test_corpora_over_4_shards_answer_as_one_index(corpora):
    one, arc, rep = corpora
    assert len(arc) == one.stats().documents == rep.added
    sizes = [s.documents for s in arc.stats()]
    assert min(sizes) > 0.15 * sum(sizes)  # URL hashing spreads the articles
    queries = bench_queries(300)
    matched = 0
    for q in queries:
        for kw in ({"collapse": True, "histogram": "month"}, {"sort": "date", "collapse": False}):
            want = one.search(q, limit=10, snippets=False, facets=FACETS, facet_size=1000, **kw)
            got = arc.search(q, limit=10, snippets=False, facets=FACETS, facet_size=1000, **kw)
            assert got.facets == want.facets, q
            assert got.histogram == want.histogram, q
            assert (got.total, got.total_stories, got.total_copies, got.exact) == \
                (want.total, want.total_stories, want.total_copies, want.exact), q
            if "sort" in kw:
                assert [h.published for h in got] == [h.published for h in want], q
            else:
                assert_same_hits(top(got, 10), top(want, 10), 10)
                assert [(h.copies, sorted(h.sources)) for h in got if h.score > got[-1].score] == \
                    [(h.copies, sorted(h.sources)) for h in want if h.score > got[-1].score], q
            matched += want.total > 0
    assert matched > 200


def test_timelines_equal_one_index(corpora):
    one, arc, _ = corpora
    queries = bench_queries(60)
    filled = 0
    for i in range(0, len(queries), 3):
        qs = queries[i:i + 3]
        for interval in ("month", "week", "year"):
            want = one.timeline(qs, interval)
            got = arc.timeline(qs, interval)
            assert got == want, (qs, interval)
        filled += any(b.stories == 0 and b.all_stories for bs in want.buckets for b in bs)
    assert filled  # buckets only some shards have matches in were checked
    want = one.search("film", histogram="day", date_from="2004-01-01", date_to="2005-12-31")
    got = arc.search("film", histogram="day", date_from="2004-01-01", date_to="2005-12-31")
    assert got.histogram == want.histogram and len(want.histogram) > 30


def test_significant_terms_equal_one_index(corpora):
    one, arc, _ = corpora
    queries = ["oil prices", "lang:ja", "date:2005 market", "trump", "chelsea",
               "digital scanning", "bowel OR obstruction", "source:bbc film", "title:bank"]
    variants = ({"method": "chi2"}, {"method": "mi", "size": 10}, {"sample": 30}, {})
    compared = 0
    for i, q in enumerate(queries):
        for kw in ({}, variants[i % len(variants)]):
            want = one.terms(q, **kw)
            assert arc.terms(q, **kw) == want, (q, kw)
            compared += len(want.terms)
    assert compared > 200


def test_related_equal_one_index(corpora):
    one, arc, _ = corpora
    arts = list(arc.export(body=False))[::40]
    assert len(arts) > 80
    for a in arts:
        want = [(h.url, h.score) for h in one.related(a.url)]
        got = arc.related(a.id)
        assert_same_hits([(h.url, h.score) for h in got], want, 10)
        assert all(h.id != a.id for h in got)


def test_export_ids_and_show(corpora):
    one, arc, _ = corpora
    got = list(arc.export("film", body=False))
    want = list(one.export("film", body=False))
    assert sorted(a.url for a in got) == sorted(a.url for a in want)
    ids = [a.id for a in got]
    assert len(set(ids)) == len(ids)
    # shard by shard, each in its own index order
    per_shard = [a.url for s in arc.shards for a in newsdex.Index(s).export("film", body=False)]
    assert [a.url for a in got] == per_shard
    every = [a.id for a in arc.export(body=False)]
    assert len(set(every)) == len(every) == one.stats().documents
    hit = arc.search("film", limit=1)[0]
    art = arc.show(hit.id)
    assert (art.url, art.title, art.shard) == (hit.url, hit.title, hit.shard)
    assert art.url == one.show(art.url).url
    assert all(h.id != hit.id for h in arc.related(hit.id))


def test_reingesting_a_url_lands_on_its_shard(tmp_path, client):
    urls = [f"https://news.example/{i}" for i in range(40)]
    arts = [{"url": u, "title": f"Story {i}", "body": f"Harbour report number {i} of many."}
            for i, u in enumerate(urls)]
    copy = {"url": "https://elsewhere.example/copy", "title": "Copied",
            "body": arts[0]["body"]}  # an exact copy: kept with the original, as one index does
    batches = [arts + [copy], [dict(a, body=a["body"] + " Updated.") for a in arts[:10]] +
               [dict(copy, body="The copy now has text of its own.")]]
    arc = ShardedArchive([tmp_path / f"s{i}" for i in range(4)], client)
    with newsdex.Index(tmp_path / "one", write=True) as one:
        reps = [(arc if i == 0 else ShardedArchive(arc.shards, client)).ingest(b)
                for i, b in enumerate(batches)]  # the second by a new coordinator
        want = [one.ingest(b) for b in batches]
        for r, w in zip(reps, want):
            assert (r.added, r.updated, r.duplicates) == (w.added, w.updated, w.duplicates)
        assert (reps[1].added, reps[1].updated) == (0, 11)
        for q in ["harbour", '"text of its own"', "updated", "copied"]:
            assert arc.search(q, limit=100, collapse=False).total == \
                one.search(q, limit=100, collapse=False).total, q
    home = arc.shards[shard_of_url(urls[0], 4)]
    for u in urls[1:]:  # (the first one's article took the copy's URL and text, as in one index)
        hit = arc.search(f'url:"{u}"', collapse=False).hits
        assert len(hit) == 1 and hit[0].shard == arc.shards[shard_of_url(u, 4)]
    hit = arc.search('"text of its own"').hits
    assert hit[0].shard == home  # the copy's URL stayed with the article it was a copy of
    with pytest.raises(ValueError):
        ShardedArchive(arc.shards[:3], client)


def test_killed_worker_mid_query_same_answer(corpora, client):
    one, arc, _ = corpora
    want = arc.search("film OR music", limit=20, collapse=False)
    box = {}
    t = threading.Thread(target=lambda: box.update(r=arc.search(
        "film OR music", limit=20, collapse=False, _task_delay=4.0)))
    t.start()
    victim = None
    for _ in range(200):  # wait until a search task runs on a worker
        busy = {w: ks for w, ks in client.processing().items()
                if any(k.startswith("_task_search") for k in ks)}
        if busy:
            victim = sorted(busy)[0]
            break
        time.sleep(0.05)
    assert victim, "no search task started"
    pid = client.run(os.getpid, workers=[victim])[victim]
    os.kill(pid, signal.SIGKILL)
    t.join(timeout=120)
    assert not t.is_alive()
    got = box["r"]
    assert (got.total, got.total_copies) == (want.total, want.total_copies)
    assert top(got, 20) == top(want, 20)
    client.wait_for_workers(4, timeout=60)


def test_unreadable_shard_is_named(tmp_path, client):
    arc = ShardedArchive([tmp_path / f"s{i}" for i in range(3)], client)
    arc.ingest(newsdex.read_articles(SAMPLE / "articles.jsonl")[0])
    full = arc.search("lestovia", collapse=False)
    broken = full.hits[0].shard
    os.rename(broken, broken + ".gone")
    with pytest.raises(ShardError) as e:
        arc.search("lestovia")
    assert e.value.shard == broken and broken in str(e.value)
    assert e.value.name == "NDX_ENOTFOUND" or e.value.code < 0
    part = arc.search("lestovia", collapse=False, partial=True)
    assert part.missing_shards == [broken]
    assert 0 < part.total < full.total
    with pytest.raises(ShardError):
        list(arc.export("lestovia"))


def test_module_starts_a_local_cluster(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "python"))
    p = subprocess.Popen([sys.executable, "-m", "newsdex.cluster", "--workers", "2", "--port",
                          "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         env=env)
    try:
        line = p.stdout.readline()
        m = re.search(r"scheduler at (tcp://\S+) with 2 workers", line)
        assert m, line
        with distributed.Client(m.group(1), timeout=60) as c:
            c.wait_for_workers(2, timeout=60)
            arc = ShardedArchive([tmp_path / "a", tmp_path / "b"], c)
            arc.ingest([SAMPLE / "articles.jsonl"])
            assert arc.search("dravik").total > 0
    finally:
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=60) == 0
