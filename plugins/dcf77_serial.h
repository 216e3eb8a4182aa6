/* SPDX-License-Identifier: MIT
 * dcf77_serial - Source 2 of the dcf77 plugin: a raw DCF77 receiver on a
 * serial line (or USB serial adapter), read by a thread of our own and
 * decoded with common/dcf77_stream.
 *
 * The device is opened read-only, lazily, and reopened after errors (a
 * receiver unplugged and plugged back in is found again, also by udev
 * match).  The thread timestamps every character (CLOCK_REALTIME for the
 * offset, CLOCK_BOOTTIME for gaps and elapsed time) and feeds the decoder
 * under a mutex; read() takes a snapshot under the same mutex.
 */
#ifndef CDS_DCF77_SERIAL_H
#define CDS_DCF77_SERIAL_H

#include "common/dcf77_stream.h"
#include "common/phase_stats.h"
#include "io/worker.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum {
  DCF77_RX_MOUSECLOCK, /* Gude Expert mouseCLOCK USB v2.0: 4800 baud 8E1 */
  DCF77_RX_RAW50,      /* Conrad-style raw receivers: 50 baud 8E1 */
} dcf77_rx_type_t;

/* Parse "mouseclock" / "raw50"; -1 if unknown.  *latency_s gets the type's
 * default latency (ntp's base delay: 0.425 s, 0.292 s). */
int dcf77_rx_type_parse(const char *s, dcf77_rx_type_t *type,
                        double *latency_s);

/* "vvvv:pppp" or "vvvv:pppp:serial" (hex USB vendor and product id). */
typedef struct {
  char vendor[5], product[5], serial[64];
} dcf77_udev_match_t;
int dcf77_udev_match_parse(const char *s, dcf77_udev_match_t *m);

typedef struct {
  char name[64];
  char device[256];     /* configured path, "" if by udev match */
  bool use_udev;
  dcf77_udev_match_t match;
  dcf77_rx_type_t type;
  dcf77_params_t params;
  double max_age_s;     /* a trusted time older than this is not "trusted" */

  /* the reader thread */
  worker_t worker;
  pthread_mutex_t lock;

  /* under lock */
  dcf77_stream_t stream;
  bool device_open;
  int fd;                /* the open device, -1: closed (closed after -1) */
  char device_path[256]; /* what is open (resolved udev path) */
  char status[512];      /* why it is not open ("" when open) */
  int line_errno;        /* tcsetattr() result of the last open */
  bool have_minute, have_trusted;
  dcf77_minute_t last_minute, last_trusted;
  int64_t last_minute_mono_ns;
  bool have_pulse;
  int64_t last_pulse_mono_ns;
  int64_t opened_mono_ns; /* start of the current wait for trust */
  /* Stability statistics of the trusted minutes' offset_ns (s), slot time
   * their mark on CLOCK_BOOTTIME; NULL unless Stability is on.  Set
   * before the thread starts, fed by it, read under lock. */
  phase_stats_t *stab;
} dcf77_rx_t;

/* Values for one read (see the metric table in dcf77.c). */
typedef struct {
  double receiving; /* a valid pulse within the last 3 s: 0/1 (NaN during
                       the first 3 s after the device opened, and while
                       the reader is behind) */
  bool behind;      /* no pulse for 3 s, but characters wait unread in the
                       tty: the reader did not run (a stalled host) */
  double valid_pulses_pct; /* % of the last 60 s with a valid pulse */
  double pulse_spread;     /* last minute's spread (dimensionless) */
  double trusted;          /* 0/1 */
  double since_trusted_s;  /* since the last trusted time (or the open) */
  double offset_s;         /* DCF77 minus system clock, trusted only */
  double call_bit, dst_announce, leap_announce, cest; /* 0/1 */
  int64_t minutes, decoded, trusted_minutes;
  int64_t rejected[DCF77_R_COUNT];
} dcf77_rx_snapshot_t;

/* Initialise runtime fields (after the config fields are set). */
void dcf77_rx_init(dcf77_rx_t *rx);
/* Start / stop the reader thread.  Start returns 0 or an errno. */
int dcf77_rx_start(dcf77_rx_t *rx);
void dcf77_rx_stop(dcf77_rx_t *rx);
/* Snapshot at the current time. */
void dcf77_rx_snapshot(dcf77_rx_t *rx, dcf77_rx_snapshot_t *out);

/* Clocks, through pointers so the plugin test can drive time. */
extern int64_t (*dcf77_clock_real_ns)(void);
extern int64_t (*dcf77_clock_mono_ns)(void);

#endif
