#!/bin/bash
# ceph_rates_record.sh [OUTDIR]: bring up the 3-OSD test cluster
# (tests/lib/ceph.sh) and record, as the read-only client.collectd through
# librados (ceph_rates_record.py), the replies of `osd pool stats` and
# `osd perf`: idle, under client writes, and during recovery; then time
# every per-read command at 32 PGs and with the PG count raised (pool big,
# mon_max_pg_per_osd raised), for the cost table in docs/ceph_health.md.
# OUTDIR defaults to tests/data/ceph_health (files at its top level: the
# golden test reads only its subdirectories).  Not run by make check
# (about 3 minutes).  Set COST_PGS="1024 2048" for the sizes of pool big.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../data/ceph_health}
. "$here/../lib/ceph.sh"
export CEPH_EXTRA_CONF="mon max pg per osd = 3000
osd max pg per osd hard ratio = 10
osd recovery sleep hdd = 0.2"
cc_record_dir rates
cc_up "$D" || exit 1
py() { /usr/bin/python3 "$here/ceph_rates_record.py" "$D" "$@"; }
write() { cc_write "$@" 64; } # write POOL PREFIX N KIB: N writes to 64 objects
cc_ceph osd pool create idle 8 8 replicated >/dev/null &&
  cc_ceph osd pool application enable idle rados >/dev/null || exit 1
cc_wait 60 cc_all_pgs active || true
sleep 3
py save "$out" osd_pool_stats_idle || exit 1
# client I/O: writes for ~12 s in the background, recorded after 5 s
write test w 3000 64 & wp=$!
sleep 5
py save "$out" osd_pool_stats_client osd_perf_load || exit 1
wait $wp
# recovery: osd.2 down, overwrites, osd.2 back with norecover, then unset
cc_ceph osd set norecover >/dev/null && cc_ceph osd set nobackfill >/dev/null
cc_osd_stop 2 TERM
cc_wait 30 cc_has_check OSD_DOWN
write test r 400 64
cc_osd_start 2
sleep 8
cc_ceph osd unset nobackfill >/dev/null
cc_ceph osd unset norecover >/dev/null
py wait_recovery "$out/osd_pool_stats_recovery.json" || exit 1
cc_wait 120 cc_all_pgs clean
# cost at 32 + 8 PGs, then with pool big
echo "## cost: $(cc_ceph pg stat)"
py cost - 7
for n in ${COST_PGS:-1024 2048}; do
  if cc_ceph osd pool ls | grep -qx big; then
    cc_ceph osd pool set big pg_num "$n" >/dev/null
    cc_ceph osd pool set big pgp_num "$n" >/dev/null
  else
    cc_ceph osd pool create big "$n" "$n" replicated >/dev/null
  fi
  t0=$(date +%s)
  for _ in $(seq 300); do
    s=$(cc_ceph pg stat)
    case $s in *"$((n + 40)) pgs: $((n + 40)) active+clean"*) break ;; esac
    sleep 2
  done
  echo "## cost: $s (settled in $(($(date +%s) - t0)) s)"
  py cost - 7
done
