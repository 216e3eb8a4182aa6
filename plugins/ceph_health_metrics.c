/* SPDX-License-Identifier: MIT
 * ceph_health_metrics - the ceph_health plugin's metric tables, generated
 * from plugins/ceph_health.metrics.tsv: the one place a metric is named
 * (docs/ceph_health.md lists the same rows; the plugin test checks both
 * against types.db).  The snapshot types they point into are in
 * plugins/ceph_health_int.h.
 */
#include "plugins/ceph_health_int.h"

/* The tables (ch_*_metrics), generated from plugins/ceph_health.metrics.tsv:
 * per pool, pool space, pool rates, OSD, failure domain, mon, CRUSH root,
 * the cluster and health checks. */
#include "ceph_health_metrics.h"

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
