#!/usr/bin/env bash
# Purge latency: from the studio's "Take down" POST to Debian's Varnish no longer serving the cached rendition,
# p50/p99 over TAKEDOWNS takedowns (default 50). Runs the test fixture's setup (a Kestrel node with one job worker,
# varnishd -F in front, Backstage:Cdn:Kind=Http) through tests/Backstage.Web.Tests/Cdn/PurgeLatencyBench.cs.
#   bench/cdn/run.sh                 # 50 takedowns
#   TAKEDOWNS=10 bench/cdn/run.sh    # a quick trial
# And expiry punctuality: EXPIRIES photos (default 20) on two nodes (tests/…/Cluster/ExpiryPunctualityBench.cs), from
# "valid until" to the moment the last node's /media answers 410.
#   EXPIRIES=0 bench/cdn/run.sh      # purge latency only
# Needs: .NET SDK, PostgreSQL server binaries, varnish (apt-get install varnish).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/bench/lib.sh"   # machine
TAKEDOWNS="${TAKEDOWNS:-50}"
EXPIRIES="${EXPIRIES:-20}"
filter="FullyQualifiedName~PurgeLatencyBench"
(( EXPIRIES > 0 )) && filter+="|FullyQualifiedName~ExpiryPunctualityBench"
echo "== before"; machine
cd "$ROOT"
BACKSTAGE_BENCH_TAKEDOWNS="$TAKEDOWNS" BACKSTAGE_BENCH_EXPIRIES="$EXPIRIES" dotnet test tests/Backstage.Web.Tests -c Debug --filter "$filter" \
  --logger "console;verbosity=detailed" 2>&1 | tee /tmp/backstage-purge-bench.log | grep -E "PURGE-LATENCY|EXPIRY-PUNCTUALITY|Passed|Failed" || true
echo "== after"; machine
grep -q "PURGE-LATENCY" /tmp/backstage-purge-bench.log
(( EXPIRIES == 0 )) || grep -q "EXPIRY-PUNCTUALITY" /tmp/backstage-purge-bench.log
