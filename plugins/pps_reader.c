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
 * callback (pps.c) takes a summary under the same mutex.
 */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"

#include "plugins/pps_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/timepps.h>
#include <time.h>
#include <unistd.h>

#define RETRY_NS PPS_NS_PER_S /* reopen a missing device once a second */
#define WAIT_S 1                /* a blocking fetch waits this long, s */

/* Defaults: sysfs, poll 100 ms, pps_stats defaults, Stability false with
 * a 3600 s window, HoldoverBudget 1 ms, no HoldoverMin. */
void pps_dev_defaults(pps_dev_t *d) {
  memset(d, 0, sizeof(*d));
  d->capture = PPS_CAPTURE_SYSFS;
  d->poll_ns = 100 * 1000 * 1000;
  pps_stats_config_default(&d->cfg);
  stab_config_init(&d->stab, (double)d->cfg.period_ns / PPS_NS_PER_S, 3600,
                   false);
  d->holdover_budget_s = PPS_HOLDOVER_BUDGET_S;
  d->fd = -1;
}

/* Test seam: when set, replaces both clocks (tests/plugin/test_pps.c). */
void (*pps_clock_hook)(pps_now_t *now);

/* The current time on both clocks. */
void pps_clock_now(pps_now_t *now) {
  if (pps_clock_hook != NULL) {
    pps_clock_hook(now);
    return;
  }
  struct timespec r, m;
  clock_gettime(CLOCK_REALTIME, &r);
  clock_gettime(CLOCK_MONOTONIC, &m);
  now->real_ns = (int64_t)r.tv_sec * PPS_NS_PER_S + r.tv_nsec;
  now->mono_ns = (int64_t)m.tv_sec * PPS_NS_PER_S + m.tv_nsec;
  now->has_mono = true;
}

/* Record the device state after one capture attempt; error NULL = present. */
static void set_present(pps_dev_t *d, const char *error) {
  pps_now_t now;
  pps_clock_now(&now);
  pthread_mutex_lock(&d->lock);
  bool was = d->present;
  d->polled = true;
  d->watched_mono_ns = now.mono_ns;
  d->present = (error == NULL);
  sstrncpy(d->error, error != NULL ? error : "", sizeof(d->error));
  if (was && !d->present) {
    /* Gone: forget the last pulse (a re-created device restarts its
     * sequence, and its silence is reported as "gone", not as missed). */
    pps_stats_forget(&d->asserts);
    pps_stats_forget(&d->clears);
    d->clear_seen = false;
  }
  pthread_mutex_unlock(&d->lock);
}

/* Feed a pulse that pps_stats accepted (each sequence number once; a
 * duplicate fetch, a glitch or a stale edge is not a pulse) into the
 * stability statistics: its edge offset, s (+ = system clock ahead), at its
 * CLOCK_MONOTONIC time.  A missed pulse leaves its slot empty (a gap).  A
 * step of the system clock makes the earlier offsets incomparable: the
 * window restarts.  Under d->lock. */
static void add_edge_stats(pps_dev_t *d, const pps_edge_t *a,
                           pps_edge_result_t r) {
  if (d->edge_stats == NULL ||
      (r != PPS_EDGE_FIRST && r != PPS_EDGE_NEW && r != PPS_EDGE_STEP))
    return;
  if (r == PPS_EDGE_STEP)
    phase_stats_reset(d->edge_stats);
  phase_stats_add(d->edge_stats,
                  (double)d->asserts.last_offset_ns / PPS_NS_PER_S,
                  a->mono_ns);
}

/* Feed freshly fetched edges (clear may be NULL) into the statistics.  The
 * CLOCK_MONOTONIC time of each edge is estimated from its age now, so the
 * statistics can tell a step of the system clock from a real interval. */
static void observe(pps_dev_t *d, pps_edge_t *a, pps_edge_t *c) {
  pps_now_t now;
  pps_clock_now(&now);
  pps_edge_t *edges[2] = {a, c};
  for (int i = 0; i < 2; i++) {
    if (edges[i] == NULL)
      continue;
    edges[i]->has_mono = true;
    edges[i]->mono_ns = now.mono_ns - (now.real_ns - edges[i]->ts_ns);
  }
  pthread_mutex_lock(&d->lock);
  d->polled = true;
  d->watched_mono_ns = now.mono_ns;
  d->present = true;
  d->error[0] = '\0';
  if (a != NULL)
    add_edge_stats(d, a, pps_stats_add(&d->asserts, a, &now));
  if (c != NULL && (c->seq != 0 || c->ts_ns != 0)) {
    d->clear_seen = true;
    pps_stats_add(&d->clears, c, &now);
  }
  pthread_mutex_unlock(&d->lock);
}

