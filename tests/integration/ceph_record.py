#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# ceph_record.py CLUSTER_DIR OUT_DIR SET [TIMEOUT]: run, as the read-only
# client.collectd through librados (the same path as the plugin), the mon
# commands of SET and store each reply verbatim in OUT_DIR/<name>.json;
# OUT_DIR/meta.txt gets the capture time (epoch s) and each command's return
# code and status string.  TIMEOUT: librados mount/op timeout (s, default 5).
#   health    every mon_command the ceph_health plugin uses
#   capacity  the commands of the capacity values (and the plugin's other
#             per-read commands)
# /usr/bin/python3 on purpose: it has python3-rados (pyenv's python has not).
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ceph_rados  # noqa: E402

STATUS = ("status", {"prefix": "status"})
OSD_DUMP = ("osd_dump", {"prefix": "osd dump"})
PGS_BRIEF = ("pg_dump_pgs_brief", {"prefix": "pg dump", "dumpcontents": ["pgs_brief"]})
OSD_DF = ("osd_df", {"prefix": "osd df"})
# threshold 0: every PG not active/clean/... whatever its age; the
# parser applies StuckAge itself (the plugin also sends it as threshold).
PG_STUCK = ("pg_dump_stuck", {"prefix": "pg dump_stuck",
                              "stuckops": ["inactive", "unclean", "stale", "undersized", "degraded"],
                              "threshold": 0})
SETS = {
    "health": [
        STATUS,
        ("health_detail", {"prefix": "health", "detail": "detail"}),
        OSD_DUMP,
        ("quorum_status", {"prefix": "quorum_status"}),
        PGS_BRIEF, OSD_DF, PG_STUCK,
    ],
    "capacity": [
        STATUS, OSD_DUMP,
        OSD_DF,
        ("osd_df_tree", {"prefix": "osd df", "output_method": "tree"}),
        ("osd_crush_tree", {"prefix": "osd crush tree"}),
        ("osd_crush_rule_dump", {"prefix": "osd crush rule dump"}),
        ("df_detail", {"prefix": "df", "detail": "detail"}),
        PGS_BRIEF, PG_STUCK,
    ],
}


def main():
    d, out, which = sys.argv[1:4]
    tmo = sys.argv[4] if len(sys.argv) > 4 else "5"
    c = ceph_rados.connect(d, tmo, tmo)
    ceph_rados.record(c, out, SETS[which])
    c.shutdown()


if __name__ == "__main__":
    main()
