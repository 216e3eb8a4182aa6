#!/bin/bash
# Scenario S4: a GNSS receiver loses GLONASS, then its fix.
# In a private network namespace, a real gpsd reads two live network
# receivers (tests/integration/gpsd_feed.py: real logs from gpsd's
# regression suite re-stamped to the current second, one epoch a second):
#   hab    hab-gpspi.log (GPS+GLONASS NTP board), then the edited logs
#   garmin garmin15x.log (GPS only), unchanged: it must raise nothing.
# The edited logs are derived from hab-gpspi.log in the test
# (tests/scenarios/gnss_edit.py): "noglonass" drops the GLONASS sentences
# (the receiver stops tracking GLONASS), "nofix" reports no fix with the
# satellites still in view.  collectd runs the gpsd plugin with the shipped
# examples/thresholds.conf.  (gpsd_feed.py rather than gpsfake: gpsfake's
# pace is not real time and it replays the log's 2015 timestamps, so TOFF
# and fix age would be meaningless; the gpsd is the same real gpsd 3.22.)
# Expected: healthy phase silent; GLONASS lost -> the plugin's WARNING for
# hab satellites-glonass_used; fix lost -> the plugin's WARNING and the
# thresholds.conf FAILURE for hab fix_mode, the satellites rule's WARNING;
# back to the real log -> OKAY; nothing at all for garmin.  About 1 minute.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/../lib/scenario.sh"
scen_netns "$@"
it_begin gnss_constellation_loss
gpsd_require
D="$TOP_SRCDIR/tests/data/gpsd"
python3 "$TOP_SRCDIR/tests/scenarios/gnss_edit.py" noglonass "$D/hab-gpspi.log" >"$T/hab-noglonass.log" &&
  python3 "$TOP_SRCDIR/tests/scenarios/gnss_edit.py" nofix "$D/hab-gpspi.log" >"$T/hab-nofix.log"
ok $? "edited logs derived from hab-gpspi.log"
is "$(grep '^\$GLGSV' "$T/hab-noglonass.log" | grep -cE ',[0-9]+\*')" 0 "noglonass: no GLONASS satellite has a signal"

SW=$T/hab.switch
gpsd_live_start "$SW"

scen_collectd_start "$(gpsd_conf $PORT $F1 $F2)"
gpsd_wait_val hab satellites-glonass_used 5.000000 30
ok $? "healthy: hab uses 5 GLONASS satellites"
gpsd_wait_val garmin gauge-fix_mode 3.000000 30
ok $? "healthy: garmin has a 3D fix"
sleep 6
is "$(gpsd_val hab gauge-fix_mode)" 3.000000 "healthy: hab has a 3D fix"
is "$(scen_notes_at_least WARNING)" 0 "healthy: no notification at WARNING or above"
grep -E 'severity = (WARNING|FAILURE)' "$T/collectd.log" | head -n 5 | sed 's/^/# /'

# ---- fault 1: GLONASS disappears
scen_phase
echo "$T/hab-noglonass.log" >"$SW"
scen_expect 30 "severity = WARNING, .*plugin = gpsd, plugin_instance = hab, type = satellites, type_instance = glonass_used" \
  "plugin: WARNING hab satellites-glonass_used after %s s" "gpsd plugin GLONASS-lost WARNING (hab)"
scen_messages 'plugin_instance = hab, type = satellites, type_instance = glonass_used'
is "$(gpsd_val hab satellites-gps_used)" 5.000000 "hab still uses 5 GPS satellites"
is "$(gpsd_val hab gauge-fix_mode)" 3.000000 "hab keeps its 3D fix on GPS alone"
is "$(gpsd_val hab satellites-glonass_visible)" 9.000000 "hab still sees 9 GLONASS satellites (none used)"
is "$(notifications_matching 'severity = (WARNING|FAILURE).*type_instance = (gps_used|fix_mode|total_used)')" 0 \
  "GLONASS lost: no GPS, fix or satellite-count notification"

# ---- fault 2: the fix drops
scen_phase
echo "$T/hab-nofix.log" >"$SW"
scen_expect 30 "severity = WARNING, .*plugin = gpsd, plugin_instance = hab, type = gauge, type_instance = fix_mode, message = [^H]" \
  "plugin: WARNING hab fix lost after %s s" "gpsd plugin fix-lost WARNING (hab)"
scen_expect 30 "severity = FAILURE, .*plugin = gpsd, plugin_instance = hab, type = gauge, type_instance = fix_mode, message = Host .*below the failure threshold" \
  "thresholds.conf: FAILURE hab fix_mode after %s s (Hits 3)" "thresholds.conf fix_mode FAILURE (hab)"
scen_expect 30 "severity = WARNING, .*plugin = gpsd, plugin_instance = hab, type = satellites, type_instance = total_used, message = Host .*below the warning threshold" \
  "thresholds.conf: WARNING hab total_used < 4 after %s s (Hits 5)" "thresholds.conf total_used WARNING (hab)"

# ---- the receiver recovers
scen_phase
rm -f "$SW"
scen_expect 30 "severity = OKAY, .*plugin_instance = hab, type = gauge, type_instance = fix_mode, message = Host" \
  "thresholds.conf: OKAY hab fix_mode after %s s"
dt5=$SCEN_DT
scen_expect 30 "severity = OKAY, .*plugin_instance = hab, type = satellites, type_instance = glonass_used, message = gpsd plugin" \
  "plugin: OKAY hab GLONASS used again after %s s"
diag "recovery->OKAY: fix_mode $dt5 s, GLONASS $SCEN_DT s"
sleep 2
is "$(notifications_matching 'severity = (WARNING|FAILURE).*plugin_instance = garmin,')" 0 \
  "nothing for garmin, replayed alongside"
scen_stop
it_end
