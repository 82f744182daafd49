#!/usr/bin/env bash
# Runway to reader (issue 18): PHOTOS photos of 24 MP (default 60) from the card to a reader's page, an editor in
# Chromium working with the keyboard only, in one run through:
#   - today's contact sheet: two nodes on one PostgreSQL and one s3rver bucket (A serves the desk, B renders and serves
#     a reader who has the show's live page open), the desk's code-replacement file imported, the upload over the
#     resumable path, one template for the credit and a caption made of codes, alt text photo by photo (Ctrl+Enter),
#     Ctrl+A, P;
#   - the one-form gallery editor it replaced (commit 7e5cd9b), its own process on its own embedded PostgreSQL: the same
#     upload, then in every card the alt text, the caption typed out and the credit, and "Publish all ready".
# Runs tests/Backstage.Browser.Tests/RunwayBench.cs, which counts every key press (KeyboardDesk) and prints one RUNWAY
# line per UI.
#   bench/runway/run.sh                  # 60 photos
#   PHOTOS=10 bench/runway/run.sh        # a quick trial
#   OLD=0 bench/runway/run.sh            # today's desk only
# Needs: .NET SDK, PostgreSQL server binaries, Chromium, node (s3rver), git (a worktree of 7e5cd9b, built once).
# Photos: BENCH_PHOTOS (default /work/bench-photos/24mp), generated once (nice -n 19) when missing.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PORT="${PORT:-5461}"
source "$ROOT/bench/lib.sh"
PHOTOS="${PHOTOS:-60}"
OLD="${OLD:-1}"
OLD_COMMIT=7e5cd9b
OLD_ROOT="${OLD_ROOT:-/tmp/backstage-old-$OLD_COMMIT}"
BENCH_PHOTOS="${BENCH_PHOTOS:-/work/bench-photos/24mp}"
trap bench_cleanup EXIT
echo "== before"; machine

echo "== $PHOTOS photos in $BENCH_PHOTOS (missing ones are generated now, nice -n 19)"
dotnet build "$ROOT/bench/Backstage.Bench" -c Release -v q -nologo >/dev/null
mkdir -p "$BENCH_PHOTOS"
nice -n 19 dotnet "$ROOT/bench/Backstage.Bench/bin/Release/net10.0/Backstage.Bench.dll" photos --count "$PHOTOS" --dir "$BENCH_PHOTOS"

old_env=()
if [[ "$OLD" == 1 ]]; then
  if [[ ! -f "$OLD_ROOT/src/Backstage.Web/bin/Release/net10.0/Backstage.Web.dll" ]]; then
    echo "== the one-form editor: a worktree of $OLD_COMMIT in $OLD_ROOT, Release build"
    [[ -d "$OLD_ROOT" ]] || git -C "$ROOT" worktree add --detach "$OLD_ROOT" "$OLD_COMMIT" >/dev/null
    dotnet build "$OLD_ROOT/src/Backstage.Web" -c Release -v q -nologo >/dev/null
  fi
  WEB="$OLD_ROOT/src/Backstage.Web"   # bench_start_app runs the app in $WEB
  bench_data_dir
  # New uploads are staff pictures on both sides (the rights gate otherwise holds them: the desk sets a category).
  bench_start_app "$BASE" Backstage__Rights__NewPhotoCategory=Staff
  bench_settle_demo "$READY_TIMEOUT" 0   # the demo content is dropped: nothing else renders during the run
  slug="runway-old-$(date +%s)"
  old_id=$(bench_sql "insert into shows (designer, season, city, date, slug, description, status, publish_at, created_at, updated_at)
    values ('Schiaparelli', 'Spring/Summer 2026', 'Paris', '2026-01-26', '$slug', 'The couture show from backstage.', 'Published', now() - interval '1 minute', now(), now())
    returning id" | head -1)
  echo "== the one-form editor on $BASE: show $old_id ($slug)"
  old_env=(BACKSTAGE_BENCH_OLD_URL="$BASE" BACKSTAGE_BENCH_OLD_SHOW_ID="$old_id" BACKSTAGE_BENCH_OLD_SHOW_SLUG="$slug")
fi

echo "== the runway (today's desk$([[ "$OLD" == 1 ]] && echo ", then the one-form editor"))"
env BACKSTAGE_BENCH_RUNWAY_PHOTOS="$BENCH_PHOTOS" BACKSTAGE_BENCH_RUNWAY_COUNT="$PHOTOS" "${old_env[@]}" \
  dotnet test "$ROOT/tests/Backstage.Browser.Tests" -c Debug --filter "FullyQualifiedName~RunwayBench" --logger "console;verbosity=detailed" 2>&1 \
  | tee /tmp/backstage-runway-bench.log | grep -E "RUNWAY|Tab\(s\)|Passed|Failed|Error Message" || true
echo "== after"; machine
grep -q "RUNWAY ui=new" /tmp/backstage-runway-bench.log
