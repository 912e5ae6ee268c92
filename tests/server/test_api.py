"""End-to-end tests of `newsdex serve` (docs/API.md) against the real binary."""
import csv
import os
import re
import io
import json
import socket
import subprocess
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import (TOKEN, Hammer, Server, binary_path, child_env, check_stderr, cli_json,
                      run_cli, strip_took, synthetic_articles)

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def q(path, **params):
    return path + "?" + urllib.parse.urlencode(params)


# ---- startup and static files -------------------------------------------------------------

def test_startup_line(server, sample_index):
    assert server.startup_line.startswith(f"newsdex: serving {sample_index} on http://127.0.0.1:")
    assert server.port > 0


def test_page_and_assets(server):
    st, h, body = server.get("/")
    assert st == 200
    assert h["content-type"].startswith("text/html")
    assert h["x-content-type-options"] == "nosniff"
    csp = h["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert b"<script" in body and b"app.js" in body
    for path, ctype in (("/app.js", "text/javascript"), ("/style.css", "text/css"),
                        ("/index.html", "text/html")):
        st, h, body = server.get(path)
        assert st == 200 and h["content-type"].startswith(ctype) and body


def test_openapi(server):
    doc = server.json("/api/openapi.json")
    assert doc["openapi"].startswith("3.")
    for p in ("/api/search", "/api/doc/{id}", "/api/doc/{id}/related", "/api/stats",
              "/api/health", "/api/export", "/api/ingest"):
        assert p in doc["paths"], p
    assert "delete" in doc["paths"]["/api/doc/{id}"]
    assert "post" in doc["paths"]["/api/ingest"]


# ---- read endpoints -------------------------------------------------------------------------

def test_health_and_stats(server, sample_index):
    cli = cli_json("stats", "--index", sample_index, "--json")
    st = server.json("/api/stats")
    cache = st.pop("response_cache")   # the server's own: its response cache
    assert st == cli
    assert set(cache) == {"budget_bytes", "bytes", "entries", "hits", "misses"}
    assert cache["budget_bytes"] == 64 << 20
    h = server.json("/api/health")
    assert h == {"status": "ok", "documents": cli["documents"], "generation": cli["generation"]}


@pytest.mark.parametrize("query,opts", [
    ("port strike", {}),
    ("port strike", {"limit": 3, "offset": 1}),
    ("marrowhaven", {"sort": "date"}),
    ("marrowhaven", {"sort": "date-asc", "limit": 50}),
    ("lestovia", {"from": "2022-09-12", "to": "2022-10-01"}),
    ("\"port strike\" OR 梁文浩", {}),
    ("title:strike", {"limit": 0}),
    ("port", {"no-collapse": None}),
])
def test_search_matches_cli(server, sample_index, query, opts):
    args = ["search", "--index", sample_index, "--json"]
    params = {}
    for k, v in opts.items():
        if k == "no-collapse":
            args.append("--no-collapse")
            params["collapse"] = 0
        else:
            args += [f"--{k}", str(v)]
            params[k] = v
    cli = cli_json(*args, "--", query)
    st, h, body = server.get(q("/api/search", q=query, **params))
    assert st == 200
    api = json.loads(body)
    assert strip_took(api) == strip_took(cli)
    assert isinstance(api["took_ms"], float)
    assert list(api) == list(cli)
    # byte for byte the same as the CLI but for took_ms
    _, out, _ = run_cli(*args, "--", query)
    took = re.compile(r'"took_ms":[^,]*,')
    assert took.sub("T", body.decode()) == took.sub("T", out)


def test_search_hits_shape(server):
    r = server.json(q("/api/search", q="port strike"))
    assert r["total"] > 0 and r["hits"]
    h = r["hits"][0]
    assert list(h)[:7] == ["id", "score", "title", "url", "source", "date", "lang"]
    assert "<mark>" in "".join(x["snippet"] for x in r["hits"])
    assert all(x["teaser"] for x in r["hits"])


def test_search_truncated_stubs(server, sample_index):
    # the sidebar stubs of the Lestovia page are teaser stubs (when extraction finds them)
    query = "red panda cubs OR ferry OR painting"
    r = server.json(q("/api/search", q=query, limit=50))
    cli = cli_json("search", "--index", sample_index, "--json", "--limit", "50", "--", query)
    assert [h.get("truncated") for h in r["hits"]] == [h.get("truncated") for h in cli["hits"]]
    stubs = [h for h in r["hits"] if h.get("truncated")]
    if not stubs:
        pytest.skip("this build stores no teaser stubs for the sample page")
    d = server.json(f"/api/doc/{stubs[0]['id']}")
    assert d["truncated"] is True and "found_on" in d


def test_search_collapse(server):
    a = server.json(q("/api/search", q="marrowhaven strike", collapse=0, limit=50))
    b = server.json(q("/api/search", q="marrowhaven strike", collapse=1, limit=50))
    assert a["collapsed"] is False and b["collapsed"] is True
    assert a["total"] > b["total"]
    assert b["total"] == b["total_stories"]
    assert any(h["copies"] > 1 for h in b["hits"])
    assert server.get(q("/api/search", q="port", collapse="maybe"))[0] == 400


def test_doc_matches_cli(server, sample_index):
    r = server.json(q("/api/search", q="marrowhaven", limit=20))
    for h in r["hits"]:
        cli = cli_json("show", "--index", sample_index, "--json", str(h["id"]))
        assert server.json(f"/api/doc/{h['id']}") == cli


def test_doc_by_url_and_copies(server):
    url = "https://www.marrowhavenecho.co.uk/news/2021/04/20/port-strike-ends-dockers-accept-deal"
    d = server.json("/api/doc/" + urllib.parse.quote(url, safe=""))
    assert d["url"] in (url, "https://northsea-freightnews.com/ports/marrowhaven-port-strike-ends-7-5-percent-deal")
    assert len(d["copies"]) >= 1
    assert d["text"] and d["title"]


def test_related(server):
    r = server.json(q("/api/search", q="dockers strike vote", limit=1))
    doc = server.json(f"/api/doc/{r['hits'][0]['id']}")
    rel = server.json(f"/api/doc/{doc['id']}/related")
    assert rel["id"] == doc["id"]
    assert 1 <= len(rel["hits"]) <= 8
    ids = [h["id"] for h in rel["hits"]]
    assert doc["id"] not in ids
    urls = {doc["url"]} | {c["url"] for c in doc["copies"]}
    assert not urls & {h["url"] for h in rel["hits"]}
    assert all(h["teaser"] for h in rel["hits"])
    # the port-strike story line: most related hits are about Marrowhaven
    top = " ".join(h["title"] + h["teaser"] for h in rel["hits"][:3])
    assert "Marrowhaven" in top or "port" in top.lower()
    assert len(server.json(f"/api/doc/{doc['id']}/related?limit=2")["hits"]) <= 2
    for lim in (5, 8, 50):  # the same list as `newsdex related`, filtered by the library
        cli = cli_json("related", "--index", server.index, "--json", "--limit", str(lim),
                       str(doc["id"]))
        api = server.json(f"/api/doc/{doc['id']}/related?limit={lim}")
        assert [h["id"] for h in api["hits"]] == [h["id"] for h in cli["hits"]], lim
    # the story's other articles (other outlets' versions) may be listed, three at most
    story = {m["id"] for m in doc["story_articles"]}
    assert len(story & set(ids)) <= 3
    assert server.json(f"/api/doc/{doc['id']}/related?limit=0")["hits"] == []


def test_related_exact_copy_excluded(server):
    url = "https://www.tarnevalleytimes.co.uk/news/eldermouth-counts-cost-64m-flood-fund"
    doc = server.json("/api/doc/" + urllib.parse.quote(url, safe=""))
    rel = server.json(f"/api/doc/{doc['id']}/related?limit=50")
    copy_urls = {c["url"] for c in doc["copies"]} | {doc["url"]}
    assert not copy_urls & {h["url"] for h in rel["hits"]}


def test_export_jsonl(server):
    total = server.json(q("/api/search", q="marrowhaven OR lestovia", limit=0, collapse=0))["total"]
    st, h, body = server.get(q("/api/export", q="marrowhaven OR lestovia"))
    assert st == 200
    assert h["content-type"].startswith("application/x-ndjson")
    assert h.get("transfer-encoding") == "chunked"
    assert int(h["x-total-count"]) == total
    docs = [json.loads(l) for l in body.decode().splitlines()]
    assert len(docs) == total == len({d["id"] for d in docs})
    dates = [d["date"] for d in docs if d["date"]]
    assert dates == sorted(dates)
    # the same objects as `newsdex export`
    rc, out, err = run_cli("export", "--index", server.index, "--query", "marrowhaven OR lestovia")
    assert rc == 0, err
    cli = [json.loads(l) for l in out.splitlines()]
    assert sorted(docs, key=lambda d: d["id"]) == sorted(cli, key=lambda d: d["id"])
    # with text
    st, h, body = server.get(q("/api/export", q="lestovia", text=1))
    docs = [json.loads(l) for l in body.decode().splitlines()]
    assert docs and all(d["text"] for d in docs)


def test_export_csv(server):
    st, h, body = server.get(q("/api/export", q="port", format="csv"))
    assert st == 200 and h["content-type"].startswith("text/csv")
    lines = body.decode().splitlines()
    rc, out, err = run_cli("export", "--index", server.index, "--query", "port", "--format", "csv")
    assert rc == 0, err
    cli = out.splitlines()
    assert lines[0] == cli[0] == "id,url,source,date,title,story,wire,lang"
    assert sorted(lines[1:]) == sorted(cli[1:])
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert all(len(r) == 8 for r in rows)
    st, h, body = server.get(q("/api/export", q="port", format="csv", text=1))
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0][-1] == "text" and all(len(r) == 9 and r[8] for r in rows)


