# shellcheck shell=bash
# demo.d/fault.sh - `scripts/run.sh --demo --fault NAME`: one seed failure,
# injected into the lab (demo.d/lab.sh) once its plugin shows values, held
# for a while, then undone, so that the alert of the shipped
# examples/thresholds.conf (or the plugin's own) fires and clears.  The
# injections are those of the failure scenarios in tests/scenarios/.
#
#   demo_fault_spec NAME LAB   check NAME (LAB: lab or ceph); sets FAULT_*
#   demo_fault_step SECS       called every pass of run.sh's live loop:
#                              inject when ready, restore after SECS, watch
#                              the notifications; prints one status line
#   demo_fault_report          what happened, with the notification lines
#   demo_fault_undo            restore now if the fault is still injected
#
#   lose-glonass  hab's feed drops its GLONASS sentences (gnss_edit.py
#                 noglonass, as gnss_constellation_loss.sh): gpsd WARNING
#   unplug-dcf77  the <Receiver "rx"> pty goes silent (dcf77_feed.py .pause,
#                 as dcf77_silent_noisy.sh): bool-receiving FAILURE
#   stop-pps      the PPS writer is stopped (SIGSTOP, as pps_lost.sh):
#                 bool-signal FAILURE
#   falseticker   one of chronyd's four SHM refclocks lies by +0.25 s:
#                 count-falsetickers FAILURE
#   stuck-rng     the FIFO source repeats 0xdeadbeef (rng_writer.py, as
#                 rng_stuck.sh): bool-stuck FAILURE
#   kill-osd      osd.2 is killed (SIGKILL, as ceph_recovery_full.sh):
#                 bool-up WARNING; needs --demo ceph

FAULT_SETTLE=20 # s the plugin shows values before the fault (first-sight OKAYs)

demo_fault_spec() {
  FAULT_NAME=$1 FAULT_STATE=wait FAULT_GATE=real
  case $1 in
    lose-glonass) FAULT_PLUGIN=gpsd
      FAULT_RE="severity = WARNING, .*plugin = gpsd, plugin_instance = hab, type = satellites, type_instance = glonass_used" ;;
    unplug-dcf77) FAULT_PLUGIN=dcf77 FAULT_GATE=first
      FAULT_RE="severity = FAILURE, .*plugin = dcf77, plugin_instance = rx, type = bool, type_instance = receiving" ;;
    stop-pps) FAULT_PLUGIN=pps
      FAULT_RE="severity = FAILURE, .*plugin = pps, plugin_instance = [^,]*, type = bool, type_instance = signal" ;;
    falseticker) FAULT_PLUGIN=ntp
      FAULT_RE="severity = FAILURE, .*plugin = ntp, plugin_instance = [^,]*, type = count, type_instance = falsetickers" ;;
    stuck-rng) FAULT_PLUGIN=rng
      FAULT_RE="severity = FAILURE, .*plugin = rng, plugin_instance = fifo, type = bool, type_instance = stuck" ;;
    kill-osd) FAULT_PLUGIN=ceph_health
      FAULT_RE="severity = WARNING, .*plugin = ceph_health, plugin_instance = ceph-osd\\.2, type = bool, type_instance = up"
      [ "$2" = ceph ] || { echo "--fault kill-osd needs --demo ceph" >&2; return 1; } ;;
    *) echo "unknown fault '$1': lose-glonass unplug-dcf77 stop-pps falseticker stuck-rng kill-osd" >&2
      return 1 ;;
  esac
  # the clearing: an OKAY for the same series
  FAULT_OK_RE="severity = OKAY, ${FAULT_RE#severity = [A-Z]*, }"
}

# demo_fault_swap_shm OFFSET: restart SHM writer 5 with OFFSET (s, + = the
# refclock ahead of the system clock).
demo_fault_swap_shm() {
  local old=${DEMO_SHM_PID[5]}
  kill "$old" 2>/dev/null
  unset "DEMO_PEER[$old]"
  demo_shm 5 "$1"
  DEMO_PEER[${DEMO_SHM_PID[5]}]=ntp
  echo "demo: ntp pid ${DEMO_SHM_PID[5]}"
}

