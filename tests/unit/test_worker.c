/* test_worker.c - io/worker: a stoppable thread whose sleep wakes on stop.
 * Times are measured on CLOCK_MONOTONIC and asserted only against generous
 * bounds (a 60 s sleep cut short in < 1 s), never exact durations. */
#include "../../io/worker.h"
#include "testing.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S INT64_C(1000000000)

static int64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

typedef struct {
  worker_t w;
  atomic_int loops;     /* worker_sleep calls that returned */
  atomic_bool sleeping; /* the thread is about to sleep (first loop) */
  atomic_bool saw_running;
  bool stopped_by_sleep; /* worker_sleep returned true (read after join) */
} sleeper_t;

/* Sleeps 60 s at a time until stopped. */
static void *sleeper(void *arg) {
  sleeper_t *s = arg;
  atomic_store(&s->saw_running, worker_running(&s->w));
  for (;;) {
    atomic_store(&s->sleeping, true);
    if (worker_sleep(&s->w, 60 * NS_PER_S)) {
      s->stopped_by_sleep = true;
      break;
    }
    atomic_fetch_add(&s->loops, 1);
  }
  return NULL;
}

/* Busy steps of 1 ms that poll worker_should_stop. */
static void *poller(void *arg) {
  sleeper_t *s = arg;
  while (!worker_should_stop(&s->w)) {
    struct timespec ms = {.tv_nsec = 1000000};
    nanosleep(&ms, NULL);
    atomic_fetch_add(&s->loops, 1);
  }
  return NULL;
}

/* Waits in worker_poll for a pipe that never gets data, 60 s at a time. */
typedef struct {
  sleeper_t s;
  int fd;
  int last; /* worker_poll's last return (read after join) */
} waiter_t;
static void *waiter(void *arg) {
  waiter_t *p = arg;
  do {
    atomic_store(&p->s.sleeping, true);
    p->last = worker_poll(&p->s.w, p->fd, POLLIN, 60 * NS_PER_S);
  } while (!worker_should_stop(&p->s.w));
  return NULL;
}

static void wait_until_sleeping(sleeper_t *s) {
  for (int i = 0; i < 5000 && !atomic_load(&s->sleeping); i++) {
    struct timespec ms = {.tv_nsec = 1000000};
    nanosleep(&ms, NULL);
  }
}

static void test_stop_wakes_sleep(void) {
  static sleeper_t s;
  EXPECT_EQ_INT(0, worker_start(&s.w, sleeper, &s, "test sleeper", NULL));
  OK_MSG(worker_running(&s.w), "running after start");
  wait_until_sleeping(&s);
  OK_MSG(atomic_load(&s.sleeping), "the thread reached its 60 s sleep");
  int64_t t0 = mono_ns();
  worker_stop(&s.w);
  double took = (double)(mono_ns() - t0) / NS_PER_S;
  printf("# worker_stop of a thread in a 60 s sleep took %.6f s\n", took);
  OK_MSG(took < 1.0, "stop wakes a 60 s sleep and joins in < 1 s");
  OK_MSG(s.stopped_by_sleep, "worker_sleep returned true on stop");
  EXPECT_EQ_INT(0, atomic_load(&s.loops));
  OK_MSG(atomic_load(&s.saw_running), "the thread saw itself running");
  OK_MSG(!worker_running(&s.w), "not running after stop");
  OK_MSG(worker_should_stop(&s.w), "should_stop stays true after stop");
  worker_stop(&s.w); /* idempotent: returns at once, no double join */
  OK_MSG(!worker_running(&s.w), "a second stop is a no-op");
}

static void test_poller_and_restart(void) {
  static sleeper_t s;
  for (int round = 0; round < 2; round++) {
    atomic_store(&s.loops, 0);
    EXPECT_EQ_INT(0, worker_start(&s.w, poller, &s, "test poller", NULL));
    OK_MSG(!worker_should_stop(&s.w), "a (re)started worker is not stopping");
    while (atomic_load(&s.loops) < 3) {
      struct timespec ms = {.tv_nsec = 1000000};
      nanosleep(&ms, NULL);
    }
    worker_stop(&s.w);
    int after = atomic_load(&s.loops);
    OK_MSG(!worker_running(&s.w), "the polling thread was joined");
    EXPECT_EQ_INT(after, atomic_load(&s.loops)); /* nothing runs any more */
  }
}

