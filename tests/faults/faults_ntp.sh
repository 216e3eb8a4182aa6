#!/bin/bash
# Fault injection, ntp plugin, real collectd against real daemons on
# loopback (never with CAP_SYS_TIME): NTPsec ntpd and chronyd -x are killed
# (SIGKILL) and restarted; two garbage responders (garbage_udp.py) answer
# mode 6 and chrony cmdmon requests with malformed datagrams the whole time.
# Checks per fault: collectd survives and keeps reading the other servers,
# reads stay within Timeout, rows are NaN while the daemon is down, the
# outage is logged once (c_complain), values return within two intervals
# (+ collectd's read back-off) of the daemon answering again.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/../lib/faults.sh"
it_begin faults_ntp
fl_no_valgrind
need ntpd ntpq ntptime setpriv python3
it_lock ntpd
kernel_before=$(ntp_kernel_state)
ntp_shm_start 6 0.0025 0.0002 1 >/dev/null
ntp_shm_start 7 -0.0015 0.0001 0.5 >/dev/null

cat >"$T/ntpd.conf" <<EOC
interface ignore all
interface listen 127.0.0.1
disable ntp
disable kernel
restrict default kod limited nomodify noquery
restrict 127.0.0.1
restrict ::1
refclock shm unit 6 refid GPS minpoll 3 maxpoll 3
EOC
ntpd_start "$T/ntpd.conf"
ok $? "NTPsec ntpd answers mode 6"
chronyd_shm_start 7
ok $? "chronyd -x runs"
CSOCK="$T/chrony/chronyd.sock"
for _ in $(seq 50); do [ -S "$CSOCK" ] && break; sleep 0.1; done

for g in g6 gc; do
  python3 "$TOP_SRCDIR/tests/faults/garbage_udp.py" "$T/$g.port" $RANDOM &
  it_track_pid $!
done
for _ in $(seq 50); do [ -s "$T/g6.port" ] && [ -s "$T/gc.port" ] && break; sleep 0.1; done

collectd_start "$(conf_fill ntp_local CSOCK="$CSOCK" NTPD_LINES="    Timeout 1" CHRONY_LINES="    Timeout 1" MORE="  <Server \"garbage6\">
    Protocol \"ntpd\"
    Host \"127.0.0.1\"
    Port $(cat "$T/g6.port")
    Timeout 0.5
  </Server>
  <Server \"garbagec\">
    Protocol \"chrony\"
    Host \"127.0.0.1\"
    Port $(cat "$T/gc.port")
    Timeout 0.5
  </Server>")"

N6=ntp-ntpsec/time_dispersion-root_dispersion
NC=ntp-chrony/time_dispersion-root_dispersion
fl_wait_fresh $N6 0 30 >/dev/null
ok $? "collectd reads ntpd"
fl_wait_fresh $NC 0 30 >/dev/null
ok $? "collectd reads chronyd"

# restarted DAEMON SERVER FILE OTHER OTHER-FILE: the checks once DAEMON
# (<Server SERVER>, csv FILE) answers again after fl_outage; OTHER (csv
# OTHER-FILE) was read all along.
restarted() {
  fl_check_recovery "$1 back" "$3" "$(fl_now)" "ntp/$2" "$(fl_logline)"
  fl_check_outage "$1" "$(fl_csv "$3")" "$FL_DOWN_T" "$FL_END_T"
  fl_check_alive "$4 still read while $1 is down" "$5" "$FL_DOWN_T" "$FL_END_T" 4
  fl_check_log_quiet "$1 outage" "ntp plugin: $2: no reading" "$FL_DOWN_L" "$FL_END_L" 6
  is "$(fl_log_count "$FL_END_L" "ntp plugin: $2: answering again")" 1 "$1 back: 'answering again' once"
}

# ---- ntpd: SIGKILL, 6 s down, restart ----
fl_outage 6 fl_kill "$NTPD_PID"
ntpd_start "$T/ntpd.conf"
ok $? "ntpd restarted and answers mode 6"
restarted ntpd ntpsec $N6 chronyd $NC

# ---- ntpd frozen (SIGSTOP) for 5 s: every read waits, at most Timeout ----
fl_outage 5 kill -STOP "$NTPD_PID"
kill -CONT "$NTPD_PID"
fl_check_recovery "ntpd thawed" $N6 "$FL_END_T" ntp/ntpsec "$(fl_logline)"
fl_check_outage "ntpd frozen" "$(fl_csv $N6)" "$FL_DOWN_T" "$FL_END_T"
fl_check_log_quiet "ntpd frozen" 'ntp plugin: ntpsec: no reading' "$FL_DOWN_L" "$FL_END_L" 5

# ---- chronyd: SIGKILL, 6 s down, restart ----
fl_outage 6 fl_kill "$CHRONYD_PID"
rm -f "$CSOCK"
chronyd_start "$T/chrony.conf"
for _ in $(seq 100); do [ -S "$CSOCK" ] && break; sleep 0.1; done
[ -S "$CSOCK" ]
ok $? "chronyd restarted (socket back)"
restarted chronyd chrony $NC ntpd $N6

# ---- the garbage responders, all along: NaN only ----
for g in garbage6 garbagec; do
  f=$(fl_csv "ntp-$g/time_dispersion-root_dispersion")
  read -r nums nans < <(fl_between "$f" 0 1e12)
  ok "$([ -n "$f" ] && [ "$nums" -eq 0 ] && [ "$nans" -ge 3 ] && echo 0 || echo 1)" \
    "$g (garbage answers): $nans rows, all NaN"
  n=$(fl_log_count 1 "ntp plugin: $g: no reading")
  ok "$([ "$n" -ge 1 ] && [ "$n" -le 7 ] && echo 0 || echo 1)" \
    "$g: $n error lines over the whole run (c_complain back-off)"
done
fl_collectd_alive
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
fl_check_bound ntp/ntpsec 1.0 "ntpd killed/restarted, frozen"
fl_check_bound ntp/chrony 1.0 "chronyd killed/restarted"
fl_check_bound ntp/garbage6 0.5 "garbage mode 6"
fl_check_bound ntp/garbagec 0.5 "garbage cmdmon"
is "$(grep -c 'more than its bound' "$T/collectd.log")" 0 "no read over its bound was logged"
kill "$CHRONYD_PID" "$NTPD_PID" 2>/dev/null
wait "$CHRONYD_PID" "$NTPD_PID" 2>/dev/null
is "$(ntp_kernel_state)" "$kernel_before" "kernel clock state unchanged"
it_end
