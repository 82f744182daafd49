#!/usr/bin/env bash
# Live streams on one node (issue 18, "Streams"): STREAMS concurrent SSE connections (default 500) to
# /shows/{slug}/live of a show in live coverage, held by one small asyncio client (bench/live/sse_clients.py), and:
#   - memory per connection: the app's VmRSS with the streams open minus before, divided by STREAMS (median of 5
#     samples a second apart, each side, after a 5 s settle);
#   - the demo article page's latency at a low fixed rate (wrk -t1 -c2 with bench/ingest/paced.lua) without the
#     streams, with them, and without them again (A-B-A in one run, so drift from other work on the machine shows).
#
#   bench/live/streams.sh                          # 500 streams, 30 s per wrk phase; rewrites its docs section
#   STREAMS=50 WRK_DURATION=10 DEMO_PHOTOS=6 WRITE_DOCS=0 bench/live/streams.sh   # a quick trial
#
# Needs: .NET SDK, PostgreSQL binaries (the app's embedded cluster, Development mode), wrk, curl, python3.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PORT="${PORT:-5398}"
source "$ROOT/bench/lib.sh"
STREAMS="${STREAMS:-500}"
WRK_DURATION="${WRK_DURATION:-30}"
PAUSE_MS="${PAUSE_MS:-100}"
DEMO_PHOTOS="${DEMO_PHOTOS:-36}"   # demo photos rendered before measuring; fewer on a loaded machine (the rest is dropped)
export PAUSE_MS

command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
CLIENT_PID=""
cleanup() {
  [[ -n "$CLIENT_PID" ]] && kill "$CLIENT_PID" 2>/dev/null || true
  bench_cleanup
}
trap cleanup EXIT
echo "== before"; machine
load_before=$(awk '{print $1", "$2", "$3}' /proc/loadavg)

bench_build
bench_data_dir
bench_start_app "$BASE" Backstage__Live__MaxConnections=$((STREAMS + 100))
bench_settle_demo "$READY_TIMEOUT" "$DEMO_PHOTOS"
sql() { bench_sql "$1"; }

slug=$(sql "select slug from shows where status <> 'Draft' and publish_at <= now() and (embargo_until is null or embargo_until <= now()) order by id limit 1")
[[ -n "$slug" ]] || { echo "no public demo show" >&2; exit 1; }
sql "update shows set live_coverage_started_at = now(), live_coverage_ended_at = null where slug = '$slug'"
LIVE="$BASE/shows/$slug/live"
head=$(curl -s -N --max-time 3 -D - -o /dev/null "$LIVE" || true)
grep -q "^HTTP/1.1 200" <<<"$head" && grep -qi "^content-type: text/event-stream" <<<"$head" || { echo "$LIVE is not a stream: $head" >&2; exit 1; }
echo "== live show: $slug ($LIVE)"

rss_kb() { # median VmRSS (kB) of 5 samples a second apart
  for _ in 1 2 3 4 5; do awk '$1 == "VmRSS:" { print $2 }' "/proc/$APP_PID/status"; sleep 1; done | sort -n | sed -n 3p
}
threads() { awk '$1 == "Threads:" { print $2 }' "/proc/$APP_PID/status"; }
wrk_run() { echo "   $1: $(uptime)" >&2; bench_paced_wrk "$1"; } # label → "label p50 p99 max requests errors" (ms)

curl -fs -o /dev/null "$BASE$ARTICLE"   # warm the output cache
for _ in $(seq 1 50); do curl -fs -o /dev/null "$BASE$ARTICLE"; done
echo "== article page without streams: wrk -t1 -c2 -d${WRK_DURATION}s, ${PAUSE_MS} ms between requests per connection"
without1=$(wrk_run without)
sleep 5
rss0=$(rss_kb); th0=$(threads)   # after the first wrk: start-up garbage collected, the output cache warm

