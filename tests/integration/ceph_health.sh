#!/bin/bash
# ceph_health on the real collectd daemon against a real throw-away Ceph
# 16.2 cluster on 127.0.0.1 (tests/lib/ceph.sh: 1 mon, 1 mgr, 3 memstore
# OSDs), as the read-only client.collectd.  States: healthy; one OSD killed
# (OSD_DOWN, undersized, degraded; the time to notice it is measured); out
# with norecover/nobackfill (remapped, misplaced, recovery_wait); nearfull
# and full ratios lowered; the mgr stopped (mon-known values keep coming,
# each read returns within the timeout).  Values are compared with what the
# `ceph` CLI (same read-only key) reports.
# CEPH_HEALTH_FULL=1 adds two OSDs down (inactive, PG_AVAILABILITY, stuck
# inactive), all down (stale) and MGR_DOWN (64 checks, about 135 s in all).
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/ceph.sh"
it_begin ceph_health
cc_test_require
cc_test_up "test cluster up (HEALTH_OK, 32 PGs active+clean)"
D=$T/ceph
TIMEOUT=2

# timex (a read that never blocks) is the yardstick: its own rows gap only
# when the whole read loop stalls (a starved host), never when a ceph_health
# read hangs, so read-duration bounds are widened by its stall alone.
collectd_start "LoadPlugin timex
LoadPlugin ceph_health
<Plugin ceph_health>
$(cc_cluster_conf test "Timeout $TIMEOUT" "StuckAge 5" "LeaderOnly true")
$(cc_cluster_conf silent "Timeout $TIMEOUT" "LeaderOnly true" 'LocalMon "nobody"')
</Plugin>"

# v TYPE-TI [PINST]: last value collectd wrote (waits up to 10 s for the file)
v() {
  local f
  f=$(csv_wait "ceph_health-${2:-test}/$1-*" 10) || { echo missing; return; }
  csv_last "$f"
}
# wait_for SECS TYPE-TI AWK-TEST [PINST]: until the last value passes
wait_for() {
  local secs=$1 m=$2 test=$3 pi=${4:-test} t0 val
  t0=$(date +%s.%N)
  while awk -v a="$t0" -v b="$(date +%s.%N)" -v s="$secs" 'BEGIN{exit !(b - a < s)}'; do
    val=$(v "$m" "$pi")
    awk -v x="$val" "BEGIN{exit !($test)}" 2>/dev/null && return 0
    sleep 0.2
  done
  diag "$m = $(v "$m" "$pi"), wanted $test"
  return 1
}
# ref PYTHON-EXPR: a value from `ceph status -f json` (read-only key)
ref() {
  cc_ro status -f json | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin); pm = d['pgmap']
def comp(c):
    return sum(s['count'] for s in pm['pgs_by_state'] if c in s['state_name'].split('+'))
print($1)"
}

# ---------------------------------------------------------------- healthy
csv_wait 'ceph_health-test/ceph_health_status-*' 20 >/dev/null
ok $? "collectd wrote ceph_health-test/ceph_health_status"
near "$(v ceph_health_status)" 0 0 "healthy: ceph_health_status = 0 (HEALTH_OK)"
near "$(v ceph_health_pgs-total)" "$(ref "pm['num_pgs']")" 0 "pgs-total = ceph status num_pgs"
near "$(v ceph_health_pgs-active)" "$(ref "comp('active')")" 0 "pgs-active = ceph status"
near "$(v ceph_health_pgs-clean)" 32 0 "pgs-clean = 32"
near "$(v ceph_health_pgs-degraded)" 0 0 "pgs-degraded zero-filled"
near "$(v ceph_health_osds-up)" "$(ref "d['osdmap']['num_up_osds']")" 0 "osds-up = ceph status"
near "$(v ceph_health_check-OSD_DOWN)" 0 0 "check OSD_DOWN zero-filled"
near "$(v ceph_health_pgs-total test-pool-test)" 32 0 "pool test: pgs-total = 32"
util=$(cc_ro osd df -f json | /usr/bin/python3 -c 'import json,sys; print([n for n in json.load(sys.stdin)["nodes"] if n["id"] == 0][0]["utilization"])')
near "$(v percent-utilization test-osd.0)" "$util" 0.01 "osd.0 utilization = ceph osd df ($util %)"
near "$(v ceph_health_ratio-full)" 0.95 1e-6 "full ratio = 0.95"
near "$(v ceph_health_headroom-full test-osd.0)" "$(awk -v u="$util" 'BEGIN{print 95 - u}')" 0.01 \
  "osd.0 headroom to full = 95 - utilization"
