/* SPDX-License-Identifier: MIT
 * pps_int - what the pps plugin's files share (declarations only):
 * pps.c (configuration, read callbacks, metric table), pps_reader.c (one
 * capture thread per device, RFC 2783 or sysfs, strictly read-only) and
 * pps_discover.c (the kernel's PPS sources, class "pps").
 */
#ifndef PPS_INT_H
#define PPS_INT_H

#include "collectd.h"
#include "plugin.h"
#include "utils_complain.h"

#include "common/phase_stats.h"
#include "common/pps_stats.h"
#include "io/worker.h"
#include "plugins/stability.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- pps_reader.c --------------------------------------------------- */
#define PPS_HOLDOVER_BUDGET_S 1e-3 /* HoldoverBudget default, s */

typedef enum { PPS_CAPTURE_SYSFS, PPS_CAPTURE_API } pps_capture_t;

typedef struct {
  /* Configuration (set before pps_dev_start). */
  char name[DATA_MAX_NAME_LEN]; /* plugin instance */
  pps_capture_t capture;
  char path[600];  /* /dev/ppsN, or the sysfs directory of ppsN */
  int64_t poll_ns; /* sysfs poll period */
  pps_stats_config_t cfg;
  stab_config_t stab;       /* Stability* options; series "edge" */
  double holdover_budget_s; /* HoldoverBudget, s */
  double holdover_min_s;    /* HoldoverMin, s; 0 = no notification */

  /* Thread. */
  worker_t worker;
  pthread_mutex_t lock;

  int64_t started_mono_ns; /* when the reader started (CLOCK_MONOTONIC) */

  /* Under `lock`. */
  bool polled;     /* at least one capture attempt finished */
  /* The reader has seen every edge the kernel stamped up to here
   * (CLOCK_MONOTONIC, ns): the time of its last finished capture. */
  int64_t watched_mono_ns;
  /* A blocking time_pps_fetch began here (ns), 0 when none is under way:
   * while it lasts its 1 s, the kernel wakes the reader at the next edge. */
  int64_t wait_since_mono_ns;
  bool present;    /* the device answered the last capture attempt */
  bool clear_seen; /* clear edges are being captured */
  pps_stats_t asserts, clears;
  int api_mode;      /* RFC 2783 capabilities (time_pps_getcap) */
  char error[1024];  /* why the device is not present ("" if it is) */
  int64_t bad_reads; /* malformed sysfs values seen */
  phase_stats_t *edge_stats; /* every assert pulse's edge offset, once;
                                NULL unless Stability */

  /* Capture state, under poll_lock (the reader thread; tests). */
  pthread_mutex_t poll_lock;
  int fd; /* RFC 2783 handle, -1 when closed */
  c_complain_t complaint;
} pps_dev_t;

/* Defaults: sysfs, poll 100 ms, pps_stats defaults, Stability false with
 * a 3600 s window, HoldoverBudget 1 ms, no HoldoverMin. */
void pps_dev_defaults(pps_dev_t *d);

/* Initialise the mutexes and statistics, capture once synchronously (so the
 * first read already knows whether the device is there), start the thread.
 * 0, or -1 (logged) if the thread cannot start. */
int pps_dev_start(pps_dev_t *d);

/* Signal the thread, join it (returns within about 1 s) and free the
 * stability statistics. Idempotent. */
void pps_dev_stop(pps_dev_t *d);

/* One sysfs capture attempt on d (the reader thread's step; tests call it
 * directly): 0, or -1 if the device is unreadable or its value malformed. */
int pps_sysfs_poll(pps_dev_t *d);

/* A sysfs capture now unless one is under way (the read callback catches
 * up before it judges the silence); the API's handle stays the reader's. */
void pps_catch_up(pps_dev_t *d);

/* Up to when (CLOCK_MONOTONIC, ns) the reader vouches for the edges it has
 * at `now_mono_ns`: now while it waits in the kernel for the next edge,
 * else its last finished capture.  Under d->lock. */
int64_t pps_watched_until(const pps_dev_t *d, int64_t now_mono_ns);

/* The current time on both clocks (CLOCK_REALTIME and CLOCK_MONOTONIC). */
void pps_clock_now(pps_now_t *now);

/* Test seam: when set, replaces both clocks (tests/plugin/test_pps.c). */
extern void (*pps_clock_hook)(pps_now_t *now);

/* ---- pps_discover.c ------------------------------------------------- */
typedef struct {
  char name[64];    /* kernel name: pps0 */
  char dir[600];    /* its sysfs directory (holds assert, clear, ...) */
  char source[128]; /* sysfs "name": the driver/source, e.g. pps-gpio.-1 */
  char port[256];   /* sysfs "path": the serial port of a line-discipline
                       source (/dev/ttyS0), "" for GPIO/ktimer sources */
} pps_found_t;

/* Enumerate the devices of `subsystem` ("pps") with libudev when use_udev,
 * else by reading the directory SYSFS_ROOT/class/SUBSYSTEM (a fixture root,
 * which libudev cannot be pointed at).  Fills at most `max` entries sorted
 * by name; returns how many, or -errno (a missing class directory is 0). */
int pps_discover(const char *sysfs_root, bool use_udev, const char *subsystem,
                 pps_found_t *out, int max);

#endif
