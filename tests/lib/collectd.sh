# shellcheck shell=bash
# collectd.sh - run our plugins inside the real collectd daemon and read back
# what it wrote.  Sourced by every shell test (tests/integration, scenarios,
# faults, e2e) and by scripts/run.sh and scripts/soak.sh; sources assert.sh.
# Peers (gpsd, ntpd, chronyd, DCF77, PPS, Ceph ...) are in peers.sh.
#
#   it_begin NAME            temp dir $T, cleanup trap (by PID), TAP counters
#   it_track_pid PID         kill PID at exit (TERM, then KILL after 5 s)
#   need CMD...              skip_all unless every CMD is on PATH
#   it_lock NAME             serialise tests sharing a peer (ntpd: port 123)
#   free_ports N / free_port N distinct unused TCP ports on 127.0.0.1;
#                            free_udp_ports N / free_udp_port: UDP
#   wait_port PORT SECS      wait until something listens on 127.0.0.1:PORT
#   conf_fill FRAG KEY=VAL... tests/conf/FRAG.conf with every @KEY@ replaced
#   collectd_start CONF [STOCK]  write $T/collectd.conf (tests/conf/core.conf:
#                            Interval 1, logfile, csv into $T/csv, unixsock;
#                            STOCK: lines loading more stock plugins, e.g.
#                            threshold; then our PluginDir and CONF); start it
#   collectd_stop            stop it (TERM, KILL after 10 s)
#   csv_wait PATTERN SECS    wait until a csv file matching PATTERN (under
#                            $T/csv/HOST/) has a data row; prints its path
#   csv_last FILE [COL]      last value (column COL, default 2) of a csv file
#   csv_rows FILE / getval ID (asked again while a stalled read loop has
#                            let the value drop out of collectd's cache)
#   csv_until FILE VALUE SECS  wait until the last row of FILE holds VALUE
#   csv_cat PATTERN          every row of the csv files matching PATTERN (the
#                            csv plugin writes one file per day), in order
#   csv_reads PATTERN N SECS [SINCE]  wait until N rows of PATTERN are
#                            timed after SINCE (s, default now): N more
#                            reads, however long a loaded host makes them
#                            take (instead of sleeping N intervals)
#   cd_freeze N SECS PATTERN  stop collectd (SIGSTOP) N times for SECS s,
#                            as a starved or swapping host stops it, each
#                            time until 3 rows of PATTERN follow; asserts
#                            that the read loop did stall; CD_FROZE_AT is
#                            when it began
#   csv_after T0 PATTERN     the rows of PATTERN timed after T0 (s)
#   csv_stall PATTERN T0 [IV]  the longest stall (s, one decimal) of
#                            collectd's read loop since T0: the largest gap
#                            between consecutive rows of a series written
#                            every IV s (default 1), less IV; 0.0 if none
#   collectd_log_clean       assert: no "type/plugin not found" lines
#   it_end                   print the plan, exit 0/1
# Failure scenarios (the stock threshold plugin, examples/thresholds.conf):
#   scen_netns "$@"           re-exec the script in a private network
#                             namespace (own loopback, own port 123)
#   scen_collectd_start CONF  collectd_start CONF + the stock threshold
#                             plugin + Include examples/thresholds.conf
#   scen_thresholds_conf      the same as lines for collectd_start's STOCK
#   scen_now                  seconds since the epoch, ns resolution
#   scen_wait_note REGEX SECS T0 [BASE]  wait until more than BASE
#                             (default 0) notification lines match REGEX;
#                             prints seconds since T0 (0.1 s steps, or the
#                             line's timestamp + 1 s if that is earlier).  The
#                             threshold plugin sends an OKAY for every
#                             watched series at start: pass the count from
#                             before the recovery as BASE when waiting for
#                             an OKAY.
#   scen_fault_time NAME SECS print "# fault->notification: SECS s (NAME)"
#   scen_notes_at_least SEV   notification lines of severity SEV or worse
#                             (sc_alerts: a stalled read loop's "has not
#                             been updated" FAILUREs not counted)
#   notifications_matching REGEX  count of notification lines
#   sc_wait_notification SECS REGEX  poll collectd's log every 0.1 s until a
#                             notification matching REGEX is there; 0 if it
#                             came
#   sc_elapsed T0             seconds since T0 (one decimal)
#   sc_wait_all SECS T0 NAME=REGEX...  poll the log every 0.1 s for all
#                             patterns at once; sets SC_DT[NAME] to the
#                             seconds from T0 to the first sight of each
#                             (unset if never)
#   sc_wait_count SECS N REGEX  until at least N notifications match
#   sc_line_of REGEX          log line number of the first notification
#                             matching REGEX (empty if none)
#   sc_alerts                 notifications at WARNING or FAILURE level,
#                             less those sc_stall_missing explains (each
#                             named in a diagnostic line on stderr)
#   sc_stall_missing          the threshold plugin's "has not been updated"
#                             FAILUREs a stalled read loop explains: no csv
#                             row of any series is timed in the second before
#                             the line (collectd read nothing at all; a value
#                             whose plugin alone stopped still counts)
# Environment from `make check`: TOP_SRCDIR, TOP_BUILDDIR, COLLECTD_BIN.

