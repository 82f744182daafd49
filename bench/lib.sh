# Shared by the bench runners (source it): a Release build of the app, started in Development (embedded PostgreSQL,
# demo content) on its own temporary data directory, and the rewrite of one section of docs/benchmarks.md.
# The caller sets ROOT and traps bench_cleanup on EXIT.

WEB="$ROOT/src/Backstage.Web"
PORT="${PORT:-5399}"
BASE="http://127.0.0.1:$PORT"
READY_TIMEOUT="${READY_TIMEOUT:-900}"   # seconds to wait for the demo photos to render
WRITE_DOCS="${WRITE_DOCS:-1}"           # 0: print the tables only
ARTICLE="/articles/paris-fashion-week-the-coolest-backstage-moments"   # the demo article
APP_PID=""
BENCH_DATA=""

# bench_build: the app in Release (quietly).
bench_build() {
  echo "== building Release"
  dotnet build "$WEB" -c Release -v q -nologo >/dev/null
}

# bench_data_dir: a fresh data directory for the app (cluster, media, spool), removed by bench_cleanup.
bench_data_dir() {
  BENCH_DATA="$(mktemp -d /tmp/backstage-bench-XXXXXX)"
  chmod 755 "$BENCH_DATA"   # the embedded cluster runs as the postgres user when started as root
}

# bench_start_app BASE [NAME=VALUE…]: starts the Release app on BASE with the data in $BENCH_DATA (extra environment
# settings after BASE) and waits until it answers /health/live; APP_PID is the dotnet process itself. MALLOC_ARENA_MAX=2
# as the Dockerfile sets it (glibc's per-thread arenas otherwise hoard the native memory libvips frees).
bench_start_app() {
  local base="$1"; shift
  echo "== starting the app on $base (Development: embedded PostgreSQL + demo content, data in $BENCH_DATA)"
  (
    cd "$WEB"
    exec env ASPNETCORE_ENVIRONMENT=Development \
      MALLOC_ARENA_MAX=2 \
      Backstage__DataDirectory="$BENCH_DATA" \
      Logging__LogLevel__Default=Warning \
      Logging__Console__FormatterName=simple \
      "$@" \
      dotnet "bin/Release/net10.0/Backstage.Web.dll" --urls "$base"
  ) >>"$BENCH_DATA/app.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 600); do curl -fs -o /dev/null "$base/health/live" && break; kill -0 "$APP_PID" 2>/dev/null || break; sleep 1; done   # first start seeds demo photos
  curl -fs -o /dev/null "$base/health/live" || { echo "app did not start; see $BENCH_DATA/app.log" >&2; cat "$BENCH_DATA/app.log" >&2; exit 1; }
}

# bench_stop_app: stops the app gracefully (it stops its embedded cluster) and waits for it.
bench_stop_app() {
  if [[ -n "$APP_PID" ]]; then kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true; fi
  APP_PID=""
}

# bench_wait_demo_photos BASE TIMEOUT [COUNT]: until the sitemap lists COUNT (default all 36) rendered demo photos (or
# TIMEOUT seconds).
bench_wait_demo_photos() {
  local base="$1" timeout="$2" expected="${3:-36}" n deadline
  echo "== waiting for the demo photos to render (up to ${timeout}s)"
  deadline=$((SECONDS + timeout))
  while :; do
    n=$(curl -fs "$base/sitemap.xml" | grep -c "<image:loc>" || true)
    [[ "$n" -ge "$expected" ]] && break
    if (( SECONDS > deadline )); then echo "only $n of $expected photos rendered; measuring anyway" >&2; break; fi
    sleep 5
  done
}

# bench_sql SQL: runs SQL in the app's embedded PostgreSQL (Development, data in $BENCH_DATA), prints the rows.
bench_sql() {
  local pg_port pg_socket
  read -r _ _ _ pg_port pg_socket _ <<<"$(tr '\n' ' ' <"$BENCH_DATA/postgres/postmaster.pid")"
  runuser -u postgres -- psql -h "$pg_socket" -p "$pg_port" -d backstage -XAtq -v ON_ERROR_STOP=1 -c "$1"
}

