#!/bin/bash
# Privileges: every plugin in the real collectd daemon, started WITHOUT
# CAP_SYS_TIME in its bounding set (setpriv) and traced with strace -f, for
# about 25 s against its peers (fixtures where no hardware exists: a sysfs
# PPS tree, a DCF77 pty, an RNG FIFO; /dev/urandom, /dev/hwrng if present,
# the kernel pool; chronyd over its socket; gpsd via gpsfake).  Asserts
# that nothing writes to what it monitors (docs/privileges.md):
#  - every open of a monitored path is O_RDONLY (no O_WRONLY, O_RDWR,
#    O_CREAT, O_TRUNC, O_APPEND), and each kind of path was opened;
#  - no unlink/rename/truncate/chmod/chown/mknod on a monitored path;
#  - adjtimex/clock_adjtime only with modes=0 (read), and it was called;
#    never clock_settime/settimeofday;
#  - no PPS_SETPARAMS / PPS_KC_BIND ioctl, no modem-line ioctl (TIOCM*);
#  - the plugins work without CAP_SYS_TIME (values dispatched).
# The systemd drop-in examples/systemd/collectd.service.d/timekeeper.conf:
#  - systemd-analyze verify of Debian's collectd.service with the drop-in:
#    no unknown or unparsable directive; systemd-analyze security --offline
#    rates it lower (safer) than the stock unit;
#  - it sets none of the directives that break the plugins (ProtectClock,
#    PrivateDevices, SystemCallFilter of @clock/@privileged, which refuse
#    even adjtimex(modes=0) or hide the devices) and keeps CAP_SYS_TIME out;
#  - the daemon above runs with exactly the drop-in's CapabilityBoundingSet
#    (setpriv) and NoNewPrivileges, so "the plugins work" is checked with
#    the capabilities the drop-in leaves.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/../lib/faults.sh"
it_begin privileges
fl_no_valgrind
need strace setpriv python3 gpsfake
[ "$(id -u)" = 0 ] || skip_all "needs root (strace of the daemon, /dev/hwrng)"
REAL_BIN=$COLLECTD_BIN
GPORT=$(free_port)

# ---- the systemd drop-in: parse, security rating, forbidden directives
DROPIN=$TOP_SRCDIR/examples/systemd/collectd.service.d/timekeeper.conf
[ -f "$DROPIN" ]
ok $? "the drop-in exists (examples/systemd/collectd.service.d/timekeeper.conf)"
# dropin_value KEY: the (last) value of a directive in the drop-in, or "unset"
dropin_value() {
  sed -n "s/^[[:space:]]*$1=[[:space:]]*//p" "$DROPIN" 2>/dev/null | tail -n 1 | grep . ||
    { grep -qE "^[[:space:]]*$1=" "$DROPIN" 2>/dev/null && echo "" || echo unset; }
}
UNIT=/lib/systemd/system/collectd.service
if command -v systemd-analyze >/dev/null && [ -f "$UNIT" ] && [ -f "$DROPIN" ]; then
  mkdir -p "$T/units/collectd.service.d" "$T/stock"
  cp "$UNIT" "$T/units/" && cp "$UNIT" "$T/stock/"
  cp "$DROPIN" "$T/units/collectd.service.d/"
  SYSTEMD_UNIT_PATH=$T/units: systemd-analyze verify "$T/units/collectd.service" >"$T/verify.out" 2>&1
  rc=$?
  # other units on this machine may warn: only ours count
  bad=$(grep -E 'collectd\.service|timekeeper\.conf' "$T/verify.out")
  ok "$([ $rc = 0 ] && [ -z "$bad" ] && echo 0 || echo 1)" "systemd-analyze verify: collectd.service + the drop-in parse cleanly (rc $rc)"
  [ -z "$bad" ] || echo "$bad" | head -n 5 | sed 's/^/# /'
  score() { SYSTEMD_UNIT_PATH=$1: systemd-analyze security --offline=true "$1/collectd.service" 2>/dev/null |
    sed -n 's/.*Overall exposure level for collectd.service: \([0-9.]*\).*/\1/p'; }
  stock=$(score "$T/stock")
  ours=$(score "$T/units")
  if [ -n "$stock" ] && [ -n "$ours" ]; then
    ok "$(awk -v a="$ours" -v b="$stock" 'BEGIN { exit !(a < b && a <= 5.0) }'; echo $?)" \
      "systemd-analyze security: exposure $ours with the drop-in (stock unit: $stock; want <= 5.0)"
  else
    echo "ok $((_tap_n += 1)) # SKIP systemd-analyze security --offline not available here"
  fi
