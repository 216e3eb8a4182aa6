#!/bin/bash
# ceph_health_record.sh [OUTDIR]: bring up the throw-away test cluster
# (tests/lib/ceph.sh), drive it through every state the ceph_health golden
# tests use, and record - as the read-only client.collectd, through
# librados (ceph_record.py health) - the JSON reply of every mon_command the
# plugin sends.  OUTDIR defaults to tests/data/ceph_health.  Not run by make
# check (it takes about 2 minutes); rerun it to refresh the recordings and
# review the .chk files by hand against the new JSON.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../data/ceph_health}
. "$here/../lib/ceph.sh"
cc_record_dir rec
cc_up "$D" || exit 1
mkdir -p "$out"

rec() { # rec STATE: record every command's reply into $out/STATE/
  rm -rf "${out:?}/$1"
  /usr/bin/python3 "$here/ceph_record.py" "$D" "$out/$1" health 5 || exit 1
  echo "recorded $1: $(cc_ceph status -f json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["health"]["status"], sorted(d["health"]["checks"]),
      [(s["state_name"], s["count"]) for s in d["pgmap"]["pgs_by_state"]])')"
}
put() { # put PREFIX N: write N small objects (bounded: writes to inactive PGs block)
  local i
  for i in $(seq 1 "$2"); do
    echo "$1 $i" | timeout 10 rados -c "$D/ceph.conf" --name client.admin \
      --keyring "$D/client.admin/keyring" -p test put "$1$i" - 2>/dev/null
  done
}
has_recovering() { [ "$(cc_pgs_with recovering)" -gt 0 ]; }
has_recovery_wait() { [ "$(cc_pgs_with recovery_wait)" -gt 0 ]; }
has_remapped() { [ "$(cc_pgs_with remapped)" -gt 0 ]; }
no_remapped() { [ "$(cc_pgs_with remapped)" -eq 0 ] && cc_all_pgs clean; }

# 1. healthy: HEALTH_OK, every PG active+clean.
rec healthy

# 2. one OSD killed: OSD_DOWN, PG_DEGRADED, active+undersized(+degraded).
cc_osd_stop 2 KILL
cc_wait 30 cc_has_check OSD_DOWN && cc_wait 30 cc_all_pgs undersized || exit 1
rec osd_down
# ... and after mon_pg_stuck_threshold (10 s): stuck undersized/degraded.
sleep 12
rec osd_down_stuck
cc_osd_start 2 # memstore after SIGKILL: back empty, refilled by recovery
cc_wait 90 cc_healthy || exit 1

# 3. osd out with norecover+nobackfill: remapped, misplaced objects.
cc_ceph osd set norecover >/dev/null
cc_ceph osd set nobackfill >/dev/null
cc_ceph osd out 2 >/dev/null
cc_wait 30 has_remapped || exit 1
rec osd_out_norecover

# 4. an OSD that missed writes comes back while recovery is blocked:
#    recovery_wait + degraded (+ remapped, misplaced).
cc_osd_stop 1 TERM
put w 60
cc_osd_start 1
cc_wait 40 has_recovery_wait || exit 1
rec recovery_wait

# 5. recovery running: slowed down so a poll sees it.
cc_ceph config set osd osd_recovery_sleep_hdd 2 >/dev/null
cc_ceph osd unset norecover >/dev/null
for _ in $(seq 100); do has_recovering && break; sleep 0.2; done
rec recovering
cc_ceph config set osd osd_recovery_sleep_hdd 0 >/dev/null
cc_ceph osd unset nobackfill >/dev/null
cc_ceph osd in 2 >/dev/null
cc_wait 90 cc_healthy || exit 1

# 6. ratios lowered below the OSDs' utilisation (about 0.01 % here).
cc_ceph osd set-nearfull-ratio 0.00001 >/dev/null
cc_wait 20 cc_has_check OSD_NEARFULL || exit 1
rec nearfull
cc_ceph osd set-full-ratio 0.00003 >/dev/null
cc_ceph osd set-backfillfull-ratio 0.00002 >/dev/null
cc_wait 20 cc_has_check OSD_FULL || exit 1
rec full
cc_ratios_default
cc_wait 60 cc_healthy || exit 1

# 7. two of three OSDs down: undersized+degraded+peered (inactive), and
#    after the stuck threshold PG_AVAILABILITY.
cc_osd_stop 1 TERM
cc_osd_stop 2 TERM
cc_wait 30 cc_all_pgs peered || exit 1
sleep 12
cc_wait 20 cc_has_check PG_AVAILABILITY || exit 1
rec two_osds_down
# 8. ... and the last one: every PG stale.
cc_osd_stop 0 TERM
cc_wait 40 cc_all_pgs stale || exit 1
rec all_osds_down

# 9. mgr stopped (OSDs back first): mon-served commands answer, mgr-served
#    ones time out (meta.txt has rc=-110 for them).
cc_osd_start 0
cc_osd_start 1
cc_osd_start 2
cc_wait 90 cc_healthy || exit 1
cc_mgr_stop TERM
rec mgr_down
echo "done: $out"