near "$(v bool-mgr_available)" 1 0 "mgr available"
sleep 2
[ ! -d "$T/csv/$CD_HOST/ceph_health-silent" ]
ok $? "LeaderOnly with LocalMon \"nobody\": nothing dispatched (local mon 127.0.0.1 leads)"
cc_ro osd set noscrub >/dev/null 2>&1
ok $((! $?)) "the plugin's key is read-only (osd set refused)"

# ------------------------------------------------------------ OSD killed
t0=$(date +%s.%N)
cc_osd_stop 2 KILL
wait_for 30 ceph_health_check-OSD_DOWN 'x == 1'
ok $? "OSD killed: ceph_health_check-OSD_DOWN = 1"
det=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}')
diag "OSD kill -> plugin reports OSD_DOWN: $det s (Interval 1 s, csv polled every 0.2 s)"
echo "$det" >"${CEPH_HEALTH_DETECT_FILE:-/dev/null}"
wait_for 30 ceph_health_pgs-undersized 'x == 32'
ok $? "OSD killed: pgs-undersized = 32"
wait_for 10 ceph_health_pgs-degraded 'x > 0'
ok $? "OSD killed: pgs-degraded > 0"
near "$(v ceph_health_pgs-degraded)" "$(ref "comp('degraded')")" 0 "pgs-degraded = ceph status"
near "$(v ceph_health_osds-up)" 2 0 "osds-up = 2"
near "$(v bool-up test-osd.2)" 0 0 "osd.2 up = 0"
near "$(v ceph_health_status)" 1 0 "ceph_health_status = 1 (HEALTH_WARN)"
ok "$([ "$(notifications_matching 'health check OSD_DOWN raised')" -ge 1 ] && echo 0 || echo 1)" \
  "notification: health check OSD_DOWN raised"
ok "$([ "$(notifications_matching 'health is now HEALTH_WARN')" -ge 1 ] && echo 0 || echo 1)" \
  "notification: health is now HEALTH_WARN"
wait_for 20 ceph_health_pgs_stuck-undersized 'x == 32' test-pool-test
ok $? "after StuckAge 5 s: pool test pgs_stuck-undersized = 32"
age=$(v duration-stuck_oldest test-pool-test)
awk -v a="$age" 'BEGIN{exit !(a >= 5 && a < 120)}'
ok $? "pool test: duration-stuck_oldest in [5, 120) s ($age)"
cc_osd_start 2
cc_wait 90 cc_healthy
ok $? "osd.2 back, HEALTH_OK"
wait_for 20 ceph_health_status 'x == 0'
ok $? "plugin: back to HEALTH_OK"

