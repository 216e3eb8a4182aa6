# shellcheck shell=bash
# faults.sh - helpers for the fault-injection tests (tests/faults/*.sh).
# Source after tests/lib/collectd.sh (and peers.sh for fl_device_peers).
# Every fault is checked the same way through the real collectd daemon
# (docs/reliability.md):
#   no crash          collectd still runs; other instances keep dispatching
#   bounded reads     the maximum read duration (cdutil's read statistics,
#                     logged at shutdown) is within the documented bound
#   no stale values   every csv row written while the peer is down is NaN
#   quiet logs        one error line per outage (c_complain: at most
#                     1 + log2(outage / interval)), never one per interval
#   recovery          fresh values within two intervals after the peer is
#                     back, plus the suspension collectd's read back-off had
#                     reached (a failing read is suspended 2, 4, 8 ... s)
#
#   fl_now                   current time (s, ns precision)
#   fl_logline               current number of lines in collectd.log
#   fl_between FILE LO HI    "NUMBERS NANS" of csv rows with LO < time < HI
#   fl_wait_fresh FILE SINCE SECS   wait for a numeric row after SINCE;
#                            prints its delay (row time - SINCE)
#   fl_csv PLUGIN-INST/TYPE  path of that csv file (first match)
#   fl_log_count FROM REGEX [TO]  log lines FROM..TO (line numbers) matching
#   fl_outage SECS CMD...    the fault CMD, then SECS s of outage: FL_DOWN_T,
#                            FL_DOWN_L (time, log line) once CMD returned,
#                            FL_END_T, FL_END_L when the SECS s are over
#   fl_kill PID              SIGKILL a child and reap it (a fault CMD)
#   fl_device_peers PORT DEV NAME [OPTION...]  the peers of a whole-daemon
#                            run: gpsfake (hab-gpspi.log) into a gpsd on PORT, a
#                            sysfs PPS source DEV named NAME rewritten by
#                            pps_writer.py (OPTIONs), a DCF77 pty $T/dcf77,
#                            the FIFO $T/rng.fifo (feed it: rng_fifo_urandom)
#   fl_device_conf PORT [NTP-LINES [GPSD-LINES]]  their config's timex, ntp
#                            (chronyd on $T/chrony/chronyd.sock, then
#                            NTP-LINES) and gpsd (<Server "fake"> on PORT,
#                            GPSD-LINES) part
#   fl_suspended NAME LINE   last back-off (s) collectd logged for read
#                            callback NAME before log line LINE (0 if none)
#   fl_read_stat NAME FIELD  after collectd_stop: reads|failed|max|mean|cpu
#                            from the read-statistics line
#   fl_check_bound NAME BOUND  ok: max read duration <= BOUND (diag figures)
#   fl_check_outage DESC FILE KILL BACK   ok: rows in (KILL+1.5, BACK) all NaN
#   fl_check_recovery DESC FILE BACK NAME LINE [INTERVAL] [EXTRA]
#   fl_check_log_quiet DESC REGEX FROM TO OUTAGE_S

FL_X="python3 $TOP_SRCDIR/tests/integration/gpsd_expect.py"
FL_FIGURES=${FL_FIGURES:-}

# Read durations and recovery times mean nothing under valgrind (20-50x
# slower); the memory check of a long run is CDS_VALGRIND=1 scripts/soak.sh.
fl_no_valgrind() {
  [ "${CDS_VALGRIND:-0}" = 1 ] && skip_all "timing bounds are not meaningful under valgrind"
  return 0
}

fl_now() { date +%s.%N; }
fl_logline() { wc -l <"$T/collectd.log" 2>/dev/null || echo 0; }
fl_between() { $FL_X between "$1" "$2" "$3"; }
fl_csv() { ls "$T/csv/$CD_HOST/"$1-* 2>/dev/null | head -n 1; } # $1 may hold a glob

