#!/usr/bin/env bash
# Benchmark: iotgate analyze vs. the flow tools on the same capture, same machine, same run.
#
# Usage: bench/run.sh [--real] [PACKETS]
#   --real   a capture assembled by ../shared/tools/mkbench.py from every classic pcap under
#            ../shared/data/pcap (IoT Sentinel, nDPI, Zeek, tcpdump captures; each replica gets
#            its own addresses): the headline table. Without it, the simulator's capture.
#   PACKETS  at least this many packets (default 5000000).
# Needs nfdump (nfpcapd), softflowd, tcpdump from Debian; argus-client and tshark are timed when
# installed (SKIP_TSHARK=1 skips tshark's single slow run). Prints a Markdown table; the capture
# is kept in $BENCH_DIR (default /tmp/iotgate-bench) and reused.
#
# The tools are timed in interleaved rounds (every tool once per round, ROUNDS rounds, best time
# kept): on a shared virtual machine whose speed drifts by tens of percent over minutes, timing
# one tool's runs back to back and the next tool's later would compare different machines.
# Ratios are also given per round (tools timed within seconds of each other).
set -euo pipefail
cd "$(dirname "$0")/.."
REAL=0
if [ "${1:-}" = --real ]; then REAL=1; shift; fi
N=${1:-5000000}
ROUNDS=${ROUNDS:-3}
DIR=${BENCH_DIR:-/tmp/iotgate-bench}
mkdir -p "$DIR"
cargo build --release -q
BIN=target/release/iotgate
if [ "$REAL" = 1 ]; then
    PCAP="$DIR/real-$N.pcap"
    # shellcheck disable=SC2046
    [ -f "$PCAP" ] || python3 ../shared/tools/mkbench.py "$PCAP" "$N" $(find ../shared/data/pcap -name '*.pcap' | sort) >&2
else
    PCAP="$DIR/sim-$N.pcap"
    [ -f "$PCAP" ] || "$BIN" simulate --out "$PCAP" --devices 20 --packets "$N" --seed 1 --infected 1 --flood
fi
cat "$PCAP" > /dev/null   # warm the page cache: every tool reads from memory
SIZE=$(stat -L -c %s "$PCAP")
PKTS=$("$BIN" analyze --detect off --format json --progress never "$PCAP" | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["packets"])')

NAMES=(
    "iotgate analyze --threads 1 (everything on: detectors, JSON report)"
    "iotgate analyze (everything on, default: 2 threads here)"
    "iotgate analyze --threads 1 --detect off"
    "tcpdump -r FILE -w /dev/null (read and copy only)"
    "nfpcapd -r"
    "softflowd -r … -c none"
)
HAVE_ARGUS=0
if command -v argus > /dev/null; then NAMES+=("argus -r"); HAVE_ARGUS=1; fi
tool() { # index → runs that tool once, output discarded
    case $1 in
        0) "$BIN" analyze --threads 1 --format json --progress never "$PCAP" ;;
        1) "$BIN" analyze --format json --progress never "$PCAP" ;;
        2) "$BIN" analyze --threads 1 --detect off --format json --progress never "$PCAP" ;;
        3) tcpdump -r "$PCAP" -w /dev/null ;;
        4) rm -rf "$DIR/nf" && mkdir -p "$DIR/nf" && nfpcapd -r "$PCAP" -w "$DIR/nf" ;;
        5) softflowd -r "$PCAP" -c none ;;
        6) argus -r "$PCAP" -w "$DIR/argus.out" ;;
    esac > /dev/null 2>&1
}
declare -a BEST
R_SOFT="" R_NF="" R_TCP="" R_OFF=""
ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }
for _ in $(seq "$ROUNDS"); do
    declare -a T=()
    for i in "${!NAMES[@]}"; do
        s=$(date +%s.%N); tool "$i"; e=$(date +%s.%N)
        T[i]=$(echo "$e - $s" | bc)
        if [ -z "${BEST[i]:-}" ] || [ "$(echo "${T[i]} < ${BEST[i]}" | bc)" = 1 ]; then BEST[i]=${T[i]}; fi
    done
    R_SOFT="$R_SOFT $(ratio "${T[5]}" "${T[0]}")"
    R_NF="$R_NF $(ratio "${T[4]}" "${T[0]}")"
    R_TCP="$R_TCP $(ratio "${T[0]}" "${T[3]}")"
    R_OFF="$R_OFF $(ratio "${T[0]}" "${T[2]}")"
done
echo "capture: $PCAP, $PKTS packets, $SIZE bytes; best of $ROUNDS interleaved rounds; $(nproc) cores, $(uname -r), $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD)"
echo
echo "| tool | seconds | Mpps |"
echo "|---|---|---|"
for i in "${!NAMES[@]}"; do
    printf '| %s | %.2f | %.2f |\n' "${NAMES[i]}" "${BEST[i]}" "$(echo "$PKTS / ${BEST[i]} / 1000000" | bc -l)"
done
if [ "${SKIP_TSHARK:-0}" != 1 ] && command -v tshark > /dev/null; then
    s=$(date +%s.%N); tshark -n -q -r "$PCAP" -z conv,ip > /dev/null 2>&1; e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc)
    printf '| %s | %.2f | %.3f |\n' "tshark -q -z conv,ip (one run)" "$t" "$(echo "$PKTS / $t / 1000000" | bc -l)"
fi
echo
echo "iotgate --threads 1, everything on, per round:"
echo "- packets/s ÷ softflowd's:$R_SOFT (goal ≥ 2)"
echo "- packets/s ÷ nfpcapd's:$R_NF (goal ≥ 3)"
echo "- time ÷ tcpdump's:$R_TCP (goal ≤ 2)"
echo "- time ÷ --detect off's:$R_OFF (issue 14's goal ≤ 1.3)"
[ "$HAVE_ARGUS" = 1 ] || echo "(argus not installed: not timed)"
