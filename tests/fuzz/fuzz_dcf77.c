/* SPDX-License-Identifier: MIT
 * libFuzzer target: what the dcf77 plugin reads from outside.
 *   byte 0 % 3 == 0: a receiver's character stream (common/dcf77_stream.c,
 *     telegram decoding in common/dcf77_telegram.c).  Byte 1 sets
 *     TrustAfter, byte 2 the latency; then records of 3 bytes:
 *     character, u16 big-endian milliseconds since the previous character.
 *   byte 0 % 3 == 1: an ntpd PARSE refclock's clock variables as text
 *     ("refclock_status=..., refclock_states=..., refclock_time=...,
 *     srcadr=..."), through the mode 6 varlist parser into
 *     common/dcf77_refclock.c, as plugins/dcf77_ntpd.c does.
 *   byte 0 % 3 == 2: raw telegram bits (bit 0 of each byte).
 * Seeds: simulated minutes (this file with -DFUZZ_SEED_WRITER, from
 * common/dcf77_sim.c) and the clock variables recorded from NTPsec in
 * tests/data/dcf77 (seeds.py).
 */
#include "common/dcf77_refclock.h"
#include "common/dcf77_stream.h"
#include "common/dcf77_telegram.h"
#include "common/ntp_mode6.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EPOCH_NS (INT64_C(1795000000) * 1000000000) /* 2026-11 */

static void fuzz_stream(const uint8_t *d, size_t n) {
  static dcf77_stream_t s; /* large */
  dcf77_params_t p;
  dcf77_minute_t m;
  if (n < 2)
    return;
  dcf77_params_default(&p);
  p.trust_after = DCF77_MIN_TRUST + d[0] % 9;
  p.latency_ns = (int64_t)d[1] * 4000000; /* 0 .. 1.02 s */
  dcf77_stream_init(&s, &p);
  int64_t mono = INT64_C(1000) * 1000000000, real = EPOCH_NS;
  for (size_t i = 2; i + 3 <= n; i += 3) {
    int64_t dt = (int64_t)(d[i + 1] << 8 | d[i + 2]) * 1000000;
    mono += dt;
    real += dt;
    (void)dcf77_stream_feed(&s, d[i], mono, real, &m);
    (void)dcf77_char_pulse(d[i]);
  }
  (void)dcf77_stream_quality(&s, mono + 1000000000);
}

static void fuzz_clockvars(const uint8_t *d, size_t n) {
  char *t = malloc(n + 1); /* varlist_parse NUL-terminates at t[n] */
  ntp_m6_var_t v[32];
  size_t nv = 0;
  if (t == NULL)
    return;
  memcpy(t, d, n);
  t[n] = '\0';
  /* each parser on the whole text first (they take C strings) */
  dcf77_rc_flags_t f;
  dcf77_rc_states_t st;
  double ts;
  (void)dcf77_rc_parse_status(t, &f);
  (void)dcf77_rc_parse_states(t, &st);
  (void)dcf77_rc_parse_time(t, 1795000000, &ts);
  (void)dcf77_rc_parse_unit(t);
  (void)dcf77_rc_state_code(t);
  ntp_m6_varlist_parse(t, n, v, 32, &nv);
  (void)dcf77_rc_parse_status(ntp_m6_var_get(v, nv, "refclock_status"), &f);
  if (dcf77_rc_parse_states(ntp_m6_var_get(v, nv, "refclock_states"), &st) ==
          0 &&
      st.current >= 0)
    (void)dcf77_rc_state_name(st.current);
  (void)dcf77_rc_parse_time(ntp_m6_var_get(v, nv, "refclock_time"),
                            1795000000, &ts);
  (void)dcf77_rc_parse_unit(ntp_m6_var_get(v, nv, "srcadr"));
  free(t);
}

static void fuzz_bits(const uint8_t *d, size_t n) {
  uint8_t bits[64];
  dcf77_time_t t;
  if (n > sizeof(bits))
    n = sizeof(bits);
  for (size_t i = 0; i < n; i++)
    bits[i] = d[i] & 1;
  (void)dcf77_decode_bits(bits, n, &t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  switch (data[0] % 3) {
  case 0: fuzz_stream(data + 1, size - 1); break;
  case 1: fuzz_clockvars(data + 1, size - 1); break;
  default: fuzz_bits(data + 1, size - 1); break;
  }
  return 0;
}

#ifdef FUZZ_SEED_WRITER
/* Seeds: three simulated minutes (clean; 5 % errors; with a leap second
 * announced), and the telegram bits of one minute. */
#include "common/dcf77_sim.h"
#include <stdio.h>

static void put(const char *dir, const char *name, const uint8_t *b,
                size_t n) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(b, 1, n, f) != n)
    exit(1);
  fclose(f);
}

int main(int argc, char **argv) {
  static uint8_t b[3 * 4 * DCF77_SIM_MAX_EVENTS + 8];
  const double rates[] = {0, 0.05, 0};
  if (argc != 2)
    return 2;
  for (int k = 0; k < 3; k++) {
    dcf77_sim_t sim;
    dcf77_sim_event_t ev[DCF77_SIM_MAX_EVENTS];
    size_t o = 0;
    int64_t last = 0;
    dcf77_sim_init(&sim, rates[k], 7 + (uint64_t)k);
    sim.opts.leap_announce = k == 2;
    b[o++] = 0, b[o++] = 1, b[o++] = 50; /* stream, TrustAfter 3, 200 ms */
    for (int64_t minute = 0; minute < 4; minute++) {
      size_t ne = dcf77_sim_minute(&sim, 1795000020 / 60 * 60 + 60 * minute, ev);
      for (size_t e = 0; e < ne; e++) {
        int64_t dt = last ? (ev[e].t_ns - last) / 1000000 : 0;
        last = ev[e].t_ns;
        b[o++] = ev[e].ch;
        b[o++] = (uint8_t)(dt >> 8);
        b[o++] = (uint8_t)dt;
      }
    }
    char name[32];
    snprintf(name, sizeof(name), "sim-%d", k);
    put(argv[1], name, b, o);
  }
  uint8_t bits[DCF77_BITS_LEAP];
  size_t nb = 0;
  if (dcf77_encode(1795000020 / 60 * 60, &(dcf77_encode_opts_t){0}, bits,
                   &nb) == DCF77_OK) {
    b[0] = 2;
    memcpy(b + 1, bits, nb);
    put(argv[1], "bits", b, nb + 1);
  }
  return 0;
}
#endif
