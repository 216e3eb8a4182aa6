#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gnss_nofix_gpsd.py - a stand-in gpsd: one receiver whose PPS outlives its
fix (scenario tests/scenarios/gnss_pps_without_fix.sh).

    gnss_nofix_gpsd.py READYFILE DEVICE NOFIXFILE PAUSEFILE

No PPS source can exist on these machines (no /dev/pps*, ptys have no DCD),
so the real gpsd never sends PPS reports here.  This server speaks gpsd's
JSON protocol on 127.0.0.1 (a free port, written to READYFILE) in gpsd
3.22's line format (tests/data/gpsd/*.gpsd322.json): every second s, at
s + 0.05 s, a TPV, a SKY and, unless PAUSEFILE exists, a PPS (edge of s
stamped 1.5 ms late).  While NOFIXFILE exists the TPV has mode 1 and no
position and the SKY no used satellite, and no TOFF is sent (what the real
gpsd 3.22 does for an NMEA receiver without a fix: TPV mode 1 only); else
a 3D fix with TOFF.  The client's ?WATCH is read and ignored.
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


def lines(dev, s, fix, pps):
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
    out.append(sky(dev, fix))
    if pps:
        out.append({"class": "PPS", "device": dev, "real_sec": s,
                    "real_nsec": 0, "clock_sec": s, "clock_nsec": 1500000,
                    "precision": -20})
    return "".join(json.dumps(o, separators=(",", ":")) + "\r\n" for o in out)


def serve(conn, dev, nofix, pause):
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
        conn.sendall(lines(dev, s, not os.path.exists(nofix),
                           not os.path.exists(pause)).encode())


def main():
    ready, dev, nofix, pause = sys.argv[1:5]
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
                serve(c, dev, nofix, pause)
            except OSError:
                pass
            finally:
                c.close()
        threading.Thread(target=run, daemon=True).start()


if __name__ == "__main__":
    main()
