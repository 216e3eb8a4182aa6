#!/bin/bash
# Scenario: a receiver's serial time is one second off (gpsd TOFF -1.0015 s
# instead of -0.0015 s: a wrong configured latency, a receiver that
# reports the next second) while the PPS edge says the clock is right
# (setup: tests/lib/timecheck.sh; MaxApart 10 ms, SpreadFactor 5, Hold 8 s here,
# default 60 s; MaxAge 5 s).
# Expected: the honest pair pps/gps is silent (difference < 0.5 ms); after
# Hold the plugin's WARNING naming the pair and the difference, and the
# thresholds.conf count-pairs_apart WARNING; OKAY from both after the
# receiver is right again.  Then the same fault with every fed value
# silent for 8 s in it: Hold counts again from the return.  About 70 s.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/timecheck.sh"
. "$(dirname "$0")/../lib/scenario.sh"
it_begin sources_disagree
HOLD=8
tc_start 600 $HOLD
tc_wait_pps
ok $? "the pair pps/gps has a number"
sleep 2
near "$(tc_val time_offset-pps_vs_gps)" 0 0.0005 "healthy: pps vs gps within 0.5 ms"
is "$(tc_val bool-apart-pps_vs_gps)" 0.000000 "healthy: not apart"
# No NaN once the pair had a number (a value written while a read runs, or
# a pps interval without a pulse, used to give NaN rows).
f=$(csv_wait 'timecheck/time_offset-pps_vs_gps-*' 1)
is "$(awk -F, 'NR > 1 && $2 != "nan" { seen = 1 } seen && $2 == "nan" { n++ } END { print n + 0 }' "$f")" 0 \
  "healthy: no NaN row in time_offset-pps_vs_gps after the first number"
tc_healthy "healthy"

scen_phase
echo -1.0015 >"$T/toff"
scen_expect 30 "severity = WARNING, .*type_instance = apart-pps_vs_gps, message = timecheck plugin: pps and gps disagree by (0\\.99|1\\.00)" \
  "plugin: WARNING naming pps/gps and +1 s, %s s after the fault"
# The hold counts from the read that first saw the pair apart (the feeder
# writes every 0.5 s).
scen_held 'timecheck/time_offset-pps_vs_gps-*' '$2 > 0.5' $HOLD \
  "... Hold ($HOLD s) after timecheck saw it, not before, within 2 intervals"
scen_fault_time "timecheck apart-pps_vs_gps WARNING (Hold $HOLD s)" "$SCEN_DT"
scen_expect 10 "severity = WARNING, .*type = count, type_instance = pairs_apart, message = Host .*above the warning threshold" \
  "thresholds.conf: WARNING for count-pairs_apart after %s s" "thresholds.conf timecheck count-pairs_apart WARNING"
near "$(tc_val time_offset-pps_vs_gps)" 1 0.001 "time_offset-pps_vs_gps = +1 s (the PPS reference later than the serial one)"

scen_phase
echo -0.0015 >"$T/toff"
scen_expect 30 "severity = OKAY, .*type_instance = apart-pps_vs_gps, message = timecheck plugin: pps and gps agree again" \
  "plugin: OKAY %s s after the receiver is right again"
scen_expect 10 "severity = OKAY, .*type_instance = pairs_apart, message = Host .*within range again" \
  "thresholds.conf: OKAY after %s s"
tc_alerts_are 2

# ---- the receiver 1 s off again, and 1.5 s later every fed value stops
# for 8 s (a gpsd restart; longer than MaxAge 5 s): "apart without
# interruption for Hold" counts from the return.  The old plugin alerted at
# the first read after the return (the first sighting was Hold ago).
scen_phase
echo -1.0015 >"$T/toff"
sleep 1.5
kill -STOP "$TC_FEEDER"
sleep 8
kill -CONT "$TC_FEEDER"
back=$(sc_elapsed "$SCEN_T0")
scen_expect 30 "severity = WARNING, .*type_instance = apart-pps_vs_gps, message = timecheck plugin: pps and gps disagree" \
  "silent gps: WARNING %s s after the fault (gps back after $back s)"
scen_held 'timecheck/time_offset-pps_vs_gps-*' '$2 > 0.5' $HOLD \
  "... Hold ($HOLD s) after timecheck saw the pair again, not before"
csv_cat 'timecheck/time_offset-pps_vs_gps-*' | awk -F, -v t0="$SCEN_T0" -v b="$back" '
  $1 + 0 >= t0 && $1 - t0 < b && $2 ~ /nan/ { n++ } END { exit !(n >= 1) }'
ok $? "... the pair was NaN while gps was silent (never the stale number)"
scen_expect 10 "severity = WARNING, .*type = count, type_instance = pairs_apart, message = Host .*above the warning threshold" \
  "thresholds.conf: WARNING for count-pairs_apart after %s s"
tc_alerts_are 4
scen_stop
it_end
