# shellcheck shell=bash
# ntp_scen_lib.sh - the NTP network of scenarios S1/S2.  Every server is a
# host of its own: a network namespace linked to the test's namespace by a
# veth pair (server 10.77.I.2, our side 10.77.I.1).  Honest servers are
# chronyd ("local stratum 1": this machine's clock); the monitored daemon
# is a client chronyd -x in the test's namespace polling them every 0.5 s;
# the ntp plugin watches it over its Unix socket.  Every daemon runs
# without CAP_SYS_TIME (ntp_lib.sh refuses otherwise).  Source after
# lib.sh, ntp_lib.sh and scen_lib.sh; run inside scen_netns.
#
#   scen_host I                a namespace "host" with address 10.77.I.2;
#                              HOST_PID[I] holds it open
#   scen_host_run I CMD...     run CMD in host I's namespace
#   scen_link_down I / _up I   cut / restore the link to host I
#   scen_ntp_server I PORT     honest chronyd on host I
#   scen_ntp_client PORT ADDR... client chronyd; CS = its socket
#   scen_ntp_wait_sync N SECS  until the client is synchronised and has N
#                              usable sources ('*' or '+')
#   scen_ntp_val ID            plugin value through unixsock (ntp-ID)

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