else
  echo "ok $((_tap_n += 1)) # SKIP systemd-analyze or $UNIT not here: no unit verification"
fi
bad=$(grep -iE '^[[:space:]]*(ProtectClock=[[:space:]]*(yes|true|on|1)|PrivateDevices=[[:space:]]*(yes|true|on|1)|SystemCallFilter=.*(@clock|@privileged|adjtimex|clock_adjtime))' "$DROPIN" 2>/dev/null)
ok "$([ -f "$DROPIN" ] && [ -z "$bad" ] && echo 0 || echo 1)" "the drop-in sets no ProtectClock, PrivateDevices or @clock filter (they refuse adjtimex(modes=0) or hide devices)"
[ -z "$bad" ] || echo "$bad" | sed 's/^/# /'
BND=$(dropin_value CapabilityBoundingSet)
AMB=$(dropin_value AmbientCapabilities)
ok "$([ "$BND" != unset ] && ! echo "$BND $AMB" | grep -qi 'CAP_SYS_TIME' && echo 0 || echo 1)" \
  "the drop-in sets CapabilityBoundingSet ('$BND') without CAP_SYS_TIME, AmbientCapabilities ('$AMB') too"
is "$(dropin_value NoNewPrivileges)" yes "the drop-in sets NoNewPrivileges=yes"
# setpriv arguments for the same bounding set: "-all" then "+cap_x" for each
# capability the drop-in keeps (only the plain list form is supported here)
SETPRIV="--bounding-set=-sys_time --inh-caps=-sys_time"
WANT_BND=""
if [ "$BND" != unset ] && ! echo "$BND" | grep -q '~'; then
  keep=$(for c in $BND; do printf ',+%s' "$(echo "${c#CAP_}" | tr 'A-Z' 'a-z')"; done)
  SETPRIV="--bounding-set=-all$keep --inh-caps=-all$keep"
  WANT_BND=$(setpriv --bounding-set=-all$keep grep '^CapBnd:' /proc/self/status | awk '{ print $2 }')
fi
[ "$(dropin_value NoNewPrivileges)" = yes ] && SETPRIV="$SETPRIV --no-new-privs"
diag "collectd runs as: setpriv $SETPRIV"

ntp_shm_start 3 0.0005 0.0001 1 >/dev/null
chronyd_shm_start 3
dev=$T/sys/class/pps/pps0
fl_device_peers "$GPORT" "$dev" pps-gpio.-1
hwrng=""
[ -r /dev/hwrng ] && [ "$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)" != none ] &&
  hwrng=$(rng_source hwrng /dev/hwrng "BytesPerInterval 2500")

# The daemon: traced, with the drop-in's capabilities (without CAP_SYS_TIME
# in any case; the config test runs plainly).
TRACE=open,openat,openat2,creat,unlink,unlinkat,rename,renameat,renameat2,truncate,ftruncate,chmod,fchmod,fchmodat,chown,fchown,fchownat,lchown,mknod,mknodat,adjtimex,clock_adjtime,clock_settime,settimeofday,ioctl
cat >"$T/collectd-traced" <<EOW
#!/bin/sh
[ "\$1" = -t ] && exec "$REAL_BIN" "\$@"
exec strace -f -ff -qq -s 256 -o "$T/strace" -e trace=$TRACE \
  setpriv $SETPRIV -- "$REAL_BIN" "\$@"
EOW
chmod +x "$T/collectd-traced"
COLLECTD_BIN=$T/collectd-traced
collectd_start "$(fl_device_conf "$GPORT")
LoadPlugin pps
<Plugin pps>
  <Device \"sysfs\">
    SysfsPath \"$dev\"
  </Device>
  <Device \"api\">
    Path \"/dev/null\"
  </Device>
</Plugin>
$(conf_fill rng_fifo URANDOM_BYTES=2500 FIFO="$T/rng.fifo" EXTRA="$hwrng")
LoadPlugin dcf77
<Plugin dcf77>
  <Receiver \"rx\">
    Device \"$T/dcf77\"
  </Receiver>
</Plugin>"
rng_fifo_urandom "$T/rng.fifo"
# strace's child is collectd (setpriv execs it): stop that one at the end.
STRACE_PID=$CD_PID
for _ in $(seq 50); do
  c=$(pgrep -P "$STRACE_PID" | head -n 1)
  [ -n "$c" ] && [ "$(cat /proc/$c/comm 2>/dev/null)" = collectd ] && break
  sleep 0.1
done
CD_PID=$c
it_track_pid "$CD_PID"
ntp_no_sys_time "$CD_PID"
ok $? "collectd (pid $CD_PID) runs without CAP_SYS_TIME in its bounding set"
bnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' "/proc/$CD_PID/status" 2>/dev/null)
ok "$([ -n "$WANT_BND" ] && [ "$bnd" = "$WANT_BND" ] && echo 0 || echo 1)" \
  "collectd's bounding set is the drop-in's (CapBnd $bnd, want ${WANT_BND:-none derived})"
is "$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' "/proc/$CD_PID/status" 2>/dev/null)" 1 "collectd runs with NoNewPrivs as the drop-in sets it"
sleep 25
for m in timex/time_offset-offset ntp-chrony/clock_stratum 'gpsd-*/satellites-gps_used' \
  pps-sysfs/count-pulses rng-urandom/total_bytes-read rng-fifo/total_bytes-read \
  rng-kernel/entropy-available dcf77-rx/bool-receiving; do
  f=$(fl_csv "$m")
  ok "$([ -n "$f" ] && [ "$(csv_rows "$f")" -ge 5 ] && echo 0 || echo 1)" "without CAP_SYS_TIME: $m dispatched"
done
collectd_stop
for _ in $(seq 50); do kill -0 "$STRACE_PID" 2>/dev/null || break; sleep 0.1; done
# -ff: one file per thread, so no call is split by another thread's
S=$T/trace.all
cat "$T"/strace.[0-9]* >"$S" 2>/dev/null
ok "$([ -s "$S" ] && echo 0 || echo 1)" "strace logs written ($(ls "$T"/strace.[0-9]* | wc -l) threads, $(wc -l <"$S") lines)"

# Monitored paths (regex on the quoted path in strace's output).
MON="\"($T/sys/|$T/rng\\.fifo|$T/dcf77|/dev/pts/|/dev/urandom|/dev/hwrng|/dev/null|/dev/pps|/proc/sys/kernel/random/|/sys/class/misc/hw_random/|/sys/class/pps/)"
grep -E "open(at|at2)?\(.*$MON" "$S" | grep -vE '= -1 ' >"$T/opens.txt"
bad=$(grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND' "$T/opens.txt")
ok "$([ -z "$bad" ] && echo 0 || echo 1)" "all $(wc -l <"$T/opens.txt") opens of monitored paths are read-only"
[ -z "$bad" ] || echo "$bad" | head -n 5 | sed 's/^/# /'
for kind in "$T/sys/class/pps/pps0/assert" "$T/rng.fifo" /dev/urandom /proc/sys/kernel/random/ \
  "$T/dcf77" /dev/null ${hwrng:+/dev/hwrng}; do
  n=$(grep -cF "\"$kind" "$T/opens.txt")
  ok "$([ "$n" -ge 1 ] && echo 0 || echo 1)" "opened read-only: $kind ($n times)"
done
bad=$(grep -E "(unlink|unlinkat|rename|renameat2?|truncate|chmod|fchmodat|chown|fchownat|lchown|mknod|mknodat)\(.*$MON" "$S")
ok "$([ -z "$bad" ] && echo 0 || echo 1)" "no unlink/rename/truncate/chmod/chown/mknod on a monitored path"
[ -z "$bad" ] || echo "$bad" | head -n 5 | sed 's/^/# /'
nadj=$(grep -cE '(adjtimex|clock_adjtime)\(' "$S")
nread=$(grep -E '(adjtimex|clock_adjtime)\(' "$S" | grep -c 'modes=0,')
ok "$([ "$nadj" -ge 5 ] && [ "$nadj" -eq "$nread" ] && echo 0 || echo 1)" \
  "adjtimex/clock_adjtime: $nadj calls, all with modes=0 (read only)"
is "$(grep -cE '(clock_settime|settimeofday)\(' "$S")" 0 "no clock_settime/settimeofday"
is "$(grep -cE 'ioctl\(.*(PPS_SETPARAMS|PPS_KC_BIND|0x70, 0xa2|0x70, 0xa5)' "$S")" 0 "no PPS_SETPARAMS / PPS_KC_BIND ioctl"
is "$(grep -cE 'ioctl\(.*TIOCM(SET|BIS|BIC)' "$S")" 0 "no modem-line ioctl (DTR/RTS unchanged)"
diag "ioctls seen: $(grep -oE 'ioctl\([0-9]+, [A-Z_0-9]+' "$S" | awk '{ print $2 }' | sort | uniq -c | tr '\n' ' ')"
kill "$CHRONYD_PID" 2>/dev/null
it_end
