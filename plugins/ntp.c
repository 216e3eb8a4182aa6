/* SPDX-License-Identifier: MIT
 * ntp plugin - what NTP daemons say about themselves: offset, jitter, every
 * peer/source with its selection state, falseticker and candidate counts.
 * Source: NTPsec/ntpd over NTP mode 6 (UDP 123), chrony over cmdmon (UDP
 * 323 or its Unix socket).  Privileges: none over UDP; chrony's socket
 * needs write access to its directory.  Read-only: only read requests.
 */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"
#include "utils_complain.h"

#include "common/hold.h"
#include "common/ntp_snapshot.h"
#include "plugins/cdutil.h"
#include "io/ntp_net.h"
#include "io/ntp_query.h"
#include "plugins/stability.h"

#include <errno.h>
#include <math.h>
#include <time.h>

/* The metric tables ntp_sys_metrics and ntp_peer_metrics, generated from
 * plugins/ntp.metrics.tsv (the one place an ntp metric is named; docs/ntp.md
 * has the same rows).  System metrics use plugin instance NAME, peer metrics
 * NAME-PEER.  Offsets: + = local clock behind (NTP's sign). */
#include "ntp_metrics.h"

/* Peers remembered: those of one reading (at most NTP_SNAP_MAX_PEERS) plus
 * as many departed ones, dispatched as NaN until PeerForget. */
#define NTP_PEER_TABLE (2 * NTP_SNAP_MAX_PEERS)
/* PeerForget default: at least ntpd's default maxpoll (2^10 s), so that a
 * departed peer is not forgotten before a full poll interval has passed,
 * and at least 4 readings, so that every reader sees it turn NaN. */
#define NTP_PEER_FORGET_MIN_S 1024.0
#define NTP_PEER_FORGET_READINGS 4

/* Stability (docs/stability.md, docs/ntp.md): series "offset" per peer
 * (tau0 = its poll interval) and "system" (tau0 = the read interval).
 * A peer's window is StabilityWindow / poll slots, at least
 * PHASE_STATS_MIN_WINDOW and at most NTP_STAB_MAX_SLOTS, so that one peer
 * costs at most 16 B * 2048 + 1 kB = 33.8 kB (NTP_PEER_TABLE peers:
 * 4.3 MB at worst).  Its values are NaN once its last sample is older than
 * NTP_STAB_STALE_POLLS polls (the reach register's 8 polls all missed). */
#define NTP_STAB_DEFAULT_WINDOW_S 86400.0
#define NTP_STAB_MAX_SLOTS 2048u
#define NTP_STAB_STALE_POLLS 8
/* chrony's since_sample is whole seconds (sample time truncated to the
 * second, sourcestats.c SST_DoSourceReport): a sample's time is known to
 * 1 s.  ntpd's rec and clock are NTP timestamps: exact enough (0). */
#define NTP_STAB_CHRONY_RES_S 1.0

typedef struct {
  char name[NTP_SNAP_NAME_LEN];
  cdu_state_t falseticker;
  hold_t ft_hold; /* falseticker verdict, held NotifyHold seconds */
  bool seen; /* in the last reading */
  double last_seen; /* s, monotonic (ntp_clock_s) */
  /* Stability of the offset, tau0 = the poll (restarted when it changes) */
  stab_config_t stab_cfg; /* tau0_s 0 until a poll is known */
  phase_stats_t *stab;    /* NULL while disabled or no sample yet */
  double stab_t;          /* s, monotonic: time of the last sample counted */
  double stab_x;          /* s: its offset */
  double stab_grid;       /* s, monotonic: its slot on the tau0 grid */
} ntp_peer_state_t;

typedef struct {
  char name[DATA_MAX_NAME_LEN];
  char host[256], port[16], socket[108];
  bool chrony;
  double timeout;
  int min_sources;
  double notify_hold; /* s: a verdict must last this long to be notified */
  double peer_forget; /* s: a peer absent this long is forgotten (< 0: default) */
  hold_t min_hold, syspeer_hold;
  ntp_query_t q;
  ntp_snap_t snap;
  stab_config_t stab;   /* Stability*: tau0 = the read interval, s */
  phase_stats_t *sys_stab; /* series "system"; NULL when disabled */
  cdu_state_t st_alive, st_sync, st_min, st_syspeer;
  c_complain_t complaint, table_full;
  size_t npeers;
  ntp_peer_state_t peers[NTP_PEER_TABLE];
} ntp_instance_t;

