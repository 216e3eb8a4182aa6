#!/bin/bash
# tools/timekeeper-report on what a real collectd wrote.  Peers: a real gpsd
# reading two live receivers (gpsd_feed.py: "hab" 50 ms after the second,
# "garmin" 150 ms plus 20 ms Gaussian noise), gpsd Stability on with "hab"
# as Reference; chronyd -x with two SHM refclocks (ntp system + 2 peers); a
# sysfs PPS fixture (+1.5 ms, 20 us noise); a raw DCF77 receiver on a pty;
# the kernel's timex.  The csv writer runs REPORT_SECONDS (default 70) s.
# Checks, against the csv tree itself:
#  - every source with a finite offset (named by the rules of docs/report.md)
#    is in the offset and histogram plots' text and in report.json; ADEV
#    either plotted (gpsd's dispatched, the others computed) or explained;
#  - the report's numbers: p50 = the csv median, the dispatched ADEV(1 s) =
#    the last csv row, the computed PPS ADEV(1 s) near sqrt(3) sigma (white
#    PM of the fixture), garmin - hab in the receiver panel;
#  - every image index.html references exists and is a non-empty SVG;
#  - headless Chromium renders the page: the screenshot is not blank and
#    shows the plots' line colours;
#  - bad input: malformed rows skipped with a count, empty or missing
#    directory a clear error (exit 2), never a Python traceback.
# The screenshot and page are kept in $TOP_BUILDDIR/tests/e2e/report-out.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/../lib/e2e.sh"
it_begin report
gpsd_require
PY=/usr/bin/python3
$PY -c 'import matplotlib, numpy, PIL' 2>/dev/null ||
  skip_all "python3-matplotlib/python3-pil missing (scripts/deps.sh test)"
CHROMIUM=$(command -v chromium || command -v chromium-browser) ||
  skip_all "chromium not installed (scripts/deps.sh test)"
REPORT=$TOP_SRCDIR/tools/timekeeper-report
KEEP=$TOP_BUILDDIR/tests/e2e/report-out
read -r F1 F2 PORT <<<"$(free_ports 3 | tr "\n" " ")"
SIGMA=0.020 PPS_SIGMA=0.00002

gpsd_feed $F1 hab-gpspi.log 0.050
ok $? "feeder 1 (hab-gpspi.log, +50 ms) listening on $F1"
GPSD_FEED_JITTER=$SIGMA GPSD_FEED_SEED=$$ gpsd_feed $F2 garmin15x.log 0.150
ok $? "feeder 2 (garmin15x.log, +150 ms, noise $SIGMA s) listening on $F2"
gpsd_start $PORT $F1 $F2
: >"$T/peers.conf"
# collectd's stock rrdtool writer too, when installed: --rrd is read back
RRD_CONF=""
if command -v rrdtool >/dev/null && [ -f "$STOCK_PLUGINDIR/rrdtool.so" ] &&
  ! ldd "$STOCK_PLUGINDIR/rrdtool.so" | grep -q 'not found'; then
  RRD_CONF="LoadPlugin rrdtool
<Plugin rrdtool>
  DataDir \"$T/rrd\"
</Plugin>"
fi
peer_chrony
ok $? "chronyd with two SHM refclocks on command port ${CHRONY_CMDPORT:-?}"
peer_pps
peer_dcf77
ok $? "DCF77 receiver on a pty"
collectd_start "$(gpsd_conf $PORT $F1 $F2 '  Reference "hab"
  Stability true
  StabilityWindow 64')
LoadPlugin timex
$(cat "$T/peers.conf")" "$RRD_CONF"
sleep "${REPORT_SECONDS:-70}"
kill -0 "$CD_PID"
ok $? "collectd ran ${REPORT_SECONDS:-70} s"
collectd_stop
collectd_log_clean

"$REPORT" --csv "$T/csv" --since 1h -o "$T/out" >"$T/report.stdout" 2>"$T/report.stderr"
ok $? "timekeeper-report --csv exits 0"
sed 's/^/# /' "$T/report.stderr"
is "$(cat "$T/report.stdout")" "$T/out/index.html" "it prints the page's path"

HOME=$T timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size=1280,4000 --screenshot="$T/shot.png" "file://$T/out/index.html" \
  >"$T/chromium.log" 2>&1
ok $? "headless Chromium took a screenshot"

py_tap $PY - "$T/csv/$CD_HOST" "$T/out" "$T/shot.png" "$PPS_SIGMA" <<'PY'
import html, json, math, os, re, sys
top, out, shot, pps_sigma = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
def ok(cond, msg):
    print("%s %s" % ("ok" if cond else "not ok", msg))
def rows(d, prefix):
    vals = []
    d = os.path.join(top, d)
    for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        if re.fullmatch(re.escape(prefix) + r"-\d{4}-\d\d-\d\d", name):
            for line in open(os.path.join(d, name)).read().splitlines()[1:]:
                t, v = line.split(",")
                vals.append((float(t), float(v)))
    return sorted(vals)
