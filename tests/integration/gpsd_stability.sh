#!/bin/bash
# gpsd plugin's stability statistics in the real collectd daemon, against a
# real gpsd reading two live network receivers (gpsd_feed.py): "hab" sends
# each epoch 50 ms after the second, "garmin" 150 ms after it plus
# Gaussian noise of SIGMA = 20 ms (GPSD_FEED_JITTER), so garmin's TOFF has
# white phase noise of known level, hab's only the host's scheduling noise.
# Checks, from the csv files collectd wrote:
#  - NaN until enough samples: every row of toff-p50 with fewer than 8
#    samples is NaN, every one with 8 or more a number; ADEV at 1 s NaN
#    below 10 samples; both states seen;
#  - each TOFF report counted once: between any two rows the sample count
#    never grows faster than one per second of collectd's time stamps, plus
#    one, plus the feeder's clipped noise (6 SIGMA) and 0.5 s of latency;
#  - garmin's ADEV at 1 s near sqrt(3) SIGMA (white PM), its std near
#    SIGMA, its median near -150 ms; hab's ADEV well below garmin's; and
#    toff_vs_reference (garmin - hab, same GPS second) with garmin's noise.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
it_begin gpsd_stability
gpsd_require
read -r F1 F2 PORT <<<"$(free_ports 3 | tr "\n" " ")"
SIGMA=0.020

gpsd_feed $F1 hab-gpspi.log 0.050
ok $? "feeder 1 (hab-gpspi.log, +50 ms) listening on $F1"
GPSD_FEED_JITTER=$SIGMA GPSD_FEED_SEED=$$ gpsd_feed $F2 garmin15x.log 0.150
ok $? "feeder 2 (garmin15x.log, +150 ms, noise $SIGMA s) listening on $F2"
gpsd_start $PORT $F1 $F2

collectd_start "$(gpsd_conf $PORT $F1 $F2 '  Reference "hab"
  Stability true
  StabilityWindow 64')"
csvf() { ls "$T/csv/$CD_HOST/gpsd-$1/$2"-* 2>/dev/null | head -n 1; }
# N >= MIN, for a csv value that may be "nan".
enough() { [[ $1 =~ ^[0-9.]+(e[+][0-9]+)?$ ]] && awk -v n="$1" -v m="$2" 'BEGIN{exit !(n + 0 >= m)}'; }
# Wait until garmin's window holds 40 samples (at most 90 s).
n=0
for _ in $(seq 900); do
  f=$(csvf garmin count-toff-samples)
  [ -n "$f" ] && n=$(csv_last "$f") && enough "$n" 40 && break
  sleep 0.1
done
enough "$n" 40
ok $? "garmin's window reached 40 TOFF samples ($n)"
collectd_stop