static void ntp_instance_free(void *arg) {
  ntp_instance_t *in = arg;
  for (size_t i = 0; in != NULL && i < in->npeers; i++)
    stab_free(in->peers[i].stab);
  if (in != NULL)
    stab_free(in->sys_stab);
  free(in);
}

/* Acquire: one socket per reading (no state survives an error). */
static int ntp_acquire(ntp_instance_t *in) {
  char client[108] = "";
  int fd = in->socket[0] != '\0'
               ? ntp_net_open_unix(in->socket, client, sizeof(client),
                                   in->q.err, sizeof(in->q.err))
               : ntp_net_open_udp(in->host, in->port, in->q.err,
                                  sizeof(in->q.err));
  if (fd < 0)
    return fd;
  in->q.xf = ntp_net_exchange_fd;
  in->q.xctx = &fd;
  in->q.timeout_s = in->timeout;
  int rc = in->chrony ? ntp_query_chrony(&in->q, &in->snap)
                      : ntp_query_ntpd(&in->q, &in->snap);
  ntp_net_close(fd, client);
  return rc;
}

/* Seconds on CLOCK_MONOTONIC, for every hold and age in this plugin: the
 * wall clock (cdtime()) steps, and a step back would hold a notification
 * for as long as the step.  A pointer so that tests can drive time. */
static double ntp_mono_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
static double (*ntp_clock_s)(void) = ntp_mono_now;

static void peer_pinst(const ntp_instance_t *in, const char *peer, char *buf,
                       size_t len) {
  char clean[NTP_SNAP_NAME_LEN];
  ntp_snap_sanitize(peer, clean, sizeof(clean));
  int n = snprintf(buf, len, "%s-%s", in->name, clean);
  if (n < 0 || (size_t)n >= len) /* cut: still unique enough, never unsafe */
    buf[len - 1] = '\0';
}

static ntp_peer_state_t *peer_find(ntp_instance_t *in, const char *name) {
  for (size_t i = 0; i < in->npeers; i++)
    if (strcmp(in->peers[i].name, name) == 0)
      return &in->peers[i];
  return NULL;
}

/* A peer is forgotten: a falseticker verdict notified for it is cleared,
 * its statistics freed. */
static void peer_gone(const ntp_instance_t *in, ntp_peer_state_t *ps,
                      double now) {
  char pinst[DATA_MAX_NAME_LEN];
  stab_free(ps->stab);
  ps->stab = NULL;
  peer_pinst(in, ps->name, pinst, sizeof(pinst));
  cdu_notify_change(&ps->falseticker, 0, NOTIF_OKAY, "ntp", pinst,
                    "clock_state", "selection",
                    "ntp plugin: %s: source %s is gone (absent %.0f s): no "
                    "longer a falseticker",
                    in->name, ps->name, now - ps->last_seen);
}

/* A slot for a new peer: a free one, else (table full) the one absent
 * longest, forgotten before PeerForget; NULL if every slot is in this
 * reading (cannot happen: a reading has at most half the table). */
static ntp_peer_state_t *peer_slot(ntp_instance_t *in, double now) {
  if (in->npeers < NTP_PEER_TABLE)
    return &in->peers[in->npeers++];
  ntp_peer_state_t *old = NULL;
  for (size_t i = 0; i < in->npeers; i++)
    if (!in->peers[i].seen &&
        (old == NULL || in->peers[i].last_seen < old->last_seen))
      old = &in->peers[i];
  if (old == NULL)
    return NULL;
  c_complain_once(LOG_WARNING, &in->table_full,
                  "ntp plugin: %s: peer table full (%d peers): forgetting %s "
                  "after %.0f s, before PeerForget %.0f s",
                  in->name, NTP_PEER_TABLE, old->name, now - old->last_seen,
                  in->peer_forget);
  peer_gone(in, old, now);
  return old;
}

static ntp_peer_state_t *peer_state(ntp_instance_t *in, const char *name,
                                    double now) {
  ntp_peer_state_t *p = peer_find(in, name);
  if (p != NULL || (p = peer_slot(in, now)) == NULL)
    return p;
  memset(p, 0, sizeof(*p));
  hold_init(&p->ft_hold, 0);
  sstrncpy(p->name, name, sizeof(p->name));
  p->seen = true;
  p->last_seen = now;
  return p;
}

/* Mark the known peers of this reading (before any new one takes a slot,
 * so that a full table never evicts a present peer). */
