#!/bin/bash
# ntp plugin on the real collectd daemon against REAL daemons on loopback:
# NTPsec ntpd (an SHM refclock fed by ntp_shm.py + "server 127.0.0.1", which
# is never reachable) and chronyd -x (an SHM refclock; Unix socket and UDP).
# The csv values must agree with ntpq / chronyc read at the same moment,
# within the tools' print precision.  Neither daemon may touch the clock:
# both run without CAP_SYS_TIME and the kernel state must be unchanged.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
it_begin ntp
need ntpd ntpq ntptime setpriv python3
it_lock ntpd # port 123 is machine-wide; the dcf77 tests run ntpd too

kernel_before=$(ntp_kernel_state)
# SHM units 6 (ntpd) and 7 (chrony): far from the units gpsd hands its
# devices (0, 1, ...), not shared (a reader clears 'valid').  Reference
# ahead by 2.5 ms / behind by 1.5 ms.
ntp_shm_start 6 0.0025 0.0002 1 >/dev/null
ntp_shm_start 7 -0.0015 0.0001 0.5 >/dev/null

ntpd_conf "$T/ntpd.conf" "server 127.0.0.1 iburst minpoll 3 maxpoll 3" \
  "refclock shm unit 6 refid GPS minpoll 3 maxpoll 3"
ntpd_start "$T/ntpd.conf"
ok $? "NTPsec ntpd runs without CAP_SYS_TIME and answers mode 6"

CPORT=$(free_udp_port)
chronyd_shm_start 7 "$CPORT"
ok $? "chronyd -x runs without CAP_SYS_TIME"
chronyc() { "$CHRONYC" -h "$CSOCK" "$@"; }

# A "daemon" that never answers: the read must cost at most Timeout.
python3 -c 'import socket,time
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",0))
print(s.getsockname()[1],flush=True); time.sleep(3600)' >"$T/silent.port" &
it_track_pid $!
for _ in $(seq 20); do [ -s "$T/silent.port" ] && break; sleep 0.1; done
SPORT=$(cat "$T/silent.port")

collectd_start "$(conf_fill ntp_local CSOCK="$CSOCK" NTPD_LINES="    Timeout 1" CHRONY_LINES= MORE="  <Server \"chronyudp\">
    Protocol \"chrony\"
    Host \"127.0.0.1\"
    Port $CPORT
  </Server>
  <Server \"silent\">
    Port $SPORT
    Timeout 0.5
    MinSources 0
  </Server>")"

# Wait until both daemons have selected their refclock (csv says so).
# Values through unixsock (collectdctl getval prints %e: full precision;
# the csv plugin's %f would cut microseconds).
val() { getval "ntp-$1" | sed -n 's/^value=//p'; }
num() { awk -v v="$1" 'BEGIN { if (v == "nan") print "nan"; else printf "%.9g", v }'; }
for _ in $(seq 120); do
  [ "$(num "$(val 'ntpsec-SHM(6)/clock_state-selection')")" = 6 ] &&
    [ "$(num "$(val chrony-GPS7/clock_state-selection)")" = 6 ] && break
  sleep 1
done
is "$(num "$(val 'ntpsec-SHM(6)/clock_state-selection')")" 6 "ntpd: SHM(6) is sys.peer (selection 6)"
is "$(num "$(val chrony-GPS7/clock_state-selection)")" 6 "chrony: GPS7 is selected (selection 6)"
ntpq -p 127.0.0.1 | sed 's/^/# ntpq -p | /'
for p in 'SHM(6)' 127.0.0.1; do # the same rows as the plugin reads them
  printf '# plugin   | %-10s sel %s st %s reach %s/8 delay %s ms offset %s ms jitter %s ms\n' "$p" \
    "$(num "$(val "ntpsec-$p/clock_state-selection")")" "$(num "$(val "ntpsec-$p/clock_stratum")")" \
    "$(num "$(val "ntpsec-$p/clock_reachability")")" \
    "$(awk -v v="$(val "ntpsec-$p/delay-delay")" 'BEGIN { printf "%.4f", v * 1000 }')" \
    "$(awk -v v="$(val "ntpsec-$p/time_offset-offset")" 'BEGIN { printf "%.4f", v * 1000 }')" \
    "$(awk -v v="$(val "ntpsec-$p/time_offset-jitter")" 'BEGIN { printf "%.4f", v * 1000 }')"
