#!/usr/bin/env bash
# Newsroom ingest, end to end (issue 11): N photos of 24 MP into a new show through the real HTTP path, once through
# the resumable chunk protocol and once through the no-JavaScript form, each in a fresh app process, until every photo
# is ready with every planned rendition. Beside it: the app's peak RSS and CPU-seconds, and the demo article page's
# latency at a low fixed rate (wrk with a paced Lua script), idle and during the ingest.
#
#   bench/ingest/run.sh                    # 300 photos, both paths; rewrites the section in docs/benchmarks.md
#   PHOTOS=20 WRITE_DOCS=0 bench/ingest/run.sh
#   PATHS=resumable WRK_DURATION=60 bench/ingest/run.sh
#   PHOTOS=40 PATHS=resumable PRIORITIES="Low Normal" BASELINE_PHOTOS=0 DEMO_PHOTOS=6 WRITE_DOCS=0 bench/ingest/run.sh
#                                          # render threads at nice 19 vs normal priority, side by side in one run
#
# Needs: .NET SDK, PostgreSQL binaries (the app's embedded cluster, Development mode), wrk, curl, python3.
# Photos: BENCH_PHOTOS (default /work/bench-photos/24mp), generated once (nice -n 19) when missing.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/bench/lib.sh"
PHOTOS="${PHOTOS:-300}"
PATHS="${PATHS:-resumable form}"
BENCH_PHOTOS="${BENCH_PHOTOS:-/work/bench-photos/24mp}"
WRK_DURATION="${WRK_DURATION:-$(( PHOTOS * 3 / 5 > 20 ? PHOTOS * 3 / 5 : 20 ))}"   # seconds, idle and during the ingest
PAUSE_MS="${PAUSE_MS:-100}"                                                       # per connection: -c2 → ≤ 20 req/s
INGEST_TIMEOUT="${INGEST_TIMEOUT:-1800}"
PRIORITIES="${PRIORITIES:-default}"       # Backstage:Jobs:RenderPriority per run (Normal, Low, Idle); "default": not set
BASELINE_PHOTOS="${BASELINE_PHOTOS:-10}" # photos for the bare-pipeline baseline; 0 skips it
DEMO_PHOTOS="${DEMO_PHOTOS:-36}"         # demo photos rendered first; fewer on a loaded machine (the rest is dropped)
BENCH="$ROOT/bench/Backstage.Bench"
export BENCH_PHOTOS PAUSE_MS

command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
SAMPLER_PID=""
cleanup() {
  [[ -n "$SAMPLER_PID" ]] && kill "$SAMPLER_PID" 2>/dev/null || true
  bench_cleanup
}
trap cleanup EXIT

bench_build
echo "== building the bench driver"
dotnet build "$BENCH" -c Release -v q -nologo >/dev/null
DRIVER=(dotnet "$BENCH/bin/Release/net10.0/Backstage.Bench.dll")

echo "== $PHOTOS photos in $BENCH_PHOTOS (missing ones are generated now, nice -n 19)"
nice -n 19 "${DRIVER[@]}" photos --count "$PHOTOS" --dir "$BENCH_PHOTOS"

# The first start seeds the demo content and renders its 36 photos; each path then gets a fresh process, so the peak
# RSS and CPU below are that path's (plus the app's start).
bench_data_dir
# The physical floor on this machine, same run: the bare libvips pipeline (no HTTP, no database) on the two job kinds'
# rendition sets, 2 photos in parallel like the app's two render workers.
echo "== before"; machine
if (( BASELINE_PHOTOS > 0 )); then
echo "== baseline: the bare render pipeline, the Ready set and the rest, on $BASELINE_PHOTOS photos"
"${DRIVER[@]}" --photos "$BASELINE_PHOTOS" --pipelines backstage-ready,backstage-later | tee "$BENCH_DATA/baseline.txt"
else : >"$BENCH_DATA/baseline.txt"; fi
base_ready=$(awk '$1 == "backstage-ready" { print $4 }' "$BENCH_DATA/baseline.txt")
base_later=$(awk '$1 == "backstage-later" { print $4 }' "$BENCH_DATA/baseline.txt")
floor=$(awk -v c="$base_ready" -v n="$PHOTOS" -v k="$(nproc)" 'BEGIN { printf "%.0f", c * n / k }')

