#!/bin/bash
# Scenario 8: the healthy baseline.  Every plugin that was built
# runs against a healthy real peer, at Interval 1, with collectd's threshold
# plugin and the shipped examples/thresholds.conf (Included as it is at run
# time, so every section in it is covered), for BASELINE_SECONDS (default
# 600 = 10 minutes of 1 s intervals; for a longer run, e.g. a night:
# BASELINE_SECONDS=28800 make check TESTS=tests/scenarios/healthy_baseline.sh).
# Expected: zero notifications at WARNING or FAILURE level - apart from the
# true alarms of this machine's own kernel clock, which no test may change:
# when adjtimex reports the clock unsynchronised (a CI VM without a time
# daemon), timex's lost-sync alerts (the threshold plugin's FAILURE, the
# plugin's own WARNING) and the maxerror WARNING are right, and each must be
# sent at most once (state changes only).
# Peers (all in a private network + IPC namespace: own loopback, own port
# 123, own SysV SHM, so nothing here collides with other tests):
#   timex   the kernel (read-only)
#   rng     /dev/urandom, /dev/hwrng when readable, a FIFO fed from os.urandom
#   pps     a sysfs fixture rewritten every second by pps_writer.py (no drops)
#   gpsd    real gpsd reading two live NMEA feeds (gpsd_feed.py: recorded
#           logs replayed with the current time, looping)
#   ntp     chronyd -x (no CAP_SYS_TIME) with 4 agreeing SHM refclocks
#           (0.5 ms offset, 10 us noise, precision 100 us)
#   dcf77   NTPsec ntpd (no CAP_SYS_TIME) with 2 PARSE DCF77 refclocks on
#           ptys fed by dcf77_feed.py, plus our own decoder on a third pty
#   ceph_health  a throw-away 3-OSD Ceph cluster (tests/lib/ceph.sh)
#   timecheck  the values of the plugins above (leap voters, PPS vs gpsd)
# The peers are warmed up first (chrony selects a source, NTPsec decodes
# DCF77 time codes: 2-3 minutes, Ceph HEALTH_OK), then collectd starts: its
# own start-up is part of the baseline.  About BASELINE_SECONDS + 4 minutes.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/../lib/ceph.sh"
. "$(dirname "$0")/../lib/e2e.sh"
if [ -z "${BASELINE_IN_NS:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
    exec unshare -n -i env BASELINE_IN_NS=1 "$0" "$@"
  fi
  skip_all "needs root and unshare (private network and IPC namespace)"
fi
ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null ||
  skip_all "cannot bring up loopback in the namespace (iproute2)"
it_begin healthy_baseline
[ -f "$STOCK_PLUGINDIR/threshold.so" ] || skip_all "collectd's threshold plugin not installed"
command -v python3 >/dev/null || skip_all "python3 not installed"
SECS=${BASELINE_SECONDS:-600}
INTEG=$TOP_SRCDIR/tests/integration
trap 'cc_down; it_cleanup' EXIT
built=" $(e2e_plugins | tr '\n' ' ') "
has() { case "$built" in *" $1 "*) return 0 ;; esac; return 1; }
conf=""
covered=""
add() { # add PLUGIN CONF-LINES
  conf="$conf
$2"
  covered="$covered $1"
}

# ---------------------------------------------------------------- peers
has timex && add timex "$(cat "$TOP_SRCDIR/scripts/run.d/timex.conf")"

if has rng; then
  mkfifo "$T/rng.fifo"
  hw=""
  [ -r /dev/hwrng ] && [ "$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)" != none ] &&
    hw='  <Source "hwrng">
    Device "/dev/hwrng"
    BytesPerInterval 2500
  </Source>'
  add rng "LoadPlugin rng
<Plugin rng>
  <Source \"urandom\">
    Device \"/dev/urandom\"
    BytesPerInterval 25000
  </Source>
$hw
  <Source \"fifo\">
    Device \"$T/rng.fifo\"
    BytesPerInterval 10000
  </Source>
</Plugin>"
fi

if has pps; then
  dev=$T/sys/class/pps/pps0
  pps_fixture "$dev"
  python3 "$INTEG/pps_writer.py" "$dev" --log "$T/pps-writer.log" --offset 0.0015 --sigma 0.00002 &
  it_track_pid $!
  add pps "LoadPlugin pps
