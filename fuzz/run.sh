#!/usr/bin/env bash
# Runs every parser fuzz target (fuzz/Sources/ParserFuzzer) under libFuzzer + AddressSanitizer,
# one after another, each from the seeds below plus what earlier runs found (fuzz/.build/corpus).
#
#   bash fuzz/run.sh                          # build, then 60 s per target (`make fuzz`)
#   FUZZ_SECONDS=600 bash fuzz/run.sh         # longer
#   FUZZ_RUNS=1000000 FUZZ_SECONDS=0 bash fuzz/run.sh   # exactly a million inputs per target
#   FUZZ_TARGETS="route-table snmp-table" bash fuzz/run.sh --no-build
#
# Prints one line per target (inputs run, seconds, crashes) and exits 1 when any target crashed,
# leaked, hung (> 10 s on one input) or broke a check; the input is saved as
# fuzz/.build/artifacts/<target>-crash-… (replay: FUZZ_TARGET=<target> fuzz/.build/release/ParserFuzzer FILE).
set -euo pipefail
cd "$(dirname "$0")"
export PATH="/opt/swift/usr/bin:$PATH"

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_RUNS=${FUZZ_RUNS:--1}
ALL_TARGETS="inet-socket-table net-dev-table route-table ipv6-route-table snmp-table snmp6-table sockstat-table
conntrack-stat-table unix-socket-table process-stat sock-diag-messages conntrack-messages process-identity"
FUZZ_TARGETS=${FUZZ_TARGETS:-$ALL_TARGETS}
FIXTURES=../Tests/Fixtures
GOLDEN=../Tests/Golden/proc/net

# The files each target starts from: the real captures (Tests/Fixtures), the golden test's tree, and
# fuzz/seeds/ (captured by fuzz/capture-seeds.py) for what those lack.
seeds_for() {
    case $1 in
        inet-socket-table) echo "$FIXTURES"/procfs/proc/net/{tcp,tcp6,udp,udp6,udp_broken} \
            "$FIXTURES"/node_exporter/proc/net/udp "$GOLDEN"/{tcp,tcp6,udp,udp6} ;;
        net-dev-table) echo "$FIXTURES"/procfs/proc/net/dev "$FIXTURES"/procfs/proc-pid-26231/net/dev "$GOLDEN"/dev \
            "$FIXTURES"/debian12/proc-nonutf8-ifname/net/dev ;;
        route-table) echo "$GOLDEN"/route ;;
        ipv6-route-table) echo "$GOLDEN"/ipv6_route ;;
        snmp-table) echo "$FIXTURES"/node_exporter/proc/net/{snmp,netstat} \
            "$FIXTURES"/procfs/proc-pid-26231/net/{snmp,netstat} "$GOLDEN"/{snmp,netstat} ;;
        snmp6-table) echo "$FIXTURES"/node_exporter/proc/net/snmp6 "$FIXTURES"/procfs/proc-pid-26231/net/snmp6 \
            "$GOLDEN"/snmp6 ;;
        sockstat-table) echo "$FIXTURES"/node_exporter/proc/net/sockstat{,6} "$FIXTURES"/procfs/proc/net/sockstat{,6} \
            "$GOLDEN"/sockstat{,6} ;;
        conntrack-stat-table) echo "$FIXTURES"/debian12/proc/net/stat/nf_conntrack "$GOLDEN"/stat/nf_conntrack ;;
        unix-socket-table) echo "$FIXTURES"/procfs/proc/net/{unix,unix_without_inode} "$GOLDEN"/unix ;;
        process-stat) echo seeds/process-stat/* ;;
        sock-diag-messages) echo seeds/sock-diag-messages/* ;;
        conntrack-messages) echo seeds/conntrack-messages/* ;;
        process-identity) echo seeds/process-identity/* ;;
        *) echo "unknown target $1" >&2; return 1 ;;
    esac
}

if [[ "${1:-}" != "--no-build" ]]; then
    swift build -c release --sanitize=fuzzer --sanitize=address >&2
fi
FUZZER=.build/release/ParserFuzzer
mkdir -p .build/artifacts .build/logs

failed=0
printf '%-20s %10s %8s %9s %s\n' target inputs seconds inputs/s result
for target in $FUZZ_TARGETS; do
    seeds=.build/seeds/$target corpus=.build/corpus/$target log=.build/logs/$target.log
    rm -rf "$seeds" && mkdir -p "$seeds" "$corpus"
    for file in $(seeds_for "$target"); do
        [[ -f "$file" ]] || { echo "$target: seed $file is missing" >&2; exit 1; }
        cp "$file" "$seeds/$(basename "$(dirname "$file")")-$(basename "$file")"
    done
    start=$EPOCHREALTIME
    status=0
    FUZZ_TARGET=$target "$FUZZER" -runs="$FUZZ_RUNS" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
        -rss_limit_mb=1024 -max_len=16384 -print_final_stats=1 -artifact_prefix=".build/artifacts/$target-" \
        "$corpus" "$seeds" >"$log" 2>&1 || status=$?
    seconds=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.0f", b - a}')
    runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
    runs=${runs:-0}
    rate=$(awk -v r="$runs" -v s="$seconds" 'BEGIN {printf "%.0f", (s > 0) ? r / s : r}')
    if [[ $status -eq 0 ]]; then
        result="0 crashes"
    else
        failed=1
        result="FAILED (exit $status): $(grep -m1 -E 'ERROR|SUMMARY|Fatal error|deadly' "$log" || tail -1 "$log"); see fuzz/$log"
    fi
    printf '%-20s %10s %8s %9s %s\n' "$target" "$runs" "$seconds" "$rate" "$result"
done
exit $failed
