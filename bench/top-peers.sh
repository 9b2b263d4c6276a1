#!/usr/bin/env bash
# Top-peers benchmark, worst case (issue 11): 100k sockets whose 50k server ends each have a
# distinct peer (bench/peerfarm.py), so every one is a new entry of the per-peer count. Two
# exporters in the same namespace, with the list (loopback peers counted, or nothing would be)
# and without (--collector.sockets.top-peers=0), are scraped alternately with the floor
# (bench/floor.c), so all three see the same load. Prints medians and ratios to the floor.
#
#   bash bench/top-peers.sh --no-build        # after a release build (bench/sockets.sh builds one)
#   REPS=21 WORKERS=10 PER=5000 bash bench/top-peers.sh --no-build
set -euo pipefail
source "$(dirname "$0")/common.sh"
REPS=${REPS:-11} WORKERS=${WORKERS:-10} PER=${PER:-5000}
OUT=bench/out
mkdir -p "$OUT"
build_release "$@"
EXPORTER=$(pwd)/.build/release/netstat_exporter
gcc -O2 -Wall -o "$OUT/floor" bench/floor.c

NS=nspeerbench$$
cleanup() { delete_namespaces "$NS"; }
trap cleanup EXIT

ip netns add "$NS"
in_ns ip link set lo up
in_ns python3 bench/peerfarm.py "$WORKERS" "$PER" 30000 >"$OUT/peerfarm.log" 2>&1 &
disown $!
for _ in $(seq 1500); do grep -q ready "$OUT/peerfarm.log" && break; sleep 0.2; done
grep -q ready "$OUT/peerfarm.log" || { echo "peerfarm did not start" >&2; exit 1; }
in_ns "$EXPORTER" --web.listen-address=127.0.0.1:10042 --collector.sockets.top-peers.loopback >"$OUT/with.log" 2>&1 &
disown $!
in_ns "$EXPORTER" --web.listen-address=127.0.0.1:10043 --collector.sockets.top-peers=0 >"$OUT/without.log" 2>&1 &
disown $!
sleep 1
in_ns curl -sf -o "$OUT/top-peers.txt" http://127.0.0.1:10042/metrics
in_ns curl -sf -o /dev/null http://127.0.0.1:10043/metrics

scrape_s() { in_ns curl -sf -o /dev/null -w '%{time_total}' "$1"; }
floor_s() {
    local start=$EPOCHREALTIME
    in_ns "$OUT/floor" >/dev/null
    awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {print b - a}'
}
with=() without=() floor=()
for ((i = 0; i < REPS; i++)); do
    with+=("$(scrape_s http://127.0.0.1:10042/metrics)")
    without+=("$(scrape_s http://127.0.0.1:10043/metrics)")
    floor+=("$(floor_s)")
done
median_ms() { printf '%s\n' "$@" | median_ms_from_seconds; }
FLOOR=$(median_ms "${floor[@]}") WITH=$(median_ms "${with[@]}") WITHOUT=$(median_ms "${without[@]}")
SOCKETS=$(in_ns "$OUT/floor" | awk '/^total/ {print $2}')
echo "sockets $SOCKETS, distinct peers $((WORKERS * PER + 1)); medians of $REPS runs in ms; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "floor $FLOOR   with top peers $WITH   without $WITHOUT"
awk -v f="$FLOOR" -v a="$WITH" -v b="$WITHOUT" \
    'BEGIN {printf "with / floor = %.2f   without / floor = %.2f   difference = %.2f (budget 0.05)\n", a / f, b / f, (a - b) / f}'
