#!/usr/bin/env python3
# rng_writer.py FIFO FLAG KIND - feed an rng Source FIFO: os.urandom data
# while the file FLAG does not exist, a stuck pattern while it does (KIND
# "word": the 32-bit word 0xdeadbeef over and over; "zeros": zero bytes;
# "none": never stuck).  The pipe buffer is shrunk to one page so that at
# most 4096 bytes written before a switch are still queued after it: the
# reader sees the new data within its next read.  Dies of SIGPIPE/EPIPE
# when collectd closes the FIFO.
import fcntl
import os
import sys

F_SETPIPE_SZ = 1031
CHUNK = 500
PATTERN = {"word": bytes.fromhex("deadbeef") * (CHUNK // 4), "zeros": bytes(CHUNK)}


def main():
    fifo, flag, kind = sys.argv[1:4]
    fd = os.open(fifo, os.O_WRONLY)  # blocks until collectd opens it
    try:
        fcntl.fcntl(fd, F_SETPIPE_SZ, 4096)
    except OSError:
        pass
    while True:
        stuck = kind in PATTERN and os.path.exists(flag)
        data = PATTERN[kind] if stuck else os.urandom(CHUNK)
        try:
            os.write(fd, data)
        except (BrokenPipeError, OSError):
            return


if __name__ == "__main__":
    main()
