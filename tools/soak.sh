#!/usr/bin/env bash
# tools/soak.sh: a soak test of our Redis server (//redis:server) under //tools:loadgen.
#
#   tools/soak.sh [--duration 10m] [--connections 50] [--pipeline 16] [--warmup 60]
#                 [--interval 10] [--rss-tolerance-pct 5] [--out DIR] [-- LOADGEN_FLAGS...]
#
# Builds both optimized (--config=opt), starts the server on a free loopback port, and runs
# the load generator against it for the duration (default 10 minutes; seconds, or with an
# s/m/h suffix). Every --interval seconds (10) it samples the server's RSS
# (/proc/PID/status), its connected_clients (INFO clients, via redis-cli) and the load
# generator's cumulative requests and errors (its --stats-file, one JSON line per second)
# into DIR/soak.csv:
#
#   t_s,rss_kb,connected_clients,requests,errors,ops_per_sec
#
# (ops_per_sec: the average since the previous sample), then draws DIR/soak.png (RSS and
# throughput over time, gnuplot; Debian's gnuplot-nox is installed with apt if missing,
# as tools/bazelw installs its packages) and prints a summary.
#
# The default workload is SET/GET 1:1 over 10000 keys (filled within seconds, so the
# data set is constant after warm-up); flags after `--` go to the load generator.
#
# Fails (exit 1) if any error appeared (error replies, refused or lost connections), if
# the load generator or the server did not end cleanly, or if RSS grew after warm-up: the
# median of the last three samples may exceed the RSS at the end of warm-up (--warmup
# seconds, default min(60, duration/5)) by at most --rss-tolerance-pct percent plus 1 MiB.
set -euo pipefail

duration=600
connections=50
pipeline=16
warmup=""
interval=10
tolerance_pct=5
out=""
extra=()

die() { echo "soak: $*" >&2; exit 2; }

to_seconds() {
  local v=$1
  case $v in
    *h) echo $(( ${v%h} * 3600 )) ;;
    *m) echo $(( ${v%m} * 60 )) ;;
    *s) echo "${v%s}" ;;
    *) echo "$v" ;;
  esac
}

while (($#)); do
  case $1 in
    --duration) duration=$(to_seconds "${2:?}"); shift 2 ;;
    --duration=*) duration=$(to_seconds "${1#*=}"); shift ;;
    --connections) connections=${2:?}; shift 2 ;;
    --connections=*) connections=${1#*=}; shift ;;
    --pipeline) pipeline=${2:?}; shift 2 ;;
    --pipeline=*) pipeline=${1#*=}; shift ;;
    --warmup) warmup=$(to_seconds "${2:?}"); shift 2 ;;
    --warmup=*) warmup=$(to_seconds "${1#*=}"); shift ;;
    --interval) interval=${2:?}; shift 2 ;;
    --interval=*) interval=${1#*=}; shift ;;
    --rss-tolerance-pct) tolerance_pct=${2:?}; shift 2 ;;
    --rss-tolerance-pct=*) tolerance_pct=${1#*=}; shift ;;
    --out) out=${2:?}; shift 2 ;;
    --out=*) out=${1#*=}; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ $duration =~ ^[0-9]+$ ]] && ((duration > 0)) || die "--duration must be a positive number of seconds"
[[ -z $warmup ]] && warmup=$(( duration / 5 < 60 ? duration / 5 : 60 ))
[[ $interval =~ ^[0-9]+$ ]] && ((interval > 0)) || die "--interval must be a positive integer"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ -n $out ]] || out=$(mktemp -d /tmp/corio-soak.XXXXXX)
mkdir -p "$out"
out=$(cd "$out" && pwd)

# gnuplot, installed the way tools/bazelw installs its packages.
ensure_package() {
  local pkg=$1
  dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null | grep -q '^ii' && return 0
  echo "soak: installing missing Debian package: $pkg" >&2
  local sudo=""
  [[ $(id -u) == 0 ]] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq --no-install-recommends "$pkg" >&2
}
command -v gnuplot >/dev/null || ensure_package gnuplot-nox
command -v redis-cli >/dev/null || ensure_package redis-tools

