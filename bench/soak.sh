#!/usr/bin/env bash
# Soak (issue 9, part 4): scrape the exporter SCRAPES times while sockets and processes come and
# go, and check that its memory and open files stay flat.
#
#   bash bench/soak.sh                                   # build release, 10,000 scrapes
#   SCRAPES=2000 SECONDS_LIMIT=120 bash bench/soak.sh --no-build
#   EXPORTER=.build-asan/debug/netstat_exporter OUT=bench/out/asan SCRAPES=1000 CLIENTS=4 \
#       SAMPLE_EVERY=100 WARMUP=200 MAX_GROWTH_PERCENT=100000 bash bench/soak.sh --no-build
#
# In a network namespace and a PID namespace of its own, a steady sockfarm
# (Tests/Tools/sockfarm.py) holds 2,000 ESTABLISHED, 100 CLOSE_WAIT and their FIN_WAIT2 ends
# in 4 processes, and short-lived farms run one after another (2 processes, 200 ESTABLISHED,
# 10 CLOSE_WAIT, exiting 2 s after they are ready), so sockets, TIME_WAITs, orphans and owning
# processes appear and vanish under the scrapes. CLIENTS curl processes scrape at once, each
# request on a new connection.
#
# Every SAMPLE_EVERY (500) scrapes it prints RSS, open fds and threads of the exporter. It fails
# when a scrape does not answer 200, when a sample after WARMUP (2,000) scrapes is more than
# 5 % (MAX_GROWTH_PERCENT) above the sample taken at WARMUP, or when the exporter's stderr holds a
# sanitizer report. Needs root (ip netns), python3, curl. Not part of `make test`.
set -euo pipefail
source "$(dirname "$0")/common.sh"

SCRAPES=${SCRAPES:-10000}
SECONDS_LIMIT=${SECONDS_LIMIT:-0}     # 0: no time limit; otherwise stop after this many seconds
CLIENTS=${CLIENTS:-2}
SAMPLE_EVERY=${SAMPLE_EVERY:-500}
WARMUP=${WARMUP:-2000}
MAX_GROWTH_PERCENT=${MAX_GROWTH_PERCENT:-5}
PORT=${PORT:-19109}
SCRAPE_TIMEOUT=${SCRAPE_TIMEOUT:-30}  # seconds a scrape may take before it counts as failed
OUT=${OUT:-bench/out}      # logs: soak-exporter.log (its stderr), soak-farm.log, soak-last.txt
mkdir -p "$OUT"
rm -f "$OUT/soak-farm.log"

build_release "$@"
EXPORTER=$(realpath "${EXPORTER:-.build/release/netstat_exporter}")
(( SCRAPES % SAMPLE_EVERY == 0 && SAMPLE_EVERY % CLIENTS == 0 )) \
    || { echo "SCRAPES must be a multiple of SAMPLE_EVERY, and SAMPLE_EVERY of CLIENTS" >&2; exit 2; }

NS=fuzz-soak-$$
cleanup() { delete_namespaces "$NS"; }
trap cleanup EXIT

ip netns add "$NS"
in_ns ip link set lo up
# Farm listeners sit below the ephemeral range, so client ends cannot take their ports.
in_ns sysctl -qw net.ipv4.ip_local_port_range="30000 60999"
# The farms and the exporter share a PID namespace of their own (with its own /proc), so the
# exporter's attribution walks only the soak's processes, not whatever else runs on the host.
# The churn: one short-lived farm after another, each on its own ports (ten slots in turn),
# living two seconds after it is ready, a second apart. One at a time, so a slow machine gets
# slower churn rather than a pile of farms. Bounded in count; killed with the namespace.
export FARM EXPORTER PORT OUT
in_ns unshare --pid --fork --mount-proc bash -c '
    python3 "$FARM" --workers 4 --established 1000 --close-wait 100 --port 20000 --hold 36000 \
        >"$OUT/soak-farm.log" 2>&1 &
    for _ in $(seq 300); do grep -q ready "$OUT/soak-farm.log" && break; sleep 0.2; done
    (
        for ((i = 0; i < 100000; i++)); do
            python3 "$FARM" --workers 2 --established 100 --close-wait 10 --port $((21000 + (i % 10) * 10)) \
                --hold 2 >/dev/null 2>&1 || true
            sleep 1
        done
    ) &
    "$EXPORTER" --web.listen-address=127.0.0.1:$PORT 2>"$OUT/soak-exporter.log" &
    wait
' &
disown $!
for _ in $(seq 300); do grep -q ready "$OUT/soak-farm.log" 2>/dev/null && break; sleep 0.2; done
grep -q ready "$OUT/soak-farm.log" || { echo "sockfarm did not start" >&2; exit 1; }
# The exporter's pid as this (the host's) /proc knows it.
EXPORTER_PID=
for _ in $(seq 100); do
    for pid in $(ip netns pids "$NS"); do
        [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == netstat_export* ]] && EXPORTER_PID=$pid
    done
    [[ -n "$EXPORTER_PID" ]] && break
    sleep 0.2
