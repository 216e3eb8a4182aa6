/* SPDX-License-Identifier: MIT
 * dcf77_stream - character stream -> minutes -> trusted times (see header).
 */
#include "common/dcf77_stream.h"

#include <math.h>
#include <string.h>

#define NS_PER_S INT64_C(1000000000)
#define MARK_GAP_NS (NS_PER_S * 3 / 2)  /* > 1.5 s: minute mark (ntp) */
/* Two characters less than 0.5 s apart: an extra pulse (any extra pulse
 * within a second makes one of its two intervals <= 0.5 s).  Late ones (up
 * to the 1.5 s mark gap) are fine: a loaded host may read them late. */
#define STEP_MIN_NS (NS_PER_S / 2)
#define NOT_A_PULSE 0xFF

const char *dcf77_reason_name(dcf77_reason_t r) {
  static const char *names[DCF77_R_COUNT] = {
      "none",   "incomplete", "bad_character", "timing",
      "format", "parity",     "range",         "inconsistent"};
  return (unsigned)r < DCF77_R_COUNT ? names[r] : "unknown";
}

void dcf77_params_default(dcf77_params_t *p) {
  p->trust_after = 3;
  p->tolerance_ns = MARK_GAP_NS;
  p->max_gap_ns = 30 * 60 * NS_PER_S;
  p->latency_ns = 0;
}

void dcf77_stream_init(dcf77_stream_t *s, const dcf77_params_t *p) {
  memset(s, 0, sizeof(*s));
  s->p = *p;
  if (s->p.trust_after < DCF77_MIN_TRUST)
    s->p.trust_after = DCF77_MIN_TRUST;
}

int dcf77_cutoff(const unsigned hist[9]) {
  unsigned n = 0, sum = 0;
  for (unsigned k = 0; k < 9; k++) {
    n += hist[k];
    sum += k * hist[k];
  }
  if (n == 0)
    return 4;
  unsigned first = sum / n; /* the mean, truncated */
  unsigned lw = 0, ln = 0, hw = 0, hn = 0;
  for (unsigned k = 0; k < 9; k++) {
    if (k <= first) {
      lw += k * hist[k];
      ln += hist[k];
    } else {
      hw += k * hist[k];
      hn += hist[k];
    }
  }
  unsigned lowmax = ln ? (lw + ln / 2) / ln : 0;
  unsigned highmax = hn ? hw / hn : 8;
  unsigned cut = lowmax, span = lowmax;
  for (unsigned k = lowmax; k <= highmax && k < 9; k++) {
    if (hist[k] < hist[cut]) {
      cut = span = k;
    } else if (hist[k] == hist[cut]) {
      span = k;
    }
  }
  return (int)((cut + span) / 2);
}

/* Pooled within-class standard deviation over the class distance. */
static double spread_of(const unsigned hist[9], int cutoff) {
  double n[2] = {0, 0}, sum[2] = {0, 0}, sq[2] = {0, 0};
  for (int k = 0; k < 9; k++) {
    int c = k >= cutoff;
    n[c] += hist[k];
    sum[c] += (double)k * hist[k];
    sq[c] += (double)k * k * hist[k];
  }
  if (n[0] < 1 || n[1] < 1 || n[0] + n[1] < 3)
    return NAN;
  double m0 = sum[0] / n[0], m1 = sum[1] / n[1];
  double ss = (sq[0] - n[0] * m0 * m0) + (sq[1] - n[1] * m1 * m1);
  if (ss < 0)
    ss = 0;
  double sd = sqrt(ss / (n[0] + n[1] - 2));
  return m1 > m0 ? sd / (m1 - m0) : NAN;
}

static dcf77_reason_t reason_of(dcf77_status_t st) {
  switch (st) {
  case DCF77_OK:
    return DCF77_R_NONE;
  case DCF77_E_LENGTH:
    return DCF77_R_INCOMPLETE;
  case DCF77_E_PARITY_MINUTE:
  case DCF77_E_PARITY_HOUR:
  case DCF77_E_PARITY_DATE:
    return DCF77_R_PARITY;
  case DCF77_E_BCD:
  case DCF77_E_RANGE:
  case DCF77_E_WEEKDAY:
    return DCF77_R_RANGE;
  default:
    return DCF77_R_FORMAT;
  }
}

/* Does telegram b (announced utc_b, marked at mono_b) follow a as the
 * elapsed time says? */
static bool agrees(const dcf77_params_t *p, int64_t utc_a, int64_t mono_a,
                   int64_t utc_b, int64_t mono_b) {
  int64_t elapsed = mono_b - mono_a;
  if (elapsed <= 0 || elapsed > p->max_gap_ns || utc_b <= utc_a)
    return false;
  int64_t d = (utc_b - utc_a) * NS_PER_S - elapsed;
  return d >= -p->tolerance_ns && d <= p->tolerance_ns;
}

static void judge(dcf77_stream_t *s, dcf77_minute_t *m) {
  int64_t u = m->time.utc_s, t = m->mark_mono_ns;
  bool prev_recent =
      s->have_prev && t - s->prev_mono_ns <= s->p.max_gap_ns;
  bool with_prev =
      s->have_prev && agrees(&s->p, s->prev_utc_s, s->prev_mono_ns, u, t);
  bool anchor_valid =
      s->have_anchor && t - s->anchor_mono_ns <= s->p.max_gap_ns;
  bool with_anchor = anchor_valid && agrees(&s->p, s->anchor_utc_s,
                                            s->anchor_mono_ns, u, t);
  s->chain = with_prev ? s->chain + 1 : 1;
  s->have_prev = true;
  s->prev_utc_s = u;
  s->prev_mono_ns = t;
  m->trusted =
      with_anchor || (!anchor_valid && s->chain >= s->p.trust_after);
  if (m->trusted) {
    s->have_anchor = true;
    s->anchor_utc_s = u;
    s->anchor_mono_ns = t;
    s->trusted++;
  } else if ((prev_recent && !with_prev) || anchor_valid) {
    m->reason = DCF77_R_INCONSISTENT;
  }
}

