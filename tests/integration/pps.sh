#!/bin/bash
# pps on the real collectd daemon, sysfs path: a fixture
# $T/sys/class/pps/pps0/{assert,clear,name,path} is rewritten once a second
# by pps_writer.py (known offset, Gaussian jitter of known sigma, every 6th
# pulse dropped); the plugin discovers it (Discover true, SysfsRoot $T/sys)
# and what collectd writes is compared with what the writer logged.
# Then the writer is paused (pulses stopped / back notifications) and the
# device directory removed (gone: NaN, no stale values).  An RFC 2783
# <Device> on /dev/null must fail clearly without harming the rest.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
it_begin pps
command -v python3 >/dev/null || skip_all "python3 not installed"

OFFSET=0.0015 SIGMA=0.00002
dev=$T/sys/class/pps/pps0
pps_writer_start "$dev" "$T/writer.log" --offset "$OFFSET" --sigma "$SIGMA" --seed 6 --drop-every 6

collectd_start "$(conf_fill pps_sysfs SYSFS="$T/sys" LINES="  PollInterval 0.05
  Timeout 2.5
  <Device \"notpps\">
    Path \"/dev/null\"
  </Device>")"

f=$(csv_wait 'pps-pps0/count-pulses-*' 20)
ok $? "collectd discovered pps0 and wrote pps-pps0/count-pulses"
grep -q 'discovered pps0 (source "pps-gpio.-1"' "$T/collectd.log"
ok $? "discovery logged the source name"
cpu() { awk '{print $14 + $15}' "/proc/$CD_PID/stat"; }
# utime+stime of the "pps reader" threads (collectd names its threads)
rcpu() {
  local s=0 t
  for t in /proc/$CD_PID/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = "pps reader" ] &&
      s=$((s + $(sed 's/.*) //' "$t/stat" | awk '{print $12 + $13}')))
  done
  echo $s
}
cpu0=$(cpu); rcpu0=$(rcpu); t0=$(date +%s.%N)

sleep 36 # phase 1: about 30 pulses and 6 drops
cut=$(date +%s.%N)
cpu1=$(cpu); rcpu1=$(rcpu)
stopped0=$(notifications_matching 'pulses stopped')
back0=$(notifications_matching 'pulses are back')
is "$(notifications_matching 'no pulse seen')" 0 "no 'no pulse seen' alarm while the device is young (< Timeout)"
# Phase 2: pulses stop until the plugin says so (Timeout 2.5 s, then the
# next read: ~3.5 s, longer when a loaded host stalls collectd's reads), and
# then for 3 more reads, which must not repeat it; the same for the return.
kill -STOP "$PPS_WRITER"
for _ in $(seq 300); do [ "$(notifications_matching 'pulses stopped')" -gt "$stopped0" ] && break; sleep 0.1; done
csv_reads 'pps-pps0/bool-signal-*' 3 30
stopped=$(($(notifications_matching 'pulses stopped') - stopped0))
kill -CONT "$PPS_WRITER"
for _ in $(seq 300); do [ "$(notifications_matching 'pulses are back')" -gt "$back0" ] && break; sleep 0.1; done
csv_reads 'pps-pps0/bool-signal-*' 3 30
back=$(($(notifications_matching 'pulses are back') - back0))
is "$stopped0" 0 "no 'pulses stopped' notification while pulses flow"
is "$stopped" 1 "one 'pulses stopped' notification while the writer is paused"
is "$back" 1 "one 'pulses are back' notification after it resumes"