done
[[ -n "$EXPORTER_PID" ]] || { echo "the exporter did not start" >&2; exit 1; }
URL=http://127.0.0.1:$PORT/metrics
for _ in $(seq 100); do in_ns curl -sf -o /dev/null "$URL" && break; sleep 0.2; done

sample() {
    local status=/proc/$EXPORTER_PID/status
    [[ -r "$status" ]] || { echo "the exporter is gone" >&2; return 1; }
    echo "$(awk '/^VmRSS/ {print $2}' "$status") $(awk '/^RssAnon/ {print $2}' "$status") $(ls "/proc/$EXPORTER_PID/fd" | wc -l) $(awk '/^Threads/ {print $2}' "$status")"
}

# One client's share of a batch: that many scrapes, each on a new connection, one status a line.
client() {
    local count=$1 urls=()
    for ((k = 0; k < count; k++)); do urls+=(-o /dev/null "$URL"); done
    in_ns curl -s -H 'Connection: close' --max-time "$SCRAPE_TIMEOUT" -w '%{http_code}\n' "${urls[@]}" || true
}

printf '%8s %8s %10s %10s %6s %8s %s\n' scrapes seconds rss_kb anon_kb fds threads non200
read -r RSS ANON FDS THREADS <<<"$(sample)"
printf '%8s %8s %10s %10s %6s %8s %s\n' 0 0 "$RSS" "$ANON" "$FDS" "$THREADS" 0
SERIES=("0 $RSS $FDS")
START=$EPOCHREALTIME
done_scrapes=0 failures=0
while (( done_scrapes < SCRAPES )); do
    codes=$OUT/soak-codes.$$
    for ((c = 0; c < CLIENTS; c++)); do client $((SAMPLE_EVERY / CLIENTS)) >"$codes.$c" & done
    wait
    bad=$(cat "$codes".* | grep -cv '^200$' || true)
    answered=$(cat "$codes".* | wc -l)
    rm -f "$codes".*
    bad=$((bad + SAMPLE_EVERY - answered))
    failures=$((failures + bad))
    done_scrapes=$((done_scrapes + SAMPLE_EVERY))
    read -r RSS ANON FDS THREADS <<<"$(sample)"
    elapsed=$(awk -v a="$START" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.0f", b - a}')
    printf '%8s %8s %10s %10s %6s %8s %s\n' "$done_scrapes" "$elapsed" "$RSS" "$ANON" "$FDS" "$THREADS" "$bad"
    SERIES+=("$done_scrapes $RSS $FDS")
    if (( SECONDS_LIMIT > 0 && elapsed >= SECONDS_LIMIT )); then break; fi
done

in_ns curl -sf --max-time "$SCRAPE_TIMEOUT" "$URL" >"$OUT/soak-last.txt" || true
kill -TERM "$EXPORTER_PID" 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$EXPORTER_PID" 2>/dev/null || break; sleep 0.2; done

verdict=0
echo
echo "scrapes answered other than 200: $failures"
(( failures == 0 )) || verdict=1
# The baseline is the sample at WARMUP scrapes (or the first after it).
printf '%s\n' "${SERIES[@]}" | awk -v warmup="$WARMUP" -v limit="$MAX_GROWTH_PERCENT" '
    $1 >= warmup && !based { rss = $2; fds = $3; based = 1; at = $1; next }
    based { if ($2 > maxrss) maxrss = $2; if ($3 > maxfds) maxfds = $3; last = $0 }
    END {
        if (!based || last == "") { print "too few samples after the warm-up to judge growth"; exit 1 }
        split(last, end, " ")
        printf "after warm-up (%d scrapes): RSS %d -> %d kB (max %d, %+.1f%%), fds %d -> %d (max %d)\n",
            at, rss, end[2], maxrss, (maxrss - rss) * 100 / rss, fds, end[3], maxfds
        if (maxrss > rss * (1 + limit / 100) || maxfds > fds * (1 + limit / 100)) {
            printf "FAIL: growth beyond %d%%\n", limit; exit 1
        }
        printf "flat: no growth beyond %d%%\n", limit
    }' || verdict=1
if grep -q -E 'ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer|runtime error:' "$OUT/soak-exporter.log"; then
    echo "FAIL: sanitizer reports in $OUT/soak-exporter.log:"
    grep -E 'ERROR: (AddressSanitizer|LeakSanitizer)|WARNING: ThreadSanitizer|SUMMARY' "$OUT/soak-exporter.log" | sort | uniq -c | head
    verdict=1
fi
exit $verdict
