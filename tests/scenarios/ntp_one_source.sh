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
. "$(dirname "$0")/../lib/scenario.sh"
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

scen_ntp_site_healthy 3 4

PLUGIN_RE='severity = WARNING, .*plugin = ntp, plugin_instance = site, type = count, type_instance = candidates, message = ntp plugin'
THR_RE='severity = WARNING, .*plugin = ntp, plugin_instance = site, type = count, type_instance = candidates, message = Host .*below the warning threshold of 2\.5'

scen_link_down 5
scen_ntp_wait_candidates 3 30
ok $? "link to 10.77.5.2 cut: 3 usable sources"
sleep 5 # longer than Hits 3
is "$(scen_notes_at_least WARNING)" 0 "3 usable sources = N: no notification"

scen_phase
scen_link_down 4
scen_expect 90 "$PLUGIN_RE" "link to 10.77.4.2 cut too: the plugin warns (MinSources 3) after %s s" \
  "plugin MinSources 3 WARNING, 3 -> 2 usable" # NotifyHold 30 s
scen_expect 60 "$THR_RE" "thresholds.conf: WARNING below 2.5 usable sources after %s s (Hits 3)" \
  "thresholds.conf count-candidates WARNING, 3 -> 2 usable"
scen_messages "$PLUGIN_RE"
is "$(scen_ntp_val site/count-candidates)" 2 "plugin: 2 usable sources"

scen_link_down 3
scen_ntp_wait_candidates 1 30
ok $? "link to 10.77.3.2 cut too: only 10.77.2.2 left (1 usable source)"
sleep 5
is "$(notifications_matching "$PLUGIN_RE")" 1 "plugin: still one WARNING (no repeat while below N)"
is "$(notifications_matching "$THR_RE")" 1 "thresholds.conf: still one WARNING"
is "$(notifications_matching 'severity = FAILURE')" 0 "one source left is not 'none': no FAILURE"
is "$(scen_ntp_val site/bool-synchronised)" 1 "the client stays synchronised to the last source"

scen_phase
scen_link_up 3
scen_link_up 4
scen_link_up 5
scen_expect 90 "severity = OKAY, .*plugin_instance = site, type = count, type_instance = candidates, message = ntp plugin" \
  "links back: the plugin's OKAY after %s s" # NotifyHold 30 s
dt3=$SCEN_DT
scen_expect 60 "severity = OKAY, .*plugin_instance = site, type = count, type_instance = candidates, message = Host" \
  "links back: thresholds.conf OKAY after %s s"
diag "recovery->OKAY: plugin $dt3 s, thresholds.conf $SCEN_DT s"
scen_ntp_wait_candidates 4 30
ok $? "4 usable sources again"
scen_stop
is "$(ntp_kernel_state)" "$kernel_before" "kernel clock state unchanged"
it_end
