# shellcheck shell=bash
# ntp_lib.sh - real NTPsec ntpd and chronyd for the ntp plugin's tests,
# safely: never with CAP_SYS_TIME, loopback only, stopped by PID, SHM
# segments removed.  Source after lib.sh (needs $T, it_track_pid, diag).
#
#   ntp_kernel_state          the kernel clock state (adjtimex via ntptime)
#   ntp_shm_start UNIT OFFSET JITTER   SHM refclock writer (key 0x4e545030+U)
#   ntpd_conf FILE LINE...    write an ntpd config: loopback only (listen
#                             127.0.0.1, no ntp/kernel discipline, queries
#                             from 127.0.0.1 and ::1 only), then the LINEs
#   ntpd_dcf77_conf FILE      ntpd_conf with the dcf77 tests' two PARSE
#                             refclocks (generic subtype 19, raw DCF77, poll
#                             16 s): units 0 and 1 on $T/dcf77-0, $T/dcf77-1
#   ntpd_dcf77_start          ntpd_dcf77_conf $T/ntp.conf + ntpd_spawn it
#                             (SETTLE 1 s); no mode 6 wait (PARSE is slow)
#   dcf77_feed_start READY LOG PTY:PHASE...  dcf77_feed.py making those
#                             ptys; waits up to 5 s for the file READY
#   ntpd_spawn CONF [SETTLE]  NTPsec ntpd without CAP_SYS_TIME (checked after
#                             SETTLE s, default 0.3; killed and 1 otherwise);
#                             sets NTPD_PID
#   ntpd_start CONF           ntpd_spawn (after it_lock ntpd), then wait
#                             until it answers mode 6
#   chrony_root               unpack chrony's .deb once (conflicts with
#                             ntpsec as a package); prints the root
#   chronyd_start CONF        chronyd -x without CAP_SYS_TIME; CHRONYD_PID
#   chronyd_shm_start UNIT    chronyd_start with $T/chrony.conf: one SHM
#                             refclock (refid GPS<UNIT>, poll 2), no NTP
#                             port, commands only on $T/chrony/chronyd.sock

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

ntpd_conf() {
  local f=$1
  shift
  {
    printf '%s\n' "interface ignore all" "interface listen 127.0.0.1" "disable ntp" \
      "disable kernel" "restrict default kod limited nomodify noquery" \
      "restrict 127.0.0.1" "restrict ::1"
    [ $# -eq 0 ] || printf '%s\n' "$@"
  } >"$f"
}

ntpd_dcf77_conf() {
  ntpd_conf "$1" "refclock generic unit 0 subtype 19 path $T/dcf77-0 minpoll 4 maxpoll 4" \
    "refclock generic unit 1 subtype 19 path $T/dcf77-1 minpoll 4 maxpoll 4"
}

ntpd_dcf77_start() {
  ntpd_dcf77_conf "$T/ntp.conf" && ntpd_spawn "$T/ntp.conf" 1
}

dcf77_feed_start() {
  local ready=$1 log=$2
  shift 2
  python3 "$TOP_SRCDIR/tests/integration/dcf77_feed.py" --ready "$ready" "$@" >"$log" 2>&1 &
  it_track_pid $!
  for _ in $(seq 50); do [ -f "$ready" ] && return 0; sleep 0.1; done
  [ -f "$ready" ]
}

ntpd_spawn() {
  local conf=$1
  command -v setpriv >/dev/null || { echo "# setpriv missing: refusing to start ntpd"; return 1; }
  "${NTP_SETPRIV[@]}" ntpd -n -c "$conf" -l "$T/ntpd.log" -p "$T/ntpd.pid" \
    >"$T/ntpd.out" 2>&1 &
  NTPD_PID=$!
  it_track_pid "$NTPD_PID"
  sleep "${2:-0.3}"
  if ! ntp_no_sys_time "$NTPD_PID"; then
    echo "# ntpd $NTPD_PID has CAP_SYS_TIME in its bounding set: killing it"
    kill -9 "$NTPD_PID"
    return 1
  fi
}

ntpd_start() {
  local conf=$1
  [ -e "/tmp/cds-lock-ntpd" ] || { echo "# call it_lock ntpd first"; return 1; }
  ntpd_spawn "$conf" || return 1
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

chronyd_shm_start() {
  mkdir -m 700 "$T/chrony"
  cat >"$T/chrony.conf" <<EOC
refclock SHM $1 refid GPS$1 poll 2 precision 1e-4
port 0
cmdport 0
bindcmdaddress $T/chrony/chronyd.sock
pidfile $T/chrony/chronyd.pid
EOC
  chronyd_start "$T/chrony.conf"
}