/* Read one sysfs attribute: 0 and *st set, or -errno. */
static int read_attr(const pps_dev_t *d, const char *attr, pps_edge_t *e,
                     pps_parse_status_t *st) {
  char path[700], buf[64];
  snprintf(path, sizeof(path), "%s/%s", d->path, attr);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  ssize_t n = read(fd, buf, sizeof(buf));
  int err = errno;
  close(fd);
  if (n < 0)
    return -err;
  *st = pps_parse_sysfs(buf, (size_t)n, e);
  return 0;
}

static int sysfs_poll(pps_dev_t *d) {
  pps_edge_t a, c;
  pps_parse_status_t sa = PPS_PARSE_EMPTY, sc = PPS_PARSE_EMPTY;
  int err = read_attr(d, "assert", &a, &sa);
  if (err != 0) {
    char msg[1024];
    snprintf(msg, sizeof(msg), "cannot read %s/assert: %s", d->path,
             STRERROR(-err));
    c_complain(LOG_WARNING, &d->complaint, "pps plugin: <Device \"%s\">: %s.",
               d->name, msg);
    set_present(d, msg);
    return -1;
  }
  if (read_attr(d, "clear", &c, &sc) != 0)
    sc = PPS_PARSE_EMPTY; /* optional */
  if (sa == PPS_PARSE_BAD || sc == PPS_PARSE_BAD) {
    pthread_mutex_lock(&d->lock);
    d->bad_reads++;
    pthread_mutex_unlock(&d->lock);
    c_complain(LOG_WARNING, &d->complaint,
               "pps plugin: <Device \"%s\">: malformed timestamp in %s "
               "(expected \"sec.nsec#seq\"); ignored.",
               d->name, d->path);
    set_present(d, NULL);
    return -1;
  }
  c_release(LOG_INFO, &d->complaint,
            "pps plugin: <Device \"%s\">: %s readable again.", d->name,
            d->path);
  observe(d, sa == PPS_PARSE_OK ? &a : NULL, sc == PPS_PARSE_OK ? &c : NULL);
  return 0;
}

/* Open the RFC 2783 handle.  Read-only: no setparams, no kcbind. */
static int api_open(pps_dev_t *d, char *msg, size_t msgsize) {
  int fd = open(d->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    snprintf(msg, msgsize, "cannot open %s: %s", d->path, STRERRNO);
    return -1;
  }
  pps_handle_t h;
  if (time_pps_create(fd, &h) != 0) {
    snprintf(msg, msgsize, "%s is not a PPS device (time_pps_create: %s)",
             d->path, STRERRNO);
    close(fd);
    return -1;
  }
  int mode = 0;
  if (time_pps_getcap(h, &mode) != 0) {
    snprintf(msg, msgsize, "time_pps_getcap on %s failed: %s", d->path,
             STRERRNO);
    close(fd);
    return -1;
  }
  pthread_mutex_lock(&d->lock);
  d->api_mode = mode;
  pthread_mutex_unlock(&d->lock);
  d->fd = h;
  return 0;
}

static int api_fail(pps_dev_t *d, const char *msg) {
  c_complain(LOG_WARNING, &d->complaint, "pps plugin: <Device \"%s\">: %s.",
             d->name, msg);
  set_present(d, msg);
  return -1;
}

/* Mark a blocking fetch as under way (since now) or over. */
static void mark_wait(pps_dev_t *d, bool waiting) {
  pps_now_t now;
  pps_clock_now(&now);
  pthread_mutex_lock(&d->lock);
  d->wait_since_mono_ns = waiting ? now.mono_ns : 0;
  pthread_mutex_unlock(&d->lock);
}

