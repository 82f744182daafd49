#!/usr/bin/env bash
# The newsletter send: one issue (the demo article and a demo show's gallery) to $SUBSCRIBERS confirmed subscribers,
# sent by the Release app's own job workers through maildev, against the floor: MailKit sending the same pre-rendered
# message (the app's first message, as maildev received it) in a bare loop through the same maildev, in the same run.
# Reports messages/s, the app's peak RSS during the send, CPU-seconds per 1,000 messages, and the article page's p99
# (wrk -t1 -c2, $PAUSE_MS ms between requests per connection) idle and during the send's first $WRK_DURATION s.
#   bench/newsletter/run.sh          (WRITE_DOCS=0 to print only; SUBSCRIBERS=10000 by default)
# Needs: .NET SDK, PostgreSQL server binaries (the Development app's embedded cluster), node/npm (maildev), wrk, curl,
# psql, python3.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
READY_TIMEOUT="${READY_TIMEOUT:-120}"   # the issue needs one show with a few rendered photos, not all 36
PORT="${PORT:-5391}"   # not lib.sh's 5399, which the other runners use
source "$ROOT/bench/lib.sh"
SUBSCRIBERS="${SUBSCRIBERS:-10000}"
WRK_DURATION="${WRK_DURATION:-15}"
PAUSE_MS="${PAUSE_MS:-100}"; export PAUSE_MS
SMTP_PORT="${SMTP_PORT:-5325}"
MAILDEV_WEB="${MAILDEV_WEB:-5326}"
MAILDEV_PID=""
for tool in wrk curl psql python3 node; do command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }; done
cleanup() { [[ -n "$MAILDEV_PID" ]] && kill "$MAILDEV_PID" 2>/dev/null; bench_cleanup; }
trap cleanup EXIT

load_before="$(uptime)"; cpu_model="$(grep -m1 'model name' /proc/cpuinfo)"
echo "== before: $load_before"; echo "== $cpu_model"
bench_build
dotnet build "$ROOT/bench/Backstage.Bench" -c Release -v q -nologo >/dev/null
FLOOR=(dotnet "$ROOT/bench/Backstage.Bench/bin/Release/net10.0/Backstage.Bench.dll" mail-floor)
( cd "$ROOT/tests/services" && { [[ -f node_modules/.package-lock.json ]] || npm ci --no-audit --no-fund --loglevel=error; } )
bench_data_dir

"$ROOT/tests/services/node_modules/.bin/maildev" --smtp "$SMTP_PORT" --web "$MAILDEV_WEB" --ip 127.0.0.1 --web-ip 127.0.0.1 \
  >"$BENCH_DATA/maildev.log" 2>&1 &
MAILDEV_PID=$!
for _ in $(seq 1 60); do curl -fs -o /dev/null "http://127.0.0.1:$MAILDEV_WEB/api/email" && break; sleep 0.5; done
MAILDEV="http://127.0.0.1:$MAILDEV_WEB"

# One batch: the per-minute rate is a cap for the provider's limits, not what is measured here.
bench_start_app "$BASE" Backstage__Email__Host=127.0.0.1 Backstage__Email__Port="$SMTP_PORT" Backstage__Email__Security=None \
  Backstage__Email__From=desk@backstage.example Backstage__Newsletter__MessagesPerMinute=1000000
