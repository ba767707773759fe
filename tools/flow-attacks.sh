#!/bin/bash
# Each labelled attack capture turned into IPFIX by softflowd and read by iotgate collect
# (every address a subscriber): does an alert of the expected kind name the attacker?
# Usage: tools/flow-attacks.sh (needs softflowd and a release build). Prints one line per capture.
IG=$(cd "$(dirname "$0")/.." && pwd)/target/release/iotgate
cd "$(dirname "$0")/../../shared/data/attacks"
P=9300
tail -n +2 expected.tsv | while IFS=$'\t' read -r file expect attacker victim note; do
  P=$((P+1))
  timeout 60 "$IG" --lang en collect --listen udp://127.0.0.1:$P --for 8 --customers 0.0.0.0/0,::/0 --format json > /tmp/fa.json 2>/tmp/fa.err &
  C=$!; sleep 0.5
  timeout 40 softflowd -r "$file" -n 127.0.0.1:$P -v 10 -d > /dev/null 2>&1
  wait $C
  python3 - "$file" "$expect" "$attacker" <<'PY'
import json,sys
f,exp,att=sys.argv[1:]
try: r=json.load(open('/tmp/fa.json'))
except Exception as e: print(f"{f}\t{exp}\tERROR {e}"); sys.exit()
al=[a for a in r['alerts'] if a['severity'] in ('medium','high')]
kinds=sorted({(a['kind'],a.get('subscriber')) for a in al})
if exp in ('scan','brute-force','c2'):
    hit=any(a['kind']==exp and a.get('subscriber')==att for a in al)
    print(f"{f}\t{exp}\t{'FOUND' if hit else 'missed'}\t{kinds[:4]}")
elif exp=='none':
    print(f"{f}\tnone\t{'clean' if not al else 'FALSE '+str(kinds[:4])}")
else:
    print(f"{f}\t{exp}\t{kinds[:3]}")
PY
done
