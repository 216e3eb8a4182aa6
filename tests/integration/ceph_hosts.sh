# shellcheck shell=bash
# ceph_hosts.sh - on top of tests/lib/ceph.sh: a test cluster whose 4 OSDs
# sit in 4 CRUSH host buckets h0..h3 under root default, a replicated rule
# "byhost" (chooseleaf type host) and three pools on it, for the capacity
# tests (osd df tree, crush rule dump, df detail).  Sourced after
# tests/lib/ceph.sh.
#   ch_hosts_up DIR     cc_up with 4 OSDs, then the buckets, rule and pools:
#                       test (size 3, min_size 2, 32 PGs), two (size 2,
#                       min_size 1, 16 PGs), quota (size 3, 8 PGs,
#                       max_bytes 64 MiB, max_objects 1000); waits for
#                       HEALTH_OK with every PG active+clean
#   ch_fill POOL PREFIX N MIB   write N objects of MIB MiB each (cc_write)

CC_NOSDS=4

ch_hosts_up() {
  local i
  cc_up "$1" || return 1
  for i in 0 1 2 3; do
    cc_ceph osd crush add-bucket "h$i" host >/dev/null &&
      cc_ceph osd crush move "h$i" root=default >/dev/null &&
      cc_ceph osd crush move "osd.$i" host="h$i" >/dev/null || { cc_log "crush h$i"; return 1; }
  done
  cc_ceph osd crush rule create-replicated byhost default host >/dev/null || return 1
  cc_ceph osd pool set test crush_rule byhost >/dev/null || return 1
  cc_ceph osd pool create two 16 16 replicated byhost >/dev/null &&
    cc_ceph osd pool set two size 2 >/dev/null &&
    cc_ceph osd pool set two min_size 1 >/dev/null &&
    cc_ceph osd pool application enable two rados >/dev/null || return 1
  cc_ceph osd pool create quota 8 8 replicated byhost >/dev/null &&
    cc_ceph osd pool set-quota quota max_bytes $((64 << 20)) >/dev/null &&
    cc_ceph osd pool set-quota quota max_objects 1000 >/dev/null &&
    cc_ceph osd pool application enable quota rados >/dev/null || return 1
  CC_PGS=56 cc_wait 90 cc_healthy
}

ch_fill() { cc_write "$1" "$2" "$3" $(($4 << 10)); }
