#!/usr/bin/python3
# ceph_health_golden_ref.py STATE_DIR: an independent reader of the recorded
# Ceph JSON (python's json module, written from Ceph's documented semantics,
# sharing no code with common/ceph_*.c) that prints the same canonical lines
# as tests/unit/test_ceph_golden.  ceph_health_golden.sh diffs the two.
import json
import math
import os
import sys
from datetime import datetime

STUCK_AGE = 5.0
PG_STATES = ["active", "clean", "down", "recovery_unfound", "backfill_unfound",
             "scrubbing", "degraded", "inconsistent", "peering", "repair",
             "recovering", "forced_recovery", "backfill_wait", "incomplete",
             "stale", "remapped", "deep", "backfilling", "forced_backfill",
             "backfill_toofull", "recovery_wait", "recovery_toofull",
             "undersized", "activating", "peered", "snaptrim", "snaptrim_wait",
             "snaptrim_error", "creating", "unknown", "premerge",
             "failed_repair", "laggy", "wait"]
FLAGS = ["noup", "nodown", "noout", "noin", "nobackfill", "norebalance",
         "norecover", "noscrub", "nodeep-scrub", "pauserd", "pausewr"]
LEVEL = {"HEALTH_OK": 0, "HEALTH_WARN": 1, "HEALTH_ERR": 2}


def g(x):
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    return "%.9g" % x


def load(d, name):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        return None
    with open(p, "rb") as f:
        raw = f.read()
    return json.loads(raw) if raw.strip() else {}


class Counts:
    def __init__(self):
        self.total = self.inactive = self.unclean = self.unknown = 0
        self.state = {s: 0 for s in PG_STATES}

    def add(self, state, n):
        comps = [c for c in state.split("+") if c]
        self.total += n
        for c in set(comps):
            if c in self.state:
                self.state[c] += n
        if "active" not in comps:
            self.inactive += n
        if "clean" not in comps:
            self.unclean += n
        if any(c not in self.state for c in comps):
            self.unknown += n

    def lines(self, prefix):
        out = ["%s total=%d inactive=%d unclean=%d unknown=%d" %
               (prefix, self.total, self.inactive, self.unclean, self.unknown)]
        out.append(prefix + "".join(" %s=%d" % (s, self.state[s])
                                    for s in PG_STATES if self.state[s]))
        return out


def status_lines(st):
    out = []
    h = st["health"]
    checks = h.get("checks", {})
    out.append("status health=%d checks=%d" % (LEVEL[h["status"]], len(checks)))
    for code, c in checks.items():
        out.append("status check %s severity=%d muted=%d count=%s" % (
            code, LEVEL.get(c.get("severity"), 0), 1 if c.get("muted") else 0,
            g(c.get("summary", {}).get("count", float("nan")))))
    om = st["osdmap"]
    out.append("status osds total=%s up=%s in=%s remapped_pgs=%s" % (
        g(om["num_osds"]), g(om["num_up_osds"]), g(om["num_in_osds"]),
        g(om["num_remapped_pgs"])))
    out.append("status mons total=%s quorum=%s mgr_available=%s" % (
        g(st["monmap"]["num_mons"]), g(len(st["quorum"])),
        g(1 if st["mgrmap"]["available"] else 0)))
    pm = st["pgmap"]
    c = Counts()
    for s in pm["pgs_by_state"]:
        c.add(s["state_name"], s["count"])
    out += c.lines("status pgs")
    out.append("status pgmap num_pgs=%s pools=%s objects=%s" % (
        g(pm["num_pgs"]), g(pm["num_pools"]), g(pm["num_objects"])))
    for k in ("degraded", "misplaced", "unfound"):
        out.append("status %s objects=%s total=%s ratio=%s" % (
            k, g(pm.get(k + "_objects", 0)), g(pm.get(k + "_total", 0)),
            g(pm.get(k + "_ratio", 0))))
    out.append("status recovering objects_per_sec=%s bytes_per_sec=%s "
               "inactive_pgs_ratio=%s" % (
                   g(pm.get("recovering_objects_per_sec", 0)),
                   g(pm.get("recovering_bytes_per_sec", 0)),
                   g(pm.get("inactive_pgs_ratio", 0))))
    return out


