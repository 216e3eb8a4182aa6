/* SPDX-License-Identifier: MIT
 * ceph_health_dispatch - one poll's parsed replies -> snapshots -> values
 * (through the metric tables of ceph_health_metrics.c) and notifications.
 * Units: counts as plain numbers, ratios 0..1, utilisation in %, headroom
 * in percentage points (ratio*100 - utilisation; negative = over), ages in
 * seconds. */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"

#include "plugins/ceph_health_int.h"

#include <math.h>

static void pgs_nan(ch_pgs_snap_t *s) {
  double *d = (double *)s;
  for (size_t i = 0; i < sizeof(*s) / sizeof(double); i++)
    d[i] = NAN;
}

static void pgs_counts(ch_pgs_snap_t *s, const ceph_pg_counts_t *c) {
  s->total = (double)c->total;
  for (int i = 0; i < CEPH_PG_NSTATES; i++)
    s->state[i] = (double)c->state[i];
  s->inactive = (double)c->inactive;
  s->unclean = (double)c->unclean;
  s->unrecognised = (double)c->unknown;
}

static void pgs_stuck(ch_pgs_snap_t *s, const ceph_stuck_t *st) {
  for (int i = 0; i < CEPH_NSTUCK; i++)
    s->stuck[i] = (double)st->n[i];
  s->stuck_any = (double)st->any;
  s->stuck_oldest_s = st->oldest_s;
}

/* The values of the `status` reply (served by the mon). */
static void status_snapshot(const ceph_status_t *st, ch_cluster_snap_t *s) {
  s->health = st->health < 0 ? NAN : st->health;
  s->osds_total = st->osds_total, s->osds_up = st->osds_up;
  s->osds_in = st->osds_in, s->mons_total = st->mons_total;
  s->mons_quorum = st->mons_quorum, s->mgr_available = st->mgr_available;
  pgs_counts(&s->pgs, &st->pgs);
  s->objects = st->objects, s->degraded = st->degraded_objects;
  s->misplaced = st->misplaced_objects, s->unfound = st->unfound_objects;
  s->degraded_ratio = st->degraded_ratio;
  s->misplaced_ratio = st->misplaced_ratio;
  s->unfound_ratio = st->unfound_ratio;
  s->inactive_ratio = st->inactive_pgs_ratio;
  s->rec_objects = st->recovering_objects_per_sec;
  s->rec_bytes = st->recovering_bytes_per_sec;
  s->rec_keys = st->recovering_keys_per_sec;
  s->bytes_used = st->bytes_used, s->bytes_avail = st->bytes_avail;
  s->bytes_total = st->bytes_total, s->bytes_data = st->data_bytes;
}

/* Each reply fills its own values; a reply missing or not parsed leaves
 * them NaN (never its partial parse). */
static void cluster_snapshot(const ch_poll_t *p, ch_cluster_snap_t *s) {
  double *d = (double *)s;
  for (size_t i = 0; i < sizeof(*s) / sizeof(double); i++)
    d[i] = NAN;
  if (p->have_status)
    status_snapshot(&p->status, s);
  if (p->have_stuck)
    pgs_stuck(&s->pgs, &p->pools.stuck);
  if (p->have_dump) {
    s->nearfull_ratio = p->dump.nearfull_ratio;
    s->backfillfull_ratio = p->dump.backfillfull_ratio;
    s->full_ratio = p->dump.full_ratio;
    for (int i = 0; i < CEPH_NFLAGS; i++)
      s->flag[i] = p->dump.flag[i];
  }
  if (p->have_df) {
    ceph_fullness_t f;
    ceph_fullness(&p->df, p->have_dump ? &p->dump : NULL, &f);
    s->max_util = f.max_utilization;
    s->min_head_nearfull = f.min_headroom_nearfull;
    s->min_head_backfillfull = f.min_headroom_backfillfull;
    s->min_head_full = f.min_headroom_full;
    s->over_nearfull = f.osds_over_nearfull;
    s->over_backfillfull = f.osds_over_backfillfull;
    s->over_full = f.osds_over_full;
  }
}

/* "<cluster>-pool-<name>", '/' (an identifier separator) replaced. */
static void pool_instance(const ch_instance_t *in, const char *name,
                          int64_t id, char *buf, size_t size) {
  int n = name != NULL
              ? snprintf(buf, size, "%s-pool-%s", in->name, name)
              : snprintf(buf, size, "%s-pool-%lld", in->name, (long long)id);
  if (n < 0 || (size_t)n >= size) /* truncated: still a usable name */
    buf[size - 1] = 0;
  for (char *c = buf; *c; c++)
    if (*c == '/')
      *c = '_';
}

