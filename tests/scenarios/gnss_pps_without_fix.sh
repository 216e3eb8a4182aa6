#!/bin/bash
# Scenario: a GNSS receiver loses its fix and keeps sending PPS.
# The real gpsd cannot see a PPS source here (no /dev/pps*, ptys have no
# DCD), and for an NMEA receiver without a fix gpsd 3.22 sends TPV mode 1
# and neither TOFF nor a fix (seen with tests/scenarios/gnss_edit.py's
# "nofix" log through gpsd_feed.py).  So a stand-in gpsd
# (tests/lib/fake_gpsd.py, gpsd 3.22's JSON lines) serves one
# receiver: a 3D fix with TOFF and PPS; then (fault) TPV mode 1, no TOFF,
# no used satellite, PPS going on; then the PPS stops too.  collectd runs
# the gpsd plugin with PPSWithoutFixAfter 15 (default 60 s: shortened to
# keep the scenario short) and the shipped examples/thresholds.conf.
# Expected: healthy phase silent; fix lost -> the plugin's WARNING for
# fix_mode at once; 15 s later (not before) the plugin's FAILURE and the
# thresholds.conf FAILURE for bool-pps_without_fix; PPS stops -> OKAY.
# About 45 s.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
it_begin gnss_pps_without_fix
command -v python3 >/dev/null || skip_all "python3 not installed"
AFTER=15
python3 "$TOP_SRCDIR/tests/lib/fake_gpsd.py" "$T/gpsd.port" /dev/ttyAMA0 \
  "$T/pps.pause" "$T/nofix" &
it_track_pid $!
for _ in $(seq 50); do [ -f "$T/gpsd.port" ] && break; sleep 0.1; done
GPORT=$(cat "$T/gpsd.port")

scen_collectd_start "LoadPlugin gpsd
<Plugin gpsd>
  PPSWithoutFixAfter $AFTER
  <Server \"fake\">
    Host \"127.0.0.1\"
    Port \"$GPORT\"
    MaxAge 3
    <Receiver \"gnss\">
      Device \"/dev/ttyAMA0\"
    </Receiver>
  </Server>
</Plugin>"
val() { local f; f=$(csv_wait "gpsd-gnss/$1-*" 5) && csv_last "$f"; }
wait_val() { # METRIC VALUE SECS
  for _ in $(seq $(($3 * 2))); do
    [ "$(val "$1")" = "$2" ] && return 0
    sleep 0.5
  done
  return 1
}
wait_val gauge-fix_mode 3.000000 20
ok $? "healthy: 3D fix"
wait_val bool-pps_without_fix 0.000000 10
ok $? "healthy: pps_without_fix 0"
sleep 4
ok "$([ "$(val time_offset-pps)" != nan ] && echo 0 || echo 1)" "healthy: PPS offset reported"
is "$(scen_notes_at_least WARNING)" 0 "healthy: no notification at WARNING or above"

# ---- fault: the fix goes, the PPS stays
t0=$(scen_now)
touch "$T/nofix"
dt=$(scen_wait_note "severity = WARNING, .*plugin_instance = gnss, type = gauge, type_instance = fix_mode, message = gpsd plugin" 10 "$t0")
ok $? "plugin: WARNING fix lost after $dt s"
sleep 5
is "$(val bool-pps_without_fix)" 0.000000 "5 s without a fix: pps_without_fix still 0 (limit $AFTER s)"
is "$(notifications_matching 'severity = (WARNING|FAILURE).*type_instance = pps_without_fix')" 0 "... and no pps_without_fix alert yet"
ok "$([ "$(val time_offset-pps)" != nan ] && echo 0 || echo 1)" "PPS reports go on without the fix"
dt2=$(scen_wait_note "severity = FAILURE, .*plugin_instance = gnss, type = bool, type_instance = pps_without_fix, message = gpsd plugin" 30 "$t0")
ok $? "plugin: FAILURE pps_without_fix after $dt2 s"
scen_fault_time "gpsd plugin PPS-without-fix FAILURE" "$dt2"
within() { awk -v l="$1" -v h="$2" -v v="$3" 'BEGIN { exit !(v == v + 0 && v >= l && v <= h) }'; }
within "$AFTER" $((AFTER + 4)) "$dt2"
ok $? "... $AFTER s after the fix went, within the limit + 4 s (read interval, report phase)"
dt3=$(scen_wait_note "severity = FAILURE, .*plugin_instance = gnss, type = bool, type_instance = pps_without_fix, message = Host .*above the failure threshold" 30 "$t0")
ok $? "thresholds.conf: FAILURE pps_without_fix after $dt3 s"
scen_fault_time "thresholds.conf pps_without_fix FAILURE" "$dt3"
grep -E 'Notification: .*type_instance = pps_without_fix, message = gpsd' "$T/collectd.log" | sed 's/^.*message = /# /'
is "$(val bool-pps_without_fix)" 1.000000 "pps_without_fix 1"

# ---- the PPS stops too: no free-running PPS any more
t1=$(scen_now)
touch "$T/pps.pause"
dt4=$(scen_wait_note "severity = OKAY, .*plugin_instance = gnss, type = bool, type_instance = pps_without_fix, message = gpsd plugin" 15 "$t1")
ok $? "plugin: OKAY pps_without_fix after $dt4 s (PPS stale after MaxAge 3 s)"
is "$(val bool-pps_without_fix)" 0.000000 "pps_without_fix 0 once the PPS stops"
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
it_end
