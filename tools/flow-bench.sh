#!/usr/bin/env bash
# ISP mode's speed, same run, same export stream (BENCHMARKS.md): the simulated ISP's NetFlow v9
# exports are stored by nfcapd once, then nfreplay sends that file to each collector in turn —
# iotgate collect (decoding, pairing, subscribers, detectors), nfcapd (storing) and nfacctd
# (aggregating) — each under /usr/bin/time: records per CPU-second is the rate per core. Then
# over NATS JetStream (three local servers): the collector publishing, one and two workers.
# Usage: [RUNS=N] [KEEP=1] tools/flow-bench.sh [OUT-DIR] [SUBSCRIBERS] [PACKETS]
# (needs nfdump, pmacct, nats-server)
# BENCHMARKS.md's larger stream: tools/flow-bench.sh /tmp/fb2 2000 150000 (3.5 M records).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/flowbench}; SUBS=${2:-400}; PKTS=${3:-30000}
IG=$PWD/target/release/iotgate
cargo build --release -q -p iotgate
MAP=$OUT/exports.subscribers.txt
# KEEP=1 reuses the stream an earlier run built and stored in OUT-DIR.
if [ -z "${KEEP:-}" ] || ! ls "$OUT"/store/nfcapd.* > /dev/null 2>&1; then
    rm -rf "$OUT"; mkdir -p "$OUT"
    "$IG" simulate --netflow v9 --subscribers "$SUBS" --infected 6 --stealthy 2 --flood --devices 6 \
        --packets "$PKTS" --seed 1 -o "$OUT/exports.pcap" 2>&1 | tail -1
    # The stream as nfcapd stores it (sent paced, so nothing is dropped).
    mkdir -p "$OUT/store"
    nfcapd -l "$OUT/store" -p 9001 -b 127.0.0.1 > "$OUT/nfcapd-store.log" 2>&1 &
    NFP=$!; sleep 1
    python3 tools/udp-send.py "$OUT/exports.pcap" 127.0.0.1 9001 2000
    sleep 1; kill $NFP; wait $NFP 2>/dev/null || true
fi
FILE=$(ls "$OUT"/store/nfcapd.* | grep -v current | head -1)
RECS=$(nfdump -r "$FILE" -q -o csv 2>/dev/null | grep -c . || true)
echo "stream: $RECS records in $FILE"

send() { nfreplay -r "$FILE" -v 9 -d 40 -H 127.0.0.1 -p "$1" > /dev/null 2>&1; }
rate() { python3 -c "import sys; r,u,s=float(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(f'{r:.0f} records, {u+s:.2f} CPU s, {r/max(u+s,1e-9)/1e6:.3f} M records per CPU-second')" "$@"; }

# Paced (40 µs between datagrams, about 25,000 a second), RUNS runs each (3 unless set).
for run in $(seq "${RUNS:-3}"); do
    # iotgate collect: decode, pair, attribute, detect.
    /usr/bin/time -f "%U %S" -o "$OUT/ig.time" "$IG" --lang en collect \
        --listen udp://127.0.0.1:9002 --rcvbuf 67108864 --for 600 --subscribers "$MAP" \
        --format json > "$OUT/ig.json" 2> "$OUT/ig.err" &
    IGP=$!; sleep 1; send 9002; sleep 2
    pkill -INT -f "collect --listen udp://127.0.0.1:9002" || true; wait $IGP || true
    IGR=$(grep -o '[0-9,]* flow records' "$OUT/ig.err" | head -1 | tr -dc 0-9)
    echo "paced, iotgate collect: $(rate "$IGR" $(cat "$OUT/ig.time"))"

    # nfcapd: receive and store.
    rm -rf "$OUT/nfc"; mkdir -p "$OUT/nfc"
    /usr/bin/time -f "%U %S" -o "$OUT/nfc.time" nfcapd -l "$OUT/nfc" -p 9003 -b 127.0.0.1 \
        -B 67108864 > /dev/null 2>&1 &
    NFP=$!; sleep 1; send 9003; sleep 2; pkill -TERM -x nfcapd; wait $NFP 2>/dev/null || true
    NFR=$(nfdump -R "$OUT/nfc" -q -o csv 2>/dev/null | grep -c . || true)
    echo "paced, nfcapd: $(rate "$NFR" $(cat "$OUT/nfc.time"))"
done

# nfacctd: receive and aggregate per 5-tuple (print plugin).
cat > "$OUT/nfacctd.conf" <<CONF
nfacctd_ip: 127.0.0.1
nfacctd_port: 9004
nfacctd_pipe_size: 67108864
plugins: print
aggregate: src_host, dst_host, src_port, dst_port, proto
print_output: csv
print_output_file: $OUT/nfacctd.csv
print_refresh_time: 3600
CONF
/usr/bin/time -f "%U %S" -o "$OUT/nfa.time" nfacctd -f "$OUT/nfacctd.conf" > "$OUT/nfa.log" 2>&1 &
NAP=$!; sleep 2; send 9004; sleep 2; pkill -INT -x nfacctd || true; wait $NAP 2>/dev/null || true
echo "nfacctd: $(rate "$RECS" $(cat "$OUT/nfa.time")) (records sent; it keeps aggregates, not counts)"

