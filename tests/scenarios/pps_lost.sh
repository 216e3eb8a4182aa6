#!/bin/bash
# Scenario S3: PPS lost and back, sysfs path.  Two PPS sources
# (fixtures under $T/sys/class/pps, rewritten once a second by
# tests/integration/pps_writer.py as the kernel does: edge at the second
# + 1.5 ms, 20 us jitter) are watched by the pps plugin (<Device> blocks,
# Interval 2 s, Timeout 2.5 s) with the shipped examples/thresholds.conf.
# The writer of "gnss" is paused for 8 s (the receiver lost its fix, the
# wire came off), then resumes; "spare" keeps pulsing.
# Expected: nothing while pulses flow; the plugin's "pulses stopped" and
# the thresholds.conf bool-signal FAILURE within 2 read intervals of the
# first missing pulse, for gnss only; OKAY from both when pulses return;
# the missed-pulse rule (Hits 10) stays silent for an 8 s outage.
# What is simulated: the kernel (no PPS device can exist on these
# machines: docs/pps.md); the sysfs files have the kernel's format.
# The same receiver as gpsd sees it (gpsd plugin): the real gpsd cannot see
# a PPS source here (ptys have no DCD), so a stand-in gpsd
# (tests/lib/fake_gpsd.py, gpsd 3.22's JSON lines) reports TOFF and
# PPS for it and stops the PPS reports with the pulses.  Expected: the PPS
# offset goes NaN (stale after MaxAge), never a stale number, while TOFF
# (the serial time, 50 ms late: what ntpd/chronyd fall back to) stays.
# About 30 s.
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/peers.sh"
. "$(dirname "$0")/../lib/scenario.sh"
it_begin pps_lost
need python3
INTERVAL=2
for d in pps0 pps1; do
  dev=$T/sys/class/pps/$d
  mkdir -p "$dev"
  printf '0.000000000#0\n' >"$dev/assert"
  printf '0.000000000#0\n' >"$dev/clear"
  printf 'pps-gpio.-1\n' >"$dev/name"
  printf '\n' >"$dev/path"
done
python3 "$TOP_SRCDIR/tests/integration/pps_writer.py" "$T/sys/class/pps/pps0" \
  --log "$T/w0.log" --offset 0.0015 --sigma 0.00002 --seed 3 &
W0=$!
it_track_pid $W0
python3 "$TOP_SRCDIR/tests/integration/pps_writer.py" "$T/sys/class/pps/pps1" \
  --log "$T/w1.log" --offset 0.0015 --sigma 0.00002 --seed 4 &
it_track_pid $!
scen_fake_gpsd /dev/ttyAMA0 "$T/gpsd-pps.pause"
sleep 1.5

scen_collectd_start "$(scen_fake_gpsd_conf)
LoadPlugin pps
<Plugin pps>
  PollInterval 0.05
  <Device \"gnss\">
    SysfsPath \"$T/sys/class/pps/pps0\"
    Timeout 2.5
    Interval $INTERVAL
  </Device>
  <Device \"spare\">
    SysfsPath \"$T/sys/class/pps/pps1\"
    Timeout 2.5
    Interval $INTERVAL
  </Device>
</Plugin>"
f=$(csv_wait 'pps-gnss/bool-signal-*' 20)
ok $? "collectd reads gnss"
for _ in $(seq 20); do [ "$(csv_last "$f")" = 1.000000 ] && break; sleep 0.5; done
sleep 6
is "$(csv_last "$f")" 1.000000 "healthy: bool-signal = 1"
is "$(scen_notes_at_least WARNING)" 0 "healthy: no notification at WARNING or above"
near "$(gpsd_val gnss time_offset-pps)" -0.0015 0.0001 "healthy: gpsd's PPS offset of the receiver -1.5 ms"
near "$(gpsd_val gnss time_offset-toff)" -0.05 0.02 "healthy: gpsd's TOFF -50 ms (serial latency)"

