# shellcheck shell=bash
# lib-scenario.sh - helpers for the failure scenarios (tests/scenarios/*.sh),
# sourced after tests/integration/lib.sh.  Each scenario runs the real
# collectd with our plugins, collectd's stock threshold plugin and the
# shipped examples/thresholds.conf, injects a fault into a real peer and
# reads the notifications back from collectd's log.
#
#   sc_thresholds_conf          collectd.conf lines: the stock threshold
#                               plugin with examples/thresholds.conf as shipped
#                               (read at run time: every section in it)
#   sc_now                      seconds since the epoch, ns resolution
#   sc_wait_notification SECS REGEX
#                               poll collectd's log every 0.1 s until a
#                               notification matching REGEX is there; 0 if
#                               it came
#   sc_elapsed T0               seconds since T0 (one decimal)
#   sc_wait_all SECS T0 NAME=REGEX...
#                               poll the log every 0.1 s for all patterns at
#                               once; sets SC_DT[NAME] to the seconds from T0
#                               to the first sight of each (unset if never)
#   sc_wait_count SECS N REGEX  until at least N notifications match
#   sc_line_of REGEX            log line number of the first notification
#                               matching REGEX (empty if none)
#   sc_alerts                   notifications at WARNING or FAILURE level

SC_THRESHOLDS=$TOP_SRCDIR/examples/thresholds.conf

sc_thresholds_conf() {
  printf 'PluginDir "%s"\nInclude "%s"\nPluginDir "%s"\n' \
    "$STOCK_PLUGINDIR" "$SC_THRESHOLDS" "$(our_plugindir)"
}

sc_now() { date +%s.%N; }

sc_elapsed() { awk -v a="$1" -v b="$(sc_now)" 'BEGIN { printf "%.1f", b - a }'; }

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
  grep -E 'Notification: severity = (WARNING|FAILURE)' "$T/collectd.log" 2>/dev/null
}
