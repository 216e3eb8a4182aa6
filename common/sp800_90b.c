/* SPDX-License-Identifier: MIT
 * sp800_90b - SP 800-90B health tests (4.4) and min-entropy estimates (6.3.1,
 * 6.3.3, 6.3.8) over a rolling window (see sp800_90b.h). */
#include "common/sp800_90b.h"
#include "common/enum_name.h"

#include "common/rng_health.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* In enum order, SP90B_OK first. */
static const char *const sp90b_errors[] = {
    "ok", "sample width must be 1 or 8 bits",
    "min-entropy H must be > 0 and <= the sample width",
    "alpha must be between 2^-40 and 2^-20", "fewer than 2 samples"};
ENUM_NAMES_CHECK(sp90b_errors, SP90B_ESHORT);

const char *sp90b_strerror(sp90b_status_t s) {
  return ENUM_NAME(sp90b_errors, s, "unknown error");
}

/* 4.4.1: C = 1 + ceil(-log2(alpha) / H).  The quotient is rounded to 1e-9
 * first, so that e.g. 30 / 0.1 (29.999...97 in binary) gives 300. */
uint32_t sp90b_rct_cutoff(double h, double alpha) {
  double q = -log2(alpha) / h;
  return 1 + (uint32_t)ceil(round(q * 1e9) / 1e9);
}

