/* SPDX-License-Identifier: MIT
 * common/sp800_90b: SP 800-90B health-test cutoffs against published values
 * and an independent 80-digit computation, the RCT and APT on stuck, biased
 * and good sources, and the min-entropy estimates on sources whose
 * min-entropy is known.  Seed: argv[1] or SP90B_SEED (default printed). */
#include "common/sp800_90b.h"
#include "tests/unit/prng.h"
#include "tests/unit/testing.h"

/* Uniform in [0, 1) with 53 bits. */
static double prng_unit(prng_t *r) {
  return (double)(prng_next(r) >> 11) * 0x1p-53;
}

static void prng_fill(prng_t *r, uint8_t *buf, size_t len) {
  for (size_t i = 0; i < len; i += 8) {
    uint64_t v = prng_next(r);
    size_t n = len - i < 8 ? len - i : 8;
    memcpy(buf + i, &v, n);
  }
}

static uint64_t seed = 20240901;

/* P[X >= c], X ~ Binomial(n, p), by direct summation in long double (an
 * implementation independent of the module's). */
static double binom_tail(int n, int c, double p) {
  long double sum = 0;
  for (int j = c; j <= n; j++)
    sum += expl(lgammal(n + 1) - lgammal(j + 1) - lgammal(n - j + 1) +
                j * logl(p) + (n - j) * log1pl(-p));
  return (double)sum;
}

/* --- cutoffs ------------------------------------------------------------ */

static void test_rct_cutoff(void) {
  /* 4.4.1's example: alpha = 2^-30, H = 7.3 -> C = 1 + ceil(30/7.3) = 6. */
  EXPECT_EQ_INT(6, sp90b_rct_cutoff(7.3, 0x1p-30));
  /* Go's crypto/internal/entropy: alpha = 2^-20, H = 0.5 -> 41. */
  EXPECT_EQ_INT(41, sp90b_rct_cutoff(0.5, 0x1p-20));
  EXPECT_EQ_INT(21, sp90b_rct_cutoff(1, 0x1p-20));
  EXPECT_EQ_INT(31, sp90b_rct_cutoff(1, 0x1p-30));
  EXPECT_EQ_INT(5, sp90b_rct_cutoff(8, 0x1p-30));
  EXPECT_EQ_INT(301, sp90b_rct_cutoff(0.1, 0x1p-30)); /* 30/0.1 is 300 */
}

/* Values of the standard's formula 1 + CRITBINOM(W, 2^-H, 1 - alpha) and of
 * the exact APT cutoff 1 + (the same over W - 1 trials), computed with
 * Python's decimal module at 80 digits from the binomial sum (not with this
 * code).  Cross-checks with published values: W = 512, H = 0.5, 2^-20 ->
 * 410 (Go crypto/internal/entropy); W = 512, H = 8, 2^-20 -> 13 (nRF54
 * TRNG datasheet); exact, 2^-30, W = 512, H = 1, 1/2, 1/3 -> 325, 422, 459
 * and 2^-60, H = 1, 1/2 -> 355, 447 (Linux crypto/jitterentropy.c,
 * jent_apt_cutoff_lookup, "C = 2 + qbinom(1 - alpha, 511, 2^-H)"). */
static const struct {
  int log2_alpha; /* alpha = 2^-log2_alpha */
  double h;
  int std1024, std512, exact1024, exact512;
} apt_table[] = {
    {20, 0.2, 941, 480, 941, 480}, {20, 0.5, 793, 410, 793, 411},
    {20, 1, 589, 311, 590, 311},   {20, 2, 325, 177, 325, 178},
    {20, 4, 105, 62, 106, 63},     {20, 8, 18, 13, 19, 14},
    {30, 0.5, 810, 422, 810, 422}, {30, 1, 609, 325, 609, 325},
    {30, 2, 343, 190, 344, 191},   {30, 8, 22, 16, 23, 17},
    {60, 1, 652, 355, 653, 355},   {60, 0.5, 847, 447, 847, 447},
};