echo "soak: building //redis:server and //tools:loadgen (--config=opt)" >&2
"$repo/tools/bazelw" build --config=opt //redis:server //tools:loadgen >&2
bin=$("$repo/tools/bazelw" info --config=opt bazel-bin 2>/dev/null)
# Copies, so that another build meanwhile cannot replace the binaries under us.
cp "$bin/redis/server" "$out/server"
cp "$bin/tools/loadgen" "$out/loadgen"

server_pid=""
loadgen_pid=""
cleanup() {
  [[ -n $loadgen_pid ]] && kill "$loadgen_pid" 2>/dev/null || true
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true
}
trap cleanup EXIT

"$out/server" --port=0 >"$out/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 200); do
  port=$(sed -n 's/.*ready on [^:]*:\([0-9]*\).*/\1/p' "$out/server.log" | head -1)
  [[ -n $port ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$out/server.log" >&2; die "the server exited"; }
  sleep 0.05
done
[[ -n $port ]] || die "the server did not get ready: $(cat "$out/server.log")"
echo "soak: server pid $server_pid on port $port; ${duration}s at $connections connections," \
     "pipeline $pipeline; warm-up ${warmup}s; output in $out" >&2

stats="$out/loadgen-stats.jsonl"
"$out/loadgen" --port="$port" --connections="$connections" --pipeline="$pipeline" \
  --duration="$duration" --ratio=1:1 --keyspace=10000 --stats-file="$stats" --json --quiet \
  "${extra[@]}" >"$out/loadgen.json" 2>"$out/loadgen.err" &
loadgen_pid=$!

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || echo 0; }
clients() {
  redis-cli -p "$port" info clients 2>/dev/null | tr -d '\r' |
    awk -F: '$1 == "connected_clients" {print $2}' || true
}
# Cumulative requests and errors from the last complete line of the stats file.
last_stats() {
  local line=""
  [[ -s $stats ]] && line=$(tail -n 1 "$stats")
  local req err
  req=$(sed -n 's/.*"requests":\([0-9]*\).*/\1/p' <<<"$line")
  err=$(sed -n 's/.*"errors":\([0-9]*\).*/\1/p' <<<"$line")
  echo "${req:-0} ${err:-0}"
}

csv="$out/soak.csv"
echo "t_s,rss_kb,connected_clients,requests,errors,ops_per_sec" >"$csv"
start=$(date +%s.%N)
prev_t=0
prev_req=0
sample() {
  local now t req err rate
  now=$(date +%s.%N)
  t=$(awk -v a="$now" -v b="$start" 'BEGIN {printf "%.1f", a - b}')
  read -r req err < <(last_stats)
  rate=$(awk -v r="$req" -v pr="$prev_req" -v t="$t" -v pt="$prev_t" \
         'BEGIN {printf "%.0f", (t > pt) ? (r - pr) / (t - pt) : 0}')
  echo "$t,$(rss_kb),$(clients),$req,$err,$rate" >>"$csv"
  prev_t=$t
  prev_req=$req
}

sample
next=$interval
while kill -0 "$loadgen_pid" 2>/dev/null; do
  # Sleep until the next multiple of the interval (or until the load generator ends).
  while kill -0 "$loadgen_pid" 2>/dev/null; do
    elapsed=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN {printf "%d", a - b}')
    ((elapsed >= next)) && break
    sleep 0.5
  done
  kill -0 "$loadgen_pid" 2>/dev/null || break
  sample
  tail -n 1 "$csv" | awk -F, '{printf "soak: %6.0fs  rss %7.1f MiB  clients %s  %9d ops/s  errors %s\n",
                                $1, $2 / 1024, $3, $6, $5}' >&2
  next=$((next + interval))
