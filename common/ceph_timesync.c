/* SPDX-License-Identifier: MIT
 * ceph_timesync - per-mon clock skew from time-sync-status (see
 * ceph_timesync.h). */
#include "common/ceph_timesync.h"
#include "common/ceph_status.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  ceph_timesync_t *t;
  int seen, full;
} ts_ctx_t;

/* The entry for mon `name`, added (NaN values) if new; NULL when full. */
static ceph_mon_skew_t *mon_entry(ts_ctx_t *x, const char *name) {
  ceph_timesync_t *t = x->t;
  if (t->n > 0 && strcmp(t->mons[t->n - 1].name, name) == 0)
    return &t->mons[t->n - 1];
  if (t->n >= CEPH_TIMESYNC_MAX) {
    x->full = 1;
    return NULL;
  }
  ceph_mon_skew_t *m = &t->mons[t->n++];
  snprintf(m->name, sizeof(m->name), "%s", name);
  m->skew = m->latency = NAN;
  m->health = -1;
  return m;
}

/* Members of "timechecks" (-1: absent or not an integer). */
static const cj_field_t timecheck_fields[] = {
    CJ_FIELD(ceph_timesync_t, epoch, CJ_F_INT64),
    CJ_FIELD(ceph_timesync_t, round, CJ_F_INT64),
};

static int ts_scalar(void *ctx, const cj_path_t *p, const cj_value_t *v) {
  ts_ctx_t *x = ctx;
  if (p->depth == 2 && cj_key(p, 0, "timechecks")) {
    x->seen = 1;
    cj_set_field(timecheck_fields, CJ_NFIELDS(timecheck_fields), p->el[1].key,
                 x->t, v);
    return 0;
  }
  if (p->depth != 3 || !cj_key(p, 0, "time_skew_status") ||
      p->el[1].is_index)
    return 0;
  ceph_mon_skew_t *m = mon_entry(x, p->el[1].key);
  if (m == NULL)
    return 0;
  if (cj_key(p, 2, "skew"))
    m->skew = cj_double(v);
  else if (cj_key(p, 2, "latency"))
    m->latency = cj_double(v);
  else if (cj_key(p, 2, "health") && v->type == CJ_STRING)
    m->health = ceph_health_level(v->s, v->len);
  return 0;
}

static int ts_end(void *ctx, const cj_path_t *p) {
  ts_ctx_t *x = ctx;
  if (p->depth == 1 && cj_key(p, 0, "time_skew_status"))
    x->seen = x->t->have_table = 1;
  else if (p->depth == 1 && cj_key(p, 0, "timechecks"))
    x->seen = 1;
  return 0;
}

cj_status_t ceph_timesync_parse(const char *buf, size_t len,
                                ceph_timesync_t *out, char *err,
                                size_t errlen) {
  memset(out, 0, sizeof(*out));
  out->epoch = out->round = -1;
  ts_ctx_t x = {.t = out};
  cj_handler_t h = {.scalar = ts_scalar, .end = ts_end};
  cj_status_t ret = cj_walk(buf, len, &h, &x, err, errlen);
  ret =
      cj_finish(ret, 0, x.seen,
                "no time_skew_status or timechecks in the reply", err, errlen);
  if (ret != CJ_OK)
    out->n = 0, out->have_table = 0;
  return ret;
}

const ceph_mon_skew_t *ceph_timesync_mon(const ceph_timesync_t *t,
                                         const char *name) {
  return cj_find_str(t->mons, t->n, sizeof(*t->mons),
                     offsetof(ceph_mon_skew_t, name), name);
}

double ceph_timesync_max_abs_skew(const ceph_timesync_t *t) {
  double m = t->n > 0 ? 0 : NAN;
  for (size_t i = 0; i < t->n; i++) {
    if (isnan(t->mons[i].skew))
      return NAN;
    m = fmax(m, fabs(t->mons[i].skew));
  }
  return m;
}
