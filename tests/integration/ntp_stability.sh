#!/bin/bash
# ntp plugin: stability statistics of a REAL chronyd -x source, read by the
# real collectd daemon.  chronyd's SHM refclock (unit 5, poll 1: one sample
# every 2 s) is fed once a second with a known offset plus 0.5 ms of white
# gaussian noise (ntp_shm.py); collectd reads every 1 s, so it sees each
# of chronyd's samples about twice.  Checks:
#  - count-offset-samples moves by chronyd's distinct samples (each line of
#    its statistics log is one accumulated sample, sourcestats.c
#    SST_DoNewRegression) within +-2 over about 80 s;
#  - in every csv row, ADEV at tau0 = 2 s is NaN below 10 samples and p50
#    below 8, finite from then on;
#  - the offset's std is of the order of the noise fed (chrony filters the
#    two raw samples of a poll into one: between 0.2x and 1.5x), the mean
#    finite (chronyd -x does not steer the clock: its offset is not the
#    one fed).
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
it_begin ntp_stability
need setpriv python3

OFF=0.002 JIT=0.0005 UNIT=5
ntp_shm_start $UNIT $OFF $JIT 1 >/dev/null
mkdir -m 700 "$T/chrony" "$T/chrony/log"
cat >"$T/chrony.conf" <<EOF
refclock SHM $UNIT refid GPS$UNIT poll 1 precision 1e-4
port 0
cmdport 0
bindcmdaddress $T/chrony/chronyd.sock
pidfile $T/chrony/chronyd.pid
logdir $T/chrony/log
log statistics
EOF
chronyd_start "$T/chrony.conf"
ok $? "chronyd -x runs without CAP_SYS_TIME"
CSOCK="$T/chrony/chronyd.sock"

collectd_start "$(ntp_chrony_conf chrony "$CSOCK" "Stability true")"

# chronyd's accumulated samples of the refclock so far
daemon_samples() { grep -c " GPS$UNIT " "$T/chrony/log/statistics.log" 2>/dev/null || echo 0; }
P="chrony-GPS$UNIT"
f_n=$(csv_wait "ntp-$P/count-offset-samples-*" 180) # chronyd: first sample after ~70 s
ok $? "count-offset-samples of $P is written"
# the first row with a sample: the daemon's count then includes that one
for _ in $(seq 100); do
  awk -F, 'NR > 1 && $2 != "nan" { f = 1 } END { exit !f }' "$f_n" && break
  sleep 0.1
done
d0=$(daemon_samples)
c0=$(awk -F, 'NR > 1 && $2 != "nan" { print $2 + 0; exit }' "$f_n")
sleep 80
d1=$(daemon_samples)
c1=$(csv_last "$f_n")
diag "chronyd: $d0 -> $d1 samples; plugin count-offset-samples $c0 -> $c1"
near "$(awk -v a="$c1" -v b="$c0" 'BEGIN { print a - b }')" $((d1 - d0)) 2 \
  "the plugin counted each of chronyd's samples once (+-2)"
awk -v c="$c1" 'BEGIN { exit !(c >= 35) }'
ok $? "35 or more samples in 80 s at poll 2 s ($c1)"

# join the csv rows of count, ADEV(2 s) and p50 by time
f_a=$(csv_wait "ntp-$P/time_adev-offset-tau_2-*" 5)
ok $? "time_adev-offset-tau_2 is written (tau0 = the poll, 2 s)"
f_p=$(csv_wait "ntp-$P/time_offset-offset-p50-*" 5)
bad=$(awk -F, 'FNR == 1 { next }
  FILENAME == ARGV[1] { n[$1] = $2; next }
  FILENAME == ARGV[2] { a[$1] = $2; next }
  ($1 in n) && ($1 in a) {
    rows++
    k = n[$1]
    if (k == "nan") next
    if ((k < 10) != (a[$1] == "nan") || (k < 8) != ($2 == "nan")) wrong++
  }
  END { printf "%d %d\n", wrong + 0, rows + 0 }' "$f_n" "$f_a" "$f_p")
diag "rows with NaN/finite ADEV or p50 against the sample count: ${bad% *} wrong of ${bad#* }"
is "${bad% *}" 0 "ADEV(2 s) NaN exactly below 10 samples, p50 below 8"
adev=$(csv_last "$f_a")
std=$(csv_last "$(csv_wait "ntp-$P/time_offset-offset-std-*" 5)")
mean=$(csv_last "$(csv_wait "ntp-$P/time_offset-offset-mean-*" 5)")
sys=$(csv_last "$(csv_wait "ntp-chrony/count-system-samples-*" 5)")
diag "ADEV(2 s) $adev, std $std s, mean $mean s (fed $OFF +- $JIT), system samples $sys"
awk -v v="$adev" 'BEGIN { exit !(v != "nan" && v > 0) }'
ok $? "ADEV(2 s) finite"
awk -v v="$std" -v j=$JIT 'BEGIN { exit !(v != "nan" && v > 0.2 * j && v < 1.5 * j) }'
ok $? "std of the order of the noise fed"
awk -v v="$mean" 'BEGIN { exit !(v != "nan" && v > -0.01 && v < 0.01) }'
ok $? "mean finite, within 10 ms"
awk -v v="$sys" 'BEGIN { exit !(v != "nan" && v >= 60) }'
ok $? "system series: one sample per reading"
collectd_log_clean
it_end
