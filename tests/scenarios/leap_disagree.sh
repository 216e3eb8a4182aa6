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
. "$(dirname "$0")/../lib/scenario.sh"
it_begin leap_disagree
HOLD=10
tc_start $HOLD 5
# the feeder's voters known (polled, up to 30 s: the first rows, written
# before its first PUTVAL, count 1; a stalled read loop keeps them last)
tc_wait count-leap_voters 3.000000 30
is "$(tc_val bool-leap_agree)" 1.000000 "healthy: bool-leap_agree = 1"
is "$(tc_val count-leap_voters)" 3.000000 "healthy: three voters (ntp, dcf77, kernel)"
tc_healthy "healthy"

scen_phase
echo 1 >"$T/a2"
scen_expect 30 "severity = WARNING, .*plugin = timecheck, type = bool, type_instance = leap_agree, message = timecheck plugin: leap-second voters disagree .*dcf77=1" \
  "plugin: WARNING naming dcf77, %s s after A2 was set"
# The hold counts from the read that first saw A2 (the feeder writes every
# 0.5 s; a stale voter abstains and restarts it).
scen_held 'timecheck/bool-leap_announced_dcf77-*' '$2 == 1' $HOLD \
  "... LeapHold ($HOLD s) after timecheck saw A2, not before, within 2 intervals"
scen_fault_time "timecheck leap_agree WARNING (LeapHold $HOLD s)" "$SCEN_DT"
scen_expect 10 "severity = WARNING, .*plugin = timecheck, type = bool, type_instance = leap_agree, message = Host .*below the warning threshold" \
  "thresholds.conf: WARNING for bool-leap_agree, %s s after A2 was set" "thresholds.conf timecheck bool-leap_agree WARNING"

scen_phase
echo 0 >"$T/a2"
scen_expect 30 "severity = OKAY, .*type_instance = leap_agree, message = timecheck plugin: the leap-second voters agree again" \
  "plugin: OKAY %s s after A2 cleared"
scen_expect 10 "severity = OKAY, .*type_instance = leap_agree, message = Host .*within range again" \
  "thresholds.conf: OKAY %s s after A2 cleared"
tc_alerts_are 2
scen_stop
it_end
