#!/usr/bin/env bash
# Churn benchmark (issue 10): the warm scrape next to the bare netlink dump (floor.c) on a
# standing farm (Tests/Tools/sockfarm.py), first quiet, then while bench/churn.py opens and
# closes connections between its workers for the whole measurement.
#
#   bash bench/churn.sh                          # 100k sockets in 10 processes, 4 churners
#   NETNS_ALL=1 bash bench/churn.sh --no-build   # the same with --netns.all (churners in a second namespace)
#   SOCKETS=1000000 WORKERS=100 CHURN=0 bash bench/churn.sh --no-build   # the 1M case, quiet only
#   PERF=1 bash bench/churn.sh --no-build        # also: perf profile of the warm churn scrapes
#   EXPORTER=/tmp/old/netstat_exporter bash bench/churn.sh --no-build   # another build, for before/after
#   EXPORTER_ENV=NAME=value bash bench/churn.sh --no-build              # the exporter's environment
#   EXPORTER_FLAGS=--no-collector.sockets.health bash bench/churn.sh --no-build   # the exporter's flags
#
# Floor and scrape alternate REPS times (default 15) so both see the same load; the table gives
# medians in ms. The floor is timed inside floor.c (the dump alone, no exec); the scrape is
# curl's time_total (request, dump, owners, encode, transfer). With NETNS_ALL=1 the churners run
# in a second namespace the exporter reads through --netns.all, and the floor is the sum of
# floor.c in both. The one-walk floor asks for tcp_info (--tcp-info) as the exporter does with
# --collector.sockets.health (its default); with --no-collector.sockets.health it does not. Needs root, python3, curl, gcc, awk; perf for PERF=1. Not part of `make test`.
set -euo pipefail
source "$(dirname "$0")/common.sh"

REPS=${REPS:-15}
SOCKETS=${SOCKETS:-100000}
WORKERS=${WORKERS:-10}
CHURN=${CHURN:-1}                 # 0: quiet figures only
CHURNERS=${CHURNERS:-4}
RATE=${RATE:-750}                 # connections opened per second per churner (the log says what was reached)
WINDOW=${WINDOW:-3000}            # connections each churner keeps open
NETNS_ALL=${NETNS_ALL:-0}
PERF=${PERF:-0}
OUT=bench/out
mkdir -p "$OUT"

build_release "$@"
EXPORTER=${EXPORTER:-$(pwd)/.build/release/netstat_exporter}   # another build to compare with
gcc -O2 -Wall -o "$OUT/floor" bench/floor.c
gcc -O2 -Wall -o "$OUT/floor_fds" bench/floor_fds.c

NS=churnb$$
CNS=$NS   # where the churners run
[[ "$NETNS_ALL" == 1 ]] && CNS=${NS}c
cleanup() { delete_namespaces "$NS" "$CNS"; }
trap cleanup EXIT

for ns in "$NS" "$CNS"; do
    ip netns list | grep -qw "$ns" && continue
    ip netns add "$ns"
    ip netns exec "$ns" ip link set lo up
    # Clients take ports from 30000 up; the farm listens on 20000+, the churners on 19000+.
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="30000 65000"
done

ip netns exec "$NS" python3 "$FARM" --workers "$WORKERS" --established $((SOCKETS * 45 / 100)) \
    --close-wait $((SOCKETS * 5 / 100)) --port 20000 --hold 7200 >"$OUT/farm.log" 2>&1 &
disown $!
for _ in $(seq 3000); do grep -q ready "$OUT/farm.log" && break; sleep 0.2; done
grep -q ready "$OUT/farm.log" || { echo "sockfarm did not start: $(cat "$OUT/farm.log")" >&2; exit 1; }

# The cold scrape's floor: every descriptor's link read once (floor_fds.c). Its first run pays
# for creating the /proc dentries of the new farm's descriptors; the exporter's cold scrape
# comes after its second, so both see them cached.
fds_ms() { ip netns exec "$NS" "$OUT/floor_fds" | awk '/^took_ms/ {print $2}'; }
FDS_FRESH=$(fds_ms)
FDS_CACHED=$(fds_ms)

