/* SPDX-License-Identifier: MIT
 * cdutil's read statistics under the recording mock: every read registered
 * with cdu_register_read goes through the timing wrapper, which counts reads
 * and failures, keeps the maximum duration, warns once over the bound and
 * logs the statistics when collectd frees the callback. */
#include "plugins/cdutil.h"

#include "tests/mock/plugin_mock.h"
#include "tests/unit/testing.h"

#include <time.h>

static int sleep_ms = 0;
static int fail_next = 0;
static int calls = 0;
static void *seen_data = NULL;
static int freed = 0;
static int data_value = 42;

static int slow_read(user_data_t *ud) {
  calls++;
  seen_data = ud->data;
  if (sleep_ms > 0) {
    struct timespec ts = {.tv_sec = sleep_ms / 1000,
                          .tv_nsec = (long)(sleep_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  }
  if (fail_next) {
    fail_next = 0;
    return -1;
  }
  return 0;
}

static void free_data(void *p) {
  if (p == &data_value)
    freed++;
}

static int count_logs(const char *needle, int level) {
  int n = 0;
  for (size_t i = 0; i < mock_log_count(); i++)
    if (strstr(mock_log_at(i), needle) != NULL &&
        (level < 0 || mock_log_level_at(i) == level))
      n++;
  return n;
}

/* "wall max X s" from the statistics line. */
static double logged_max(void) {
  int i = mock_log_find("read statistics of \"test/slow\"");
  if (i < 0)
    return -1;
  const char *p = strstr(mock_log_at((size_t)i), "wall max ");
  return p != NULL ? strtod(p + 9, NULL) : -1;
}

static void test_accounting(void) {
  /* Pure accounting: bound 1 s, slack max(10 %, 100 ms) = 100 ms. */
  cdu_read_stats_t st = {.bound = TIME_T_TO_CDTIME_T(1)};
  OK(!cdu_read_stats_add(&st, MS_TO_CDTIME_T(300), MS_TO_CDTIME_T(1), 0));
  OK(!cdu_read_stats_add(&st, MS_TO_CDTIME_T(1100), MS_TO_CDTIME_T(2), -1));
  OK_MSG(cdu_read_stats_add(&st, MS_TO_CDTIME_T(1101), 0, 0),
         "the first read over bound + slack is reported");
  OK_MSG(!cdu_read_stats_add(&st, MS_TO_CDTIME_T(5000), 0, 0), "only once");
  EXPECT_EQ_INT(4, st.reads);
  EXPECT_EQ_INT(1, st.failed);
  EXPECT_NEAR(5.0, CDTIME_T_TO_DOUBLE(st.wall_max), 1e-6);
  EXPECT_NEAR(7.501, CDTIME_T_TO_DOUBLE(st.wall_total), 1e-6);
  EXPECT_NEAR(0.003, CDTIME_T_TO_DOUBLE(st.cpu_total), 1e-6);
  /* A small bound gets the 100 ms minimum slack. */
  cdu_read_stats_t small = {.bound = MS_TO_CDTIME_T(10)};
  OK(!cdu_read_stats_add(&small, MS_TO_CDTIME_T(109), 0, 0));
  OK(cdu_read_stats_add(&small, MS_TO_CDTIME_T(111), 0, 0));
}

static void test_wrapper(void) {
  mock_reset();
  EXPECT_EQ_INT(0, cdu_register_read_bounded("test", "slow", slow_read, 0,
                                             MS_TO_CDTIME_T(30), &data_value,
                                             free_data));
  OK(mock_has_read("test/slow"));
  EXPECT_EQ_INT(0, mock_read("test/slow"));
  OK_MSG(seen_data == &data_value, "the callback gets the plugin's data");
  EXPECT_EQ_INT(0, count_logs("more than its bound", -1));

  sleep_ms = 160; /* over 30 ms + 100 ms slack */
  EXPECT_EQ_INT(0, mock_read("test/slow"));
  EXPECT_EQ_INT(0, mock_read("test/slow"));
  EXPECT_EQ_INT(1, count_logs("read of \"test/slow\" took", LOG_WARNING));
  sleep_ms = 0;
  fail_next = 1;
  OK_MSG(mock_read("test/slow") != 0, "the callback's status is returned");
  EXPECT_EQ_INT(4, calls);

  EXPECT_EQ_INT(0, count_logs("read statistics", -1));
  mock_shutdown_all();
  EXPECT_EQ_INT(1, freed);
  EXPECT_EQ_INT(1, count_logs("read statistics of \"test/slow\": 4 reads, 1 "
                              "failed",
                              LOG_INFO));
  double max = logged_max();
  OK_MSG(max >= 0.159 && max < 2.0, "logged wall max is the slow read");
  printf("# logged max %.6f s\n", max);
  OK(count_logs("bound 0.030 s", LOG_INFO) == 1);
}

static void test_default_bound(void) {
  /* cdu_register_read: the bound is the interval (mock global: 10 s). */
  mock_reset();
  EXPECT_EQ_INT(0, cdu_register_read("test", NULL, slow_read,
                                     TIME_T_TO_CDTIME_T(2), NULL, NULL));
  EXPECT_EQ_INT(0, mock_read("test"));
  mock_shutdown_all();
  EXPECT_EQ_INT(1, count_logs("read statistics of \"test\": 1 reads", -1));
  EXPECT_EQ_INT(1, count_logs("bound 2.000 s", -1));

  mock_reset();
  EXPECT_EQ_INT(0, cdu_register_read("test", "x", slow_read, 0, NULL, NULL));
  mock_shutdown_all();
  EXPECT_EQ_INT(0, count_logs("read statistics", -1)); /* never read */
}

static void test_duplicate(void) {
  /* A duplicate name: the registration fails and free_func still runs
   * exactly once (collectd's contract). */
  mock_reset();
  freed = 0;
  EXPECT_EQ_INT(0, cdu_register_read("test", "dup", slow_read, 0, NULL, NULL));
  OK(cdu_register_read("test", "dup", slow_read, 0, &data_value, free_data) !=
     0);
  EXPECT_EQ_INT(1, freed);
  mock_shutdown_all();
  EXPECT_EQ_INT(1, freed);
}

int main(void) {
  test_accounting();
  test_wrapper();
  test_default_bound();
  test_duplicate();
  return testing_done();
}
