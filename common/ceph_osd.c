/* SPDX-License-Identifier: MIT
 * ceph_osd - OSD dump/df parsing and fullness headroom (see ceph_osd.h). */
#include "common/ceph_osd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const flag_names[CEPH_NFLAGS] = {
    "noup",      "nodown",    "noout",  "noin",
    "nobackfill", "norebalance", "norecover", "noscrub",
    "nodeep-scrub", "pauserd", "pausewr",
};

const char *ceph_flag_name(int i) {
  return (i >= 0 && i < CEPH_NFLAGS) ? flag_names[i] : NULL;
}

/* Grow an array of `size`-byte elements to hold n + 1. */
static int grow(void **v, size_t *cap, size_t n, size_t size) {
  if (n < *cap)
    return 0;
  size_t nc = *cap ? *cap * 2 : 16;
  void *p = realloc(*v, nc * size);
  if (p == NULL)
    return -1;
  *v = p;
  *cap = nc;
  return 0;
}

typedef struct {
  ceph_osd_dump_t *d;
  int64_t pool_id, crush_rule, size, min_size;
  char pool_name[CEPH_POOL_NAME_MAX];
  int have_id, have_name, nomem, seen_ratio;
} dump_ctx_t;

static int dump_scalar(void *ctx, const cj_path_t *p, const cj_value_t *v) {
  dump_ctx_t *x = ctx;
  if (p->depth == 1) {
    if (cj_key(p, 0, "full_ratio"))
      x->d->full_ratio = cj_double(v), x->seen_ratio = 1;
    else if (cj_key(p, 0, "backfillfull_ratio"))
      x->d->backfillfull_ratio = cj_double(v);
    else if (cj_key(p, 0, "nearfull_ratio"))
      x->d->nearfull_ratio = cj_double(v);
  } else if (p->depth == 2 && cj_key(p, 0, "flags_set")) {
    for (int i = 0; i < CEPH_NFLAGS; i++)
      if (cj_streq(v, flag_names[i]))
        x->d->flag[i] = 1;
  } else if (p->depth == 3 && cj_key(p, 0, "pools")) {
    if (cj_key(p, 2, "pool"))
      x->have_id = cj_int64(v, &x->pool_id) == 0;
    else if (cj_key(p, 2, "crush_rule") && cj_int64(v, &x->crush_rule) != 0)
      x->crush_rule = -1;
    else if (cj_key(p, 2, "size") && cj_int64(v, &x->size) != 0)
      x->size = -1;
    else if (cj_key(p, 2, "min_size") && cj_int64(v, &x->min_size) != 0)
      x->min_size = -1;
    else if (cj_key(p, 2, "pool_name"))
      x->have_name = cj_strcpy(v, x->pool_name, sizeof(x->pool_name)) > 0;
  }
  return 0;
}

static int dump_end(void *ctx, const cj_path_t *p) {
  dump_ctx_t *x = ctx;
  if (p->depth == 2 && cj_key(p, 0, "pools")) {
    ceph_osd_dump_t *d = x->d;
    if (x->have_id && x->have_name) {
      if (grow((void **)&d->pools, &d->cap_pools, d->n_pools,
               sizeof(*d->pools)) != 0) {
        x->nomem = 1;
        return 1;
      }
      d->pools[d->n_pools].id = x->pool_id;
      memcpy(d->pools[d->n_pools].name, x->pool_name, sizeof(x->pool_name));
      d->pools[d->n_pools].crush_rule = x->crush_rule;
      d->pools[d->n_pools].size = x->size;
      d->pools[d->n_pools].min_size = x->min_size;
      d->n_pools++;
    }
    x->have_id = x->have_name = 0;
    x->crush_rule = x->size = x->min_size = -1;
  }
  return 0;
}

cj_status_t ceph_osd_dump_parse(const char *buf, size_t len,
                                ceph_osd_dump_t *out, char *err,
                                size_t errlen) {
  memset(out, 0, sizeof(*out));
  out->full_ratio = out->backfillfull_ratio = out->nearfull_ratio = NAN;
  dump_ctx_t x = {.d = out, .crush_rule = -1, .size = -1, .min_size = -1};
  cj_handler_t h = {.scalar = dump_scalar, .end = dump_end};
  cj_status_t ret = cj_walk(buf, len, &h, &x, err, errlen);
  ret = cj_finish(ret, x.nomem, x.seen_ratio,
                  "no full_ratio in the osd dump reply", err, errlen);
  if (ret != CJ_OK)
    ceph_osd_dump_free(out);
  return ret;
}

void ceph_osd_dump_free(ceph_osd_dump_t *d) {
  free(d->pools);
  d->pools = NULL;
  d->n_pools = d->cap_pools = 0;
}

const ceph_pool_name_t *ceph_osd_dump_pool(const ceph_osd_dump_t *d,
                                           int64_t id) {
  for (size_t i = 0; i < d->n_pools; i++)
    if (d->pools[i].id == id)
      return &d->pools[i];
  return NULL;
}

const char *ceph_osd_dump_pool_name(const ceph_osd_dump_t *d, int64_t id) {
  const ceph_pool_name_t *p = ceph_osd_dump_pool(d, id);
  return p != NULL ? p->name : NULL;
}

