/* SPDX-License-Identifier: MIT
 * rng_health - binomial tail, rolling window, periodic-data detector (see
 * rng_health.h). */
#include "common/rng_health.h"

#include <math.h>
#include <string.h>

/* log P[X = j] */
static double log_pmf(uint64_t n, uint64_t j, double lp, double lq) {
  return lgamma((double)n + 1) - lgamma((double)j + 1) -
         lgamma((double)(n - j) + 1) + (double)j * lp + (double)(n - j) * lq;
}

double rng_binom_tail_log10(uint64_t n, uint64_t k, double p) {
  if (!(p > 0 && p < 1) || k > n)
    return NAN;
  if (k == 0)
    return 0;
  double lp = log(p), lq = log1p(-p);
  /* Sum the terms from j = k upwards, scaled by the first one, until they
   * no longer matter (they fall geometrically beyond the mode). */
  double first = log_pmf(n, k, lp, lq), sum = 0, term = 1;
  for (uint64_t j = k; j <= n; j++) {
    if (j > k)
      term *= (double)(n - j + 1) / (double)j * (p / (1 - p));
    sum += term;
    if (term < sum * 1e-17 && (double)j > (double)n * p)
      break;
    if (sum > 1e280) { /* rescale (only when k is far below the mode) */
      first += log(sum);
      term /= sum;
      sum = 1;
    }
  }
  double l10 = -(first + log(sum)) / log(10.0);
  return l10 > 0 ? l10 : 0; /* P <= 1 up to rounding */
}

int rng_window_init(rng_window_t *w, uint8_t *storage, size_t size) {
  if (w == NULL || storage == NULL || size == 0)
    return -1;
  memset(w, 0, sizeof(*w));
  memset(storage, 0, size);
  w->ring = storage;
  w->size = size;
  return 0;
}

void rng_window_push(rng_window_t *w, int failed) {
  if (w->n == w->size)
    w->failed -= w->ring[w->pos]; /* the oldest block leaves */
  else
    w->n++;
  w->ring[w->pos] = failed ? 1 : 0;
  w->failed += w->ring[w->pos];
  w->pos = (w->pos + 1) % w->size;
}

void rng_period_reset(rng_period_t *p) {
  memset(p, 0, sizeof(*p));
  p->alive = (1u << RNG_MAX_PERIOD) - 1;
}

void rng_period_feed(rng_period_t *p, const uint8_t *buf, size_t len) {
  for (size_t i = 0; i < len && p->alive != 0; i++) {
    uint8_t x = buf[i];
    for (int per = 1; per <= RNG_MAX_PERIOD; per++)
      if ((p->alive >> (per - 1)) & 1 && p->n >= (uint64_t)per &&
          p->hist[(p->n - (uint64_t)per) % RNG_MAX_PERIOD] != x)
        p->alive &= ~(1u << (per - 1));
    p->hist[p->n % RNG_MAX_PERIOD] = x;
    p->n++;
  } /* once no period is left, the rest of the data does not matter */
}

int rng_period_get(const rng_period_t *p) {
  for (int per = 1; per <= RNG_MAX_PERIOD; per++)
    if ((p->alive >> (per - 1)) & 1) {
      uint64_t need = 4u * (unsigned)per;
      if (need < RNG_PERIOD_MIN_BYTES)
        need = RNG_PERIOD_MIN_BYTES;
      return p->n >= need ? per : 0;
    }
  return 0;
}
