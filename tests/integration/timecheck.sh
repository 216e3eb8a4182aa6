#!/bin/bash
# timecheck on the real collectd daemon.  Its inputs are real dispatches:
# the pps plugin reading a sysfs fixture (pps_writer.py, edge 1.5 ms after
# the second) and values a feeder PUTVALs through the unixsock plugin as
# the ntp and dcf77 plugins dispatch them (ntp/clock_state-leap,
# dcf77-rx/bool-leap_announced) plus a second reference "ref" (an offset
# as gpsd's TOFF: reference - system clock).  The leap file is written here
# with an expiry 10 days ahead.  Checked: the values timecheck writes, the
# leap vote with DCF77 A2 set on a day without a leap (WARNING after
# LeapHold, OKAY after it clears), the pair pps/ref honest then 0.5 s
# apart (WARNING after Hold), the expiring file, the kernel as a voter.
# (Setup: tests/lib/timecheck.sh.)
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/timecheck.sh"
it_begin timecheck
tc_inputs 3
# leap-seconds.list (IERS/IANA format, NTP seconds): expiry now + 10 days
tc_leapfile 10
tc_collectd collectd_start 4 4 ref ref/time_offset-toff

tc() { csv_last "$(csv_wait "timecheck/$1-*" 15)"; }
f=$(csv_wait 'timecheck/time_offset-pps_vs_ref-*' 20)
ok $? "collectd wrote timecheck/time_offset-pps_vs_ref"
# a few pulses in the pps mean: until the pair has a number (polled, up to
# 30 s: a loaded host stalls collectd's reads and the pps writer)
for _ in $(seq 60); do [ "$(tc time_offset-pps_vs_ref)" != nan ] && break; sleep 0.5; done
near "$(tc time_offset-pps_vs_ref)" 0 0.0005 "pps (negated edge mean, -1.5 ms) vs ref (-1.5 ms): 0 within 0.5 ms"
is "$(tc bool-apart-pps_vs_ref)" 0.000000 "honest pair not apart"
is "$(tc count-leap_voters)" 3.000000 "three leap voters known (ntp, dcf77, kernel)"
is "$(tc bool-leap_agree)" 1.000000 "the voters agree while nobody announces"
kernel_ins=$(awk '{print $0}' <(python3 -c 'import ctypes,ctypes.util
class T(ctypes.Structure): _fields_=[("modes",ctypes.c_uint),("pad",ctypes.c_long*4),("status",ctypes.c_int),("rest",ctypes.c_long*40)]
t=T(); ctypes.CDLL(ctypes.util.find_library("c")).adjtimex(ctypes.byref(t)); print(1 if t.status & 0x30 else 0)'))
near "$(tc bool-leap_announced_kernel)" "$kernel_ins" 0 "kernel voter = STA_INS|STA_DEL as adjtimex shows ($kernel_ins)"
days=$(tc timecheck_days-leapfile_expiry)
near "$days" 10 0.01 "leapfile_expiry = 10 days (file #@ = now + 10 d)"
is "$(tc bool-leapfile_expiring)" 1.000000 "a file expiring in 10 days is expiring (< 30 days)"
is "$(notifications_matching 'expires in 10.0 days')" 1 "one WARNING: the leap file expires in 10 days"

# DCF77 A2 set on a day without a leap: disagreement after LeapHold 4 s
# (waited for, not slept: a loaded host may stall collectd's loop; the
# hold is checked on the plugin's own rows)
echo 1 >"$T/a2"
tc_wait bool-leap_agree 0.000000 20
ok $? "A2 set: the voters disagree"
d=$(awk -v a="$(tc_first bool-leap_announced_dcf77 '$2 == 1')" -v b="$(tc_first bool-leap_agree '$2 == 0')" \
  'BEGIN { printf "%.1f", b - a }')
ok "$(awk -v d="$d" 'BEGIN { exit !(d >= 3) }' && echo 0 || echo 1)" \
  "... not before LeapHold: $d s after timecheck saw A2 (LeapHold 4 s, one interval of slack)"
is "$(notifications_matching 'leap-second voters disagree for 4 s: dcf77=1')" 1 \
  "one WARNING naming dcf77"
echo 0 >"$T/a2"
tc_wait bool-leap_agree 1.000000 20
ok $? "A2 clear: agree again"
is "$(notifications_matching 'voters agree again')" 1 "one OKAY"

# ref 0.5 s off (a wrong latency): apart after Hold 4 s
echo -0.5015 >"$T/toff"
tc_wait bool-apart-pps_vs_ref 1.000000 20
ok $? "apart after Hold"
near "$(tc time_offset-pps_vs_ref)" 0.5 0.001 "pps vs ref = +0.5 s (pps later)"
d=$(awk -v a="$(tc_first time_offset-pps_vs_ref '$2 > 0.4')" -v b="$(tc_first bool-apart-pps_vs_ref '$2 == 1')" \
  'BEGIN { printf "%.1f", b - a }')
ok "$(awk -v d="$d" 'BEGIN { exit !(d >= 3) }' && echo 0 || echo 1)" \
  "... not before Hold: $d s after timecheck saw the pair apart (Hold 4 s)"
is "$(tc count-pairs_apart)" 1.000000 "count-pairs_apart = 1"
is "$(notifications_matching 'pps and ref disagree by 0\.(49|50)')" 1 "one WARNING naming the pair"

collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
it_end