# Pause just after a pulse (edges at the second + 1.5 ms): the first
# missing pulse is the next whole second.
sleep "$(awk -v t="$(scen_now)" 'BEGIN { f = t - int(t); printf "%.3f", (f < 0.3 ? 0.3 - f : 1.3 - f) }')"
kill -STOP $W0
touch "$T/gpsd-pps.pause"
t0=$(scen_now)
scen_phase "$(awk -v t="$t0" 'BEGIN { printf "%.3f", int(t) + 1.0015 }')" # the first missing pulse
diag "pulses stopped after $(tail -n 1 "$T/w0.log")"
# 2 intervals, plus 0.5 s for the scheduling of a loaded CI machine (the
# worst case by design is 3.5 s: Timeout 2.5 s after the last pulse, then
# the next read, at most 2 s later, less the 1 s to the first missing pulse)
LIMIT=$(awk -v i=$INTERVAL 'BEGIN { print 2 * i + 0.5 }')
scen_expect 15 "severity = FAILURE, .*plugin = pps, plugin_instance = gnss, type = bool, type_instance = signal, message = .*pulses stopped" \
  "plugin: FAILURE 'pulses stopped' for gnss, %s s after the first missing pulse"
scen_latency 0 "$LIMIT" 'pps-gnss/bool-signal-*' "... within 2 read intervals ($((2 * INTERVAL)) s)" "$INTERVAL"
scen_fault_time "pps plugin 'pulses stopped' FAILURE (Interval $INTERVAL s, Timeout 2.5 s)" "$SCEN_DT"
scen_expect 15 "severity = FAILURE, .*plugin = pps, plugin_instance = gnss, type = bool, type_instance = signal, message = Host .*below the failure threshold" \
  "thresholds.conf: FAILURE for gnss bool-signal, %s s after the first missing pulse"
scen_latency 0 "$LIMIT" 'pps-gnss/bool-signal-*' "... within 2 read intervals" "$INTERVAL"
scen_fault_time "thresholds.conf pps bool-signal FAILURE" "$SCEN_DT"
sleep "$(awk -v t="$(scen_now)" -v s="$t0" 'BEGIN { d = s + 8 - t; printf "%.3f", (d > 0 ? d : 0) }')"
# The fallback as gpsd shows it: no PPS offset (NaN, not the last one),
# the serial time still there.
# (polled, up to 20 s: a loaded host may have stalled collectd's reads, so
# the last row can still be one from before MaxAge ran out)
gpsd_wait_val gnss time_offset-pps nan 20
ok $? "PPS lost: gpsd's PPS offset is NaN (stale after MaxAge 3 s)"
near "$(gpsd_val gnss time_offset-toff)" -0.05 0.02 "PPS lost: TOFF still there (-50 ms: the serial time is the fallback)"
f=$(csv_wait "gpsd-gnss/time_offset-pps-*" 1)
stale=$(awk -F, -v a="$(awk -v t="$t0" 'BEGIN { printf "%.3f", t + 5.5 }')" 'NR > 1 && $1 > a && $2 != "nan"' "$f" | wc -l)
is "$stale" 0 "PPS lost: no PPS offset row after MaxAge + 2 s is a number"

scen_phase
kill -CONT $W0
rm -f "$T/gpsd-pps.pause"
scen_expect 15 "severity = OKAY, .*plugin_instance = gnss, type = bool, type_instance = signal, message = .*pulses are back" \
  "plugin: OKAY 'pulses are back' after %s s"
dt3=$SCEN_DT
scen_expect 15 "severity = OKAY, .*plugin_instance = gnss, type = bool, type_instance = signal, message = Host .*within range again" \
  "thresholds.conf: OKAY for gnss bool-signal after %s s"
diag "pulses back->OKAY: plugin $dt3 s, thresholds.conf $SCEN_DT s"
for _ in $(seq 100); do [ "$(gpsd_val gnss time_offset-pps)" != nan ] && break; sleep 0.3; done
near "$(gpsd_val gnss time_offset-pps)" -0.0015 0.0001 "pulses back: gpsd's PPS offset -1.5 ms again"
# (sc_alerts: not the threshold plugin's "has not been updated" FAILUREs
# of a read loop a loaded host stalled)
is "$(sc_alerts 2>/dev/null | grep -c 'plugin_instance = spare,')" 0 "nothing for the spare source that kept pulsing"
is "$(sc_alerts 2>/dev/null | grep -c 'type = count, type_instance = missed')" 0 \
  "the missed-pulse rule (Hits 10) stays silent for an 8 s outage"
is "$(scen_notes_at_least WARNING)" 2 "exactly two alerts in all (plugin + threshold)"
scen_stop
it_end
