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
  {"ceph_health_pgs", "total", PG(GAUGE, total), "PGs", "PGs in the cluster"}, \
      CH_PG_STATES(PG_STATE_ROW){"ceph_health_pgs", "inactive",                \
                                 PG(GAUGE, inactive), "PGs",                   \
                                 "PGs without `active` (no client I/O)"},      \
      {"ceph_health_pgs", "unclean", PG(GAUGE, unclean), "PGs",                \
       "PGs without `clean`"},                                                 \
      {"ceph_health_pgs", "unrecognised_state", PG(GAUGE, unrecognised),       \
       "PGs", "PGs with a component this plugin does not know"},               \
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
       "PGs stuck in at least one kind (the stuck rows are NaN while the mgr " \
       "says `pg_ready` false)"},                                              \
      {"duration", "stuck_oldest", PG(GAUGE, stuck_oldest_s), "s",             \
       "age of the longest stuck kind of any PG (0 = none stuck; a `last_*` "  \
       "stamp of 0, Ceph's \"since forever\", counts from 1970-01-01)"},       \
      {"ceph_health_margin", "redundancy", PG(GAUGE, margin), "OSD losses",    \
       "**redundancy margin**: the smallest, over the PGs, of (OSDs in the "   \
       "PG's acting set - its pool's `min_size`), from `pg dump pgs_brief` "   \
       "(mgr) and `osd dump`: how many more OSD losses the worst PG survives " \
       "before it drops below `min_size` and stops serving I/O. 0 = the next " \
       "loss of one of its OSDs makes a PG inactive; negative = PGs already "  \
       "below `min_size` (`peered`); an erasure-code hole (`2147483647`) is "  \
       "no OSD. Cluster: the smallest over the pools; per pool: that pool's. " \
       "NaN while the mgr does not answer or says `pg_ready` false (a "        \
       "restarted mgr), and for a pool with no PG listed. Not the CRUSH "      \
       "view: it counts any OSD loss, not only losses within one failure "     \
       "domain"},

/* Per pool: plugin instance "<Cluster>-pool-<name>". */
const cdu_metric_t ch_pool_metrics[] = {PGS_COMMON_ROWS};

/* Per pool space: plugin instance "<Cluster>-pool-<name>" (df detail). */
#define PS(kind, f) CDU_FIELD(kind, ch_pool_space_snap_t, f)
const cdu_metric_t ch_pool_space_metrics[] = {
    {"bytes", "stored", PS(GAUGE, stored), "bytes",
     "data stored, before replication (what the quota counts)"},
    {"bytes", "used", PS(GAUGE, used), "bytes",
     "raw space used by the pool, all copies (on memstore OSDs, which keep no "
     "per-pool statistics, Ceph reports `stored` here)"},
    {"percent", "used", PS(GAUGE, percent_used), "%",
     "Ceph's `percent_used` x 100 (used / (used + max_avail))"},
    {"bytes", "max_avail", PS(GAUGE, max_avail), "bytes",
     "what can still be stored before the first OSD of the pool's rule is "
     "full"},
    {"objects", "total", PS(GAUGE, objects), "objects", "objects in the pgmap"},
    {"bytes", "quota", PS(GAUGE, quota_bytes), "bytes",
     "max_bytes quota; NaN = none"},
    {"objects", "quota", PS(GAUGE, quota_objects), "objects",
     "max_objects quota; NaN = none"},
    {"ceph_health_quota_headroom", "bytes", PS(GAUGE, quota_head_bytes),
     "bytes",
     "`max_bytes - stored`; <= 0: Ceph marks the pool full and writes stop "
     "(POOL_FULL); NaN = no quota"},
    {"ceph_health_quota_headroom", "objects", PS(GAUGE, quota_head_objects),
     "objects", "`max_objects - objects`; <= 0: writes stop; NaN = no quota"},
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
     "objects/s",
     "recovery of the pool (`recovery_rate` `recovering_objects_per_sec`)"},
    {"ceph_health_rate", "recovering_bytes", PI(GAUGE, rec_bytes), "bytes/s",
     "recovery of the pool (`recovering_bytes_per_sec`)"},
    {"ceph_health_rate", "recovering_keys", PI(GAUGE, rec_keys), "keys/s",
     "omap keys recovered (`recovering_keys_per_sec`)"},
};

