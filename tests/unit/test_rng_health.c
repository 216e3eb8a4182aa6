/* SPDX-License-Identifier: MIT
 * common/rng_health: the binomial tail against exact values and a direct
 * summation, the rolling window, the periodic-data detector. */
#include "common/rng_health.h"
#include "tests/unit/testing.h"

/* P[X >= k] = sum_{j>=k} C(n,j) p^j q^(n-j), term by term (long double;
 * exact to 1e-12 against Python's fractions for these arguments). */
static double direct_tail(int n, int k, double p) {
  long double sum = 0, c = 1; /* c = C(n, j) */
  for (int j = 0; j <= n; j++) {
    if (j >= k)
      sum += c * powl(p, j) * powl(1 - p, n - j);
    c = c * (n - j) / (j + 1);
  }
  return (double)sum;
}

static void test_binomial(void) {
  EXPECT_NEAR(-log10(56.0 / 1024), rng_binom_tail_log10(10, 8, 0.5), 1e-12);
  EXPECT_NEAR(12.0, rng_binom_tail_log10(4, 4, 0.001), 1e-9);
  EXPECT_NEAR(3000.0, rng_binom_tail_log10(1000, 1000, 0.001), 1e-6);
  EXPECT_NEAR(3.0, rng_binom_tail_log10(1, 1, 0.001), 1e-12);
  EXPECT_EQ_DOUBLE(0.0, rng_binom_tail_log10(1000, 0, 0.001));
  OK(isnan(rng_binom_tail_log10(10, 11, 0.5)));
  OK(isnan(rng_binom_tail_log10(10, 1, 0.0)));
  OK(isnan(rng_binom_tail_log10(10, 1, 1.0)));
  int bad = 0;
  double prev = -1;
  for (int k = 1; k <= 12; k++) { /* the plugin's case: n = 1000, p = 1e-3 */
    double got = rng_binom_tail_log10(1000, (uint64_t)k, 0.001);
    double want = -log10(direct_tail(1000, k, 0.001));
    if (fabs(got - want) > 1e-9 * (want > 1 ? want : 1)) {
      bad++;
      printf("# k=%d: got %.12g want %.12g\n", k, got, want);
    }
    bad += got <= prev; /* grows with k */
    prev = got;
  }
  EXPECT_EQ_INT(0, bad);
  /* 1 failure in 1000 blocks is ordinary (P ~ 0.63); 10 is not (~1e-7). */
  OK(rng_binom_tail_log10(1000, 1, 0.001) < 0.3);
  OK(rng_binom_tail_log10(1000, 10, 0.001) > 6.5);
  /* Far below the mode: P ~ 1, and it still returns (rescaling). */
  EXPECT_NEAR(0.0, rng_binom_tail_log10(1000000, 1, 0.5), 1e-12);
  EXPECT_NEAR(-log10(0.5), rng_binom_tail_log10(1000001, 500001, 0.5), 1e-3);
}

static void test_window(void) {
  uint8_t ring[5];
  rng_window_t w;
  EXPECT_EQ_INT(-1, rng_window_init(&w, ring, 0));
  EXPECT_EQ_INT(0, rng_window_init(&w, ring, 5));
  rng_window_push(&w, 1);
  rng_window_push(&w, 0);
  rng_window_push(&w, 1);
  EXPECT_EQ_INT(3, w.n);
  EXPECT_EQ_INT(2, w.failed);
  for (int i = 0; i < 4; i++) /* 1 0 1 0 0 0 0: the last five 1 0 0 0 0 */
    rng_window_push(&w, 0);
  EXPECT_EQ_INT(5, w.n);
  EXPECT_EQ_INT(1, w.failed);
  for (int i = 0; i < 5; i++)
    rng_window_push(&w, 1);
  EXPECT_EQ_INT(5, w.failed);
}

static int period_of(const uint8_t *b, size_t n, size_t piece) {
  rng_period_t p;
  rng_period_reset(&p);
  for (size_t off = 0; off < n; off += piece)
    rng_period_feed(&p, b + off, n - off < piece ? n - off : piece);
  return rng_period_get(&p);
}

static void test_period(void) {
  uint8_t b[4096];
  memset(b, 0, sizeof(b));
  EXPECT_EQ_INT(1, period_of(b, sizeof(b), sizeof(b)));
  EXPECT_EQ_INT(1, period_of(b, sizeof(b), 7));
  EXPECT_EQ_INT(0, period_of(b, 31, 31)); /* too little data */
  EXPECT_EQ_INT(1, period_of(b, 32, 32));
  memset(b, 0xff, sizeof(b));
  EXPECT_EQ_INT(1, period_of(b, sizeof(b), 100));
  for (size_t i = 0; i < sizeof(b); i++) /* a repeating 32-bit word */
    b[i] = (uint8_t[]){0xde, 0xad, 0xbe, 0xef}[i % 4];
  EXPECT_EQ_INT(4, period_of(b, sizeof(b), 5));
  b[4000] ^= 1; /* one byte off: not periodic */
  EXPECT_EQ_INT(0, period_of(b, sizeof(b), 5));
  for (size_t i = 0; i < sizeof(b); i++) /* period 16, needs 64 bytes */
    b[i] = (uint8_t)((i % 16) * 37 + 1);
  EXPECT_EQ_INT(16, period_of(b, sizeof(b), 3));
  EXPECT_EQ_INT(0, period_of(b, 63, 63));
  EXPECT_EQ_INT(16, period_of(b, 64, 64));
  uint64_t x = 88172645463325252ull; /* xorshift: no period */
  for (size_t i = 0; i < sizeof(b); i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    b[i] = (uint8_t)x;
  }
  EXPECT_EQ_INT(0, period_of(b, sizeof(b), 1000));
  for (size_t i = 0; i < sizeof(b); i++) /* period 17: beyond the detector */
    b[i] = (uint8_t)((i % 17) * 37 + 1);
  EXPECT_EQ_INT(0, period_of(b, sizeof(b), 4096));
}

int main(void) {
  test_binomial();
  test_window();
  test_period();
  return testing_done();
}
