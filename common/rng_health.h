/* SPDX-License-Identifier: MIT
 * rng_health - turning FIPS 140-2 block results into an alert that does
 * not cry wolf, and spotting a stuck source at once.
 *
 *  - rng_binom_tail_log10: how unlikely are k or more failed blocks out of
 *    n for a good source whose blocks fail with probability p?  Returns
 *    -log10 P[X >= k], X ~ Binomial(n, p): 0 = nothing unusual, 3 = a
 *    one-in-a-thousand event, 9 = one in a billion.
 *  - rng_window_t: the pass/fail results of the last `size` blocks
 *    (a ring over caller-supplied storage, one byte per block).
 *  - rng_period_t: does the data seen so far repeat with a period of 1..16
 *    bytes (all zeros, all 0xff, a repeating 32-bit word ...)?  Fed in
 *    pieces; a few operations per byte while a period is still possible.
 * Pure C: no I/O, no globals.
 */
#ifndef CDS_RNG_HEALTH_H
#define CDS_RNG_HEALTH_H

#include <stddef.h>
#include <stdint.h>

/* -log10 P[X >= k] for X ~ Binomial(n, p), 0 < p < 1; NaN for bad
 * arguments (k > n, p outside (0, 1)).  Exact summation in log space. */
double rng_binom_tail_log10(uint64_t n, uint64_t k, double p);

typedef struct {
  uint8_t *ring; /* caller's storage, `size` bytes */
  size_t size;   /* window length in blocks */
  size_t pos;    /* next slot */
  size_t n;      /* blocks in the window (<= size) */
  size_t failed; /* failed blocks in the window */
} rng_window_t;

int rng_window_init(rng_window_t *w, uint8_t *storage, size_t size);
void rng_window_push(rng_window_t *w, int failed);

#define RNG_MAX_PERIOD 16
#define RNG_PERIOD_MIN_BYTES 32 /* less data is never called periodic */

typedef struct {
  uint8_t hist[RNG_MAX_PERIOD]; /* the last bytes seen (ring) */
  uint64_t n;                   /* bytes seen */
  uint32_t alive;               /* bit p-1 set: period p still possible */
} rng_period_t;

void rng_period_reset(rng_period_t *p);
void rng_period_feed(rng_period_t *p, const uint8_t *buf, size_t len);
/* The smallest period (1..16 bytes) of all the data fed since the reset,
 * or 0 if there is none or fewer than max(32, 4 * period) bytes were fed. */
int rng_period_get(const rng_period_t *p);

#endif /* CDS_RNG_HEALTH_H */
