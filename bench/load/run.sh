#!/usr/bin/env bash
# Load benchmark of `newsdex serve` with wrk: requests/s and latency percentiles of /api/search
# (rotating through queries.txt) and /api/doc/ID on the BBC corpus, idle and while an ingest
# commits into the same index.  Searches are measured twice when idle: answered from the response
# cache (the default server; the 40 queries repeat) and computed every time (a second server with
# --cache-mb 0), and once more with a long-tailed mix of 500,000 distinct queries of Zipf-distributed
# popularity (the cache answers only the popular repeats).  Prints a table and writes
# bench/results/load-latest.json.
#
#   bench/load/run.sh [--duration SEC] [--connections N] [--threads N]
#
# NEWSDEX_BIN selects the binary (default <repo>/build/newsdex); BBC the corpus directory
# (default <repo>/../shared/corpora/text/bbc-news-2225/bbc).  Installs wrk with apt-get if missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${NEWSDEX_BIN:-$root/build/newsdex}
bbc=${BBC:-$root/../shared/corpora/text/bbc-news-2225/bbc}
duration=15
conns=32
wthreads=2
while [ $# -gt 0 ]; do
    case $1 in
    --duration) duration=$2; shift 2 ;;
    --connections) conns=$2; shift 2 ;;
    --threads) wthreads=$2; shift 2 ;;
    *) echo "usage: $0 [--duration SEC] [--connections N] [--threads N]" >&2; exit 2 ;;
    esac
done
[ -x "$bin" ] || { echo "no newsdex binary at $bin (set NEWSDEX_BIN)" >&2; exit 2; }
[ -d "$bbc" ] || { echo "no BBC corpus at $bbc (set BBC)" >&2; exit 2; }
if ! command -v wrk >/dev/null; then
    apt-get install -y wrk >/dev/null || { echo "cannot install wrk" >&2; exit 2; }
fi

