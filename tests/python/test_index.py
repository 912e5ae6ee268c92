"""newsdex.Index against the command: the same index gives the same answers through both."""
import gzip
import os
import subprocess
from datetime import datetime, timezone

import pytest

import newsdex
from conftest import BUILD, cli, cli_json


def test_search_matches_the_command(sample_index):
    with newsdex.Index(sample_index) as ix:
        for q in ["dravik wins", "lestovia OR flood", '"port strike"', "title:budget", "harb*"]:
            want = cli_json("search", "--index", sample_index, "--json", "--limit", 5, q)
            got = ix.search(q, limit=5)
            assert (got.total, got.total_stories, got.total_copies) == (
                want["total"], want["total_stories"], want["total_copies"]), q
            assert [(h.id, h.title, h.url, h.source, h.copies, h.sources, h.wire, h.snippet)
                    for h in got] == [
                (w["id"], w["title"], w["url"], w["source"], w["copies"], w["sources"],
                 w["wire"], w["snippet"]) for w in want["hits"]], q
            assert [h.score for h in got] == pytest.approx([w["score"] for w in want["hits"]])


def test_search_options(sample_index):
    with newsdex.Index(sample_index) as ix:
        every = ix.search("lestovia", limit=100, collapse=False)
        assert every.total == len(every.hits) and every.total > 3
        assert [h.id for h in ix.search("lestovia", limit=2, offset=1, collapse=False)] == \
            [h.id for h in every.hits[1:3]]
        dated = ix.search("lestovia", limit=100, sort="date", collapse=False)
        dates = [h.published for h in dated if h.published]
        assert dates == sorted(dates, reverse=True)
        since = ix.search("lestovia", limit=100, collapse=False,
                          date_from=datetime(2022, 9, 10, tzinfo=timezone.utc))
        assert since.hits and all(h.published >= datetime(2022, 9, 10, tzinfo=timezone.utc)
                                  for h in since)
        assert ix.search("lestovia", date_to="2022-09-09", collapse=False).total < every.total
        plain = ix.search("dravik", highlight=None)
        assert "<mark>" not in "".join(h.snippet or "" for h in plain)
        assert "<mark>" in "".join(h.snippet or "" for h in ix.search("dravik"))
        with pytest.raises(ValueError):
            ix.search("x", sort="sideways")


def test_show_story_related(sample_index):
    with newsdex.Index(sample_index) as ix:
        hit = ix.search("dravik wins", limit=1)[0]
        art = ix.show(hit.id)
        assert art == ix.show(hit.url)
        assert (art.title, art.url, art.source, art.published) == (
            hit.title, hit.url, hit.source, hit.published)
        want = cli("show", "--index", sample_index, hit.id)
        assert art.body.split("\n")[0] in want
        members = ix.story(hit.story)
        assert len(members) + sum(len(m.copies) for m in members) == hit.copies
        assert {m.source for m in members} | {s for m in members for _, s in m.copies} == \
            set(hit.sources)
        rel = ix.related(hit.id, limit=3)
        want = cli_json("related", "--index", sample_index, "--json", "--limit", 3, hit.id)
        assert [h.id for h in rel] == [w["id"] for w in want["hits"]]
        assert all(h.teaser for h in rel)
        assert hit.to_dict()["title"] == hit.title


def test_export_streams_every_match(sample_index):
    with newsdex.Index(sample_index) as ix:
        want = [int(line.split(b'"id":')[1].split(b",")[0]) for line in
                cli("export", "--index", sample_index, "--query", "lestovia").encode().splitlines()]
        got = list(ix.export("lestovia"))
        assert [a.id for a in got] == want
        assert all(a.body and "estovia" in (a.title + a.body) for a in got)
        assert len(list(ix.export())) == ix.stats().documents
        frame = ix.export("lestovia", body=False).to_pandas()
        assert list(frame["id"]) == want and frame["body"].isna().all()


def test_export_holds_little_and_stops_early(bbc_index):
    with newsdex.Index(bbc_index) as ix:
        e = ix.export("")
        first = next(e)
        assert first.id > 0
        e._thread.join(timeout=1)  # the producer waits on the full queue, it does not run ahead
        assert e._thread.is_alive() and e._q.qsize() <= 64
        # the index is usable while an export is open
        assert ix.search("film", limit=1).total > 0
        e.close()
        assert not e._thread.is_alive()
        assert sum(1 for _ in ix.export("")) == ix.stats().documents