static void peers_mark(ntp_instance_t *in, const ntp_snap_t *snap,
                       double now) {
  for (size_t i = 0; i < in->npeers; i++)
    in->peers[i].seen = false;
  for (size_t i = 0; snap != NULL && i < snap->npeers; i++) {
    ntp_peer_state_t *ps = peer_find(in, snap->peers[i].name);
    if (ps != NULL) {
      ps->seen = true;
      ps->last_seen = now;
    }
  }
}

static int64_t s_to_ns(double s) { return (int64_t)llround(s * 1e9); }

/* (Re)start a peer's statistics for tau0 = poll_s (s): a new window, the
 * old samples (of another tau0) forgotten. */
static void peer_stab_restart(const ntp_instance_t *in, ntp_peer_state_t *ps,
                              double poll_s, const char *pinst) {
  double slots = round(in->stab.window_s / poll_s);
  if (slots < PHASE_STATS_MIN_WINDOW)
    slots = PHASE_STATS_MIN_WINDOW;
  if (slots > NTP_STAB_MAX_SLOTS)
    slots = NTP_STAB_MAX_SLOTS;
  stab_free(ps->stab);
  stab_config_init(&ps->stab_cfg, poll_s, slots * poll_s, false);
  ps->stab_cfg.enabled = true;
  ps->stab = stab_new("ntp", pinst, &ps->stab_cfg);
}

/* Is the sample at t (s, monotonic) with offset x (s) another one than the
 * last counted?  Its time must have moved by more than half a poll and by
 * more than the daemon's resolution res (s).  Within the resolution (chrony
 * at poll 1 s), a changed offset tells a new sample: chrony reports the
 * same stored sample with the very same offset. */
static bool peer_stab_new(const ntp_peer_state_t *ps, double t, double x,
                          double res) {
  double dt = t - ps->stab_t; /* s */
  double poll = ps->stab_cfg.tau0_s;
  if (dt > poll / 2 && dt > res)
    return true;
  return res > 0 && dt > 0 && dt > poll / 2 - res && x != ps->stab_x;
}

/* Count the peer's last sample once: its time is our monotonic now minus
 * the daemon's sample age; it goes into the slot nearest to it on the
 * tau0 grid of the previous samples (a skipped slot is a gap). */
static void peer_stab_sample(const ntp_instance_t *in, ntp_peer_state_t *ps,
                             const ntp_snap_peer_t *p, double now,
                             const char *pinst) {
  if (!(p->poll_s > 0) || !isfinite(p->sample_age_s))
    return;
  bool first = ps->stab == NULL || p->poll_s != ps->stab_cfg.tau0_s;
  if (first)
    peer_stab_restart(in, ps, p->poll_s, pinst);
  double t = now - p->sample_age_s; /* s, monotonic */
  double res = in->chrony ? NTP_STAB_CHRONY_RES_S : 0;
  if (ps->stab == NULL || (!first && !peer_stab_new(ps, t, p->offset_s, res)))
    return;
  if (first) {
    ps->stab_grid = t;
  } else {
    double k = round((t - ps->stab_grid) / p->poll_s);
    ps->stab_grid += (k < 1 ? 1 : k) * p->poll_s;
  }
  ps->stab_t = t;
  ps->stab_x = p->offset_s;
  phase_stats_add(ps->stab, p->offset_s, s_to_ns(ps->stab_grid));
}

/* The peer's statistics (NaN when ps_ok is false: peer or daemon gone);
 * nothing before its poll is known (its tau names depend on it). */
static void peer_stab_dispatch(const ntp_instance_t *in,
                               const ntp_peer_state_t *ps, bool ps_ok,
                               double now, const char *pinst) {
  if (!in->stab.enabled || !(ps->stab_cfg.tau0_s > 0))
    return;
  double max_age = NTP_STAB_STALE_POLLS * ps->stab_cfg.tau0_s; /* s */
  stab_dispatch("ntp", pinst, "offset", &ps->stab_cfg,
                ps_ok ? ps->stab : NULL, s_to_ns(now), s_to_ns(max_age));
}

/* The system offset: one sample per reading; NaN without a reading. */
static void sys_stab_reading(ntp_instance_t *in, const ntp_snap_t *snap,
                             double now) {
  if (!in->stab.enabled)
    return;
  if (snap != NULL && in->sys_stab != NULL)
    phase_stats_add(in->sys_stab, snap->offset_s, s_to_ns(now));
  stab_dispatch("ntp", in->name, "system", &in->stab,
                snap != NULL ? in->sys_stab : NULL, s_to_ns(now),
                s_to_ns(2 * in->stab.tau0_s));
}

