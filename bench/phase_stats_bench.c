/* SPDX-License-Identifier: MIT
 * phase_stats_bench - CPU cost and memory of common/phase_stats against the
 * naive alternative, on the same synthetic phase stream (white PM 50 ns on
 * white FM 2e-9, tau0 = 1 s, no gaps), CPU time by getrusage(RUSAGE_SELF):
 *  1. incremental: phase_stats_add per sample, and per read interval (every
 *     R samples) phase_stats_taus + phase_stats_summary;
 *  2. naive: per sample only a ring write; per read interval the whole
 *     window recomputed: ADEV and MDEV/TDEV for every octave in O(N) each
 *     (SP 1065 eq. 11, 14 with a rolling inner sum), mean/std, and the
 *     percentiles from a qsort()ed copy: O(N * taus + N log N) per read.
 * Both give the same numbers (the last read's largest relative difference
 * is printed).  Samples/s count input samples including their share of the
 * reads.  Run: make bench-phase-stats, or
 *   build/bench/phase_stats_bench [samples] [window] [read_every]
 * (defaults 1000000, 3600, 10; the naive run uses samples/10). */
#include "common/phase_stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static double cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static double gauss(void) {
  double u[2];
  for (int i = 0; i < 2; i++) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    u[i] = ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
  }
  return sqrt(-2.0 * log(u[0])) * cos(2 * M_PI * u[1]);
}

/* ---- The naive recomputation ----------------------------------------- */

typedef struct {
  double adev[PHASE_STATS_MAX_OCTAVES], tdev[PHASE_STATS_MAX_OCTAVES];
  double mean, std, pct[5];
} naive_out_t;

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double d2(const double *w, uint32_t i, uint32_t m) {
  return w[i + 2 * m] - 2 * w[i + m] + w[i];
}

/* w: the window in time order (n slots), scratch: n doubles. */
static void naive_all(const double *w, uint32_t n, double *scratch,
                      naive_out_t *o) {
  for (uint32_t k = 0; (UINT32_C(1) << k) <= n / 4; k++) {
    uint32_t m = UINT32_C(1) << k;
    double tau = m, sd = 0, ss = 0, s = 0;
    for (uint32_t i = 0; i + 2 * m < n; i++)
      sd += d2(w, i, m) * d2(w, i, m);
    for (uint32_t i = 0; i < m; i++)
      s += d2(w, i, m);
    for (uint32_t j = 0;; j++) {
      ss += s * s;
      if (j + 3 * m >= n)
        break;
      s += d2(w, j + m, m) - d2(w, j, m);
    }
    o->adev[k] = sqrt(sd / (2.0 * (n - 2 * m))) / tau;
    o->tdev[k] = sqrt(ss / (6.0 * (n - 3 * m + 1))) / m;
  }
  double sum = 0, sq = 0;
  memcpy(scratch, w, n * sizeof(double));
  qsort(scratch, n, sizeof(double), cmp_double);
  for (uint32_t i = 0; i < n; i++)
    sum += scratch[i];
  o->mean = sum / n;
  for (uint32_t i = 0; i < n; i++)
    sq += (scratch[i] - o->mean) * (scratch[i] - o->mean);
  o->std = sqrt(sq / (n - 1));
  const double p[5] = {1, 5, 50, 95, 99};
  for (int i = 0; i < 5; i++) {
    double h = (n - 1) * (p[i] / 100.0);
    uint32_t lo = (uint32_t)h;
    o->pct[i] = lo + 1 >= n
                    ? scratch[n - 1]
                    : scratch[lo] + (h - lo) * (scratch[lo + 1] - scratch[lo]);
  }
}

static double rel(double a, double b) {
  return a == b ? 0 : fabs(a - b) / fmax(fabs(a), fabs(b));
}

