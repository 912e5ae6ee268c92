"""Shared fixtures and helpers for the newsdex command-line end-to-end tests.

Paths are derived from this file: the repository root is two levels up, the shared corpora and the
seed page live next to the repository (<root>/../shared).  The binary is $NEWSDEX_BIN, default
<root>/build/newsdex.  Every helper that runs the binary fails the test when the process died from
a signal or when a sanitizer reported an error, whatever the exit status.
"""
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from newsdex_proc import binary_path, child_env, newsdex_bin, sanitizer_report  # noqa: E402,F401

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
SEED = SHARED / "seed" / "news-page.txt"
SAMPLE = ROOT / "sample"
SAMPLE_JSONL = SAMPLE / "articles.jsonl"
SAMPLE_PAGES = SAMPLE / "pages"
BBC = CORPORA / "text" / "bbc-news-2225" / "bbc"
GIVEME = CORPORA / "text" / "giveme5w1h-dev" / "data_raw"

def check_process(args, rc, err):
    """Fail on a signal exit or a sanitizer report."""
    if sanitizer_report(err):
        pytest.fail(f"sanitizer report running {args!r}:\n{err[-6000:]}")
    if rc < 0:
        pytest.fail(f"{args!r} died from signal {-rc}; stderr:\n{err[-3000:]}")


class Runner:
    def __init__(self, binary):
        self.binary = str(binary)
        self.env = child_env()

    def __call__(self, *args, input=None, timeout=300, cwd=None):
        """Run newsdex ARGS; return (rc, stdout, stderr) as text (bytes replaced if not UTF-8)."""
        argv = [self.binary] + [a if isinstance(a, (bytes, str)) else str(a) for a in args]
        if isinstance(input, str):
            input = input.encode()
        p = subprocess.run(argv, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, env=self.env, cwd=cwd)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        shown = [a[:200] if isinstance(a, str) else a[:200].decode("utf-8", "replace")
                 for a in argv[1:]]
        check_process(shown, p.returncode, err)
        return p.returncode, out, err

    # -- convenience wrappers ------------------------------------------------------------------
    def ingest(self, index, *paths, opts=(), input=None, expect_rc=0):
        rc, out, err = self("ingest", "--index", index, *opts, *paths, input=input)
        if expect_rc is not None:
            assert rc == expect_rc, f"ingest rc={rc}\n{err[-3000:]}"
        return rc, out, err

    def search(self, index, query, *opts, expect_rc=0, collapse=False):
        # Counts in most tests are of articles: copies are collapsed only when asked.
        q = query if isinstance(query, list) else [query]
        extra = () if collapse else ("--no-collapse",)
        rc, out, err = self("search", "--index", index, "--json", *extra, *opts, "--", *q)
        assert rc == expect_rc, f"search {query!r} rc={rc}\nstdout={out[:2000]}\nstderr={err[:2000]}"
        return json.loads(out)

    def total(self, index, query, *opts):
        return self.search(index, query, "--limit", "0", "--no-snippets", *opts)["total"]

    def stats(self, index):
        rc, out, err = self("stats", "--index", index, "--json")
        assert rc == 0, err
        return json.loads(out)

    def check(self, index):
        return self("check", "--index", index)

    def show(self, index, key, expect_rc=0):
        rc, out, err = self("show", "--index", index, "--json", key)
        assert rc == expect_rc, f"show {key} rc={rc} {err}"
        return json.loads(out) if rc == 0 else None


@pytest.fixture(scope="session")
def nd(newsdex_bin):
    return Runner(newsdex_bin)


def export_rows(nd, index, query=None):
    """The rows `newsdex export` writes (of the articles matching query), as dicts."""
    rc, out, err = nd("export", "--index", index, *(["--query", query] if query else []))
    assert rc == 0, err
    return [json.loads(l) for l in out.splitlines()]


