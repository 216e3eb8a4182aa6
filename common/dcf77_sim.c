/* SPDX-License-Identifier: MIT
 * dcf77_sim - a simulated raw DCF77 receiver (see the header).
 */
#include "common/dcf77_sim.h"

#define NS_PER_S INT64_C(1000000000)

void dcf77_sim_init(dcf77_sim_t *sim, double error_rate, uint64_t seed) {
  *sim = (dcf77_sim_t){.error_rate = error_rate,
                       .latency_ns = 0,
                       .jitter_ns = 5000000,
                       .rng = seed ? seed : UINT64_C(0x9E3779B97F4A7C15)};
}

static uint64_t next_u64(dcf77_sim_t *sim) {
  uint64_t x = sim->rng;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  sim->rng = x;
  return x * UINT64_C(0x2545F4914F6CDD1D);
}

double dcf77_sim_uniform(dcf77_sim_t *sim) {
  return (double)(next_u64(sim) >> 11) / 9007199254740992.0; /* 2^53 */
}

static int64_t jitter(dcf77_sim_t *sim) {
  if (sim->jitter_ns <= 0)
    return 0;
  return (int64_t)((dcf77_sim_uniform(sim) * 2 - 1) * (double)sim->jitter_ns);
}

static uint8_t invalid_char(dcf77_sim_t *sim) {
  for (;;) {
    uint8_t c = (uint8_t)(next_u64(sim) >> 56);
    if (dcf77_char_pulse(c) < 0)
      return c;
  }
}

size_t dcf77_sim_minute(dcf77_sim_t *sim, int64_t minute_s,
                        dcf77_sim_event_t *ev) {
  uint8_t bits[DCF77_BITS_LEAP];
  size_t nbits;
  if (dcf77_encode(minute_s + 60, &sim->opts, bits, &nbits) != DCF77_OK)
    return 0;
  size_t n = 0;
  for (size_t s = 0; s < nbits; s++) {
    int64_t t = (minute_s + (int64_t)s) * NS_PER_S + sim->latency_ns;
    int k = bits[s] ? 8 : 4;
    uint8_t ch = dcf77_pulse_char(k);
    bool send = true, extra = false;
    if (dcf77_sim_uniform(sim) < sim->error_rate) {
      sim->errors++;
      switch (next_u64(sim) % 5) {
      case 0: /* flip */
        ch = dcf77_pulse_char(bits[s] ? 4 : 8);
        break;
      case 1: { /* jitter: 1 or 2 bit times, either way */
        int d = 1 + (int)(next_u64(sim) % 2);
        ch = dcf77_pulse_char(next_u64(sim) % 2 ? k + d : k - d);
        break;
      }
      case 2:
        ch = invalid_char(sim);
        break;
      case 3:
        send = false;
        break;
      default:
        extra = true;
        break;
      }
    }
    if (send)
      ev[n++] = (dcf77_sim_event_t){t + jitter(sim), ch};
    if (extra) {
      int64_t off = (int64_t)((0.3 + 0.4 * dcf77_sim_uniform(sim)) * 1e9);
      ev[n++] = (dcf77_sim_event_t){t + off,
                                    dcf77_pulse_char(4 * (1 + (int)(next_u64(
                                                              sim) % 2)))};
    }
  }
  return n;
}
