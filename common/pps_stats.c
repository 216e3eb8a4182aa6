/* SPDX-License-Identifier: MIT
 * pps_stats - PPS signal health from edge timestamps (see pps_stats.h). */
#include "common/pps_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Parsing -------------------------------------------------------- */

/* Decimal digits at *p (at least one, at most max_digits), value <= max. */
static int parse_digits(const char **p, const char *end, int max_digits,
                        uint64_t max, uint64_t *val) {
  const char *s = *p;
  uint64_t v = 0;
  int n = 0;
  while (s < end && *s >= '0' && *s <= '9') {
    if (++n > max_digits)
      return -1;
    v = v * 10 + (uint64_t)(*s - '0');
    if (v > max)
      return -1;
    s++;
  }
  if (n == 0)
    return -1;
  *p = s;
  *val = v;
  return 0;
}

/* SEC.NNNNNNNNN (exactly nine fraction digits) -> ns since the epoch. */
static int parse_timestamp(const char **p, const char *end, int64_t *ns) {
  uint64_t sec, nsec;
  const char *s = *p;
  /* 9.2e9 s fits in int64 ns. */
  if (parse_digits(&s, end, 10, (uint64_t)(INT64_MAX / PPS_NS_PER_S) - 1,
                   &sec) != 0)
    return -1;
  if (s >= end || *s != '.')
    return -1;
  s++;
  const char *frac = s;
  if (parse_digits(&s, end, 9, 999999999, &nsec) != 0 || s - frac != 9)
    return -1;
  *ns = (int64_t)sec * PPS_NS_PER_S + (int64_t)nsec;
  *p = s;
  return 0;
}

pps_parse_status_t pps_parse_sysfs(const char *text, size_t len,
                                   pps_edge_t *out) {
  if (text == NULL || out == NULL)
    return PPS_PARSE_BAD;
  if (len == 0)
    return PPS_PARSE_EMPTY;
  const char *p = text, *end = text + len;
  if (end[-1] == '\n')
    end--;
  int64_t ts;
  if (parse_timestamp(&p, end, &ts) != 0 || p >= end || *p != '#')
    return PPS_PARSE_BAD;
  p++;
  /* The kernel prints the u32 sequence with %d: accept -2^31..2^32-1. */
  bool neg = false;
  if (p < end && *p == '-') {
    neg = true;
    p++;
  }
  uint64_t seq;
  if (parse_digits(&p, end, 10, neg ? UINT64_C(2147483648) : UINT32_MAX,
                   &seq) != 0 ||
      p != end)
    return PPS_PARSE_BAD;
  *out = (pps_edge_t){.ts_ns = ts,
                      .seq = neg ? (uint32_t)(UINT64_C(4294967296) - seq)
                                 : (uint32_t)seq};
  return PPS_PARSE_OK;
}

/* Match a literal; a space in `lit` matches one or more spaces. */
static int expect(const char **p, const char *end, const char *lit) {
  const char *s = *p;
  for (; *lit != '\0'; lit++) {
    if (*lit == ' ') {
      if (s >= end || *s != ' ')
        return -1;
      while (s < end && *s == ' ')
        s++;
      continue;
    }
    if (s >= end || *s != *lit)
      return -1;
    s++;
  }
  *p = s;
  return 0;
}

static int parse_ppstest_edge(const char **p, const char *end,
                              const char *name, pps_edge_t *e) {
  uint64_t seq;
  if (expect(p, end, name) != 0 || expect(p, end, " ") != 0 ||
      parse_timestamp(p, end, &e->ts_ns) != 0 ||
      expect(p, end, ", sequence: ") != 0 ||
      parse_digits(p, end, 10, UINT32_MAX, &seq) != 0)
    return -1;
  e->seq = (uint32_t)seq;
  e->has_mono = false;
  e->mono_ns = 0;
  return 0;
}

pps_parse_status_t pps_parse_ppstest(const char *line, int *source_out,
                                     pps_edge_t *assert_out,
                                     pps_edge_t *clear_out) {
  if (line == NULL)
    return PPS_PARSE_BAD;
  const char *p = line, *end = line + strlen(line);
  while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
    end--;
  uint64_t src;
  pps_edge_t a, c;
  if (expect(&p, end, "source ") != 0 ||
      parse_digits(&p, end, 2, 99, &src) != 0 ||
      expect(&p, end, " - ") != 0 ||
      parse_ppstest_edge(&p, end, "assert", &a) != 0 ||
      expect(&p, end, " - ") != 0 ||
      parse_ppstest_edge(&p, end, "clear", &c) != 0 || p != end)
    return PPS_PARSE_BAD;
  if (source_out != NULL)
    *source_out = (int)src;
  if (assert_out != NULL)
    *assert_out = a;
  if (clear_out != NULL)
    *clear_out = c;
  return PPS_PARSE_OK;
}

