/* SPDX-License-Identifier: MIT
 * phase_stats - frequency-stability and distribution statistics of one
 * source's time offset (phase) over a sliding window, updated per sample.
 *
 * Input: phase samples x (s), one every tau0 (CLOCK_MONOTONIC time stamps
 * tell a missing sample from a late one).  The sign is the caller's (the
 * plugin states it); every statistic here is sign-symmetric except the mean
 * and the percentiles, which keep it.
 *
 * Output, over the last `window` sample slots (e.g. 3600 at tau0 = 1 s):
 *  - at octave averaging times tau = m*tau0, m = 1, 2, 4, ... <= window/4:
 *    overlapping Allan deviation (NIST SP 1065, Riley 2008, eq. 11),
 *    modified Allan deviation (eq. 14) and time deviation (eq. 15,
 *    TVAR = tau^2/3 * MVAR), with the number of terms behind each;
 *    terminology as IEEE Std 1139-2008;
 *  - mean, standard deviation and exact percentiles of x.
 *
 * Cost per sample: O(octaves) for the deviations, O(log W) search plus a
 * memmove of at most W doubles for the sorted copy behind the percentiles,
 * and every W samples one O(W * octaves) re-summation (amortised O(octaves))
 * that bounds the rounding residue of the running sums.  Queries: O(octaves)
 * for the deviations, O(W) for mean/std (two passes), O(1) per percentile.
 *
 * Memory per source: sizeof(phase_stats_t) (about 1 kB) plus 16 * W bytes
 * (the phase ring and its sorted copy: 2 doubles per slot); 58 kB at
 * W = 3600.
 *
 * Gaps are never bridged: see phase_stats_add().
 *
 * Pure C: no I/O, no globals, no logging.  Allocates once in init. */
#ifndef PHASE_STATS_H
#define PHASE_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Smallest and largest window, samples.  The smallest gives 4 octaves. */
#define PHASE_STATS_MIN_WINDOW 32
#define PHASE_STATS_MAX_WINDOW (1u << 20)
/* Octaves m = 2^0 .. 2^18 at most (m <= PHASE_STATS_MAX_WINDOW / 4). */
#define PHASE_STATS_MAX_OCTAVES 19
/* A deviation is NaN until it has at least this many terms, and at least
 * 2m second differences (ADEV) or m inner sums (MDEV, TDEV): a tau needs
 * data that support it as a full window supports tau = window/4. */
#define PHASE_STATS_MIN_TERMS 8
/* |x| above this (s) is not a time offset: taken as a missing sample, so
 * that squares of differences stay far from overflow. */
#define PHASE_STATS_MAX_ABS_S 1e6

typedef struct {
  uint32_t m;    /* averaging factor: tau = m * tau0 */
  double sum_d2; /* sum of squared second differences in the window, s^2 */
  uint32_t n_d;  /* their number */
  double sum_s2; /* sum of squared MVAR inner sums, s^2 */
  uint32_t n_s;  /* their number */
  double s_new;  /* inner sum ending at the newest slot, s (valid terms) */
  double s_old;  /* inner sum starting at the oldest slot, s */
  uint32_t bad_new, bad_old; /* invalid second differences inside them */
} phase_stats_octave_t;

typedef struct {
  int64_t tau0_ns;  /* nominal sample interval */
  uint32_t window;  /* W: slots in the window */
  uint32_t octaves; /* number of m values */
  uint64_t slots;   /* slots pushed since init or the last restart */
  uint32_t n_valid; /* valid (finite) samples in the window = sorted size */
  int have_last;
  int64_t last_mono_ns; /* time of the last accepted sample */
  double *ring;         /* W phase slots, s; NaN = missing; slot k at k % W */
  double *sorted;       /* the window's valid samples in ascending order, s */
  uint64_t restarts;    /* gaps of a whole window or more */
  uint64_t missing;     /* slots marked missing in total */
  phase_stats_octave_t oct[PHASE_STATS_MAX_OCTAVES];
} phase_stats_t;

typedef enum {
  PHASE_STATS_OK = 0,
  PHASE_STATS_EINVAL, /* init: tau0 <= 0 or window out of range */
  PHASE_STATS_ENOMEM, /* init: allocation failed */
} phase_stats_status_t;

