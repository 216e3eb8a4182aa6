/* SPDX-License-Identifier: MIT
 * ceph_health_int - what the ceph_health plugin's files share
 * (declarations only): the instance of a <Cluster> block, the result of one
 * poll and the snapshots the metric tables point into.
 *   ceph_health.c           acquire (mon commands) and the read callback
 *   ceph_health_rados.c     librados: connection, mon commands, local test
 *   ceph_health_config.c    the <Plugin ceph_health> block
 *   ceph_health_metrics.c   the metric tables
 *   ceph_health_dispatch.c  poll -> snapshots -> values and notifications
 */
#ifndef CEPH_HEALTH_INT_H
#define CEPH_HEALTH_INT_H

#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"
#include "utils_complain.h"

#include "common/ceph_crush.h"
#include "common/ceph_df.h"
#include "common/ceph_forecast.h"
#include "common/ceph_osd.h"
#include "common/ceph_pgs.h"
#include "common/ceph_pgstate.h"
#include "common/ceph_quorum.h"
#include "common/ceph_rates.h"
#include "common/ceph_status.h"
#include "common/ceph_timesync.h"
#include "plugins/cdutil.h"

#include <rados/librados.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- ceph_health_rados.c: librados, read-only ---------------------- */
typedef struct {
  /* configuration */
  char *config_file; /* NULL: none read (then MonHost is required) */
  char *client;      /* "client.collectd" */
  char *keyring;     /* NULL: from the config file / librados default */
  char *mon_host;    /* NULL: from the config file */
  double timeout;    /* s: connect, and each mon command */
  /* state */
  rados_t cluster;
  bool connected;
} chr_conn_t;

/* Create the handle, apply the configuration and the timeouts
 * (client_mount_timeout, rados_mon_op_timeout, rados_osd_op_timeout =
 * timeout) and connect.  0 or -errno; err gets the step that failed. */
int chr_connect(chr_conn_t *c, char *err, size_t errlen);

void chr_disconnect(chr_conn_t *c);

/* Send one mon command (JSON); on success *out (malloc'd, NUL-terminated,
 * free() it) holds the reply.  Returns 0 or the negative errno from
 * librados (-ETIMEDOUT after `timeout` s, -EACCES for missing caps); the
 * mon's status string goes to status. */
int chr_command(chr_conn_t *c, const char *cmd, char **out, size_t *outlen,
                char *status, size_t statuslen);

/* 1 if the numeric address `host` is assigned to an interface of this
 * host (getifaddrs), 0 if not, -1 if it is not an address. */
int chr_is_local_address(const char *host);

/* ---- instance and poll --------------------------------------------- */
#define PLUGIN "ceph_health"
#define CH_MAX_TRACKED 128 /* check codes zero-filled: known + seen */

typedef struct {
  char code[CEPH_CHECK_CODE_MAX];
  cdu_state_t notified; /* raised (1) / cleared (0) */
} ch_tracked_t;

/* A CRUSH root's last reported loss projection (notifications on change). */
#define CH_MAX_ROOTS 16
typedef struct {
  char root[CEPH_CRUSH_NAME_MAX];
  char worst_domain[CEPH_CRUSH_NAME_MAX]; /* "" = none */
  int crossing; /* 1 = losing it would cross backfillfull */
} ch_root_state_t;

/* An OSD's used bytes over the last FillWindow (time to backfillfull/full). */
typedef struct {
  int64_t id;
  ceph_fill_t used; /* (monotonic s, bytes) */
} ch_osd_fill_t;

/* The replies of the expensive mgr commands (pg dump pgs_brief, pg
 * dump_stuck, osd pool stats, osd perf) of the last mgr poll, re-dispatched
 * between polls (MgrInterval).  Owned here; a poll lends them. */
typedef struct {
  double t; /* monotonic s of the poll; NaN: none (poll at the next read) */
  bool have_pgs, have_stuck, have_rates, have_perf;
  ceph_pools_t pools;      /* pgs_brief + dump_stuck */
  ceph_pool_rates_t rates; /* osd pool stats */
  ceph_osd_perf_t perf;    /* osd perf */
} ch_mgr_cache_t;

