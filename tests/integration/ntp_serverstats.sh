#!/bin/bash
# ntp plugin: server statistics, poll and sample age, against REAL daemons
# on loopback, read by the real collectd daemon: NTPsec ntpd (127.0.0.1:123,
# an SHM refclock) and chronyd -x (its NTP server on a port derived from $$,
# an SHM refclock, commands on its Unix socket and on UDP).  A small NTP
# client sends a known number of requests to each; the plugin's counters
# (csv, StoreRates false: the raw counters) must move by exactly that many:
#   NTPsec  packets-current_version (ss_thisver_r: NTPv4 packets, mode 6
#           queries not counted), packets-old_version (NTPv3);
#   chronyd packets-received ("NTP packets received" of serverstats).
# Poll and sample age of the reachable refclocks must agree with
# ntpq/chronyc and be plausible (0 <= age < 2 * poll).  chronyd answers
# serverstats on its Unix socket only: over UDP the counters stay unknown.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
it_begin ntp_serverstats
need ntpd ntpq ntptime setpriv python3
it_lock ntpd # port 123 is machine-wide; units 6/7 are ntp.sh's (same lock)

kernel_before=$(ntp_kernel_state)
ntp_shm_start 6 0.0025 0.0002 1 >/dev/null
ntp_shm_start 7 -0.0015 0.0001 0.5 >/dev/null
ntpd_conf "$T/ntpd.conf" "refclock shm unit 6 refid GPS minpoll 3 maxpoll 3"
ntpd_start "$T/ntpd.conf"
ok $? "NTPsec ntpd runs without CAP_SYS_TIME and answers mode 6"

# cmdmon and chronyd's NTP server (UDP)
read -r CPORT NPORT <<<"$(free_udp_ports 2 | tr "\n" " ")"
chronyd_shm_start 7 "$CPORT" "$NPORT"
ok $? "chronyd -x runs without CAP_SYS_TIME"
chronyc() { "$CHRONYC" -h "$CSOCK" "$@"; }

collectd_start "$(conf_fill ntp_local CSOCK="$CSOCK" NTPD_LINES= CHRONY_LINES= MORE="  <Server \"chronyudp\">
    Protocol \"chrony\"
    Host \"127.0.0.1\"
    Port $CPORT
  </Server>")"

# client HOST PORT VERSION COUNT: COUNT mode 3 requests, one at a time,
# each answered (1 s); prints how many answers came back.
client() {
  python3 - "$@" <<'PY'
import socket, sys, time
host, port, vn, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
got = 0
for i in range(count):
    req = bytes([(vn << 3) | 3]) + bytes(39) + (i + 1).to_bytes(8, "big")
    s.sendto(req, (host, port))
    try:
        while True:
            rep = s.recv(1024)
            if len(rep) >= 48 and rep[24:32] == req[40:48]:
                got += 1
                break
    except socket.timeout:
        pass
print(got)
PY
}

num() { awk -v v="$1" 'BEGIN { if (v == "nan" || v == "") print "nan"; else printf "%.9g", v }'; }
# (the data source is "value", or "seconds" for type duration)
val() { num "$(getval "ntp-$1" | sed -n 's/^[a-z]*=//p')"; }
# in_range V LO HI: a number (not nan) with LO <= V < HI
in_range() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN {
  if (v == "nan" || v == "" || v + 0 != v) exit 1; exit !(v >= lo && v < hi) }'; }
# counter NAME-INSTANCE METRIC: the last raw value the csv plugin wrote
counter() {
  local f
  f=$(csv_wait "ntp-$1/$2-*" 15) || { echo missing; return; }
  csv_last "$f"
}
# settle NAME METRIC: wait until the counter's csv file got 2 rows timed
# after now (a reading after everything sent so far; up to 30 s, which a
# host that stalls collectd's reads may need), print its last value
settle() {
  local f
  f=$(csv_wait "ntp-$1/$2-*" 15) || { echo missing; return; }
  csv_reads "ntp-$1/$2-*" 2 30
  csv_last "$f"
}

# Both refclocks selected (samples flowing) before anything is measured.
for _ in $(seq 90); do
  [ "$(val 'ntpsec-SHM(6)/clock_state-selection')" = 6 ] &&
    [ "$(val chrony-GPS7/clock_state-selection)" = 6 ] && break
  sleep 1
done
is "$(val 'ntpsec-SHM(6)/clock_state-selection')" 6 "ntpd: SHM(6) is sys.peer"
is "$(val chrony-GPS7/clock_state-selection)" 6 "chrony: GPS7 is selected"

# ---- the counters move by exactly the requests sent ----
N4=25 N3=7 NC=23
a4=$(settle ntpsec packets-current_version)
a3=$(settle ntpsec packets-old_version)
ar=$(settle ntpsec packets-received)
ac=$(settle chrony packets-received)
diag "before: ntpsec thisver $a4 oldver $a3 received $ar; chrony received $ac"
is "$(client 127.0.0.1 123 4 $N4)" $N4 "NTPsec answered $N4 NTPv4 requests"
is "$(client 127.0.0.1 123 3 $N3)" $N3 "NTPsec answered $N3 NTPv3 requests"
is "$(client 127.0.0.1 $NPORT 4 $NC)" $NC "chronyd answered $NC NTPv4 requests"
b4=$(settle ntpsec packets-current_version)
b3=$(settle ntpsec packets-old_version)
br=$(settle ntpsec packets-received)
bc=$(settle chrony packets-received)
diag "after:  ntpsec thisver $b4 oldver $b3 received $br; chrony received $bc"
# delta A B: B - A, or "missing" unless both are counters
delta() { awk -v a="$1" -v b="$2" 'BEGIN {
  if (a !~ /^[0-9]+$/ || b !~ /^[0-9]+$/) print "missing"; else print b - a }'; }
