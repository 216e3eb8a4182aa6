# shellcheck shell=bash
# demo.d/lab.sh - the throw-away lab of `scripts/run.sh --demo`: a real peer
# for every plugin on this machine, built from the tests' own helpers
# (tests/lib/collectd.sh, peers.sh, ceph.sh and e2e.sh).  Sourced by run.sh at
# top level inside a private network + IPC namespace (own loopback, own port
# 123 for NTPsec, own SysV SHM for the refclock segments), with $top, $T
# (run.sh's temp dir) and $plugindir set.  Never touches the system clock:
# ntpd and chronyd run without CAP_SYS_TIME (tests/lib/peers.sh checks it).
#
#   demo_lab_up [ceph]  start the peers of the built plugins, write their
#                       collectd.conf lines to $T/peers.conf and print
#                       "demo: NAME pid N" for every process started
#   demo_lab_watch      0 while every peer runs; else names the one that died
#   demo_lab_down       stop every process the lab started, by PID; remove
#                       $T unless KEEP_TMP=1
#   demo_ttfv_update    note each loaded plugin's first csv row and first
#                       real value (seconds since demo_lab_up began)
#   demo_ttfv_table     print those times
#
# Peers (each plugin's, only if its .so was built):
#   rng     /dev/urandom and a FIFO fed by rng_writer.py ($T/rng.stuck
#           makes it repeat 0xdeadbeef)
#   pps     a sysfs fixture rewritten every second by pps_writer.py
#   gpsd    real gpsd reading two receivers replayed from shipped logs by
#           gpsd_feed.py: hab-gpspi.log (GPS+GLONASS, switchable through
#           $T/hab.switch) and garmin15x.log (GPS only)
#   ntp     chronyd -x with four agreeing SHM refclocks (units 2-5)
#   dcf77   NTPsec ntpd with two PARSE refclocks on dcf77_feed.py ptys
#           (<Ntpd "u0">, "u1") and the plugin's own decoder on a third
#           pty (<Receiver "rx">)
#   ceph_health  with "ceph": a 3-OSD cluster on loopback (tests/lib/ceph.sh)
. "$top/tests/lib/collectd.sh"
. "$top/tests/lib/peers.sh"
. "$top/tests/lib/ceph.sh"
. "$top/tests/lib/e2e.sh"
our_plugindir() { echo "$plugindir"; }

declare -A DEMO_PEER    # PID -> peer name, for demo_lab_watch
declare -A DEMO_FIRST   # plugin -> seconds to its first csv row
declare -A DEMO_REAL    # plugin -> seconds to its first real value
DEMO_NPIDS=0
DEMO_SHM_PID=()         # SHM writer PID per unit (falseticker fault)

# Seconds since boot (CLOCK_BOOTTIME): monotonic, for the time to first value.
demo_now() { local up _; read -r up _ </proc/uptime; echo "$up"; }

demo_built() { [ -f "$plugindir/$1.so" ]; }

