#!/usr/bin/env bash
# Two Backstage nodes on this machine, as two machines would run them:
#   scripts/cluster.sh up     a private PostgreSQL cluster, the S3-compatible test server (s3rver from tests/services),
#                             a Release build, "migrate" once, an Admin from BACKSTAGE_ADMIN_EMAIL/BACKSTAGE_ADMIN_PASSWORD,
#                             node 1 on http://127.0.0.1:5301 (no render workers) and node 2 on http://127.0.0.1:5302,
#                             both Production, S3 storage, each with its own data directory under CLUSTER_DIR.
#                             CLUSTER_PORTS="5311 5312" and CLUSTER_S3_PORT=5391 move them off ports already in use.
#   scripts/cluster.sh down   stops everything "up" started (and removes CLUSTER_DIR if "up" made it a temp folder).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATE="${TMPDIR:-/tmp}/backstage-cluster.state"
S3_PORT="${CLUSTER_S3_PORT:-5390}"
read -r -a PORTS <<< "${CLUSTER_PORTS:-5301 5302}" # two ports; override (and CLUSTER_S3_PORT) when they are taken

pg_bin() {
  if [ -n "${BACKSTAGE_PG_BIN:-}" ]; then echo "$BACKSTAGE_PG_BIN"; return; fi
  if command -v pg_ctl >/dev/null; then dirname "$(readlink -f "$(command -v pg_ctl)")"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1
}

# initdb refuses root: run the PostgreSQL tools as the postgres system user then.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

wait_ready() { # url
  for _ in $(seq 1 120); do
    if curl -fsS "$1/health/ready" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "$1 did not become ready; see its log in $CLUSTER_DIR" >&2
  return 1
}

