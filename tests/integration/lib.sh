# shellcheck shell=bash
# lib.sh - run our plugins inside the real collectd daemon and read back
# what it wrote.  Sourced by tests/integration/*.sh, which print TAP.
#
#   it_begin NAME            temp dir $T, cleanup trap, TAP counters
#   collectd_start CONF [STOCK]  write $T/collectd.conf (Interval 1,
#                            logfile, csv into $T/csv, unixsock; STOCK: lines
#                            loading more stock plugins, e.g. threshold; then
#                            our PluginDir and CONF); start it
#   csv_wait PATTERN SECS    wait until a csv file matching PATTERN (under
#                            $T/csv/HOST/) has a data row; prints its path
#   csv_last FILE [COL]      last value (column COL, default 2) of a csv file
#   collectd_log_clean       assert: no "type/plugin not found" lines
#   ok COND-RC DESC | is A B DESC | near A B TOL DESC | skip_all REASON
#   it_lock NAME             serialise tests sharing a peer (ntpd: port 123)
#   it_end                   print the plan, exit 0/1
#   gpsd_require             skip_all unless gpsd (PATH or /usr/sbin) and python3
#   gpsd_feed PORT LOG DELAY [SWITCH]  gpsd_feed.py: tests/data/gpsd/LOG as a
#                            live receiver on 127.0.0.1:PORT, each epoch DELAY
#                            s after the second; 0 once it listens (5 s max)
#   gpsd_start PORT DEVPORT...  a real gpsd (-N -n -b, control socket
#                            $T/gpsd.sock, log $T/gpsd.log) on PORT reading
#                            tcp://127.0.0.1:DEVPORT... (binary: $GPSD, else
#                            gpsd on PATH or /usr/sbin/gpsd); sets GPSD_PID
#   gpsd_conf PORT F1 F2 [PLUGIN-LINES [SERVER-LINES]]  the gpsd plugin's
#                            config: <Server "live"> on PORT (MaxAge 3),
#                            receivers "hab" (feed F1) and "garmin" (F2)
# Environment from `make check`: TOP_SRCDIR, TOP_BUILDDIR, COLLECTD_BIN.

set -u
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
TOP_BUILDDIR=${TOP_BUILDDIR:-$TOP_SRCDIR}
COLLECTD_BIN=${COLLECTD_BIN:-$(command -v collectd || echo /usr/sbin/collectd)}
CD_HOST=it-host
STOCK_PLUGINDIR=${STOCK_PLUGINDIR:-/usr/lib/collectd}
STOCK_TYPESDB=${STOCK_TYPESDB:-/usr/share/collectd/types.db}

_tap_n=0
_tap_failed=0
_pids=()

