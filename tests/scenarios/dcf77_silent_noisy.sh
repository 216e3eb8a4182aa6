#!/bin/bash
# Scenario S5: a DCF77 receiver unplugged, another one noisy.
# In a private network namespace, real NTPsec 1.2.2 (without CAP_SYS_TIME)
# runs two PARSE refclocks (refclock generic subtype 19, raw DCF77, poll
# 16 s) on ptys fed by tests/integration/dcf77_feed.py (one character a
# second at second + 0.425 s, like a mouseCLOCK USB v2.0).  collectd runs
# the dcf77 plugin (<Ntpd "u0">, <Ntpd "u1">) with the shipped
# examples/thresholds.conf.  Once NTPsec decodes both (about 2 minutes:
# one partial minute, one telegram it skips, one it accepts):
#   u0: the feed stops (receiver unplugged).  NTPsec keeps *NOMINAL (rawdcf
#       has no poll): only reach shows it.  Expected: the plugin's FAILURE
#       "not receiving" naming the reach register, the thresholds.conf
#       bool-receiving FAILURE; clock status stays 0.
#   u1: the feed sends garbage (noise on the line).  Expected: BAD FORMAT
#       (clock_state-status 2): the plugin's WARNING "clock status 2 (bad
#       format)" and the thresholds.conf clock status WARNING (Hits 6).
# What is simulated: the radio and the receiver (the pty is the seam, as in
# tests/integration/dcf77_ntpsec.sh).  About 3.5-4 minutes, most of it NTPsec's
# acquisition (it cannot be shortened: it needs two whole minutes).
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/../lib/scenario.sh"
scen_netns "$@"
it_begin dcf77_silent_noisy
ntpd_dcf77_require

dcf77_feed_start "$T/feed.ready" "$T/feed.log" "$T/dcf77-0:0.425" "$T/dcf77-1:0.425"
ok $? "feeder made two ptys"

ntpd_dcf77_up

scen_collectd_start "$(dcf77_ntpd_conf 90)"
val() { local f; f=$(csv_wait "dcf77-$1/$2-*" 5) && csv_last "$f"; }
wait_for() { # INST METRIC AWK-CONDITION(on v) SECS
  local v
  for _ in $(seq "$4"); do
    v=$(val "$1" "$2")
    [ -n "$v" ] && awk -v v="$v" "BEGIN { exit !($3) }" && return 0
    sleep 1
  done
  return 1
}

# ---- healthy: both receiving (NTPsec decoded a time code and polled it)
t_start=$(scen_now)
wait_for u0 bool-receiving 'v == 1' 260 && wait_for u1 bool-receiving 'v == 1' 30 &&
  wait_for u0 clock_state-status 'v == 0' 10 && wait_for u1 clock_state-status 'v == 0' 10
ok $? "healthy: u0 and u1 receiving with clock status 0 ($(awk -v a="$(scen_now)" -v b="$t_start" 'BEGIN { printf "%.0f", a - b }') s after start)"
# The acquisition after ntpd's start (no time code yet, reach 0, the
# partial first minute in BAD FORMAT) is reported once, and must clear.
for u in u0 u1; do
  n=$(notifications_matching "severity = FAILURE, .*plugin_instance = $u, type = bool, type_instance = receiving, message = dcf77 plugin")
  is "$n" 1 "start-up: $u reported 'not receiving' once while NTPsec acquires"
  scen_wait_note "severity = OKAY, .*plugin_instance = $u, type = bool, type_instance = receiving, message = dcf77 plugin: .*receiving\\." 30 0 >/dev/null
  ok $? "start-up: ... and 'receiving' (OKAY) once it decodes"
done
grep -E 'severity = (WARNING|FAILURE)' "$T/collectd.log" | sed 's/^.*plugin_instance = /# start-up: /; s/, message = Host.*currently/: /; s/That is.*//' | head -n 8
base=$(scen_notes_at_least WARNING)
# NTPsec judges a whole minute: garbage sent from second 40 on shows at
# that minute's end.  Stay healthy (at least 5 s) until then.
sleep 5
s=$(date -u +%S)
s=${s#0}
[ "$s" -lt 40 ] && sleep $((40 - s))
[ "$s" -gt 52 ] && sleep $((100 - s))
is "$(($(scen_notes_at_least WARNING) - base))" 0 "healthy: no new notification at WARNING or above"

# ---- faults: u0 unplugged, u1 noisy
R0="severity = FAILURE, .*plugin = dcf77, plugin_instance = u0, type = bool, type_instance = receiving, message = dcf77 plugin: .*not receiving"
R0T="severity = FAILURE, .*plugin = dcf77, plugin_instance = u0, type = bool, type_instance = receiving, message = Host .*below the failure threshold"
B1="severity = WARNING, .*plugin = dcf77, plugin_instance = u1, type = clock_state, type_instance = status, message = dcf77 plugin: .*clock status 2"
B1T="severity = WARNING, .*plugin = dcf77, plugin_instance = u1, type = clock_state, type_instance = status, message = Host .*above the warning threshold"
bs0=$(notifications_matching 'severity = (WARNING|FAILURE).*plugin_instance = u0, type = clock_state')
scen_phase
touch "$T/dcf77-0.pause" "$T/dcf77-1.garbage"
scen_expect 90 "$R0" "u0 unplugged: the plugin's FAILURE 'not receiving' after %s s" \
  "dcf77 plugin 'not receiving' FAILURE (u0 silent, poll 16 s)"
scen_messages "$R0" | tail -n 1
scen_expect 90 "$R0T" "u0 unplugged: thresholds.conf bool-receiving FAILURE after %s s (Hits 3)" \
  "thresholds.conf bool-receiving FAILURE (u0)"
scen_expect 120 "$B1" "u1 noisy: the plugin's WARNING 'clock status 2 (bad format)' after %s s" \
  "dcf77 plugin clock status 2 WARNING (u1 garbage)"
scen_messages "$B1" | tail -n 1
scen_expect 60 "$B1T" "u1 noisy: thresholds.conf clock status WARNING after %s s (Hits 6)" \
  "thresholds.conf clock_state-status WARNING (u1)"

# the right state for each
is "$(val u1 clock_state-status)" 2.000000 "u1: clock_state-status = 2 (bad format)"
is "$(val u1 clock_state-current)" 2.000000 "u1: current state *BAD FORMAT"
is "$(val u0 bool-receiving)" 0.000000 "u0: bool-receiving = 0"
is "$(val u0 clock_state-current)" 0.000000 "u0: NTPsec still says *NOMINAL (only reach shows the silence)"
ok "$(awk -v r="$(val u0 clock_reachability-reach)" 'BEGIN { exit !(r < 255 && r % 2 == 0) }'; echo $?)" \
  "u0: reach register dropping, last poll empty ($(val u0 clock_reachability-reach))"
is "$(($(notifications_matching 'severity = (WARNING|FAILURE).*plugin_instance = u0, type = clock_state') - bs0))" 0 \
  "u0: no clock status notification (the status is really still ok)"
scen_stop
it_end