# ---- errors ---------------------------------------------------------------------------------

def test_bad_query_400_with_position(server):
    st, h, body = server.get(q("/api/search", q="port AND ("))
    assert st == 400
    j = json.loads(body)
    assert j["status"] == 400 and j["position"] == 9 and j["error"]
    st, _, body = server.get(q("/api/export", q="\"unclosed"))
    assert st == 400 and "position" in json.loads(body)


@pytest.mark.parametrize("path", [
    "/api/search", "/api/search?q=", "/api/search?q=x&limit=1001", "/api/search?q=x&limit=-1",
    "/api/search?q=x&limit=abc", "/api/search?q=x&offset=100001", "/api/search?q=x&sort=random",
    "/api/search?q=x&from=yesterday", "/api/export", "/api/export?q=x&format=xml",
    "/api/doc/1/related?limit=51", "/api/search?q=" + "a" * 5000,
])
def test_bad_parameters_400(server, path):
    st, h, body = server.get(path)
    assert st == 400, (path, st, body[:200])
    j = json.loads(body)
    assert j["status"] == 400 and j["error"]


@pytest.mark.parametrize("path", [
    "/api/doc/999999", "/api/doc/999999/related", "/api/doc/https%3A%2F%2Fnope.example%2Fx",
    "/api/nothing", "/nothing", "/api", "/api/doc/", "/index.htm", "/openapi.json",
])
def test_not_found_404(server, path):
    st, h, body = server.get(path)
    assert st == 404, (path, st)
    assert json.loads(body) == {"error": json.loads(body)["error"], "status": 404}


