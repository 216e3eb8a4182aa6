# shellcheck shell=bash
# scenario.sh - the steps the scenarios (tests/scenarios/*.sh) repeat.
# Source after tests/lib/collectd.sh (and peers.sh for the gpsd and NTP
# helpers).  A scenario is a row of phases: a phase begins (scen_phase),
# a fault is injected or removed, and the notifications it must raise are
# waited for, each one a TAP line with its delay.
#
#   scen_phase [T0]          a phase begins: notifications logged from now
#                            on are its own; delays are measured from T0
#                            (s, scen_now; default now), kept in SCEN_T0
#   scen_expect SECS RE DESC [LABEL]  wait at most SECS s for the phase's
#                            first notification matching RE; one TAP line
#                            DESC, its "%s" replaced by the delay (s since
#                            SCEN_T0, or "timeout"); with LABEL also the
#                            "fault->notification" line (scen_fault_time).
#                            The delay is left in SCEN_DT
#   scen_within LO HI VALUE  0 if VALUE is a number in LO..HI
#   scen_run_start SERIES COND  s from SCEN_T0 to the first row of the last
#                            unbroken run of SERIES rows meeting the awk COND
#                            (on $2, the value; a NaN row breaks the run)
#                            up to the notification (SCEN_DT): when the
#                            plugin last began to see the fault; empty if
#                            it never did
#   scen_latency LO HI SERIES DESC [IV]  one TAP line DESC: SCEN_DT in
#                            LO..HI, HI widened by csv_stall SERIES SCEN_T0
#                            IV (a loaded host that starves collectd is not
#                            the plugin's latency; a diagnostic line says so)
#   scen_held SERIES COND HOLD DESC  one TAP line DESC: the notification
#                            (SCEN_DT) came HOLD s after the plugin began to
#                            see the fault (scen_run_start SERIES COND), not
#                            before, within 2 intervals (scen_latency on
#                            SERIES); a diagnostic line gives that start
#   scen_messages RE         the messages of the notifications matching RE,
#                            one diagnostic line each
#   scen_fake_gpsd DEVICE [PAUSE [NOFIX]]  tests/lib/fake_gpsd.py serving
#                            one receiver DEVICE; its port in GPORT
#   scen_fake_gpsd_conf [PLUGIN-LINES]  the gpsd plugin reading it: <Server
#                            "fake"> (MaxAge 3), <Receiver "gnss"> on DEVICE
#   scen_ntp_site_healthy MINSOURCES SETTLE  collectd with the ntp plugin
#                            reading the client chronyd ($CS) as <Server
#                            "site">; once it counts 4 usable sources and
#                            SETTLE s later, two TAP lines: 4 sources, silent
#   scen_ntp_wait_candidates N SECS  until the plugin counts N usable sources
#   scen_stop                the end: collectd's log is clean and it stops
#                            cleanly (two TAP lines)

scen_phase() {
  SCEN_T0=${1:-$(scen_now)}
  SCEN_LINE=$({ wc -l <"$T/collectd.log"; } 2>/dev/null || echo 0)
}

scen_expect() {
  local base rc
  base=$(head -n "$SCEN_LINE" "$T/collectd.log" 2>/dev/null | grep -cE "Notification: .*$2")
  SCEN_DT=$(scen_wait_note "$2" "$1" "$SCEN_T0" "$base")
  rc=$?
  ok $rc "${3//%s/$SCEN_DT}"
  [ -z "${4:-}" ] || scen_fault_time "$4" "$SCEN_DT"
  return $rc
}

scen_within() { awk -v l="$1" -v h="$2" -v v="$3" 'BEGIN { exit !(v == v + 0 && v >= l && v <= h) }'; }

scen_run_start() {
  csv_cat "$1" | awk -F, -v t0="$SCEN_T0" -v dt="${SCEN_DT:-1e9}" '
    $1 + 0 >= t0 && $1 + 0 <= t0 + dt + 0.5 {
      if ($2 !~ /nan/ && ('"$2"')) { if (s == "") s = $1 } else s = "" }
    END { if (s != "") printf "%.1f", s - t0 }'
}

scen_held() {
  local seen
  seen=$(scen_run_start "$1" "$2")
  diag "the plugin sees the fault from ${seen:-never} s on ($1 rows meeting $2)"
  seen=${seen:-1e9}
  scen_latency "$(awk -v s="$seen" -v h="$3" 'BEGIN { print s + h - 1 }')" \
    "$(awk -v s="$seen" -v h="$3" 'BEGIN { print s + h + 2 }')" "$1" "$4"
}

scen_latency() {
  local stall hi
  stall=$(csv_stall "$3" "$SCEN_T0" "${5:-1}")
  hi=$(awk -v h="$2" -v s="$stall" 'BEGIN { print h + s }')
  awk -v s="$stall" 'BEGIN { exit !(s >= 0.5) }' &&
    diag "collectd's reads stalled up to $stall s in this phase (gaps in $3): the bound is $hi s"
  scen_within "$1" "$hi" "$SCEN_DT"
  ok $? "$4"
}

scen_messages() { grep -E "Notification: .*$1" "$T/collectd.log" | sed 's/^.*message = /# /'; }

scen_fake_gpsd() {
  SCEN_FAKE_DEVICE=$1
  python3 "$TOP_SRCDIR/tests/lib/fake_gpsd.py" "$T/gpsd.port" "$@" &
  it_track_pid $!
  for _ in $(seq 50); do [ -f "$T/gpsd.port" ] && break; sleep 0.1; done
  GPORT=$(cat "$T/gpsd.port")
}

scen_fake_gpsd_conf() {
  conf_fill gpsd_fake PORT="$GPORT" MAXAGE=3 PLUGIN="${1:-}" SERVER="    <Receiver \"gnss\">
      Device \"$SCEN_FAKE_DEVICE\"
    </Receiver>"
}

scen_ntp_wait_candidates() {
  for _ in $(seq $(($2 * 2))); do
    [ "$(scen_ntp_val site/count-candidates)" = "$1" ] && return 0
    sleep 0.5
  done
  return 1
}

scen_ntp_site_healthy() {
  scen_collectd_start "LoadPlugin ntp
<Plugin ntp>
  <Server \"site\">
    Protocol \"chrony\"
    Socket \"$CS\"
    MinSources $1
  </Server>
</Plugin>"
  scen_ntp_wait_candidates 4 15
  sleep "$2"
  is "$(scen_ntp_val site/count-candidates)" 4 "healthy: plugin counts 4 usable sources"
  is "$(scen_notes_at_least WARNING)" 0 "healthy: no notification at WARNING or above"
}

scen_stop() {
  collectd_log_clean
  collectd_stop
  ok $? "collectd stops cleanly"
}