<Plugin pps>
  SysfsRoot \"$T/sys\"
  Discover true
  PollInterval 0.05
  Timeout 2.5
</Plugin>"
fi

GPSD=$(command -v gpsd || echo /usr/sbin/gpsd)
if has gpsd && [ -x "$GPSD" ]; then
  read -r F1 F2 GPORT <<<"$(free_ports 3 | tr "\n" " ")"
  gpsd_feed $F1 hab-gpspi.log 0.050
  gpsd_feed $F2 garmin15x.log 0.150
  gpsd_start $GPORT $F1 $F2
  add gpsd "$(gpsd_conf $GPORT $F1 $F2 '  Reference "hab"')"
else
  has gpsd && diag "gpsd not installed: the gpsd plugin has no peer"
fi

if has ntp && command -v setpriv >/dev/null && chrony_root >/dev/null; then
  # 10 us of noise against a declared precision of 100 us: the sources'
  # error intervals always overlap.  (With 100 us of noise chrony itself
  # called one or two of them falsetickers for single polls, and once lost
  # its selection: not a healthy peer.)
  for u in 2 3 4 5; do ntp_shm_start $u 0.0005 0.00001 1 >/dev/null; done
  mkdir -m 700 "$T/chrony"
  {
    for u in 2 3 4 5; do echo "refclock SHM $u refid SHM$u poll 2 precision 1e-4"; done
    echo "port 0"
    echo "cmdport 0"
    echo "bindcmdaddress $T/chrony/chronyd.sock"
    echo "pidfile $T/chrony/chronyd.pid"
  } >"$T/chrony.conf"
  chronyd_start "$T/chrony.conf" &&
    add ntp "LoadPlugin ntp
<Plugin ntp>
  <Server \"chrony\">
    Protocol \"chrony\"
    Socket \"$T/chrony/chronyd.sock\"
  </Server>
</Plugin>"
fi

if has dcf77 && command -v ntpd >/dev/null && command -v ntpq >/dev/null && command -v setpriv >/dev/null; then
  dcf77_feed_start "$T/dcf.ready" "$T/dcf-feed.log" "$T/dcf77-0:0.425" "$T/dcf77-1:0.425" \
    "$T/rx:0.425"
  ntpd_dcf77_conf "$T/ntp.conf"
  # ntpd_start insists on the ntpd lock file, which guards port 123; this
  # namespace has its own port 123, so the machine-wide lock is not taken
  # (it would hold the other ntpd tests for the whole baseline).
  touch /tmp/cds-lock-ntpd
  ntpd_start "$T/ntp.conf" &&
    add dcf77 "LoadPlugin dcf77
<Plugin dcf77>
  <Ntpd \"u0\">
    Unit 0
  </Ntpd>
  <Ntpd \"u1\">
    Unit 1
  </Ntpd>
  <Receiver \"rx\">
    Device \"$T/rx\"
    Type \"mouseclock\"
  </Receiver>
</Plugin>"
fi

if has ceph_health && command -v ceph-mon >/dev/null && command -v ceph-osd >/dev/null &&
  command -v rados >/dev/null && [ -x /usr/bin/python3 ]; then
  if cc_up "$T/ceph"; then
    add ceph_health "$(cc_plugin_conf ceph "Timeout 2")"
  else
    ok 1 "test Ceph cluster up"
  fi
fi

# timecheck: compares what the plugins above dispatch (their values reach it
# through collectd's write path), so it comes last.  Voters: chrony's leap
# indicator, our DCF77 decoder's A2 bit, the kernel; the pair: the PPS edge
# (negated: system - PPS) vs gpsd's TOFF of "hab" (its NMEA is fed 50 ms
# late: Latency 0.05).  The leap file is written here with an expiry 400
# days ahead (the machine's own tzdata file may have expired: a true alarm
# the expiring scenario covers, not this baseline's subject).
if has timecheck; then
  ntp_now=$(($(date -u +%s) + 2208988800))
  printf '#$\t3676924800\n#@\t%s\n2272060800\t10\n2287785600\t11\n' \
    $((ntp_now + 400 * 86400)) >"$T/leap-seconds.list"
  tcv=""
  [[ " $covered " == *" ntp "* ]] && tcv="$tcv
  <LeapVoter \"ntp\">
    Value \"ntp-chrony/clock_state-leap\"
  </LeapVoter>"
  [[ " $covered " == *" dcf77 "* ]] && tcv="$tcv
  <LeapVoter \"dcf77\">
    Value \"dcf77-rx/bool-leap_announced\"
    Window 3600
  </LeapVoter>"
  [[ " $covered " == *" pps "* ]] && [[ " $covered " == *" gpsd "* ]] && tcv="$tcv
  <Source \"pps\">
    Value \"pps-pps0/time_offset-edge_mean\"
    Negate true
  </Source>
  <Source \"hab\">
    Value \"gpsd-hab/time_offset-toff\"
    Latency 0.05
  </Source>
  MaxApart 0.025"
  add timecheck "LoadPlugin timecheck
