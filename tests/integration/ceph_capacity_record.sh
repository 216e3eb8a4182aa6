#!/bin/bash
# ceph_capacity_record.sh [OUTDIR]: bring up the 4-host test cluster
# (ceph_hosts.sh), write some data, and record - as the read-only
# client.collectd, through librados (ceph_capacity_record.py) - the replies
# of the capacity commands (osd df [tree], osd crush tree, osd crush rule
# dump, df detail, ...).  OUTDIR defaults to tests/data/ceph_health.
# Not run by make check (about 1 minute).
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../data/ceph_health}
. "$here/ceph_cluster.sh"
. "$here/ceph_hosts.sh"
exec 9>/tmp/cds-lock-ceph
flock -w 900 9 || exit 1

D=$(mktemp -d /tmp/cds-ceph-rec.XXXXXX)
trap 'cc_down' EXIT
ch_hosts_up "$D" || exit 1
ch_fill test big 12 4 && ch_fill two big 8 4 && ch_fill quota big 4 4 || exit 1
sleep 3 # the mgr's osd df trails the writes by about 1 s
rm -rf "${out:?}/hosts"
/usr/bin/python3 "$here/ceph_capacity_record.py" "$D" "$out/hosts" || exit 1
cc_ceph osd df tree
cc_ceph df detail
