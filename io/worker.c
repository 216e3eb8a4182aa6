/* SPDX-License-Identifier: MIT
 * worker - a stoppable background thread (see worker.h). */
#define _GNU_SOURCE /* pthread_setname_np */
#include "io/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S INT64_C(1000000000)

static int spawn_default(pthread_t *thread, void *(*fn)(void *), void *arg,
                         const char *name) {
  int e = pthread_create(thread, NULL, fn, arg);
  if (e == 0 && name != NULL) {
    char short_name[16]; /* the kernel keeps 15 characters */
    snprintf(short_name, sizeof(short_name), "%s", name);
    pthread_setname_np(*thread, short_name);
  }
  return e;
}

static void worker_destroy(worker_t *w) {
  pthread_cond_destroy(&w->cond);
  pthread_mutex_destroy(&w->lock);
  close(w->wake[0]);
  close(w->wake[1]);
}

int worker_start(worker_t *w, void *(*fn)(void *), void *arg, const char *name,
                 worker_spawn_fn spawn) {
  if (pipe2(w->wake, O_CLOEXEC | O_NONBLOCK) != 0)
    return errno;
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&w->cond, &ca);
  pthread_condattr_destroy(&ca);
  pthread_mutex_init(&w->lock, NULL);
  atomic_store(&w->stop, false);
  /* Running before the thread exists: fn may ask worker_running at once. */
  atomic_store(&w->running, true);
  int e = (spawn != NULL ? spawn : spawn_default)(&w->thread, fn, arg, name);
  if (e != 0) {
    atomic_store(&w->running, false);
    worker_destroy(w);
  }
  return e;
}

void worker_stop(worker_t *w) {
  if (!atomic_load(&w->running))
    return;
  pthread_mutex_lock(&w->lock);
  atomic_store(&w->stop, true);
  pthread_cond_broadcast(&w->cond);
  pthread_mutex_unlock(&w->lock);
  /* One byte wakes worker_poll; the pipe is empty (only stop writes). */
  ssize_t wrote = write(w->wake[1], "", 1);
  (void)wrote; /* a full pipe already wakes it */
  pthread_join(w->thread, NULL);
  atomic_store(&w->running, false);
  worker_destroy(w);
}

bool worker_should_stop(worker_t *w) { return atomic_load(&w->stop); }

bool worker_running(worker_t *w) { return atomic_load(&w->running); }

bool worker_sleep(worker_t *w, int64_t ns) {
  if (ns <= 0)
    return worker_should_stop(w);
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  int64_t t = (int64_t)until.tv_nsec + ns;
  until.tv_sec += (time_t)(t / NS_PER_S);
  until.tv_nsec = (long)(t % NS_PER_S);
  pthread_mutex_lock(&w->lock);
  int e = 0; /* 0: woken (stop, or spurious); ETIMEDOUT: slept ns */
  while (!atomic_load(&w->stop) && e == 0)
    e = pthread_cond_timedwait(&w->cond, &w->lock, &until);
  pthread_mutex_unlock(&w->lock);
  return worker_should_stop(w);
}

int worker_poll(worker_t *w, int fd, short events, int64_t ns) {
  if (worker_should_stop(w))
    return 0;
  struct pollfd p[2] = {{.fd = fd, .events = events},
                        {.fd = w->wake[0], .events = POLLIN}};
  /* poll's milliseconds, rounded up so a wait is never shorter than asked
   * (poll uses CLOCK_MONOTONIC). */
  int ms = ns < 0 ? -1
           : ns >= (int64_t)INT32_MAX * 1000000 ? INT32_MAX
                                                : (int)((ns + 999999) / 1000000);
  int r = poll(p, 2, ms);
  if (r < 0)
    return errno == EINTR ? 0 : -1;
  return p[0].revents;
}