<Plugin timecheck>
  LeapFile \"$T/leap-seconds.list\"$tcv
</Plugin>"
fi

# ---------------------------------------------------------------- warm-up
t0=$(date +%s)
if has ntp && [ -n "${CHRONYC:-}" ]; then
  for _ in $(seq 60); do
    "$CHRONYC" -h "$T/chrony/chronyd.sock" -c sources 2>/dev/null | grep -q '^#,\*' && break
    sleep 2
  done
  ok "$("$CHRONYC" -h "$T/chrony/chronyd.sock" -c sources 2>/dev/null | grep -q '^#,\*'; echo $?)" \
    "warm-up: chronyd selected one of its 4 SHM refclocks"
fi
if [[ " $covered " == *" dcf77 "* ]]; then
  dcf_ok=1
  for _ in $(seq 60); do
    n=0
    for a in $(ntpq -c as 127.0.0.1 2>/dev/null | awk '$1 ~ /^[0-9]+$/ {print $2}'); do
      ntpq -c raw -c "cv $a" 127.0.0.1 2>/dev/null | grep -q 'refclock_status="TIME CODE' && n=$((n + 1))
    done
    [ $n -ge 2 ] && { dcf_ok=0; break; }
    sleep 5
  done
  ok $dcf_ok "warm-up: NTPsec decodes DCF77 time codes on both refclocks"
fi
diag "peers warmed up in $(($(date +%s) - t0)) s; plugins with a peer:$covered"
missing=""
for p in $(e2e_plugins); do [[ " $covered " == *" $p "* ]] || missing="$missing $p"; done
[ -z "$missing" ] || diag "built but without a peer here (not covered):$missing"
sections=$(sed -nE 's/^[[:space:]]*<Plugin "([a-z_0-9]+)">.*/\1/p' "$SCEN_THRESHOLDS" | sort -u | tr '\n' ' ')
diag "threshold sections in $SCEN_THRESHOLDS: $sections"

# ---------------------------------------------------------------- baseline
collectd_start "$conf" "$(scen_thresholds_conf)"
if [[ " $covered " == *" rng "* ]]; then # blocks until collectd opens the FIFO
  python3 "$TOP_SRCDIR/tests/scenarios/rng_writer.py" "$T/rng.fifo" "$T/never" none &
  it_track_pid $!
fi
t_cd=$(date +%s)
for p in $covered; do
  csv_wait "$p*/*" 60 >/dev/null || diag "$p: no csv row after 60 s"
done
diag "baseline: $SECS s at Interval 1"
alive=0
while [ $(($(date +%s) - t_cd)) -lt "$SECS" ]; do
  sleep 10
  kill -0 "$CD_PID" 2>/dev/null || { alive=1; break; }
  el=$(($(date +%s) - t_cd))
  [ $((el % 60)) -lt 10 ] && diag "$el s: $(sc_alerts 2>/dev/null | wc -l) WARNING/FAILURE notification(s) so far"
done
ok $alive "collectd ran for the whole baseline"
minutes=$(awk -v s="$(($(date +%s) - t_cd))" 'BEGIN { printf "%.1f", s / 60 }')

