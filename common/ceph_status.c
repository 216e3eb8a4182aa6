/* SPDX-License-Identifier: MIT
 * ceph_status - parse the mon's `status` reply (see ceph_status.h). */
#include "common/ceph_status.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pgmap members copied as numbers; `optional` ones are omitted by the mon
 * when zero (PGMapDigest::print_summary), so they default to 0. */
static const struct {
  const char *key;
  size_t off;
  int optional;
} pgmap_keys[] = {
#define K(k, opt) {#k, offsetof(ceph_status_t, k), opt}
    K(num_pgs, 0),
    {"num_pools", offsetof(ceph_status_t, pools), 0},
    {"num_objects", offsetof(ceph_status_t, objects), 0},
    K(data_bytes, 0),
    K(bytes_used, 0),
    K(bytes_avail, 0),
    K(bytes_total, 0),
    K(degraded_objects, 1),
    K(degraded_total, 1),
    K(degraded_ratio, 1),
    K(misplaced_objects, 1),
    K(misplaced_total, 1),
    K(misplaced_ratio, 1),
    K(unfound_objects, 1),
    K(unfound_total, 1),
    K(unfound_ratio, 1),
    K(inactive_pgs_ratio, 1),
    K(recovering_objects_per_sec, 1),
    K(recovering_bytes_per_sec, 1),
    K(recovering_keys_per_sec, 1),
    K(read_bytes_sec, 1),
    K(write_bytes_sec, 1),
    K(read_op_per_sec, 1),
    K(write_op_per_sec, 1),
#undef K
};
#define N_PGMAP_KEYS (sizeof(pgmap_keys) / sizeof(pgmap_keys[0]))

typedef struct {
  ceph_status_t *st;
  int seen_pgmap;
  /* the pgs_by_state element being read: its state_name split at once
   * (any length, nothing copied) */
  int have_state;
  uint64_t mask;
  int unknown;
  double count;
  ceph_pg_state_cache_t cache;
} status_ctx_t;

int ceph_health_level(const char *s, size_t len) {
  static const char *const names[] = {"HEALTH_OK", "HEALTH_WARN",
                                      "HEALTH_ERR"};
  for (int i = 0; i < 3; i++)
    if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
      return i;
  return -1;
}

static ceph_check_t *check_slot(ceph_status_t *st, const char *code) {
  for (size_t i = 0; i < st->n_checks; i++)
    if (strcmp(st->checks[i].code, code) == 0)
      return &st->checks[i];
  if (st->n_checks >= CEPH_MAX_CHECKS) {
    st->checks_dropped++;
    return NULL;
  }
  ceph_check_t *c = &st->checks[st->n_checks++];
  memset(c, 0, sizeof(*c));
  snprintf(c->code, sizeof(c->code), "%s", code);
  c->count = NAN;
  return c;
}

/* health.checks.CODE.{severity,muted,summary.count} */
static void on_check(ceph_status_t *st, const cj_path_t *p,
                     const cj_value_t *v) {
  if (p->el[2].is_index)
    return;
  const char *code = p->el[2].key;
  ceph_check_t *c;
  if (p->depth == 4 && cj_key(p, 3, "severity")) {
    if ((c = check_slot(st, code)) != NULL && v->type == CJ_STRING)
      c->severity = ceph_health_level(v->s, v->len) < 0
                        ? 0
                        : ceph_health_level(v->s, v->len);
  } else if (p->depth == 4 && cj_key(p, 3, "muted")) {
    if ((c = check_slot(st, code)) != NULL)
      c->muted = v->type == CJ_BOOL && v->b;
  } else if (p->depth == 5 && cj_key(p, 3, "summary") &&
             cj_key(p, 4, "count")) {
    if ((c = check_slot(st, code)) != NULL)
      c->count = cj_double(v);
  }
}

static void on_pgmap(status_ctx_t *x, const cj_path_t *p,
                     const cj_value_t *v) {
  ceph_status_t *st = x->st;
  if (p->depth == 2) {
    for (size_t i = 0; i < N_PGMAP_KEYS; i++)
      if (cj_key(p, 1, pgmap_keys[i].key)) {
        *(double *)((char *)st + pgmap_keys[i].off) = cj_double(v);
        return;
      }
  } else if (p->depth == 4 && cj_key(p, 1, "pgs_by_state")) {
    if (cj_key(p, 3, "state_name") && v->type == CJ_STRING && v->len > 0) {
      x->have_state = 1;
      ceph_pg_state_lookup(&x->cache, v->s, v->len, &x->mask, &x->unknown);
      if (x->unknown > 0 && st->unknown_state[0] == 0) /* log only */
        snprintf(st->unknown_state, sizeof(st->unknown_state), "%.*s",
                 (int)v->len, v->s);
    } else if (cj_key(p, 3, "count"))
      x->count = cj_double(v);
  }
}

