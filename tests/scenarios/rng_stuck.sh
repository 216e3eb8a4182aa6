#!/bin/bash
# Scenario 6: a stuck hardware RNG.  Three rng Sources read
# FIFOs fed by rng_writer.py with os.urandom data; after a healthy phase two
# of them get stuck at once - one repeats the 32-bit word 0xdeadbeef, one
# returns zeros - while the third stays random.  With the shipped
# examples/thresholds.conf, collectd's threshold plugin must send the FIPS
# failure alerts (bool-stuck and bool-alarm, FAILURE) for each stuck source
# within one read interval, exactly once each (no flapping while it stays
# stuck), nothing for the healthy source over at least the same number of
# blocks, and OKAY for bool-stuck when the data is random again.
# Prints "# fault->notification: X s" per alert.
. "$(dirname "$0")/../lib/collectd.sh"
it_begin rng_stuck
command -v python3 >/dev/null || skip_all "python3 not installed"
[ -f "$STOCK_PLUGINDIR/threshold.so" ] || skip_all "collectd's threshold plugin not installed"
[ -f "$(our_plugindir)/rng.so" ] || skip_all "rng.so not built"

INTERVAL=1 # the global Interval of tests/conf/core.conf
src_conf=""
for s in word zeros good; do
  mkfifo "$T/$s.fifo"
  src_conf="$src_conf
  <Source \"$s\">
    Device \"$T/$s.fifo\"
    BytesPerInterval 10000
  </Source>"
done
collectd_start "LoadPlugin rng
<Plugin rng>$src_conf
</Plugin>" "$(scen_thresholds_conf)"
for s in word zeros good; do
  kind=$s
  [ $s = good ] && kind=none
  python3 "$TOP_SRCDIR/tests/scenarios/rng_writer.py" "$T/$s.fifo" "$T/$s.stuck" $kind &
  it_track_pid $!
done

blocks() { csv_last "$(csv_wait "rng-$1/total_events-blocks-*" 10)"; }
thr() { # thr SEVERITY SOURCE TYPE_INSTANCE: the threshold plugin's notification
  echo "severity = $1, host = $CD_HOST, plugin = rng, plugin_instance = $2, type = bool, type_instance = $3, message = .*(above|below|within)"
}

# --- healthy phase: 20 reads
csv_wait 'rng-good/total_events-blocks-*' 20 >/dev/null
ok $? "collectd reads the three FIFOs"
sleep 20
# (collectd 5.12's threshold plugin sends one OKAY per watched series when
# it first sees it - "within range again" - and nothing else while healthy.)
is "$(notifications_matching 'severity = (WARNING|FAILURE), .*plugin = rng')" 0 \
  "healthy phase (20 s, $(blocks word) blocks per source): no rng WARNING/FAILURE"
b_word0=$(blocks word)

# --- fault: two sources stuck at once
t_fault=$(scen_now)
touch "$T/word.stuck" "$T/zeros.stuck"
pats=()
for s in word zeros; do
  for ti in stuck alarm; do pats+=("$s-$ti=$(thr FAILURE $s $ti)"); done
done
sc_wait_all 15 "$t_fault" "${pats[@]}"
for s in word zeros; do
  for ti in stuck alarm; do
    dt=${SC_DT[$s-$ti]:-}
    if [ -n "$dt" ]; then
      echo "# fault->notification: $dt s ($s: threshold FAILURE on bool-$ti)"
      # The read under way when the fault starts still gets up to 4 KiB of
      # good data (the pipe's queue); bool-stuck must come from the next read
      # at the latest: one interval plus a read, 0.5 s of slack for a loaded
      # CI.  bool-alarm is statistical (at least 6 failed blocks in the
      # window here): one read later at most.
      lim=$(awk -v i=$INTERVAL -v t=$ti 'BEGIN { print (t == "stuck" ? i : 2 * i) + 1.0 }')
      ok "$(awk -v d="$dt" -v l="$lim" 'BEGIN { exit !(d <= l) }'; echo $?)" \
        "$s stuck: bool-$ti FAILURE within $lim s of the fault ($dt s, Interval $INTERVAL s)"
    else
      ok 1 "$s stuck: bool-$ti FAILURE notification"
    fi
  done
done
grep -E "Notification: severity = FAILURE.*plugin_instance = word, type = bool, type_instance = (stuck|alarm)" \
  "$T/collectd.log" | head -n 2 | sed 's/^.*Notification: /# /'

# Stay stuck until the stuck sources have read as many blocks again as in
# the healthy phase: still one FAILURE per alert (state changes only).
for _ in $(seq 60); do
  [ "$(blocks word)" -ge $((2 * b_word0)) ] && break
  sleep 1
done
for s in word zeros; do
  for ti in stuck alarm; do
    is "$(notifications_matching "$(thr FAILURE $s $ti)")" 1 "$s: exactly one bool-$ti FAILURE while stuck"
  done
  near "$(csv_last "$(csv_wait "rng-$s/bool-stuck-*" 5)")" 1 0 "$s: bool-stuck = 1"
done

# --- the healthy source, over at least as many blocks
bw=$(blocks word) bg=$(blocks good)
ok "$([ "$bg" -ge "$bw" ] && echo 0 || echo 1)" "healthy source tested as many blocks as the stuck one ($bg >= $bw)"
fb=$(csv_last "$(csv_wait 'rng-good/total_events-blocks_failed-*' 5)")
diag "healthy source: $fb of $bg blocks failed by chance"
is "$(notifications_matching 'severity = (WARNING|FAILURE), .*plugin_instance = good,')" 0 \
  "healthy source: no WARNING/FAILURE notification"
is "$(grep -E 'Notification: .*plugin_instance = good,' "$T/collectd.log" | grep -vc 'within range again')" 0 \
  "healthy source: no notification but the threshold plugin's first-sight OKAYs"

# --- recovery: random data again
t_fix=$(scen_now)
rm -f "$T/word.stuck" "$T/zeros.stuck"
for s in word zeros; do
  # the second OKAY: the first is the threshold plugin's first sight
  if sc_wait_count 15 2 "$(thr OKAY $s stuck)"; then
    echo "# fix->OKAY: $(sc_elapsed "$t_fix") s ($s: bool-stuck)"
    ok 0 "$s random again: bool-stuck OKAY"
  else
    ok 1 "$s random again: bool-stuck OKAY"
  fi
done
is "$(sc_alerts | grep -cv 'plugin = rng, plugin_instance = \(word\|zeros\),')" 0 \
  "no WARNING/FAILURE notification other than those of the stuck sources"
sc_alerts | grep -v 'plugin_instance = \(word\|zeros\),' | head -n 5 | sed 's/^/# unexpected: /'
collectd_log_clean
grep -E '\[error\] threshold plugin' "$T/collectd.log" | sed 's/^/# /'
collectd_stop
ok $? "collectd stops cleanly"
it_end
