#!/usr/bin/env bash
# Namespaces benchmark (issue 8): a scrape with --netns.all over NAMESPACES network namespaces,
# each holding SOCKETS sockets in WORKERS sockfarm processes, next to a C floor that enters each
# namespace and does the same kernel work (floor_netns.c: setns, sock_diag dumps of TCP and UDP,
# the same /proc/net reads) without parsing anything.
#
#   bash bench/namespaces.sh                     # build release, 100 namespaces × 1,000 sockets
#   NAMESPACES=20 REPS=5 bash bench/namespaces.sh --no-build
#
# The exporter runs in a quiet namespace of its own and reads the bench's namespaces by
# --netns.include. Prints medians over REPS scrapes (default 10), the ratio to the floor, the
# cost per namespace before any socket is in them and with their sockets, and the series count.
# A sock_diag dump walks the host's whole socket table for each namespace, so the per-namespace
# cost grows with every socket on the host, for the floor as for the exporter. Needs root, python3, curl, gcc, awk. Not part of `make test`.
set -euo pipefail
source "$(dirname "$0")/common.sh"

REPS=${REPS:-10}
NAMESPACES=${NAMESPACES:-100}
SOCKETS=${SOCKETS:-1000}
WORKERS=${WORKERS:-10}
OUT=bench/out
mkdir -p "$OUT"

build_release "$@"
EXPORTER=$(pwd)/.build/release/netstat_exporter
gcc -O2 -Wall -o "$OUT/floor_netns" bench/floor_netns.c

PREFIX=nsb$$x
OWN=${PREFIX}own
names() { for ((i = 0; i < NAMESPACES; i++)); do echo "$PREFIX$i"; done; }
cleanup() { delete_namespaces "$OWN" $(names); }
trap cleanup EXIT


# Median of curl's own transfer time, in milliseconds.
scrape_ms() {
    for ((i = 0; i < REPS; i++)); do
        ip netns exec "$OWN" curl -sf -o /dev/null -w '%{time_total}\n' "$1"
    done | median_ms_from_seconds
}

floor_ms() {   # floor_ms [--one-walk]
    local paths=("$@")
    for ns in $(names); do paths+=("/run/netns/$ns"); done
    for ((i = 0; i < REPS; i++)); do
        local start=$EPOCHREALTIME
        "$OUT/floor_netns" "${paths[@]}" >/dev/null
        awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {print (b - a) * 1000}'
    done | median
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
per_namespace_us() { awk -v a="$1" -v b="$2" -v n="$NAMESPACES" 'BEGIN {printf "%.0f", (a - b) * 1000 / n}'; }

cleanup
ip netns add "$OWN"
ip netns exec "$OWN" ip link set lo up
for ns in $(names); do
    ip netns add "$ns"
    ip netns exec "$ns" ip link set lo up
done
start_exporter() {
    ip netns exec "$OWN" "$EXPORTER" --web.listen-address=127.0.0.1:10043 "$@" >"$OUT/exporter.log" 2>&1 &
    EXPORTER_PID=$!
    disown "$EXPORTER_PID"
    for _ in $(seq 100); do ip netns exec "$OWN" curl -sf -o /dev/null http://127.0.0.1:10043/ && return 0; sleep 0.1; done
    echo "exporter did not start" >&2; exit 1
}
URL=http://127.0.0.1:10043/metrics
MODE=(--netns.all "--netns.include=$PREFIX[0-9]+" "--netns.max=$NAMESPACES")

# First the namespaces alone, no socket in them: what a namespace costs by itself.
start_exporter
OFF=$(scrape_ms "$URL")
kill "$EXPORTER_PID"; sleep 0.3
start_exporter "${MODE[@]}"
EMPTY=$(scrape_ms "$URL")
EMPTY_FLOOR=$(floor_ms)
kill "$EXPORTER_PID"; sleep 0.3

PAIRS=$(( (SOCKETS - WORKERS) / 2 ))
for ns in $(names); do
    ip netns exec "$ns" python3 "$FARM" --workers "$WORKERS" --established "$PAIRS" --close-wait 0 --port 20000 \
        --hold 3600 >"$OUT/farm-$ns.log" 2>&1 &
    disown $!
done
for ns in $(names); do
    for _ in $(seq 600); do grep -q ready "$OUT/farm-$ns.log" 2>/dev/null && break; sleep 0.2; done
    grep -q ready "$OUT/farm-$ns.log" || { echo "sockfarm in $ns did not start" >&2; exit 1; }
done

start_exporter "${MODE[@]}"
IDLE_RSS=$(awk '/^VmRSS/ {print $2}' "/proc/$EXPORTER_PID/status")
COLD=$(ip netns exec "$OWN" curl -sf -o "$OUT/netns-metrics.txt" -w '%{time_total}' "$URL" | awk '{printf "%.1f", $1 * 1000}')
WARM=$(scrape_ms "$URL")
FLOOR=$(floor_ms)
FLOOR_ONE_WALK=$(floor_ms --one-walk)
RSS=$(awk '/^VmRSS/ {print $2}' "/proc/$EXPORTER_PID/status")
SERIES=$(grep -vc '^#' "$OUT/netns-metrics.txt")
PER_NS=$(grep -c "netns=\"${PREFIX}0\"" "$OUT/netns-metrics.txt" || true)
COUNTED=$("$OUT/floor_netns" $(names | sed 's#^#/run/netns/#') | awk '{print $4}')
kill "$EXPORTER_PID"

echo "namespaces=$NAMESPACES sockets/namespace=$SOCKETS (dumped in all: $COUNTED) workers/namespace=$WORKERS reps=$REPS"
echo "scrape, mode off (own namespace only)     $OFF ms"
echo "scrape, mode on: cold                      $COLD ms"
echo "scrape, mode on: warm                      $WARM ms"
echo "floor (setns + dumps + /proc reads)        $FLOOR ms"
echo "warm / floor                               $(ratio "$WARM" "$FLOOR")   (target <= 1.3)"
echo "floor, TCP in one walk (as the exporter)   $FLOOR_ONE_WALK ms; warm / it $(ratio "$WARM" "$FLOOR_ONE_WALK")"
echo "per namespace with its sockets: exporter   $(per_namespace_us "$WARM" "$OFF") us, floor $(per_namespace_us "$FLOOR" 0) us"
echo "per empty namespace: exporter              $(per_namespace_us "$EMPTY" "$OFF") us, floor $(per_namespace_us "$EMPTY_FLOOR" 0) us  (before the farms)"
echo "series in the scrape                       $SERIES ($PER_NS of one namespace)"
echo "RSS idle / after scrapes                   ${IDLE_RSS} KB / ${RSS} KB"
