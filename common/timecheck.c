/* timecheck.c - leap vote and pairwise source comparison (timecheck.h). */
#include "timecheck.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------- leap vote */

/* A voter announcing further than its window from the boundary. */
static int early(const tc_voter_t *v, double to_boundary_s) {
  return v->announced == 1 && to_boundary_s > v->window_s;
}

/* The value in-window voters must show: the file's, else the first
 * in-window voter's (then every in-window voter must equal it). */
static int expected(const tc_voter_t *v, size_t n, int file_leap,
                    double to_boundary_s) {
  if (file_leap != TC_UNKNOWN)
    return file_leap != 0;
  for (size_t i = 0; i < n; i++)
    if (v[i].announced != TC_UNKNOWN && to_boundary_s <= v[i].window_s)
      return v[i].announced;
  return TC_UNKNOWN;
}

int tc_leap_vote(const tc_voter_t *v, size_t n, int file_leap,
                 double to_boundary_s, int *disagree) {
  int want = expected(v, n, file_leap, to_boundary_s);
  int known = 0, bad = 0;
  for (size_t i = 0; i < n; i++) {
    disagree[i] = TC_UNKNOWN;
    if (v[i].announced == TC_UNKNOWN)
      continue;
    known++;
    if (to_boundary_s > v[i].window_s)
      disagree[i] = early(&v[i], to_boundary_s);
    else
      disagree[i] = want != TC_UNKNOWN && v[i].announced != want;
    bad |= disagree[i];
  }
  if (known == 0)
    return TC_UNKNOWN;
  return !bad;
}

/* ---------------------------------------------------------------- pairs */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double tc_spread(const double *x, size_t n) {
  double d[TC_SPREAD_MAX];
  if (n < TC_SPREAD_MIN || n > TC_SPREAD_MAX)
    return NAN;
  for (size_t i = 1; i < n; i++)
    d[i - 1] = fabs(x[i] - x[i - 1]);
  qsort(d, n - 1, sizeof(d[0]), cmp_double);
  size_t m = n - 1;
  double med = m % 2 ? d[m / 2] : 0.5 * (d[m / 2 - 1] + d[m / 2]);
  /* |N(0, 2 sigma^2)| has median 0.6745 * sqrt(2) * sigma = 0.9539 sigma */
  return med / 0.9539;
}

/* The ring in arrival order, oldest first. */
static size_t ring_copy(const tc_pair_t *p, size_t window, double *out) {
  size_t n = p->n < window ? p->n : window;
  for (size_t i = 0; i < n; i++)
    out[i] = p->ring[(p->next + TC_SPREAD_MAX - n + i) % TC_SPREAD_MAX];
  return n;
}

void tc_pair_init(tc_pair_t *p) {
  memset(p, 0, sizeof(*p));
  hold_init(&p->hold, 0);
}

static double pair_bound(const tc_pair_cfg_t *cfg, double spread_s) {
  double bound = NAN;
  if (cfg->max_apart_s > 0)
    bound = cfg->max_apart_s;
  if (cfg->k > 0 && !isnan(spread_s) &&
      (isnan(bound) || cfg->k * spread_s > bound))
    bound = cfg->k * spread_s;
  return bound;
}

void tc_pair_update(tc_pair_t *p, const tc_pair_cfg_t *cfg, double a_s,
                    double lat_a_s, double b_s, double lat_b_s, double now_s,
                    tc_pair_result_t *out) {
  double hist[TC_SPREAD_MAX];
  size_t window = cfg->window < 2 ? 2 : cfg->window;
  if (window > TC_SPREAD_MAX)
    window = TC_SPREAD_MAX;
  *out = (tc_pair_result_t){NAN, NAN, NAN, TC_UNKNOWN, TC_UNKNOWN};
  if (!isfinite(a_s) || !isfinite(b_s)) {
    hold_interrupt(&p->hold); /* "without interruption" (docs/timecheck.md) */
    return;
  }
  out->diff_s = (a_s + lat_a_s) - (b_s + lat_b_s);
  p->ring[p->next] = out->diff_s;
  p->next = (p->next + 1) % TC_SPREAD_MAX;
  if (p->n < TC_SPREAD_MAX)
    p->n++;
  out->spread_s = tc_spread(hist, ring_copy(p, window, hist));
  out->bound_s = pair_bound(cfg, out->spread_s);
  if (isnan(out->bound_s)) {
    hold_interrupt(&p->hold);
    return;
  }
  out->apart_now = fabs(out->diff_s) > out->bound_s;
  out->apart = hold_update(&p->hold, out->apart_now, now_s, cfg->hold_s);
}