done
diag "chronyc sources: $(chronyc -c sources)"

# The time of a cached value (unixsock LISTVAL; collectdctl drops it).
vtime() {
  python3 - "$T/collectd.sock" "$CD_HOST/ntp-$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"LISTVAL\n")
f = s.makefile(); n = int(f.readline().split()[0])
for _ in range(n):
    t, ident = f.readline().split(None, 1)
    if ident.strip() == sys.argv[2]: print(t)
PY
}
age() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
# cmp NAME CSV-METRIC EXPECTED-COMMAND TOL: the value just before and just
# after the tool's reading must agree with it.  Up to 10 attempts: a read
# loop stalled on a busy host leaves an old value behind for a while, and
# the message says how old the value was.
cmp() {
  local desc=$1 metric=$2 cmdline=$3 tol=$4 a b e t r=1
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    t=$(vtime "$metric"); a=$(num "$(val "$metric")"); e=$(eval "$cmdline"); b=$(num "$(val "$metric")")
    near_any "$a" "$b" "$e" "$tol" && { r=0; break; }
    sleep 0.7
  done
  ok $r "$desc: csv $a/$b vs tool $e (+- $tol; the value $(age "$t") s old)"
}
ms() { awk -v v="$1" 'BEGIN { printf "%.12g", v / 1000 }'; }
rv() { # rv ASSOC VAR: one variable as ntpq prints it
  ntpq -c "rv $1 $2" 127.0.0.1 | tr -d '\n' | sed -n "s/.*$2=\\([^,]*\\).*/\\1/p"
}
popcount() { python3 -c "print(bin(int('$1', 8)).count('1'))"; }
cond_of() { ntpq -c as 127.0.0.1 | awk -v a="$1" '$2 == a { print $7 }'; }
sel_code() { # ntpq condition name -> code
  case $1 in reject) echo 0 ;; falsetick) echo 1 ;; excess) echo 2 ;; outlier) echo 3 ;;
    candidate) echo 4 ;; backup) echo 5 ;; sys.peer) echo 6 ;; pps.peer) echo 7 ;; *) echo x ;; esac
}

# ---- NTPsec: system variables (ms -> s) ----
cmp "ntpd offset" "ntpsec/time_offset-offset" 'ms "$(rv 0 offset)"' 2e-9
cmp "ntpd sys_jitter" "ntpsec/time_offset-sys_jitter" 'ms "$(rv 0 sys_jitter)"' 2e-9
cmp "ntpd clk_jitter" "ntpsec/time_offset-clock_jitter" 'ms "$(rv 0 clk_jitter)"' 2e-9
cmp "ntpd clk_wander" "ntpsec/clock_skew_ppm-wander" 'rv 0 clk_wander' 2e-6
cmp "ntpd frequency" "ntpsec/frequency_offset-frequency" 'rv 0 frequency' 2e-6
cmp "ntpd stratum" "ntpsec/clock_stratum" 'rv 0 stratum' 0
cmp "ntpd rootdelay" "ntpsec/delay-root_delay" 'ms "$(rv 0 rootdelay)"' 2e-6
cmp "ntpd rootdisp (grows 15 us/s)" "ntpsec/time_dispersion-root_dispersion" 'ms "$(rv 0 rootdisp)"' 1e-4
cmp "ntpd rootdist" "ntpsec/time_dispersion-root_distance" 'ms "$(rv 0 rootdist)"' 1e-4
cmp "ntpd leap (ntpq prints binary)" "ntpsec/clock_state-leap" 'echo $((2#$(rv 0 leap)))' 0
is "$(num "$(val ntpsec/bool-synchronised)")" "$(( $(rv 0 stratum) < 16 && 2#$(rv 0 leap) != 3 ? 1 : 0 ))" \
  "ntpd synchronised follows leap/stratum (disable ntp: leap 11)"
status=$(ntpq -c "rv 0" 127.0.0.1 | sed -n 's/.*status=\([0-9a-f]*\) .*/\1/p')
cmp "ntpd sync source kind = status word bits 13-8" "ntpsec/clock_mode-source_kind" \
  'echo $(( (0x$status >> 8) & 0x3f ))' 0
