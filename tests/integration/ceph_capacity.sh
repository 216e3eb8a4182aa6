#!/bin/bash
# The failure-domain loss projection against reality, on the real collectd
# daemon and a real throw-away Ceph 16.2 cluster (ceph_hosts.sh: 4 memstore
# OSDs of 1 GiB in 4 CRUSH hosts, rule chooseleaf type host, pools of size 3
# and 2 and one with a quota), as the read-only client.collectd:
#  0. per pool: stored bytes and quota headroom against `ceph df detail`;
#  1. data written; collectd reports, per OSD, in / CRUSH weight / reweight
#     / PGs / bytes and the host it is in (compared with `ceph osd df`), and
#     for root "default" the projected utilisation after losing the most
#     damaging host;
#  2. nearfull/backfillfull lowered between today's fullest OSD and the
#     projection: the after-loss headroom goes negative, the shipped
#     thresholds.conf raises its WARNING and the plugin names the host -
#     while Ceph still says HEALTH_OK;
#  3. ratios back to the defaults, that host's OSD killed and marked out,
#     recovery runs to active+clean: the fullest surviving OSD is compared
#     with the projection made before (target: within 5 percentage points).
# About 1.5-2 minutes; serialised with the other Ceph tests (it_lock ceph).
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/ceph.sh"
. "$(dirname "$0")/ceph_hosts.sh"
it_begin ceph_capacity
cc_test_require
[ -f "$STOCK_PLUGINDIR/threshold.so" ] || skip_all "collectd's threshold plugin not installed"
it_lock ceph
trap 'cc_down; it_cleanup' EXIT
t0=$(date +%s)
ch_hosts_up "$T/ceph"
rc=$?
ok $rc "4-host cluster up (HEALTH_OK, 56 PGs active+clean)"
[ $rc -eq 0 ] || { it_end; exit 1; }
ch_fill test a 96 1 && ch_fill two b 48 1 && ch_fill quota c 24 1
ok $? "data written (96 MiB x3, 48 MiB x2, 24 MiB x3 of quota 64 MiB)"

collectd_start "$(cc_plugin_conf test "Timeout 2")" \
  "$(printf 'PluginDir "%s"\nInclude "%s"\n' "$STOCK_PLUGINDIR" "$TOP_SRCDIR/examples/thresholds.conf")"

v() { # v TYPE-TI PINST: last value collectd wrote (waits up to 15 s)
  local f
  f=$(csv_wait "ceph_health-$2/$1-*" 15) || { echo missing; return; }
  csv_last "$f"
}
osd_df() { # osd_df PYEXPR-of-n ID: a field of osd.ID in `ceph osd df` (read-only key)
  cc_ro osd df -f json | /usr/bin/python3 -c "
import json, sys
n = [x for x in json.load(sys.stdin)['nodes'] if x['id'] == $2][0]
print($1)"
}
util_max() { # utilisation (%) of the fullest up OSD, from `ceph osd df`
  cc_ro osd df -f json | /usr/bin/python3 -c '
import json, sys
print(max(n["utilization"] for n in json.load(sys.stdin)["nodes"] if n["kb"] > 0 and n["status"] == "up"))'
}

# --- 1. per OSD and the projection
sleep 3 # the mgr's osd df trails the writes
csv_wait 'ceph_health-test-root-default/percent-after_domain_loss-*' 20 >/dev/null
ok $? "collectd wrote ceph_health-test-root-default/percent-after_domain_loss"
for i in 0 3; do
  near "$(v bool-in "test-osd.$i")" 1 0 "osd.$i in = 1"
  near "$(v ceph_health_weight-crush "test-osd.$i")" "$(osd_df "n['crush_weight']" $i)" 1e-6 "osd.$i CRUSH weight = ceph osd df"
  near "$(v ceph_health_ratio-reweight "test-osd.$i")" 1 0 "osd.$i reweight = 1"
  near "$(v ceph_health_pgs-mapped "test-osd.$i")" "$(osd_df "n['pgs']" $i)" 0 "osd.$i PGs = ceph osd df pgs"
  near "$(v bytes-total "test-osd.$i")" "$(osd_df "n['kb'] * 1024" $i)" 0 "osd.$i bytes-total = ceph osd df kb x 1024"
  near "$(v bytes-used "test-osd.$i")" "$(osd_df "n['kb_used'] * 1024" $i)" 4e6 "osd.$i bytes-used = ceph osd df (+- 4 MB: a read apart)"
  f=$(csv_wait "ceph_health-test-osd.$i/ceph_health_domain-host.h$i-*" 5)
  ok $? "osd.$i: ceph_health_domain-host.h$i (CRUSH: osd.$i is in host h$i)"
