/* SPDX-License-Identifier: MIT
 * ceph_osd - OSD fullness: the cluster's nearfull / backfillfull / full
 * ratios, pool names and OSD map flags from {"prefix":"osd dump"} (served by
 * the mon), per-OSD utilisation from {"prefix":"osd df"} (served by the
 * mgr), and the headroom between them.
 *
 * Pure: buffers in, structs out.  The OSD list grows with the cluster and is
 * heap-allocated: free with ceph_osd_df_free / ceph_osd_dump_free.
 */
#ifndef CDS_CEPH_OSD_H
#define CDS_CEPH_OSD_H

#include "common/ceph_json.h"

#include <stdint.h>

#define CEPH_POOL_NAME_MAX 128

/* OSD map flags exported as 0/1 (ceph-mgr's ceph_osd_flag_*). */
enum {
  CEPH_FLAG_NOUP,
  CEPH_FLAG_NODOWN,
  CEPH_FLAG_NOOUT,
  CEPH_FLAG_NOIN,
  CEPH_FLAG_NOBACKFILL,
  CEPH_FLAG_NOREBALANCE,
  CEPH_FLAG_NORECOVER,
  CEPH_FLAG_NOSCRUB,
  CEPH_FLAG_NODEEP_SCRUB,
  CEPH_FLAG_PAUSERD,
  CEPH_FLAG_PAUSEWR,
  CEPH_NFLAGS
};
/* "noup", ..., "nodeep-scrub" (Ceph's spelling), NULL if out of range. */
const char *ceph_flag_name(int i);

typedef struct {
  int64_t id;
  char name[CEPH_POOL_NAME_MAX];
  int64_t crush_rule; /* -1 if absent */
  int64_t size, min_size; /* replicas (k+m for EC) / fewest that serve
                             I/O; -1 if absent */
} ceph_pool_name_t;

typedef struct {
  double full_ratio, backfillfull_ratio, nearfull_ratio; /* 0..1, NaN */
  int flag[CEPH_NFLAGS];                                 /* 0/1 */
  ceph_pool_name_t *pools;
  size_t n_pools, cap_pools;
} ceph_osd_dump_t;

cj_status_t ceph_osd_dump_parse(const char *buf, size_t len,
                                ceph_osd_dump_t *out, char *err,
                                size_t errlen);
void ceph_osd_dump_free(ceph_osd_dump_t *d);
/* Pool `id`, or NULL. */
const ceph_pool_name_t *ceph_osd_dump_pool(const ceph_osd_dump_t *d,
                                           int64_t id);
/* Name of pool `id`, or NULL. */
const char *ceph_osd_dump_pool_name(const ceph_osd_dump_t *d, int64_t id);

typedef struct {
  int64_t id;
  double utilization; /* % of kb used, as `ceph osd df` shows it */
  double kb, kb_used, kb_avail;
  double reweight;    /* 0..1; 0 = out */
  double crush_weight; /* TiB by convention */
  double pgs;
  int up; /* status "up" */
} ceph_osd_df_node_t;

typedef struct {
  ceph_osd_df_node_t *v;
  size_t n, cap;
  double average_utilization; /* summary, % */
} ceph_osd_df_t;

cj_status_t ceph_osd_df_parse(const char *buf, size_t len, ceph_osd_df_t *out,
                              char *err, size_t errlen);
void ceph_osd_df_free(ceph_osd_df_t *df);

/* Headroom in percentage points: ratio * 100 - utilisation.  Positive = how
 * much the OSD can still fill before it crosses the ratio; negative = over
 * it.  NaN if either is unknown. */
double ceph_headroom(double ratio, double utilization_pct);

typedef struct {
  double max_utilization;   /* % over OSDs with a size (kb > 0) */
  double min_headroom_nearfull, min_headroom_backfillfull, min_headroom_full;
  double osds_over_nearfull, osds_over_backfillfull, osds_over_full;
} ceph_fullness_t;

/* Cluster-wide summary of df against the ratios of dump (NaN if no OSD has a
 * size).  An OSD counts as over a ratio when utilisation > ratio * 100,
 * which is the OSD's own test (OSDService::check_full_status). */
void ceph_fullness(const ceph_osd_df_t *df, const ceph_osd_dump_t *dump,
                   ceph_fullness_t *out);

#endif
