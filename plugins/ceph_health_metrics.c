/* SPDX-License-Identifier: MIT
 * ceph_health_metrics - the ceph_health plugin's metric tables: the one
 * place a metric is named (docs/ceph_health.md lists the same rows; the
 * plugin test checks both against types.db).  The snapshot types
 * they point into are in plugins/ceph_health_int.h.
 */
#include "plugins/ceph_health_int.h"

#define PG(kind, f) CDU_FIELD(kind, ch_pgs_snap_t, f)
#define PG_STATE_ROW(name)                                                     \
  {"ceph_health_pgs", #name, PG(GAUGE, state[CEPH_PG_##name##_IDX]), "PGs",    \
   "PGs whose state has the component " #name},

#define PGS_COMMON_ROWS                                                        \
  {"ceph_health_pgs", "total", PG(GAUGE, total), "PGs", "PGs"},                \
      CH_PG_STATES(PG_STATE_ROW){                                              \
          "ceph_health_pgs", "inactive", PG(GAUGE, inactive), "PGs",           \
          "PGs without the active component (no client I/O)"},                 \
      {"ceph_health_pgs", "unclean", PG(GAUGE, unclean), "PGs",                \
       "PGs without the clean component"},                                     \
      {"ceph_health_pgs", "unrecognised_state", PG(GAUGE, unrecognised),       \
       "PGs", "PGs with a state component this plugin does not know"},         \
      {"ceph_health_pgs_stuck", "inactive",                                    \
       PG(GAUGE, stuck[CEPH_STUCK_INACTIVE]), "PGs",                           \
       "PGs not active for at least StuckAge"},                                \
      {"ceph_health_pgs_stuck", "unclean",                                     \
       PG(GAUGE, stuck[CEPH_STUCK_UNCLEAN]), "PGs",                            \
       "PGs not clean for at least StuckAge"},                                 \
      {"ceph_health_pgs_stuck", "undersized",                                  \
       PG(GAUGE, stuck[CEPH_STUCK_UNDERSIZED]), "PGs",                         \
       "PGs undersized for at least StuckAge"},                                \
      {"ceph_health_pgs_stuck", "degraded",                                    \
       PG(GAUGE, stuck[CEPH_STUCK_DEGRADED]), "PGs",                           \
       "PGs degraded for at least StuckAge"},                                  \
      {"ceph_health_pgs_stuck", "stale", PG(GAUGE, stuck[CEPH_STUCK_STALE]),   \
       "PGs", "PGs stale for at least StuckAge"},                              \
      {"ceph_health_pgs_stuck", "any", PG(GAUGE, stuck_any), "PGs",            \
       "PGs stuck in at least one of the kinds above"},                        \
      {"duration", "stuck_oldest", PG(GAUGE, stuck_oldest_s), "s",             \
       "how long the longest-stuck PG has been stuck (0: none)"},              \
      {"ceph_health_margin", "redundancy", PG(GAUGE, margin), "OSD losses",    \
       "smallest acting set - min_size: further OSD losses before a PG "       \
       "stops I/O (0: the next one; < 0: already)"},

/* Per pool: plugin instance "<Cluster>-pool-<name>". */
const cdu_metric_t ch_pool_metrics[] = {PGS_COMMON_ROWS};

/* Per pool space: plugin instance "<Cluster>-pool-<name>" (df detail). */
#define PS(kind, f) CDU_FIELD(kind, ch_pool_space_snap_t, f)
const cdu_metric_t ch_pool_space_metrics[] = {
    {"bytes", "stored", PS(GAUGE, stored), "bytes",
     "data stored in the pool, before replication"},
    {"bytes", "used", PS(GAUGE, used), "bytes",
     "raw space used by the pool (all copies)"},
    {"percent", "used", PS(GAUGE, percent_used), "%",
     "Ceph's percent_used of the pool (x 100)"},
    {"bytes", "max_avail", PS(GAUGE, max_avail), "bytes",
     "what can still be stored before the first OSD of its rule is full"},
    {"objects", "total", PS(GAUGE, objects), "objects", "objects in the pool"},
    {"bytes", "quota", PS(GAUGE, quota_bytes), "bytes",
     "max_bytes quota; NaN = none"},
    {"objects", "quota", PS(GAUGE, quota_objects), "objects",
     "max_objects quota; NaN = none"},
    {"ceph_health_quota_headroom", "bytes", PS(GAUGE, quota_head_bytes),
     "bytes", "quota - stored; <= 0: writes stop (POOL_FULL); NaN = none"},
    {"ceph_health_quota_headroom", "objects", PS(GAUGE, quota_head_objects),
     "objects", "quota - objects; <= 0: writes stop; NaN = none"},
};

/* Per pool rates: plugin instance "<Cluster>-pool-<name>" (osd pool
 * stats: the mgr's rates over its last stats period; 0 = idle). */
#define PI(kind, f) CDU_FIELD(kind, ch_pool_io_snap_t, f)
const cdu_metric_t ch_pool_io_metrics[] = {
    {"ceph_health_rate", "client_read_bytes", PI(GAUGE, rd_bytes), "bytes/s",
     "client reads from the pool"},
    {"ceph_health_rate", "client_write_bytes", PI(GAUGE, wr_bytes), "bytes/s",
     "client writes to the pool"},
    {"ceph_health_rate", "client_read_ops", PI(GAUGE, rd_ops), "ops/s",
     "client read operations on the pool"},
    {"ceph_health_rate", "client_write_ops", PI(GAUGE, wr_ops), "ops/s",
     "client write operations on the pool"},
    {"ceph_health_rate", "recovering_objects", PI(GAUGE, rec_objects),
     "objects/s", "recovery rate of the pool"},
    {"ceph_health_rate", "recovering_bytes", PI(GAUGE, rec_bytes), "bytes/s",
     "recovery rate of the pool"},
    {"ceph_health_rate", "recovering_keys", PI(GAUGE, rec_keys), "keys/s",
     "recovery rate of the pool (omap keys)"},
};

/* Per OSD: plugin instance "<Cluster>-osd.<id>" (from `osd df`). */
#define OS(kind, f) CDU_FIELD(kind, ch_osd_snap_t, f)
const cdu_metric_t ch_osd_metrics[] = {
    {"bool", "up", OS(GAUGE, up), "0/1", "1 = the OSD is up"},
    {"percent", "utilization", OS(GAUGE, utilization), "%",
     "space used on the OSD (osd df utilization)"},
    {"ceph_health_headroom", "nearfull", OS(GAUGE, headroom_nearfull),
     "percentage points", "nearfull_ratio*100 - utilisation; < 0: over it"},
    {"ceph_health_headroom", "backfillfull", OS(GAUGE, headroom_backfillfull),
     "percentage points",
     "backfillfull_ratio*100 - utilisation; <= 0: no backfill into it"},
    {"ceph_health_headroom", "full", OS(GAUGE, headroom_full),
     "percentage points", "full_ratio*100 - utilisation; <= 0: writes stop"},
    {"bool", "in", OS(GAUGE, in), "0/1",
     "1 = the OSD is in (reweight > 0: it holds data)"},
    {"ceph_health_weight", "crush", OS(GAUGE, crush_weight), "TiB",
     "CRUSH weight (by convention the size in TiB)"},
    {"ceph_health_ratio", "reweight", OS(GAUGE, reweight), "0..1",
     "override weight (osd reweight); 0 = out"},
    {"ceph_health_pgs", "mapped", OS(GAUGE, pgs), "PGs",
     "PGs with a copy on this OSD (osd df pgs)"},
    {"bytes", "used", OS(GAUGE, bytes_used), "bytes", "raw space used"},
    {"bytes", "avail", OS(GAUGE, bytes_avail), "bytes", "raw space available"},
    {"bytes", "total", OS(GAUGE, bytes_total), "bytes", "raw capacity"},
    {"duration", "until_backfillfull", OS(GAUGE, until_backfillfull), "s",
     "time until backfillfull at the fill rate of the last FillWindow; "
     "NaN when not filling"},
    {"duration", "until_full", OS(GAUGE, until_full), "s",
     "time until full_ratio at that rate; NaN when not filling"},
    {"latency", "commit", OS(GAUGE, commit_latency), "s",
     "commit latency (osd perf commit_latency, the OSD's recent average)"},
    {"latency", "apply", OS(GAUGE, apply_latency), "s",
     "apply latency (osd perf apply_latency)"},
};

/* Per OSD: its failure domain, as CRUSH says; the type instance is
 * "<domain type>.<bucket name>" (e.g. host.h0), the value 1. */
const cdu_metric_t ch_domain_metrics[] = {
    {"ceph_health_domain", "TYPE.NAME", CDU_NO_FIELD(GAUGE), "1",
     "the OSD's failure domain of the rules on its root"},
};

/* Per mon: plugin instance "<Cluster>-mon.<name>" (time-sync-status). */
#define MO(kind, f) CDU_FIELD(kind, ch_mon_snap_t, f)
const cdu_metric_t ch_mon_metrics[] = {
    {"time_offset", "skew", MO(GAUGE, skew), "s",
     "the mon's clock minus the leader's, as Ceph's time check measures it "
     "(+ = ahead)"},
    {"duration", "latency", MO(GAUGE, latency), "s",
     "round trip of the leader's time check to the mon"},
    {"ceph_health_status", "timecheck", MO(GAUGE, health), "0/1/2",
     "the time check's verdict (1/2: MON_CLOCK_SKEW)"},
};

/* Per CRUSH root: plugin instance "<Cluster>-root-<name>". */
#define RT(kind, f) CDU_FIELD(kind, ch_root_snap_t, f)
const cdu_metric_t ch_root_metrics[] = {
    {"ceph_health_osds", "total", RT(GAUGE, osds), "OSDs",
     "OSDs under the root"},
    {"ceph_health_domains", "total", RT(GAUGE, domains), "domains",
     "failure domains holding OSDs"},
    {"percent", "after_domain_loss", RT(GAUGE, after_loss), "%",
     "highest projected OSD utilisation after losing the most damaging "
     "single failure domain"},
    {"ceph_health_headroom", "after_loss_backfillfull",
     RT(GAUGE, head_backfillfull), "percentage points",
     "backfillfull_ratio*100 - after_domain_loss; < 0: recovery would "
     "cross backfillfull"},
    {"ceph_health_headroom", "after_loss_full", RT(GAUGE, head_full),
     "percentage points",
     "full_ratio*100 - after_domain_loss; < 0: recovery would fill an OSD"},
};

/* The cluster: plugin instance "<Cluster>". */
#define CL(kind, f) CDU_FIELD(kind, ch_cluster_snap_t, f)
#define FLAG_ROW(i, name)                                                      \
  {                                                                            \
    "bool", "flag_" name, CL(GAUGE, flag[i]), "0/1",                           \
        "OSD map flag " name " is set"                                         \
  }
#define G(type, ti, field, unit, help)                                         \
  { type, ti, CL(GAUGE, field), unit, help }

const cdu_metric_t ch_cluster_metrics[] = {
    G("ceph_health_status", "", health, "0/1/2",
      "0 HEALTH_OK, 1 HEALTH_WARN, 2 HEALTH_ERR (ceph-mgr's polarity)"),
    G("ceph_health_osds", "total", osds_total, "OSDs", "OSDs in the map"),
    G("ceph_health_osds", "up", osds_up, "OSDs", "OSDs up"),
    G("ceph_health_osds", "in", osds_in, "OSDs", "OSDs in"),
    G("ceph_health_mons", "total", mons_total, "mons", "mons in the monmap"),
    G("ceph_health_mons", "quorum", mons_quorum, "mons", "mons in quorum"),
    G("bool", "mgr_available", mgr_available, "0/1",
      "1 = an active mgr (else PG values are the mon's last digest)"),
    G("objects", "total", objects, "objects", "objects (pgmap)"),
    G("objects", "degraded", degraded, "object copies",
      "object copies missing a replica"),
    G("objects", "misplaced", misplaced, "object copies",
      "object copies on the wrong OSD"),
    G("objects", "unfound", unfound, "objects",
      "objects with no known copy (data loss risk)"),
    G("ceph_health_ratio", "degraded", degraded_ratio, "0..1",
      "degraded / total copies"),
    G("ceph_health_ratio", "misplaced", misplaced_ratio, "0..1",
      "misplaced / total copies"),
    G("ceph_health_ratio", "unfound", unfound_ratio, "0..1",
      "unfound / objects"),
    G("ceph_health_ratio", "inactive_pgs", inactive_ratio, "0..1",
      "inactive PGs / PGs"),
    G("ceph_health_rate", "recovering_objects", rec_objects, "objects/s",
      "recovery rate"),
    G("ceph_health_rate", "recovering_bytes", rec_bytes, "bytes/s",
      "recovery rate"),
    G("ceph_health_rate", "recovering_keys", rec_keys, "keys/s",
      "recovery rate (omap keys)"),
    G("ceph_health_rate", "recovering_objects_smoothed", rec_rate_smoothed,
      "objects/s", "recovery rate, EWMA over RecoveryWindow"),
    G("duration", "recovery_eta", recovery_eta, "s",
      "(degraded + misplaced) / smoothed recovery rate; NaN when idle"),
    G("bytes", "used", bytes_used, "bytes", "raw space used"),
    G("bytes", "avail", bytes_avail, "bytes", "raw space available"),
    G("bytes", "total", bytes_total, "bytes", "raw capacity"),
    G("bytes", "data", bytes_data, "bytes", "data stored (before replication)"),
    G("ceph_health_ratio", "nearfull", nearfull_ratio, "0..1",
      "the cluster's nearfull_ratio"),
    G("ceph_health_ratio", "backfillfull", backfillfull_ratio, "0..1",
      "the cluster's backfillfull_ratio"),
    G("ceph_health_ratio", "full", full_ratio, "0..1",
      "the cluster's full_ratio"),
    G("percent", "max_osd_utilization", max_util, "%",
      "utilisation of the fullest OSD"),
    G("ceph_health_headroom", "nearfull", min_head_nearfull,
      "percentage points", "smallest per-OSD headroom to nearfull"),
    G("ceph_health_headroom", "backfillfull", min_head_backfillfull,
      "percentage points", "smallest per-OSD headroom to backfillfull"),
    G("ceph_health_headroom", "full", min_head_full, "percentage points",
      "smallest per-OSD headroom to full"),
    G("ceph_health_osds", "over_nearfull", over_nearfull, "OSDs",
      "OSDs with utilisation above nearfull_ratio"),
    G("ceph_health_osds", "over_backfillfull", over_backfillfull, "OSDs",
      "OSDs above backfillfull_ratio"),
    G("ceph_health_osds", "over_full", over_full, "OSDs",
      "OSDs above full_ratio"),
    FLAG_ROW(CEPH_FLAG_NOUP, "noup"),
    FLAG_ROW(CEPH_FLAG_NODOWN, "nodown"),
    FLAG_ROW(CEPH_FLAG_NOOUT, "noout"),
    FLAG_ROW(CEPH_FLAG_NOIN, "noin"),
    FLAG_ROW(CEPH_FLAG_NOBACKFILL, "nobackfill"),
    FLAG_ROW(CEPH_FLAG_NOREBALANCE, "norebalance"),
    FLAG_ROW(CEPH_FLAG_NORECOVER, "norecover"),
    FLAG_ROW(CEPH_FLAG_NOSCRUB, "noscrub"),
    FLAG_ROW(CEPH_FLAG_NODEEP_SCRUB, "nodeep-scrub"),
    FLAG_ROW(CEPH_FLAG_PAUSERD, "pauserd"),
    FLAG_ROW(CEPH_FLAG_PAUSEWR, "pausewr"),
};

/* Health checks: one value of each type per check code (the type
 * instance is the code); zero-filled for the codes below and for every
 * code seen since start, so an alert fires on absence -> presence. */
const cdu_metric_t ch_check_metrics[] = {
    {"ceph_health_check", "CODE", CDU_NO_FIELD(GAUGE), "0/1",
     "1 = the check is active (muted or not)"},
    {"ceph_health_check_severity", "CODE", CDU_NO_FIELD(GAUGE), "0/1/2",
     "0 absent, 1 HEALTH_WARN, 2 HEALTH_ERR"},
    {"ceph_health_check_muted", "CODE", CDU_NO_FIELD(GAUGE), "0/1",
     "1 = active and muted (`ceph health mute`)"},
};

const char *const ch_known_checks[] = {
    "OSD_DOWN",          "OSD_HOST_DOWN",         "OSD_ROOT_DOWN",
    "OSD_ORPHAN",        "OSD_OUT_OF_ORDER_FULL", "OSD_FULL",
    "OSD_BACKFILLFULL",  "OSD_NEARFULL",          "OSDMAP_FLAGS",
    "OSD_FLAGS",         "OSD_SCRUB_ERRORS",      "OSD_TOO_MANY_REPAIRS",
    "OSD_SLOW_PING_TIME_BACK", "OSD_SLOW_PING_TIME_FRONT", "POOL_FULL",
    "POOL_BACKFILLFULL", "POOL_NEARFULL",         "PG_AVAILABILITY",
    "PG_DEGRADED",       "PG_RECOVERY_FULL",      "PG_BACKFILL_FULL",
    "PG_DAMAGED",        "PG_NOT_SCRUBBED",       "PG_NOT_DEEP_SCRUBBED",
    "PG_SLOW_SNAP_TRIMMING", "OBJECT_UNFOUND",    "OBJECT_MISPLACED",
    "SLOW_OPS",          "LARGE_OMAP_OBJECTS",    "TOO_FEW_OSDS",
    "MON_DOWN",          "MON_CLOCK_SKEW",        "MON_DISK_LOW",
    "MON_DISK_CRIT",     "MGR_DOWN",              "MGR_MODULE_ERROR",
    "RECENT_CRASH",
};

const size_t ch_pool_metrics_n = CDU_TABLE_SIZE(ch_pool_metrics);
const size_t ch_pool_io_metrics_n = CDU_TABLE_SIZE(ch_pool_io_metrics);
const size_t ch_osd_metrics_n = CDU_TABLE_SIZE(ch_osd_metrics);
const size_t ch_cluster_metrics_n = CDU_TABLE_SIZE(ch_cluster_metrics);
const size_t ch_pool_space_metrics_n = CDU_TABLE_SIZE(ch_pool_space_metrics);
const size_t ch_root_metrics_n = CDU_TABLE_SIZE(ch_root_metrics);
const size_t ch_mon_metrics_n = CDU_TABLE_SIZE(ch_mon_metrics);
const size_t ch_domain_metrics_n = CDU_TABLE_SIZE(ch_domain_metrics);
const size_t ch_check_metrics_n = CDU_TABLE_SIZE(ch_check_metrics);
const size_t ch_known_checks_n = CDU_TABLE_SIZE(ch_known_checks);
