#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""dcf77_feed.py - a raw DCF77 receiver on a pty, for the dcf77 tests.

    dcf77_feed.py [--ready FILE] PATH:DELAY [PATH:DELAY ...]

For every PATH a pseudo terminal is opened and its slave side symlinked to
PATH.  Each second s (0..58) of every UTC minute, at s + DELAY seconds, one
character is written, as a raw DCF77 receiver at 50 baud sends it for the
pulse of that second (ntp's RAWDCF convention, libparse/clk_rawdcf.c):
0xF0 for a 100 ms pulse (bit 0), 0x00 for a 200 ms pulse (bit 1).  Second 59
sends nothing: the gap marks the minute.  The telegram sent during minute M
holds the CET/CEST time of minute M+1 (the DCF77 convention), with the EU
summer time rule, A1 during the hour before a change, even parities.

Fault injection, per PATH, while the file exists:
    PATH.garbage  send 0x5A instead (not a valid RAWDCF character)
    PATH.pause    send nothing (a silent receiver)
    PATH.a2       set bit 19 (A2, leap second announcement) in the
                  telegram, every other bit as without it
With --ready FILE the file is created once every pty exists.

This encoder is written from the DCF77 telegram layout PTB publishes (bit
table as in NTPsec libparse/clk_rawdcf.c): seconds 0..58 one bit each, 100 ms
= 0, 200 ms = 1, second 59 unmodulated; 0 M = 0, 15 R, 16 A1, 17 Z1 (CEST),
18 Z2 (CET), 19 A2, 20 S = 1, 21-27 minute BCD, 28 P1, 29-34 hour, 35 P2,
36-41 day, 42-44 weekday (1 = Monday), 45-49 month, 50-57 year of the
century, 58 P3 (even parities); the time sent is the CET/CEST time of the
next minute.  It is independent of the C encoder in common/dcf77_telegram.c; NTPsec's generic
driver (refclock generic subtype 19) decoding its output is what checks it.
"""
import calendar
import datetime
import os
import sys
import time
import tty


def last_sunday(year, month):
    day = calendar.monthrange(year, month)[1]
    while datetime.date(year, month, day).weekday() != 6:
        day -= 1
    return day


def is_cest(t):
    """EU summer time at UTC second t: last Sunday of March 01:00 UTC to
    last Sunday of October 01:00 UTC."""
    y = time.gmtime(t).tm_year
    start = calendar.timegm((y, 3, last_sunday(y, 3), 1, 0, 0))
    end = calendar.timegm((y, 10, last_sunday(y, 10), 1, 0, 0))
    return start <= t < end


def bcd(value, nbits):
    v = (value // 10) * 16 + value % 10
    return [(v >> i) & 1 for i in range(nbits)]


def telegram(t, a2=False):
    """The 59 bits sent during the minute before UTC minute start t; a2
    sets A2 (bit 19, leap second announcement)."""
    cest = is_cest(t)
    local = time.gmtime(t + (7200 if cest else 3600))
    bits = [0] * 59
    bits[16] = 1 if is_cest(t) != is_cest(t + 3600) else 0  # A1
    bits[17] = 1 if cest else 0  # Z1
    bits[18] = 0 if cest else 1  # Z2
    bits[19] = 1 if a2 else 0  # A2
    bits[20] = 1  # S
    bits[21:28] = bcd(local.tm_min, 7)
    bits[28] = sum(bits[21:28]) % 2
    bits[29:35] = bcd(local.tm_hour, 6)
    bits[35] = sum(bits[29:35]) % 2
    bits[36:42] = bcd(local.tm_mday, 6)
    bits[42:45] = bcd(local.tm_wday + 1, 3)  # tm_wday 0 = Monday
    bits[45:50] = bcd(local.tm_mon, 5)
    bits[50:58] = bcd(local.tm_year % 100, 8)
    bits[58] = sum(bits[36:58]) % 2
    return bits


def main(argv):
    ready = None
    if len(argv) > 2 and argv[1] == "--ready":
        ready = argv[2]
        argv = argv[:1] + argv[3:]
    outs = []
    for spec in argv[1:]:
        path, delay = spec.rsplit(":", 1)
        master, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(master, False)
        if os.path.lexists(path):
            os.unlink(path)
        os.symlink(os.ttyname(slave), path)
        outs.append((path, float(delay), master, slave))
    if ready:
        open(ready, "w").close()
    events = []  # (time, path, master)
    while True:
        now = time.time()
        base = int(now)
        for sec in (base, base + 1):
            for path, delay, master, _ in outs:
                if sec + delay > now:
                    events.append((sec + delay, sec, path, master))
        events.sort()
        for when, sec, path, master in events:
            now = time.time()
            if when > now:
                time.sleep(when - now)
            s = sec % 60
            if s == 59 or os.path.exists(path + ".pause"):
                continue
            if os.path.exists(path + ".garbage"):
                ch = 0x5A
            else:
                a2 = os.path.exists(path + ".a2")
                ch = 0x00 if telegram(sec - s + 60, a2)[s] else 0xF0
            try:
                os.write(master, bytes([ch]))
            except BlockingIOError:
                pass  # nobody reads and the pty buffer is full
        events = []
        # wait for the next whole second before planning again
        time.sleep(max(0.0, int(time.time()) + 1 - time.time() - 0.05))


if __name__ == "__main__":
    try:
        main(sys.argv)
    except KeyboardInterrupt:
        pass