/* Per OSD: plugin instance "<Cluster>-osd.<id>" (from `osd df`). */
#define OS(kind, f) CDU_FIELD(kind, ch_osd_snap_t, f)
const cdu_metric_t ch_osd_metrics[] = {
    {"bool", "up", OS(GAUGE, up), "0/1", "1 = the OSD is up"},
    {"percent", "utilization", OS(GAUGE, utilization), "%",
     "space used (NaN for an OSD that never reported a size)"},
    {"ceph_health_headroom", "nearfull", OS(GAUGE, headroom_nearfull),
     "percentage points",
     "`nearfull_ratio * 100 - utilization`; negative = over nearfull"},
    {"ceph_health_headroom", "backfillfull", OS(GAUGE, headroom_backfillfull),
     "percentage points",
     "`backfillfull_ratio * 100 - utilization`; <= 0: no backfill into it"},
    {"ceph_health_headroom", "full", OS(GAUGE, headroom_full),
     "percentage points",
     "`full_ratio * 100 - utilization`; <= 0: the OSD stops writes"},
    {"bool", "in", OS(GAUGE, in), "0/1",
     "1 = the OSD is in (reweight > 0, it holds data); 0 = out"},
    {"ceph_health_weight", "crush", OS(GAUGE, crush_weight), "TiB",
     "CRUSH weight (by convention the device size in TiB)"},
    {"ceph_health_ratio", "reweight", OS(GAUGE, reweight), "0..1",
     "override weight (`ceph osd reweight`); 0 = out"},
    {"ceph_health_pgs", "mapped", OS(GAUGE, pgs), "PGs",
     "PGs with a copy on this OSD (`osd df` `pgs`)"},
    {"bytes", "used", OS(GAUGE, bytes_used), "bytes",
     "raw space used by the pool, all copies (on memstore OSDs, which keep no "
     "per-pool statistics, Ceph reports `stored` here)"},
    {"bytes", "avail", OS(GAUGE, bytes_avail), "bytes", "raw space available"},
    {"bytes", "total", OS(GAUGE, bytes_total), "bytes", "raw capacity"},
    {"duration", "until_backfillfull", OS(GAUGE, until_backfillfull), "s",
     "time until backfillfull at the fill rate of the last FillWindow; "
     "NaN when not filling"},
    {"duration", "until_full", OS(GAUGE, until_full), "s",
     "time until full_ratio at that rate; NaN when not filling"},
    {"latency", "commit", OS(GAUGE, commit_latency), "s",
     "the OSD's commit latency as `osd perf` reports it (`commit_latency_ns`, "
     "else `commit_latency_ms` / 1000): the OSD's recent average of its "
     "store's commit (journal / WAL) time; NaN for an OSD `osd perf` does not "
     "list. Memstore OSDs report 0"},
    {"latency", "apply", OS(GAUGE, apply_latency), "s",
     "apply latency (`apply_latency_ns`, else `_ms`), the same way; on "
     "BlueStore Ceph reports the commit value for both"},
};

/* Per OSD: its failure domain, as CRUSH says; the type instance is
 * "<domain type>.<bucket name>" (e.g. host.h0), the value 1. */
const cdu_metric_t ch_domain_metrics[] = {
    {"ceph_health_domain", "TYPE.NAME", CDU_NO_FIELD(GAUGE), "1",
     "the OSD's failure domain as CRUSH says, for each projected root holding "
     "it: type instance `<domain type>.<bucket name>`, e.g. "
     "`ceph_health_domain-host.h0` (an info value, always 1; when the OSD "
     "moves, the old series stops)"},
};