# The reference: what the writer injected up to the plugin's last read
# before the cut (its row's own time: a read loop stalled at the cut has
# not counted the pulses since).  A second the writer skipped because it
# was descheduled ("pause") is a missed pulse too.
ana=$(python3 - "$T" "$cut" "$t0" <<'EOF'
import glob, math, sys
T, cut, t0 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
rcut = max([float(l.split(",")[0]) for f in glob.glob(T + "/csv/it-host/pps-pps0/count-pulses-*")
            for l in open(f).readlines()[1:] if float(l.split(",")[0]) <= cut] or [cut])
offs, drops, pauses, seqs = [], 0, 0, []
for line in open(T + "/writer.log"):
    w = line.split()
    if w[0] == "pulse" and int(w[1]) / 1e9 < rcut - 0.3:
        ts = int(w[1]); offs.append((ts - round(ts / 1e9) * 10**9) / 1e9)
    elif w[0] == "drop" and int(w[1]) < rcut - 0.5:
        drops += 1
    elif w[0] == "pause" and int(w[1]) < rcut - 0.5:
        pauses += 1
d = [offs[i] - offs[i - 1] for i in range(1, len(offs))]
print("ref_pulses", len(offs)); print("ref_drops", drops); print("ref_missed", drops + pauses)
print("last_read_before_cut %.1f" % (rcut - cut))
print("ref_mean %.9f" % (sum(offs) / len(offs)))
print("ref_jitter %.9f" % math.sqrt(sum(x * x for x in d) / len(d)))

def rows(name):
    out = {}
    for f in glob.glob(T + "/csv/it-host/pps-pps0/" + name + "-*"):
        for line in open(f).readlines()[1:]:
            t, v = line.strip().split(",")[:2]
            if float(t) <= cut:
                out[round(float(t))] = float(v)
    return out
pul, mis, mean = rows("count-pulses"), rows("count-missed"), rows("time_offset-edge_mean")
jit, ie = rows("time_offset_rms-jitter"), rows("time_offset-interval_error_mean")
mn, mx, cm = rows("time_offset-edge_min"), rows("time_offset-edge_max"), rows("time_offset-clear_mean")
ok = [t for t in pul if pul[t] > 0 and not math.isnan(mean.get(t, math.nan))]
n = sum(pul[t] for t in ok)
print("got_pulses %d" % sum(pul.values())); print("got_missed %d" % sum(mis.values()))
print("got_mean %.9f" % (sum(mean[t] * pul[t] for t in ok) / n))
jj = [t for t in ok if not math.isnan(jit.get(t, math.nan))]
print("got_jitter %.9f" % math.sqrt(sum(jit[t] ** 2 * pul[t] for t in jj) / sum(pul[t] for t in jj)))
ii = [t for t in ok if not math.isnan(ie.get(t, math.nan))]
print("got_ie %.9f" % (sum(ie[t] * pul[t] for t in ii) / sum(pul[t] for t in ii)))
print("got_min %.9f" % min(mn[t] for t in ok)); print("got_max %.9f" % max(mx[t] for t in ok))
cc = [t for t in ok if not math.isnan(cm.get(t, math.nan))]
print("got_clear %.9f" % (sum(cm[t] for t in cc) / max(len(cc), 1)))
EOF
)
v() { echo "$ana" | awk -v k="$1" '$1 == k {print $2}'; }
diag "injected: offset $OFFSET s, sigma $SIGMA s (jitter sigma*sqrt2 = $(awk -v s=$SIGMA 'BEGIN{printf "%.9f", s*sqrt(2)}')), every 6th pulse dropped"
diag "$(echo "$ana" | tr '\n' ' ')"
near "$(v got_pulses)" "$(v ref_pulses)" 2 "pulses counted = pulses written (+-1 at each end of the window)"
near "$(v got_missed)" "$(v ref_missed)" 1 "missed pulses = pulses dropped or skipped by the writer (+-1 at the cut)"
ok $([ "$(v ref_drops)" -ge 4 ] && echo 0 || echo 1) "the writer did drop pulses ($(v ref_drops))"
near "$(v got_mean)" "$(v ref_mean)" 2e-6 "edge offset mean = the written offsets' mean"
near "$(v got_mean)" $OFFSET 15e-6 "edge offset mean = injected offset +1.5 ms (3 sigma/sqrt n)"
near "$(v got_jitter)" "$(v ref_jitter)" 3e-6 "jitter = RMS of successive written offset differences"
near "$(v got_jitter)" "$(awk -v s=$SIGMA 'BEGIN{print s*sqrt(2)}')" 10e-6 "jitter = sigma*sqrt(2) of the injected noise (+-35%)"
near "$(v got_ie)" 0 10e-6 "interval error mean ~ 0 (no frequency error injected)"
ok $(awk -v a="$(v got_min)" -v b="$(v got_max)" -v o=$OFFSET -v s=$SIGMA \
  'BEGIN{exit !(a >= o - 5*s && b <= o + 5*s && a < b)}'; echo $?) "edge min/max within offset +- 5 sigma"
near "$(v got_clear)" "$(awk -v o=$OFFSET 'BEGIN{print o + 0.1}')" 15e-6 "clear edge offset = offset + 100 ms pulse width"
total=$(csv_last "$(csv_wait 'pps-pps0/total_events-missed-*' 1)")
ok $(awk -v t="$total" -v d="$(v ref_drops)" 'BEGIN{exit !(t >= d)}'; echo $?) \
  "total_events-missed ($total) >= drops before the pause (pause adds more)"
dpulses=$(awk -v c0="$cpu0" -v c1="$cpu1" -v t0="$t0" -v t1="$cut" -v hz="$(getconf CLK_TCK)" \
  'BEGIN{printf "%.3f ms CPU over %.1f s = %.3f ms per pulse (1 pulse/s, sysfs poll every 50 ms)", (c1-c0)*1000/hz, t1-t0, (c1-c0)*1000/hz/(t1-t0)}')
diag "collectd CPU (whole daemon, csv writing included): $dpulses"
diag "pps reader threads: $((rcpu1 - rcpu0)) clock ticks of $(getconf CLK_TCK)/s over the same time"

# Phase 3: the device disappears.
rm -rf "$dev"
# the read that sees it gone (polled: a stalled read loop writes it late),
# and one more for every series of that read to be written
csv_until "$(csv_wait 'pps-pps0/bool-present-*' 1)" 0.000000 30
csv_reads 'pps-pps0/count-pulses-*' 1 30
present=$(csv_last "$(csv_wait 'pps-pps0/bool-present-*' 1)")
near "$present" 0 0 "bool-present = 0 after the device directory is removed"
is "$(csv_last "$(csv_wait 'pps-pps0/time_offset-edge_mean-*' 1)")" nan "edge offset is NaN, not stale"
is "$(csv_last "$(csv_wait 'pps-pps0/count-pulses-*' 1)")" nan "pulses is NaN, not 0 or stale"
is "$(notifications_matching 'PPS device is gone')" 2 "gone notifications: pps0 and the /dev/null device, once each"
grep -q 'notpps: PPS device is gone (/dev/null is not a PPS device (time_pps_create' "$T/collectd.log"
ok $? "RFC 2783 on /dev/null: a clear 'not a PPS device' error"
near "$(csv_last "$(csv_wait 'pps-notpps/bool-present-*' 1)")" 0 0 "the /dev/null device reads as not present"
kill -0 "$CD_PID" 2>/dev/null
ok $? "collectd still running"
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly (reader threads joined)"
it_end
