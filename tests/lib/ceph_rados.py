# SPDX-License-Identifier: MIT
"""ceph_rados.py - the recorders' shared librados pieces (imported by
tests/integration/ceph_record.py and ceph_rates_record.py via sys.path):
the read-only client.collectd of a test cluster directory (the plugin's
path: mon_command through librados, JSON replies).

Needs /usr/bin/python3: it has python3-rados (pyenv's python has not).
"""
import json
import os
import time

import rados


def connect(cluster_dir, mount_timeout="5", op_timeout="5"):
    """client.collectd of CLUSTER_DIR (ceph.conf, client.collectd/keyring);
    timeouts in s, as librados config strings."""
    c = rados.Rados(conffile=cluster_dir + "/ceph.conf", name="client.collectd",
                    conf={"keyring": cluster_dir + "/client.collectd/keyring",
                          "client_mount_timeout": mount_timeout,
                          "rados_mon_op_timeout": op_timeout})
    c.connect()
    return c


def command(c, cmd):
    """(rc, reply bytes, status string) of one JSON mon_command."""
    return c.mon_command(json.dumps(dict(cmd, format="json")), b"")


def reply(c, cmd):
    """The reply bytes; exits naming the command if it failed."""
    rc, buf, outs = command(c, cmd)
    if rc != 0:
        raise SystemExit("%s: rc=%d %s" % (cmd["prefix"], rc, outs))
    return buf


def record(c, out, commands):
    """Store each (name, cmd) reply verbatim in OUT/name.json; OUT/meta.txt
    gets the capture time (epoch s) and each command's return code, duration
    (s) and status string."""
    os.makedirs(out, exist_ok=True)
    meta = ["now %.6f" % time.time()]
    for name, cmd in commands:
        t0 = time.time()
        rc, buf, outs = command(c, cmd)
        meta.append("%s rc=%d seconds=%.3f outs=%r" % (name, rc, time.time() - t0, outs))
        if rc == 0:
            with open(os.path.join(out, name + ".json"), "wb") as f:
                f.write(buf)
    with open(os.path.join(out, "meta.txt"), "w") as f:
        f.write("\n".join(meta) + "\n")