/* Per mon: plugin instance "<Cluster>-mon.<name>" (time-sync-status). */
#define MO(kind, f) CDU_FIELD(kind, ch_mon_snap_t, f)
const cdu_metric_t ch_mon_metrics[] = {
    {"time_offset", "skew", MO(GAUGE, skew), "s",
     "the mon's clock minus the quorum leader's, **Ceph's sign: positive = the "
     "mon is ahead of the leader**, as Ceph's time check measures it "
     "(Monitor::handle_timecheck_leader in Ceph's src/mon/Monitor.cc): the "
     "difference is shrunk towards 0 by the latency and is 0 while smaller "
     "than it, so it is a bound, not an NTP offset; the leader's own row is 0. "
     "MON_CLOCK_SKEW is raised when |skew| > `mon_clock_drift_allowed` "
     "(default 0.05 s)"},
    {"duration", "latency", MO(GAUGE, latency), "s",
     "round trip of the leader's time check message to that mon"},
    {"ceph_health_status", "timecheck", MO(GAUGE, health), "0/1/2",
     "the time check's verdict for that mon: 0 HEALTH_OK, 1 HEALTH_WARN, 2 "
     "HEALTH_ERR"},
};

/* Per CRUSH root: plugin instance "<Cluster>-root-<name>". */
#define RT(kind, f) CDU_FIELD(kind, ch_root_snap_t, f)
const cdu_metric_t ch_root_metrics[] = {
    {"ceph_health_osds", "total", RT(GAUGE, osds), "OSDs",
     "OSDs under the root"},
    {"ceph_health_domains", "total", RT(GAUGE, domains), "domains",
     "failure domains (buckets of the rules' domain type) that hold OSDs"},
    {"percent", "after_domain_loss", RT(GAUGE, after_loss), "%",
     "**the incident, predicted**: the highest utilisation any surviving OSD "
     "would reach once the data of the most damaging single failure domain has "
     "been re-replicated onto the rest of the root (model below)"},
    {"ceph_health_headroom", "after_loss_backfillfull",
     RT(GAUGE, head_backfillfull), "percentage points",
     "`backfillfull_ratio * 100 - after_domain_loss`; **< 0: losing one domain "
     "now would push an OSD past backfillfull** (recovery stalls, "
     "`backfill_toofull`)"},
    {"ceph_health_headroom", "after_loss_full", RT(GAUGE, head_full),
     "percentage points",
     "`full_ratio * 100 - after_domain_loss`; < 0: recovery would fill an OSD"},
};

/* The cluster: plugin instance "<Cluster>". */
#define CL(kind, f) CDU_FIELD(kind, ch_cluster_snap_t, f)
#define FLAG_ROW(i, name)                                                      \
  CDU_NAMED_ROW("bool", "flag_", name, CL(GAUGE, flag[i]), "0/1",              \
                "OSD map flag ", " is set")
#define G(type, ti, field, unit, help)                                         \
  { type, ti, CL(GAUGE, field), unit, help }

