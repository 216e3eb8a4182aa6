/* SPDX-License-Identifier: MIT
 * ntp_snapshot - ntpd and chrony state in one schema (see ntp_snapshot.h).
 */
#include "common/ntp_snapshot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* chronyd's local reference ("local stratum N"): NTP_REFID_LOCAL,
 * 127.127.1.1 (chrony ntp.h, reference.c REF_GetReferenceParams) */
#define CHRONY_REFID_LOCAL 0x7F7F0101u

void ntp_snap_init(ntp_snap_t *s) {
  memset(s, 0, sizeof(*s));
  double *sys[] = {&s->offset_s, &s->sys_jitter_s, &s->clk_jitter_s,
                   &s->wander_ppm, &s->frequency_ppm, &s->rms_offset_s,
                   &s->stratum, &s->root_delay_s, &s->root_dispersion_s,
                   &s->root_distance_s, &s->leap, &s->source_kind,
                   &s->synchronised, &s->kpps_jitter_s,
                   &s->kpps_frequency_ppm, &s->kpps_stability_ppm,
                   &s->kpps_interval_s, &s->n_peers, &s->n_reachable,
                   &s->n_candidates, &s->n_falsetickers, &s->n_outliers,
                   &s->n_unresolved, &s->uptime_s};
  for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++)
    *sys[i] = NAN;
  int64_t *ctr[] = {&s->pkt_received, &s->pkt_current_version,
                    &s->pkt_old_version, &s->pkt_bad_format,
                    &s->pkt_bad_auth, &s->pkt_declined, &s->pkt_restricted,
                    &s->pkt_rate_limited, &s->pkt_kod_sent,
                    &s->pkt_processed, &s->pkt_authenticated,
                    &s->pkt_interleaved, &s->cmd_received, &s->cmd_dropped,
                    &s->nke_accepted, &s->nke_dropped, &s->log_dropped};
  for (size_t i = 0; i < sizeof(ctr) / sizeof(ctr[0]); i++)
    *ctr[i] = NTP_SNAP_COUNTER_UNKNOWN;
  s->kpps_calibrations = NTP_SNAP_COUNTER_UNKNOWN;
  s->kpps_calib_errors = NTP_SNAP_COUNTER_UNKNOWN;
  s->kpps_jitter_exceeded = NTP_SNAP_COUNTER_UNKNOWN;
  s->kpps_stability_exceeded = NTP_SNAP_COUNTER_UNKNOWN;
}

/* name's value times scale, or NaN. */
static double num(const ntp_m6_var_t *v, size_t n, const char *name,
                  double scale) {
  double d;
  if (ntp_m6_var_double(v, n, name, &d) != 0)
    return NAN;
  return d * scale;
}

void ntp_snap_from_mode6_sys(ntp_snap_t *s, const ntp_m6_var_t *v, size_t n,
                             uint16_t status) {
  ntp_m6_sys_status_t ss;
  ntp_m6_sys_status(status, &ss);
  s->offset_s = num(v, n, "offset", 1e-3);
  s->sys_jitter_s = num(v, n, "sys_jitter", 1e-3);
  s->clk_jitter_s = num(v, n, "clk_jitter", 1e-3);
  s->wander_ppm = num(v, n, "clk_wander", 1);
  s->frequency_ppm = num(v, n, "frequency", 1);
  s->stratum = num(v, n, "stratum", 1);
  s->root_delay_s = num(v, n, "rootdelay", 1e-3);
  s->root_dispersion_s = num(v, n, "rootdisp", 1e-3);
  s->root_distance_s = num(v, n, "rootdist", 1e-3);
  if (isnan(s->root_distance_s)) /* classic ntpd: no rootdist variable */
    s->root_distance_s = s->root_delay_s / 2 + s->root_dispersion_s;
  /* leap: the variable is binary text ("11"/"00"); the status word's LI is
   * the same value and always present */
  s->leap = ss.leap;
  s->source_kind = ss.source;
  s->synchronised =
      (ss.leap != 3 && !isnan(s->stratum) && s->stratum < 16) ? 1 : 0;
}