# csv rows: "epoch,value"; the checks join metrics on the epoch.  The
# checker prints "RC DESCRIPTION" per check.
check() {
python3 - "$T/csv/$CD_HOST" "$SIGMA" <<'PY'
import math, os, sys
top, sigma = sys.argv[1], float(sys.argv[2])
LAG = 0.5
def ok(cond, msg):
    print("%d %s" % (0 if cond else 1, msg))
def rows(rx, metric):
    d = os.path.join(top, "gpsd-" + rx)
    f = [x for x in os.listdir(d) if x.startswith(metric + "-")] if os.path.isdir(d) else []
    out = {}
    for name in sorted(f):
        for line in open(os.path.join(d, name)):
            t, _, v = line.strip().partition(",")
            try:
                out[round(float(t), 3)] = float(v)
            except ValueError:
                pass
    return out
for rx in ("hab", "garmin"):
    cnt = rows(rx, "count-toff-samples")
    p50 = rows(rx, "time_offset-toff-p50")
    adev = rows(rx, "time_adev-toff-tau_1")
    both = [(t, cnt[t], p50[t]) for t in sorted(cnt) if t in p50 and not math.isnan(cnt[t])]
    bad = [(t, c, v) for t, c, v in both if (c < 8) != math.isnan(v)]
    ok(both and not bad, "%s: toff-p50 NaN exactly while < 8 samples (%d rows, wrong: %s)" % (rx, len(both), bad[:3]))
    ok(any(c < 8 for _, c, _ in both) and any(c >= 8 for _, c, _ in both),
       "%s: rows with < 8 and with >= 8 samples seen" % rx)
    both = [(t, cnt[t], adev[t]) for t in sorted(cnt) if t in adev and not math.isnan(cnt[t])]
    bad = [(t, c, v) for t, c, v in both if (c < 10) != math.isnan(v)]
    ok(both and not bad, "%s: ADEV at 1 s NaN exactly while < 10 samples (wrong: %s)" % (rx, bad[:3]))
    # A report sent in (a - lag, b] is counted by b: the feeder's epochs
    # wander by up to 3 sigma each way (garmin; clipped in gpsd_feed.py)
    # and gpsd plus the plugin's reader add up to LAG s, so one second of
    # rows may see two reports; counting each twice grows 2 a second and
    # breaks the bound over any span of a few seconds.
    ts = [t for t in sorted(cnt) if not math.isnan(cnt[t])]
    slack = 1.0 + 6 * (sigma if rx == "garmin" else 0.0) + LAG
    fast = [(a, b, cnt[b] - cnt[a]) for i, a in enumerate(ts) for b in ts[i + 1:]
            if cnt[b] - cnt[a] > (b - a) + slack]
    ok(ts and not fast, "%s: at most one sample per second of time, plus %.2f (%d rows, too fast: %s)"
       % (rx, slack, len(ts), fast[:3]))
def last(rx, metric):
    r = rows(rx, metric)
    fin = [r[t] for t in sorted(r) if not math.isnan(r[t])]
    return fin[-1] if fin else float("nan")
# White PM: ADEV(tau0) = sqrt(3) sigma.  With 40-64 samples the estimate's
# relative standard deviation is about 1/sqrt(2 edf), edf ~ N/2: ~16 %;
# the host's own scheduling noise adds to sigma.  Bounds: 0.6x .. 1.6x.
want = math.sqrt(3) * sigma
g = last("garmin", "time_adev-toff-tau_1")
ok(0.6 * want < g < 1.6 * want, "garmin ADEV(1 s) %.4g near sqrt(3) sigma = %.4g" % (g, want))
h = last("hab", "time_adev-toff-tau_1")
ok(h < g / 2, "hab ADEV(1 s) %.4g well below garmin's %.4g (no injected noise)" % (h, g))
d = last("garmin", "time_adev-toff_vs_reference-tau_1")
ok(0.6 * want < d < 1.6 * want, "garmin vs hab ADEV(1 s) %.4g near %.4g" % (d, want))
s = last("garmin", "time_offset-toff-std")
ok(0.6 * sigma < s < 1.6 * sigma, "garmin TOFF std %.4g near sigma %.4g" % (s, sigma))
# The median of 40-64 samples scatters by about 1.25 sigma / sqrt(N) = 4 ms.
m = last("garmin", "time_offset-toff-p50")
ok(-0.220 < m < -0.130, "garmin TOFF median %.4g in [-0.220, -0.130] s" % m)
p1, p99 = last("garmin", "time_offset-toff-p1"), last("garmin", "time_offset-toff-p99")
ok(p1 < m < p99 and p99 - p1 < 8 * sigma, "garmin p1 %.4g < p50 < p99 %.4g, spread < 8 sigma" % (p1, p99))
t2 = last("garmin", "time_adev-toff-tau_2")
ok(t2 < g, "garmin ADEV falls with tau (white PM): tau 2 s %.4g < tau 1 s %.4g" % (t2, g))
PY
}
while read -r rc desc; do ok "$rc" "$desc"; done < <(check)
collectd_log_clean
it_end