uint32_t sp90b_binom_critical(uint32_t n, double p, double alpha) {
  /* P[X >= c] falls with c: bisect for the smallest c in [0, n + 1] with
   * -log10 P[X >= c] >= -log10 alpha (P[X >= n + 1] = 0). */
  double want = -log10(alpha);
  uint32_t lo = 0, hi = n + 1; /* P[X >= hi] <= alpha always holds */
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (rng_binom_tail_log10(n, mid, p) >= want)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

uint32_t sp90b_apt_cutoff(uint32_t w, double h, double alpha) {
  return 1 + sp90b_binom_critical(w - 1, exp2(-h), alpha);
}

sp90b_status_t sp90b_health_init(sp90b_health_t *t, const sp90b_config_t *cfg) {
  if (cfg->bits != 1 && cfg->bits != 8)
    return SP90B_EBITS;
  if (!(cfg->h > 0 && cfg->h <= (double)cfg->bits))
    return SP90B_EH;
  if (!(cfg->alpha >= SP90B_ALPHA_MIN && cfg->alpha <= SP90B_ALPHA_MAX))
    return SP90B_EALPHA;
  memset(t, 0, sizeof(*t));
  t->cfg = *cfg;
  t->apt_window = cfg->bits == 1 ? SP90B_APT_W_BINARY : SP90B_APT_W_BYTES;
  t->rct_cutoff = sp90b_rct_cutoff(cfg->h, cfg->alpha);
  t->apt_cutoff = sp90b_apt_cutoff(t->apt_window, cfg->h, cfg->alpha);
  return SP90B_OK;
}

void sp90b_health_ack(sp90b_health_t *t) { t->alarm = 0; }

/* RCT: m more samples equal to A.  B counts A's run; every time it reaches
 * C a failure is counted and the run restarts at 1. */
static unsigned rct_repeat(sp90b_health_t *t, uint32_t m) {
  unsigned failed = 0;
  while (t->rct_b + m >= t->rct_cutoff) {
    m -= t->rct_cutoff - t->rct_b;
    t->rct_b = 1;
    t->rct_failures++;
    failed = SP90B_FAIL_RCT;
  }
  t->rct_b += m;
  return failed;
}

/* APT: m more samples of the window, `same` of them equal to A (the
 * window's first sample is set by the caller). */
static unsigned apt_count(sp90b_health_t *t, uint32_t m, uint32_t same) {
  unsigned failed = 0;
  if (t->apt_b < t->apt_cutoff && t->apt_b + same >= t->apt_cutoff) {
    t->apt_failures++; /* at most once per window */
    failed = SP90B_FAIL_APT;
  }
  t->apt_b += same;
  t->apt_i += m;
  if (t->apt_i == t->apt_window) {
    t->apt_i = 0;
    t->apt_windows++;
  }
  return failed;
}

/* 8-bit samples, one at a time (4.4.1 and 4.4.2 as written). */
static unsigned feed_bytes(sp90b_health_t *t, const uint8_t *buf, size_t len) {
  unsigned failed = 0;
  for (size_t i = 0; i < len; i++) {
    uint8_t v = buf[i];
    if (v == t->rct_a && t->rct_b > 0) {
      failed |= rct_repeat(t, 1);
    } else {
      t->rct_a = v;
      t->rct_b = 1;
    }
    if (t->apt_i == 0) {
      t->apt_a = v;
      t->apt_b = 0;
      failed |= apt_count(t, 1, 1);
    } else {
      failed |= apt_count(t, 1, v == t->apt_a);
    }
  }
  return failed;
}

/* Leading run (from the MSB) of a byte: how many bits equal its MSB. */
static uint32_t lead_run(uint8_t v) {
  uint32_t x = (v & 0x80) ? (uint8_t)~v : v; /* leading bits become 0 */
  return x == 0 ? 8 : (uint32_t)__builtin_clz(x) - 24;
}

static uint32_t trail_run(uint8_t v) {
  uint32_t x = (v & 1) ? (uint8_t)~v : v;
  return x == 0 ? 8 : (uint32_t)__builtin_ctz(x);
}

/* 1-bit samples a byte at a time: the same decisions as bit by bit.  RCT:
 * the byte's leading run continues (or starts) A's run; a byte that is not
 * all one value ends with its trailing run, which is shorter than 8 <= C
 * (in bit mode H <= 1 so C >= 21) and cannot fail.  APT: W = 1024 is a
 * multiple of 8, so windows start on a byte boundary. */
static unsigned feed_bits(sp90b_health_t *t, const uint8_t *buf, size_t len) {
  unsigned failed = 0;
  for (size_t i = 0; i < len; i++) {
    uint8_t v = buf[i];
    uint8_t msb = v >> 7;
    uint32_t lead = lead_run(v);
    if (msb == t->rct_a && t->rct_b > 0) {
      failed |= rct_repeat(t, lead);
    } else {
      t->rct_a = msb;
      t->rct_b = lead; /* < C */
    }
    if (lead < 8) {
      t->rct_a = v & 1;
      t->rct_b = trail_run(v);
    }
    uint32_t ones = (uint32_t)__builtin_popcount(v);
    if (t->apt_i == 0) {
      t->apt_a = msb;
      t->apt_b = 0;
    }
    failed |= apt_count(t, 8, t->apt_a ? ones : 8 - ones);
  }
  return failed;
}

unsigned sp90b_health_feed(sp90b_health_t *t, const uint8_t *buf, size_t len) {
  unsigned failed = t->cfg.bits == 8 ? feed_bytes(t, buf, len)
                                     : feed_bits(t, buf, len);
  t->samples += (uint64_t)len * (8 / t->cfg.bits);
  if (failed)
    t->alarm = 1;
  return failed;
}

/* --- the rolling window --------------------------------------------------- */

int sp90b_window_init(sp90b_window_t *w, uint8_t *storage, size_t size) {
  if (storage == NULL || size == 0)
    return -1;
  memset(w, 0, sizeof(*w));
  w->ring = storage;
  w->size = size;
  return 0;
}

void sp90b_window_push(sp90b_window_t *w, const uint8_t *buf, size_t len) {
  if (len > w->size) { /* only the last `size` bytes stay */
    buf += len - w->size;
    len = w->size;
  }
  while (len > 0) {
    size_t n = w->size - w->pos < len ? w->size - w->pos : len;
    memcpy(w->ring + w->pos, buf, n);
    w->pos = (w->pos + n) % w->size;
    w->n = w->n + n > w->size ? w->size : w->n + n;
    buf += n;
    len -= n;
  }
}

/* --- estimators: streaming accumulators fed in order ------------------- */

#define Z_99 2.576 /* z for the 99 % upper confidence bound (6.3) */

/* 6.3.1 Most Common Value, and the counts 6.3.3 needs on the bit string. */
typedef struct {
  uint64_t count[256]; /* 8-bit: per value; 1-bit: [0], [1] */
  /* Markov counts on the bit string: zeros, 00 and 10 pairs, last bit. */
  uint64_t bits, zeros, c00, c10;
  int last; /* -1 before the first bit */
} counts_t;

static void counts_feed(counts_t *c, const uint8_t *buf, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned v = buf[i], x = (~v) & 0xffu; /* x: the zero bits */
    c->count[v]++;
    c->zeros += 8 - (unsigned)__builtin_popcount(v);
    /* The 7 pairs inside the byte, (bit k, bit k-1), k = 7..1. */
    c->c00 += (unsigned)__builtin_popcount((x >> 1) & x & 0x7f);
    c->c10 += (unsigned)__builtin_popcount((v >> 1) & x & 0x7f);
    if (c->last >= 0 && !(v & 0x80)) /* the pair across the boundary */
      c->last ? c->c10++ : c->c00++;
    c->last = (int)(v & 1);
  }
  c->bits += 8 * (uint64_t)len;
}

/* 6.3.1: p^ = max count / L; p_u = min(1, p^ + 2.576 sqrt(p^ (1 - p^) /
 * (L - 1))); H = -log2(p_u). */
