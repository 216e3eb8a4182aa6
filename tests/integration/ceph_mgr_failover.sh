#!/bin/bash
# Regression test, real peer: a mgr restart on a healthy cluster must not
# be reported as inactive, unknown or stuck PGs.  A new ceph-mgr creates a
# PG stat for every PG of the osd map in state "unknown", with every last_*
# stamp set to the osd map's modification time (PGMapUpdater::check_osd_map
# in Ceph's src/mon/PGMap.cc), and answers pg commands with pg_ready false
# until every up OSD has reported, or 4 x mgr_stats_period have passed
# (DaemonServer::maybe_ready / send_report, src/mgr/DaemonServer.cc).  The
# cluster runs with Ceph's default mgr_stats_period (5 s), collectd at
# Interval 1, StuckAge 5 s (older than the osd map):
#  1. the mgr is SIGKILLed and restarted at once (here the pg_ready false
#     window is short, 0.2-1 s: a read falls into it about every other run);
#  2. the same with the OSDs frozen (SIGSTOP; `osd set nodown` is set) from
#     the kill until 3 s after the new mgr is active, so that they report
#     late, as OSDs of a larger or busier cluster do: a window of about 4 s
#     that every run sees;
#  - no row written from the first kill until the end may report
#    inactive > 0, unknown > 0 or stuck > 0 (per pool and for the cluster);
#  - during the window the per-pool values are NaN, the plugin logs each
#    episode once, and real values (16 active PGs) come back.
# About 80 s (a third of it the cluster start).
. "$(dirname "$0")/../lib/collectd.sh"
. "$(dirname "$0")/../lib/ceph.sh"
it_begin ceph_mgr_failover
cc_test_require
CC_MGR_STATS_PERIOD= # left out of ceph.conf: Ceph's default, 5 s
CC_PGS=16
cc_test_up "test cluster up (default mgr_stats_period, 16 PGs active+clean)"
STUCK_AGE=5

collectd_start "$(cc_plugin_conf test "Timeout 2" "StuckAge $STUCK_AGE")"
P=ceph_health-test-pool-test
C=ceph_health-test
f_active=$(csv_wait "$P/ceph_health_pgs-active-*" 30)
ok $? "collectd writes the pool's PG counts"
for _ in $(seq 50); do [ "$(csv_last "$f_active")" = 16.000000 ] && break; sleep 0.2; done
near "$(csv_last "$f_active")" 16 0 "before the restart: pool test has 16 active PGs"

# The stamps of the PGs a new mgr creates are the osd map's modification
# time: make it older than StuckAge, so that dump_stuck would age them
# (nodown, for the second restart, changes the osd map: set it first).
cc_ceph osd set nodown >/dev/null
osdmap_age() {
  cc_ceph osd dump -f json | /usr/bin/python3 -c '
import json, sys, datetime
m = json.load(sys.stdin)["modified"]
t = datetime.datetime.strptime(m[:26], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
print(int(datetime.datetime.now(datetime.timezone.utc).timestamp() - t.timestamp()))'
}
for _ in $(seq 30); do [ "$(osdmap_age)" -gt $((STUCK_AGE + 1)) ] && break; sleep 1; done
diag "osd map last modified $(osdmap_age) s ago (StuckAge $STUCK_AGE s)"

# the active mgr's gid, 0 while none is available
mgr_gid() {
  cc_ceph mgr dump -f json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["active_gid"] if d["available"] else 0)'
}
# pg_ready, as the read-only client sees it (the command waits for the mgr)
pg_ready() { cc_ro pg stat -f json | grep -q '"pg_ready":true'; }
# restart DESC [freeze]: kill and restart the mgr (with the OSDs frozen
# until 3 s after the new mgr is active), wait for pg_ready and real values.
restart() {
  local g0 g t0 i
  g0=$(mgr_gid)
  t0=$(date +%s.%N)
  cc_mgr_stop KILL
  if [ "${2:-}" = freeze ]; then for i in 0 1 2; do _cc_kill "osd.$i" STOP; done; fi
  cc_mgr_start
  if [ "${2:-}" = freeze ]; then
    for _ in $(seq 60); do
      g=$(mgr_gid)
      [ "$g" != 0 ] && [ "$g" != "$g0" ] && break
      sleep 0.3
    done
    sleep 3
    for i in 0 1 2; do _cc_kill "osd.$i" CONT; done
  fi
  cc_wait 60 pg_ready
  ok $? "$1: the new mgr reports pg_ready true again"
  diag "$1: pg_ready true $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}') s after the kill"
  for _ in $(seq 50); do [ "$(csv_last "$f_active")" = 16.000000 ] && break; sleep 0.2; done
  sleep 3 # a few more reads after the window
}

