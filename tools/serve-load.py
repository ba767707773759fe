#!/usr/bin/env python3
"""Measures `iotgate serve` under load: replays a capture at full speed while two clients ask for
dashboard pages and API calls without pause, and reports the latency of every answer (p50, p95,
p99, max, per page), the server's peak resident memory, the database's size and how long the
replay took.

    tools/serve-load.py [--bin target/release/iotgate] CAPTURE [--seconds N]

It starts the server on a free loopback port with a fresh database in a temporary folder, adds a
user and an API token, signs in, and stops the server at the end. Standard library only.
"""

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse


def request(addr, method, path, headers=None, body=None):
    host, port = addr
    c = http.client.HTTPConnection(host, port, timeout=60)
    t = time.perf_counter()
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    dt = time.perf_counter() - t
    c.close()
    return r.status, r.getheaders(), data, dt


def cookie(headers, name):
    for k, v in headers:
        if k.lower() == "set-cookie" and v.startswith(name + "="):
            return v.split(";")[0].split("=", 1)[1]
    return None


def rss_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] if xs else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("capture")
    ap.add_argument("--bin", default="target/release/iotgate")
    ap.add_argument("--seconds", type=float, default=0,
                    help="keep measuring this long after the replay ended (default 0)")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="iotgate-load-")
    db = os.path.join(tmp, "load.db")
    subprocess.run([a.bin, "user", "add", "load", "--db", db], input=b"load-test-password\n",
                   check=True, capture_output=True)
    token = subprocess.run([a.bin, "token", "create", "--db", db], check=True,
                           capture_output=True).stdout.decode().strip()
    started = time.perf_counter()
    srv = subprocess.Popen([a.bin, "--lang", "en", "serve", "--replay", a.capture, "--speed", "0",
                            "--listen", "127.0.0.1:0", "--db", db],
                           stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    addr = None
    while addr is None:
        line = srv.stderr.readline().decode()
        if not line:
            sys.exit("serve ended early")
        m = re.search(r"http://([\d.]+):(\d+)/", line)
        if m and "dashboard on" in line:
            addr = (m.group(1), int(m.group(2)))
    threading.Thread(target=lambda: [None for _ in srv.stderr], daemon=True).start()

    st, h, body, _ = request(addr, "GET", "/login")
    pre = cookie(h, "iotgate_pre")
    csrf = re.search(rb'name="csrf" value="([0-9a-f]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"csrf": csrf, "name": "load", "password": "load-test-password"})
    st, h, _, _ = request(addr, "POST", "/login", {
        "Cookie": f"iotgate_pre={pre}", "Content-Type": "application/x-www-form-urlencoded"}, form)
    assert st == 303, st
    session = {"Cookie": "iotgate_session=" + cookie(h, "iotgate_session")}
    api = {"Authorization": "Bearer " + token}
    pages = [("GET /", "/", session), ("GET /alerts", "/alerts", session),
             ("GET /actions", "/actions", session),
             ("GET /api/v1/devices?limit=100", "/api/v1/devices?limit=100", api),
             ("GET /api/v1/alerts?limit=100", "/api/v1/alerts?limit=100", api),
             ("GET /metrics", "/metrics", api)]
    lat = {p[0]: [] for p in pages}
    lat["GET /devices/MAC"] = []
    errors = []
    done = threading.Event()
    replay_end = [None]

    def client(k):
        i = k
        mac = None
        while not done.is_set():
            name, path, hdr = pages[i % len(pages)]
            i += 1
            st, _, body, dt = request(addr, "GET", path, hdr)
            if st >= 500:
                errors.append((name, st))
            lat[name].append(dt)
            if name.startswith("GET /api/v1/devices") and st == 200 and mac is None:
                m = re.search(rb'"macs":\["([0-9a-f:]{17})"', body)
                mac = m.group(1).decode() if m else None
            if mac and i % 3 == 0:
                st, _, _, dt = request(addr, "GET", f"/devices/{mac}", session)
                lat["GET /devices/MAC"].append(dt)

    def watch():
        while not done.is_set():
            watch.peak = max(watch.peak, rss_kib(srv.pid, "VmRSS") or 0)
            time.sleep(0.5)
    watch.peak = 0

    threads = [threading.Thread(target=client, args=(k,)) for k in range(2)]
    w = threading.Thread(target=watch)
    for t in threads + [w]:
        t.start()
    # The replay is over when the packet counter stops moving for 3 s.
    last, still = -1, 0
    while True:
        time.sleep(1)
        st, _, body, _ = request(addr, "GET", "/metrics", api)
        n = int(re.search(rb"iotgate_packets_total (\d+)", body).group(1))
        still = still + 1 if n == last and n > 0 else 0
        last = n
        if still >= 3:
            replay_end[0] = time.perf_counter() - started - 3
            break
    time.sleep(a.seconds)
    done.set()
    for t in threads + [w]:
        t.join()
    hwm = rss_kib(srv.pid, "VmHWM")
    srv.terminate()
    srv.wait(timeout=30)
    size = sum(os.path.getsize(os.path.join(tmp, f)) for f in os.listdir(tmp))
    print(f"capture: {a.capture}; {last} packets replayed in about {replay_end[0]:.1f} s "
          f"(with 2 clients asking without pause); {os.cpu_count()} cores")
    print(f"server peak resident memory: {hwm / 1024:.0f} MiB; database with its WAL: "
          f"{size / 1e6:.1f} MB; answers with status >= 500: {len(errors)}")
    print()
    print("| request | answers | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|")
    every = []
    for name, xs in lat.items():
        every += xs
        if xs:
            print(f"| {name} | {len(xs)} | {pct(xs, 50)*1e3:.1f} | {pct(xs, 95)*1e3:.1f} | "
                  f"{pct(xs, 99)*1e3:.1f} | {max(xs)*1e3:.1f} |")
    print(f"| all | {len(every)} | {pct(every, 50)*1e3:.1f} | {pct(every, 95)*1e3:.1f} | "
          f"{pct(every, 99)*1e3:.1f} | {max(every)*1e3:.1f} |")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
