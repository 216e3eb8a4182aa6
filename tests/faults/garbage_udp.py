#!/usr/bin/env python3
"""garbage_udp.py PORTFILE [SEED] - a UDP "daemon" on 127.0.0.1 that
answers every request with garbage, for the fault-injection tests.

It binds an ephemeral port, writes it to PORTFILE, then answers each
datagram with one of (in turn): random bytes of a random length; an empty
datagram; the request echoed back; a truncated copy of the request; the
request with every header byte flipped; a mode-6-looking response header
(0xd6 0x82) with a wrong sequence and an oversized count; a chrony-looking
reply header (version 6, type 2) with random contents; and sometimes
several replies at once.  It never sends a well-formed answer, so every
read of a plugin pointed at it must end in NaN within the read's bound.
"""
import random
import socket
import struct
import sys


def replies(req, rnd, n):
    kind = n % 8
    if kind == 0:
        return [bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 600)))]
    if kind == 1:
        return [b""]
    if kind == 2:
        return [req]
    if kind == 3:
        return [req[: rnd.randint(0, max(0, len(req) - 1))]]
    if kind == 4:
        return [bytes(b ^ 0xFF for b in req[:12]) + req[12:]]
    if kind == 5:
        seq = (struct.unpack("!H", req[2:4])[0] + 1) & 0xFFFF if len(req) >= 4 else 7
        hdr = struct.pack("!BBHHHHH", 0xD6, 0x82, seq, 0, 0, 0, 4000)
        return [hdr + b"x=" * 30]
    if kind == 6:
        body = bytes(rnd.getrandbits(8) for _ in range(rnd.choice([8, 28, 104, 400])))
        return [struct.pack("!BBBB", 6, 2, 0, 0) + body]
    return [bytes(rnd.getrandbits(8) for _ in range(48)) for _ in range(3)]


def main():
    rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    with open(sys.argv[1], "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    n = 0
    while True:
        req, addr = s.recvfrom(65536)
        for r in replies(req, rnd, n):
            s.sendto(r, addr)
        n += 1


if __name__ == "__main__":
    main()
