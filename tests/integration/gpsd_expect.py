#!/usr/bin/env python3
"""gpsd_expect.py - independent expectations for the gpsd integration tests.

  gpsd_expect.py log LOGFILE
      From the NMEA sentences alone: per epoch, satellites in view per
      constellation ($xxGSV entries, PRN ranges / talker; a satellite in
      several NMEA 4.11 signal groups counts once), used ($xxGSA lists,
      NMEA 4.10 system id or PRN range) and the SNR mean/max of the used
      ones (per satellite its strongest signal); signals in view and used
      (a signal of a used satellite with a C/N0), and satellites per band
      (NMEA 4.11 signal id, NMEA_BAND).  Prints "METRIC v1,v2,..." (the set
      over all epochs).
  gpsd_expect.py gpspipe JSONFILE DEVICE
      From `gpspipe -w` output of the same gpsd: fix modes of the device's
      TPVs, DOPs of its complete SKYs (those with the most constellations),
      TOFF offsets (real - clock, s), and how many partial SKYs gpsd sent.
  gpsd_expect.py check CSVFILE VALUES [TOL]
      Every data row of a collectd csv file, from the first one in VALUES
      on, is in VALUES (comma list, within TOL) or nan.  Exit 1 otherwise.
  gpsd_expect.py range CSVFILE LO HI
      Every non-nan row is in [LO, HI], and there is at least one.
  gpsd_expect.py diff CSV_C CSV_A CSV_B TOL
      At every timestamp where all three have a number: C = A - B (+- TOL).
  gpsd_expect.py between CSVFILE T0 T1
      Prints "N_NUMBERS N_NAN" for the rows with T0 < time < T1.
  gpsd_expect.py devices JSONFILE
      "DEVICE gnssid,gnssid,..." per device seen in SKY reports.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from nmea import epochs as nmea_epochs  # noqa: E402

TALKER = {"GP": None, "GL": "glonass", "GA": "galileo", "GB": "beidou",
          "BD": "beidou", "GQ": "qzss", "QZ": "qzss", "GI": "navic"}
SYSID = {1: None, 2: "glonass", 3: "galileo", 4: "beidou", 5: "qzss",
         6: "navic"}
NAMES = ["gps", "sbas", "galileo", "beidou", "qzss", "glonass", "navic"]
# NMEA 4.11 signal id (last $xxGSV field) -> band, per constellation; a GSV
# without a signal id is the first band.
NMEA_BAND = {"gps": {"1": "l1", "5": "l2", "6": "l2", "7": "l5", "8": "l5"},
             "glonass": {"1": "l1", "3": "l2"},
             "galileo": {"7": "e1", "1": "e5a", "2": "e5b"},
             "beidou": {"1": "b1", "B": "b2"}}
BANDS = {"gps": ["l1", "l2", "l5"], "galileo": ["e1", "e5a", "e5b"],
         "glonass": ["l1", "l2"], "beidou": ["b1", "b2"]}


def band_of(g, sig):
    if g not in BANDS:
        return None
    if sig is None:
        return BANDS[g][0]
    return NMEA_BAND[g].get(sig)


# PRN ranges (inclusive) -> constellation, for a GP talker or NMEA system
# id 1; a PRN in none of them: None.
PRN_RANGES = ((1, 32, "gps"), (33, 64, "sbas"), (120, 158, "sbas"),
              (65, 96, "glonass"), (193, 200, "qzss"), (201, 237, "beidou"),
              (401, 437, "beidou"), (301, 336, "galileo"))


def by_prn(prn):
    for lo, hi, name in PRN_RANGES:
        if lo <= prn <= hi:
            return name
    return None


def gsv_constellation(talker, prn):
    g = TALKER.get(talker)
    if g is None:  # GP talker: GPS, or SBAS by PRN range
        return by_prn(prn)
    return g


def epochs(path):
    # GBS is not a time of the epoch here (gpsd does not start one on it).
    return nmea_epochs(path, {"RMC": 1, "GGA": 1, "GLL": 5, "ZDA": 1, "GNS": 1})


def gsv_entries(f):
    """(signal id or None, [(prn, snr)]) of one $xxGSV sentence."""
    sig = f[-1].strip() if (len(f) - 4) % 4 == 1 else None
    out = []
    for j in range(4, len(f) - 3, 4):
        if f[j].strip():
            snr = f[j + 3].strip()
            out.append((int(f[j]), float(snr) if snr else 0.0))
    return sig, out


def gsa_used(f, used):
    sysid = None
    if len(f) >= 19 and f[18].strip().isdigit():
        sysid = int(f[18])
    for p in f[3:15]:
        if p.strip():
            prn = int(p)
            g = by_prn(prn) if sysid is None or sysid == 1 else SYSID.get(sysid)
            used.add((g, prn))


def epoch_row(view, used):
    """view: (g, prn, talker, sig) -> snr.  Metric -> value of one epoch."""
    row = {}
    for g in NAMES + ["total"]:
        sigs = [(k, s) for k, s in view.items() if g == "total" or k[0] == g]
        sats = {}
        for k, s in sigs:
            sats.setdefault((k[0], k[1]), []).append((k[3], s))
        u = [max(s for _, s in v) for sat, v in sats.items() if sat in used]
        row["satellites-%s_visible" % g] = len(sats)
        row["satellites-%s_used" % g] = len(u)
        snrs = [s for s in u if s > 0]
        row["snr-%s_used_mean" % g] = (sum(snrs) / len(snrs)) if snrs else "nan"
        row["snr-%s_used_max" % g] = max(snrs) if snrs else "nan"
        row["count-%s_signals_visible" % g] = len(sigs)
        row["count-%s_signals_used" % g] = sum(
            1 for k, s in sigs if (k[0], k[1]) in used and s > 0)
        for b in BANDS.get(g, []):
            row["count-%s_%s_visible" % (g, b)] = len(
                {sat for sat, v in sats.items()
                 if any(band_of(g, sig) == b for sig, _ in v)})
    return row


def expect_log(path):
    sets = {}
    view = {}  # (constellation, prn, talker, sig) -> snr, kept across epochs
    for ep in epochs(path):
        gsv = {}
        used = set()
        for f in ep:
            talker, kind = f[0][:2], f[0][2:]
            if kind == "GSV" and len(f) > 4:
                sig, entries = gsv_entries(f)
                sats = gsv.setdefault((talker, sig), {})
                for prn, snr in entries:
                    sats[(gsv_constellation(talker, prn), prn)] = snr
            elif kind == "GSA" and len(f) >= 17:
                gsa_used(f, used)
        # a talker's new view of a signal replaces its old one
        for (talker, sig), sats in gsv.items():
            for k in [k for k in view if k[2:] == (talker, sig)]:
                del view[k]
            for (g, prn), snr in sats.items():
                view[(g, prn, talker, sig)] = snr
        if not view:
            continue
        for k, v in epoch_row(view, used).items():
            sets.setdefault(k, set()).add(round(v, 6) if v != "nan" else v)
    for k in sorted(sets):
        print("%s %s" % (k, ",".join(str(v) for v in sorted(sets[k], key=str))))


def load_json(path):
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.strip()
        if line.startswith("{"):
            try:
                yield json.loads(line)
            except ValueError:
                pass


def expect_gpspipe(path, device):
    modes, dops, toff = set(), {}, []
    skies = []
    for o in load_json(path):
        if o.get("device") != device:
            continue
        c = o.get("class")
        if c == "TPV" and "mode" in o:
            modes.add(o["mode"])
        elif c == "SKY" and "satellites" in o:
            gs = frozenset(s.get("gnssid") for s in o["satellites"])
            skies.append((gs, o))
        elif c == "TOFF":
            toff.append((o["real_sec"] - o["clock_sec"]) +
                        (o["real_nsec"] - o["clock_nsec"]) / 1e9)
    full = max((len(gs) for gs, _ in skies), default=0)
    partial = sum(1 for gs, _ in skies if len(gs) < full)
    for gs, o in skies:
        if len(gs) == full:
            for k, m in (("hdop", "horizontal"), ("vdop", "vertical"),
                         ("pdop", "position"), ("tdop", "time"),
                         ("gdop", "geometric")):
                if k in o:
                    dops.setdefault(m, set()).add(o[k])
    print("gauge-fix_mode %s" % ",".join(str(m) for m in sorted(modes)))
    for m, vals in sorted(dops.items()):
        print("dilution_of_precision-%s %s" % (m, ",".join(str(v) for v in sorted(vals))))
    if toff:
        print("toff_range %.9f %.9f" % (min(toff), max(toff)))
    print("partial_skies %d" % partial)
    print("complete_skies %d" % (len(skies) - partial))


def csv_values(path):
    out = []
    for line in open(path):
        parts = line.strip().split(",")
        if len(parts) >= 2 and parts[0] != "epoch":
            out.append((parts[0], parts[1]))
    return out


def check(path, values, tol):
    want = [float(v) if v != "nan" else None for v in values.split(",") if v]
    started, bad, n = False, [], 0
    for t, v in csv_values(path):
        if v == "nan":
            continue
        x = float(v)
        inset = any(w is not None and abs(x - w) <= tol for w in want)
        if not started:
            started = inset
            if not started:
                continue
        n += 1
        if not inset:
            bad.append("%s=%s" % (t, v))
    if not started:
        print("# %s: no row in {%s}" % (path, values))
        return 1
    if bad:
        print("# %s: rows outside {%s}: %s" % (path, values, " ".join(bad[:8])))
        return 1
    return 0


def check_range(path, lo, hi):
    vals = [float(v) for _, v in csv_values(path) if v != "nan"]
    bad = [v for v in vals if not lo <= v <= hi]
    if not vals or bad:
        print("# %s: %d values, outside [%s, %s]: %s" % (path, len(vals), lo, hi, bad[:5]))
        return 1
    return 0


def nearest(rows, t, within=0.5):
    best = None
    for u, v in rows:
        d = abs(float(u) - t)
        if d <= within and (best is None or d < best[0]):
            best = (d, v)
    return best[1] if best else "nan"


def diff(pc, pa, pb, tol):
    """C = A - B, pairing rows written in the same read (the timestamps of
    one read differ by a few ms)."""
    a, b = csv_values(pa), csv_values(pb)
    n, bad = 0, []
    for t, c in csv_values(pc):
        va, vb = nearest(a, float(t)), nearest(b, float(t))
        if "nan" in (c, va, vb):
            continue
        n += 1
        if abs(float(c) - (float(va) - float(vb))) > tol:
            bad.append("%s: %s != %s - %s" % (t, c, va, vb))
    if n == 0 or bad:
        print("# %d rows compared; %s" % (n, "; ".join(bad[:4])))
        return 1
    print("# %d rows compared" % n)
    return 0


def between(path, t0, t1):
    rows = [v for t, v in csv_values(path) if t0 < float(t) < t1]
    print("%d %d" % (sum(1 for v in rows if v != "nan"), sum(1 for v in rows if v == "nan")))


def devices(path):
    seen = {}
    for o in load_json(path):
        if o.get("class") == "SKY" and "device" in o:
            s = seen.setdefault(o["device"], set())
            s.update(x.get("gnssid") for x in o.get("satellites", []))
    for d, s in sorted(seen.items()):
        print("%s %s" % (d, ",".join(str(x) for x in sorted(s))))


def main():
    cmd = sys.argv[1]
    if cmd == "log":
        expect_log(sys.argv[2])
    elif cmd == "gpspipe":
        expect_gpspipe(sys.argv[2], sys.argv[3])
    elif cmd == "check":
        sys.exit(check(sys.argv[2], sys.argv[3],
                       float(sys.argv[4]) if len(sys.argv) > 4 else 1e-6))
    elif cmd == "range":
        sys.exit(check_range(sys.argv[2], float(sys.argv[3]), float(sys.argv[4])))
    elif cmd == "diff":
        sys.exit(diff(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])))
    elif cmd == "between":
        between(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    elif cmd == "devices":
        devices(sys.argv[2])
    else:
        sys.exit(2)


if __name__ == "__main__":
    main()