/* ---- Statistics ----------------------------------------------------- */

void pps_stats_config_default(pps_stats_config_t *cfg) {
  *cfg = (pps_stats_config_t){.period_ns = PPS_NS_PER_S,
                              .step_threshold_ns = 10 * 1000 * 1000,
                              .timeout_ns = 2500 * 1000 * 1000LL};
}

static void acc_reset(pps_acc_t *a) { *a = (pps_acc_t){0}; }

static void acc_add(pps_acc_t *a, int64_t v) {
  if (a->n == 0 || v < a->min)
    a->min = v;
  if (a->n == 0 || v > a->max)
    a->max = v;
  a->sum += v;
  a->n++;
}

static void interval_reset(pps_stats_t *st) {
  st->pulses = st->missed = st->seq_gaps = 0;
  acc_reset(&st->offset);
  acc_reset(&st->interval_err);
  st->jit_n = 0;
  st->jit_sumsq = 0.0;
}

void pps_stats_init(pps_stats_t *st, const pps_stats_config_t *cfg) {
  memset(st, 0, sizeof(*st));
  if (cfg != NULL)
    st->cfg = *cfg;
  else
    pps_stats_config_default(&st->cfg);
  if (st->cfg.period_ns <= 0)
    st->cfg.period_ns = PPS_NS_PER_S;
}

void pps_stats_forget(pps_stats_t *st) {
  st->have_last = false;
  st->last = (pps_edge_t){0};
  st->last_offset_ns = 0;
  st->overdue_counted = 0;
  interval_reset(st);
}

int64_t pps_edge_offset_ns(int64_t ts_ns, int64_t period_ns) {
  int64_t r = ts_ns % period_ns;
  if (r < 0)
    r += period_ns;
  if (r > period_ns / 2)
    r -= period_ns;
  return r;
}

/* Elapsed time from edge `a` to edge `b`, on the monotonic clock when both
 * have it (immune to steps of the system clock), else on the system clock. */
static int64_t edge_elapsed(const pps_edge_t *a, const pps_edge_t *b) {
  if (a->has_mono && b->has_mono)
    return b->mono_ns - a->mono_ns;
  return b->ts_ns - a->ts_ns;
}

static int64_t now_elapsed(const pps_edge_t *a, const pps_now_t *now) {
  if (a->has_mono && now->has_mono)
    return now->mono_ns - a->mono_ns;
  return now->real_ns - a->ts_ns;
}

/* Pulses after the last one whose expected time plus half a period has
 * passed `elapsed` ns after it. */
static int64_t overdue(const pps_stats_t *st, int64_t elapsed) {
  int64_t p = st->cfg.period_ns;
  if (elapsed <= p + p / 2)
    return 0;
  return (elapsed - p / 2) / p;
}

static void accept_pulse(pps_stats_t *st, const pps_edge_t *e) {
  int64_t off = pps_edge_offset_ns(e->ts_ns, st->cfg.period_ns);
  acc_add(&st->offset, off);
  st->pulses++;
  st->total_pulses++;
  st->last = *e;
  st->last_offset_ns = off;
  st->have_last = true;
  st->overdue_counted = 0;
}

static pps_edge_result_t add_first(pps_stats_t *st, const pps_edge_t *e,
                                   const pps_now_t *now) {
  if (now != NULL) {
    int64_t age = now_elapsed(e, now);
    if (age > st->cfg.timeout_ns) {
      /* A value left from long ago (sysfs keeps the last edge forever):
       * remember it for "since last pulse", count nothing. */
      st->last = *e;
      st->last_offset_ns = pps_edge_offset_ns(e->ts_ns, st->cfg.period_ns);
      st->have_last = true;
      /* Every pulse expected before now is history, not "missed". */
      st->overdue_counted = age / st->cfg.period_ns;
      return PPS_EDGE_ANCHOR;
    }
  }
  accept_pulse(st, e);
  return PPS_EDGE_FIRST;
}