static const cj_field_t osdmap_fields[] = {
    CJ_MEMBER("num_osds", ceph_status_t, osds_total, CJ_F_NUMBER),
    CJ_MEMBER("num_up_osds", ceph_status_t, osds_up, CJ_F_NUMBER),
    CJ_MEMBER("num_in_osds", ceph_status_t, osds_in, CJ_F_NUMBER),
    CJ_MEMBER("num_remapped_pgs", ceph_status_t, remapped_pgs, CJ_F_NUMBER),
};

static void set_osdmap(ceph_status_t *st, const char *k, const cj_value_t *v) {
  cj_set_field(osdmap_fields, CJ_NFIELDS(osdmap_fields), k, st, v);
}

static int status_scalar(void *ctx, const cj_path_t *p, const cj_value_t *v) {
  status_ctx_t *x = ctx;
  ceph_status_t *st = x->st;
  if (p->depth < 2 || p->el[0].is_index)
    return 0;
  const char *k0 = p->el[0].key;
  if (strcmp(k0, "health") == 0) {
    if (p->depth == 2 && cj_key(p, 1, "status") && v->type == CJ_STRING)
      st->health = ceph_health_level(v->s, v->len);
    else if (p->depth >= 4 && cj_key(p, 1, "checks"))
      on_check(st, p, v);
  } else if (strcmp(k0, "pgmap") == 0) {
    x->seen_pgmap = 1;
    on_pgmap(x, p, v);
  } else if (strcmp(k0, "osdmap") == 0) {
    /* 16.2: osdmap.num_osds; up to 14.2: osdmap.osdmap.num_osds */
    if (p->depth == 2)
      set_osdmap(st, p->el[1].key, v);
    else if (p->depth == 3 && cj_key(p, 1, "osdmap"))
      set_osdmap(st, p->el[2].key, v);
  } else if (strcmp(k0, "monmap") == 0) {
    if (p->depth == 2 && cj_key(p, 1, "num_mons"))
      st->mons_total = cj_double(v);
  } else if (strcmp(k0, "mgrmap") == 0) {
    if (p->depth == 2 && cj_key(p, 1, "available") && v->type == CJ_BOOL)
      st->mgr_available = v->b;
  }
  return 0;
}

static int status_end(void *ctx, const cj_path_t *p) {
  status_ctx_t *x = ctx;
  ceph_status_t *st = x->st;
  if (p->depth == 3 && cj_key(p, 0, "pgmap") && cj_key(p, 1, "pgs_by_state")) {
    /* one {state_name, count} element complete */
    /* < 2^64: converting a larger count is undefined (tests/fuzz) */
    if (x->have_state && x->count >= 0 && x->count < 1.8e19)
      ceph_pg_counts_add(&st->pgs, x->mask, x->unknown, (uint64_t)x->count);
    x->have_state = 0;
    x->count = NAN;
  } else if (p->depth == 1 && cj_key(p, 0, "pgmap")) {
    x->seen_pgmap = 1; /* an empty pgmap {} still counts */
  }
  return 0;
}

/* "quorum":[0,1,2] - counted from the array's elements. */
static int status_scalar_top(void *ctx, const cj_path_t *p,
                             const cj_value_t *v) {
  status_ctx_t *x = ctx;
  if (p->depth == 2 && cj_key(p, 0, "quorum") && p->el[1].is_index) {
    if (isnan(x->st->mons_quorum))
      x->st->mons_quorum = 0;
    x->st->mons_quorum++;
    return 0;
  }
  return status_scalar(ctx, p, v);
}

cj_status_t ceph_status_parse(const char *buf, size_t len, ceph_status_t *out,
                              char *err, size_t errlen) {
  memset(out, 0, sizeof(*out));
  out->health = -1;
  out->osds_total = out->osds_up = out->osds_in = out->remapped_pgs = NAN;
  out->mons_total = out->mons_quorum = out->mgr_available = NAN;
  for (size_t i = 0; i < N_PGMAP_KEYS; i++)
    *(double *)((char *)out + pgmap_keys[i].off) =
        pgmap_keys[i].optional ? 0.0 : NAN;
  status_ctx_t *x = calloc(1, sizeof(*x));
  if (x == NULL)
    return CJ_ERR_NOMEM;
  x->st = out;
  x->count = NAN;
  cj_handler_t h = {.scalar = status_scalar_top, .end = status_end};
  cj_status_t ret = cj_walk(buf, len, &h, x, err, errlen);
  ret = cj_finish(ret, 0, out->health >= 0 && x->seen_pgmap,
                  out->health < 0 ? "no health.status in the status reply"
                                  : "no pgmap in the status reply",
                  err, errlen);
  free(x);
  return ret;
}

const ceph_check_t *ceph_status_check(const ceph_status_t *st,
                                      const char *code) {
  return cj_find_str(st->checks, st->n_checks, sizeof(*st->checks),
                     offsetof(ceph_check_t, code), code);
}
