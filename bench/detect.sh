#!/usr/bin/env bash
# Benchmark: the cost of detection (analyze with every detector vs --detect off, same run, same
# file) and peak memory under 10 M-packet stress captures. Needs hyperfine and GNU time.
# Usage: bench/detect.sh [PACKETS]   (default 5000000)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000000}
DIR=${BENCH_DIR:-/tmp/iotgate-bench}
mkdir -p "$DIR"
cargo build --release -q
BIN=target/release/iotgate
PCAP="$DIR/sim-$N.pcap"
[ -f "$PCAP" ] || "$BIN" simulate --out "$PCAP" --devices 20 --packets "$N" --seed 1 --infected 1 --flood
cat "$PCAP" > /dev/null
echo "capture: $PCAP ($N packets); $(nproc) cores, $(uname -r)"
for t in 1 2; do
    hyperfine -N -w 1 -r "${RUNS:-10}" \
        -n "detectors on, threads $t" "$BIN analyze --threads $t --format json --progress never $PCAP" \
        -n "detectors off, threads $t" "$BIN analyze --threads $t --detect off --format json --progress never $PCAP"
done
# The machine's speed drifts between runs: alternate on/off and compare each pair too.
echo "alternating runs (default threads), seconds on/off and their ratio:"
for _ in $(seq 1 "${PAIRS:-8}"); do
    s=$(date +%s.%N); "$BIN" analyze --format json --progress never "$PCAP" > /dev/null; m=$(date +%s.%N)
    "$BIN" analyze --detect off --format json --progress never "$PCAP" > /dev/null; e=$(date +%s.%N)
    on=$(echo "$m - $s" | bc); off=$(echo "$e - $m" | bc)
    printf '  %.3f %.3f %.2f\n' "$on" "$off" "$(echo "$on / $off" | bc -l)"
done | tee "$DIR/pairs.txt"
sort -k3 -n "$DIR/pairs.txt" | awk '{r[NR]=$3} END {printf "  median ratio %.2f\n", (NR%2 ? r[(NR+1)/2] : (r[NR/2]+r[NR/2+1])/2)}'
for kind in random-scan spoofed-syn-flood; do
    S="$DIR/stress-$kind.pcap"
    [ -f "$S" ] || "$BIN" simulate --stress "$kind" --packets 10000000 --out "$S"
    cat "$S" > /dev/null
    for mode in on off; do
        arg=(); [ $mode = off ] && arg=(--detect off)
        /usr/bin/time -f "$kind, detectors $mode: %e s, peak RSS %M KB" \
            "$BIN" analyze "${arg[@]}" --format json --progress never "$S" > "$DIR/stress-$kind-$mode.json"
    done
    python3 - "$DIR/stress-$kind-on.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for a in r["alerts"]:
    print("   ", a["severity"], a["kind"], a["detail"], a["mac"], "raised", a["delay_s"], "s after first evidence")
PY
done
