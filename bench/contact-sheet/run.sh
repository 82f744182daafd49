#!/usr/bin/env bash
# Contact sheet weight and time to first render for a 300-photo show (issue 18), against today's form: the studio
# gallery page /studio/shows/{id}/gallery of the old one-form editor (commit 7e5cd9b, built in Release at OLD_WEB) and of
# the contact sheet (this tree), side by side in one run. Both apps run as separate Release processes (Development:
# embedded PostgreSQL + demo content, own data directory and port); each gets a new show of PHOTOS real JPEGs through its
# own resumable upload protocol (bench/Backstage.Bench ingest), so each renders its own thumbnails; the same captions,
# credits and alt text are then written into both shows. Chromium (tests/Backstage.Browser.Tests ContactSheetRenderBench)
# measures HTML bytes, inputs, page height and FCP / DOMContentLoaded / load / all cells over LOADS fresh-context loads.
#
#   bench/contact-sheet/run.sh                  # 300 photos, 5 loads per variant; prints the table for docs/benchmarks.md
#   PHOTOS=40 LOADS=3 bench/contact-sheet/run.sh
#   KEEP_APPS=1 bench/contact-sheet/run.sh      # leaves both apps up; it prints how to measure again
#
# Needs: .NET SDK, PostgreSQL binaries, Chromium at /usr/bin/chromium, curl, python3; the old app built
# (dotnet build -c Release in a worktree of 7e5cd9b; OLD_WEB points at its src/Backstage.Web).
# The in-suite check of the new page's HTML alone: dotnet test tests/Backstage.Web.Tests --filter ContactSheetWeightTests
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/bench/lib.sh"
PHOTOS="${PHOTOS:-300}"
LOADS="${LOADS:-5}"
SIZE="${SIZE:-1200x800}"
BENCH_PHOTOS="${BENCH_PHOTOS:-/work/bench-photos/$SIZE}"
OLD_WEB="${OLD_WEB:-/work/wt/old/src/Backstage.Web}"
OLD_DLL="$OLD_WEB/bin/Release/net10.0/Backstage.Web.dll"
NEW_PORT="${NEW_PORT:-5421}"
OLD_PORT="${OLD_PORT:-5422}"
NEW_BASE="http://127.0.0.1:$NEW_PORT"
OLD_BASE="http://127.0.0.1:$OLD_PORT"
DEMO_PHOTOS="${DEMO_PHOTOS:-6}"          # demo photos rendered before the rest of the demo content is dropped (loaded machine)
INGEST_TIMEOUT="${INGEST_TIMEOUT:-2400}"
KEEP_DATA="${KEEP_DATA:-0}"              # 1: leave both data directories (and the apps' logs) in /tmp
KEEP_APPS="${KEEP_APPS:-0}"              # 1: leave both apps running at the end (and their data), to measure again
BENCH="$ROOT/bench/Backstage.Bench"
DRIVER=(dotnet "$BENCH/bin/Release/net10.0/Backstage.Bench.dll")

NEW_PID="" OLD_PID="" NEW_DATA="" OLD_DATA=""
cleanup() {
  if [[ "$KEEP_APPS" == 1 ]]; then echo "apps left running: new pid $NEW_PID ($NEW_DATA), old pid $OLD_PID ($OLD_DATA)"; return; fi
  for pid in $NEW_PID $OLD_PID; do kill "$pid" 2>/dev/null || true; done
  for pid in $NEW_PID $OLD_PID; do wait "$pid" 2>/dev/null || true; done
  if [[ "$KEEP_DATA" != 1 ]]; then for d in $NEW_DATA $OLD_DATA; do rm -rf "$d"; done
  else echo "data kept: new $NEW_DATA, old $OLD_DATA"; fi
}
trap cleanup EXIT