def osd_lines(dump, df):
    out = []
    nan = float("nan")
    r = {"nearfull": nan, "backfillfull": nan, "full": nan}
    if dump is not None:
        r = {k: dump[k + "_ratio"] for k in r}
        out.append("osd_dump ratios nearfull=%s backfillfull=%s full=%s" % (
            g(r["nearfull"]), g(r["backfillfull"]), g(r["full"])))
        out.append("osd_dump flags" + "".join(
            " " + f for f in FLAGS if f in dump.get("flags_set", [])))
        for p in dump["pools"]:
            out.append("osd_dump pool %d name=%s" % (p["pool"], p["pool_name"]))
    if df is None:
        out.append("osd_df absent")
        return out
    sized = []
    for n in df["nodes"]:
        u = n["utilization"]
        out.append("osd_df osd.%d up=%d utilization=%s kb=%s kb_used=%s pgs=%s "
                   "headroom_nearfull=%s headroom_full=%s" % (
                       n["id"], n["status"] == "up", g(u), g(n["kb"]),
                       g(n["kb_used"]), g(n["pgs"]),
                       g(r["nearfull"] * 100 - u), g(r["full"] * 100 - u)))
        if n["kb"] > 0:
            sized.append(u)
    if sized:
        mx = max(sized)
        out.append("fullness max_utilization=%s min_headroom nearfull=%s "
                   "backfillfull=%s full=%s" % (
                       g(mx), g(r["nearfull"] * 100 - mx),
                       g(r["backfillfull"] * 100 - mx), g(r["full"] * 100 - mx)))
        out.append("fullness osds_over nearfull=%s backfillfull=%s full=%s" % tuple(
            g(sum(1 for u in sized if u > r[k] * 100))
            for k in ("nearfull", "backfillfull", "full")))
    else:
        out.append("fullness max_utilization=nan min_headroom nearfull=nan "
                   "backfillfull=nan full=nan")
        out.append("fullness osds_over nearfull=nan backfillfull=nan full=nan")
    return out


def utime(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


def pgs_lines(brief, stuck, now):
    out = []
    pools = {}
    total = Counts()

    def pool(pid):
        return pools.setdefault(pid, {"c": Counts(), "stuck": [0] * 5,
                                      "any": 0, "oldest": 0.0})
    if brief is None:
        out.append("pgs_brief absent")
    else:
        for pg in brief["pg_stats"]:
            pid = int(pg["pgid"].split(".")[0])
            pool(pid)["c"].add(pg["state"], 1)
            total.add(pg["state"], 1)
    all_stuck = {"any": 0, "oldest": 0.0}
    kinds = [("active", False, "last_active"), ("clean", False, "last_clean"),
             ("undersized", True, "last_fullsized"),
             ("degraded", True, "last_undegraded"), ("stale", True, "last_unstale")]
    if stuck is None:
        out.append("pg_dump_stuck absent")
    else:
        for pg in stuck.get("stuck_pg_stats", []):
            p = pool(int(pg["pgid"].split(".")[0]))
            comps = pg["state"].split("+")
            ages = []
            for i, (comp, has, stamp) in enumerate(kinds):
                if (comp in comps) == has:
                    age = now - utime(pg[stamp])
                    if age >= STUCK_AGE:
                        p["stuck"][i] += 1
                        ages.append(age)
            if ages:
                for acc in (p, all_stuck):
                    acc["any"] += 1
                    acc["oldest"] = max(acc["oldest"], max(ages))
    names = ["inactive", "unclean", "undersized", "degraded", "stale"]
    for pid in sorted(pools):
        p = pools[pid]
        out += p["c"].lines("pool %d pgs" % pid)
        out.append("pool %d stuck" % pid + "".join(
            " %s=%d" % (names[i], p["stuck"][i]) for i in range(5)) +
            " any=%d oldest_s=%.0f" % (p["any"], p["oldest"]))
    out += total.lines("cluster pgs")
    out.append("cluster stuck any=%d oldest_s=%.0f" % (all_stuck["any"],
                                                       all_stuck["oldest"]))
    return out


def quorum_lines(q):
    leader = q["quorum_leader_name"]
    addrs = []
    for m in q["monmap"]["mons"]:
        if m["name"] == leader:
            for a in [x["addr"] for x in m.get("public_addrs", {}).get("addrvec", [])] + \
                     [m.get("addr"), m.get("public_addr")]:
                if a and a not in addrs:
                    addrs.append(a)
    return ["quorum leader=%s in_quorum=%d mons=%d leader_addrs=%s" % (
        leader, len(q["quorum"]), len(q["monmap"]["mons"]), ",".join(addrs))]


def main():
    d = sys.argv[1].rstrip("/")
    with open(os.path.join(d, "meta.txt")) as f:
        now = float(f.readline().split()[1])
    out = ["# state " + os.path.basename(d)]
    st = load(d, "status.json")
    if st is not None:
        out += status_lines(st)
    out += osd_lines(load(d, "osd_dump.json"), load(d, "osd_df.json"))
    out += pgs_lines(load(d, "pg_dump_pgs_brief.json"),
                     load(d, "pg_dump_stuck.json"), now)
    q = load(d, "quorum_status.json")
    if q is not None:
        out += quorum_lines(q)
    print("\n".join(out))


if __name__ == "__main__":
    main()