static void dispatch_pools(const ch_instance_t *in, const ch_poll_t *p) {
  char pi[DATA_MAX_NAME_LEN];
  ch_pgs_snap_t s;
  /* Every pool of the osd map (NaN when the mgr did not answer) ... */
  for (size_t i = 0; p->have_dump && i < p->dump.n_pools; i++) {
    const ceph_pool_pgs_t *pp = NULL;
    for (size_t j = 0; j < p->pools.n && pp == NULL; j++)
      if (p->pools.v[j].id == p->dump.pools[i].id)
        pp = &p->pools.v[j];
    pgs_nan(&s);
    if (p->have_pgs && pp != NULL)
      pgs_counts(&s, &pp->pgs);
    else if (p->have_pgs) /* a pool with no PG listed: zero */
      memset(&s, 0, offsetof(ch_pgs_snap_t, stuck));
    if (p->have_stuck) {
      ceph_stuck_t none = {{0}, 0, 0};
      pgs_stuck(&s, pp != NULL ? &pp->stuck : &none);
    }
    pool_instance(in, p->dump.pools[i].name, p->dump.pools[i].id, pi,
                  sizeof(pi));
    cdu_dispatch_table(PLUGIN, pi, ch_pool_metrics,
                       ch_pool_metrics_n, &s);
  }
  /* ... and pools seen in the PG lists but not (yet) in the osd map. */
  for (size_t j = 0; (p->have_pgs || p->have_stuck) && j < p->pools.n; j++) {
    const ceph_pool_pgs_t *pp = &p->pools.v[j];
    if (p->have_dump && ceph_osd_dump_pool_name(&p->dump, pp->id) != NULL)
      continue;
    pgs_nan(&s);
    if (p->have_pgs)
      pgs_counts(&s, &pp->pgs);
    if (p->have_stuck)
      pgs_stuck(&s, &pp->stuck);
    pool_instance(in, NULL, pp->id, pi, sizeof(pi));
    cdu_dispatch_table(PLUGIN, pi, ch_pool_metrics,
                       ch_pool_metrics_n, &s);
  }
}

static void dispatch_osds(ch_instance_t *in, const ch_poll_t *p) {
  char pi[DATA_MAX_NAME_LEN];
  if (p->have_df) { /* remember the OSD list for the NaN case */
    int64_t *ids = realloc(in->osd_ids, (p->df.n + 1) * sizeof(*ids));
    if (ids != NULL) {
      in->osd_ids = ids;
      in->n_osd_ids = p->df.n;
      for (size_t i = 0; i < p->df.n; i++)
        ids[i] = p->df.v[i].id;
    }
  }
  for (size_t i = 0; i < in->n_osd_ids; i++) {
    ch_osd_snap_t s = {NAN, NAN, NAN, NAN, NAN};
    const ceph_osd_df_node_t *n = p->have_df ? &p->df.v[i] : NULL;
    if (n != NULL) {
      double nf = p->have_dump ? p->dump.nearfull_ratio : NAN;
      double bf = p->have_dump ? p->dump.backfillfull_ratio : NAN;
      double fu = p->have_dump ? p->dump.full_ratio : NAN;
      bool sized = n->kb > 0; /* a down OSD never seen reports no size */
      s.up = n->up;
      s.utilization = sized ? n->utilization : NAN;
      s.headroom_nearfull = sized ? ceph_headroom(nf, n->utilization) : NAN;
      s.headroom_backfillfull =
          sized ? ceph_headroom(bf, n->utilization) : NAN;
      s.headroom_full = sized ? ceph_headroom(fu, n->utilization) : NAN;
    }
    int w = snprintf(pi, sizeof(pi), "%s-osd.%lld", in->name,
                     (long long)in->osd_ids[i]);
    if (w < 0 || (size_t)w >= sizeof(pi))
      pi[sizeof(pi) - 1] = 0;
    cdu_dispatch_table(PLUGIN, pi, ch_osd_metrics,
                       ch_osd_metrics_n, &s);
  }
}

