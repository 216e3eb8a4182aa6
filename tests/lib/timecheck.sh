# timecheck.sh - the setup shared by the timecheck tests
# (tests/integration/timecheck.sh, tests/scenarios/leap_disagree.sh,
# leapfile_expiring.sh, sources_disagree.sh) and timecheck's config blocks
# (tc_block, also for tests/integration/dcf77_ntpsec.sh).  Sourced after
# tests/lib/collectd.sh; sources tests/lib/peers.sh.
# Inputs, all real dispatches into the real collectd:
#  - the pps plugin on a sysfs fixture (pps_writer.py: edges 1.5 ms after
#    the second, 10 us jitter): time_offset-edge_mean = +1.5 ms;
#  - a feeder that PUTVALs through the unixsock plugin, once every 0.5 s,
#    the values the ntp, dcf77 and gpsd plugins dispatch:
#    ntp/clock_state-leap (0), dcf77-rx/bool-leap_announced (from $T/a2)
#    and the second source's offset (tc_start: gpsd-gps/time_offset-toff)
#    from $T/toff (s, reference - system);
#  - the leap file written by tc_leapfile DAYS (#@ expiry now + DAYS).
# What is simulated: the ntp/dcf77/gpsd values (the real daemons' values
# reach timecheck the same way, through collectd's write path; the dcf77
# plugin trusts a telegram only after 2 consecutive minutes, so a pty feed
# would make each scenario 5 minutes long); the kernel's PPS (docs/pps.md).

declare -F pps_writer_start >/dev/null || . "$TOP_SRCDIR/tests/lib/peers.sh"

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

# tc_block KIND NAME VALUE [LINE...]: a timecheck <KIND NAME> block (KIND
# LeapVoter or Source) reading the collectd value VALUE, with LINEs in it.
tc_block() {
  local kind=$1
  printf '  <%s "%s">\n    Value "%s"\n' "$kind" "$2" "$3"
  shift 3
  [ $# -eq 0 ] || printf '    %s\n' "$@"
  printf '  </%s>\n' "$kind"
}

# tc_inputs SEED: the feeder's files (A2 0; the second source 1.5 ms
# behind: -0.0015 s) and the pps fixture with its writer (pps_writer.py,
# seed SEED); skips the test without python3 or collectdctl.
tc_inputs() {
  command -v python3 >/dev/null || skip_all "python3 not installed"
  command -v collectdctl >/dev/null || skip_all "collectdctl not installed"
  echo 0 >"$T/a2"
  echo -0.0015 >"$T/toff"
  pps_writer_start "$T/sys/class/pps/pps0" "$T/writer.log" \
    --offset 0.0015 --sigma 0.00001 --seed "$1"
}

# tc_feeder VALUE: ntp's leap (0), A2 from $T/a2 and VALUE (the second
# source) from $T/toff, every 0.5 s.
tc_feeder() {
  local s="$T/collectd.sock"
  while :; do
    collectdctl -s "$s" putval "$CD_HOST/ntp/clock_state-leap" N:0 >/dev/null 2>&1
    collectdctl -s "$s" putval "$CD_HOST/dcf77-rx/bool-leap_announced" "N:$(cat "$T/a2")" >/dev/null 2>&1
    collectdctl -s "$s" putval "$CD_HOST/$1" "N:$(cat "$T/toff")" >/dev/null 2>&1
    sleep 0.5
  done
}

# tc_collectd START LEAPHOLD HOLD NAME VALUE: START (collectd_start, or
# scen_collectd_start for the shipped thresholds.conf) with the pps plugin
# and timecheck (LeapHold LEAPHOLD s, Hold HOLD s; leap voters ntp, dcf77
# and the kernel; sources "pps", the negated edge mean, and NAME reading
# VALUE), then the feeder (its PID in TC_FEEDER).
tc_collectd() {
  "$1" "$(conf_fill pps_sysfs SYSFS="$T/sys" LINES="  PollInterval 0.05")
LoadPlugin timecheck
<Plugin timecheck>
  LeapFile \"$T/leap-seconds.list\"
  LeapHold $2
  MaxAge 5
  MaxApart 0.01
  SpreadFactor 5
  Hold $3
$(tc_block LeapVoter ntp ntp/clock_state-leap)
$(tc_block LeapVoter dcf77 dcf77-rx/bool-leap_announced "Window 3600")
$(tc_block Source pps pps-pps0/time_offset-edge_mean "Negate true")
$(tc_block Source "$4" "$5")
</Plugin>"
  tc_feeder "$5" &
  TC_FEEDER=$!
  it_track_pid $TC_FEEDER
}

# tc_start LEAPHOLD HOLD: the scenarios' setup: tc_inputs, the leap file
# (400 days unless written before), collectd with the shipped
# thresholds.conf and the second source "gps" (gpsd-gps/time_offset-toff).
tc_start() {
  tc_inputs 8
  [ -f "$T/leap-seconds.list" ] || tc_leapfile 400
  tc_collectd scen_collectd_start "$1" "$2" gps gpsd-gps/time_offset-toff
  csv_wait 'timecheck/time_offset-pps_vs_gps-*' 20 >/dev/null
  ok $? "collectd writes timecheck/time_offset-pps_vs_gps"
}

tc_val() { local f; f=$(csv_wait "timecheck/$1-*" 5) && csv_last "$f"; }

# tc_wait NAME VALUE SECS: until timecheck's NAME is VALUE (polled).
tc_wait() { local f; f=$(csv_wait "timecheck/$1-*" 5) && csv_until "$f" "$2" "$3"; }

# tc_first NAME COND: the time (s since the epoch) of the first row of
# timecheck's NAME whose value ($2) meets the awk COND; NaN rows never do.
tc_first() {
  csv_cat "timecheck/$1-*" | awk -F, '$1 + 0 > 0 && $2 !~ /nan/ && ('"$2"') { print $1; exit }'
}

# tc_wait_pps: until the pair has a number (the pps plugin needs a few
# pulses after discovery; up to 20 s on a loaded machine).
tc_wait_pps() {
  for _ in $(seq 40); do
    [ "$(tc_val time_offset-pps_vs_gps)" != nan ] && return 0
    sleep 0.5
  done
  return 1
}

# tc_alerts_are N: one TAP line: timecheck and its rules raised exactly N
# WARNING/FAILURE notifications in all.  Not counted: the pps plugin's own
# start-up notifications, and the threshold plugin's "has not been updated"
# FAILUREs, which collectd raises for every watched value when a loaded
# host stalls its loop (each named in a diagnostic line).
tc_alerts_are() {
  grep -E 'Notification: severity = FAILURE, .*plugin = timecheck, .*has not been updated for' "$T/collectd.log" |
    sed 's/^.*message = /# a stalled host, not timecheck: /'
  is "$(notifications_matching "$TC_ALERT")" "$1" "exactly $1 timecheck alerts in all (plugin + threshold)"
}
TC_ALERT='severity = (WARNING|FAILURE), .*plugin = timecheck, .*message = (timecheck plugin|Host )'

# tc_healthy: nothing at WARNING or above from timecheck or its rules (as
# tc_alerts_are counts them).
tc_healthy() { is "$(notifications_matching "$TC_ALERT")" 0 "$1: no timecheck notification at WARNING or above"; }