/* Peers absent from this reading: NaN until absent PeerForget seconds,
 * then forgotten (the falseticker verdict of a forgotten peer is cleared
 * with its last notification). */
static void peers_absent(ntp_instance_t *in, double now) {
  char pinst[DATA_MAX_NAME_LEN];
  for (size_t i = 0; i < in->npeers;) {
    ntp_peer_state_t *ps = &in->peers[i];
    if (!ps->seen && now - ps->last_seen >= in->peer_forget) {
      peer_gone(in, ps, now);
      *ps = in->peers[--in->npeers]; /* the last one takes its slot */
      continue;
    }
    if (!ps->seen) {
      hold_interrupt(&ps->ft_hold); /* unknown: NotifyHold starts again */
      peer_pinst(in, ps->name, pinst, sizeof(pinst));
      cdu_dispatch_table("ntp", pinst, ntp_peer_metrics,
                         CDU_TABLE_SIZE(ntp_peer_metrics), NULL);
      peer_stab_dispatch(in, ps, false, now, pinst);
    }
    i++;
  }
  if (in->npeers < NTP_PEER_TABLE)
    c_release(LOG_INFO, &in->table_full,
              "ntp plugin: %s: peer table has room again", in->name);
}

/* Dispatch every peer; peers known before but gone now (or the whole
 * daemon gone: snap == NULL) get NaN until PeerForget. */
static void ntp_dispatch_peers(ntp_instance_t *in, const ntp_snap_t *snap,
                               double now) {
  char pinst[DATA_MAX_NAME_LEN];
  peers_mark(in, snap, now);
  for (size_t i = 0; snap != NULL && i < snap->npeers; i++) {
    const ntp_snap_peer_t *p = &snap->peers[i];
    ntp_peer_state_t *ps = peer_state(in, p->name, now);
    peer_pinst(in, p->name, pinst, sizeof(pinst));
    cdu_dispatch_table("ntp", pinst, ntp_peer_metrics,
                       CDU_TABLE_SIZE(ntp_peer_metrics), p);
    if (ps == NULL)
      continue;
    if (in->stab.enabled)
      peer_stab_sample(in, ps, p, now, pinst);
    peer_stab_dispatch(in, ps, true, now, pinst);
    bool ft = hold_update(&ps->ft_hold, p->select == NTP_M6_SEL_FALSETICK,
                          now, in->notify_hold);
    cdu_notify_change(&ps->falseticker, ft, ft ? NOTIF_WARNING : NOTIF_OKAY,
                      "ntp", pinst, "clock_state", "selection",
                      ft ? "ntp plugin: %s: source %s is a falseticker "
                           "(offset %.6f s)"
                         : "ntp plugin: %s: source %s is no longer a "
                           "falseticker (offset %.6f s)",
                      in->name, p->name, p->offset_s);
  }
  peers_absent(in, now);
}

static unsigned name_hash(const char *s) {
  unsigned h = 5381;
  while (*s)
    h = h * 33 + (unsigned char)*s++;
  return h & 0x7fffffff;
}

/* Lost sync is notified at once; the verdicts that flap with one selection
 * round (falseticker, fewer usable sources, sys.peer) only once they held
 * NotifyHold seconds.  The metrics themselves are dispatched as read. */
static void ntp_notify(ntp_instance_t *in, const ntp_snap_t *s, double now) {
  bool sync = s->synchronised == 1;
  cdu_notify_change(&in->st_sync, sync, sync ? NOTIF_OKAY : NOTIF_FAILURE,
                    "ntp", in->name, "bool", "synchronised",
                    sync ? "ntp plugin: %s: synchronised (sys.peer \"%s\", "
                           "stratum %.0f)"
                         : "ntp plugin: %s: not synchronised: lost sync "
                           "(sys.peer \"%s\", stratum %.0f, leap %.0f)",
                    in->name, s->sys_peer, s->stratum, s->leap);
  /* sys.peer changes are news, not trouble (lost sync is the trouble):
   * severity OKAY; the first observation is silent */
  if (!in->st_syspeer.known)
    hold_init(&in->syspeer_hold, (int)name_hash(s->sys_peer));
  int h = hold_update(&in->syspeer_hold, (int)name_hash(s->sys_peer), now,
                      in->notify_hold);
  cdu_notify_change(&in->st_syspeer, h, NOTIF_OKAY, "ntp", in->name,
                    "clock_state", "sys_peer",
                    "ntp plugin: %s: sys.peer changed to \"%s\"", in->name,
                    s->sys_peer[0] ? s->sys_peer : "(none)");
  bool below = hold_update(&in->min_hold, s->n_candidates < in->min_sources,
                           now, in->notify_hold);
  cdu_notify_change(&in->st_min, below, below ? NOTIF_WARNING : NOTIF_OKAY,
                    "ntp", in->name, "count", "candidates",
                    "ntp plugin: %s: %.0f usable sources (MinSources %d), "
                    "%.0f falsetickers, %.0f reachable of %.0f",
                    in->name, s->n_candidates, in->min_sources,
                    s->n_falsetickers, s->n_reachable, s->n_peers);
}

