#!/bin/bash
# run.sh: ceph_health only on a host that is part of a Ceph cluster
# (/etc/ceph/ceph.conf exists); otherwise print nothing.  Uses the
# read-only client.collectd when its keyring exists, else client.admin.
# $1: run.sh's temp dir (unused).
conf=/etc/ceph/ceph.conf
[ -r "$conf" ] || exit 0
client=admin
[ -r /etc/ceph/ceph.client.collectd.keyring ] && client=collectd
cat <<CONF
LoadPlugin ceph_health
<Plugin ceph_health>
  <Cluster "ceph">
    ConfigFile "$conf"
    Client "$client"
    Timeout 5
    Interval 10
  </Cluster>
</Plugin>
CONF
