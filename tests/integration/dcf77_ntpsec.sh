#!/bin/bash
# dcf77 on the real collectd daemon, against the real NTPsec PARSE driver.
# Everything runs in a private network namespace (its own loopback and port
# 123); ntpd runs without CAP_SYS_TIME.  tests/integration/dcf77_feed.py
# simulates three raw DCF77 receivers on ptys (one character per second at
# second + 0.425 s, like a mouseCLOCK USB v2.0):
#   dcf77-0 -> ntpd "refclock generic unit 0 subtype 19" -> <Ntpd "u0">
#   dcf77-1 -> ntpd unit 1                                -> <Ntpd "u1">
#   rx      -> our own decoder                            -> <Receiver "rx">
# Phase 1: NTPsec reaches NOMINAL with a valid time code (2-3 min); our values
# must match ntpq's, and our decoder must trust the same time (offset ~0).
# dcf77-1 and rx send A2 (leap announcement) from the start, dcf77-0 not: the
# dcf77 plugin must report it (NTPsec libparse/clk_rawdcf.c: A2 -> "LEAP ADD
# WARNING"; our decoder: bit 19), and timecheck in the same collectd must
# count u1 and rx as disagreeing voters (A2 outside the last hour before a
# month boundary) and drop bool-leap_agree to 0 after LeapHold 5 s.
# Phase 2: dcf77-0 sends garbage (BAD FORMAT must show) and dcf77-1 goes silent
# (NTPsec keeps *NOMINAL; we must show "not receiving").  About 4 minutes.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/../lib/timecheck.sh"
# Quick local iterations only (CI never sets it): DCF77_SKIP_NTPSEC=1.
[ -n "${DCF77_SKIP_NTPSEC:-}" ] && skip_all "DCF77_SKIP_NTPSEC set"

if [ -z "${DCF77_IN_NETNS:-}" ]; then
  [ "$(id -u)" = 0 ] || skip_all "needs root (network namespace)"
  command -v unshare >/dev/null || skip_all "unshare (util-linux) missing"
  exec unshare -n env DCF77_IN_NETNS=1 "$0" "$@"
fi
ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null ||
  skip_all "cannot bring up loopback in the namespace (iproute2)"

it_begin dcf77_ntpsec
ntpd_dcf77_require

touch "$T/dcf77-1.a2" "$T/rx.a2"
dcf77_feed_start "$T/feed.ready" "$T/feed.log" "$T/dcf77-0:0.425" "$T/dcf77-1:0.425" \
  "$T/rx:0.425"
ok $? "feeder made three ptys"

# The leap file: no leap at the next month boundary, expiry 400 days ahead.
tc_leapfile 400
# Never the system clock: no CAP_SYS_TIME, checked before going on.
ntpd_dcf77_up

collectd_start "$(dcf77_ntpd_conf 30 "  <Receiver \"rx\">
    Device \"$T/rx\"
    Type \"mouseclock\"
    TrustAfter 2
  </Receiver>")
LoadPlugin timecheck
<Plugin timecheck>
  LeapFile \"$T/leap-seconds.list\"
  Kernel false
  LeapHold 5
$(for u in u0 u1 rx; do tc_block LeapVoter $u dcf77-$u/bool-leap_announced "Window 3600"; done)
</Plugin>"

cv() { ntpq -c raw -c "cv $1" 127.0.0.1 2>/dev/null | tr -d '\r\n'; }
assoc_of() { # assoc id of 127.127.8.$1
  local a
  for a in $(ntpq -c as 127.0.0.1 2>/dev/null | awk '$1 ~ /^[0-9]+$/ {print $2}'); do
    ntpq -c raw -c "rv $a srcadr" 127.0.0.1 2>/dev/null | tr -d '\r' |
      grep -qE "srcadr=127\.127\.8\.$1(,|\$)" &&
      { echo "$a"; return; }
  done
}
# val INST METRIC: INST u0, u1, rx (dcf77-INST) or timecheck
val() {
  local d=dcf77-$1 f
  [ "$1" = timecheck ] && d=timecheck
  f=$(csv_wait "$d/$2-*" 5) && csv_last "$f"
}
# wait_for INST METRIC AWK-CONDITION(on v) SECS
wait_for() {
  local v
  for _ in $(seq "$4"); do
    v=$(val "$1" "$2")
    [ -n "$v" ] && awk -v v="$v" "BEGIN { exit !($3) }" && { echo "$v"; return 0; }
    sleep 1
  done
  echo "$v"
  return 1
}