/* True if the daemon reports kppscalibdur as the kernel's shift (log2 s):
 * NTPsec from 1.2.3 (ntpd/ntp_control.c: Var_int("kppscalibdur", ...,
 * ntx.shift), since "First step on ntp_control cleanup", 2023), where
 * 1.2.2 and classic ntpd print 1 << ntx.shift (CS_K_PPS_CALIBDUR).
 * version: the `version` system variable, "ntpd ntpsec-1.2.3 2024-...";
 * development builds "ntpsec-1.2.2+N" count as 1.2.2. */
static bool calibdur_is_log2(const char *version) {
  const char *p = version ? strstr(version, "ntpsec-") : NULL;
  unsigned major, minor, patch;
  if (p == NULL || sscanf(p, "ntpsec-%u.%u.%u", &major, &minor, &patch) != 3)
    return false;
  if (major != 1)
    return major > 1;
  return minor > 2 || (minor == 2 && patch >= 3);
}

void ntp_snap_from_mode6_kernel(ntp_snap_t *s, const ntp_m6_var_t *v,
                                size_t n) {
  double dur = num(v, n, "kppscalibdur", 1);
  if (isnan(dur) || dur <= 0) /* 0: kernel PPS inactive / not compiled in */
    return;
  if (calibdur_is_log2(ntp_m6_var_get(v, n, "version"))) {
    if (dur > 30) /* the kernel's shift is 2..8 (PPS_INTMIN..PPS_INTMAX) */
      return;
    dur = ldexp(1, (int)dur);
  }
  s->kpps_interval_s = dur; /* s */
  s->kpps_jitter_s = num(v, n, "kppsjitter", 1e-3);
  s->kpps_frequency_ppm = num(v, n, "kppsfreq", 1);
  s->kpps_stability_ppm = num(v, n, "kppsstab", 1);
  struct {
    const char *name;
    int64_t *out;
  } ctr[] = {{"kppscalibs", &s->kpps_calibrations},
             {"kppscaliberrs", &s->kpps_calib_errors},
             {"kppsjitexc", &s->kpps_jitter_exceeded},
             {"kppsstbexc", &s->kpps_stability_exceeded}};
  for (size_t i = 0; i < sizeof(ctr) / sizeof(ctr[0]); i++) {
    double d = num(v, n, ctr[i].name, 1);
    if (!isnan(d) && d >= 0 && d < 9.2e18)
      *ctr[i].out = (int64_t)d;
  }
}

/* A counter variable: a whole number >= 0, else left as it is. */
static void counter(const ntp_m6_var_t *v, size_t n, const char *name,
                    int64_t *out) {
  double d = num(v, n, name, 1);
  if (!isnan(d) && d >= 0 && d < 9.2e18 && d == floor(d))
    *out = (int64_t)d;
}

void ntp_snap_from_mode6_sysstats(ntp_snap_t *s, const ntp_m6_var_t *v,
                                  size_t n) {
  const struct {
    const char *name; /* ntp_control.c; NTPsec adds NAME_r */
    int64_t *out;
  } ctr[] = {{"ss_received", &s->pkt_received},
             {"ss_thisver", &s->pkt_current_version},
             {"ss_oldver", &s->pkt_old_version},
             {"ss_badformat", &s->pkt_bad_format},
             {"ss_badauth", &s->pkt_bad_auth},
             {"ss_declined", &s->pkt_declined},
             {"ss_restricted", &s->pkt_restricted},
             {"ss_limited", &s->pkt_rate_limited},
             {"ss_kodsent", &s->pkt_kod_sent},
             {"ss_processed", &s->pkt_processed}};
  char total[32];
  for (size_t i = 0; i < sizeof(ctr) / sizeof(ctr[0]); i++) {
    snprintf(total, sizeof(total), "%s_r", ctr[i].name);
    counter(v, n, ctr[i].name, ctr[i].out);
    counter(v, n, total, ctr[i].out); /* the total wins when present */
  }
  s->uptime_s = num(v, n, "ss_uptime", 1); /* s */
}

