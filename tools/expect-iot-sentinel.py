#!/usr/bin/env python3
"""Writes tests/expect/iot-sentinel.json: what tshark decodes, for every IoT Sentinel capture, about
the device named in _iotdevice-mac.txt — DHCP host names, vendor classes, the first option-55 list,
and the DNS names it got an answer for. The Rust test `iot_sentinel` compares iotgate against it.

Usage: python3 tools/expect-iot-sentinel.py [../shared/data/pcap/iot-sentinel]
Needs tshark (Debian package `tshark`)."""
import json, os, subprocess, sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "pcap", "iot-sentinel")
root = os.path.normpath(root)

def tshark(path, flt, fields):
    cmd = ["tshark", "-n", "-r", path, "-Y", flt, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]

result = {}
for dev in sorted(os.listdir(root)):
    d = os.path.join(root, dev)
    if not os.path.isdir(d):
        continue
    mac = open(os.path.join(d, "_iotdevice-mac.txt")).read().strip().lower()
    for f in sorted(os.listdir(d)):
        if not f.endswith(".pcap"):
            continue
        p = os.path.join(d, f)
        rows = tshark(p, f"dhcp && dhcp.option.dhcp && eth.src == {mac} && dhcp.type == 1",
                      ["dhcp.option.hostname", "dhcp.option.vendor_class_id", "dhcp.option.request_list_item"])
        hostnames = sorted({r[0] for r in rows if r[0]})
        vcs = sorted({r[1] for r in rows if len(r) > 1 and r[1]})
        prl = next(([int(x) for x in r[2].split(",")] for r in rows if len(r) > 2 and r[2]), [])
        rows = tshark(p, f"dns && udp.srcport == 53 && eth.dst == {mac} && dns.flags.response == 1 && dns.flags.rcode == 0 && dns.count.answers > 0",
                      ["dns.qry.name"])
        domains = sorted({r[0].split(",")[0].lower().rstrip(".") for r in rows if r[0]})
        result[f"{dev}/{f}"] = {"mac": mac, "dhcp_hostnames": hostnames, "vendor_classes": vcs,
                                "param_request_list": prl, "domains": domains}

out = os.path.join(os.path.dirname(__file__), "..", "tests", "expect", "iot-sentinel.json")
with open(out, "w") as fh:
    json.dump(result, fh, indent=1, sort_keys=True)
    fh.write("\n")
print(f"wrote {len(result)} captures to {os.path.normpath(out)}")
