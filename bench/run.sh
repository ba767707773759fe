#!/usr/bin/env bash
# Benchmark: iotgate analyze vs. the flow tools on the same simulated capture, same machine, same run.
# Usage: bench/run.sh [PACKETS]   (default 5000000; needs nfdump, argus-client, softflowd, tshark,
# tcpdump from Debian). Prints a Markdown table; the file is kept in $BENCH_DIR.
#
# The tools are timed in interleaved rounds (every tool once per round, ROUNDS rounds, best time
# kept): on a shared virtual machine whose speed drifts by tens of percent over minutes, timing
# one tool's runs back to back and the next tool's later would compare different machines.
# The ratio to softflowd is also given per round (both timed within seconds of each other).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000000}
ROUNDS=${ROUNDS:-3}
DIR=${BENCH_DIR:-/tmp/iotgate-bench}
mkdir -p "$DIR"
PCAP="$DIR/sim-$N.pcap"
cargo build --release -q
BIN=target/release/iotgate
[ -f "$PCAP" ] || "$BIN" simulate --out "$PCAP" --devices 20 --packets "$N" --seed 1 --infected 1 --flood
cat "$PCAP" > /dev/null   # warm the page cache: every tool reads from memory
SIZE=$(stat -c %s "$PCAP")

NAMES=(
    "iotgate analyze --threads 1 (everything on, detectors too, JSON out)"
    "iotgate analyze --threads 1 --detect off (issue 2's scope: no detectors)"
    "iotgate analyze --threads 2 (read+decode on a 2nd core)"
    "tcpdump -r FILE -w /dev/null (read-only limit)"
    "nfpcapd -r"
    "argus -r"
    "softflowd -r … -c none"
)
tool() { # index → runs that tool once, output discarded
    case $1 in
        0) "$BIN" analyze --threads 1 --format json --progress never "$PCAP" ;;
        1) "$BIN" analyze --threads 1 --detect off --format json --progress never "$PCAP" ;;
        2) "$BIN" analyze --threads 2 --format json --progress never "$PCAP" ;;
        3) tcpdump -r "$PCAP" -w /dev/null ;;
        4) rm -rf "$DIR/nf" && mkdir -p "$DIR/nf" && nfpcapd -r "$PCAP" -w "$DIR/nf" ;;
        5) argus -r "$PCAP" -w "$DIR/argus.out" ;;
        6) softflowd -r "$PCAP" -c none ;;
    esac > /dev/null 2>&1
}
declare -a BEST
RATIOS=""
for _ in $(seq "$ROUNDS"); do
    declare -a T=()
    for i in "${!NAMES[@]}"; do
        s=$(date +%s.%N); tool "$i"; e=$(date +%s.%N)
        T[i]=$(echo "$e - $s" | bc)
        if [ -z "${BEST[i]:-}" ] || [ "$(echo "${T[i]} < ${BEST[i]}" | bc)" = 1 ]; then BEST[i]=${T[i]}; fi
    done
    RATIOS="$RATIOS $(printf '%.1f' "$(echo "${T[6]} / ${T[1]}" | bc -l)")"
done
echo "capture: $PCAP, $N packets, $SIZE bytes; best of $ROUNDS interleaved rounds; $(nproc) cores, $(uname -r)"
echo
echo "| tool | seconds | Mpps |"
echo "|---|---|---|"
for i in "${!NAMES[@]}"; do
    printf '| %s | %.2f | %.2f |\n' "${NAMES[i]}" "${BEST[i]}" "$(echo "$N / ${BEST[i]} / 1000000" | bc -l)"
done
if [ "${SKIP_TSHARK:-0}" != 1 ]; then
    s=$(date +%s.%N); tshark -n -q -r "$PCAP" -z conv,ip > /dev/null 2>&1; e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc)
    printf '| %s | %.2f | %.3f |\n' "tshark -q -z conv,ip (one run)" "$t" "$(echo "$N / $t / 1000000" | bc -l)"
fi
echo
printf 'softflowd ÷ iotgate --threads 1 --detect off: %.1f× (best times); per round:%s\n' \
    "$(echo "${BEST[6]} / ${BEST[1]}" | bc -l)" "$RATIOS"
