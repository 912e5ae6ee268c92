"""What an ingest run takes from a directory, how it keeps its progress (commits on every segment,
on SIGINT/SIGTERM), how it says a commit failed, repeated URLs, --source/--lang, and a WARC record
whose Content-Length runs past the end of the file."""
import gzip
import json
import re
import resource
import signal
import subprocess
import time

import pytest

from conftest import BBC, CORPORA, SAMPLE_JSONL, child_env, parse_summary

NEWS20 = CORPORA / "text" / "20newsgroups-19997" / "20news-19997.tar.gz"
WARCFILE = CORPORA / "warc" / "resiliparse" / "warcfile.warc.gz"


def article(i, word):
    return f"Headline number {i}\nThe body of article {i} carries the word {word} in it.\n"


@pytest.fixture
def project_dir(tmp_path):
    d = tmp_path / "dataset"
    (d / "sub").mkdir(parents=True)
    (d / ".hidden").mkdir()
    (d / ".git" / "objects").mkdir(parents=True)
    (d / "CVS").mkdir()
    (d / "a.txt").write_text(article(1, "alphaword"))
    (d / "b.txt").write_text(article(2, "betaword"))
    (d / "skip-me.txt").write_text(article(3, "skipword"))
    (d / "sub" / "c.txt").write_text(article(4, "gammaword"))
    (d / "README.md").write_text("About this data set\nThe files hold articles readmeword.\n")
    (d / "LICENSE").write_text("MIT License\nPermission is hereby granted licenseword.\n")
    (d / "CHANGES.txt").write_text("Changes\nVersion 2 added files changesword.\n")
    (d / "convert.py").write_text("print('codeword')\n")
    (d / ".hidden" / "h.txt").write_text(article(5, "hiddenword"))
    (d / ".git" / "objects" / "x").write_text(article(6, "gitword"))
    (d / "CVS" / "Entries").write_text(article(7, "cvsword"))
    for i in range(3):
        (d / "sub" / f"gold{i}.json").write_text(json.dumps({"answer": "x", "score": i}))
    return d


def test_directory_takes_articles_only(nd, tmp_path, project_dir):
    ix = tmp_path / "ix"
    rc, out, err = nd("ingest", "--index", ix, "--exclude", "skip-*", project_dir)
    assert rc == 1, err  # the gold files hold no article
    for w in ("alphaword", "betaword", "gammaword"):
        assert nd.total(ix, w) == 1, w
    for w in ("skipword", "readmeword", "licenseword", "changesword", "codeword", "hiddenword",
              "gitword", "cvsword"):
        assert nd.total(ix, w) == 0, w
    assert nd.stats(ix)["documents"] == 3
    # one summary line per reason, not one line per file
    assert "gold0.json" not in err and "README" not in err.split("ingest:")[0], err
    assert "not read 3: README, LICENSE, change log or similar file" in err, err
    assert "not read 1: source code, schema or configuration file" in err
    assert "skipped 3: no article text" in err
    # -v names every file
    rc, out, err = nd("ingest", "--index", tmp_path / "ix2", "-v", project_dir)
    assert "gold0.json: no article text" in err and "README.md: not read" in err, err
    # --include
    rc, out, err = nd("ingest", "--index", tmp_path / "ix3", "--include", "*.txt",
                      "--exclude", "sub/*", project_dir)
    assert nd.stats(tmp_path / "ix3")["documents"] == 3  # a, b, skip-me
    assert nd.total(tmp_path / "ix3", "gammaword") == 0
    # a file named on the command line is always read
    nd.ingest(tmp_path / "ix4", project_dir / "README.md")
    assert nd.total(tmp_path / "ix4", "readmeword") == 1


def test_bbc_readme_is_not_an_article(nd, tmp_path):
    ix = tmp_path / "ix"
    rc, out, err = nd.ingest(ix, BBC.parent, opts=("--source", "bbc.co.uk"))
    assert "not read 1: README" in err
    first = nd.show(ix, "1")
    assert "README" not in first["title"].upper() and first["source"] == "bbc.co.uk"
    assert nd.total(ix, "source:bbc.co.uk") == nd.stats(ix)["documents"]


def test_source_and_lang_defaults(nd, tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps({"url": "https://www.example-news.com/a/1", "title": "Harbour",
                             "maintext": "Cranes idle at the harbour for a week."}) + "\n" +
                 json.dumps({"url": "https://x.example/2", "title": "Own source",
                             "source_domain": "own.example", "maintext": "Text two here."}) + "\n")
    ix = tmp_path / "ix"
    nd.ingest(ix, f)
    assert nd.show(ix, "https://www.example-news.com/a/1")["source"] == "example-news.com"
    assert nd.show(ix, "https://x.example/2")["source"] == "own.example"
    t = tmp_path / "t.txt"
    t.write_text("Kurzmeldung\nDer Hafen bleibt eine Woche geschlossen.\n")
    nd.ingest(tmp_path / "ix2", t, opts=("--source", "Lokalblatt", "--lang", "de"))
    a = nd.show(tmp_path / "ix2", "1")
    assert a["source"] == "Lokalblatt" and a["lang"] == "de"
    rc, out, err = nd("ingest", "--index", tmp_path / "ix3", "--lang", "german", t)
    assert rc == 2 and "--lang" in err


