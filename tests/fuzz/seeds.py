#!/usr/bin/env python3
"""seeds.py SRCDIR OUTDIR - seed corpora of the tests/fuzz targets, made from
the recorded test data (tests/data/*) and the examples, one directory per
target under OUTDIR.  Deterministic; run at test time (nothing committed
but this script).  The dcf77 simulated minutes come from the C seed writer
(fuzz_dcf77.c -DFUZZ_SEED_WRITER), run by libfuzzer.sh."""
import glob
import json
import os
import random
import re
import struct
import sys

src, out = sys.argv[1], sys.argv[2]


def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def rec(b):
    return struct.pack(">H", len(b)) + b


# ---- NTP mode 6 (tests/data/ntp/*.m6, ntpsec*.conv) and chrony (*.conv)
def m6_exchanges(path):
    """[(op, assoc, seq, [fragments])] from a recording."""
    ex = []
    for line in open(path):
        f = line.split()
        if not f:
            continue
        if f[0] == "expect":
            ex.append([int(f[1]), int(f[2]), int(f[3]), []])
        elif f[0] == ">" and len(f) > 1:
            b = bytes.fromhex(f[1])
            if len(b) >= 12 and b[0] & 7 == 6:
                ex.append([b[1] & 0x1f, b[4] << 8 | b[5], b[2] << 8 | b[3], []])
        elif f[0] == "<" and len(f) > 1 and ex:
            ex[-1][3].append(bytes.fromhex(f[1]))
    return ex


for path in sorted(glob.glob(os.path.join(src, "tests/data/ntp/*"))):
    base = os.path.basename(path)
    if path.endswith(".m6") or (base.startswith("ntpsec") and path.endswith(".conv")):
        for i, (op, assoc, seq, frags) in enumerate(m6_exchanges(path)):
            if not frags:
                continue
            hdr = bytes([0, op]) + struct.pack(">HH", seq, assoc)
            put("ntp_mode6", "%s-%d" % (base, i), hdr + b"".join(rec(f) for f in frags))
            text = b"".join(f[12:] for f in frags)
            put("ntp_mode6", "%s-%d-text" % (base, i), b"\x01" + text)
    elif base.startswith("chrony") and path.endswith(".conv"):
        n = 0
        for line in open(path):
            f = line.split()
            if len(f) > 1 and f[0] == "<":
                put("chrony_cmdmon", "%s-%d" % (base, n), b"\x01" + bytes.fromhex(f[1]))
                n += 1


# ---- Ceph JSON (tests/data/ceph_health/STATE/*.json)
CEPH = {"status": 0, "osd_dump": 1, "osd_df": 1, "pg_dump_pgs_brief": 2,
        "pg_dump_stuck": 3, "quorum_status": 4, "health_detail": 5}


def shrink(v):
    """Keep the shape of a reply, not its bulk: lists cut to 3 items."""
    if isinstance(v, list):
        return [shrink(x) for x in v[:3]]
    if isinstance(v, dict):
        return {k: shrink(x) for k, x in v.items()}
    return v


for path in sorted(glob.glob(os.path.join(src, "tests/data/ceph_health/*/*.json"))):
    state = os.path.basename(os.path.dirname(path))
    cmd = os.path.basename(path)[:-5]
    if cmd not in CEPH:
        continue
    raw = open(path, "rb").read()
    if len(raw) > 8192:
        try:
            raw = json.dumps(shrink(json.loads(raw)), separators=(",", ":")).encode()
        except ValueError:
            raw = raw[:8192]
    put("ceph_json", "%s-%s" % (state, cmd), bytes([CEPH[cmd]]) + raw)
put("ceph_json", "utime", b"\x06" + b"2026-11-22T08:26:55.123456+0000")

# ---- DCF77: clock variables of NTPsec's PARSE driver (ntpq rv/cv output)
snap = open(os.path.join(src, "tests/data/dcf77/ntpsec-parse-snapshots.txt")).read()
for i, m in enumerate(re.finditer(r"(?ms)^associd=.*?(?=^\s*$|^===|^associd=|\Z)", snap)):
    if "refclock" in m.group(0):
        put("dcf77", "clockvars-%d" % i, b"\x01" + m.group(0).encode())

# ---- PPS: ppstest traces and the same edges in sysfs form
for path in sorted(glob.glob(os.path.join(src, "tests/data/pps/*.trace"))):
    lines = [l for l in open(path) if l.startswith("source")]
    base = os.path.basename(path)
    put("pps", base + "-ppstest", b"\x14" + "".join(lines).encode())
    sysfs = []
    for l in lines:
        m = re.search(r"assert (\d+\.\d{9}), sequence: (\d+)", l)
        if m:
            sysfs.append("%s#%s\n" % m.groups())
    put("pps", base + "-sysfs", b"\x94" + "".join(sysfs).encode())
put("pps", "empty-clear", b"\x01" + b"0.000000000#0\n")

# ---- gpsd JSON (tests/data/gpsd/*.gpsd322.json), 12 lines a seed
for path in sorted(glob.glob(os.path.join(src, "tests/data/gpsd/*.json"))):
    lines = [l for l in open(path) if l.startswith("{")]
    for i in range(0, len(lines), 12):
        put("gpsd", "%s-%d" % (os.path.basename(path), i), "".join(lines[i:i + 12]))

# ---- FIPS: one block and its 4 bootstrap bytes, three kinds of source
rnd = random.Random(20261201)
put("fips", "random", bytes([0x30]) + bytes(rnd.getrandbits(8) for _ in range(2504)))
put("fips", "zeros", bytes([0x31]) + bytes(2504))
put("fips", "period3", bytes([0x02]) + b"\x11\x22\x33" * 835)

# ---- configuration: the examples, and the bad-configuration table
for path in sorted(glob.glob(os.path.join(src, "examples/*.conf"))):
    name = os.path.basename(path)[:-5]
    text = "".join(l for l in open(path) if not l.lstrip().startswith("LoadPlugin"))
    if "<Plugin %s>" % name in text:
        put("config_" + name, "example", text)
table = os.path.join(src, "tests/e2e/bad_config.tsv")
if os.path.exists(table):
    for n, line in enumerate(open(table)):
        f = line.rstrip("\n").split("\t")
        if len(f) < 5 or line.startswith("#"):
            continue
        plugin, block = f[0], f[3].replace("\\n", "\n")
        put("config_" + plugin, "bad-%d" % n,
            "<Plugin %s>\n%s\n</Plugin>\n" % (plugin, block))