read -r -a EXTRA_FLAGS <<<"${EXPORTER_FLAGS:-}"
FLAGS=(--web.listen-address=127.0.0.1:10043 "${EXTRA_FLAGS[@]}")
ONE_WALK=(--one-walk --tcp-info)
[[ " ${EXTRA_FLAGS[*]} " == *" --no-collector.sockets.health "* ]] && ONE_WALK=(--one-walk)
[[ "$NETNS_ALL" == 1 ]] && FLAGS+=(--netns.all "--netns.include=$CNS")
ip netns exec "$NS" env ${EXPORTER_ENV:-} "$EXPORTER" "${FLAGS[@]}" >"$OUT/exporter.log" 2>&1 &
EXPORTER_PID=$!
disown "$EXPORTER_PID"
sleep 1
IDLE_RSS=$(rss_kb "$EXPORTER_PID")
scrape_ms() { ip netns exec "$NS" curl -sf -o "$OUT/metrics.txt" -w '%{time_total}' http://127.0.0.1:10043/metrics | awk '{printf "%.1f", $1 * 1000}'; }
# floor_ms [--one-walk]: the floor's dump time, summed over the namespaces read.
floor_ms() {
    local total=0 ns
    for ns in $(printf '%s\n' "$NS" "$CNS" | sort -u); do
        total=$(awk -v a="$total" -v b="$(ip netns exec "$ns" "$OUT/floor" "$@" | awk '/^took_ms/ {print $2}')" 'BEGIN {print a + b}')
    done
    echo "$total"
}
# Sockets the last scrape counted as owned by a process born since the previous scrape.
pending() { awk '/^netstat_tcp_connections\{.*process="pending"/ {n += $2} END {print n + 0}' "$OUT/metrics.txt"; }

# Alternates the floors and a warm scrape REPS times; prints "floor warm ratio maxPending
# oneWalkFloor oneWalkRatio". floor.c dumps each family in its own walk of the kernel's table,
# as ss does; the exporter walks it once for both, so the one-walk floor is printed too.
measure() {
    local floors=() ones=() warms=() most=0 i
    for ((i = 0; i < REPS; i++)); do
        floors+=("$(floor_ms)")
        ones+=("$(floor_ms "${ONE_WALK[@]}")")
        warms+=("$(scrape_ms)")
        local p; p=$(pending); ((p > most)) && most=$p
    done
    local f o w
    f=$(printf '%s\n' "${floors[@]}" | median)
    o=$(printf '%s\n' "${ones[@]}" | median)
    w=$(printf '%s\n' "${warms[@]}" | median)
    echo "$f $w $(awk -v a="$w" -v b="$f" 'BEGIN {printf "%.2f", a / b}') $most $o $(awk -v a="$w" -v b="$o" 'BEGIN {printf "%.2f", a / b}')"
}

COLD=$(scrape_ms)
COUNTED=$(ip netns exec "$NS" "$OUT/floor" | awk '/^total/ {print $2}')
read -r QF QW QR QP QO QOR <<<"$(measure)"
printf 'load %s | %s sockets in %s farm processes, netns.all=%s, idle RSS %s KB\n' \
    "$(cut -d' ' -f1-3 /proc/loadavg)" "$COUNTED" "$WORKERS" "$NETNS_ALL" "$IDLE_RSS"
printf 'cold scrape %s ms; floor_fds (every link read) %s ms with the dentries cached, %s ms the first time\n' \
    "$COLD" "$FDS_CACHED" "$FDS_FRESH"
printf '%-7s %9s %9s %7s %8s %12s %10s %7s\n' case floor warm ratio pending "rate/s" "floor-1walk" ratio
echo "(floor-1walk: ${ONE_WALK[*]})"
printf '%-7s %9s %9s %7s %8s %12s %10s %7s\n' quiet "$QF" "$QW" "$QR" "$QP" - "$QO" "$QOR"

if [[ "$CHURN" == 1 ]]; then
    ip netns exec "$CNS" python3 bench/churn.py --workers "$CHURNERS" --rate "$RATE" --window "$WINDOW" \
        --port 19000 --hold 7200 >"$OUT/churn.log" 2>&1 &
    disown $!
    for _ in $(seq 600); do grep -q ready "$OUT/churn.log" && break; sleep 0.2; done
    grep -q ready "$OUT/churn.log" || { echo "churn.py did not start: $(cat "$OUT/churn.log")" >&2; exit 1; }
    sleep 2
    for _ in 1 2 3; do scrape_ms >/dev/null; done   # the cache meets the churn
    if [[ "$PERF" == 1 ]]; then
        perf record -q -g -o "$OUT/perf.data" -p "$EXPORTER_PID" >/dev/null 2>&1 &
        PERF_PID=$!
        sleep 0.5
    fi
    BEFORE=$(grep opened "$OUT/churn.log" | tail -1)
    read -r CF CW CR CP CO COR <<<"$(measure)"
    AFTER=$(grep opened "$OUT/churn.log" | tail -1)
    if [[ "$PERF" == 1 ]]; then kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null || true; fi
    RATE_SEEN=$(awk -v b="$BEFORE" -v a="$AFTER" 'BEGIN {split(b, x, " "); split(a, y, " "); printf "%.0f", (y[2] - x[2]) / (y[3] - x[3])}')
    printf '%-7s %9s %9s %7s %8s %12s %10s %7s\n' churn "$CF" "$CW" "$CR" "$CP" "$RATE_SEEN" "$CO" "$COR"
fi
printf 'RSS after scrapes %s KB; load %s\n' "$(rss_kb "$EXPORTER_PID")" "$(cut -d' ' -f1-3 /proc/loadavg)"
[[ "$PERF" == 1 ]] && echo "profile: perf report -i $OUT/perf.data --no-children --sort sym"
exit 0