static int ntp_read(user_data_t *ud) {
  ntp_instance_t *in = ud->data;
  int rc = ntp_acquire(in);
  double now = ntp_clock_s(); /* s, monotonic: after the exchange */
  if (rc != 0) {
    c_complain(LOG_ERR, &in->complaint, "ntp plugin: %s: no reading from %s "
               "%s: %s", in->name, in->chrony ? "chronyd" : "ntpd",
               in->socket[0] ? in->socket : in->host, in->q.err);
    cdu_notify_change(&in->st_alive, 0, NOTIF_FAILURE, "ntp", in->name,
                      "bool", "synchronised",
                      "ntp plugin: %s: the daemon does not answer: %s",
                      in->name, in->q.err);
    hold_interrupt(&in->min_hold); /* "without interruption" (NotifyHold) */
    hold_interrupt(&in->syspeer_hold);
    cdu_dispatch_table("ntp", in->name, ntp_sys_metrics,
                       CDU_TABLE_SIZE(ntp_sys_metrics), NULL);
    sys_stab_reading(in, NULL, now);
    ntp_dispatch_peers(in, NULL, now);
    return -1;
  }
  c_release(LOG_INFO, &in->complaint, "ntp plugin: %s: answering again",
            in->name);
  cdu_notify_change(&in->st_alive, 1, NOTIF_OKAY, "ntp", in->name, "bool",
                    "synchronised", "ntp plugin: %s: the daemon answers again",
                    in->name);
  cdu_dispatch_table("ntp", in->name, ntp_sys_metrics,
                     CDU_TABLE_SIZE(ntp_sys_metrics), &in->snap);
  sys_stab_reading(in, &in->snap, now);
  ntp_dispatch_peers(in, &in->snap, now);
  ntp_notify(in, &in->snap, now);
  return 0;
}

static int ntp_config_option(ntp_instance_t *in, const oconfig_item_t *ci,
                             oconfig_item_t *c, cdtime_t *interval) {
  char proto[16];
  int rc;
  if (strcasecmp("Host", c->key) == 0)
    return cf_util_get_string_buffer(c, in->host, sizeof(in->host));
  if (strcasecmp("Socket", c->key) == 0) {
    rc = cf_util_get_string_buffer(c, in->socket, sizeof(in->socket));
    if (rc == 0 && in->socket[0] != '/') {
      ERROR("ntp plugin: Server \"%s\": Socket must be an absolute path",
            in->name);
      return -1;
    }
    return rc;
  }
  if (strcasecmp("Port", c->key) == 0) {
    return cdu_get_port(c, "ntp", in->name, in->port, sizeof(in->port));
  }
  if (strcasecmp("Protocol", c->key) == 0) {
    if ((rc = cf_util_get_string_buffer(c, proto, sizeof(proto))) != 0)
      return rc;
    if (strcasecmp(proto, "chrony") == 0)
      in->chrony = true;
    else if (strcasecmp(proto, "ntpd") == 0 || strcasecmp(proto, "ntpsec") == 0)
      in->chrony = false;
    else {
      ERROR("ntp plugin: Server \"%s\": Protocol must be ntpd or chrony, "
            "not \"%s\"", in->name, proto);
      return -1;
    }
    return 0;
  }
  if (strcasecmp("Timeout", c->key) == 0) /* s */
    return cdu_get_positive("ntp", ci, c, 60, &in->timeout);
  if (strcasecmp("Interval", c->key) == 0)
    return cf_util_get_cdtime(c, interval);
  if (strcasecmp("NotifyHold", c->key) == 0) /* s */
    return cdu_get_double_range("ntp", ci, c, 0, 86400, &in->notify_hold);
  if (strcasecmp("PeerForget", c->key) == 0) /* s */
    return cdu_get_double_range("ntp", ci, c, 0, 604800, &in->peer_forget);
  if (strcasecmp("MinSources", c->key) == 0) {
    if ((rc = cf_util_get_int(c, &in->min_sources)) != 0)
      return rc;
    if (in->min_sources < 0 || in->min_sources > NTP_SNAP_MAX_PEERS) {
      ERROR("ntp plugin: Server \"%s\": MinSources must be 0..%d", in->name,
            NTP_SNAP_MAX_PEERS);
      return -1;
    }
    return 0;
  }
  return stab_config_option("ntp", in->name, c, &in->stab); /* 1: unknown */
}

