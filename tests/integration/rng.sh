#!/bin/bash
# rng in the real collectd daemon on this machine:
#  - the pool values equal what /proc/sys/kernel/random and
#    /sys/class/misc/hw_random say (read independently here) and what
#    Python's os.getrandom(GRND_NONBLOCK) says about crng readiness;
#  - /dev/urandom and /dev/hwrng (virtio_rng, root only) are tested: blocks
#    counted, no stuck flag, no alarm, no notification;
#  - a FIFO fed with zeros is flagged stuck within one interval and alarms;
#    a FIFO fed with a biased stream (P(1) = 0.53) fails monobit and alarms.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
it_begin rng
command -v python3 >/dev/null || skip_all "python3 not installed"

mkfifo "$T/zeros.fifo" "$T/biased.fifo"
hwrng_conf=""
if [ -r /dev/hwrng ] && [ "$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)" != none ]; then
  hwrng_conf='<Source "hwrng">
    Device "/dev/hwrng"
    BytesPerInterval 2500
    MaxReadTime 0.5
  </Source>'
fi
collectd_start "LoadPlugin rng
<Plugin rng>
$(rng_source urandom /dev/urandom "BytesPerInterval 25000")
  $hwrng_conf
$(rng_source zeros "$T/zeros.fifo" "BytesPerInterval 10000")
$(rng_source biased "$T/biased.fifo" "BytesPerInterval 25000" "Window 50")
</Plugin>"
# The writers: they block until collectd opens the FIFOs, and die of
# SIGPIPE when it closes them.
cat /dev/zero >"$T/zeros.fifo" &
it_track_pid $!
python3 -c '
import os, sys
out = sys.stdout.buffer
while True:
    n = 25000 * 8
    x = int.from_bytes(os.urandom(n // 8), "big")
    y = int.from_bytes(os.urandom(n // 8), "big")
    for _ in range(3):
        y &= int.from_bytes(os.urandom(n // 8), "big")
    out.write((x | y).to_bytes(n // 8, "big"))  # P(1) = 1/2 + 1/32
    out.flush()
' >"$T/biased.fifo" 2>/dev/null &
it_track_pid $!

val() { # val INSTANCE/TYPE-TI [secs]: last csv value
  local f
  f=$(csv_wait "rng-$1-*" "${2:-10}") || { echo missing; return; }
  csv_last "$f"
}

# --- the pool, against the files and getrandom() read here
f=$(csv_wait 'rng-kernel/entropy-available-*' 15)
ok $? "collectd wrote rng-kernel/entropy-available"
near "$(val kernel/entropy-available)" "$(cat /proc/sys/kernel/random/entropy_avail)" 0 \
  "entropy-available = /proc/sys/kernel/random/entropy_avail"
poolsize=$(cat /proc/sys/kernel/random/poolsize)
near "$(val kernel/entropy-poolsize)" "$poolsize" 0 "entropy-poolsize = poolsize ($poolsize)"
near "$(val kernel/bool-pool_fixed)" "$([ "$poolsize" = 256 ] && echo 1 || echo 0)" 0 \
  "bool-pool_fixed = (poolsize == 256), kernel $(uname -r)"
ready=$(python3 -c 'import os
try:
    os.getrandom(1, os.GRND_NONBLOCK); print(1)
except BlockingIOError:
    print(0)')
near "$(val kernel/bool-crng_ready)" "$ready" 0 "bool-crng_ready = os.getrandom(1, GRND_NONBLOCK) succeeds ($ready)"
hw=/sys/class/misc/hw_random
if [ -r $hw/rng_current ]; then
  cur=$(cat $hw/rng_current)
  near "$(val kernel/bool-hwrng_present)" "$([ "$cur" != none ] && echo 1 || echo 0)" 0 \
    "bool-hwrng_present follows rng_current ($cur)"
  near "$(val kernel/gauge-hwrng_quality)" "$(cat $hw/rng_quality)" 0 "gauge-hwrng_quality = rng_quality"
  navail=$(tr ' ' '\n' <$hw/rng_available | grep -cv -e '^none$' -e '^$')
  near "$(val kernel/count-hwrng_available)" "$navail" 0 "count-hwrng_available = devices in rng_available ($navail)"
  near "$(val kernel/bool-hwrng_selected)" "$(cat $hw/rng_selected)" 0 "bool-hwrng_selected = rng_selected"
  if [ "$cur" != none ]; then
    name=$(echo "$cur" | sed 's/[^A-Za-z0-9_]/_/g')
    near "$(val "kernel-$name/bool-hwrng_in_use")" 1 0 "rng-kernel-$name/bool-hwrng_in_use = 1 (the device in use)"
  fi
else
  near "$(val kernel/bool-hwrng_present)" 0 0 "no hw_random framework: bool-hwrng_present = 0"
fi

# --- good sources: two reads of 10 blocks (polled, up to 30 s: a loaded
# host may stall collectd's reads for seconds)
for _ in $(seq 150); do
  b=$(val urandom/total_events-blocks)
  [ "$b" -ge 20 ] 2>/dev/null && break
  sleep 0.2
done
ok "$([ "$b" -ge 20 ] 2>/dev/null && echo 0 || echo 1)" "urandom: blocks tested ($b)"
fb=$(val urandom/total_events-blocks_failed)
ok "$([ "$fb" -le 2 ] 2>/dev/null && echo 0 || echo 1)" "urandom: at most 2 failed blocks ($fb of $b)"
near "$(val urandom/bool-stuck)" 0 0 "urandom: not stuck"
near "$(val urandom/bool-alarm)" 0 0 "urandom: no alarm"
ok "$(awk -v v="$(val urandom/gauge-failure_improbability)" 'BEGIN { exit !(v >= 0 && v < 3) }'; echo $?)" \
  "urandom: failure improbability < 3"
if [ -n "$hwrng_conf" ]; then
  sleep 2
  r=$(val hwrng/total_bytes-read 10)
  ok "$([ "$r" -ge 2500 ] 2>/dev/null && echo 0 || echo 1)" "hwrng: bytes read from /dev/hwrng ($r)"
  hb=$(val hwrng/total_events-blocks)
  hf=$(val hwrng/total_events-blocks_failed)
  ok "$([ "$hb" -ge 1 ] 2>/dev/null && [ "$hf" -le 1 ] && echo 0 || echo 1)" \
    "hwrng: blocks tested ($hb), at most 1 failed ($hf)"
  near "$(val hwrng/bool-stuck)" 0 0 "hwrng: not stuck"
  diag "hwrng: short bytes $(val hwrng/total_bytes-short), read errors $(val hwrng/total_events-read_errors)"
  # An independent check of the same device: rngtest passes its blocks.
  if command -v rngtest >/dev/null; then
    rf=$(head -c 7504 /dev/hwrng | rngtest 2>&1 | sed -n 's/.*FIPS 140-2 failures: //p')
    ok "$([ "${rf:-9}" -le 1 ] && echo 0 || echo 1)" "rngtest on 3 blocks of /dev/hwrng: at most 1 failure ($rf)"
  fi
else
  diag "/dev/hwrng not readable here (not root, or no hardware RNG): skipped"
fi

# pair A B: "a b", the values of two metrics in their latest common row
# (the same read; the daemon keeps writing while we look).
pair() {
  local fa fb
  fa=$(csv_wait "rng-$1-*" 5) && fb=$(csv_wait "rng-$2-*" 5) || { echo "missing missing"; return; }
  awk -F, 'NR == FNR { a[$1] = $2; next } ($1 in a) { t = $1; v = a[$1] " " $2 } END { print v }' "$fa" "$fb"
}

# --- bad sources
near "$(val zeros/bool-stuck)" 1 0 "zeros FIFO: stuck"
read -r zb zf <<<"$(pair zeros/total_events-blocks zeros/total_events-blocks_failed)"
ok "$([ "$zb" -ge 3 ] 2>/dev/null && [ "$zb" = "$zf" ] && echo 0 || echo 1)" "zeros FIFO: every block failed ($zf of $zb)"
read -r zb zc <<<"$(pair zeros/total_events-blocks zeros/total_events-failed_continuous)"
is "$zc" "$zb" "zeros FIFO: every block failed the continuous test"
near "$(val zeros/bool-alarm)" 1 0 "zeros FIFO: alarm"
ok "$(awk -v v="$(val biased/total_events-failed_monobit)" 'BEGIN { exit !(v >= 10) }'; echo $?)" \
  "biased FIFO: monobit failures"
near "$(val biased/bool-stuck)" 0 0 "biased FIFO: not stuck (it is not periodic)"
near "$(val biased/bool-alarm)" 1 0 "biased FIFO: alarm"
pct=$(val biased/percent-window_failed)
ok "$(awk -v v="$pct" 'BEGIN { exit !(v >= 90) }'; echo $?)" "biased FIFO: >= 90 % of the window failed ($pct)"

sleep 1
is "$(notifications_matching 'severity = FAILURE.*plugin_instance = zeros.*looks stuck')" 1 \
  "one 'looks stuck' FAILURE notification for the zeros FIFO"
is "$(notifications_matching 'severity = FAILURE.*plugin_instance = zeros.*blocks failed')" 1 \
  "one failure-rate FAILURE notification for the zeros FIFO"
is "$(notifications_matching 'severity = FAILURE.*plugin_instance = biased.*blocks failed FIPS')" 1 \
  "one failure-rate FAILURE notification for the biased FIFO"
is "$(notifications_matching 'plugin_instance = (urandom|hwrng)')" 0 \
  "no notification for /dev/urandom or /dev/hwrng"
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
it_end