# The machine's own clock: its true alarms, expected once each.
expect=()
kstate=$(python3 -c '
import ctypes
class T(ctypes.Structure):
    _fields_ = [("modes", ctypes.c_uint), ("offset", ctypes.c_long), ("freq", ctypes.c_long),
                ("maxerror", ctypes.c_long), ("esterror", ctypes.c_long), ("status", ctypes.c_int),
                ("pad", ctypes.c_long * 40)]
t = T()
r = ctypes.CDLL(None).adjtimex(ctypes.byref(t))
print(int(r == 5 or (t.status & 0x40) != 0), t.maxerror / 1e6)')
read -r unsync maxerr <<<"$kstate"
if [[ " $covered " == *" timex "* ]]; then
  if [ "$unsync" = 1 ]; then
    # the threshold plugin's FAILURE and the timex plugin's own WARNING
    expect+=("severity = FAILURE, host = $CD_HOST, plugin = timex, type = bool, type_instance = synchronised,")
    expect+=("severity = WARNING, host = $CD_HOST, plugin = timex, type = bool, type_instance = synchronised,")
    diag "this kernel's clock is unsynchronised (adjtimex): timex's lost-sync alerts are true alarms"
  fi
  if awk -v m="$maxerr" 'BEGIN { exit !(m > 0.1) }'; then
    expect+=("severity = WARNING, host = $CD_HOST, plugin = timex, type = time_dispersion, type_instance = maxerror,")
    diag "maxerror is $maxerr s: timex's maxerror WARNING is a true alarm"
  fi
fi
sc_alerts >"$T/alerts"
cp "$T/alerts" "$T/false"
# (a read stall that let the value drop out of collectd's cache, one of
# sc_stall_missing's lines, makes the threshold plugin send it once more
# when the value returns: one more allowed per such line)
stall_missing=$(sc_stall_missing)
for e in "${expect[@]}"; do
  n=$(grep -cF "$e" "$T/alerts")
  again=$(grep -cF "${e#severity = *, }" <<<"$stall_missing")
  ok "$([ "$n" -le $((1 + again)) ] && echo 0 || echo 1)" \
    "true alarm sent at most once, no flapping ($n; $again stall(s) of the read loop): ${e%%, message*}"
  grep -vF "$e" "$T/false" >"$T/false.new"
  mv "$T/false.new" "$T/false"
done
nfalse=$(grep -c . "$T/false")
nall=$(grep -c 'Notification: ' "$T/collectd.log")
is "$nfalse" 0 "healthy baseline: 0 WARNING/FAILURE notifications over $minutes min at Interval 1 (plugins:$covered)"
sed 's/^.*Notification: /# false alarm: /' "$T/false" | sort | uniq -c | head -n 20
diag "notifications in all: $nall ($(grep -c 'Notification: severity = OKAY' "$T/collectd.log") OKAY, $(wc -l <"$T/alerts") WARNING/FAILURE of which ${#expect[@]} kind(s) are true alarms)"
for p in $covered; do
  f=$(ls "$T/csv/$CD_HOST/$p"*/* 2>/dev/null | head -n 1)
  rows=$( [ -n "$f" ] && csv_rows "$f" || echo 0)
  diag "$p: $(ls -d "$T/csv/$CD_HOST/$p"* 2>/dev/null | wc -l) instance(s); $rows rows in $(basename "${f:-none}")"
done
if [[ " $covered " == *" timecheck "* ]]; then
  # What timecheck compared (not only that it stayed silent): the voters it
  # knew, the numeric rows of the PPS/gpsd pair and their largest |value|.
  tcd=$T/csv/$CD_HOST/timecheck
  v=$(tail -n 1 "$tcd"/count-leap_voters-* 2>/dev/null | cut -d, -f2)
  ok "$(awk -v v="${v:-0}" 'BEGIN { exit !(v >= 1) }'; echo $?)" "timecheck: leap voters known at the end: ${v:-none}"
  f=$(ls "$tcd"/time_offset-pps_vs_hab-* 2>/dev/null | head -n 1)
  [ -n "$f" ] && diag "timecheck: pps_vs_hab $(awk -F, 'NR > 1 && $2 != "nan" { n++; a = $2 < 0 ? -$2 : $2; if (a > m) m = a } END { printf "%d numeric rows, max |diff| %.6f s", n, m }' "$f")"
fi
f=$(ls "$T/csv/$CD_HOST"/timex/*-synchronised-* 2>/dev/null | head -n 1)
[ -n "$f" ] && ok "$([ "$(csv_rows "$f")" -ge $((SECS * 8 / 10)) ] && echo 0 || echo 1)" \
  "Interval 1 held: timex wrote $(csv_rows "$f") rows in $SECS s"
collectd_log_clean
bad=$(grep -E '\[error\] threshold plugin' "$T/collectd.log")
ok "$([ -z "$bad" ] && echo 0 || echo 1)" "the threshold plugin logged no configuration errors"
collectd_stop
ok $? "collectd stops cleanly"
it_end
