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

static int sat_constellation(const gnss_sat_t *s) {
  if (s->svid != 0 && s->gnssid >= 0 && s->gnssid < GNSS_N)
    return s->gnssid;
  return gnss_from_prn(s->prn);
}

gnss_sky_status_t gnss_sky_count(const gnss_sat_t *sats, size_t n,
                                 gnss_sky_t *out) {
  double snr_sum[GNSS_N + 1] = {0};
  int snr_n[GNSS_N + 1] = {0};

  if (out == NULL || (n > 0 && sats == NULL))
    return GNSS_SKY_EINVAL;
  memset(out, 0, sizeof(*out));
  for (int g = 0; g <= GNSS_TOTAL; g++) {
    out->snr_used_mean[g] = NAN;
    out->snr_used_max[g] = NAN;
  }
  for (size_t i = 0; i < n; i++) {
    const gnss_sat_t *s = &sats[i];
    int g = sat_constellation(s);
    int idx[2] = {GNSS_TOTAL, g};
    int nidx = (g >= 0) ? 2 : 1;
    if (g >= 0)
      out->mask |= 1u << g;
    for (int k = 0; k < nidx; k++) {
      int j = idx[k];
      out->visible[j]++;
      if (!s->used)
        continue;
      out->used[j]++;
      if (!(s->ss > 0)) /* 0 = blank NMEA SNR field; NaN = absent */
        continue;
      snr_sum[j] += s->ss;
      snr_n[j]++;
      if (isnan(out->snr_used_max[j]) || s->ss > out->snr_used_max[j])
        out->snr_used_max[j] = s->ss;
    }
  }
  for (int g = 0; g <= GNSS_TOTAL; g++)
    if (snr_n[g] > 0)
      out->snr_used_mean[g] = snr_sum[g] / snr_n[g];
  out->hdop = out->vdop = out->pdop = out->tdop = out->gdop = NAN;
  return GNSS_SKY_OK;
}

void gnss_sky_reset(gnss_sky_tracker_t *t) {
  if (t != NULL)
    memset(t, 0, sizeof(*t));
}

static bool has_all(unsigned mask, unsigned of) { return (mask & of) == of; }

static int commit(gnss_sky_tracker_t *t, const gnss_sky_t *v,
                  gnss_sky_t *out) {
  t->have_committed = true;
  t->committed_mask = v->mask;
  *out = *v;
  return 1;
}

int gnss_sky_feed(gnss_sky_tracker_t *t, const gnss_sky_t *in,
                  gnss_sky_t *out) {
  int published = 0;
  if (t == NULL || in == NULL || out == NULL)
    return GNSS_SKY_EINVAL;

  if (t->have_pending) {
    unsigned pm = t->pending.mask;
    bool grows = has_all(in->mask, pm) && in->mask != pm;
    if (!grows) {
      /* The held report's cycle ended there: publish it. */
      gnss_sky_t done = t->pending;
      t->have_pending = false;
      published = commit(t, &done, out);
    }
  }
  if (t->have_committed && has_all(in->mask, t->committed_mask)) {
    t->have_pending = false; /* same cycle, completed by `in` */
    return published + commit(t, in, out);
  }
  /* Misses a constellation, or nothing is known yet (the first report may
   * be the first part of a cycle): hold it. */
  t->pending = *in;
  t->have_pending = true;
  return published;
}
