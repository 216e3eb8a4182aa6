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

/* Top-level ratios of `osd dump`. */
static const cj_field_t ratio_fields[] = {
    CJ_FIELD(ceph_osd_dump_t, full_ratio, CJ_F_NUMBER),
    CJ_FIELD(ceph_osd_dump_t, backfillfull_ratio, CJ_F_NUMBER),
    CJ_FIELD(ceph_osd_dump_t, nearfull_ratio, CJ_F_NUMBER),
};

/* nodes[] members of `osd df` (utilization in %, sizes in KiB). */
static const cj_field_t df_fields[] = {
    CJ_FIELD(ceph_osd_df_node_t, utilization, CJ_F_NUMBER),
    CJ_FIELD(ceph_osd_df_node_t, kb, CJ_F_NUMBER),
    CJ_FIELD(ceph_osd_df_node_t, kb_used, CJ_F_NUMBER),
    CJ_FIELD(ceph_osd_df_node_t, kb_avail, CJ_F_NUMBER),
    CJ_FIELD(ceph_osd_df_node_t, reweight, CJ_F_NUMBER),
    CJ_FIELD(ceph_osd_df_node_t, crush_weight, CJ_F_NUMBER),
    CJ_FIELD(ceph_osd_df_node_t, pgs, CJ_F_NUMBER),
};

typedef struct {
  ceph_osd_dump_t *d;
  ceph_pool_name_t pool; /* the pools[] element being read */
  int have_id, have_name, nomem, seen_ratio;
} dump_ctx_t;

static int dump_scalar(void *ctx, const cj_path_t *p, const cj_value_t *v) {
  dump_ctx_t *x = ctx;
  if (p->depth == 1 && !p->el[0].is_index) {
    cj_set_field(ratio_fields, CJ_NFIELDS(ratio_fields), p->el[0].key, x->d,
                 v);
    if (cj_key(p, 0, "full_ratio"))
      x->seen_ratio = 1;
  } else if (p->depth == 2 && cj_key(p, 0, "flags_set")) {
    for (int i = 0; i < CEPH_NFLAGS; i++)
      if (cj_streq(v, flag_names[i]))
        x->d->flag[i] = 1;
  } else if (p->depth == 3 && cj_key(p, 0, "pools")) {
    ceph_pool_name_t *o = &x->pool;
    if (cj_key(p, 2, "pool"))
      x->have_id = cj_int64(v, &o->id) == 0;
    else if (cj_key(p, 2, "crush_rule") && cj_int64(v, &o->crush_rule) != 0)
      o->crush_rule = -1;
    else if (cj_key(p, 2, "size") && cj_int64(v, &o->size) != 0)
      o->size = -1;
    else if (cj_key(p, 2, "min_size") && cj_int64(v, &o->min_size) != 0)
      o->min_size = -1;
    else if (cj_key(p, 2, "pool_name"))
      x->have_name = cj_strcpy(v, o->name, sizeof(o->name)) > 0;
  }
  return 0;
}

static int dump_end(void *ctx, const cj_path_t *p) {
  dump_ctx_t *x = ctx;
  if (p->depth == 2 && cj_key(p, 0, "pools")) {
    ceph_osd_dump_t *d = x->d;
    if (x->have_id && x->have_name &&
        cj_push((void **)&d->pools, &d->n_pools, &d->cap_pools, &x->pool,
                sizeof(x->pool)) != 0)
      return x->nomem = 1;
    x->have_id = x->have_name = 0;
    x->pool.crush_rule = x->pool.size = x->pool.min_size = -1;
  }
  return 0;
}

cj_status_t ceph_osd_dump_parse(const char *buf, size_t len,
                                ceph_osd_dump_t *out, char *err,
                                size_t errlen) {
  memset(out, 0, sizeof(*out));
  out->full_ratio = out->backfillfull_ratio = out->nearfull_ratio = NAN;
  dump_ctx_t x = {.d = out, .pool = {.crush_rule = -1, .size = -1,
                                     .min_size = -1}};
  cj_handler_t h = {.scalar = dump_scalar, .end = dump_end};
  cj_status_t ret = cj_walk(buf, len, &h, &x, err, errlen);
  ret = cj_finish(ret, x.nomem, x.seen_ratio,
                  "no full_ratio in the osd dump reply", err, errlen);
  if (ret != CJ_OK)
    ceph_osd_dump_free(out);
  return ret;
}

void ceph_osd_dump_free(ceph_osd_dump_t *d) {
  cj_array_free((void **)&d->pools, &d->n_pools, &d->cap_pools);
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
  else if (strcmp(k, "status") == 0)
    n->up = cj_streq(v, "up");
  else
    cj_set_field(df_fields, CJ_NFIELDS(df_fields), k, n, v);
  return 0;
}

static int df_end(void *ctx, const cj_path_t *p) {
  df_ctx_t *x = ctx;
  if (p->depth == 1 && cj_key(p, 0, "nodes"))
    x->seen_nodes = 1;
  if (p->depth != 2 || !cj_key(p, 0, "nodes"))
    return 0;
  ceph_osd_df_t *df = x->df;
  if (x->have_id &&
      cj_push((void **)&df->v, &df->n, &df->cap, &x->cur, sizeof(x->cur)) != 0)
    return x->nomem = 1;
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
  cj_array_free((void **)&df->v, &df->n, &df->cap);
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