def fin(r):
    return [v for _, v in r if math.isfinite(v)]
dirs = sorted(os.listdir(top))
# The expected label of each source, by docs/report.md's rules.
want = {}
for d in dirs:
    plugin, _, inst = d.partition("-")
    if plugin == "timex":
        want["timex kernel offset"] = (d, "time_offset-offset")
    elif plugin == "gpsd":
        for s in ("toff", "pps"):
            want["gpsd %s %s" % (inst, s.upper())] = (d, "time_offset-" + s)
    elif plugin == "ntp":
        system = [x for x in dirs if x != d and d.startswith(x + "-") and rows(x, "time_offset-sys_jitter")]
        label = ("ntp %s peer %s" % (system[0][4:], d[len(system[0]) + 1:]) if system else
                 "ntp %s system offset" % inst)
        want[label] = (d, "time_offset-offset")
    elif plugin == "pps":
        want["pps %s edge offset (negated)" % inst] = (d, "time_offset-edge_mean")
    elif plugin == "dcf77":
        want["dcf77 " + inst] = (d, "time_offset-offset")
live = {k: v for k, v in want.items() if fin(rows(*v))}
must = {"timex kernel offset", "gpsd hab TOFF", "gpsd garmin TOFF", "ntp chrony system offset",
        "ntp chrony peer GPS4", "ntp chrony peer GPS5", "pps pps0 edge offset (negated)"}
ok(must <= set(live), "the csv tree has every peer's offsets (%s; missing %s)" % (
    sorted(live), sorted(must - set(live))))
print("# sources with data: %s; without: %s" % (sorted(live), sorted(set(want) - set(live))))
try:
    rep = json.load(open(os.path.join(out, "report.json")))
    page = open(os.path.join(out, "index.html")).read()
except (OSError, ValueError) as e:
    ok(False, "index.html and report.json readable (%s)" % e)
    sys.exit(0)
def svg_text(name):
    try:
        return html.unescape(" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", open(os.path.join(out, name)).read())))
    except OSError:
        return ""