/* "0xSSSSSSSS.FFFFFFFF" (ntp_control.c ctl_putts) -> seconds, fraction */
static int parse_ts(const char *t, uint32_t *sec, uint32_t *frac) {
  unsigned a, b;
  char end;
  if (t == NULL || sscanf(t, "0x%8x.%8x%c", &a, &b, &end) != 2)
    return -1;
  *sec = a;
  *frac = b;
  return 0;
}

int ntp_snap_ts_diff(const char *to, const char *from, double *out) {
  uint32_t ts, tf, fs, ff;
  if (parse_ts(to, &ts, &tf) != 0 || parse_ts(from, &fs, &ff) != 0 ||
      (fs == 0 && ff == 0))
    return -1;
  /* modulo 2^32: right across an NTP era boundary (2036) */
  int32_t dsec = (int32_t)(ts - fs);
  *out = (double)dsec + ((double)tf - (double)ff) / 4294967296.0;
  return 0;
}

void ntp_snap_mode6_peer_age(ntp_snap_peer_t *p, const ntp_m6_var_t *v,
                             size_t n, const char *daemon_clock,
                             double elapsed_s) {
  double age;
  p->sample_age_s = NAN;
  if (ntp_snap_ts_diff(daemon_clock, ntp_m6_var_get(v, n, "rec"), &age) == 0)
    p->sample_age_s = age + elapsed_s; /* s */
}

/* 2^log2 s for a poll exponent in a sane range, else NaN. */
static double poll_seconds(double log2) {
  if (isnan(log2) || log2 < -10 || log2 > 24 || log2 != floor(log2))
    return NAN;
  return ldexp(1, (int)log2);
}

void ntp_snap_from_chrony_serverstats(ntp_snap_t *s,
                                      const chrony_serverstats_t *ss) {
  const struct {
    int k;
    int64_t *out;
  } map[] = {{CHRONY_SS_NTP_RX, &s->pkt_received},
             {CHRONY_SS_NTP_DROP, &s->pkt_rate_limited},
             {CHRONY_SS_NTP_AUTH, &s->pkt_authenticated},
             {CHRONY_SS_NTP_INTERLEAVED, &s->pkt_interleaved},
             {CHRONY_SS_CMD_RX, &s->cmd_received},
             {CHRONY_SS_CMD_DROP, &s->cmd_dropped},
             {CHRONY_SS_NKE_RX, &s->nke_accepted},
             {CHRONY_SS_NKE_DROP, &s->nke_dropped},
             {CHRONY_SS_LOG_DROP, &s->log_dropped}};
  for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
    *map[i].out = ss->v[map[i].k]; /* CHRONY_SS_UNKNOWN = unknown */
}

unsigned ntp_snap_reach_count(unsigned reach_register) {
  unsigned c = 0;
  for (unsigned r = reach_register & 0xff; r; r &= r - 1)
    c++;
  return c;
}

static ntp_snap_peer_t *new_peer(ntp_snap_t *s, const char *name) {
  if (s->npeers >= NTP_SNAP_MAX_PEERS)
    return NULL;
  ntp_snap_peer_t *p = &s->peers[s->npeers++];
  memset(p, 0, sizeof(*p));
  snprintf(p->name, sizeof(p->name), "%s", name);
  p->offset_s = p->delay_s = p->jitter_s = p->dispersion_s = NAN;
  p->stratum = p->reach = p->selection = p->reachable = NAN;
  p->poll_s = p->peer_poll_s = p->sample_age_s = NAN;
  p->n_samples = p->n_runs = p->span_s = NAN;
  p->resid_freq_ppm = p->skew_ppm = p->est_offset_s = NAN;
  return p;
}

