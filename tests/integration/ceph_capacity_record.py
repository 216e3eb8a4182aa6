#!/usr/bin/python3
# ceph_capacity_record.py CLUSTER_DIR OUT_DIR: run, as the read-only
# client.collectd through librados (the plugin's path), the mon commands of
# the ceph_health capacity values (and the plugin's other per-read commands)
# and store each reply verbatim in
# OUT_DIR/<name>.json; OUT_DIR/meta.txt gets the capture time (epoch s) and
# each command's return code and status string.
# /usr/bin/python3 on purpose: it has python3-rados (pyenv's python has not).
import json
import os
import sys
import time

import rados

COMMANDS = [
    ("status", {"prefix": "status"}),
    ("osd_dump", {"prefix": "osd dump"}),
    ("osd_df", {"prefix": "osd df"}),
    ("osd_df_tree", {"prefix": "osd df", "output_method": "tree"}),
    ("osd_crush_tree", {"prefix": "osd crush tree"}),
    ("osd_crush_rule_dump", {"prefix": "osd crush rule dump"}),
    ("df_detail", {"prefix": "df", "detail": "detail"}),
    ("pg_dump_pgs_brief", {"prefix": "pg dump", "dumpcontents": ["pgs_brief"]}),
    ("pg_dump_stuck", {"prefix": "pg dump_stuck",
                       "stuckops": ["inactive", "unclean", "stale", "undersized", "degraded"],
                       "threshold": 0}),
]


def main():
    d, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    c = rados.Rados(conffile=d + "/ceph.conf", name="client.collectd",
                    conf={"keyring": d + "/client.collectd/keyring",
                          "client_mount_timeout": "5", "rados_mon_op_timeout": "5"})
    c.connect()
    meta = ["now %.6f" % time.time()]
    for name, cmd in COMMANDS:
        cmd = dict(cmd, format="json")
        t0 = time.time()
        rc, buf, outs = c.mon_command(json.dumps(cmd), b"")
        meta.append("%s rc=%d seconds=%.3f outs=%r" % (name, rc, time.time() - t0, outs))
        if rc == 0:
            with open(os.path.join(out, name + ".json"), "wb") as f:
                f.write(buf)
    c.shutdown()
    with open(os.path.join(out, "meta.txt"), "w") as f:
        f.write("\n".join(meta) + "\n")


if __name__ == "__main__":
    main()
