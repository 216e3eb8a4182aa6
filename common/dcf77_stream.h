/* SPDX-License-Identifier: MIT
 * dcf77_stream - a raw DCF77 receiver's character stream to trusted times.
 * Pure: the caller reads the device and passes each character with its
 * timestamps; no I/O, no globals, no clock reads.
 *
 *  1. characters -> pulse lengths: ntp's RAWDCF convention (0xFF << k; any
 *     other byte is not a pulse and spoils its minute);
 *  2. minute mark: a gap of more than 1.5 s between characters (second 59
 *     is unmodulated); the character after the gap is second 0 of the next
 *     minute.  The on-time mark of the minute the telegram announces is
 *     taken from the whole minute: mean of (t_i - i s) over its pulses, plus
 *     60 s (61 s with a leap second), minus the receiver latency; so a lost
 *     second-0 pulse can not shift it, and timestamp jitter averages out;
 *  3. pulse lengths -> bits with a per-minute adaptive cutoff, as ntp's
 *     cvt_rawdcf does: a histogram of k over the minute; first cutoff = the
 *     mean k; lowmax = rounded weighted mean of the bins up to it, highmax =
 *     weighted mean of the bins above it; the leftmost histogram minimum
 *     between lowmax and highmax (a run of equal minima extends it) gives
 *     cutoff = middle of that span; k >= cutoff is a 1;
 *  4. telegram decoding (dcf77_telegram.h);
 *  5. trust: a decoded time is TRUSTED only when it agrees with other
 *     telegrams: trust_after consecutive decoded telegrams whose announced
 *     times differ exactly as much as the elapsed (monotonic) time between
 *     their marks, or agreement with the last trusted telegram (the anchor,
 *     for max_gap).  While an anchor is valid, telegrams that disagree with
 *     it are never trusted (counted as inconsistent), so a run of corrupted
 *     but self-consistent telegrams cannot replace a good time.
 *
 * Time bases (nanoseconds): mono_ns from a clock that never steps and counts
 * suspend (CLOCK_BOOTTIME) for gaps and elapsed time; real_ns from
 * CLOCK_REALTIME for the offset only.
 */
#ifndef CDS_DCF77_STREAM_H
#define CDS_DCF77_STREAM_H

#include "common/dcf77_telegram.h"

#include <stdbool.h>
#include <stdint.h>

#define DCF77_MAX_CHARS 61  /* a leap minute has 60 pulses; one spare */
#define DCF77_MIN_TRUST 2   /* trust_after can not be lower */
#define DCF77_RING 128      /* pulses remembered for the quality figure */

/* Why a minute did not give a trusted time (counters are per reason). */
typedef enum {
  DCF77_R_NONE = 0,     /* decoded (trusted, or first of a chain) */
  DCF77_R_INCOMPLETE,   /* fewer than 59 or more than 60 pulses, or the
                           stream started inside the minute */
  DCF77_R_BAD_CHAR,     /* a character that is not a RAWDCF pulse */
  DCF77_R_TIMING,       /* two pulses less than 0.5 s apart, or a pulse
                           more than 0.4 s off the minute's 1 s grid */
  DCF77_R_FORMAT,       /* M, S or zone bits wrong, bad leap second */
  DCF77_R_PARITY,       /* P1, P2 or P3 */
  DCF77_R_RANGE,        /* BCD digit, field range or weekday */
  DCF77_R_INCONSISTENT, /* decoded, but disagrees with the other telegrams */
  DCF77_R_COUNT
} dcf77_reason_t;

/* Short metric-friendly name: "incomplete", "bad_character", "timing",
 * "format", "parity", "range", "inconsistent" ("none" for R_NONE). */
const char *dcf77_reason_name(dcf77_reason_t r);

typedef struct {
  int trust_after;      /* consecutive agreeing telegrams to trust (>= 2) */
  int64_t tolerance_ns; /* agreement of announced vs elapsed time */
  int64_t max_gap_ns;   /* how long a telegram/anchor can confirm another */
  int64_t latency_ns;   /* receiver + serial latency: subtracted from the
                           character timestamps to get the on-time mark */
} dcf77_params_t;

/* trust_after 3, tolerance 1.5 s, max_gap 30 min, latency 0. */
void dcf77_params_default(dcf77_params_t *p);

/* What one minute gave. */
typedef struct {
  dcf77_reason_t reason;
  dcf77_status_t status; /* telegram status when it got that far */
  int npulses;           /* characters in the minute */
  int nbad;              /* of which not a pulse */
  int cutoff;            /* k >= cutoff is a 1 */
  double spread;   /* pooled within-class standard deviation of k divided by
                      the distance of the class means; 0 = clean; NaN if a
                      class is empty */
  bool decoded;    /* a valid telegram */
  bool trusted;    /* and confirmed */
  dcf77_time_t time;      /* when decoded */
  int64_t mark_real_ns;   /* on-time mark of time.utc_s (latency removed) */
  int64_t mark_mono_ns;   /* the same on the monotonic clock */
  int64_t offset_ns; /* DCF77 minus system clock: utc_s - mark_real;
                        + = the system clock is behind DCF77 */
  char timecode[DCF77_MAX_CHARS + 1]; /* '0', '1', '?' per second */
} dcf77_minute_t;

typedef struct {
  dcf77_params_t p;
  /* the minute being received */
  uint8_t k[DCF77_MAX_CHARS]; /* pulse length, 0xFF = not a pulse */
  int64_t real_ns[DCF77_MAX_CHARS], mono_ns[DCF77_MAX_CHARS];
  int n;                      /* characters so far (may exceed the buffer) */
  bool started;               /* it began after a minute mark */
  bool timing_bad;
  bool have_last;
  int64_t last_mono_ns;
  /* the previous decoded telegram and the chain it ends */
  bool have_prev;
  int64_t prev_utc_s, prev_mono_ns;
  int chain;
  /* the last trusted telegram */
  bool have_anchor;
  int64_t anchor_utc_s, anchor_mono_ns;
  /* recent pulses (mono time, valid) for the quality figure */
  int64_t ring_mono[DCF77_RING];
  bool ring_valid[DCF77_RING];
  unsigned ring_pos, ring_n;
  /* counters since init */
  uint64_t chars, bad_chars, minutes, decoded, trusted;
  uint64_t rejected[DCF77_R_COUNT];
} dcf77_stream_t;

void dcf77_stream_init(dcf77_stream_t *s, const dcf77_params_t *p);

/* Feed one character received at mono_ns / real_ns.  Returns true when the
 * character followed a minute mark (a gap > 1.5 s) and so ended a minute:
 * *out then describes that minute (the character starts the next one). */
bool dcf77_stream_feed(dcf77_stream_t *s, uint8_t ch, int64_t mono_ns,
                       int64_t real_ns, dcf77_minute_t *out);

/* Fraction (0..1) of the seconds of the last 60 s (ending at mono_now_ns)
 * that brought a valid pulse; 59 pulses a minute count as 1. */
double dcf77_stream_quality(const dcf77_stream_t *s, int64_t mono_now_ns);

/* The per-minute adaptive cutoff (exposed for the tests): hist[k] = number
 * of pulses of length k (0..8).  Returns the cutoff (k >= cutoff is a 1). */
int dcf77_cutoff(const unsigned hist[9]);

#endif
