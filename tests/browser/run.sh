#!/usr/bin/env bash
# Browser tests of the search page: installs playwright-core (npm; the browser is the system
# Chromium, never downloaded) and runs every *.test.mjs here.  Prints "N passed, N failed" last; the
# exit status is the test result.  NEWSDEX_BIN selects the binary (default <repo>/build/newsdex).
set -uo pipefail
cd "$(dirname "$0")"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -d node_modules/playwright-core ]; then
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent
    else npm install --no-audit --no-fund --silent; fi || { echo "npm install failed"; echo "0 passed, 1 failed"; exit 1; }
fi
log=$(mktemp)
node --test --test-concurrency=1 --test-reporter=tap *.test.mjs 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
pass=$(grep -E '^# pass ' "$log" | awk '{print $3}')
fail=$(grep -E '^# fail ' "$log" | awk '{print $3}')
rm -f "$log"
[ -z "$pass" ] && pass=0
[ -z "$fail" ] && fail=1
[ "$rc" -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
echo "$pass passed, $fail failed"
exit "$rc"
