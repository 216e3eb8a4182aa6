/* SPDX-License-Identifier: MIT
 * gnss_sky - per-constellation sky summary and SKY-in-parts completion. */
#include "common/gnss_sky.h"

#include <math.h>
#include <string.h>

static const char *const gnss_names[GNSS_N + 1] = {
    "gps", "sbas", "galileo", "beidou", "imes",
    "qzss", "glonass", "navic", "total"};

const char *gnss_name(int gnss) {
  if (gnss < 0 || gnss > GNSS_TOTAL)
    return NULL;
  return gnss_names[gnss];
}

int gnss_from_prn(int prn) {
  if (prn >= 1 && prn <= 32)
    return GNSS_GPS;
  if (prn >= 33 && prn <= 64)
    return GNSS_SBAS;
  if (prn >= 65 && prn <= 96)
    return GNSS_GLONASS;
  if (prn >= 120 && prn <= 158)
    return GNSS_SBAS;
  if (prn >= 193 && prn <= 200)
    return GNSS_QZSS;
  if ((prn >= 201 && prn <= 237) || (prn >= 401 && prn <= 437))
    return GNSS_BEIDOU;
  if (prn >= 301 && prn <= 336)
    return GNSS_GALILEO;
  return -1;
}

/* Band of each u-blox sigid 0..8 per constellation (gps.h, satellite_t);
 * -1 = not a band we report. */
#define NSIG 9
static const signed char band_of_sigid[GNSS_N][NSIG] = {
    [GNSS_GPS] = {0, -1, -1, 1, 1, -1, 2, 2, -1},
    [GNSS_SBAS] = {-1, -1, -1, -1, -1, -1, -1, -1, -1},
    [GNSS_GALILEO] = {0, 0, -1, 1, 1, 2, 2, -1, -1},
    [GNSS_BEIDOU] = {0, 0, 1, 1, -1, 0, 0, 1, 1},
    [GNSS_IMES] = {-1, -1, -1, -1, -1, -1, -1, -1, -1},
    [GNSS_QZSS] = {-1, -1, -1, -1, -1, -1, -1, -1, -1},
    [GNSS_GLONASS] = {0, -1, 1, -1, -1, -1, -1, -1, -1},
    [GNSS_NAVIC] = {-1, -1, -1, -1, -1, -1, -1, -1, -1},
};
static const char *const band_names[GNSS_N][GNSS_BANDS] = {
    [GNSS_GPS] = {"l1", "l2", "l5"},
    [GNSS_GALILEO] = {"e1", "e5a", "e5b"},
    [GNSS_BEIDOU] = {"b1", "b2", NULL},
    [GNSS_GLONASS] = {"l1", "l2", NULL},
};

int gnss_band(int gnss, int sigid) {
  if (gnss < 0 || gnss >= GNSS_N || sigid < 0 || sigid >= NSIG)
    return -1;
  return band_of_sigid[gnss][sigid];
}

const char *gnss_band_name(int gnss, int band) {
  if (gnss < 0 || gnss >= GNSS_N || band < 0 || band >= GNSS_BANDS)
    return NULL;
  return band_names[gnss][band];
}

static int sat_constellation(const gnss_sat_t *s) {
  if (s->svid != 0 && s->gnssid >= 0 && s->gnssid < GNSS_N)
    return s->gnssid;
  return gnss_from_prn(s->prn);
}

/* Do two entries list the same satellite (in different signals)? */
static bool same_sat(const gnss_sat_t *a, const gnss_sat_t *b) {
  if (sat_constellation(a) != sat_constellation(b))
    return false;
  if (a->svid != 0 && b->svid != 0 && a->gnssid == b->gnssid)
    return a->svid == b->svid;
  return a->prn != 0 && a->prn == b->prn;
}

/* One satellite, merged over its signals. */
typedef struct {
  bool used;    /* any signal used */
  double ss;    /* strongest used signal with ss > 0, dB-Hz; 0 if none */
  unsigned bands; /* bit b = a signal on band b */
  double el;      /* elevation of the first entry, degrees (NaN unknown) */
} sat_sum_t;

/* Merge the satellite whose first entry is sats[i] over sats[i..n). */
static sat_sum_t sat_merge(const gnss_sat_t *sats, size_t n, size_t i) {
  sat_sum_t m = {false, 0, 0, sats[i].el};
  int g = sat_constellation(&sats[i]);
  for (size_t k = i; k < n; k++) {
    const gnss_sat_t *s = &sats[k];
    if (k != i && !same_sat(&sats[i], s))
      continue;
    int b = gnss_band(g, s->sigid);
    if (b >= 0)
      m.bands |= 1u << b;
    if (!s->used)
      continue;
    m.used = true;
    if (s->ss > m.ss) /* 0 = blank NMEA SNR field; NaN = absent */
      m.ss = s->ss;
  }
  return m;
}

static bool seen_before(const gnss_sat_t *sats, size_t i, bool same_sigid) {
  for (size_t k = 0; k < i; k++)
    if (same_sat(&sats[k], &sats[i]) &&
        (!same_sigid || sats[k].sigid == sats[i].sigid))
      return true;
  return false;
}

/* `repeat`: the satellite was listed with this sigid before.  gpsd 3.22
 * gives some second-band signals the first band's sigid (BeiDou B2I from
 * NMEA 4.11 id B, GPS L5, Galileo E5a), so the repeat is the only sign of
 * that signal group: it counts as a group of unknown band (band 3). */