# start WEB_DIR DLL BASE DATA: one app, Release, Development, in the background; prints its pid.
start() {
  local web="$1" dll="$2" base="$3" data="$4"
  (
    cd "$web"
    exec env ASPNETCORE_ENVIRONMENT=Development MALLOC_ARENA_MAX=2 Backstage__DataDirectory="$data" \
      Logging__LogLevel__Default=Warning Logging__Console__FormatterName=simple \
      dotnet "$dll" --urls "$base"
  ) >>"$data/app.log" 2>&1 &
  echo $!
}

# wait_live BASE PID DATA
wait_live() {
  for _ in $(seq 1 900); do curl -fs -o /dev/null "$1/health/live" && return 0; kill -0 "$2" 2>/dev/null || break; sleep 1; done
  echo "app on $1 did not start; see $3/app.log" >&2; tail -50 "$3/app.log" >&2; exit 1
}

if [[ ! -f "$OLD_DLL" ]]; then
  echo "== waiting for the old app's build ($OLD_DLL)"
  for _ in $(seq 1 120); do [[ -f "$OLD_DLL" ]] && break; sleep 10; done
  [[ -f "$OLD_DLL" ]] || { echo "no $OLD_DLL: build the old app first" >&2; exit 1; }
fi
echo "== before"; machine
echo "== old: $(git -C "$OLD_WEB" log -1 --format='%h %s' 2>/dev/null || echo "$OLD_WEB")"
echo "== new: $(git -C "$ROOT" log -1 --format='%h %s')"
bench_build
echo "== building the bench driver and the browser tests"
dotnet build "$BENCH" -c Release -v q -nologo >/dev/null
dotnet build "$ROOT/tests/Backstage.Browser.Tests" -c Debug -v q -nologo >/dev/null
echo "== $PHOTOS photos $SIZE in $BENCH_PHOTOS (missing ones are generated now, nice -n 19)"
nice -n 19 "${DRIVER[@]}" photos --count "$PHOTOS" --dir "$BENCH_PHOTOS" --size "$SIZE"

NEW_DATA="$(mktemp -d /tmp/backstage-sheet-new-XXXXXX)"; OLD_DATA="$(mktemp -d /tmp/backstage-sheet-old-XXXXXX)"
chmod 755 "$NEW_DATA" "$OLD_DATA"   # the embedded cluster runs as the postgres user when started as root
echo "== starting both apps: new on $NEW_BASE ($NEW_DATA), old on $OLD_BASE ($OLD_DATA)"
NEW_PID=$(start "$WEB" "bin/Release/net10.0/Backstage.Web.dll" "$NEW_BASE" "$NEW_DATA")
OLD_PID=$(start "$OLD_WEB" "bin/Release/net10.0/Backstage.Web.dll" "$OLD_BASE" "$OLD_DATA")
wait_live "$NEW_BASE" "$NEW_PID" "$NEW_DATA"
wait_live "$OLD_BASE" "$OLD_PID" "$OLD_DATA"
# lib.sh's helpers read BASE and BENCH_DATA: set per app
BASE="$NEW_BASE" BENCH_DATA="$NEW_DATA" bench_settle_demo "$READY_TIMEOUT" "$DEMO_PHOTOS"
BASE="$OLD_BASE" BENCH_DATA="$OLD_DATA" bench_settle_demo "$READY_TIMEOUT" "$DEMO_PHOTOS"

echo "== $PHOTOS photos into a new show in each app, both at once (resumable uploads; until every planned rendition is there)"
"${DRIVER[@]}" ingest --base "$NEW_BASE" --photos "$PHOTOS" --path resumable --photos-dir "$BENCH_PHOTOS" --timeout "$INGEST_TIMEOUT" \
  >"$NEW_DATA/ingest.txt" 2>&1 & new_ingest=$!
"${DRIVER[@]}" ingest --base "$OLD_BASE" --photos "$PHOTOS" --path resumable --photos-dir "$BENCH_PHOTOS" --timeout "$INGEST_TIMEOUT" \
  >"$OLD_DATA/ingest.txt" 2>&1 & old_ingest=$!
