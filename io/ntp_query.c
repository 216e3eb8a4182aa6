/* SPDX-License-Identifier: MIT
 * ntp_query - read a time daemon into an ntp_snap_t (see ntp_query.h).
 * Layer io/: POSIX I/O without collectd (HACKING.md, tests/check-layers.sh).
 */
#if !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
#include "io/ntp_query.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* clock: the daemon's time now, the reference of the peers' sample age */
#define SYS_VARS                                                              \
  "leap,stratum,rootdelay,rootdisp,rootdist,refid,peer,offset,frequency,"     \
  "sys_jitter,clk_jitter,clk_wander,clock"
/* ntpq sysstats: NTPsec's totals since start (NAME_r), else (classic ntpd
 * 4.2.8: "unknown variable") the plain names */
#define SS_VARS_TOTAL                                                         \
  "ss_uptime,ss_received_r,ss_thisver_r,ss_oldver_r,ss_badformat_r,"          \
  "ss_badauth_r,ss_declined_r,ss_restricted_r,ss_limited_r,ss_kodsent_r,"     \
  "ss_processed_r"
#define SS_VARS                                                               \
  "ss_uptime,ss_received,ss_thisver,ss_oldver,ss_badformat,ss_badauth,"       \
  "ss_declined,ss_restricted,ss_limited,ss_kodsent,ss_processed"
/* version: the unit of kppscalibdur depends on it (ntp_snapshot.h) */
#define KPPS_VARS                                                             \
  "kppsjitter,kppsfreq,kppsstab,kppscalibdur,kppscalibs,kppscaliberrs,"       \
  "kppsjitexc,kppsstbexc,version"
#define PEER_VARS                                                             \
  "srcadr,srchost,stratum,reach,offset,delay,jitter,dispersion,hpoll,ppoll,"  \
  "rec"
#define MAX_VARS 96

static double mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Remaining budget, at least 1 ms so that a query is attempted. */
static double remaining(double deadline) {
  double r = deadline - mono();
  return r > 0.001 ? r : 0.001;
}

/* One mode 6 query; on an "unknown variable" error with a list, retry with
 * the default list (classic ntpd lacks rootdist, srchost, ...). */
static int m6(ntp_query_t *q, double deadline, unsigned op, uint16_t assoc,
              const char *vars, bool fallback, ntp_m6_reasm_t *r) {
  ntp_m6_status_t st;
  int rc = ntp_net_mode6_query_x(q->xf, q->xctx, op, assoc, vars, q->m6_seq++,
                                 remaining(deadline), r, &st, q->err,
                                 sizeof(q->err));
  if (rc == -EPROTO && st == NTP_M6_E_SERVER && r->error_code == 5 &&
      fallback && vars != NULL)
    rc = ntp_net_mode6_query_x(q->xf, q->xctx, op, assoc, NULL, q->m6_seq++,
                               remaining(deadline), r, &st, q->err,
                               sizeof(q->err));
  return rc;
}

double ntp_query_deadline(const ntp_query_t *q) {
  return mono() + q->timeout_s;
}

int ntp_query_mode6(ntp_query_t *q, double deadline, unsigned op,
                    uint16_t assoc, const char *vars, ntp_m6_reasm_t *r) {
  q->err[0] = '\0';
  return m6(q, deadline, op, assoc, vars, false, r);
}

static int parse_vars(ntp_query_t *q, ntp_m6_reasm_t *r, ntp_m6_var_t *v,
                      size_t *n) {
  ntp_m6_status_t st =
      ntp_m6_varlist_parse((char *)r->data, r->len, v, MAX_VARS, n);
  if (st == NTP_M6_OK || st == NTP_M6_E_FULL)
    return 0;
  snprintf(q->err, sizeof(q->err), "cannot parse variables: %s",
           ntp_m6_strstatus(st));
  return -EPROTO;
}

/* The daemon's `clock` and when (s, monotonic) we read it. */
typedef struct {
  char text[32];
  double mono_s;
} daemon_clock_t;

