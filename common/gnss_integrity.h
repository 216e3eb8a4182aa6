/* SPDX-License-Identifier: MIT
 * gnss_integrity - signs of jamming and spoofing from what a receiver
 * reports: how far its fix is from a surveyed antenna position, and a
 * sudden drop of its mean C/N0 against the recent median.
 * Pure: no I/O, no clock; times are passed in (ns on a monotonic clock).
 *
 * Geometry: WGS-84 ellipsoid (a = 6378137 m, 1/f = 298.257223563; NIMA
 * TR8350.2, 3rd ed., table 3.1).  Geodetic to ECEF and the ECEF to local
 * east/north/up rotation are the textbook ones (e.g. Hofmann-Wellenhof,
 * Lichtenegger, Wasle, "GNSS", Springer 2008, eq. 10.4 and 10.17).  The
 * horizontal distance is the length of the east/north part of the ECEF
 * difference at the surveyed point: for the distances that matter here
 * (< 100 km) it is within 1e-4 relative of the geodesic on the ellipsoid
 * (tests/unit/test_gnss_integrity.c checks it against published geodesic
 * distances: Vincenty 1975, Survey Review 23(176), Flinders Peak to
 * Buninyong, 54972.271 m).
 */
#ifndef CDS_GNSS_INTEGRITY_H
#define CDS_GNSS_INTEGRITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ECEF coordinates (m) of latitude/longitude (degrees, + = north/east) at
 * height h_m above the WGS-84 ellipsoid. */
void gnss_ecef(double lat_deg, double lon_deg, double h_m, double xyz[3]);

/* Horizontal distance (m, >= 0) of (lat, lon) from the reference point
 * (lat0, lon0), both on the ellipsoid; NaN if an argument is not finite or
 * a latitude is outside [-90, 90]. */
double gnss_horizontal_distance_m(double lat0_deg, double lon0_deg,
                                  double lat_deg, double lon_deg);

/* Drop detector: one C/N0 level (dB-Hz) per sample; a drop is the median
 * of the samples of the last window_ns minus the new sample (dB, + = the
 * new sample is lower).  While a drop is flagged the window is frozen (its
 * samples are kept, the low samples are not added), so a jammer that stays
 * keeps the flag up until the level comes back to within threshold_db of
 * the median from before the drop. */
#define GNSS_DROP_MAX 256 /* samples kept (older ones are dropped first) */
#define GNSS_DROP_MIN 5   /* samples needed before a median is trusted */

typedef struct {
  double threshold_db; /* > 0 */
  int64_t window_ns;   /* > 0 */
} gnss_drop_config_t;

typedef struct {
  int64_t t_ns[GNSS_DROP_MAX];
  double v[GNSS_DROP_MAX];
  size_t head, n; /* ring buffer: oldest at head */
  bool dropped;
} gnss_drop_t;

typedef enum {
  GNSS_DROP_UNKNOWN = -1, /* no level (NaN), or too few samples */
  GNSS_DROP_NONE = 0,
  GNSS_DROP_YES = 1
} gnss_drop_status_t;

/* Zero-initialise, or call this (e.g. after a reconnect). */
void gnss_drop_reset(gnss_drop_t *d);

/* Feed the level `cn0` (dB-Hz, NaN = none) seen at now_ns; *drop_db gets
 * median - cn0 (NaN when unknown). */
gnss_drop_status_t gnss_drop_feed(gnss_drop_t *d, const gnss_drop_config_t *c,
                                  int64_t now_ns, double cn0,
                                  double *drop_db);

#endif
