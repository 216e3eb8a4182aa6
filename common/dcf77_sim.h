/* SPDX-License-Identifier: MIT
 * dcf77_sim - a simulated raw DCF77 receiver for the tests and the noise
 * benchmark: the characters (with timestamps) it would send during one UTC
 * minute, with random pulse errors and dropouts.  Pure and deterministic:
 * the random state lives in the struct (xorshift64*, seedable).
 *
 * Error model: each second, with probability error_rate, one of
 *   - flip:     the pulse has the length of the other bit value;
 *   - jitter:   the pulse is 1 or 2 bit times longer or shorter;
 *   - invalid:  the character is not a pulse (a random non-RAWDCF byte);
 *   - dropout:  no character at all;
 *   - spurious: an extra pulse 0.3 .. 0.7 s after the real one;
 * chosen with equal odds.  Timestamps get a uniform jitter of +-jitter_ns.
 */
#ifndef CDS_DCF77_SIM_H
#define CDS_DCF77_SIM_H

#include "common/dcf77_telegram.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
  double error_rate;   /* per second, 0..1 */
  int64_t latency_ns;  /* character time after the second's start */
  int64_t jitter_ns;   /* +- uniform jitter on each character time */
  uint64_t rng;        /* state (seed; 0 is replaced by a constant) */
  dcf77_encode_opts_t opts; /* telegram flags (call bit, leap ...) */
  uint64_t errors;     /* errors injected so far */
} dcf77_sim_t;

typedef struct {
  int64_t t_ns; /* CLOCK_REALTIME-like: POSIX ns */
  uint8_t ch;
} dcf77_sim_event_t;

#define DCF77_SIM_MAX_EVENTS 130

void dcf77_sim_init(dcf77_sim_t *sim, double error_rate, uint64_t seed);

/* The characters sent during the UTC minute starting at minute_s (they carry
 * the telegram of minute_s + 60), in time order.  Returns the number written
 * to ev (room for DCF77_SIM_MAX_EVENTS), or 0 if the minute can not be
 * encoded (outside 2000..2099). */
size_t dcf77_sim_minute(dcf77_sim_t *sim, int64_t minute_s,
                        dcf77_sim_event_t *ev);

/* Uniform random number in [0, 1) from the simulator's state. */
double dcf77_sim_uniform(dcf77_sim_t *sim);

#endif