offs, hist, adev, rcv = (svg_text(n) for n in ("offsets.svg", "histograms.svg", "adev.svg", "receivers.svg"))
for label in sorted(live):
    ok(label in offs and label in hist, "%s: in the offsets and histogram plots' legends" % label)
    ok(label in rep["images"].get("offsets.svg", []), "%s: listed in report.json for offsets.svg" % label)
    src = [s for s in rep["sources"] if s["label"] == label]
    explained = any(label in n and "no ADEV/TDEV" in n for n in rep["notes"])
    ok(src and ((label + " (") in adev or explained),
       "%s: ADEV curve plotted or its absence explained (%s)" % (label, src[0]["stability"] if src else "?"))
    if src:
        vals = sorted(fin(rows(*live[label])))
        n = len(vals)
        med = (vals[(n - 1) // 2] + vals[n // 2]) / 2 * (-1 if label.startswith("pps") else 1)
        ok(abs(src[0]["p50"] - med) <= 1e-9 * max(1, abs(med)) + 1e-15,
           "%s: report p50 %.9g = csv median %.9g (%d samples)" % (label, src[0]["p50"], med, n))
by = {s["label"]: s for s in rep["sources"]}
tx = fin(rows("timex", "time_offset-offset"))
if tx and min(tx) == max(tx):
    # this host's kernel clock is not disciplined: a constant offset
    ok(by.get("timex kernel offset", {}).get("stability") == "none (offset constant)",
       "timex offset constant %g: no ADEV, the reason is 'offset constant'" % tx[0])
for rx in ("hab", "garmin"):
    s = by.get("gpsd %s TOFF" % rx, {})
    last = fin(rows("gpsd-" + rx, "time_adev-toff-tau_1"))
    ok(last and s.get("adev", {}).get("1") == abs(last[-1]) and "dispatched by the gpsd plugin" in s.get("stability", ""),
       "gpsd %s: ADEV(1 s) is the plugin's last dispatched %s (report %s)" % (rx, last[-1:] or None, s.get("adev", {}).get("1")))
    ok(("gpsd %s TOFF (dispatched by the gpsd plugin)" % rx) in adev, "gpsd %s: legend says dispatched" % rx)
p = by.get("pps pps0 edge offset (negated)", {})
a1, want1 = p.get("adev", {}).get("1", float("nan")), math.sqrt(3) * pps_sigma
ok("computed here" in p.get("stability", "") and 0.5 * want1 < a1 < 2 * want1,
   "pps: ADEV(1 s) computed here %.3g near sqrt(3) sigma = %.3g (white PM)" % (a1, want1))
ok("pps pps0 edge offset (negated) (computed here" in adev, "pps: legend says computed here")
ok("gpsd garmin TOFF - reference" in rcv, "receiver panel: garmin TOFF - reference plotted")
g = by.get("gpsd garmin TOFF - reference", {})
ok(-0.125 < g.get("p50", 0) < -0.075, "garmin - hab median %.4g s near -0.100 s" % g.get("p50", float("nan")))
refs = re.findall(r"<img src='([^']+)'", page)
ok(len(refs) >= 5 and set(refs) == set(rep["images"]), "index.html shows %s, report.json lists %s" % (refs, sorted(rep["images"])))
for r in refs:
    f = os.path.join(out, r)
    ok(os.path.isfile(f) and os.path.getsize(f) > 1000 and open(f).read(200).lstrip().startswith("<?xml"),
       "%s: exists, an SVG of %d bytes" % (r, os.path.getsize(f) if os.path.isfile(f) else 0))
from PIL import Image
try:
    im = Image.open(shot).convert("RGB")
except OSError as e:
    ok(False, "screenshot readable (%s)" % e)
    sys.exit(0)
px = list(im.getdata())
dark = sum(1 for c in px if sum(c) < 600)
# tab10's first two line colours (matplotlib): the plots really rendered
blue = sum(1 for r, g, b in px if abs(r - 31) < 30 and abs(g - 119) < 30 and abs(b - 180) < 30)
orange = sum(1 for r, g, b in px if abs(r - 255) < 20 and abs(g - 127) < 30 and b < 60)
ok(dark > 0.01 * len(px), "screenshot %dx%d not blank: %.1f %% non-white pixels" % (im.size + (100.0 * dark / len(px),)))
ok(blue > 500 and orange > 500, "screenshot shows plotted lines: %d blue, %d orange pixels" % (blue, orange))
PY

# The same run through rrdtool fetch: the same sources plotted.
if [ -n "$RRD_CONF" ]; then
  "$REPORT" --rrd "$T/rrd" --since 1h -o "$T/out-rrd" >/dev/null 2>"$T/rrd.err"
  ok $? "timekeeper-report --rrd exits 0"
  py_tap $PY - "$T/out" "$T/out-rrd" <<'PY'
import json, sys
a, b = (json.load(open(d + "/report.json"))["images"] for d in sys.argv[1:3])
for img in ("offsets.svg", "adev.svg", "receivers.svg"):
    print("%s %s: same series from rrd as from csv (%s)" % (
        "ok" if a.get(img) and a.get(img) == b.get(img) else "not ok", img, b.get(img)))
PY
else
  diag "collectd's rrdtool plugin or rrdtool missing: --rrd not tested"
fi

# Bad input: malformed rows, an empty directory, a missing one.
mkdir -p "$T/bad" "$T/empty"
cp -r "$T/csv/$CD_HOST" "$T/bad/"
f=$(ls "$T/bad/$CD_HOST"/gpsd-hab/time_offset-toff-* | head -n 1)
printf 'garbage\n1700000000,1,2\n,\n-1,-1e300\n' >>"$f"
# one valid but 25 years old pps row: a 1 s grid would need 6 GB
f=$(ls "$T/bad/$CD_HOST"/pps-pps0/time_offset-edge_mean-* | head -n 1)
printf '1000000000,-0.0015\n' >>"$f"
(ulimit -v 2000000 && "$REPORT" --csv "$T/bad" -o "$T/out-bad" >/dev/null 2>"$T/bad.err")
rc=$?
sed 's/^/# /' "$T/bad.err"
ok $((rc != 0 || $(grep -c 'skipped 4 malformed rows in 1 files' "$T/bad.err") != 1)) \
  "4 malformed rows: exit $rc (want 0) in 2 GB, skipped with a count"
grep -q 'pps pps0 edge offset (negated): no ADEV/TDEV: sample times too irregular' "$T/out-bad/report.json"
ok $? "a 25 years old row: no computed ADEV for that source, and the note says why"
# (--since 1s: collectd stopped seconds ago, every row is older)
for args in "$T/empty" "$T/nonexistent" "$T/csv --since 1s"; do
  # shellcheck disable=SC2086 # ARGS is a word list
  "$REPORT" --csv $args -o "$T/out-x" >/dev/null 2>"$T/x.err"
  rc=$?
  ok $((rc != 2 || $(grep -c "^timekeeper-report: error: .*${args%% *}" "$T/x.err") != 1)) \
    "--csv ${args#"$T/"}: exit 2 ($rc), $(head -c 150 "$T/x.err")"
done
grep -l Traceback "$T"/*.err "$T/report.stderr" >/dev/null
ok $((! $?)) "no Python traceback on any input"

rm -rf "$KEEP" && mkdir -p "$KEEP" && cp "$T"/out/* "$T/shot.png" "$KEEP"/
diag "page and screenshot kept in $KEEP"
it_end
