#!/bin/bash
# Fault injection on local devices, real collectd:
#  - dcf77: the receiver's pty disappears (the feeder, holding the pty
#    master, is SIGKILLed: the plugin's reader sees a hang-up, then the
#    symlink points nowhere) and comes back (feeder restarted);
#  - pps: the sysfs `assert` file vanishes, then the whole device directory
#    (the writer is stopped meanwhile), then both come back;
#  - rng: a FIFO whose writer trickles (short reads), stops (SIGSTOP) and
#    dies (EOF, no writer) and comes back; a directory (read() fails with
#    EISDIR); /proc/self/mem (read() at offset 0 fails with EIO: a real
#    kernel EIO on a read-only fd, no device needed); a file removed while
#    open (read to EOF, then the reopen fails with ENOENT).
# What is simulated: the pty and sysfs are fixtures (no kernel driver), the
# EIO is /proc's, not a hardware RNG's.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/../lib/faults.sh"
it_begin faults_devices
fl_no_valgrind
command -v python3 >/dev/null || skip_all "python3 not installed"
FEED="$TOP_SRCDIR/tests/integration/dcf77_feed.py"

start_feed() {
  rm -f "$T/feed.ready"
  python3 "$FEED" --ready "$T/feed.ready" "$T/rx:0.425" >>"$T/feed.log" 2>&1 &
  FEED_PID=$!
  it_track_pid $FEED_PID
  for _ in $(seq 50); do [ -f "$T/feed.ready" ] && break; sleep 0.1; done
}
start_feed

dev=$T/sys/class/pps/pps0
pps_fixture "$dev"
python3 "$TOP_SRCDIR/tests/integration/pps_writer.py" "$dev" --log /dev/null --seed 5 &
PW=$!
it_track_pid $PW

mkfifo "$T/trickle.fifo"
head -c 5000 /dev/urandom >"$T/removed.bin"
mkdir "$T/adir"

collectd_start "LoadPlugin dcf77
<Plugin dcf77>
  <Receiver \"rx\">
    Device \"$T/rx\"
  </Receiver>
</Plugin>
LoadPlugin pps
<Plugin pps>
  <Device \"p\">
    SysfsPath \"$dev\"
    PollInterval 0.05
  </Device>
</Plugin>
LoadPlugin rng
<Plugin rng>
$(rng_source trickle "$T/trickle.fifo" "BytesPerInterval 2500" "MaxReadTime 0.3")
$(rng_source adir "$T/adir" "MaxReadTime 0.3")
$(rng_source eio /proc/self/mem "MaxReadTime 0.3")
$(rng_source removed "$T/removed.bin" "BytesPerInterval 2500" "MaxReadTime 0.3")
$(rng_source urandom /dev/urandom "BytesPerInterval 2500" "MaxReadTime 0.3")
</Plugin>"

# The trickling writer: 800 bytes a second (BytesPerInterval 2500: short).
trickle() {
  python3 -c 'import os, sys, time
w = open(sys.argv[1], "wb", buffering=0)
while True:
    w.write(os.urandom(800)); time.sleep(1)' "$T/trickle.fifo" 2>/dev/null &
  TW=$!
  it_track_pid $TW
}
trickle

# ------------------------------------------------------------- dcf77 pty
R=dcf77-rx/bool-receiving
for _ in $(seq 100); do
  [ "$(csv_last "$(fl_csv $R)" 2>/dev/null)" = 1.000000 ] && break; sleep 0.2
