/* SPDX-License-Identifier: MIT
 * ceph_forecast - recovery ETA and time to a fill limit (see
 * ceph_forecast.h). */
#include "common/ceph_forecast.h"

#include <string.h>

void ceph_ewma_reset(ceph_ewma_t *e) {
  e->value = NAN;
  e->t = 0;
  e->have = 0;
}

double ceph_ewma_update(ceph_ewma_t *e, double t, double x, double tau) {
  if (isnan(x) || (e->have && !(t > e->t)))
    return e->value;
  if (!e->have || !(tau > 0)) {
    e->value = x;
  } else {
    double w = 1 - exp(-(t - e->t) / tau);
    e->value += w * (x - e->value);
  }
  e->t = t;
  e->have = 1;
  return e->value;
}

double ceph_recovery_eta(double remaining, double rate) {
  if (!(remaining > 0) || !(rate > 0))
    return NAN;
  return remaining / rate;
}

void ceph_fill_init(ceph_fill_t *f) { memset(f, 0, sizeof(*f)); }

static size_t idx(const ceph_fill_t *f, size_t i) {
  return (f->head + i) % CEPH_FILL_MAX;
}

void ceph_fill_add(ceph_fill_t *f, double t, double y, double window) {
  if (isnan(y) || isnan(t))
    return;
  if (f->n > 0 && !(t > f->t[idx(f, f->n - 1)]))
    f->n = f->head = 0; /* not after the newest: start over */
  while (f->n > 0 && f->t[f->head] < t - window) {
    f->head = idx(f, 1);
    f->n--;
  }
  if (f->n == CEPH_FILL_MAX) { /* full: drop the oldest */
    f->head = idx(f, 1);
    f->n--;
  }
  size_t k = idx(f, f->n);
  f->t[k] = t;
  f->y[k] = y;
  f->n++;
}

double ceph_fill_slope(const ceph_fill_t *f, size_t min_samples) {
  if (f->n < min_samples || f->n < 2)
    return NAN;
  double tm = 0, ym = 0;
  for (size_t i = 0; i < f->n; i++) {
    tm += f->t[idx(f, i)];
    ym += f->y[idx(f, i)];
  }
  tm /= (double)f->n;
  ym /= (double)f->n;
  double sxy = 0, sxx = 0; /* centred: no cancellation at large t, y */
  for (size_t i = 0; i < f->n; i++) {
    double dt = f->t[idx(f, i)] - tm;
    sxy += dt * (f->y[idx(f, i)] - ym);
    sxx += dt * dt;
  }
  return sxx > 0 ? sxy / sxx : NAN;
}

double ceph_time_to_limit(double limit, double used, double slope) {
  if (isnan(limit) || isnan(used) || !(slope > 0))
    return NAN;
  return used >= limit ? 0 : (limit - used) / slope;
}
