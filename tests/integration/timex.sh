#!/bin/bash
# timex on the real collectd daemon: the values it writes must match what
# ntptime (NTPsec, an independent reader of the same adjtimex state) shows.
. "$(dirname "$0")/lib.sh"
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
sync=$(( (ret != 5 && unsync == 0) ? 1 : 0 ))
near "$(val bool-synchronised)" "$sync" 0 "bool-synchronised follows the documented rule"
csv_wait 'timex/total_events-pps_calibration-*' 5 >/dev/null
ok $? "DERIVE counter total_events-pps_calibration written"

if [ "$sync" = 0 ]; then
  sleep 2
  is "$(notifications_matching 'not synchronised')" 1 \
    "one 'not synchronised' notification (state change only, not every interval)"
fi
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
after=$(ntptime | sed -n 's/.*status \(0x[0-9a-f]*\).*/\1/p')
is "$after" "$(printf '0x%x' "$status")" "kernel status unchanged by the plugin (read-only)"
it_end