done
is "$(csv_last "$(fl_csv $R)")" 1.000000 "dcf77: receiving from the pty"
kill -9 $FEED_PID; wait $FEED_PID 2>/dev/null
t_kill=$(fl_now); l_kill=$(fl_logline)
sleep 6
t_back=$(fl_now); l_back=$(fl_logline)
start_feed
# no stale "receiving": every row from 3.5 s after the loss (the 3 s
# receiving window) is 0 or NaN, never 1
lo=$(awk -v t="$t_kill" 'BEGIN { printf "%.3f", t + 3.5 }')
n1=$(awk -F, -v lo="$lo" -v hi="$t_back" 'NR > 1 && $1 > lo && $1 < hi && $2 + 0 == 1' "$(fl_csv $R)" | wc -l)
n0=$(awk -F, -v lo="$lo" -v hi="$t_back" 'NR > 1 && $1 > lo && $1 < hi && $2 != "nan" && $2 + 0 == 0' "$(fl_csv $R)" | wc -l)
ok "$([ "$n1" -eq 0 ] && [ "$n0" -ge 1 ] && echo 0 || echo 1)" "dcf77 pty gone: receiving = 0 in $n0 rows, never 1 ($n1)"
V=dcf77-rx/percent-valid_pulses
fl_check_log_quiet "dcf77 pty gone" 'dcf77 plugin: receiver "rx": cannot' "$l_kill" "$l_back" 6
# back: the reader reopens every 2 s, the next pulse comes within 1 s
d=$(awk -F, -v s="$t_back" 'NR > 1' "$(fl_csv $R)" >/dev/null)
for _ in $(seq 100); do
  d=$(awk -F, -v s="$t_back" 'NR > 1 && $1 > s && $2 + 0 == 1 { printf "%.3f", $1 - s; exit }' "$(fl_csv $R)")
  [ -n "$d" ] && break; sleep 0.1
done
ok "$(awk -v d="${d:-99}" 'BEGIN { exit !(d <= 2 + 3 + 0.5) }' && echo 0 || echo 1)" \
  "dcf77 pty back: receiving = 1 after ${d:-none} s (limit 5 s = 2 intervals + reopen 2 s + one pulse)"
fl_figure "recovery dcf77/rx delay_s=${d:-none} backoff_s=3 limit_s=5"
is "$(fl_log_count "$l_back" 'dcf77 plugin: receiver "rx": .* opened')" 1 "dcf77: reopening logged once"

# ------------------------------------------------------------- pps sysfs
P=pps-p/time_offset-edge_mean
fl_wait_fresh $P 0 20 >/dev/null
ok $? "pps: edges measured"
kill -STOP $PW
rm "$dev/assert"
t_kill=$(fl_now); l_kill=$(fl_logline)
sleep 4
rm -rf "$dev"
sleep 4
t_back=$(fl_now); l_back=$(fl_logline)
mkdir -p "$dev"
printf '0.000000000#0\n' >"$dev/assert"
printf '0.000000000#0\n' >"$dev/clear"
kill -CONT $PW
fl_check_outage "pps assert file, then directory, gone" "$(fl_csv $P)" "$t_kill" "$t_back"
read -r nums nans < <(fl_between "$(fl_csv pps-p/bool-present)" "$(awk -v t="$t_kill" 'BEGIN { printf "%.3f", t + 6.5 }')" "$t_back")
ok "$(awk -F, -v lo="$(awk -v t="$t_kill" 'BEGIN { printf "%.3f", t + 5.5 }')" -v hi="$t_back" \
  'NR > 1 && $1 > lo && $1 < hi && $2 != "nan" && $2 + 0 != 0 { bad++ } END { exit bad > 0 }' "$(fl_csv pps-p/bool-present)" && echo 0 || echo 1)" \
  "pps directory gone: bool-present 0 ($nums rows)"
fl_check_log_quiet "pps gone" 'pps plugin: <Device "p">' "$l_kill" "$l_back" 8
fl_check_recovery "pps back" $P "$t_back" pps/p "$(fl_logline)" 1 1
is "$(fl_log_count "$l_back" 'pps plugin: <Device "p">: .* readable again')" 1 "pps: 'readable again' logged once"

