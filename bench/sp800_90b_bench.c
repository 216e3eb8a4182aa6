/* SPDX-License-Identifier: MIT
 * sp800_90b_bench FILE [SAMPLES] - throughput of common/sp800_90b on FILE
 * (read into memory): the health tests (RCT + APT, 1-bit and 8-bit
 * samples), each estimator over 1 MB windows, and SAMPLES (default 10^9)
 * generated samples through the health tests with the false alarms seen
 * against those expected.  Built by make check, run by make bench-sp800-90b
 * (bench/sp800_90b_bench.sh adds rngtest on the same file).
 * The module's source is included to time its estimators one by one. */
#include "common/sp800_90b.c"
#include "tests/unit/prng.h"
#include "tests/unit/testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Health tests over the whole buffer, best of 3; MB/s. */
static double bench_health(const uint8_t *buf, size_t len, unsigned bits,
                           sp90b_health_t *t) {
  double best = 1e30;
  for (int rep = 0; rep < 3; rep++) {
    sp90b_config_t c = {bits, bits, SP90B_ALPHA_DEFAULT};
    sp90b_health_init(t, &c);
    double t0 = now_s();
    sp90b_health_feed(t, buf, len);
    double dt = now_s() - t0;
    best = dt < best ? dt : best;
  }
  return (double)len / best / 1e6;
}

/* Each estimator over consecutive 1 MB windows of the buffer (at most 16
 * for bytes, 4 for bits: Lag on 8M bit samples takes seconds); time per
 * window. */
static void bench_estimators(const uint8_t *buf, size_t len, unsigned bits) {
  const size_t W = 1 << 20;
  size_t cap = bits == 8 ? 16 : 4, nw = len / W < cap ? len / W : cap;
  double t_counts = 0, t_lag = 0, t_all = 0;
  sp90b_estimate_t e = {0};
  for (size_t k = 0; k < nw; k++) {
    const uint8_t *p = buf + k * W;
    static const counts_t zero_counts = {.last = -1};
    counts_t c = zero_counts;
    double t0 = now_s();
    counts_feed(&c, p, W); /* MCV and Markov: one pass of counts */
    uint64_t max = 0;
    for (int v = 0; v < 256; v++)
      max = c.count[v] > max ? c.count[v] : max;
    e.mcv = mcv_estimate(max, W, &e.mcv_p); /* (8-bit view, for timing) */
    e.markov = markov_estimate(&c);
    double t1 = now_s();
    lag_t *g = malloc(sizeof(*g));
    lag_init(g);
    lag_feed(g, p, W, bits);
    predict_estimate(g->correct, W * 8 / bits - 1, g->longest + 1,
                     bits == 8 ? 256 : 2, &e);
    double t2 = now_s();
    free(g);
    sp90b_estimate_buf(p, W, bits, &e);
    double t3 = now_s();
    t_counts += t1 - t0;
    t_lag += t2 - t1;
    t_all += t3 - t2;
  }
  if (nw == 0)
    return;
  printf("  estimators, %u-bit samples, 1 MB window (%zu windows): "
         "MCV+Markov counts %.2f ms (%.0f MB/s), Lag %.1f ms (%.1f MB/s), "
         "all three %.1f ms\n",
         bits, nw, 1e3 * t_counts / nw, nw / t_counts * 1.048576,
         1e3 * t_lag / nw, nw / t_lag * 1.048576, 1e3 * t_all / nw);
  printf("    last window: MCV %.4f, Markov %.4f, Lag %.4f, min %.4f bits "
         "per sample\n",
         e.mcv, e.markov, e.lag, e.min);
}

static void bench_long(uint64_t samples, unsigned bits) {
  sp90b_health_t t;
  sp90b_config_t c = {bits, bits, SP90B_ALPHA_DEFAULT};
  sp90b_health_init(&t, &c);
  /* xoshiro256** from a fixed state, for samples not read from a file */
  prng_t r = {{0x9e3779b97f4a7c15ULL, 0xbf58476d1ce4e5b9ULL,
               0x94d049bb133111ebULL, 12345}};
  static uint64_t chunk[1 << 13];
  uint64_t bytes = samples * bits / 8;
  double t0 = now_s();
  for (uint64_t done = 0; done < bytes;) {
    for (size_t i = 0; i < sizeof(chunk) / 8; i++)
      chunk[i] = prng_next(&r);
    size_t n = bytes - done < sizeof(chunk) ? (size_t)(bytes - done)
                                             : sizeof(chunk);
    sp90b_health_feed(&t, (const uint8_t *)chunk, n);
    done += n;
  }
  double dt = now_s() - t0;
  printf("  %llu %u-bit samples (xoshiro256**) in %.1f s: RCT failures %llu "
         "(expected %.2f, C=%u), APT failures %llu (expected <= %.4f, C=%u)\n",
         (unsigned long long)t.samples, bits, dt,
         (unsigned long long)t.rct_failures,
         (double)samples * exp2(-c.h * (t.rct_cutoff - 1)), t.rct_cutoff,
         (unsigned long long)t.apt_failures,
         (double)samples / t.apt_window * c.alpha, t.apt_cutoff);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE [SAMPLES]\n", argv[0]);
    return 2;
  }
  size_t len = 0;
  uint8_t *buf = (uint8_t *)testing_slurp(&len, "%s", argv[1]);
  if (buf == NULL || len < (1 << 20)) {
    fprintf(stderr, "%s: cannot read 1 MB or more\n", argv[1]);
    return 1;
  }
  uint64_t samples = argc > 2 ? strtoull(argv[2], NULL, 0) : 1000000000ULL;
  sp90b_health_t t;
  double mb8 = bench_health(buf, len, 8, &t);
  printf("health tests, 8-bit samples, H=8, alpha=2^-30: %.0f MB/s "
         "(RCT %llu, APT %llu failures on %zu bytes)\n",
         mb8, (unsigned long long)t.rct_failures,
         (unsigned long long)t.apt_failures, len);
  double mb1 = bench_health(buf, len, 1, &t);
  printf("health tests, 1-bit samples, H=1, alpha=2^-30: %.0f MB/s "
         "(RCT %llu, APT %llu failures)\n",
         mb1, (unsigned long long)t.rct_failures,
         (unsigned long long)t.apt_failures);
  /* For the script: the slower of the two, machine-readable. */
  printf("HEALTH_MBPS %.1f %.1f\n", mb8, mb1);
  bench_estimators(buf, len, 8);
  bench_estimators(buf, len, 1);
  bench_long(samples, 8);
  bench_long(samples, 1);
  free(buf);
  return 0;
}
