/* SPDX-License-Identifier: MIT
 * sp800_90b - SP 800-90B health tests (4.4) (see sp800_90b.h). */
#include "common/sp800_90b.h"

#include "common/rng_health.h"

#include <math.h>
#include <string.h>

const char *sp90b_strerror(sp90b_status_t s) {
  switch (s) {
  case SP90B_OK:
    return "ok";
  case SP90B_EBITS:
    return "sample width must be 1 or 8 bits";
  case SP90B_EH:
    return "min-entropy H must be > 0 and <= the sample width";
  case SP90B_EALPHA:
    return "alpha must be between 2^-40 and 2^-20";
  }
  return "unknown error";
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
