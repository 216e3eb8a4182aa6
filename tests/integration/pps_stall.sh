#!/bin/bash
# pps on the real collectd daemon when the host stalls: collectd is stopped
# (SIGSTOP, as a starved or swapping host stops it) for 6 s, three times,
# while the writer keeps pulsing.  The pulses never stopped, so no "pulses
# stopped" may be sent and no bool-signal row may read 0; the kernel's
# sequence numbers show the pulses the reader did not fetch.  Then the writer
# itself stops: silence the reader watched is still reported.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
it_begin pps_stall
need python3

dev=$T/sys/class/pps/pps0
pps_writer_start "$dev" "$T/writer.log" --offset 0.0015 --sigma 0.00002 --seed 7
collectd_start "$(conf_fill pps_sysfs SYSFS="$T/sys" LINES="  PollInterval 0.05
  Timeout 2.5")"

f=$(csv_wait 'pps-pps0/bool-signal-*' 20)
ok $? "collectd discovered pps0"
csv_until "$f" 1.000000 20
ok $? "bool-signal 1 while the writer pulses"

cd_freeze 3 6 'pps-pps0/bool-signal-*'
is "$(notifications_matching 'pulses stopped')" 0 "no 'pulses stopped' across three 6 s stalls"
zeros=$(csv_after "$CD_FROZE_AT" 'pps-pps0/bool-signal-*' | awk -F, '$2 + 0 == 0 && $2 != "nan"' | wc -l)
is "$zeros" 0 "no bool-signal row reads 0 (1, or NaN while the reader is behind)"
gaps=$(csv_after "$CD_FROZE_AT" 'pps-pps0/count-sequence_gaps-*' | awk -F, '$2 != "nan" { s += $2 } END { print s + 0 }')
ok "$(awk -v g="$gaps" 'BEGIN { exit !(g >= 9) }'; echo $?)" \
  "the kernel counted the pulses the reader did not fetch: sequence_gaps $gaps (>= 3 per stall)"

# The writer stops: a silence the reader watches is an alarm.
kill -STOP "$PPS_WRITER"
sc_wait_notification 30 'pulses stopped'
kill -CONT "$PPS_WRITER"
is "$(notifications_matching 'pulses stopped: no pulse for')" 1 "the writer paused: one 'pulses stopped'"

collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
it_end
