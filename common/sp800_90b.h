/* SPDX-License-Identifier: MIT
 * sp800_90b - NIST SP 800-90B (January 2018) for a live entropy source:
 * the continuous health tests of section 4.4 and a subset of the min-entropy
 * estimators of section 6.3 over a rolling window.
 *
 * Samples.  A source is read as bytes; `bits` says what a sample is:
 *  - 8: each byte is one sample (k = 256 possible values);
 *  - 1: each bit is one sample (k = 2), the bits of each byte MSB first
 *    (the order of common/fips.h and rngtest).
 *
 * Health tests (sp90b_health_t, fed with sp90b_health_feed):
 *  - Repetition Count Test (4.4.1): cutoff C = 1 + ceil(-log2(alpha) / H).
 *    A failure is counted when a run of identical samples reaches C; the run
 *    count then restarts at 1, so a source stuck for n samples counts
 *    1 + floor((n - C) / (C - 1)) failures (and keeps counting while stuck).
 *  - Adaptive Proportion Test (4.4.2): back-to-back windows of W = 1024
 *    samples (bits) or 512 (bytes); the first sample of a window is the
 *    reference and B counts it and its repeats in the window; a failure (at
 *    most one per window) when B reaches the cutoff.  The cutoff is exact for
 *    that count: the smallest C with P[1 + X >= C] <= alpha, X ~ Binomial(
 *    W - 1, 2^-H) (the reference itself is always there, so only W - 1
 *    samples are random).  The standard's formula 1 + CRITBINOM(W, 2^-H,
 *    1 - alpha) uses W trials and is 1 lower for some H (see
 *    sp90b_binom_critical, which computes both).
 *  - alpha is the false-positive probability of one test decision:
 *    2^-40 <= alpha <= 2^-20 (SP 800-90B 4.4 recommends that range); the
 *    default is 2^-30.
 *  - failures are counted per test; `alarm` is 1 from a failure until the
 *    caller clears it (sp90b_health_ack), e.g. once per read interval.
 *
 * Min-entropy estimates (sp90b_estimate*), in bits per sample, each one a
 * conservative (99 % upper confidence on probabilities) lower bound:
 *  - Most Common Value (6.3.1) on the samples;
 *  - Markov (6.3.3): defined for binary data only.  1-bit samples: on the
 *    samples.  8-bit samples: on the bit string of the bytes (MSB first),
 *    times 8, as section 3.1.3 combines a bit-string estimate with the
 *    sample estimates (h = min(H_original, n * H_bitstring)); there is no
 *    8-bit Markov estimate in the final standard;
 *  - Lag prediction (6.3.8), D = 128, on the samples;
 *  - min: the smallest of the three, the assessed value of this subset.
 * The subset cannot replace a full non-IID assessment (3.1.3 runs ten
 * estimators, and also all of them on the bit string of non-binary data).
 * It misses what only the others see: dependencies beyond one step for the
 * Markov model (longer-range patterns are left to Lag, which only sees
 * exact repetitions at lags 1..128), repeated multi-sample tuples (t-tuple,
 * LRS 6.3.5-6.3.6), collision and compression structure (6.3.2, 6.3.4), a
 * drifting most-common value (MultiMCW 6.3.7), higher-order Markov models
 * (MultiMMC 6.3.9) and dictionary patterns (LZ78Y 6.3.10).  Each estimate
 * here is O(L) time for L samples (Lag: O(L * m), m the mean number of
 * repeats of a sample among the previous 128, about 0.5 for bytes and 64
 * for bits), O(1) extra memory; the caller chooses the cadence.
 *
 * Pure C: no I/O, no globals, the window is caller-supplied storage.
 */
#ifndef CDS_SP800_90B_H
#define CDS_SP800_90B_H

#include <stddef.h>
#include <stdint.h>

#define SP90B_ALPHA_DEFAULT 0x1p-30
#define SP90B_ALPHA_MIN 0x1p-40
#define SP90B_ALPHA_MAX 0x1p-20
#define SP90B_APT_W_BINARY 1024 /* 4.4.2 */
#define SP90B_APT_W_BYTES 512
#define SP90B_LAG_D 128 /* 6.3.8 step 1 */

/* Failure bits (sp90b_health_feed's result). */
#define SP90B_FAIL_RCT 0x1u
#define SP90B_FAIL_APT 0x2u

