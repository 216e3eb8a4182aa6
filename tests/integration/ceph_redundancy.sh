#!/bin/bash
# Real peer: the redundancy margin of a pool (smallest acting set of its
# PGs - min_size) on the loopback test cluster, pool `test` size 3 /
# min_size 2 on 3 OSDs:
#  - healthy: every PG acts on 3 OSDs, margin 1 (pool and cluster);
#  - osd.2 SIGKILLed: every PG acts on 2, margin 0 (the next loss stops
#    I/O), with the PGs still active;
#  - time-sync-status on this 1-mon cluster: no per-mon series, no error.
# About 40 s (half of it the cluster start).
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/ceph.sh"
it_begin ceph_redundancy
cc_test_require
cc_test_up "test cluster up (pool test: size 3, min_size 2, 32 PGs)"

collectd_start "$(cc_plugin_conf test "Timeout 2")"
P=ceph_health-test-pool-test
C=ceph_health-test
f_pool=$(csv_wait "$P/ceph_health_margin-redundancy-*" 30)
ok $? "collectd writes the pool's redundancy margin"
f_cl=$(csv_wait "$C/ceph_health_margin-redundancy-*" 5)
ok $? "collectd writes the cluster's redundancy margin"
csv_until "$f_pool" 1.000000 10
is "$(csv_last "$f_pool")" 1.000000 "healthy, size 3 / min_size 2: pool margin 1"
is "$(csv_last "$f_cl")" 1.000000 "healthy: cluster margin 1"

cc_osd_stop 2 KILL
cc_wait 30 cc_all_pgs undersized
ok $? "osd.2 killed: every PG undersized"
csv_until "$f_pool" 0.000000 15
is "$(csv_last "$f_pool")" 0.000000 "one OSD down: pool margin 0 (the next loss stops I/O)"
is "$(csv_last "$f_cl")" 0.000000 "one OSD down: cluster margin 0"
f_act=$(csv_wait "$P/ceph_health_pgs-inactive-*" 5)
is "$(csv_last "$f_act")" 0.000000 "margin 0, yet no PG inactive: the warning comes before the outage"
# time-sync-status (mon) with one mon: answered (read-only key), no table,
# so no per-mon series and no failure logged
n_mon=$(find "$T/csv/$CD_HOST" -maxdepth 1 -name "$C-mon.*" | wc -l)
is "$n_mon" 0 "one mon: no per-mon clock skew series (Ceph has no time check to report)"
ok "$(grep -q 'time-sync-status' "$T/collectd.log"; echo $((1 - $?)))" "time-sync-status raised no log line"
collectd_log_clean
it_end