/* What phase_stats_add() did with a sample. */
typedef enum {
  PHASE_STATS_ADDED = 0, /* the next slot */
  PHASE_STATS_GAP,       /* after marking the skipped slots missing */
  PHASE_STATS_RESTART,   /* the gap was a window or more: all forgotten,
                            the sample starts a new window */
  PHASE_STATS_MISSING,   /* x not finite or |x| too large: its slot is
                            marked missing */
  PHASE_STATS_EARLY,     /* less than tau0/2 after the last sample (or
                            before it): rejected, nothing changed */
} phase_stats_add_t;

/* tau0_ns > 0; window in samples, PHASE_STATS_MIN_WINDOW ..
 * PHASE_STATS_MAX_WINDOW (a window duration / tau0).  On error *ps is left
 * safe to free. */
phase_stats_status_t phase_stats_init(phase_stats_t *ps, int64_t tau0_ns,
                                      uint32_t window);
void phase_stats_free(phase_stats_t *ps);

/* Forget every sample (the source went away); keeps the configuration. */
void phase_stats_reset(phase_stats_t *ps);

/* Feed the phase x_s (s) taken at t_mono_ns (CLOCK_MONOTONIC or
 * CLOCK_BOOTTIME, ns).  The slot of a sample is k = round(dt / tau0) after
 * the last one (dt = t_mono_ns - last); timing jitter below tau0/2 is
 * ignored, the sample is taken as on the nominal grid.
 *
 * Gaps: when k > 1 the k-1 skipped slots are marked missing (NaN), never
 * interpolated.  Every second difference x[i+2m] - 2x[i+m] + x[i] and every
 * MVAR inner sum that touches a missing slot is left out of its sum and of
 * its count (the counts returned show how much data remains); the mean,
 * std and percentiles cover the valid samples only.  A gap of W slots or
 * more restarts the window.  A non-finite x is a missing slot too. */
phase_stats_add_t phase_stats_add(phase_stats_t *ps, double x_s,
                                  int64_t t_mono_ns);

/* One averaging time. */
typedef struct {
  uint32_t m;      /* tau / tau0 */
  double tau_s;    /* tau = m * tau0, s */
  double adev;     /* overlapping Allan deviation, dimensionless (s/s) */
  uint32_t n_adev; /* second differences behind it (W - 2m when complete) */
  double mdev;     /* modified Allan deviation, dimensionless (s/s) */
  double tdev;     /* time deviation, s */
  uint32_t n_mdev; /* inner sums behind mdev/tdev (W - 3m + 1 complete) */
} phase_stats_tau_t;

/* Fill out[0 .. min(max_out, octaves)-1] in increasing tau; returns the
 * number of octaves of this window (which may exceed max_out).  Values
 * with too few terms (PHASE_STATS_MIN_TERMS) are NaN.
 * Confidence: with an equivalent number of degrees of freedom edf (SP 1065
 * section 5.3, which depends on the noise type, N and m), the variance
 * estimate s^2 follows sigma^2 * chi^2(edf) / edf. */
uint32_t phase_stats_taus(const phase_stats_t *ps, phase_stats_tau_t *out,
                          uint32_t max_out);

/* Percentile p in [0, 100] of the valid samples in the window, s: linear
 * interpolation between order statistics at rank h = (n-1) * p/100
 * (Hyndman and Fan 1996, definition 7).  Exact.  NaN when n == 0. */
double phase_stats_percentile(const phase_stats_t *ps, double p);

typedef struct {
  uint32_t n;       /* valid samples in the window */
  uint32_t missing; /* missing slots in the window */
  double mean_s;    /* s; NaN when n == 0 */
  double std_s;     /* sample standard deviation (n - 1), s; NaN if n < 2 */
  double min_s, max_s;
  double p1_s, p5_s, p50_s, p95_s, p99_s;
} phase_stats_summary_t;

void phase_stats_summary(const phase_stats_t *ps, phase_stats_summary_t *out);

/* Bytes used by one source with this window (struct + buffers). */
size_t phase_stats_bytes(uint32_t window);

const char *phase_stats_add_name(phase_stats_add_t r);

#endif /* PHASE_STATS_H */
