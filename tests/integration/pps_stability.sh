#!/bin/bash
# pps stability statistics and holdover estimate in the real collectd
# daemon: pps_writer.py plays a PPS source into a sysfs fixture whose phase
# is a random walk of WALK = 2 us per second (white FM: ADEV(tau) =
# WALK / sqrt(tau)) plus SIGMA = 1 us of white phase noise, every 15th
# pulse dropped.  collectd (Interval 1) discovers it with Stability true.
# Once the window holds 64 pulses the writer is frozen right after a pulse,
# and the values collectd reports (unixsock getval: %e, 6 digits) are
# checked against the writer's log:
#  - count-edge-samples = the pulses written (each once, drops are gaps),
#    and never more than one per second between any two csv rows (plus
#    one, plus 0.5 s of latency);
#  - time_adev-edge-tau_T = the overlapping ADEV of the logged offsets at
#    every T (same gap rule: a second difference touching a dropped pulse
#    is left out; NaN below max(2m, 8) terms), and ADEV(1 s) near
#    sqrt(3 SIGMA^2 + WALK^2) within 4 standard deviations (edf of SP 1065);
#  - ADEV at 1 s NaN in every csv row with fewer than 10 samples;
#  - duration-holdover: NaN while fewer than 3 taus have an ADEV, then
#    finite; at the end the model |x0| + t ADEV(t) = HoldoverBudget solved
#    on the reported ADEV and the last logged pulse's offset x0; above the
#    longest measured tau (there t ADEV(t) is still far below the budget)
#    and at most the cap.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
it_begin pps_stability
command -v python3 >/dev/null || skip_all "python3 not installed"

WALK=2e-6 SIGMA=1e-6 BUDGET=0.0001 SEED=$(($$ % 1000))
dev=$T/sys/class/pps/pps0
pps_writer_start "$dev" "$T/writer.log" --offset 0 --sigma "$SIGMA" --walk "$WALK" --seed "$SEED" \
  --drop-every 15

collectd_start "$(conf_fill pps_sysfs SYSFS="$T/sys" LINES="  PollInterval 0.05
  Timeout 10
  Stability true
  StabilityWindow 256
  HoldoverBudget $BUDGET")"

# getval prints DS=VALUE (value for most types, seconds for duration).
val() { getval "pps-pps0/$1" | sed -n 's/^[a-z]*=//p'; }
n=0
for _ in $(seq 1000); do # at most 100 s
  n=$(val count-edge-samples)
  [[ $n =~ ^[0-9.e+]+$ ]] && awk -v n="$n" 'BEGIN{exit !(n >= 64)}' && break
  sleep 0.1
done
ok $([[ $n =~ ^[0-9.e+]+$ ]] && awk -v n="$n" 'BEGIN{exit !(n >= 64)}' && echo 0 || echo 1) \
  "the window reached 64 pulses ($n)"

# Freeze the writer in its 100 ms sleep after a pulse it has logged.
last=$(grep -c '^pulse' "$T/writer.log")
for _ in $(seq 150); do
  [ "$(grep -c '^pulse' "$T/writer.log")" -gt "$last" ] && break
  sleep 0.02
done
kill -STOP "$PPS_WRITER"
sleep 2.5 # two reads after the last pulse (Timeout 10 keeps the values)
vals=""
for m in count-edge-samples duration-holdover; do
  vals="$vals $m=$(val $m)"
done
for tau in 1 2 4 8 16 32 64; do
  vals="$vals tau_$tau=$(val time_adev-edge-tau_$tau)"
done
kill -CONT "$PPS_WRITER"
collectd_stop
diag "reported:$vals"

