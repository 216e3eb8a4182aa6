#!/bin/bash
# ntp plugin, chrony sources without a resolved name and chrony's local
# reference, on the real collectd daemon against real chronyd -x:
#  - a "local stratum 8" chronyd with no source (127.0.0.7, NTP port P):
#    its reference is the local clock (refid 7F7F0101): source_kind 5;
#  - a client chronyd polling it plus "server x.invalid" and
#    "pool y.invalid" (no DNS here: those stay unresolved, address family
#    IPADDR_ID, which chronyc shows as ID#0000000001... with sources -a):
#    one peer instance per ID source (never an empty name), none of them in
#    count-peers / count-reachable, all of them in count-unresolved.
# Both daemons run without CAP_SYS_TIME; the kernel state must not change.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
it_begin ntp_chrony_names
chrony_require ntptime setpriv collectdctl
kernel_before=$(ntp_kernel_state)
read -r PORT LCMD CCMD <<<"$(free_udp_ports 3 | tr "\n" " ")"

mkdir -m 700 "$T/l" "$T/c"
cat >"$T/l.conf" <<EOF
local stratum 8
allow 127.0.0.0/8
bindaddress 127.0.0.7
port $PORT
cmdport $LCMD
bindcmdaddress 127.0.0.1
pidfile $T/l/pid
EOF
chronyd_start "$T/l.conf"
ok $? "local-reference chronyd -x runs without CAP_SYS_TIME"
cat >"$T/c.conf" <<EOF
server 127.0.0.7 port $PORT minpoll -1 maxpoll -1 iburst
server x.invalid iburst
pool y.invalid iburst
port 0
cmdport $CCMD
bindcmdaddress 127.0.0.1
pidfile $T/c/pid
EOF
chronyd_start "$T/c.conf"
ok $? "client chronyd -x runs without CAP_SYS_TIME"
lc() { "$CHRONYC" -h 127.0.0.1 -p "$LCMD" "$@"; }
cc() { "$CHRONYC" -h 127.0.0.1 -p "$CCMD" "$@"; }

collectd_start "LoadPlugin ntp
<Plugin ntp>
  <Server \"u\">
    Protocol \"chrony\"
    Host \"127.0.0.1\"
    Port $CCMD
  </Server>
  <Server \"loc\">
    Protocol \"chrony\"
    Host \"127.0.0.1\"
    Port $LCMD
  </Server>
</Plugin>"

val() { getval "ntp-$1" | sed -n 's/^value=//p' | awk '{ if ($1 == "nan") print "nan"; else printf "%.9g\n", $1 }'; }
for _ in $(seq 60); do
  [ "$(val u/count-candidates)" = 1 ] && [ "$(val loc/clock_stratum)" = 8 ] && break
  sleep 1
done

# ---- local reference ----
tr=$(lc -c tracking)
diag "local chronyc tracking: $tr"
is "$(echo "$tr" | cut -d, -f1)" 7F7F0101 "chronyd's local reference has refid 7F7F0101"
is "$(val loc/clock_mode-source_kind)" 5 "plugin: local reference -> source_kind 5 (local)"
is "$(val loc/clock_stratum)" 8 "plugin: stratum 8"
is "$(val loc/count-peers)" 0 "plugin: no sources"
is "$(val loc/count-unresolved)" 0 "plugin: chrony without unresolved sources: 0, not NaN"

# ---- unresolved sources ----
all=$(cc -c sources -a)
diag "client chronyc -c sources -a: $(echo "$all" | tr '\n' '|')"
ids=$(echo "$all" | awk -F, '$3 ~ /^ID#[0-9]+$/ { print $3 }')
nid=$(echo "$ids" | grep -c .)
ok $([ "$nid" -ge 2 ] && echo 0 || echo 1) "chronyc lists $nid unresolved sources (ID#...)"
is "$(cc -c sources | grep -c 'ID#')" 0 "chronyc hides them without -a"
is "$(val u/count-unresolved)" "$nid" "plugin: count-unresolved = chronyc's ID# count"
is "$(val u/count-peers)" 1 "plugin: count-peers counts only 127.0.0.7"
is "$(val u/count-reachable)" 1 "plugin: count-reachable 1"
is "$(val u-127.0.0.7/clock_stratum)" 8 "plugin: source 127.0.0.7 at stratum 8 (its local reference)"
is "$(val u/clock_stratum)" 9 "plugin: the client at stratum 9"
j=$(val u-127.0.0.7/time_offset-jitter)
ok $([ -n "$j" ] && [ "$j" != nan ] && echo 0 || echo 1) \
  "plugin: 127.0.0.7's SOURCESTATS matched its SOURCE_DATA (jitter '$j' s)"
miss=0
for id in $ids; do
  inst="u-${id/\#/_}" # the documented instance rule: '#' becomes '_'
  r=$(val "$inst/bool-reachable")
  [ "$r" = 0 ] || { miss=$((miss + 1)); diag "$inst: bool-reachable '$r'"; }
done
is "$miss" 0 "plugin: every ID# source has its own instance (u-ID_NNNNNNNNNN), unreachable"
insts=$(collectdctl -s "$T/collectd.sock" listval | sed -n "s|^$CD_HOST/ntp-\\(u-[^/]*\\)/.*|\\1|p" | sort -u)
diag "peer instances: $(echo "$insts" | tr '\n' ' ')"
is "$(echo "$insts" | grep -c '^u-ID_[0-9]\{10\}$')" "$nid" "as many ID instances as chronyc shows"
is "$(echo "$insts" | grep -c '^u-$')" 0 "no nameless instance (ntp-u-)"
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
is "$(ntp_kernel_state)" "$kernel_before" "kernel clock state unchanged"
it_end
