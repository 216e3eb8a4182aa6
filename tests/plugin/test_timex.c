/* SPDX-License-Identifier: MIT
 * The timex plugin under the recording mock: crafted adjtimex results go in,
 * the dispatched values and notifications are checked. */
#include "plugins/timex.c" /* sic: reach the static functions */

#include "tests/mock/plugin_mock.h"
#include "tests/unit/testing.h"

static struct timex fake;
static int fake_ret;
static int fake_errno;
static int fake_modes_seen = -1;

static int fake_adjtimex(struct timex *tx) {
  fake_modes_seen = (int)tx->modes;
  if (fake_ret < 0) {
    errno = fake_errno;
    return -1;
  }
  *tx = fake;
  return fake_ret;
}

static double get(const char *type, const char *ti) {
  return mock_get("", type, ti, NULL);
}

int main(void) {
  module_register();
  timex_query = fake_adjtimex;
  EXPECT_EQ_INT(1, mock_read_count());

  /* An unsynchronised kernel, as on this VM. */
  fake = (struct timex){.status = STA_UNSYNC | STA_NANO,
                        .offset = 2500,
                        .freq = -65536 * 7,
                        .maxerror = 16000000,
                        .calcnt = 9};
  fake_ret = TIME_ERROR;
  EXPECT_EQ_INT(0, mock_read_all());
  EXPECT_EQ_INT(0, fake_modes_seen); /* read-only */
  EXPECT_EQ_INT(CDU_TABLE_SIZE(timex_metrics), mock_value_count());
  EXPECT_EQ_DOUBLE(2.5e-6, get("time_offset", "offset"));
  EXPECT_EQ_DOUBLE(-7.0, get("frequency_offset", "frequency"));
  EXPECT_EQ_DOUBLE(16.0, get("time_dispersion", "maxerror"));
  EXPECT_EQ_DOUBLE(0.0, get("bool", "synchronised"));
  EXPECT_EQ_DOUBLE(1.0, get("bool", "status_unsync"));
  EXPECT_EQ_DOUBLE(1.0, get("bool", "status_nano"));
  EXPECT_EQ_DOUBLE(0.0, get("bool", "status_pll"));
  EXPECT_EQ_DOUBLE(5.0, get("clock_state", "kernel"));
  EXPECT_EQ_DOUBLE(9.0, get("total_events", "pps_calibration"));
  /* Starting unsynchronised is reported once, as a warning. */
  EXPECT_EQ_INT(1, mock_notification_count());
  EXPECT_EQ_INT(NOTIF_WARNING, mock_notification_at(0)->severity);

  /* Same state again: no new notification. */
  mock_clear();
  EXPECT_EQ_INT(0, mock_read_all());
  EXPECT_EQ_INT(0, mock_notification_count());

  /* Synchronised: one OKAY notification. */
  mock_clear();
  fake.status = STA_PLL;
  fake_ret = TIME_OK;
  EXPECT_EQ_INT(0, mock_read_all());
  EXPECT_EQ_DOUBLE(1.0, get("bool", "synchronised"));
  EXPECT_EQ_DOUBLE(1.0, get("bool", "status_pll"));
  EXPECT_EQ_DOUBLE(2.5e-3, get("time_offset", "offset")); /* µs now */
  EXPECT_EQ_INT(1, mock_notification_count());
  EXPECT_EQ_INT(NOTIF_OKAY, mock_notification_at(0)->severity);
  OK(strstr(mock_notification_at(0)->message, "synchronised again") != NULL);

  /* A failing call: NaN for every gauge, no counter, an error logged. */
  mock_clear();
  fake_ret = -1;
  fake_errno = EPERM;
  OK(mock_read_all() == 1);
  int found = 0;
  OK(isnan(mock_get("", "time_offset", "offset", &found)) && found);
  OK(mock_find(NULL, "total_events", NULL) == NULL);
  OK(mock_log_find("adjtimex failed") >= 0);

  /* Every metric is in types.db and in the README. */
  EXPECT_EQ_INT(0, mock_check_metric_table("timex", timex_metrics,
                                           CDU_TABLE_SIZE(timex_metrics)));
  mock_shutdown_all();
  return testing_done();
}