def test_errors_carry_codes_and_messages(sample_index, tmp_path):
    with newsdex.Index(sample_index) as ix:
        with pytest.raises(newsdex.QuerySyntaxError) as e:
            ix.search('"unclosed phrase')
        assert e.value.code == -8 and e.value.name == "NDX_ESYNTAX"
        assert e.value.offset == 0 and "(at offset 0)" in e.value.message
        with pytest.raises(newsdex.NotFoundError) as e:
            ix.show("https://nowhere.example/none")
        assert "nowhere.example" in str(e.value) and e.value.code == -5
        with pytest.raises(newsdex.ReadOnlyError):
            ix.ingest([{"url": "https://x.example/1", "title": "T", "body": "words here"}])
    with pytest.raises(newsdex.NewsdexError) as e:
        newsdex.Index(tmp_path / "missing")
    assert str(tmp_path / "missing") in str(e.value)
    with newsdex.Index(tmp_path / "w", write=True):
        with pytest.raises(newsdex.IndexLockedError) as e:
            newsdex.Index(tmp_path / "w", write=True)
        assert e.value.name == "NDX_ELOCKED"
    closed = newsdex.Index(tmp_path / "w")
    closed.close()
    with pytest.raises(ValueError):
        closed.search("x")


def test_ingest_paths_and_dicts(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bad.bin").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "in" / ".hidden.txt").write_text("Hidden headline\nNever read.\n")
    with gzip.open(tmp_path / "in" / "a.txt.gz", "wt") as f:
        f.write("Harbour cranes stand idle\nDock workers in Marrowhaven walked out on Monday.\n")
    with newsdex.Index(tmp_path / "ix", write=True) as ix:
        rep = ix.ingest(tmp_path / "in")
        assert (rep.added, rep.skipped) == (1, 1)
        assert rep.problems and rep.problems[0][0].endswith("bad.bin")
        arts = [{"url": "https://news.example/1", "title": "Flood waters rise in Eldermouth",
                 "maintext": "The river burst its banks overnight.", "source_domain": "news.example",
                 "authors": ["A. Writer", "B. Writer"], "date_publish": "2021-03-05 10:00:00",
                 "extra": "ignored"},
                {"url": "https://news.example/2", "title": "Second", "body": "Another flood story.",
                 "date": "not a date at all"},
                {"url": "https://news.example/3"}]
        rep = ix.ingest(iter(arts))
        assert (rep.added, rep.skipped) == (2, 1)
        assert any("not a date" in what for _, what in rep.problems)
        art = ix.show("https://news.example/1")
        assert art.authors == ["A. Writer", "B. Writer"] and art.source == "news.example"
        assert art.published == datetime(2021, 3, 5, 10, tzinfo=timezone.utc)
        again = ix.ingest([dict(arts[0], maintext="The river burst its banks overnight again.")])
        assert again.updated == 1 and again.ids == [art.id]
    # the command sees what the package wrote
    out = cli_json("search", "--index", tmp_path / "ix", "--json", "flood")
    assert {h["url"] for h in out["hits"]} == {"https://news.example/1", "https://news.example/2"}


def test_directory_walked_as_the_command_walks_it(tmp_path):
    """README-style files, source code and version-control folders are passed over and counted,
    by the same rules as newsdex ingest (ndx_not_article_name, ndx_vcs_dir_name)."""
    d = tmp_path / "pile"
    for sub in ("2024", "CVS", ".git"):
        (d / sub).mkdir(parents=True)
    story = "Harbour cranes stand idle\nDock workers in Marrowhaven walked out on {}.\n"
    (d / "2024" / "a.txt").write_text(story.format("Monday"))
    (d / "2024" / "b.txt").write_text(story.format("Tuesday after a long night of talks"))
    (d / "CVS" / "Entries.txt").write_text(story.format("Wednesday, said the log"))
    (d / ".git" / "c.txt").write_text(story.format("Thursday, in a hidden folder"))
    for name in ("README.md", "LICENSE-MIT", "CHANGES.txt", "fetch.py"):
        (d / name).write_text("Not an article\nThis file describes the pile.\n")
    with newsdex.Index(tmp_path / "ix", write=True) as ix:
        rep = ix.ingest(d)
    assert rep.added == 2 and rep.skipped == 0
    assert sorted(os.path.basename(p) for p, _ in rep.not_read) == \
        ["CHANGES.txt", "LICENSE-MIT", "README.md", "fetch.py"]
    assert dict((os.path.basename(p), w) for p, w in rep.not_read)["fetch.py"] == \
        "source code, schema or configuration file"
    arts, rep2 = newsdex.read_articles(d)
    assert len(arts) == 2 and rep2.not_read == rep.not_read
    err = subprocess.run([str(BUILD / "newsdex"), "ingest", "--index", str(tmp_path / "cli"),
                          str(d)], capture_output=True, text=True).stderr
    assert "2 added" in err and "not read 3: README" in err and "not read 1: source code" in err


def test_reader_sees_new_commits(tmp_path):
    with newsdex.Index(tmp_path / "ix", write=True) as w, newsdex.Index(tmp_path / "ix") as r:
        assert r.search("harbour").total == 0
        w.ingest([{"url": "https://a.example/", "title": "Harbour", "body": "harbour news"}])
        assert r.search("harbour").total == 1
        assert len(r) == 1 and r.check() == []


def test_stats_match_the_command(sample_index):
    with newsdex.Index(sample_index) as ix:
        st = ix.stats()
    want = cli_json("stats", "--index", sample_index, "--json")
    assert st.documents == want["documents"] and st.segments == want["segments"]
    assert st.duplicates == want["duplicates"]


def test_stats_count_exact_copies_as_duplicates(tmp_path):
    body = "The harbour board met on Tuesday and agreed the new tariffs for the winter season."
    docs = [{"url": f"https://outlet{i}.example/harbour", "title": "Harbour tariffs agreed",
             "body": body} for i in range(3)]
    with newsdex.Index(tmp_path / "ix", write=True) as ix:
        ix.ingest(docs)
        st = ix.stats()
    assert (st.documents, st.duplicates) == (1, 2)
    want = cli_json("stats", "--index", str(tmp_path / "ix"), "--json")
    assert (want["documents"], want["duplicates"]) == (1, 2)


def test_external_statistics(sample_index, tmp_path):
    with newsdex.Index(sample_index) as ix:
        st = ix.query_stats('dravik "port strike" harb*')
        assert st["docs"] == ix.stats().documents + ix.stats().deleted
        assert st["df"]["dravik"] > 0 and st["prefix_df"]["harb"] > 0 and "en" in st["langs"]
        own = ix.search("dravik", limit=3)
        doubled = dict(st, docs=st["docs"] * 10, sum_dl=st["sum_dl"] * 10)
        ix.set_stats(doubled)  # rarer in a ten times larger collection: higher scores
        assert ix.query_stats("dravik") == ix.query_stats("dravik")  # still its own
        assert [h.score for h in ix.search("dravik", limit=3)] > [h.score for h in own]
        ix.set_stats(None)
        assert [h.score for h in ix.search("dravik", limit=3)] == [h.score for h in own]
        for bad in ({"docs": "many"}, {"docs": 1, "sum_dl": 1, "langs": ["english"], "df": {}},
                    {"docs": 1, "sum_dl": 1, "langs": [], "df": {"a": -1}}):
            with pytest.raises(newsdex.InvalidArgumentError) as e:
                ix.set_stats(bad)
            assert "collection statistics" in e.value.message
        with pytest.raises(newsdex.QuerySyntaxError):
            ix.query_stats("(")


def test_facets_and_histogram_match_the_command(sample_index):
    with newsdex.Index(sample_index) as ix:
        for q in ["lestovia", "flood OR strike", "harb*"]:
            got = ix.search(q, facets=["source", "lang", "year"], facet_size=3, histogram="month")
            want = cli_json("search", "--index", sample_index, "--json", "--facet", "source",
                            "--facet", "lang", "--facet", "year", "--facet-size", 3,
                            "--histogram", "month", q)
            assert got.total == want["total"]
            for field, values in want["facets"].items():
                f = got.facets[field]
                assert [v.to_dict() for v in f.values] == values, (q, field)
                other = want["facets_other"][field]
                assert (f.other_values, f.other_stories, f.other_copies) == (
                    other["values"], other["stories"], other["copies"])
            assert [(b.key, b.stories, b.copies, b.all_stories) for b in got.histogram] == [
                (b["key"], b["stories"], b["copies"], b["all_stories"])
                for b in want["histogram"]["buckets"]]
        pre = ix.search("lestovia", facets=["source:lestovia"])
        assert [v.value for v in pre.facets["source"].values] == ["lestovia-today.com"]
        assert ix.search("lestovia").facets == {} and ix.search("lestovia").histogram == []
        with pytest.raises(newsdex.InvalidArgumentError):
            ix.search("lestovia", facets=["colour"])
        with pytest.raises(ValueError):
            ix.search("lestovia", histogram="fortnight")


def test_timeline_and_terms_match_the_command(sample_index):
    with newsdex.Index(sample_index) as ix:
        tl = ix.timeline(["lestovia", "flood"], "year")
        want = cli_json("timeline", "--index", sample_index, "--json", "--by", "year",
                        "lestovia", "--compare", "flood")
        assert tl.totals == [s["total_stories"] for s in want["series"]]
        assert [[(b.key, b.stories, b.copies, b.all_stories) for b in bs] for bs in tl.buckets] \
            == [[(b["key"], b["stories"], b["copies"], b["all_stories"]) for b in s["buckets"]]
                for s in want["series"]]
        frame = tl.to_pandas()
        assert list(frame.columns) == ["lestovia", "flood"]
        assert frame["lestovia"].sum() == sum(b.stories for b in tl.buckets[0])
        with pytest.raises(newsdex.QuerySyntaxError):
            ix.timeline(["lestovia", "("])
        for method in ("jlh", "chi2"):
            t = ix.terms("lestovia", 5, method=method)
            want = cli_json("terms", "--index", sample_index, "--json", "-n", 5, "--method",
                            method, "lestovia")
            assert (t.foreground, t.background, t.sampled) == (
                want["stories"], want["background"], want["sampled"])
            assert [(x.term, x.fg, x.bg) for x in t] == [
                (w["term"], w["fg"], w["bg"]) for w in want["terms"]]
            assert [x.score for x in t] == pytest.approx([w["score"] for w in want["terms"]])
        best = [x.term for x in ix.terms("lestovia", 5)][:3]
        assert list(ix.terms("lestovia", 3).to_pandas()["term"]) == best
