/* SPDX-License-Identifier: MIT
 * ceph_rates - `osd pool stats` and `osd perf` replies (see ceph_rates.h). */
#include "common/ceph_rates.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------ osd pool stats */
typedef struct {
  ceph_pool_rates_t *r;
  ceph_pool_rate_t cur;
  int have_id, nomem, is_list;
} rates_ctx_t;

static void rate_reset(ceph_pool_rate_t *c) {
  memset(c, 0, sizeof(*c)); /* absent = 0: Ceph omits zero rates */
  c->id = -1;
}

/* Members of each element's client_io_rate and recovery_rate objects
 * (bytes/s, operations/s, objects/s, keys/s). */
static const cj_field_t client_fields[] = {
    {"read_bytes_sec", offsetof(ceph_pool_rate_t, rd_bytes), CJ_F_NUMBER},
    {"write_bytes_sec", offsetof(ceph_pool_rate_t, wr_bytes), CJ_F_NUMBER},
    {"read_op_per_sec", offsetof(ceph_pool_rate_t, rd_ops), CJ_F_NUMBER},
    {"write_op_per_sec", offsetof(ceph_pool_rate_t, wr_ops), CJ_F_NUMBER},
};
static const cj_field_t recovery_fields[] = {
    {"recovering_objects_per_sec", offsetof(ceph_pool_rate_t, rec_objects),
     CJ_F_NUMBER},
    {"recovering_bytes_per_sec", offsetof(ceph_pool_rate_t, rec_bytes),
     CJ_F_NUMBER},
    {"recovering_keys_per_sec", offsetof(ceph_pool_rate_t, rec_keys),
     CJ_F_NUMBER},
};

static int rates_scalar(void *ctx, const cj_path_t *p, const cj_value_t *v) {
  rates_ctx_t *x = ctx;
  if (p->depth < 2 || !p->el[0].is_index)
    return 0;
  if (p->depth == 2 && cj_key(p, 1, "pool_id")) {
    x->have_id = cj_int64(v, &x->cur.id) == 0;
    return 0;
  }
  if (p->depth != 3)
    return 0;
  if (cj_key(p, 1, "client_io_rate"))
    cj_set_field(client_fields, CJ_NFIELDS(client_fields), p->el[2].key,
                 &x->cur, v);
  else if (cj_key(p, 1, "recovery_rate"))
    cj_set_field(recovery_fields, CJ_NFIELDS(recovery_fields), p->el[2].key,
                 &x->cur, v);
  return 0;
}

static int rates_end(void *ctx, const cj_path_t *p) {
  rates_ctx_t *x = ctx;
  if (p->depth == 0)
    return 0;
  x->is_list = 1; /* the document has an element: it is a list */
  if (p->depth != 1)
    return 0;
  if (x->have_id && cj_push((void **)&x->r->v, &x->r->n, &x->r->cap,
                              &x->cur, sizeof(x->cur)) != 0)
    return x->nomem = 1;
  rate_reset(&x->cur);
  x->have_id = 0;
  return 0;
}

cj_status_t ceph_pool_rates_parse(const char *buf, size_t len,
                                  ceph_pool_rates_t *out, char *err,
                                  size_t errlen) {
  memset(out, 0, sizeof(*out));
  rates_ctx_t x = {.r = out};
  rate_reset(&x.cur);
  cj_handler_t h = {.scalar = rates_scalar, .end = rates_end};
  cj_status_t ret = cj_walk(buf, len, &h, &x, err, errlen);
  if (x.nomem)
    ret = CJ_ERR_NOMEM;
  /* An empty list (no pools) is valid; a reply with elements but no
   * pool_id in any is not osd pool stats. */
  ret = cj_finish(ret, x.nomem, !x.is_list || out->n > 0,
                  "no pool_id in the osd pool stats reply", err, errlen);
  if (ret != CJ_OK)
    ceph_pool_rates_free(out);
  return ret;
}

void ceph_pool_rates_free(ceph_pool_rates_t *r) {
  cj_array_free((void **)&r->v, &r->n, &r->cap);
}

