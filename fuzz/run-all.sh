#!/bin/sh
# Runs every fuzz target for SECONDS each (default 180) on one core and logs the outcome.
# Usage: fuzz/run-all.sh [SECONDS]   (from the repository root; needs cargo-fuzz)
set -u
secs=${1:-180}
cd "$(dirname "$0")"
for t in capture stream frame tunnel analyzer records reassembly safe dns dhcp4 dhcp6 ssdp http lldp tls ntp mqtt login mud blocklist declaration probe_replies; do
    mkdir -p corpus/$t
    start=$(date +%s)
    RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$t" corpus/$t -- -max_total_time="$secs" -rss_limit_mb=2048 > "logs-$t.txt" 2>&1
    rc=$?
    runs=$(grep -o 'Done [0-9]* runs' "logs-$t.txt" | tail -1 | awk '{print $2}')
    echo "$t: exit $rc, ${runs:-?} executions in $(( $(date +%s) - start )) s"
done
