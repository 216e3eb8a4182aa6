#!/bin/bash
# Scenario S1: a time server says it is 12 years ago (the 2012
# USNO incident, when tock.usno.navy.mil served the year 2000).
# Each server is a host of its own (a network namespace on a veth link):
# three honest chronyd servers (10.77.2-4.2) and one server
# (tests/integration/ntp_sntp.py, 10.77.5.2) that first serves the right
# time, then jumps 12 years back.  The monitored daemon is a client
# chronyd -x polling all four every 0.5 s (tests/lib/peers.sh).  collectd runs the ntp plugin with the shipped
# examples/thresholds.conf and collectd's threshold plugin.
# Expected: healthy phase silent; then the liar is flagged falseticker
# (selection 1, one notification naming 10.77.5.2), usable sources drop
# 4 -> 3 (the plugin's MinSources 4 warns), the shipped falseticker rule
# fires, the client's clock is not followed (system offset stays ~0,
# still synchronised to an honest server).  About 40 s.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/../lib/scenario.sh"
scen_netns "$@"
it_begin ntp_year2000
need ntptime setpriv python3
chrony_root >/dev/null || skip_all "chrony .deb not available"
kernel_before=$(ntp_kernel_state)
PORT=123
LIAR=10.77.5.2
TWELVE_YEARS=378691200 # 12 x 365.25 days

for i in 2 3 4; do scen_ntp_server "$i" "$PORT" || exit 1; done
echo 0 >"$T/liar.offset"
scen_host 5
ok $? "four server hosts (network namespaces on veth links)"
# nsenter execs python3: $! is the liar's own pid
nsenter -t "${HOST_PID[5]}" -n python3 "$TOP_SRCDIR/tests/integration/ntp_sntp.py" "$LIAR" "$PORT" 0 "$T/liar.offset" &
it_track_pid $!
scen_ntp_client "$PORT" 10.77.2.2 10.77.3.2 10.77.4.2 "$LIAR"
ok $? "client chronyd -x runs without CAP_SYS_TIME"
scen_ntp_wait_sync 4 60
ok $? "healthy: the client is synchronised with 4 usable sources"
diag "chronyc sources: $("$CHRONYC" -h "$CS" -c sources | tr '\n' '|')"

scen_ntp_site_healthy 4 6

# ---- the fault: 10.77.5.2 serves a time 12 years back
scen_phase
echo "-$TWELVE_YEARS" >"$T/liar.offset"
diag "fault injected: $LIAR now serves $(date -u -d "@$(($(date +%s) - TWELVE_YEARS))" +%Y-%m-%d)"

scen_expect 90 "severity = WARNING, .*plugin_instance = site-$LIAR, .*source $LIAR is a falseticker" \
  "plugin: a WARNING names the bad source (%s s)" "plugin falseticker notification naming $LIAR" # NotifyHold 30 s
scen_expect 60 "severity = FAILURE, .*plugin = ntp, plugin_instance = site, type = count, type_instance = falsetickers, .*above the failure threshold" \
  "thresholds.conf: FAILURE for count-falsetickers (%s s, Hits 3)" "thresholds.conf count-falsetickers FAILURE"
scen_expect 90 "severity = WARNING, .*plugin_instance = site, type = count, type_instance = candidates, message = .*3 usable sources \\(MinSources 4\\)" \
  "plugin: usable sources 4 -> 3 below MinSources 4 (%s s)" "plugin MinSources WARNING" # NotifyHold 30 s

src=$("$CHRONYC" -h "$CS" -c sources)
diag "chronyc sources: $(echo "$src" | tr '\n' '|')"
is "$(echo "$src" | awk -F, -v a=$LIAR '$3 == a { print $2 }')" x "chronyd marks $LIAR 'x' (falseticker)"
is "$(scen_ntp_val site-$LIAR/clock_state-selection)" 1 "plugin: $LIAR selection = 1 (falseticker)"
is "$(scen_ntp_val site/count-falsetickers)" 1 "plugin: exactly one falseticker"
is "$(scen_ntp_val site/count-candidates)" 3 "plugin: usable sources dropped to 3"
# What the plugin dispatched (csv): -12 years.  collectd's own cache (and
# with it the threshold plugin and unixsock) turns it into NaN: the stock
# types.db limits time_offset to +-1e6 s (11.6 days).  So no offset rule can
# see a year-2000 source: the falseticker rules are what catch it.
off=$(csv_last "$(csv_wait "ntp-site-$LIAR/time_offset-offset-*" 2)")
near "$off" "-$TWELVE_YEARS" 5 "plugin: the liar's offset dispatched as -12 years (csv; + = local clock behind)"
is "$(scen_ntp_val site-$LIAR/time_offset-offset)" nan "collectd's cache: NaN (outside types.db's +-1e6 s for time_offset)"
# The local clock is not followed: still synchronised to an honest server,
# the system offset stays far below a second.
sysoff=$(scen_ntp_val site/time_offset-offset)
near "$sysoff" 0 0.01 "plugin: the client's system offset stays ~0 ($sysoff s): the local clock does not follow"
is "$(scen_ntp_val site/bool-synchronised)" 1 "plugin: the client stays synchronised"
ref=$("$CHRONYC" -h "$CS" -c tracking | cut -d, -f2)
ok "$([ "$ref" != "$LIAR" ] && echo 0 || echo 1)" "chronyd's reference is an honest server ($ref)"
is "$(notifications_matching 'is a falseticker' )" 1 "only one falseticker notification, for $LIAR"
is "$(notifications_matching 'severity = (WARNING|FAILURE).*plugin_instance = site-10\.77\.[234]\.2,')" 0 "no notification for an honest source"
is "$(notifications_matching 'severity = (WARNING|FAILURE).*plugin_instance = site, type = (bool|time_offset),')" 0 \
  "no lost-sync and no system offset notification"

# ---- the liar is fixed: everything clears
scen_phase
echo 0 >"$T/liar.offset"
scen_expect 90 "severity = OKAY, .*plugin_instance = site, type = count, type_instance = falsetickers" \
  "thresholds.conf: OKAY for count-falsetickers once the source is honest again (%s s)"
scen_stop
is "$(ntp_kernel_state)" "$kernel_before" "kernel clock state unchanged"
it_end
