#!/usr/bin/env bash
# Load benchmark of `newsdex serve` with wrk: requests/s and latency percentiles of /api/search
# (rotating through queries.txt) and /api/doc/ID on the BBC corpus, idle and while an ingest
# commits into the same index.  Searches are measured twice when idle: answered from the response
# cache (the default server; the 40 queries repeat) and computed every time (a second server with
# --cache-mb 0).  Prints a table and writes bench/results/load-latest.json.
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

# a second load for the "while ingesting" runs: the corpus again under new URLs, slightly edited
python3 - "$bbc" "$tmp/more.jsonl" <<'EOF'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
n = 0
with open(out, "w") as f:
    for rep in range(3):
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
echo "== /api/doc/ID, idle index"
run doc doc.lua

echo "== /api/search while ingesting ($(wc -l <"$tmp/more.jsonl") articles, commit every 500)"
"$bin" ingest -q --commit-every 500 --index "$tmp/ix" "$tmp/more.jsonl" 2>"$tmp/ingest.err" &
ingest_pid=$!
run search_during_ingest search.lua
echo "== /api/doc/ID while ingesting"
run doc_during_ingest doc.lua
ingest_done=0
if kill -0 "$ingest_pid" 2>/dev/null; then ingest_done=0; else ingest_done=1; fi
wait "$ingest_pid" || true
ingest_pid=
final_docs=$(curl -sf "$url/api/health" | sed -E 's/.*"documents":([0-9]+).*/\1/')

kill "$server_pid"; wait "$server_pid" || true; server_pid=

mkdir -p "$root/bench/results"
python3 - "$tmp/results" "$root/bench/results/load-latest.json" "$ndocs" "$final_docs" \
    "$duration" "$conns" "$wthreads" "$ingest_done" <<'EOF'
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
    "ingest_finished_during_runs": sys.argv[8] == "1",
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
