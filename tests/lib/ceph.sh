#!/bin/bash
# shellcheck shell=bash
# ceph.sh - a throw-away Ceph 16.2 cluster on 127.0.0.1 for the
# ceph_health tests: 1 mon, 1 mgr, 3 memstore OSDs, cephx, no systemd, no
# block devices.  Timings it allows for (Ceph 16.2.15 on loopback): the
# mgr's PG statistics trail OSD map changes by 1-2 s, hence cc_wait's two
# consecutive polls; each ceph CLI call costs 0.2-0.4 s (python); a write to
# an inactive PG blocks without a timeout, hence `timeout` around rados.
#
# Sourced (functions below, prefix cc_) or run as a command:
#   ceph.sh up DIR                bring a cluster up in DIR (must not exist
#                                 or be empty); prints the env to source
#   ceph.sh down DIR              SIGKILL every daemon recorded in DIR/pids
#                                 and remove DIR
#
# Functions (CC_DIR = the cluster directory):
#   cc_up DIR                     start everything, wait for HEALTH_OK with
#                                 every PG active+clean on two polls in a row
#   cc_down                       SIGKILL our daemons (by recorded PID, only
#                                 if /proc/PID/comm is still a ceph- daemon),
#                                 rm -rf CC_DIR
#   cc_ceph ARGS...               the ceph CLI as client.admin (bounded)
#   cc_ro ARGS...                 the ceph CLI as the read-only client.collectd
#   cc_osd_stop ID [SIG]          stop osd.ID (default TERM; KILL loses the
#                                 memstore data: it comes back empty)
#   cc_osd_start ID               (re)start osd.ID
#   cc_mgr_stop [SIG] / cc_mgr_start
#   cc_wait SECS CMD...           until CMD succeeds on 2 consecutive polls
#   cc_health                     HEALTH_OK / HEALTH_WARN / HEALTH_ERR
#   cc_has_check CODE             0 if CODE is an active health check
#   cc_pgs_with STATE             number of PGs whose state has component STATE
#   cc_all_pgs STATE              0 if every PG has component STATE
#   cc_ratios_default             nearfull/backfillfull/full back to defaults
#   cc_write POOL PREFIX N KIB [NAMES]  N writes of KIB KiB as client.admin
#                                 through python3-rados (bounded), to the
#                                 objects PREFIX0 .. PREFIX<NAMES-1> in turn
#                                 (NAMES default N)
#   cc_record_dir NAME            recorders: ceph lock, D=/tmp/cds-ceph-NAME.*,
#                                 cc_down at exit
# For tests sourcing tests/lib/collectd.sh too:
#   cc_test_require               skip_all unless the Ceph daemons and CLI,
#                                 rados, python3, root and ceph_health.so
#   cc_test_up DESC               it_lock ceph, cc_down at exit, cc_up in
#                                 $T/ceph: TAP "ok - DESC", or fail and exit;
#                                 CC_T0 = the epoch second the lock was held
#   cc_cluster_conf NAME LINE...  a <Cluster NAME> block for the ceph_health
#                                 plugin (client.collectd of CC_DIR), LINEs in it
#   cc_plugin_conf NAME LINE...   LoadPlugin + <Plugin ceph_health> with it
# Environment: CEPH_MON_PORT_V2 (3300), CEPH_MON_PORT_V1 (6789),
# CC_PGS (32), CC_POOL_SIZE (3), CC_POOL_MIN_SIZE (2), CC_MGR_STATS_PERIOD
# (1 s; set but empty: the line is left out, so Ceph's default 5 s applies),
# CEPH_EXTRA_CONF (lines appended to [global]).
# The read-only client is created with exactly the caps the plugin documents:
#   ceph auth get-or-create client.collectd mon 'allow r' mgr 'allow r'
# and its keyring is $CC_DIR/client.collectd/keyring.

CC_DIR=${CC_DIR:-}
CC_NOSDS=3

cc_log() { echo "# ceph_cluster: $*" >&2; }

cc_ceph() {
  timeout 30 ceph -c "$CC_DIR/ceph.conf" --name client.admin \
    --keyring "$CC_DIR/client.admin/keyring" --connect-timeout 20 "$@" 2>/dev/null
}

