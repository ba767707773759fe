#!/usr/bin/env python3
"""Writes tests/expect/ja3.json: the JA3 strings tshark computes for every ClientHello in the shared
nDPI and IoT Sentinel captures, per source MAC. The Rust test `ja3_matches_tshark` compares.

Usage: python3 tools/expect-ja3.py   (needs tshark)"""
import json, os, subprocess

data = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "pcap"))
result = {}
for sub in ["protocols/ndpi", "iot-sentinel"]:
    for dirpath, _, files in sorted(os.walk(os.path.join(data, sub))):
        for f in sorted(files):
            if not (f.endswith(".pcap") or f.endswith(".pcapng")):
                continue
            p = os.path.join(dirpath, f)
            out = subprocess.run(["tshark", "-n", "-r", p, "-Y", "tls.handshake.type == 1 && tcp",
                                  "-T", "fields", "-e", "eth.src", "-e", "tls.handshake.ja3_full"],
                                 capture_output=True, text=True).stdout
            per = {}
            for line in out.splitlines():
                mac, _, ja3 = line.partition("\t")
                if mac and ja3:
                    per.setdefault(mac.lower(), set()).add(ja3.split(",", 1)[0] and ja3)
            if per:
                result[os.path.relpath(p, data)] = {m: sorted(v) for m, v in sorted(per.items())}
out = os.path.join(os.path.dirname(__file__), "..", "tests", "expect", "ja3.json")
with open(out, "w") as fh:
    json.dump(result, fh, indent=1, sort_keys=True)
    fh.write("\n")
print(f"wrote JA3 expectations for {len(result)} captures")
