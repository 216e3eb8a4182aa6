/* SPDX-License-Identifier: MIT
 * Unit tests of common/phase_stats.
 *
 * 1. Known noise, known answer (seeded PRNG, Gaussian):
 *    - white PM, x(i) iid with variance s^2: d_m = x(i+2m) - 2x(i+m) + x(i)
 *      has variance (1 + 4 + 1) s^2, so AVAR = 6 s^2 / (2 tau^2) and
 *      ADEV = sqrt(3) s / tau exactly (SP 1065 eq. 11 applied to this
 *      model); the MVAR inner sum is block3 - 2 block2 + block1 of three
 *      disjoint blocks of m samples, variance 6 m s^2, so
 *      TVAR = 6 m s^2 / (6 m^2) and TDEV = s / sqrt(m);
 *    - white FM, x(i+1) = x(i) + tau0 y(i), y iid with variance sy^2:
 *      d_m = tau0 (sum of m y - sum of the m before), variance
 *      2 m tau0^2 sy^2, so AVAR = sy^2 tau0 / tau = h0 / (2 tau) with
 *      h0 = 2 sy^2 tau0 (IEEE 1139 white FM level); MDEV and TDEV from the
 *      exact filter of y (below);
 *    - a pure frequency offset (ADEV = 0 within rounding) and a linear
 *      frequency drift D: x = D t^2 / 2, d_m = D tau^2, ADEV = D tau /
 *      sqrt(2), S_m = m D tau^2, TDEV = D tau^2 / sqrt(6).
 *    Tolerance: each estimated variance is a quadratic form of Gaussian
 *    data: sigma^2 chi^2(edf) / edf.  The edf is computed exactly from the
 *    filter c that maps the driving white noise to the terms, with
 *    r(l) = sum_u c(u) c(u+l): edf = 2 E[Q]^2 / Var[Q] = n^2 r(0)^2 /
 *    sum_{|l|<n} (n - |l|) r(l)^2 (the approach of SP 1065 section 5.3,
 *    Greenhall and Riley 2004).  The ratio estimate/truth must lie between
 *    the chi^2 quantiles at z = -/+4 (Wilson-Hilferty), each tail 3.2e-5.
 * 2. Against a naive O(N * taus) evaluation of SP 1065 eq. 11, 14, 15 over
 *    the same window, with random gaps, NaN samples and sliding: equal to
 *    1e-9 relative, counts exact; mean, std and percentiles against a
 *    qsort()ed copy of the window.
 * 3. Gap handling, restarts, early samples, NaN until enough terms.
 * The seed is printed; override with PHASE_STATS_SEED=N. */
#include "common/phase_stats.h"
#include "tests/unit/testing.h"

#include <stdint.h>

#define TAU0_NS INT64_C(1000000000) /* 1 s */
#define Z_TAIL 4.0

