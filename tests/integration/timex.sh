#!/bin/bash
# timex on the real collectd daemon: the values it writes must match what
# ntptime (NTPsec, an independent reader of the same adjtimex state) shows.
. "$(dirname "$0")/../lib/collectd.sh"
it_begin timex
command -v ntptime >/dev/null || skip_all "ntptime (ntpsec) not installed"

collectd_start 'LoadPlugin timex'
f=$(csv_wait 'timex/time_offset-offset-*' 15)
ok $? "collectd wrote timex/time_offset-offset"
csv_wait 'timex/bool-status_clk-*' 5 >/dev/null
ok $? "collectd wrote the last metric of the table (bool-status_clk)"
ref=$(ntptime)
diag "ntptime: $(echo "$ref" | tr -s ' \n' ' ')"

val() { csv_last "$(csv_wait "timex/$1-*" 5)"; }
ret=$(echo "$ref" | sed -n 's/^ntp_adjtime() returns code \([0-9]*\).*/\1/p')
status=$(printf '%d' "$(echo "$ref" | sed -n 's/.*status \(0x[0-9a-f]*\).*/\1/p')")
maxerr=$(echo "$ref" | sed -n '/ntp_adjtime/,$ s/.*maximum error \([0-9]*\) us.*/\1/p')
offset=$(echo "$ref" | sed -n 's/.*offset \(-\{0,1\}[0-9.]*\) us.*/\1/p')
freq=$(echo "$ref" | sed -n 's/.*frequency \(-\{0,1\}[0-9.]*\) ppm.*/\1/p')
tconst=$(echo "$ref" | sed -n 's/.*time constant \([0-9]*\).*/\1/p')
prec=$(echo "$ref" | sed -n 's/.*precision \([0-9.]*\) us.*/\1/p')
tol=$(echo "$ref" | sed -n 's/.*tolerance \([0-9]*\) ppm.*/\1/p')

near "$(val clock_state-kernel)" "$ret" 0 "clock_state-kernel = ntp_adjtime return code ($ret)"
near "$(val timex_status)" "$status" 0 "timex_status = ntptime status ($status)"
near "$(val time_dispersion-maxerror)" "$(awk -v u="$maxerr" 'BEGIN{print u/1e6}')" 0.05 \
  "time_dispersion-maxerror = maximum error in s"
near "$(val time_offset-offset)" "$(awk -v u="$offset" 'BEGIN{print u/1e6}')" 1e-3 "time_offset-offset = offset in s"
near "$(val frequency_offset-frequency)" "$freq" 0.01 "frequency_offset-frequency = frequency in ppm"
near "$(val gauge-time_constant)" "$tconst" 0 "gauge-time_constant = time constant"
near "$(val timex_seconds-precision)" "$(awk -v u="$prec" 'BEGIN{print u/1e6}')" 1e-9 "timex_seconds-precision in s"
near "$(val frequency_offset-tolerance)" "$tol" 0.001 "frequency_offset-tolerance in ppm"
unsync=$(( (status & 0x40) ? 1 : 0 ))
near "$(val bool-status_unsync)" "$unsync" 0 "bool-status_unsync = STA_UNSYNC bit of status"
# bool-synchronised = the kernel's error bound below its 16 s cap (16000000
# µs), whatever STA_UNSYNC says (chronyd without rtcsync keeps it set).  The
# bound is read by ntptime just before and just after collectd's value; if it
# crossed the cap in between, the comparison means nothing.
bound_sync() { ntptime | sed -n '/ntp_adjtime/,$ s/.*maximum error \([0-9]*\) us.*/\1/p' |
  awk '{ print ($1 < 16000000) ? 1 : 0 }'; }
sync_before=$(bound_sync)
sync_val=$(csv_last "$(csv_wait 'timex/bool-synchronised-*' 5)")
sleep 1.2 # a row written after the first reading
sync_val2=$(csv_last "$(csv_wait 'timex/bool-synchronised-*' 5)")
sync_after=$(bound_sync)
diag "maxerror < 16 s before/after: $sync_before/$sync_after; bool-synchronised: $sync_val, $sync_val2"
if [ "$sync_before" = "$sync_after" ]; then
  near "$sync_val2" "$sync_before" 0 "bool-synchronised = (maxerror < 16 s) as ntptime reads it at the same time"
else
  ok 0 "bool-synchronised vs maxerror: the bound crossed 16 s during the check (not comparable) # SKIP"
fi
sync=$sync_after
csv_wait 'timex/total_events-pps_calibration-*' 5 >/dev/null
ok $? "DERIVE counter total_events-pps_calibration written"

sleep 2
if [ "$sync" = 0 ]; then
  is "$(notifications_matching 'not synchronised: maxerror 16.000 s')" 1 \
    "one 'not synchronised' notification naming maxerror (state change only, not every interval)"
else
  is "$(notifications_matching 'not synchronised')" 0 \
    "a disciplined clock (maxerror < 16 s) sends no 'not synchronised' notification, whatever STA_UNSYNC says"
fi
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
after=$(ntptime | sed -n 's/.*status \(0x[0-9a-f]*\).*/\1/p')
is "$after" "$(printf '0x%x' "$status")" "kernel status unchanged by the plugin (read-only)"
it_end
