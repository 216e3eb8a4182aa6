#!/bin/bash
# soak.sh [MINUTES] - run collectd with every plugin of the suite against
# real peers on loopback at Interval 1 for MINUTES (default 30), sample the
# daemon's RSS and CPU, and print a table (TAP output; exit 1 on failure).
#
# Peers (all on loopback, none with CAP_SYS_TIME, nothing touches the clock):
#   ntp     chronyd -x with an SHM refclock (ntp_shm.py), Unix socket, plus
#           NTPsec ntpd when SOAK_NTPD=1 (takes the machine-wide ntpd lock)
#   gpsd    gpsfake looping a real receiver log (tests/data/gpsd)
#   pps     pps_writer.py rewriting a sysfs fixture once a second
#   rng     a FIFO fed from /dev/urandom, /dev/urandom itself, kernel pool
#   dcf77   dcf77_feed.py writing raw DCF77 characters to a pty
#   timex   the kernel (adjtimex, read-only)
#   ceph    with CEPH=1: the throw-away test cluster (tests/lib/ceph.sh, about
#           15 s to start; takes the ceph lock).  librados grows for its
#           first 4-5 minutes: use SOAK_WARMUP=300 for a Ceph soak
#
# Checks: collectd runs to the end; RSS at the end minus RSS after the
# warm-up (SOAK_WARMUP seconds, default min(120, MINUTES*60/4)) is at most
# SOAK_RSS_MAX_KB (default 2048); no read exceeded its documented bound.
# Figures: RSS samples every SOAK_SAMPLE seconds (default 10) in
# $T/rss.log; per read callback: reads, failures, max/mean wall time and
# CPU per read (cdutil's read statistics); per reader thread: CPU seconds.
# Environment: TOP_SRCDIR, TOP_BUILDDIR (default ./build if it exists),
# COLLECTD_BIN, KEEP_TMP=1, SOAK_REPORT=FILE (the table, for the docs).
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
if [ -z "${TOP_BUILDDIR:-}" ]; then
  if [ -d "$TOP_SRCDIR/build/plugins/.libs" ]; then TOP_BUILDDIR=$TOP_SRCDIR/build; else TOP_BUILDDIR=$TOP_SRCDIR; fi
fi
export TOP_SRCDIR TOP_BUILDDIR
. "$TOP_SRCDIR/tests/lib/collectd.sh"
. "$TOP_SRCDIR/tests/lib/peers.sh"
. "$TOP_SRCDIR/tests/lib/faults.sh"
MINUTES=${1:-30}
DUR=$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 }')
WARMUP=${SOAK_WARMUP:-$(( DUR / 4 < 120 ? DUR / 4 : 120 ))}
SAMPLE=${SOAK_SAMPLE:-10}
RSS_MAX_KB=${SOAK_RSS_MAX_KB:-2048}
it_begin soak
need python3 gpsfake setpriv
GPORT=$(free_port)

# ---- peers ----
ntp_shm_start 5 0.0005 0.0001 1 >/dev/null
chronyd_shm_start 5
ok $? "chronyd -x runs (no CAP_SYS_TIME)"
ntpd_conf=""
if [ "${SOAK_NTPD:-0}" = 1 ] && command -v ntpd >/dev/null; then
  it_lock ntpd
  ntp_shm_start 4 0.0025 0.0002 1 >/dev/null
  ntpd_conf "$T/ntpd.conf" "refclock shm unit 4 refid GPS minpoll 3 maxpoll 3"
  ntpd_start "$T/ntpd.conf"
  ok $? "NTPsec ntpd runs"
  ntpd_conf='<Server "ntpsec">
    Protocol "ntpd"
    Host "127.0.0.1"
  </Server>'
fi

dev=$T/sys/class/pps/pps0
fl_device_peers "$GPORT" "$dev" soak --seed 3

ceph_conf=""
if [ "${CEPH:-0}" = 1 ]; then
  . "$TOP_SRCDIR/tests/lib/ceph.sh"
  it_lock ceph
  trap 'cc_down; it_cleanup' EXIT
  if cc_up "$T/ceph"; then
    ok 0 "ceph test cluster up"
    ceph_conf="LoadPlugin ceph_health
<Plugin ceph_health>
  <Cluster \"soak\">
    ConfigFile \"$T/ceph/ceph.conf\"
    Client \"collectd\"
    Keyring \"$T/ceph/client.collectd/keyring\"
    Timeout 2
  </Cluster>
</Plugin>"
  else
    ok 1 "ceph test cluster up"
  fi
fi

collectd_start "$(fl_device_conf "$GPORT" "  $ntpd_conf" "    MaxAge 3")
LoadPlugin pps
<Plugin pps>
  <Device \"pps0\">
    SysfsPath \"$dev\"
  </Device>
</Plugin>
$(conf_fill rng_fifo URANDOM_BYTES=25000 FIFO="$T/rng.fifo" EXTRA=)
LoadPlugin dcf77
<Plugin dcf77>
  <Receiver \"rx\">
    Device \"$T/dcf77\"
  </Receiver>
</Plugin>
$ceph_conf"
# The FIFO writer blocks until collectd opens the FIFO.
rng_fifo_urandom "$T/rng.fifo"

rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$CD_PID/status" 2>/dev/null; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$CD_PID/stat" 2>/dev/null; }
TCK=$(getconf CLK_TCK)
t0=$(date +%s)
rss_start=""
: >"$T/rss.log"
echo "# soak: $MINUTES min, warm-up $WARMUP s, sampling every $SAMPLE s ($T)"
while [ $(($(date +%s) - t0)) -lt "$DUR" ] && kill -0 "$CD_PID" 2>/dev/null; do
  el=$(($(date +%s) - t0))
  r=$(rss)
  echo "$el $r $(cpu_ticks)" >>"$T/rss.log"
  [ -z "$rss_start" ] && rss_first=$r && rss_start=x
  [ "$el" -ge "$WARMUP" ] && [ -z "${rss_warm:-}" ] && rss_warm=$r cpu_warm=$(cpu_ticks) t_warm=$el
  sleep "$SAMPLE"
done
kill -0 "$CD_PID" 2>/dev/null
ok $? "collectd still running after $MINUTES min"
rss_end=$(rss)
cpu_end=$(cpu_ticks)
t_end=$(($(date +%s) - t0))
rss_warm=${rss_warm:-$rss_first}
cpu_warm=${cpu_warm:-0}
t_warm=${t_warm:-0}
rss_max=$(awk 'BEGIN { m = 0 } $1 >= '"$WARMUP"' && $2 > m { m = $2 } END { print m }' "$T/rss.log")
# least-squares slope of RSS after the warm-up, KiB per hour
rss_slope=$(awk -v w="$WARMUP" '$1 >= w && $2 > 0 { n++; sx += $1; sy += $2; sxx += $1 * $1; sxy += $1 * $2 }
  END { d = n * sxx - sx * sx; if (n < 3 || d == 0) print "n/a"; else printf "%.0f", 3600 * (n * sxy - sx * sy) / d }' "$T/rss.log")
# per reader thread CPU (collectd names its threads: comm)
for t in /proc/$CD_PID/task/*; do
  printf '%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" \
    "$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{ print $12 + $13 }')"
done | awk -F'\t' -v tck="$TCK" '{ c[$1] += $2; n[$1]++ } END { for (k in c) printf "%s\t%d\t%.2f\n", k, n[k], c[k] / tck }' |
  sort >"$T/threads.tsv"
# count csv rows of a few series to prove everything kept dispatching
rows() { local f; f=$(fl_csv "$1"); [ -n "$f" ] && csv_rows "$f" || echo 0; }
rows_report="timex $(rows timex/time_offset-offset) ntp-chrony $(rows ntp-chrony/clock_stratum) gpsd $(rows 'gpsd-*/satellites-gps_used') pps $(rows pps-pps0/count-pulses) rng-fifo $(rows rng-fifo/total_bytes-read) dcf77 $(rows dcf77-rx/bool-receiving)"
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"

{
  echo "soak: $MINUTES min at Interval 1 ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "RSS: start $rss_first KiB, after warm-up ($t_warm s) $rss_warm KiB, end ($t_end s) $rss_end KiB, max after warm-up $rss_max KiB, growth $((rss_end - rss_warm)) KiB, trend $rss_slope KiB/h"
  awk -v a="$cpu_warm" -v b="$cpu_end" -v tck="$TCK" -v s="$t_warm" -v e="$t_end" \
    'BEGIN { printf "process CPU after warm-up: %.2f s in %d s (%.2f %%)\n", (b - a) / tck, e - s, 100 * (b - a) / tck / (e - s > 0 ? e - s : 1) }'
  echo "rows: $rows_report"
  echo
  printf '%-16s %7s %6s %12s %12s %14s %10s\n' "read callback" reads failed "wall max s" "wall mean s" "cpu/read s" "bound s"
  grep -F 'read statistics of' "$T/collectd.log" | sed 's/.*read statistics of "\([^"]*\)": \([0-9]*\) reads, \([0-9]*\) failed, wall max \([0-9.]*\) s mean \([0-9.]*\) s, cpu total [0-9.]* s mean \([0-9.]*\) s, bound \([0-9.]*\) s\./\1 \2 \3 \4 \5 \6 \7/' |
    sort | awk '{ printf "%-16s %7d %6d %12.6f %12.6f %14.6f %10.3f\n", $1, $2, $3, $4, $5, $6, $7 }'
  echo
  printf '%-16s %7s %10s\n' "thread (comm)" count "cpu s"
  awk -F'\t' '{ printf "%-16s %7d %10.2f\n", $1, $2, $3 }' "$T/threads.tsv"
} >"$T/report.txt"
sed 's/^/# /' "$T/report.txt"
[ -n "${SOAK_REPORT:-}" ] && cp "$T/report.txt" "$SOAK_REPORT"

ok "$([ $((rss_end - rss_warm)) -le "$RSS_MAX_KB" ] && echo 0 || echo 1)" \
  "RSS growth after warm-up $((rss_end - rss_warm)) KiB <= $RSS_MAX_KB KiB"
n=$(grep -c 'read statistics of' "$T/collectd.log")
ok "$([ "$n" -ge 6 ] && echo 0 || echo 1)" "read statistics logged for $n read callbacks"
is "$(grep -c 'more than its bound' "$T/collectd.log")" 0 "no read exceeded its documented bound"
ok "$(awk -v r="$rows_report" -v d="$DUR" 'BEGIN { n = split(r, a, " "); for (i = 2; i <= n; i += 2) if (a[i] < d / 2) exit 1 }' && echo 0 || echo 1)" \
  "every plugin kept dispatching (rows: $rows_report)"
kill "$CHRONYD_PID" 2>/dev/null
[ -n "${NTPD_PID:-}" ] && kill "$NTPD_PID" 2>/dev/null
it_end