cc_ro() {
  timeout 30 ceph -c "$CC_DIR/ceph.conf" --name client.collectd \
    --keyring "$CC_DIR/client.collectd/keyring" --connect-timeout 20 "$@" 2>/dev/null
}

# _cc_start NAME CMD...: start a daemon in the foreground (-f) in the
# background of this shell; record its PID in $CC_DIR/pids/NAME.
_cc_start() {
  local name=$1
  shift
  "$@" >>"$CC_DIR/log/$name.out" 2>&1 &
  echo $! >"$CC_DIR/pids/$name"
  disown $! 2>/dev/null # no "Killed" job notices at teardown
}

# _cc_kill NAME SIG: signal a recorded daemon if it is still ours.
_cc_kill() {
  local f="$CC_DIR/pids/$1" pid comm
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || { rm -f "$f"; return 1; }
  case "$comm" in ceph-*) kill -"$2" "$pid" 2>/dev/null ;; *) rm -f "$f"; return 1 ;; esac
}

# _cc_wait_gone NAME SECS
_cc_wait_gone() {
  local f="$CC_DIR/pids/$1" pid i
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  for i in $(seq $(($2 * 10))); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$f"; return 0; }
    sleep 0.1
  done
  return 1
}

_cc_conf() {
  local fsid=$1 d=$CC_DIR msp=${CC_MGR_STATS_PERIOD-1}
  cat >"$d/ceph.conf" <<EOF
# written by tests/lib/ceph.sh: a throw-away test cluster
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$CC_PORT2,v1:127.0.0.1:$CC_PORT1]
public addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
auth allow insecure global id reclaim = false
run dir = $d/run
crash dir = $d/crash
keyring = $d/\$name/keyring
mon data = $d/\$name
mgr data = $d/\$name
osd data = $d/\$name
log file = $d/log/\$name.log
osd objectstore = memstore
memstore device bytes = 1073741824
osd pool default size = 3
osd pool default min size = 2
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool delete = true
mon allow pool size one = true
mon data avail warn = 1
mon data avail crit = 0
mon osd min down reporters = 1
mon warn on pool no redundancy = false
osd heartbeat interval = 1
osd heartbeat grace = 5
osd beacon report interval = 5
mon osd report timeout = 15
${msp:+mgr stats period = $msp}
osd mon report interval = 1
osd fast shutdown = false
osd recovery sleep hdd = 0
osd op num shards = 1
osd op num threads per shard = 2
ms async op threads = 1
mgr initial modules =
mon pg stuck threshold = 10
${CEPH_EXTRA_CONF:-}
EOF
}

cc_health() { cc_ceph health -f json | sed -n 's/.*"status":"\(HEALTH_[A-Z]*\)".*/\1/p'; }

cc_has_check() { cc_ceph health -f json | grep -q "\"$1\":"; }

# PG states as "count state" lines, from `pg stat` (mgr) - fall back to status.
_cc_pg_states() {
  cc_ceph status -f json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
for s in d["pgmap"].get("pgs_by_state", []):
    print(s["count"], s["state_name"])'
}

cc_pgs_with() {
  _cc_pg_states | awk -v s="$1" '{n = split($2, c, "+"); for (i = 1; i <= n; i++) if (c[i] == s) t += $1} END {print t + 0}'
}

cc_all_pgs() {
  _cc_pg_states | awk -v s="$1" -v want="${CC_PGS:-32}" '
    {n = split($2, c, "+"); tot += $1; for (i = 1; i <= n; i++) if (c[i] == s) t += $1}
    END {exit !(tot >= want && t == tot)}'
}

cc_osds_up() { cc_ceph osd stat -f json | sed -n 's/.*"num_up_osds":\([0-9]*\).*/\1/p'; }

cc_healthy() {
  [ "$(cc_health)" = HEALTH_OK ] && [ "$(cc_osds_up)" = "$CC_NOSDS" ] && cc_all_pgs clean &&
    cc_all_pgs active
}

# cc_wait SECS CMD...: CMD true on two consecutive polls (the mgr lags).
cc_wait() {
  local secs=$1 t0 ok=0
  shift
  t0=$(date +%s)
  while [ $(($(date +%s) - t0)) -lt "$secs" ]; do
    if "$@"; then
      ok=$((ok + 1))
      [ $ok -ge 2 ] && return 0
    else
      ok=0
    fi
    sleep 0.3
  done
  cc_log "timeout after ${secs}s waiting for: $*"
  return 1
}

