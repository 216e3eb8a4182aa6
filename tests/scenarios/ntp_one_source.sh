#!/bin/bash
# Scenario S2: only one source left.  Four honest chronyd
# servers, each a host of its own (a network namespace on a veth link,
# 10.77.2-5.2), feed a client chronyd -x (the monitored daemon, polling
# every 0.5 s; tests/lib/peers.sh).  The servers become unreachable one by
# one: their links are cut (ip link set down).  The site needs N = 3 usable sources: the ntp
# plugin runs with MinSources 3 and the shipped examples/thresholds.conf
# warns below 2.5 usable sources (Hits 3) and pages at none.
# Expected: nothing at 4 and at 3 usable sources; a WARNING from the
# plugin and one from thresholds.conf when the count falls to 2; nothing
# new at 1 (same state); OKAY from both when the servers answer again.
# About 1 minute.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
scen_netns "$@"
it_begin ntp_one_source
need ntptime setpriv
chrony_root >/dev/null || skip_all "chrony .deb not available"
kernel_before=$(ntp_kernel_state)
PORT=123
for i in 2 3 4 5; do scen_ntp_server "$i" "$PORT" || exit 1; done
scen_ntp_client "$PORT" 10.77.2.2 10.77.3.2 10.77.4.2 10.77.5.2
ok $? "client chronyd -x runs without CAP_SYS_TIME"
scen_ntp_wait_sync 4 60
ok $? "healthy: the client is synchronised with 4 usable sources"

scen_collectd_start "LoadPlugin ntp
<Plugin ntp>
  <Server \"site\">
    Protocol \"chrony\"
    Socket \"$CS\"
    MinSources 3
  </Server>
</Plugin>"
for _ in $(seq 30); do [ "$(scen_ntp_val site/count-candidates)" = 4 ] && break; sleep 0.5; done
sleep 4
is "$(scen_ntp_val site/count-candidates)" 4 "healthy: plugin counts 4 usable sources"
is "$(scen_notes_at_least WARNING)" 0 "healthy: no notification at WARNING or above"

# wait_count N SECS: until the plugin reports N usable sources
wait_count() {
  for _ in $(seq $(($2 * 2))); do
    [ "$(scen_ntp_val site/count-candidates)" = "$1" ] && return 0
    sleep 0.5
  done
  return 1
}
PLUGIN_RE='severity = WARNING, .*plugin = ntp, plugin_instance = site, type = count, type_instance = candidates, message = ntp plugin'
THR_RE='severity = WARNING, .*plugin = ntp, plugin_instance = site, type = count, type_instance = candidates, message = Host .*below the warning threshold of 2\.5'

scen_link_down 5
wait_count 3 30
ok $? "link to 10.77.5.2 cut: 3 usable sources"
sleep 5 # longer than Hits 3
is "$(scen_notes_at_least WARNING)" 0 "3 usable sources = N: no notification"

t0=$(scen_now)
scen_link_down 4
dt=$(scen_wait_note "$PLUGIN_RE" 90 "$t0") # NotifyHold 30 s
ok $? "link to 10.77.4.2 cut too: the plugin warns (MinSources 3) after $dt s"
scen_fault_time "plugin MinSources 3 WARNING, 3 -> 2 usable" "$dt"
dt2=$(scen_wait_note "$THR_RE" 60 "$t0")
ok $? "thresholds.conf: WARNING below 2.5 usable sources after $dt2 s (Hits 3)"
scen_fault_time "thresholds.conf count-candidates WARNING, 3 -> 2 usable" "$dt2"
grep -E "Notification: .*$PLUGIN_RE" "$T/collectd.log" | sed 's/^.*message = /# /'
is "$(scen_ntp_val site/count-candidates)" 2 "plugin: 2 usable sources"

scen_link_down 3
wait_count 1 30
ok $? "link to 10.77.3.2 cut too: only 10.77.2.2 left (1 usable source)"
sleep 5
is "$(notifications_matching "$PLUGIN_RE")" 1 "plugin: still one WARNING (no repeat while below N)"
is "$(notifications_matching "$THR_RE")" 1 "thresholds.conf: still one WARNING"
is "$(notifications_matching 'severity = FAILURE')" 0 "one source left is not 'none': no FAILURE"
is "$(scen_ntp_val site/bool-synchronised)" 1 "the client stays synchronised to the last source"

OK1="severity = OKAY, .*plugin_instance = site, type = count, type_instance = candidates, message = ntp plugin"
OK2="severity = OKAY, .*plugin_instance = site, type = count, type_instance = candidates, message = Host"
b1=$(notifications_matching "$OK1")
b2=$(notifications_matching "$OK2")
t1=$(scen_now)
scen_link_up 3
scen_link_up 4
scen_link_up 5
dt3=$(scen_wait_note "$OK1" 90 "$t1" "$b1") # NotifyHold 30 s
ok $? "links back: the plugin's OKAY after $dt3 s"
dt4=$(scen_wait_note "$OK2" 60 "$t1" "$b2")
ok $? "links back: thresholds.conf OKAY after $dt4 s"
diag "recovery->OKAY: plugin $dt3 s, thresholds.conf $dt4 s"
wait_count 4 30
ok $? "4 usable sources again"
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
is "$(ntp_kernel_state)" "$kernel_before" "kernel clock state unchanged"
it_end