done
pool() { # pool PYEXPR-of-s NAME: a stats field of pool NAME in `ceph df detail`
  cc_ro df detail -f json | /usr/bin/python3 -c "
import json, sys
s = [p for p in json.load(sys.stdin)['pools'] if p['name'] == '$2'][0]['stats']
print($1)"
}
near "$(v ceph_health_quota_headroom-bytes test-pool-quota)" "$(pool "s['quota_bytes'] - s['stored']" quota)" 0 "pool quota: bytes headroom = max_bytes - stored (ceph df detail)"
near "$(v ceph_health_quota_headroom-objects test-pool-quota)" "$(pool "s['quota_objects'] - s['objects']" quota)" 0 "pool quota: objects headroom = max_objects - objects"
near "$(v ceph_health_quota_headroom-bytes test-pool-test)" nan 0 "pool test: no quota -> NaN headroom"
near "$(v bytes-stored test-pool-two)" "$(pool "s['stored']" two)" 0 "pool two: bytes-stored = ceph df detail"
near "$(v ceph_health_domains-total test-root-default)" 4 0 "root default: 4 failure domains (the empty host vm is none)"
near "$(v ceph_health_osds-total test-root-default)" 4 0 "root default: 4 OSDs"
sleep 2
P=$(v percent-after_domain_loss test-root-default)
M=$(util_max)
diag "fullest OSD now $M %, projected after losing one host $P %"
ok "$(awk -v p="$P" -v m="$M" 'BEGIN{exit !(p > m + 1)}'; echo $?)" "projection ($P %) above today's fullest OSD ($M %)"

# --- 2. ratios between today and the projection: alert while HEALTH_OK
NF=$(awk -v p="$P" -v m="$M" 'BEGIN{printf "%.4f", (m + 0.35 * (p - m)) / 100}')
BF=$(awk -v p="$P" -v m="$M" 'BEGIN{printf "%.4f", (m + 0.6 * (p - m)) / 100}')
cc_ceph osd set-nearfull-ratio "$NF" >/dev/null && cc_ceph osd set-backfillfull-ratio "$BF" >/dev/null
ok $? "nearfull $NF, backfillfull $BF set"
for _ in $(seq 40); do
  h=$(v ceph_health_headroom-after_loss_backfillfull test-root-default)
  awk -v h="$h" 'BEGIN{exit !(h < 0)}' && break
  sleep 0.5
done
ok "$(awk -v h="$h" 'BEGIN{exit !(h < 0)}'; echo $?)" "after-loss headroom to backfillfull < 0 ($h points)"
is "$(cc_health)" HEALTH_OK "Ceph still says HEALTH_OK"
near "$(v ceph_health_status test)" 0 0 "ceph_health_status = 0"
for _ in $(seq 20); do
  [ "$(notifications_matching 'severity = WARNING, .*plugin_instance = test-root-default, type = ceph_health_headroom, type_instance = after_loss_backfillfull')" -ge 1 ] && break
  sleep 0.5
done
ok "$([ "$(notifications_matching 'severity = WARNING, .*plugin_instance = test-root-default, type = ceph_health_headroom, type_instance = after_loss_backfillfull')" -ge 1 ]; echo $?)" \
  "thresholds.conf: WARNING on after_loss_backfillfull"
line=$(grep -E "Notification: .*losing host h[0-3] of root default would fill osd\.[0-9]+ .* over backfillfull" "$T/collectd.log" | tail -n 1)
ok "$([ -n "$line" ]; echo $?)" "plugin notification names the host to lose"
diag "$(echo "$line" | sed 's/.*message = //')"
H=$(echo "$line" | sed -n 's/.*losing host h\([0-3]\) .*/\1/p')
P=$(v percent-after_domain_loss test-root-default)

# --- 3. lose that host for real and compare
cc_ratios_default
cc_osd_stop "$H" KILL
cc_ceph osd out "$H" >/dev/null
ok $? "host h$H: osd.$H killed and marked out"
recovered() { CC_PGS=56 cc_all_pgs clean && [ "$(cc_pgs_with degraded)" -eq 0 ]; }
cc_wait 120 recovered
ok $? "recovery done: 56 PGs active+clean without h$H"
sleep 3 # osd df trails recovery
A=$(util_max)
err=$(awk -v a="$A" -v p="$P" 'BEGIN{printf "%.2f", a - p}')
diag "projected $P %, actual fullest OSD after recovery $A %: error $err percentage points"
near "$A" "$P" 5 "actual worst utilisation within 5 points of the projection"
collectd_log_clean
diag "duration $(($(date +%s) - t0)) s"
it_end