bench_start_app "$BASE"
# and their AVIF follow-ups, which would otherwise run (at background priority) inside the first measured ingest
bench_settle_demo "$READY_TIMEOUT" "$DEMO_PHOTOS"
bench_stop_app

ticks=$(getconf CLK_TCK)
app_cpu() { awk -v t="$ticks" '{ print ($14 + $15) / t }' "/proc/$APP_PID/stat"; }   # utime + stime, seconds
machine_cpu() { awk -v t="$ticks" '/^cpu /{ print ($2 + $3 + $4 + $7 + $8 + $9) / t }' /proc/stat; }   # all busy time
status_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$APP_PID/status"; }


rows=()
readers=()
status=0
for path_prio in $(for p in $PATHS; do for q in $PRIORITIES; do echo "$p:$q"; done; done); do
  path=${path_prio%%:*} prio=${path_prio#*:} tag=${path_prio/:/-}
  prio_env=()
  if [[ "$prio" != default ]]; then prio_env=(Backstage__Jobs__RenderPriority="$prio"); fi
  label=$path; [[ "$prio" == default ]] || label="$path, RenderPriority=$prio"
  echo "== $label: fresh app process ($(uptime))"
  bench_start_app "$BASE" "${prio_env[@]}"
  curl -fs -o /dev/null "$BASE$ARTICLE"   # warm the output cache
  echo "== $path: article page idle, wrk -t1 -c2 -d${WRK_DURATION}s, ${PAUSE_MS} ms between requests per connection"
  idle=$(bench_paced_wrk "idle-$tag")

  cpu0=$(app_cpu); mcpu0=$(machine_cpu)
  : >"$BENCH_DATA/rss-$tag.txt"
  ( while kill -0 "$APP_PID" 2>/dev/null; do status_kb VmRSS >>"$BENCH_DATA/rss-$tag.txt" || true; sleep 1; done ) &
  SAMPLER_PID=$!
  echo "== $path: ingest of $PHOTOS photos, with the article page under the same wrk for ${WRK_DURATION}s"
  wrk_out="$BENCH_DATA/during-$tag.line"
  ( bench_paced_wrk "during-$tag" >"$wrk_out" ) &
  wrk_pid=$!
  ingest_rc=0
  "${DRIVER[@]}" ingest --base "$BASE" --photos "$PHOTOS" --path "$path" --photos-dir "$BENCH_PHOTOS" --timeout "$INGEST_TIMEOUT" \
    | tee "$BENCH_DATA/ingest-$tag.txt" || ingest_rc=$?
  ! kill -0 "$wrk_pid" 2>/dev/null || echo "warning: wrk (${WRK_DURATION}s) outlasted the ingest; its figures include idle time — lower WRK_DURATION" >&2
  wait "$wrk_pid"
  during=$(cat "$wrk_out")
  cpu1=$(app_cpu); mcpu1=$(machine_cpu)
  hwm=$(status_kb VmHWM)
  kill "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""
  rss_max=$(sort -n "$BENCH_DATA/rss-$tag.txt" | tail -1)
  bench_stop_app
  (( ingest_rc == 0 )) || { echo "ingest over $path FAILED (exit $ingest_rc)" >&2; status=1; }

  result=$(sed -n 's/^RESULT //p' "$BENCH_DATA/ingest-$tag.txt")
  [[ -n "$result" ]] || { echo "no result from the $path ingest" >&2; status=1; continue; }
  rows+=("$(python3 - "$result" "$label" "$hwm" "$rss_max" "$cpu0" "$cpu1" "$mcpu0" "$mcpu1" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
r['Path'] = sys.argv[2]
hwm, rss, c0, c1, m0, m1 = (float(x) for x in sys.argv[3:])
n = max(1, r["Photos"])
f = lambda v, p=1: "n/a" if v != v else f"{v:.{p}f}"
print(f"| {r['Path']} | {r['Photos']} | {r['Bytes'] / 1e6:.0f} | {f(r['UploadSeconds'])} | {f(r['FirstReadySeconds'])} | "
      f"{f(r['AllReadySeconds'])} | {f(r['AllRenditionsSeconds'])} | {f(r['PhotosPerMinute'])} | {hwm / 1024:.0f} | {rss / 1024:.0f} | "
      f"{(c1 - c0) / n:.2f} | {(m1 - m0) / n:.2f} | {len(r['Failed'])} |")
PY
)")
  readers+=("$(read -r _ p50 p99 mx reqs errs <<<"$idle"; read -r _ dp50 dp99 dmx dreqs derrs <<<"$during"
    echo "| $label | $p50 | $p99 | $mx | $reqs | $errs | $dp50 | $dp99 | $dmx | $dreqs | $derrs |")")
  echo "   $label: $(uptime)"
done
echo "== after"; machine

table="| Path | Photos | MB sent | Uploads done (s) | First ready (s) | All ready (s) | Every rendition (s) | Photos/min | App peak RSS (MB) | Max sampled RSS (MB) | App CPU-s/photo | Machine CPU-s/photo | Failed |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for r in "${rows[@]}"; do table+=$'\n'"$r"; done
reader="| Path | Idle p50 (ms) | Idle p99 | Idle max | Idle requests | Idle errors | Ingest p50 (ms) | Ingest p99 | Ingest max | Ingest requests | Ingest errors |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for r in "${readers[@]}"; do reader+=$'\n'"$r"; done
echo
echo "$table"
echo
echo "$reader"

if [[ "$WRITE_DOCS" == "1" ]]; then
  bench_write_section "## Newsroom ingest, end to end" "## Newsroom ingest, end to end (issue 11)

Measured $(date -u +"%Y-%m-%d %H:%M UTC") on $(bench_machine); the app, its embedded PostgreSQL, the driver and wrk
on the same machine over loopback. Release build, Development environment, demo content rendered first. $PHOTOS distinct
24 MP JPEGs (6000×4000, q90, photographic detail; \`DemoImages\` with one seed per photo) into a new show, each path in a
fresh app process (two render workers, the production rendition plan). Times are from the first byte sent; \"all
ready\" is when the last photo was marked ready (the server's own time), \"every rendition\" when the driver saw every
planned rendition of every photo. Peak RSS is the app process's \`VmHWM\` (start-up included); CPU-s per photo are the
app process's utime+stime over the ingest, and the whole machine's busy time (PostgreSQL, driver and wrk included).

$table

The demo article page at a low fixed rate (\`wrk -t1 -c2 -d${WRK_DURATION}s --timeout 30s\`, ${PAUSE_MS} ms between
requests per connection: at most $((2000 / PAUSE_MS)) requests/s), idle before the ingest and during its first
${WRK_DURATION} s:

$reader

Physical baseline, same run: the bare rendition pipeline (\`bench/Backstage.Bench\`, no HTTP or database, 2 photos in
parallel) costs **$base_ready CPU-s per photo for what makes a photo Ready** (JPEG + WebP up to 1280 wide, 3 crops) and
$base_later for the rest (AVIF, 1920 and 2560); $PHOTOS photos on $(nproc) cores cannot all be ready sooner than about
${floor} s on this machine, whatever the app does around the renders.

Targets (issue 11, 2 cores): all 300 ready within 6 minutes of the first byte, the first within 10 s, app peak under
600 MB, the reader pages still answering.

Reproduce: \`bench/ingest/run.sh\` (options: \`PHOTOS\`, \`PATHS=\"resumable form\"\`, \`WRK_DURATION\` seconds, \`PAUSE_MS\`,
\`PORT\`, \`BENCH_PHOTOS\`, \`WRITE_DOCS=0\`). It builds Release, generates the photos once into \`BENCH_PHOTOS\`, starts
the app on a fresh temporary data directory and rewrites this section. The driver alone, against any running node(s):
\`dotnet run -c Release --project bench/Backstage.Bench -- ingest --base http://127.0.0.1:5399[,http://127.0.0.1:5302]
--email editor@backstage.test --password … --photos 300 --path resumable|form --photos-dir DIR\` (requests round-robin
over the nodes; exits non-zero when a photo is lost, duplicated, failed or not ready in time).
"
fi
exit $status
