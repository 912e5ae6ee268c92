"""The command line as a well-kept Unix tool: --json on every command, errors included (one
JSON object on standard output, {"error", "status"} with the exit status); --color validated and
NO_COLOR honoured; singular and plural counted right; stats naming exact copies as duplicates;
a progress line on a terminal for export; serve naming an unknown option."""
import json
import os
import pty
import subprocess

import pytest

from conftest import SAMPLE_JSONL, binary_path, check_process, child_env


ART = "Harbour cranes idle as dockers strike\nDockers at the harbour stopped work on Monday.\n"


@pytest.fixture(scope="module")
def one(nd, tmp_path_factory):
    """An index of one article, and of the same text once more (an exact copy)."""
    d = tmp_path_factory.mktemp("one")
    f = d / "a.txt"
    f.write_text(ART)
    g = d / "b.txt"
    g.write_text(ART)
    ix = d / "ix"
    nd.ingest(ix, f, g)
    return ix


def only_json(out):
    """stdout holds exactly one JSON object."""
    lines = [l for l in out.splitlines() if l.strip()]
    assert len(lines) == 1, out
    return json.loads(lines[0])


def json_error_of(nd, *args, cwd=None):
    rc, out, err = nd(*args, cwd=cwd)
    assert rc != 0, (args, out, err)
    j = only_json(out)
    assert isinstance(j.get("error"), str) and j["error"], j
    assert j["status"] == rc, (j, rc)
    assert err.strip(), "the message is on standard error too"
    return rc, j


def test_json_errors_on_every_command(nd, one, tmp_path):
    missing = tmp_path / "no-such-index"
    bad = tmp_path / "bad.txt"
    cases = [
        ("ingest", "--index", tmp_path / "ix", "--json", "--encoding", "no-such-enc", bad),
        ("ingest", "--index", tmp_path / "ix", "--json", "--jsn", bad),
        ("search", "--index", one, "--json", "title:("),
        ("search", "--index", one, "--json", "--limit", "x", "harbour"),
        ("search", "--index", missing, "--json", "harbour"),
        ("show", "--index", one, "--json", "99999"),
        ("related", "--index", one, "--json", "99999"),
        ("timeline", "--index", one, "--json", "--by", "hour", "harbour"),
        ("timeline", "--index", one, "--json", "harbour", "--compare", "a AND ("),
        ("terms", "--index", one, "--json", "a AND ("),
        ("export", "--index", one, "--json", "--query", "title:("),
        ("stats", "--index", missing, "--json"),
        ("check", "--index", missing, "--json"),
        ("optimize", "--index", missing, "--json"),
        ("delete", "--index", missing, "--json", "1"),
        ("aliases", "--index", missing, "--json"),
        ("entities", "--json", tmp_path / "no-such-file.txt"),
        ("quotes", "--json", tmp_path / "no-such-file.txt"),
        ("extract", "--json"),
        ("no-such-command", "--json"),
    ]
    for args in cases:
        rc, j = json_error_of(nd, *args)
        if args[0] in ("search", "terms", "export") and "(" in args[-1]:
            assert "position" in j and "query" in j, j
    rc, j = json_error_of(nd, "timeline", "--index", one, "--json", "harbour", "--compare",
                          "a AND (")
    assert j["compare"] == 1 and j["query"] == "a AND (", j
    rc, j = json_error_of(nd, "search", "--index", one, "--json", "--jsn", "harbour")
    assert "--json" in j["error"], j


def test_json_output_of_every_command(nd, tmp_path):
    ix = tmp_path / "ix"
    rc, out, err = nd("ingest", "--index", ix, "--json", SAMPLE_JSONL)
    assert rc == 0, err
    s = only_json(out)
    assert s["added"] > 0 and s["skipped"] == 0 and s["articles"] == s["added"], s
    assert "ingest:" not in err
    rc, out, err = nd("check", "--index", ix, "--json")
    c = only_json(out)
    assert rc == 0 and c["ok"] is True and c["documents"] == s["articles"], c
    assert c["problems"] == []
    rc, out, err = nd("delete", "--index", ix, "--json", "1", "99999")
    d = only_json(out)
    assert rc == 1 and d == {"deleted": 1, "not_found": ["99999"]}, d
    rc, out, err = nd("optimize", "--index", ix, "--json")
    o = only_json(out)
    assert rc == 0 and o == {"documents": s["articles"] - 1, "segments": 1}, o
    rc, out, err = nd("version", "--json")
    assert rc == 0 and only_json(out)["version"]
    rc, out, err = nd("export", "--index", ix, "--json")
    assert rc == 0 and len([json.loads(l) for l in out.splitlines()]) == s["articles"] - 1
    rc, out, err = nd("export", "--index", ix, "--json", "--format", "csv")
    assert rc == 2 and "exclude" in only_json(out)["error"]


def test_color_values_and_no_color(nd, one):
    rc, out, err = nd("search", "--index", one, "--color", "blue", "harbour")
    assert rc == 2 and "--color" in err and "'blue'" in err, err
    rc, out, err = nd("search", "--index", one, "--color=always", "harbour")
    assert rc == 0 and "\033[1m" in out
    for when in ("auto", "never"):
        rc, out, err = nd("search", "--index", one, "--color", when, "harbour")
        assert rc == 0 and "\033[" not in out
    # on a terminal: colour by default, none with NO_COLOR, --color=always wins over NO_COLOR
    assert "\033[1m" in on_terminal([binary_path(), "search", "--index", one, "harbour"])
    assert "\033[" not in on_terminal([binary_path(), "search", "--index", one, "harbour"],
                                      NO_COLOR="1")
    assert "\033[1m" in on_terminal([binary_path(), "search", "--index", one, "--color=always",
                                     "harbour"], NO_COLOR="1")