/* Index of a tracked check code, added if new (known codes first). */
static ch_tracked_t *track(ch_instance_t *in, const char *code) {
  if (in->n_checks == 0)
    for (size_t i = 0; i < ch_known_checks_n; i++)
      sstrncpy(in->checks[in->n_checks++].code, ch_known_checks[i],
               CEPH_CHECK_CODE_MAX);
  for (size_t i = 0; code != NULL && i < in->n_checks; i++)
    if (strcmp(in->checks[i].code, code) == 0)
      return &in->checks[i];
  if (code == NULL || in->n_checks >= CH_MAX_TRACKED)
    return NULL;
  ch_tracked_t *t = &in->checks[in->n_checks++];
  memset(t, 0, sizeof(*t));
  sstrncpy(t->code, code, sizeof(t->code));
  return t;
}

static void dispatch_checks(ch_instance_t *in, const ch_poll_t *p) {
  const ceph_status_t *st = p != NULL ? &p->status : NULL;
  for (size_t i = 0; st != NULL && i < st->n_checks; i++)
    track(in, st->checks[i].code);
  track(in, NULL); /* the known codes even when nothing is active */
  for (size_t i = 0; i < in->n_checks; i++) {
    ch_tracked_t *t = &in->checks[i];
    const ceph_check_t *c = st ? ceph_status_check(st, t->code) : NULL;
    double v[3] = {NAN, NAN, NAN};
    if (st != NULL) {
      v[0] = c != NULL;
      v[1] = c != NULL ? c->severity : 0;
      v[2] = c != NULL && c->muted;
    }
    for (size_t k = 0; k < ch_check_metrics_n; k++)
      cdu_dispatch_gauge(PLUGIN, in->name, ch_check_metrics[k].type, t->code,
                         v[k]);
    if (st == NULL)
      continue;
    /* A muted check raises no notification (that is what muting is for). */
    int raised = c != NULL && !c->muted;
    cdu_notify_change(&t->notified, raised,
                      !raised ? NOTIF_OKAY
                              : (c->severity >= 2 ? NOTIF_FAILURE
                                                  : NOTIF_WARNING),
                      PLUGIN, in->name, "ceph_health_check", t->code,
                      PLUGIN " plugin: Cluster \"%s\": health check %s %s%s",
                      in->name, t->code, raised ? "raised" : "cleared",
                      raised ? (c->severity >= 2 ? " (HEALTH_ERR)"
                                                 : " (HEALTH_WARN)")
                             : "");
  }
}

void ch_dispatch(ch_instance_t *in, const ch_poll_t *p) {
  ch_cluster_snap_t s;
  cluster_snapshot(p, &s);
  cdu_dispatch_table(PLUGIN, in->name, ch_cluster_metrics,
                     ch_cluster_metrics_n, &s);
  cdu_dispatch_table(PLUGIN, in->name, ch_cluster_pg_metrics,
                     ch_cluster_pg_metrics_n, &s.pgs);
  dispatch_checks(in, p->have_status ? p : NULL);
  if (in->report_pools)
    dispatch_pools(in, p);
  if (in->report_osds)
    dispatch_osds(in, p);
  const char *odd = p->have_status && p->status.unknown_state[0]
                        ? p->status.unknown_state
                    : p->have_pgs ? p->pools.unknown_state
                                  : "";
  if (odd[0] != 0 && !in->warned_unknown_state) {
    in->warned_unknown_state = true; /* counted every time, logged once */
    NOTICE(PLUGIN " plugin: Cluster \"%s\": PG state \"%s\" has a component "
                  "this plugin does not know; counted in "
                  "ceph_health_pgs-unrecognised_state.",
           in->name, odd);
  }
  static const int sev[] = {NOTIF_OKAY, NOTIF_WARNING, NOTIF_FAILURE};
  static const char *const names[] = {"HEALTH_OK", "HEALTH_WARN",
                                      "HEALTH_ERR"};
  int h = p->have_status ? p->status.health : -1;
  if (h >= 0 && h <= 2)
    cdu_notify_change(&in->health_state, h, sev[h], PLUGIN, in->name,
                      "ceph_health_status", "",
                      PLUGIN " plugin: Cluster \"%s\": health is now %s "
                             "(%zu check(s) active).",
                      in->name, names[h], p->status.n_checks);
}

void ch_dispatch_nan(ch_instance_t *in) {
  cdu_dispatch_table(PLUGIN, in->name, ch_cluster_metrics,
                     ch_cluster_metrics_n, NULL);
  cdu_dispatch_table(PLUGIN, in->name, ch_cluster_pg_metrics,
                     ch_cluster_pg_metrics_n, NULL);
  dispatch_checks(in, NULL);
}
