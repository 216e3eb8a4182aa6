/* timecheck.h - cross-checks of one host's time sources (pure, no I/O).
 *
 * Leap vote.  A leap second can only fall at a month boundary (IERS
 * Bulletin C).  Each voter announces it only within its own window before
 * that boundary: the NTP leap indicator and the kernel's STA_INS/STA_DEL
 * during the last day (NTPsec ntpd/leapsec.c LSPROX_ANNOUNCE = the last
 * SECSPERDAY; chronyd reference.c arms the leap on the last day), the DCF77
 * A2 bit during the last hour (PTB: A2 is sent in the hour before).  So a
 * naive "all flags equal" would cry wolf: a daemon announcing 23 h before
 * while DCF77 is still silent is correct.  The rule here:
 *  - a voter that announces while the boundary is further away than its
 *    window disagrees (nobody announces early);
 *  - inside its window a voter must match the leap file when the file is
 *    known (file lists a leap at that boundary), else the other in-window
 *    voters;
 *  - an unknown voter (no fresh value) abstains.
 * The caller holds the result (hold.h) before alerting.
 *
 * Pairs.  For two sources measuring the same clock (PPS edge, a receiver's
 * TOFF, an NTP refclock's offset, DCF77), diff = (a + latency_a) -
 * (b + latency_b), seconds, same sign convention as the inputs; the latency
 * is added as ntpd adds a refclock's fudge time1 (a serial time that
 * arrives 50 ms late reads -0.05 s: latency +0.05 s).  The spread
 * is a robust noise estimate from the first differences of the recent diffs
 * (median |d_i - d_(i-1)| / 0.9539 = sigma for Gaussian noise), which a
 * constant error (a cable delay, a second off) does not inflate.  "Apart"
 * when |diff| > max(max_apart_s, k * spread), held for hold_s. */
#ifndef CDS_TIMECHECK_H
#define CDS_TIMECHECK_H

#include "hold.h"

#include <stddef.h>

/* ----------------------------------------------------------- leap vote */
#define TC_UNKNOWN (-1)

typedef struct {
  int announced;   /* 1 announced, 0 not, TC_UNKNOWN no fresh value */
  double window_s; /* announces at most this long before the boundary (s) */
} tc_voter_t;

/* Windows (s before the boundary) of the voters the plugin knows. */
#define TC_WINDOW_DAY 86400.0  /* NTP leap indicator, kernel STA_INS/DEL */
#define TC_WINDOW_HOUR 3600.0  /* DCF77 A2 */

/* Vote at `to_boundary_s` seconds before the next month boundary.
 * file_leap: 1 if the leap file lists a leap at that boundary, 0 if not,
 * TC_UNKNOWN without a valid file.  Sets disagree[i] per voter (0/1, -1
 * unknown).  Returns 1 agree, 0 disagree, TC_UNKNOWN if no voter is known. */
int tc_leap_vote(const tc_voter_t *v, size_t n, int file_leap,
                 double to_boundary_s, int *disagree);

/* ---------------------------------------------------------------- pairs */
#define TC_SPREAD_MAX 256 /* samples kept per pair */
#define TC_SPREAD_MIN 8   /* samples before the spread is known */

typedef struct {
  double max_apart_s; /* absolute bound (s); <= 0: not used */
  double k;           /* bound in spreads; <= 0: not used */
  size_t window;      /* samples in the spread (<= TC_SPREAD_MAX) */
  double hold_s;      /* apart must last this long (s, monotonic) */
} tc_pair_cfg_t;

typedef struct {
  double ring[TC_SPREAD_MAX]; /* recent diffs (s) */
  size_t n, next;
  hold_t hold;
} tc_pair_t;

typedef struct {
  double diff_s;   /* (a + lat_a) - (b + lat_b), s; NaN if unknown */
  double spread_s; /* robust sigma of the diff (s); NaN before MIN samples */
  double bound_s;  /* the bound applied (s); NaN if none applies */
  int apart_now;   /* this sample beyond the bound (0/1, TC_UNKNOWN) */
  int apart;       /* held verdict (0/1, TC_UNKNOWN while diff unknown) */
} tc_pair_result_t;

void tc_pair_init(tc_pair_t *p);

/* Feed the latest offsets a_s, b_s (s; NaN = unknown) at monotonic time
 * now_s.  An unknown input gives NaN/unknown and leaves the history
 * untouched; it interrupts the hold (the held verdict stays, but being apart
 * must then last hold_s again from the next known sample). */
void tc_pair_update(tc_pair_t *p, const tc_pair_cfg_t *cfg, double a_s,
                    double lat_a_s, double b_s, double lat_b_s, double now_s,
                    tc_pair_result_t *out);

/* Robust sigma of x[0..n-1] from the median absolute first difference;
 * NaN if n < TC_SPREAD_MIN.  Exposed for the unit test. */
double tc_spread(const double *x, size_t n);

#endif
