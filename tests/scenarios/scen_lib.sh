# shellcheck shell=bash
# scen_lib.sh - failure scenarios: real peers, the real collectd
# with our plugins, collectd's stock threshold plugin and the SHIPPED
# examples/thresholds.conf.  Source after tests/integration/lib.sh.
#
#   scen_netns "$@"           re-exec the script in a private network
#                             namespace (own loopback, own port 123)
#   scen_collectd_start CONF  collectd_start CONF + the stock threshold
#                             plugin + Include examples/thresholds.conf
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
#   scen_thresholds_conf      collectd.conf lines for collectd_start's STOCK
#                             argument: the stock threshold plugin with
#                             examples/thresholds.conf as shipped, then our
#                             PluginDir again
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
#   sc_alerts                 notifications at WARNING or FAILURE level

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
PluginDir \"$STOCK_PLUGINDIR\"
Include \"$SCEN_THRESHOLDS\""
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
    WARNING) notifications_matching 'severity = (WARNING|FAILURE)' ;;
    FAILURE) notifications_matching 'severity = FAILURE' ;;
  esac
}

scen_thresholds_conf() {
  printf 'PluginDir "%s"\nInclude "%s"\nPluginDir "%s"\n' \
    "$STOCK_PLUGINDIR" "$SCEN_THRESHOLDS" "$(our_plugindir)"
}

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
  grep -E 'Notification: severity = (WARNING|FAILURE)' "$T/collectd.log" 2>/dev/null
}