static void test_sleep_without_stop(void) {
  /* Any thread may sleep on a running worker (here the main thread). */
  static sleeper_t s;
  EXPECT_EQ_INT(0, worker_start(&s.w, poller, &s, "t", NULL));
  int64_t t0 = mono_ns();
  bool stop = worker_sleep(&s.w, 20 * 1000000);
  int64_t slept = mono_ns() - t0;
  OK_MSG(!stop, "a sleep that times out returns false");
  OK_MSG(slept >= 20 * 1000000, "and lasted at least the 20 ms asked");
  OK_MSG(!worker_sleep(&s.w, 0), "a sleep of 0 returns at once, false");
  OK_MSG(!worker_sleep(&s.w, -5), "a negative sleep returns at once, false");
  worker_stop(&s.w);
  OK_MSG(worker_sleep(&s.w, 0), "after stop, worker_sleep reports the stop");
}

static void test_stop_wakes_poll(void) {
  static waiter_t p;
  int fds[2];
  EXPECT_EQ_INT(0, pipe(fds));
  p.fd = fds[0];
  EXPECT_EQ_INT(0, worker_start(&p.s.w, waiter, &p, "test waiter", NULL));
  wait_until_sleeping(&p.s);
  struct timespec ms = {.tv_nsec = 20000000}; /* let it block in poll */
  nanosleep(&ms, NULL);
  int64_t t0 = mono_ns();
  worker_stop(&p.s.w);
  double took = (double)(mono_ns() - t0) / NS_PER_S;
  printf("# worker_stop of a thread blocked 60 s in worker_poll took %.6f s\n",
         took);
  OK_MSG(took < 1.0, "stop wakes a 60 s worker_poll and joins in < 1 s");
  EXPECT_EQ_INT(0, p.last); /* woken by the stop: no event on fd */
  EXPECT_EQ_INT(0, worker_poll(&p.s.w, p.fd, POLLIN, NS_PER_S));
  close(fds[0]);
  close(fds[1]);
}

static void test_poll_events(void) {
  static sleeper_t s;
  int fds[2];
  EXPECT_EQ_INT(0, pipe(fds));
  EXPECT_EQ_INT(0, worker_start(&s.w, poller, &s, "t", NULL));
  int64_t t0 = mono_ns();
  EXPECT_EQ_INT(0, worker_poll(&s.w, fds[0], POLLIN, 20 * 1000000));
  OK_MSG(mono_ns() - t0 >= 20 * 1000000, "a poll that times out lasted 20 ms");
  EXPECT_EQ_INT(1, (int)write(fds[1], "x", 1));
  EXPECT_EQ_INT(POLLIN, worker_poll(&s.w, fds[0], POLLIN, 60 * NS_PER_S));
  close(fds[1]); /* the writer is gone: POLLHUP (with no data left) */
  char c;
  EXPECT_EQ_INT(1, (int)read(fds[0], &c, 1));
  OK_MSG(worker_poll(&s.w, fds[0], POLLIN, NS_PER_S) & POLLHUP,
         "a hang-up is reported");
  OK_MSG(worker_poll(&s.w, 999, POLLIN, 0) & POLLNVAL,
         "a descriptor that is not open is reported (POLLNVAL)");
  worker_stop(&s.w);
  close(fds[0]);
}

static const char *spawned_name;
static int spawn_record(pthread_t *t, void *(*fn)(void *), void *arg,
                        const char *name) {
  spawned_name = name;
  return pthread_create(t, NULL, fn, arg);
}
static int spawn_fail(pthread_t *t, void *(*fn)(void *), void *arg,
                      const char *name) {
  (void)t, (void)fn, (void)arg, (void)name;
  return EAGAIN;
}

static void test_spawn(void) {
  static sleeper_t s;
  EXPECT_EQ_INT(0, worker_start(&s.w, sleeper, &s, "named", spawn_record));
  EXPECT_EQ_STR("named", spawned_name);
  worker_stop(&s.w);
  static sleeper_t f;
  EXPECT_EQ_INT(EAGAIN, worker_start(&f.w, sleeper, &f, "x", spawn_fail));
  OK_MSG(!worker_running(&f.w), "a failed start leaves it not running");
  worker_stop(&f.w); /* no thread to join: must return */
  OK_MSG(!worker_running(&f.w), "stop after a failed start is a no-op");
  static worker_t zero;
  worker_stop(&zero);
  OK_MSG(!worker_running(&zero), "a zeroed worker is not running");
}

int main(void) {
  test_stop_wakes_sleep();
  test_poller_and_restart();
  test_sleep_without_stop();
  test_stop_wakes_poll();
  test_poll_events();
  test_spawn();
  return testing_done();
}