def search_json(nd, index, query, *opts):
    """`newsdex search --json --no-snippets` as a dict (copies collapsed, as by default)."""
    rc, out, err = nd("search", "--index", index, "--json", "--no-snippets", *opts, "--", query)
    assert rc == 0, err
    return json.loads(out)


# ---- independent re-implementations used to compute expected answers -------------------------

SUMMARY_RE = re.compile(r"ingest: (\d+) added, (\d+) updated, (\d+) duplicates?, (\d+) unchanged, "
                        r"(\d+) skipped")


def parse_summary(err):
    m = SUMMARY_RE.search(err)
    assert m, f"no ingest summary on stderr:\n{err[-2000:]}"
    keys = ("added", "updated", "duplicates", "unchanged", "skipped")
    return dict(zip(keys, map(int, m.groups())))


_APOS = "'\u2019\u02bc\uff07"
_POSS_RE = re.compile(r"(?<=[^\W_])[" + _APOS + r"]s(?![^\W_])")
_INNER_APOS_RE = re.compile(r"(?<=[^\W_])[" + _APOS + r"](?=[^\W_])")
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_TOKEN_RE = re.compile(r"(?:[^\W_]|(?<=\d)\.(?=\d))+")


def fold(text):
    t = unicodedata.normalize("NFKC", text).casefold()
    t = unicodedata.normalize("NFKD", t)
    t = "".join(c for c in t if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", t)


def tokenize(text):
    """Words of `text` the way docs/internals/text.md describes them (non-CJK text)."""
    t = _POSS_RE.sub("", text)
    t = _INNER_APOS_RE.sub("", t)
    t = _THOUSANDS_RE.sub("", t)
    return _TOKEN_RE.findall(fold(t))


def norm_body(text):
    """Normalisation used for exact-copy detection: white space collapsed, ASCII lower case."""
    return " ".join(text.split()).translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                                           "abcdefghijklmnopqrstuvwxyz"))


def first_nonempty(obj, names):
    for n in names:
        v = obj.get(n)
        if isinstance(v, list):
            v = "\n".join(x for x in v if isinstance(x, str))
        if isinstance(v, str) and v.strip():
            return v
    return ""


def json_article(obj):
    """news-please object -> (url, title, body) after the documented field mapping."""
    body = first_nonempty(obj, ("maintext", "text", "body", "content", "article", "description"))
    body = "\n".join(l.strip() for l in body.split("\n") if l.strip())
    title = " ".join(first_nonempty(obj, ("title",)).split())
    url = obj.get("url") or ""
    return url, title, body


def simulate_ingest(articles):
    """articles: iterable of (url, title, body, payload) in ingest order.  Returns the list of
    payloads of the articles that end up stored (first occurrence of each text, latest version
    per URL), mimicking the documented URL-update / exact-copy rules."""
    by_url = {}        # url -> key of stored article
    by_content = {}    # content -> key
    stored = {}        # key -> payload
    content_of = {}
    nxt = 0
    for url, title, body, payload in articles:
        if not body and not title:
            continue
        content = norm_body(body if body else title)
        if url and url in by_url and by_url[url] in stored:
            k = by_url[url]
            if content_of[k] != content:
                if by_content.get(content_of[k]) == k:
                    del by_content[content_of[k]]
                stored[k] = payload
                content_of[k] = content
                by_content.setdefault(content, k)
            continue
        if content in by_content:
            if url:
                by_url[url] = by_content[content]
            continue
        k = nxt
        nxt += 1
        stored[k] = payload
        content_of[k] = content
        by_content[content] = k
        if url:
            by_url[url] = k
    return [stored[k] for k in sorted(stored)]


def load_sample_jsonl():
    with open(SAMPLE_JSONL, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


@pytest.fixture(scope="session")
def sample_index(nd, tmp_path_factory):
    """Read-only index of sample/articles.jsonl + sample/pages (tests must not modify it)."""
    d = tmp_path_factory.mktemp("sample") / "ix"
    rc, out, err = nd.ingest(d, SAMPLE_JSONL, SAMPLE_PAGES)
    return d, err
