#!/usr/bin/env python3
"""Writes tests/data/gpsd/zed-f9p-dualband.log (a u-blox ZED-F9P style
NMEA 4.11 log, dual band) to stdout:
    python3 tests/data/gpsd/gen-zed-f9p-dualband.py > tests/data/gpsd/zed-f9p-dualband.log
"""
import sys

HEADER = """\
# Name: zed-f9p-dualband.log (synthetic, written for collectd-timekeeper)
# Chipset: u-blox ZED-F9P style talker set, NMEA 4.11 (CFG-NMEA-PROTVER 4.11)
# Date: 2026-12-01, 10 epochs at 1 Hz from 12:00:00Z
# What it exercises: a dual-band receiver lists every satellite once per
#   signal.  Per epoch: $GNRMC, $GNGGA, four $GNGSA (system id 1 GPS,
#   2 GLONASS, 3 Galileo, 4 BeiDou), then one $GxGSV group per signal with
#   the NMEA 4.11 signal id as the last field before the checksum:
#     GPS      ($GPGSV) 1 = L1 C/A, 6 = L2 CL
#     GLONASS  ($GLGSV) 1 = L1 OF (G1 C/A), 3 = L2 OF (G2 C/A)
#     Galileo  ($GAGSV) 7 = E1 B/C, 2 = E5b
#     BeiDou   ($GBGSV) 1 = B1I, B = B2I
#   Other NMEA 4.11 ids: GPS 5 = L2 CM, 7 = L5 I, 8 = L5 Q; Galileo 1 = E5a.
# Sky: GPS 2 5 12 15 24 29 on L1, 2 5 12 15 24 on L2 (24 with blank C/N0),
#   used 2 5 12 24 29 (15 in view, not used); PRN 12 is stronger on L2 (49)
#   than on L1 (47).  GLONASS 66 67 76 77 82 on L1, 66 76 82 on L2, used
#   66 76 77 82.  Galileo 4 9 11 19 30 on E1, 4 9 19 on E5b, used 4 9 11 19.
#   BeiDou 7 20 27 30 on B1I, 7 20 on B2I, used 7 20 27.
#   Galileo and BeiDou ids never equal a GPS PRN in view and stay <= 32
#   (gpsd 3.22 quirks, see README.md).  Written by gen-zed-f9p-dualband.py.
#"""

GPS_L1 = [(2, 45, 100, 44), (5, 30, 200, 40), (12, 60, 300, 47),
          (15, 10, 50, 25), (24, 25, 150, 38), (29, 70, 10, 45)]
GPS_L2 = [(2, 45, 100, 38), (5, 30, 200, 35), (12, 60, 300, 49),
          (15, 10, 50, 20), (24, 25, 150, None)]
GLO_L1 = [(66, 40, 80, 42), (67, 15, 140, 30), (76, 55, 250, 46),
          (77, 20, 320, 36), (82, 35, 30, 41)]
GLO_L2 = [(66, 40, 80, 37), (76, 55, 250, 43), (82, 35, 30, 33)]
GAL_E1 = [(4, 50, 60, 43), (9, 35, 170, 39), (11, 20, 260, 33),
          (19, 65, 330, 45), (30, 8, 110, 28)]
GAL_E5B = [(4, 50, 60, 41), (9, 35, 170, 40), (19, 65, 330, 44)]
BDS_B1 = [(7, 40, 120, 37), (20, 55, 220, 42), (27, 25, 300, 35),
          (30, 12, 20, 29)]
BDS_B2 = [(7, 40, 120, 39), (20, 55, 220, 41)]


def nmea(body):
    cs = 0
    for c in body:
        cs ^= ord(c)
    return "$%s*%02X" % (body, cs)


def gsv(talker, sats, sig):
    n = (len(sats) + 3) // 4
    out = []
    for i in range(n):
        f = ["%sGSV" % talker, str(n), str(i + 1), "%02d" % len(sats)]
        for prn, el, az, snr in sats[4 * i:4 * i + 4]:
            f += ["%02d" % prn, "%02d" % el, "%03d" % az,
                  "" if snr is None else "%02d" % snr]
        f.append(sig)
        out.append(nmea(",".join(f)))
    return out


def gsa(used, sysid):
    ids = ["%02d" % p for p in used] + [""] * (12 - len(used))
    return nmea(",".join(["GNGSA", "A", "3"] + ids +
                         ["1.02", "0.55", "0.86", str(sysid)]))


def epoch(sec):
    t = "1200%02d.00" % sec
    lines = [
        nmea("GNRMC,%s,A,4807.03812,N,01131.00046,E,0.012,,011226,,,A,V" % t),
        nmea("GNGGA,%s,4807.03812,N,01131.00046,E,1,12,0.55,519.6,M,47.4,M,,"
             % t),
        gsa([2, 5, 12, 24, 29], 1),
        gsa([66, 76, 77, 82], 2),
        gsa([4, 9, 11, 19], 3),
        gsa([7, 20, 27], 4),
    ]
    lines += gsv("GP", GPS_L1, "1") + gsv("GP", GPS_L2, "6")
    lines += gsv("GL", GLO_L1, "1") + gsv("GL", GLO_L2, "3")
    lines += gsv("GA", GAL_E1, "7") + gsv("GA", GAL_E5B, "2")
    lines += gsv("GB", BDS_B1, "1") + gsv("GB", BDS_B2, "B")
    return lines


out = [HEADER]
for s in range(10):
    out += epoch(s)
sys.stdout.write("\n".join(out) + "\n")