cc_osd_start() {
  _cc_start "osd.$1" ceph-osd -c "$CC_DIR/ceph.conf" -i "$1" -f
}

cc_osd_stop() {
  _cc_kill "osd.$1" "${2:-TERM}" || return 1
  _cc_wait_gone "osd.$1" 20
}

cc_mgr_start() { _cc_start mgr.x ceph-mgr -c "$CC_DIR/ceph.conf" -i x -f; }

cc_mgr_stop() {
  _cc_kill mgr.x "${1:-TERM}" || return 1
  _cc_wait_gone mgr.x 20
}

cc_ratios_default() {
  cc_ceph osd set-nearfull-ratio 0.85 >/dev/null
  cc_ceph osd set-backfillfull-ratio 0.90 >/dev/null
  cc_ceph osd set-full-ratio 0.95 >/dev/null
}

cc_test_require() {
  local b
  for b in ceph-mon ceph-mgr ceph-osd ceph rados /usr/bin/python3; do
    command -v "$b" >/dev/null || skip_all "$b not installed (scripts/deps.sh test)"
  done
  [ "$(id -u)" = 0 ] || skip_all "needs root (the test cluster runs as root)"
  [ -f "$(our_plugindir)/ceph_health.so" ] || skip_all "ceph_health.so not built"
}

cc_test_up() {
  it_lock ceph
  trap 'cc_down; it_cleanup' EXIT
  # shellcheck disable=SC2034 # read by the tests (durations)
  CC_T0=$(date +%s)
  cc_up "$T/ceph" || { ok 1 "test cluster up"; it_end; exit 1; }
  ok 0 "$1"
}

cc_cluster_conf() {
  local l
  echo "  <Cluster \"$1\">
    ConfigFile \"$CC_DIR/ceph.conf\"
    Client \"collectd\"
    Keyring \"$CC_DIR/client.collectd/keyring\""
  shift
  for l in "$@"; do echo "    $l"; done
  echo "  </Cluster>"
}

cc_plugin_conf() {
  echo "LoadPlugin ceph_health
<Plugin ceph_health>"
  cc_cluster_conf "$@"
  echo "</Plugin>"
}

cc_up() {
  CC_DIR=$1
  CC_PORT2=${CEPH_MON_PORT_V2:-3300}
  CC_PORT1=${CEPH_MON_PORT_V1:-6789}
  local d=$CC_DIR fsid i uuid id t0
  t0=$(date +%s.%N)
  export CEPH_CONF="$d/ceph.conf"
  mkdir -p "$d"/{run,crash,log,pids,mon.a,mgr.x,client.admin,client.collectd} || return 1
  fsid=$(uuidgen)
  _cc_conf "$fsid"
  ceph-authtool --create-keyring "$d/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null &&
    ceph-authtool --create-keyring "$d/client.admin/keyring" --gen-key -n client.admin \
      --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *' >/dev/null &&
    ceph-authtool "$d/mon.keyring" --import-keyring "$d/client.admin/keyring" >/dev/null &&
    monmaptool --create --addv a "[v2:127.0.0.1:$CC_PORT2,v1:127.0.0.1:$CC_PORT1]" \
      --fsid "$fsid" "$d/monmap" >/dev/null &&
    ceph-mon -c "$d/ceph.conf" --mkfs -i a --monmap "$d/monmap" --keyring "$d/mon.keyring" \
      >>"$d/log/mkfs.out" 2>&1 || { cc_log "mon mkfs failed"; return 1; }
  _cc_start mon.a ceph-mon -c "$d/ceph.conf" -i a -f
  cc_ceph config set mgr mgr/devicehealth/enable_monitoring false --force >/dev/null ||
    { cc_log "mon did not answer"; return 1; }
  cc_ceph auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' \
    -o "$d/mgr.x/keyring" >/dev/null || return 1
  cc_mgr_start
  for i in $(seq 0 $((CC_NOSDS - 1))); do
    uuid=$(uuidgen)
    id=$(cc_ceph osd new "$uuid") || return 1
    mkdir -p "$d/osd.$id"
    cc_ceph auth get-or-create "osd.$id" mon 'allow profile osd' mgr 'allow profile osd' \
      osd 'allow *' -o "$d/osd.$id/keyring" >/dev/null || return 1
    ceph-osd -c "$d/ceph.conf" -i "$id" --mkfs --osd-uuid "$uuid" >>"$d/log/mkfs.out" 2>&1 ||
      { cc_log "osd.$id mkfs failed"; return 1; }
    cc_osd_start "$id"
  done
  # The read-only client the plugin uses (exact documented caps).
  cc_ceph auth get-or-create client.collectd mon 'allow r' mgr 'allow r' \
    -o "$d/client.collectd/keyring" >/dev/null || return 1
  cc_wait 60 bash -c "[ \"\$(timeout 10 ceph -c '$d/ceph.conf' --name client.admin --keyring '$d/client.admin/keyring' osd stat -f json 2>/dev/null | sed -n 's/.*\"num_up_osds\":\([0-9]*\).*/\1/p')\" = $CC_NOSDS ]" ||
    return 1
  cc_ceph osd pool create test "${CC_PGS:-32}" "${CC_PGS:-32}" replicated >/dev/null &&
    cc_ceph osd pool set test size "${CC_POOL_SIZE:-3}" >/dev/null &&
    cc_ceph osd pool set test min_size "${CC_POOL_MIN_SIZE:-2}" >/dev/null &&
    cc_ceph osd pool application enable test rados >/dev/null || { cc_log "pool create failed"; return 1; }
  for i in 1 2 3 4 5; do
    echo "object $i" | timeout 20 rados -c "$d/ceph.conf" --name client.admin \
      --keyring "$d/client.admin/keyring" -p test put "obj$i" - || return 1
  done
  cc_wait 90 cc_healthy || return 1
  cc_log "up in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}') s ($d)"
}

