/* SPDX-License-Identifier: MIT
 * dcf77_ntpd - the PARSE refclock over NTP mode 6 (see the header).
 */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"

#include "io/ntp_net.h"
#include "plugins/cdutil.h"
#include "plugins/dcf77_ntpd.h"

#include <math.h>
#include <string.h>

#define MAX_VARS 96
/* Largest count dispatched as a DERIVE: below 2^63 (ntp_snapshot.c too). */
#define MAX_COUNT 9.2e18
#define MAX_REACH 255.0 /* the reach register has 8 bits */

void dcf77_ntpd_init(dcf77_ntpd_t *nt) {
  nt->r = calloc(1, sizeof(*nt->r));
  nt->q.m6_seq = 1;
}

void dcf77_ntpd_free(dcf77_ntpd_t *nt) {
  free(nt->r);
  nt->r = NULL;
}

/* One mode 6 query within the reading's budget (nt->deadline); 0, or -1
 * with nt->err naming the daemon, the query and why. */
static int query(dcf77_ntpd_t *nt, unsigned op, uint16_t assoc,
                 const char *vars) {
  int rc = ntp_query_mode6(&nt->q, nt->deadline, op, assoc, vars, nt->r);
  if (rc == 0)
    return 0;
  snprintf(nt->err, sizeof(nt->err), "%.200s:%.15s: opcode %u assoc %u: %s",
           nt->host, nt->port, op, assoc,
           nt->q.err[0] ? nt->q.err : strerror(-rc));
  return -1;
}

static int parse_vars(dcf77_ntpd_t *nt, ntp_m6_var_t *vars, size_t *n) {
  if (ntp_m6_varlist_parse((char *)nt->r->data, nt->r->len, vars, MAX_VARS,
                           n) == NTP_M6_E_SYNTAX) {
    snprintf(nt->err, sizeof(nt->err), "%.200s:%.15s: malformed variable list",
             nt->host, nt->port);
    return -1;
  }
  return 0;
}

/* READVAR of `names` (comma-separated) of association `assoc`, parsed into
 * vars (MAX_VARS entries), *n of them; 0, or -1 with nt->err set. */
static int read_vars(dcf77_ntpd_t *nt, uint16_t assoc, const char *names,
                     ntp_m6_var_t *vars, size_t *n) {
  if (query(nt, NTP_M6_OP_READVAR, assoc, names) != 0)
    return -1;
  return parse_vars(nt, vars, n);
}

/* The PARSE unit of an association (cached), -1 if not PARSE, -2 on a
 * failed lookup. */
static int unit_of(dcf77_ntpd_t *nt, uint16_t assoc, const int *old_units,
                   const uint16_t *old_ids, int nold) {
  for (int i = 0; i < nold; i++)
    if (old_ids[i] == assoc)
      return old_units[i];
  ntp_m6_var_t vars[MAX_VARS];
  size_t n = 0;
  if (read_vars(nt, assoc, "srcadr", vars, &n) != 0)
    return -2;
  return dcf77_rc_parse_unit(ntp_m6_var_get(vars, n, "srcadr"));
}

/* READSTAT, refresh the cache, pick the association.  Returns the assoc
 * id (> 0), or 0 with nt->err set; *status gets its peer status word. */
