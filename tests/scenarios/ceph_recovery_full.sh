#!/bin/bash
# Scenario 7: a Ceph node dies and recovery fills an OSD.  A
# real 3-OSD Ceph 16.2 cluster on 127.0.0.1 (tests/integration/
# tests/lib/ceph.sh, memstore OSDs of 1 GiB), ceph_health in the real collectd
# at Interval 1 with collectd's threshold plugin and the shipped
# examples/thresholds.conf:
#  1. osd.2 is killed: OSD down, HEALTH_WARN and degraded PGs are notified;
#  2. the full ratios are lowered to a few points above the current
#     utilisation (nearfull +4, backfillfull +8, full +14 points) and data is
#     written to the two surviving OSDs, as recovery onto a too-small
#     cluster would: the headroom alerts (5 points before backfillfull, over
#     nearfull, over backfillfull, 5 points before full) must all come
#     BEFORE Ceph raises OSD_FULL (and stops writes);
#  3. ratios back to the defaults, osd.2 restarted (it comes back empty and
#     is backfilled): HEALTH_OK, and every alert raised is cleared (its last
#     notification is OKAY).
# About 2-3 minutes; the cluster is serialised with the other Ceph tests
# (it_lock ceph).  Prints "# fault->notification: X s" per alert.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/ceph.sh"
it_begin ceph_recovery_full
cc_test_require
[ -f "$STOCK_PLUGINDIR/threshold.so" ] || skip_all "collectd's threshold plugin not installed"
cc_test_up "test cluster up (HEALTH_OK, 32 PGs active+clean)"
D=$T/ceph
# FillWindow 20: this scenario fills in seconds what a cluster fills in hours;
# with the default 600 s the fill rate of the minute of filling would keep
# the until_backfillfull/until_full alerts open for 10 minutes after the
# restore (a real run: 6 still open 71.5 s after it).
collectd_start "$(cc_plugin_conf test "Timeout 2" "FillWindow 20")" "$(scen_thresholds_conf)"

# thr SEVERITY PINST TYPE [TINST]: a threshold plugin notification
thr() {
  local ti=""
  [ -n "${4:-}" ] && ti=" type_instance = $4,"
  echo "severity = $1, host = $CD_HOST, plugin = ceph_health, plugin_instance = $2, type = $3,$ti message = Host"
}
util_max() { # utilisation (%) of the fullest up OSD, from `ceph osd df`
  cc_ro osd df -f json | /usr/bin/python3 -c '
import json, sys
print(max(n["utilization"] for n in json.load(sys.stdin)["nodes"] if n["kb"] > 0))'
}

csv_wait 'ceph_health-test/ceph_health_status-*' 30 >/dev/null
ok $? "collectd reads the cluster"
csv_wait 'ceph_health-test-osd.0/ceph_health_headroom-full-*' 30 >/dev/null
sleep 5
is "$(sc_alerts | grep -c 'plugin = ceph_health')" 0 "healthy cluster: no ceph_health WARNING/FAILURE"

# ------------------------------------------------------------ 1. node dies
t_kill=$(scen_now)
cc_osd_stop 2 KILL
sc_wait_all 40 "$t_kill" \
  "osd_down=$(thr WARNING test-osd.2 bool up)" \
  "status_warn=$(thr WARNING test ceph_health_status)" \
  "degraded=$(thr WARNING test ceph_health_pgs degraded)"
for k in osd_down status_warn degraded; do
  if [ -n "${SC_DT[$k]:-}" ]; then
    echo "# fault->notification: ${SC_DT[$k]} s (osd.2 killed -> $k)"
    ok 0 "osd.2 killed: $k notified (${SC_DT[$k]} s)"
  else
    ok 1 "osd.2 killed: $k notified"
  fi
done
# OSD down: 2 reads (Hits 2) + the mon marking it down (~1 s): well under 10 s
ok "$(awk -v d="${SC_DT[osd_down]:-99}" 'BEGIN { exit !(d < 10) }'; echo $?)" \
  "OSD down alert within 10 s (${SC_DT[osd_down]:-none} s)"

# ------------------------------------------- 2. the survivors fill up
u0=$(util_max)
r() { awk -v u="$u0" -v d="$1" 'BEGIN { printf "%.4f", (u + d) / 100 }'; }
diag "utilisation of the fullest OSD: $u0 %; ratios: nearfull $(r 4), backfillfull $(r 8), full $(r 14)"
cc_ceph osd set-nearfull-ratio "$(r 4)" >/dev/null &&
  cc_ceph osd set-backfillfull-ratio "$(r 8)" >/dev/null &&
  cc_ceph osd set-full-ratio "$(r 14)" >/dev/null
ok $? "full ratios lowered (ceph osd set-{nearfull,backfillfull,full}-ratio)"
sleep 3
is "$(notifications_matching 'severity = (WARNING|FAILURE), .*type = ceph_health_headroom')" 0 \
  "ratios lowered, nothing written yet: no headroom alert"