# ------------------------------------------------------------- rng
S=rng-trickle/total_bytes-short
fl_wait_fresh $S 0 10 >/dev/null
sleep 3
short=$(csv_last "$(fl_csv $S)")
ok "$(awk -v s="$short" 'BEGIN { exit !(s > 0) }' && echo 0 || echo 1)" "rng trickle: short reads counted ($short bytes short)"
kill -STOP $TW
t_kill=$(fl_now); l_kill=$(fl_logline)
sleep 4
t_back=$(fl_now); l_back=$(fl_logline)
kill -CONT $TW
sleep 3
kill -9 $TW; wait $TW 2>/dev/null # writer gone: EOF
t_kill2=$(fl_now); l_kill2=$(fl_logline)
sleep 4
t_back2=$(fl_now); l_back2=$(fl_logline)
trickle
fl_check_outage "rng writer stopped" "$(fl_csv rng-trickle/bool-stuck)" "$t_kill" "$t_back"
fl_check_outage "rng writer gone" "$(fl_csv rng-trickle/bool-stuck)" "$t_kill2" "$t_back2"
fl_check_recovery "rng writer back" rng-trickle/bool-stuck "$t_back2" rng/trickle "$(fl_logline)" 1
fl_check_log_quiet "rng trickle writer stopped" 'rng plugin: Source "trickle": .*delivered no data' "$l_kill" "$l_back" 4
fl_check_log_quiet "rng trickle writer gone" 'rng plugin: Source "trickle": .*delivered no data' "$l_kill2" "$l_back2" 4

rm "$T/removed.bin"
t_rm=$(fl_now)
sleep 6
for s in adir eio removed; do
  lo=0
  # the open fd still reads the unlinked file to its end (real data, two
  # intervals), then the reopen fails
  [ $s = removed ] && lo=$(awk -v t="$t_rm" 'BEGIN { printf "%.3f", t + 3.5 }')
  read -r nums nans < <(fl_between "$(fl_csv rng-$s/bool-stuck)" "$lo" 1e12)
  # (collectd's back-off may leave no row in that window: count the NaN
  # rows since the removal)
  [ $s = removed ] && read -r _ nans < <(fl_between "$(fl_csv rng-$s/bool-stuck)" "$t_rm" 1e12)
  ok "$([ "${nums:-1}" -eq 0 ] && [ "${nans:-0}" -ge 1 ] && echo 0 || echo 1)" "rng $s: $nans NaN rows since the error, no number"
done
n=$(fl_log_count 1 'rng plugin: Source "adir": reading .* failed: Is a directory')
ok "$([ "$n" -ge 1 ] && [ "$n" -le 6 ] && echo 0 || echo 1)" "rng adir: EISDIR from read(), $n lines over the run (back-off)"
n=$(fl_log_count 1 'rng plugin: Source "eio": reading /proc/self/mem failed: Input/output error')
ok "$([ "$n" -ge 1 ] && [ "$n" -le 6 ] && echo 0 || echo 1)" "rng eio: a real EIO from read(), $n lines over the run (back-off)"
n=$(fl_log_count 1 'rng plugin: Source "removed": cannot open .*: No such file')
ok "$([ "$n" -ge 1 ] && [ "$n" -le 3 ] && echo 0 || echo 1)" "rng removed file: ENOENT on reopen logged ($n)"
read -r nums nans < <(fl_between "$(fl_csv rng-urandom/total_bytes-read)" "$t_kill" 1e12)
ok "$([ "$nums" -ge 10 ] && echo 0 || echo 1)" "rng urandom read all along ($nums rows)"

fl_collectd_alive
collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
fl_check_bound dcf77/rx 0.1 "pty disappears"
fl_check_bound pps/p 0.1 "sysfs file/dir vanishes"
for s in trickle adir eio removed urandom; do
  fl_check_bound rng/$s 0.3 "$s"
done
is "$(grep -c 'more than its bound' "$T/collectd.log")" 0 "no read over its bound was logged"
it_end
