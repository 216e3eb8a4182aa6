#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gnss_integrity_edit.py - derive a jammed or a spoofed receiver log from
a real one (scenario tests/scenarios/gnss_jam_spoof.sh).

    gnss_integrity_edit.py jam DB IN.log > OUT.log
    gnss_integrity_edit.py shift DLAT_DEG IN.log > OUT.log
    gnss_integrity_edit.py where IN.log

jam: every satellite of every constellation ($xxGSV) loses DB dB of C/N0
    (a wide-band jammer raises the noise floor for all of them at once); a
    satellite that would fall to 0 or below is shown without a signal.
    Everything else (fix, used lists) is kept.
shift: the reported position moves DLAT_DEG degrees north ($xxGGA, $xxRMC,
    $xxGLL), C/N0 unchanged: what a receiver captured by a spoofer reports.
where: print "LAT LON HAE" of the first $xxGGA (degrees, metres above the
    ellipsoid = altitude above the geoid + geoid separation, as gpsd
    computes altHAE from GGA), for the test's Position.
Comment lines are kept.  Checksums are recomputed.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nmea import sentence  # noqa: E402


def jam(fields, db):
    if fields[0][2:] == "GSV":
        for i in range(7, len(fields), 4):  # id, elevation, azimuth, SNR
            if fields[i].isdigit():
                v = int(fields[i]) - db
                fields[i] = "%02d" % v if v > 0 else ""
    return fields


def deg(ddmm, hemi):
    v = float(ddmm[:2 if hemi in "NS" else 3]) + float(ddmm[2 if hemi in "NS" else 3:]) / 60
    return -v if hemi in "SW" else v


def ddmm(v):
    d = int(v)
    return "%02d%08.5f" % (d, (v - d) * 60)


def shift(fields, dlat):
    kind = fields[0][2:]
    i = {"GGA": 2, "RMC": 3, "GLL": 1}.get(kind)
    if i is not None and fields[i] and fields[i + 1] == "N":
        fields[i] = ddmm(deg(fields[i], "N") + dlat)
    return fields


def where(path):
    for raw in open(path, encoding="ascii", errors="replace"):
        f = raw.strip().split("*")[0].split(",")
        if f[0].endswith("GGA") and f[2] and f[9] and f[11]:
            print("%.9f %.9f %.3f" % (deg(f[2], f[3]), deg(f[4], f[5]),
                                      float(f[9]) + float(f[11])))
            return 0
    return 1


def main():
    if sys.argv[1] == "where":
        return where(sys.argv[2])
    mode, arg, path = sys.argv[1], sys.argv[2], sys.argv[3]
    for raw in open(path, encoding="ascii", errors="replace"):
        line = raw.rstrip("\r\n")
        if not line.startswith("$") or "*" not in line:
            print(line)
            continue
        fields = line[1:line.rindex("*")].split(",")
        fields = jam(fields, int(arg)) if mode == "jam" else shift(fields, float(arg))
        print(sentence(fields))
    return 0


if __name__ == "__main__":
    sys.exit(main())