set -u
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
TOP_BUILDDIR=${TOP_BUILDDIR:-$TOP_SRCDIR}
COLLECTD_BIN=${COLLECTD_BIN:-$(command -v collectd || echo /usr/sbin/collectd)}
CD_HOST=it-host
STOCK_PLUGINDIR=${STOCK_PLUGINDIR:-/usr/lib/collectd}
STOCK_TYPESDB=${STOCK_TYPESDB:-/usr/share/collectd/types.db}
TEST_CONF=$TOP_SRCDIR/tests/conf
# shellcheck source=tests/lib/assert.sh
. "$TOP_SRCDIR/tests/lib/assert.sh"

_pids=()

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

# need CMD...: skip_all unless every CMD is on PATH.
need() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null || skip_all "$c not installed (scripts/deps.sh test)"
  done
}

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
# free_udp_ports N / free_udp_port: the same for UDP (chronyd's cmdport).
free_udp_ports() {
  python3 -c 'import socket,sys
s=[socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(int(sys.argv[1]))]
for x in s: x.bind(("127.0.0.1", 0))
print("\n".join(str(x.getsockname()[1]) for x in s))' "$1"
}
free_udp_port() { free_udp_ports 1; }

it_lock() {
  exec 9>"/tmp/cds-lock-$1"
  flock -w 900 9 || { echo "# could not get lock $1"; exit 1; }
}

# The directory holding our built NAME.so files (libtool's .libs).
our_plugindir() { echo "$TOP_BUILDDIR/plugins/.libs"; }