# ----------------------------------- out with norecover/nobackfill
cc_ceph osd set norecover >/dev/null
cc_ceph osd set nobackfill >/dev/null
cc_ceph osd out 2 >/dev/null
wait_for 30 ceph_health_pgs-remapped 'x > 0'
ok $? "osd out + norecover/nobackfill: pgs-remapped > 0"
wait_for 10 objects-misplaced 'x > 0'
ok $? "objects-misplaced > 0"
near "$(v objects-misplaced)" "$(ref "pm.get('misplaced_objects', 0)")" 0 "objects-misplaced = ceph status"
near "$(v bool-flag_norecover)" 1 0 "flag norecover = 1"
wait_for 10 ceph_health_check-OSDMAP_FLAGS 'x == 1'
ok $? "check OSDMAP_FLAGS = 1"
cc_osd_stop 1 TERM
for i in $(seq 1 40); do
  echo "w$i" | timeout 10 rados -c "$D/ceph.conf" --name client.admin \
    --keyring "$D/client.admin/keyring" -p test put "w$i" - 2>/dev/null
done
cc_osd_start 1
wait_for 60 ceph_health_pgs-recovery_wait 'x > 0'
ok $? "osd.1 back with norecover: pgs-recovery_wait > 0"
wait_for 10 objects-degraded 'x > 0'
ok $? "objects-degraded > 0"
cc_ceph osd unset norecover >/dev/null
cc_ceph osd unset nobackfill >/dev/null
cc_ceph osd in 2 >/dev/null
cc_wait 90 cc_healthy
ok $? "flags unset, osd in: HEALTH_OK"
wait_for 20 ceph_health_pgs-recovery_wait 'x == 0'
ok $? "plugin: pgs-recovery_wait back to 0"

# -------------------------------------------- nearfull / full ratios
cc_ceph osd set-nearfull-ratio 0.00001 >/dev/null
wait_for 30 ceph_health_check-OSD_NEARFULL 'x == 1'
ok $? "nearfull ratio lowered: check OSD_NEARFULL = 1"
wait_for 10 ceph_health_headroom-nearfull 'x < 0' test-osd.0
ok $? "osd.0 headroom to nearfull < 0"
near "$(v ceph_health_osds-over_nearfull)" 3 0 "osds over nearfull = 3"
cc_ceph osd set-full-ratio 0.00003 >/dev/null
cc_ceph osd set-backfillfull-ratio 0.00002 >/dev/null
wait_for 30 ceph_health_check_severity-OSD_FULL 'x == 2'
ok $? "full ratio lowered: check OSD_FULL severity 2 (HEALTH_ERR)"
wait_for 10 ceph_health_status 'x == 2'
ok $? "ceph_health_status = 2 (HEALTH_ERR)"
ok "$([ "$(notifications_matching 'OSD_FULL raised \(HEALTH_ERR\)')" -ge 1 ] && echo 0 || echo 1)" \
  "notification: OSD_FULL raised (HEALTH_ERR)"
cc_ratios_default
cc_wait 60 cc_healthy
ok $? "ratios reset: HEALTH_OK"
wait_for 20 ceph_health_check-OSD_FULL 'x == 0'
ok $? "plugin: OSD_FULL cleared"

if [ "${CEPH_HEALTH_FULL:-0}" = 1 ]; then
  cc_osd_stop 1 TERM
  cc_osd_stop 2 TERM
  wait_for 30 ceph_health_pgs-inactive 'x == 32'
  ok $? "two OSDs down: pgs-inactive = 32"
  wait_for 40 ceph_health_check-PG_AVAILABILITY 'x == 1'
  ok $? "PG_AVAILABILITY raised"
  wait_for 20 ceph_health_pgs_stuck-inactive 'x == 32'
  ok $? "pgs_stuck-inactive = 32"
  cc_osd_stop 0 TERM
  wait_for 40 ceph_health_pgs-stale 'x == 32'
  ok $? "all OSDs down: pgs-stale = 32"
  cc_osd_start 0; cc_osd_start 1; cc_osd_start 2
  cc_wait 90 cc_healthy
  ok $? "all OSDs back: HEALTH_OK"
fi