# bench_settle_demo TIMEOUT [COUNT]: once COUNT demo photos are ready (bench_wait_demo_photos), on a loaded machine where
# all 36 would take too long (COUNT < 36), drops the demo generation and renders still queued; then waits until no
# render or demo job is pending or running (AVIF follow-ups included), so nothing renders while a bench measures.
bench_settle_demo() {
  local timeout="$1" count="${2:-36}" deadline=$((SECONDS + $1))
  bench_wait_demo_photos "$BASE" "$timeout" "$count"
  echo "== waiting for the demo renders to finish$([[ "$count" -lt 36 ]] && echo " (the rest of the demo content dropped: $count of 36 photos)")"
  while :; do
    if [[ "$count" -lt 36 ]]; then
      bench_sql "update jobs set state = 'Failed', last_error = 'bench: demo content cut short' where state = 'Pending' and (kind like 'render-photo%' or kind = 'demo-photos')" >/dev/null
    fi
    [[ "$(bench_sql "select count(*) from jobs where (kind like 'render-photo%' or kind = 'demo-photos') and state in ('Pending', 'Running')")" == 0 ]] && break
    if (( SECONDS > deadline )); then echo "demo renders still running after ${timeout}s; measuring anyway" >&2; break; fi
    sleep 1
  done
}

bench_cleanup() {
  bench_stop_app
  [[ -n "$BENCH_DATA" ]] && rm -rf "$BENCH_DATA"
  return 0
}

# machine: the load average and the CPU model, printed before and after every run.
machine() { echo "uptime: $(uptime)"; echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) cores)"; }

# bench_machine: "N cores (CPU model)" for the docs.
bench_machine() {
  printf '%s cores (%s)' "$(nproc)" "$(lscpu | awk -F': +' '/^Model name/{print $2; exit}')"
}

# bench_write_section HEADING TEXT: replaces the docs/benchmarks.md section whose heading starts with HEADING (up to the
# next "## ") with TEXT, or appends TEXT.
bench_write_section() {
  local doc="$ROOT/docs/benchmarks.md"
  [[ -f "$doc" ]] || printf '# Benchmarks\n\n' >"$doc"
  python3 - "$doc" "$1" "$2" <<'PY'
import re, sys
path, heading, section = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read()
pattern = re.compile(r"^" + re.escape(heading) + r".*?\n.*?(?=^## |\Z)", re.S | re.M)
text = pattern.sub(lambda m: section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
PY
  echo "== wrote $doc"
}

# wrk_measure NAME URL → "NAME requests/s p50-ms p99-ms": one run of wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency,
# with a warning on non-2xx answers and on socket errors (timed-out requests are not in wrk's latencies).
wrk_measure() {
  local out non2xx
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2")
  non2xx=$(awk '/Non-2xx or 3xx responses:/{print $5}' <<<"$out")
  [[ -z "$non2xx" ]] || echo "warning: $1 had $non2xx non-2xx responses" >&2
  if grep -q "Socket errors" <<<"$out"; then echo "warning: $1: $(grep "Socket errors" <<<"$out" | sed 's/^ *//')" >&2; fi
  awk -v name="$1" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^Requests\/sec:/ { rps = $2 } $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
    END { printf "%s %s %.2f %.2f\n", name, rps, p50, p99 }' <<<"$out"
}

# bench_paced_wrk LABEL → "LABEL p50 p99 max requests errors" (latencies in ms): the demo article page at a low fixed rate,
# wrk -t1 -c2 -d${WRK_DURATION}s with bench/ingest/paced.lua (PAUSE_MS between requests per connection, exported by the
# caller), the latency one reader sees; errors are socket errors plus non-2xx answers. The raw output goes to
# $BENCH_DATA/wrk-LABEL.txt.
bench_paced_wrk() {
  local out
  out=$(wrk -t1 -c2 -d"${WRK_DURATION}s" --timeout 30s --latency -s "$ROOT/bench/ingest/paced.lua" "$BASE$ARTICLE")
  echo "$out" >"$BENCH_DATA/wrk-$1.txt"
  python3 - "$1" "$BENCH_DATA/wrk-$1.txt" <<'PY'
import re, sys
text = open(sys.argv[2]).read()
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s|m)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
pct = {m.group(1): ms(m.group(2)) for m in re.finditer(r"^\s+(50|99)(?:\.000)?%\s+(\S+)", text, re.M)}
mx = re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", text, re.M)
req = re.search(r"(\d+) requests in", text)
errs = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errs += int(non2xx.group(1)) if non2xx else 0
print(sys.argv[1], f"{pct.get('50', float('nan')):.2f}", f"{pct.get('99', float('nan')):.2f}", f"{ms(mx.group(1)):.1f}", req.group(1), errs)
PY
}
