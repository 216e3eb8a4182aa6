#!/bin/bash
# gpsd plugin in the real collectd daemon against real gpsd: gpsfake (which
# starts its own gpsd) replays three real receiver logs at once, so one gpsd
# has three devices: hab-gpspi.log (GPS+GLONASS NTP board, configured with
# the alias "hab"), garmin15x.log (GPS only) and furuno_gl_ga.log
# (SBAS+GLONASS+Galileo, SKY in parts every cycle), both unconfigured.
# Expected satellites per constellation come from the NMEA sentences
# (gpsd_expect.py log); fix mode, DOPs and TOFF from gpspipe -w -P watching
# the same gpsd; the values checked are what collectd wrote to csv.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
it_begin gpsd
need gpsfake gpspipe python3
X="python3 $TOP_SRCDIR/tests/integration/gpsd_expect.py"
D="$TOP_SRCDIR/tests/data/gpsd"
PORT=$(free_port)

# 0.1 s between sentences (a 1 s epoch of hab-gpspi takes ~1.3 s).
gpsfake_start $PORT 0.1 "$D/hab-gpspi.log" "$D/garmin15x.log" "$D/furuno_gl_ga.log"
GD=$GPSFAKE_GPSD
ok "$([ -n "$GD" ] && echo 0 || echo 1)" "gpsfake started gpsd (pid ${GD:-none}) on port $PORT"

# MaxAge 8: gpsfake's pace is not real time and gpsd sends no TOFF while a
# looping log's time repeats, so reports come irregularly here (staleness
# is tested in gpsd_restart.sh with real-time feeds).
# The same gpsd, watched by gpspipe (TOFF needs "pps":true: -P) for the
# whole run; its first reports tell which pty is which log (by the
# constellations in their SKY reports).
gpspipe -w -P "localhost:$PORT" >"$T/pipe.json" 2>/dev/null &
it_track_pid $!
HAB= GARMIN= FURUNO=
for _ in $(seq 40); do
  while read -r dev gnss; do
    case ",$gnss," in
    *,2,*) FURUNO=$dev ;;
    *,6,*) HAB=$dev ;;
    ",0,") GARMIN=$dev ;;
    esac
  done < <($X devices "$T/pipe.json")
  [ -n "$HAB" ] && [ -n "$GARMIN" ] && [ -n "$FURUNO" ] && break
  sleep 0.5
done
diag "hab=$HAB garmin=$GARMIN furuno=$FURUNO"
ok "$([ -n "$HAB" ] && [ -n "$GARMIN" ] && [ -n "$FURUNO" ] && echo 0 || echo 1)" \
  "gpsd reports three devices"
name() { echo "$1" | sed 's|^/dev/||; s|[^A-Za-z0-9.-]|_|g'; }
GN=$(name "$GARMIN")
FN=$(name "$FURUNO")

collectd_start "LoadPlugin gpsd
<Plugin gpsd>
  Reference \"hab\"
  <Server \"fake\">
    Host \"127.0.0.1\"
    Port $PORT
    MaxAge 8
    <Receiver \"hab\">
      Device \"$HAB\"
    </Receiver>
  </Server>
</Plugin>"
csv_wait 'gpsd-hab/satellites-glonass_visible-*' 20 >/dev/null
ok $? "collectd wrote gpsd-hab/satellites-glonass_visible"
csv_wait "gpsd-$FN/satellites-galileo_visible-*" 10 >/dev/null
ok $? "collectd wrote gpsd-$FN (unconfigured receiver, named after its device)"
sleep 12
collectd_stop
csvf() { ls "$T/csv/$CD_HOST/gpsd-$1/$2"-* 2>/dev/null | head -n 1; }

# Per-constellation values against the sentences of each log.
check_log() { # INSTANCE LOG METRIC...
  local inst=$1 log=$2 m vals f
  shift 2
  $X log "$D/$log" >"$T/expect-$inst.txt"
  for m in "$@"; do
    vals=$(awk -v m="$m" '$1 == m {print $2}' "$T/expect-$inst.txt")
    f=$(csvf "$inst" "$m")
    $X check "$f" "$vals" 1e-6
    ok $? "$inst $m in {$vals} (from $log) in every csv row"
  done
}
check_log hab hab-gpspi.log satellites-gps_visible satellites-gps_used \
  satellites-sbas_visible satellites-sbas_used satellites-glonass_visible \
  satellites-glonass_used satellites-galileo_visible satellites-total_visible \
  satellites-total_used snr-gps_used_mean snr-gps_used_max \
  snr-glonass_used_mean snr-glonass_used_max snr-total_used_mean