# demo_peer NAME: the processes tracked since the last call are NAME's.
demo_peer() {
  local p
  for p in "${_pids[@]:$DEMO_NPIDS}"; do
    DEMO_PEER[$p]=$1
    echo "demo: $1 pid $p"
  done
  DEMO_NPIDS=${#_pids[@]}
}

demo_rng() {
  mkfifo "$T/rng.fifo" || return 1
  python3 "$top/tests/scenarios/rng_writer.py" "$T/rng.fifo" "$T/rng.stuck" word &
  it_track_pid $!
  cat <<EOC
LoadPlugin rng
<Plugin rng>
  <Source "urandom">
    Device "/dev/urandom"
    BytesPerInterval 25000
  </Source>
  <Source "fifo">
    Device "$T/rng.fifo"
    BytesPerInterval 10000
  </Source>
</Plugin>
EOC
}

demo_pps() {
  local dev=$T/sys/class/pps/pps0
  pps_fixture "$dev" || return 1
  python3 "$top/tests/integration/pps_writer.py" "$dev" --log "$T/pps-writer.log" &
  DEMO_PPS_PID=$!
  it_track_pid $!
  printf 'LoadPlugin pps\n<Plugin pps>\n  SysfsRoot "%s"\n  Discover true\n  PollInterval 0.05\n  Timeout 2.5\n</Plugin>\n' "$T/sys"
}

demo_gpsd() {
  local hab garmin port
  hab=$(free_port) garmin=$(free_port) port=$(free_port)
  gpsd_feed "$hab" hab-gpspi.log 0.050 "$T/hab.switch" && gpsd_feed "$garmin" garmin15x.log 0.150 ||
    return 1
  gpsd_start "$port" "$hab" "$garmin"
  wait_port "$port" 10 || return 1
  gpsd_conf "$port" "$hab" "$garmin" '  Reference "hab"'
}

# demo_shm UNIT OFFSET: (re)start the SHM refclock writer of UNIT.
demo_shm() {
  ntp_shm_start "$1" "$2" 0.00001 1 >/dev/null
  DEMO_SHM_PID[$1]=${_pids[-1]}
}

demo_ntp() {
  local u
  chrony_root >/dev/null || return 1
  mkdir -m 700 "$T/chrony" || return 1
  : >"$T/chrony.conf"
  for u in 2 3 4 5; do
    demo_shm $u 0.0005
    echo "refclock SHM $u refid SHM$u poll 2 precision 1e-4" >>"$T/chrony.conf"
  done
  printf '%s\n' "port 0" "cmdport 0" "bindcmdaddress $T/chrony/chronyd.sock" \
    "pidfile $T/chrony/chronyd.pid" >>"$T/chrony.conf"
  chronyd_start "$T/chrony.conf" || return 1
  printf 'LoadPlugin ntp\n<Plugin ntp>\n  <Server "chrony">\n    Protocol "chrony"\n    Socket "%s"\n  </Server>\n</Plugin>\n' \
    "$T/chrony/chronyd.sock"
}

# NTPsec's PARSE driver decodes DCF77 in about 2.5 minutes; MaxAge 90 s
# (as tests/scenarios/dcf77_silent_noisy.sh) reports a silent one sooner.
demo_dcf77() {
  local u
  dcf77_feed_start "$T/dcf77.ready" "$T/dcf77-feed.log" "$T/dcf77-0:0.425" "$T/dcf77-1:0.425" \
    "$T/rx:0.425" || return 1
  echo "LoadPlugin dcf77"
  echo "<Plugin dcf77>"
  if command -v ntpd >/dev/null && ntpd_dcf77_start >/dev/null; then
    for u in 0 1; do printf '  <Ntpd "u%s">\n    Unit %s\n    MaxAge 90\n  </Ntpd>\n' $u $u; done
  else
    echo "demo: NTPsec ntpd did not start here; dcf77 shows the plugin's own decoder only" >&2
  fi
  printf '  <Receiver "rx">\n    Device "%s"\n    Type "mouseclock"\n  </Receiver>\n</Plugin>\n' "$T/rx"
}

demo_ceph_health() {
  local c
  for c in ceph-mon ceph-mgr ceph-osd ceph rados uuidgen; do
    command -v $c >/dev/null || { echo "demo: $c not installed (scripts/deps.sh test)" >&2; return 1; }
  done
  CEPH_MON_PORT_V2=$(free_port) CEPH_MON_PORT_V1=$(free_port)
  cc_up "$T/ceph" || return 1
  for c in "$T"/ceph/pids/*; do echo "demo: ceph $(basename "$c") pid $(cat "$c")" >&2; done
  cc_plugin_conf ceph "Timeout 2"
}

# demo_add PLUGIN: start PLUGIN's peer (demo_PLUGIN) if PLUGIN was built.
demo_add() {
  demo_built "$1" || return 0
  if "demo_$1" >"$T/peer-$1.conf"; then
    cat "$T/peer-$1.conf" >>"$T/peers.conf"
  else
    echo "demo: no $1 peer (logs in $T)" >&2
  fi
  demo_peer "$1"
}

demo_lab_up() {
  DEMO_T0=$(demo_now)
  : >"$T/peers.conf"
  demo_built timex && cat "$top/scripts/run.d/timex.conf" >>"$T/peers.conf"
  for p in rng pps gpsd ntp dcf77; do demo_add $p; done
  [ "${1:-}" = ceph ] && demo_add ceph_health
  scen_thresholds_conf >>"$T/peers.conf"
}

demo_lab_watch() {
  local p
  for p in "${!DEMO_PEER[@]}"; do
    kill -0 "$p" 2>/dev/null && continue
    echo "demo: the ${DEMO_PEER[$p]} peer (pid $p) stopped; stopping the lab (--keep keeps the logs in $T)"
    return 1
  done
}

demo_lab_down() {
  cc_down
  it_cleanup
}

# demo_key_series PLUGIN: "GLOB REGEX": a row of a series matching GLOB
# whose value matches REGEX is the plugin's first real value: a decoded
# time for dcf77 (bool-time_code of <Ntpd>, bool-trusted of <Receiver>),
# satellites used for gpsd, an offset for the clocks, a number for the rest.
demo_key_series() {
  case $1 in
    dcf77) echo 'bool-t* ^1' ;;
    gpsd) echo 'satellites-total_used-* ^[1-9]' ;;
    ntp | timex) echo 'time_offset-offset-* ^-?[0-9]' ;;
    pps) echo 'time_offset-* ^-?[0-9]' ;;
    *) echo '* ^-?[0-9]' ;;
  esac
}

# demo_ttfv_update PLUGIN...
demo_ttfv_update() {
  local p dirs now glob re
  now=$(awk -v a="$(demo_now)" -v b="$DEMO_T0" 'BEGIN { printf "%.0f", a - b }')
  for p in "$@"; do
    dirs=$(find "$T/csv" -mindepth 2 -maxdepth 2 -type d \( -name "$p" -o -name "$p-*" \) 2>/dev/null)
    [ -n "$dirs" ] || continue
    [ -n "${DEMO_FIRST[$p]:-}" ] ||
      { find $dirs -type f -exec tail -q -n +2 {} + | grep -q . && DEMO_FIRST[$p]=$now; }
    read -r glob re <<<"$(demo_key_series "$p")"
    [ -n "${DEMO_REAL[$p]:-}" ] ||
      { find $dirs -type f -name "$glob" -exec tail -q -n +2 {} + |
          cut -d, -f2 | grep -qE "$re" && DEMO_REAL[$p]=$now; }
  done
}

# demo_ttfv_table PLUGIN...
demo_ttfv_table() {
  local p
  printf '%-12s %16s %18s\n' plugin "first row (s)" "first value (s)"
  for p in "$@"; do
    printf '%-12s %16s %18s\n' "$p" "${DEMO_FIRST[$p]:--}" "${DEMO_REAL[$p]:--}"
  done
}
