"""Crash safety: kill -9 an ingest at random moments and check that every commit it reported
survives intact; then finish the ingest and check that nothing is lost or doubled.  Also: readers
never fail while a writer commits."""
import json
import random
import re
import subprocess
import threading
import time

import pytest

from conftest import check_process, child_env

N_DOCS = 3000
COMMIT_EVERY = 200
VOCAB = ["harbour", "council", "market", "river", "school", "bridge", "budget", "weather",
         "station", "festival", "museum", "railway", "garden", "factory", "island", "village"]
COMMIT_RE = re.compile(r"^committed (\d+) documents$")


def doc_token(i):
    return f"doc{i:04d}"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    rng = random.Random(7)
    f = tmp_path_factory.mktemp("synthetic") / "articles.jsonl"
    with open(f, "w", encoding="utf-8") as out:
        for i in range(N_DOCS):
            body = " ".join(rng.choice(VOCAB) for _ in range(250))
            out.write(json.dumps({
                "url": f"https://synthetic.example/{i:04d}",
                "title": f"Report {doc_token(i)}",
                "maintext": f"Story {doc_token(i)} begins. {body}.",
                "date_publish": "2020-01-01T00:00:00Z",
            }) + "\n")
    return f


class Ingest:
    """An ingest process whose "committed N documents" lines are collected by a thread."""

    def __init__(self, newsdex_bin, ix, data, commit_every=COMMIT_EVERY):
        self.p = subprocess.Popen(
            [str(newsdex_bin), "ingest", "--index", str(ix), "--commit-every", str(commit_every),
             "--log-commits", "-q", str(data)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env())
        self.lines = []
        self.cond = threading.Condition()
        self.eof = False
        self.err = b""
        self.t_out = threading.Thread(target=self._read_out, daemon=True)
        self.t_err = threading.Thread(target=self._read_err, daemon=True)
        self.t_out.start()
        self.t_err.start()

    def _read_out(self):
        for raw in self.p.stdout:
            line = raw.decode()
            with self.cond:
                if line.endswith("\n"):
                    self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    def _read_err(self):
        self.err = self.p.stderr.read()

    def wait_lines(self, n, timeout=120):
        with self.cond:
            self.cond.wait_for(lambda: len(self.lines) >= n or self.eof, timeout)
            return len(self.lines) >= n

    def kill(self):
        self.p.kill()          # SIGKILL
        return self.finish()

    def finish(self, timeout=300):
        rc = self.p.wait(timeout)
        self.t_out.join(30)
        self.t_err.join(30)
        err = self.err.decode("utf-8", "replace")
        if rc != -9:
            check_process(["ingest"], rc, err)
        else:
            for m in ("ERROR: AddressSanitizer", "runtime error:"):
                assert m not in err, err
        return rc, err

    def last_committed(self):
        n = 0
        for l in self.lines:
            m = COMMIT_RE.match(l)
            assert m, f"unexpected output line {l!r}"
            n = int(m.group(1))
        return n


def assert_prefix_present(nd, ix, n, rng, sample=40):
    """Index is sound, holds >= n docs, and docs 0..n-1 (file order) are findable once each."""
    rc, out, err = nd.check(ix)
    assert rc == 0, f"check failed after kill (last commit {n}):\n{out}{err}"
    docs = nd.stats(ix)["documents"]
    assert n <= docs <= N_DOCS
    # every stored doc is one of ours, once: the prefix query counts the live documents
    assert nd.total(ix, "doc*") == docs
    if n:
        picks = sorted(set(rng.sample(range(n), min(sample, n))) | {0, n - 1})
        q = " OR ".join(doc_token(i) for i in picks)
        assert nd.total(ix, q) == len(picks), f"missing committed docs among {picks}"
        for i in picks[:2] + picks[-2:]:
            assert nd.total(ix, doc_token(i)) == 1, doc_token(i)
    return docs


def test_kill9_during_ingest(nd, newsdex_bin, synthetic, tmp_path):
    rng = random.Random(20240601)
    ix = tmp_path / "ix"
    committed = 0
    # Round 1: kill right after the first commit line.
    ing = Ingest(newsdex_bin, ix, synthetic)
    assert ing.wait_lines(1), "no commit line"
    ing.kill()
    n = ing.last_committed()
    assert n >= COMMIT_EVERY
    seen = [assert_prefix_present(nd, ix, n, rng)]
    committed = max(committed, n)
    # Rounds 2..: kill right after the k-th commit line past the work already done (the restarted
    # ingest re-commits the unchanged prefix first), or k lines plus a random delay, or a plain
    # random delay.  Each round restarts the same file on the same index.
    plans = [("after", 2, 0.0), ("after", 1, None), ("delay", 0, None), ("after", 2, None),
             ("delay", 0, None), ("after", 1, 0.0), ("after", 2, None)]
    for kind, k, extra in plans:
        ing = Ingest(newsdex_bin, ix, synthetic)
        if kind == "after":
            ing.wait_lines(committed // COMMIT_EVERY + k)
            time.sleep(rng.uniform(0, 0.03) if extra is None else extra)
        else:
            time.sleep(rng.uniform(0.0, 0.25))
        rc, err = ing.kill()
        n = ing.last_committed()
        docs = assert_prefix_present(nd, ix, n, rng)
        assert docs >= committed, "documents went backwards after a kill"
        seen.append(docs)
        committed = max(committed, n)
    assert min(seen) < N_DOCS, f"no kill interrupted the ingest: {seen}"
    # Finish: run to completion on the same index.
    rc, out, err = nd("ingest", "--index", ix, "--commit-every", str(COMMIT_EVERY), synthetic)
    assert rc == 0, err
    print("documents after each kill:", seen, "| final run:", err.strip().splitlines()[-1])
    st = nd.stats(ix)
    assert st["documents"] == N_DOCS
    assert nd.total(ix, "doc*") == N_DOCS
    rc, out, err = nd.check(ix)
    assert rc == 0, err
    picks = sorted(rng.sample(range(N_DOCS), 60))
    assert nd.total(ix, " OR ".join(doc_token(i) for i in picks)) == len(picks)
    for i in (0, 1234, N_DOCS - 1):
        res = nd.search(ix, doc_token(i), "--limit", "5")
        assert res["total"] == 1
        assert res["hits"][0]["url"] == f"https://synthetic.example/{i:04d}"


def test_readers_during_ingest(nd, newsdex_bin, synthetic, tmp_path):
    ix = tmp_path / "ix"
    # an index with a first commit, so that readers can open it from the start
    first = tmp_path / "first.jsonl"
    with open(synthetic, encoding="utf-8") as f:
        first.write_text("".join(next(f) for _ in range(100)), encoding="utf-8")
    nd.ingest(ix, first, opts=("-q",))
    ing = Ingest(newsdex_bin, ix, synthetic, commit_every=100)
    totals = []
    while True:
        done = ing.p.poll() is not None
        rc, out, err = nd("search", "--index", ix, "--json", "--limit", "3", "--", "doc*")
        assert rc == 0, f"reader failed during ingest: rc={rc} {err}"
        j = json.loads(out)
        assert len(j["hits"]) == 3
        totals.append(j["total"])
        rc, out, err = nd("stats", "--index", ix, "--json")
        assert rc == 0, err
        if done:
            break
    rc, err = ing.finish()
    assert rc == 0, err
    assert totals == sorted(totals), "a reader saw the document count go backwards"
    assert totals[0] >= 100 and totals[-1] == N_DOCS
    assert len(totals) >= 2
    assert nd.check(ix)[0] == 0


def test_second_writer_is_refused(nd, newsdex_bin, synthetic, tmp_path):
    ix = tmp_path / "ix"
    ing = Ingest(newsdex_bin, ix, synthetic, commit_every=100)
    try:
        assert ing.wait_lines(1)
        if ing.p.poll() is None:
            other = tmp_path / "other.txt"
            other.write_text("Other headline\nOther body text.\n", encoding="utf-8")
            rc, out, err = nd("ingest", "--index", ix, other)
            if ing.p.poll() is None:      # still overlapping: the lock must have refused us
                assert rc == 2, f"second writer rc={rc} {err}"
                assert "lock" in err.lower() or "another process" in err, err
    finally:
        rc, err = ing.finish()
    assert rc == 0, err
    assert nd.check(ix)[0] == 0
    assert nd.stats(ix)["documents"] in (N_DOCS, N_DOCS + 1)


def test_optimize_keeps_everything(nd, synthetic, tmp_path):
    ix = tmp_path / "ix"
    nd.ingest(ix, synthetic, opts=("--commit-every", "500", "-q"))
    rc, out, err = nd("delete", "--index", ix, "https://synthetic.example/0007")
    assert rc == 0, err
    st = nd.stats(ix)
    assert st["segments"] > 1 and st["documents"] == N_DOCS - 1
    before = {q: nd.total(ix, q) for q in ("harbour", "doc*", "doc0007", "doc2999", "museum -garden")}
    rc, out, err = nd("optimize", "--index", ix)
    assert rc == 0, err
    st = nd.stats(ix)
    assert st["segments"] == 1 and st["documents"] == N_DOCS - 1 and st["deleted"] == 0
    assert {q: nd.total(ix, q) for q in before} == before
    assert before["doc0007"] == 0 and before["doc*"] == N_DOCS - 1
    assert nd.check(ix)[0] == 0