# ---- phase 1: NOMINAL and a valid time code
a0= a1=
for i in $(seq 60); do
  [ -z "$a0" ] && a0=$(assoc_of 0)
  [ -z "$a1" ] && a1=$(assoc_of 1)
  if [ -n "$a0" ] && [ -n "$a1" ] &&
     cv "$a0" | grep -q 'refclock_status="TIME CODE' &&
     cv "$a1" | grep -q 'refclock_status="[^"]*TIME CODE' &&
     cv "$a0" | grep -q '\*NOMINAL'; then
    break
  fi
  sleep 5
done
diag "NTPsec state after $((i * 5)) s: $(cv "$a0" | grep -o 'refclock_states="[^"]*"')"
cv "$a0" | grep -q 'refclock_status="TIME CODE'
ok $? "NTPsec decodes the feeder's telegrams (refclock_status TIME CODE)"

v=$(wait_for u0 bool-time_code 'v == 1' 20)
ok $? "u0: bool-time_code = 1 (got $v)"
v=$(wait_for u0 bool-receiving 'v == 1' 40)
ok $? "u0: bool-receiving = 1 once reach and refclock_time are fresh (got $v)"
ref=$(cv "$a0")
diag "ntpq cv $a0: $ref"
near "$(val u0 clock_state-status)" 0 0 "u0: clock_state-status = 0 (ok), as the READCLOCK status word"
near "$(val u0 clock_state-current)" 0 0 "u0: clock_state-current = 0 (*NOMINAL)"
pct=$(echo "$ref" | sed -n 's/.*NOMINAL: [0-9:d+]* (\([0-9.]*\)%).*/\1/p')
near "$(val u0 percent-state_nominal)" "$pct" 5 "u0: percent-state_nominal ~ ntpq's ($pct %)"
bf=$(echo "$ref" | sed -n 's/.*badformat=\([0-9]*\).*/\1/p')
near "$(val u0 total_events-badformat)" "$bf" 1 "u0: total_events-badformat = ntpq's badformat ($bf)"
rv=$(ntpq -c raw -c "rv $a0 offset,reach" 127.0.0.1 2>/dev/null | tr -d '\r\n')
off=$(echo "$rv" | sed -n 's/.*offset=\(-\{0,1\}[0-9.]*\).*/\1/p')
near "$(val u0 time_offset-offset)" "$(awk -v o="$off" 'BEGIN {print o / 1000}')" 0.005 \
  "u0: time_offset-offset = ntpq's offset in s ($off ms)"
reach=$(echo "$rv" | sed -n 's/.*reach=\(0x[0-9a-f]*\).*/\1/p')
ok "$(awk -v r="$(val u0 clock_reachability-reach)" 'BEGIN { exit !(r >= 1) }'; echo $?)" \
  "u0: clock_reachability-reach > 0 (ntpq $reach)"
age=$(val u0 clock_last_meas-timecode)
ok "$(awk -v a="$age" 'BEGIN { exit !(a >= -2 && a < 20) }'; echo $?)" \
  "u0: clock_last_meas-timecode fresh ($age s)"

# Our own decoder on the third pty: the same time, trusted, offset ~ 0.
v=$(wait_for rx bool-trusted 'v == 1' 150)
ok $? "rx: bool-trusted = 1 (TrustAfter 2) (got $v)"
near "$(val rx time_offset-offset)" 0 0.05 "rx: time_offset-offset ~ 0 s (feeder latency = Latency)"
ok "$(awk -v d="$(val rx total_events-decoded)" 'BEGIN { exit !(d >= 2) }'; echo $?)" \
  "rx: at least 2 minutes decoded"
near "$(val rx percent-valid_pulses)" 100 3 "rx: percent-valid_pulses ~ 100"
near "$(val rx total_events-rejected_parity)" 0 0 "rx: no parity rejects on a clean stream"
cest=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import dcf77_feed, time; print(1 if dcf77_feed.is_cest(int(time.time())) else 0)' \
  "$TOP_SRCDIR/tests/integration")
near "$(val rx bool-cest)" "$cest" 0 "rx: bool-cest = $cest (EU rule, from the feeder)"
dst=$(echo "$ref" | grep -c 'refclock_status="[^"(]*DST[;"]')
near "$(val u0 bool-cest)" "$dst" 0 "u0: bool-cest follows refclock_status DST ($dst)"

# A2 on dcf77-1 and rx only, through NTPsec and our decoder into timecheck.
cv "$a1" | grep -q 'refclock_status="[^"]*LEAP ADD WARNING'
ok $? "NTPsec reports A2 on dcf77-1: LEAP ADD WARNING ($(cv "$a1" | grep -o 'refclock_status="[^"]*"'))"
v=$(wait_for u1 bool-leap_announced 'v == 1' 20)
ok $? "u1: bool-leap_announced = 1 (A2 via NTPsec) (got $v)"
near "$(val u0 bool-leap_announced)" 0 0 "u0: bool-leap_announced = 0 (no A2)"
near "$(val rx bool-leap_announced)" 1 0 "rx: bool-leap_announced = 1 (A2 via our decoder)"
v=$(wait_for timecheck bool-leap_announced_u1 'v == 1' 20)
ok $? "timecheck: bool-leap_announced_u1 = 1 (got $v)"
near "$(val timecheck bool-leap_announced_rx)" 1 0 "timecheck: bool-leap_announced_rx = 1"
near "$(val timecheck bool-leap_announced_u0)" 0 0 "timecheck: bool-leap_announced_u0 = 0"
v=$(wait_for timecheck bool-leap_agree 'v == 0' 20)
ok $? "timecheck: bool-leap_agree = 0 (A2 outside the last hour, held 5 s) (got $v)"

# ---- phase 2: garbage on dcf77-0, silence on dcf77-1
touch "$T/dcf77-0.garbage" "$T/dcf77-1.pause"
v=$(wait_for u0 clock_state-status 'v == 2' 100)
ok $? "u0: garbage -> clock_state-status = 2 (bad format) (got $v)"
cv "$a0" | grep -q 'refclock_states="[^"]*\*BAD FORMAT'
ok $? "NTPsec agrees: *BAD FORMAT"
near "$(val u0 clock_state-current)" 2 0 "u0: clock_state-current = 2 (*BAD FORMAT)"
v=$(wait_for u1 bool-receiving 'v == 0' 60)
ok $? "u1: silent receiver -> bool-receiving = 0 (got $v)"
cv "$a1" | grep -q '\*NOMINAL'
ok $? "...although NTPsec still says *NOMINAL for it"
ok "$(awk -v a="$(val u1 clock_last_meas-timecode)" 'BEGIN { exit !(a > 30) }'; echo $?)" \
  "u1: clock_last_meas-timecode grows past MaxAge"
sleep 2
last_note() { grep -E "Notification: .*plugin_instance = $1, type = $2," "$T/collectd.log" | tail -n 1; }
last_note u1 "bool, type_instance = receiving" | grep -q 'severity = FAILURE.*not receiving'
ok $? "u1: the last 'receiving' notification is a FAILURE 'not receiving'"
last_note u0 "clock_state, type_instance = status" | grep -q 'severity = WARNING.*clock status 2'
ok $? "u0: the last clock status notification is a WARNING for status 2"
ok "$([ "$(notifications_matching 'severity = OKAY.*plugin_instance = u0.*clock status 0')" -ge 1 ] && echo 0 || echo 1)" \
  "u0: an OKAY notification when it reached status 0 before"
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
it_end
