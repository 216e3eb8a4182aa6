#!/bin/bash
# The demo people can look at: scripts/run.sh --graphs (the README's "try
# it" command) runs the real collectd with every plugin this machine can
# feed plus collectd's stock rrdtool plugin, and draws PNG graphs of the last
# minutes with rrdtool (scripts/graphs.sh).  Peers: gpsfake replaying
# hab-gpspi.log (a GPS+GLONASS receiver, so GPS vs GLONASS has two lines) and
# chronyd with two SHM refclocks (two NTP sources with offsets and jitter);
# rng reads /dev/urandom.  Checks: run.sh says where the PNGs are, and each
# expected PNG exists, is a valid PNG (signature, CRCs, decodes) and shows
# data (enough pixels in the graph line colours, not just an empty frame);
# adev.svg (tools/timekeeper-report's ADEV plot, when /usr/bin/python3 has
# matplotlib) is listed, is a real plot and has the ntp plugin's own ADEV
# of each chrony peer (run.sh --graphs turns Stability on).
# DEMO_SECONDS (default 50) sets how long run.sh runs.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/../lib/e2e.sh"
it_begin demo
command -v rrdtool >/dev/null || skip_all "rrdtool not installed (scripts/deps.sh test)"
[ -f "$STOCK_PLUGINDIR/rrdtool.so" ] || skip_all "collectd's rrdtool plugin not installed"
ldd "$STOCK_PLUGINDIR/rrdtool.so" | grep -q 'not found' && skip_all "librrd8 missing (scripts/deps.sh test)"

: >"$T/peers.conf"
peer_gpsd "$TOP_SRCDIR/tests/data/gpsd/hab-gpspi.log"
ok $? "gpsfake replays hab-gpspi.log on port ${GPSD_PORT:-?}"
peer_chrony
ok $? "chronyd with two SHM refclocks answers on command port ${CHRONY_CMDPORT:-?}"

GPSD_PORT=$GPSD_PORT CHRONY_CMDPORT=$CHRONY_CMDPORT \
  "$TOP_SRCDIR/scripts/run.sh" --seconds "${DEMO_SECONDS:-50}" --graphs-dir "$T/png" \
  --plugindir "$(our_plugindir)" >"$T/run.out" 2>&1 </dev/null
ok $? "scripts/run.sh --graphs ran for ${DEMO_SECONDS:-50} s and exited cleanly"
tail -n 8 "$T/run.out" | sed 's/^/# /'
grep -q "with: .*gpsd" "$T/run.out" && grep -q "with: .*ntp" "$T/run.out"
ok $? "run.sh configured the gpsd and ntp plugins for the replay and chronyd"
for png in offsets jitter gnss-satellites rng-fips; do
  f=$T/png/$png.png
  grep -qxF "  $f" "$T/run.out"
  ok $? "run.sh tells where $png.png is"
  if [ -f "$f" ]; then
    py_tap python3 "$E2E_PY" png "$f" "${DEMO_MIN_PIXELS:-200}"
  else
    ok 1 "$png.png exists"
  fi
done
if /usr/bin/python3 -c 'import matplotlib, numpy' 2>/dev/null; then
  f=$T/png/adev.svg
  grep -qxF "  $f" "$T/run.out"
  ok $? "run.sh tells where adev.svg is"
  size=$(stat -c %s "$f" 2>/dev/null || echo 0)
  [ "$size" -gt 10000 ] && grep -q '<svg' "$f"
  ok $? "adev.svg is an SVG of more than 10000 bytes ($size)"
  # every chrony peer's curve is the ntp plugin's own (Stability true);
  # hab-gpspi.log has no TOFF, so gpsd has no offset to draw here
  n=$(grep -c '>ntp chrony peer [^<]* (dispatched by the ntp plugin)<' "$f" 2>/dev/null)
  [ "${n:-0}" -ge 2 ]
  ok $? "adev.svg has the ntp plugin's own ADEV of both chrony peers ($n curves)"
  grep -q '>ntp chrony system offset (dispatched by the ntp plugin)<' "$f" 2>/dev/null
  ok $? "adev.svg has the ntp plugin's own ADEV of the chrony system offset (series system)"
else
  ok 0 "adev.svg # SKIP /usr/bin/python3 lacks matplotlib or numpy (scripts/deps.sh test)"
fi
[ -n "${DEMO_KEEP:-}" ] && mkdir -p "$DEMO_KEEP" && cp "$T"/png/*.png "$T"/png/*.svg "$DEMO_KEEP"/ 2>/dev/null
it_end