tmp=$(mktemp -d)
server_pid=
ingest_pid=
nocache_pid=
cleanup() {
    [ -n "$ingest_pid" ] && kill "$ingest_pid" 2>/dev/null
    [ -n "$nocache_pid" ] && kill "$nocache_pid" 2>/dev/null
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

echo "== ingest the BBC corpus"
"$bin" ingest -q --index "$tmp/ix" "$bbc"
ndocs=$("$bin" stats --index "$tmp/ix" --json | sed -E 's/.*"documents":([0-9]+).*/\1/')
echo "   $ndocs documents"

# A long-tailed query mix: 500,000 distinct one- and two-word queries made of words that stand
# near each other in a BBC article (so each has hits), 1,000,000 requests drawn with Zipf-
# distributed popularity (s = 1, as in web search logs): far more distinct queries than the
# response cache holds, so it answers only the popular repeats.  Deterministic (fixed seed).
python3 - "$bbc" "$tmp/zipf-queries.txt" <<'EOF'
import os, random, re, sys
src, out = sys.argv[1], sys.argv[2]
stop = set("a an and are as at be by for from has have in is it its of on or that the to was "
           "were will with after over new up out not but he she they his her we you said also "
           "this which who been had their there would could more than when what about into".split())
rnd = random.Random(20261129)
pairs = set()
for d, _, files in sorted(os.walk(src)):
    for name in sorted(files):
        if name.endswith(".txt"):
            with open(os.path.join(d, name), encoding="latin-1") as g:
                ws = [w for w in re.findall(r"[a-z]{3,}", g.read().lower()) if w not in stop]
            for i, w in enumerate(ws):          # two words of one passage: at least one hit
                pairs.add(w)
                for v in ws[i + 1:i + 8]:
                    if v != w:
                        pairs.add(w + " " + v)
queries = sorted(pairs)
rnd.shuffle(queries)
queries = queries[:500000]
weights = [1.0 / (k + 1) for k in range(len(queries))]
with open(out, "w") as f:
    for q in rnd.choices(queries, weights=weights, k=1000000):
        f.write(q + "\n")
EOF

# a second load for the "while ingesting" runs: the corpus again under new URLs, slightly edited
python3 - "$bbc" "$tmp/more.jsonl" <<'EOF'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
n = 0
with open(out, "w") as f:
    for rep in range(10):
        for d, _, files in sorted(os.walk(src)):
            for name in sorted(files):
                if not name.endswith(".txt"):
                    continue
                with open(os.path.join(d, name), encoding="latin-1") as g:
                    lines = [l.strip() for l in g if l.strip()]
                if len(lines) < 2:
                    continue
                n += 1
                f.write(json.dumps({"url": f"https://bench.example/{rep}/{n}",
                                    "source_domain": "bench.example",
                                    "title": lines[0] + f" ({rep})",
                                    "maintext": "\n".join(lines[1:]) + f"\nBench copy {n}.",
                                    "date_publish": f"2005-{1 + n % 12:02d}-{1 + n % 28:02d}",
                                    "language": "en"}) + "\n")
EOF

"$bin" serve --index "$tmp/ix" --listen 127.0.0.1:0 --max-queries 1024 >"$tmp/serve.out" 2>"$tmp/serve.err" &
server_pid=$!
for _ in $(seq 100); do grep -q serving "$tmp/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -nE 's/.* on (http:[^ ]*)\/$/\1/p' "$tmp/serve.out")
[ -n "$url" ] || { echo "server did not start"; cat "$tmp/serve.err"; exit 1; }
echo "   server $url (threads: $(nproc))"
curl -sf "$url/api/search?q=economy" >/dev/null

# run NAME LUA: wrk, then one JSON line into $tmp/results
to_ms() { # "1.23ms" / "850.00us" / "1.02s" -> milliseconds
    awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 }
                           else if (v ~ /ms$/) { sub(/ms$/, "", v); print v + 0 }
                           else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000 }
                           else print v }'
}
run() {
    local name=$1 lua=$2 target=${3:-$url} out
    out=$(cd "$here" && NDX_DOCS=$ndocs wrk -t"$wthreads" -c"$conns" -d"${duration}s" --latency \
          -s "$lua" "$target" 2>&1)
    echo "$out" >"$tmp/wrk-$name.txt"
    local rps p50 p90 p99 errs non2xx
    rps=$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')
    p50=$(to_ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")
    p90=$(to_ms "$(echo "$out" | awk '$1 == "90%" { print $2 }')")
    p99=$(to_ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")
    errs=$(echo "$out" | awk '/Socket errors/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }')
    non2xx=$(echo "$out" | awk '/Non-2xx/ { print $5 }')
    printf '{"name":"%s","requests_per_s":%s,"p50_ms":%s,"p90_ms":%s,"p99_ms":%s,"socket_errors":%s,"non_2xx":%s}\n' \
        "$name" "${rps:-0}" "${p50:-0}" "${p90:-0}" "${p99:-0}" "${errs:-0}" "${non2xx:-0}" >>"$tmp/results"
}

echo "== /api/search, idle index, response cache off (${duration}s, $conns connections)"
"$bin" serve --index "$tmp/ix" --listen 127.0.0.1:0 --max-queries 1024 --cache-mb 0 \
    >"$tmp/nocache.out" 2>"$tmp/nocache.err" &
nocache_pid=$!
for _ in $(seq 100); do grep -q serving "$tmp/nocache.out" 2>/dev/null && break; sleep 0.1; done
nocache_url=$(sed -nE 's/.* on (http:[^ ]*)\/$/\1/p' "$tmp/nocache.out")
[ -n "$nocache_url" ] || { echo "server did not start"; cat "$tmp/nocache.err"; exit 1; }
run search_uncached search.lua "$nocache_url"
kill "$nocache_pid"; wait "$nocache_pid" || true; nocache_pid=
echo "== /api/search, idle index, response cache on (${duration}s, $conns connections)"
run search search.lua
echo "== /api/search, long-tailed mix of 500,000 queries, response cache on"
curl -sf "$url/api/stats" >"$tmp/stats0.json"
NDX_QUERIES="$tmp/zipf-queries.txt" run search_zipf search.lua
curl -sf "$url/api/stats" >"$tmp/stats1.json"
zipf_hit=$(python3 - "$tmp/stats0.json" "$tmp/stats1.json" <<'EOF'
import json, sys
a, b = (json.load(open(p))["response_cache"] for p in sys.argv[1:3])
h, m = b["hits"] - a["hits"], b["misses"] - a["misses"]
print(f"{h / max(1, h + m):.3f}")
EOF
)
echo "   response cache hit rate during that run: $zipf_hit"
echo "== /api/doc/ID, idle index"
run doc doc.lua

echo "== /api/search while ingesting ($(wc -l <"$tmp/more.jsonl") articles, commit every 500)"
ingest_t0=$(date +%s.%N)
( "$bin" ingest -q --commit-every 500 --index "$tmp/ix" "$tmp/more.jsonl" 2>"$tmp/ingest.err"
  date +%s.%N >"$tmp/ingest.end" ) &
ingest_pid=$!
run search_during_ingest search.lua
search_t1=$(date +%s.%N)
echo "== /api/doc/ID while ingesting"
run doc_during_ingest doc.lua
ingest_done=0
if kill -0 "$ingest_pid" 2>/dev/null; then ingest_done=0; else ingest_done=1; fi
wait "$ingest_pid" || true
ingest_pid=
ingest_s=$(awk -v a="$ingest_t0" -v b="$(cat "$tmp/ingest.end")" 'BEGIN { printf "%.1f", b - a }')
search_s=$(awk -v a="$ingest_t0" -v b="$search_t1" 'BEGIN { printf "%.1f", b - a }')
echo "   the ingest took ${ingest_s}s; the search run during it ${search_s}s"
final_docs=$(curl -sf "$url/api/health" | sed -E 's/.*"documents":([0-9]+).*/\1/')

kill "$server_pid"; wait "$server_pid" || true; server_pid=

mkdir -p "$root/bench/results"
python3 - "$tmp/results" "$root/bench/results/load-latest.json" "$ndocs" "$final_docs" \
    "$duration" "$conns" "$wthreads" "$ingest_done" "$zipf_hit" "$ingest_s" "$search_s" <<'EOF'
import json, os, platform, subprocess, sys, time
rows = [json.loads(l) for l in open(sys.argv[1])]
doc = {
    "benchmark": "newsdex serve load (wrk)",
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "corpus": "bbc-news-2225",
    "documents": int(sys.argv[3]),
    "documents_after_ingest": int(sys.argv[4] or 0),
    "duration_s": int(sys.argv[5]), "connections": int(sys.argv[6]), "wrk_threads": int(sys.argv[7]),
    "cpus": os.cpu_count(),
    "zipf_mix_cache_hit_rate": float(sys.argv[9]),
    "ingest_finished_during_runs": sys.argv[8] == "1",
    "ingest_seconds": float(sys.argv[10]), "search_during_ingest_seconds": float(sys.argv[11]),
    "target": {"searches_per_s": 5000, "p99_ms": 50},
    "results": rows,
}
json.dump(doc, open(sys.argv[2], "w"), indent=1)
print()
print(f"{'run':24} {'req/s':>10} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'errors':>7} {'non-2xx':>8}")
for r in rows:
    print(f"{r['name']:24} {r['requests_per_s']:>10.0f} {r['p50_ms']:>8.2f} {r['p90_ms']:>8.2f} "
          f"{r['p99_ms']:>8.2f} {r['socket_errors']:>7} {r['non_2xx']:>8}")
print(f"\nwrote {sys.argv[2]}")
EOF