static void ntpd_peers(ntp_query_t *q, double deadline, ntp_snap_t *snap,
                       ntp_m6_reasm_t *r, const ntp_m6_assoc_t *as,
                       size_t nas, const daemon_clock_t *clk) {
  ntp_m6_var_t v[MAX_VARS];
  for (size_t i = 0; i < nas; i++) {
    size_t n = 0;
    if (m6(q, deadline, NTP_M6_OP_READVAR, as[i].assoc, PEER_VARS, true, r) !=
            0 ||
        parse_vars(q, r, v, &n) != 0)
      n = 0; /* the status word alone still gives selection/reach */
    if (n == 0) {
      char name[32];
      snprintf(name, sizeof(name), "assoc%u", (unsigned)as[i].assoc);
      ntp_m6_var_t fake = {.name = "srcadr", .value = name};
      ntp_snap_add_mode6_peer(snap, &fake, 1, as[i].status);
    } else {
      ntp_snap_peer_t *p = ntp_snap_add_mode6_peer(snap, v, n, as[i].status);
      if (p != NULL)
        ntp_snap_mode6_peer_age(p, v, n, clk->text, mono() - clk->mono_s);
    }
  }
}

/* Optional: the server statistics; errors leave them unknown. */
static void ntpd_sysstats(ntp_query_t *q, double deadline, ntp_snap_t *snap,
                          ntp_m6_reasm_t *r) {
  ntp_m6_var_t v[MAX_VARS];
  size_t n = 0;
  int rc = m6(q, deadline, NTP_M6_OP_READVAR, 0, SS_VARS_TOTAL, false, r);
  if (rc == -EPROTO && r->error_code == 5) /* classic ntpd: no NAME_r */
    rc = m6(q, deadline, NTP_M6_OP_READVAR, 0, SS_VARS, false, r);
  if (rc == 0 && parse_vars(q, r, v, &n) == 0)
    ntp_snap_from_mode6_sysstats(snap, v, n);
}

int ntp_query_ntpd(ntp_query_t *q, ntp_snap_t *snap) {
  static __thread ntp_m6_reasm_t r; /* 15 kB: not on the stack */
  ntp_m6_var_t v[MAX_VARS];
  ntp_m6_assoc_t as[NTP_SNAP_MAX_PEERS];
  daemon_clock_t clk;
  size_t n = 0, nas = 0;
  double deadline = mono() + q->timeout_s;
  int rc;
  q->err[0] = '\0';
  ntp_snap_init(snap);
  if ((rc = m6(q, deadline, NTP_M6_OP_READVAR, 0, SYS_VARS, true, &r)) != 0)
    return rc;
  uint16_t sys_status = r.status;
  if ((rc = parse_vars(q, &r, v, &n)) != 0)
    return rc;
  ntp_snap_from_mode6_sys(snap, v, n, sys_status);
  const char *c = ntp_m6_var_get(v, n, "clock");
  snprintf(clk.text, sizeof(clk.text), "%s", c ? c : "");
  clk.mono_s = mono();
  if ((rc = m6(q, deadline, NTP_M6_OP_READSTAT, 0, NULL, false, &r)) != 0) {
    ntp_snap_init(snap);
    return rc;
  }
  ntp_m6_status_t st = ntp_m6_readstat_parse(r.data, r.len, as,
                                             NTP_SNAP_MAX_PEERS, &nas);
  if (st != NTP_M6_OK && st != NTP_M6_E_FULL) {
    snprintf(q->err, sizeof(q->err), "bad READSTAT answer: %s",
             ntp_m6_strstatus(st));
    ntp_snap_init(snap);
    return -EPROTO;
  }
  /* optional: kernel PPS variables (NTPsec); errors leave them NaN */
  if (m6(q, deadline, NTP_M6_OP_READVAR, 0, KPPS_VARS, false, &r) == 0 &&
      parse_vars(q, &r, v, &n) == 0)
    ntp_snap_from_mode6_kernel(snap, v, n);
  ntpd_sysstats(q, deadline, snap, &r);
  ntpd_peers(q, deadline, snap, &r, as, nas, &clk);
  ntp_snap_finish(snap);
  return 0;
}

/* ---- chrony ---- */

