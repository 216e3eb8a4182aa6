# shellcheck shell=bash
# ntp_scen_lib.sh - the NTP network of scenarios S1/S2: honest chronyd
# servers ("local stratum 1", this machine's clock) on 127.0.0.2.., a
# client chronyd -x (the monitored daemon) polling them every 0.5 s, and the
# ntp plugin watching the client over its Unix socket.  Every daemon runs
# without CAP_SYS_TIME (ntp_lib.sh refuses otherwise).  Source after lib.sh,
# ntp_lib.sh and scen_lib.sh; run inside scen_netns.
#
#   scen_ntp_server I PORT     honest chronyd on 127.0.0.I; SRV_PID[I]
#   scen_ntp_client PORT ADDR... client chronyd; CS = its socket
#   scen_ntp_wait_sync N SECS  until the client is synchronised and has N
#                              usable sources ('*' or '+')
#   scen_ntp_val ID            plugin value through unixsock (ntp-ID)

declare -A SRV_PID
scen_ntp_server() {
  local i=$1 port=$2
  mkdir -m 700 "$T/s$i"
  cat >"$T/s$i.conf" <<CONF
local stratum 1
allow 127.0.0.0/8
bindaddress 127.0.0.$i
port $port
cmdport 0
pidfile $T/s$i/pid
CONF
  chronyd_start "$T/s$i.conf" || return 1
  # shellcheck disable=SC2034
  SRV_PID[$i]=$CHRONYD_PID
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