@pytest.mark.parametrize("method,path,allow", [
    ("POST", "/api/search?q=x", "GET"), ("PUT", "/api/stats", "GET"),
    ("DELETE", "/api/health", "GET"), ("GET", "/api/ingest", "POST"),
    ("PUT", "/api/doc/1", "DELETE"), ("POST", "/api/doc/1/related", "GET"),
    ("POST", "/", "GET"),
])
def test_wrong_method_405(server, method, path, allow):
    st, h, body = server.request(method, path)
    assert st == 405
    assert allow in h["allow"]
    assert json.loads(body)["status"] == 405


def test_write_needs_token(server):
    body = synthetic_articles(1).encode()
    st, h, b = server.request("POST", "/api/ingest", body=body)
    assert st == 401 and json.loads(b)["status"] == 401
    assert h["www-authenticate"].startswith("Bearer")
    st, _, b = server.request("POST", "/api/ingest", body=body,
                              headers={"Authorization": "Bearer wrong"})
    assert st == 403
    st, _, b = server.request("DELETE", "/api/doc/1", headers={"Authorization": "Basic eDp5"})
    assert st == 401
    st, _, b = server.request("DELETE", "/api/doc/1", headers={"Authorization": "Bearer x" + TOKEN})
    assert st == 403
    assert server.json("/api/doc/1")["id"] == 1


