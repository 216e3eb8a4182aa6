#!/usr/bin/python3
# ceph_rates_record.py CLUSTER_DIR MODE OUT: as the read-only client.collectd
# through librados (the plugin's path):
#   MODE save NAME...   store the replies of `osd pool stats` / `osd perf`
#                       verbatim as OUT/NAME.json (NAME: osd_pool_stats*,
#                       osd_perf*)
#   MODE wait_recovery  poll `osd pool stats` every 0.2 s for up to 30 s and
#                       store the first reply with a recovery_rate as OUT
#   MODE cost N         time each per-read command of the plugin N times
#                       and print "command median_ms max_ms bytes" lines
# /usr/bin/python3 on purpose: it has python3-rados (pyenv's python has not).
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ceph_rados  # noqa: E402

POOL_STATS = {"prefix": "osd pool stats"}
OSD_PERF = {"prefix": "osd perf"}
COST = [
    ("status", {"prefix": "status"}, "mon"),
    ("osd dump", {"prefix": "osd dump"}, "mon"),
    ("time-sync-status", {"prefix": "time-sync-status"}, "mon"),
    ("df detail", {"prefix": "df", "detail": "detail"}, "mon"),
    ("osd crush tree", {"prefix": "osd crush tree"}, "mon"),
    ("osd crush rule dump", {"prefix": "osd crush rule dump"}, "mon"),
    ("osd df", {"prefix": "osd df"}, "mgr"),
    ("pg dump pgs_brief", {"prefix": "pg dump", "dumpcontents": ["pgs_brief"]}, "mgr"),
    ("pg dump_stuck", {"prefix": "pg dump_stuck",
                       "stuckops": ["inactive", "unclean", "stale", "undersized", "degraded"],
                       "threshold": 300}, "mgr"),
    ("osd perf", OSD_PERF, "mgr"),
    ("osd pool stats", POOL_STATS, "mgr"),
]


cmd = ceph_rados.reply


def main():
    d, mode, out = sys.argv[1], sys.argv[2], sys.argv[3]
    c = ceph_rados.connect(d, "5", "10")
    if mode == "save":
        for name in sys.argv[4:]:
            q = OSD_PERF if name.startswith("osd_perf") else POOL_STATS
            with open("%s/%s.json" % (out, name), "wb") as f:
                f.write(cmd(c, q))
    elif mode == "wait_recovery":
        t_end = time.monotonic() + 30
        while time.monotonic() < t_end:
            buf = cmd(c, POOL_STATS)
            if any(p.get("recovery_rate") for p in json.loads(buf)):
                with open(out, "wb") as f:
                    f.write(buf)
                break
            time.sleep(0.2)
        else:
            raise SystemExit("no recovery_rate within 30 s")
    elif mode == "cost":
        n = int(sys.argv[4])
        for name, q, served in COST:
            ts, size = [], 0
            for _ in range(n):
                t0 = time.monotonic()
                size = len(cmd(c, q))
                ts.append((time.monotonic() - t0) * 1000)
            ts.sort()
            print("%-20s %s %8.1f %8.1f %9d" % (name, served, ts[len(ts) // 2], ts[-1], size))
    c.shutdown()


if __name__ == "__main__":
    main()
