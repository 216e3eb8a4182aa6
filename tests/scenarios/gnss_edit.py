#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gnss_edit.py - derive a faulty receiver log from a real one (scenario S4).

    gnss_edit.py noglonass|nofix IN.log > OUT.log

noglonass: the receiver loses GLONASS (a filter or jammer on its band): the
    GLONASS satellites stay in view ($GLGSV kept, as receivers keep sending
    the almanac positions) but have no signal (SNR fields blank), the GSA that
    listed the GLONASS satellites used is dropped, and the GGA satellite count
    becomes the number of GPS satellites still used.  (Dropping the $GLGSV
    sentences instead stalls gpsd 3.22: it waits for the GLONASS group that
    ended its last cycle and sends no SKY at all.)
nofix: the receiver loses its fix: RMC/GLL status V, GGA quality 0 with 0
    satellites and no position, GSA mode 1 with no used satellites; the
    satellites stay in view (GSV unchanged), as when the antenna is shaded.
Comment lines are kept.  Checksums are recomputed.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nmea import sentence  # noqa: E402


def glonass(prn):
    return prn.isdigit() and 65 <= int(prn) <= 96


def edit(mode, fields):
    kind = fields[0][2:]
    if mode == "noglonass":
        if fields[0] == "GLGSV":
            for i in range(7, len(fields), 4):  # id, elevation, azimuth, SNR
                fields[i] = ""
        if kind == "GSA":
            used = [p for p in fields[3:15] if p]
            if used and all(glonass(p) for p in used):
                return None
        return fields
    # nofix
    if kind == "RMC":
        fields[2] = "V"
        fields[3:7] = ["", "", "", ""]
    elif kind == "GLL":
        fields[1:5] = ["", "", "", ""]
        if len(fields) > 6:
            fields[6] = "V"
    elif kind == "GGA":
        fields[2:6] = ["", "", "", ""]
        fields[6], fields[7] = "0", "00"
    elif kind == "GSA":
        fields[2] = "1"
        fields[3:15] = [""] * 12
    return fields


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode not in ("noglonass", "nofix"):
        sys.exit(__doc__)
    lines = open(path, encoding="ascii").read().splitlines()
    out = []
    for line in lines:
        if not line.startswith("$") or "*" not in line:
            out.append(line)
            continue
        fields = line[1:line.rindex("*")].split(",")
        fields = edit(mode, fields)
        if fields is None:
            continue
        out.append(fields)
    # second pass: GGA satellite counts (the GPS GSA follows the GGA)
    res, pending = [], None
    for item in out:
        if isinstance(item, str):
            res.append(item)
            continue
        if mode == "noglonass" and item[0][2:] == "GGA":
            pending = item
        elif mode == "noglonass" and item[0][2:] == "GSA" and pending is not None:
            pending[7] = "%02d" % len([p for p in item[3:15] if p])
            pending = None
        res.append(item)
    for item in res:
        if isinstance(item, str):
            print(item)
        else:
            print(sentence(item))


if __name__ == "__main__":
    main()