check_log "$GN" garmin15x.log satellites-gps_visible satellites-gps_used \
  satellites-glonass_visible satellites-total_visible snr-gps_used_mean \
  snr-gps_used_max
# furuno: visible counts only.  Its Galileo $GNGSA (system id 3) is not
# attributed to Galileo by gpsd 3.22 (see the note in the log header).
check_log "$FN" furuno_gl_ga.log satellites-galileo_visible \
  satellites-glonass_visible satellites-sbas_visible satellites-total_visible \
  satellites-glonass_used

# No 0-satellite dips.  gpsd sends a SKY without Galileo before the complete
# one in every furuno cycle (and hab's first SKY lacks GLONASS).
for pair in "hab:$HAB:glonass" "$FN:$FURUNO:galileo"; do
  IFS=: read -r inst dev gnss <<<"$pair"
  $X gpspipe "$T/pipe.json" "$dev" >"$T/ref-$inst.txt"
  np=$(awk '$1 == "partial_skies" {print $2}' "$T/ref-$inst.txt")
  zero=$(grep -c ',0\.000000$' "$(csvf "$inst" "satellites-${gnss}_visible")")
  diag "$inst: gpspipe saw $np partial SKY reports"
  is "$zero" 0 "$inst: collectd never got 0 $gnss satellites in view"
done
ok "$([ "${np:-0}" -ge 1 ] && echo 0 || echo 1)" "$FN: gpsd did send partial SKYs ($np), so the no-dip check above means something"

# Fix mode, DOPs and TOFF against gpspipe -w -P of the same gpsd.
$X gpspipe "$T/pipe.json" "$GARMIN" >"$T/ref-$GN.txt"
for inst in hab "$GN" "$FN"; do
  ref="$T/ref-$inst.txt"
  for m in gauge-fix_mode dilution_of_precision-horizontal \
    dilution_of_precision-vertical dilution_of_precision-position \
    dilution_of_precision-time dilution_of_precision-geometric; do
    vals=$(awk -v m="$m" '$1 == m {print $2}' "$ref")
    [ -z "$vals" ] && { diag "$inst: gpspipe shows no $m"; continue; }
    $X check "$(csvf "$inst" "$m")" "$vals" 1e-6
    ok $? "$inst $m in {$vals} (gpspipe, complete SKYs) in every csv row"
  done
  read -r _ lo hi < <(grep '^toff_range' "$ref")
  $X range "$(csvf "$inst" time_offset-toff)" "$(awk -v x="$lo" 'BEGIN{printf "%.9f", x-1}')" \
    "$(awk -v x="$hi" 'BEGIN{printf "%.9f", x+1}')"
  ok $? "$inst time_offset-toff within gpspipe's TOFF offsets [$lo, $hi] +- 1 s"
  nums=$($X between "$(csvf "$inst" time_offset-pps)" 0 1e12 | cut -d' ' -f1)
  is "$nums" 0 "$inst time_offset-pps is NaN in every row (gpsfake has no PPS)"
done
$X diff "$(csvf "$GN" time_offset-toff_vs_reference)" "$(csvf "$GN" time_offset-toff)" \
  "$(csvf hab time_offset-toff)" 1e-5
ok $? "$GN toff_vs_reference = toff($GN) - toff(hab) in every row"
nums=$($X between "$(csvf hab time_offset-toff_vs_reference)" 0 1e12 | cut -d' ' -f1)
is "$nums" 0 "the reference itself has no toff_vs_reference (NaN)"

# What the plugin reported for hab-gpspi.log (for the record).
summary=
for m in gps_visible gps_used sbas_visible sbas_used glonass_visible glonass_used \
  total_visible total_used; do
  summary="$summary $m=$(cut -d, -f2 "$(csvf hab satellites-$m)" | grep -v '^nan$\|value' | sort -u | tr '\n' '/' | sed 's/\.000000//g; s|/$||')"
done
diag "hab-gpspi.log through collectd:$summary"
for m in gps_used_mean gps_used_max glonass_used_mean glonass_used_max; do
  summary="$summary snr-$m=$(cut -d, -f2 "$(csvf hab snr-$m)" | grep -v '^nan$\|value' | sort -u | tr '\n' '/' | sed 's|/$||')"
done
diag "hab-gpspi.log SNR (dB-Hz): $(echo "$summary" | tr ' ' '\n' | grep snr | tr '\n' ' ')"

grep -q 'gpsd plugin: Server "fake": connected to gpsd' "$T/collectd.log"
ok $? "connection logged"
is "$(grep -c 'new receiver' "$T/collectd.log")" 2 "two unconfigured receivers announced once each"
collectd_log_clean
it_end