fl_wait_fresh() { # FILE-PATTERN SINCE SECS
  local f d
  for _ in $(seq $(($3 * 10))); do
    f=$(fl_csv "$1")
    if [ -n "$f" ]; then
      d=$(awk -F, -v s="$2" 'NR > 1 && $1 > s && $2 != "nan" { printf "%.3f", $1 - s; exit }' "$f")
      [ -n "$d" ] && { echo "$d"; return 0; }
    fi
    sleep 0.1
  done
  return 1
}

fl_log_count() { # FROM REGEX [TO]
  local to=${3:-\$}
  sed -n "$1,${to}p" "$T/collectd.log" | grep -cE "$2" || true
}

# shellcheck disable=SC2034 # FL_* are read by the sourcing test
fl_outage() { # SECS CMD...
  local secs=$1
  shift
  "$@"
  FL_DOWN_T=$(fl_now)
  FL_DOWN_L=$(fl_logline)
  sleep "$secs"
  FL_END_T=$(fl_now)
  FL_END_L=$(fl_logline)
}

fl_kill() { kill -9 "$1"; wait "$1" 2>/dev/null; }

fl_device_peers() { # PORT DEV NAME [OPTION...]
  local port=$1 dev=$2 name=$3
  shift 3
  gpsfake_start "$port" 0.1 "$TOP_SRCDIR/tests/data/gpsd/hab-gpspi.log" ||
    diag "gpsfake did not start gpsd within 5 s"
  pps_fixture "$dev" "$name"
  python3 "$TOP_SRCDIR/tests/integration/pps_writer.py" "$dev" --log /dev/null "$@" &
  it_track_pid $!
  dcf77_feed_start "$T/feed.ready" "$T/feed.log" "$T/dcf77:0.425"
  mkfifo "$T/rng.fifo"
}

fl_device_conf() { # PORT [NTP-LINES [GPSD-LINES]]
  echo "LoadPlugin timex
LoadPlugin ntp
<Plugin ntp>
  <Server \"chrony\">
    Protocol \"chrony\"
    Socket \"$T/chrony/chronyd.sock\"
  </Server>${2:+
$2}
</Plugin>
LoadPlugin gpsd
<Plugin gpsd>
  <Server \"fake\">
    Host \"127.0.0.1\"
    Port $1${3:+
$3}
  </Server>
</Plugin>"
}

fl_suspended() { # NAME LINE
  head -n "$2" "$T/collectd.log" |
    grep -F "read-function of plugin \`$1' failed" | tail -n 1 |
    sed -n 's/.*suspend it for \([0-9.]*\) seconds.*/\1/p' | grep . || echo 0
}

fl_read_stat() { # NAME FIELD
  local line
  line=$(grep -F "read statistics of \"$1\":" "$T/collectd.log" | tail -n 1)
  case $2 in
  reads) sed -n 's/.*": \([0-9]*\) reads.*/\1/p' <<<"$line" ;;
  failed) sed -n 's/.* reads, \([0-9]*\) failed.*/\1/p' <<<"$line" ;;
  max) sed -n 's/.*wall max \([0-9.]*\) s.*/\1/p' <<<"$line" ;;
  mean) sed -n 's/.*wall max [0-9.]* s mean \([0-9.]*\) s.*/\1/p' <<<"$line" ;;
  cpu) sed -n 's/.*cpu total \([0-9.]*\) s.*/\1/p' <<<"$line" ;;
  bound) sed -n 's/.*bound \([0-9.]*\) s\..*/\1/p' <<<"$line" ;;
  esac
}

# Record a figure for docs/reliability.md (FL_FIGURES=file) and as a diag.
fl_figure() {
  diag "FIGURE $*"
  [ -n "$FL_FIGURES" ] && echo "$IT_NAME $*" >>"$FL_FIGURES"
  return 0
}