const ceph_pool_rate_t *ceph_pool_rate(const ceph_pool_rates_t *r,
                                       int64_t id) {
  for (size_t i = 0; i < r->n; i++)
    if (r->v[i].id == id)
      return &r->v[i];
  return NULL;
}

/* ------------------------------------------------------------ osd perf */
typedef struct {
  ceph_osd_perf_t *p;
  ceph_osd_lat_t cur;
  double commit_ns, apply_ns; /* NaN: absent */
  int have_id, nomem, seen_list;
} perf_ctx_t;

static void lat_reset(perf_ctx_t *x) {
  x->cur.id = -1;
  x->cur.commit_s = x->cur.apply_s = NAN;
  x->commit_ns = x->apply_ns = NAN;
  x->have_id = 0;
}

/* The depth of the osd_perf_infos key in p (0 or 1: with or without the
 * osdstats wrapper), or -1. */
static int infos_at(const cj_path_t *p) {
  for (int k = 0; k < 2 && k < p->depth; k++)
    if (cj_key(p, k, "osd_perf_infos"))
      return k;
  return -1;
}

static int perf_scalar(void *ctx, const cj_path_t *p, const cj_value_t *v) {
  perf_ctx_t *x = ctx;
  if (p->depth == 1 && cj_key(p, 0, "pg_ready")) {
    x->p->pg_ready = v->type == CJ_BOOL ? v->b : -1;
    return 0;
  }
  int k = infos_at(p);
  if (k < 0)
    return 0;
  x->seen_list = 1;
  if (p->depth == k + 3 && cj_key(p, k + 2, "id")) {
    x->have_id = cj_int64(v, &x->cur.id) == 0;
    return 0;
  }
  if (p->depth != k + 4 || !cj_key(p, k + 2, "perf_stats"))
    return 0;
  const char *n = p->el[k + 3].key;
  if (strcmp(n, "commit_latency_ms") == 0)
    x->cur.commit_s = cj_double(v) * 1e-3;
  else if (strcmp(n, "apply_latency_ms") == 0)
    x->cur.apply_s = cj_double(v) * 1e-3;
  else if (strcmp(n, "commit_latency_ns") == 0)
    x->commit_ns = cj_double(v);
  else if (strcmp(n, "apply_latency_ns") == 0)
    x->apply_ns = cj_double(v);
  return 0;
}

static int perf_end(void *ctx, const cj_path_t *p) {
  perf_ctx_t *x = ctx;
  int k = infos_at(p);
  if (k >= 0 && p->depth == k + 1)
    x->seen_list = 1; /* the (possibly empty) list itself */
  if (k < 0 || p->depth != k + 2)
    return 0;
  if (!isnan(x->commit_ns))
    x->cur.commit_s = x->commit_ns * 1e-9;
  if (!isnan(x->apply_ns))
    x->cur.apply_s = x->apply_ns * 1e-9;
  if (x->have_id && cj_push((void **)&x->p->v, &x->p->n, &x->p->cap,
                              &x->cur, sizeof(x->cur)) != 0)
    return x->nomem = 1;
  lat_reset(x);
  return 0;
}

cj_status_t ceph_osd_perf_parse(const char *buf, size_t len,
                                ceph_osd_perf_t *out, char *err,
                                size_t errlen) {
  memset(out, 0, sizeof(*out));
  out->pg_ready = -1;
  perf_ctx_t x = {.p = out};
  lat_reset(&x);
  cj_handler_t h = {.scalar = perf_scalar, .end = perf_end};
  cj_status_t ret = cj_walk(buf, len, &h, &x, err, errlen);
  ret = cj_finish(ret, x.nomem, x.seen_list,
                  "no osd_perf_infos in the osd perf reply", err, errlen);
  if (ret != CJ_OK)
    ceph_osd_perf_free(out);
  return ret;
}

void ceph_osd_perf_free(ceph_osd_perf_t *p) {
  cj_array_free((void **)&p->v, &p->n, &p->cap);
}

const ceph_osd_lat_t *ceph_osd_lat(const ceph_osd_perf_t *p, int64_t id) {
  for (size_t i = 0; i < p->n; i++)
    if (p->v[i].id == id)
      return &p->v[i];
  return NULL;
}