# conf_fill FRAG KEY=VALUE...: tests/conf/FRAG.conf without its comment
# lines, each @KEY@ replaced by VALUE (STOCK_PLUGINDIR and OUR_PLUGINDIR are
# always known).
conf_fill() {
  local text kv
  text=$(grep -v '^#' "$TEST_CONF/$1.conf")
  shift
  for kv in STOCK_PLUGINDIR="$STOCK_PLUGINDIR" OUR_PLUGINDIR="$(our_plugindir)" "$@"; do
    text=${text//"@${kv%%=*}@"/"${kv#*=}"}
  done
  printf '%s\n' "$text"
}

wait_port() {
  local port=$1 secs=${2:-20}
  for _ in $(seq $((secs * 10))); do
    python3 -c 'import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))))' "$port" && return 0
    sleep 0.1
  done
  return 1
}

collectd_start() {
  local extra=$1 stock=${2:-} tdb
  tdb="\"$STOCK_TYPESDB\""
  for f in "$TOP_SRCDIR"/types.db.d/*.db; do tdb="$tdb \"$f\""; done
  mkdir -p "$T/csv"
  {
    conf_fill core HOST="$CD_HOST" T="$T" TYPESDB="$tdb" STOCK_PLUGINDIR="$STOCK_PLUGINDIR"
    printf '%s\nPluginDir "%s"\n%s\n' "$stock" "$(our_plugindir)" "$extra"
  } >"$T/collectd.conf"
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

csv_until() {
  for _ in $(seq $(($3 * 5))); do
    [ "$(csv_last "$1")" = "$2" ] && return 0
    sleep 0.2
  done
  return 1
}

csv_cat() { cat "$T/csv/$CD_HOST/"$1 2>/dev/null; }

csv_reads() {
  local since=${4:-$(date +%s.%N)}
  for _ in $(seq $(($3 * 5))); do
    csv_cat "$1" | awk -F, -v s="$since" -v n="$2" '$1 + 0 > s + 0 { c++ } END { exit !(c >= n) }' && return 0
    sleep 0.2
  done
  return 1
}

cd_freeze() {
  local i
  CD_FROZE_AT=$(date +%s.%N)
  for i in $(seq "$1"); do
    kill -STOP "$CD_PID"
    sleep "$2"
    kill -CONT "$CD_PID"
    csv_reads "$3" 3 20
  done
  CD_FROZE=$(csv_stall "$3" "$CD_FROZE_AT")
  ok "$(awk -v s="$CD_FROZE" 'BEGIN { exit !(s >= 4) }'; echo $?)" \
    "the read loop stalled (longest gap between rows $CD_FROZE s beyond the interval)"
}

# csv_after T0 PATTERN: the rows of PATTERN timed after T0.
csv_after() { csv_cat "$2" | awk -F, -v t0="$1" '$1 + 0 > t0'; }

csv_stall() {
  csv_cat "$1" | awk -F, -v t0="$2" -v iv="${3:-1}" '
    $1 + 0 > 0 { if (p != "" && $1 + 0 >= t0) { g = $1 - p - iv; if (g > m) m = g }
                 p = $1 }
    END { printf "%.1f", m + 0 }'
}

# getval IDENTIFIER: current value through the unixsock plugin (collectdctl).
# collectd drops a value from its cache once it is older than Timeout (2)
# intervals, so while a loaded host stalls the read loop GETVAL finds
# nothing: asked again (up to GETVAL_SECS, 20 s) until the next read puts it
# back, while collectd runs.  Empty output if it never comes.
getval() {
  local out
  for _ in $(seq $((${GETVAL_SECS:-20} * 5))); do
    out=$(collectdctl -s "$T/collectd.sock" getval "$CD_HOST/$1" 2>/dev/null) && [ -n "$out" ] &&
      { echo "$out"; return 0; }
    [ -n "${CD_PID:-}" ] && kill -0 "$CD_PID" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

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

it_end() {
  if [ "${CDS_SANITIZED:-0}" = 1 ] || [ "${CDS_VALGRIND:-0}" = 1 ]; then
    [ -n "${CD_PID:-}" ] && collectd_stop >/dev/null 2>&1
    check_memory_reports
  fi
  if [ "$_tap_failed" -ne 0 ] && [ -f "${T:-/nonexistent}/collectd.log" ]; then
    echo "# --- collectd.log (last 30 lines)"
    tail -n 30 "$T/collectd.log" | sed 's/^/# /'
  fi
  tap_plan
}

# --- failure scenarios

scen_netns() {
  if [ -z "${SCEN_IN_NETNS:-}" ]; then
    [ "$(id -u)" = 0 ] || skip_all "needs root (network namespace)"
    command -v unshare >/dev/null || skip_all "unshare (util-linux) missing"
    SCEN_IN_NETNS=1 exec unshare -n "$0" "$@"
  fi
  ip link set lo up 2>/dev/null || skip_all "cannot bring up loopback in the namespace (iproute2)"
}

SCEN_THRESHOLDS=$TOP_SRCDIR/examples/thresholds.conf

scen_collectd_start() {
  [ -f "$STOCK_PLUGINDIR/threshold.so" ] || skip_all "collectd's threshold plugin not installed"
  collectd_start "$1
$(scen_thresholds_conf)"
}

scen_now() { date +%s.%N; }

scen_wait_note() {
  local re=$1 secs=$2 t0=$3 base=${4:-0}
  for _ in $(seq $((secs * 10))); do
    if [ "$(notifications_matching "$re")" -gt "$base" ]; then
      # The line may have been logged well before this wait began (another
      # wait ran first): its timestamp (whole seconds, so the true time is
      # below ts + 1) bounds the delay too; report the tighter bound.
      local ts
      ts=$(grep -E "Notification: .*$re" "$T/collectd.log" | sed -n "$((base + 1))s/^\[\([0-9-]* [0-9:]*\)\].*/\1/p")
      ts=$(date -d "$ts" +%s 2>/dev/null || echo 0)
      awk -v a="$(scen_now)" -v b="$t0" -v l="$ts" 'BEGIN {
        d = a - b; if (l > 0 && l + 1 - b < d) d = l + 1 - b; if (d < 0) d = 0
        printf "%.1f\n", d }'
      return 0
    fi
    sleep 0.1
  done
  echo "timeout"
  return 1
}