demo_fault_inject() {
  case $FAULT_NAME in
    lose-glonass)
      python3 "$top/tests/scenarios/gnss_edit.py" noglonass "$top/tests/data/gpsd/hab-gpspi.log" \
        >"$T/hab-noglonass.log" && echo "$T/hab-noglonass.log" >"$T/hab.switch" ;;
    unplug-dcf77) touch "$T/rx.pause" ;;
    stop-pps) kill -STOP "$DEMO_PPS_PID" ;;
    falseticker) demo_fault_swap_shm 0.2505 ;;
    stuck-rng) touch "$T/rng.stuck" ;;
    kill-osd) cc_osd_stop 2 KILL ;;
  esac
}

demo_fault_restore() {
  case $FAULT_NAME in
    lose-glonass) : >"$T/hab.switch" ;;
    unplug-dcf77) rm -f "$T/rx.pause" ;;
    stop-pps) kill -CONT "$DEMO_PPS_PID" ;;
    falseticker) demo_fault_swap_shm 0.0005 ;;
    stuck-rng) rm -f "$T/rng.stuck" ;;
    kill-osd) cc_osd_start 2 ;;
  esac
}

# demo_fault_end: restore now, and watch for the OKAY from here on.
demo_fault_end() {
  FAULT_OK_BASE=$(demo_fault_notes "$FAULT_OK_RE")
  demo_fault_restore
  FAULT_STATE=off FAULT_T_OFF=$(demo_fault_clock)
}

demo_fault_undo() {
  [ "${FAULT_STATE:-}" = on ] && demo_fault_end
  return 0
}

demo_fault_notes() { notifications_matching "$1"; }

# Seconds since the lab started, whole.
demo_fault_clock() { awk -v a="$(demo_now)" -v b="$DEMO_T0" 'BEGIN { printf "%.0f", a - b }'; }

demo_fault_step() {
  local now ready
  FAULT_SECS=$1
  now=$(demo_fault_clock)
  case $FAULT_STATE in
    wait)
      if [ "$FAULT_GATE" = real ]; then ready=${DEMO_REAL[$FAULT_PLUGIN]:-}; else ready=${DEMO_FIRST[$FAULT_PLUGIN]:-}; fi
      if [ -n "$ready" ] && [ $((now - ready)) -ge $FAULT_SETTLE ]; then
        FAULT_BASE=$(demo_fault_notes "$FAULT_RE")
        demo_fault_inject
        FAULT_STATE=on FAULT_T_ON=$now FAULT_CLOCK_ON=$(date +%T)
      fi ;;
    on)
      [ -n "${FAULT_T_ALERT:-}" ] || [ "$(demo_fault_notes "$FAULT_RE")" -le "$FAULT_BASE" ] ||
        FAULT_T_ALERT=$now
      [ $((now - FAULT_T_ON)) -lt "$FAULT_SECS" ] || demo_fault_end ;;
    off)
      [ "$(demo_fault_notes "$FAULT_OK_RE")" -le "$FAULT_OK_BASE" ] || { FAULT_STATE="done" FAULT_T_CLEAR=$now; } ;;
  esac
  echo
  echo "fault $FAULT_NAME: $(demo_fault_status)"
}

demo_fault_status() {
  case $FAULT_STATE in
    wait) echo "waiting for $FAULT_PLUGIN values (+${FAULT_SETTLE} s) before injecting" ;;
    on) echo "injected at ${FAULT_T_ON} s ($FAULT_CLOCK_ON) for ${FAULT_SECS} s; alert: ${FAULT_T_ALERT:-not yet}${FAULT_T_ALERT:+ s}" ;;
    off | done) echo "injected at ${FAULT_T_ON} s ($FAULT_CLOCK_ON), restored at ${FAULT_T_OFF} s; alert: ${FAULT_T_ALERT:-none}${FAULT_T_ALERT:+ s}; cleared: ${FAULT_T_CLEAR:-not yet}${FAULT_T_CLEAR:+ s}" ;;
  esac
}

# The first notification matching REGEX after the first N, or "none".
demo_fault_line() {
  local l
  l=$(grep -E "Notification: .*$1" "$T/collectd.log" 2>/dev/null | sed -n "$(($2 + 1))p")
  echo "${l:-none}"
}

demo_fault_report() {
  demo_fault_undo
  echo "fault $FAULT_NAME (s since the lab started, as seen at the live table's refreshes): $(demo_fault_status)"
  [ "$FAULT_STATE" = wait ] && return 0
  echo "  alert: $(demo_fault_line "$FAULT_RE" "$FAULT_BASE")"
  [ -n "${FAULT_OK_BASE:-}" ] && echo "  clear: $(demo_fault_line "$FAULT_OK_RE" "$FAULT_OK_BASE")"
  return 0
}