static double mcv_estimate(uint64_t max, uint64_t L, double *p_u) {
  double p = (double)max / (double)L;
  double pu = p + Z_99 * sqrt(p * (1 - p) / (double)(L - 1));
  *p_u = pu < 1 ? pu : 1;
  return -log2(*p_u);
}

/* 6.3.3 on a bit string of L bits: P_0 = C_0 / L, P_1 = 1 - P_0; P_ij =
 * C_ij / (C_i0 + C_i1) over the L - 1 overlapping pairs; p^_max = the
 * largest probability of the six 128-bit sequences 0...0, 0101...01,
 * 011...1, 100...0, 1010...10, 1...1; H = min(-log2(p^_max) / 128, 1)
 * bits per bit.  A transition never seen gives its sequences probability
 * 0 (skipped, as log2(0) terms would). */
static double markov_estimate(const counts_t *c) {
  uint64_t c0 = c->zeros - (c->last == 0); /* zeros in bits 0..L-2 */
  uint64_t c1 = c->bits - 1 - c0;
  double p0 = (double)c->zeros / (double)c->bits, p1 = 1 - p0;
  double p00 = c0 ? (double)c->c00 / (double)c0 : 0, p01 = c0 ? 1 - p00 : 0;
  double p10 = c1 ? (double)c->c10 / (double)c1 : 0, p11 = c1 ? 1 - p10 : 0;
  /* log2 of the six sequence probabilities (-inf when one is 0). */
  double l[6] = {
      log2(p0) + 127 * log2(p00),
      log2(p0) + 64 * log2(p01) + 63 * log2(p10),
      log2(p0) + log2(p01) + 126 * log2(p11),
      log2(p1) + log2(p10) + 126 * log2(p00),
      log2(p1) + 64 * log2(p10) + 63 * log2(p01),
      log2(p1) + 127 * log2(p11),
  };
  double lmax = -INFINITY;
  for (int i = 0; i < 6; i++)
    if (!isnan(l[i]) && l[i] > lmax)
      lmax = l[i];
  double h = -lmax / 128;
  return h < 1 ? h : 1;
}

/* 6.3.8 Lag prediction, D = 128.  The scoreboard update of step 2d visits
 * only the lags d with s_{i-d} = s_i, in increasing d, by walking a chain
 * of earlier positions of the same value (prev[]), so a sample costs the
 * number of its repeats among the last D samples. */
typedef struct {
  uint64_t i; /* samples seen (0-based index of the next one) */
  uint8_t hist[SP90B_LAG_D];   /* s_j at j mod D */
  uint64_t prev[SP90B_LAG_D];  /* previous position of s_j's value + 1 */
  uint64_t last[256];          /* last position of each value + 1, 0 none */
  uint64_t score[SP90B_LAG_D + 1]; /* scoreboard_d, d = 1..D */
  unsigned winner;
  uint64_t correct, run, longest;
} lag_t;

static void lag_init(lag_t *g) {
  memset(g, 0, sizeof(*g));
  g->winner = 1; /* step 1 */
}

static void lag_sample(lag_t *g, unsigned s) {
  uint64_t i = g->i;
  if (i >= 1) { /* steps 2b-2c: predict s_i = s_{i - winner} */
    if (g->winner <= i && g->hist[(i - g->winner) % SP90B_LAG_D] == s) {
      g->correct++;
      if (++g->run > g->longest)
        g->longest = g->run;
    } else {
      g->run = 0;
    }
  }
  /* Step 2d, d = 1..D with lag_d = s_i, smallest d first. */
  for (uint64_t j1 = g->last[s]; j1 != 0 && i - (j1 - 1) <= SP90B_LAG_D;
       j1 = g->prev[(j1 - 1) % SP90B_LAG_D]) {
    unsigned d = (unsigned)(i - (j1 - 1));
    if (++g->score[d] >= g->score[g->winner])
      g->winner = d;
  }
  g->prev[i % SP90B_LAG_D] = g->last[s];
  g->last[s] = i + 1;
  g->hist[i % SP90B_LAG_D] = (uint8_t)s;
  g->i = i + 1;
}

static void lag_feed(lag_t *g, const uint8_t *buf, size_t len,
                     unsigned bits) {
  for (size_t k = 0; k < len; k++) {
    if (bits == 8) {
      lag_sample(g, buf[k]);
    } else {
      for (int b = 7; b >= 0; b--)
        lag_sample(g, (buf[k] >> b) & 1u);
    }
  }
}

/* 6.3.7 step 6 / 6.3.8 step 5: the probability that N trials of success
 * probability p have no run of r successes is approximately
 *   (1 - p x) / ((r + 1 - r x) q) * 1 / x^(N + 1),  q = 1 - p,
 * x the root of 1 - x + q p^r x^(r + 1) = 0 reached from x = 1 by x <- 1 +
 * q p^r x^(r + 1) (iterated to convergence).  Returns its natural log. */
