/* SPDX-License-Identifier: MIT
 * ceph_forecast: the smoothed recovery rate and ETA, and the
 * least-squares fill slope and time to a fill limit, on hand-computed
 * series (times are monotonic seconds). */
#include "common/ceph_forecast.h"
#include "tests/unit/testing.h"

/* EWMA with time constant tau: a constant rate is kept; a step is
 * followed with weight 1 - exp(-dt/tau); a gap counts by its length. */
static void ewma(void) {
  ceph_ewma_t e = {0};
  EXPECT_EQ_DOUBLE(100, ceph_ewma_update(&e, 10.0, 100, 60)); /* first */
  EXPECT_EQ_DOUBLE(100, ceph_ewma_update(&e, 20.0, 100, 60));
  double w = 1 - exp(-10.0 / 60);
  EXPECT_NEAR(100 + w * (40 - 100), ceph_ewma_update(&e, 30.0, 40, 60),
              1e-9);
  double prev = e.value;
  w = 1 - exp(-120.0 / 60);
  EXPECT_NEAR(prev + w * (0 - prev), ceph_ewma_update(&e, 150.0, 0, 60),
              1e-9);
  /* NaN input (no rate reported): kept, not absorbed */
  prev = e.value;
  EXPECT_EQ_DOUBLE(prev, ceph_ewma_update(&e, 151.0, NAN, 60));
  /* time going backwards or standing still: no update */
  EXPECT_EQ_DOUBLE(prev, ceph_ewma_update(&e, 150.0, 500, 60));
  ceph_ewma_reset(&e);
  EXPECT_EQ_DOUBLE(7, ceph_ewma_update(&e, 200.0, 7, 60));
}

static void eta(void) {
  EXPECT_EQ_DOUBLE(50, ceph_recovery_eta(1000, 20));    /* s */
  EXPECT_EQ_DOUBLE(NAN, ceph_recovery_eta(0, 20));      /* idle */
  EXPECT_EQ_DOUBLE(NAN, ceph_recovery_eta(1000, 0));    /* no progress */
  EXPECT_EQ_DOUBLE(NAN, ceph_recovery_eta(1000, NAN));
  EXPECT_EQ_DOUBLE(NAN, ceph_recovery_eta(NAN, 20));
  EXPECT_EQ_DOUBLE(NAN, ceph_recovery_eta(-5, 20));
}

static void fill(void) {
  ceph_fill_t f;
  ceph_fill_init(&f);
  /* y = 1000 + 5 t, samples every 10 s, exact: slope 5 bytes/s */
  for (int i = 0; i < 5; i++)
    ceph_fill_add(&f, 100.0 + 10 * i, 1000 + 5 * (100.0 + 10 * i), 600);
  EXPECT_EQ_INT(5, f.n);
  EXPECT_NEAR(5, ceph_fill_slope(&f, 3), 1e-9);
  EXPECT_EQ_DOUBLE(NAN, ceph_fill_slope(&f, 6)); /* too few samples */
  /* noisy: 0, 10, 10, 20 at t 0, 1, 2, 3: slope = 6 (by hand: tbar 1.5,
   * ybar 10, sum dt*dy = 15 + 0 + 0 + 15 = 30, sum dt^2 = 5) */
  ceph_fill_t g;
  ceph_fill_init(&g);
  double ys[] = {0, 10, 10, 20};
  for (int i = 0; i < 4; i++)
    ceph_fill_add(&g, i, ys[i], 600);
  EXPECT_NEAR(6, ceph_fill_slope(&g, 3), 1e-9);
  /* the window drops old samples: after t = 700 only t >= 100 stay */
  ceph_fill_add(&g, 700, 30, 600);
  EXPECT_EQ_INT(1, g.n);
  EXPECT_EQ_DOUBLE(NAN, ceph_fill_slope(&g, 2));
  /* a restart of the series (time not increasing) starts over */
  ceph_fill_add(&g, 650, 30, 600);
  EXPECT_EQ_INT(1, g.n);
  /* NaN samples are not kept */
  ceph_fill_add(&g, 800, NAN, 600);
  EXPECT_EQ_INT(1, g.n);
  /* the ring keeps the newest CEPH_FILL_MAX samples */
  ceph_fill_t h;
  ceph_fill_init(&h);
  for (int i = 0; i < CEPH_FILL_MAX + 10; i++)
    ceph_fill_add(&h, i, 2.0 * i, 1e9);
  EXPECT_EQ_INT(CEPH_FILL_MAX, h.n);
  EXPECT_NEAR(2, ceph_fill_slope(&h, 3), 1e-9);
  /* flat: slope 0 */
  ceph_fill_t z;
  ceph_fill_init(&z);
  for (int i = 0; i < 4; i++)
    ceph_fill_add(&z, i, 42, 600);
  EXPECT_NEAR(0, ceph_fill_slope(&z, 3), 1e-12);
}

static void time_to(void) {
  /* 900 of 1000 bytes allowed, 500 used, 2 bytes/s: 200 s */
  EXPECT_EQ_DOUBLE(200, ceph_time_to_limit(900, 500, 2));
  EXPECT_EQ_DOUBLE(0, ceph_time_to_limit(900, 950, 2)); /* over already */
  EXPECT_EQ_DOUBLE(NAN, ceph_time_to_limit(900, 500, 0)); /* not filling */
  EXPECT_EQ_DOUBLE(NAN, ceph_time_to_limit(900, 500, -3)); /* draining */
  EXPECT_EQ_DOUBLE(NAN, ceph_time_to_limit(900, 500, NAN));
  EXPECT_EQ_DOUBLE(NAN, ceph_time_to_limit(NAN, 500, 2));
  EXPECT_EQ_DOUBLE(NAN, ceph_time_to_limit(900, NAN, 2));
}

int main(void) {
  ewma();
  eta();
  fill();
  time_to();
  return testing_done();
}
