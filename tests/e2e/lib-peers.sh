# shellcheck shell=bash
# lib-peers.sh - real peers on loopback so that one collectd run can exercise
# every plugin, for tests that must check names against what the plugins
# really emit (tests/e2e/grafana.sh, tests/e2e/demo.sh).  Source after
# tests/integration/lib.sh and lib-e2e.sh.  Each function starts its peer
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
#   peer_ceph            a throw-away Ceph cluster (ceph_cluster.sh, holds
#                        it_lock ceph; ~15 s, ~480 MiB); skipped with
#                        PEERS_CEPH=0
#
# PEERS_STABILITY=1: gpsd, pps, dcf77 and ntp run with `Stability true`
# (docs/stability.md), so their ADEV/TDEV/percentile rows exist (NaN until
# enough samples) and the pps holdover estimate.
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
  cat >>"$T/peers.conf" <<EOC
LoadPlugin gpsd
<Plugin gpsd>
$(_peer_stability)
  <Server "fake">
    Host "127.0.0.1"
    Port $GPSD_PORT
    MaxAge 8
  </Server>
</Plugin>
EOC
}

peer_chrony() {
  . "$TOP_SRCDIR/tests/integration/ntp_lib.sh"
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
  cport=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
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
  cat >>"$T/peers.conf" <<EOC
LoadPlugin ntp
<Plugin ntp>
  <Server "chrony">
    Protocol "chrony"
    Host "127.0.0.1"
    Port $cport
$(_peer_stability "  ")
  </Server>
</Plugin>
EOC
}

peer_pps() {
  local dev=$T/sys/class/pps/pps0
  mkdir -p "$dev"
  printf '0.000000000#0\n' >"$dev/assert"
  printf '0.000000000#0\n' >"$dev/clear"
  printf 'pps-gpio.-1\n' >"$dev/name"
  printf '\n' >"$dev/path"
  python3 "$TOP_SRCDIR/tests/integration/pps_writer.py" "$dev" --log "$T/pps-writer.log" \
    --offset 0.0015 --sigma 0.00002 --seed 6 --drop-every 6 &
  it_track_pid $!
  cat >>"$T/peers.conf" <<EOC
LoadPlugin pps
<Plugin pps>
  SysfsRoot "$T/sys"
  Discover true
$(_peer_stability)
</Plugin>
EOC
}

peer_ceph() {
  [ "${PEERS_CEPH:-1}" = 0 ] && { _peer_missing ceph_health "PEERS_CEPH=0"; return 1; }
  for c in ceph-mon ceph-mgr ceph-osd ceph uuidgen; do
    command -v $c >/dev/null || { _peer_missing ceph_health "$c not installed"; return 1; }
  done
  . "$TOP_SRCDIR/tests/integration/ceph_cluster.sh"
  it_lock ceph
  trap 'cc_down; it_cleanup' EXIT
  cc_up "$T/ceph" || { _peer_missing ceph_health "the test cluster did not come up"; return 1; }
  cat >>"$T/peers.conf" <<EOC
LoadPlugin ceph_health
<Plugin ceph_health>
  <Cluster "ceph">
    ConfigFile "$T/ceph/ceph.conf"
    Client "collectd"
    Keyring "$T/ceph/client.collectd/keyring"
    Timeout 5
    StuckAge 5
  </Cluster>
</Plugin>
EOC
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
  cat >>"$T/peers.conf" <<EOC
LoadPlugin dcf77
<Plugin dcf77>
  <Receiver "rx">
    Device "$T/dcf77-rx"
    Type "mouseclock"
$(_peer_stability "  ")
  </Receiver>
</Plugin>
EOC
}