int main(int argc, char **argv) {
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
  long win = argc > 2 ? strtol(argv[2], NULL, 10) : 3600;
  long every = argc > 3 ? strtol(argv[3], NULL, 10) : 10;
  if (win < PHASE_STATS_MIN_WINDOW || win > PHASE_STATS_MAX_WINDOW ||
      every < 1 || n < 2 * win) {
    fprintf(stderr,
            "usage: phase_stats_bench [samples >= 2 window] "
            "[window 32..%u] [read_every >= 1]\n",
            PHASE_STATS_MAX_WINDOW);
    return 2;
  }
  double *x = malloc((size_t)n * sizeof(double));
  double *ring = malloc((size_t)win * sizeof(double));
  double *lin = malloc((size_t)win * sizeof(double));
  double *scratch = malloc((size_t)win * sizeof(double));
  phase_stats_t ps;
  if (x == NULL || ring == NULL || lin == NULL || scratch == NULL ||
      phase_stats_init(&ps, INT64_C(1000000000), (uint32_t)win) !=
          PHASE_STATS_OK)
    return 1;
  double fm = 0;
  for (long i = 0; i < n; i++) {
    fm += 2e-9 * gauss();
    x[i] = 1e-4 + fm + 5e-8 * gauss();
  }

  /* 1. Incremental. */
  phase_stats_tau_t t[PHASE_STATS_MAX_OCTAVES];
  phase_stats_summary_t sm;
  double c0 = cpu_s();
  for (long i = 0; i < n; i++) {
    phase_stats_add(&ps, x[i], i * INT64_C(1000000000));
    if ((i + 1) % every == 0) {
      phase_stats_taus(&ps, t, PHASE_STATS_MAX_OCTAVES);
      phase_stats_summary(&ps, &sm);
    }
  }
  double inc_s = cpu_s() - c0;

  /* 2. Naive, over the first n/10 samples (same data). */
  long nn = n / 10 > 2 * win ? n / 10 : 2 * win;
  naive_out_t no;
  c0 = cpu_s();
  for (long i = 0; i < nn; i++) {
    ring[i % win] = x[i];
    if ((i + 1) % every == 0 && i + 1 >= win) {
      long first = i + 1 - win;
      for (long k = 0; k < win; k++)
        lin[k] = ring[(first + k) % win];
      naive_all(lin, (uint32_t)win, scratch, &no);
    }
  }
  double naive_s = cpu_s() - c0;

  /* Same window for both: the incremental state at sample n-1 vs a naive
   * evaluation of its window. */
  naive_all(x + (n - win), (uint32_t)win, scratch, &no);
  phase_stats_taus(&ps, t, PHASE_STATS_MAX_OCTAVES);
  phase_stats_summary(&ps, &sm);
  double worst = fmax(rel(no.mean, sm.mean_s), rel(no.std, sm.std_s));
  for (uint32_t k = 0; k < ps.octaves; k++)
    worst = fmax(worst,
                 fmax(rel(no.adev[k], t[k].adev), rel(no.tdev[k], t[k].tdev)));
  const double got[5] = {sm.p1_s, sm.p5_s, sm.p50_s, sm.p95_s, sm.p99_s};
  for (int i = 0; i < 5; i++)
    worst = fmax(worst, rel(no.pct[i], got[i]));

  double inc_rate = n / inc_s, naive_rate = nn / naive_s;
  printf("window %ld samples (tau0 1 s), %u octaves (m = 1 .. %u), a read "
         "every %ld samples\n",
         win, ps.octaves, UINT32_C(1) << (ps.octaves - 1), every);
  printf("incremental: %ld samples in %.3f s CPU: %.0f samples/s "
         "(%.0f ns per sample incl. reads); %zu bytes per source\n",
         n, inc_s, inc_rate, inc_s / n * 1e9, phase_stats_bytes((uint32_t)win));
  printf("naive:       %ld samples in %.3f s CPU: %.0f samples/s "
         "(%.1f us per read); %zu bytes per source (ring + sort scratch)\n",
         nn, naive_s, naive_rate, naive_s / ((double)(nn - win) / every) * 1e6,
         2 * (size_t)win * sizeof(double));
  printf("speed-up incremental / naive: %.1fx; largest relative difference "
         "of the results: %.2g\n",
         inc_rate / naive_rate, worst);
  phase_stats_free(&ps);
  free(x);
  free(ring);
  free(lin);
  free(scratch);
  return worst < 1e-9 ? 0 : 1;
}