/* ---- PRNG: splitmix64 and Box-Muller -------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void) {
  uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static double rng_uniform(void) { /* (0, 1) */
  return ((double)(rng_next() >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_gauss(void) {
  return sqrt(-2.0 * log(rng_uniform())) * cos(2 * M_PI * rng_uniform());
}

/* ---- Exact edf of a sum of n squared filtered white-noise terms ------- */

static double autocorr(const double *c, int len, int lag) {
  double r = 0;
  for (int u = 0; u + lag < len; u++)
    r += c[u] * c[u + lag];
  return r;
}

static double edf_of(const double *c, int len, double n) {
  double r0 = autocorr(c, len, 0), den = n * r0 * r0;
  for (int l = 1; l < len && l < n; l++) {
    double r = autocorr(c, len, l);
    den += 2 * (n - l) * r * r;
  }
  return n * n * r0 * r0 / den;
}

/* Wilson-Hilferty chi^2 quantile / nu at standard normal quantile z; at
 * edf below about 4 the lower one comes out negative: 0 then (the bound
 * only says the estimate is not negative). */
static double chi2_ratio(double nu, double z) {
  double a = 2.0 / (9.0 * nu);
  double q = 1.0 - a + z * sqrt(a);
  return q > 0 ? q * q * q : 0;
}

/* Check an estimated deviation against the truth within the chi^2 bounds
 * of its edf (deviation: square roots of the variance bounds). */
static void expect_dev(const char *what, uint32_t m, double est, double truth,
                       double edf) {
  double lo = sqrt(chi2_ratio(edf, -Z_TAIL)),
         hi = sqrt(chi2_ratio(edf, Z_TAIL));
  double ratio = est / truth;
  char msg[128];
  snprintf(msg, sizeof(msg),
           "%s m=%u: est/truth %.4f in [%.4f, %.4f] (edf %.1f)", what, m, ratio,
           lo, hi, edf);
  OK_MSG(ratio >= lo && ratio <= hi, msg);
}

/* Filters: d_m on white PM (x itself) and S_m built from a d_m filter. */
static int filter_d_wpm(double *c, uint32_t m) {
  memset(c, 0, (2 * m + 1) * sizeof(double));
  c[0] = 1, c[m] = -2, c[2 * m] = 1;
  return (int)(2 * m + 1);
}

static int filter_d_wfm(double *c, uint32_t m, double tau0) { /* on y */
  for (uint32_t u = 0; u < 2 * m; u++)
    c[u] = u < m ? -tau0 : tau0;
  return (int)(2 * m);
}

static int filter_s(double *out, const double *d, int dlen, uint32_t m) {
  int len = dlen + (int)m - 1;
  memset(out, 0, (size_t)len * sizeof(double));
  for (uint32_t i = 0; i < m; i++)
    for (int u = 0; u < dlen; u++)
      out[(int)i + u] += d[u];
  return len;
}

/* ---- Feeding --------------------------------------------------------- */

static phase_stats_add_t feed(phase_stats_t *ps, double x, int64_t slot) {
  return phase_stats_add(ps, x, INT64_C(5000000000) + slot * TAU0_NS);
}

static void test_init(void) {
  phase_stats_t ps;
  EXPECT_EQ_INT(PHASE_STATS_EINVAL, phase_stats_init(&ps, TAU0_NS, 31));
  phase_stats_free(&ps);
  EXPECT_EQ_INT(PHASE_STATS_EINVAL, phase_stats_init(&ps, 0, 3600));
  phase_stats_free(&ps);
  EXPECT_EQ_INT(PHASE_STATS_EINVAL,
                phase_stats_init(&ps, TAU0_NS, PHASE_STATS_MAX_WINDOW + 1));
  phase_stats_free(&ps);
  EXPECT_EQ_INT(PHASE_STATS_OK, phase_stats_init(&ps, TAU0_NS, 32));
  phase_stats_tau_t t[PHASE_STATS_MAX_OCTAVES];
  EXPECT_EQ_INT(4, phase_stats_taus(&ps, t, PHASE_STATS_MAX_OCTAVES));
  phase_stats_free(&ps);
  /* 1 h at 1 s: m = 1 .. 512 (<= 900). */
  EXPECT_EQ_INT(PHASE_STATS_OK, phase_stats_init(&ps, TAU0_NS, 3600));
  EXPECT_EQ_INT(10, phase_stats_taus(&ps, t, PHASE_STATS_MAX_OCTAVES));
  EXPECT_EQ_INT(512, t[9].m);
  EXPECT_EQ_DOUBLE(512.0, t[9].tau_s);
  EXPECT_EQ_INT(sizeof(phase_stats_t) + 3600 * 16, phase_stats_bytes(3600));
  OK(isnan(t[0].adev) && isnan(t[0].tdev) && t[0].n_adev == 0);
  phase_stats_free(&ps);
}

/* ---- 1. Known answers ------------------------------------------------ */

#define KA_WINDOW 4096u
#define KA_EXTRA 1500 /* slide past a full window */

static void test_white_pm(void) {
  const double s = 2e-7; /* s */
  phase_stats_t ps;
  phase_stats_init(&ps, TAU0_NS, KA_WINDOW);
  for (int64_t i = 0; i < KA_WINDOW + KA_EXTRA; i++)
    feed(&ps, 0.003 + s * rng_gauss(), i);
  phase_stats_tau_t t[PHASE_STATS_MAX_OCTAVES];
  uint32_t n = phase_stats_taus(&ps, t, PHASE_STATS_MAX_OCTAVES);
  static double cd[3 * KA_WINDOW], cs[3 * KA_WINDOW];
  for (uint32_t i = 0; i < n; i++) {
    uint32_t m = t[i].m;
    int ld = filter_d_wpm(cd, m), ls = filter_s(cs, cd, ld, m);
    EXPECT_EQ_INT(KA_WINDOW - 2 * m, t[i].n_adev);
    EXPECT_EQ_INT(KA_WINDOW - 3 * m + 1, t[i].n_mdev);
    /* The closed forms agree with the filters: r(0) = 6 and 6m. */
    EXPECT_NEAR(6.0, autocorr(cd, ld, 0), 1e-12);
    EXPECT_NEAR(6.0 * m, autocorr(cs, ls, 0), 1e-9);
    expect_dev("white PM ADEV = sqrt(3) s / tau", m, t[i].adev,
               sqrt(3.0) * s / t[i].tau_s, edf_of(cd, ld, t[i].n_adev));
    expect_dev("white PM TDEV = s / sqrt(m)", m, t[i].tdev, s / sqrt(m),
               edf_of(cs, ls, t[i].n_mdev));
  }
  phase_stats_free(&ps);
}

static void test_white_fm(void) {
  const double sy = 3e-9, tau0 = 1.0; /* s/s, s */
  const double h0 = 2 * sy * sy * tau0;
  phase_stats_t ps;
  phase_stats_init(&ps, TAU0_NS, KA_WINDOW);
  double x = -0.01;
  for (int64_t i = 0; i < KA_WINDOW + KA_EXTRA; i++) {
    feed(&ps, x, i);
    x += tau0 * sy * rng_gauss();
  }
  phase_stats_tau_t t[PHASE_STATS_MAX_OCTAVES];
  uint32_t n = phase_stats_taus(&ps, t, PHASE_STATS_MAX_OCTAVES);
  static double cd[3 * KA_WINDOW], cs[3 * KA_WINDOW];
  for (uint32_t i = 0; i < n; i++) {
    uint32_t m = t[i].m;
    double tau = t[i].tau_s;
    int ld = filter_d_wfm(cd, m, tau0), ls = filter_s(cs, cd, ld, m);
    double es2 = sy * sy * autocorr(cs, ls, 0); /* E[S_m^2], s^2 */
    expect_dev("white FM ADEV = sqrt(h0 / (2 tau))", m, t[i].adev,
               sqrt(h0 / (2 * tau)), edf_of(cd, ld, t[i].n_adev));
    expect_dev("white FM MDEV (filter)", m, t[i].mdev,
               sqrt(es2 / (2.0 * m * m * tau * tau)),
               edf_of(cs, ls, t[i].n_mdev));
    expect_dev("white FM TDEV (filter)", m, t[i].tdev,
               sqrt(es2 / (6.0 * m * m)), edf_of(cs, ls, t[i].n_mdev));
  }
  phase_stats_free(&ps);
}

/* Deterministic phase: offset x0, frequency y0, drift D (1/s). */
static void test_deterministic(double x0, double y0, double drift) {
  phase_stats_t ps;
  phase_stats_init(&ps, TAU0_NS, 1024);
  double xmax = 0;
  for (int64_t i = 0; i < 3000; i++) {
    double ti = (double)i; /* s */
    double x = x0 + y0 * ti + drift * ti * ti / 2;
    xmax = fmax(xmax, fabs(x0) + fabs(y0 * ti) + fabs(drift * ti * ti / 2));
    feed(&ps, x, i);
  }
  phase_stats_tau_t t[PHASE_STATS_MAX_OCTAVES];
  uint32_t n = phase_stats_taus(&ps, t, PHASE_STATS_MAX_OCTAVES);
  const double eps = 2.220446049250313e-16;
  for (uint32_t i = 0; i < n; i++) {
    double tau = t[i].tau_s, m = t[i].m;
    /* Rounding: x (three rounded operations) is off by <= 2 eps xmax, xmax
     * the largest sum of the terms' magnitudes; d_m (weights 1, 2, 1) by
     * 8 eps xmax plus its own arithmetic: bound 10 eps xmax; S_m adds m
     * of them. */
    double dd = 10 * eps * xmax, ds = m * dd;
    double adev = drift * tau / sqrt(2.0), tdev = drift * tau * tau / sqrt(6.0);
    char msg[128];
    snprintf(msg, sizeof(msg),
             "drift %g: ADEV(m=%g) %.6g vs D tau/sqrt2 %.6g (+- %.2g)", drift,
             m, t[i].adev, adev, dd / tau);
    OK_MSG(fabs(t[i].adev - adev) <= dd / (sqrt(2.0) * tau), msg);
    snprintf(msg, sizeof(msg),
             "drift %g: TDEV(m=%g) %.6g vs D tau^2/sqrt6 %.6g (+- %.2g)", drift,
             m, t[i].tdev, tdev, ds / (m * sqrt(6.0)));
    OK_MSG(fabs(t[i].tdev - tdev) <= ds / (m * sqrt(6.0)), msg);
  }
  phase_stats_free(&ps);
}

/* ---- 2. Against the naive formulas ----------------------------------- */

typedef struct {
  double adev, mdev, tdev;
  uint32_t n_adev, n_mdev;
} naive_t;

/* SP 1065 eq. 11, 14, 15 over w[0..n-1] (NaN = missing: terms touching it
 * are skipped), with the module's minimum-term rule. */
static naive_t naive(const double *w, uint32_t n, uint32_t m, double tau0) {
  double tau = m * tau0, sd = 0, ss = 0;
  uint32_t nd = 0, ns = 0;
  for (uint32_t i = 0; i + 2 * m < n; i++) {
    double d = w[i + 2 * m] - 2 * w[i + m] + w[i];
    if (!isnan(d))
      sd += d * d, nd++;
  }
  for (uint32_t j = 0; j + 3 * m <= n; j++) {
    double s = 0;
    for (uint32_t i = j; i < j + m; i++)
      s += w[i + 2 * m] - 2 * w[i + m] + w[i];
    if (!isnan(s))
      ss += s * s, ns++;
  }
  naive_t r = {NAN, NAN, NAN, nd, ns};
  if (nd >= PHASE_STATS_MIN_TERMS && nd >= 2 * m)
    r.adev = sqrt(sd / (2.0 * nd * tau * tau));
  if (ns >= PHASE_STATS_MIN_TERMS && ns >= m) {
    double mvar = ss / (2.0 * m * m * tau * tau * ns);
    r.mdev = sqrt(mvar);
    r.tdev = sqrt(tau * tau / 3.0 * mvar);
  }
  return r;
}

static int rel_eq(double ref, double got, double rel) {
  if (isnan(ref) || isnan(got))
    return isnan(ref) && isnan(got);
  return fabs(ref - got) <= rel * fabs(ref);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double sorted_pct(const double *s, uint32_t n, double p) {
  if (n == 0)
    return NAN;
  double h = (n - 1) * (p / 100.0);
  uint32_t lo = (uint32_t)h;
  return lo + 1 >= n ? s[n - 1] : s[lo] + (h - lo) * (s[lo + 1] - s[lo]);
}

/* Compare everything against the last `win` slots of `hist`; returns the
 * number of mismatches (each also a failed TAP line, but only the first
 * few are printed to keep the log short). */
static int compare_naive(const phase_stats_t *ps, const double *hist,
                         uint64_t nslots, uint32_t win, const char *label) {
  uint32_t n = nslots < win ? (uint32_t)nslots : win;
  const double *w = hist + (nslots - n);
  phase_stats_tau_t t[PHASE_STATS_MAX_OCTAVES];
  uint32_t oct = phase_stats_taus(ps, t, PHASE_STATS_MAX_OCTAVES);
  int bad = 0;
  for (uint32_t i = 0; i < oct; i++) {
    naive_t r = naive(w, n, t[i].m, 1.0);
    if (!rel_eq(r.adev, t[i].adev, 1e-9) || !rel_eq(r.mdev, t[i].mdev, 1e-9) ||
        !rel_eq(r.tdev, t[i].tdev, 1e-9) || r.n_adev != t[i].n_adev ||
        r.n_mdev != t[i].n_mdev) {
      if (bad++ < 3)
        printf("# %s m=%u: adev %.15g/%.15g mdev %.15g/%.15g tdev "
               "%.15g/%.15g n %u/%u %u/%u (naive/module)\n",
               label, t[i].m, r.adev, t[i].adev, r.mdev, t[i].mdev, r.tdev,
               t[i].tdev, r.n_adev, t[i].n_adev, r.n_mdev, t[i].n_mdev);
    }
  }
  /* Distribution. */
  static double s[1 << 16];
  uint32_t k = 0;
  double sum = 0, ss = 0;
  for (uint32_t i = 0; i < n; i++)
    if (!isnan(w[i]))
      s[k++] = w[i], sum += w[i];
  qsort(s, k, sizeof(double), cmp_double);
  double mean = k ? sum / k : NAN;
  for (uint32_t i = 0; i < k; i++)
    ss += (s[i] - mean) * (s[i] - mean);
  phase_stats_summary_t sm;
  phase_stats_summary(ps, &sm);
  const double pct[] = {1, 5, 50, 95, 99};
  const double got[] = {sm.p1_s, sm.p5_s, sm.p50_s, sm.p95_s, sm.p99_s};
  int dist_ok = sm.n == k && sm.missing == n - k &&
                rel_eq(mean, sm.mean_s, 1e-12) &&
                rel_eq(k > 1 ? sqrt(ss / (k - 1)) : NAN, sm.std_s, 1e-9) &&
                (k == 0 || (sm.min_s == s[0] && sm.max_s == s[k - 1]));
  for (int i = 0; i < 5; i++) {
    double e = sorted_pct(s, k, pct[i]);
    dist_ok = dist_ok && ((isnan(e) && isnan(got[i])) || e == got[i]);
  }
  if (!dist_ok && bad++ < 3)
    printf("# %s: n %u/%u mean %.15g/%.15g p50 %.15g/%.15g\n", label, k, sm.n,
           mean, sm.mean_s, sorted_pct(s, k, 50), sm.p50_s);
  return bad;
}

/* Mixed noise on an offset, random gaps (time jumps), NaN samples and an
 * early duplicate now and then; compared at many points while sliding. */
static void test_against_naive(uint32_t win, int64_t nsamples) {
  phase_stats_t ps;
  phase_stats_init(&ps, TAU0_NS, win);
  static double hist[200000];
  uint64_t nslots = 0;
  int64_t slot = 0;
  double x = 1.5e-4, bad_total = 0;
  int checks = 0, gaps = 0, nans = 0, early = 0;
  for (int64_t i = 0; i < nsamples; i++) {
    uint64_t r = rng_next() % 1000;
    int64_t skip = r < 8 ? 1 + (int64_t)(rng_next() % 5) : 0; /* gap */
    for (int64_t g = 0; g < skip; g++)
      hist[nslots++] = NAN;
    slot += 1 + skip;
    x += 2e-9 * rng_gauss();
    double v = x + 5e-8 * rng_gauss();
    if (r >= 990) { /* the source reports no value */
      v = NAN;
      nans++;
    }
    phase_stats_add_t a = feed(&ps, v, slot);
    gaps += a == PHASE_STATS_GAP;
    hist[nslots++] = v;
    if (r == 500) { /* a repeated read: rejected */
      early += feed(&ps, 0.5, slot) == PHASE_STATS_EARLY;
    }
    if (i % 97 == 0 || i == nsamples - 1) {
      char label[64];
      snprintf(label, sizeof(label), "W=%u after %" PRId64 " samples", win,
               i + 1);
      bad_total += compare_naive(&ps, hist, nslots, win, label);
      checks++;
    }
  }
  char msg[160];
  snprintf(msg, sizeof(msg),
           "W=%u: %d comparisons with the naive formulas and a sorted copy "
           "(%d gaps, %d NaN samples, %d early) all equal",
           win, checks, gaps, nans, early);
  OK_MSG(bad_total == 0 && gaps > 0 && nans > 0, msg);
  phase_stats_free(&ps);
}

/* A 0.5 s clock step: its squared differences (0.25 s^2) dwarf white PM of
 * 1 us (1e-12 s^2); once it has left the window and the window has been
 * re-summed the result equals the naive one again. */
static void test_step_residue(void) {
  const uint32_t win = 256;
  phase_stats_t ps;
  phase_stats_init(&ps, TAU0_NS, win);
  static double hist[4096];
  for (int64_t i = 0; i < 1024; i++) {
    hist[i] = (i >= 100 ? 0.5 : 0.0) + 1e-6 * rng_gauss();
    feed(&ps, hist[i], i);
    if (i == 150)
      OK_MSG(compare_naive(&ps, hist, (uint64_t)i + 1, win, "step inside") == 0,
             "clock step inside the window: equal to naive");
  }
  OK_MSG(compare_naive(&ps, hist, 1024, win, "step gone") == 0,
         "clock step out of the window and re-summed: equal to naive");
  phase_stats_free(&ps);
}

/* ---- 3. Gaps, restarts, early samples, minimum terms ----------------- */

static void test_gaps(void) {
  phase_stats_t ps;
  phase_stats_summary_t sm;
  phase_stats_tau_t t[PHASE_STATS_MAX_OCTAVES];
  phase_stats_init(&ps, TAU0_NS, 64);
  int64_t base = INT64_C(7000000000);
  EXPECT_EQ_INT(PHASE_STATS_ADDED, phase_stats_add(&ps, 1e-6, base));
  /* 0.6 s later: early, rejected; -1 s: rejected. */
  EXPECT_EQ_INT(PHASE_STATS_EARLY,
                phase_stats_add(&ps, 2e-6, base + TAU0_NS * 4 / 10));
  EXPECT_EQ_INT(PHASE_STATS_EARLY, phase_stats_add(&ps, 2e-6, base - TAU0_NS));
  /* 1.4 s later: the next slot (jitter below tau0/2). */
  EXPECT_EQ_INT(PHASE_STATS_ADDED,
                phase_stats_add(&ps, 2e-6, base + TAU0_NS * 14 / 10));
  phase_stats_summary(&ps, &sm);
  EXPECT_EQ_INT(2, sm.n);
  EXPECT_EQ_INT(0, sm.missing);
  /* 3 s after that: 2 slots missing. */
  EXPECT_EQ_INT(PHASE_STATS_GAP,
                phase_stats_add(&ps, 3e-6, base + TAU0_NS * 44 / 10));
  EXPECT_EQ_INT(PHASE_STATS_MISSING,
                phase_stats_add(&ps, NAN, base + TAU0_NS * 54 / 10));
  EXPECT_EQ_INT(PHASE_STATS_MISSING,
                phase_stats_add(&ps, 2e6, base + TAU0_NS * 64 / 10));
  phase_stats_summary(&ps, &sm);
  EXPECT_EQ_INT(3, sm.n);
  EXPECT_EQ_INT(4, sm.missing);
  EXPECT_EQ_DOUBLE(2e-6, sm.p50_s);
  /* Fill, then a gap of a whole window: restart. */
  int64_t t_ns = base + TAU0_NS * 74 / 10;
  for (int i = 0; i < 100; i++, t_ns += TAU0_NS)
    phase_stats_add(&ps, 1e-6 * i, t_ns);
  phase_stats_taus(&ps, t, PHASE_STATS_MAX_OCTAVES);
  OK(!isnan(t[0].adev));
  EXPECT_EQ_INT(PHASE_STATS_GAP, phase_stats_add(&ps, 0, t_ns + 63 * TAU0_NS));
  phase_stats_summary(&ps, &sm);
  EXPECT_EQ_INT(1, sm.n);
  EXPECT_EQ_INT(63, sm.missing);
  phase_stats_taus(&ps, t, PHASE_STATS_MAX_OCTAVES);
  OK(isnan(t[0].adev) && t[0].n_adev == 0);
  t_ns += 63 * TAU0_NS;
  EXPECT_EQ_INT(PHASE_STATS_RESTART,
                phase_stats_add(&ps, 0, t_ns + 65 * TAU0_NS));
  phase_stats_summary(&ps, &sm);
  EXPECT_EQ_INT(1, sm.n);
  EXPECT_EQ_INT(0, sm.missing);
  EXPECT_EQ_INT(1, ps.restarts);
  phase_stats_reset(&ps);
  phase_stats_summary(&ps, &sm);
  OK(sm.n == 0 && isnan(sm.mean_s) && isnan(sm.p50_s) && isnan(sm.std_s));
  /* After a reset any time is fine for the first sample. */
  EXPECT_EQ_INT(PHASE_STATS_ADDED, phase_stats_add(&ps, 0, 0));
  phase_stats_free(&ps);
}

/* Without gaps, a tau is NaN exactly while it has fewer than
 * max(PHASE_STATS_MIN_TERMS, 2m) second differences (ADEV) or
 * max(PHASE_STATS_MIN_TERMS, m) inner sums (MDEV/TDEV). */
static void test_min_terms(void) {
  phase_stats_t ps;
  phase_stats_tau_t t[PHASE_STATS_MAX_OCTAVES];
  phase_stats_init(&ps, TAU0_NS, 512);
  int ok = 1;
  for (int64_t k = 1; k <= 600; k++) {
    feed(&ps, 1e-6 * rng_gauss(), k);
    uint32_t oct = phase_stats_taus(&ps, t, PHASE_STATS_MAX_OCTAVES);
    int64_t n = k < 512 ? k : 512;
    for (uint32_t i = 0; i < oct; i++) {
      int64_t m = t[i].m;
      int64_t nd = n - 2 * m > 0 ? n - 2 * m : 0;
      int64_t ns = n - 3 * m + 1 > 0 ? n - 3 * m + 1 : 0;
      int want_a = nd >= PHASE_STATS_MIN_TERMS && nd >= 2 * m;
      int want_s = ns >= PHASE_STATS_MIN_TERMS && ns >= m;
      if (t[i].n_adev != nd || t[i].n_mdev != ns ||
          want_a == isnan(t[i].adev) || want_s == isnan(t[i].tdev) ||
          want_s == isnan(t[i].mdev)) {
        if (ok)
          printf("# k=%" PRId64 " m=%" PRId64 ": n_adev %u (want %" PRId64
                 ") n_mdev %u (want %" PRId64 ") adev %g tdev %g\n",
                 k, m, t[i].n_adev, nd, t[i].n_mdev, ns, t[i].adev, t[i].tdev);
        ok = 0;
      }
    }
  }
  OK_MSG(ok, "counts are N-2m and N-3m+1; NaN exactly below the minimum");
  /* Full window: every octave up to W/4 has a value. */
  OK(!isnan(t[7].adev) && !isnan(t[7].tdev) && t[7].m == 128);
  phase_stats_free(&ps);
}

int main(void) {
  const char *env = getenv("PHASE_STATS_SEED");
  uint64_t seed = env ? strtoull(env, NULL, 10) : UINT64_C(20240611);
  printf("# seed %" PRIu64 " (PHASE_STATS_SEED=N to change)\n", seed);
  rng_state = seed;
  test_init();
  test_white_pm();
  test_white_fm();
  test_deterministic(0.01, 3e-6, 0.0);    /* pure frequency offset */
  test_deterministic(-2e-3, 1e-7, 4e-11); /* linear drift */
  test_against_naive(512, 6000);
  test_against_naive(37, 800);
  test_step_residue();
  test_gaps();
  test_min_terms();
  return testing_done();
}
