#!/usr/bin/env bash
# MUD benchmarks: (1) deciding flows against the largest UNSW profile (chromecastUltra) on one
# core, indexed and linear; (2) `iotgate mud audit` vs plain `analyze` on the same simulated
# capture (threads 1), auditing three devices — one of them the infected camera, whose 1.8 M scan
# flows are all violations — against profiles learned from a clean camera and a computer.
# Usage: bench/mud.sh [PACKETS]   (default 5000000; needs hyperfine). Reuses bench/run.sh's capture.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000000}
DIR=${BENCH_DIR:-/tmp/iotgate-bench}
mkdir -p "$DIR"
PCAP="$DIR/sim-$N.pcap"
cargo build --release -q
cargo build --release -q -p iotgate-mud --example match_bench
BIN=target/release/iotgate
[ -f "$PCAP" ] || "$BIN" simulate --out "$PCAP" --devices 20 --packets "$N" --seed 1 --infected 1 --flood
echo "## matching (one core)"
for _ in 1 2 3; do
    target/release/examples/match_bench ../shared/data/mud/unsw/chromecastUltra.json 20000000
done
echo
echo "## audit vs analyze ($N packets, --threads 1)"
"$BIN" mud learn "$PCAP" --threads 1 --device b0:c5:54:4d:68:5e --out "$DIR/cam.json" --lang en
"$BIN" mud learn "$PCAP" --threads 1 --device 00:1b:21:8d:60:8c --out "$DIR/pc.json" --lang en
hyperfine -w1 -r5 -N \
    "$BIN analyze --threads 1 --format json --progress never $PCAP" \
    "$BIN mud audit --threads 1 --format json --progress never $PCAP --mud b0:c5:54:4d:68:5e=$DIR/cam.json --mud 00:1b:21:8d:60:8c=$DIR/pc.json --mud b0:c5:54:22:bd:c3=$DIR/cam.json"
