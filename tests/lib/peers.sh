# shellcheck shell=bash
# peers.sh - the real peers our plugins talk to in tests, on loopback or in
# private network namespaces, never touching the system clock: no
# CAP_SYS_TIME for ntpd/chronyd (refused otherwise), sysfs fixtures under $T,
# every process tracked with it_track_pid and killed by PID at exit.
# Source after collectd.sh.
#
# gpsd (one way to start it: a real gpsd reading tcp:// receivers, or the
# gpsd gpsfake starts on ptys for whole-log replays):
#   gpsd_require             skip_all unless gpsd (PATH or /usr/sbin) and python3
#   gpsd_feed PORT LOG DELAY [SWITCH]  gpsd_feed.py: tests/data/gpsd/LOG as a
#                            live receiver on 127.0.0.1:PORT, each epoch DELAY
#                            s after the second; 0 once it listens (5 s max)
#   gpsd_start PORT DEVPORT...  a real gpsd (-N -n -b, control socket
#                            $T/gpsd.sock, log $T/gpsd.log) on PORT reading
#                            tcp://127.0.0.1:DEVPORT... (binary: $GPSD, else
#                            gpsd on PATH or /usr/sbin/gpsd); sets GPSD_PID
#   gpsfake_start PORT PACE LOG...  gpsfake replaying LOGs; GPSFAKE_GPSD
#   gpsd_live_start [SWITCH]  F1 F2 PORT: feeders hab (switchable) and garmin
#                            and their gpsd (the gnss scenarios)
#   gpsd_val INST METRIC / gpsd_wait_val INST METRIC VALUE SECS  csv values
#   gpsd_conf PORT F1 F2 [PLUGIN-LINES [SERVER-LINES]]  the gpsd plugin's
#                            config (tests/conf/gpsd_live.conf): <Server
#                            "live"> on PORT (MaxAge 3), receivers "hab"
#                            (feed F1) and "garmin" (F2)
# NTPsec ntpd and chronyd (loopback only, stopped by PID, SHM removed):
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
#   ntpd_dcf77_require        skip_all unless ntpd, ntpq, setpriv and
#                             python3; then it_lock ntpd
#   ntpd_dcf77_up             ntpd_dcf77_start and its TAP line; a failed
#                             start ends the test
#   dcf77_ntpd_conf MAXAGE [LINES]  the dcf77 plugin's <Ntpd "u0"> and
#                             <Ntpd "u1"> on those units, LINES after them
#   dcf77_feed_start READY LOG PTY:PHASE...  dcf77_feed.py making those
#                             ptys; waits up to 5 s for the file READY
#   ntpd_spawn CONF [SETTLE]  NTPsec ntpd without CAP_SYS_TIME (checked after
#                             SETTLE s, default 0.3; killed and 1 otherwise);
#                             sets NTPD_PID
#   ntpd_start CONF           ntpd_spawn (after it_lock ntpd), then wait
#                             until it answers mode 6
#   chrony_root               unpack chrony's .deb once (conflicts with
#                             ntpsec as a package); prints the root
#   chrony_require CMD...     skip_all unless every CMD and chrony_root
#   chronyd_start CONF        chronyd -x without CAP_SYS_TIME; CHRONYD_PID
#   chronyd_shm_start UNIT [CMDPORT [NTPPORT]]  chronyd_start with
#                             $T/chrony.conf: one SHM refclock (refid
#                             GPS<UNIT>, poll 2), commands on
#                             CSOCK=$T/chrony/chronyd.sock (and UDP CMDPORT
#                             on 127.0.0.1), NTP server on 127.0.0.1:NTPPORT
#                             (default: none)
#   ntp_chrony_conf NAME SOCKET [LINE...]  the ntp plugin with one chronyd
#                             <Server NAME> on its Unix socket
#   ntp_daemons_stop          stop chronyd and ntpd (by PID) and the test's
#                             background jobs (SHM writers)
# The NTP network of scenarios S1/S2 (inside scen_netns): every server is a
# host of its own, a network namespace linked to the test's namespace by a
# veth pair (server 10.77.I.2, our side 10.77.I.1).  Honest servers are
# chronyd ("local stratum 1": this machine's clock); the monitored daemon
# is a client chronyd -x in the test's namespace polling them every 0.5 s.
#   scen_host I                a namespace "host" with address 10.77.I.2;
#                              HOST_PID[I] holds it open
#   scen_host_run I CMD...     run CMD in host I's namespace
#   scen_link_down I / _up I   cut / restore the link to host I
#   scen_ntp_server I PORT     honest chronyd on host I
#   scen_ntp_client PORT ADDR... client chronyd; CS = its socket
#   scen_ntp_wait_sync N SECS  until the client is synchronised and has N
#                              usable sources ('*' or '+')
#   scen_ntp_val ID            plugin value through unixsock (ntp-ID)
# PPS:
#   pps_fixture DIR [NAME]     an idle sysfs PPS source for pps_writer.py
#   pps_writer_start DIR LOG [ARG...]  pps_fixture DIR fed by pps_writer.py;
#                              PPS_WRITER = its pid
# Random data:
#   rng_fifo_urandom FIFO      /dev/urandom into FIFO (tests/conf/rng_fifo.conf)
#   rng_source NAME DEVICE [LINE...]  an rng <Source> block
# Ceph: tests/lib/ceph.sh (cc_*; also a command: ceph.sh up|down DIR).
# One peer per plugin for a single collectd run over every plugin
# (peer_*), for tests that must check names against what the plugins
# really emit (tests/e2e/grafana.sh, tests/e2e/demo.sh).  Each function starts its peer
# (tracked with it_track_pid), appends the plugin's collectd.conf lines to
# $T/peers.conf and returns 0, or records why it could not in PEERS_MISSING
# and returns 1.  Nothing here changes the machine: no CAP_SYS_TIME for
# chronyd, sysfs fixtures under $T, loopback only.
#
#   peer_gpsd [LOG...]   gpsfake (its own gpsd) replaying real receiver logs
#                        (default tests/data/gpsd/hab-gpspi.log: GPS +
#                        GLONASS); sets GPSD_PORT
#   peer_chrony          chronyd -x with two SHM refclocks (ntp_shm.py,
#                        units 4 and 5), asked over its command port;
#                        sets CHRONY_CMDPORT
#   peer_pps             a sysfs PPS fixture fed by pps_writer.py
#   peer_dcf77           a raw DCF77 receiver on a pty (dcf77_feed.py) for
#                        the plugin's own decoder
#   peer_ceph            a throw-away Ceph cluster (tests/lib/ceph.sh, holds
#                        it_lock ceph; ~15 s, ~480 MiB); skipped with
#                        PEERS_CEPH=0
#
# PEERS_STABILITY=1: gpsd, pps, dcf77 and ntp run with `Stability true`
# (docs/stability.md), so their ADEV/TDEV/percentile rows exist (NaN until
# enough samples) and the pps holdover estimate.