static double log_no_run(double p, uint64_t r, uint64_t N) {
  long double q = 1.0L - p, qpr = q * powl(p, (long double)r), x = 1, xl = 0;
  for (int it = 0; it < 1000 && x - xl > LDBL_EPSILON * x; it++) {
    xl = x;
    x = 1 + qpr * powl(x, (long double)r + 1);
  }
  long double a = 1 - p * x, b = ((long double)r + 1 - (long double)r * x) * q;
  if (!(a > 0 && b > 0))
    return -INFINITY;
  return (double)(logl(a) - logl(b) - ((long double)N + 1) * logl(x));
}

/* The prediction estimate from C correct of N predictions, longest run of
 * correct ones r - 1, k possible values:
 *  P_global = C / N; P'_global = 1 - 0.01^(1/N) if C = 0, else min(1,
 *  P_global + 2.576 sqrt(P_global (1 - P_global) / (N - 1)));
 *  P_local solves log_no_run(P_local, r, N) = log(0.99) (binary search);
 *  H = -log2(max(P'_global, P_local, 1/k)).
 * P_local only matters when it exceeds max(P'_global, 1/k) = lo, i.e. when
 * log_no_run(lo) > log(0.99) (the probability falls as p grows); then it
 * lies in (lo, 1]. */
static double predict_estimate(uint64_t C, uint64_t N, uint64_t r, unsigned k,
                               sp90b_estimate_t *out) {
  double pg = (double)C / (double)N, pgu;
  if (C == 0)
    pgu = 1 - pow(0.01, 1 / (double)N);
  else
    pgu = fmin(1, pg + Z_99 * sqrt(pg * (1 - pg) / (double)(N - 1)));
  out->lag_p_global = pgu;
  out->lag_p_local = NAN;
  double lo = fmax(pgu, 1.0 / k), hi = 1, target = log(0.99);
  if (lo < 1 && log_no_run(lo, r, N) > target) {
    for (int it = 0; it < 64 && hi - lo > 1e-15; it++) {
      double mid = (lo + hi) / 2;
      if (log_no_run(mid, r, N) > target)
        lo = mid;
      else
        hi = mid;
    }
    out->lag_p_local = hi;
    lo = hi;
  }
  return -log2(lo);
}

/* The estimates over up to two segments in order (the window's ring). */
static sp90b_status_t estimate2(const uint8_t *a, size_t na, const uint8_t *b,
                                size_t nb, unsigned bits,
                                sp90b_estimate_t *out) {
  uint64_t L = (uint64_t)(na + nb) * (8 / (bits ? bits : 1));
  out->samples = L;
  out->mcv = out->markov = out->lag = out->min = NAN;
  out->mcv_p = out->lag_p_global = out->lag_p_local = NAN;
  out->lag_correct = out->lag_longest = 0;
  if (bits != 1 && bits != 8)
    return SP90B_EBITS;
  if (L < 2)
    return SP90B_ESHORT;
  static const counts_t zero_counts = {.last = -1};
  counts_t c = zero_counts;
  counts_feed(&c, a, na);
  counts_feed(&c, b, nb);
  uint64_t max = 0;
  if (bits == 8) {
    for (int v = 0; v < 256; v++)
      max = c.count[v] > max ? c.count[v] : max;
  } else {
    max = c.zeros > c.bits - c.zeros ? c.zeros : c.bits - c.zeros;
  }
  out->mcv = mcv_estimate(max, L, &out->mcv_p);
  out->markov = markov_estimate(&c) * bits; /* 3.1.3: n x H_bitstring */
  lag_t g;
  lag_init(&g);
  lag_feed(&g, a, na, bits);
  lag_feed(&g, b, nb, bits);
  out->lag_correct = g.correct;
  out->lag_longest = g.longest;
  out->lag = predict_estimate(g.correct, L - 1, g.longest + 1,
                              bits == 8 ? 256 : 2, out);
  out->min = fmin(out->mcv, fmin(out->markov, out->lag));
  return SP90B_OK;
}

sp90b_status_t sp90b_estimate_buf(const uint8_t *buf, size_t len,
                                  unsigned bits, sp90b_estimate_t *out) {
  return estimate2(buf, len, NULL, 0, bits, out);
}

sp90b_status_t sp90b_estimate_window(const sp90b_window_t *w, unsigned bits,
                                     sp90b_estimate_t *out) {
  size_t oldest = (w->pos + w->size - w->n) % w->size;
  size_t first = w->size - oldest < w->n ? w->size - oldest : w->n;
  return estimate2(w->ring + oldest, first, w->ring, w->n - first, bits, out);
}