static void add_signal(gnss_sky_t *out, const gnss_sat_t *s, int g,
                       bool repeat) {
  int b = repeat ? -1 : gnss_band(g, s->sigid);
  out->signals[GNSS_TOTAL]++;
  out->signals_used[GNSS_TOTAL] += s->used;
  if (g < 0)
    return;
  out->signals[g]++;
  out->signals_used[g] += s->used;
  out->mask |= 1u << g;
  out->groups |= 1u << (4 * g + (b >= 0 ? b : 3));
}

/* A used satellite's SNR in the masked mean (index GNSS_TOTAL + 1 of the
 * sums); an unknown elevation is below any mask. */
static void add_masked(const sat_sum_t *m, double mask_deg, double snr_sum[],
                       int snr_n[]) {
  if (m->used && m->ss > 0 && (isnan(mask_deg) || m->el >= mask_deg)) {
    snr_sum[GNSS_TOTAL + 1] += m->ss;
    snr_n[GNSS_TOTAL + 1]++;
  }
}

static void add_sat(gnss_sky_t *out, const sat_sum_t *m, int g,
                    double snr_sum[], int snr_n[]) {
  int idx[2] = {GNSS_TOTAL, g};
  for (int k = 0; k < (g >= 0 ? 2 : 1); k++) {
    int j = idx[k];
    out->visible[j]++;
    if (!m->used)
      continue;
    out->used[j]++;
    if (!(m->ss > 0))
      continue;
    snr_sum[j] += m->ss;
    snr_n[j]++;
    if (isnan(out->snr_used_max[j]) || m->ss > out->snr_used_max[j])
      out->snr_used_max[j] = m->ss;
  }
  for (int b = 0; g >= 0 && b < GNSS_BANDS; b++)
    out->band[g][b] += (m->bands >> b) & 1u;
}

gnss_sky_status_t gnss_sky_count(const gnss_sat_t *sats, size_t n,
                                 gnss_sky_t *out) {
  return gnss_sky_count_mask(sats, n, NAN, out);
}

gnss_sky_status_t gnss_sky_count_mask(const gnss_sat_t *sats, size_t n,
                                      double mask_deg, gnss_sky_t *out) {
  double snr_sum[GNSS_N + 2] = {0}; /* [GNSS_TOTAL + 1]: the masked mean */
  int snr_n[GNSS_N + 2] = {0};

  if (out == NULL || (n > 0 && sats == NULL))
    return GNSS_SKY_EINVAL;
  memset(out, 0, sizeof(*out));
  for (int g = 0; g <= GNSS_TOTAL; g++) {
    out->snr_used_mean[g] = NAN;
    out->snr_used_max[g] = NAN;
  }
  /* O(n^2) over at most gpsd's MAXCHANNELS (140) entries, no storage. */
  for (size_t i = 0; i < n; i++) {
    int g = sat_constellation(&sats[i]);
    add_signal(out, &sats[i], g, seen_before(sats, i, true));
    if (seen_before(sats, i, false))
      continue;
    sat_sum_t m = sat_merge(sats, n, i);
    add_sat(out, &m, g, snr_sum, snr_n);
    add_masked(&m, mask_deg, snr_sum, snr_n);
  }
  for (int g = 0; g <= GNSS_TOTAL; g++)
    if (snr_n[g] > 0)
      out->snr_used_mean[g] = snr_sum[g] / snr_n[g];
  out->snr_used_masked_mean = snr_n[GNSS_TOTAL + 1] > 0
                                  ? snr_sum[GNSS_TOTAL + 1] / snr_n[GNSS_TOTAL + 1]
                                  : NAN;
  out->hdop = out->vdop = out->pdop = out->tdop = out->gdop = NAN;
  return GNSS_SKY_OK;
}

void gnss_sky_reset(gnss_sky_tracker_t *t) {
  if (t != NULL)
    memset(t, 0, sizeof(*t));
}

static bool has_all(uint32_t set, uint32_t of) { return (set & of) == of; }

static int commit(gnss_sky_tracker_t *t, const gnss_sky_t *v,
                  gnss_sky_t *out) {
  t->have_committed = true;
  t->committed_groups = v->groups;
  *out = *v;
  return 1;
}

int gnss_sky_feed(gnss_sky_tracker_t *t, const gnss_sky_t *in,
                  gnss_sky_t *out) {
  int published = 0;
  if (t == NULL || in == NULL || out == NULL)
    return GNSS_SKY_EINVAL;

  if (t->have_pending) {
    uint32_t pg = t->pending.groups;
    bool grows = has_all(in->groups, pg) && in->groups != pg;
    if (!grows) {
      /* The held report's cycle ended there: publish it. */
      gnss_sky_t done = t->pending;
      t->have_pending = false;
      published = commit(t, &done, out);
    }
  }
  if (t->have_committed && has_all(in->groups, t->committed_groups)) {
    t->have_pending = false; /* same cycle, completed by `in` */
    return published + commit(t, in, out);
  }
  /* Misses a signal group, or nothing is known yet (the first report may
   * be the first part of a cycle): hold it. */
  t->pending = *in;
  t->have_pending = true;
  return published;
}