static void test_apt_cutoff(void) {
  int bad = 0;
  for (size_t i = 0; i < sizeof(apt_table) / sizeof(apt_table[0]); i++) {
    double alpha = ldexp(1, -apt_table[i].log2_alpha), h = apt_table[i].h;
    double p = exp2(-h);
    int got[4] = {(int)sp90b_binom_critical(1024, p, alpha),
                  (int)sp90b_binom_critical(512, p, alpha),
                  (int)sp90b_apt_cutoff(1024, h, alpha),
                  (int)sp90b_apt_cutoff(512, h, alpha)};
    int want[4] = {apt_table[i].std1024, apt_table[i].std512,
                   apt_table[i].exact1024, apt_table[i].exact512};
    for (int j = 0; j < 4; j++) {
      if (got[j] != want[j]) {
        bad++;
        printf("# alpha 2^-%d H %g case %d: got %d want %d\n",
               apt_table[i].log2_alpha, h, j, got[j], want[j]);
      }
    }
  }
  EXPECT_EQ_INT(0, bad);
  EXPECT_EQ_INT(459, sp90b_apt_cutoff(512, 1.0 / 3, 0x1p-30));
  /* The defining property, against an independent tail: P[1 + X >= C] <=
   * alpha < P[1 + X >= C - 1] for every H of a grid. */
  bad = 0;
  for (double h = 0.25; h <= 8; h += 0.25) {
    uint32_t w = h <= 1 ? 1024 : 512, c = sp90b_apt_cutoff(w, h, 0x1p-30);
    double above = binom_tail((int)w - 1, (int)c - 1, exp2(-h));
    double below = binom_tail((int)w - 1, (int)c - 2, exp2(-h));
    if (!(above <= 0x1p-30 && below > 0x1p-30)) {
      bad++;
      printf("# H %g: C %u P[>=C] %g P[>=C-1] %g\n", h, c, above, below);
    }
  }
  EXPECT_EQ_INT(0, bad);
}

static void test_config(void) {
  sp90b_health_t t;
  sp90b_config_t c = {8, 8, SP90B_ALPHA_DEFAULT};
  EXPECT_EQ_INT(SP90B_OK, sp90b_health_init(&t, &c));
  EXPECT_EQ_INT(5, t.rct_cutoff);
  EXPECT_EQ_INT(17, t.apt_cutoff);
  EXPECT_EQ_INT(512, t.apt_window);
  c.bits = 4;
  EXPECT_EQ_INT(SP90B_EBITS, sp90b_health_init(&t, &c));
  c = (sp90b_config_t){1, 1.5, SP90B_ALPHA_DEFAULT};
  EXPECT_EQ_INT(SP90B_EH, sp90b_health_init(&t, &c));
  c = (sp90b_config_t){8, 0, SP90B_ALPHA_DEFAULT};
  EXPECT_EQ_INT(SP90B_EH, sp90b_health_init(&t, &c));
  c = (sp90b_config_t){8, 1, 0x1p-41};
  EXPECT_EQ_INT(SP90B_EALPHA, sp90b_health_init(&t, &c));
  c = (sp90b_config_t){8, 1, 0x1p-19};
  EXPECT_EQ_INT(SP90B_EALPHA, sp90b_health_init(&t, &c));
  c = (sp90b_config_t){1, 1, 0x1p-20};
  EXPECT_EQ_INT(SP90B_OK, sp90b_health_init(&t, &c));
  EXPECT_EQ_INT(1024, t.apt_window);
  EXPECT_EQ_INT(21, t.rct_cutoff);
  EXPECT_EQ_INT(590, t.apt_cutoff);
}

/* --- RCT ---------------------------------------------------------------- */

/* Append n samples of value v (bits: 0 or 1, MSB first) at bit *pos. */
static void put(uint8_t *buf, size_t *pos, unsigned bits, unsigned v,
                size_t n) {
  for (size_t i = 0; i < n; i++, (*pos) += bits) {
    if (bits == 8)
      buf[*pos / 8] = (uint8_t)v;
    else if (v)
      buf[*pos / 8] |= (uint8_t)(0x80 >> (*pos % 8));
  }
}

/* Feed byte by byte; return the number of the byte (1-based) that reported
 * the first RCT failure, 0 if none. */
static size_t first_rct(sp90b_health_t *t, const uint8_t *buf, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (sp90b_health_feed(t, buf + i, 1) & SP90B_FAIL_RCT)
      return i + 1;
  return 0;
}

/* A stuck source: C - 1 repeats pass, the C-th identical sample fails (the
 * data: a different sample, then the run, then a different one). */