ntp_snap_peer_t *ntp_snap_add_mode6_peer(ntp_snap_t *s, const ntp_m6_var_t *v,
                                         size_t n, uint16_t peer_status) {
  ntp_m6_peer_status_t ps;
  ntp_m6_peer_status(peer_status, &ps);
  const char *name = ntp_m6_var_get(v, n, "srchost");
  if (name == NULL || *name == '\0')
    name = ntp_m6_var_get(v, n, "srcadr");
  ntp_snap_peer_t *p = new_peer(s, name ? name : "unknown");
  if (p == NULL)
    return NULL;
  p->offset_s = num(v, n, "offset", 1e-3);
  p->delay_s = num(v, n, "delay", 1e-3);
  p->jitter_s = num(v, n, "jitter", 1e-3);
  p->dispersion_s = num(v, n, "dispersion", 1e-3);
  p->stratum = num(v, n, "stratum", 1);
  p->poll_s = poll_seconds(num(v, n, "hpoll", 1));
  p->peer_poll_s = poll_seconds(num(v, n, "ppoll", 1));
  double reach = num(v, n, "reach", 1);
  if (!isnan(reach) && reach >= 0 && reach <= 255) {
    p->reach_register = (unsigned)reach;
    p->reach = ntp_snap_reach_count(p->reach_register);
    p->reachable = p->reach_register != 0;
  } else {
    p->reachable = ps.reachable;
  }
  p->select = ps.select;
  p->selection = ps.select;
  return p;
}

void ntp_snap_from_chrony_tracking(ntp_snap_t *s, const chrony_tracking_t *t) {
  bool synced = t->leap_status != 3;
  s->offset_s = t->current_correction_s; /* > 0 = local clock slow */
  s->rms_offset_s = t->rms_offset_s;
  s->wander_ppm = t->skew_ppm;
  s->frequency_ppm = -t->freq_ppm;
  s->stratum = t->stratum;
  s->root_delay_s = t->root_delay_s;
  s->root_dispersion_s = t->root_dispersion_s;
  /* chronyc's "root distance": delay/2 + dispersion */
  s->root_distance_s = t->root_delay_s / 2 + t->root_dispersion_s;
  s->leap = t->leap_status & 3;
  /* a refclock reference has no address (family unspec / id) */
  bool refclock = t->ip.family != 1 && t->ip.family != 2;
  s->source_kind = ntp_snap_chrony_kind(t->ref_id, refclock, synced);
  s->synchronised = (synced && t->stratum < 16) ? 1 : 0;
  s->n_unresolved = 0; /* chrony knows the concept: counted per source */
}

unsigned ntp_snap_chrony_select(unsigned chrony_state) {
  switch (chrony_state) {
  case CHRONY_SD_SELECTED: return NTP_M6_SEL_SYSPEER;
  /* chronyc '+': combined with the selected source = ntpq '+' */
  case CHRONY_SD_UNSELECTED: return NTP_M6_SEL_CANDIDATE;
  case CHRONY_SD_FALSETICKER: return NTP_M6_SEL_FALSETICK;
  case CHRONY_SD_JITTERY: return NTP_M6_SEL_OUTLIER;
  /* chronyc '-': acceptable but not combined = ntpq '-' outlier */
  case CHRONY_SD_SELECTABLE: return NTP_M6_SEL_OUTLIER;
  default: return NTP_M6_SEL_REJECT;
  }
}

unsigned ntp_snap_chrony_kind(uint32_t refid, bool refclock, bool synced) {
  char id[8];
  if (!synced)
    return 0;
  if (!refclock)
    return 6;
  if (refid == CHRONY_REFID_LOCAL)
    return 5;
  chrony_refid_str(refid, id, sizeof(id));
  static const struct {
    const char *prefix;
    unsigned kind;
  } map[] = {{"PPS", 1},  {"DCF", 2},  {"MSF", 2},  {"WWVB", 2},
             {"JJY", 2},  {"GPS", 4},  {"GNSS", 4}, {"NMEA", 4},
             {"SHM", 4},  {"GLO", 4},  {"GAL", 4},  {"LOCL", 5},
             {"LOCA", 5}};
  for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
    if (strncmp(id, map[i].prefix, strlen(map[i].prefix)) == 0)
      return map[i].kind;
  return 7;
}

