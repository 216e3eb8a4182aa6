#!/usr/bin/env python3
"""gpsd_feed.py - serve a recorded NMEA log to gpsd over TCP, live.

gpsd reads it as a network receiver (gpsd ... tcp://127.0.0.1:PORT).  Every
epoch of the log (sentences up to the next new UTC time) is sent at the next
whole second plus DELAY seconds, with its time and date fields rewritten to
that second (checksums recomputed), the log looping forever.  So gpsd's TOFF
for this receiver is about -DELAY s (serial time - system clock): the test
knows the expected offset from how it fed the data, not from the plugin.

  gpsd_feed.py PORT LOGFILE DELAY [PIDFILE [SWITCHFILE]]

With SWITCHFILE: while that file exists and names another log, the epochs of
that log are served instead (from its first epoch; read again whenever the
file's content changes), so a scenario changes what the receiver sees in
mid-run (tests/scenarios/gnss_constellation_loss.sh).

With GPSD_FEED_JITTER=SIGMA in the environment every epoch's delay gets
Gaussian noise of SIGMA s (clipped at 3 SIGMA, seed GPSD_FEED_SEED), so
the receiver's TOFF has known white phase noise
(tests/integration/gpsd_stability.sh).
"""
import os
import datetime
import random
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nmea import TIME_FIELD, epochs, sentence  # noqa: E402


def stamp(fields, now):
    f = list(fields)
    kind = f[0][2:]
    tf = TIME_FIELD.get(kind)
    if tf is not None and len(f) > tf and f[tf]:
        frac = f[tf][6:] if len(f[tf]) > 6 else ""
        f[tf] = now.strftime("%H%M%S") + (frac if frac else "")
    if kind == "RMC" and len(f) > 9 and f[9]:
        f[9] = now.strftime("%d%m%y")
    if kind == "ZDA" and len(f) > 4:
        f[2], f[3], f[4] = now.strftime("%d"), now.strftime("%m"), now.strftime("%Y")
    return sentence(f) + "\r\n"


def switched(switch, state):
    """The epochs SWITCHFILE names (None: the original log)."""
    try:
        with open(switch, encoding="utf-8") as f:
            name = f.read().strip()
    except (OSError, TypeError):
        name = ""
    if name != state.get("name"):
        state["name"] = name
        state["eps"] = epochs(name) if name else None
        state["i"] = 0
    return state["eps"]


JITTER = float(os.environ.get("GPSD_FEED_JITTER", "0"))
RNG = random.Random(int(os.environ.get("GPSD_FEED_SEED", "1")))


def jitter():
    """This epoch's extra delay, s: N(0, JITTER) clipped at 3 JITTER."""
    if JITTER <= 0:
        return 0.0
    return max(-3 * JITTER, min(3 * JITTER, RNG.gauss(0.0, JITTER)))


def serve(conn, eps, delay, switch=None):
    i = 0
    state = {"name": "", "eps": None, "i": 0}
    while True:
        t = time.time()
        nxt = int(t) + 1
        time.sleep(max(0.0, nxt + delay + jitter() - t))
        now = datetime.datetime.fromtimestamp(nxt, datetime.timezone.utc)
        alt = switched(switch, state) if switch else None
        if alt:
            data = "".join(stamp(s, now) for s in alt[state["i"] % len(alt)])
            state["i"] += 1
            conn.sendall(data.encode("ascii"))
            continue
        data = "".join(stamp(s, now) for s in eps[i % len(eps)])
        conn.sendall(data.encode("ascii"))
        i += 1


def main():
    port, path, delay = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    eps = epochs(path)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(4)
    if len(sys.argv) > 4:
        with open(sys.argv[4], "w") as f:
            f.write("ready\n")
    while True:  # gpsd may go away and come back: serve each connection
        conn, _ = srv.accept()
        try:
            serve(conn, eps, delay, sys.argv[5] if len(sys.argv) > 5 else None)
        except OSError:
            pass
        finally:
            conn.close()


if __name__ == "__main__":
    main()
