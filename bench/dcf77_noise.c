/* SPDX-License-Identifier: MIT
 * bench/dcf77_noise - the built-in DCF77 decoder on noisy simulated streams.
 *
 *   bench/dcf77_noise [-m MINUTES] [-t TRIALS] [-s SEED]
 *
 * For error rates 0, 1, 2, 5 % per second (pulse length errors, off-length
 * pulses, non-pulse characters, dropouts, extra pulses: common/dcf77_sim.h)
 * it prints the minutes decoded (valid telegrams), the minutes trusted and
 * wrongly trusted under three confirmation rules, and the time from the
 * start to the first trusted time:
 *   ours(3)  the default: 3 consecutive telegrams agreeing with the elapsed
 *            time, then agreement with the last trusted one;
 *   ours(2)  the same with TrustAfter 2;
 *   ntpd     ntpd's rawdcf rule (cvt_rawdcf: a telegram is used when the
 *            previous valid telegram announced exactly 60 s earlier),
 *            re-implemented here on top of our telegram checks (the real
 *            ntpd can not be run over thousands of minutes: one minute takes
 *            one minute).
 * A trusted time is wrong when it differs from the simulated true time of
 * its minute mark by more than 0.1 s.
 */
#include "common/dcf77_sim.h"
#include "common/dcf77_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S INT64_C(1000000000)
#define START INT64_C(1795335300) /* 2026-11-22 08:15 UTC */

typedef struct {
  unsigned long minutes, marks, decoded, trusted[3], wrong[3], bad_decodes;
} tally_t;

static int is_wrong(const dcf77_minute_t *m) {
  return m->offset_ns > S / 10 || m->offset_ns < -S / 10;
}

