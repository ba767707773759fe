#!/usr/bin/env python3
"""Writes tests/expect/sni.json: the TLS server names tshark decodes (with its TCP reassembly) from
every ClientHello in the shared captures, per source MAC, lower-cased. The Rust test
`server_names_match_tshark` compares iotgate's.

Usage: python3 tools/expect-sni.py   (needs tshark)"""
import json, os, subprocess

data = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "pcap"))
result = {}
for dirpath, _, files in sorted(os.walk(data)):
    for f in sorted(files):
        if not (f.endswith(".pcap") or f.endswith(".pcapng") or f.endswith(".cap")):
            continue
        p = os.path.join(dirpath, f)
        out = subprocess.run(["tshark", "-n", "-r", p, "-o", "tcp.desegment_tcp_streams:TRUE",
                              "-Y", "tls.handshake.type == 1 && tls.handshake.extensions_server_name",
                              "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|",
                              "-e", "eth.src", "-e", "tls.handshake.extensions_server_name"],
                             capture_output=True, text=True).stdout
        per = {}
        for line in out.splitlines():
            mac, _, names = line.partition("\t")
            for n in names.split("|"):
                if mac and n:
                    per.setdefault(mac.split("|")[0].lower(), set()).add(n.lower())
        if per:
            result[os.path.relpath(p, data)] = {m: sorted(v) for m, v in sorted(per.items())}
out = os.path.join(os.path.dirname(__file__), "..", "tests", "expect", "sni.json")
with open(out, "w") as fh:
    json.dump(result, fh, indent=1, sort_keys=True)
    fh.write("\n")
print(f"wrote server-name expectations for {len(result)} captures")
