#!/bin/bash
# gpsd plugin with a dual-band receiver, in the real collectd daemon against
# real gpsd: gpsfake replays zed-f9p-dualband.log (u-blox ZED-F9P style NMEA
# 4.11: every satellite once per signal, GPS L1 C/A + L2 CL, GLONASS L1 + L2,
# Galileo E1 + E5b, BeiDou B1I + B2I).  gpsd 3.22 lists each (gnssid, svid,
# sigid) in SKY; the plugin must count satellites, not signals.  Expected
# values come from the NMEA sentences (gpsd_expect.py log); the values
# checked are what collectd wrote to csv.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
it_begin gpsd_dualband
need gpsfake gpspipe python3
X="python3 $TOP_SRCDIR/tests/integration/gpsd_expect.py"
LOG="$TOP_SRCDIR/tests/data/gpsd/zed-f9p-dualband.log"
PORT=$(free_port)

# 0.03 s between sentences: one 20-sentence epoch takes ~0.6 s.
gpsfake_start $PORT 0.03 "$LOG"
GD=$GPSFAKE_GPSD
ok "$([ -n "$GD" ] && echo 0 || echo 1)" "gpsfake started gpsd (pid ${GD:-none}) on port $PORT"
gpspipe -w "localhost:$PORT" >"$T/pipe.json" 2>/dev/null &
it_track_pid $!

collectd_start "LoadPlugin gpsd
<Plugin gpsd>
  <Server \"fake\">
    Host \"127.0.0.1\"
    Port $PORT
    MaxAge 8
    ReportUnconfigured true
  </Server>
</Plugin>"
f=$(csv_wait 'gpsd-*/satellites-gps_visible-*' 20)
ok $? "collectd wrote satellites-gps_visible"
INST=$(basename "$(dirname "$f")" | sed 's/^gpsd-//')
sleep 10
collectd_stop
csvf() { ls "$T/csv/$CD_HOST/gpsd-$INST/$1"-* 2>/dev/null | head -n 1; }

# What gpsd itself says: one SKY entry per signal (the double count).
read -r nsat gps_used_sig < <(python3 - "$T/pipe.json" <<'PY'
import json, sys
last = None
for line in open(sys.argv[1]):
    try:
        o = json.loads(line)
    except ValueError:
        continue
    if o.get("class") == "SKY" and "satellites" in o:
        last = o
sats = last["satellites"] if last else []
print(len(sats), sum(1 for s in sats if s.get("gnssid") == 0 and s["used"]))
PY
)
diag "gpsd's last SKY: $nsat entries, $gps_used_sig GPS entries used"
ok "$([ "${gps_used_sig:-0}" -gt 5 ] && echo 0 || echo 1)" \
  "gpsd lists used GPS satellites once per signal ($gps_used_sig entries for 5 satellites)"

$X log "$LOG" >"$T/expect.txt"
check() { # METRIC [VALUES]: every csv row in VALUES (default: from the log)
  local m=$1 vals=${2:-}
  [ -z "$vals" ] && vals=$(awk -v m="$m" '$1 == m {print $2}' "$T/expect.txt")
  $X check "$(csvf "$m")" "$vals" 1e-6
  ok $? "$m in {$vals} in every csv row"
}
# Satellites, not signals; SNR per satellite = its strongest used signal
# (GPS PRN 12: 49 dB-Hz on L2, 47 on L1, so the max is 49 and the mean of
# 44 40 49 38 45 is 43.2).
for m in satellites-gps_visible satellites-gps_used satellites-glonass_visible \
  satellites-glonass_used satellites-galileo_visible satellites-beidou_visible \
  satellites-total_visible snr-gps_used_mean snr-gps_used_max \
  snr-glonass_used_mean snr-glonass_used_max; do
  check $m
done
is "$(awk '$1 == "satellites-gps_used" {print $2}' "$T/expect.txt")" 5 \
  "the log has 5 used GPS satellites"
is "$(awk '$1 == "snr-gps_used_max" {print $2}' "$T/expect.txt")" 49.0 \
  "the log's strongest used GPS signal is PRN 12 on L2 (49 dB-Hz)"
# Signals and bands.
for m in count-gps_signals_visible count-gps_signals_used \
  count-glonass_signals_visible count-glonass_signals_used \
  count-galileo_signals_visible count-beidou_signals_visible \
  count-gps_l1_visible count-gps_l2_visible count-gps_l5_visible \
  count-glonass_l1_visible count-glonass_l2_visible count-galileo_e1_visible \
  count-galileo_e5a_visible count-galileo_e5b_visible count-beidou_b1_visible; do
  check $m
done
# gpsd 3.22 turns NMEA 4.11 signal id B (BeiDou B2I) into sigid 0, B1I's
# (driver_nmea0183.c nmea_sigid_to_ubx), so B2 shows 0 satellites and B1
# has the two signals of 7 and 20; it also ignores the $GNGSA system id,
# so no Galileo/BeiDou satellite is used (their used counts are not checked).
check count-beidou_b2_visible 0

collectd_log_clean
it_end
