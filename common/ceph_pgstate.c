/* SPDX-License-Identifier: MIT
 * ceph_pgstate - PG state components (see ceph_pgstate.h). */
#include "common/ceph_pgstate.h"

#include <string.h>

/* Order = the enum in ceph_pgstate.h = ceph-mgr's mgr_module.PG_STATES. */
static const char *const pg_state_names[CEPH_PG_NSTATES] = {
    "active",           "clean",           "down",
    "recovery_unfound", "backfill_unfound", "scrubbing",
    "degraded",         "inconsistent",    "peering",
    "repair",           "recovering",      "forced_recovery",
    "backfill_wait",    "incomplete",      "stale",
    "remapped",         "deep",            "backfilling",
    "forced_backfill",  "backfill_toofull", "recovery_wait",
    "recovery_toofull", "undersized",      "activating",
    "peered",           "snaptrim",        "snaptrim_wait",
    "snaptrim_error",   "creating",        "unknown",
    "premerge",         "failed_repair",   "laggy",
    "wait",
};

const char *ceph_pg_state_name(int i) {
  if (i < 0 || i >= CEPH_PG_NSTATES)
    return NULL;
  return pg_state_names[i];
}

int ceph_pg_state_index(const char *s, size_t len) {
  for (int i = 0; i < CEPH_PG_NSTATES; i++)
    if (strlen(pg_state_names[i]) == len &&
        memcmp(pg_state_names[i], s, len) == 0)
      return i;
  return -1;
}

int ceph_pg_state_split(const char *s, size_t len, uint64_t *mask) {
  int unknown = 0;
  size_t a = 0;
  *mask = 0;
  while (a <= len) {
    size_t b = a;
    while (b < len && s[b] != '+')
      b++;
    if (b > a) {
      int i = ceph_pg_state_index(s + a, b - a);
      if (i >= 0)
        *mask |= (uint64_t)1 << i;
      else
        unknown++;
    }
    a = b + 1;
  }
  return unknown;
}

void ceph_pg_counts_add(ceph_pg_counts_t *c, uint64_t mask, int n_unknown,
                        uint64_t n) {
  c->total += n;
  for (uint64_t m = mask; m != 0; m &= m - 1) /* each set bit */
    c->state[__builtin_ctzll(m)] += n;
  if (!(mask & ((uint64_t)1 << CEPH_PG_ACTIVE)))
    c->inactive += n;
  if (!(mask & ((uint64_t)1 << CEPH_PG_CLEAN)))
    c->unclean += n;
  if (n_unknown > 0)
    c->unknown += n;
}

void ceph_pg_state_lookup(ceph_pg_state_cache_t *cache, const char *s,
                          size_t len, uint64_t *mask, int *unknown) {
  for (size_t i = 0; i < cache->n; i++)
    if (cache->e[i].len == len && memcmp(cache->e[i].s, s, len) == 0) {
      *mask = cache->e[i].mask;
      *unknown = cache->e[i].unknown;
      return;
    }
  *unknown = ceph_pg_state_split(s, len, mask);
  if (len >= sizeof(cache->e[0].s))
    return; /* too long to cache: split every time */
  size_t slot;
  if (cache->n < CEPH_PG_STATE_CACHE) {
    slot = cache->n++;
  } else { /* full: replace round-robin */
    slot = cache->next;
    cache->next = (cache->next + 1) % CEPH_PG_STATE_CACHE;
  }
  memcpy(cache->e[slot].s, s, len);
  cache->e[slot].len = len;
  cache->e[slot].mask = *mask;
  cache->e[slot].unknown = *unknown;
}
