/* SPDX-License-Identifier: MIT
 * ceph_osd - OSD dump/df parsing and fullness headroom (see ceph_osd.h). */
#include "common/ceph_osd.h"

#include <math.h>
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

/* pools[] members of `osd dump` besides its id and name (-1: absent). */
static const cj_field_t pool_fields[] = {
    CJ_FIELD(ceph_pool_name_t, crush_rule, CJ_F_INT64),
    CJ_FIELD(ceph_pool_name_t, size, CJ_F_INT64),
    CJ_FIELD(ceph_pool_name_t, min_size, CJ_F_INT64),
};
static const ceph_pool_name_t pool_blank = {
    .crush_rule = -1, .size = -1, .min_size = -1};

typedef struct {
  ceph_osd_dump_t *d;
  int have_name, seen_ratio;
} dump_ctx_t;

static int dump_scalar(cj_list_t *l, const cj_path_t *p, int e,
                       const cj_value_t *v) {
  dump_ctx_t *x = l->ctx;
  if (p->depth == 1 && !p->el[0].is_index) {
    cj_set_field(ratio_fields, CJ_NFIELDS(ratio_fields), p->el[0].key, x->d,
                 v);
    if (cj_key(p, 0, "full_ratio"))
      x->seen_ratio = 1;
  } else if (p->depth == 2 && cj_key(p, 0, "flags_set")) {
    for (int i = 0; i < CEPH_NFLAGS; i++)
      if (cj_streq(v, flag_names[i]))
        x->d->flag[i] = 1;
  } else if (e >= 0 && p->depth == e + 2 && cj_key(p, e + 1, "pool_name")) {
    ceph_pool_name_t *o = l->cur;
    x->have_name = cj_strcpy(v, o->name, sizeof(o->name)) > 0;
  }
  return 0;
}

/* A pool without a name is dropped as one without an id is. */
static int dump_end(cj_list_t *l, const cj_path_t *p, int e) {
  dump_ctx_t *x = l->ctx;
  if (e >= 0 && p->depth == e + 1) {
    l->have_id = l->have_id && x->have_name;
    x->have_name = 0;
  }
  return 0;
}

static int dump_found(const cj_list_t *l) {
  const dump_ctx_t *x = l->ctx;
  return x->seen_ratio;
}

static const cj_list_spec_t dump_spec = {
    .list = "pools",
    CJ_RECORDS(ceph_pool_name_t, "pool", id, pool_blank),
    CJ_OWN_MEMBERS(pool_fields),
    .scalar = dump_scalar,
    .end = dump_end,
    .found = dump_found,
    .missing = "no full_ratio in the osd dump reply",
};

cj_status_t ceph_osd_dump_parse(const char *buf, size_t len,
                                ceph_osd_dump_t *out, char *err,
                                size_t errlen) {
  memset(out, 0, sizeof(*out));
  out->full_ratio = out->backfillfull_ratio = out->nearfull_ratio = NAN;
  dump_ctx_t x = {.d = out};
  return cj_list_parse(buf, len, &dump_spec, &x, (void **)&out->pools,
                       &out->n_pools, &out->cap_pools, err, errlen);
}

void ceph_osd_dump_free(ceph_osd_dump_t *d) {
  cj_array_free((void **)&d->pools, &d->n_pools, &d->cap_pools);
}

const ceph_pool_name_t *ceph_osd_dump_pool(const ceph_osd_dump_t *d,
                                           int64_t id) {
  return cj_find(d->pools, d->n_pools, sizeof(*d->pools),
                 offsetof(ceph_pool_name_t, id), id);
}

const char *ceph_osd_dump_pool_name(const ceph_osd_dump_t *d, int64_t id) {
  const ceph_pool_name_t *p = ceph_osd_dump_pool(d, id);
  return p != NULL ? p->name : NULL;
}

/* No id yet, every number unknown, not up. */
static const ceph_osd_df_node_t node_blank = {-1,  NAN, NAN, NAN, NAN,
                                              NAN, NAN, NAN, 0};

static int df_scalar(cj_list_t *l, const cj_path_t *p, int e,
                     const cj_value_t *v) {
  ceph_osd_df_t *df = l->ctx;
  if (p->depth == 2 && cj_key(p, 0, "summary")) {
    if (cj_key(p, 1, "average_utilization"))
      df->average_utilization = cj_double(v);
  } else if (e >= 0 && p->depth == e + 2 && cj_key(p, e + 1, "status")) {
    ceph_osd_df_node_t *n = l->cur;
    n->up = cj_streq(v, "up");
  }
  return 0;
}

static const cj_list_spec_t df_spec = {
    .list = "nodes",
    CJ_RECORDS(ceph_osd_df_node_t, "id", id, node_blank),
    CJ_OWN_MEMBERS(df_fields),
    .scalar = df_scalar,
    .missing = "no nodes in the osd df reply",
};

cj_status_t ceph_osd_df_parse(const char *buf, size_t len, ceph_osd_df_t *out,
                              char *err, size_t errlen) {
  out->average_utilization = NAN;
  return cj_list_parse(buf, len, &df_spec, out, CJ_ARRAY(out), err, errlen);
}

void ceph_osd_df_free(ceph_osd_df_t *df) { cj_array_free(CJ_ARRAY(df)); }

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
