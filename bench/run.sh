#!/usr/bin/env bash
# Benchmark: iotgate analyze vs. the flow tools on the same simulated capture, same machine, same run.
# Usage: bench/run.sh [PACKETS]   (default 5000000; needs nfdump, argus-client, softflowd, tshark,
# tcpdump, hyperfine from Debian). Prints a Markdown table; the file is kept in $BENCH_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000000}
DIR=${BENCH_DIR:-/tmp/iotgate-bench}
mkdir -p "$DIR"
PCAP="$DIR/sim-$N.pcap"
cargo build --release -q
BIN=target/release/iotgate
[ -f "$PCAP" ] || "$BIN" simulate --out "$PCAP" --devices 20 --packets "$N" --seed 1 --infected 1 --flood
cat "$PCAP" > /dev/null   # warm the page cache: every tool reads from memory
SIZE=$(stat -c %s "$PCAP")
run() { # name, command...
    local name=$1; shift
    local best=""
    for _ in 1 2 3; do
        local s e t
        s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N)
        t=$(echo "$e - $s" | bc)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
    done
    printf '| %s | %.2f | %.2f |\n' "$name" "$best" "$(echo "$N / $best / 1000000" | bc -l)"
}
echo "capture: $PCAP, $N packets, $SIZE bytes; best of 3; $(nproc) cores, $(uname -r)"
echo
echo "| tool | seconds | Mpps |"
echo "|---|---|---|"
run "iotgate analyze --threads 1 (everything on, detectors too, JSON out)" "$BIN" analyze --threads 1 --format json --progress never "$PCAP"
run "iotgate analyze --threads 1 --detect off (issue 2's scope: no detectors)" "$BIN" analyze --threads 1 --detect off --format json --progress never "$PCAP"
run "iotgate analyze --threads 2 (read+decode on a 2nd core)" "$BIN" analyze --threads 2 --format json --progress never "$PCAP"
run "tcpdump -r FILE -w /dev/null (read-only limit)" tcpdump -r "$PCAP" -w /dev/null
rm -rf "$DIR/nf"; mkdir -p "$DIR/nf"
run "nfpcapd -r" nfpcapd -r "$PCAP" -w "$DIR/nf"
run "argus -r" argus -r "$PCAP" -w "$DIR/argus.out"
run "softflowd -r … -c none" softflowd -r "$PCAP" -c none
if [ "${SKIP_TSHARK:-0}" != 1 ]; then
    s=$(date +%s.%N); tshark -n -q -r "$PCAP" -z conv,ip > /dev/null 2>&1; e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc)
    printf '| %s | %.2f | %.3f |\n' "tshark -q -z conv,ip (one run)" "$t" "$(echo "$N / $t / 1000000" | bc -l)"
fi