typedef struct {
  unsigned command;
  uint32_t sequence;
  chrony_status_t st;
  chrony_reply_t reply;
  uint8_t buf[CHRONY_MAX_PKT];
} cmd_ctx_t;

static int cmd_rx(void *vctx, const uint8_t *pkt, size_t len) {
  cmd_ctx_t *c = vctx;
  if (len > sizeof(c->buf))
    len = sizeof(c->buf);
  memcpy(c->buf, pkt, len);
  c->st = chrony_parse_reply(c->buf, len, c->command, c->sequence, &c->reply);
  switch (c->st) {
  case CHRONY_OK: return 1;
  case CHRONY_E_PKTTYPE:
  case CHRONY_E_SEQUENCE:
  case CHRONY_E_COMMAND: return 0; /* not ours: keep waiting */
  default: return -EPROTO;
  }
}

static int cmd(ntp_query_t *q, double deadline, unsigned command,
               uint32_t index, cmd_ctx_t *c) {
  uint8_t req[CHRONY_MAX_PKT];
  size_t len = 0;
  c->command = command;
  c->sequence = q->cmd_seq++;
  c->st = CHRONY_OK;
  if (chrony_build_request(req, sizeof(req), &len, command, c->sequence, 0,
                           index) != CHRONY_OK) {
    snprintf(q->err, sizeof(q->err), "cannot build command %u", command);
    return -EINVAL;
  }
  int rc = q->xf(q->xctx, req, NULL, len, remaining(deadline), cmd_rx, c,
                 q->err, sizeof(q->err));
  if (rc == -EPROTO) {
    if (c->st == CHRONY_E_STATUS)
      snprintf(q->err, sizeof(q->err), "command %u: chronyd status %u (%s)",
               command, c->reply.status, chrony_stt_name(c->reply.status));
    else
      snprintf(q->err, sizeof(q->err), "command %u: %s", command,
               chrony_strstatus(c->st));
  }
  return rc;
}

int ntp_query_chrony(ntp_query_t *q, ntp_snap_t *snap) {
  static __thread cmd_ctx_t c;
  double deadline = mono() + q->timeout_s;
  chrony_tracking_t t;
  chrony_n_sources_t ns;
  int rc;
  q->err[0] = '\0';
  ntp_snap_init(snap);
  if ((rc = cmd(q, deadline, CHRONY_REQ_TRACKING, 0, &c)) != 0)
    return rc;
  chrony_decode_tracking(&c.reply, &t);
  if ((rc = cmd(q, deadline, CHRONY_REQ_N_SOURCES, 0, &c)) != 0)
    return rc;
  chrony_decode_n_sources(&c.reply, &ns);
  ntp_snap_from_chrony_tracking(snap, &t);
  for (uint32_t i = 0; i < ns.n_sources && i < NTP_SNAP_MAX_PEERS; i++) {
    chrony_source_data_t d;
    chrony_sourcestats_t ss;
    if ((rc = cmd(q, deadline, CHRONY_REQ_SOURCE_DATA, i, &c)) != 0) {
      if (c.st == CHRONY_E_STATUS) /* sources changed under us: skip */
        continue;
      ntp_snap_init(snap);
      return rc;
    }
    chrony_decode_source_data(&c.reply, &d);
    /* the stats of another source (one was removed in between): none */
    bool have_stats = cmd(q, deadline, CHRONY_REQ_SOURCESTATS, i, &c) == 0 &&
                      chrony_decode_sourcestats(&c.reply, &ss) == CHRONY_OK &&
                      chrony_stats_match(&d, &ss);
    ntp_snap_add_chrony_source(snap, &d, have_stats ? &ss : NULL);
  }
  /* optional: chronyd 4.3 answers it on the Unix socket only (PERMIT_AUTH:
   * over UDP "unauthorised"); unknown then */
  chrony_serverstats_t sst;
  if (cmd(q, deadline, CHRONY_REQ_SERVER_STATS, 0, &c) == 0 &&
      chrony_decode_serverstats(&c.reply, &sst) == CHRONY_OK)
    ntp_snap_from_chrony_serverstats(snap, &sst);
  ntp_snap_finish(snap);
  return 0;
}
