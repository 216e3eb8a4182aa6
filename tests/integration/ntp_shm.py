#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# ntp_shm.py - feed an NTP SHM refclock segment (ntpd "refclock shm unit N",
# chrony "refclock SHM N") with samples: clock = receive time + OFFSET
# (+ gaussian noise of JITTER s), mode 1, precision -20, once per INTERVAL s.
# Key 0x4e545030 + unit, as gpsd/ntpd use.  Removes the segment on SIGTERM/
# SIGINT/exit unless another process is attached, so a test leaves nothing
# behind.
#   ntp_shm.py UNIT [OFFSET_S] [JITTER_S] [INTERVAL_S]
import ctypes
import random
import signal
import struct
import sys
import time

IPC_CREAT, IPC_RMID = 0o1000, 0
SIZE = 96  # sizeof(struct shmTime) on LP64
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]

unit = int(sys.argv[1])
offset = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
jitter = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
interval = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
if unit < 2:
    sys.exit("refusing units 0/1 (gpsd's); use 2..7")
shmid = libc.shmget(0x4E545030 + unit, SIZE, IPC_CREAT | 0o600)
if shmid < 0:
    sys.exit("shmget: errno %d" % ctypes.get_errno())
addr = libc.shmat(shmid, None, 0)
if addr in (None, ctypes.c_void_p(-1).value):
    sys.exit("shmat failed")
buf = (ctypes.c_char * SIZE).from_address(addr)


def remove():
    # Detach, then remove the segment unless someone else still uses it
    # (shm_nattch of struct shmid_ds is at offset 88 on x86_64/LP64).
    libc.shmdt(ctypes.c_void_p(addr))
    ds = ctypes.create_string_buffer(256)
    if libc.shmctl(shmid, 2, ds) == 0 and struct.unpack_from("=Q", ds, 88)[0]:
        return
    libc.shmctl(shmid, IPC_RMID, None)


def cleanup(*_):
    remove()
    sys.exit(0)


signal.signal(signal.SIGTERM, cleanup)
signal.signal(signal.SIGINT, cleanup)
count = 0
try:
    while True:
        now = time.time_ns()
        clk = now + int(round((offset + random.gauss(0, jitter)) * 1e9))
        count += 1
        # mode, count, clockSec, clockUSec, recvSec, recvUSec, leap,
        # precision, nsamples, valid, clockNSec, recvNSec
        struct.pack_into("=iiqi4xqiiiiiII", buf, 0, 1, count,
                         clk // 10**9, (clk % 10**9) // 1000, now // 10**9,
                         (now % 10**9) // 1000, 0, -20, 3, 0,
                         clk % 10**9, now % 10**9)
        struct.pack_into("=i", buf, 48, 1)  # valid last
        time.sleep(interval)
finally:
    remove()
