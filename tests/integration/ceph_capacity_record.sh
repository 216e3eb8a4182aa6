#!/bin/bash
# ceph_capacity_record.sh [OUTDIR]: bring up the 4-host test cluster
# (ceph_hosts.sh), write some data, and record - as the read-only
# client.collectd, through librados (ceph_record.py capacity) - the replies
# of the capacity commands (osd df [tree], osd crush tree, osd crush rule
# dump, df detail, ...).  OUTDIR defaults to tests/data/ceph_health.
# Not run by make check (about 1 minute).
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../data/ceph_health}
. "$here/../lib/ceph.sh"
. "$here/ceph_hosts.sh"
cc_record_dir rec
ch_hosts_up "$D" || exit 1
ch_fill test big 12 4 && ch_fill two big 8 4 && ch_fill quota big 4 4 || exit 1
sleep 3 # the mgr's osd df trails the writes by about 1 s
rm -rf "${out:?}/hosts"
/usr/bin/python3 "$here/ceph_record.py" "$D" "$out/hosts" capacity || exit 1
cc_ceph osd df tree
cc_ceph df detail
