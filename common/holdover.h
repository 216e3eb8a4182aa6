/* SPDX-License-Identifier: MIT
 * holdover - how long a clock would stay within a time-error budget if it
 * lost the source it is disciplined to, estimated from the Allan deviation
 * of the clock against that source.
 *
 * Model: the time error after t seconds of holdover is
 *     E(t) = |x0| + t * sigma(t)
 * with x0 the current offset from the source (s) and sigma(t) the
 * overlapping ADEV at averaging time t (dimensionless).  sigma(t) is the
 * measured curve, interpolated linearly in log-log between the measured
 * taus; beyond the longest tau it is extrapolated with the slope of the
 * last two points; below the shortest tau it is held flat (so t * sigma(t)
 * grows linearly from 0).  The estimate is the first t where E(t) reaches
 * the budget.
 *
 * Limits (the caller documents them): the ADEV of a disciplined clock
 * against its reference shows the residual of the control loop, which
 * understates the free-running oscillator's drift; the frequency offset and
 * ageing that the loop removes are not seen at all; temperature changes
 * after the loss are not in the curve.  The result is an optimistic upper
 * bound, useful as a trend, not a guarantee.
 *
 * Closed forms the solver reproduces exactly for t >= the shortest tau:
 *   white FM  sigma = a * t^-1/2: t = ((B - |x0|) / a)^2
 *   flat      sigma = f:          t = (B - |x0|) / f
 *   white PM  sigma = b / t:      E = |x0| + b for all t >= tau_min, so
 *             never reached when |x0| + b < B (the cap is returned).
 *
 * Pure C: no I/O, no globals. */
#ifndef CDS_HOLDOVER_H
#define CDS_HOLDOVER_H

#include <stddef.h>

/* Finite, positive ADEV points needed before there is an estimate. */
#define HOLDOVER_MIN_TAUS 3

typedef struct {
  double tau_s; /* averaging time, s, > 0 */
  double adev;  /* overlapping ADEV at tau_s, dimensionless; NaN = unknown */
} holdover_point_t;

/* Seconds until E(t) reaches budget_s (> 0), from `n` points in increasing
 * tau (NaN or non-positive ADEV points are skipped).  0 when |offset_s|
 * already reaches the budget; cap_s when the budget is not reached before
 * cap_s; NaN when offset_s is NaN or fewer than HOLDOVER_MIN_TAUS points
 * are usable. */
double holdover_seconds(const holdover_point_t *pts, size_t n,
                        double offset_s, double budget_s, double cap_s);

/* The model's time error after t_s of holdover, s (NaN as above). */
double holdover_error(const holdover_point_t *pts, size_t n, double offset_s,
                      double t_s);

#endif