static void test_rct_stuck(unsigned bits, double h, double alpha) {
  sp90b_health_t t;
  sp90b_config_t c = {bits, h, alpha};
  uint8_t buf[256];
  char what[128];
  sp90b_health_init(&t, &c);
  uint32_t C = t.rct_cutoff;
  for (uint32_t run = C - 1; run <= C; run++) {
    size_t pos = 0;
    memset(buf, 0, sizeof(buf));
    sp90b_health_init(&t, &c);
    put(buf, &pos, bits, bits == 8 ? 0x37 : 0, 1);
    put(buf, &pos, bits, bits == 8 ? 0xff : 1, run); /* samples 2..run+1 */
    size_t end = pos; /* just after the run */
    put(buf, &pos, bits, 0, 1);
    size_t len = (pos + 7) / 8;
    size_t got = first_rct(&t, buf, len);
    snprintf(what, sizeof(what),
             "RCT bits=%u H=%g C=%u: a run of %u %s (byte %zu of %zu)", bits,
             h, C, run, run < C ? "passes" : "fails at its last sample", got,
             len);
    OK_MSG(run < C ? got == 0 : got == (end - bits) / 8 + 1, what);
    EXPECT_EQ_INT(run < C ? 0 : 1, t.rct_failures);
    EXPECT_EQ_INT(run < C ? 0 : 1, t.alarm);
  }
  sp90b_health_ack(&t);
  EXPECT_EQ_INT(0, t.alarm);
}

