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
. "$(dirname "$0")/../lib/scenario.sh"
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
gpsd_wait_val hab bool-spoofing 0.000000 30
ok $? "healthy: hab spoofing 0"
gpsd_wait_val hab bool-jamming 0.000000 30
ok $? "healthy: hab jamming 0 (median window filled)"
sleep 6
h=$(gpsd_val hab gauge-position_error_horizontal)
scen_within 0 5 "$h"
ok $? "healthy: hab fix within 5 m of its Position ($h m)"
a=$(gpsd_val hab gauge-altitude_error)
scen_within -0.5 0.5 "$a"
ok $? "healthy: altHAE - surveyed height near 0 ($a m)"
c0=$(gpsd_val hab snr-used_above_mask_mean)
diag "healthy: hab mean C/N0 above 15 deg $c0 dB-Hz"
is "$(gpsd_val garmin gauge-position_error_horizontal)" nan "garmin: no Position, no distance"
is "$(scen_notes_at_least WARNING)" 0 "healthy: no notification at WARNING or above"

# ---- fault 1: a wide-band jammer (-9 dB on every satellite)
scen_phase
echo "$T/hab-jam.log" >"$SW"
scen_expect 30 "severity = WARNING, .*plugin = gpsd, plugin_instance = hab, type = bool, type_instance = jamming, message = gpsd plugin" \
  "plugin: WARNING hab bool-jamming after %s s" "gpsd plugin jamming WARNING (hab)"
scen_expect 30 "severity = WARNING, .*plugin_instance = hab, type = bool, type_instance = jamming, message = Host .*above the warning threshold" \
  "thresholds.conf: WARNING hab bool-jamming after %s s" "thresholds.conf jamming WARNING (hab)"
scen_messages 'type_instance = jamming, message = gpsd'
d=$(gpsd_val hab gauge-cn0_drop)
scen_within 7 11 "$d"
ok $? "cn0_drop near the 9 dB fed ($d dB)"
is "$(gpsd_val hab gauge-fix_mode)" 3.000000 "the jammed receiver keeps its fix (the edit keeps it)"
sleep 3
is "$(gpsd_val hab bool-jamming)" 1.000000 "jamming stays 1 while the jammer stays"
is "$(notifications_matching 'severity = (WARNING|FAILURE).*type_instance = spoofing')" 0 "jammed: no spoofing alert"

# ---- back
scen_phase
rm -f "$SW"
scen_expect 30 "severity = OKAY, .*plugin_instance = hab, type = bool, type_instance = jamming, message = gpsd plugin" \
  "plugin: OKAY hab jamming after %s s"

# ---- fault 2: a spoofer takes the receiver 1112 m north, C/N0 as before
scen_phase
echo "$T/hab-shift.log" >"$SW"
scen_expect 30 "severity = FAILURE, .*plugin = gpsd, plugin_instance = hab, type = bool, type_instance = spoofing, message = gpsd plugin" \
  "plugin: FAILURE hab bool-spoofing after %s s" "gpsd plugin spoofing FAILURE (hab)"
scen_expect 30 "severity = FAILURE, .*plugin_instance = hab, type = bool, type_instance = spoofing, message = Host .*above the failure threshold" \
  "thresholds.conf: FAILURE hab bool-spoofing after %s s" "thresholds.conf spoofing FAILURE (hab)"
scen_messages 'type_instance = spoofing, message = gpsd'
h=$(gpsd_val hab gauge-position_error_horizontal)
scen_within 1100 1125 "$h"
ok $? "position_error_horizontal near the 1112 m fed ($h m)"
is "$(notifications_matching 'severity = WARNING.*type_instance = jamming')" 2 \
  "spoofed: no new jamming alert (the 2 are from the jammer)"

# ---- back
scen_phase
rm -f "$SW"
scen_expect 30 "severity = OKAY, .*plugin_instance = hab, type = bool, type_instance = spoofing, message = gpsd plugin" \
  "plugin: OKAY hab spoofing after %s s"
is "$(notifications_matching 'severity = (WARNING|FAILURE).*plugin_instance = garmin,')" 0 \
  "nothing for garmin, replayed alongside"
scen_stop
it_end
