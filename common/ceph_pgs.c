/* SPDX-License-Identifier: MIT
 * ceph_pgs - per-pool PG state counts and stuck PGs (see ceph_pgs.h). */
#include "common/ceph_pgs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const stuck_names[CEPH_NSTUCK] = {
    "inactive", "unclean", "undersized", "degraded", "stale"};

const char *ceph_stuck_name(int i) {
  return (i >= 0 && i < CEPH_NSTUCK) ? stuck_names[i] : NULL;
}

void ceph_pools_init(ceph_pools_t *p) {
  memset(p, 0, sizeof(*p));
  p->pg_ready = -1;
}

void ceph_pools_free(ceph_pools_t *p) {
  free(p->v);
  p->v = NULL;
  p->n = p->cap = 0;
}

ceph_pool_pgs_t *ceph_pools_get(ceph_pools_t *p, int64_t id) {
  size_t lo = 0, hi = p->n;
  while (lo < hi) { /* binary search: pools stay sorted by id */
    size_t mid = (lo + hi) / 2;
    if (p->v[mid].id == id)
      return &p->v[mid];
    if (p->v[mid].id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (p->n == p->cap) {
    size_t nc = p->cap ? p->cap * 2 : 16;
    ceph_pool_pgs_t *v = realloc(p->v, nc * sizeof(*v));
    if (v == NULL)
      return NULL;
    p->v = v;
    p->cap = nc;
  }
  memmove(&p->v[lo + 1], &p->v[lo], (p->n - lo) * sizeof(*p->v));
  memset(&p->v[lo], 0, sizeof(p->v[lo]));
  p->v[lo].id = id;
  p->v[lo].min_acting = -1;
  p->n++;
  return &p->v[lo];
}

int ceph_pgid_pool(const char *s, size_t len, int64_t *pool) {
  int64_t v = 0;
  size_t i = 0;
  for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
    if (v > (INT64_MAX - 9) / 10)
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  if (i == 0 || i + 1 >= len || s[i] != '.')
    return -1;
  *pool = v;
  return 0;
}

/* ------------------------------------------------------ pool lookup */
/* PG lists come in hash order (pools interleaved), so each PG needs a pool
 * lookup: ids below POOL_INDEX_MAX (the usual case: Ceph numbers pools
 * from 1) go through a direct index of positions in the sorted array,
 * others through the binary search of ceph_pools_get. */
#define POOL_INDEX_MAX 4096
typedef struct {
  uint32_t pos[POOL_INDEX_MAX]; /* position + 1 in p->v; 0 = unknown */
} pool_index_t;

static ceph_pool_pgs_t *pool_of(ceph_pools_t *p, ceph_pool_pgs_t **last,
                                pool_index_t *ix, int64_t id) {
  if (*last != NULL && (*last)->id == id)
    return *last;
  if (id >= 0 && id < POOL_INDEX_MAX && ix->pos[id] != 0)
    return *last = &p->v[ix->pos[id] - 1];
  size_t before = p->n;
  ceph_pool_pgs_t *pool = ceph_pools_get(p, id);
  if (pool != NULL && p->n != before) {
    /* inserted: the positions from here on moved by one; rebuild (once
     * per new pool, so O(pools^2) in all, independent of the PG count) */
    for (size_t i = (size_t)(pool - p->v); i < p->n; i++)
      if (p->v[i].id >= 0 && p->v[i].id < POOL_INDEX_MAX)
        ix->pos[p->v[i].id] = (uint32_t)i + 1;
  } else if (pool != NULL && id >= 0 && id < POOL_INDEX_MAX) {
    ix->pos[id] = (uint32_t)(pool - p->v) + 1;
  }
  *last = pool;
  return pool;
}

/* What both PG lists read of each PG: its "state", split into mask and
 * unknown (through the cache, kept from PG to PG), and the pool of its
 * "pgid". */
typedef struct {
  ceph_pg_state_cache_t cache;
  uint64_t mask;
  int unknown;
  int have_state, have_pool;
  int64_t pool;
  ceph_pool_pgs_t *last; /* the last pool looked up */
  pool_index_t index;
} pg_read_t;

/* -------------------------------------------------------------- pgs_brief */
typedef struct {
  ceph_pools_t *p;
  pg_read_t pg;
  int nomem, seen_list;
  int have_acting;
  int64_t acting; /* OSDs in the PG's acting set */
} brief_ctx_t;

/* CRUSH_ITEM_NONE (src/crush/crush.h): the hole an erasure-coded PG's
 * acting set shows where a shard has no OSD. */
#define CEPH_CRUSH_ITEM_NONE 0x7fffffff

double ceph_redundancy_margin(const ceph_pool_pgs_t *pool, int64_t min_size) {
  if (pool == NULL || pool->min_acting < 0 || min_size < 0)
    return NAN;
  return (double)(pool->min_acting - min_size);
}

/* pg_ready of one reply: ANDed over the replies of a poll (a mgr that
 * restarts between two commands makes the whole poll not ready). */
static void note_ready(ceph_pools_t *p, const cj_value_t *v) {
  int ready = v->type == CJ_BOOL && v->b;
  if (!ready)
    p->pg_ready = 0;
  else if (p->pg_ready < 0)
    p->pg_ready = 1;
}

/* A PG's "state" string, split at once (no copy: any length), and the
 * first one with an unknown component kept (truncated) for the log. */
static void note_state(ceph_pools_t *p, ceph_pg_state_cache_t *cache,
                       const cj_value_t *v, uint64_t *mask, int *unknown) {
  ceph_pg_state_lookup(cache, v->s, v->len, mask, unknown);
  if (*unknown > 0 && p->unknown_state[0] == 0)
    snprintf(p->unknown_state, sizeof(p->unknown_state), "%.*s",
             (int)v->len, v->s);
}

/* Top-level "pg_stats" (pgs_brief, pg ls) or "pg_map"."pg_stats" (full
 * `pg dump`), or a bare array (older releases): depth of a PG's members. */
static int pg_member_depth(const cj_path_t *p) {
  if (p->depth >= 1 && p->el[0].is_index)
    return 2;
  if (cj_key(p, 0, "pg_stats") || cj_key(p, 0, "stuck_pg_stats"))
    return 3;
  if (cj_key(p, 0, "pg_map") && cj_key(p, 1, "pg_stats"))
    return 4;
  return 0;
}

/* 1 if p is the PG member `key` (itself, not inside it: depth d). */
static int pg_member(const cj_path_t *p, int depth, const char *key) {
  int d = pg_member_depth(p);
  return d != 0 && depth == d && p->el[d - 2].is_index &&
         cj_key(p, d - 1, key);
}

/* A scalar member of a PG (a map key at depth 2..4 below a list element):
 * "state" and "pgid" are read into pg; returns the member's key, or NULL
 * for any other scalar (the fast exit for the bulk of them: up/acting
 * members, stat_sum). */
static const char *pg_read_member(ceph_pools_t *pools, pg_read_t *pg,
                                  const cj_path_t *p, const cj_value_t *v) {
  if (p->depth < 2 || p->depth > 4 || p->el[p->depth - 1].is_index ||
      !p->el[p->depth - 2].is_index)
    return NULL;
  int d = pg_member_depth(p);
  if (d == 0 || p->depth != d)
    return NULL;
  const char *k = p->el[d - 1].key;
  if (k[0] == 's' && strcmp(k, "state") == 0) {
    pg->have_state = v->type == CJ_STRING;
    if (pg->have_state)
      note_state(pools, &pg->cache, v, &pg->mask, &pg->unknown);
  } else if (k[0] == 'p' && strcmp(k, "pgid") == 0) {
    pg->have_pool = v->type == CJ_STRING &&
                    ceph_pgid_pool(v->s, v->len, &pg->pool) == 0;
  }
  return k;
}

/* Has the map of one PG ended at p?  Then *seen_list is set and *pool is
 * the pool the PG counts in (NULL when its state or pgid was missing):
 * returns 1, or -1 when the pool could not be added (out of memory).
 * 0 for any other end. */
static int pg_end(ceph_pools_t *pools, pg_read_t *pg, const cj_path_t *p,
                  int *seen_list, ceph_pool_pgs_t **pool) {
  int d = pg_member_depth(p);
  *pool = NULL;
  if (d == 0 || p->depth != d - 1 || !p->el[d - 2].is_index)
    return 0;
  *seen_list = 1;
  if (!pg->have_state || !pg->have_pool)
    return 1;
  *pool = pool_of(pools, &pg->last, &pg->index, pg->pool);
  return *pool == NULL ? -1 : 1;
}

/* One member of a PG's acting array: an OSD unless it is a hole. */
static void note_acting(brief_ctx_t *x, const cj_value_t *v) {
  int64_t osd;
  if (cj_int64(v, &osd) == 0 && osd >= 0 && osd != CEPH_CRUSH_ITEM_NONE)
    x->acting++;
}

static int brief_scalar(void *ctx, const cj_path_t *p, const cj_value_t *v) {
  brief_ctx_t *x = ctx;
  if (p->depth == 1 && cj_key(p, 0, "pg_ready")) {
    note_ready(x->p, v);
    return 0;
  }
  if (p->depth >= 3 && p->el[p->depth - 1].is_index &&
      pg_member(p, p->depth - 1, "acting")) {
    note_acting(x, v);
    return 0;
  }
  pg_read_member(x->p, &x->pg, p, v);
  return 0;
}

static int brief_end(void *ctx, const cj_path_t *p) {
  brief_ctx_t *x = ctx;
  if (p->depth >= 2 && pg_member(p, p->depth, "acting")) {
    x->have_acting = 1; /* the acting array ended (it may be empty) */
    return 0;
  }
  /* Fast exit: the arrays inside a PG (up, acting, ...) end at a key. */
  if (p->depth > 2 && !p->el[p->depth - 1].is_index)
    return 0;
  if ((p->depth == 1 && (cj_key(p, 0, "pg_stats") ||
                         cj_key(p, 0, "stuck_pg_stats"))) ||
      (p->depth == 2 && cj_key(p, 0, "pg_map") && cj_key(p, 1, "pg_stats"))) {
    x->seen_list = 1; /* the list itself ended (it may be empty) */
    return 0;
  }
  ceph_pool_pgs_t *pool;
  int ended = pg_end(x->p, &x->pg, p, &x->seen_list, &pool);
  if (ended <= 0)
    return ended < 0 ? (x->nomem = 1) : 0;
  if (pool != NULL) {
    ceph_pg_counts_add(&pool->pgs, x->pg.mask, x->pg.unknown, 1);
    ceph_pg_counts_add(&x->p->total, x->pg.mask, x->pg.unknown, 1);
    if (x->have_acting &&
        (pool->min_acting < 0 || x->acting < pool->min_acting))
      pool->min_acting = x->acting;
  }
  x->pg.have_state = x->pg.have_pool = x->have_acting = 0;
  x->acting = 0;
  return 0;
}

cj_status_t ceph_pgs_brief_parse(const char *buf, size_t len, ceph_pools_t *p,
                                 char *err, size_t errlen) {
  brief_ctx_t *x = calloc(1, sizeof(*x));
  if (x == NULL)
    return CJ_ERR_NOMEM;
  x->p = p;
  cj_handler_t h = {.scalar = brief_scalar, .end = brief_end};
  cj_status_t ret = cj_walk(buf, len, &h, x, err, errlen);
  ret = cj_finish(ret, x->nomem, x->seen_list, "no pg_stats in the reply", err, errlen);
  if (ret != CJ_OK) { /* a partial parse counts nothing */
    for (size_t i = 0; i < p->n; i++) {
      memset(&p->v[i].pgs, 0, sizeof(p->v[i].pgs));
      p->v[i].min_acting = -1;
    }
    memset(&p->total, 0, sizeof(p->total));
  }
  free(x);
  return ret;
}

/* ------------------------------------------------------------ time stamps */
/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* n digits at s[*i] -> value; -1 if not digits. */
static int digits(const char *s, size_t len, size_t *i, int n) {
  int v = 0;
  for (int k = 0; k < n; k++, (*i)++) {
    if (*i >= len || s[*i] < '0' || s[*i] > '9')
      return -1;
    v = v * 10 + (s[*i] - '0');
  }
  return v;
}

static int expect(const char *s, size_t len, size_t *i, char c1, char c2) {
  if (*i >= len || (s[*i] != c1 && s[*i] != c2))
    return -1;
  (*i)++;
  return 0;
}

/* utime_t prints a time below ten years as raw "S.UUUUUU" seconds
 * (src/include/utime.h, utime_t::localtime/operator<<): "0.000000" is a stamp
 * never set.  -> seconds since the epoch; NaN if not of that form. */
static double parse_raw_seconds(const char *s, size_t len) {
  double v = 0, scale = 0.1;
  size_t i = 0;
  for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
    v = v * 10 + (s[i] - '0');
  if (i == 0 || i >= len || s[i] != '.')
    return NAN;
  for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
    v += (s[i] - '0') * scale;
  return i == len ? v : NAN;
}

double ceph_parse_utime(const char *s, size_t len) {
  double raw = parse_raw_seconds(s, len);
  if (!isnan(raw))
    return raw;
  size_t i = 0;
  int y = digits(s, len, &i, 4);
  int mo = expect(s, len, &i, '-', '-') ? -1 : digits(s, len, &i, 2);
  int d = expect(s, len, &i, '-', '-') ? -1 : digits(s, len, &i, 2);
  int h = expect(s, len, &i, 'T', ' ') ? -1 : digits(s, len, &i, 2);
  int mi = expect(s, len, &i, ':', ':') ? -1 : digits(s, len, &i, 2);
  int se = expect(s, len, &i, ':', ':') ? -1 : digits(s, len, &i, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
      mi < 0 || mi > 59 || se < 0 || se > 60)
    return NAN;
  double frac = 0, scale = 0.1;
  if (i < len && s[i] == '.') {
    for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
      frac += (s[i] - '0') * scale;
  }
  int off = 0; /* seconds east of UTC */
  if (i < len && s[i] == 'Z') {
    i++;
  } else if (i < len && (s[i] == '+' || s[i] == '-')) {
    int sign = s[i++] == '-' ? -1 : 1;
    int oh = digits(s, len, &i, 2);
    if (i < len && s[i] == ':')
      i++;
    int om = digits(s, len, &i, 2);
    if (oh < 0 || om < 0)
      return NAN;
    off = sign * (oh * 3600 + om * 60);
  }
  if (i != len)
    return NAN;
  int64_t days = days_from_civil(y, mo, d);
  return (double)(days * 86400 + h * 3600 + mi * 60 + se - off) + frac;
}

/* ------------------------------------------------------------ dump_stuck */
/* The pg_stat_t member holding the last time the PG was *not* in the
 * stuck kind (PGMap::get_stuck_stats). */
static const char *const stuck_stamp[CEPH_NSTUCK] = {
    "last_active", "last_clean", "last_fullsized", "last_undegraded",
    "last_unstale"};

typedef struct {
  ceph_pools_t *p;
  double now, stuck_age;
  pg_read_t pg;
  double stamp[CEPH_NSTUCK];
  int nomem, seen_list;
} stuck_ctx_t;

static void stuck_reset(stuck_ctx_t *x) {
  x->pg.have_state = x->pg.have_pool = 0;
  for (int i = 0; i < CEPH_NSTUCK; i++)
    x->stamp[i] = NAN;
}

static int stuck_scalar(void *ctx, const cj_path_t *p, const cj_value_t *v) {
  stuck_ctx_t *x = ctx;
  if (p->depth == 1 && cj_key(p, 0, "pg_ready")) {
    note_ready(x->p, v);
    return 0;
  }
  const char *k = pg_read_member(x->p, &x->pg, p, v);
  if (k != NULL && strncmp(k, "last_", 5) == 0 && v->type == CJ_STRING) {
    for (int i = 0; i < CEPH_NSTUCK; i++)
      if (strcmp(k, stuck_stamp[i]) == 0)
        x->stamp[i] = ceph_parse_utime(v->s, v->len);
  }
  return 0;
}

/* Add one PG's stuck kinds to a pool's and the cluster's totals. */
static void stuck_add(ceph_stuck_t *s, const int kind[CEPH_NSTUCK],
                      double oldest) {
  int any = 0;
  for (int i = 0; i < CEPH_NSTUCK; i++)
    if (kind[i]) {
      s->n[i]++;
      any = 1;
    }
  if (any) {
    s->any++;
    if (oldest > s->oldest_s)
      s->oldest_s = oldest;
  }
}

static void stuck_pg(stuck_ctx_t *x, ceph_pool_pgs_t *pool) {
  uint64_t mask = x->pg.mask;
  /* the kind applies when the PG lacks active/clean, or has the others */
  static const int want_bit[CEPH_NSTUCK] = {
      CEPH_PG_ACTIVE, CEPH_PG_CLEAN, CEPH_PG_UNDERSIZED, CEPH_PG_DEGRADED,
      CEPH_PG_STALE};
  static const int has_it[CEPH_NSTUCK] = {0, 0, 1, 1, 1};
  int kind[CEPH_NSTUCK] = {0};
  double oldest = 0;
  for (int i = 0; i < CEPH_NSTUCK; i++) {
    int has = (mask >> want_bit[i]) & 1;
    if (has != has_it[i] || isnan(x->stamp[i]))
      continue;
    double age = x->now - x->stamp[i];
    if (age >= x->stuck_age) {
      kind[i] = 1;
      if (age > oldest)
        oldest = age;
    }
  }
  stuck_add(&pool->stuck, kind, oldest);
  stuck_add(&x->p->stuck, kind, oldest);
}

static int stuck_end(void *ctx, const cj_path_t *p) {
  stuck_ctx_t *x = ctx;
  if (p->depth > 2 && !p->el[p->depth - 1].is_index)
    return 0; /* see brief_end */
  if ((p->depth == 1 && (cj_key(p, 0, "stuck_pg_stats") ||
                         cj_key(p, 0, "pg_stats")))) {
    x->seen_list = 1;
    return 0;
  }
  ceph_pool_pgs_t *pool;
  int ended = pg_end(x->p, &x->pg, p, &x->seen_list, &pool);
  if (ended <= 0)
    return ended < 0 ? (x->nomem = 1) : 0;
  if (pool != NULL)
    stuck_pg(x, pool);
  stuck_reset(x);
  return 0;
}

cj_status_t ceph_pgs_stuck_parse(const char *buf, size_t len, double now,
                                 double stuck_age, ceph_pools_t *p, char *err,
                                 size_t errlen) {
  stuck_ctx_t *x = calloc(1, sizeof(*x));
  if (x == NULL)
    return CJ_ERR_NOMEM;
  x->p = p;
  x->now = now;
  x->stuck_age = stuck_age;
  stuck_reset(x);
  cj_handler_t h = {.scalar = stuck_scalar, .end = stuck_end};
  cj_status_t ret = cj_walk(buf, len, &h, x, err, errlen);
  if (ret == CJ_ERR_EMPTY) /* nothing stuck: the mgr may send no JSON */
    ret = CJ_OK;
  else
    ret = cj_finish(ret, x->nomem, x->seen_list,
                    "no stuck_pg_stats in the reply", err, errlen);
  if (ret != CJ_OK) { /* a partial parse counts nothing */
    for (size_t i = 0; i < p->n; i++)
      memset(&p->v[i].stuck, 0, sizeof(p->v[i].stuck));
    memset(&p->stuck, 0, sizeof(p->stuck));
  }
  free(x);
  return ret;
}