head -c $((4 << 20)) /dev/urandom >"$T/obj"
declare -A seen seen_info
t_fill=$(scen_now)
full_line="" i=0
for i in $(seq 1 120); do
  timeout 15 rados -c "$D/ceph.conf" --name client.admin --keyring "$D/client.admin/keyring" \
    -p test put "fill$i" "$T/obj" 2>/dev/null
  # 0.4 points per object; the OSDs' statistics reach the mgr's `osd df`
  # a second or two late, so pace the fill (about 0.4 points/s) or every
  # alert would arrive in the same read.
  sleep 0.6
  for k in "bf_warn=WARNING test ceph_health_headroom backfillfull" \
    "nf_warn=WARNING test ceph_health_headroom nearfull" \
    "bf_fail=FAILURE test ceph_health_headroom backfillfull" \
    "full_fail=FAILURE test ceph_health_headroom full" \
    "status_err=FAILURE test ceph_health_status"; do
    n=${k%%=*}
    # shellcheck disable=SC2086
    [ -z "${seen[$n]:-}" ] && [ -n "$(sc_line_of "$(thr ${k#*=})")" ] &&
      seen[$n]="$(sc_elapsed "$t_fill")" && seen_info[$n]="$i objects, utilisation $(util_max) %"
  done
  full_line=$(sc_line_of 'health check OSD_FULL raised')
  [ -n "$full_line" ] && break
done
t_full=$(sc_elapsed "$t_fill")
ok "$([ -n "$full_line" ] && echo 0 || echo 1)" "OSD_FULL raised after $i objects of 4 MiB ($t_full s)"
for k in bf_warn nf_warn bf_fail full_fail; do
  if [ -n "${seen[$k]:-}" ]; then
    echo "# fill->notification: ${seen[$k]} s ($k; ${seen_info[$k]}); OSD_FULL at $t_full s: $(awk -v a="${seen[$k]}" -v b="$t_full" 'BEGIN { printf "%.1f", b - a }') s earlier"
  else
    diag "$k: not seen"
  fi
done
nearfull_line=$(sc_line_of 'health check OSD_NEARFULL raised')
for k in "bf_warn=WARNING test ceph_health_headroom backfillfull" \
  "nf_warn=WARNING test ceph_health_headroom nearfull" \
  "bf_fail=FAILURE test ceph_health_headroom backfillfull" \
  "full_fail=FAILURE test ceph_health_headroom full"; do
  # shellcheck disable=SC2086
  l=$(sc_line_of "$(thr ${k#*=})")
  ok "$([ -n "$l" ] && [ -n "$full_line" ] && [ "$l" -lt "$full_line" ] && echo 0 || echo 1)" \
    "headroom alert ${k%%=*} (${k#*=}) sent before OSD_FULL was raised (log line ${l:-none} < ${full_line:-none})"
done
l=$(sc_line_of "$(thr WARNING test ceph_health_headroom backfillfull)")
diag "first headroom warning at log line ${l:-none}, Ceph's OSD_NEARFULL at ${nearfull_line:-none}"
per_osd=$(notifications_matching "severity = (WARNING|FAILURE), host = $CD_HOST, plugin = ceph_health, plugin_instance = test-osd\\.[01], type = ceph_health_headroom, ")
ok "$([ "$per_osd" -ge 2 ] && echo 0 || echo 1)" "per-OSD headroom alerts name the surviving OSDs ($per_osd)"
sc_wait_notification 10 "$(thr FAILURE test ceph_health_status)"
ok $? "OSD_FULL: HEALTH_ERR notified (ceph_health_status FAILURE)"
grep -E 'Notification: severity = (WARNING|FAILURE), .*(type = ceph_health_headroom, type_instance = (backfillfull|full)|OSD_FULL raised)' \
  "$T/collectd.log" | grep -E 'plugin_instance = test,' | head -n 6 | sed 's/^\[\([^]]*\)\].*severity = \([A-Z]*\),.*plugin_instance = \([^,]*\),.*type_instance = \([^,]*\),.*/# \1 \2 \3 \4/'

# ------------------------------------------------------------ 3. restore
t_fix=$(scen_now)
cc_ratios_default
cc_osd_start 2
cc_wait 180 cc_healthy
ok $? "ratios reset and osd.2 back: HEALTH_OK, all PGs active+clean"
diag "HEALTH_OK $(sc_elapsed "$t_fix") s after the restore"
# Every series that alerted must end with an OKAY.
open_alerts() {
  grep -E 'Notification: severity = [A-Z]+, host = [^,]*, plugin = ceph_health, .* message = Host ' "$T/collectd.log" |
    sed -E 's/.*severity = ([A-Z]+), host = [^,]*, plugin = ceph_health, plugin_instance = ([^,]*), type = ([^,]*),( type_instance = ([^,]*),)?.*/\2|\3|\5|\1/' |
    awk -F'|' '{ last[$1 " " $2 " " $3] = $4 } END { for (k in last) if (last[k] != "OKAY") print k, last[k] }'
}
for _ in $(seq 60); do
  [ -z "$(open_alerts)" ] && break
  sleep 1
done
left=$(open_alerts)
ok "$([ -z "$left" ] && echo 0 || echo 1)" "every threshold alert cleared (last notification OKAY) $(sc_elapsed "$t_fix") s after the restore"
[ -z "$left" ] || echo "$left" | sed 's/^/# still open: /'
n_alerts=$(sc_alerts | grep -c 'plugin = ceph_health')
diag "ceph_health WARNING/FAILURE notifications in all: $n_alerts"
collectd_log_clean
grep -E '\[error\] threshold plugin' "$T/collectd.log" | sed 's/^/# /'
collectd_stop
ok $? "collectd stops cleanly"
diag "scenario duration: $(($(date +%s) - CC_T0)) s"
it_end