const cdu_metric_t ch_cluster_metrics[] = {
    G("ceph_health_status", "", health, "0/1/2",
      "0 HEALTH_OK, 1 HEALTH_WARN, 2 HEALTH_ERR (ceph-mgr's polarity, not "
      "Telegraf's inverted one)"),
    G("ceph_health_osds", "total", osds_total, "OSDs", "OSDs under the root"),
    G("ceph_health_osds", "up", osds_up, "OSDs", "OSDs up"),
    G("ceph_health_osds", "in", osds_in, "OSDs", "OSDs in"),
    G("ceph_health_mons", "total", mons_total, "mons", "mons in the monmap"),
    G("ceph_health_mons", "quorum", mons_quorum, "mons", "mons in quorum"),
    G("bool", "mgr_available", mgr_available, "0/1",
      "1 = an active mgr; 0 = PG values are the mon's last digest"),
    G("objects", "total", objects, "objects", "objects in the pgmap"),
    G("objects", "degraded", degraded, "object copies",
      "object copies missing a replica"),
    G("objects", "misplaced", misplaced, "object copies",
      "object copies on the wrong OSD"),
    G("objects", "unfound", unfound, "objects",
      "objects with no known copy (data at risk)"),
    G("ceph_health_ratio", "degraded", degraded_ratio, "0..1",
      "degraded / total copies"),
    G("ceph_health_ratio", "misplaced", misplaced_ratio, "0..1",
      "misplaced / total copies"),
    G("ceph_health_ratio", "unfound", unfound_ratio, "0..1",
      "unfound / objects"),
    G("ceph_health_ratio", "inactive_pgs", inactive_ratio, "0..1",
      "inactive PGs / PGs"),
    G("ceph_health_rate", "recovering_objects", rec_objects, "objects/s",
      "recovery of the pool (`recovery_rate` `recovering_objects_per_sec`)"),
    G("ceph_health_rate", "recovering_bytes", rec_bytes, "bytes/s",
      "recovery of the pool (`recovering_bytes_per_sec`)"),
    G("ceph_health_rate", "recovering_keys", rec_keys, "keys/s",
      "omap keys recovered (`recovering_keys_per_sec`)"),
    G("ceph_health_rate", "recovering_objects_smoothed", rec_rate_smoothed,
      "objects/s",
      "`recovering_objects` smoothed by an EWMA with time constant "
      "`RecoveryWindow` on the monotonic clock (a sample dt s after the last "
      "weighs `1 - exp(-dt / RecoveryWindow)`); NaN when idle (the smoothing "
      "starts over at the next recovery)"),
    G("duration", "recovery_eta", recovery_eta, "s",
      "**recovery ETA**: (`objects-degraded` + `objects-misplaced`) / the "
      "smoothed rate. An estimate: Ceph's degraded and misplaced counts are "
      "object copies and its rate counts object pushes, so ETA tracks the "
      "trend, not the second. NaN when nothing remains (idle), when the "
      "smoothed rate is 0 (no progress: `norecover`, `backfill_toofull`; see "
      "the stuck PGs) and while no mgr is available (the status digest is then "
      "frozen)"),
    G("bytes", "used", bytes_used, "bytes",
      "raw space used by the pool, all copies (on memstore OSDs, which keep no "
      "per-pool statistics, Ceph reports `stored` here)"),
    G("bytes", "avail", bytes_avail, "bytes", "raw space available"),
    G("bytes", "total", bytes_total, "bytes", "raw capacity"),
    G("bytes", "data", bytes_data, "bytes", "data stored, before replication"),
    G("ceph_health_ratio", "nearfull", nearfull_ratio, "0..1",
      "the cluster's nearfull_ratio"),
    G("ceph_health_ratio", "backfillfull", backfillfull_ratio, "0..1",
      "the cluster's backfillfull_ratio"),
    G("ceph_health_ratio", "full", full_ratio, "0..1",
      "the cluster's full_ratio"),
    G("percent", "max_osd_utilization", fullness.max_utilization, "%",
      "utilisation of the fullest OSD (`osd df`, mgr)"),
    G("ceph_health_headroom", "nearfull", fullness.min_headroom_nearfull,
      "percentage points",
      "`nearfull_ratio * 100 - utilization`; negative = over nearfull"),
    G("ceph_health_headroom", "backfillfull",
      fullness.min_headroom_backfillfull, "percentage points",
      "`backfillfull_ratio * 100 - utilization`; <= 0: no backfill into it"),
    G("ceph_health_headroom", "full", fullness.min_headroom_full,
      "percentage points",
      "`full_ratio * 100 - utilization`; <= 0: the OSD stops writes"),
    G("ceph_health_osds", "over_nearfull", fullness.osds_over_nearfull, "OSDs",
      "OSDs with utilisation above nearfull_ratio"),
    G("ceph_health_osds", "over_backfillfull", fullness.osds_over_backfillfull,
      "OSDs", "OSDs above backfillfull_ratio"),
    G("ceph_health_osds", "over_full", fullness.osds_over_full, "OSDs",
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
     "one per health check code: 1 = active (muted or not)"},
    {"ceph_health_check_severity", "CODE", CDU_NO_FIELD(GAUGE), "0/1/2",
     "0 absent, 1 HEALTH_WARN, 2 HEALTH_ERR"},
    {"ceph_health_check_muted", "CODE", CDU_NO_FIELD(GAUGE), "0/1",
     "1 = active and muted with `ceph health mute`"},
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