/* One long run at `rate`, all three rules on the same minutes. */
static void long_run(double rate, int minutes, uint64_t seed, tally_t *t) {
  dcf77_params_t p3, p2;
  dcf77_params_default(&p3);
  p2 = p3;
  p2.trust_after = 2;
  dcf77_stream_t s3, s2;
  dcf77_stream_init(&s3, &p3);
  dcf77_stream_init(&s2, &p2);
  dcf77_sim_t sim;
  dcf77_sim_init(&sim, rate, seed);
  int64_t ntpd_prev = 0;
  memset(t, 0, sizeof(*t));
  t->minutes = (unsigned long)minutes;
  dcf77_sim_event_t ev[DCF77_SIM_MAX_EVENTS];
  for (int i = 0; i < minutes; i++) {
    size_t n = dcf77_sim_minute(&sim, START + 60 * i, ev);
    for (size_t j = 0; j < n; j++) {
      dcf77_minute_t a, b;
      bool ea = dcf77_stream_feed(&s3, ev[j].ch, ev[j].t_ns, ev[j].t_ns, &a);
      bool eb = dcf77_stream_feed(&s2, ev[j].ch, ev[j].t_ns, ev[j].t_ns, &b);
      if (!ea || !eb)
        continue;
      t->marks++;
      if (!a.decoded)
        continue;
      t->decoded++;
      t->bad_decodes += (unsigned long)is_wrong(&a);
      t->trusted[0] += a.trusted;
      t->wrong[0] += a.trusted && is_wrong(&a);
      t->trusted[1] += b.trusted;
      t->wrong[1] += b.trusted && is_wrong(&b);
      bool nt = ntpd_prev != 0 && a.time.utc_s - ntpd_prev == 60;
      ntpd_prev = a.time.utc_s;
      t->trusted[2] += nt;
      t->wrong[2] += nt && is_wrong(&a);
    }
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Seconds from the first character to the first trusted time, over
 * `trials` starts at a random phase (up to 3 hours each; -1 = never). */
static void first_trust(double rate, int trials, uint64_t seed, double *med,
                        double *p90, int *never) {
  double *secs = calloc((size_t)trials, sizeof(double));
  *never = 0;
  for (int k = 0; k < trials; k++) {
    dcf77_params_t p;
    dcf77_params_default(&p);
    dcf77_stream_t s;
    dcf77_stream_init(&s, &p);
    dcf77_sim_t sim;
    dcf77_sim_init(&sim, rate, seed + 7919 * (uint64_t)k);
    int skip = (int)(dcf77_sim_uniform(&sim) * 60); /* start phase */
    int64_t first = -1;
    secs[k] = 1e9;
    dcf77_sim_event_t ev[DCF77_SIM_MAX_EVENTS];
    for (int i = 0; i < 180 && secs[k] >= 1e9; i++) {
      size_t n = dcf77_sim_minute(&sim, START + 60 * i, ev);
      for (size_t j = 0; j < n; j++) {
        if (i == 0 && ev[j].t_ns < (START + skip) * S)
          continue;
        if (first < 0)
          first = ev[j].t_ns;
        dcf77_minute_t m;
        if (dcf77_stream_feed(&s, ev[j].ch, ev[j].t_ns, ev[j].t_ns, &m) &&
            m.trusted) {
          secs[k] = (double)(ev[j].t_ns - first) / 1e9;
          break;
        }
      }
    }
    if (secs[k] >= 1e9)
      (*never)++;
  }
  qsort(secs, (size_t)trials, sizeof(double), cmp_double);
  *med = secs[trials / 2];
  *p90 = secs[(trials * 9) / 10];
  free(secs);
}

static int positive(const char *s, int dflt) {
  char *end;
  long v = strtol(s, &end, 10);
  return end != s && *end == '\0' && v > 0 && v < 100000000 ? (int)v : dflt;
}

int main(int argc, char **argv) {
  int minutes = 20000, trials = 200, opt;
  uint64_t seed = 1;
  while ((opt = getopt(argc, argv, "m:t:s:")) != -1) {
    if (opt == 'm')
      minutes = positive(optarg, minutes);
    else if (opt == 't')
      trials = positive(optarg, trials);
    else if (opt == 's')
      seed = strtoull(optarg, NULL, 10);
    else {
      fprintf(stderr, "usage: %s [-m MINUTES] [-t TRIALS] [-s SEED]\n",
              argv[0]);
      return 2;
    }
  }
  static const double rates[] = {0.0, 0.01, 0.02, 0.05};
  printf("dcf77_noise: %d simulated minutes per error rate, %d starts for "
         "the time to the first trusted time, seed %llu\n\n",
         minutes, trials, (unsigned long long)seed);
  printf("| error rate | minutes (marks seen) | decoded | wrong telegrams decoded | "
         "trusted ours(3) | wrong | trusted ours(2) | wrong | trusted ntpd "
         "rule | wrong | ours(3) / ntpd | first trusted, median / 90 %% (s) |\n");
  printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
    tally_t t;
    long_run(rates[i], minutes, seed + i, &t);
    double med, p90;
    int never;
    first_trust(rates[i], trials, seed + 1000 + i, &med, &p90, &never);
    printf("| %.0f %% | %lu (%lu) | %lu (%.1f %%) | %lu | %lu (%.1f %%) | %lu | %lu "
           "(%.1f %%) | %lu | %lu (%.1f %%) | %lu | %.2f | %.0f / %.0f%s |\n",
           rates[i] * 100, t.minutes, t.marks, t.decoded,
           100.0 * t.decoded / t.minutes, t.bad_decodes, t.trusted[0],
           100.0 * t.trusted[0] / t.minutes, t.wrong[0], t.trusted[1],
           100.0 * t.trusted[1] / t.minutes, t.wrong[1], t.trusted[2],
           100.0 * t.trusted[2] / t.minutes, t.wrong[2],
           t.trusted[2] ? (double)t.trusted[0] / t.trusted[2] : 0.0, med, p90,
           never ? " (some never)" : "");
    fflush(stdout);
  }
  printf("\nours(3) is the plugin's default; its \"wrong\" must be 0.\n");
  return 0;
}