/* The interval between the last pulse and `e` (k periods long). */
static pps_edge_result_t add_interval(pps_stats_t *st, const pps_edge_t *e,
                                      uint32_t dseq, int64_t dt_base) {
  int64_t p = st->cfg.period_ns;
  int64_t k = (dt_base + p / 2) / p; /* >= 1 here */
  int64_t dt_real = e->ts_ns - st->last.ts_ns;
  bool stepped;
  if (st->last.has_mono && e->has_mono) {
    /* What the system clock jumped between the two edges. */
    stepped = llabs(dt_real - dt_base) > st->cfg.step_threshold_ns;
  } else {
    /* No monotonic clock: an interval far from a whole number of periods
     * is a step; the number of periods is then the source's count.  (A
     * step of whole seconds cannot be told from missed pulses here.) */
    stepped = llabs(dt_real - k * p) > st->cfg.step_threshold_ns;
    if (stepped)
      k = (int64_t)dseq;
  }

  /* Pulses missing in this gap, less those already counted as overdue. */
  int64_t gap = k - 1 - st->overdue_counted;
  if (gap > 0) {
    st->missed += gap;
    st->total_missed += gap;
  }
  st->seq_gaps += (int64_t)dseq - 1;

  int64_t prev_off = st->last_offset_ns;
  accept_pulse(st, e);
  if (stepped) {
    st->total_steps++;
    return PPS_EDGE_STEP;
  }
  int64_t d = st->last_offset_ns - prev_off;
  if (d > p / 2)
    d -= p;
  else if (d <= -p / 2)
    d += p;
  st->jit_sumsq += (double)d * (double)d;
  st->jit_n++;
  acc_add(&st->interval_err, (dt_real - k * p) / k);
  return PPS_EDGE_NEW;
}

pps_edge_result_t pps_stats_add(pps_stats_t *st, const pps_edge_t *e,
                                const pps_now_t *now) {
  if (e->ts_ns < 0)
    return PPS_EDGE_INVALID;
  if (e->seq == 0 && e->ts_ns == 0)
    return PPS_EDGE_NONE;
  if (!st->have_last)
    return add_first(st, e, now);

  uint32_t dseq = e->seq - st->last.seq; /* modulo 2^32: wraps cleanly */
  if (dseq == 0) {
    st->total_duplicates++;
    return PPS_EDGE_DUPLICATE;
  }
  if (dseq > UINT32_C(0x80000000)) {
    st->total_restarts++;
    accept_pulse(st, e);
    return PPS_EDGE_RESTART;
  }
  int64_t dt_base = edge_elapsed(&st->last, e);
  if (dt_base < st->cfg.period_ns / 2) {
    /* Too soon to be the next second: keep the sequence, not the time. */
    st->last.seq = e->seq;
    st->total_glitches++;
    return PPS_EDGE_GLITCH;
  }
  return add_interval(st, e, dseq, dt_base);
}

static double ns_to_s(double ns) { return ns / 1e9; }

static void acc_out(const pps_acc_t *a, double *mean, double *min,
                    double *max) {
  if (a->n == 0) {
    *mean = *min = *max = NAN;
    return;
  }
  *mean = ns_to_s((double)a->sum / (double)a->n);
  *min = ns_to_s((double)a->min);
  *max = ns_to_s((double)a->max);
}

void pps_stats_take(pps_stats_t *st, const pps_now_t *now,
                    pps_summary_t *out) {
  *out = (pps_summary_t){.since_last_s = NAN, .signal = 0.0};
  if (st->have_last) {
    int64_t el = now_elapsed(&st->last, now);
    int64_t due = overdue(st, el);
    if (due > st->overdue_counted) {
      st->missed += due - st->overdue_counted;
      st->total_missed += due - st->overdue_counted;
      st->overdue_counted = due;
    }
    out->since_last_s = ns_to_s((double)(el < 0 ? 0 : el));
    out->signal = el <= st->cfg.timeout_ns ? 1.0 : 0.0;
  }
  out->pulses = (double)st->pulses;
  out->missed = (double)st->missed;
  out->sequence_gaps = (double)st->seq_gaps;
  acc_out(&st->offset, &out->offset_mean_s, &out->offset_min_s,
          &out->offset_max_s);
  out->jitter_s =
      st->jit_n > 0 ? ns_to_s(sqrt(st->jit_sumsq / (double)st->jit_n)) : NAN;
  acc_out(&st->interval_err, &out->interval_error_mean_s,
          &out->interval_error_min_s, &out->interval_error_max_s);
  out->total_pulses = st->total_pulses;
  out->total_missed = st->total_missed;
  out->total_steps = st->total_steps;
  out->total_glitches = st->total_glitches;
  interval_reset(st);
}

const char *pps_edge_result_name(pps_edge_result_t r) {
  static const char *const names[] = {
      "none",   "anchor", "first",   "new",     "duplicate",
      "glitch", "step",   "restart", "invalid",
  };
  if ((unsigned)r < sizeof(names) / sizeof(names[0]))
    return names[r];
  return "?";
}
