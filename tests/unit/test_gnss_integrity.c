/* SPDX-License-Identifier: MIT
 * gnss_integrity: horizontal distance against published geodesic values
 * and the C/N0 drop detector (median window, freeze while dropped). */
#include "common/gnss_integrity.h"
#include "tests/unit/testing.h"

#include <math.h>

#define S 1000000000LL /* ns per s */

static double dms(double d, double m, double s) {
  return copysign(fabs(d) + m / 60.0 + s / 3600.0, d);
}

static void test_distance(void) {
  /* Vincenty 1975 (Survey Review 23(176)), the Geoscience Australia worked
   * example: Flinders Peak -> Buninyong, 54972.271 m on the ellipsoid. */
  double d = gnss_horizontal_distance_m(dms(-37, 57, 3.72030),
                                        dms(144, 25, 29.52440),
                                        dms(-37, 39, 10.15610),
                                        dms(143, 55, 35.38390));
  EXPECT_NEAR(54972.271, d, 54972.271 * 1e-4);
  /* Along the equator the geodesic is the arc: 0.01 deg = a * pi / 18000. */
  EXPECT_NEAR(6378137.0 * M_PI / 18000.0,
              gnss_horizontal_distance_m(0, 10, 0, 10.01), 1e-3);
  /* One arc-second of latitude at 45 deg: meridian radius
   * M = a (1 - e2) / (1 - e2 sin^2)^1.5 = 6367381.816 m -> 30.8701 m. */
  EXPECT_NEAR(30.8701, gnss_horizontal_distance_m(45, 7, 45 + 1 / 3600.0, 7),
              1e-3);
  /* Symmetric, zero at the point itself, NaN for nonsense. */
  EXPECT_NEAR(0.0, gnss_horizontal_distance_m(48.06, 16.35, 48.06, 16.35),
              1e-9);
  OK(isnan(gnss_horizontal_distance_m(91, 0, 0, 0)));
  OK(isnan(gnss_horizontal_distance_m(0, NAN, 0, 0)));
  double xyz[3];
  gnss_ecef(0, 0, 100, xyz);
  EXPECT_NEAR(6378237.0, xyz[0], 1e-6); /* a + h on the equator */
  gnss_ecef(90, 0, 0, xyz);
  EXPECT_NEAR(6356752.314, xyz[2], 1e-3); /* semi-minor axis b */
}

static void test_drop(void) {
  gnss_drop_config_t c = {.threshold_db = 6, .window_ns = 30 * S};
  gnss_drop_t d;
  double db;
  gnss_drop_reset(&d);
  /* Too few samples: unknown. */
  for (int i = 0; i < GNSS_DROP_MIN; i++)
    EXPECT_EQ_INT(GNSS_DROP_UNKNOWN,
                  gnss_drop_feed(&d, &c, i * S, 40.0 + (i % 2), &db));
  OK(isnan(db));
  /* 40 41 40 41 40 -> median 40; 35 is a 5 dB drop: not above 6. */
  EXPECT_EQ_INT(GNSS_DROP_NONE, gnss_drop_feed(&d, &c, 5 * S, 35.0, &db));
  EXPECT_NEAR(5.0, db, 1e-12);
  /* 40 41 40 41 40 35 -> median 40; 31 is 9 dB below: a drop. */
  EXPECT_EQ_INT(GNSS_DROP_YES, gnss_drop_feed(&d, &c, 6 * S, 31.0, &db));
  EXPECT_NEAR(9.0, db, 1e-12);
  /* Frozen: long after the window the low level still counts as a drop. */
  EXPECT_EQ_INT(GNSS_DROP_YES, gnss_drop_feed(&d, &c, 200 * S, 30.0, &db));
  EXPECT_NEAR(10.0, db, 1e-12);
  /* No level: unknown, state kept. */
  EXPECT_EQ_INT(GNSS_DROP_UNKNOWN, gnss_drop_feed(&d, &c, 201 * S, NAN, &db));
  OK(d.dropped);
  /* Back within 6 dB of the old median: cleared; the old samples then
   * expire and the window follows the level again. */
  EXPECT_EQ_INT(GNSS_DROP_NONE, gnss_drop_feed(&d, &c, 202 * S, 39.0, &db));
  EXPECT_NEAR(1.0, db, 1e-12);
  EXPECT_EQ_INT(GNSS_DROP_UNKNOWN, gnss_drop_feed(&d, &c, 300 * S, 20.0, &db));
  /* A slow decline of 0.1 dB per sample never trips it. */
  gnss_drop_reset(&d);
  int trips = 0;
  for (int i = 0; i < 200; i++)
    trips += gnss_drop_feed(&d, &c, i * S, 45.0 - 0.1 * i, &db) ==
             GNSS_DROP_YES;
  EXPECT_EQ_INT(0, trips);
  /* The ring stays bounded with a window longer than its capacity. */
  c.window_ns = 10000 * S;
  gnss_drop_reset(&d);
  for (int i = 0; i < 3 * GNSS_DROP_MAX; i++)
    gnss_drop_feed(&d, &c, i * S, 40.0, &db);
  OK(d.n <= GNSS_DROP_MAX);
  EXPECT_EQ_INT(GNSS_DROP_YES, gnss_drop_feed(&d, &c, 9999 * S, 20.0, &db));
}

int main(void) {
  test_distance();
  test_drop();
  return testing_done();
}