ntp_snap_peer_t *ntp_snap_add_chrony_source(ntp_snap_t *s,
                                            const chrony_source_data_t *d,
                                            const chrony_sourcestats_t *st) {
  char name[NTP_SNAP_NAME_LEN];
  chrony_source_name(d, name, sizeof(name));
  ntp_snap_peer_t *p = new_peer(s, name);
  if (p == NULL)
    return NULL;
  p->offset_s = -d->latest_meas_s; /* chrony: + = local fast */
  p->dispersion_s = d->latest_meas_err_s;
  p->jitter_s = st ? st->sd_s : NAN;
  if (st != NULL) {
    p->n_samples = st->n_samples;
    p->n_runs = st->n_runs;
    p->span_s = st->span_s;
    p->resid_freq_ppm = -st->resid_freq_ppm; /* chrony: + = local fast */
    p->skew_ppm = st->skew_ppm;
    p->est_offset_s = -st->est_offset_s;
  }
  p->poll_s = poll_seconds(d->poll);
  /* sourcestats.c: (uint32_t)-1 while the source has no sample */
  p->sample_age_s = d->since_sample_s == UINT32_MAX ? NAN : d->since_sample_s;
  p->stratum = d->stratum;
  p->reach_register = d->reach & 0xff;
  p->reach = ntp_snap_reach_count(p->reach_register);
  p->reachable = p->reach_register != 0;
  p->select = ntp_snap_chrony_select(d->state);
  p->selection = p->select;
  p->unresolved = d->ip.family == CHRONY_IPADDR_ID;
  if (p->unresolved)
    s->n_unresolved = isnan(s->n_unresolved) ? 1 : s->n_unresolved + 1;
  return p;
}

void ntp_snap_finish(ntp_snap_t *s) {
  unsigned peers = 0, reach = 0, cand = 0, falset = 0, outl = 0;
  s->sys_peer[0] = '\0';
  for (size_t i = 0; i < s->npeers; i++) {
    const ntp_snap_peer_t *p = &s->peers[i];
    if (p->unresolved) /* a name, not a peer yet: count-unresolved */
      continue;
    peers++;
    reach += p->reachable == 1;
    /* A source whose reach register is 0 (no answer in the last 8 polls)
     * is not usable, even while the daemon still combines its old samples:
     * chronyd 4.3 keeps such a source '+' or '*' for ~35 s
     * (tests/scenarios/ntp_one_source.sh).  Reach unknown (NaN) counts. */
    cand += p->select >= NTP_M6_SEL_CANDIDATE && p->reachable != 0;
    falset += p->select == NTP_M6_SEL_FALSETICK;
    outl += p->select == NTP_M6_SEL_OUTLIER;
    if (p->select == NTP_M6_SEL_SYSPEER ||
        (p->select == NTP_M6_SEL_PPSPEER && s->sys_peer[0] == '\0'))
      snprintf(s->sys_peer, sizeof(s->sys_peer), "%s", p->name);
  }
  s->n_peers = peers;
  s->n_reachable = reach;
  s->n_candidates = cand;
  s->n_falsetickers = falset;
  s->n_outliers = outl;
}

char *ntp_snap_sanitize(const char *in, char *out, size_t len) {
  size_t j = 0;
  if (len == 0)
    return out;
  for (; in[j] != '\0' && j + 1 < len; j++) {
    char c = in[j];
    bool okc = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9') || strchr("._:()-", c) != NULL;
    out[j] = okc ? c : '_';
  }
  out[j] = '\0';
  return out;
}