typedef struct {
  char name[DATA_MAX_NAME_LEN];
  chr_conn_t conn;
  cdtime_t interval;
  double stuck_age; /* s */
  double recovery_window; /* s: time constant of the recovery rate EWMA */
  double fill_window;     /* s: fill-rate regression window */
  double mgr_interval;    /* s: poll of the expensive mgr commands; 0 = each read */
  bool leader_only, report_pools, report_osds;
  char *local_mon; /* LeaderOnly: our mon's name; NULL = by address */
  /* state between reads */
  cdu_state_t health_state;
  ch_tracked_t checks[CH_MAX_TRACKED];
  size_t n_checks;
  int64_t *osd_ids; /* OSDs last seen in osd df (NaN when it fails) */
  size_t n_osd_ids;
  bool warned_unknown_state;
  bool pg_not_ready; /* the last poll's mgr said pg_ready false */
  cdu_state_t leader_state;
  ch_root_state_t roots[CH_MAX_ROOTS];
  size_t n_roots;
  ceph_ewma_t rec_rate; /* objects/s, smoothed; reset when idle */
  ch_osd_fill_t *fills;
  size_t n_fills;
  ch_mgr_cache_t mgr;
  c_complain_t conn_complaint, mgr_complaint;
} ch_instance_t;

/* What one poll got: each reply parsed or absent. */
typedef struct {
  bool have_status, have_dump, have_df, have_pgs, have_stuck;
  bool have_crush, have_rules, have_space, have_timesync;
  bool have_rates, have_perf;
  ceph_status_t status;
  ceph_osd_dump_t dump;
  ceph_osd_df_t df;
  ceph_pools_t pools;
  ceph_crush_tree_t crush;
  ceph_crush_rules_t rules;
  ceph_df_t space; /* df detail */
  ceph_timesync_t timesync;
  ceph_pool_rates_t rates; /* osd pool stats */
  ceph_osd_perf_t perf;    /* osd perf */
} ch_poll_t;

/* ---- ceph_health.c -------------------------------------------------- */
int ch_read(user_data_t *ud);
void ch_instance_free(void *arg);

/* ---- ceph_health_config.c ------------------------------------------- */
/* The complex config callback: one read callback per <Cluster>. */
int ch_config(oconfig_item_t *ci);

/* ---- ceph_health_metrics.c: snapshots and metric tables ------------ */
/* Snapshots hold doubles: NaN = unknown (not dispatched as fresh).
 * PG state components, in the order of common/ceph_pgstate.h. */
#define CH_PG_STATES(X)                                                        \
  X(active) X(clean) X(down) X(recovery_unfound) X(backfill_unfound)           \
  X(scrubbing) X(degraded) X(inconsistent) X(peering) X(repair)                \
  X(recovering) X(forced_recovery) X(backfill_wait) X(incomplete) X(stale)     \
  X(remapped) X(deep) X(backfilling) X(forced_backfill) X(backfill_toofull)    \
  X(recovery_wait) X(recovery_toofull) X(undersized) X(activating) X(peered)   \
  X(snaptrim) X(snaptrim_wait) X(snaptrim_error) X(creating) X(unknown)        \
  X(premerge) X(failed_repair) X(laggy) X(wait)

/* PG counts, for the cluster (from `status`) and for each pool (from
 * `pg dump pgs_brief`), plus stuck PGs (from `pg dump_stuck`).  Per pool:
 * plugin instance "<Cluster>-pool-<name>". */
typedef struct {
  double total, state[CEPH_PG_NSTATES], inactive, unclean, unrecognised;
  double stuck[CEPH_NSTUCK], stuck_any, stuck_oldest_s;
  double margin; /* OSD losses: min acting set - min_size (pgs_brief) */
} ch_pgs_snap_t;

/* Per pool space (from `df detail`): plugin instance "<Cluster>-pool-<name>". */
typedef struct {
  double stored, used, percent_used, max_avail, objects;
  double quota_bytes, quota_objects, quota_head_bytes, quota_head_objects;
} ch_pool_space_snap_t;

/* Per pool client and recovery rates (from `osd pool stats`; 0 when the
 * pool is idle): plugin instance "<Cluster>-pool-<name>". */
typedef struct {
  double rd_bytes, wr_bytes, rd_ops, wr_ops; /* bytes/s, ops/s */
  double rec_objects, rec_bytes, rec_keys;   /* objects/s, bytes/s, keys/s */
} ch_pool_io_snap_t;