is "$(num "$(val ntpsec/time_offset-kernel_pps_jitter)")" nan \
  "kernel PPS inactive (kppscalibdur=$(rv 0 kppscalibdur)): NaN"

# ---- NTPsec: peers (ntpq -c as for the list, rv ASSOC for the values) ----
ntpq -c as 127.0.0.1 | awk '$1 ~ /^[0-9]+$/ { print $2, $7, $5 }' >"$T/as.txt"
is "$(num "$(val ntpsec/count-peers)")" "$(wc -l <"$T/as.txt")" "count-peers = ntpq -c as rows"
is "$(num "$(val ntpsec/count-reachable)")" "$(awk '$3 == "yes"' "$T/as.txt" | wc -l)" "count-reachable = reach yes"
is "$(num "$(val ntpsec/count-candidates)")" \
  "$(awk '$2 ~ /^(candidate|backup|sys.peer|pps.peer)$/' "$T/as.txt" | wc -l)" "count-candidates"
is "$(num "$(val ntpsec/count-falsetickers)")" "$(awk '$2 == "falsetick"' "$T/as.txt" | wc -l)" "count-falsetickers"
while read -r assoc cond _; do
  host=$(rv "$assoc" srchost | tr -d '"')
  [ -n "$host" ] || host=$(rv "$assoc" srcadr)
  p="ntpsec-$host"
  diag "assoc $assoc = $p ($cond)"
  cmp "$host offset" "$p/time_offset-offset" "ms \"\$(rv $assoc offset)\"" 2e-9
  cmp "$host jitter" "$p/time_offset-jitter" "ms \"\$(rv $assoc jitter)\"" 2e-9
  cmp "$host delay" "$p/delay-delay" "ms \"\$(rv $assoc delay)\"" 2e-9
  cmp "$host dispersion" "$p/time_dispersion-dispersion" "ms \"\$(rv $assoc dispersion)\"" 1e-4
  cmp "$host stratum" "$p/clock_stratum" "rv $assoc stratum" 0
  cmp "$host reach = popcount(ntpq reach, octal)" "$p/clock_reachability" \
    "popcount \"\$(rv $assoc reach)\"" 0
  cmp "$host selection = ntpq condition $cond" "$p/clock_state-selection" \
    "sel_code \"\$(cond_of $assoc)\"" 0
done <"$T/as.txt"
is "$(num "$(val 'ntpsec-127.0.0.1/clock_reachability')")" 0 "server 127.0.0.1 never reachable: reach 0"

# ---- chrony, over the Unix socket and UDP: chronyc -c ----
tr_f() { chronyc -c tracking | cut -d, -f"$1"; }
# "System time" moves continuously (the correction being slewed, ~1 us/s)
cmp "chrony offset = System time" chrony/time_offset-offset 'tr_f 5' 5e-6
cmp "chrony frequency = -Frequency" chrony/frequency_offset-frequency \
  'awk -v f="$(tr_f 8)" "BEGIN { print -f }"' 2e-3
