#!/bin/bash
# Fault injection, ceph_health, real collectd against the throw-away Ceph
# 16.2 test cluster (tests/lib/ceph.sh, read-only client.collectd): the mon
# is frozen (SIGSTOP) so that a poll is in flight, killed (SIGKILL) during
# that poll, left dead for 8 s and restarted.  Checks: collectd survives,
# a read never takes longer than its bound (2 x Timeout), every row is NaN
# while the mon is away, the outage is logged once (c_complain back-off),
# and fresh values return within two intervals (+ collectd's read back-off)
# of the mon answering again.  Takes about 2 minutes (most of it the
# cluster start); FAULTS_CEPH=0 skips it.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/ceph.sh"
. "$(dirname "$0")/../lib/faults.sh"
it_begin faults_ceph
fl_no_valgrind
[ "${FAULTS_CEPH:-1}" = 0 ] && skip_all "FAULTS_CEPH=0"
for b in ceph-mon ceph-mgr ceph-osd ceph rados; do
  command -v "$b" >/dev/null || skip_all "$b not installed (scripts/deps.sh test)"
done
[ "$(id -u)" = 0 ] || skip_all "needs root (the test cluster runs as root)"
[ -f "$(our_plugindir)/ceph_health.so" ] || skip_all "ceph_health.so not built"
it_lock ceph
trap 'cc_down; it_cleanup' EXIT
cc_up "$T/ceph" || { ok 1 "test cluster up"; it_end; exit 1; }
ok 0 "test cluster up"
D=$T/ceph
TIMEOUT=2

collectd_start "LoadPlugin ceph_health
<Plugin ceph_health>
  <Cluster \"test\">
    ConfigFile \"$D/ceph.conf\"
    Client \"collectd\"
    Keyring \"$D/client.collectd/keyring\"
    Timeout $TIMEOUT
  </Cluster>
</Plugin>
LoadPlugin timex"
M=ceph_health-test/ceph_health_osds-up
fl_wait_fresh $M 0 60 >/dev/null
ok $? "collectd reads the cluster"
sleep 3

mon_pid=$(cat "$D/pids/mon.a")
_cc_kill mon.a STOP
t_kill=$(fl_now); l_kill=$(fl_logline)
sleep 1.3 # the next poll starts and waits for the frozen mon
_cc_kill mon.a KILL
_cc_wait_gone mon.a 20
ok $? "mon (pid $mon_pid) killed during a poll"
sleep 8
t_back0=$(fl_now); l_back=$(fl_logline)
_cc_start mon.a ceph-mon -c "$D/ceph.conf" -i a -f
# "back" = the mon answers the read-only client again
for _ in $(seq 120); do
  timeout 5 ceph -c "$D/ceph.conf" --name client.collectd --keyring "$D/client.collectd/keyring" \
    --connect-timeout 2 status >/dev/null 2>&1 && break
  sleep 0.5
done
t_back=$(fl_now)
diag "mon answers again $(awk -v a="$t_back0" -v b="$t_back" 'BEGIN { printf "%.1f", b - a }') s after its restart"
fl_check_recovery "mon back" $M "$t_back" ceph_health/test "$(fl_logline)" 1
fl_check_outage "mon down" "$(fl_csv $M)" "$t_kill" "$t_back0"
fl_check_alive "timex still read while the mon is down" timex/time_offset-offset "$t_kill" "$t_back0" 6
fl_check_log_quiet "mon down" 'ceph_health plugin: Cluster "test"' "$l_kill" "$l_back" 9
fl_collectd_alive
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
fl_check_bound ceph_health/test $((2 * TIMEOUT)) "mon killed during a poll"
is "$(grep -c 'more than its bound' "$T/collectd.log")" 0 "no read over its bound was logged"
it_end