ok() { # ok RC DESC: RC 0 = pass
  _tap_n=$((_tap_n + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $_tap_n - $2"
  else
    echo "not ok $_tap_n - $2"
    _tap_failed=$((_tap_failed + 1))
  fi
}
is() { # is ACTUAL EXPECTED DESC
  if [ "$1" = "$2" ]; then ok 0 "$3"; else
    ok 1 "$3"
    echo "# got '$1', expected '$2'"
  fi
}
near() { # near ACTUAL EXPECTED TOL DESC (numbers; nan equals nan)
  if awk -v a="$1" -v e="$2" -v t="$3" 'BEGIN {
       if (a == "nan" || e == "nan") exit !(a == e);
       d = a - e; if (d < 0) d = -d; exit !(d <= t) }'; then
    ok 0 "$4"
  else
    ok 1 "$4"
    echo "# got '$1', expected '$2' +- $3"
  fi
}
diag() { echo "# $*"; }
skip_all() {
  echo "1..0 # SKIP $*"
  exit 0
}

it_cleanup() {
  local p
  for p in "${_pids[@]}"; do
    kill "$p" 2>/dev/null
  done
  for p in "${_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  if [ "${KEEP_TMP:-0}" = 1 ]; then echo "# kept $T"; else rm -rf "$T"; fi
}

it_begin() {
  IT_NAME=$1
  [ -x "$COLLECTD_BIN" ] || skip_all "collectd daemon not installed (run scripts/deps.sh test)"
  T=$(mktemp -d "${TMPDIR:-/tmp}/cds-it-$IT_NAME.XXXXXX")
  trap it_cleanup EXIT
  trap 'exit 1' INT TERM
}

it_track_pid() { _pids+=("$1"); }

# it_lock NAME: hold a machine-wide lock until the test exits, for peers
# that cannot run twice at once (ntpd binds the wildcard port 123: every
# test that starts ntpd calls `it_lock ntpd`).  Waits up to 15 minutes.
# free_ports N: N distinct TCP ports unused on 127.0.0.1 right now (all bound
# at once, so they differ), one per line; free_port: one.  Fixed ports made
# two tests collide when make check ran them together.
free_ports() {
  python3 -c 'import socket,sys
s=[socket.socket() for _ in range(int(sys.argv[1]))]
for x in s: x.bind(("127.0.0.1", 0))
print("\n".join(str(x.getsockname()[1]) for x in s))' "$1"
}
free_port() { free_ports 1; }

it_lock() {
  exec 9>"/tmp/cds-lock-$1"
  flock -w 900 9 || { echo "# could not get lock $1"; exit 1; }
}

# The directory holding our built NAME.so files (libtool's .libs).
our_plugindir() { echo "$TOP_BUILDDIR/plugins/.libs"; }

collectd_start() {
  local extra=$1 stock=${2:-} tdb
  tdb="\"$STOCK_TYPESDB\""
  for f in "$TOP_SRCDIR"/types.db.d/*.db; do tdb="$tdb \"$f\""; done
  mkdir -p "$T/csv"
  cat >"$T/collectd.conf" <<CONF
Hostname "$CD_HOST"
FQDNLookup false
Interval 1
BaseDir "$T"
PIDFile "$T/collectd.pid"
TypesDB $tdb
PluginDir "$STOCK_PLUGINDIR"
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$T/collectd.log"
  Timestamp true
  PrintSeverity true
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "$T/csv"
  StoreRates false
</Plugin>
LoadPlugin unixsock
<Plugin unixsock>
  SocketFile "$T/collectd.sock"
</Plugin>
$stock
PluginDir "$(our_plugindir)"
$extra
CONF
  "$COLLECTD_BIN" -t -C "$T/collectd.conf" >"$T/configtest.out" 2>&1 ||
    { sed 's/^/# /' "$T/configtest.out"; }
  local wrap=()
  if [ "${CDS_SANITIZED:-0}" = 1 ]; then
    # ASan/UBSan-built plugins inside the stock daemon: preload the runtimes.
    # Leak checking is valgrind's job (collectd itself leaks at exit).
    wrap=(env "LD_PRELOAD=$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
      "ASAN_OPTIONS=detect_leaks=0:log_path=$T/asan"
      "UBSAN_OPTIONS=print_stacktrace=1:log_path=$T/ubsan")
  elif [ "${CDS_VALGRIND:-0}" = 1 ]; then
    wrap=(valgrind --log-file="$T/valgrind.log" --leak-check=full
      --errors-for-leak-kinds=definite --num-callers=30)
  fi
  "${wrap[@]}" "$COLLECTD_BIN" -f -C "$T/collectd.conf" >"$T/collectd.stdout" 2>&1 &
  CD_PID=$!
  it_track_pid "$CD_PID"
}

collectd_stop() {
  kill "$CD_PID" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$CD_PID" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$CD_PID" 2>/dev/null
  return 1
}

# csv_wait 'timex/time_offset-offset-*' 10
csv_wait() {
  local pattern=$1 secs=${2:-10} f
  for _ in $(seq $((secs * 10))); do
    for f in "$T"/csv/"$CD_HOST"/$pattern; do
      if [ -f "$f" ] && [ "$(wc -l <"$f")" -ge 2 ]; then
        echo "$f"
        return 0
      fi
    done
    sleep 0.1
  done
  return 1
}

csv_last() { tail -n 1 "$1" | cut -d, -f"${2:-2}"; }

# csv_rows FILE: number of data rows.
csv_rows() { echo $(($(wc -l <"$1") - 1)); }

# getval IDENTIFIER: current value through the unixsock plugin (collectdctl).
getval() { collectdctl -s "$T/collectd.sock" getval "$CD_HOST/$1" 2>/dev/null; }

collectd_log_clean() {
  local bad
  bad=$(grep -E 'Could not find plugin|Dataset not found|check your types.db|Unknown type|Found a configuration for the|plugin_load: Load plugin .* failed|dlopen' "$T/collectd.log" "$T/collectd.stdout" 2>/dev/null)
  ok "$([ -z "$bad" ] && echo 0 || echo 1)" "collectd log has no missing-type or missing-plugin lines"
  [ -z "$bad" ] || echo "$bad" | sed 's/^/# /'
}

# notifications_matching REGEX: count notification lines in collectd's log.
notifications_matching() {
  grep -cE "Notification: .*$1" "$T/collectd.log" 2>/dev/null || true
}

# Under --sanitize / --valgrind: the daemon run must be clean in our code.
check_memory_reports() {
  if [ "${CDS_SANITIZED:-0}" = 1 ]; then
    local reports
    reports=$(cat "$T"/asan.* "$T"/ubsan.* 2>/dev/null)
    ok "$([ -z "$reports" ] && echo 0 || echo 1)" "no ASan/UBSan report from the daemon run"
    [ -z "$reports" ] || echo "$reports" | head -n 40 | sed 's/^/# /'
  elif [ "${CDS_VALGRIND:-0}" = 1 ] && [ -f "$T/valgrind.log" ]; then
    # Errors and definitely-lost blocks whose stack passes through our code.
    local ours names
    names=$(cd "$TOP_SRCDIR" && ls plugins/*.c common/*.c 2>/dev/null | xargs -n1 basename | sed 's/\./\\./' | paste -sd'|')
    ours=$(awk -v re="\\((${names}):[0-9]+\\)|plugins/\\.libs/" '/^==[0-9]+== *$/ { if (blk ~ re) print blk; blk=""; next }
                { blk = blk "\n" $0 }' "$T/valgrind.log" | grep -E 'Invalid|uninitialised|definitely lost|Mismatched|overlap' )
    ok "$([ -z "$ours" ] && echo 0 || echo 1)" "valgrind: no error and no definitely-lost block in our code"
    [ -z "$ours" ] || grep -A 25 -E 'Invalid|uninitialised|definitely lost' "$T/valgrind.log" | head -n 60 | sed 's/^/# /'
  fi
}

gpsd_require() {
  local c
  for c in gpsd python3; do
    command -v $c >/dev/null || [ -x /usr/sbin/$c ] ||
      skip_all "$c not installed (scripts/deps.sh test)"
  done
}

gpsd_feed() {
  rm -f "$T/feed-$1.ready"
  python3 "$TOP_SRCDIR/tests/integration/gpsd_feed.py" "$1" "$TOP_SRCDIR/tests/data/gpsd/$2" "$3" \
    "$T/feed-$1.ready" ${4:+"$4"} >"$T/feed-$1.log" 2>&1 &
  it_track_pid $!
  for _ in $(seq 50); do [ -f "$T/feed-$1.ready" ] && return 0; sleep 0.1; done
  return 1
}

gpsd_start() {
  local port=$1 p devs=()
  shift
  for p in "$@"; do devs+=("tcp://127.0.0.1:$p"); done
  "${GPSD:-$(command -v gpsd || echo /usr/sbin/gpsd)}" -N -n -b -S "$port" -F "$T/gpsd.sock" \
    "${devs[@]}" >>"$T/gpsd.log" 2>&1 &
  GPSD_PID=$!
  it_track_pid "$GPSD_PID"
}

# gpsfake_start PORT PACE LOG...: gpsfake replaying LOGs (looping, PACE s
# between sentences; -n: gpsd reads the ptys without waiting for a client)
# into the gpsd it starts on PORT.  Sets GPSFAKE_GPSD to that gpsd's pid
# (empty if it did not start within 5 s: returns 1).
gpsfake_start() {
  local port=$1 pace=$2 gf
  shift 2
  gpsfake -n -q -c "$pace" -P "$port" "$@" >"$T/gpsfake.out" 2>&1 &
  gf=$!
  it_track_pid "$gf"
  GPSFAKE_GPSD=
  for _ in $(seq 50); do
    GPSFAKE_GPSD=$(pgrep -P "$gf" -x gpsd | head -n 1)
    [ -n "$GPSFAKE_GPSD" ] && break
    sleep 0.1
  done
  [ -n "$GPSFAKE_GPSD" ] || return 1
  it_track_pid "$GPSFAKE_GPSD"
}

gpsd_conf() {
  echo "LoadPlugin gpsd
<Plugin gpsd>${4:+
$4}
  <Server \"live\">
    Host \"127.0.0.1\"
    Port $1
    MaxAge 3${5:+
$5}
    <Receiver \"hab\">
      Device \"tcp://127.0.0.1:$2\"
    </Receiver>
    <Receiver \"garmin\">
      Device \"tcp://127.0.0.1:$3\"
    </Receiver>
  </Server>
</Plugin>"
}

it_end() {
  if [ "${CDS_SANITIZED:-0}" = 1 ] || [ "${CDS_VALGRIND:-0}" = 1 ]; then
    [ -n "${CD_PID:-}" ] && collectd_stop >/dev/null 2>&1
    check_memory_reports
  fi
  if [ "$_tap_failed" -ne 0 ] && [ -f "${T:-/nonexistent}/collectd.log" ]; then
    echo "# --- collectd.log (last 30 lines)"
    tail -n 30 "$T/collectd.log" | sed 's/^/# /'
  fi
  echo "1..$_tap_n"
  [ "$_tap_failed" -eq 0 ]
}
