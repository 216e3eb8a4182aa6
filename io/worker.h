/* SPDX-License-Identifier: MIT
 * worker - one background thread that can be told to stop: the shape every
 * reader thread of the suite shares (pps capture, gpsd connection, dcf77
 * serial line).  Plain POSIX threads, no collectd (io/: threads, sockets,
 * devices).
 *
 *   worker_start(&w, fn, arg, name, spawn)   start fn(arg) on a new thread
 *   worker_should_stop(&w)                   fn polls it between steps
 *   worker_sleep(&w, ns)                     fn pauses; wakes early on stop
 *   worker_poll(&w, fd, events, ns)          fn waits for a device; wakes on stop
 *   worker_stop(&w)                          ask, wake, join (idempotent)
 *
 * The stop request is written under the mutex and broadcast on a condition
 * variable bound to CLOCK_MONOTONIC, so a sleep ends at once on stop and a
 * step of the wall clock neither shortens nor stretches it; it also writes a
 * byte to a pipe that worker_poll watches beside the caller's descriptor, so
 * a thread blocked on a silent device ends at once too.  The flags are
 * C11 atomics: reading them from another thread is not a data race.
 */
#ifndef CDS_IO_WORKER_H
#define CDS_IO_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Creates the thread: pthread_create's shape plus a name (collectd's
 * plugin_thread_create fits; NULL means pthread_create, then the name is
 * set with pthread_setname_np). Returns 0 or an errno. */
typedef int (*worker_spawn_fn)(pthread_t *thread, void *(*fn)(void *),
                               void *arg, const char *name);

typedef struct {
  pthread_t thread;
  pthread_mutex_t lock; /* guards the stop request for the sleeper */
  pthread_cond_t cond;  /* CLOCK_MONOTONIC; broadcast on stop */
  atomic_bool stop;     /* stop requested; written under lock */
  atomic_bool running;  /* started and not yet joined */
  int wake[2];          /* pipe: worker_stop writes wake[1]; worker_poll reads */
} worker_t;

/* Initialise w and start fn(arg) on a new thread named `name` (at most
 * 15 characters are kept).  Returns 0, or an errno (w is then not
 * running). */
int worker_start(worker_t *w, void *(*fn)(void *), void *arg, const char *name,
                 worker_spawn_fn spawn);

/* Ask the thread to stop, wake its worker_sleep, join it.  Returns once the
 * thread function has returned: how long that takes is bounded by the
 * longest step between two worker_should_stop/worker_sleep calls.  Does
 * nothing if w is not running (a zeroed worker_t never was). */
void worker_stop(worker_t *w);

/* True once worker_stop was called (any thread may ask). */
bool worker_should_stop(worker_t *w);

/* True between a successful worker_start and the end of worker_stop. */
bool worker_running(worker_t *w);

/* Sleep `ns` nanoseconds on CLOCK_MONOTONIC (<= 0: no sleep), or less if
 * worker_stop is called meanwhile.  Returns worker_should_stop(w). */
bool worker_sleep(worker_t *w, int64_t ns);

/* Wait up to `ns` nanoseconds on CLOCK_MONOTONIC (< 0: no limit) for
 * `events` on fd, or less if worker_stop is called meanwhile.  Returns fd's
 * revents (POLLIN, POLLHUP, POLLERR, POLLNVAL...), 0 on timeout, on stop
 * (ask worker_should_stop) or when a signal interrupted the wait, or -1 with
 * errno if poll failed.  Any thread may wait so (the test does from its
 * main thread); the stop byte is never read back, so once stopped every
 * worker_poll returns at once. */
int worker_poll(worker_t *w, int fd, short events, int64_t ns);

#endif