# --- gpsd
gpsd_require() {
  local c
  for c in gpsd python3; do
    command -v $c >/dev/null || [ -x /usr/sbin/$c ] ||
      skip_all "$c not installed (scripts/deps.sh test)"
  done
}

gpsd_feed() {
  rm -f "$T/feed-$1.ready"
  python3 "$TOP_SRCDIR/tests/integration/gpsd_feed.py" "$1" "$TOP_SRCDIR/tests/data/gpsd/$2" "$3" \
    "$T/feed-$1.ready" ${4:+"$4"} >"$T/feed-$1.log" 2>&1 &
  it_track_pid $!
  for _ in $(seq 50); do [ -f "$T/feed-$1.ready" ] && return 0; sleep 0.1; done
  return 1
}

gpsd_start() {
  local port=$1 p devs=()
  shift
  for p in "$@"; do devs+=("tcp://127.0.0.1:$p"); done
  "${GPSD:-$(command -v gpsd || echo /usr/sbin/gpsd)}" -N -n -b -S "$port" -F "$T/gpsd.sock" \
    "${devs[@]}" >>"$T/gpsd.log" 2>&1 &
  GPSD_PID=$!
  it_track_pid "$GPSD_PID"
}

# gpsfake_start PORT PACE LOG...: gpsfake replaying LOGs (looping, PACE s
# between sentences; -n: gpsd reads the ptys without waiting for a client)
# into the gpsd it starts on PORT.  Sets GPSFAKE_GPSD to that gpsd's pid
# (empty if it did not start within 5 s: returns 1).
gpsfake_start() {
  local port=$1 pace=$2 gf
  shift 2
  gpsfake -n -q -c "$pace" -P "$port" "$@" >"$T/gpsfake.out" 2>&1 &
  gf=$!
  it_track_pid "$gf"
  GPSFAKE_GPSD=
  for _ in $(seq 50); do
    GPSFAKE_GPSD=$(pgrep -P "$gf" -x gpsd | head -n 1)
    [ -n "$GPSFAKE_GPSD" ] && break
    sleep 0.1
  done
  [ -n "$GPSFAKE_GPSD" ] || return 1
  it_track_pid "$GPSFAKE_GPSD"
}