cc_down() {
  local f name
  [ -n "$CC_DIR" ] && [ -d "$CC_DIR/pids" ] || return 0
  for f in "$CC_DIR"/pids/*; do
    [ -f "$f" ] || continue
    name=$(basename "$f")
    _cc_kill "$name" KILL
  done
  for f in "$CC_DIR"/pids/*; do
    [ -f "$f" ] && _cc_wait_gone "$(basename "$f")" 10
  done
  if [ "${KEEP_CEPH:-0}" = 1 ]; then cc_log "kept $CC_DIR"; else rm -rf "$CC_DIR"; fi
}

# cc_write POOL PREFIX N KIB [NAMES]: one librados connection for all the
# writes (a `rados put` per object costs 0.3 s of start-up); bounded by
# timeout: writes to inactive PGs block.
cc_write() {
  timeout 120 /usr/bin/python3 - "$CC_DIR" "$1" "$2" "$3" "$4" "${5:-$3}" <<'PY'
import os, sys
import rados
d, pool, prefix, n, kib, names = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
c = rados.Rados(conffile=d + "/ceph.conf", name="client.admin",
                conf={"keyring": d + "/client.admin/keyring"})
c.connect()
io = c.open_ioctx(pool)
data = os.urandom(kib << 10)
for i in range(n):
    io.write_full("%s%d" % (prefix, i % names), data)
io.close()
c.shutdown()
PY
}

# cc_record_dir NAME: for the recorders (tests/integration/ceph_*_record.sh,
# which do not source collectd.sh): hold the ceph lock (fd 9, up to 15 min),
# D = a fresh /tmp/cds-ceph-NAME.XXXXXX, cc_down at exit.
cc_record_dir() {
  exec 9>/tmp/cds-lock-ceph
  flock -w 900 9 || exit 1
  D=$(mktemp -d "/tmp/cds-ceph-$1.XXXXXX")
  trap 'cc_down' EXIT
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -u
  case "${1:-}" in
    up)
      [ -n "${2:-}" ] || { echo "usage: $0 up DIR" >&2; exit 2; }
      cc_up "$2" || { cc_down; exit 1; }
      echo "CEPH_CONF=$2/ceph.conf"
      # Keep the daemons: they are children of this shell; disown them.
      disown -a
      ;;
    down)
      CC_DIR=${2:?usage: $0 down DIR}
      cc_down
      ;;
    *)
      echo "usage: $0 up DIR | down DIR" >&2
      exit 2
      ;;
  esac
fi
