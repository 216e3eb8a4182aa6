/* SPDX-License-Identifier: MIT
 * ceph_health plugin - placement-group health of a Ceph cluster: health
 * status and checks, PG states per pool, stuck PGs and their age,
 * degraded/misplaced/unfound objects, OSDs filling up.
 * Source: librados mon commands (status, osd dump, time-sync-status,
 * pg dump pgs_brief,
 * osd df, pg dump_stuck, df detail, osd crush tree, osd crush rule dump,
 * osd pool stats, osd perf;
 * quorum_status with LeaderOnly), JSON output.
 * Privileges: none; a read-only key (mon 'allow r' mgr 'allow r').
 */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"

#include "plugins/ceph_health_int.h"

#include <math.h>
#include <time.h>

/* Seam for the plugin test: the local-address test of LeaderOnly. */
static int (*ch_is_local)(const char *host) = chr_is_local_address;

void ch_instance_free(void *arg) {
  ch_instance_t *in = arg;
  if (in == NULL)
    return;
  chr_disconnect(&in->conn);
  sfree(in->conn.config_file);
  sfree(in->conn.client);
  sfree(in->conn.keyring);
  sfree(in->conn.mon_host);
  sfree(in->local_mon);
  sfree(in->osd_ids);
  sfree(in->fills);
  ceph_pools_free(&in->mgr.pools);
  ceph_pool_rates_free(&in->mgr.rates);
  ceph_osd_perf_free(&in->mgr.perf);
  sfree(in);
}

/* ------------------------------------------------------------- acquire */
/* What ch_run got: the reply parsed, no reply (librados failed), or a
 * reply that did not parse (only its own values are lost). */
typedef enum { CH_RUN_OK, CH_RUN_FAILED, CH_RUN_BAD } ch_run_t;

/* Run one command and parse it with `parse`; logs any failure.
 * *timed_out is set on -ETIMEDOUT. */
static ch_run_t ch_run(ch_instance_t *in, const char *what, const char *cmd,
                       cj_status_t (*parse)(const char *, size_t, void *,
                                            char *, size_t),
                       void *out, bool *timed_out) {
  char *buf = NULL, st[256], err[256];
  size_t len = 0;
  int r = chr_command(&in->conn, cmd, &buf, &len, st, sizeof(st));
  if (r != 0) {
    *timed_out = r == -ETIMEDOUT;
    c_complain(LOG_WARNING, &in->mgr_complaint,
               PLUGIN " plugin: Cluster \"%s\": \"%s\" failed: %s (%s)",
               in->name, what, STRERROR(-r), st);
    return CH_RUN_FAILED;
  }
  cj_status_t ps = parse(buf, len, out, err, sizeof(err));
  sfree(buf);
  if (ps != CJ_OK) {
    ERROR(PLUGIN " plugin: Cluster \"%s\": bad \"%s\" reply: %s %s; its "
                 "values are NaN.",
          in->name, what, cj_strerror(ps), err);
    return CH_RUN_BAD;
  }
  return CH_RUN_OK;
}

static cj_status_t parse_status(const char *b, size_t l, void *o, char *e,
                                size_t el) {
  return ceph_status_parse(b, l, o, e, el);
}
static cj_status_t parse_dump(const char *b, size_t l, void *o, char *e,
                              size_t el) {
  return ceph_osd_dump_parse(b, l, o, e, el);
}
static cj_status_t parse_df(const char *b, size_t l, void *o, char *e,
                            size_t el) {
  return ceph_osd_df_parse(b, l, o, e, el);
}
static cj_status_t parse_brief(const char *b, size_t l, void *o, char *e,
                               size_t el) {
  return ceph_pgs_brief_parse(b, l, o, e, el);
}
static cj_status_t parse_space(const char *b, size_t l, void *o, char *e,
                               size_t el) {
  return ceph_df_parse(b, l, o, e, el);
}
static cj_status_t parse_crush(const char *b, size_t l, void *o, char *e,
                               size_t el) {
  return ceph_crush_tree_parse(b, l, o, e, el);
}
static cj_status_t parse_rules(const char *b, size_t l, void *o, char *e,
                               size_t el) {
  return ceph_crush_rules_parse(b, l, o, e, el);
}
static cj_status_t parse_timesync(const char *b, size_t l, void *o, char *e,
                                  size_t el) {
  return ceph_timesync_parse(b, l, o, e, el);
}
static cj_status_t parse_rates(const char *b, size_t l, void *o, char *e,
                               size_t el) {
  return ceph_pool_rates_parse(b, l, o, e, el);
}
static cj_status_t parse_perf(const char *b, size_t l, void *o, char *e,
                              size_t el) {
  return ceph_osd_perf_parse(b, l, o, e, el);
}
static cj_status_t parse_quorum(const char *b, size_t l, void *o, char *e,
                                size_t el) {
  return ceph_quorum_parse(b, l, o, e, el);
}

