#!/bin/bash
# The newcomer's demo lab: `scripts/run.sh --demo` brings up real peers for
# every plugin on this machine (scripts/demo.d/lab.sh: gpsd with two
# replayed receivers, chronyd -x on SHM refclocks, NTPsec's PARSE driver and
# the plugin's own decoder on DCF77 ptys, a PPS sysfs fixture, a FIFO RNG)
# and runs them in the real collectd with examples/thresholds.conf.
# Checks, for DEMO_LAB_SECONDS (default 240: NTPsec needs ~2.5 min to decode
# DCF77): the live table shows values of timex, rng, pps, ntp, gpsd and
# dcf77; the time-to-first-value table has a first value for each (dcf77: a
# decoded time); afterwards no process it reported ("pid N") is left and its
# temp directory is gone.  Then `--fault stuck-rng` (short): the rng
# bool-stuck FAILURE and its OKAY are reported.  No Ceph (CI cost).
# Root only (private network and IPC namespace); ~5 minutes.
. "$(dirname "$0")/../lib/collectd.sh"
it_begin demo_lab
[ "$(id -u)" = 0 ] && command -v unshare >/dev/null || skip_all "needs root and unshare"
PLUGINS="timex rng pps ntp gpsd dcf77"
for p in $PLUGINS; do
  [ -f "$(our_plugindir)/$p.so" ] || skip_all "$p.so not built"
done

# demo_run OUT ARGS...: scripts/run.sh --demo ARGS, output in OUT
demo_run() {
  local out=$1
  shift
  TERM=dumb timeout 900 "$TOP_SRCDIR/scripts/run.sh" --demo --plugindir "$(our_plugindir)" "$@" \
    >"$out" 2>&1 </dev/null
}

# leftovers OUT: the PIDs OUT reported that still run the same program.
leftovers() {
  local pid
  for pid in $(sed -nE 's/^demo: .* pid ([0-9]+)$/\1/p' "$1"); do
    [ -d "/proc/$pid" ] && echo "$pid $(cat "/proc/$pid/comm" 2>/dev/null)"
  done
}

# check_gone OUT WHAT: no process left, temp dir removed.
check_gone() {
  local tmp left n
  left=$(leftovers "$1")
  n=$(grep -cE '^demo: .* pid [0-9]+$' "$1")
  ok "$([ "$n" -gt 0 ] && [ -z "$left" ] && echo 0 || echo 1)" "$2: every process it started ($n pids) is gone"
  [ -z "$left" ] || echo "$left" | sed 's/^/# still running: /'
  tmp=$(sed -n 's/^demo: temp dir //p' "$1")
  ok "$([ -n "$tmp" ] && [ ! -e "$tmp" ] && echo 0 || echo 1)" "$2: its temp directory ${tmp:-?} is removed"
}

# ---- the lab, all six plugins
secs=${DEMO_LAB_SECONDS:-240}
demo_run "$T/lab.out" --seconds "$secs"
ok $? "scripts/run.sh --demo --seconds $secs exits 0"
sed -n '/^time to first value/,$p' "$T/lab.out" | sed 's/^/# /'
for p in $PLUGINS; do
  n=$(grep -cE "^$p(-[^ ]*)? +[a-z_]+(-[^ ]*)? +-?[0-9]" "$T/lab.out")
  ok "$([ "$n" -gt 0 ] && echo 0 || echo 1)" "live table shows numbers from $p ($n lines)"
  real=$(sed -n '/^time to first value/,$p' "$T/lab.out" | awk -v p="$p" '$1 == p { print $3 }')
  ok "$([[ "$real" =~ ^[0-9]+$ ]] && echo 0 || echo 1)" "$p: first value after ${real:-none} s"
done
grep -q 'dcf77 plugin: Ntpd "u0"' "$T/lab.out"
ok $? "dcf77 reads NTPsec's PARSE refclock (<Ntpd \"u0\"> notifications shown)"
check_gone "$T/lab.out" "--demo"

# ---- a fault: the FIFO RNG gets stuck, then random again
demo_run "$T/fault.out" --seconds 50 --fault stuck-rng --fault-seconds 10
ok $? "scripts/run.sh --demo --fault stuck-rng exits 0"
grep -A 2 '^fault stuck-rng (s since' "$T/fault.out" | sed 's/^/# /'
grep -A 1 '^fault stuck-rng (s since' "$T/fault.out" | grep -q \
  '^  alert: .*severity = FAILURE, .*plugin = rng, plugin_instance = fifo, type = bool, type_instance = stuck'
ok $? "stuck-rng: the bool-stuck FAILURE is shown"
grep -A 2 '^fault stuck-rng (s since' "$T/fault.out" | grep -q \
  '^  clear: .*severity = OKAY, .*plugin = rng, plugin_instance = fifo, type = bool, type_instance = stuck'
ok $? "stuck-rng: its clearing (OKAY) is shown"
check_gone "$T/fault.out" "--fault stuck-rng"
it_end
