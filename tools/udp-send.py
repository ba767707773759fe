#!/usr/bin/env python3
"""Sends the UDP payloads of a capture of export packets to HOST:PORT, RATE packets a second
(the benchmark's way of handing one export stream to a collector without loss)."""
import socket, struct, sys, time

def payloads(path):
    with open(path, "rb") as f:
        head = f.read(24)
        le = head[:4] == b"\xd4\xc3\xb2\xa1"
        fmt = "<IIII" if le else ">IIII"
        while True:
            h = f.read(16)
            if len(h) < 16:
                return
            _, _, incl, _ = struct.unpack(fmt, h)
            frame = f.read(incl)
            ihl = (frame[14] & 0x0F) * 4
            yield frame[14 + ihl + 8:]

path, host, port, rate = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n, t0 = 0, time.monotonic()
for p in payloads(path):
    s.sendto(p, (host, port))
    n += 1
    ahead = n / rate - (time.monotonic() - t0)
    if ahead > 0:
        time.sleep(ahead)
print(f"sent {n} packets", file=sys.stderr)
