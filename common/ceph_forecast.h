/* SPDX-License-Identifier: MIT
 * ceph_forecast - how long until: the recovery ETA from a smoothed
 * recovery rate, and the time until an OSD reaches a fill limit from the
 * least-squares slope of its used bytes.
 *
 * Pure: the caller passes the time (monotonic seconds, CLOCK_BOOTTIME in
 * the plugin) and the values; no clock is read here.
 */
#ifndef CDS_CEPH_FORECAST_H
#define CDS_CEPH_FORECAST_H

#include <math.h>
#include <stddef.h>

/* Exponentially weighted moving average over time: after a step of dt s
 * the new sample weighs 1 - exp(-dt / tau), so a sample's weight halves
 * every tau x ln 2 s whatever the read interval. */
typedef struct {
  double value; /* NaN before the first sample */
  double t;     /* s, monotonic: time of the last sample */
  int have;
} ceph_ewma_t;

void ceph_ewma_reset(ceph_ewma_t *e);
/* Add sample x at time t (s); returns the smoothed value.  A NaN sample,
 * or a t not after the last one, changes nothing. */
double ceph_ewma_update(ceph_ewma_t *e, double t, double x, double tau);

/* Seconds until `remaining` objects are recovered at `rate` objects/s;
 * NaN when nothing remains (idle), the rate is not positive (no
 * progress) or either is unknown. */
double ceph_recovery_eta(double remaining, double rate);

/* (t, y) samples of the last `window` s, newest CEPH_FILL_MAX kept. */
#define CEPH_FILL_MAX 128
typedef struct {
  double t[CEPH_FILL_MAX], y[CEPH_FILL_MAX];
  size_t head, n; /* oldest at head; n samples */
} ceph_fill_t;

void ceph_fill_init(ceph_fill_t *f);
/* Add (t, y); drops samples older than t - window.  A NaN y is ignored;
 * a t not after the newest sample starts the series over. */
void ceph_fill_add(ceph_fill_t *f, double t, double y, double window);
/* Least-squares slope dy/dt over the samples (y units per s); NaN with
 * fewer than min_samples (at least 2). */
double ceph_fill_slope(const ceph_fill_t *f, size_t min_samples);

/* Seconds until `used` reaches `limit` at `slope` (same units per s): 0
 * if already there, NaN when not filling (slope <= 0) or unknown. */
double ceph_time_to_limit(double limit, double used, double slope);

#endif
