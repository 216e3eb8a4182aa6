/* SPDX-License-Identifier: MIT
 * ceph_rates - per-pool client and recovery rates from `osd pool stats`
 * and per-OSD latencies from `osd perf` (both served by the mgr).
 *
 * `osd pool stats` (Ceph's PGMap::dump_pool_stats_and_io_rate) is a list of
 * {pool_name, pool_id, recovery{}, recovery_rate{}, client_io_rate{}}; the
 * rate objects hold only the keys whose value is non-zero, and are empty
 * when the pool is idle: an absent key is 0.  The rates are the mgr's
 * deltas over its last stats period.
 * `osd perf` is {osdstats:{osd_perf_infos:[{id, perf_stats:{
 * commit_latency_ms, apply_latency_ms, commit_latency_ns,
 * apply_latency_ns}}]}, pg_ready}; the _ns keys carry the same values
 * unrounded and are preferred when present.
 *
 * Pure: buffer in, struct out.  The lists are heap-allocated: free them with
 * ceph_pool_rates_free / ceph_osd_perf_free.
 */
#ifndef CDS_CEPH_RATES_H
#define CDS_CEPH_RATES_H

#include "common/ceph_json.h"

#include <stdint.h>

typedef struct {
  int64_t id;
  double rd_bytes, wr_bytes; /* bytes/s, client reads / writes */
  double rd_ops, wr_ops;     /* operations/s */
  double rec_objects, rec_bytes, rec_keys; /* objects/s, bytes/s, keys/s */
} ceph_pool_rate_t;

typedef CJ_LIST_OF(ceph_pool_rate_t) ceph_pool_rates_t;

cj_status_t ceph_pool_rates_parse(const char *buf, size_t len,
                                  ceph_pool_rates_t *out, char *err,
                                  size_t errlen);
void ceph_pool_rates_free(ceph_pool_rates_t *r);
/* The rates of pool `id`, or NULL if the reply did not list it. */
const ceph_pool_rate_t *ceph_pool_rate(const ceph_pool_rates_t *r,
                                       int64_t id);

typedef struct {
  int64_t id;
  double commit_s, apply_s; /* s (Ceph's ms / ns converted) */
} ceph_osd_lat_t;

typedef struct {
  ceph_osd_lat_t *v;
  size_t n, cap;
  int pg_ready; /* -1 absent, 0 false (mgr restarting: all zero), 1 true */
} ceph_osd_perf_t;

cj_status_t ceph_osd_perf_parse(const char *buf, size_t len,
                                ceph_osd_perf_t *out, char *err,
                                size_t errlen);
void ceph_osd_perf_free(ceph_osd_perf_t *p);
/* The latencies of osd `id`, or NULL if the reply did not list it. */
const ceph_osd_lat_t *ceph_osd_lat(const ceph_osd_perf_t *p, int64_t id);

#endif
