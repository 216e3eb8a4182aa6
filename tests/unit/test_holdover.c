/* SPDX-License-Identifier: MIT
 * common/holdover against closed forms: ADEV curves of known shape
 * (white FM, flat, white PM) sampled at octave taus, solved for the time
 * at which |x0| + t * ADEV(t) reaches the budget. */
#include "common/holdover.h"
#include "tests/unit/testing.h"

#include <math.h>

#define CAP 1e9

/* pts[i] = (2^i s, sigma(2^i)) for i < n. */
static void curve(holdover_point_t *pts, int n, double (*sigma)(double)) {
  for (int i = 0; i < n; i++) {
    double tau = ldexp(1.0, i);
    pts[i] = (holdover_point_t){.tau_s = tau, .adev = sigma(tau)};
  }
}

static double white_fm(double t) { return 1e-9 / sqrt(t); }
static double flat(double t) { return 0 * t + 1e-11; }
static double white_pm(double t) { return 2e-6 / t; }

static void test_white_fm(void) {
  holdover_point_t p[8];
  curve(p, 8, white_fm);
  /* Inside the measured taus: t = ((B - x0) / a)^2 = 25 s. */
  EXPECT_NEAR(25.0, holdover_seconds(p, 8, 0, 5e-9, CAP), 25e-9);
  /* Beyond the longest tau (128 s), extrapolated with the last slope:
   * budget 1 us, offset -200 ns: ((800e-9) / 1e-9)^2 = 640000 s. */
  EXPECT_NEAR(640000.0, holdover_seconds(p, 8, -200e-9, 1e-6, CAP), 1e-3);
  EXPECT_NEAR(1e-6, holdover_error(p, 8, -200e-9, 640000.0), 1e-15);
}

static void test_flat(void) {
  holdover_point_t p[6];
  curve(p, 6, flat);
  /* 1 ms budget, 100 us offset: 0.9e-3 / 1e-11 = 9e7 s. */
  EXPECT_NEAR(9e7, holdover_seconds(p, 6, 100e-6, 1e-3, CAP), 1e-2);
  /* Below the shortest tau the ADEV is held flat: 5e-12 / 1e-11 s ... */
  EXPECT_NEAR(0.5, holdover_seconds(p, 6, 0, 5e-12, CAP), 1e-12);
  /* ... and the cap bounds the answer. */
  EXPECT_EQ_DOUBLE(1e6, holdover_seconds(p, 6, 0, 1e-3, 1e6));
}

static void test_white_pm(void) {
  holdover_point_t p[10];
  curve(p, 10, white_pm);
  /* E = |x0| + 2 us for every t >= 1 s: a 10 us budget is never reached. */
  EXPECT_EQ_DOUBLE(CAP, holdover_seconds(p, 10, 3e-6, 10e-6, CAP));
  /* A 3 us budget with 2 us offset: reached below tau_min = 1 s, where
   * t * ADEV(1 s) grows linearly: t = 1 us / 2 us = 0.5 s. */
  EXPECT_NEAR(0.5, holdover_seconds(p, 10, 2e-6, 3e-6, CAP), 1e-12);
}

static void test_edges(void) {
  holdover_point_t p[8];
  curve(p, 8, white_fm);
  /* The offset alone exhausts the budget. */
  EXPECT_EQ_DOUBLE(0.0, holdover_seconds(p, 8, -2e-3, 1e-3, CAP));
  OK(isnan(holdover_seconds(p, 8, NAN, 1e-3, CAP)));
  /* Too few usable points: NaN (the plugin dispatches it as unknown). */
  p[2].adev = NAN;
  p[3].adev = NAN;
  p[4].adev = NAN;
  p[5].adev = 0;
  p[6].adev = NAN;
  p[7].adev = -1e-9;
  OK(isnan(holdover_seconds(p, 8, 0, 1e-3, CAP)));
  OK(isnan(holdover_seconds(p, 2, 0, 1e-3, CAP)));
  /* Points 0, 1, 7 are enough (3), and on the curve: still exact. */
  p[5].adev = NAN;
  p[7].adev = white_fm(128);
  EXPECT_NEAR(25.0, holdover_seconds(p, 8, 0, 5e-9, CAP), 25e-9);
  /* A bump: ADEV rising then falling; the FIRST crossing counts. */
  holdover_point_t b[4] = {
      {1, 1e-9}, {2, 1e-8}, {4, 1e-10}, {8, 1e-10}};
  /* E(2) = 2e-8 >= 1.5e-8 > E(1) = 1e-9: the crossing is between 1 and 2 s
   * where ADEV = 1e-9 * t^log2(10), E = 1e-9 * t^(1+log2 10). */
  double t = pow(15.0, 1.0 / (1.0 + log2(10.0)));
  EXPECT_NEAR(t, holdover_seconds(b, 4, 0, 1.5e-8, CAP), 1e-9);
}

int main(void) {
  test_white_fm();
  test_flat();
  test_white_pm();
  test_edges();
  return testing_done();
}
