"""Progress of long commands: search, terms, timeline and check report how far they are on
standard error (on a terminal, or with --progress when it is not one: a line per whole percent),
never on standard output; check reports inside a segment, article by article, not only between
segments.  Driven by --progress, so nothing here depends on how fast the machine is."""
import json
import re

import pytest

NDOCS = 9000  # more than two reporting steps (4096 documents scanned) in one segment


@pytest.fixture(scope="module")
def big(nd, tmp_path_factory):
    """One segment of NDOCS short articles, every one holding "harbour", over 24 months."""
    d = tmp_path_factory.mktemp("progress")
    f = d / "a.jsonl"
    with open(f, "w") as out:
        for i in range(NDOCS):
            month = 1 + i % 12
            year = 2019 + (i // 12) % 2
            out.write(json.dumps({
                "url": f"https://example.com/{i}",
                "title": f"Harbour report {i}",
                "maintext": f"The harbour w{i} and cranes x{i % 97} stood idle.",
                "date_publish": f"{year}-{month:02d}-03 10:00:00",
            }) + "\n")
    ix = d / "ix"
    nd.ingest(ix, f)
    st = nd.stats(ix)
    assert st["segments"] == 1 and st["documents"] == NDOCS, st
    return ix


def shares(err, what):
    """The percents of the progress lines of `what` on stderr, in order."""
    got = [int(m.group(1)) for m in re.finditer(rf"^{what}: (\d+)%", err, re.M)]
    assert got, err
    assert got == sorted(got), got  # never goes back
    assert len(set(got)) == len(got), got  # one line per percent
    return got


@pytest.mark.parametrize("args", [
    ("search", "harbour"),
    ("search", "harbour", "--facet", "source", "--histogram", "month"),
    ("terms", "harbour"),
    ("timeline", "harbour", "--compare", "cranes"),
])
def test_query_commands_show_progress(nd, big, args):
    what = args[0]
    rc, out, err = nd(*args, "--index", big, "--progress")
    assert rc == 0, err
    got = shares(err, what)
    assert got[-1] == 100, got
    # inside the one segment, not only at its end
    assert any(0 < p < 100 for p in got), got
    assert not re.search(rf"^{what}: \d+%", out, re.M)
    # not a terminal, no --progress: no progress line
    rc, out2, err2 = nd(*args, "--index", big)
    assert rc == 0 and not re.search(rf"^{what}: \d+%", err2, re.M), err2
    assert len(out2.splitlines()) == len(out.splitlines())


@pytest.mark.parametrize("cmd", ["search", "terms", "timeline", "check"])
def test_progress_stays_off_json_stdout(nd, big, cmd):
    args = [cmd, "--index", big, "--progress", "--json"] + ([] if cmd == "check" else ["harbour"])
    rc, out, err = nd(*args)
    assert rc == 0, err
    lines = [l for l in out.splitlines() if l.strip()]
    assert len(lines) == 1, out
    json.loads(lines[0])
    assert re.search(rf"^{cmd}: 100%", err, re.M), err


def test_check_reports_article_by_article_inside_a_segment(nd, big):
    st = nd.stats(big)
    postings, docs = st["postings"], st["documents"]
    rc, out, err = nd("check", "--index", big, "--progress")
    assert rc == 0 and out.startswith(f"ok: {NDOCS} documents in 1 segment"), (out, err)
    got = shares(err, "check")
    assert got[0] == 0 and got[-1] == 100, got
    # the postings are checked first, then the stored articles: the articles move the share too
    after_postings = 100 * postings // (postings + docs)
    assert any(after_postings < p < 100 for p in got), (got, postings, docs)
    assert any(0 < p <= after_postings for p in got), got
    rc, out, err = nd("check", "--index", big)
    assert rc == 0 and "%" not in err


def test_export_progress_option(nd, big):
    rc, out, err = nd("export", "--index", big, "--progress")
    assert rc == 0
    got = shares(err, "export")
    assert got[-1] == 100 and len(got) > 50, got
    assert f"export: 100% ({NDOCS} of {NDOCS})" in err
    assert len(out.splitlines()) == NDOCS


def test_optimize_progress_option(nd, tmp_path):
    f = tmp_path / "a.jsonl"
    with open(f, "w") as out:
        for i in range(3000):
            out.write(json.dumps({"url": f"https://example.com/{i}", "title": f"Report {i}",
                                  "maintext": f"The harbour w{i} stood idle."}) + "\n")
    ix = tmp_path / "ix"
    nd.ingest(ix, f, opts=("-q", "--commit-every", "1000"))
    assert nd.stats(ix)["segments"] == 3
    rc, out, err = nd("optimize", "--index", ix, "--progress")
    assert rc == 0 and out == "3000 documents in 1 segment\n", (out, err)
    got = shares(err, "optimize")
    assert len(got) > 10 and got[-1] < 100, got  # the share merged, then the writing step
    assert err.rstrip().endswith("optimize: writing the merged segment"), err


@pytest.mark.parametrize("cmd", ["check", "optimize"])
def test_stray_arguments_are_refused(nd, big, cmd):
    rc, out, err = nd(cmd, "--index", big, "oops")
    assert rc == 2 and "takes no arguments" in err, err


def test_ingest_progress_option(nd, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for i in range(300):
        (d / f"{i:03d}.txt").write_text(f"Headline {i}\nThe harbour w{i} stood idle today.\n")
    rc, out, err = nd("ingest", "--index", tmp_path / "ix", "--progress", d)
    assert rc == 0, err
    got = shares(err, "ingest")
    assert got[-1] == 100 and len(got) > 50, got
    assert re.search(r"^ingest: 100%, \d+ docs, .* files \d+/300", err, re.M), err
    rc, out, err = nd("ingest", "--index", tmp_path / "ix2", d)
    assert not re.search(r"^ingest: \d+%", err, re.M), err
