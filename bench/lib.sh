# Shared by the bench/*/run.sh scripts: bounded wrk runs and rewriting one section of docs/benchmarks.md.
# Source it after setting THREADS, CONNECTIONS and DURATION.

# wrk_measure NAME URL → "NAME requests/s p50-ms p99-ms" (one bounded run; warns about non-2xx answers)
wrk_measure() {
  local out non2xx
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2")
  non2xx=$(awk '/Non-2xx or 3xx responses:/{print $5}' <<<"$out")
  [[ -z "$non2xx" ]] || echo "warning: $1 had $non2xx non-2xx responses" >&2
  grep -q "Socket errors" <<<"$out" && echo "warning: $1: $(grep "Socket errors" <<<"$out" | sed 's/^ *//') (timed-out requests are not in the latencies)" >&2
  awk -v name="$1" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^Requests\/sec:/ { rps = $2 } $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
    END { printf "%s %s %.2f %.2f\n", name, rps, p50, p99 }' <<<"$out"
}

# replace_doc_section "## Heading" SECTION-TEXT: swaps that section of docs/benchmarks.md (up to the next "## "), or appends it
replace_doc_section() {
  local doc; doc="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/docs/benchmarks.md"
  [[ -f "$doc" ]] || printf '# Benchmarks\n\n' >"$doc"
  python3 - "$doc" "$1" "$2" <<'PY'
import re, sys
path, heading, section = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read()
pattern = re.compile("^" + re.escape(heading) + r"\n.*?(?=^## |\Z)", re.S | re.M)
text = pattern.sub(lambda m: section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
PY
  echo "== wrote $doc"
}