static uint16_t find_assoc(dcf77_ntpd_t *nt, uint16_t *status, int *unit) {
  if (query(nt, NTP_M6_OP_READSTAT, 0, NULL) != 0)
    return 0;
  ntp_m6_assoc_t list[DCF77_NTPD_MAX_ASSOC];
  size_t n = 0;
  ntp_m6_readstat_parse(nt->r->data, nt->r->len, list, DCF77_NTPD_MAX_ASSOC,
                        &n);
  uint16_t old_ids[DCF77_NTPD_MAX_ASSOC];
  int old_units[DCF77_NTPD_MAX_ASSOC], nold = nt->ncache;
  for (int i = 0; i < nold; i++) {
    old_ids[i] = nt->cache[i].assoc;
    old_units[i] = nt->cache[i].unit;
  }
  nt->ncache = 0;
  uint16_t best = 0;
  int best_unit = 256;
  for (size_t i = 0; i < n; i++) {
    int u = nt->assoc_cfg > 0
                ? (list[i].assoc == nt->assoc_cfg ? 0 : -1)
                : unit_of(nt, list[i].assoc, old_units, old_ids, nold);
    if (u == -2)
      return 0;
    nt->cache[nt->ncache].assoc = list[i].assoc;
    nt->cache[nt->ncache++].unit = u;
    if (u < 0 || (nt->unit_cfg >= 0 && u != nt->unit_cfg) || u >= best_unit)
      continue;
    best = list[i].assoc;
    best_unit = u;
    *status = list[i].status;
  }
  if (best == 0) {
    if (nt->assoc_cfg > 0)
      snprintf(nt->err, sizeof(nt->err), "%.200s:%.15s: no association %d",
               nt->host, nt->port, nt->assoc_cfg);
    else
      snprintf(nt->err, sizeof(nt->err),
               "%.200s:%.15s: no PARSE refclock (127.127.8.%s) among %zu "
               "associations",
               nt->host, nt->port, nt->unit_cfg >= 0 ? "U" : "*", n);
  }
  *unit = best_unit;
  return best;
}

static double var_num(const ntp_m6_var_t *v, size_t n, const char *name) {
  double d = NAN;
  ntp_m6_var_double(v, n, name, &d);
  return d;
}

/* A value in [lo, hi], else NaN (a missing one too); an out-of-range one
 * is named in nt->bad_var for the caller's log line. */
static double var_in(dcf77_ntpd_t *nt, const ntp_m6_var_t *v, size_t n,
                     const char *name, double lo, double hi) {
  double d = var_num(v, n, name);
  if (d >= lo && d <= hi)
    return d;
  if (ntp_m6_var_get(v, n, name) != NULL && nt->bad_var[0] == '\0')
    sstrncpy(nt->bad_var, name, sizeof(nt->bad_var));
  return NAN;
}

/* A counter: 0 .. MAX_COUNT (a double beyond int64_t must not be cast). */
static int64_t var_count(dcf77_ntpd_t *nt, const ntp_m6_var_t *v, size_t n,
                         const char *name) {
  double d = var_in(nt, v, n, name, 0, MAX_COUNT);
  return isnan(d) ? CDU_DERIVE_UNKNOWN : (int64_t)d;
}

/* The age of time code t (UTC s): measured on the wall clock when t is
 * first seen, then advanced on the monotonic clock. */
static double timecode_age(dcf77_ntpd_t *nt, double t, double now_s,
                           double mono_s) {
  if (!nt->tc_have || t != nt->tc_time_s) {
    nt->tc_have = true;
    nt->tc_time_s = t;
    nt->tc_age0_s = now_s - t;
    nt->tc_seen_mono_s = mono_s;
  }
  return nt->tc_age0_s + (mono_s - nt->tc_seen_mono_s);
}

static void clear_snapshot(dcf77_ntpd_snapshot_t *o) {
  double *g[] = {&o->status,        &o->current_state,
                 &o->time_code,     &o->call_bit,
                 &o->dst_announce,  &o->leap_announce,
                 &o->not_synchronised, &o->pps,
                 &o->cest,          &o->offset_s,
                 &o->jitter_s,      &o->reach,
                 &o->selection,     &o->timecode_age_s,
                 &o->receiving};
  for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++)
    *g[i] = NAN;
  for (int i = 0; i < DCF77_RC_NSTATES; i++)
    o->state_pct[i] = NAN;
  o->polls = o->noreply = o->badformat = o->baddata = CDU_DERIVE_UNKNOWN;
}