def test_read_only_server_403(sample_index):
    s = Server(sample_index)
    try:
        for method, path in (("POST", "/api/ingest"), ("DELETE", "/api/doc/1")):
            st, _, b = s.request(method, path, body=b"{}\n", headers=AUTH)
            assert st == 403 and json.loads(b)["error"] == "read-only server"
    finally:
        s.stop()


def test_body_too_large_413(rw_index):
    s = Server(rw_index, "--write-token", TOKEN, "--max-body", "1")
    try:
        big = synthetic_articles(600).encode()
        assert len(big) > 1 << 20
        # announced with Content-Length: refused before the body is read
        resp = raw(s, b"POST /api/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                   TOKEN.encode() + b"\r\nContent-Length: %d\r\n\r\n" % len(big))
        assert resp.startswith(b"HTTP/1.1 413"), resp[:200]
        assert json.loads(resp.split(b"\r\n\r\n", 1)[1])["status"] == 413
        # chunked upload without Content-Length: counted while it arrives

        def gen():
            for i in range(0, len(big), 65536):
                yield big[i:i + 65536]
        try:
            st, _, b = s.request("POST", "/api/ingest", body=gen(), headers=AUTH)
            assert st == 413
        except OSError:
            pass   # the server may close the connection while the client still sends
        assert s.json("/api/health")["status"] == "ok"
    finally:
        s.stop()


# ---- writes ---------------------------------------------------------------------------------

def test_ingest_then_search_then_delete(rw_server):
    before = rw_server.json("/api/stats")["documents"]
    body = synthetic_articles(3, tag="quokkaplanet").encode()
    r = rw_server.json("/api/ingest", method="POST", body=body, headers=AUTH)
    assert r["added"] == 3 and r["skipped"] == 0
    assert r["documents"] == before + 3
    s = rw_server.json(q("/api/search", q="quokkaplanet"))
    assert s["total"] == 3
    # the same body again: unchanged
    r = rw_server.json("/api/ingest", method="POST", body=body, headers=AUTH)
    assert r["unchanged"] == 3 and r["added"] == 0
    # a bad line is reported with its line number, the rest goes in
    body = b'{"url": "https://x.example/1", "title": "Quokkaplanet two", "maintext": "Quokkaplanet again here."}\nnot json\n'
    r = rw_server.json("/api/ingest", method="POST", body=body, headers=AUTH)
    assert r["added"] == 1 and r["skipped"] == 1
    assert r["problems"][0]["where"] == "body:2"
    victim = s["hits"][0]["id"]
    r = rw_server.json(f"/api/doc/{victim}", method="DELETE", headers=AUTH)
    assert r["deleted"] == victim
    rw_server.json(f"/api/doc/{victim}", expect=404)
    rw_server.json(f"/api/doc/{victim}", expect=404, method="DELETE", headers=AUTH)
    assert rw_server.json(q("/api/search", q="quokkaplanet"))["total"] == 3


def test_search_json_hostile_text_matches_cli(rw_index, rw_server):
    """Quotes, backslashes, control characters, U+2028, astral characters and broken UTF-8 in
    stored text: the server's search JSON parses and equals the CLI's."""
    body = (b'{"url":"https://x.example/1","title":"Tab\\there \\"quoted\\" back\\\\slash '
            b'\\u0001ctl \\u2028 ok","maintext":"Weirdword \\u0007 bell \\"q\\" \\\\ '
            b'line\\nsecond weirdword. Caf\\u00e9 \\ud83d\\ude00.","source_domain":"x.example"}\n'
            b'{"url":"https://x.example/2","title":"Bad \xff\xfe weirdword","maintext":"weirdword '
            b'\xc3\x28 broken"}\n')
    r = rw_server.json("/api/ingest", method="POST", body=body, headers=AUTH)
    assert r["added"] == 2, r
    for params, cli in (({"q": "weirdword", "collapse": 0}, ["--no-collapse"]),
                        ({"q": "weirdword"}, [])):
        st, h, raw = rw_server.get(q("/api/search", **params))
        assert st == 200
        srv = json.loads(raw.decode("utf-8"))
        ref = cli_json("search", "--index", rw_index, "--json", *cli, "weirdword")
        assert strip_took(srv) == strip_took(ref)
        assert len(srv["hits"]) == 2 and any("\ufffd" in x["title"] for x in srv["hits"])


def test_response_cache_never_stale(rw_index, rw_server):
    """Repeated searches and related lists come from the cache (X-Cache: hit) with the same body;
    a commit, by the server or by the CLI, makes the next answer fresh."""
    path = q("/api/search", q="kiwifruitorbit", limit=5)
    st, h, first = rw_server.get(path)
    assert st == 200 and h["x-cache"] == "miss" and json.loads(first)["total"] == 0
    st, h, again = rw_server.get(path)
    assert st == 200 and h["x-cache"] == "hit" and again == first
    # different parameters are a different answer
    st, h, _ = rw_server.get(q("/api/search", q="kiwifruitorbit", limit=6))
    assert h["x-cache"] == "miss"
    # a commit through the server
    body = synthetic_articles(2, tag="kiwifruitorbit").encode()
    assert rw_server.json("/api/ingest", method="POST", body=body, headers=AUTH)["added"] == 2
    st, h, b = rw_server.get(path)
    assert h["x-cache"] == "miss" and json.loads(b)["total"] == 2
    # a commit by another process
    rc, out, err = run_cli("ingest", "-q", "--index", str(rw_index), "-",
                           input=synthetic_articles(1, start=10, tag="kiwifruitorbit").encode())
    assert rc == 0, err
    st, h, b = rw_server.get(path)
    assert h["x-cache"] == "miss" and json.loads(b)["total"] == 3
    doc = json.loads(b)["hits"][0]["id"]
    r1 = rw_server.get(f"/api/doc/{doc}/related")
    r2 = rw_server.get(f"/api/doc/{doc}/related")
    assert r1[1]["x-cache"] == "miss" and r2[1]["x-cache"] == "hit" and r1[2] == r2[2]
    c = rw_server.json("/api/stats")["response_cache"]
    assert c["hits"] >= 2 and c["entries"] >= 2 and 0 < c["bytes"] <= c["budget_bytes"]


def test_response_cache_off(rw_index):
    s = Server(rw_index, "--cache-mb", "0")
    try:
        for _ in range(2):
            st, h, _ = s.get(q("/api/search", q="china"))
            assert st == 200 and h["x-cache"] == "off"
        assert s.json("/api/stats")["response_cache"]["entries"] == 0
    finally:
        s.stop()
    rc, _, err = run_cli("serve", "--cache-mb", "x")
    assert rc == 2 and "--cache-mb" in err


def test_ingest_bad_bodies(rw_server):
    st, _, b = rw_server.request("POST", "/api/ingest", body=b"", headers=AUTH)
    assert st == 400
    st, _, b = rw_server.request("POST", "/api/ingest", body=b"\x00\x01garbage\n" * 10,
                                 headers=AUTH)
    assert st == 400 and json.loads(b)["status"] == 400
    st, _, b = rw_server.request("POST", "/api/ingest?format=xml", body=b"{}", headers=AUTH)
    assert st == 400


def test_ingest_locked_503(rw_index, rw_server):
    # a CLI ingest reading from a pipe holds the writer lock until its input ends
    p = subprocess.Popen([str(binary_path()), "ingest", "-q", "--index", str(rw_index), "-"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=child_env())
    try:
        # wait until the CLI holds the lock (flock on LOCK, listed in /proc/locks)
        inode = os.stat(rw_index / "LOCK").st_ino
        deadline = time.time() + 60
        while time.time() < deadline and p.poll() is None:
            with open("/proc/locks") as f:
                if any(f":{inode} " in l for l in f):
                    break
            time.sleep(0.05)
        assert p.poll() is None
        deadline = time.time() + 30
        st = None
        while time.time() < deadline:
            st, h, b = rw_server.request("POST", "/api/ingest", body=synthetic_articles(1).encode(),
                                         headers=AUTH)
            if st == 503:
                break
            time.sleep(0.1)
        assert st == 503
        assert int(h["retry-after"]) >= 1
        assert json.loads(b)["status"] == 503
        st, h, b = rw_server.request("DELETE", "/api/doc/1", headers=AUTH)
        assert st == 503
    finally:
        out, err = p.communicate(synthetic_articles(2, tag="lockedtag").encode(), timeout=120)
        check_stderr("ingest", err.decode("utf-8", "replace"))
    assert p.returncode == 0
    assert rw_server.json(q("/api/search", q="lockedtag"))["total"] == 2


def test_parallel_cli_ingest_shows_up(rw_index, rw_server, tmp_path):
    data = tmp_path / "more.jsonl"
    data.write_text(synthetic_articles(1500, tag="parallelbird", words=120))
    before = rw_server.json("/api/stats")["documents"]
    paths = ["/api/stats", "/api/health", q("/api/search", q="parallelbird", limit=5),
             q("/api/search", q="port strike"), "/api/doc/1", "/api/doc/2/related"]
    with Hammer(rw_server, paths, nthreads=4) as hm:
        rc, out, err = run_cli("ingest", "-q", "--commit-every", "300", "--log-commits",
                               "--index", rw_index, data)
        assert rc == 0, err
        assert out.count("committed") >= 5
        time.sleep(0.3)
    assert not hm.failures, hm.failures[:5]
    assert hm.count > 20
    st = rw_server.json("/api/stats")
    assert st["documents"] == before + 1500
    assert rw_server.json(q("/api/search", q="parallelbird", limit=0))["total"] == 1500


# ---- limits and hostile requests ------------------------------------------------------------

def dechunk(data):
    """Decode a chunked transfer-encoded body."""
    out = bytearray()
    while True:
        line, data = data.split(b"\r\n", 1)
        size = int(line.split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += data[:size]
        data = data[size + 2:]


def raw(server, data, timeout=10):
    """Send raw bytes; return what the server answers before closing (or timing out)."""
    s = socket.create_connection((server.host, server.port), timeout=timeout)
    try:
        s.sendall(data)
        chunks = []
        while True:
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                break
            if not b:
                break
            chunks.append(b)
        return b"".join(chunks)
    finally:
        s.close()


@pytest.mark.parametrize("path", [
    "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd",
    "/static/../../../etc/passwd", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/app.js/../../etc/passwd",
    "/index.html%00.js", "//etc/passwd", "/api/../../etc/passwd",
])
def test_path_traversal_404(server, path):
    resp = raw(server, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    status = resp.split(b"\r\n", 1)[0]
    assert b" 404 " in status or b" 400 " in status, (path, status)
    assert b"root:" not in resp


def test_oversized_header_4xx(server):
    resp = raw(server, b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 +
               b"\r\nConnection: close\r\n\r\n")
    if resp:   # the server may also just close the connection
        code = int(resp.split(b" ", 2)[1])
        assert 400 <= code < 500, resp[:200]
    assert server.json("/api/health")["status"] == "ok"


def test_oversized_url_4xx(server):
    resp = raw(server, b"GET /api/search?q=" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    if resp:
        code = int(resp.split(b" ", 2)[1])
        assert 400 <= code < 500, resp[:200]


def test_slow_client_disconnected(server):
    # --timeout 2: a client that sends half a request and waits is dropped
    s = socket.create_connection((server.host, server.port), timeout=15)
    t0 = time.time()
    try:
        s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        data = s.recv(4096)   # returns b"" (or raises) when the server closes
        assert data == b"" or data.startswith(b"HTTP/1.1 4")
    except ConnectionResetError:
        pass
    finally:
        s.close()
    assert time.time() - t0 < 8


def test_keep_alive(server):
    """Several requests on one connection (no "Connection: close"), also after a request that
    carried an unexpected small body."""
    c = server.conn()
    try:
        c.request("GET", "/api/health")
        r = c.getresponse()
        r.read()
        assert r.status == 200 and r.getheader("Connection", "").lower() != "close"
        sock = c.sock
        c.request("GET", q("/api/search", q="port strike"), body=b"ignored")
        r = c.getresponse()
        assert r.status == 200 and json.loads(r.read())["total"] >= 1
        c.request("GET", "/api/stats")
        r = c.getresponse()
        assert r.status == 200 and "documents" in json.loads(r.read())
        assert c.sock is sock and sock is not None   # the same TCP connection throughout
    finally:
        c.close()


def test_slowloris_header_deadline(sample_index):
    """A client that trickles its headers one byte at a time (never idle for --timeout) is cut off
    after --header-timeout; a normal request on another connection is served meanwhile, and a
    keep-alive connection gets the same deadline for its next request."""
    srv = Server(sample_index, "--timeout", "30", "--header-timeout", "2")
    try:
        s = socket.create_connection((srv.host, srv.port), timeout=15)
        t0 = time.time()
        closed = False
        try:
            s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
            while time.time() - t0 < 12:
                s.sendall(b"X")   # one byte of a never-ending header every 0.3 s
                time.sleep(0.3)
                assert srv.json("/api/health")["status"] == "ok"
        except (BrokenPipeError, ConnectionResetError):
            closed = True
        if not closed:
            s.settimeout(5)
            try:
                closed = s.recv(4096) == b""
            except (ConnectionResetError, socket.timeout):
                closed = True
        s.close()
        elapsed = time.time() - t0
        assert closed and 1.5 < elapsed < 8, elapsed
        # keep-alive: one request served, then silence is cut off after the deadline too
        k = socket.create_connection((srv.host, srv.port), timeout=15)
        k.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert k.recv(4096).startswith(b"HTTP/1.1 200")
        t1 = time.time()
        assert k.recv(4096) == b""
        assert 1.5 < time.time() - t1 < 8
        k.close()
    finally:
        srv.stop()
    rc, _, err = run_cli("serve", "--header-timeout", "x")
    assert rc == 2 and "--header-timeout" in err


def test_garbage_requests(server):
    for data in (b"\x00\xff\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
                 b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n",
                 b"GET /api/search?q=%ff%fe%00x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                 b"GET /api/doc/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                 b"POST /api/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n"):
        raw(server, data, timeout=5)
    assert server.json("/api/health")["status"] == "ok"


def test_invalid_utf8_query(server):
    st, _, body = server.get("/api/search?q=%ff%fe%c3")
    assert st in (200, 400)
    json.loads(body)


def test_concurrent_requests(server):
    paths = [q("/api/search", q=w) for w in ("port strike", "lestovia", "comet", "梁文浩",
                                             "flood OR river", "title:strike")]
    paths += ["/api/doc/1", "/api/doc/5/related", "/api/stats", "/api/health", "/"]

    def one(i):
        st, _, body = server.get(paths[i % len(paths)], timeout=60)
        return st

    with ThreadPoolExecutor(20) as ex:
        statuses = list(ex.map(one, range(200)))
    assert statuses == [200] * 200


def test_many_idle_connections(server):
    socks = []
    try:
        for _ in range(50):
            socks.append(socket.create_connection((server.host, server.port), timeout=5))
        assert server.json("/api/health")["status"] == "ok"
    finally:
        for s in socks:
            s.close()


def test_429_when_busy(tmp_path):
    # A big export whose client does not read keeps its slot; with one slot, the next query is
    # refused with 429 and Retry-After.
    ix = tmp_path / "big"
    data = tmp_path / "big.jsonl"
    data.write_text(synthetic_articles(2000, tag="bulkword", words=600))
    rc, out, err = run_cli("ingest", "-q", "--index", ix, data)
    assert rc == 0, err
    s = Server(ix, "--max-queries", "1", "--max-exports", "1", "--timeout", "30")
    try:
        c = socket.socket()
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        c.settimeout(10)
        c.connect((s.host, s.port))
        c.sendall(b"GET /api/export?q=bulkword&text=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        head = c.recv(1024)
        assert head.startswith(b"HTTP/1.1 200")
        time.sleep(0.5)
        st, h, body = s.get(q("/api/search", q="bulkword"))
        assert st == 429 and int(h["retry-after"]) >= 1
        assert json.loads(body)["status"] == 429
        st, h, body = s.get(q("/api/export", q="bulkword"))
        assert st == 429
        # read the export to the end: every article, then the slot is free again
        c.settimeout(60)
        buf = bytearray(head)
        while not buf.endswith(b"\r\n0\r\n\r\n"):
            b = c.recv(1 << 20)
            if not b:
                break
            buf += b
        c.close()
        body = dechunk(bytes(buf).split(b"\r\n\r\n", 1)[1])
        assert len(body.splitlines()) == 2000
        assert body.count(b"bulkword report number") == 2000
        time.sleep(0.2)
        assert s.json(q("/api/search", q="bulkword", limit=0))["total"] == 2000
    finally:
        s.stop()


def test_export_large_streams_everything(tmp_path):
    ix = tmp_path / "big"
    data = tmp_path / "big.jsonl"
    data.write_text(synthetic_articles(2300, tag="pagedword", words=30))
    rc, out, err = run_cli("ingest", "-q", "--index", ix, data)
    assert rc == 0, err
    # pages of 1,000 matches: the export crosses two page boundaries and stays oldest first
    s = Server(ix, "--export-page", "1000")
    try:
        st, h, body = s.get(q("/api/export", q="pagedword"))
        assert st == 200
        docs = [json.loads(l) for l in body.decode().splitlines()]
        ids = [d["id"] for d in docs]
        assert len(ids) == 2300 == len(set(ids)) == int(h["x-total-count"])
        dates = [d["date"] for d in docs if d["date"]]
        assert len(dates) > 1000 and dates == sorted(dates)
    finally:
        s.stop()


def test_sigint_shutdown_clean(sample_index):
    s = Server(sample_index)
    assert s.json("/api/health")["status"] == "ok"
    s.proc.send_signal(2)
    s.proc.wait(timeout=60)
    err = s.stop()
    assert s.proc.returncode == 0, err


def test_bad_options(sample_index, tmp_path):
    for args in (["--listen", "nonsense"], ["--threads", "0"], ["--timeout", "x"],
                 ["--export-page", "0"],
                 ["--index", str(tmp_path / "missing")], ["--bogus"]):
        rc, out, err = run_cli("serve", "--index", sample_index, *args, timeout=30)
        assert rc == 2, (args, out, err)
        assert "newsdex serve:" in err


def test_cold_concurrent_lookups_on_many_workers(tmp_path):
    # Every worker's handle builds its per-segment lookup indexes on first use; many workers
    # doing so at the same moment must not disturb each other (this once crashed the server).
    from conftest import Server, run_cli, synthetic_articles
    src = tmp_path / "a.jsonl"
    src.write_text(synthetic_articles(6000, words=30, tag="coldstart"), encoding="utf-8")
    ix = tmp_path / "ix"
    rc, out, err = run_cli("ingest", "-q", "--index", ix, src)
    assert rc == 0, err
    srv = Server(ix, "--threads", "8", "--max-queries", "1024")
    try:
        paths = [f"/api/doc/{i}" for i in range(1, 6001, 37)] + \
                [f"/api/doc/{i}/related" for i in range(1, 6001, 301)]

        def one(p):
            st, _, body = srv.get(p, timeout=60)
            return st
        with ThreadPoolExecutor(32) as ex:
            statuses = list(ex.map(one, paths * 2))
        assert statuses == [200] * len(statuses)
        assert srv.json("/api/health")["status"] == "ok"
    finally:
        srv.stop()