is "$(delta "$a4" "$b4")" $N4 "ntpd packets-current_version moved by exactly $N4 ($a4 -> $b4)"
is "$(delta "$a3" "$b3")" $N3 "ntpd packets-old_version moved by exactly $N3 ($a3 -> $b3)"
dr=$(delta "$ar" "$br")
in_range "$dr" $((N4 + N3)) 100000
ok $? "ntpd packets-received moved by >= $((N4 + N3)) (+ mode 6 queries): $dr"
is "$(delta "$ac" "$bc")" $NC "chrony packets-received moved by exactly $NC ($ac -> $bc)"
srv=$(chronyc serverstats | awk -F: '/NTP packets received/ { gsub(/ /, "", $2); print $2 }')
near_any "$(counter chrony packets-received)" "$(settle chrony packets-received)" "$srv" 0
ok $? "chrony packets-received = chronyc serverstats 'NTP packets received' ($srv)"
cmd=$(counter chrony packets-command_received)
in_range "$cmd" 1 1e12
ok $? "chrony packets-command_received counts the plugin's queries ($cmd)"
is "$(counter chrony packets-interleaved)" 0 "chrony 4.3 (RPY_SERVER_STATS3) has packets-interleaved: 0"
is "$(ls "$T/csv/$CD_HOST/ntp-chronyudp" | grep -c '^packets-')" 0 \
  "chrony over UDP: serverstats unauthorised (PERMIT_AUTH), no packets-* dispatched"
up=$(val chronyudp-GPS7/duration-poll)
in_range "$up" 0.001 1e6 && [ "$up" = "$(val chrony-GPS7/duration-poll)" ]
ok $? "chrony over UDP: poll read all the same ($up s)"
for m in bad_format bad_auth declined restricted rate_limited kod_sent; do
  v=$(counter ntpsec "packets-$m")
  is "$v" 0 "ntpd packets-$m dispatched, 0 on a quiet loopback"
done
# uptime grows 1 s a second: compare at the value's own time (its csv row),
# not at ntpq's, since a stalled read loop leaves the last value seconds old
IFS=, read -r tup up < <(csv_cat 'ntp-ntpsec/uptime-*' | tail -n 1)
tu=$(ntpq -c "rv 0 ss_uptime" 127.0.0.1 | sed -n 's/.*ss_uptime=\([0-9]*\).*/\1/p')
tu_then=$(awk -v u="$tu" -v t="$tup" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", u - (n - t) }')
near "$up" "$tu_then" 3 "ntpd uptime = ss_uptime ($tu s now, $tu_then s at the row's time $tup)"

# ---- poll and sample age ----
assoc=$(ntpq -c as 127.0.0.1 | awk '$7 == "sys.peer" { print $2 }')
rv() { ntpq -c "rv $1 $2" 127.0.0.1 | tr -d '\n' | sed -n "s/.*$2=\\([^,]*\\).*/\\1/p"; }
is "$(val 'ntpsec-SHM(6)/duration-poll')" "$((1 << $(rv "$assoc" hpoll)))" "ntpd SHM(6) poll = 2^hpoll"
is "$(val 'ntpsec-SHM(6)/duration-peer_poll')" "$((1 << $(rv "$assoc" ppoll)))" "ntpd SHM(6) peer_poll = 2^ppoll"
r=1
for _ in 1 2 3 4 5; do
  age=$(val 'ntpsec-SHM(6)/duration-sample_age')
  if in_range "$age" 0 16; then r=0; break; fi
  sleep 1
done
ok $r "ntpd SHM(6) sample age $age s in [0, 2 * poll = 16 s)"
is "$(val chrony-GPS7/duration-poll)" \
  "$((1 << $(chronyc -c sources | awk -F, '$3 == "GPS7" { print $5 }')))" "chrony GPS7 poll = 2^Poll"
r=1
for _ in $(seq 20); do # the value is from the last read: seconds old if reads stalled
  age=$(val chrony-GPS7/duration-sample_age)
  lastrx=$(chronyc -c sources | awk -F, '$3 == "GPS7" { print $7 }')
  in_range "$age" 0 8 && in_range "$(awk -v a="$age" -v l="$lastrx" \
    'BEGIN { print a - l }')" -4 4.001 && { r=0; break; }
  sleep 1
done
ok $r "chrony GPS7 sample age $age s in [0, 8 s) and within a poll of LastRx $lastrx s"
st_f() { chronyc -c sourcestats | awk -F, -v f="$1" '$1 == "GPS7" { print $f }'; }
for _ in $(seq 30); do
  np=$(val chrony-GPS7/count-samples); tnp=$(st_f 2)
  [ "$np" = "$tnp" ] && break
  sleep 0.7
done
is "$np" "$tnp" "chrony GPS7 count-samples = sourcestats NP"
nr=$(val chrony-GPS7/count-sample_runs)
in_range "$nr" 1 "$(awk -v p="$np" 'BEGIN { print p + 1 }')"
ok $? "chrony GPS7 count-sample_runs $nr in [1, NP]"
is "$(val 'ntpsec-SHM(6)/count-samples')" nan "ntpd: no sourcestats (NaN)"

collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
ntp_daemons_stop
is "$(ntp_kernel_state)" "$kernel_before" "kernel clock state unchanged (adjtimex via ntptime)"
it_end