def on_terminal(argv, stderr_only=False, **env):
    """Run argv with standard output (or only standard error) on a pseudo-terminal; return what
    the terminal received."""
    master, slave = pty.openpty()
    e = child_env()
    e.update(env)
    kw = {"stderr": slave, "stdout": subprocess.DEVNULL} if stderr_only else \
        {"stdout": slave, "stderr": subprocess.PIPE}
    p = subprocess.Popen([str(a) for a in argv], env=e, **kw)
    os.close(slave)
    chunks = []
    while True:
        try:
            b = os.read(master, 65536)
        except OSError:
            break
        if not b:
            break
        chunks.append(b)
    rc = p.wait(timeout=300)
    os.close(master)
    text = b"".join(chunks).decode("utf-8", "replace")
    check_process(argv, rc, text)
    return text


def test_singular_counts(nd, one):
    rc, out, err = nd("search", "--index", one, "harbour")
    assert out.startswith("1 story (1 story, 2 copies;"), out
    rc, out, err = nd("search", "--index", one, "--no-collapse", "harbour")
    assert out.startswith("1 result (1 story, 2 copies;"), out
    rc, out, err = nd("timeline", "--index", one, "--by", "year", "harbour")
    assert "[1] harbour: 1 story, 2 copies" in out, out
    rc, out, err = nd("terms", "--index", one, "harbour")
    assert out.startswith("1 matching story against 1 in the archive"), out
    rc, out, err = nd("check", "--index", one)
    assert out.startswith("ok: 1 document in 1 segment,"), out
    rc, out, err = nd("export", "--index", one)
    assert "export: 1 article\n" in err, err


def test_stats_names_duplicates(nd, one):
    st = nd.stats(one)
    assert st["documents"] == 1 and st["duplicates"] == 1, st
    rc, out, err = nd("stats", "--index", one)
    assert "duplicates  1\n" in out, out


def test_export_progress_on_a_terminal(nd, one, tmp_path):
    # on a terminal the line appears once the export has run half a second; --progress: at once
    seen = on_terminal([binary_path(), "export", "--index", one, "--progress"], stderr_only=True)
    assert "export: 100% (1 of 1)" in seen, repr(seen)
    rc, out, err = nd("export", "--index", one)  # not a terminal: no progress line
    assert "%" not in err


def test_check_progress_on_a_terminal(nd, one):
    seen = on_terminal([binary_path(), "check", "--index", one, "--progress"], stderr_only=True)
    # the share of the postings and stored articles checked
    assert "check: 0%" in seen, repr(seen)
    rc, out, err = nd("check", "--index", one)
    assert rc == 0 and "%" not in err


def test_serve_names_an_unknown_option(nd, one):
    rc, out, err = nd("serve", "--index", one, "--listn", "127.0.0.1:0")
    assert rc == 2 and "unknown option '--listn' (did you mean --listen?)" in err, err


def urls_of(nd, ix):
    rc, out, err = nd("export", "--index", ix)
    assert rc == 0, err
    return sorted(json.loads(l)["url"] for l in out.splitlines())


def test_local_files_keep_a_relative_path(nd, tmp_path):
    """A local file without a URL is recorded by its path relative to the directory that holds
    the index, not this machine's absolute path, whatever directory ingest runs in and however
    the file is named; --absolute-paths asks for file:// + the absolute path."""
    d = tmp_path / "desk" / "news"
    d.mkdir(parents=True)
    (d / "a.txt").write_text(ART)
    (d / "b.txt").write_text("Second headline\nAnother body entirely.\n")
    cwd = tmp_path / "desk"
    ix = tmp_path / "desk" / "ix"
    nd("ingest", "--index", "ix", "news", cwd=cwd)
    assert urls_of(nd, ix) == ["file:news/a.txt", "file:news/b.txt"]
    rc, out, err = nd("search", "--index", ix, "harbour", cwd=cwd)
    assert "file:news/a.txt" in out and str(tmp_path) not in out, out
    # the same files again, from the same place, from inside the folder, by absolute paths
    for where, arg in ((cwd, "news"), (d, "."), (tmp_path, d), (d, d / "a.txt")):
        rc, out, err = nd("ingest", "--index", ix, arg, cwd=where)
        assert "0 added, 0 updated, 0 duplicates" in err and "unchanged" in err, (where, err)
    assert urls_of(nd, ix) == ["file:news/a.txt", "file:news/b.txt"]
    # a file outside the index's directory
    ix2 = tmp_path / "elsewhere" / "ix2"
    ix2.parent.mkdir()
    nd("ingest", "--index", ix2, d / "a.txt", cwd=d)
    assert urls_of(nd, ix2) == ["file:../desk/news/a.txt"]
    ix4 = tmp_path / "ix4"
    nd("ingest", "--index", ix4, "--absolute-paths", "news", cwd=cwd)
    assert urls_of(nd, ix4) == [f"file://{d.resolve()}/a.txt", f"file://{d.resolve()}/b.txt"]
