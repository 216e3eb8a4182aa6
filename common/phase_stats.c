/* SPDX-License-Identifier: MIT
 * phase_stats - sliding-window ADEV/MDEV/TDEV and percentiles of a phase
 * stream (see phase_stats.h).
 *
 * Notation (NIST SP 1065): x(j) is the phase of slot j (s), tau = m*tau0,
 *   d_m(j) = x(j+2m) - 2 x(j+m) + x(j)          second difference, s
 *   S_m(j) = sum_{i=j}^{j+m-1} d_m(i)            MVAR inner sum, s
 * Over a window of N slots (SP 1065 eq. 11, 14, 15):
 *   AVAR(tau) = sum_j d_m(j)^2 / (2 tau^2 (N - 2m))
 *   MVAR(tau) = sum_j S_m(j)^2 / (2 m^2 tau^2 (N - 3m + 1))
 *   TVAR(tau) = tau^2 / 3 * MVAR(tau) = sum_j S_m(j)^2 / (6 m^2 (N-3m+1))
 * with N - 2m and N - 3m + 1 replaced by the counts of valid terms when
 * slots are missing.
 *
 * Per octave the window's sums of d^2 and S^2 are kept as running sums:
 * a new slot k brings d_m(k-2m) and S_m(k-3m+1); the slot j0 = k - W that
 * leaves takes d_m(j0) and S_m(j0) with it.  The two inner sums at the ends
 * of the window (S_m(j0) and the newest) are rolled by one second
 * difference per slot, all differences being recomputed from the ring, so
 * no per-octave history is stored.  Subtracting a term that was added
 * leaves a rounding residue of about 1e-16 of the largest term the sum has
 * held (a clock step, for instance); re-summing from the ring every W
 * slots bounds that residue to one window. */
#include "common/phase_stats.h"
#include "common/enum_name.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- The ring ------------------------------------------------------- */

static double slot_x(const phase_stats_t *ps, uint64_t j) {
  return ps->ring[j % ps->window];
}

/* Ring index of slot j + off, given i = ring index of j, off < W: one
 * division per second difference instead of three. */
static uint32_t ring_add(const phase_stats_t *ps, uint32_t i, uint32_t off) {
  uint32_t r = i + off;
  return r >= ps->window ? r - ps->window : r;
}

/* d_m(j), s; false when it touches a missing slot. */
static int second_diff(const phase_stats_t *ps, uint64_t j, uint32_t m,
                       double *d) {
  uint32_t i0 = (uint32_t)(j % ps->window), i1 = ring_add(ps, i0, m),
           i2 = ring_add(ps, i1, m);
  *d = ps->ring[i2] - 2.0 * ps->ring[i1] + ps->ring[i0];
  return !isnan(*d);
}

/* Add (sign +1) or remove (-1) d_m(j) from an inner sum. */
static void roll_term(const phase_stats_t *ps, uint64_t j, uint32_t m, int sign,
                      double *sum, uint32_t *bad) {
  double d;
  if (second_diff(ps, j, m, &d))
    *sum += sign * d;
  else
    *bad = (uint32_t)((int64_t)*bad + sign);
}

/* S_m(j) from scratch. */
static void inner_sum(const phase_stats_t *ps, uint64_t j, uint32_t m,
                      double *sum, uint32_t *bad) {
  *sum = 0;
  *bad = 0;
  for (uint32_t i = 0; i < m; i++)
    roll_term(ps, j + i, m, +1, sum, bad);
}

/* ---- The sorted copy (percentiles) ----------------------------------- */

