#!/bin/bash
# The timing helpers of the shell tests' library (tests/lib/collectd.sh,
# scenario.sh, timecheck.sh) on csv rows written here, as collectd's csv
# plugin writes them ("epoch,value", one file per day).  These decide
# whether a real-daemon test blames the plugin or a host that starved
# collectd: a CI run once failed a LeapHold bound because collectd's read
# loop stalled for about 9 s (30 reads in 39 s).
. "$(dirname "$0")/lib/collectd.sh"
. "$(dirname "$0")/lib/scenario.sh"
. "$(dirname "$0")/lib/timecheck.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/cds-lib.XXXXXX")
trap 'rm -rf "$T"' EXIT
D=$T/csv/$CD_HOST
mkdir -p "$D/p" "$D/timecheck"

# rows FILE T0 VALUE DT...: a header, a row at T0, then one more after
# each DT (s), all with VALUE.
rows() {
  local f=$1 t=$2 v=$3
  shift 3
  echo "epoch,value" >"$f"
  echo "$t,$v" >>"$f"
  for dt in "$@"; do
    t=$(awk -v t="$t" -v d="$dt" 'BEGIN { printf "%.3f", t + d }')
    echo "$t,$v" >>"$f"
  done
}

# ---- csv_stall: the largest gap less the interval, since T0, across days
rows "$D/p/gauge-x-2026-12-02" 1000.000 1 1 1 1
rows "$D/p/gauge-x-2026-12-03" 1004.050 1 1 8 1 1
is "$(csv_stall 'p/gauge-x-*' 999)" 7.0 "csv_stall: an 8 s gap at 1 s reads is a 7.0 s stall"
is "$(csv_stall 'p/gauge-x-*' 1014)" 0.0 "csv_stall: none since a later T0"
is "$(csv_stall 'p/gauge-x-*' 999 2)" 6.0 "csv_stall: less the interval given (2 s)"
rows "$D/p/gauge-y-2026-12-02" 1000.000 1 1 1
rows "$D/p/gauge-y-2026-12-03" 1006.000 1 1
is "$(csv_stall 'p/gauge-y-*' 999)" 3.0 "csv_stall: the gap between two days' files counts"
is "$(csv_stall 'p/none-*' 999)" 0.0 "csv_stall: no file, no stall"

# ---- csv_reads: N rows timed after SINCE, across days; waits at most SECS
csv_reads 'p/gauge-x-*' 6 1 1002.5; is $? 0 "csv_reads: 6 rows after 1002.5 (both days' files)"
csv_reads 'p/gauge-x-*' 3 1 1010; is $? 0 "csv_reads: 3 rows after 1010 (the stall's 8 s gap holds none)"
csv_reads 'p/gauge-x-*' 4 1 1010; is $? 1 "csv_reads: not 4 rows after 1010 (gives up after SECS)"
csv_reads 'p/none-*' 1 1 0; is $? 1 "csv_reads: no file, no row"

# ---- getval: asked again while the value is out of collectd's cache (a
# stand-in collectdctl fails twice, as GETVAL does for a value older than
# Timeout intervals, then answers); at once empty once collectd is gone
mkdir -p "$T/bin"
cat >"$T/bin/collectdctl" <<'FAKE'
#!/bin/sh
n=$(cat "$T/calls" 2>/dev/null || echo 0); echo $((n + 1)) >"$T/calls"
[ "$n" -ge 2 ] || { echo "ERROR: No such value" >&2; exit 1; }
echo "value=1.5"
FAKE
chmod +x "$T/bin/collectdctl"
export T
sleep 60 & CD_PID=$!
is "$(PATH=$T/bin:$PATH getval p/gauge-x)" value=1.5 "getval: the value once it is back in the cache"
is "$(cat "$T/calls")" 3 "getval: asked 3 times (2 misses)"
kill $CD_PID; wait $CD_PID 2>/dev/null
echo 0 >"$T/calls"
s0=$(date +%s)
is "$(PATH=$T/bin:$PATH getval p/gauge-x)" "" "getval: nothing while collectd is not running"
ok "$([ $(($(date +%s) - s0)) -le 1 ] && [ "$(cat "$T/calls")" = 1 ] && echo 0 || echo 1)" "getval: ... without waiting (asked once)"
unset CD_PID

