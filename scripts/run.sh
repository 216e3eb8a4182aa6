#!/bin/bash
# run.sh - try the suite on this machine: install what is missing, build,
# run the real collectd daemon in the foreground with every plugin that can
# work here, and show a live table of the values it writes.
#   scripts/run.sh [--seconds N] [--keep]
# Each plugin contributes scripts/run.d/NAME.conf (its collectd.conf lines
# for this machine); a NAME.sh beside it, if present, prints them instead
# (e.g. only when a device or daemon exists here) and may print nothing.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=0 keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: $0 [--seconds N] [--keep]" >&2; exit 2 ;;
  esac
done
cd "$top" || exit 1
scripts/deps.sh build run || exit 1
if [ ! -x configure ] || [ configure.ac -nt configure ]; then autoreconf -fi >/dev/null 2>&1 || exit 1; fi
mkdir -p build && cd build || exit 1
[ -f Makefile ] || ../configure >configure.out 2>&1 || { tail configure.out; exit 1; }
make -j"$(nproc)" >make.out 2>&1 || { tail -n 30 make.out; exit 1; }
cd "$top" || exit 1

T=$(mktemp -d /tmp/timekeeper-run.XXXXXX)
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
PluginDir "$top/build/plugins/.libs"
CONF
  for so in build/plugins/.libs/*.so; do
    [ -f "$so" ] || continue
    name=$(basename "$so" .so)
    if [ -x "scripts/run.d/$name.sh" ]; then
      scripts/run.d/"$name".sh "$T"
    elif [ -f "scripts/run.d/$name.conf" ]; then
      cat "scripts/run.d/$name.conf"
    fi
  done
} >"$T/collectd.conf"
plugins=$(grep -oE '^LoadPlugin +"?[a-z_0-9]+' "$T/collectd.conf" | awk '{print $2}' | tr -d '"' | grep -vE '^(logfile|csv)$' | tr '\n' ' ')
collectd -f -C "$T/collectd.conf" >"$T/collectd.stdout" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  if [ "$keep" = 1 ]; then echo "kept: $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 0' INT TERM
start=$(date +%s)
while kill -0 "$pid" 2>/dev/null; do
  sleep 2
  clear 2>/dev/null || true
  echo "collectd-timekeeper: real collectd (pid $pid) with: $plugins"
  echo "config $T/collectd.conf  log $T/collectd.log  values (CSV) $T/csv   Ctrl-C to stop"
  echo
  scripts/live-table.sh "$T/csv"
  echo
  grep -E '\[(error|warning)\]|Notification' "$T/collectd.log" | tail -n 5
  if [ "$seconds" -gt 0 ] && [ $(( $(date +%s) - start )) -ge "$seconds" ]; then break; fi
done
