#!/bin/bash
# Scenario: the leap-seconds file expires in 10 days (tzdata not updated):
# ntpd and chronyd will stop using it.  Then the file is renewed (expiry in
# 400 days), as a tzdata upgrade does.  (Setup: tests/lib/timecheck.sh.)
# Expected: the plugin's WARNING with the days left and the thresholds.conf
# bool-leapfile_expiring WARNING at the first read; OKAY from both once the
# file is renewed; with a 400-day file from the start (second collectd
# run), nothing.  About 25 s.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/timecheck.sh"
. "$(dirname "$0")/../lib/scenario.sh"
it_begin leapfile_expiring
tc_leapfile 10
scen_phase
tc_start 600 60
scen_expect 10 "severity = WARNING, .*type_instance = leapfile_expiring, message = timecheck plugin: the leap file .* expires in 10.0 days" \
  "plugin: WARNING 'expires in 10.0 days' %s s after collectd started"
dt=$SCEN_DT
scen_expect 10 "severity = WARNING, .*type_instance = leapfile_expiring, message = Host .*above the warning threshold" \
  "thresholds.conf: WARNING for bool-leapfile_expiring after %s s"
scen_fault_time "timecheck leapfile_expiring WARNING (first read)" "$dt"
near "$(tc_val timecheck_days-leapfile_expiry)" 10 0.01 "timecheck_days-leapfile_expiry = 10 days"

scen_phase
tc_leapfile 400
scen_expect 10 "severity = OKAY, .*type_instance = leapfile_expiring, message = timecheck plugin: the leap file .* expires in 400.0 days" \
  "plugin: OKAY after the renewal (%s s)"
scen_expect 10 "severity = OKAY, .*type_instance = leapfile_expiring, message = Host .*within range again" \
  "thresholds.conf: OKAY after the renewal (%s s)"
tc_alerts_are 2
collectd_stop
ok $? "collectd stops cleanly"

# A fresh run with the 400-day file: silent.
mv "$T/collectd.log" "$T/collectd-1.log"
rm -rf "$T/csv"
tc_start 600 60
sleep 5
is "$(tc_val bool-leapfile_expiring)" 0.000000 "400 days: bool-leapfile_expiring = 0"
tc_healthy "400 days"
scen_stop
it_end