bench_wait_demo_photos "$BASE" "$READY_TIMEOUT"
read -r _ _ _ pg_port pg_socket _ <<<"$(tr '\n' ' ' <"$BENCH_DATA/postgres/postmaster.pid")"
sql() { runuser -u postgres -- psql -h "$pg_socket" -p "$pg_port" -d backstage -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
# The demo's renders still queued would share the two job workers with the send: they are dropped (the issue shows only
# rendered photos), and the running ones finish first.
sql "delete from jobs where state = 'Pending' and kind like 'render-photo%'"
for _ in $(seq 1 "$READY_TIMEOUT"); do
  [[ "$(sql "select count(*) from jobs where state = 'Running' or (state = 'Pending' and run_after <= now())")" == 0 ]] && break
  sleep 1
done
SHOW_ID=$(sql "select show_id from photos where status = 'Ready' group by show_id order by count(*) desc limit 1")
SHOW_PHOTOS=$(sql "select count(*) from photos where status = 'Ready' and show_id = $SHOW_ID"); export SHOW_ID
echo "== the issue's show: id $SHOW_ID with $SHOW_PHOTOS rendered photos"

echo "== $SUBSCRIBERS confirmed subscribers on the first list"
sql "WITH l AS (SELECT id FROM newsletter_lists ORDER BY sort_order, id LIMIT 1),
     s AS (INSERT INTO newsletter_subscribers (email, state, bounce_count, token_hash, created_at, confirmed_at, state_changed_at)
           SELECT 'bench-' || g || '@example.test', 'Confirmed', 0, md5('bench' || g), now(), now(), now()
           FROM generate_series(1, $SUBSCRIBERS) g RETURNING id)
     INSERT INTO newsletter_subscriptions (subscriber_id, list_id, created_at) SELECT s.id, l.id, now() FROM s, l"
curl -fs -o /dev/null "$BASE$ARTICLE"   # warm the output cache

ticks=$(getconf CLK_TCK)
app_cpu() { awk -v t="$ticks" '{ print ($14 + $15) / t }' "/proc/$APP_PID/stat"; }
echo "== article page idle: wrk -t1 -c2 -d${WRK_DURATION}s, ${PAUSE_MS} ms pauses"
idle=$(bench_paced_wrk idle); echo "$idle"

# The editor composes and sends it in the studio, as a person would (sign-in, antiforgery, Save, then Send).
compose() {
  python3 - "$BASE" <<'PY'
import http.cookiejar, os, re, sys, time, urllib.parse, urllib.request
base = sys.argv[1]
web = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
def get(path):
    r = web.open(base + path); return r.geturl(), r.read().decode()
def post(path, fields):
    r = web.open(base + path, urllib.parse.urlencode(fields).encode()); return r.geturl(), r.read().decode()
def token(html): return re.search(r'name="__RequestVerificationToken" type="hidden" value="([^"]+)"', html).group(1)
def first(html, name): return re.search(r'name="' + re.escape(name) + r'" value="([^"]+)"', html).group(1)
_, page = get("/account/login")
post("/account/login", [("Input.Email", "editor@backstage.test"), ("Input.Password", "Backstage-demo-2025"), ("__RequestVerificationToken", token(page))])
_, page = get("/studio/newsletters/edit")
def fields(page):
    return [("Input.Subject", "The morning after: the week's backstage"), ("Input.Intro", "**Last night in Paris**, in photos."),
            ("Input.ArticleIds", first(page, "Input.ArticleIds")), ("Input.ShowIds", os.environ["SHOW_ID"]),
            ("Input.ListIds", first(page, "Input.ListIds")), ("Input.Version", re.search(r'name="Input.Version" value="(\d*)"', page).group(1)),
            ("__RequestVerificationToken", token(page))]
url, page = post("/studio/newsletters/edit", fields(page))
issue = re.search(r"/studio/newsletters/edit/(\d+)", url).group(1)
send = re.search(r'formaction="([^"]*handler=Send[^"]*)"', page).group(1).replace("&amp;", "&")
f = fields(page)
t0 = time.time()
post(send, f)
print(issue, t0)
PY
}

cpu0=$(app_cpu)
: >"$BENCH_DATA/rss.txt"
( while kill -0 "$APP_PID" 2>/dev/null; do awk '$1 == "VmRSS:" { print $2 }' "/proc/$APP_PID/status" >>"$BENCH_DATA/rss.txt" || true; sleep 0.2; done ) &
SAMPLER=$!
echo "== the editor sends the issue; the article page under the same wrk for the send's first ${WRK_DURATION}s"
( bench_paced_wrk during >"$BENCH_DATA/during.line" ) &
WRK_PID=$!
read -r issue t0 <<<"$(compose)"
while [[ "$(sql "select state from newsletter_issues where id = $issue")" != Sent ]]; do sleep 0.2; done
cpu1=$(app_cpu)
kill "$SAMPLER" 2>/dev/null || true
! kill -0 "$WRK_PID" 2>/dev/null || echo "warning: wrk (${WRK_DURATION}s) outlasted the send; its figures include idle time" >&2
wait "$WRK_PID" || true
during=$(cat "$BENCH_DATA/during.line")
read -r sent t1 recipients <<<"$(sql "select (select count(*) from newsletter_deliveries where issue_id = $issue and state = 'Sent'),
  extract(epoch from sent_at), recipient_count from newsletter_issues where id = $issue" | tr '|' ' ')"
rss_max=$(sort -n "$BENCH_DATA/rss.txt" | tail -1)
app_rate=$(awk -v n="$sent" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / (b - a) }')
app_cpuk=$(awk -v n="$sent" -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", (b - a) / n * 1000 }')
echo "app: $sent of $recipients sent in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s: $app_rate msg/s, $app_cpuk CPU-s/1000, peak RSS $((rss_max / 1024)) MB"
echo "$during"

# The floor: the first subscriber's message exactly as maildev holds it, sent again SUBSCRIBERS times by bare MailKit.
id=$(curl -fs "$MAILDEV/api/email" | python3 -c 'import json,sys; print(next(m["id"] for m in json.load(sys.stdin) if m["to"][0]["address"] == "bench-1@example.test"))')
curl -fs "$MAILDEV/api/email/$id/source" >"$BENCH_DATA/issue.eml"
msg_kb=$(( $(stat -c %s "$BENCH_DATA/issue.eml") / 1024 ))
bench_stop_app
curl -fs -X DELETE -o /dev/null "$MAILDEV/api/email/all"
echo "== floor: bare MailKit, the same ${msg_kb} KB message ×$SUBSCRIBERS, one connection (app stopped, maildev emptied)"
floor=$("${FLOOR[@]}" --port "$SMTP_PORT" --eml "$BENCH_DATA/issue.eml" --count "$SUBSCRIBERS" | sed -n 's/^RESULT //p')
read -r _ floor_rate floor_cpuk floor_rss <<<"$floor"
ratio=$(awk -v a="$app_rate" -v f="$floor_rate" 'BEGIN { printf "%.2f", a / f }')
load_after="$(uptime)"
echo "floor: $floor_rate msg/s, $floor_cpuk CPU-s/1000, peak RSS $floor_rss MB; app/floor $ratio"
echo "== after: $load_after"; echo "== $cpu_model"

read -r _ idle_p50 idle_p99 _ idle_n idle_err <<<"$idle"
read -r _ dur_p50 dur_p99 _ dur_n dur_err <<<"$during"
section="## Newsletter send ($SUBSCRIBERS subscribers, maildev)

\`bench/newsletter/run.sh\` on $(bench_machine), $(date -u +%F). Load before: \`${load_before# }\`; after: \`${load_after# }\`.
$( awk -v l="${load_before##*average: }" 'BEGIN { split(l, a, ","); print (a[1] + 0 < 1) ? "A quiet run (load under 1)." : "**Not a quiet run**: other work shared the machine (load " a[1] "), so these figures are low bounds, not the machine'"'"'s." }' )

One issue (the demo article and a demo show's gallery of $SHOW_PHOTOS rendered photos, $msg_kb KB as received) sent by the Release app's job workers to
$SUBSCRIBERS confirmed subscribers in one batch (\`MessagesPerMinute\` 1,000,000), each message built for its subscriber
(unsubscribe token, \`Message-Id\`) and recorded in its own transaction; against the floor, MailKit sending that message
as received in a bare loop on one connection to the same maildev (app stopped, maildev emptied first).

| | messages/s | peak RSS | CPU-s per 1,000 messages |
| --- | ---: | ---: | ---: |
| the app (send job, through the studio's Send) | $app_rate | $((rss_max / 1024)) MB | $app_cpuk |
| floor: bare MailKit loop | $floor_rate | $floor_rss MB | $floor_cpuk |
| app / floor | $ratio× | | |

The article page (\`$ARTICLE\`, wrk -t1 -c2, $PAUSE_MS ms between requests per connection): idle p50 $idle_p50 ms, p99
$idle_p99 ms ($idle_n requests, $idle_err errors); during the send's first ${WRK_DURATION} s p50 $dur_p50 ms, p99 **$dur_p99 ms**
($dur_n requests, $dur_err errors). The app's figures include the studio requests that composed and sent the issue;
its RSS is sampled every 0.2 s during the send. Goal (issue 20): at least 0.7× the floor and the reader's p99 under
100 ms during the send."
echo; echo "$section"
if [[ "$WRITE_DOCS" == 1 ]]; then bench_write_section "## Newsletter send" "$section"; fi