# gpsd_live_start [SWITCH]: the scenarios' two live receivers and their gpsd:
# F1 F2 PORT = three free ports, feeder "hab" (hab-gpspi.log, +50 ms; its
# log switchable through the file SWITCH) on F1, "garmin" (garmin15x.log,
# +150 ms) on F2, gpsd on PORT reading both; one TAP line per feeder.
gpsd_live_start() {
  read -r F1 F2 PORT <<<"$(free_ports 3 | tr "\n" " ")"
  gpsd_feed "$F1" hab-gpspi.log 0.050 ${1:+"$1"}
  ok $? "feeder hab (hab-gpspi.log) on $F1"
  gpsd_feed "$F2" garmin15x.log 0.150
  ok $? "feeder garmin (garmin15x.log) on $F2"
  gpsd_start "$PORT" "$F1" "$F2"
}

# gpsd_val INST METRIC: the last csv value of gpsd-INST/METRIC (waits 5 s
# for the file); gpsd_wait_val INST METRIC VALUE SECS: until it is VALUE.
gpsd_val() { local f; f=$(csv_wait "gpsd-$1/$2-*" 5) && csv_last "$f"; }
gpsd_wait_val() { local f; f=$(csv_wait "gpsd-$1/$2-*" "$4") && csv_until "$f" "$3" "$4"; }

gpsd_conf() {
  conf_fill gpsd_live PORT="$1" F1="$2" F2="$3" PLUGIN_LINES="${4:-}" SERVER_LINES="${5:-}"
}

# --- NTPsec ntpd and chronyd

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

ntpd_dcf77_require() {
  local c
  for c in ntpd ntpq setpriv python3; do
    command -v $c >/dev/null || skip_all "$c not installed (ntpsec, util-linux, python3)"
  done
  it_lock ntpd
}

# Never the system clock: a test that cannot start ntpd without
# CAP_SYS_TIME ends here.
ntpd_dcf77_up() {
  ntpd_dcf77_start || { ok 1 "ntpd runs without CAP_SYS_TIME"; it_end; exit 1; }
  ok 0 "ntpd runs without CAP_SYS_TIME"
}