# BOUND is the documented one; like cdutil's warning, allow a slack of
# max(10 %, 100 ms) for scheduling on a loaded machine.
fl_check_bound() { # NAME BOUND [FAULT]
  local max reads lim
  max=$(fl_read_stat "$1" max)
  reads=$(fl_read_stat "$1" reads)
  [ -n "$max" ] || max=missing
  lim=$(awk -v b="$2" 'BEGIN { s = b / 10; if (s < 0.1) s = 0.1; printf "%.3f", b + s }')
  ok "$(awk -v m="$max" -v b="$lim" 'BEGIN { exit !(m != "missing" && m + 0 <= b + 0) }' && echo 0 || echo 1)" \
    "$1: max read duration $max s <= bound $2 s + slack = $lim s ($reads reads)"
  fl_figure "read $1 fault=${3:-none} max_s=$max bound_s=$2 reads=$reads failed=$(fl_read_stat "$1" failed) cpu_s=$(fl_read_stat "$1" cpu)"
}

fl_check_outage() { # DESC FILE KILL BACK
  local lo nums nans
  lo=$(awk -v t="$3" 'BEGIN { printf "%.3f", t + 1.5 }')
  read -r nums nans < <(fl_between "$2" "$lo" "$4")
  ok "$([ "${nums:-1}" -eq 0 ] && [ "${nans:-0}" -ge 1 ] && echo 0 || echo 1)" \
    "$1 while the peer is down: $nans NaN rows, $nums numbers (no stale value)"
}

# Recovery: the first numeric row after BACK comes within 2 intervals plus
# the back-off collectd had reached for the read callback NAME or, when
# longer, the read loop's stall on a loaded host (csv_stall).
# EXTRA: the plugin's own documented reconnect delay, used instead of the
# back-off when larger (gpsd: ReconnectInterval + one receiver cycle).
fl_check_recovery() { # DESC FILE-PATTERN BACK NAME LINE [INTERVAL] [EXTRA]
  local iv=${6:-1} ex=${7:-0} susp d lim
  susp=$(fl_suspended "$4" "$5")
  d=$(fl_wait_fresh "$2" "$3" 30) || d=none
  # A back-off is a gap in the rows too: the larger of the two counts.
  lim=$(awk -v i="$iv" -v s="$susp" -v e="$ex" -v g="$(csv_stall "$2-*" "$3" "$iv")" 'BEGIN { if (e > s) s = e
    s = s > i ? s : 0; printf "%.3f", 2 * i + (g > s ? g : s) }')
  ok "$(awk -v d="$d" -v l="$lim" 'BEGIN { exit !(d != "none" && d + 0 <= l + 0.5) }' && echo 0 || echo 1)" \
    "$1: fresh values ${d} s after the peer is back (limit $lim s = 2 intervals + back-off max($susp, $ex) s or the read loop's stall)"
  fl_figure "recovery $4 delay_s=$d backoff_s=$susp limit_s=$lim"
}

fl_check_log_quiet() { # DESC REGEX FROM TO OUTAGE_S (notifications excluded)
  local n max
  n=$(sed -n "$3,${4}p" "$T/collectd.log" | grep -v 'Notification:' | grep -cE "$2")
  max=$(awk -v o="$5" 'BEGIN { m = 1; while (2 ^ m <= o) m++; print m }')
  ok "$([ "$n" -ge 1 ] && [ "$n" -le "$max" ] && echo 0 || echo 1)" \
    "$1: $n error line(s) in a $5 s outage (1 .. $max allowed: c_complain back-off, not one per interval)"
  sed -n "$3,${4}p" "$T/collectd.log" | grep -v 'Notification:' | grep -E "$2" | head -n 5 | sed 's/^/#   /'
}

# collectd keeps dispatching FILE-PATTERN (another instance) in LO..HI.
fl_check_alive() { # DESC FILE-PATTERN LO HI MIN
  local nums nans
  read -r nums nans < <(fl_between "$(fl_csv "$2")" "$3" "$4")
  ok "$([ $((nums + nans)) -ge "$5" ] && echo 0 || echo 1)" \
    "$1: $((nums + nans)) rows during the fault (>= $5)"
}

fl_collectd_alive() {
  kill -0 "$CD_PID" 2>/dev/null
  ok $? "collectd (pid $CD_PID) still running after the faults"
}
