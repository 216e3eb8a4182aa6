/* SPDX-License-Identifier: MIT
 * ceph_df - per-pool space from {"prefix":"df","detail":"detail"} (served by
 * the mon from the mgr's digest): stored and raw used bytes, percent used,
 * max available, objects, and the pool quotas with the headroom to each.
 *
 * Pure: buffer in, struct out.  The pool list is heap-allocated: free with
 * ceph_df_free.
 */
#ifndef CDS_CEPH_DF_H
#define CDS_CEPH_DF_H

#include "common/ceph_json.h"

#include <stdint.h>

typedef struct {
  int64_t id;
  double stored;        /* bytes, before replication (Ceph's num_bytes) */
  double bytes_used;    /* bytes, raw (all replicas / chunks) */
  double percent_used;  /* 0..1, as Ceph reports it */
  double max_avail;     /* bytes writable before the first OSD is full */
  double objects;
  double quota_bytes;   /* NaN: no quota (Ceph's 0) */
  double quota_objects; /* NaN: no quota */
} ceph_df_pool_t;

typedef CJ_LIST_OF(ceph_df_pool_t) ceph_df_t;

cj_status_t ceph_df_parse(const char *buf, size_t len, ceph_df_t *out,
                          char *err, size_t errlen);
void ceph_df_free(ceph_df_t *df);
const ceph_df_pool_t *ceph_df_pool(const ceph_df_t *df, int64_t id);

/* Headroom to a quota: quota - used (bytes or objects; Ceph stops writes
 * to the pool once used >= quota, OSDMonitor's pool-full check on the
 * pool's num_bytes / num_objects).  NaN without a quota. */
double ceph_quota_headroom(double quota, double used);

#endif
