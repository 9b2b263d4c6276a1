#!/usr/bin/env bash
# Load benchmark (issue 19): what forty back-to-back clients and two thousand slow readers cost
# the exporter, next to node_exporter under the same clients in the same run, on a network
# namespace holding a known socket population (Tests/Tools/sockfarm.py).
#
#   bash bench/load.sh                      # build release, 20k and 100k sockets
#   SIZES=20000 SECONDS_40=10 bash bench/load.sh --no-build
#
# For each target (the exporter with default flags, then node_exporter with its defaults plus
# tcpstat, when installed):
#   lone      median of 10 scrapes with nothing else running, ms
#   40 clients: wrk -t2 -c40 for SECONDS_40 s: requests, non-200 answers, p50/p99 latency (ms),
#             the target's CPU in cores over the run, its peak thread count
#   slow readers: Tests/Tools/slowreaders.py, 2,000 clients over 100 addresses, each a whole
#             GET and a 1 KB receive buffer, never reading, held HOLD s; meanwhile 10 scrapes
#             from 127.0.0.250, one a second: how many got 200 in < 1 s, the slowest; peak
#             threads
#   memory:   RSS before the runs, VmHWM (the peak over both runs), RSS 30 s after the slow
#             readers left
# Needs root (ip netns), python3, wrk, curl, awk. Not part of `make test` (LoadTests runs a
# bounded copy).
set -euo pipefail
source "$(dirname "$0")/common.sh"

SIZES=${SIZES:-"20000 100000"}
SECONDS_40=${SECONDS_40:-20}
HOLD=${HOLD:-20}
SLOW=${SLOW:-2000}
AFTER=${AFTER:-30}
OUT=bench/out
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }

build_release "$@"
EXPORTER=$(pwd)/.build/release/netstat_exporter
NODE_EXPORTER=${NODE_EXPORTER-$(command -v prometheus-node-exporter || command -v node_exporter || true)}
SLOWREADERS=$(pwd)/Tests/Tools/slowreaders.py

NS=nsload$$
cleanup() { delete_namespaces "$NS"; }
trap cleanup EXIT