/* A source stuck for n samples: 1 + (n - C) / (C - 1) failures. */
static void test_rct_count(void) {
  sp90b_health_t t;
  sp90b_config_t c = {8, 2, 0x1p-20}; /* C = 11 */
  sp90b_health_init(&t, &c);
  uint8_t buf[1000];
  memset(buf, 0x42, sizeof(buf));
  sp90b_health_feed(&t, buf, sizeof(buf));
  EXPECT_EQ_INT(11, t.rct_cutoff);
  EXPECT_EQ_INT(1 + (1000 - 11) / 10, t.rct_failures);
  /* The same in bit mode, with H = 1 (C = 21): 8000 ones. */
  c = (sp90b_config_t){1, 1, 0x1p-20};
  sp90b_health_init(&t, &c);
  memset(buf, 0xff, sizeof(buf));
  sp90b_health_feed(&t, buf, sizeof(buf));
  EXPECT_EQ_INT(1 + (8000 - 21) / 20, t.rct_failures);
  /* Bit by bit and byte-wise agree on a random stream with a short cutoff
   * (alpha 2^-20, H = 1 -> C = 21) made of long runs. */
  prng_t r;
  prng_seed(&r, seed);
  sp90b_health_t a;
  sp90b_health_init(&a, &c);
  uint64_t want_rct = 0, run = 0;
  int last = -1;
  memset(buf, 0, sizeof(buf)); /* runs of 1..48 bits, MSB first */
  size_t bit = 0;
  while (bit < 8 * sizeof(buf)) {
    int v = (int)(prng_next(&r) & 1);
    size_t len = 1 + prng_next(&r) % 48;
    for (size_t k = 0; k < len && bit < 8 * sizeof(buf); k++, bit++) {
      if (v)
        buf[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
    }
  }
  for (size_t b = 0; b < 8 * sizeof(buf); b++) { /* the scalar reference */
    int v = (buf[b / 8] >> (7 - b % 8)) & 1;
    if (v == last) {
      if (++run >= 21) {
        want_rct++;
        run = 1;
      }
    } else {
      last = v;
      run = 1;
    }
  }
  for (size_t i = 0; i < sizeof(buf); i += 7) /* odd chunk sizes */
    sp90b_health_feed(&a, buf + i, sizeof(buf) - i < 7 ? sizeof(buf) - i : 7);
  OK(want_rct > 10);
  EXPECT_EQ_INT(want_rct, a.rct_failures);
  EXPECT_EQ_INT(8000, a.samples);
}

/* --- APT ---------------------------------------------------------------- */

/* A source whose value 0 has probability p1 > 2^-H (the other values share
 * the rest evenly).  A window fails when its first sample is v and v recurs
 * C - 1 times among the other W - 1, so per window
 *   q = sum_v P(v) P[Binomial(W - 1, P(v)) >= C - 1],
 * the number of failing windows out of n is Binomial(n, q) and the first
 * failure comes after a geometric number of windows, mean 1/q. */
static void test_apt_biased(unsigned bits, double h, double p1,
                            uint64_t windows) {
  sp90b_health_t t;
  sp90b_config_t c = {bits, h, SP90B_ALPHA_DEFAULT};
  sp90b_health_init(&t, &c);
  int W = (int)t.apt_window, C = (int)t.apt_cutoff, k = bits == 1 ? 2 : 256;
  double po = (1 - p1) / (k - 1);
  double q = p1 * binom_tail(W - 1, C - 1, p1) +
             (1 - p1) * binom_tail(W - 1, C - 1, po);
  prng_t r;
  prng_seed(&r, seed + bits);
  uint64_t first = 0;
  uint8_t buf[512];
  size_t per_window = (size_t)W * bits / 8; /* bytes */
  for (uint64_t w = 0; w < windows; w++) {
    for (size_t i = 0; i < per_window; i++) {
      uint8_t v = 0;
      if (bits == 8) {
        v = prng_unit(&r) < p1 ? 0 : (uint8_t)(1 + prng_next(&r) % 255);
      } else {
        for (int b = 0; b < 8; b++)
          v = (uint8_t)(v << 1 | (prng_unit(&r) < p1 ? 0 : 1));
      }
      buf[i] = v;
    }
    if ((sp90b_health_feed(&t, buf, per_window) & SP90B_FAIL_APT) &&
        first == 0)
      first = w + 1;
  }
  double mean = (double)windows * q, sd = sqrt(mean * (1 - q));
  char what[160];
  snprintf(what, sizeof(what),
           "APT bits=%u H=%g p=%g: %llu failing windows of %llu, expected "
           "%.1f +- 5 * %.1f",
           bits, h, p1, (unsigned long long)t.apt_failures,
           (unsigned long long)windows, mean, sd);
  OK_MSG(fabs((double)t.apt_failures - mean) <= 5 * sd, what);
  /* P[first > m] = (1 - q)^m <= 1e-9 for m = ln(1e-9) / ln(1 - q). */
  double m = ceil(log(1e-9) / log1p(-q));
  snprintf(what, sizeof(what),
           "APT bits=%u: first failure at window %llu (mean 1/q = %.1f, "
           "bound %.0f)",
           bits, (unsigned long long)first, 1 / q, m);
  OK_MSG(first >= 1 && (double)first <= m, what);
  EXPECT_EQ_INT(windows, t.apt_windows);
}

/* A good generator trips neither test over n samples; expected false
 * alarms: RCT about n * 2^-(H (C - 1)), APT (n / W) * alpha at most. */
static void test_good(unsigned bits, uint64_t n) {
  sp90b_health_t t;
  sp90b_config_t c = {bits, (double)bits, SP90B_ALPHA_DEFAULT};
  sp90b_health_init(&t, &c);
  prng_t r;
  prng_seed(&r, seed ^ 0x5eed);
  static uint8_t buf[1 << 16];
  uint64_t bytes = n * bits / 8;
  for (uint64_t done = 0; done < bytes;) {
    size_t len = bytes - done < sizeof(buf) ? (size_t)(bytes - done)
                                             : sizeof(buf);
    prng_fill(&r, buf, len);
    sp90b_health_feed(&t, buf, len);
    done += len;
  }
  printf("# good stream bits=%u: %llu samples, RCT C=%u (expected false "
         "alarms %.3g), APT C=%u (expected <= %.3g)\n",
         bits, (unsigned long long)t.samples, t.rct_cutoff,
         (double)n * exp2(-c.h * (t.rct_cutoff - 1)), t.apt_cutoff,
         (double)n / t.apt_window * c.alpha);
  EXPECT_EQ_INT(n, t.samples);
  EXPECT_EQ_INT(0, t.rct_failures);
  EXPECT_EQ_INT(0, t.apt_failures);
  EXPECT_EQ_INT(0, t.alarm);
}

/* --- min-entropy estimates ------------------------------------------------ */

/* i.i.d. bytes: value 0 with probability p, the 255 others (1 - p) / 255
 * each; min-entropy -log2(p).  MCV (6.3.1): p^ is within 5 sigma of p
 * (sigma = sqrt(p (1 - p) / L)), so p_u = p^ + 2.576 sigma^ lies in
 * [p - 2.424 sigma, p + 7.576 sigma] and the estimate in
 * [-log2(p + 7.576 sigma), -log2(p - 2.424 sigma)] (at most H + small).  Every prediction of
 * an i.i.d. source is right with probability sum P(v)^2 < p, so Lag stays
 * above H; the bit string of these bytes is near-uniform (Markov ~ 8 x
 * 0.9), so the minimum is the MCV. */
static void test_estimate_iid_bytes(double p, size_t L) {
  uint8_t *buf = malloc(L);
  prng_t r;
  prng_seed(&r, seed + 17);
  for (size_t i = 0; i < L; i++)
    buf[i] = prng_unit(&r) < p ? 0 : (uint8_t)(1 + prng_next(&r) % 255);
  sp90b_estimate_t e;
  EXPECT_EQ_INT(SP90B_OK, sp90b_estimate_buf(buf, L, 8, &e));
  double h = -log2(p), sigma = sqrt(p * (1 - p) / (double)L);
  double lo = -log2(p + 7.576 * sigma), hi = -log2(p - 2.424 * sigma);
  char what[200];
  snprintf(what, sizeof(what),
           "iid bytes p=%g (H=%g): MCV %.4f in [%.4f, %.4f]; Markov %.3f, "
           "Lag %.3f (C=%llu, run %llu), min %.4f",
           p, h, e.mcv, lo, hi, e.markov, e.lag,
           (unsigned long long)e.lag_correct,
           (unsigned long long)e.lag_longest, e.min);
  OK_MSG(e.mcv >= lo && e.mcv <= hi, what);
  OK(e.lag > h);
  OK(e.markov > h);
  EXPECT_EQ_DOUBLE(e.mcv, e.min);
  EXPECT_EQ_INT(L, e.samples);
  free(buf);
}

/* A binary Markov chain, P(0 -> 1) = a, P(1 -> 0) = b, started from its
 * stationary law pi0 = b / (a + b).  Its min-entropy as 6.3.3 defines it:
 * the most likely 128-bit sequence over the six candidates, divided by
 * 128.  The estimate's error: P^00 has standard deviation sqrt(P00 P01 /
 * (pi0 L)) (given the visits to 0 the transitions are independent), P^0
 * sqrt(pi0 pi1 (1 + l) / ((1 - l) L)), l = 1 - a - b; propagated through
 * H = -(log2 P0 + 127 log2 P00) / 128 (the 0...0 sequence wins here), 5
 * sigma.  The MCV sees only pi0; Lag predicts a repeat (lag 1): right with
 * probability pi0 (1 - a) + pi1 (1 - b). */
static void test_estimate_markov(double a, double b, size_t bytes) {
  uint8_t *buf = calloc(bytes, 1);
  prng_t r;
  prng_seed(&r, seed + 23);
  double pi0 = b / (a + b), pi1 = 1 - pi0, l = 1 - a - b;
  int x = prng_unit(&r) < pi0 ? 0 : 1;
  for (size_t i = 0; i < 8 * bytes; i++) {
    if (x)
      buf[i / 8] |= (uint8_t)(0x80 >> (i % 8));
    x = prng_unit(&r) < (x ? b : a) ? !x : x;
  }
  double L = 8.0 * (double)bytes, p00 = 1 - a, p11 = 1 - b;
  double cand[6] = {log2(pi0) + 127 * log2(p00),
                    log2(pi0) + 64 * log2(a) + 63 * log2(b),
                    log2(pi0) + log2(a) + 126 * log2(p11),
                    log2(pi1) + log2(b) + 126 * log2(p00),
                    log2(pi1) + 64 * log2(b) + 63 * log2(a),
                    log2(pi1) + 127 * log2(p11)};
  double best = cand[0];
  for (int i = 1; i < 6; i++)
    best = fmax(best, cand[i]);
  double h = -best / 128;
  double s00 = sqrt(p00 * a / (pi0 * L)), s0 = sqrt(pi0 * pi1 * (1 + l) /
                                                    ((1 - l) * L));
  double tol = 5 * (127.0 / 128 * s00 / (p00 * log(2)) +
                    1.0 / 128 * s0 / (pi0 * log(2)));
  sp90b_estimate_t e;
  EXPECT_EQ_INT(SP90B_OK, sp90b_estimate_buf(buf, bytes, 1, &e));
  char what[200];
  snprintf(what, sizeof(what),
           "Markov chain a=%g b=%g: Markov %.5f vs %.5f +- %.5f; MCV %.4f, "
           "Lag %.4f (P'g %.4f, Pl %.4f), min %.4f",
           a, b, e.markov, h, tol, e.mcv, e.lag, e.lag_p_global,
           e.lag_p_local, e.min);
  OK_MSG(fabs(e.markov - h) <= tol, what);
  /* MCV: p_u >= p^ >= pi0 - 5 sigma (sigma with the same factor). */
  OK(e.mcv <= -log2(pi0 - 5 * s0));
  double pc = pi0 * p00 + pi1 * p11;
  OK(e.lag <= -log2(pc - 10 * sqrt(pc * (1 - pc) / L)));
  OK(e.min <= h + tol);
  free(buf);
}

/* P[no run of r successes in N Bernoulli(p) trials], exactly, by dynamic
 * programming over the length of the current run. */
static double no_run_exact(double p, int r, long N) {
  double *v = calloc((size_t)r, sizeof(double)), tot = 1;
  v[0] = 1;
  for (long n = 0; n < N; n++) {
    double fail = 0;
    for (int j = 0; j < r; j++)
      fail += v[j];
    for (int j = r - 1; j >= 1; j--)
      v[j] = v[j - 1] * p;
    v[0] = fail * (1 - p);
  }
  tot = 0;
  for (int j = 0; j < r; j++)
    tot += v[j];
  free(v);
  return tot;
}

/* P_local (6.3.8 step 5): uniform bytes with one burst of 60 equal bytes
 * make a long run of correct predictions among few correct ones, so
 * P_local exceeds P'_global and decides the estimate; at P_local the exact
 * probability of no such run is 0.99 (the standard's formula is an
 * approximation: 0.99 +- 0.002). */
static void test_p_local(void) {
  enum { L = 100000 };
  static uint8_t buf[L];
  prng_t r;
  prng_seed(&r, seed + 41);
  prng_fill(&r, buf, L);
  memset(buf + L / 2, 0x33, 60);
  sp90b_estimate_t e;
  sp90b_estimate_buf(buf, L, 8, &e);
  double pr = no_run_exact(e.lag_p_local, (int)e.lag_longest + 1, L - 1);
  char what[200];
  snprintf(what, sizeof(what),
           "P_local %.5f (run %llu, C %llu, P'g %.5f): exact P[no run] = "
           "%.5f ~ 0.99; Lag %.3f",
           e.lag_p_local, (unsigned long long)e.lag_longest,
           (unsigned long long)e.lag_correct, e.lag_p_global, pr, e.lag);
  OK_MSG(e.lag_p_local > e.lag_p_global && fabs(pr - 0.99) < 0.002, what);
  EXPECT_NEAR(-log2(e.lag_p_local), e.lag, 1e-12);
}

/* The window holds the last `size` bytes: after pushes that wrap it, its
 * estimates equal those of the same bytes in one piece. */
static void test_window(void) {
  enum { SIZE = 5000, TOTAL = 12345 };
  static uint8_t data[TOTAL], ring[SIZE];
  prng_t r;
  prng_seed(&r, seed + 31);
  for (size_t i = 0; i < TOTAL; i++) /* biased, with repeats */
    data[i] = (uint8_t)(prng_next(&r) % 7);
  sp90b_window_t w;
  EXPECT_EQ_INT(0, sp90b_window_init(&w, ring, SIZE));
  for (size_t i = 0; i < TOTAL; i += 333)
    sp90b_window_push(&w, data + i, TOTAL - i < 333 ? TOTAL - i : 333);
  EXPECT_EQ_INT(SIZE, w.n);
  for (unsigned bits = 1; bits <= 8; bits += 7) {
    sp90b_estimate_t a, b;
    sp90b_estimate_window(&w, bits, &a);
    sp90b_estimate_buf(data + TOTAL - SIZE, SIZE, bits, &b);
    OK(a.mcv == b.mcv && a.markov == b.markov && a.lag == b.lag);
    EXPECT_EQ_INT(b.lag_correct, a.lag_correct);
    OK(a.min > 0 && a.min < bits);
  }
  sp90b_window_push(&w, data, TOTAL); /* longer than the window */
  sp90b_estimate_t a, b;
  sp90b_estimate_window(&w, 8, &a);
  sp90b_estimate_buf(data + TOTAL - SIZE, SIZE, 8, &b);
  OK(a.lag == b.lag && a.mcv == b.mcv);
}

/* Lag on data it predicts: a period-3 byte sequence is right from the 4th
 * sample on (lag 3 wins after the first repeat); all-equal data has no
 * entropy for any estimator; fewer than 2 samples are refused. */
static void test_estimate_edges(void) {
  uint8_t buf[3000];
  for (size_t i = 0; i < sizeof(buf); i++)
    buf[i] = (uint8_t)(i % 3 * 77);
  sp90b_estimate_t e;
  sp90b_estimate_buf(buf, sizeof(buf), 8, &e);
  /* Predictions for samples 2..L (1-based); lag 1 (the initial winner)
   * fails at samples 2, 3 and 4; sample 4 gives lag 3 its first point
   * (after its prediction), so lag 3 predicts samples 5..L: L - 4. */
  EXPECT_EQ_INT(sizeof(buf) - 4, e.lag_correct);
  EXPECT_EQ_INT(sizeof(buf) - 4, e.lag_longest);
  OK(e.lag < 0.01);
  EXPECT_NEAR(-log2(1.0 / 3 + 2.576 * sqrt(2.0 / 9 / 2999)), e.mcv, 1e-3);
  memset(buf, 0xaa, sizeof(buf)); /* bits 1010...: Markov and Lag see it */
  sp90b_estimate_buf(buf, sizeof(buf), 1, &e);
  /* 0101...01 has probability P0 * 1 = 1/2: H = 1/128 bit per bit. */
  EXPECT_NEAR(1.0 / 128, e.markov, 1e-12);
  OK(e.lag < 0.01);
  OK(e.mcv > 0.95);
  memset(buf, 0, sizeof(buf));
  sp90b_estimate_buf(buf, sizeof(buf), 8, &e);
  OK(e.mcv == 0 && e.markov == 0 && e.lag == 0 && e.min == 0);
  EXPECT_EQ_INT(SP90B_ESHORT, sp90b_estimate_buf(buf, 1, 8, &e));
  OK(isnan(e.min));
  EXPECT_EQ_INT(SP90B_OK, sp90b_estimate_buf(buf, 1, 1, &e));
  EXPECT_EQ_INT(SP90B_EBITS, sp90b_estimate_buf(buf, 10, 4, &e));
}

int main(int argc, char **argv) {
  const char *s = argc > 1 ? argv[1] : getenv("SP90B_SEED");
  if (s != NULL)
    seed = strtoull(s, NULL, 0);
  printf("# seed %llu\n", (unsigned long long)seed);
  /* Under valgrind (scripts/test.sh --valgrind) 10^8 samples would take
   * minutes: 10^6 there. */
  const char *vg = getenv("CDS_VALGRIND");
  uint64_t n_good = (vg != NULL && strcmp(vg, "1") == 0) ? 1000000 : 100000000;

  test_rct_cutoff();
  test_apt_cutoff();
  test_config();
  test_rct_stuck(8, 8, SP90B_ALPHA_DEFAULT);
  test_rct_stuck(8, 2, 0x1p-20);
  test_rct_stuck(1, 1, SP90B_ALPHA_DEFAULT);
  test_rct_stuck(1, 0.7, 0x1p-40);
  test_rct_count();
  test_apt_biased(8, 8, 1.0 / 32, 20000);
  test_apt_biased(1, 1, 0.6, 4000);
  test_good(8, n_good);
  test_good(1, n_good);
  test_estimate_iid_bytes(1.0 / 16, 1 << 20);
  test_estimate_iid_bytes(0.3, 1 << 18);
  test_estimate_markov(0.2, 0.3, 1 << 18);
  test_estimate_markov(0.1, 0.1, 1 << 17);
  test_window();
  test_estimate_edges();
  test_p_local();
  return testing_done();
}
