#!/usr/bin/env bash
# Live latency: publish a photo on node A → it appears on a reader's page (Chromium) served by node B, p50/p99 over
# PUBLISHES publishes (default 50). Runs tests/Backstage.Browser.Tests/LiveLatencyBench.cs: two Kestrel nodes on one
# PostgreSQL database and one s3rver bucket (A serves, B renders), polling fallbacks at ten minutes, so every update
# comes by LISTEN/NOTIFY → the live feed's SSE event → live.js fetching the page.
#   bench/live/run.sh                 # 50 publishes
#   PUBLISHES=10 bench/live/run.sh    # a quick trial
# Needs: .NET SDK, PostgreSQL server binaries, Chromium (apt-get install chromium), node (s3rver).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/bench/lib.sh"   # machine
PUBLISHES="${PUBLISHES:-50}"
echo "== before"; machine
cd "$ROOT"
BACKSTAGE_BENCH_PUBLISHES="$PUBLISHES" dotnet test tests/Backstage.Browser.Tests -c Debug --filter "FullyQualifiedName~LiveLatencyBench" \
  --logger "console;verbosity=detailed" 2>&1 | tee /tmp/backstage-live-bench.log | grep -E "LIVE-LATENCY|Passed|Failed" || true
echo "== after"; machine
grep -q "LIVE-LATENCY" /tmp/backstage-live-bench.log
