#!/usr/bin/env bash
# Several nodes, side by side in one run, on the cluster of scripts/cluster.sh (private PostgreSQL, s3rver, Release
# nodes in Production):
#   1. rendition serving — one public rendition (a demo photo's w1280.webp) under wrk from a FileSystem node, an S3 node
#      with a warm local cache, an S3 node with the cache off (CacheBytes=0: every request downloads from s3rver), and
#      the same bytes as a static file under wwwroot of the warm node's Kestrel;
#   2. cross-node eviction — "Publish now" through the studio form on node A, node B polled until it shows the change;
#   3. upload-to-ready of PHOTOS photos, rendered by one node and then by two (CPU-s per photo summed over every node
#      process from /proc/<pid>/stat, and a check that every photo is there once and rendered exactly once).
#
#   bench/scale/run.sh                                  # defaults: wrk -t2 -c32 -d15s, 50 rounds, 50 photos
#   DURATION=3s ROUNDS=5 PHOTOS=5 WRITE_DOCS=0 bench/scale/run.sh   # a quick trial
#   PARTS="serve evict" bench/scale/run.sh              # only some parts (serve, evict, ingest)
#   KEEP=1 bench/scale/run.sh                           # keep the temporary folder with every log afterwards
#
# Needs: .NET SDK, PostgreSQL server binaries, node/npm (s3rver), wrk, curl, psql.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
DURATION="${DURATION:-15s}"
ROUNDS="${ROUNDS:-50}"
PHOTOS="${PHOTOS:-50}"
PARTS="${PARTS:-serve evict ingest}"
WRITE_DOCS="${WRITE_DOCS:-1}"
READY_TIMEOUT="${READY_TIMEOUT:-900}"   # seconds for demo photos, and for each ingest phase, to be ready
DEMO_READY="${DEMO_READY:-36}"          # demo photos rendered, AVIF follow-ups included, before serving is measured (nothing renders meanwhile)
BENCH_PHOTOS="${BENCH_PHOTOS:-/work/bench-photos/24mp}"   # 24 MP JPEGs of bench/Backstage.Bench "photos", made when missing
BASE_PORT="${BASE_PORT:-5301}"          # nodes on BASE_PORT … BASE_PORT+3, s3rver on BASE_PORT+89
# shellcheck source=../lib.sh
source "$ROOT/bench/lib.sh"

for tool in wrk curl psql python3; do command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install wrk curl postgresql-client python3)" >&2; exit 1; }; done

