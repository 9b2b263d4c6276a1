# Sourced first by every bench script: runs it from the repository root with Swift on PATH and
# gives it what they all use.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="/opt/swift/usr/bin:$PATH"
FARM=$PWD/Tests/Tools/sockfarm.py

# The release binary with the flags users run (Makefile, RELEASE_FLAGS), unless the script's
# first argument is --no-build.
build_release() {
    [[ "${1:-}" == "--no-build" ]] || make release >&2
}

# The median of the numbers on stdin, one a line, to one decimal.
median() { sort -g | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.1f", m}'; }

# The same, of numbers in seconds (curl's time_total), in milliseconds.
median_ms_from_seconds() { awk '{printf "%.6f\n", $1 * 1000}' | median; }

# Kills every process in the named network namespaces and deletes them: each script's cleanup.
delete_namespaces() {
    for ns in "$@"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns delete "$ns" 2>/dev/null || true
    done
}

# Runs a command in the script's namespace, $NS.
in_ns() { ip netns exec "$NS" "$@"; }

# A process's resident memory in KB.
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# Waits up to 10 s for a URL to answer from inside $NS.
wait_http() {
    for _ in $(seq 100); do in_ns curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
    echo "no answer from $1" >&2; return 1
}
