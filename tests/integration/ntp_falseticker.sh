#!/bin/bash
# ntp plugin, falseticker scenario with several real peers on loopback:
# a client chronyd -x polls three real chronyd servers (127.0.0.2-4, each
# "local stratum 1" serving this machine's clock) and one liar
# (ntp_sntp.py on 127.0.0.5, +0.25 s).  chronyd must reject the liar as a
# falseticker, and the plugin must flag exactly that source: selection 1,
# count-falsetickers 1, one notification naming it, the others usable.
# All daemons run without CAP_SYS_TIME; the kernel state must not change.
# (Loopback addresses, not network namespaces: chrony can be pointed at
# other 127/8 addresses and ports; NTPsec cannot, so this runs on chrony.)
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
it_begin ntp_falseticker
chrony_require ntptime setpriv python3
kernel_before=$(ntp_kernel_state)
PORT=$(free_udp_port)

# three honest servers
for i in 2 3 4; do
  mkdir -m 700 "$T/s$i"
  cat >"$T/s$i.conf" <<EOF
local stratum 1
allow 127.0.0.0/8
bindaddress 127.0.0.$i
port $PORT
cmdport 0
pidfile $T/s$i/pid
EOF
  chronyd_start "$T/s$i.conf" || exit 1
done
# the liar
python3 "$TOP_SRCDIR/tests/integration/ntp_sntp.py" 127.0.0.5 "$PORT" 0.25 &
it_track_pid $!

mkdir -m 700 "$T/c"
cat >"$T/c.conf" <<EOF
server 127.0.0.2 port $PORT minpoll -1 maxpoll -1 iburst
server 127.0.0.3 port $PORT minpoll -1 maxpoll -1 iburst
server 127.0.0.4 port $PORT minpoll -1 maxpoll -1 iburst
server 127.0.0.5 port $PORT minpoll -1 maxpoll -1 iburst
minsources 3
port 0
cmdport 0
bindcmdaddress $T/c/chronyd.sock
pidfile $T/c/pid
EOF
chronyd_start "$T/c.conf"
ok $? "client chronyd -x runs without CAP_SYS_TIME"
CS="$T/c/chronyd.sock"

collectd_start "$(ntp_chrony_conf ft "$CS" "MinSources 3")"

val() { getval "ntp-$1" | sed -n 's/^value=//p' | awk '{ if ($1 == "nan") print "nan"; else printf "%.9g\n", $1 }'; }
# chronyd may leave an honest source "not combined" ('-') for a while (its
# combine limit): wait until it combines all three, as the checks expect.
for _ in $(seq 90); do
  [ "$(val ft/count-falsetickers)" = 1 ] && [ "$(val ft/bool-synchronised)" = 1 ] &&
    [ "$(val ft/count-candidates)" = 3 ] && break
  sleep 1
done
src=$("$CHRONYC" -h "$CS" -c sources)
diag "chronyc sources: $(echo "$src" | tr '\n' '|')"
liar_state=$(echo "$src" | awk -F, '$3 == "127.0.0.5" { print $2 }')
is "$liar_state" x "chronyd itself marks 127.0.0.5 as a falseticker ('x')"
is "$(val ft-127.0.0.5/clock_state-selection)" 1 "plugin: 127.0.0.5 selection = 1 (falseticker)"
is "$(val ft/count-falsetickers)" 1 "plugin: exactly one falseticker"
for i in 2 3 4; do
  st=$(echo "$src" | awk -F, -v a=127.0.0.$i '$3 == a { print $2 }')
  s=$(val "ft-127.0.0.$i/clock_state-selection")
  ok $([ "$s" -ge 4 ] 2>/dev/null && [ "$st" != x ] && echo 0 || echo 1) \
    "plugin: 127.0.0.$i usable (selection $s, chronyc '$st')"
done
is "$(val ft/count-candidates)" 3 "plugin: 3 usable sources"
off=$(val ft-127.0.0.5/time_offset-offset)
near "$off" 0.25 0.01 "plugin: the liar's offset is +0.25 s (local clock behind it)"
# the notification follows once the verdict held NotifyHold (30 s)
for _ in $(seq 60); do
  [ "$(notifications_matching 'source 127.0.0.5 is a falseticker')" -ge 1 ] && break
  sleep 1
done
is "$(notifications_matching 'source 127.0.0.5 is a falseticker')" 1 \
  "one notification names the liar (after NotifyHold 30 s)"
is "$(notifications_matching 'is a falseticker' | head -1)" 1 "and no other source"
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
is "$(ntp_kernel_state)" "$kernel_before" "kernel clock state unchanged"
it_end
