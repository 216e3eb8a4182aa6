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

/* The PG counts of pool `id` in this poll's PG lists, or NULL. */
static const ceph_pool_pgs_t *pool_pgs(const ch_poll_t *p, int64_t id) {
  for (size_t j = 0; j < p->pools.n; j++)
    if (p->pools.v[j].id == id)
      return &p->pools.v[j];
  return NULL;
}

/* The cluster's redundancy margin: the smallest over the pools of the osd
 * map (NaN without pgs_brief and osd dump, or if no pool has one). */
static double cluster_margin(const ch_poll_t *p) {
  double m = NAN;
  for (size_t i = 0; p->have_pgs && p->have_dump && i < p->dump.n_pools;
       i++) {
    const ceph_pool_pgs_t *pp = pool_pgs(p, p->dump.pools[i].id);
    double v = ceph_redundancy_margin(pp, p->dump.pools[i].min_size);
    if (!isnan(v) && (isnan(m) || v < m))
      m = v;
  }
  return m;
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
  s->pgs.margin = cluster_margin(p);
  if (p->have_dump) {
    s->nearfull_ratio = p->dump.nearfull_ratio;
    s->backfillfull_ratio = p->dump.backfillfull_ratio;
    s->full_ratio = p->dump.full_ratio;
    for (int i = 0; i < CEPH_NFLAGS; i++)
      s->flag[i] = p->dump.flag[i];
  }
  if (p->have_df)
    ceph_fullness(&p->df, p->have_dump ? &p->dump : NULL, &s->fullness);
}

/* The recovery ETA: remaining degraded + misplaced object copies over
 * the recovery rate Ceph reports (pgmap recovering_objects_per_sec, the
 * mgr's rate over its last stats period; absent = 0), smoothed by an EWMA
 * with time constant RecoveryWindow on the monotonic clock.  Idle (nothing
 * remaining), no status, or no mgr (the status digest is then the last
 * one): NaN, and the smoothing starts over. */
