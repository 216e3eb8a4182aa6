#!/bin/bash
# run.sh - try the suite on this machine: install what is missing, build,
# run the real collectd daemon in the foreground with every plugin that can
# work here, and show a live table of the values it writes.
#   scripts/run.sh [--seconds N] [--keep] [--graphs] [--graphs-dir DIR]
#                  [--plugindir DIR] [--demo [ceph]] [--fault NAME]
#                  [--fault-seconds N]
# --graphs also loads collectd's stock rrdtool plugin and draws PNG graphs of
# the last minutes (scripts/graphs.sh: offsets and jitter per source, GPS vs
# GLONASS satellites used, FIPS failure ratio) and adev.svg (ADEV of every
# source, by tools/timekeeper-report; the time plugins run with Stability
# true, run.d's RUN_STABILITY) every 30 s and at exit, into DIR (default
# build/graphs), and says where they are.
# --plugindir DIR uses plugins built elsewhere (no dependency check, no
# build; the tests use it).  Peers on other ports: GPSD_PORT (gpsd, default
# 2947), CHRONY_CMDPORT (chronyd's command port, default 323).
# Each plugin contributes scripts/run.d/NAME.conf (its collectd.conf lines
# for this machine); a NAME.sh beside it, if present, prints them instead
# (e.g. only when a device or daemon exists here) and may print nothing.
# --demo runs every plugin against a throw-away lab of real peers instead
# (scripts/demo.d/lab.sh; "ceph" adds a 3-OSD Ceph cluster) with the shipped
# examples/thresholds.conf, in a private network and IPC namespace (needs
# root), and prints each plugin's time to first value.  --fault NAME then
# injects one failure once the lab is up, for N s (--fault-seconds, default
# 30), and restores it (scripts/demo.d/fault.sh): the alert fires and clears.
# Everything started is stopped by PID at exit, Ctrl-C or a peer's crash.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=0 keep=0 graphs=0 gdir="" plugindir="" demo="" fault="" fault_secs=30
args=("$@")
usage="usage: $0 [--seconds N] [--keep] [--graphs] [--graphs-dir DIR] [--plugindir DIR] [--demo [ceph]] [--fault NAME] [--fault-seconds N]"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --graphs) graphs=1; shift ;;
    --graphs-dir) graphs=1; gdir=$2; shift 2 ;;
    --plugindir) plugindir=$(cd "$2" && pwd) || exit 2; shift 2 ;;
    --demo) demo=lab; shift; [ "${1:-}" = ceph ] && { demo=ceph; shift; } ;;
    --fault) fault=$2; shift 2 ;;
    --fault-seconds) fault_secs=$2; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
[ -z "$fault" ] || [ -n "$demo" ] || { echo "--fault needs --demo" >&2; exit 2; }
cd "$top" || exit 1
if [ -n "$fault" ]; then
  . scripts/demo.d/fault.sh
  demo_fault_spec "$fault" "$demo" || exit 2
fi
if [ -z "$plugindir" ]; then
  scripts/deps.sh build run || exit 1
  if [ ! -x configure ] || [ configure.ac -nt configure ]; then autoreconf -fi >/dev/null 2>&1 || exit 1; fi
  mkdir -p build && cd build || exit 1
  [ -f Makefile ] || ../configure >configure.out 2>&1 || { tail configure.out; exit 1; }
  make -j"$(nproc)" >make.out 2>&1 || { tail -n 30 make.out; exit 1; }
  cd "$top" || exit 1
  plugindir=$top/build/plugins/.libs
fi
if [ "$graphs" = 1 ]; then
  [ -n "$gdir" ] || gdir=$top/build/graphs
  mkdir -p "$gdir" && gdir=$(cd "$gdir" && pwd) || exit 1
  command -v rrdtool >/dev/null && [ -f /usr/lib/collectd/rrdtool.so ] ||
    { echo "--graphs needs rrdtool and collectd's rrdtool plugin (scripts/deps.sh run)" >&2; exit 1; }
  export RUN_STABILITY=1 GRAPHS_ADEV=1
  /usr/bin/python3 -c 'import matplotlib, numpy' 2>/dev/null || {
    GRAPHS_ADEV=0
    echo "--graphs: no adev.svg: /usr/bin/python3 lacks matplotlib or numpy (scripts/deps.sh run installs python3-matplotlib)" >&2
  }
fi

if [ -n "$demo" ] && [ -z "${DEMO_IN_NS:-}" ]; then
  # own loopback (NTPsec binds port 123) and own SysV SHM (refclock segments)
  [ "$(id -u)" = 0 ] && command -v unshare >/dev/null ||
    { echo "--demo needs root and unshare (a private network and IPC namespace): sudo $0 ${args[*]}" >&2; exit 2; }
  exec unshare -n -i env DEMO_IN_NS=1 "$0" "${args[@]}" --plugindir "$plugindir"
fi
[ -z "$demo" ] || ip link set lo up || exit 1

T=$(mktemp -d /tmp/timekeeper-run.XXXXXX)
if [ -n "$demo" ]; then
  echo "demo: temp dir $T"
  . scripts/demo.d/lab.sh
  trap 'KEEP_TMP=$keep demo_lab_down' EXIT
  trap 'exit 1' INT TERM
  demo_lab_up "$demo"