up() {
  : "${BACKSTAGE_ADMIN_EMAIL:?set BACKSTAGE_ADMIN_EMAIL (and BACKSTAGE_ADMIN_PASSWORD) for the Admin account}"
  : "${BACKSTAGE_ADMIN_PASSWORD:?set BACKSTAGE_ADMIN_PASSWORD}"
  if [ -f "$STATE" ]; then echo "a cluster is already up ($(cat "$STATE")); run: $0 down" >&2; exit 1; fi
  local port
  for port in "${PORTS[@]}" "$S3_PORT"; do # another cluster (or anything) there would answer in place of ours
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port is in use; choose others with CLUSTER_PORTS=\"5311 5312\" and CLUSTER_S3_PORT=5391" >&2; exit 1
    fi
  done
  local made_temp=0
  if [ -z "${CLUSTER_DIR:-}" ]; then CLUSTER_DIR="$(mktemp -d -t backstage-cluster-XXXXXX)"; made_temp=1; fi
  mkdir -p "$CLUSTER_DIR"
  CLUSTER_DIR="$(cd "$CLUSTER_DIR" && pwd)"
  chmod 755 "$CLUSTER_DIR"
  printf 'CLUSTER_DIR=%q\nMADE_TEMP=%s\n' "$CLUSTER_DIR" "$made_temp" > "$STATE"

  echo "PostgreSQL in $CLUSTER_DIR/pg"
  local bin; bin="$(pg_bin)"
  [ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql, or set BACKSTAGE_PG_BIN)" >&2; exit 1; }
  mkdir -p "$CLUSTER_DIR/pg"
  [ "$(id -u)" = 0 ] && chown postgres "$CLUSTER_DIR/pg"
  (cd /tmp && as_pg "$bin/initdb" -D "$CLUSTER_DIR/pg" -A trust -E UTF8 --locale=C.UTF-8 -U postgres >/dev/null)
  (cd /tmp && as_pg "$bin/pg_ctl" -D "$CLUSTER_DIR/pg" -l "$CLUSTER_DIR/pg/server.log" -w \
    -o "-k $CLUSTER_DIR/pg -c listen_addresses='' -c max_connections=200" start >/dev/null)
  (cd /tmp && as_pg "$bin/createdb" -h "$CLUSTER_DIR/pg" -U postgres backstage)

  echo "S3 server (s3rver) on 127.0.0.1:$S3_PORT"
  (cd "$ROOT/tests/services" && { [ -f node_modules/.package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; })
  mkdir -p "$CLUSTER_DIR/s3"
  "$ROOT/tests/services/node_modules/.bin/s3rver" -d "$CLUSTER_DIR/s3" -p "$S3_PORT" -a 127.0.0.1 --silent \
    --configure-bucket backstage >"$CLUSTER_DIR/s3.log" 2>&1 < /dev/null &
  echo $! > "$CLUSTER_DIR/s3.pid"

  echo "Release build in $CLUSTER_DIR/app"
  dotnet publish "$ROOT/src/Backstage.Web" -c Release -o "$CLUSTER_DIR/app" --nologo -v quiet >/dev/null

  export ASPNETCORE_ENVIRONMENT=Production
  export ConnectionStrings__Backstage="Host=$CLUSTER_DIR/pg;Database=backstage;Username=postgres"
  export Backstage__MigrateOnStartup=false
  export Backstage__Media__Storage__Kind=S3
  export Backstage__Media__Storage__ServiceUrl="http://127.0.0.1:$S3_PORT"
  export Backstage__Media__Storage__Bucket=backstage
  export Backstage__Media__Storage__AccessKey=S3RVER Backstage__Media__Storage__SecretKey=S3RVER
  (cd "$CLUSTER_DIR/app" && dotnet Backstage.Web.dll migrate >"$CLUSTER_DIR/migrate.log")
  (cd "$CLUSTER_DIR/app" && dotnet Backstage.Web.dll admin create --email "$BACKSTAGE_ADMIN_EMAIL" --role Admin)

  local i
  for i in 1 2; do
    local port=${PORTS[$((i - 1))]} workers=2
    [ "$i" = 1 ] && workers=0
    mkdir -p "$CLUSTER_DIR/node$i"
    # exec: the recorded pid is the node's own, so "down" stops exactly it
    (cd "$CLUSTER_DIR/app" && Backstage__DataDirectory="$CLUSTER_DIR/node$i" Backstage__Jobs__Workers=$workers \
      Backstage__PublicBaseUrl="http://127.0.0.1:$port" ASPNETCORE_URLS="http://127.0.0.1:$port" exec dotnet Backstage.Web.dll >"$CLUSTER_DIR/node$i.log" 2>&1 < /dev/null) &
    echo $! > "$CLUSTER_DIR/node$i.pid"
  done
  for port in "${PORTS[@]}"; do wait_ready "http://127.0.0.1:$port"; done
  echo
  echo "Node 1 (serves only): http://127.0.0.1:${PORTS[0]}"
  echo "Node 2 (renders):     http://127.0.0.1:${PORTS[1]}"
  echo "Sign in as $BACKSTAGE_ADMIN_EMAIL. Logs and data: $CLUSTER_DIR. Stop: $0 down"
}

down() {
  if [ ! -f "$STATE" ]; then echo "no cluster is up"; return 0; fi
  # shellcheck disable=SC1090
  source "$STATE"
  local f
  for f in "$CLUSTER_DIR"/node*.pid "$CLUSTER_DIR/s3.pid"; do
    [ -f "$f" ] || continue
    local pid; pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then kill "$pid"; for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done; fi
    rm -f "$f"
  done
  local bin; bin="$(pg_bin)"
  if [ -f "$CLUSTER_DIR/pg/postmaster.pid" ]; then (cd /tmp && as_pg "$bin/pg_ctl" -D "$CLUSTER_DIR/pg" -m fast -w stop >/dev/null); fi
  if [ "$MADE_TEMP" = 1 ]; then rm -rf "$CLUSTER_DIR"; fi
  rm -f "$STATE"
  echo "stopped"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
