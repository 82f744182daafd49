#!/usr/bin/env bash
# Reader pages under load: the cached demo article page and a show page, side by side in one run with the same
# article HTML served as a static file by the same Kestrel. Loopback only, every wrk run bounded in time.
#
#   bench/load/run.sh                      # defaults: wrk -t2 -c32 -d15s
#   DURATION=30s CONNECTIONS=64 bench/load/run.sh
#   WRITE_DOCS=0 bench/load/run.sh         # print the table only; don't rewrite docs/benchmarks.md
#
# Needs: .NET SDK, PostgreSQL binaries (the app's embedded cluster, Development mode), wrk, curl.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/bench/lib.sh"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
DURATION="${DURATION:-15s}"
SHOW="/shows/dior-fw25"
STATIC="/bench/article.html"

command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
cleanup() {
  bench_cleanup
  rm -rf "$WEB/wwwroot/bench"
}
trap cleanup EXIT

bench_build
bench_data_dir
bench_start_app "$BASE"
bench_wait_demo_photos "$BASE" "$READY_TIMEOUT"

echo "== warming the cache and saving the article HTML as a static file"
mkdir -p "$WEB/wwwroot/bench"
curl -fs "$BASE$ARTICLE" -o "$WEB/wwwroot/bench/article.html"
for url in "$ARTICLE" "$SHOW" "$STATIC"; do curl -fs -o /dev/null "$BASE$url"; curl -fsI "$BASE$url" | grep -qi "^content-type" ; done
age=$(curl -fsI "$BASE$ARTICLE" | tr -d '\r' | awk -F': ' 'tolower($1)=="age"{print $2}')
[[ -n "$age" ]] || echo "warning: the article page was not served from the output cache (no Age header)" >&2
bytes=$(stat -c %s "$WEB/wwwroot/bench/article.html")

echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency (each target in turn)"
results=()
results+=("$(wrk_measure static "$BASE$STATIC")")
results+=("$(wrk_measure article "$BASE$ARTICLE")")
results+=("$(wrk_measure show "$BASE$SHOW")")

static_rps=$(awk '$1=="static"{print $2}' <<<"$(printf '%s\n' "${results[@]}")")
article_rps=$(awk '$1=="article"{print $2}' <<<"$(printf '%s\n' "${results[@]}")")
ratio=$(awk -v a="$article_rps" -v s="$static_rps" 'BEGIN{printf "%.2f", a/s}')
verdict=$(awk -v r="$ratio" 'BEGIN{print (r >= 0.5) ? "met" : "NOT met"}')

table="| Target | URL | Requests/s | p99 latency |
|---|---|---:|---:|"
for line in "${results[@]}"; do
  read -r name rps _ p99 <<<"$line"
  case $name in static) url=$STATIC;; article) url=$ARTICLE;; show) url=$SHOW;; esac
  table+=$'\n'"| $name | \`$url\` | $rps | ${p99}ms |"
done
echo
echo "$table"
echo
echo "article / static throughput: $ratio (target >= 0.5: $verdict); article HTML $bytes bytes"

if [[ "$WRITE_DOCS" == "1" ]]; then
  section="## Reader pages under load

Measured $(date -u +"%Y-%m-%d %H:%M UTC") on $(bench_machine), shared with other work; wrk and the app on the same
machine over loopback. Release build, Development environment (embedded PostgreSQL, demo content: the demo article
with six galleries of six photos). \`wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency\`, one target after the other in
the same run, against the same Kestrel: the article page and a show page from the output cache (anonymous requests,
no Accept-Encoding), and the article's own HTML ($bytes bytes) saved under wwwroot and served by the static-file middleware.

$table

Cached article page at **$ratio×** the static file's throughput (target: at least 0.5×; $verdict).

Reproduce: \`bench/load/run.sh\` (options: \`DURATION\`, \`CONNECTIONS\`, \`THREADS\`, \`PORT\`, \`WRITE_DOCS=0\`). It builds
Release, starts the app on a fresh temporary data directory, waits for the demo photos to render, warms the cache, writes
\`wwwroot/bench/article.html\` for the run and removes it afterwards, and rewrites this section.
"
  bench_write_section "## Reader pages under load" "$section"
fi