/* max(2^10 s, 4 readings); interval 0 = collectd's global Interval */
static double peer_forget_default(cdtime_t interval) {
  double iv = CDTIME_T_TO_DOUBLE(interval ? interval : plugin_get_interval());
  double n = NTP_PEER_FORGET_READINGS * iv;
  return n > NTP_PEER_FORGET_MIN_S ? n : NTP_PEER_FORGET_MIN_S;
}

/* The system series' tau0 is the read interval (s); its window must hold
 * PHASE_STATS_MIN_WINDOW .. PHASE_STATS_MAX_WINDOW readings. */
static int ntp_config_stab(ntp_instance_t *in, cdtime_t interval) {
  in->stab.tau0_s =
      CDTIME_T_TO_DOUBLE(interval ? interval : plugin_get_interval());
  if (stab_config_check("ntp", in->name, &in->stab) != 0) {
    ERROR("ntp plugin: Server \"%s\": ignoring this block", in->name);
    return -1;
  }
  in->sys_stab = stab_new("ntp", in->name, &in->stab);
  return 0;
}

static int ntp_config_server(oconfig_item_t *ci) {
  ntp_instance_t *in = calloc(1, sizeof(*in));
  cdtime_t interval = 0;
  if (in == NULL)
    return -1;
  sstrncpy(in->host, "127.0.0.1", sizeof(in->host));
  in->timeout = 1.0;
  in->min_sources = 1;
  in->notify_hold = 30;
  in->peer_forget = -1; /* default, once Interval is known */
  hold_init(&in->min_hold, 0);
  in->q.m6_seq = 1;
  in->q.cmd_seq = 1;
  in->complaint = (c_complain_t)C_COMPLAIN_INIT_STATIC;
  in->table_full = (c_complain_t)C_COMPLAIN_INIT_STATIC;
  stab_config_init(&in->stab, 0, NTP_STAB_DEFAULT_WINDOW_S, false);
  if (cdu_block_name("ntp", ci, in->name, sizeof(in->name)) != 0) {
    free(in);
    return -1;
  }
  for (int i = 0; i < ci->children_num; i++) {
    oconfig_item_t *c = ci->children + i;
    int rc = ntp_config_option(in, ci, c, &interval);
    if (rc == 1)
      rc = cdu_unknown_option("ntp", ci, in->name, c);
    if (rc != 0) {
      ERROR("ntp plugin: Server \"%s\": ignoring this block", in->name);
      free(in);
      return -1;
    }
  }
  if (in->socket[0] != '\0' && !in->chrony) {
    ERROR("ntp plugin: Server \"%s\": Socket is for Protocol chrony",
          in->name);
    free(in);
    return -1;
  }
  if (in->port[0] == '\0')
    sstrncpy(in->port, in->chrony ? "323" : "123", sizeof(in->port));
  if (in->peer_forget < 0)
    in->peer_forget = peer_forget_default(interval);
  if (ntp_config_stab(in, interval) != 0) {
    free(in);
    return -1;
  }
  /* Timeout is the budget of one complete reading (docs/ntp.md). */
  return cdu_register_read_bounded("ntp", in->name, ntp_read, interval,
                                   DOUBLE_TO_CDTIME_T(in->timeout), in,
                                   ntp_instance_free);
}

static int ntp_config(oconfig_item_t *ci) {
  int errors = 0;
  for (int i = 0; i < ci->children_num; i++) {
    oconfig_item_t *c = ci->children + i;
    if (strcasecmp("Server", c->key) == 0)
      errors += ntp_config_server(c) != 0;
    else
      errors += cdu_unknown_option("ntp", NULL, NULL, c) != 0;
  }
  return cdu_config_result("ntp", errors ? -1 : 0);
}

void module_register(void) {
  plugin_register_complex_config("ntp", ntp_config);
}
