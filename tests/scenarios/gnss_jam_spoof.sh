#!/bin/bash
# Scenario: signs of jamming, then of spoofing, on a GNSS receiver.
# In a private network namespace, a real gpsd reads two live network
# receivers (tests/integration/gpsd_feed.py: real logs from gpsd's
# regression suite re-stamped to the current second, one epoch a second):
#   hab    hab-gpspi.log (GPS+GLONASS), with its surveyed Position taken
#          from the log's own $GNGGA (latitude, longitude, altitude above
#          the geoid + geoid separation = height above the ellipsoid)
#   garmin garmin15x.log (GPS only, no Position), unchanged: raises nothing.
# Edited logs (tests/scenarios/gnss_integrity_edit.py): "jam 9" takes 9 dB
# of C/N0 from every satellite of every constellation, fix kept; "shift
# 0.01" moves the fix 0.01 deg (1112 m) north with C/N0 unchanged.
# collectd runs the gpsd plugin with its default integrity options
# (CN0DropThreshold 6 dB, CN0DropWindow 60 s, PositionJumpMax 100 m,
# ElevationMask 15 deg) and the shipped examples/thresholds.conf.
# Expected: healthy phase silent; jammed -> the plugin's WARNING and the
# thresholds.conf WARNING for hab bool-jamming, no spoofing; back -> OKAY;
# spoofed -> the plugin's FAILURE and the thresholds.conf FAILURE for hab
# bool-spoofing, no jamming; back -> OKAY; nothing for garmin.  About 1 min.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
scen_netns "$@"
it_begin gnss_jam_spoof
gpsd_require
D="$TOP_SRCDIR/tests/data/gpsd"
E="$TOP_SRCDIR/tests/scenarios/gnss_integrity_edit.py"
python3 "$E" jam 9 "$D/hab-gpspi.log" >"$T/hab-jam.log" &&
  python3 "$E" shift 0.01 "$D/hab-gpspi.log" >"$T/hab-shift.log"
ok $? "edited logs derived from hab-gpspi.log"
read -r LAT LON HAE < <(python3 "$E" where "$D/hab-gpspi.log")
is "$HAE" 247.300 "surveyed height from the log: 205.3 m MSL + 42.0 m geoid"

SW=$T/hab.switch
gpsd_live_start "$SW"

scen_collectd_start "LoadPlugin gpsd
<Plugin gpsd>
  <Server \"live\">
    Host \"127.0.0.1\"
    Port $PORT
    MaxAge 3
    <Receiver \"hab\">
      Device \"tcp://127.0.0.1:$F1\"
      Position $LAT $LON $HAE
    </Receiver>
    <Receiver \"garmin\">
      Device \"tcp://127.0.0.1:$F2\"
    </Receiver>
  </Server>
</Plugin>"
# within LO HI VALUE: 0 if LO <= VALUE <= HI (a number)
within() { awk -v l="$1" -v h="$2" -v v="$3" 'BEGIN { exit !(v == v + 0 && v >= l && v <= h) }'; }

gpsd_wait_val hab bool-spoofing 0.000000 30
ok $? "healthy: hab spoofing 0"
gpsd_wait_val hab bool-jamming 0.000000 30
ok $? "healthy: hab jamming 0 (median window filled)"
sleep 6
h=$(gpsd_val hab gauge-position_error_horizontal)
within 0 5 "$h"
ok $? "healthy: hab fix within 5 m of its Position ($h m)"
a=$(gpsd_val hab gauge-altitude_error)
within -0.5 0.5 "$a"
ok $? "healthy: altHAE - surveyed height near 0 ($a m)"
c0=$(gpsd_val hab snr-used_above_mask_mean)
diag "healthy: hab mean C/N0 above 15 deg $c0 dB-Hz"
is "$(gpsd_val garmin gauge-position_error_horizontal)" nan "garmin: no Position, no distance"
is "$(scen_notes_at_least WARNING)" 0 "healthy: no notification at WARNING or above"

# ---- fault 1: a wide-band jammer (-9 dB on every satellite)
t0=$(scen_now)
echo "$T/hab-jam.log" >"$SW"
dt=$(scen_wait_note "severity = WARNING, .*plugin = gpsd, plugin_instance = hab, type = bool, type_instance = jamming, message = gpsd plugin" 30 "$t0")
ok $? "plugin: WARNING hab bool-jamming after $dt s"
scen_fault_time "gpsd plugin jamming WARNING (hab)" "$dt"
dt2=$(scen_wait_note "severity = WARNING, .*plugin_instance = hab, type = bool, type_instance = jamming, message = Host .*above the warning threshold" 30 "$t0")
ok $? "thresholds.conf: WARNING hab bool-jamming after $dt2 s"
scen_fault_time "thresholds.conf jamming WARNING (hab)" "$dt2"
grep -E 'Notification: .*type_instance = jamming, message = gpsd' "$T/collectd.log" | sed 's/^.*message = /# /'
d=$(gpsd_val hab gauge-cn0_drop)
within 7 11 "$d"
ok $? "cn0_drop near the 9 dB fed ($d dB)"
is "$(gpsd_val hab gauge-fix_mode)" 3.000000 "the jammed receiver keeps its fix (the edit keeps it)"
sleep 3
is "$(gpsd_val hab bool-jamming)" 1.000000 "jamming stays 1 while the jammer stays"
is "$(notifications_matching 'severity = (WARNING|FAILURE).*type_instance = spoofing')" 0 "jammed: no spoofing alert"

# ---- back
OKJ="severity = OKAY, .*plugin_instance = hab, type = bool, type_instance = jamming, message = gpsd plugin"
t1=$(scen_now)
rm -f "$SW"
dt3=$(scen_wait_note "$OKJ" 30 "$t1")
ok $? "plugin: OKAY hab jamming after $dt3 s"

# ---- fault 2: a spoofer takes the receiver 1112 m north, C/N0 as before
t2=$(scen_now)
echo "$T/hab-shift.log" >"$SW"
dt4=$(scen_wait_note "severity = FAILURE, .*plugin = gpsd, plugin_instance = hab, type = bool, type_instance = spoofing, message = gpsd plugin" 30 "$t2")
ok $? "plugin: FAILURE hab bool-spoofing after $dt4 s"
scen_fault_time "gpsd plugin spoofing FAILURE (hab)" "$dt4"
dt5=$(scen_wait_note "severity = FAILURE, .*plugin_instance = hab, type = bool, type_instance = spoofing, message = Host .*above the failure threshold" 30 "$t2")
ok $? "thresholds.conf: FAILURE hab bool-spoofing after $dt5 s"
scen_fault_time "thresholds.conf spoofing FAILURE (hab)" "$dt5"
grep -E 'Notification: .*type_instance = spoofing, message = gpsd' "$T/collectd.log" | sed 's/^.*message = /# /'
h=$(gpsd_val hab gauge-position_error_horizontal)
within 1100 1125 "$h"
ok $? "position_error_horizontal near the 1112 m fed ($h m)"
is "$(notifications_matching 'severity = WARNING.*type_instance = jamming')" 2 \
  "spoofed: no new jamming alert (the 2 are from the jammer)"

# ---- back
OKS="severity = OKAY, .*plugin_instance = hab, type = bool, type_instance = spoofing, message = gpsd plugin"
t3=$(scen_now)
rm -f "$SW"
dt6=$(scen_wait_note "$OKS" 30 "$t3")
ok $? "plugin: OKAY hab spoofing after $dt6 s"
is "$(notifications_matching 'severity = (WARNING|FAILURE).*plugin_instance = garmin,')" 0 \
  "nothing for garmin, replayed alongside"
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
it_end