cmp "chrony wander = Skew" chrony/clock_skew_ppm-wander 'tr_f 10' 2e-3
cmp "chrony RMS offset" chrony/time_offset_rms-offset 'tr_f 7' 2e-9
cmp "chrony stratum" chrony/clock_stratum 'tr_f 3' 0
cmp "chrony root delay" chrony/delay-root_delay 'tr_f 11' 2e-9
# Root dispersion grows between updates at skew + |residual frequency| +
# maxclockerror (1 ppm by default) per second (chrony reference.c,
# REF_GetTrackingReport) and drops at each.  At 150 ppm, a csv value read
# 1.5 s before chronyc differs by 225 us: the allowance is that rate times
# the time between the value's own timestamp (LISTVAL) and chronyc's reading.
cmp_growing() {
  local desc=$1 metric=$2 t0 t1 a line e te tol r=1
  for _ in 1 2 3 4 5; do
    t0=$(vtime "$metric"); a=$(num "$(val "$metric")"); t1=$(vtime "$metric")
    line=$(chronyc -c tracking); te=$(date +%s.%N); e=$(echo "$line" | cut -d, -f12)
    tol=$(echo "$line" | awk -F, -v te="$te" -v ta="$t0" '{
      r = $10 + ($9 < 0 ? -$9 : $9) + 1; d = te - ta; if (d < 0) d = -d
      printf "%.9g", 1e-5 + r * 1e-6 * (d + 0.5) }')
    [ -n "$t0" ] && [ "$t0" = "$t1" ] && near_any "$a" "$a" "$e" "$tol" && { r=0; break; }
    sleep 0.7
  done
  ok $r "$desc: csv $a at $t0 vs tool $e at $te (+- $tol: skew $(echo "$line" |
    cut -d, -f10) ppm, residual $(echo "$line" | cut -d, -f9) ppm)"
}
cmp_growing "chrony root dispersion" chrony/time_dispersion-root_dispersion
is "$(num "$(val chrony/time_offset-sys_jitter)")" nan "chrony has no sys_jitter: NaN"
is "$(num "$(val chrony/bool-synchronised)")" 1 "chrony synchronised (leap status $(tr_f 14))"
is "$(num "$(val chrony/clock_mode-source_kind)")" 4 "chrony GPS refclock: source kind 4 (uhf, as ntpd)"
src_f() { chronyc -c sources | awk -F, -v f="$1" '$3 == "GPS7" { print $f }'; }
st_f() { chronyc -c sourcestats | awk -F, -v f="$1" '$1 == "GPS7" { print $f }'; }
cmp "chrony GPS7 offset = -Last sample" chrony-GPS7/time_offset-offset \
  'awk -v f="$(src_f 8)" "BEGIN { print -f }"' 2e-9
cmp "chrony GPS7 dispersion = error bound" chrony-GPS7/time_dispersion-dispersion 'src_f 10' 2e-9
cmp "chrony GPS7 jitter = Std Dev" chrony-GPS7/time_offset-jitter 'st_f 8' 2e-9
cmp "chrony GPS7 reach" chrony-GPS7/clock_reachability 'popcount "$(src_f 6)"' 0
is "$(num "$(val chrony-GPS7/delay-delay)")" nan "chrony source delay: NaN (not in cmdmon)"
cmp "chrony over UDP: same stratum" chronyudp/clock_stratum 'tr_f 3' 0
cmp "chrony over UDP: same root delay" chronyudp/delay-root_delay 'tr_f 11' 2e-9
is "$(num "$(val chronyudp-GPS7/clock_state-selection)")" 6 "chrony over UDP: GPS7 selected"
is "$(ls "$T/chrony" | grep -c cds-ntp)" 0 "no client sockets left next to chronyd.sock"

# ---- the silent daemon: NaN, bounded, and the others keep going ----
# (csv: a failing read is suspended by collectd's backoff, so the unixsock
# cache may have expired it)
is "$(csv_last "$(csv_wait 'ntp-silent/time_offset-offset-*' 5)")" nan "silent daemon: NaN in the csv"
f=$(csv_wait 'ntp-ntpsec/clock_stratum-*' 1)
n1=$(wc -l <"$f"); sleep 5; n2=$(wc -l <"$f")
ok $(( n2 - n1 >= 4 ? 0 : 1 )) "ntpsec still read every second next to a silent server ($((n2 - n1)) rows in 5 s)"
is "$(notifications_matching 'silent: the daemon does not answer')" 1 "one 'does not answer' notification"
is "$(notifications_matching 'ntpsec: not synchronised')" 1 \
  "ntpd (disable ntp: leap 11) reported unsynchronised once"
is "$(notifications_matching 'chrony: synchronised \(sys.peer "GPS7"')" 1 \
  "chrony: one 'synchronised' notification once GPS7 was selected"

collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
ntp_daemons_stop
# removed, unless another process (a gpsd attaches NTP0..7) still uses it
left=$(ipcs -m | awk '$1 ~ /^0x4e54503[67]$/ && $6 == 0' | wc -l)
ok "$left" "SHM segments of units 6 and 7 removed (or still attached by others)"
is "$(ntp_kernel_state)" "$kernel_before" "kernel clock state unchanged (adjtimex via ntptime)"
it_end