status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Samples the thread count of $1 every 0.1 s into $2 (the peak is the file's maximum) until killed.
sample_threads() { while [[ -d /proc/$1 ]]; do status_kb "$1" Threads; sleep 0.1; done >"$2"; }
peak() { sort -n "$1" | tail -1; }

# One target: its pid and URL. Prints one row.
measure() {
    local name=$1 pid=$2 url=$3 size=$4
    local rss_before lone ticks0 ticks1 hz cores wrk_out requests non200 p50 p99 threads40 sampler
    rss_before=$(rss_kb "$pid")
    lone=$(for _ in 1 2 3 4 5 6 7 8 9 10; do in_ns curl -sf -o /dev/null -w '%{time_total}\n' "$url"; done | median_ms_from_seconds)

    sample_threads "$pid" "$OUT/threads40" & sampler=$!
    hz=$(getconf CLK_TCK)
    ticks0=$(cpu_ticks "$pid")
    wrk_out=$(in_ns wrk -t2 -c40 -d"${SECONDS_40}s" --timeout 30s --latency "$url")
    ticks1=$(cpu_ticks "$pid")
    kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
    cores=$(awk -v a="$ticks0" -v b="$ticks1" -v hz="$hz" -v s="$SECONDS_40" 'BEGIN {printf "%.2f", (b - a) / hz / s}')
    requests=$(awk '/requests in/ {print $1}' <<<"$wrk_out")
    non200=$(awk '/Non-2xx/ {print $NF}' <<<"$wrk_out"); non200=${non200:-0}
    errors=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$wrk_out"); errors=${errors:-0}
    p50=$(awk '$1 == "50%" {print $2}' <<<"$wrk_out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$wrk_out")
    threads40=$(peak "$OUT/threads40")

    sample_threads "$pid" "$OUT/threadsSlow" & sampler=$!
    local port=${url#http://*:}; port=${port%%/*}
    in_ns python3 "$SLOWREADERS" --port "$port" --clients "$SLOW" --hold "$HOLD" \
        --path "/${url#http://*/}" >"$OUT/slow.log" 2>&1 &
    local readers=$! ok=0 slowest=0 t code
    for _ in $(seq 300); do grep -q ready "$OUT/slow.log" && break; sleep 0.1; done
    for _ in $(seq 10); do
        read -r code t < <(in_ns curl -s -o /dev/null --interface 127.0.0.250 --max-time 5 \
            -w '%{http_code} %{time_total}\n' "$url" || echo "000 5")
        if [[ $code == 200 ]] && awk -v t="$t" 'BEGIN {exit !(t < 1)}'; then ok=$((ok + 1)); fi
        slowest=$(awk -v a="$slowest" -v b="$t" 'BEGIN {print (b > a) ? b : a}')
        sleep 1
    done
    wait "$readers" || true
    kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
    local accepted; accepted=$(awk '/ready/ {print $2 "/" ($2 + $3)}' "$OUT/slow.log")
    sleep "$AFTER"
    printf '%-14s %7s %7s %8s %6s %8s %8s %6s %4s | %9s %6s %9s %4s | %8s %8s %8s\n' "$name" "$size" "$lone" \
        "$requests" "$((non200 + errors))" "$p50" "$p99" "$cores" "$threads40" \
        "$accepted" "$ok/10" "$(awk -v s="$slowest" 'BEGIN {printf "%.0fms", s * 1000}')" "$(peak "$OUT/threadsSlow")" \
        "$rss_before" "$(status_kb "$pid" VmHWM)" "$(rss_kb "$pid")"
}

printf '%-14s %7s %7s %8s %6s %8s %8s %6s %4s | %9s %6s %9s %4s | %8s %8s %8s\n' target sockets loneMs \
    req40 bad40 p50 p99 cores thr slowConn "<1s" slowest thr rssKB hwmKB afterKB
for SIZE in $SIZES; do
    cleanup
    ip netns add "$NS"
    in_ns ip link set lo up
    WORKERS=$((SIZE / 10000 > 0 ? SIZE / 10000 : 1))
    in_ns python3 "$FARM" --workers "$WORKERS" --established $((SIZE * 45 / 100)) --close-wait $((SIZE * 5 / 100)) \
        --port 20000 --hold 3600 >"$OUT/farm.log" 2>&1 &
    disown $!
    for _ in $(seq 600); do grep -q ready "$OUT/farm.log" && break; sleep 0.2; done
    grep -q ready "$OUT/farm.log" || { echo "sockfarm did not start" >&2; exit 1; }

    ip netns exec "$NS" "$EXPORTER" --web.listen-address=127.0.0.1:10042 ${EXPORTER_FLAGS:-} >"$OUT/exporter.log" 2>&1 &
    PID=$!; disown $PID
    wait_http http://127.0.0.1:10042/metrics
    measure netstat_exporter "$PID" http://127.0.0.1:10042/metrics "$SIZE"
    kill "$PID"
    if [[ -n "$NODE_EXPORTER" ]]; then
        ip netns exec "$NS" "$NODE_EXPORTER" --web.listen-address=127.0.0.1:9100 --collector.tcpstat >"$OUT/node_exporter.log" 2>&1 &
        PID=$!; disown $PID
        wait_http http://127.0.0.1:9100/metrics
        measure node_exporter "$PID" http://127.0.0.1:9100/metrics "$SIZE"
        kill "$PID"
    fi
done
echo
echo "lone: median of 10 lone scrapes; req40/bad40: answers in the 40-client run and how many were not 200"
echo "(or socket errors); p50/p99 its latency; cores: the target's CPU over it; thr: peak threads;"
echo "slowConn: slow readers connected/tried; <1s: normal scrapes 200 in under a second during the hold;"
echo "rssKB before the runs, hwmKB = VmHWM after both, afterKB = RSS ${AFTER}s after the slow readers left"
