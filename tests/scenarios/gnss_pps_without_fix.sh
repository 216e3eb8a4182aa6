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
. "$(dirname "$0")/../lib/scenario.sh"
it_begin gnss_pps_without_fix
need python3
AFTER=15
scen_fake_gpsd /dev/ttyAMA0 "$T/pps.pause" "$T/nofix"
scen_collectd_start "$(scen_fake_gpsd_conf "  PPSWithoutFixAfter $AFTER")"
gpsd_wait_val gnss gauge-fix_mode 3.000000 20
ok $? "healthy: 3D fix"
gpsd_wait_val gnss bool-pps_without_fix 0.000000 10
ok $? "healthy: pps_without_fix 0"
sleep 4
ok "$([ "$(gpsd_val gnss time_offset-pps)" != nan ] && echo 0 || echo 1)" "healthy: PPS offset reported"
is "$(scen_notes_at_least WARNING)" 0 "healthy: no notification at WARNING or above"

# ---- fault: the fix goes, the PPS stays
scen_phase
touch "$T/nofix"
scen_expect 10 "severity = WARNING, .*plugin_instance = gnss, type = gauge, type_instance = fix_mode, message = gpsd plugin" \
  "plugin: WARNING fix lost after %s s"
sleep 5
is "$(gpsd_val gnss bool-pps_without_fix)" 0.000000 "5 s without a fix: pps_without_fix still 0 (limit $AFTER s)"
is "$(notifications_matching 'severity = (WARNING|FAILURE).*type_instance = pps_without_fix')" 0 "... and no pps_without_fix alert yet"
ok "$([ "$(gpsd_val gnss time_offset-pps)" != nan ] && echo 0 || echo 1)" "PPS reports go on without the fix"
scen_expect 30 "severity = FAILURE, .*plugin_instance = gnss, type = bool, type_instance = pps_without_fix, message = gpsd plugin" \
  "plugin: FAILURE pps_without_fix after %s s" "gpsd plugin PPS-without-fix FAILURE"
scen_latency "$AFTER" $((AFTER + 4)) 'gpsd-gnss/bool-pps_without_fix-*' \
  "... $AFTER s after the fix went, within the limit + 4 s (read interval, report phase)"
scen_expect 30 "severity = FAILURE, .*plugin_instance = gnss, type = bool, type_instance = pps_without_fix, message = Host .*above the failure threshold" \
  "thresholds.conf: FAILURE pps_without_fix after %s s" "thresholds.conf pps_without_fix FAILURE"
scen_messages 'type_instance = pps_without_fix, message = gpsd'
is "$(gpsd_val gnss bool-pps_without_fix)" 1.000000 "pps_without_fix 1"

# ---- the PPS stops too: no free-running PPS any more
scen_phase
touch "$T/pps.pause"
scen_expect 15 "severity = OKAY, .*plugin_instance = gnss, type = bool, type_instance = pps_without_fix, message = gpsd plugin" \
  "plugin: OKAY pps_without_fix after %s s (PPS stale after MaxAge 3 s)"
is "$(gpsd_val gnss bool-pps_without_fix)" 0.000000 "pps_without_fix 0 once the PPS stops"
scen_stop
it_end
