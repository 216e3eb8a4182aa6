#!/bin/bash
# Real peer: the recovery ETA (degraded + misplaced copies / the EWMA of
# Ceph's recovery rate) on the loopback test cluster.  osd.2 is stopped
# (SIGTERM: it keeps its data) with norecover set, 400 objects are written
# to the 2 others, osd.2 comes back (PGs recovery_wait+degraded), then
# recovery is let go with osd_recovery_sleep 0.05 s so that it lasts many
# reads (Interval 1, RecoveryWindow 5):
#  - idle before: ETA NaN;
#  - during recovery: finite, and the last finite ETA is below the first;
#  - after it (HEALTH_OK): NaN again.
# About 90 s (a fifth of it the cluster start).
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/ceph.sh"
it_begin ceph_recovery_eta
cc_test_require
cc_test_up "test cluster up (pool test: size 3, min_size 2, 32 PGs)"

collectd_start "$(cc_plugin_conf test "Timeout 2" "RecoveryWindow 5")"
C=ceph_health-test
f_eta=$(csv_wait "$C/duration-recovery_eta-*" 30)
ok $? "collectd writes the recovery ETA"
f_deg=$(csv_wait "$C/objects-degraded-*" 5)
sleep 2
is "$(csv_last "$f_eta")" nan "idle: ETA NaN"

cc_ceph osd set norecover >/dev/null
cc_osd_stop 2 TERM
cc_wait 30 cc_all_pgs undersized
ok $? "osd.2 stopped: every PG undersized"
timeout 60 /usr/bin/python3 - "$CC_DIR" <<'PY'
import sys, rados
d = sys.argv[1]
c = rados.Rados(conffile=d + "/ceph.conf", name="client.admin",
                conf={"keyring": d + "/client.admin/keyring"})
c.connect(timeout=10)
io = c.open_ioctx("test")
for i in range(400):
    io.write_full("eta%d" % i, b"x" * 4096)
io.close()
c.shutdown()
PY
ok $? "400 objects written while osd.2 is down"
cc_ceph config set osd osd_recovery_sleep 0.05 >/dev/null
cc_osd_start 2
cc_wait 60 cc_all_pgs active
all_up() { [ "$(cc_osds_up)" = 3 ]; }
cc_wait 30 all_up
before=$(csv_last "$f_deg")
diag "osd.2 back with norecover: $before degraded object copies"
cc_ceph osd unset norecover >/dev/null
t0=$(date +%s)
etas=()
while [ $(($(date +%s) - t0)) -lt 120 ]; do
  v=$(csv_last "$f_eta")
  case $v in nan | "") ;; *) etas+=("$v") ;; esac
  [ "$(csv_last "$f_deg")" = 0.000000 ] && cc_healthy && break
  sleep 1
done
diag "recovery took $(($(date +%s) - t0)) s; ETA samples (s): ${etas[*]}"
n=${#etas[@]}
ok "$([ "$n" -ge 3 ] && echo 0 || echo 1)" "during recovery the ETA is finite ($n samples, want >= 3)"
first=${etas[0]:-nan}
last=${etas[$((n > 0 ? n - 1 : 0))]:-nan}
ok "$(awk -v a="$first" -v b="$last" 'BEGIN { exit !(b + 0 < a + 0) }'; echo $?)" \
  "the ETA shrinks: first $first s, last $last s"
cc_wait 60 cc_healthy
ok $? "recovered: HEALTH_OK"
sleep 3
is "$(csv_last "$f_eta")" nan "after recovery: ETA NaN"
cc_ceph config rm osd osd_recovery_sleep >/dev/null
collectd_log_clean
it_end