echo "== opening $STREAMS streams"
ready="$BENCH_DATA/streams.ready"
python3 "$ROOT/bench/live/sse_clients.py" "$LIVE" --count "$STREAMS" --ready-file "$ready" >"$BENCH_DATA/streams.out" 2>&1 &
CLIENT_PID=$!
for _ in $(seq 1 120); do [[ -s "$ready" ]] && break; kill -0 "$CLIENT_PID" 2>/dev/null || break; sleep 0.5; done
[[ -s "$ready" ]] || { echo "the stream client did not report: $(cat "$BENCH_DATA/streams.out")" >&2; exit 1; }
echo "   $(cat "$ready")"
read -r _ opened _ failed _ <"$ready"
[[ "$opened" == "$STREAMS" ]] || echo "warning: only $opened of $STREAMS streams opened" >&2
sleep 5
rss1=$(rss_kb); th1=$(threads)
client_rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$CLIENT_PID/status")
echo "   app RSS $((rss0 / 1024)) → $((rss1 / 1024)) MB, threads $th0 → $th1; client RSS $((client_rss / 1024)) MB"
echo "== article page with $opened streams open"
with=$(wrk_run with)
rss2=$(rss_kb)
kill -TERM "$CLIENT_PID"; wait "$CLIENT_PID" || true; CLIENT_PID=""
result=$(sed -n 's/^RESULT //p' "$BENCH_DATA/streams.out")
echo "   client: $result"
sleep 3
echo "== article page without streams again"
without2=$(wrk_run without-again)
echo "== after"; machine
load_after=$(awk '{print $1", "$2", "$3}' /proc/loadavg)

per_conn=$(awk -v a="$rss0" -v b="$rss1" -v n="$opened" 'BEGIN { printf "%.1f", (b - a) / n }')
per_conn2=$(awk -v a="$rss0" -v b="$rss2" -v n="$opened" 'BEGIN { printf "%.1f", (b - a) / n }')
row() { read -r label p50 p99 mx reqs errs <<<"$1"; echo "| $label | $p50 | $p99 | $mx | $reqs | $errs |"; }
table="| Article page | p50 (ms) | p99 (ms) | max (ms) | requests | errors |
|---|---:|---:|---:|---:|---:|
$(row "$without1")
$(row "$with")
$(row "$without2")"
ratio=$(awk -v w="$(cut -d' ' -f3 <<<"$with")" -v a="$(cut -d' ' -f3 <<<"$without1")" -v b="$(cut -d' ' -f3 <<<"$without2")" 'BEGIN { printf "%.2f", w / ((a + b) / 2) }')
mem="| Streams open | App RSS before (MB) | with streams (MB) | after the with-streams wrk (MB) | per connection (KB) | threads before → with |
|---:|---:|---:|---:|---:|---|
| $opened of $STREAMS ($failed failed) | $((rss0 / 1024)) | $((rss1 / 1024)) | $((rss2 / 1024)) | $per_conn (after wrk: $per_conn2) | $th0 → $th1 |"
echo
echo "$mem"
echo
echo "$table"
echo "p99 with streams / mean p99 without: $ratio; client: $result"

if [[ "$WRITE_DOCS" == "1" ]]; then
  bench_write_section "## Live streams: SSE connections on one node" "## Live streams: SSE connections on one node (issue 18)

Measured $(date -u +"%Y-%m-%d %H:%M UTC") on $(bench_machine), **load average $load_before before and $load_after after**
(other helpers' builds and tests shared the two cores: not quiet). One Release node in Development (embedded PostgreSQL,
demo content rendered first), the client and wrk on the same machine over loopback. $STREAMS SSE streams to
\`/shows/$slug/live\` (the show set in live coverage) held by one asyncio process (\`bench/live/sse_clients.py\`, client
RSS $((client_rss / 1024)) MB); memory is the app's \`VmRSS\` (median of 5 samples a second apart; server GC, so it moves by
tens of MB on its own) with the streams open minus before them (after the first wrk phase).

$mem

The demo article page at a low fixed rate (\`wrk -t1 -c2 -d${WRK_DURATION}s --timeout 30s\`, ${PAUSE_MS} ms between requests per
connection), without the streams, with them, and without them again, one after the other:

$table

p99 with the streams / mean p99 of the two runs without: **$ratio** (goal: within 10 %, i.e. at most 1.10). Stream client
at the end: \`$result\`.

Reproduce: \`bench/live/streams.sh\` (options: \`STREAMS\`, \`WRK_DURATION\` seconds, \`PAUSE_MS\`, \`DEMO_PHOTOS\`, \`PORT\`, \`WRITE_DOCS=0\`);
this run: \`STREAMS=$STREAMS WRK_DURATION=$WRK_DURATION DEMO_PHOTOS=$DEMO_PHOTOS bench/live/streams.sh\`.
"
fi
