#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# ntp_sntp.py - a tiny NTP server (mode 4 answers, stratum 1, refid LIAR)
# whose clock is the system clock + OFFSET seconds: the "server serving a
# wrong time" of the falseticker test.  Loopback addresses only.
#   ntp_sntp.py ADDR PORT OFFSET_S [OFFSET_FILE]
# (127.x only; 10.77.x inside the scenarios' network namespaces)
# With OFFSET_FILE, the offset is read from that file (when it exists and
# holds a number) at every request: a scenario turns an honest server into
# a liar while it runs (tests/scenarios/ntp_year2000.sh).
import os
import socket
import struct
import sys
import time

addr, port, offset = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
offset_file = sys.argv[4] if len(sys.argv) > 4 else None


def current_offset():
    if offset_file:
        try:
            with open(offset_file) as f:
                return float(f.read().strip())
        except (OSError, ValueError):
            pass
    return offset

# Loopback only, or inside a scenario's private network namespaces
# (tests/lib/peers.sh: 10.77.0.0/16 on veth pairs).
if not (addr.startswith("127.") or
        (addr.startswith("10.77.") and os.environ.get("SCEN_IN_NETNS"))):
    sys.exit("loopback addresses only")
NTP_EPOCH = 2208988800


def ts(t):
    t += NTP_EPOCH
    sec = int(t)
    return struct.pack("!II", sec & 0xFFFFFFFF, int((t - sec) * 2**32) & 0xFFFFFFFF)


s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, port))
while True:
    req, peer = s.recvfrom(512)
    offset = current_offset()
    rx = time.time() + offset
    if len(req) < 48 or (req[0] & 7) != 3:
        continue
    vn = (req[0] >> 3) & 7
    hdr = struct.pack("!BBBbII4s", (0 << 6) | (vn << 3) | 4, 1, req[2], -20,
                      0, 0x10, b"LIAR")
    reply = hdr + ts(rx - 1) + req[40:48] + ts(rx) + ts(time.time() + offset)
    s.sendto(reply, peer)