fi
# The collectd.conf lines of every built plugin for this machine (run.d).
run_d_conf() {
  local so name
  for so in "$plugindir"/*.so; do
    [ -f "$so" ] || continue
    name=$(basename "$so" .so)
    if [ -x "scripts/run.d/$name.sh" ]; then
      scripts/run.d/"$name".sh "$T"
    elif [ -f "scripts/run.d/$name.conf" ]; then
      cat "scripts/run.d/$name.conf"
    fi
  done
}
tdb="\"/usr/share/collectd/types.db\""
for f in "$top"/types.db.d/*.db; do tdb="$tdb \"$f\""; done
plugins=""
{
  cat <<CONF
Interval 1
BaseDir "$T"
PIDFile "$T/collectd.pid"
TypesDB $tdb
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
  StoreRates true
</Plugin>
CONF
  if [ "$graphs" = 1 ]; then
    cat <<CONF
LoadPlugin rrdtool
<Plugin rrdtool>
  DataDir "$T/rrd"
</Plugin>
CONF
  fi
  echo "PluginDir \"$plugindir\""
  if [ -n "$demo" ]; then cat "$T/peers.conf"; else run_d_conf; fi
} >"$T/collectd.conf"
plugins=$(grep -oE '^<?LoadPlugin +"?[a-z_0-9]+' "$T/collectd.conf" | awk '{print $2}' | tr -d '"' | grep -vE '^(logfile|csv)$' | tr '\n' ' ')
ours=$(for p in $plugins; do [ -f "$plugindir/$p.so" ] && echo "$p"; done | tr '\n' ' ')
[ -z "$fault" ] || [[ " $ours " == *" $FAULT_PLUGIN "* ]] ||
  { echo "--fault $fault: the lab has no $FAULT_PLUGIN peer here" >&2; exit 1; }
hint=""
[ -n "$demo" ] || echo " $plugins " | grep -qE ' (ntp|gpsd|dcf77|pps|ceph_health) ' ||
  hint="no NTP daemon, gpsd, DCF77 receiver, PPS source or Ceph cluster answered here; try scripts/run.sh --demo"
[ -z "$hint" ] || echo "$hint"
collectd -f -C "$T/collectd.conf" >"$T/collectd.stdout" 2>&1 &
pid=$!
[ -z "$demo" ] || echo "demo: collectd pid $pid"
draw_graphs() {
  local host span
  [ "$graphs" = 1 ] || return 0
  host=$(find "$T/rrd" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -n 1) # collectd's host name
  [ -n "$host" ] || return 0
  span=$(( $(date +%s) - start + 10 ))
  [ "$span" -lt 60 ] && span=60
  [ "$span" -gt 900 ] && span=900
  scripts/graphs.sh "$host" "$gdir" "$span" >"$T/graphs.list"
  last_graphs=$(date +%s)
}
demo_report() {
  [ -n "$demo" ] || return 0
  echo "time to first value (s since the lab started; first value: an offset,"
  echo "a decoded DCF77 time, satellites, a non-NaN number):"
  demo_ttfv_table $ours | sed 's/^/  /'
  [ -z "$fault" ] || demo_fault_report
}
cleanup() {
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  if [ "$graphs" = 1 ]; then
    draw_graphs
    echo "graphs of the last minutes (PNG, rrdtool; ADEV: SVG, timekeeper-report):"
    sed 's/^/  /' "$T/graphs.list" 2>/dev/null
  fi
  demo_report
  if [ -n "$demo" ]; then KEEP_TMP=$keep demo_lab_down >/dev/null; fi
  if [ "$keep" = 1 ]; then echo "kept: $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 0' INT TERM
start=$(date +%s)
last_graphs=$start
while kill -0 "$pid" 2>/dev/null; do
  sleep 2
  clear 2>/dev/null || true
  echo "collectd-timekeeper: real collectd (pid $pid) with: $plugins"
  [ -z "$hint" ] || echo "$hint"
  echo "config $T/collectd.conf  log $T/collectd.log  values (CSV) $T/csv   Ctrl-C to stop"
  echo
  scripts/live-table.sh "$T/csv"
  echo
  grep -E '\[(error|warning)\]|Notification' "$T/collectd.log" | tail -n 5
  if [ -n "$demo" ]; then
    demo_lab_watch || exit 1
    demo_ttfv_update $ours
    echo
    demo_ttfv_table $ours
    [ -z "$fault" ] || demo_fault_step "$fault_secs"
  fi
  if [ "$graphs" = 1 ]; then
    [ $(( $(date +%s) - last_graphs )) -ge 30 ] && draw_graphs
    echo
    echo "graphs (rrdtool, redrawn every 30 s and at exit) in $gdir: $(xargs -r -n1 basename <"$T/graphs.list" 2>/dev/null | tr '\n' ' ')"
  fi
  if [ "$seconds" -gt 0 ] && [ $(( $(date +%s) - start )) -ge "$seconds" ]; then break; fi
done
