/* SPDX-License-Identifier: MIT
 * timex_decode - the kernel clock discipline state (struct timex, as read by
 * adjtimex/ntp_adjtime with modes = 0) converted to SI units.
 *
 * Pure: the caller does the system call and passes the struct and the return
 * value in.  Units follow linux/timex.h: offset and PPS jitter are ns when
 * STA_NANO is set, else µs; freq, ppsfreq, stabil and tolerance are "scaled
 * ppm" (ppm * 65536); maxerror, esterror, precision and tick are µs.
 */
#ifndef CDS_TIMEX_DECODE_H
#define CDS_TIMEX_DECODE_H

#include <stdint.h>
#include <sys/timex.h>

/* One status bit of struct timex.status, exported as its own 0/1 value. */
typedef struct {
  const char *name; /* lower-case name without STA_, e.g. "pll" */
  int mask;         /* STA_* bit */
} timex_status_bit_t;

extern const timex_status_bit_t timex_status_bits[];
extern const int timex_status_bits_num;

typedef struct {
  double offset_s;       /* PLL phase offset being corrected: + = clock behind */
  double frequency_ppm;  /* frequency correction: + = clock is sped up */
  double maxerror_s;     /* maximum error bound */
  double esterror_s;     /* estimated error */
  double time_constant;  /* PLL time constant (log2-like poll exponent) */
  double tick_s;         /* length of one clock tick */
  double precision_s;    /* clock precision */
  double tolerance_ppm;  /* maximum frequency error the kernel tolerates */
  double tai_offset_s;   /* TAI - UTC */
  double status;         /* raw status word */
  double state;          /* return value: TIME_OK 0 ... TIME_ERROR 5 */
  double synchronised;   /* 1 = maxerror < 16 s: a daemon updates the bound */
  double pps_frequency_ppm; /* PPS frequency estimate */
  double pps_jitter_s;      /* PPS jitter */
  double pps_shift;         /* log2 of the PPS calibration interval (s) */
  double pps_interval_s;    /* the calibration interval: 2^shift s */
  double pps_stability_ppm; /* PPS frequency stability (wander) */
  int64_t pps_jitter_count;      /* jitter limit exceeded (counter) */
  int64_t pps_calibration_count; /* calibration intervals (counter) */
  int64_t pps_error_count;       /* calibration errors (counter) */
  int64_t pps_stability_count;   /* stability limit exceeded (counter) */
  double flag[16]; /* 0/1 per timex_status_bits[i], in that order */
} timex_reading_t;

/* Convert a struct timex and the return value of adjtimex() into SI units.
 * Returns 0, or -1 if ret is negative (the call failed: nothing decoded). */
int timex_decode(const struct timex *tx, int ret, timex_reading_t *out);

#endif
