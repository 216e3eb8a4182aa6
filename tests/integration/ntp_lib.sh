# shellcheck shell=bash
# ntp_lib.sh - real NTPsec ntpd and chronyd for the ntp plugin's tests,
# safely: never with CAP_SYS_TIME, loopback only, stopped by PID, SHM
# segments removed.  Source after lib.sh (needs $T, it_track_pid, diag).
#
#   ntp_kernel_state          the kernel clock state (adjtimex via ntptime)
#   ntp_shm_start UNIT OFFSET JITTER   SHM refclock writer (key 0x4e545030+U)
#   ntpd_start CONF           NTPsec ntpd without CAP_SYS_TIME; refuses
#                             otherwise; sets NTPD_PID
#   chrony_root               unpack chrony's .deb once (conflicts with
#                             ntpsec as a package); prints the root
#   chronyd_start CONF        chronyd -x without CAP_SYS_TIME; CHRONYD_PID

NTP_SETPRIV=(setpriv --bounding-set=-sys_time --inh-caps=-sys_time)

# The clock discipline as the kernel reports it (read-only), minus the
# fields that move by themselves (maximum/estimated error).
ntp_kernel_state() {
  ntptime 2>/dev/null | grep -E 'returns code|offset .* frequency|status|time constant' |
    sed 's/interval [0-9]* s,//'
}

ntp_shm_start() {
  python3 "$TOP_SRCDIR/tests/integration/ntp_shm.py" "$@" &
  local pid=$!
  it_track_pid "$pid"
  echo "$pid"
}

# True if PID's capability bounding set lacks CAP_SYS_TIME (bit 25).
ntp_no_sys_time() {
  local bnd
  bnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
  [ -n "$bnd" ] && [ $(( (0x$bnd >> 25) & 1 )) -eq 0 ]
}

ntpd_start() {
  local conf=$1
  command -v setpriv >/dev/null || { echo "# setpriv missing: refusing to start ntpd"; return 1; }
  [ -e "/tmp/cds-lock-ntpd" ] || { echo "# call it_lock ntpd first"; return 1; }
  "${NTP_SETPRIV[@]}" ntpd -n -c "$conf" -l "$T/ntpd.log" -p "$T/ntpd.pid" \
    >"$T/ntpd.out" 2>&1 &
  NTPD_PID=$!
  it_track_pid "$NTPD_PID"
  sleep 0.3
  if ! ntp_no_sys_time "$NTPD_PID"; then
    echo "# ntpd $NTPD_PID has CAP_SYS_TIME in its bounding set: killing it"
    kill -9 "$NTPD_PID"
    return 1
  fi
  local i
  for i in $(seq 50); do
    ntpq -c "rv 0 stratum" 127.0.0.1 >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "# ntpd does not answer mode 6"
  sed 's/^/# /' "$T/ntpd.out" "$T/ntpd.log" 2>/dev/null | tail -n 20
  return 1
}

chrony_root() {
  local root=${CHRONY_ROOT:-/var/tmp/cds-chrony-root}
  (
    flock -w 300 8 || exit 1
    if [ ! -x "$root/usr/sbin/chronyd" ]; then
      local d
      d=$(mktemp -d)
      (cd "$d" && apt-get download chrony >/dev/null 2>&1) &&
        mkdir -p "$root" && dpkg-deb -x "$d"/chrony_*.deb "$root"
      rm -rf "$d"
    fi
  ) 8>/tmp/cds-lock-chrony-unpack
  [ -x "$root/usr/sbin/chronyd" ] && echo "$root"
}

chronyd_start() {
  local conf=$1 root
  command -v setpriv >/dev/null || { echo "# setpriv missing: refusing to start chronyd"; return 1; }
  root=$(chrony_root) || return 1
  CHRONYC="$root/usr/bin/chronyc"
  "${NTP_SETPRIV[@]}" "$root/usr/sbin/chronyd" -x -d -u root -f "$conf" \
    >"$T/chronyd.out" 2>&1 &
  CHRONYD_PID=$!
  it_track_pid "$CHRONYD_PID"
  sleep 0.3
  if ! ntp_no_sys_time "$CHRONYD_PID"; then
    echo "# chronyd has CAP_SYS_TIME in its bounding set: killing it"
    kill -9 "$CHRONYD_PID"
    return 1
  fi
  return 0
}

# near_any ACTUAL1 ACTUAL2 EXPECTED TOL: true if either actual is within
# TOL of EXPECTED (a csv row before and one after the tool's reading).
near_any() {
  awk -v a="$1" -v b="$2" -v e="$3" -v t="$4" 'BEGIN {
    if (e == "nan") exit !(a == "nan" || b == "nan");
    d = a - e; if (d < 0) d = -d; f = b - e; if (f < 0) f = -f;
    exit !(d <= t || f <= t) }'
}
