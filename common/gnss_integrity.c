/* SPDX-License-Identifier: MIT
 * gnss_integrity - position error against a surveyed point and the C/N0
 * drop detector (see gnss_integrity.h).
 */
#include "common/gnss_integrity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WGS84_A 6378137.0             /* semi-major axis, m */
#define WGS84_F (1.0 / 298.257223563) /* flattening */
#define DEG (M_PI / 180.0)

void gnss_ecef(double lat_deg, double lon_deg, double h_m, double xyz[3]) {
  double e2 = WGS84_F * (2.0 - WGS84_F); /* first eccentricity squared */
  double sl = sin(lat_deg * DEG), cl = cos(lat_deg * DEG);
  double n = WGS84_A / sqrt(1.0 - e2 * sl * sl); /* prime vertical radius */
  xyz[0] = (n + h_m) * cl * cos(lon_deg * DEG);
  xyz[1] = (n + h_m) * cl * sin(lon_deg * DEG);
  xyz[2] = (n * (1.0 - e2) + h_m) * sl;
}

static bool valid_point(double lat, double lon) {
  return isfinite(lat) && isfinite(lon) && fabs(lat) <= 90.0;
}

double gnss_horizontal_distance_m(double lat0_deg, double lon0_deg,
                                  double lat_deg, double lon_deg) {
  double a[3], b[3], d[3];
  if (!valid_point(lat0_deg, lon0_deg) || !valid_point(lat_deg, lon_deg))
    return NAN;
  gnss_ecef(lat0_deg, lon0_deg, 0, a);
  gnss_ecef(lat_deg, lon_deg, 0, b);
  for (int i = 0; i < 3; i++)
    d[i] = b[i] - a[i];
  double sl = sin(lat0_deg * DEG), cl = cos(lat0_deg * DEG);
  double so = sin(lon0_deg * DEG), co = cos(lon0_deg * DEG);
  double east = -so * d[0] + co * d[1];
  double north = -sl * co * d[0] - sl * so * d[1] + cl * d[2];
  return hypot(east, north);
}

void gnss_drop_reset(gnss_drop_t *d) { memset(d, 0, sizeof(*d)); }

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double window_median(const gnss_drop_t *d) {
  double s[GNSS_DROP_MAX];
  for (size_t i = 0; i < d->n; i++)
    s[i] = d->v[(d->head + i) % GNSS_DROP_MAX];
  qsort(s, d->n, sizeof(s[0]), cmp_double);
  return d->n % 2 ? s[d->n / 2] : 0.5 * (s[d->n / 2 - 1] + s[d->n / 2]);
}

/* Forget samples older than the window (and the oldest when full). */
static void window_expire(gnss_drop_t *d, int64_t now_ns, int64_t window_ns) {
  while (d->n > 0 && (d->n == GNSS_DROP_MAX ||
                      now_ns - d->t_ns[d->head] > window_ns)) {
    d->head = (d->head + 1) % GNSS_DROP_MAX;
    d->n--;
  }
}

static void window_add(gnss_drop_t *d, int64_t now_ns, double v) {
  size_t i = (d->head + d->n) % GNSS_DROP_MAX;
  d->t_ns[i] = now_ns;
  d->v[i] = v;
  d->n++;
}

gnss_drop_status_t gnss_drop_feed(gnss_drop_t *d, const gnss_drop_config_t *c,
                                  int64_t now_ns, double cn0,
                                  double *drop_db) {
  *drop_db = NAN;
  if (!isfinite(cn0))
    return GNSS_DROP_UNKNOWN;
  if (!d->dropped)
    window_expire(d, now_ns, c->window_ns);
  if (d->n < GNSS_DROP_MIN) {
    window_add(d, now_ns, cn0);
    return GNSS_DROP_UNKNOWN;
  }
  *drop_db = window_median(d) - cn0;
  d->dropped = *drop_db > c->threshold_db;
  if (!d->dropped)
    window_add(d, now_ns, cn0);
  return d->dropped ? GNSS_DROP_YES : GNSS_DROP_NONE;
}