/* Index constants matching the X-list (the enum in ceph_pgstate.h is
 * upper-case; these keep the macro simple and are checked in the test). */
enum {
#define CH_IDX(name) CEPH_PG_##name##_IDX,
  CH_PG_STATES(CH_IDX)
#undef CH_IDX
  CH_PG_NSTATES
};

/* Per OSD: plugin instance "<Cluster>-osd.<id>" (from `osd df`). */
typedef struct {
  double up, utilization, headroom_nearfull, headroom_backfillfull,
      headroom_full;
  double in, crush_weight, reweight, pgs, bytes_used, bytes_avail,
      bytes_total;
  double until_backfillfull, until_full; /* s at the fitted fill rate */
  double commit_latency, apply_latency;  /* s (osd perf) */
} ch_osd_snap_t;

/* Per CRUSH root taken by a pool's rule: plugin instance
 * "<Cluster>-root-<name>" (osd crush tree + rule dump, osd df, osd dump). */
typedef struct {
  double osds, domains, after_loss, head_backfillfull, head_full;
} ch_root_snap_t;

/* Per mon, from time-sync-status as the leader measured it: plugin
 * instance "<Cluster>-mon.<name>". */
typedef struct {
  double skew, latency, health; /* s (+ = ahead of the leader), s, 0/1/2 */
} ch_mon_snap_t;

/* The cluster: plugin instance "<Cluster>". */
typedef struct {
  double health;
  double osds_total, osds_up, osds_in, mons_total, mons_quorum, mgr_available;
  ch_pgs_snap_t pgs;
  double objects, degraded, misplaced, unfound;
  double degraded_ratio, misplaced_ratio, unfound_ratio, inactive_ratio;
  double rec_objects, rec_bytes, rec_keys;
  double rec_rate_smoothed, recovery_eta; /* objects/s, s */
  double bytes_used, bytes_avail, bytes_total, bytes_data;
  double nearfull_ratio, backfillfull_ratio, full_ratio;
  double flag[CEPH_NFLAGS];
  ceph_fullness_t fullness; /* osd df against the ratios of osd dump */
} ch_cluster_snap_t;

/* The tables, rows of cdu_metric_t into the snapshots above; _n = rows. */
extern const cdu_metric_t ch_pool_metrics[]; /* ch_pgs_snap_t */
extern const size_t ch_pool_metrics_n;
extern const cdu_metric_t ch_osd_metrics[]; /* ch_osd_snap_t */
extern const size_t ch_osd_metrics_n;
extern const cdu_metric_t ch_cluster_metrics[]; /* ch_cluster_snap_t */
extern const size_t ch_cluster_metrics_n;
extern const cdu_metric_t ch_pool_space_metrics[]; /* ch_pool_space_snap_t */
extern const size_t ch_pool_space_metrics_n;
extern const cdu_metric_t ch_pool_io_metrics[]; /* ch_pool_io_snap_t */
extern const size_t ch_pool_io_metrics_n;
extern const cdu_metric_t ch_mon_metrics[]; /* ch_mon_snap_t */
extern const size_t ch_mon_metrics_n;
extern const cdu_metric_t ch_root_metrics[]; /* ch_root_snap_t */
extern const size_t ch_root_metrics_n;
extern const cdu_metric_t ch_domain_metrics[]; /* per OSD, one per domain */
extern const size_t ch_domain_metrics_n;
extern const cdu_metric_t ch_check_metrics[]; /* one value per check code */
extern const size_t ch_check_metrics_n;
extern const char *const ch_known_checks[]; /* codes always zero-filled */
extern const size_t ch_known_checks_n;

/* PG rows for the cluster: same rows as per pool, offset into the
 * cluster snapshot (dispatched with cdu_dispatch_table on &snap.pgs). */
#define ch_cluster_pg_metrics ch_pool_metrics
#define ch_cluster_pg_metrics_n ch_pool_metrics_n

/* ---- ceph_health_dispatch.c ----------------------------------------- */
/* One poll's replies, taken at `now` (monotonic s), -> values and
 * notifications. */
void ch_dispatch(ch_instance_t *in, const ch_poll_t *p, double now);
/* Every cluster value and check NaN (a failed read). */
void ch_dispatch_nan(ch_instance_t *in);

#endif