# dcf77_ntpd_conf MAXAGE [LINES]: LoadPlugin dcf77 and its <Plugin> block
# with <Ntpd "u0"> and <Ntpd "u1"> reading ntpd_dcf77_conf's PARSE units 0
# and 1 (Timeout 1 s, MaxAge MAXAGE s), then LINES (more blocks).
dcf77_ntpd_conf() {
  local u
  printf 'LoadPlugin dcf77\n<Plugin dcf77>\n'
  for u in 0 1; do
    printf '  <Ntpd "u%s">\n    Unit %s\n    Timeout 1\n    MaxAge %s\n  </Ntpd>\n' "$u" "$u" "$1"
  done
  [ -z "${2:-}" ] || printf '%s\n' "$2"
  printf '</Plugin>\n'
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

chrony_require() {
  need "$@"
  chrony_root >/dev/null || skip_all "chrony .deb not available"
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

chronyd_shm_start() {
  local cport=${2:-0} nport=${3:-0}
  mkdir -m 700 "$T/chrony"
  {
    echo "refclock SHM $1 refid GPS$1 poll 2 precision 1e-4"
    echo "port $nport"
    [ "$nport" = 0 ] || printf '%s\n' "bindaddress 127.0.0.1" "allow 127.0.0.1"
    echo "cmdport $cport"
    [ "$cport" = 0 ] || echo "bindcmdaddress 127.0.0.1"
    echo "bindcmdaddress $T/chrony/chronyd.sock"
    echo "pidfile $T/chrony/chronyd.pid"
  } >"$T/chrony.conf"
  CSOCK="$T/chrony/chronyd.sock"
  chronyd_start "$T/chrony.conf"
}

# ntp_chrony_conf NAME SOCKET [LINE...]: LoadPlugin ntp and its <Plugin>
# block with one <Server NAME> asking chronyd over its Unix socket SOCKET,
# with LINEs (options) in it.
ntp_chrony_conf() {
  printf 'LoadPlugin ntp\n<Plugin ntp>\n  <Server "%s">\n    Protocol "chrony"\n    Socket "%s"\n' "$1" "$2"
  shift 2
  [ $# -eq 0 ] || printf '    %s\n' "$@"
  printf '  </Server>\n</Plugin>\n'
}

# ntp_daemons_stop: chronyd and ntpd (CHRONYD_PID, NTPD_PID) and every
# background job of the test (the SHM writers), waited for, so that their
# SHM segments can go.
ntp_daemons_stop() {
  local p
  kill "$CHRONYD_PID" "$NTPD_PID"
  wait "$CHRONYD_PID" "$NTPD_PID" 2>/dev/null
  for p in $(jobs -p); do kill "$p" 2>/dev/null; done
  sleep 0.5
}

# --- the NTP network of scenarios S1/S2

declare -A HOST_PID
scen_host() {
  local i=$1 pid me
  unshare -n sleep 100000 &
  pid=$!
  it_track_pid "$pid"
  me=$(readlink /proc/self/ns/net)
  for _ in $(seq 50); do
    [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" != "$me" ] && break
    sleep 0.05
  done
  HOST_PID[$i]=$pid
  ip link add "h$i" type veth peer name "p$i" &&
    ip link set "p$i" netns "$pid" &&
    ip addr add "10.77.$i.1/24" dev "h$i" && ip link set "h$i" up &&
    scen_host_run "$i" ip link set lo up &&
    scen_host_run "$i" ip addr add "10.77.$i.2/24" dev "p$i" &&
    scen_host_run "$i" ip link set "p$i" up
}
scen_host_run() {
  local i=$1
  shift
  nsenter -t "${HOST_PID[$i]}" -n "$@"
}
scen_link_down() { ip link set "h$1" down; }
scen_link_up() { ip link set "h$1" up; }

scen_ntp_server() {
  local i=$1 port=$2 saved=("${NTP_SETPRIV[@]}") rc
  scen_host "$i" || return 1
  mkdir -m 700 "$T/s$i"
  cat >"$T/s$i.conf" <<CONF
local stratum 1
allow all
bindaddress 10.77.$i.2
port $port
cmdport 0
pidfile $T/s$i/pid
CONF
  NTP_SETPRIV=(nsenter -t "${HOST_PID[$i]}" -n "${saved[@]}")
  chronyd_start "$T/s$i.conf"
  rc=$?
  NTP_SETPRIV=("${saved[@]}")
  return $rc
}

scen_ntp_client() {
  local port=$1 a
  shift
  mkdir -m 700 "$T/c"
  : >"$T/c.conf"
  for a in "$@"; do
    echo "server $a port $port minpoll -1 maxpoll -1 iburst" >>"$T/c.conf"
  done
  # combinelimit: the Python server answers 100x less precisely than
  # chronyd and would otherwise stay "not combined" ('-') while honest.
  cat >>"$T/c.conf" <<CONF
combinelimit 1000
port 0
cmdport 0
bindcmdaddress $T/c/chronyd.sock
pidfile $T/c/pid
CONF
  chronyd_start "$T/c.conf" || return 1
  CS="$T/c/chronyd.sock"
}

scen_ntp_usable() { "$CHRONYC" -h "$CS" -c sources 2>/dev/null | grep -cE '^\^,[*+],'; }

scen_ntp_wait_sync() {
  for _ in $(seq "$2"); do
    "$CHRONYC" -h "$CS" -c tracking 2>/dev/null | awk -F, '$NF == "Normal" && $3 > 0 && $3 < 16 { f = 1 } END { exit !f }' &&
      [ "$(scen_ntp_usable)" -ge "$1" ] && return 0
    sleep 1
  done
  return 1
}

scen_ntp_val() { getval "ntp-$1" | sed -n 's/^value=//p' | awk '{ if ($1 == "nan") print "nan"; else printf "%.9g\n", $1 }'; }

# --- PPS

# pps_fixture DIR [NAME]: an idle sysfs PPS source in DIR (assert and clear
# "0.000000000#0", name NAME (default pps-gpio.-1), empty path), for
# pps_writer.py to rewrite once a second.
pps_fixture() {
  mkdir -p "$1" || return 1
  printf '0.000000000#0\n' >"$1/assert"
  printf '0.000000000#0\n' >"$1/clear"
  printf '%s\n' "${2:-pps-gpio.-1}" >"$1/name"
  printf '\n' >"$1/path"
}

# pps_writer_start DIR LOG [ARG...]: pps_fixture DIR, rewritten once a
# second by pps_writer.py (its log LOG, its options ARGs: --offset, --sigma,
# --seed ...); PPS_WRITER is the writer's pid.
pps_writer_start() {
  local dev=$1 log=$2
  shift 2
  pps_fixture "$dev" || return 1
  python3 "$TOP_SRCDIR/tests/integration/pps_writer.py" "$dev" --log "$log" "$@" &
  PPS_WRITER=$!
  it_track_pid "$PPS_WRITER"
}

# --- random data

# rng_source NAME DEVICE [LINE...]: an rng plugin <Source NAME> block
# reading DEVICE, with LINEs (options) in it.
rng_source() {
  printf '  <Source "%s">\n    Device "%s"\n' "$1" "$2"
  shift 2
  [ $# -eq 0 ] || printf '    %s\n' "$@"
  printf '  </Source>\n'
}

# rng_fifo_urandom FIFO: feed /dev/urandom into FIFO (the writer blocks until
# collectd opens it).
rng_fifo_urandom() {
  python3 -c 'import sys
with open("/dev/urandom", "rb") as r, open(sys.argv[1], "wb") as w:
    while True:
        w.write(r.read(4096))' "$1" 2>/dev/null &
  it_track_pid $!
}

# --- one peer per plugin

PEERS_MISSING=""

_peer_missing() { PEERS_MISSING="$PEERS_MISSING$1: $2
"; }

# The Stability line of a plugin or <Receiver> block, or nothing.
_peer_stability() { if [ "${PEERS_STABILITY:-0}" = 1 ]; then printf '%s  Stability true' "${1-}"; fi; }

peer_gpsd() {
  local logs=("$@")
  [ ${#logs[@]} -gt 0 ] || logs=("$TOP_SRCDIR/tests/data/gpsd/hab-gpspi.log")
  command -v gpsfake >/dev/null || { _peer_missing gpsd "gpsfake not installed"; return 1; }
  GPSD_PORT=$(free_port)
  gpsfake_start "$GPSD_PORT" 0.1 "${logs[@]}" ||
    { _peer_missing gpsd "gpsfake did not start gpsd"; return 1; }
  wait_port "$GPSD_PORT" 20 || { _peer_missing gpsd "gpsd does not listen"; return 1; }
  conf_fill gpsd_fake PORT="$GPSD_PORT" MAXAGE=8 PLUGIN="$(_peer_stability)" SERVER= >>"$T/peers.conf"
}

peer_chrony() {
  command -v setpriv >/dev/null || { _peer_missing ntp "setpriv missing"; return 1; }
  chrony_root >/dev/null || { _peer_missing ntp "chrony not available (apt-get download chrony)"; return 1; }
  # two GNSS-like sources 1 ms apart whose error bounds overlap (precision
  # 1 ms): both selectable, one selected, distinct lines in a graph
  # SHM units 4 and 5 are this library's: one test at a time (fd 7; it_lock
  # uses fd 9 and peer_ceph needs that one)
  exec 7>/tmp/cds-lock-shm45
  flock -w 900 7 || { _peer_missing ntp "SHM units 4/5 busy"; return 1; }
  ntp_shm_start 4 0.0015 0.0002 1 >/dev/null
  ntp_shm_start 5 0.0005 0.0001 1 >/dev/null
  local cport
  cport=$(free_udp_port)
  mkdir -m 700 "$T/chrony"
  cat >"$T/chrony.conf" <<EOF
refclock SHM 4 refid GPS4 poll 0 precision 1e-3
refclock SHM 5 refid GPS5 poll 0 precision 1e-3
port 0
cmdport $cport
bindcmdaddress 127.0.0.1
pidfile $T/chrony/chronyd.pid
EOF
  chronyd_start "$T/chrony.conf" || { _peer_missing ntp "chronyd did not start"; return 1; }
  # shellcheck disable=SC2034 # used by the sourcing test
  CHRONY_CMDPORT=$cport
  conf_fill ntp_chrony PORT="$cport" STABILITY="$(_peer_stability "  ")" >>"$T/peers.conf"
}

peer_pps() {
  pps_writer_start "$T/sys/class/pps/pps0" "$T/pps-writer.log" \
    --offset 0.0015 --sigma 0.00002 --seed 6 --drop-every 6
  conf_fill pps_sysfs SYSFS="$T/sys" LINES="$(_peer_stability)" >>"$T/peers.conf"
}

peer_ceph() {
  [ "${PEERS_CEPH:-1}" = 0 ] && { _peer_missing ceph_health "PEERS_CEPH=0"; return 1; }
  for c in ceph-mon ceph-mgr ceph-osd ceph uuidgen; do
    command -v $c >/dev/null || { _peer_missing ceph_health "$c not installed"; return 1; }
  done
  . "$TOP_SRCDIR/tests/lib/ceph.sh"
  it_lock ceph
  trap 'cc_down; it_cleanup' EXIT
  cc_up "$T/ceph" || { _peer_missing ceph_health "the test cluster did not come up"; return 1; }
  conf_fill ceph_health DIR="$T/ceph" >>"$T/peers.conf"
}

# peer_dcf77: a raw DCF77 receiver simulated on a pty (dcf77_feed.py, one
# character per second like a mouseCLOCK USB v2.0) for the plugin's own
# decoder (<Receiver>).  NTPsec's PARSE refclock (<Ntpd>) is not started: it
# needs port 123 in a private network namespace (tests/integration/
# dcf77_ntpsec.sh), so its series stay unverified here.
peer_dcf77() {
  python3 "$TOP_SRCDIR/tests/integration/dcf77_feed.py" --ready "$T/dcf77.ready" \
    "$T/dcf77-rx:0.425" >"$T/dcf77-feed.log" 2>&1 &
  it_track_pid $!
  for _ in $(seq 50); do [ -f "$T/dcf77.ready" ] && break; sleep 0.1; done
  [ -f "$T/dcf77.ready" ] || { _peer_missing dcf77 "dcf77_feed.py made no pty"; return 1; }
  conf_fill dcf77_rx DEVICE="$T/dcf77-rx" STABILITY="$(_peer_stability "  ")" >>"$T/peers.conf"
}