/* Second 0 of the next minute from all n pulses (seconds 0..n-1). */
static int64_t mark_of(const int64_t *t, int n) {
  int64_t sum = 0;
  for (int i = 0; i < n; i++)
    sum += t[i] - t[0] - i * NS_PER_S;
  return t[0] + sum / n + (int64_t)n * NS_PER_S + NS_PER_S;
}

/* Are the n pulses on a 1 s grid?  Every pulse within ALIGN_NS of the
 * median of (t_i - t_0 - i s); catches a pulse lost at the start of the
 * minute and replaced by an extra one later, which shifts the grid. */
#define ALIGN_NS (NS_PER_S * 4 / 10)
static bool aligned(const int64_t *t, int n) {
  int64_t d[DCF77_MAX_CHARS];
  for (int i = 0; i < n; i++) {
    int64_t v = t[i] - t[0] - i * NS_PER_S;
    int j = i;
    for (; j > 0 && d[j - 1] > v; j--)
      d[j] = d[j - 1];
    d[j] = v;
  }
  int64_t med = d[n / 2];
  return d[0] >= med - ALIGN_NS && d[n - 1] <= med + ALIGN_NS;
}

static void finish_minute(dcf77_stream_t *s, dcf77_minute_t *m) {
  memset(m, 0, sizeof(*m));
  int n = s->n < DCF77_MAX_CHARS ? s->n : DCF77_MAX_CHARS;
  unsigned hist[9] = {0};
  for (int i = 0; i < n; i++)
    if (s->k[i] != NOT_A_PULSE) {
      hist[s->k[i]]++;
    } else {
      m->nbad++;
    }
  m->npulses = s->n;
  m->cutoff = dcf77_cutoff(hist);
  m->spread = spread_of(hist, m->cutoff);
  uint8_t bits[DCF77_MAX_CHARS];
  for (int i = 0; i < n; i++) {
    bits[i] = s->k[i] != NOT_A_PULSE && s->k[i] >= m->cutoff;
    m->timecode[i] = s->k[i] == NOT_A_PULSE ? '?' : (char)('0' + bits[i]);
  }
  s->minutes++;
  if (!s->started || s->n < DCF77_BITS || s->n > DCF77_BITS_LEAP) {
    m->reason = DCF77_R_INCOMPLETE;
  } else if (m->nbad > 0) {
    m->reason = DCF77_R_BAD_CHAR;
  } else if (s->timing_bad || !aligned(s->mono_ns, n)) {
    m->reason = DCF77_R_TIMING;
  } else {
    m->status = dcf77_decode_bits(bits, (size_t)n, &m->time);
    m->reason = reason_of(m->status);
    if (m->status == DCF77_OK) {
      m->decoded = true;
      s->decoded++;
      /* In a leap minute the system clock (if it knows about the leap
       * second) repeats a second before the mark: take that off. */
      m->mark_real_ns = mark_of(s->real_ns, n) - s->p.latency_ns -
                        (m->time.leap_minute ? NS_PER_S : 0);
      m->mark_mono_ns = mark_of(s->mono_ns, n) - s->p.latency_ns;
      m->offset_ns = m->time.utc_s * NS_PER_S - m->mark_real_ns;
      judge(s, m);
    }
  }
  if (m->reason != DCF77_R_NONE)
    s->rejected[m->reason]++;
}

bool dcf77_stream_feed(dcf77_stream_t *s, uint8_t ch, int64_t mono_ns,
                       int64_t real_ns, dcf77_minute_t *out) {
  int k = dcf77_char_pulse(ch);
  bool ended = false;
  s->chars++;
  if (k < 0)
    s->bad_chars++;
  s->ring_mono[s->ring_pos] = mono_ns;
  s->ring_valid[s->ring_pos] = k >= 0;
  s->ring_pos = (s->ring_pos + 1) % DCF77_RING;
  if (s->ring_n < DCF77_RING)
    s->ring_n++;
  if (s->have_last) {
    int64_t dt = mono_ns - s->last_mono_ns;
    if (dt > MARK_GAP_NS) {
      dcf77_minute_t scratch;
      finish_minute(s, out != NULL ? out : &scratch);
      ended = true;
      s->n = 0;
      s->started = true;
      s->timing_bad = false;
    } else if (dt < STEP_MIN_NS) {
      s->timing_bad = true;
    }
  }
  s->have_last = true;
  s->last_mono_ns = mono_ns;
  if (s->n < DCF77_MAX_CHARS) {
    s->k[s->n] = k >= 0 ? (uint8_t)k : NOT_A_PULSE;
    s->real_ns[s->n] = real_ns;
    s->mono_ns[s->n] = mono_ns;
  }
  if (s->n < INT32_MAX)
    s->n++;
  return ended;
}

double dcf77_stream_quality(const dcf77_stream_t *s, int64_t mono_now_ns) {
  unsigned valid = 0;
  for (unsigned i = 0; i < s->ring_n; i++) {
    int64_t t = s->ring_mono[i];
    if (s->ring_valid[i] && t <= mono_now_ns &&
        t > mono_now_ns - 60 * NS_PER_S)
      valid++;
  }
  double q = valid / (double)DCF77_BITS;
  return q > 1.0 ? 1.0 : q;
}