typedef enum {
  SP90B_OK = 0,
  SP90B_EBITS,  /* bits is neither 1 nor 8 */
  SP90B_EH,     /* H outside (0, bits] */
  SP90B_EALPHA, /* alpha outside [2^-40, 2^-20] */
  SP90B_ESHORT  /* fewer than 2 samples to estimate from */
} sp90b_status_t;

typedef struct {
  unsigned bits; /* sample width: 1 or 8 */
  double h;      /* claimed min-entropy per sample, bits, 0 < h <= bits */
  double alpha;  /* false-positive probability per test decision */
} sp90b_config_t;

typedef struct {
  sp90b_config_t cfg;
  uint32_t rct_cutoff; /* C of 4.4.1, samples */
  uint32_t apt_cutoff; /* C of 4.4.2, samples in a window */
  uint32_t apt_window; /* W, samples */
  /* Repetition Count Test: A (the value of the current run) and B. */
  uint8_t rct_a;
  uint32_t rct_b;
  /* Adaptive Proportion Test: reference A, count B, position in window. */
  uint8_t apt_a;
  uint32_t apt_b;
  uint32_t apt_i;
  /* Counters since init. */
  uint64_t samples;
  uint64_t apt_windows; /* completed windows */
  uint64_t rct_failures;
  uint64_t apt_failures;
  int alarm; /* 1 after a failure, until sp90b_health_ack */
} sp90b_health_t;

/* The cutoffs (exposed for the tests, fipstest and the plugin's log). */
uint32_t sp90b_rct_cutoff(double h, double alpha);
/* Smallest c such that P[X >= c] <= alpha, X ~ Binomial(n, p) (0 < p < 1):
 * the standard's 1 + CRITBINOM(n, p, 1 - alpha); exact summation in log
 * space (rng_binom_tail_log10). */
uint32_t sp90b_binom_critical(uint32_t n, double p, double alpha);
/* The APT cutoff of a window of w samples: 1 + sp90b_binom_critical(w - 1,
 * 2^-h, alpha). */
uint32_t sp90b_apt_cutoff(uint32_t w, double h, double alpha);

sp90b_status_t sp90b_health_init(sp90b_health_t *t, const sp90b_config_t *cfg);
/* Feed len bytes (8 / bits samples each); returns the SP90B_FAIL_* bits of
 * the failures in this call (also counted and latched in `alarm`). */
unsigned sp90b_health_feed(sp90b_health_t *t, const uint8_t *buf, size_t len);
void sp90b_health_ack(sp90b_health_t *t);

/* The rolling window: the last `size` bytes fed (a ring over the caller's
 * storage). */
typedef struct {
  uint8_t *ring;
  size_t size;
  size_t pos; /* next byte goes here */
  size_t n;   /* bytes held, <= size */
} sp90b_window_t;

int sp90b_window_init(sp90b_window_t *w, uint8_t *storage, size_t size);
void sp90b_window_push(sp90b_window_t *w, const uint8_t *buf, size_t len);

typedef struct {
  uint64_t samples; /* L */
  double mcv;       /* 6.3.1, bits per sample */
  double markov;    /* 6.3.3, bits per sample (8-bit: 8 x bit string) */
  double lag;       /* 6.3.8, bits per sample */
  double min;       /* min of the three */
  /* Details for the log and the tests. */
  double mcv_p;          /* p_u of 6.3.1 */
  double lag_p_global;   /* P'_global (upper bound) */
  double lag_p_local;    /* P_local, or NaN when it cannot matter */
  uint64_t lag_correct;  /* C */
  uint64_t lag_longest;  /* longest run of correct predictions (r - 1) */
} sp90b_estimate_t;

/* Estimates over len bytes in order, or over the window's content (oldest
 * first).  Needs at least 2 samples; fills NaN otherwise. */
sp90b_status_t sp90b_estimate_buf(const uint8_t *buf, size_t len,
                                  unsigned bits, sp90b_estimate_t *out);
sp90b_status_t sp90b_estimate_window(const sp90b_window_t *w, unsigned bits,
                                     sp90b_estimate_t *out);

const char *sp90b_strerror(sp90b_status_t s);

#endif /* CDS_SP800_90B_H */