static void recovery_eta(ch_instance_t *in, const ch_poll_t *p, double now,
                         ch_cluster_snap_t *s) {
  const ceph_status_t *st = &p->status;
  double remaining = p->have_status && st->mgr_available > 0
                         ? st->degraded_objects + st->misplaced_objects
                         : NAN;
  if (!(remaining > 0)) {
    ceph_ewma_reset(&in->rec_rate);
    s->rec_rate_smoothed = s->recovery_eta = NAN;
    return;
  }
  s->rec_rate_smoothed = ceph_ewma_update(
      &in->rec_rate, now, st->recovering_objects_per_sec, in->recovery_window);
  s->recovery_eta = ceph_recovery_eta(remaining, s->rec_rate_smoothed);
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

/* Space of pool `id` from df detail: zero when the pool is in the osd map
 * but not (yet) in df, NaN when df did not answer. */
static void pool_space(const ch_poll_t *p, int64_t id,
                       ch_pool_space_snap_t *s) {
  const ceph_df_pool_t *d = p->have_space ? ceph_df_pool(&p->space, id) : NULL;
  double zero = p->have_space ? 0 : NAN;
  s->stored = d ? d->stored : zero;
  s->used = d ? d->bytes_used : zero;
  s->percent_used = d ? d->percent_used * 100.0 : zero;
  s->max_avail = d ? d->max_avail : NAN;
  s->objects = d ? d->objects : zero;
  s->quota_bytes = d ? d->quota_bytes : NAN;
  s->quota_objects = d ? d->quota_objects : NAN;
  s->quota_head_bytes = d ? ceph_quota_headroom(d->quota_bytes, d->stored)
                          : NAN;
  s->quota_head_objects =
      d ? ceph_quota_headroom(d->quota_objects, d->objects) : NAN;
}

/* Rates of pool `id` from osd pool stats: zero when the pool is in the osd
 * map but not in the reply (idle, or created since), NaN when it did not
 * answer. */
static void pool_io(const ch_poll_t *p, int64_t id, ch_pool_io_snap_t *s) {
  const ceph_pool_rate_t *r =
      p->have_rates ? ceph_pool_rate(&p->rates, id) : NULL;
  double zero = p->have_rates ? 0 : NAN;
  s->rd_bytes = r ? r->rd_bytes : zero;
  s->wr_bytes = r ? r->wr_bytes : zero;
  s->rd_ops = r ? r->rd_ops : zero;
  s->wr_ops = r ? r->wr_ops : zero;
  s->rec_objects = r ? r->rec_objects : zero;
  s->rec_bytes = r ? r->rec_bytes : zero;
  s->rec_keys = r ? r->rec_keys : zero;
}

static void dispatch_pools(const ch_instance_t *in, const ch_poll_t *p) {
  char pi[DATA_MAX_NAME_LEN];
  ch_pgs_snap_t s;
  ch_pool_space_snap_t sp;
  ch_pool_io_snap_t io;
  /* Every pool of the osd map (NaN when the mgr did not answer) ... */
  for (size_t i = 0; p->have_dump && i < p->dump.n_pools; i++) {
    const ceph_pool_pgs_t *pp = pool_pgs(p, p->dump.pools[i].id);
    pgs_nan(&s);
    if (p->have_pgs && pp != NULL)
      pgs_counts(&s, &pp->pgs);
    else if (p->have_pgs) /* a pool with no PG listed: zero */
      memset(&s, 0, offsetof(ch_pgs_snap_t, stuck));
    if (p->have_stuck) {
      ceph_stuck_t none = {{0}, 0, 0};
      pgs_stuck(&s, pp != NULL ? &pp->stuck : &none);
    }
    if (p->have_pgs)
      s.margin = ceph_redundancy_margin(pp, p->dump.pools[i].min_size);
    pool_instance(in, p->dump.pools[i].name, p->dump.pools[i].id, pi,
                  sizeof(pi));
    cdu_dispatch_table(PLUGIN, pi, ch_pool_metrics,
                       ch_pool_metrics_n, &s);
    pool_space(p, p->dump.pools[i].id, &sp);
    cdu_dispatch_table(PLUGIN, pi, ch_pool_space_metrics,
                       ch_pool_space_metrics_n, &sp);
    pool_io(p, p->dump.pools[i].id, &io);
    cdu_dispatch_table(PLUGIN, pi, ch_pool_io_metrics, ch_pool_io_metrics_n,
                       &io);
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

/* The per-OSD values of one `osd df` node (NaN where it has no size). */
static void osd_snapshot(const ch_poll_t *p, const ceph_osd_df_node_t *n,
                         ch_osd_snap_t *s) {
  double nf = p->have_dump ? p->dump.nearfull_ratio : NAN;
  double bf = p->have_dump ? p->dump.backfillfull_ratio : NAN;
  double fu = p->have_dump ? p->dump.full_ratio : NAN;
  bool sized = n->kb > 0; /* a down OSD never seen reports no size */
  s->up = n->up;
  s->utilization = sized ? n->utilization : NAN;
  s->headroom_nearfull = sized ? ceph_headroom(nf, n->utilization) : NAN;
  s->headroom_backfillfull = sized ? ceph_headroom(bf, n->utilization) : NAN;
  s->headroom_full = sized ? ceph_headroom(fu, n->utilization) : NAN;
  s->in = isnan(n->reweight) ? NAN : n->reweight > 0;
  s->crush_weight = n->crush_weight;
  s->reweight = n->reweight;
  s->pgs = n->pgs;
  s->bytes_used = sized ? n->kb_used * 1024.0 : NAN;
  s->bytes_avail = sized ? n->kb_avail * 1024.0 : NAN;
  s->bytes_total = sized ? n->kb * 1024.0 : NAN;
}

/* Commit / apply latency of OSD `id` from osd perf (NaN if not listed). */
static void osd_latency(const ch_poll_t *p, int64_t id, ch_osd_snap_t *s) {
  const ceph_osd_lat_t *l = p->have_perf ? ceph_osd_lat(&p->perf, id) : NULL;
  if (l != NULL) {
    s->commit_latency = l->commit_s;
    s->apply_latency = l->apply_s;
  }
}

/* The fill history of OSD `id`, added if new (NULL on ENOMEM). */
static ceph_fill_t *osd_fill(ch_instance_t *in, int64_t id) {
  for (size_t i = 0; i < in->n_fills; i++)
    if (in->fills[i].id == id)
      return &in->fills[i].used;
  ch_osd_fill_t *v = realloc(in->fills, (in->n_fills + 1) * sizeof(*v));
  if (v == NULL)
    return NULL;
  in->fills = v;
  v[in->n_fills].id = id;
  ceph_fill_init(&v[in->n_fills].used);
  return &v[in->n_fills++].used;
}

#define CH_FILL_MIN_SAMPLES 3 /* a slope from fewer is noise: NaN */

/* Seconds until the OSD's used bytes reach backfillfull / full at the
 * least-squares slope of the last FillWindow s (monotonic time). */
static void osd_time_to_full(ch_instance_t *in, const ch_poll_t *p,
                             const ceph_osd_df_node_t *n, double now,
                             ch_osd_snap_t *s) {
  ceph_fill_t *f = n->kb > 0 ? osd_fill(in, n->id) : NULL;
  if (f == NULL)
    return; /* no size (never reported) or no memory: NaN */
  double used = n->kb_used * 1024.0, size = n->kb * 1024.0; /* bytes */
  ceph_fill_add(f, now, used, in->fill_window);
  double slope = ceph_fill_slope(f, CH_FILL_MIN_SAMPLES); /* bytes/s */
  double bf = p->have_dump ? p->dump.backfillfull_ratio * size : NAN;
  double fu = p->have_dump ? p->dump.full_ratio * size : NAN;
  s->until_backfillfull = ceph_time_to_limit(bf, used, slope);
  s->until_full = ceph_time_to_limit(fu, used, slope);
}

/* The OSD's failure domain in each projected root that holds it, as an
 * info value: ceph_health_domain-<type>.<bucket> = 1. */
static void dispatch_domain(const ch_poll_t *p, const ceph_roots_hr_t *roots,
                            int64_t id, const char *pi) {
  for (size_t r = 0; roots != NULL && r < roots->n; r++) {
    const ceph_root_hr_t *e = &roots->v[r];
    if (!ceph_crush_under(&p->crush, id, e->id))
      continue;
    const ceph_crush_node_t *d =
        ceph_crush_ancestor(&p->crush, id, e->domain_type);
    char ti[DATA_MAX_NAME_LEN];
    int w = snprintf(ti, sizeof(ti), "%s.%s", e->domain_type,
                     d != NULL ? d->name : "none");
    if (w < 0 || (size_t)w >= sizeof(ti))
      ti[sizeof(ti) - 1] = 0;
    cdu_dispatch_gauge(PLUGIN, pi, ch_domain_metrics[0].type, ti, 1);
  }
}

static void dispatch_osds(ch_instance_t *in, const ch_poll_t *p,
                          const ceph_roots_hr_t *roots, double now) {
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
    ch_osd_snap_t s;
    double *d = (double *)&s;
    for (size_t k = 0; k < sizeof(s) / sizeof(double); k++)
      d[k] = NAN;
    if (p->have_df) {
      osd_snapshot(p, &p->df.v[i], &s);
      osd_time_to_full(in, p, &p->df.v[i], now, &s);
    }
    osd_latency(p, in->osd_ids[i], &s);
    int w = snprintf(pi, sizeof(pi), "%s-osd.%lld", in->name,
                     (long long)in->osd_ids[i]);
    if (w < 0 || (size_t)w >= sizeof(pi))
      pi[sizeof(pi) - 1] = 0;
    cdu_dispatch_table(PLUGIN, pi, ch_osd_metrics,
                       ch_osd_metrics_n, &s);
    dispatch_domain(p, roots, in->osd_ids[i], pi);
  }
}

/* Each mon's clock skew, latency and verdict, when the reply holds the
 * leader's table (with one mon, or from a mon that is not the leader,
 * there is none: nothing is dispatched, no stale value either). */
static void dispatch_mons(const ch_instance_t *in, const ch_poll_t *p) {
  char pi[DATA_MAX_NAME_LEN];
  for (size_t i = 0; p->have_timesync && i < p->timesync.n; i++) {
    const ceph_mon_skew_t *m = &p->timesync.mons[i];
    ch_mon_snap_t s = {m->skew, m->latency,
                       m->health < 0 ? NAN : m->health};
    int w = snprintf(pi, sizeof(pi), "%s-mon.%s", in->name, m->name);
    if (w < 0 || (size_t)w >= sizeof(pi))
      pi[sizeof(pi) - 1] = 0;
    cdu_dispatch_table(PLUGIN, pi, ch_mon_metrics, ch_mon_metrics_n, &s);
  }
}

/* "<cluster>-root-<name>" (truncated names stay usable). */
static void root_instance(const ch_instance_t *in, const char *name,
                          char *buf, size_t size) {
  int n = snprintf(buf, size, "%s-root-%s", in->name, name);
  if (n < 0 || (size_t)n >= size)
    buf[size - 1] = 0;
}

/* The tracked state of root `name`, added if new (NULL when full). */
static ch_root_state_t *root_state(ch_instance_t *in, const char *name) {
  for (size_t i = 0; i < in->n_roots; i++)
    if (strcmp(in->roots[i].root, name) == 0)
      return &in->roots[i];
  if (in->n_roots >= CH_MAX_ROOTS)
    return NULL;
  ch_root_state_t *r = &in->roots[in->n_roots++];
  memset(r, 0, sizeof(*r));
  sstrncpy(r->root, name, sizeof(r->root));
  return r;
}

/* Notify when the most damaging domain changes or the projection starts
 * or stops crossing backfillfull: WARNING while it crosses, else OKAY. */
static void notify_root(ch_instance_t *in, ch_root_state_t *st,
                        const ceph_root_hr_t *e, const char *pi,
                        double head_bf) {
  int crossing = head_bf < 0;
  if (strcmp(st->worst_domain, e->worst_domain) == 0 &&
      st->crossing == crossing)
    return;
  bool first = st->worst_domain[0] == 0;
  sstrncpy(st->worst_domain, e->worst_domain, sizeof(st->worst_domain));
  st->crossing = crossing;
  if (first && !crossing)
    return; /* a healthy start is not news */
  notification_t n = {.severity = crossing ? NOTIF_WARNING : NOTIF_OKAY,
                      .time = cdtime()};
  sstrncpy(n.host, hostname_g, sizeof(n.host));
  sstrncpy(n.plugin, PLUGIN, sizeof(n.plugin));
  sstrncpy(n.plugin_instance, pi, sizeof(n.plugin_instance));
  sstrncpy(n.type, "percent", sizeof(n.type));
  sstrncpy(n.type_instance, "after_domain_loss", sizeof(n.type_instance));
  int w = snprintf(n.message, sizeof(n.message),
           PLUGIN " plugin: Cluster \"%s\": losing %s %s of root %s would "
                  "fill osd.%lld to %.1f %% (%.1f points %s backfillfull)",
           in->name, e->domain_type, e->worst_domain, e->name,
           (long long)e->hr.worst_osd, e->hr.worst_util, fabs(head_bf),
           crossing ? "over" : "below");
  if (w < 0)
    return;
  plugin_dispatch_notification(&n); /* a long message is truncated */
}

static void dispatch_roots_nan(const ch_instance_t *in,
                               const ceph_roots_hr_t *roots);

static void dispatch_roots(ch_instance_t *in, const ch_poll_t *p,
                           const ceph_roots_hr_t *roots) {
  char pi[DATA_MAX_NAME_LEN];
  double bf = p->have_dump ? p->dump.backfillfull_ratio : NAN;
  double fu = p->have_dump ? p->dump.full_ratio : NAN;
  for (size_t r = 0; roots != NULL && r < roots->n; r++) {
    const ceph_root_hr_t *e = &roots->v[r];
    ch_root_snap_t s = {(double)e->n_osds, (double)e->hr.n_domains,
                        e->hr.worst_util,
                        ceph_headroom(bf, e->hr.worst_util),
                        ceph_headroom(fu, e->hr.worst_util)};
    root_instance(in, e->name, pi, sizeof(pi));
    cdu_dispatch_table(PLUGIN, pi, ch_root_metrics, ch_root_metrics_n, &s);
    ch_root_state_t *st = root_state(in, e->name);
    if (st != NULL && e->worst_domain[0] != 0 && !isnan(s.head_backfillfull))
      notify_root(in, st, e, pi, s.head_backfillfull);
  }
  dispatch_roots_nan(in, roots);
}

/* Roots reported before but not in `roots` (NULL: none computable): NaN. */
static void dispatch_roots_nan(const ch_instance_t *in,
                               const ceph_roots_hr_t *roots) {
  char pi[DATA_MAX_NAME_LEN];
  for (size_t i = 0; i < in->n_roots; i++) {
    bool now = false;
    for (size_t r = 0; roots != NULL && r < roots->n && !now; r++)
      now = strcmp(roots->v[r].name, in->roots[i].root) == 0;
    if (now)
      continue;
    root_instance(in, in->roots[i].root, pi, sizeof(pi));
    cdu_dispatch_table(PLUGIN, pi, ch_root_metrics, ch_root_metrics_n, NULL);
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

/* The loss projection per root, if every reply it needs came. */
static bool compute_roots(const ch_instance_t *in, const ch_poll_t *p,
                          ceph_roots_hr_t *roots) {
  if (!(p->have_crush && p->have_rules && p->have_dump && p->have_df))
    return false;
  if (ceph_roots_headroom(&p->crush, &p->rules, &p->dump, &p->df, roots) !=
      0) {
    ERROR(PLUGIN " plugin: Cluster \"%s\": out of memory projecting the "
                 "loss of a failure domain; those values are NaN.",
          in->name);
    return false;
  }
  return true;
}

void ch_dispatch(ch_instance_t *in, const ch_poll_t *p, double now) {
  ch_cluster_snap_t s;
  ceph_roots_hr_t roots;
  bool have_roots = compute_roots(in, p, &roots);
  cluster_snapshot(p, &s);
  recovery_eta(in, p, now, &s);
  cdu_dispatch_table(PLUGIN, in->name, ch_cluster_metrics,
                     ch_cluster_metrics_n, &s);
  cdu_dispatch_table(PLUGIN, in->name, ch_cluster_pg_metrics,
                     ch_cluster_pg_metrics_n, &s.pgs);
  dispatch_checks(in, p->have_status ? p : NULL);
  dispatch_mons(in, p);
  if (in->report_pools)
    dispatch_pools(in, p);
  if (in->report_osds)
    dispatch_osds(in, p, have_roots ? &roots : NULL, now);
  dispatch_roots(in, p, have_roots ? &roots : NULL);
  if (have_roots)
    ceph_roots_hr_free(&roots);
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
  ceph_ewma_reset(&in->rec_rate);
  cdu_dispatch_table(PLUGIN, in->name, ch_cluster_metrics,
                     ch_cluster_metrics_n, NULL);
  cdu_dispatch_table(PLUGIN, in->name, ch_cluster_pg_metrics,
                     ch_cluster_pg_metrics_n, NULL);
  dispatch_checks(in, NULL);
  dispatch_roots_nan(in, NULL);
}