static int api_poll(pps_dev_t *d, bool wait) {
  char msg[1024];
  if (d->fd < 0 && api_open(d, msg, sizeof(msg)) != 0)
    return api_fail(d, msg);
  /* Wait for the next edge up to 1 s (PPS_CANWAIT), else return the latest
   * data at once; the sequence numbers tell new from old. */
  struct timespec timeout = {.tv_sec = 0, .tv_nsec = 0};
  if (wait && (d->api_mode & PPS_CANWAIT))
    timeout.tv_sec = WAIT_S;
  pps_info_t info;
  memset(&info, 0, sizeof(info));
  mark_wait(d, timeout.tv_sec > 0);
  int r = time_pps_fetch(d->fd, PPS_TSFMT_TSPEC, &info, &timeout);
  if (r != 0 && (errno == ETIMEDOUT || errno == EINTR)) {
    /* No edge within the wait, or a signal (a stopped and continued
     * process): take the latest data at once (a zero timeout does not
     * wait: Linux drivers/pps/pps.c, pps_cdev_pps_fetch), so an edge
     * stamped while this thread did not run is seen before the silence is
     * judged.  Its sequence number tells whether it is new. */
    struct timespec zero = {.tv_sec = 0, .tv_nsec = 0};
    r = time_pps_fetch(d->fd, PPS_TSFMT_TSPEC, &info, &zero);
  }
  int err = r != 0 ? errno : 0;
  mark_wait(d, false);
  if (r != 0) {
    snprintf(msg, sizeof(msg), "time_pps_fetch on %s failed: %s", d->path,
             STRERROR(err));
    time_pps_destroy(d->fd);
    d->fd = -1;
    return api_fail(d, msg);
  }
  c_release(LOG_INFO, &d->complaint, "pps plugin: <Device \"%s\">: %s is back.",
            d->name, d->path);
  pps_edge_t a = {.ts_ns =
                      (int64_t)info.assert_timestamp.tv_sec * PPS_NS_PER_S +
                      info.assert_timestamp.tv_nsec,
                  .seq = (uint32_t)info.assert_sequence};
  pps_edge_t c = {.ts_ns = (int64_t)info.clear_timestamp.tv_sec * PPS_NS_PER_S +
                           info.clear_timestamp.tv_nsec,
                  .seq = (uint32_t)info.clear_sequence};
  observe(d, (d->api_mode & PPS_CAPTUREASSERT) ? &a : NULL,
          (d->api_mode & PPS_CAPTURECLEAR) ? &c : NULL);
  return 0;
}

/* The capture state (fd, complaint) belongs to one poller at a time. */
int pps_sysfs_poll(pps_dev_t *d) {
  pthread_mutex_lock(&d->poll_lock);
  int ret = sysfs_poll(d);
  pthread_mutex_unlock(&d->poll_lock);
  return ret;
}

void pps_catch_up(pps_dev_t *d) {
  if (d->capture != PPS_CAPTURE_SYSFS || pthread_mutex_trylock(&d->poll_lock))
    return;
  sysfs_poll(d);
  pthread_mutex_unlock(&d->poll_lock);
}

int64_t pps_watched_until(const pps_dev_t *d, int64_t now_mono_ns) {
  if (d->wait_since_mono_ns != 0 &&
      now_mono_ns - d->wait_since_mono_ns <= WAIT_S * PPS_NS_PER_S)
    return now_mono_ns;
  return d->watched_mono_ns;
}

static int pps_api_poll(pps_dev_t *d, bool wait) {
  pthread_mutex_lock(&d->poll_lock);
  int ret = api_poll(d, wait);
  pthread_mutex_unlock(&d->poll_lock);
  return ret;
}

static void *reader_main(void *arg) {
  pps_dev_t *d = arg;
  for (;;) {
    if (d->capture == PPS_CAPTURE_SYSFS) {
      pps_sysfs_poll(d);
      if (worker_sleep(&d->worker, d->poll_ns))
        break;
    } else {
      int ret = pps_api_poll(d, true);
      /* fetch itself waited for the edge unless the device cannot wait */
      int64_t pause = ret != 0                      ? RETRY_NS
                      : (d->api_mode & PPS_CANWAIT) ? 0
                                                    : d->poll_ns;
      if (worker_sleep(&d->worker, pause))
        break;
    }
  }
  if (d->fd >= 0) {
    time_pps_destroy(d->fd);
    d->fd = -1;
  }
  return NULL;
}

/* Initialise the mutexes and statistics, capture once synchronously (so the
 * first read already knows whether the device is there), start the thread. */
int pps_dev_start(pps_dev_t *d) {
  pthread_mutex_init(&d->lock, NULL);
  pthread_mutex_init(&d->poll_lock, NULL);
  pps_stats_init(&d->asserts, &d->cfg);
  pps_stats_init(&d->clears, &d->cfg);
  d->edge_stats = stab_new("pps", d->name, &d->stab);
  C_COMPLAIN_INIT(&d->complaint);
  pps_now_t now;
  pps_clock_now(&now);
  d->started_mono_ns = now.mono_ns;
  d->fd = -1;
  if (d->capture == PPS_CAPTURE_SYSFS)
    pps_sysfs_poll(d);
  else
    pps_api_poll(d, false);
  int status = worker_start(&d->worker, reader_main, d, "pps reader",
                            plugin_thread_create);
  if (status != 0) {
    ERROR("pps plugin: <Device \"%s\">: cannot start the reader thread: %s",
          d->name, STRERROR(status));
    stab_free(d->edge_stats);
    d->edge_stats = NULL;
    return -1;
  }
  return 0;
}

/* Signal the thread, join it (returns within about 1 s) and free the
 * stability statistics. Idempotent. */
void pps_dev_stop(pps_dev_t *d) {
  if (!worker_running(&d->worker))
    return;
  worker_stop(&d->worker);
  pthread_mutex_lock(&d->lock);
  stab_free(d->edge_stats);
  d->edge_stats = NULL;
  pthread_mutex_unlock(&d->lock);
}