def test_same_url_twice_in_one_run(nd, tmp_path):
    u = "https://dup.example/story"
    rows = [{"url": u, "title": "First text", "maintext": "The first version of the text."},
            {"url": u, "title": "Second text", "maintext": "A wholly different second text."},
            {"url": u, "title": "First text", "maintext": "The first version of the text."}]
    f = tmp_path / "d.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in rows))
    ix = tmp_path / "ix"
    rc, out, err = nd.ingest(ix, f)
    s = parse_summary(err)
    assert (s["added"], s["updated"], s["duplicates"]) == (2, 0, 1), err
    assert f"note: URL repeated with another text, kept as {u}#2" in err
    assert nd.show(ix, u)["title"] == "First text"
    assert nd.show(ix, u + "#2")["title"] == "Second text"
    # a later run updates as before
    f2 = tmp_path / "e.jsonl"
    f2.write_text(json.dumps({"url": u, "title": "Third", "maintext": "An updated text."}) + "\n")
    rc, out, err = nd.ingest(ix, f2)
    assert parse_summary(err)["updated"] == 1


def big_jsonl(path, n):
    with open(path, "w") as f:
        for i in range(n):
            f.write(json.dumps({"url": f"https://big.example/{i}", "title": f"Item {i}",
                                "maintext": f"Body of item {i} with words w{i % 97} x{i % 89} "
                                            "and a few more words to give it some length."}) + "\n")


def test_commit_whenever_a_segment_is_written(nd, tmp_path):
    f = tmp_path / "big.jsonl"
    big_jsonl(f, 30000)
    ix = tmp_path / "ix"
    rc, out, err = nd.ingest(ix, f, opts=("--memory", "1", "--log-commits"))
    commits = re.findall(r"committed (\d+) documents", out)
    assert len(commits) >= 3, out  # before: one commit, at the end
    assert [int(c) for c in commits] == sorted(int(c) for c in commits)
    assert int(commits[-1]) == 30000


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_commits_what_was_read(nd, tmp_path, sig, code):
    f = tmp_path / "big.jsonl"
    big_jsonl(f, 200000)
    ix = tmp_path / "ix"
    p = subprocess.Popen([nd.binary, "ingest", "--index", str(ix), "--memory", "1",
                          "--log-commits", str(f)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=child_env())
    first = p.stdout.readline().decode()  # a commit happened: the run is well under way
    assert first.startswith("committed"), first
    p.send_signal(sig)
    out, err = p.communicate(timeout=300)
    err = err.decode()
    assert p.returncode == code, err
    assert "interrupted by" in err, err
    s = parse_summary(err)
    read = s["added"] + s["duplicates"]
    assert 0 < read < 200000
    rc, o2, e2 = nd.check(ix)
    assert rc == 0, e2
    assert nd.stats(ix)["documents"] == read  # everything read was committed


def test_failed_commit_says_nothing_was_committed(nd, tmp_path):
    f = tmp_path / "big.jsonl"
    big_jsonl(f, 3000)
    ix = tmp_path / "ix"
    nd.ingest(ix, SAMPLE_JSONL, opts=("-q",))
    before = nd.stats(ix)["documents"]

    def small_files():
        # writes past 64 KiB fail (EFBIG) as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))

    p = subprocess.run([nd.binary, "ingest", "--index", str(ix), str(f)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env(),
                       preexec_fn=small_files)
    err = p.stderr.decode()
    assert p.returncode == 2, err
    assert "commit failed" in err
    assert f"index holds {before} articles" in err, err
    assert "the last 3000 articles read were not committed" in err, err
    assert nd.stats(ix)["documents"] == before


def test_warc_content_length_past_the_end(nd, tmp_path):
    """A record claiming more bytes than the file holds no longer swallows the records after it."""
    data = gzip.open(WARCFILE).read()
    starts = [m.start() for m in re.finditer(rb"WARC/1\.\d\r\n", data)]
    i = starts[7]
    m = re.compile(rb"Content-Length: (\d+)").search(data, i)
    bad = data[:m.start(1)] + str(int(m.group(1)) + 50_000_000).encode() + data[m.end(1):]
    good_f, bad_f = tmp_path / "good.warc", tmp_path / "bad.warc"
    good_f.write_bytes(data)
    bad_f.write_bytes(bad)
    # --keep-listings: six of the crawl's pages are listings, skipped by default
    nd.ingest(tmp_path / "g", good_f, opts=("--keep-listings",))
    rc, out, err = nd.ingest(tmp_path / "b", bad_f, opts=("--keep-listings",), expect_rc=1)
    assert re.search(r"bad\.warc@\d+: corrupt WARC record \(Content-Length \d+ runs past the end",
                     err), err
    assert parse_summary(err)["skipped"] == 1
    assert nd.stats(tmp_path / "b")["documents"] == nd.stats(tmp_path / "g")["documents"]
