#!/bin/bash
# Scenario: the DCF77 receiver announces a leap second (A2) on a day
# without one, while the NTP daemon (leap indicator 0), the kernel
# (adjtimex, no STA_INS/STA_DEL) and the leap file say no (setup:
# tests/lib/timecheck.sh).  LeapHold 10 s here (default 600 s).
# Expected: silence while all agree; after LeapHold the plugin's WARNING
# naming dcf77 and the thresholds.conf bool-leap_agree WARNING; OKAY from
# both LeapHold after A2 clears.  About 45 s.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/timecheck.sh"
it_begin leap_disagree
HOLD=10
tc_start $HOLD 5
sleep 4
is "$(tc_val bool-leap_agree)" 1.000000 "healthy: bool-leap_agree = 1"
is "$(tc_val count-leap_voters)" 3.000000 "healthy: three voters (ntp, dcf77, kernel)"
tc_healthy "healthy"

t0=$(scen_now)
echo 1 >"$T/a2"
dt=$(scen_wait_note "severity = WARNING, .*plugin = timecheck, type = bool, type_instance = leap_agree, message = timecheck plugin: leap-second voters disagree .*dcf77=1" 30 "$t0")
ok $? "plugin: WARNING naming dcf77, $dt s after A2 was set"
ok "$(awk -v d="$dt" -v h=$HOLD 'BEGIN { exit !(d >= h - 1 && d <= h + 3) }'; echo $?)" \
  "... after LeapHold ($HOLD s), not before, within 2 intervals + 1 s"
scen_fault_time "timecheck leap_agree WARNING (LeapHold $HOLD s)" "$dt"
dt2=$(scen_wait_note "severity = WARNING, .*plugin = timecheck, type = bool, type_instance = leap_agree, message = Host .*below the warning threshold" 10 "$t0")
ok $? "thresholds.conf: WARNING for bool-leap_agree, $dt2 s after A2 was set"
scen_fault_time "thresholds.conf timecheck bool-leap_agree WARNING" "$dt2"

t1=$(scen_now)
echo 0 >"$T/a2"
dt3=$(scen_wait_note "severity = OKAY, .*type_instance = leap_agree, message = timecheck plugin: the leap-second voters agree again" 30 "$t1")
ok $? "plugin: OKAY $dt3 s after A2 cleared"
dt4=$(scen_wait_note "severity = OKAY, .*type_instance = leap_agree, message = Host .*within range again" 10 "$t1")
ok $? "thresholds.conf: OKAY $dt4 s after A2 cleared"
is "$(tc_alerts)" 2 "exactly two timecheck alerts in all (plugin + threshold)"
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
it_end