# ------------------------------------------------------------ mgr stopped
f_status=$(csv_wait 'ceph_health-test/ceph_health_status-*' 1)
f_pool=$(csv_wait 'ceph_health-test-pool-test/ceph_health_pgs-total-*' 1)
cc_mgr_stop TERM
t_mgr=$(date +%s)
sleep $((TIMEOUT * 4 + 3))
rows_before=$(csv_rows "$f_status")
sleep $((TIMEOUT * 2 + 2))
rows_after=$(csv_rows "$f_status")
ok "$([ "$rows_after" -gt "$rows_before" ] && echo 0 || echo 1)" \
  "mgr stopped: ceph_health_status still written ($rows_before -> $rows_after rows)"
near "$(csv_last "$f_status")" 0 0 "mgr stopped: health from the mon = 0"
is "$(csv_last "$f_pool")" nan "mgr stopped: pool pgs-total is NaN (mgr command timed out)"
near "$(v ceph_health_pgs-active)" 32 0 "mgr stopped: cluster pgs-active from the mon's digest"
# Read duration: consecutive rows of the status file after the mgr stopped
# are at most about Interval + Timeout apart.
gap=$(awk -F, -v t="$t_mgr" 'NR > 1 && $1 > t + 1 { if (p) { d = $1 - p; if (d > m) m = d } p = $1 } END { printf "%.2f", m }' "$f_status")
stall=$(csv_stall 'timex/time_offset-offset-*' "$((t_mgr + 1))")
diag "mgr stopped: largest gap between reads $gap s (Interval 1 s, Timeout $TIMEOUT s; read loop stall $stall s)"
awk -v g="$gap" -v t="$TIMEOUT" -v s="$stall" 'BEGIN{exit !(g > 0 && g <= 1 + t + 1.5 + s)}'
ok $? "mgr stopped: each read returns within Interval + Timeout (+1.5 s, + a read loop stall)"
if [ "${CEPH_HEALTH_FULL:-0}" = 1 ]; then
  wait_for 60 ceph_health_check-MGR_DOWN 'x == 1'
  ok $? "MGR_DOWN raised after the beacon grace"
  near "$(v bool-mgr_available)" 0 0 "mgr_available = 0"
fi
cc_mgr_start

# ------------------------------------------- mon hung (SIGSTOP), then back
f_total=$(csv_wait 'ceph_health-test/ceph_health_pgs-total-*' 1)
_cc_kill mon.a STOP
t_stop=$(date +%s)
wait_for $((TIMEOUT * 3 + 20)) ceph_health_pgs-total 'x == "nan"'
ok $? "mon hung: values are NaN (not the last ones)"
while [ "$(date +%s)" -lt $((t_stop + TIMEOUT * 3 + 2)) ]; do sleep 0.5; done # reads against the hung mon
slow=$(sed -n "s/.*read-function of the \`ceph_health\/test' plugin took \([0-9.]*\) seconds.*/\1/p" \
  "$T/collectd.log" | sort -n | tail -n 1)
stall=$(csv_stall 'timex/time_offset-offset-*' 0)
diag "slowest ceph_health read in the whole run: ${slow:-<= Interval} s (Timeout $TIMEOUT s; read loop stall $stall s)"
awk -v s="${slow:-0}" -v t="$TIMEOUT" -v st="$stall" 'BEGIN{exit !(s <= t + 1 + st)}'
ok $? "every read returned within Timeout + 1 s (+ a read loop stall; mgr down, mon hung, reconnects)"
_cc_kill mon.a CONT
t_cont=$(date +%s)
wait_for 60 ceph_health_pgs-total 'x == 32'
ok $? "mon back: the plugin reconnected and reports again"
diag "mon hung $((t_cont - t_stop)) s; values back $(($(date +%s) - t_cont)) s after SIGCONT (collectd's read backoff)"
ok "$([ "$(grep -c 'Cluster "test": connected' "$T/collectd.log")" -ge 1 ] && echo 0 || echo 1)" \
  "reconnect logged once the mon answers"

collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
diag "ceph_health integration test: $(($(date +%s) - CC_T0)) s"
it_end