# Full speed, each collector pinned to CPU 1 and nfreplay to CPU 0, the same receive buffer for
# both (BUF bytes, 4 MiB unless set): what one core keeps up with. Once its buffer is full a
# collector slower than the sender loses datagrams; records kept per second of sending is
# its rate per core. RUNS runs each (3 unless set).
BUF=${BUF:-4194304}
for run in $(seq "${RUNS:-3}"); do
    /usr/bin/time -f "%U %S" -o "$OUT/igp.time" taskset -c 1 "$IG" --lang en collect \
        --listen udp://127.0.0.1:9005 --rcvbuf "$BUF" --for 600 --subscribers "$MAP" \
        --format json > /dev/null 2> "$OUT/igp.err" &
    IGP=$!; sleep 1
    S=$(date +%s.%N)
    taskset -c 0 nfreplay -r "$FILE" -v 9 -d 0 -H 127.0.0.1 -p 9005 > /dev/null 2>&1
    E=$(date +%s.%N); sleep 2
    pkill -INT -f "collect --listen udp://127.0.0.1:9005" || true; wait $IGP || true
    K=$(grep -o '[0-9,]* flow records' "$OUT/igp.err" | head -1 | tr -dc 0-9)
    echo "pinned, full speed, iotgate: $K of $RECS records kept, sent in $(python3 -c "print(round($E-$S,3))") s: $(python3 -c "print(round($K/($E-$S)/1e6,3))") M records/s; $(rate "$K" $(cat "$OUT/igp.time"))"
    rm -rf "$OUT/nfp"; mkdir -p "$OUT/nfp"
    /usr/bin/time -f "%U %S" -o "$OUT/nfp.time" taskset -c 1 nfcapd -l "$OUT/nfp" -p 9006 \
        -b 127.0.0.1 -B "$BUF" > /dev/null 2>&1 &
    NFP=$!; sleep 1
    S=$(date +%s.%N)
    taskset -c 0 nfreplay -r "$FILE" -v 9 -d 0 -H 127.0.0.1 -p 9006 > /dev/null 2>&1
    E=$(date +%s.%N); sleep 2
    pkill -TERM -x nfcapd || true; wait $NFP 2>/dev/null || true
    K=$(nfdump -R "$OUT/nfp" -q -o csv 2>/dev/null | grep -c . || true)
    echo "pinned, full speed, nfcapd: $K of $RECS records kept, sent in $(python3 -c "print(round($E-$S,3))") s: $(python3 -c "print(round($K/($E-$S)/1e6,3))") M records/s; $(rate "$K" $(cat "$OUT/nfp.time"))"
done

# Over NATS JetStream: three servers on loopback, 4 partitions.
if command -v nats-server > /dev/null; then
    PIDS=()
    for i in 0 1 2; do
        mkdir -p "$OUT/nats"
        cat > "$OUT/nats/n$i.conf" <<CONF
listen: 127.0.0.1:$((24222+i))
server_name: n$i
jetstream { store_dir: "$OUT/nats/n$i" }
cluster { name: bench, listen: 127.0.0.1:$((26222+i)), routes: [nats-route://127.0.0.1:26222, nats-route://127.0.0.1:26223, nats-route://127.0.0.1:26224] }
CONF
        nats-server -c "$OUT/nats/n$i.conf" > "$OUT/nats/n$i.log" 2>&1 & PIDS+=($!)
    done
    URLS=nats://127.0.0.1:24222,nats://127.0.0.1:24223,nats://127.0.0.1:24224
    sleep 3
    for W in 1 2; do
        # A fresh stream per run: the records are replayed from the capture each time.
        for p in "${PIDS[@]}"; do :; done
        S=$(date +%s.%N)
        /usr/bin/time -f "%U %S %e" -o "$OUT/pub$W.time" "$IG" --lang en collect --nats "$URLS" --partitions 4 \
            --replay "$OUT/exports.pcap" --subscribers "$MAP" 2> "$OUT/pub$W.err" > /dev/null
        if [ "$W" = 1 ]; then
            /usr/bin/time -f "%U %S %e" -o "$OUT/w1.time" "$IG" --lang en collect worker --nats "$URLS" --partitions 4 \
                --until-idle 1 --subscribers "$MAP" > "$OUT/w1.out" 2> "$OUT/w1.err"
        else
            "$IG" --lang en collect worker --nats "$URLS" --partitions 4 --take 0,1 --until-idle 1 --subscribers "$MAP" > "$OUT/w2a.out" 2>&1 &
            A=$!
            "$IG" --lang en collect worker --nats "$URLS" --partitions 4 --take 2,3 --until-idle 1 --subscribers "$MAP" > "$OUT/w2b.out" 2>&1 &
            B=$!
            wait $A $B
        fi
        E=$(date +%s.%N)
        echo "NATS, $W worker(s): publish $(grep -o 'published [0-9,]* records' "$OUT/pub$W.err"), collector $(cat "$OUT/pub$W.time") (user sys wall s), whole run $(python3 -c "print(round($E-$S,2))") s"
        cat "$OUT"/w*.out | grep partition | tail -4
        # Remove the stream between runs so the second replays afresh.
        pkill -f "nats-server -c $OUT/nats" || true; sleep 1; rm -rf "$OUT"/nats/n?/jetstream
        PIDS=()
        for i in 0 1 2; do nats-server -c "$OUT/nats/n$i.conf" > "$OUT/nats/n$i.log" 2>&1 & PIDS+=($!); done
        sleep 3
    done
    pkill -f "nats-server -c $OUT/nats" || true
fi
