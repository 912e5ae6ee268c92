"""Fixtures for the `newsdex serve` HTTP tests.

The binary is $NEWSDEX_BIN (default <repo>/build/newsdex).  Every server is started on
127.0.0.1:0 (the port is read from the startup line), stopped with SIGTERM, and the test fails if
it did not exit cleanly or if its standard error holds a sanitizer report (run the suite against
an -DNDX_SANITIZE=ON build for leak and memory checks).
"""
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from newsdex_proc import binary_path, child_env, newsdex_bin, sanitizer_report  # noqa: E402,F401

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample"
SAMPLE_JSONL = SAMPLE / "articles.jsonl"
SAMPLE_PAGES = SAMPLE / "pages"
TOKEN = "s3cret-test-token"
STARTUP_RE = re.compile(r"newsdex: serving (.*) on http://([0-9.]+):(\d+)/")


def check_stderr(what, err):
    if sanitizer_report(err):
        pytest.fail(f"sanitizer report from {what}:\n{err[-8000:]}")


def run_cli(*args, input=None, timeout=300):
    argv = [str(binary_path())] + [str(a) for a in args]
    p = subprocess.run(argv, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, env=child_env())
    err = p.stderr.decode("utf-8", "replace")
    check_stderr(argv[1:3], err)
    assert p.returncode >= 0, f"{argv[1:]} died from signal {-p.returncode}"
    return p.returncode, p.stdout.decode("utf-8", "replace"), err


def cli_json(*args):
    """The JSON that `newsdex ARGS` prints (it must succeed)."""
    rc, out, err = run_cli(*args)
    assert rc == 0, err
    return json.loads(out)


def strip_took(j):
    """A response without its timing, for comparing answers."""
    j = dict(j)
    j.pop("took_ms", None)
    return j


def build_sample_index(d):
    rc, out, err = run_cli("ingest", "-q", "--index", d, SAMPLE_JSONL, SAMPLE_PAGES)
    assert rc in (0, 1), err
    return d


class Server:
    """A running `newsdex serve`."""

    def __init__(self, index, *opts):
        self.index = Path(index)
        argv = [str(binary_path()), "serve", "--index", str(index), "--listen", "127.0.0.1:0",
                *[str(o) for o in opts]]
        self.errf = open(self.index.parent / f"serve-{os.getpid()}-{id(self)}.err", "w+b")
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.errf,
                                     env=child_env())
        line = b""
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if line or self.proc.poll() is not None:
                break
        m = STARTUP_RE.search(line.decode("utf-8", "replace"))
        if not m:
            self.proc.kill()
            self.proc.wait()
            pytest.fail(f"server did not start: {line!r} {self.stderr()[-3000:]}")
        self.host = m.group(2)
        self.port = int(m.group(3))
        self.startup_line = line.decode()

    def stderr(self):
        self.errf.flush()
        self.errf.seek(0)
        return self.errf.read().decode("utf-8", "replace")

    def conn(self, timeout=30):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=60):
        """(status, headers dict (lower-case names), body bytes)"""
        c = self.conn(timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            c.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def json(self, path, expect=200, method="GET", **kw):
        st, h, body = self.request(method, path, **kw)
        assert st == expect, f"{method} {path}: {st} {body[:500]!r}"
        assert h.get("content-type", "").startswith("application/json"), h
        return json.loads(body)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                pytest.fail("server did not stop on SIGTERM")
        self.proc.stdout.close()
        err = self.stderr()
        self.errf.close()
        check_stderr("newsdex serve", err)
        assert self.proc.returncode == 0, f"serve exited {self.proc.returncode}: {err[-3000:]}"
        return err


@pytest.fixture(scope="session")
def sample_index(newsdex_bin, tmp_path_factory):
    """Read-only index of the sample (tests must not modify it)."""
    return build_sample_index(tmp_path_factory.mktemp("sample") / "ix")


@pytest.fixture(scope="session")
def server(sample_index):
    """Read-only server on the sample index, with a write token (wrong/missing tokens only)."""
    s = Server(sample_index, "--write-token", TOKEN, "--threads", "4", "--timeout", "2")
    yield s
    s.stop()


@pytest.fixture
def rw_index(sample_index, tmp_path):
    """A private copy of the sample index that a test may modify."""
    d = tmp_path / "ix"
    shutil.copytree(sample_index, d)
    return d


@pytest.fixture
def rw_server(rw_index):
    s = Server(rw_index, "--write-token", TOKEN, "--threads", "2", "--timeout", "5")
    yield s
    s.stop()


def synthetic_articles(n, start=0, words=400, tag="zebrafinch"):
    """JSONL lines of n made-up articles (distinct texts), each holding the word `tag`."""
    syll = ("ka lo mi ren ta vos ul pe dra sin go bar tel fi ost mun ze rha pol que").split()
    lines = []
    for i in range(start, start + n):
        rnd = random.Random(f"{tag}-{i}")
        body = " ".join("".join(rnd.choice(syll) for _ in range(rnd.randint(2, 4)))
                        for _ in range(words))
        lines.append(json.dumps({
            "url": f"https://synthetic.example/{tag}/{i}",
            "source_domain": "synthetic.example",
            "title": f"Synthetic {tag} report number {i}",
            "maintext": f"The {tag} item {i} begins here. {body}.",
            "date_publish": f"2020-01-{1 + i % 28:02d}T10:00:00Z",
            "language": "en",
        }))
    return "\n".join(lines) + "\n"


class Hammer:
    """Background threads that keep requesting paths and record every failure."""

    def __init__(self, server, paths, nthreads=4):
        self.server = server
        self.paths = paths
        self.stop_ev = threading.Event()
        self.failures = []
        self.count = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(nthreads)]

    def _run(self, k):
        i = k
        while not self.stop_ev.is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            try:
                st, _, body = self.server.get(path, timeout=30)
                ok = st == 200 and json.loads(body) is not None
            except Exception as e:  # noqa: BLE001
                ok, st, body = False, repr(e), b""
            with self.lock:
                self.count += 1
                if not ok:
                    self.failures.append((path, st, body[:200]))

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop_ev.set()
        for t in self.threads:
            t.join()