/* Stuck parsing needs now and the age: passed through a small struct. */
typedef struct {
  ceph_pools_t *pools;
  double now, age;
} ch_stuck_arg_t;
static cj_status_t parse_stuck(const char *b, size_t l, void *o, char *e,
                               size_t el) {
  ch_stuck_arg_t *a = o;
  return ceph_pgs_stuck_parse(b, l, a->now, a->age, a->pools, e, el);
}

/* Wall clock, only to age Ceph's own wall-clock stamps (the last_* of
 * dump_stuck, UTC).  Every timeout of our own is librados' (Timeout). */
static double ch_wall_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Monotonic seconds (CLOCK_BOOTTIME: counts suspend) for every rate and
 * age of our own: recovery rate smoothing, fill slopes. */
static double ch_mono_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Seam for the plugin test: the monotonic clock of ch_read. */
static double (*ch_clock)(void) = ch_mono_now;

/* 1 if our mon leads the quorum, 0 if not, -1 if unknown. */
static int ch_is_leader(ch_instance_t *in, bool *timed_out) {
  ceph_quorum_t q;
  if (ch_run(in, "quorum_status",
             "{\"prefix\":\"quorum_status\",\"format\":\"json\"}",
             parse_quorum, &q, timed_out) != CH_RUN_OK)
    return -1;
  if (in->local_mon != NULL)
    return strcmp(q.leader, in->local_mon) == 0;
  const ceph_mon_t *m = ceph_quorum_leader(&q);
  for (int i = 0; m != NULL && i < m->n_addrs; i++) {
    char host[CEPH_ADDR_MAX];
    if (ceph_addr_host(m->addrs[i], host, sizeof(host)) == 0 &&
        ch_is_local(host) == 1)
      return 1;
  }
  return 0;
}

/* The CRUSH hierarchy and rules (mon-served): only worth asking when the
 * mgr gave `osd df`, which the loss projection needs. */
static void ch_acquire_crush(ch_instance_t *in, ch_poll_t *p, bool *tmo) {
  p->have_crush = ch_run(in, "osd crush tree",
                         "{\"prefix\":\"osd crush tree\",\"format\":"
                         "\"json\"}",
                         parse_crush, &p->crush, tmo) == CH_RUN_OK;
  if (!*tmo)
    p->have_rules = ch_run(in, "osd crush rule dump",
                           "{\"prefix\":\"osd crush rule dump\","
                           "\"format\":\"json\"}",
                           parse_rules, &p->rules, tmo) == CH_RUN_OK;
}

/* Per pool rates and per OSD latencies (both mgr-served). */
static void ch_acquire_rates(ch_instance_t *in, ch_poll_t *p, bool *tmo) {
  p->have_rates =
      ch_run(in, "osd pool stats",
             "{\"prefix\":\"osd pool stats\",\"format\":\"json\"}",
             parse_rates, &p->rates, tmo) == CH_RUN_OK;
  if (!*tmo)
    p->have_perf = ch_run(in, "osd perf",
                          "{\"prefix\":\"osd perf\",\"format\":\"json\"}",
                          parse_perf, &p->perf, tmo) == CH_RUN_OK;
}

/* Mon-served commands first; mgr-served ones only while a mgr is
 * available, the expensive ones (mgr_due) once per MgrInterval; a mgr is
 * available (or unknown: status did not parse), and none after the first
 * one times out, so one poll costs at most about one Timeout when the mgr
 * is gone.  Returns false if the mon itself failed (the caller
 * reconnects); a reply that does not parse loses only its own values. */
