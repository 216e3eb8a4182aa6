/* SPDX-License-Identifier: MIT
 * ceph_pgstate - placement-group state strings ("active+undersized+degraded")
 * split into components, and per-component PG counts.
 *
 * The component list is ceph-mgr's mgr_module.PG_STATES (Ceph 16.2), so the
 * counts match ceph-mgr's ceph_pg_<state> metrics: every component of a PG's
 * state is counted, so the sum over components exceeds the PG total.  An
 * unknown component (a newer Ceph) is counted in `unknown` and never makes
 * the parse fail.  Pure: no I/O, no globals.
 */
#ifndef CDS_CEPH_PGSTATE_H
#define CDS_CEPH_PGSTATE_H

#include <stddef.h>
#include <stdint.h>

enum {
  CEPH_PG_ACTIVE,
  CEPH_PG_CLEAN,
  CEPH_PG_DOWN,
  CEPH_PG_RECOVERY_UNFOUND,
  CEPH_PG_BACKFILL_UNFOUND,
  CEPH_PG_SCRUBBING,
  CEPH_PG_DEGRADED,
  CEPH_PG_INCONSISTENT,
  CEPH_PG_PEERING,
  CEPH_PG_REPAIR,
  CEPH_PG_RECOVERING,
  CEPH_PG_FORCED_RECOVERY,
  CEPH_PG_BACKFILL_WAIT,
  CEPH_PG_INCOMPLETE,
  CEPH_PG_STALE,
  CEPH_PG_REMAPPED,
  CEPH_PG_DEEP,
  CEPH_PG_BACKFILLING,
  CEPH_PG_FORCED_BACKFILL,
  CEPH_PG_BACKFILL_TOOFULL,
  CEPH_PG_RECOVERY_WAIT,
  CEPH_PG_RECOVERY_TOOFULL,
  CEPH_PG_UNDERSIZED,
  CEPH_PG_ACTIVATING,
  CEPH_PG_PEERED,
  CEPH_PG_SNAPTRIM,
  CEPH_PG_SNAPTRIM_WAIT,
  CEPH_PG_SNAPTRIM_ERROR,
  CEPH_PG_CREATING,
  CEPH_PG_UNKNOWN, /* the state literally named "unknown" (no stats yet) */
  CEPH_PG_PREMERGE,
  CEPH_PG_FAILED_REPAIR,
  CEPH_PG_LAGGY,
  CEPH_PG_WAIT,
  CEPH_PG_NSTATES
};

/* "active", "clean", ... for 0 <= i < CEPH_PG_NSTATES; NULL otherwise. */
const char *ceph_pg_state_name(int i);
/* Index of one component (s[0..len)), or -1 if unknown. */
int ceph_pg_state_index(const char *s, size_t len);

/* Split a '+'-joined state string into a bitmask of known components;
 * returns the number of unknown (non-empty) components. */
int ceph_pg_state_split(const char *s, size_t len, uint64_t *mask);

typedef struct {
  uint64_t total;                   /* PGs */
  uint64_t state[CEPH_PG_NSTATES];  /* PGs having this component */
  uint64_t inactive;                /* PGs without "active" */
  uint64_t unclean;                 /* PGs without "clean" */
  uint64_t unknown;                 /* PGs with >= 1 unknown component */
} ceph_pg_counts_t;

/* Add `n` PGs in state (mask, n_unknown) to c. */
void ceph_pg_counts_add(ceph_pg_counts_t *c, uint64_t mask, int n_unknown,
                        uint64_t n);

/* A small cache of full state strings -> (mask, unknown): a cluster has few
 * distinct state strings, so 100k PGs cost 100k short memcmp()s, not 100k
 * splits. */
#define CEPH_PG_STATE_CACHE 32
typedef struct {
  struct {
    char s[120];
    size_t len;
    uint64_t mask;
    int unknown;
  } e[CEPH_PG_STATE_CACHE];
  size_t n, next;
} ceph_pg_state_cache_t;

void ceph_pg_state_lookup(ceph_pg_state_cache_t *cache, const char *s,
                          size_t len, uint64_t *mask, int *unknown);

#endif
