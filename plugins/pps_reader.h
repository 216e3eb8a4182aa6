/* SPDX-License-Identifier: MIT
 * pps_reader - one capture thread per PPS device (plugin side of pps).
 *
 * Two ways to get the kernel's edge timestamps, both strictly read-only:
 *  - RFC 2783 (<sys/timepps.h>): open /dev/ppsN O_RDONLY, time_pps_create,
 *    time_pps_getcap, then time_pps_fetch(PPS_TSFMT_TSPEC) with a 1 s
 *    timeout in a loop.  Never time_pps_setparams or time_pps_kcbind (those
 *    need CAP_SYS_TIME and would change what ntpd/chronyd/gpsd configured).
 *  - sysfs: poll /sys/class/pps/ppsN/assert (and clear) every PollInterval;
 *    the file changes once per pulse ("sec.nsec#seq").
 * The thread feeds common/pps_stats under the device mutex; the read
 * callback takes a summary under the same mutex.
 */
#ifndef PPS_READER_H
#define PPS_READER_H

#include "collectd.h"
#include "utils_complain.h"

#include "common/pps_stats.h"

#include <pthread.h>
#include <stdbool.h>

typedef enum { PPS_CAPTURE_SYSFS, PPS_CAPTURE_API } pps_capture_t;

typedef struct {
  /* Configuration (set before pps_dev_start). */
  char name[DATA_MAX_NAME_LEN]; /* plugin instance */
  pps_capture_t capture;
  char path[600];       /* /dev/ppsN, or the sysfs directory of ppsN */
  int64_t poll_ns;      /* sysfs poll period */
  pps_stats_config_t cfg;

  /* Thread. */
  pthread_t thread;
  bool running;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  bool stop;

  int64_t started_mono_ns; /* when the reader started (CLOCK_MONOTONIC) */

  /* Under `lock`. */
  bool polled;       /* at least one capture attempt finished */
  bool present;      /* the device answered the last capture attempt */
  bool clear_seen;   /* clear edges are being captured */
  pps_stats_t asserts, clears;
  int api_mode;      /* RFC 2783 capabilities (time_pps_getcap) */
  char error[1024];  /* why the device is not present ("" if it is) */
  int64_t bad_reads; /* malformed sysfs values seen */

  /* Capture state, under poll_lock (the reader thread; tests). */
  pthread_mutex_t poll_lock;
  int fd;            /* RFC 2783 handle, -1 when closed */
  c_complain_t complaint;
} pps_dev_t;

/* Fill defaults (sysfs, poll 100 ms, pps_stats defaults). */
void pps_dev_defaults(pps_dev_t *d);
/* Initialise the mutex and statistics, capture once synchronously (so the
 * first read already knows whether the device is there), start the thread. */
int pps_dev_start(pps_dev_t *d);
/* Signal the thread and join it (returns within about 1 s). Idempotent. */
void pps_dev_stop(pps_dev_t *d);

/* The current time on both clocks. */
void pps_clock_now(pps_now_t *now);
/* Test seam: when set, replaces both clocks (tests/plugin/test_pps.c). */
extern void (*pps_clock_hook)(pps_now_t *now);

/* Capture helpers, exposed for the plugin test. */
int pps_sysfs_poll(pps_dev_t *d);
int pps_api_poll(pps_dev_t *d, bool wait);

#endif
