/* SPDX-License-Identifier: MIT
 * ceph_rates - `osd pool stats` and `osd perf` replies (see ceph_rates.h). */
#include "common/ceph_rates.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------ osd pool stats */
/* absent = 0: Ceph omits zero rates */
static const ceph_pool_rate_t rate_blank = {.id = -1};

/* Members of each element's client_io_rate and recovery_rate objects
 * (bytes/s, operations/s, objects/s, keys/s). */
static const cj_field_t client_fields[] = {
    CJ_MEMBER("read_bytes_sec", ceph_pool_rate_t, rd_bytes, CJ_F_NUMBER),
    CJ_MEMBER("write_bytes_sec", ceph_pool_rate_t, wr_bytes, CJ_F_NUMBER),
    CJ_MEMBER("read_op_per_sec", ceph_pool_rate_t, rd_ops, CJ_F_NUMBER),
    CJ_MEMBER("write_op_per_sec", ceph_pool_rate_t, wr_ops, CJ_F_NUMBER),
};
static const cj_field_t recovery_fields[] = {
    CJ_MEMBER("recovering_objects_per_sec", ceph_pool_rate_t, rec_objects,
              CJ_F_NUMBER),
    CJ_MEMBER("recovering_bytes_per_sec", ceph_pool_rate_t, rec_bytes,
              CJ_F_NUMBER),
    CJ_MEMBER("recovering_keys_per_sec", ceph_pool_rate_t, rec_keys,
              CJ_F_NUMBER),
};
static const cj_members_t rate_members[] = {
    {"client_io_rate", client_fields, CJ_NFIELDS(client_fields)},
    {"recovery_rate", recovery_fields, CJ_NFIELDS(recovery_fields)},
};

static int rates_end(cj_list_t *l, const cj_path_t *p, int e) {
  (void)e;
  int *is_list = l->ctx;
  if (p->depth > 0)
    *is_list = 1; /* the document has an element: it is a list */
  return 0;
}

/* An empty list (no pools) is valid; a reply with elements but no pool_id
 * in any is not osd pool stats. */
static int rates_found(const cj_list_t *l) {
  const int *is_list = l->ctx;
  return !*is_list || *l->n > 0;
}

static const cj_list_spec_t rates_spec = {
    CJ_RECORDS(ceph_pool_rate_t, "pool_id", id, rate_blank),
    CJ_MEMBERS(rate_members),
    .end = rates_end,
    .found = rates_found,
    .missing = "no pool_id in the osd pool stats reply",
};

cj_status_t ceph_pool_rates_parse(const char *buf, size_t len,
                                  ceph_pool_rates_t *out, char *err,
                                  size_t errlen) {
  int is_list = 0;
  return cj_list_parse(buf, len, &rates_spec, &is_list, CJ_ARRAY(out), err,
                       errlen);
}

void ceph_pool_rates_free(ceph_pool_rates_t *r) { cj_array_free(CJ_ARRAY(r)); }

const ceph_pool_rate_t *ceph_pool_rate(const ceph_pool_rates_t *r,
                                       int64_t id) {
  return cj_find(r->v, r->n, sizeof(*r->v), offsetof(ceph_pool_rate_t, id), id);
}

/* ------------------------------------------------------------ osd perf */
static const ceph_osd_lat_t lat_blank = {-1, NAN, NAN};

typedef struct {
  ceph_osd_perf_t *p;
  double commit_ns, apply_ns; /* of the element being read; NaN: absent */
} perf_ctx_t;

/* The depth of the elements of osd_perf_infos in p (1 or 2: without or
 * with the osdstats wrapper), or -1. */
static int infos_at(const cj_path_t *p) {
  for (int k = 0; k < 2 && k < p->depth; k++)
    if (cj_key(p, k, "osd_perf_infos"))
      return k + 1;
  return -1;
}

static int perf_scalar(cj_list_t *l, const cj_path_t *p, int e,
                       const cj_value_t *v) {
  perf_ctx_t *x = l->ctx;
  ceph_osd_lat_t *cur = l->cur;
  if (p->depth == 1 && cj_key(p, 0, "pg_ready")) {
    x->p->pg_ready = v->type == CJ_BOOL ? v->b : -1;
    return 0;
  }
  if (e < 0)
    return 0;
  l->seen = 1;
  if (p->depth != e + 3 || !cj_key(p, e + 1, "perf_stats"))
    return 0;
  const char *n = p->el[e + 2].key;
  if (strcmp(n, "commit_latency_ms") == 0)
    cur->commit_s = cj_double(v) * 1e-3;
  else if (strcmp(n, "apply_latency_ms") == 0)
    cur->apply_s = cj_double(v) * 1e-3;
  else if (strcmp(n, "commit_latency_ns") == 0)
    x->commit_ns = cj_double(v);
  else if (strcmp(n, "apply_latency_ns") == 0)
    x->apply_ns = cj_double(v);
  return 0;
}

/* An element has ended: its _ns values, when present, replace the _ms. */
static int perf_end(cj_list_t *l, const cj_path_t *p, int e) {
  perf_ctx_t *x = l->ctx;
  ceph_osd_lat_t *cur = l->cur;
  if (e < 0 || p->depth != e + 1)
    return 0;
  if (!isnan(x->commit_ns))
    cur->commit_s = x->commit_ns * 1e-9;
  if (!isnan(x->apply_ns))
    cur->apply_s = x->apply_ns * 1e-9;
  x->commit_ns = x->apply_ns = NAN;
  return 0;
}

static const cj_list_spec_t perf_spec = {
    .at = infos_at,
    CJ_RECORDS(ceph_osd_lat_t, "id", id, lat_blank),
    .scalar = perf_scalar,
    .end = perf_end,
    .missing = "no osd_perf_infos in the osd perf reply",
};

cj_status_t ceph_osd_perf_parse(const char *buf, size_t len,
                                ceph_osd_perf_t *out, char *err,
                                size_t errlen) {
  out->pg_ready = -1;
  perf_ctx_t x = {out, NAN, NAN};
  return cj_list_parse(buf, len, &perf_spec, &x, CJ_ARRAY(out), err, errlen);
}

void ceph_osd_perf_free(ceph_osd_perf_t *p) { cj_array_free(CJ_ARRAY(p)); }

const ceph_osd_lat_t *ceph_osd_lat(const ceph_osd_perf_t *p, int64_t id) {
  return cj_find(p->v, p->n, sizeof(*p->v), offsetof(ceph_osd_lat_t, id), id);
}