t_kill=$(date +%s.%N)
l_kill=$(wc -l <"$T/collectd.log")
restart "plain restart"
t_mid=$(date +%s.%N)
restart "restart with late OSD reports" freeze
cc_ceph osd unset nodown >/dev/null
t_end=$(date +%s.%N)

# bad FILE...: rows written since the kill with a value > 0
bad() {
  awk -F, -v t="$t_kill" 'FNR > 1 && $1 >= t && $2 != "nan" && $2 + 0 > 0 { n++ } END { print n + 0 }' "$@"
}
files=()
for d in $P $C; do
  for m in ceph_health_pgs-inactive ceph_health_pgs-unknown ceph_health_pgs_stuck-inactive \
    ceph_health_pgs_stuck-unclean ceph_health_pgs_stuck-any; do
    f=$(csv_wait "$d/$m-*" 5) && files+=("$f")
  done
done
is "${#files[@]}" 10 "inactive, unknown and stuck csv files found (pool and cluster)"
n_rows=$(awk -F, -v t="$t_kill" 'FNR > 1 && $1 >= t { n++ } END { print n + 0 }' "$f_active")
n_bad=$(bad "${files[@]}")
for f in "${files[@]}"; do
  b=$(bad "$f")
  [ "$b" -gt 0 ] && diag "$(basename "$(dirname "$f")")/$(basename "$f"): $b rows > 0"
done
diag "rows since the kill: $n_rows per metric; rows reporting inactive/unknown/stuck > 0: $n_bad"
is "$n_bad" 0 "mgr restart: no row reports inactive, unknown or stuck PGs"
# Nor any value an alert of examples/thresholds.conf watches: redundancy
# margin < 1, a recovery ETA at all (healthy: NaN), time to backfillfull
# < 1 day or to full < 6 h (rows written since the kill, NaN excepted).
# alarm FILE CMP LIMIT: rows since the kill with value CMP LIMIT
alarm() {
  awk -F, -v t="$t_kill" -v c="$2" -v l="$3" 'FNR > 1 && $1 >= t && $2 != "nan" &&
    ((c == "<" && $2 + 0 < l) || (c == "any")) { n++ } END { print n + 0 }' "$1"
}
n_alarm=0 n_files=0
for spec in "$P/ceph_health_margin-redundancy < 1" "$C/ceph_health_margin-redundancy < 1" \
  "$C/duration-recovery_eta any 0" "$C-osd.*/duration-until_backfillfull < 86400" \
  "$C-osd.*/duration-until_full < 21600"; do
  read -r m cmp lim <<<"$spec"
  for f in "$T"/csv/"$CD_HOST"/$m-*; do
    [ -f "$f" ] || continue
    n_files=$((n_files + 1))
    a=$(alarm "$f" "$cmp" "$lim")
    [ "$a" -gt 0 ] && diag "$(basename "$(dirname "$f")")/$(basename "$f"): $a rows $cmp $lim"
    n_alarm=$((n_alarm + a))
  done
done
ok "$([ "$n_files" -ge 9 ] && echo 0 || echo 1)" "margin, ETA and time-to-full csv files found ($n_files, want 9)"
is "$n_alarm" 0 "mgr restart: no margin < 1, no recovery ETA, no time to (backfill)full under its alert"
f_unknown=$(csv_wait "$P/ceph_health_pgs-unknown-*" 1)
n_nan=$(awk -F, -v a="$t_mid" -v b="$t_end" 'FNR > 1 && $1 >= a && $1 <= b && $2 == "nan" { n++ } END { print n + 0 }' "$f_unknown")
diag "NaN rows of pool pgs-unknown in the second window: $n_nan"
ok "$([ "$n_nan" -ge 3 ] && echo 0 || echo 1)" "during the window the pool's PG counts are NaN"
near "$(csv_last "$f_active")" 16 0 "after the window: pool test has 16 active PGs again"
near "$(csv_last "$(csv_wait "$P/ceph_health_pgs_stuck-any-*" 1)")" 0 0 "after the window: no stuck PG"
# The second restart's window is seen by every run: one episode (one line
# at its start, one at its end); the first one's is seen or not.
n_nr=$(tail -n +"$((l_kill + 1))" "$T/collectd.log" | grep -c 'PG states are not ready')
n_ra=$(tail -n +"$((l_kill + 1))" "$T/collectd.log" | grep -c 'PG states are ready again')
diag "episodes logged: $n_nr start(s), $n_ra end(s)"
ok "$([ "$n_nr" -ge 1 ] && [ "$n_nr" -le 2 ] && [ "$n_nr" = "$n_ra" ] && echo 0 || echo 1)" \
  "each not-ready episode is logged once at its start and once at its end"

collectd_log_clean
collectd_stop
ok $? "collectd stops cleanly"
diag "ceph_mgr_failover: $(($(date +%s) - CC_T0)) s"
it_end
