/* SPDX-License-Identifier: MIT
 * ceph_df - per-pool space and quotas from `df detail` (see ceph_df.h). */
#include "common/ceph_df.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  ceph_df_t *df;
  ceph_df_pool_t cur;
  int have_id, nomem, seen_pools;
} df_ctx_t;

static void pool_reset(ceph_df_pool_t *p) {
  p->id = -1;
  p->stored = p->bytes_used = p->percent_used = p->max_avail = NAN;
  p->objects = p->quota_bytes = p->quota_objects = NAN;
}

/* pools[].stats members; Ceph's 0 quota means "no quota". */
static const cj_field_t stats_fields[] = {
    CJ_FIELD(ceph_df_pool_t, stored, CJ_F_NUMBER),
    CJ_FIELD(ceph_df_pool_t, bytes_used, CJ_F_NUMBER),
    CJ_FIELD(ceph_df_pool_t, percent_used, CJ_F_NUMBER),
    CJ_FIELD(ceph_df_pool_t, max_avail, CJ_F_NUMBER),
    CJ_FIELD(ceph_df_pool_t, objects, CJ_F_NUMBER),
    CJ_FIELD(ceph_df_pool_t, quota_bytes, CJ_F_POSITIVE),
    CJ_FIELD(ceph_df_pool_t, quota_objects, CJ_F_POSITIVE),
};

static int df_scalar(void *ctx, const cj_path_t *p, const cj_value_t *v) {
  df_ctx_t *x = ctx;
  if (p->depth < 3 || !cj_key(p, 0, "pools"))
    return 0;
  x->seen_pools = 1;
  ceph_df_pool_t *c = &x->cur;
  if (p->depth == 3 && cj_key(p, 2, "id")) {
    x->have_id = cj_int64(v, &c->id) == 0;
    return 0;
  }
  if (p->depth == 4 && cj_key(p, 2, "stats"))
    cj_set_field(stats_fields, CJ_NFIELDS(stats_fields), p->el[3].key, c, v);
  return 0;
}

static int df_end(void *ctx, const cj_path_t *p) {
  df_ctx_t *x = ctx;
  if (p->depth == 1 && cj_key(p, 0, "pools"))
    x->seen_pools = 1;
  if (p->depth != 2 || !cj_key(p, 0, "pools"))
    return 0;
  ceph_df_t *df = x->df;
  if (x->have_id &&
      cj_push((void **)&df->v, &df->n, &df->cap, &x->cur, sizeof(x->cur)) != 0)
    return x->nomem = 1;
  pool_reset(&x->cur);
  x->have_id = 0;
  return 0;
}

cj_status_t ceph_df_parse(const char *buf, size_t len, ceph_df_t *out,
                          char *err, size_t errlen) {
  memset(out, 0, sizeof(*out));
  df_ctx_t x = {.df = out};
  pool_reset(&x.cur);
  cj_handler_t h = {.scalar = df_scalar, .end = df_end};
  cj_status_t ret = cj_walk(buf, len, &h, &x, err, errlen);
  ret = cj_finish(ret, x.nomem, x.seen_pools, "no pools in the df reply", err,
                  errlen);
  if (ret != CJ_OK)
    ceph_df_free(out);
  return ret;
}

void ceph_df_free(ceph_df_t *df) {
  cj_array_free((void **)&df->v, &df->n, &df->cap);
}

const ceph_df_pool_t *ceph_df_pool(const ceph_df_t *df, int64_t id) {
  for (size_t i = 0; i < df->n; i++)
    if (df->v[i].id == id)
      return &df->v[i];
  return NULL;
}

double ceph_quota_headroom(double quota, double used) {
  if (isnan(quota) || isnan(used))
    return NAN;
  return quota - used;
}