/* The clock variables (READCLOCK) into o. */
static int read_clock(dcf77_ntpd_t *nt, uint16_t assoc, double now_s,
                      double mono_s, dcf77_ntpd_snapshot_t *o) {
  if (query(nt, NTP_M6_OP_READCLOCK, assoc, NULL) != 0)
    return -1;
  ntp_m6_clock_status_t cs;
  ntp_m6_clock_status(nt->r->status, &cs);
  o->status = cs.status;
  ntp_m6_var_t v[MAX_VARS];
  size_t n = 0;
  if (parse_vars(nt, v, &n) != 0)
    return -1;
  o->polls = var_count(nt, v, n, "poll");
  o->noreply = var_count(nt, v, n, "noreply");
  o->badformat = var_count(nt, v, n, "badformat");
  o->baddata = var_count(nt, v, n, "baddata");
  dcf77_rc_flags_t f;
  const char *st = ntp_m6_var_get(v, n, "refclock_status");
  if (st != NULL && dcf77_rc_parse_status(st, &f) == 0) {
    o->time_code = f.time_code;
    o->call_bit = f.call_bit;
    o->dst_announce = f.dst_announce;
    o->leap_announce = f.leap_announce;
    o->not_synchronised = f.not_synchronised;
    o->pps = f.pps;
    o->cest = f.dst;
  }
  dcf77_rc_states_t s;
  if (dcf77_rc_parse_states(ntp_m6_var_get(v, n, "refclock_states"), &s) ==
      0) {
    for (int i = 0; i < DCF77_RC_NSTATES; i++)
      o->state_pct[i] = s.percent[i];
    o->current_state = s.current >= 0 ? s.current : NAN;
  }
  double t;
  if (dcf77_rc_parse_time(ntp_m6_var_get(v, n, "refclock_time"),
                          (int64_t)now_s, &t) == 0)
    o->timecode_age_s = timecode_age(nt, t, now_s, mono_s);
  return 0;
}

int dcf77_ntpd_read(dcf77_ntpd_t *nt, double now_s, double mono_s,
                    dcf77_ntpd_snapshot_t *o) {
  clear_snapshot(o);
  nt->bad_var[0] = '\0';
  if (nt->r == NULL) {
    sstrncpy(nt->err, "out of memory", sizeof(nt->err));
    return -1;
  }
  nt->q.timeout_s = nt->timeout_s;
  nt->deadline = ntp_query_deadline(&nt->q);
  uint16_t status = 0;
  int unit = -1;
  uint16_t assoc = find_assoc(nt, &status, &unit);
  if (assoc == 0)
    return -1;
  o->unit = unit;
  o->assoc = assoc;
  ntp_m6_peer_status_t ps;
  ntp_m6_peer_status(status, &ps);
  o->selection = ps.select;
  ntp_m6_var_t v[MAX_VARS];
  size_t n = 0;
  if (read_vars(nt, assoc, "offset,jitter,reach", v, &n) != 0)
    return -1;
  o->offset_s = var_num(v, n, "offset") / 1000.0; /* ms -> s */
  o->jitter_s = var_num(v, n, "jitter") / 1000.0;
  o->reach = var_in(nt, v, n, "reach", 0, MAX_REACH);
  if (read_clock(nt, assoc, now_s, mono_s, o) != 0)
    return -1;
  /* Receiving: one of the last two polls got a sample and the last valid
   * time code is recent.  A silent rawdcf receiver keeps "NOMINAL"; these
   * don't.  One poll without a sample (reach 0376) is ordinary for a PARSE
   * refclock (the minute mark, a sample dropped by the filter); counting it
   * made a healthy receiver flap (tests/scenarios/healthy_baseline.sh). */
  o->receiving = isfinite(o->reach) && ((unsigned)o->reach & 3) &&
                 isfinite(o->timecode_age_s) &&
                 o->timecode_age_s <= nt->max_age_s;
  return 0;
}

/* One socket per reading, as the ntp plugin: no state survives an error
 * (a refused or stale socket, late datagrams of an earlier reading). */
int dcf77_ntpd_acquire(dcf77_ntpd_t *nt, double now_s, double mono_s,
                       dcf77_ntpd_snapshot_t *o) {
  int fd = ntp_net_open_udp(nt->host, nt->port, nt->q.err, sizeof(nt->q.err));
  if (fd < 0) {
    clear_snapshot(o);
    snprintf(nt->err, sizeof(nt->err), "%.200s:%.15s: %s", nt->host,
             nt->port, nt->q.err);
    return -1;
  }
  nt->q.xf = ntp_net_exchange_fd;
  nt->q.xctx = &fd;
  int rc = dcf77_ntpd_read(nt, now_s, mono_s, o);
  ntp_net_close(fd, NULL);
  nt->q.xctx = NULL;
  return rc;
}