/* First index whose value is >= v. */
static uint32_t lower_bound(const double *a, uint32_t n, double v) {
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (a[mid] < v)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* A memmove of at most W doubles per insert or removal: 29 kB at W = 3600,
 * about a microsecond, sequential and branch-free, against a balanced
 * order-statistics tree's 4 pointers per node and cache misses. */
static void sorted_insert(phase_stats_t *ps, double v) {
  uint32_t i = lower_bound(ps->sorted, ps->n_valid, v);
  memmove(ps->sorted + i + 1, ps->sorted + i,
          (ps->n_valid - i) * sizeof(double));
  ps->sorted[i] = v;
  ps->n_valid++;
}

static void sorted_remove(phase_stats_t *ps, double v) {
  uint32_t i = lower_bound(ps->sorted, ps->n_valid, v);
  if (i >= ps->n_valid || ps->sorted[i] != v)
    return; /* not there: cannot happen, every valid slot was inserted */
  memmove(ps->sorted + i, ps->sorted + i + 1,
          (ps->n_valid - i - 1) * sizeof(double));
  ps->n_valid--;
}

/* ---- Running sums per octave ----------------------------------------- */

/* Slot j0 = k - W leaves: d_m(j0) and S_m(j0); s_old becomes S_m(j0+1).
 * Runs before slot k overwrites j0 in the ring. */
static void octave_drop(const phase_stats_t *ps, phase_stats_octave_t *o,
                        uint64_t j0) {
  uint32_t m = o->m;
  double d;
  if (second_diff(ps, j0, m, &d)) {
    o->sum_d2 -= d * d;
    o->n_d--;
  }
  if (o->bad_old == 0) {
    o->sum_s2 -= o->s_old * o->s_old;
    o->n_s--;
  }
  roll_term(ps, j0, m, -1, &o->s_old, &o->bad_old);
  roll_term(ps, j0 + m, m, +1, &o->s_old, &o->bad_old);
}

/* Slot k arrived: d_m(k-2m) and S_m(k-3m+1) join the window. */
static void octave_push(const phase_stats_t *ps, phase_stats_octave_t *o,
                        uint64_t k) {
  uint32_t m = o->m;
  double d;
  if (k < 2 * (uint64_t)m)
    return;
  if (second_diff(ps, k - 2 * (uint64_t)m, m, &d)) {
    o->sum_d2 += d * d;
    o->n_d++;
  }
  if (k + 1 < 3 * (uint64_t)m)
    return;
  if (k + 1 == 3 * (uint64_t)m) { /* the first inner sum, S_m(0) */
    inner_sum(ps, 0, m, &o->s_new, &o->bad_new);
    o->s_old = o->s_new;
    o->bad_old = o->bad_new;
  } else {
    roll_term(ps, k - 3 * (uint64_t)m, m, -1, &o->s_new, &o->bad_new);
    roll_term(ps, k - 2 * (uint64_t)m, m, +1, &o->s_new, &o->bad_new);
  }
  if (o->bad_new == 0) {
    o->sum_s2 += o->s_new * o->s_new;
    o->n_s++;
  }
}

/* Recompute an octave's sums over a full window (slots first .. first+W-1)
 * from the ring, dropping the rounding residue of the running sums. */
static void octave_resum(const phase_stats_t *ps, phase_stats_octave_t *o,
                         uint64_t first) {
  uint32_t m = o->m;
  uint64_t last = first + ps->window - 1;
  double d, s;
  uint32_t bad;
  o->sum_d2 = 0;
  o->n_d = 0;
  for (uint64_t j = first; j + 2 * (uint64_t)m <= last; j++) {
    if (second_diff(ps, j, m, &d)) {
      o->sum_d2 += d * d;
      o->n_d++;
    }
  }
  o->sum_s2 = 0;
  o->n_s = 0;
  inner_sum(ps, first, m, &s, &bad);
  o->s_old = s;
  o->bad_old = bad;
  for (uint64_t j = first;; j++) {
    if (bad == 0) {
      o->sum_s2 += s * s;
      o->n_s++;
    }
    if (j + 3 * (uint64_t)m - 1 >= last)
      break;
    roll_term(ps, j, m, -1, &s, &bad);
    roll_term(ps, j + m, m, +1, &s, &bad);
  }
  /* The newest from scratch too: the rolled one carries W roundings. */
  inner_sum(ps, last - 3 * (uint64_t)m + 1, m, &o->s_new, &o->bad_new);
}

/* ---- State ----------------------------------------------------------- */

static void clear_samples(phase_stats_t *ps) {
  ps->slots = 0;
  ps->n_valid = 0;
  for (uint32_t i = 0; i < ps->octaves; i++)
    ps->oct[i] = (phase_stats_octave_t){.m = UINT32_C(1) << i};
}

phase_stats_status_t phase_stats_init(phase_stats_t *ps, int64_t tau0_ns,
                                      uint32_t window) {
  memset(ps, 0, sizeof(*ps));
  if (tau0_ns <= 0 || window < PHASE_STATS_MIN_WINDOW ||
      window > PHASE_STATS_MAX_WINDOW)
    return PHASE_STATS_EINVAL;
  ps->ring = calloc(window, sizeof(double));
  ps->sorted = calloc(window, sizeof(double));
  if (ps->ring == NULL || ps->sorted == NULL) {
    phase_stats_free(ps);
    return PHASE_STATS_ENOMEM;
  }
  ps->tau0_ns = tau0_ns;
  ps->window = window;
  /* m = 1, 2, 4, ... <= W/4. */
  while (ps->octaves < PHASE_STATS_MAX_OCTAVES &&
         (UINT32_C(1) << ps->octaves) <= window / 4)
    ps->octaves++;
  clear_samples(ps);
  return PHASE_STATS_OK;
}

void phase_stats_free(phase_stats_t *ps) {
  free(ps->ring);
  free(ps->sorted);
  ps->ring = ps->sorted = NULL;
  ps->window = 0;
  ps->octaves = 0;
}

void phase_stats_reset(phase_stats_t *ps) {
  clear_samples(ps);
  ps->have_last = 0;
}

/* Append one slot (x in s, or NaN for a missing one). */
static void push_slot(phase_stats_t *ps, double x) {
  uint64_t k = ps->slots;
  uint32_t w = ps->window;
  if (k >= w) {
    uint64_t j0 = k - w;
    for (uint32_t i = 0; i < ps->octaves; i++)
      octave_drop(ps, &ps->oct[i], j0);
    double old = slot_x(ps, j0);
    if (!isnan(old))
      sorted_remove(ps, old);
  }
  ps->ring[k % w] = x;
  ps->slots = k + 1;
  if (!isnan(x))
    sorted_insert(ps, x);
  for (uint32_t i = 0; i < ps->octaves; i++)
    octave_push(ps, &ps->oct[i], k);
  if (ps->slots % w == 0)
    for (uint32_t i = 0; i < ps->octaves; i++)
      octave_resum(ps, &ps->oct[i], ps->slots - w);
}

/* Slots from the last sample to one taken dt_ns later: dt/tau0 rounded
 * to the nearest integer; 0 when dt < tau0/2. */
static uint64_t slots_after(int64_t tau0_ns, int64_t dt_ns) {
  uint64_t k = (uint64_t)(dt_ns / tau0_ns);
  int64_t rem = dt_ns % tau0_ns;
  return rem >= tau0_ns - tau0_ns / 2 ? k + 1 : k;
}

phase_stats_add_t phase_stats_add(phase_stats_t *ps, double x_s,
                                  int64_t t_mono_ns) {
  phase_stats_add_t r = PHASE_STATS_ADDED;
  if (ps->window == 0)
    return PHASE_STATS_EARLY; /* not initialised */
  if (ps->have_last) {
    int64_t dt = t_mono_ns - ps->last_mono_ns;
    uint64_t k = dt < 0 ? 0 : slots_after(ps->tau0_ns, dt);
    if (k == 0)
      return PHASE_STATS_EARLY;
    if (k - 1 >= ps->window) {
      clear_samples(ps);
      ps->restarts++;
      r = PHASE_STATS_RESTART;
    } else if (k > 1) {
      for (uint64_t i = 1; i < k; i++)
        push_slot(ps, NAN);
      ps->missing += k - 1;
      r = PHASE_STATS_GAP;
    }
  }
  ps->have_last = 1;
  ps->last_mono_ns = t_mono_ns;
  if (!isfinite(x_s) || fabs(x_s) > PHASE_STATS_MAX_ABS_S) {
    x_s = NAN;
    ps->missing++;
    if (r == PHASE_STATS_ADDED)
      r = PHASE_STATS_MISSING;
  }
  push_slot(ps, x_s);
  return r;
}

/* ---- Queries --------------------------------------------------------- */

static void octave_result(const phase_stats_t *ps,
                          const phase_stats_octave_t *o,
                          phase_stats_tau_t *out) {
  double m = o->m;
  double tau = m * (double)ps->tau0_ns * 1e-9; /* s */
  uint32_t min_d =
      o->m * 2 > PHASE_STATS_MIN_TERMS ? o->m * 2 : PHASE_STATS_MIN_TERMS;
  uint32_t min_s = o->m > PHASE_STATS_MIN_TERMS ? o->m : PHASE_STATS_MIN_TERMS;
  /* Rounding may leave a zero sum a hair below zero. */
  double sd2 = o->sum_d2 > 0 ? o->sum_d2 : 0;
  double ss2 = o->sum_s2 > 0 ? o->sum_s2 : 0;
  *out = (phase_stats_tau_t){.m = o->m,
                             .tau_s = tau,
                             .adev = NAN,
                             .n_adev = o->n_d,
                             .mdev = NAN,
                             .tdev = NAN,
                             .n_mdev = o->n_s};
  if (o->n_d >= min_d)
    out->adev = sqrt(sd2 / (2.0 * o->n_d)) / tau;
  if (o->n_s >= min_s) {
    out->mdev = sqrt(ss2 / (2.0 * o->n_s)) / (m * tau);
    out->tdev = sqrt(ss2 / (6.0 * o->n_s)) / m;
  }
}

uint32_t phase_stats_taus(const phase_stats_t *ps, phase_stats_tau_t *out,
                          uint32_t max_out) {
  for (uint32_t i = 0; i < ps->octaves && i < max_out; i++)
    octave_result(ps, &ps->oct[i], &out[i]);
  return ps->octaves;
}

double phase_stats_percentile(const phase_stats_t *ps, double p) {
  uint32_t n = ps->n_valid;
  if (n == 0 || !(p >= 0 && p <= 100))
    return NAN;
  double h = (n - 1) * (p / 100.0);
  uint32_t lo = (uint32_t)h;
  if (lo + 1 >= n)
    return ps->sorted[n - 1];
  return ps->sorted[lo] + (h - lo) * (ps->sorted[lo + 1] - ps->sorted[lo]);
}

void phase_stats_summary(const phase_stats_t *ps, phase_stats_summary_t *out) {
  uint32_t n = ps->n_valid;
  uint64_t in_window = ps->slots < ps->window ? ps->slots : ps->window;
  double sum = 0, ss = 0;
  for (uint32_t i = 0; i < n; i++)
    sum += ps->sorted[i];
  double mean = n > 0 ? sum / n : NAN;
  for (uint32_t i = 0; i < n; i++)
    ss += (ps->sorted[i] - mean) * (ps->sorted[i] - mean);
  *out = (phase_stats_summary_t){
      .n = n,
      .missing = (uint32_t)(in_window - n),
      .mean_s = mean,
      .std_s = n > 1 ? sqrt(ss / (n - 1)) : NAN,
      .min_s = n > 0 ? ps->sorted[0] : NAN,
      .max_s = n > 0 ? ps->sorted[n - 1] : NAN,
      .p1_s = phase_stats_percentile(ps, 1),
      .p5_s = phase_stats_percentile(ps, 5),
      .p50_s = phase_stats_percentile(ps, 50),
      .p95_s = phase_stats_percentile(ps, 95),
      .p99_s = phase_stats_percentile(ps, 99),
  };
}

size_t phase_stats_bytes(uint32_t window) {
  return sizeof(phase_stats_t) + 2 * (size_t)window * sizeof(double);
}

/* In enum order, PHASE_STATS_ADDED first. */
static const char *const phase_stats_adds[] = {"added", "gap", "restart",
                                               "missing", "early"};
ENUM_NAMES_CHECK(phase_stats_adds, PHASE_STATS_EARLY);

const char *phase_stats_add_name(phase_stats_add_t r) {
  return ENUM_NAME(phase_stats_adds, r, "unknown");
}