# ---- scen_run_start: a NaN row (a stale voter) restarts the run
SCEN_T0=2000
{
  echo "epoch,value"
  printf '%s\n' 2000.5,0 2001.5,1 2002.5,1 2003.5,nan 2012.5,1 2013.5,1 2030.5,1
} >"$D/p/bool-a-2026-12-03"
SCEN_DT=15
is "$(scen_run_start 'p/bool-a-*' '$2 == 1')" 12.5 "scen_run_start: the run after the NaN row"
SCEN_DT=2.8
is "$(scen_run_start 'p/bool-a-*' '$2 == 1')" 1.5 "scen_run_start: only rows up to the notification"
is "$(scen_run_start 'p/bool-a-*' '$2 > 0.5')" 1.5 "scen_run_start: 'nan' never meets a numeric COND"
SCEN_DT=0.7
is "$(scen_run_start 'p/bool-a-*' '$2 == 1')" "" "scen_run_start: empty if the plugin never saw it"

# ---- scen_latency / scen_held: a stall widens the bound, nothing else does
# (their TAP lines are read from a subshell; its counters are its own)
passes() { case "$("$@" | grep -E '^(not )?ok')" in ok*) echo 0 ;; *) echo 1 ;; esac; }
SCEN_T0=1001 SCEN_DT=14.5
ok "$(passes scen_latency 9 11 'p/gauge-x-*' x)" "scen_latency: 14.5 s passes an 11 s bound after a 7 s stall"
ok "$([ "$(passes scen_latency 9 11 'p/gauge-y-*' x)" = 1 ] && echo 0 || echo 1)" \
  "scen_latency: 14.5 s fails an 11 s bound after a 3 s stall"
SCEN_DT=8
ok "$([ "$(passes scen_latency 9 30 'p/gauge-x-*' x)" = 1 ] && echo 0 || echo 1)" \
  "scen_latency: never below LO, stall or not"
SCEN_T0=2000 SCEN_DT=22.6
ok "$(passes scen_held 'p/bool-a-*' '$2 == 1' 10 x)" "scen_held: HOLD after the run that began after the NaN row"
SCEN_DT=11.6
ok "$([ "$(passes scen_held 'p/bool-a-*' '$2 == 1' 10 x)" = 1 ] && echo 0 || echo 1)" \
  "scen_held: HOLD after the first sight is too early when a NaN row restarted the hold"

# ---- sc_alerts / scen_notes_at_least: the threshold plugin's "has not been
# updated" FAILURE counts unless no series at all has a row in the second
# before it (the whole read loop stalled)
rows "$D/p/gauge-z-2026-12-03" 5000.2 1 1 5 1 1
lt() { date -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
{
  echo "[$(lt 5001)] [info] Notification: severity = WARNING, host = it-host, plugin = p, type = gauge, message = a real alert"
  echo "[$(lt 5005)] [info] Notification: severity = FAILURE, host = it-host, plugin = p, type = gauge, type_instance = z, message = it-host/p/gauge-z has not been updated for 4.008 seconds."
  echo "[$(lt 5008)] [info] Notification: severity = FAILURE, host = it-host, plugin = q, type = gauge, message = it-host/q/gauge-w has not been updated for 2.010 seconds."
} >"$T/collectd.log"
is "$(sc_stall_missing | grep -c 'gauge-z has not')" 1 "sc_stall_missing: no row of any series in the second before: a stalled read loop"
is "$(sc_stall_missing | grep -c 'gauge-w has not')" 0 "sc_stall_missing: other series read meanwhile: the value's own plugin stopped"
is "$(scen_notes_at_least WARNING 2>/dev/null)" 2 "scen_notes_at_least: the real alert and the unexplained missing value"
is "$(scen_notes_at_least FAILURE 2>/dev/null)" 1 "scen_notes_at_least FAILURE: the unexplained missing value"
is "$(sc_alerts 2>&1 >/dev/null | grep -c '^# a stalled read loop')" 1 "sc_alerts: names what it leaves out"
rm -f "$T/collectd.log"

# ---- tc_first: the first row meeting COND, NaN rows never do
printf 'epoch,value\n100,nan\n101,0\n102,1\n103,1\n' >"$D/timecheck/bool-leap_agree-2026-12-03"
is "$(tc_first bool-leap_agree '$2 == 1')" 102 "tc_first: the first row with 1"
is "$(tc_first bool-leap_agree '$2 < 0.5')" 101 "tc_first: a NaN row is not below 0.5"
tap_plan