static bool ch_acquire(ch_instance_t *in, ch_poll_t *p, bool mgr_due) {
  bool tmo = false;
  char cmd[256];
  ceph_pools_init(&p->pools);
  ch_run_t r = ch_run(in, "status",
                      "{\"prefix\":\"status\",\"format\":\"json\"}",
                      parse_status, &p->status, &tmo);
  if (r == CH_RUN_FAILED)
    return false;
  p->have_status = r == CH_RUN_OK;
  p->have_dump =
      ch_run(in, "osd dump", "{\"prefix\":\"osd dump\",\"format\":\"json\"}",
             parse_dump, &p->dump, &tmo) == CH_RUN_OK;
  if (!tmo)
    p->have_timesync =
        ch_run(in, "time-sync-status",
               "{\"prefix\":\"time-sync-status\",\"format\":\"json\"}",
               parse_timesync, &p->timesync, &tmo) == CH_RUN_OK;
  if (tmo || (p->have_status && !(p->status.mgr_available > 0)))
    return !tmo;
  if (mgr_due)
    p->have_pgs = ch_run(in, "pg dump pgs_brief",
                         "{\"prefix\":\"pg dump\",\"dumpcontents\":"
                         "[\"pgs_brief\"],\"format\":\"json\"}",
                         parse_brief, &p->pools, &tmo) == CH_RUN_OK;
  if (!tmo)
    p->have_df =
        ch_run(in, "osd df", "{\"prefix\":\"osd df\",\"format\":\"json\"}",
               parse_df, &p->df, &tmo) == CH_RUN_OK;
  if (!tmo && mgr_due) {
    snprintf(cmd, sizeof(cmd),
             "{\"prefix\":\"pg dump_stuck\",\"stuckops\":[\"inactive\","
             "\"unclean\",\"stale\",\"undersized\",\"degraded\"],"
             "\"threshold\":%d,\"format\":\"json\"}",
             (int)in->stuck_age);
    ch_stuck_arg_t a = {&p->pools, ch_wall_now(), in->stuck_age};
    p->have_stuck =
        ch_run(in, "pg dump_stuck", cmd, parse_stuck, &a, &tmo) == CH_RUN_OK;
  }
  if (!tmo)
    p->have_space = ch_run(in, "df detail",
                           "{\"prefix\":\"df\",\"detail\":\"detail\","
                           "\"format\":\"json\"}",
                           parse_space, &p->space, &tmo) == CH_RUN_OK;
  if (!tmo && p->have_df && p->have_dump)
    ch_acquire_crush(in, p, &tmo);
  if (!tmo && mgr_due)
    ch_acquire_rates(in, p, &tmo);
  if (p->have_pgs && p->have_df && p->have_stuck)
    c_release(LOG_INFO, &in->mgr_complaint,
              PLUGIN " plugin: Cluster \"%s\": mgr commands answer again.",
              in->name);
  return true;
}

/* A mgr that has just started (failover, restart) lists every PG it has
 * not heard of yet as "unknown", with stamps it did not measure, and says
 * so with pg_ready false until every up OSD has reported, or for at most
 * 4 x mgr_stats_period (Ceph's src/mgr/DaemonServer.cc, send_report).
 * Those PG states are not the cluster's: the per-pool and stuck values
 * are NaN meanwhile (the mon's digest in `status` is still the last real
 * one).  Logged once at the start and once at the end of each episode. */
static void ch_check_pg_ready(ch_instance_t *in, ch_poll_t *p) {
  if (!p->have_pgs && !p->have_stuck && !p->have_perf)
    return; /* no pg_ready to judge by */
  /* absent (older mgr): ready; osd pool stats carries no pg_ready, but
   * its rates come from the same PG statistics */
  bool ready = p->pools.pg_ready != 0 &&
               !(p->have_perf && p->perf.pg_ready == 0);
  if (!ready) {
    p->have_pgs = p->have_stuck = p->have_perf = p->have_rates = false;
    if (!in->pg_not_ready)
      NOTICE(PLUGIN " plugin: Cluster \"%s\": PG states are not ready after "
                    "a mgr restart (pg_ready false): per-pool PG values and "
                    "stuck PGs are NaN until the mgr has heard from every "
                    "OSD.",
             in->name);
  } else if (in->pg_not_ready) {
    INFO(PLUGIN " plugin: Cluster \"%s\": PG states are ready again.",
         in->name);
  }
  in->pg_not_ready = !ready;
}

/* The poll's own replies (the mgr ones belong to in->mgr by then). */
static void ch_poll_free(ch_poll_t *p) {
  ceph_osd_dump_free(&p->dump);
  ceph_osd_df_free(&p->df);
  ceph_crush_tree_free(&p->crush);
  ceph_crush_rules_free(&p->rules);
  ceph_df_free(&p->space);
}

/* ------------------------------------------------ MgrInterval cache */
/* Seconds between reads (the Interval of the block, else the global). */
static double ch_read_interval(const ch_instance_t *in) {
  return CDTIME_T_TO_DOUBLE(in->interval > 0 ? in->interval
                                             : plugin_get_interval());
}

