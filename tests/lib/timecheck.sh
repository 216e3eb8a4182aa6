# timecheck.sh - the setup shared by the timecheck scenarios
# (tests/scenarios/leap_disagree.sh, leapfile_expiring.sh,
# sources_disagree.sh).  Sourced after tests/lib/collectd.sh.
# Inputs, all real dispatches into the real collectd:
#  - the pps plugin on a sysfs fixture (pps_writer.py: edges 1.5 ms after
#    the second, 10 us jitter): time_offset-edge_mean = +1.5 ms;
#  - a feeder that PUTVALs through the unixsock plugin, once every 0.5 s,
#    the values the ntp, dcf77 and gpsd plugins dispatch:
#    ntp/clock_state-leap (0), dcf77-rx/bool-leap_announced (from $T/a2)
#    and gpsd-gps/time_offset-toff (from $T/toff, s, reference - system);
#  - the leap file written by tc_leapfile DAYS (#@ expiry now + DAYS).
# What is simulated: the ntp/dcf77/gpsd values (the real daemons' values
# reach timecheck the same way, through collectd's write path; the dcf77
# plugin trusts a telegram only after 2 consecutive minutes, so a pty feed
# would make each scenario 5 minutes long); the kernel's PPS (docs/pps.md).

tc_leapfile() {
  local ntp_now=$(($(date -u +%s) + 2208988800))
  cat >"$T/leap-seconds.list" <<LEAP
#	leap-seconds.list written by tests/lib/timecheck.sh
#\$	3676924800
#@	$((ntp_now + $1 * 86400))
2272060800	10	# 1 Jan 1972
2287785600	11	# 1 Jul 1972
2303683200	12	# 1 Jan 1973
LEAP
}

tc_pps_start() {
  local dev=$T/sys/class/pps/pps0
  mkdir -p "$dev"
  printf '0.000000000#0\n' >"$dev/assert"
  printf '0.000000000#0\n' >"$dev/clear"
  printf 'pps-gpio.-1\n' >"$dev/name"
  printf '\n' >"$dev/path"
  python3 "$TOP_SRCDIR/tests/integration/pps_writer.py" "$dev" --log "$T/writer.log" \
    --offset 0.0015 --sigma 0.00001 --seed 8 &
  it_track_pid $!
}

tc_feeder() {
  local s="$T/collectd.sock"
  while :; do
    collectdctl -s "$s" putval "$CD_HOST/ntp/clock_state-leap" N:0 >/dev/null 2>&1
    collectdctl -s "$s" putval "$CD_HOST/dcf77-rx/bool-leap_announced" "N:$(cat "$T/a2")" >/dev/null 2>&1
    collectdctl -s "$s" putval "$CD_HOST/gpsd-gps/time_offset-toff" "N:$(cat "$T/toff")" >/dev/null 2>&1
    sleep 0.5
  done
}

# tc_start LEAPHOLD HOLD: pps, the feeder, collectd with the pps and
# timecheck plugins and the shipped thresholds.conf.
tc_start() {
  command -v python3 >/dev/null || skip_all "python3 not installed"
  command -v collectdctl >/dev/null || skip_all "collectdctl not installed"
  echo 0 >"$T/a2"
  echo -0.0015 >"$T/toff"
  [ -f "$T/leap-seconds.list" ] || tc_leapfile 400
  tc_pps_start
  scen_collectd_start "LoadPlugin pps
<Plugin pps>
  SysfsRoot \"$T/sys\"
  Discover true
  PollInterval 0.05
</Plugin>
LoadPlugin timecheck
<Plugin timecheck>
  LeapFile \"$T/leap-seconds.list\"
  LeapHold $1
  MaxAge 5
  MaxApart 0.01
  SpreadFactor 5
  Hold $2
  <LeapVoter \"ntp\">
    Value \"ntp/clock_state-leap\"
  </LeapVoter>
  <LeapVoter \"dcf77\">
    Value \"dcf77-rx/bool-leap_announced\"
    Window 3600
  </LeapVoter>
  <Source \"pps\">
    Value \"pps-pps0/time_offset-edge_mean\"
    Negate true
  </Source>
  <Source \"gps\">
    Value \"gpsd-gps/time_offset-toff\"
  </Source>
</Plugin>"
  tc_feeder &
  it_track_pid $!
  csv_wait 'timecheck/time_offset-pps_vs_gps-*' 20 >/dev/null
  ok $? "collectd writes timecheck/time_offset-pps_vs_gps"
}

tc_val() { local f; f=$(csv_wait "timecheck/$1-*" 5) && csv_last "$f"; }

# tc_wait_pps: until the pair has a number (the pps plugin needs a few
# pulses after discovery; up to 20 s on a loaded machine).
tc_wait_pps() {
  for _ in $(seq 40); do
    [ "$(tc_val time_offset-pps_vs_gps)" != nan ] && return 0
    sleep 0.5
  done
  return 1
}

# tc_alerts: WARNING/FAILURE notifications from timecheck and its rules
# (the pps plugin's own start-up notifications are not this scenario's).
tc_alerts() { notifications_matching 'severity = (WARNING|FAILURE), .*plugin = timecheck'; }

# tc_healthy: nothing at WARNING or above from timecheck or its rules.
tc_healthy() {
  is "$(notifications_matching 'severity = (WARNING|FAILURE).*plugin = timecheck')" 0 \
    "$1: no timecheck notification at WARNING or above"
}