rc=0
wait "$new_ingest" || { echo "new app's ingest FAILED" >&2; rc=1; }
wait "$old_ingest" || { echo "old app's ingest FAILED" >&2; rc=1; }
for f in "$NEW_DATA/ingest.txt" "$OLD_DATA/ingest.txt"; do grep -v '^RESULT' "$f" | sed 's/^/   /'; done
(( rc == 0 )) || exit 1
show_of() { sed -n 's/.*; show \([0-9][0-9]*\);.*/\1/p' "$1" | head -1; }
NEW_SHOW=$(show_of "$NEW_DATA/ingest.txt"); OLD_SHOW=$(show_of "$OLD_DATA/ingest.txt")

# What an edited show carries, the same in both (as ContactSheetWeightTests): a caption on every photo, a credit on two
# in three, alt text on three in four, the agency on all.
fill="update photos set caption = 'Backstage at Dior, Fall/Winter 2025, look ' || position || '.',
  credit = case when position % 3 = 0 then null else 'Camille Martin' end, agency = 'Backstage Pictures',
  alt_text = case when position % 4 = 0 then null else 'A model in look ' || position || ' at the mirror, hair pinned up' end"
BENCH_DATA="$NEW_DATA" bench_sql "$fill where show_id = $NEW_SHOW" >/dev/null
BENCH_DATA="$OLD_DATA" bench_sql "$fill where show_id = $OLD_SHOW" >/dev/null
for app in new old; do
  d=NEW_DATA s=NEW_SHOW; [[ $app == old ]] && d=OLD_DATA s=OLD_SHOW
  echo "   $app: show ${!s}: $(BENCH_DATA="${!d}" bench_sql "select count(*) || ' photos, ' || count(*) filter (where status = 'Ready') || ' ready' from photos where show_id = ${!s}"), \
jobs pending or running: $(BENCH_DATA="${!d}" bench_sql "select count(*) from jobs where state in ('Pending', 'Running')")"
done

echo "== in the middle"; machine
MEASURE=(env BACKSTAGE_BENCH_OLD_URL="$OLD_BASE" BACKSTAGE_BENCH_NEW_URL="$NEW_BASE" BACKSTAGE_BENCH_OLD_SHOW="$OLD_SHOW"
  BACKSTAGE_BENCH_NEW_SHOW="$NEW_SHOW" BACKSTAGE_BENCH_LOADS="$LOADS")
[[ "$KEEP_APPS" != 1 ]] || echo "measure again: ${MEASURE[*]} dotnet test tests/Backstage.Browser.Tests -c Debug --no-build --filter FullyQualifiedName~ContactSheetRenderBench --logger 'console;verbosity=detailed'"
echo "== Chromium: $LOADS loads per variant, alternating old/new"
OUT="$NEW_DATA/table.md"
test_rc=0
"${MEASURE[@]}" BACKSTAGE_BENCH_OUT="$OUT" dotnet test "$ROOT/tests/Backstage.Browser.Tests" -c Debug --no-build --filter "FullyQualifiedName~ContactSheetRenderBench" \
    --logger "console;verbosity=detailed" >"$NEW_DATA/browser.txt" 2>&1 || test_rc=$?
# the per-load lines (the test prints them twice: to the console and to its output)
awk '/^ *CONTACT-SHEET/ { sub(/^ +/, ""); if (!seen[$0]++) print }' "$NEW_DATA/browser.txt"
(( test_rc == 0 )) && [[ -s "$OUT" ]] || { echo "the browser bench failed (exit $test_rc)" >&2; tail -40 "$NEW_DATA/browser.txt" >&2; exit 1; }
echo "== after"; machine
echo
cat "$OUT"
echo
echo "(docs/benchmarks.md, section \"Contact sheet: weight and time to first render\", is written from this output, with the load figures above)"
