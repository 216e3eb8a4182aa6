#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""pps_writer.py - play a kernel PPS source into a sysfs fixture directory.

    pps_writer.py DIR --log FILE [--offset S] [--sigma S] [--seed N]
                  [--drop-every N] [--width S] [--walk S]

Once per second, like drivers/pps/kapi.c + sysfs.c, it replaces DIR/assert
with "sec.nsec#seq\\n" (edge = the whole second + OFFSET + Gaussian noise of
SIGMA, plus with --walk a random walk of the phase, one Gaussian step of
WALK s per second: white frequency noise, ADEV(tau) = WALK / sqrt(tau);
the sequence counts only the pulses "seen", so a dropped pulse leaves
a time gap and no sequence gap) and, WIDTH seconds later, DIR/clear.  Every
pulse written or dropped is logged to FILE ("pulse TS_NS SEQ" / "drop SEC")
so the test computes its reference from what was really injected.  If the
writer is paused (SIGSTOP) it resumes at the next whole second, logging the
seconds it slept through as "pause SEC".
"""
import argparse
import math
import os
import random
import time


def put(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)  # atomic, as a sysfs read is


def stamp(ts_ns, seq):
    return "%d.%09d#%d\n" % (ts_ns // 10**9, ts_ns % 10**9, seq)


def sleep_until(t):
    while True:
        d = t - time.time()
        if d <= 0:
            return
        time.sleep(min(d, 0.2))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--log", required=True)
    ap.add_argument("--offset", type=float, default=0.0015)
    ap.add_argument("--sigma", type=float, default=20e-6)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--drop-every", type=int, default=0)
    ap.add_argument("--width", type=float, default=0.1)
    ap.add_argument("--walk", type=float, default=0.0)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    # The walk has its own stream, so without --walk the output is unchanged.
    walk_rng, phase = random.Random(a.seed + 1), 0.0
    log = open(a.log, "a", buffering=1)
    log.write("config offset %.9f sigma %.9f seed %d drop_every %d width %.3f\n"
              % (a.offset, a.sigma, a.seed, a.drop_every, a.width))
    seq, n = 0, 0
    sec = math.floor(time.time()) + 1
    while True:
        n += 1
        if a.walk:
            phase += walk_rng.gauss(0.0, a.walk)
        ts_ns = sec * 10**9 + round((a.offset + phase + rng.gauss(0.0, a.sigma)) * 1e9)
        sleep_until(ts_ns / 1e9)
        if time.time() > sec + 0.5:  # we were paused: skip to the next second
            now = math.floor(time.time()) + 1
            for s in range(sec, now):
                log.write("pause %d\n" % s)
            sec = now
            continue
        if a.drop_every and n % a.drop_every == 0:
            log.write("drop %d\n" % sec)
        else:
            seq += 1
            put(os.path.join(a.dir, "assert"), stamp(ts_ns, seq))
            log.write("pulse %d %d\n" % (ts_ns, seq))
            tc_ns = ts_ns + round(a.width * 1e9)
            sleep_until(tc_ns / 1e9)
            if os.path.isdir(a.dir):
                put(os.path.join(a.dir, "clear"), stamp(tc_ns, seq))
        sec += 1


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, FileNotFoundError):
        pass  # stopped, or the test removed the device directory
