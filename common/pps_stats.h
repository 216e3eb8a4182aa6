/* SPDX-License-Identifier: MIT
 * pps_stats - health statistics of a pulse-per-second signal, computed from
 * the sequence of edge timestamps a PPS source delivers (RFC 2783
 * time_pps_fetch(), /sys/class/pps/ppsN/assert, or a ppstest trace).
 *
 * Pure C: no I/O, no globals, no logging.  All times are integer nanoseconds
 * internally; the summary converts to SI seconds (double) at the boundary.
 *
 * Sign of the edge offset (the one convention to remember):
 *   offset = edge timestamp - nearest whole second of the system clock,
 *   in (-period/2, +period/2].
 *   The PPS edge marks the true start of a second.  The kernel timestamps it
 *   with the system clock.  If the system clock is AHEAD of true time by d,
 *   the edge is stamped at S + d, so offset = +d.  Hence:
 *     positive = the edge was stamped after the system's whole second
 *              = the system clock is ahead of the PPS (fast / early),
 *     negative = the system clock is behind the PPS.
 *   This is the opposite sign of ntpd's "offset" (reference - local).
 *   It also contains the interrupt latency (always positive) and any
 *   uncompensated cable/receiver delay.
 */
#ifndef PPS_STATS_H
#define PPS_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PPS_NS_PER_S INT64_C(1000000000)

/* One captured edge. */
typedef struct {
  int64_t ts_ns;   /* timestamp by the system clock (CLOCK_REALTIME), ns */
  uint32_t seq;    /* the source's edge counter (kernel u32; wraps) */
  bool has_mono;   /* mono_ns is valid */
  int64_t mono_ns; /* the same instant on CLOCK_MONOTONIC (never stepped),
                      estimated by the reader when it fetched the edge */
} pps_edge_t;

/* "Now", for ages and pulses that are due but have not come. */
typedef struct {
  int64_t real_ns; /* CLOCK_REALTIME */
  bool has_mono;
  int64_t mono_ns; /* CLOCK_MONOTONIC */
} pps_now_t;

/* ---- Parsing -------------------------------------------------------- */

typedef enum {
  PPS_PARSE_OK = 0,
  PPS_PARSE_EMPTY, /* nothing captured: empty sysfs file (edge not in
                      the capture mode) */
  PPS_PARSE_BAD,   /* malformed: rejected */
} pps_parse_status_t;

/* Parse the text of /sys/class/pps/ppsN/{assert,clear}: "SEC.NNNNNNNNN#SEQ"
 * plus an optional newline (kernel: "%lld.%09d#%d\n"; the sequence is a
 * u32 printed with %d, so values >= 2^31 appear negative and are taken
 * modulo 2^32).  Exactly 9 nanosecond digits; nothing else allowed.
 * `len` bytes of `text` are examined (text need not be NUL-terminated).
 * "0.000000000#0" (nothing captured yet) parses as OK with seq 0, ts 0. */
pps_parse_status_t pps_parse_sysfs(const char *text, size_t len,
                                   pps_edge_t *out);

/* Parse one line printed by pps-tools' ppstest:
 * "source 0 - assert 1411064435.000594220, sequence: 3906 - clear  0.000000000, sequence: 0"
 * Runs of spaces between tokens are accepted; everything else is literal.
 * Either output pointer may be NULL.  *source_out (if not NULL) gets the
 * source index. */
pps_parse_status_t pps_parse_ppstest(const char *line, int *source_out,
                                     pps_edge_t *assert_out,
                                     pps_edge_t *clear_out);

/* ---- Statistics ----------------------------------------------------- */

typedef struct {
  int64_t period_ns;         /* nominal pulse period (1 s) */
  int64_t step_threshold_ns; /* a clock step larger than this is detected */
  int64_t timeout_ns;        /* no pulse for longer: the signal has stopped */
} pps_stats_config_t;

/* Defaults: 1 s period, 10 ms step threshold, 2.5 s timeout. */
void pps_stats_config_default(pps_stats_config_t *cfg);

typedef struct {
  int64_t n;
  int64_t sum, min, max;
} pps_acc_t;

typedef struct {
  pps_stats_config_t cfg;
  /* Across intervals. */
  bool have_last;
  pps_edge_t last;         /* last accepted pulse */
  int64_t last_offset_ns;  /* its edge offset */
  int64_t overdue_counted; /* pulses after `last` already counted missed */
  int64_t total_pulses, total_missed, total_steps, total_glitches,
      total_restarts, total_duplicates;
  /* This interval. */
  int64_t pulses, missed, seq_gaps;
  pps_acc_t offset;        /* edge offsets, ns */
  int64_t jit_n;
  double jit_sumsq;        /* sum of squared successive differences, ns^2 */
  pps_acc_t interval_err;  /* pulse interval - period, ns */
} pps_stats_t;

typedef enum {
  PPS_EDGE_NONE = 0,  /* nothing captured yet (seq 0 and timestamp 0) */
  PPS_EDGE_ANCHOR,    /* first edge seen, older than the timeout: history,
                         not a pulse of this interval */
  PPS_EDGE_FIRST,     /* first pulse (no interval yet) */
  PPS_EDGE_NEW,       /* a new pulse, with its interval */
  PPS_EDGE_DUPLICATE, /* same sequence as the last: no new pulse */
  PPS_EDGE_GLITCH,    /* a new sequence less than half a period after the
                         last pulse: a spurious edge, ignored */
  PPS_EDGE_STEP,      /* a new pulse across a step of the system clock:
                         counted, but its interval and offset difference
                         are kept out of jitter and interval error */
  PPS_EDGE_RESTART,   /* the sequence went backwards (device re-created):
                         re-anchored, no gap counted */
  PPS_EDGE_INVALID,   /* nanoseconds out of range: rejected */
} pps_edge_result_t;

void pps_stats_init(pps_stats_t *st, const pps_stats_config_t *cfg);

/* Forget the last pulse and the current interval (the device went away);
 * the configuration and the totals are kept. */
void pps_stats_forget(pps_stats_t *st);

/* Offset of a timestamp from the nearest multiple of `period_ns`, in
 * (-period/2, +period/2]; see the sign convention above. */
int64_t pps_edge_offset_ns(int64_t ts_ns, int64_t period_ns);

/* Feed one fetched edge.  `now` is used only for the very first edge (to
 * tell a fresh pulse from a stale one left in sysfs); may be NULL. */
pps_edge_result_t pps_stats_add(pps_stats_t *st, const pps_edge_t *e,
                                const pps_now_t *now);

/* What the plugin dispatches for one interval.  Gauges are doubles (NaN =
 * unknown), counters int64. */
typedef struct {
  double pulses;        /* new pulses seen this interval */
  double missed;        /* pulses due by elapsed time but not seen */
  double sequence_gaps; /* pulses the source counted but we never fetched */
  double since_last_s;  /* seconds since the last pulse (NaN: never) */
  double offset_mean_s, offset_min_s, offset_max_s; /* NaN: no pulse */
  double jitter_s;      /* RMS of successive offset differences */
  double interval_error_mean_s, interval_error_min_s, interval_error_max_s;
  double signal;        /* 1: last pulse within timeout; 0: stopped */
  int64_t total_pulses, total_missed, total_steps, total_glitches;
} pps_summary_t;

/* Close the interval at `now`: count pulses now overdue as missed, fill
 * `out`, and start a new interval (totals and the last pulse are kept). */
void pps_stats_take(pps_stats_t *st, const pps_now_t *now,
                    pps_summary_t *out);

const char *pps_edge_result_name(pps_edge_result_t r);

#endif /* PPS_STATS_H */
