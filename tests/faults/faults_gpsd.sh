#!/bin/bash
# Fault injection, gpsd plugin, real collectd against a real gpsd (reading a
# live network receiver, gpsd_feed.py re-stamping a real log): gpsd is
# killed (SIGKILL) and restarted; a second <Server> points at a "gpsd" that
# accepts the connection and never answers (a python listener).
# Checks: collectd survives, the live server keeps going next to the silent
# one, reads (snapshot copies) stay within their bound, rows are NaN while
# gpsd is down and for the silent server, each outage is logged once, and
# fresh values return within two intervals of the reader reconnecting.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/../lib/faults.sh"
it_begin faults_gpsd
fl_no_valgrind
gpsd_require
GPSD=$(command -v gpsd || echo /usr/sbin/gpsd)
read -r F1 PORT <<<"$(free_ports 2 | tr "\n" " ")"

python3 "$TOP_SRCDIR/tests/integration/gpsd_feed.py" $F1 \
  "$TOP_SRCDIR/tests/data/gpsd/hab-gpspi.log" 0.050 "$T/feed.ready" >"$T/feed.log" 2>&1 &
it_track_pid $!
for _ in $(seq 50); do [ -f "$T/feed.ready" ] && break; sleep 0.1; done
start_gpsd() {
  "$GPSD" -N -n -b -S $PORT -F "$T/gpsd.sock" "tcp://127.0.0.1:$F1" >>"$T/gpsd.log" 2>&1 &
  GD=$!
  it_track_pid "$GD"
}
start_gpsd
# The silent "gpsd": accepts, reads the WATCH request, never answers.
python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write("%d\n" % s.getsockname()[1])
conns = []
while True:
    c, _ = s.accept(); conns.append(c)' "$T/silent.port" &
it_track_pid $!
for _ in $(seq 50); do [ -s "$T/silent.port" ] && break; sleep 0.1; done

collectd_start "LoadPlugin gpsd
<Plugin gpsd>
  <Server \"live\">
    Host \"127.0.0.1\"
    Port $PORT
    MaxAge 3
    ReconnectInterval 2
    <Receiver \"hab\">
      Device \"tcp://127.0.0.1:$F1\"
    </Receiver>
  </Server>
  <Server \"silent\">
    Host \"127.0.0.1\"
    Port $(cat "$T/silent.port")
    MaxAge 3
    <Receiver \"mute\">
      Device \"/dev/ttyS0\"
    </Receiver>
  </Server>
</Plugin>"

M=gpsd-hab/satellites-glonass_used
fl_wait_fresh $M 0 30 >/dev/null
ok $? "collectd reads the live receiver"
sleep 3

fl_outage 6 fl_kill "$GD"
start_gpsd
# "the peer is back" = gpsd accepts connections again
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1).close()" 2>/dev/null && break
  sleep 0.1
done
t_up=$(fl_now)
# The reader reconnects with its own back-off (1, 2 s: ReconnectInterval 2),
# then gpsd needs its first report from the receiver (up to 1 s).
fl_check_recovery "gpsd back" $M "$t_up" gpsd/live "$(fl_logline)" 1 3
fl_check_outage "gpsd killed" "$(fl_csv $M)" "$FL_DOWN_T" "$FL_END_T"
is "$(fl_log_count "$FL_DOWN_L" 'gpsd plugin: Server "live": lost the connection' "$FL_END_L")" 1 \
  "gpsd killed: 'lost the connection' logged once"
is "$(fl_log_count "$FL_DOWN_L" 'gpsd plugin: Server "live"' "$FL_END_L")" 1 \
  "gpsd killed: no other line about it during the outage"
is "$(fl_log_count "$FL_END_L" 'Server "live": connected to gpsd .* again')" 1 "reconnection logged once"

f=$(fl_csv gpsd-mute/satellites-gps_used)
read -r nums nans < <(fl_between "$f" 0 1e12)
ok "$([ -n "$f" ] && [ "$nums" -eq 0 ] && [ "$nans" -ge 10 ] && echo 0 || echo 1)" \
  "silent gpsd: $nans rows for its receiver, all NaN"
is "$(fl_log_count 1 'Server "silent": gpsd at .* has sent nothing')" 1 "silent gpsd: logged once"
is "$(fl_log_count 1 'Server "silent"')" 2 "silent gpsd: 'connected' + 'sent nothing', nothing else"
fl_check_alive "live server read next to the silent one" $M "$t_up" "$(fl_now)" 1
fl_collectd_alive
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
fl_check_bound gpsd/live 0.1 "gpsd killed/restarted"
fl_check_bound gpsd/silent 0.1 "gpsd silent"
is "$(grep -c 'more than its bound' "$T/collectd.log")" 0 "no read over its bound was logged"
it_end