WORK="$(mktemp -d /tmp/backstage-scale-XXXXXX)"
chmod 755 "$WORK"
export CLUSTER_DIR="$WORK/cluster" CLUSTER_S3_PORT=$((BASE_PORT + 89)) CLUSTER_PORTS="$BASE_PORT $((BASE_PORT + 1))"
export TMPDIR="$WORK"   # cluster.sh keeps its state file here: this run never meets another cluster
export BACKSTAGE_ADMIN_EMAIL="bench@backstage.test" BACKSTAGE_ADMIN_PASSWORD="Bench-scale-$RANDOM-$RANDOM"
export Logging__LogLevel__Default=Warning
N1="http://127.0.0.1:$BASE_PORT" N2="http://127.0.0.1:$((BASE_PORT + 1))"
P3=$((BASE_PORT + 2)) P4=$((BASE_PORT + 3))
CLUSTER_UP=0
cleanup() {
  local f
  for f in "$CLUSTER_DIR"/extra-*.pid; do [[ -f "$f" ]] && stop_pid "$(cat "$f")" && rm -f "$f"; done
  [[ "$CLUSTER_UP" == 1 ]] && "$ROOT/scripts/cluster.sh" down >/dev/null
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $WORK (logs: $CLUSTER_DIR/*.log)" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap "exit 143" TERM
trap "exit 130" INT
fail() { echo "FAILED: $*" >&2; [[ "${KEEP:-0}" == 1 ]] || echo "(run with KEEP=1 to keep the nodes' logs)" >&2; exit 1; }
stop_pid() { # an extra node this script started: SIGTERM, up to 30 s to finish, then SIGKILL
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 150); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$1" 2>/dev/null || true
  { wait "$1"; } 2>/dev/null || true
}
sql() { psql -h "$CLUSTER_DIR/pg" -U postgres -d backstage -XtAq -v ON_ERROR_STOP=1 -c "$1"; }
cpu_seconds() { # summed user+system CPU of the given pids (clock ticks in /proc/<pid>/stat fields 14 and 15)
  local total=0 pid ticks; ticks=$(getconf CLK_TCK)
  for pid in "$@"; do total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}'))); done
  awk -v t="$total" -v k="$ticks" 'BEGIN{printf "%.2f", t / k}'
}
node_pids() { cat "$CLUSTER_DIR"/node*.pid "$CLUSTER_DIR"/extra-*.pid 2>/dev/null; }

# The environment cluster.sh gives its nodes; an extra node differs only in what its arguments set.
start_extra() { # name port VAR=VALUE...
  local name=$1 port=$2; shift 2
  mkdir -p "$CLUSTER_DIR/$name"
  (cd "$CLUSTER_DIR/app" && exec env ASPNETCORE_ENVIRONMENT=Production Backstage__MigrateOnStartup=false \
    ConnectionStrings__Backstage="Host=$CLUSTER_DIR/pg;Database=backstage;Username=postgres" \
    Backstage__Media__Storage__Kind=S3 Backstage__Media__Storage__ServiceUrl="http://127.0.0.1:$CLUSTER_S3_PORT" \
    Backstage__Media__Storage__Bucket=backstage Backstage__Media__Storage__AccessKey=S3RVER Backstage__Media__Storage__SecretKey=S3RVER \
    Backstage__DataDirectory="$CLUSTER_DIR/$name" Backstage__PublicBaseUrl="http://127.0.0.1:$port" ASPNETCORE_URLS="http://127.0.0.1:$port" \
    "$@" dotnet Backstage.Web.dll >"$CLUSTER_DIR/$name.log" 2>&1 </dev/null) &
  echo $! >"$CLUSTER_DIR/extra-$name.pid"
  for _ in $(seq 1 120); do curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" && return 0; sleep 1; done
  tail -n 30 "$CLUSTER_DIR/$name.log" >&2; fail "extra node $name on :$port did not become ready"
}
stop_extra() { local f="$CLUSTER_DIR/extra-$1.pid"; stop_pid "$(cat "$f")"; rm -f "$f"; }
wait_until() { # seconds description sql-condition
  local deadline=$((SECONDS + $1))
  until [[ "$(sql "select ($3)")" == t ]]; do (( SECONDS < deadline )) || fail "$2 not reached within $1 s"; sleep 0.5; done
}

echo "== before"; machine
echo "== cluster: scripts/cluster.sh up (data in $CLUSTER_DIR)"
CLUSTER_UP=1
"$ROOT/scripts/cluster.sh" up >"$WORK/cluster-up.log" 2>&1 || { cat "$WORK/cluster-up.log" >&2; fail "cluster.sh up"; }
echo "== building bench/Backstage.Bench (Release)"
dotnet build "$ROOT/bench/Backstage.Bench" -c Release -v q -nologo >/dev/null
bench() { dotnet run --no-build -c Release --project "$ROOT/bench/Backstage.Bench" -- "$@"; }
rows=()

if [[ " $PARTS " == *" serve "* ]]; then
  echo "== demo content: a Development node seeds the six demo shows into the shared database and bucket"
  start_extra seed "$P3" ASPNETCORE_ENVIRONMENT=Development Backstage__SeedDemoContent=true Backstage__Jobs__Workers=2
  if (( DEMO_READY >= 36 )); then
    wait_until "$READY_TIMEOUT" "$DEMO_READY demo photos ready" "(select count(*) from photos where status = 'Ready') >= $DEMO_READY and not exists (select 1 from jobs where kind like 'render-photo%' and state in ('Pending', 'Running'))"
    stop_extra seed
  else
    # Fewer demo photos (a loaded machine): stop seeding once DEMO_READY are ready, drop the demo work still queued,
    # and wait for the renders and generation already running (node 2 has workers too), so nothing renders while
    # serving is measured.
    wait_until "$READY_TIMEOUT" "$DEMO_READY demo photos ready" "(select count(*) from photos where status = 'Ready') >= $DEMO_READY"
    stop_extra seed
    deadline=$((SECONDS + READY_TIMEOUT))
    until [[ "$(sql "select exists (select 1 from jobs where (kind like 'render-photo%' or kind = 'demo-photos') and state in ('Pending', 'Running'))")" == f ]]; do
      sql "update jobs set state = 'Failed', last_error = 'bench/scale: demo content cut short (DEMO_READY)' where state = 'Pending' and (kind like 'render-photo%' or kind = 'demo-photos')"
      (( SECONDS < deadline )) || fail "demo renders still running after $READY_TIMEOUT s"
      sleep 1
    done
  fi
  read -r photo spec < <(sql "select photo_id || ' ' || spec from renditions where spec = 'w1280.webp' order by photo_id limit 1")
  [[ -n "${photo:-}" ]] || fail "no w1280.webp rendition in the database"
  media="/media/$photo/$spec"

  echo "== serving nodes: FileSystem on :$P3 (the one rendition copied into its media folder), S3 with the cache off on :$P4"
  curl -fsS "$N2$media" -o "$WORK/rendition" || fail "$N2$media did not answer 200"
  mkdir -p "$CLUSTER_DIR/fsmedia/renditions/$photo"
  cp "$WORK/rendition" "$CLUSTER_DIR/fsmedia/renditions/$photo/$spec"
  start_extra fs "$P3" Backstage__Media__Storage__Kind=FileSystem Backstage__Media__Storage__Path="$CLUSTER_DIR/fsmedia" Backstage__Jobs__Workers=0
  start_extra cold "$P4" Backstage__Media__Storage__CacheBytes=0 Backstage__Jobs__Workers=0
  mkdir -p "$CLUSTER_DIR/app/wwwroot/bench"
  cp "$WORK/rendition" "$CLUSTER_DIR/app/wwwroot/bench/$spec"

  targets=("filesystem http://127.0.0.1:$P3$media" "s3-warm $N1$media" "s3-cold http://127.0.0.1:$P4$media" "static $N1/bench/$spec")
  want=$(sha256sum <"$WORK/rendition" | cut -d' ' -f1)
  etag=""
  for t in "${targets[@]}"; do
    read -r name url <<<"$t"
    code=$(curl -s -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' "$url")
    [[ "$code" == 200 ]] || fail "$name $url answered $code"
    [[ "$(sha256sum <"$WORK/body" | cut -d' ' -f1)" == "$want" ]] || fail "$name $url answered other bytes"
    e=$(tr -d '\r' <"$WORK/headers" | awk -F': ' 'tolower($1)=="etag"{print $2}')
    if [[ "$name" != static ]]; then
      [[ -n "$e" && ( -z "$etag" || "$e" == "$etag" ) ]] || fail "$name $url: ETag '$e', expected '${etag:-any}'"
      etag=$e
    fi
  done
  bytes=$(stat -c %s "$WORK/rendition")
  echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency on $media ($bytes bytes), each target in turn"
  for t in "${targets[@]}"; do
    read -r name url <<<"$t"
    echo "   before $name: $(uptime)"
    read -r _ rps p50 p99 < <(wrk_measure "$name" "$url")
    case $name in
      filesystem) what="FileSystem storage";;
      s3-warm) what="S3, warm local cache";;
      s3-cold) what="S3, local cache off (every request from s3rver)";;
      static) what="same file, static-file middleware";;
    esac
    rows+=("| rendition \`$spec\` ($bytes B) | $what | $rps req/s | $p50 ms | $p99 ms | |")
    echo "   $name: $rps req/s, p50 $p50 ms, p99 $p99 ms"
  done
  stop_extra fs; stop_extra cold
fi

if [[ " $PARTS " == *" evict "* ]]; then
  echo "== eviction: $ROUNDS rounds of \"Publish now\" on $N1, polling $N2"
  out=$(bench evict --a "$N1" --b "$N2" --email "$BACKSTAGE_ADMIN_EMAIL" --password "$BACKSTAGE_ADMIN_PASSWORD" --rounds "$ROUNDS") || fail "eviction bench: $out"
  line=$(grep '^RESULT ' <<<"$out") || fail "eviction bench printed no RESULT: $out"
  declare -A ev; for kv in ${line#RESULT }; do ev[${kv%%=*}]=${kv#*=}; done
  rows+=("| cross-node eviction | publish on A → B serves the new page ($ROUNDS rounds, 5 ms poll) | | ${ev[p50]} ms | ${ev[p99]} ms | worst ${ev[max]} ms; after A's answer: p50 ${ev[after_answer_p50]} / p99 ${ev[after_answer_p99]} ms |")
  echo "   p50 ${ev[p50]} ms, p99 ${ev[p99]} ms (after A's answer: ${ev[after_answer_p50]} / ${ev[after_answer_p99]} ms)"
fi

if [[ " $PARTS " == *" ingest "* ]]; then
  echo "== $PHOTOS photos in $BENCH_PHOTOS (missing ones are generated now, nice -n 19)"
  nice -n 19 dotnet run --no-build -c Release --project "$ROOT/bench/Backstage.Bench" -- photos --count "$PHOTOS" --dir "$BENCH_PHOTOS" >/dev/null
  ingest_phase() { # label base-urls
    local before c0 elapsed cpu
    before=$(sql "select coalesce(max(id), 0) from photos")
    # shellcheck disable=SC2046
    c0=$(cpu_seconds $(node_pids))
    # the driver signs in, makes a show, uploads, and waits until every photo is ready with every rendition (or fails)
    bench ingest --base "$2" --email "$BACKSTAGE_ADMIN_EMAIL" --password "$BACKSTAGE_ADMIN_PASSWORD" --photos "$PHOTOS" \
      --path resumable --photos-dir "$BENCH_PHOTOS" --timeout "$READY_TIMEOUT" >"$WORK/ingest-$1.log" 2>&1 || { tail -n 30 "$WORK/ingest-$1.log" >&2; fail "ingest driver ($1)"; }
    elapsed=$(sed -n 's/^RESULT //p' "$WORK/ingest-$1.log" | python3 -c 'import json, sys; print(format(json.load(sys.stdin)["AllReadySeconds"], ".1f"))')
    wait_until "$READY_TIMEOUT" "$PHOTOS photos ready ($1)" "(select count(*) from photos where id > $before and status <> 'Processing') >= $PHOTOS"
    # shellcheck disable=SC2046
    cpu=$(cpu_seconds $(node_pids)); cpu=$(awk -v a="$c0" -v b="$cpu" -v n="$PHOTOS" 'BEGIN{printf "%.2f", (b - a) / n}')
    # nothing lost or duplicated: exactly PHOTOS photos, all Ready, one render job each, run once, and the same renditions each
    local check
    check=$(sql "with p as (select id, status from photos where id > $before),
      j as (select payload::int as photo, count(*) as jobs, sum(attempts) as attempts, bool_and(state = 'Succeeded') as ok
            from jobs where kind = 'render-photo' and payload ~ '^[0-9]+$' and payload::int > $before group by 1),
      r as (select photo_id, count(*) as n from renditions where photo_id > $before group by 1)
      select (select count(*) from p) || ' ' || (select count(*) from p where status = 'Ready') || ' '
          || (select count(*) from j where jobs = 1 and attempts = 1 and ok) || ' ' || (select count(*) from j) || ' '
          || coalesce((select min(n) || '-' || max(n) from r), '0-0')
          || ' ' || (select count(distinct locked_by) from jobs where kind = 'render-photo' and payload ~ '^[0-9]+$' and payload::int > $before)")
    local total ready once jobs renditions renderers
    read -r total ready once jobs renditions renderers <<<"$check"
    [[ "$total" == "$PHOTOS" && "$ready" == "$PHOTOS" && "$once" == "$PHOTOS" && "$jobs" == "$PHOTOS" && "${renditions%-*}" == "${renditions#*-}" ]] \
      || fail "$1: photos $total, ready $ready, render jobs $jobs of which run exactly once $once, renditions per photo $renditions (want $PHOTOS each, equal renditions)"
    rows+=("| upload-to-ready, $PHOTOS photos | $1 | $PHOTOS photos in $elapsed s | | | $cpu CPU-s per photo (all node processes); $total photos, $jobs render jobs each run once, ${renditions%-*} renditions each |")
    echo "   $1: all ready in $elapsed s, $cpu CPU-s per photo; $total photos, $once rendered exactly once, renderers seen: $renderers"
  }
  echo "== upload-to-ready: $PHOTOS photos uploaded to $N2 (node 1 has no workers: one node renders)"
  ingest_phase "one node renders" "$N2"
  # Requests go round-robin over both rendering nodes, chunk by chunk: a resumable upload's chunks live in the media
  # store, so any node may take any request of an upload (an earlier trial, with chunks on the receiving node's disk,
  # failed here with "SHA-256 differs").
  echo "== upload-to-ready: $PHOTOS photos, requests round-robin over $N2 and a third node on :$P3, both rendering"
  start_extra renderer "$P3" Backstage__Jobs__Workers=2
  ingest_phase "two nodes render" "$N2,http://127.0.0.1:$P3"
  stop_extra renderer
fi

echo "== after"; machine
table="| Measurement | Setup | Rate | p50 | p99 | Notes |
|---|---|---:|---:|---:|---|"
for r in "${rows[@]}"; do table+=$'\n'"$r"; done
echo
echo "$table"

if [[ "$WRITE_DOCS" == "1" ]]; then
  bench_write_section "## Several nodes: serving, eviction, rendering" "## Several nodes: serving, eviction, rendering

Measured $(date -u +"%Y-%m-%d %H:%M UTC") on $(bench_machine); everything (wrk, PostgreSQL, s3rver, the nodes) on the
same machine over loopback. The cluster of \`scripts/cluster.sh\` (Release, Production, one PostgreSQL, one s3rver bucket)
plus extra nodes from the same build. Rendition serving: \`wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency\`, one target
after the other, on one demo photo's \`$spec\` after checking every target answers 200 with the same bytes (and, from the
app, the same ETag). Eviction: $ROUNDS rounds of \"Publish now\" in the studio form on node A, node B's cached article page
polled every 5 ms until it shows the new title, timed from the click. Upload-to-ready: $PHOTOS photos through the resumable
path, timed from the first upload until the database has every photo ready; CPU is user+system of every node process.

$table

Reproduce: \`bench/scale/run.sh\` (options: \`DURATION\`, \`CONNECTIONS\`, \`THREADS\`, \`ROUNDS\`, \`PHOTOS\`, \`PARTS=\"serve evict
ingest\"\`, \`DEMO_READY\`, \`BENCH_PHOTOS\`, \`BASE_PORT\`, \`KEEP=1\`, \`WRITE_DOCS=0\`). It starts its own cluster in a temporary folder (ports
$BASE_PORT–$P4 and $CLUSTER_S3_PORT) and stops everything it started, also on failure or Ctrl-C.
"
fi
