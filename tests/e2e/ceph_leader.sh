#!/bin/bash
# ceph_health on every mon host, one series set: a real Ceph cluster on
# loopback grown to three mons (a, b, c; tests/lib/ceph.sh brings up "a", the
# others join it the documented manual way), and three collectd instances,
# one per mon "host", each with LeaderOnly true.  All mons share 127.0.0.1
# here, so the address test would call every one of them local; each
# collectd therefore names its mon with LocalMon, as a host with several
# addresses would.  Checks: exactly the collectd of the quorum leader writes
# ceph_health series, the two others write none; after the leader's mon is
# stopped, the new leader's collectd takes over and the old one stays silent.
# Real separate hosts (network namespaces, address test) are not used:
# Ceph's mons would need routable addresses in each namespace plus a bridge,
# which tests/e2e/fleet.sh's point-to-point veths do not give.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/ceph.sh"
. "$(dirname "$0")/../lib/e2e.sh"
it_begin ceph_leader
need ceph-mon ceph-mgr ceph-osd ceph uuidgen python3
cc_test_up "test cluster up (mon a)"
D=$T/ceph
hosts="[v2:127.0.0.1:$CC_PORT2,v1:127.0.0.1:$CC_PORT1]"
for m in b c; do
  p2=$(free_port) p1=$(free_port)
  mkdir -p "$D/mon.$m"
  cc_ceph mon getmap -o "$D/monmap.$m" >/dev/null &&
    ceph-mon -c "$D/ceph.conf" --mkfs -i "$m" --monmap "$D/monmap.$m" --keyring "$D/mon.keyring" \
      >>"$D/log/mkfs.out" 2>&1 || { ok 1 "mon $m mkfs"; it_end; exit 1; }
  _cc_start "mon.$m" ceph-mon -c "$D/ceph.conf" -i "$m" -f --public-addrv "[v2:127.0.0.1:$p2,v1:127.0.0.1:$p1]"
  cc_wait 60 bash -c "timeout 10 ceph -c '$D/ceph.conf' --name client.admin --keyring '$D/client.admin/keyring' quorum_status -f json 2>/dev/null | grep -q '\"quorum_names\":\[[^]]*\"$m\"'"
  ok $? "mon $m joined the quorum"
  hosts="$hosts,[v2:127.0.0.1:$p2,v1:127.0.0.1:$p1]"
done
# clients (the ceph CLI, collectd) know all three mons
sed -i "s/^mon host = .*/mon host = $hosts/" "$D/ceph.conf"
leader() {
  cc_ceph quorum_status -f json | python3 -c 'import json,sys; print(json.load(sys.stdin)["quorum_leader_name"])'
}
L=$(leader)
diag "quorum leader: $L; quorum: $(cc_ceph quorum_status -f json | python3 -c 'import json,sys; print(json.load(sys.stdin)["quorum_names"])')"

# one collectd per mon "host", each in its own directory under $T
TOP_T=$T
declare -A CDPID
for m in a b c; do
  T=$TOP_T/cd-$m
  mkdir -p "$T"
  CD_HOST=mon-$m collectd_start "$(cc_plugin_conf ceph "Timeout 5" "LeaderOnly true" "LocalMon \"$m\"")"
  CDPID[$m]=$CD_PID
done
T=$TOP_T
series() { find "$TOP_T/cd-$1/csv/mon-$1" -path '*ceph_health*' -name 'ceph_health_status-*' 2>/dev/null | head -n 1; }
rows() { local f; f=$(series "$1"); [ -n "$f" ] && echo $(($(wc -l <"$f") - 1)) || echo 0; }
for _ in $(seq 300); do [ "$(rows "$L")" -ge 3 ] && break; sleep 0.1; done
sleep 3
for m in a b c; do diag "collectd of mon $m: $(rows "$m") ceph_health_status rows"; done
[ "$(rows "$L")" -ge 3 ]
ok $? "the leader's collectd (mon $L) writes ceph_health series"
n=0
for m in a b c; do [ "$m" != "$L" ] && [ -z "$(series "$m")" ] && n=$((n + 1)); done
is "$n" 2 "the two other mons' collectd write no ceph_health series (one series set for the cluster)"

# leadership moves: stop the leader's mon
t0=$(date +%s.%N)
_cc_kill "mon.$L" TERM
_cc_wait_gone "mon.$L" 20
NL=""
for _ in $(seq 60); do
  NL=$(leader 2>/dev/null)
  [ -n "$NL" ] && [ "$NL" != "$L" ] && break
  sleep 1
done
diag "new leader: ${NL:-none}"
for _ in $(seq 300); do [ -n "$NL" ] && [ "$(rows "$NL")" -ge 2 ] && break; sleep 0.2; done
[ -n "$NL" ] && [ "$NL" != "$L" ] && [ "$(rows "$NL")" -ge 2 ]
ok $? "after mon $L stopped, the new leader's collectd (mon ${NL:-?}) takes over"
diag "takeover: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s from SIGTERM of mon $L to the second csv row of mon ${NL:-?}'s collectd"
# The old leader's collectd may mark its values NaN while its mon is gone
# (one or two failed reads); then it must fall silent: no new row for 5 s
# (5 of its 1 s intervals) within 30 s.
quiet=1
for _ in $(seq 6); do
  before=$(rows "$L")
  sleep 5
  [ "$(rows "$L")" = "$before" ] && { quiet=0; break; }
done
ok $quiet "the old leader's collectd stopped writing ceph_health values"
for m in a b c; do
  [ "$m" != "$L" ] && [ "$m" != "$NL" ] && { [ -z "$(series "$m")" ]; ok $? "mon $m, never the leader, stayed silent"; }
done
for m in a b c; do
  T=$TOP_T/cd-$m
  CD_PID=${CDPID[$m]}
  collectd_stop
done
T=$TOP_T
it_end