check() {
python3 - "$T" "$WALK" "$SIGMA" "$BUDGET" $vals <<'PY'
import math, os, sys
T, walk, sigma, budget = sys.argv[1], *map(float, sys.argv[2:5])
got = dict(kv.split("=", 1) for kv in sys.argv[5:])
g = {k: float(v) if v else math.nan for k, v in got.items()}
def ok(cond, msg):
    print("%d %s" % (0 if cond else 1, msg))

# The slots the plugin saw: the last n logged pulses and the drops among them.
ev = []
for line in open(T + "/writer.log"):
    w = line.split()
    if w[0] == "pulse":
        ts = int(w[1]); sec = round(ts / 1e9)
        ev.append((sec, (ts - sec * 10**9) / 1e9))
    elif w[0] in ("drop", "pause"):
        ev.append((int(w[1]), None))
n = int(g["count-edge-samples"])
pulses = [i for i, e in enumerate(ev) if e[1] is not None]
ok(len(pulses) >= n, "the writer logged %d pulses, the plugin counted %d" % (len(pulses), n))
x0 = abs(ev[pulses[-1]][1])  # the last pulse's edge offset, s
ev = ev[pulses[-n]:pulses[-1] + 1]
x = {}
for sec, off in ev:
    if off is not None:
        x[sec] = off
first, lastsec = min(x), max(x)
drops = sum(1 for s in range(first, lastsec + 1) if s not in x)
ok(drops >= 3, "the window has %d dropped pulses (gaps)" % drops)

def adev(m):
    d = [x[s + 2 * m] - 2 * x[s + m] + x[s] for s in range(first, lastsec - 2 * m + 1)
         if s in x and s + m in x and s + 2 * m in x]
    if len(d) < max(2 * m, 8):
        return math.nan, len(d)
    return math.sqrt(sum(v * v for v in d) / (2 * len(d) * m * m)), len(d)

pts = []
for m in (1, 2, 4, 8, 16, 32, 64):
    ref, terms = adev(m)
    got_m = g["tau_%d" % m]
    if math.isnan(ref):
        ok(math.isnan(got_m), "ADEV(%d s) NaN with %d terms (reported %s)" % (m, terms, got_m))
    else:
        ok(abs(got_m / ref - 1) < 2e-5,
           "ADEV(%d s) %.6g = the logged offsets' %.6g (%d terms)" % (m, got_m, ref, terms))
        pts.append((m, got_m))

# SP 1065 Table 5, white FM: edf at m = 1; relative sd of the deviation
# about 1 / sqrt(2 edf).
N = n + drops
edf = (3 * (N - 1) / 2 - 2 * (N - 2) / N) * 4 / 9
want = math.sqrt(3 * sigma ** 2 + walk ** 2)
tol = 4 / math.sqrt(2 * edf)
ok(abs(g["tau_1"] / want - 1) < tol,
   "ADEV(1 s) %.4g near sqrt(3 sigma^2 + walk^2) = %.4g (+-%.0f %%)" % (g["tau_1"], want, tol * 100))

# The holdover model on the reported values (common/holdover.h).
h, cap = g["duration-holdover"], 1e7
r = budget - x0
def drift(t):
    if t <= pts[0][0]:
        return t * pts[0][1]
    i = 0
    while i + 2 < len(pts) and t > pts[i + 1][0]:
        i += 1
    mu = math.log(pts[i + 1][1] / pts[i][1]) / math.log(pts[i + 1][0] / pts[i][0])
    return t * pts[i][1] * (t / pts[i][0]) ** mu
def solve():
    if r <= 0:
        return 0.0
    if pts[0][0] * pts[0][1] >= r:
        return r / pts[0][1]
    i = 0
    while i + 2 < len(pts) and drift(pts[i + 1][0]) < r:
        i += 1
    mu = math.log(pts[i + 1][1] / pts[i][1]) / math.log(pts[i + 1][0] / pts[i][0])
    if drift(pts[i + 1][0]) < r and 1 + mu <= 0:
        return cap
    return min(cap, pts[i][0] * (r / (pts[i][0] * pts[i][1])) ** (1 / (1 + mu)))
want_h = solve()
ok(abs(h / want_h - 1) < 1e-4 if want_h > 0 else h == 0,
   "holdover %.6g s = the model on the reported ADEV and offset %.3g s: %.6g s" % (h, x0, want_h))
tmax, amax = pts[-1]
if x0 < budget / 2:
    # Beyond the longest tau the last slope decides; with 64 pulses it is
    # noisy (a slope at or below -1 gives the cap), so only the range.
    ok(tmax < h <= cap, "holdover %.4g s beyond the longest tau %d s "
       "(t ADEV(t) there %.3g s << budget - |x0| %.3g s), at most the cap; "
       "closed form ((budget - |x0|) / walk)^2 = %.4g s" % (h, tmax, tmax * amax, r, (r / walk) ** 2))
else:
    ok(h < tmax, "|x0| %.3g s near the budget: holdover %.4g s short" % (x0, h))

# csv: NaN exactly while too few samples; one sample a second at most.
def rows(metric, exact=False):
    d = os.path.join(T, "csv", os.environ.get("CD_HOST", "it-host"), "pps-pps0")
    out = {}
    for f in sorted(os.listdir(d)):
        if f.startswith(metric + "-"):
            for line in list(open(os.path.join(d, f)))[1:]:
                t, v = line.strip().split(",")[:2]
                out[float(t) if exact else round(float(t))] = float(v)
    return out
cnt, a1, a4, ho = rows("count-edge-samples"), rows("time_adev-edge-tau_1"), \
    rows("time_adev-edge-tau_4"), rows("duration-holdover")
ts = sorted(t for t in cnt if not math.isnan(cnt[t]))
bad = [t for t in ts if t in a1 and (cnt[t] < 10) != math.isnan(a1[t])]
ok(not bad and any(cnt[t] < 10 for t in ts) and any(cnt[t] >= 10 for t in ts),
   "ADEV(1 s) NaN exactly while fewer than 10 samples (%d rows, %d wrong)" % (len(ts), len(bad)))
bad = [t for t in ts if t in ho and t in a4 and math.isnan(a4[t]) != math.isnan(ho[t])]
ok(not bad and any(not math.isnan(v) for v in ho.values()),
   "holdover NaN exactly while ADEV(4 s) is (3 taus): %d wrong rows" % len(bad))
# Between any two rows (their own time stamps, not rounded) the count grows
# by at most the seconds between them plus one plus 0.5 s of latency (the
# writer's and the reader's scheduling, PollInterval): two pulses in one
# 0.996 s interval are honest when collectd reads in phase with them,
# counting a pulse twice grows 2 a second and fails over a few seconds.
raw = sorted((t, c) for t, c in rows("count-edge-samples", exact=True).items() if not math.isnan(c))
fast = [(a, b, cb - ca) for i, (a, ca) in enumerate(raw) for b, cb in raw[i + 1:] if cb - ca > b - a + 1.5]
ok(raw and not fast, "samples never grow faster than one a second, plus 1.5 (%d rows, too fast: %s)"
   % (len(raw), fast[:3]))
PY
}
while read -r rc desc; do ok "$rc" "$desc"; done < <(CD_HOST=$CD_HOST check)
collectd_log_clean
it_end