/* Whether this read (at `now`, monotonic s) polls the expensive mgr
 * commands: without MgrInterval (or <= the interval) every read; else when
 * the last poll would be MgrInterval old by the middle of the next
 * interval, so a cache is never re-dispatched at MgrInterval + one
 * interval or older; always when there is no usable cache. */
static bool ch_mgr_due(const ch_instance_t *in, double now) {
  double iv = ch_read_interval(in);
  return !(in->mgr_interval > iv) || isnan(in->mgr.t) ||
         now - in->mgr.t + iv / 2 >= in->mgr_interval;
}

/* Move this poll's mgr replies into the cache (replacing it), stamped
 * `now`; a poll that got none of them leaves no cache (next read polls). */
static void ch_mgr_take(ch_instance_t *in, ch_poll_t *p, double now) {
  ch_mgr_cache_t *c = &in->mgr;
  ceph_pools_free(&c->pools);
  ceph_pool_rates_free(&c->rates);
  ceph_osd_perf_free(&c->perf);
  c->have_pgs = p->have_pgs, c->have_stuck = p->have_stuck;
  c->have_rates = p->have_rates, c->have_perf = p->have_perf;
  c->pools = p->pools, c->rates = p->rates, c->perf = p->perf;
  ceph_pools_init(&p->pools);
  memset(&p->rates, 0, sizeof(p->rates));
  memset(&p->perf, 0, sizeof(p->perf));
  bool any = c->have_pgs || c->have_stuck || c->have_rates || c->have_perf;
  c->t = any ? now : NAN;
}

/* Lend the cached mgr replies to this poll (shallow: the cache owns them). */
static void ch_mgr_lend(const ch_instance_t *in, ch_poll_t *p) {
  const ch_mgr_cache_t *c = &in->mgr;
  p->have_pgs = c->have_pgs, p->have_stuck = c->have_stuck;
  p->have_rates = c->have_rates, p->have_perf = c->have_perf;
  p->pools = c->pools, p->rates = c->rates, p->perf = c->perf;
}

/* ---------------------------------------------------------------- read */
/* A failed read marks the values unknown (NaN, never stale).  With
 * LeaderOnly only the host that was reporting does so: a mon host that was
 * not the leader (or never knew) stays silent, or every mon host would
 * create its own NaN series set during each election or mon outage. */
static void ch_fail_nan(ch_instance_t *in) {
  if (in->leader_only &&
      !(in->leader_state.known && in->leader_state.value == 1))
    return;
  ch_dispatch_nan(in);
}

int ch_read(user_data_t *ud) {
  ch_instance_t *in = ud->data;
  char err[256];
  if (chr_connect(&in->conn, err, sizeof(err)) != 0) {
    c_complain(LOG_ERR, &in->conn_complaint,
               PLUGIN " plugin: Cluster \"%s\": %s", in->name, err);
    ch_fail_nan(in);
    return -1;
  }
  if (in->leader_only) {
    bool tmo = false;
    int l = ch_is_leader(in, &tmo);
    if (l < 0) {
      chr_disconnect(&in->conn);
      ch_fail_nan(in);
      return -1;
    }
    cdu_notify_change(&in->leader_state, l, NOTIF_OKAY, PLUGIN, in->name,
                      "bool", "leader",
                      PLUGIN " plugin: Cluster \"%s\": the local mon %s the "
                             "quorum leader: %s.",
                      in->name, l ? "is" : "is not",
                      l ? "reporting" : "not reporting (LeaderOnly)");
    if (l == 0)
      return 0;
  }
  ch_poll_t p = {0};
  double now = ch_clock();
  bool due = ch_mgr_due(in, now);
  bool ok = ch_acquire(in, &p, due);
  /* A poll of the mgr replaces the cache; so does a failed read or a mgr
   * that is gone (an empty cache: no value of an absent mgr as fresh). */
  bool mgr_gone = p.have_status && !(p.status.mgr_available > 0);
  if (ok && due)
    ch_check_pg_ready(in, &p);
  if (!ok || due || mgr_gone)
    ch_mgr_take(in, &p, now);
  if (!ok) {
    chr_disconnect(&in->conn); /* the mon failed: reconnect next time */
    ch_fail_nan(in);
    ch_poll_free(&p);
    return -1;
  }
  c_release(LOG_INFO, &in->conn_complaint,
            PLUGIN " plugin: Cluster \"%s\": connected.", in->name);
  ch_mgr_lend(in, &p);
  ch_dispatch(in, &p, now);
  ch_poll_free(&p);
  return 0;
}

void module_register(void) {
  plugin_register_complex_config(PLUGIN, ch_config);
}