scen_fault_time() { echo "# fault->notification: $2 s ($1)"; }

scen_notes_at_least() {
  case $1 in
    WARNING) sc_alerts | grep -c . ;;
    FAILURE) sc_alerts | grep -c 'severity = FAILURE' ;;
  esac
}

scen_thresholds_conf() { conf_fill thresholds THRESHOLDS="$SCEN_THRESHOLDS"; }

sc_elapsed() { awk -v a="$1" -v b="$(scen_now)" 'BEGIN { printf "%.1f", b - a }'; }

sc_wait_notification() {
  local secs=$1 re=$2
  for _ in $(seq $((secs * 10))); do
    grep -qE "Notification: .*$re" "$T/collectd.log" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

declare -A SC_DT
sc_wait_all() {
  local secs=$1 t0=$2 kv left
  shift 2
  for _ in $(seq $((secs * 10))); do
    left=0
    for kv in "$@"; do
      [ -n "${SC_DT[${kv%%=*}]:-}" ] && continue
      if grep -qE "Notification: .*${kv#*=}" "$T/collectd.log" 2>/dev/null; then
        SC_DT[${kv%%=*}]=$(sc_elapsed "$t0")
      else
        left=1
      fi
    done
    [ $left = 0 ] && return 0
    sleep 0.1
  done
  return 1
}

sc_wait_count() {
  local secs=$1 n=$2 re=$3
  for _ in $(seq $((secs * 10))); do
    [ "$(grep -cE "Notification: .*$re" "$T/collectd.log" 2>/dev/null)" -ge "$n" ] && return 0
    sleep 0.1
  done
  return 1
}

sc_line_of() {
  grep -nE "Notification: .*$1" "$T/collectd.log" 2>/dev/null | head -n 1 | cut -d: -f1
}

sc_alerts() {
  local ex
  ex=$(sc_stall_missing)
  if [ -z "$ex" ]; then
    grep -E 'Notification: severity = (WARNING|FAILURE)' "$T/collectd.log" 2>/dev/null
  else
    echo "$ex" | sed 's/^.*message = /# a stalled read loop, not a plugin: /' >&2
    grep -E 'Notification: severity = (WARNING|FAILURE)' "$T/collectd.log" 2>/dev/null | grep -vxF -f <(echo "$ex")
  fi
}

sc_stall_missing() {
  local m
  m=$(grep -E 'Notification: severity = FAILURE, .*has not been updated for' "$T/collectd.log" 2>/dev/null) || return 0
  {
    echo "$m" | while IFS= read -r l; do
      echo "N $(date -d "$(sed -n 's/^\[\([0-9-]* [0-9:]*\)\].*/\1/p' <<<"$l")" +%s 2>/dev/null || echo 0) $l"
    done
    cat "$T/csv/$CD_HOST"/*/* 2>/dev/null | awk -F, '$1 + 0 > 0 { print "R " $1 }'
  } | awk 'BEGIN { n = 0; m = 0 } $1 == "R" { r[n++] = $2 + 0; next }
      { q[m] = $2 + 0; l[m++] = substr($0, length($1) + length($2) + 3) }
      END { for (i = 0; i < m; i++) { busy = 0
              for (j = 0; j < n && !busy; j++) if (r[j] > q[i] - 1 && r[j] < q[i]) busy = 1
              if (!busy && q[i] > 0) print l[i] } }'
}
