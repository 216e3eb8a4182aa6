/* SPDX-License-Identifier: MIT
 * holdover - time until a clock leaves its time-error budget, from the ADEV
 * curve against its source (model and limits in holdover.h).
 */
#include "common/holdover.h"

#include <math.h>

/* Octave taus of a window of 2^20 samples fit many times over. */
#define HOLDOVER_MAX_POINTS 64

typedef struct {
  size_t n;
  double tau[HOLDOVER_MAX_POINTS];  /* s, increasing */
  double adev[HOLDOVER_MAX_POINTS]; /* > 0 */
} curve_t;

/* The usable points: finite, positive, tau increasing. */
static size_t usable(const holdover_point_t *pts, size_t n, curve_t *c) {
  c->n = 0;
  for (size_t i = 0; i < n && c->n < HOLDOVER_MAX_POINTS; i++) {
    const holdover_point_t *p = pts + i;
    if (!(isfinite(p->adev) && p->adev > 0 && isfinite(p->tau_s) &&
          p->tau_s > 0) ||
        (c->n > 0 && p->tau_s <= c->tau[c->n - 1]))
      continue;
    c->tau[c->n] = p->tau_s;
    c->adev[c->n] = p->adev;
    c->n++;
  }
  return c->n;
}

/* Log-log slope of ADEV between points i and i + 1. */
static double slope(const curve_t *c, size_t i) {
  return log(c->adev[i + 1] / c->adev[i]) / log(c->tau[i + 1] / c->tau[i]);
}

/* t * ADEV(t), s: flat ADEV below the first tau, log-log interpolation
 * between taus, the last slope beyond the last. */
static double drift(const curve_t *c, double t) {
  if (t <= c->tau[0])
    return t * c->adev[0];
  size_t i = 0;
  while (i + 2 < c->n && t > c->tau[i + 1])
    i++;
  return t * c->adev[i] * pow(t / c->tau[i], slope(c, i));
}

double holdover_error(const holdover_point_t *pts, size_t n, double offset_s,
                      double t_s) {
  curve_t c;
  if (isnan(offset_s) || usable(pts, n, &c) < HOLDOVER_MIN_TAUS)
    return NAN;
  return fabs(offset_s) + drift(&c, t_s);
}

/* Where t * ADEV(t) = r on the segment starting at point i, whose log-log
 * slope of t * ADEV is 1 + mu > 0. */
static double solve_segment(const curve_t *c, size_t i, double mu,
                            double r) {
  return c->tau[i] * pow(r / (c->tau[i] * c->adev[i]), 1.0 / (1.0 + mu));
}

double holdover_seconds(const holdover_point_t *pts, size_t n,
                        double offset_s, double budget_s, double cap_s) {
  curve_t c;
  if (isnan(offset_s) || !(budget_s > 0) ||
      usable(pts, n, &c) < HOLDOVER_MIN_TAUS)
    return NAN;
  double r = budget_s - fabs(offset_s); /* what the drift may use, s */
  if (r <= 0)
    return 0;
  double t;
  if (c.tau[0] * c.adev[0] >= r) {
    t = r / c.adev[0]; /* below the first tau: linear */
  } else {
    size_t i = 0;
    while (i + 2 < c.n && drift(&c, c.tau[i + 1]) < r)
      i++;
    /* The first crossing lies in segment i (the last one extends to
     * infinity); t * ADEV(t) is monotonic there. */
    double mu = slope(&c, i);
    if (drift(&c, c.tau[i + 1]) < r && 1.0 + mu <= 0)
      return cap_s; /* the last segment never reaches r */
    t = solve_segment(&c, i, mu, r);
  }
  return t < cap_s ? t : cap_s;
}
