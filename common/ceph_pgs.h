/* SPDX-License-Identifier: MIT
 * ceph_pgs - per-pool placement-group aggregation from the mgr's PG lists:
 *  - {"prefix":"pg dump","dumpcontents":["pgs_brief"]}: one {pgid, state,
 *    up, acting, ...} per PG -> PG counts per state component per pool;
 *  - {"prefix":"pg dump_stuck","stuckops":[...],"threshold":N}: full
 *    pg_stat_t of the PGs not active/clean/... for at least N s -> stuck
 *    counts per kind and the oldest stuck age per pool.
 * Both are walked with ceph_json (yajl's callback parser): memory grows with
 * the number of pools, never with the number of PGs.
 *
 * Pure: buffers in, structs out; "now" is passed in by the caller.
 */
#ifndef CDS_CEPH_PGS_H
#define CDS_CEPH_PGS_H

#include "common/ceph_json.h"
#include "common/ceph_pgstate.h"

#include <stdint.h>

/* Stuck kinds, as `ceph pg dump_stuck` and PGMap::get_stuck_stats define
 * them: the PG lacks/has a state component, and the matching last_* time
 * stamp is older than the threshold. */
enum {
  CEPH_STUCK_INACTIVE,   /* not active;  last_active */
  CEPH_STUCK_UNCLEAN,    /* not clean;   last_clean */
  CEPH_STUCK_UNDERSIZED, /* undersized;  last_fullsized */
  CEPH_STUCK_DEGRADED,   /* degraded;    last_undegraded */
  CEPH_STUCK_STALE,      /* stale;       last_unstale */
  CEPH_NSTUCK
};
/* "inactive", "unclean", "undersized", "degraded", "stale". */
const char *ceph_stuck_name(int i);

typedef struct {
  uint64_t n[CEPH_NSTUCK]; /* PGs stuck in each kind (a PG may be in several) */
  uint64_t any;            /* PGs stuck in at least one kind */
  double oldest_s;         /* age of the oldest stuck kind of any PG, s; 0 */
} ceph_stuck_t;

typedef struct {
  int64_t id;
  ceph_pg_counts_t pgs;
  ceph_stuck_t stuck;
  int64_t min_acting; /* smallest acting set over the pool's PGs (OSDs,
                         holes not counted); -1 = no PG had an acting set */
} ceph_pool_pgs_t;

typedef struct {
  ceph_pool_pgs_t *v; /* sorted by id */
  size_t n, cap;
  ceph_pg_counts_t total; /* over every pool */
  ceph_stuck_t stuck;     /* over every pool */
  char unknown_state[120]; /* first PG state with an unknown component
                            (truncated: for the log only) */
  int pg_ready; /* the mgr's pg_ready flag, ANDed over the replies parsed
                   into this struct (-1 if none had it) */
} ceph_pools_t;

void ceph_pools_init(ceph_pools_t *p);
void ceph_pools_free(ceph_pools_t *p);
/* The pool with this id, created (zeroed) if needed; NULL on ENOMEM. */
ceph_pool_pgs_t *ceph_pools_get(ceph_pools_t *p, int64_t id);

/* "12.3f" -> 12; -1 if not a pgid. */
int ceph_pgid_pool(const char *s, size_t len, int64_t *pool);

/* Redundancy margin of a pool: min_acting - min_size, i.e. how many more
 * OSD losses its worst PG survives before it drops below min_size and
 * stops serving I/O (0 = the next loss of one of its OSDs makes it
 * inactive; negative = already below).  NaN if pool is NULL, no PG had an
 * acting set, or min_size is unknown (< 0). */
double ceph_redundancy_margin(const ceph_pool_pgs_t *pool, int64_t min_size);

/* Add every PG of a pgs_brief (or `pg ls`, `pg dump pgs`) reply.  State
 * strings of any length are split; each pool's min_acting is the smallest
 * `acting` array (members other than CRUSH_ITEM_NONE, 0x7fffffff, the hole
 * of an erasure-coded PG).  On failure (syntax error, truncated
 * reply) no partial count is left: every pool's and the total PG counts
 * are zero. */
cj_status_t ceph_pgs_brief_parse(const char *buf, size_t len, ceph_pools_t *p,
                                 char *err, size_t errlen);

/* Count the PGs of a dump_stuck reply that are stuck for >= stuck_age s at
 * `now` (Unix s, UTC).  An empty reply (the mgr sends nothing when no PG
 * is stuck) is not an error.  A stamp of 0 counts as stuck since the epoch,
 * as in PGMap::get_stuck_stats.  On failure every stuck count is zero. */
cj_status_t ceph_pgs_stuck_parse(const char *buf, size_t len, double now,
                                 double stuck_age, ceph_pools_t *p, char *err,
                                 size_t errlen);

/* "2026-11-22T08:00:26.719266+0000" (also "Z", "+01:00", or a space for
 * 'T') -> Unix seconds; also utime_t's raw form for times below ten years,
 * "0.000000" (a stamp never set: Ceph's stuck test takes it as older than
 * any cutoff, "stuck since forever") -> 0; NaN if malformed. */
double ceph_parse_utime(const char *s, size_t len);

#endif