done
loadgen_status=0
wait "$loadgen_pid" || loadgen_status=$?
loadgen_pid=""
sample  # the totals, after the load generator's final line

kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=""

# The plot: RSS (MiB, left axis) and throughput (ops/s, right axis) over time.
tail -n +2 "$csv" >"$out/soak.dat"
terminal="png size 1000,500"
gnuplot -e "set terminal" 2>&1 | grep -q pngcairo && terminal="pngcairo size 1000,500"
gnuplot <<GNUPLOT
set terminal $terminal
set output "$out/soak.png"
set datafile separator ","
set title "corio redis server soak: $connections connections, pipeline $pipeline"
set xlabel "time (s)"
set ylabel "server RSS (MiB)"
set y2label "throughput (ops/s)"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set key bottom right
set grid
plot "$out/soak.dat" using 1:(\$2/1024) with linespoints title "RSS (MiB)", \
     "$out/soak.dat" using 1:6 axes x1y2 with lines title "ops/s"
GNUPLOT

# The verdict.
summary=$(awk -F, -v warmup="$warmup" -v tol="$tolerance_pct" '
  NR == 1 { next }
  { t[n] = $1; rss[n] = $2; req[n] = $4; err[n] = $5; ops[n] = $6; n++ }
  END {
    base = -1
    for (i = 0; i < n; i++) if (t[i] >= warmup) { base = rss[i]; bi = i; break }
    if (base < 0) { base = rss[n - 1]; bi = n - 1 }
    # Median of the last three samples.
    a = rss[n - 1]; b = (n > 1) ? rss[n - 2] : a; c = (n > 2) ? rss[n - 3] : a
    if (a > b) { x = a; a = b; b = x } if (b > c) { x = b; b = c; c = x } if (a > b) { x = a; a = b; b = x }
    final = b
    max = 0
    for (i = bi; i < n; i++) if (rss[i] > max) max = rss[i]
    # Throughput over the samples between the first and the last (the run proper).
    omin = -1; omax = 0; osum = 0; on = 0
    for (i = 1; i < n - 1; i++) { o = ops[i]; osum += o; on++; if (omin < 0 || o < omin) omin = o; if (o > omax) omax = o }
    limit = base * (1 + tol / 100) + 1024
    printf "rss_warmup_kb=%d rss_final_kb=%d rss_max_after_warmup_kb=%d growth_pct=%.2f limit_kb=%d ", base, final, max, (final - base) * 100 / base, limit
    printf "ops_mean=%.0f ops_min=%.0f ops_max=%.0f requests=%d errors=%d rss_ok=%d\n", on ? osum / on : 0, omin, omax, req[n - 1], err[n - 1], final <= limit
  }' "$csv")
echo "soak: $summary"
loadgen_json=$(cat "$out/loadgen.json")
echo "soak: loadgen: $loadgen_json"
echo "soak: csv $csv, plot $out/soak.png"

fail=0
get() { sed -n "s/.*\b$1=\([0-9.-]*\).*/\1/p" <<<"$summary"; }
if [[ $(get rss_ok) != 1 ]]; then
  echo "soak: FAIL: RSS grew after warm-up: $(get rss_warmup_kb) kB -> $(get rss_final_kb) kB (limit $(get limit_kb) kB)"
  fail=1
fi
if [[ $(get errors) != 0 ]] || ! grep -q '"errors":0,' <<<"$loadgen_json"; then
  echo "soak: FAIL: errors during the run ($(get errors)); see $out/loadgen.err"
  fail=1
fi
if ((loadgen_status != 0)); then
  echo "soak: FAIL: loadgen exited with status $loadgen_status; see $out/loadgen.err"
  fail=1
fi
if ((server_status != 0)); then
  echo "soak: FAIL: the server exited with status $server_status on SIGTERM; see $out/server.log"
  fail=1
fi
((fail == 0)) && echo "soak: PASS"
exit "$fail"
