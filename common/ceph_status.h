/* SPDX-License-Identifier: MIT
 * ceph_status - the reply of the mon command {"prefix":"status"} (what
 * `ceph status -f json` prints): overall health and its checks, OSD and mon
 * counts, whether a mgr is available, and the pgmap digest (PG states,
 * degraded/misplaced/unfound objects, recovery rates).  Served by the mon
 * alone, so it still answers while the mgr is down (the pgmap is then the
 * last digest the mgr sent).
 *
 * Pure: buffer in, struct out (streamed with ceph_json, nothing kept).
 */
#ifndef CDS_CEPH_STATUS_H
#define CDS_CEPH_STATUS_H

#include "common/ceph_json.h"
#include "common/ceph_pgstate.h"

#define CEPH_MAX_CHECKS 64
#define CEPH_CHECK_CODE_MAX 48

typedef struct {
  char code[CEPH_CHECK_CODE_MAX]; /* "OSD_DOWN" */
  int severity;                   /* 1 HEALTH_WARN, 2 HEALTH_ERR, 0 other */
  int muted;                      /* 1: muted with `ceph health mute` */
  double count;                   /* summary.count (e.g. OSDs down), or NaN */
} ceph_check_t;

/* Health levels in ceph-mgr's polarity (not Telegraf's inverted one). */
enum { CEPH_HEALTH_OK = 0, CEPH_HEALTH_WARN = 1, CEPH_HEALTH_ERR = 2 };

/* "HEALTH_OK" -> 0, "HEALTH_WARN" -> 1, "HEALTH_ERR" -> 2, else -1. */
int ceph_health_level(const char *s, size_t len);

typedef struct {
  int health; /* CEPH_HEALTH_*, -1 if missing */
  size_t n_checks;
  ceph_check_t checks[CEPH_MAX_CHECKS];
  size_t checks_dropped; /* beyond CEPH_MAX_CHECKS */

  /* osdmap */
  double osds_total, osds_up, osds_in, remapped_pgs;
  /* monmap / quorum */
  double mons_total, mons_quorum;
  /* mgrmap: 1 if a mgr is active */
  double mgr_available;

  /* pgmap: PG states from pgs_by_state */
  ceph_pg_counts_t pgs;
  char unknown_state[120]; /* first unknown component seen, "" if none */
  /* pgmap scalars (the optional ones are absent when zero: 0, not NaN) */
  double num_pgs, pools, objects, data_bytes, bytes_used, bytes_avail,
      bytes_total;
  double degraded_objects, degraded_total, degraded_ratio;
  double misplaced_objects, misplaced_total, misplaced_ratio;
  double unfound_objects, unfound_total, unfound_ratio;
  double inactive_pgs_ratio;
  double recovering_objects_per_sec, recovering_bytes_per_sec,
      recovering_keys_per_sec;
  double read_bytes_sec, write_bytes_sec, read_op_per_sec, write_op_per_sec;
} ceph_status_t;

/* Parse; fields not present are NaN (optional pgmap counters 0).  Returns
 * CJ_ERR_MISSING if health.status or pgmap is absent. */
cj_status_t ceph_status_parse(const char *buf, size_t len, ceph_status_t *out,
                              char *err, size_t errlen);

/* The check with this code, or NULL. */
const ceph_check_t *ceph_status_check(const ceph_status_t *st,
                                      const char *code);

#endif
