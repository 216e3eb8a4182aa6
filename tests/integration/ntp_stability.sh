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

# chronyd's samples of the refclock up to time T (s): its statistics.log
# lines, stamped in whole UTC seconds
daemon_samples_at() {
  python3 - "$T/chrony/log/statistics.log" "GPS$UNIT" "$1" <<'PY'
import calendar, sys, time
n = 0
try:
    for line in open(sys.argv[1]):
        w = line.split()
        if len(w) > 2 and w[2] == sys.argv[2]:
            try:
                t = calendar.timegm(time.strptime(w[0] + " " + w[1], "%Y-%m-%d %H:%M:%S"))
            except ValueError:
                continue
            n += t <= float(sys.argv[3])
except OSError:
    pass
print(n)
PY
}
P="chrony-GPS$UNIT"
f_n=$(csv_wait "ntp-$P/count-offset-samples-*" 180) # chronyd: first sample after ~70 s
ok $? "count-offset-samples of $P is written"
# the first row with a sample
for _ in $(seq 100); do
  awk -F, 'NR > 1 && $2 != "nan" { f = 1 } END { exit !f }' "$f_n" && break
  sleep 0.1
done
IFS=, read -r t0 c0 < <(awk -F, 'NR > 1 && $2 != "nan" { print $1 "," $2 + 0; exit }' "$f_n")
# 35 samples: 70 s at poll 2 s; polled (up to 240 s), not slept: a
# descheduled SHM feeder or chronyd gives fewer samples in 80 s (CI: 26)
t_w=$(date +%s)
for _ in $(seq 1200); do
  awk -v c="$(csv_last "$f_n")" 'BEGIN { exit !(c >= 35) }' && break
  sleep 0.2
done
diag "35 samples after $(($(date +%s) - t_w)) s (70 s at poll 2 s)"
# Both counts at the plugin's own row times (a read loop stalled at the end
# leaves the last row seconds old); and the plugin sees only each read's
# latest sample, so a stall longer than a poll (2 s) loses samples: allowed
# for from the gaps between its rows.
IFS=, read -r t1 c1 < <(tail -n 1 "$f_n")
d0=$(daemon_samples_at "$t0")
d1=$(daemon_samples_at "$t1")
lost=$(awk -F, -v a="$t0" -v b="$t1" 'NR > 1 && $1 + 0 >= a && $1 + 0 <= b {
    if (p != "") { g = int(($1 - p) / 2) - 1; if (g > 0) m += g } p = $1 }
  END { print m + 0 }' "$f_n")
diag "chronyd: $d0 -> $d1 samples; plugin count-offset-samples $c0 -> $c1 (rows at $t0, $t1; up to $lost lost to read stalls)"
dc=$(awk -v a="$c1" -v b="$c0" 'BEGIN { print a - b }')
ok "$(awk -v c="$dc" -v d=$((d1 - d0)) -v l="$lost" 'BEGIN { exit !(c >= d - 2 - l && c <= d + 2) }'; echo $?)" \
  "the plugin counted each of chronyd's samples once (+-2, less $lost lost to stalls): $dc of $((d1 - d0))"
awk -v c="$c1" 'BEGIN { exit !(c >= 35) }'
ok $? "35 or more samples counted ($c1)"

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
    if ((k < 10 && a[$1] != "nan") || (k < 8) != ($2 == "nan")) wrong++
  }
  END { printf "%d %d\n", wrong + 0, rows + 0 }' "$f_n" "$f_a" "$f_p")
diag "rows with NaN/finite ADEV or p50 against the sample count: ${bad% *} wrong of ${bad#* }"
# (ADEV needs 10 samples in consecutive poll slots: a starved feeder's gaps
# keep it NaN longer, so only "never a number below 10" is row by row; that
# it is a number in the end is checked below)
is "${bad% *}" 0 "ADEV(2 s) NaN below 10 samples, p50 NaN exactly below 8"
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
