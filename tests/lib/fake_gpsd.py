#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fake_gpsd.py - a stand-in gpsd: one receiver with a PPS, for the
scenarios a real gpsd cannot play here (tests/scenarios/pps_lost.sh,
gnss_pps_without_fix.sh).

    fake_gpsd.py READYFILE DEVICE PAUSEFILE [NOFIXFILE]

No PPS source can exist on these machines (no /dev/pps*, ptys have no DCD),
so the real gpsd never sends PPS reports here.  This server speaks gpsd's
JSON protocol on 127.0.0.1 (a free port, written to READYFILE) in gpsd
3.22's line format (tests/data/gpsd/*.gpsd322.json, the PPS line as in
tests/plugin/test_gpsd.c): every second s it sends, at s + 0.05 s, a TPV
(3D fix), a TOFF (serial time s received at the system time of sending:
about -0.05 s, the serial latency) and, unless PAUSEFILE exists, a PPS
(edge of s stamped at s + 1.5 ms, the edge offset the sysfs fixture uses).
With NOFIXFILE given a SKY follows the TPV (4 satellites, used while there
is a fix); while NOFIXFILE exists the TPV has mode 1 and no position, the
SKY no used satellite, and no TOFF is sent (what the real gpsd 3.22 does
for an NMEA receiver without a fix).  The client's ?WATCH is read and
ignored.
"""
import json
import os
import socket
import sys
import threading
import time


def sky(dev, fix):
    sats = [{"PRN": p, "el": 45, "az": 90, "ss": 40, "used": fix,
             "gnssid": 0, "svid": p} for p in (3, 8, 14, 22)]
    return {"class": "SKY", "device": dev, "satellites": sats}


def lines(dev, s, fix, pps, with_sky):
    now = time.time()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(s))
    tpv = {"class": "TPV", "device": dev, "mode": 1}
    out = [tpv]
    if fix:
        tpv.update({"mode": 3, "time": stamp, "ept": 0.005,
                    "lat": 48.069089833, "lon": 16.359000833,
                    "altHAE": 247.3, "altMSL": 205.3})
        out.append({"class": "TOFF", "device": dev, "real_sec": s,
                    "real_nsec": 0, "clock_sec": int(now),
                    "clock_nsec": int((now - int(now)) * 1e9)})
    if with_sky:
        out.append(sky(dev, fix))
    if pps:
        out.append({"class": "PPS", "device": dev, "real_sec": s,
                    "real_nsec": 0, "clock_sec": s, "clock_nsec": 1500000,
                    "precision": -20})
    return "".join(json.dumps(o, separators=(",", ":")) + "\r\n" for o in out)


def serve(conn, dev, pause, nofix):
    conn.sendall(b'{"class":"VERSION","release":"3.22","rev":"3.22",'
                 b'"proto_major":3,"proto_minor":14}\r\n')
    conn.setblocking(False)
    while True:
        try:
            conn.recv(4096)  # ?WATCH=...; ignored
        except BlockingIOError:
            pass
        t = time.time()
        s = int(t) + 1
        time.sleep(max(0.0, s + 0.05 - t))
        fix = nofix is None or not os.path.exists(nofix)
        conn.sendall(lines(dev, s, fix, not os.path.exists(pause),
                           nofix is not None).encode())


def main():
    ready, dev, pause = sys.argv[1:4]
    nofix = sys.argv[4] if len(sys.argv) > 4 else None
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(ready + ".tmp", ready)
    while True:
        conn, _ = srv.accept()

        def run(c=conn):
            try:
                serve(c, dev, pause, nofix)
            except OSError:
                pass
            finally:
                c.close()
        threading.Thread(target=run, daemon=True).start()


if __name__ == "__main__":
    main()
