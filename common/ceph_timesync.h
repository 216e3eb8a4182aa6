/* SPDX-License-Identifier: MIT
 * ceph_timesync - {"prefix":"time-sync-status"} (mon): the clock skew and
 * latency of each mon as the quorum leader measured them in its last time
 * check round (Ceph's Monitor::handle_timecheck_leader, src/mon/Monitor.cc):
 *   skew    s, the mon's clock minus the leader's, shrunk towards 0 by the
 *           latency (0 while |difference| < latency); positive = the mon
 *           is ahead of the leader; the leader's own entry is 0;
 *   latency s, the round trip of the time check message;
 *   health  HEALTH_OK, or HEALTH_WARN/ERR when |skew| > mon_clock_drift_allowed
 *           (MON_CLOCK_SKEW).
 * Only the leader has the table, and only with two or more mons: any other
 * reply holds only "timechecks" (epoch, round).
 *
 * Pure: buffer in, struct out.
 */
#ifndef CDS_CEPH_TIMESYNC_H
#define CDS_CEPH_TIMESYNC_H

#include "common/ceph_json.h"

#include <stdint.h>

#define CEPH_TIMESYNC_MAX 32 /* mons kept; a monmap rarely holds over 7 */

typedef struct {
  char name[CJ_KEY_MAX];
  double skew, latency; /* s; NaN if absent */
  int health;           /* 0 OK, 1 WARN, 2 ERR, -1 unknown */
} ceph_mon_skew_t;

typedef struct {
  ceph_mon_skew_t mons[CEPH_TIMESYNC_MAX];
  size_t n;
  int have_table;      /* 1: the reply had time_skew_status (the leader) */
  int64_t epoch, round; /* of timechecks; -1 if absent */
} ceph_timesync_t;

/* CJ_ERR_MISSING if neither time_skew_status nor timechecks is there; on
 * any failure n = 0. */
cj_status_t ceph_timesync_parse(const char *buf, size_t len,
                                ceph_timesync_t *out, char *err,
                                size_t errlen);
/* The entry of mon `name`, or NULL. */
const ceph_mon_skew_t *ceph_timesync_mon(const ceph_timesync_t *t,
                                         const char *name);
/* The largest |skew| over the mons, s; NaN if there is none or one is
 * unknown. */
double ceph_timesync_max_abs_skew(const ceph_timesync_t *t);

#endif