typedef struct {
  ceph_osd_df_t *df;
  ceph_osd_df_node_t cur;
  int have_id, nomem, seen_nodes;
} df_ctx_t;

static void df_reset(ceph_osd_df_node_t *n) {
  n->id = -1;
  n->utilization = n->kb = n->kb_used = n->kb_avail = NAN;
  n->reweight = n->crush_weight = n->pgs = NAN;
  n->up = 0;
}

static int df_scalar(void *ctx, const cj_path_t *p, const cj_value_t *v) {
  df_ctx_t *x = ctx;
  if (p->depth == 2 && cj_key(p, 0, "summary")) {
    if (cj_key(p, 1, "average_utilization"))
      x->df->average_utilization = cj_double(v);
    return 0;
  }
  if (p->depth != 3 || !cj_key(p, 0, "nodes"))
    return 0;
  x->seen_nodes = 1;
  ceph_osd_df_node_t *n = &x->cur;
  const char *k = p->el[2].key;
  if (strcmp(k, "id") == 0)
    x->have_id = cj_int64(v, &n->id) == 0;
  else if (strcmp(k, "utilization") == 0)
    n->utilization = cj_double(v);
  else if (strcmp(k, "kb") == 0)
    n->kb = cj_double(v);
  else if (strcmp(k, "kb_used") == 0)
    n->kb_used = cj_double(v);
  else if (strcmp(k, "kb_avail") == 0)
    n->kb_avail = cj_double(v);
  else if (strcmp(k, "reweight") == 0)
    n->reweight = cj_double(v);
  else if (strcmp(k, "crush_weight") == 0)
    n->crush_weight = cj_double(v);
  else if (strcmp(k, "pgs") == 0)
    n->pgs = cj_double(v);
  else if (strcmp(k, "status") == 0)
    n->up = cj_streq(v, "up");
  return 0;
}

static int df_end(void *ctx, const cj_path_t *p) {
  df_ctx_t *x = ctx;
  if (p->depth == 1 && cj_key(p, 0, "nodes"))
    x->seen_nodes = 1;
  if (p->depth != 2 || !cj_key(p, 0, "nodes"))
    return 0;
  ceph_osd_df_t *df = x->df;
  if (x->have_id) {
    if (grow((void **)&df->v, &df->cap, df->n, sizeof(*df->v)) != 0) {
      x->nomem = 1;
      return 1;
    }
    df->v[df->n++] = x->cur;
  }
  df_reset(&x->cur);
  x->have_id = 0;
  return 0;
}

cj_status_t ceph_osd_df_parse(const char *buf, size_t len, ceph_osd_df_t *out,
                              char *err, size_t errlen) {
  memset(out, 0, sizeof(*out));
  out->average_utilization = NAN;
  df_ctx_t x = {.df = out};
  df_reset(&x.cur);
  cj_handler_t h = {.scalar = df_scalar, .end = df_end};
  cj_status_t ret = cj_walk(buf, len, &h, &x, err, errlen);
  ret = cj_finish(ret, x.nomem, x.seen_nodes, "no nodes in the osd df reply",
                  err, errlen);
  if (ret != CJ_OK)
    ceph_osd_df_free(out);
  return ret;
}

void ceph_osd_df_free(ceph_osd_df_t *df) {
  free(df->v);
  df->v = NULL;
  df->n = df->cap = 0;
}

double ceph_headroom(double ratio, double utilization_pct) {
  if (isnan(ratio) || isnan(utilization_pct))
    return NAN;
  return ratio * 100.0 - utilization_pct;
}

static void min_into(double *acc, double v) {
  if (!isnan(v) && (isnan(*acc) || v < *acc))
    *acc = v;
}

void ceph_fullness(const ceph_osd_df_t *df, const ceph_osd_dump_t *dump,
                   ceph_fullness_t *out) {
  double nf = dump ? dump->nearfull_ratio : NAN;
  double bf = dump ? dump->backfillfull_ratio : NAN;
  double fu = dump ? dump->full_ratio : NAN;
  *out = (ceph_fullness_t){NAN, NAN, NAN, NAN, NAN, NAN, NAN};
  int any = 0;
  double over[3] = {0, 0, 0};
  for (size_t i = 0; i < df->n; i++) {
    const ceph_osd_df_node_t *n = &df->v[i];
    if (!(n->kb > 0) || isnan(n->utilization))
      continue; /* down and never reported: no size */
    any = 1;
    if (isnan(out->max_utilization) || n->utilization > out->max_utilization)
      out->max_utilization = n->utilization;
    min_into(&out->min_headroom_nearfull, ceph_headroom(nf, n->utilization));
    min_into(&out->min_headroom_backfillfull,
             ceph_headroom(bf, n->utilization));
    min_into(&out->min_headroom_full, ceph_headroom(fu, n->utilization));
    over[0] += n->utilization > nf * 100.0;
    over[1] += n->utilization > bf * 100.0;
    over[2] += n->utilization > fu * 100.0;
  }
  if (any) {
    out->osds_over_nearfull = isnan(nf) ? NAN : over[0];
    out->osds_over_backfillfull = isnan(bf) ? NAN : over[1];
    out->osds_over_full = isnan(fu) ? NAN : over[2];
  }
}
