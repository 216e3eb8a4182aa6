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

/* Kernel states as each time daemon leaves them, field by field.  Sources:
 * chrony sys_timex.c set_sync_status (STA_UNSYNC kept set on Linux without
 * rtcsync; maxerror/esterror = its error bounds in µs, 16 s once it is not
 * synchronised; it never sets STA_PLL, so constant stays at the kernel's 2);
 * ntpd/NTPsec ntp_loop.c (STA_PLL | STA_NANO, constant = poll exponent,
 * maxerror = rootdelay/2 + rootdisp, esterror = jitter, offset in ns); the
 * Linux kernel/time/ntp.c second_overflow (+500 µs of maxerror per second
 * nobody updates it, capped at NTP_PHASE_LIMIT 16 s, then STA_UNSYNC). */
typedef struct {
  const char *who;
  struct timex tx;
  int ret;
  double synchronised; /* expected bool-synchronised */
  int severity;        /* expected notification on entry, -1 = none */
} recorded_state_t;

static const recorded_state_t recorded[] = {
    {"nobody ever disciplined the clock (this VM)",
     {.status = STA_UNSYNC, .maxerror = 16000000, .esterror = 16000000,
      .constant = 2, .precision = 1, .tolerance = 32768000, .tick = 10000},
     TIME_ERROR, 0.0, NOTIF_WARNING},
    {"chronyd synchronised, no rtcsync",
     {.status = STA_UNSYNC, .freq = -930611, .maxerror = 37451,
      .esterror = 412, .constant = 2, .precision = 1, .tolerance = 32768000,
      .tick = 10000},
     TIME_ERROR, 1.0, NOTIF_OKAY},
    {"chronyd synchronised, rtcsync",
     {.status = 0, .freq = -930611, .maxerror = 37451, .esterror = 412,
      .constant = 2, .precision = 1, .tolerance = 32768000, .tick = 10000},
     TIME_OK, 1.0, -1},
    {"ntpd kernel discipline",
     {.status = STA_PLL | STA_NANO, .offset = -52341, .freq = -230686,
      .maxerror = 251000, .esterror = 1021, .constant = 6, .precision = 1,
      .tolerance = 32768000, .tick = 10000},
     TIME_OK, 1.0, -1},
    {"ntpd stopped 8 h ago: bound grown by 500 µs/s, not yet 16 s",
     {.status = STA_PLL | STA_NANO, .freq = -230686,
      .maxerror = 251000 + 8 * 3600 * 500, .esterror = 1021, .constant = 6,
      .precision = 1, .tolerance = 32768000, .tick = 10000},
     TIME_OK, 1.0, -1},
    {"ntpd stopped 9 h ago: the kernel capped the bound and set STA_UNSYNC",
     {.status = STA_PLL | STA_NANO | STA_UNSYNC, .freq = -230686,
      .maxerror = 16000000, .esterror = 1021, .constant = 6, .precision = 1,
      .tolerance = 32768000, .tick = 10000},
     TIME_ERROR, 0.0, NOTIF_WARNING},
    {"chronyd lost its sources (it writes 16 s itself), rtcsync",
     {.status = STA_UNSYNC, .freq = -930611, .maxerror = 16000000,
      .esterror = 16000000, .constant = 2, .precision = 1,
      .tolerance = 32768000, .tick = 10000},
     TIME_ERROR, 0.0, -1},
    {"chronyd synchronised again, no rtcsync",
     {.status = STA_UNSYNC, .freq = -930611, .maxerror = 52007,
      .esterror = 803, .constant = 2, .precision = 1, .tolerance = 32768000,
      .tick = 10000},
     TIME_ERROR, 1.0, NOTIF_OKAY},
};

/* Walk the recorded states in order: bool-synchronised follows the error
 * bound, bool-status_unsync stays the raw bit, and a notification is sent
 * exactly when bool-synchronised changes. */
static void test_recorded_states(void) {
  for (size_t i = 0; i < sizeof(recorded) / sizeof(recorded[0]); i++) {
    const recorded_state_t *c = &recorded[i];
    char msg[160];
    mock_clear();
    fake = c->tx;
    fake_ret = c->ret;
    EXPECT_EQ_INT(0, mock_read_all());
    snprintf(msg, sizeof(msg), "%s: bool-synchronised = %.0f", c->who,
             c->synchronised);
    OK_MSG(get("bool", "synchronised") == c->synchronised, msg);
    snprintf(msg, sizeof(msg), "%s: bool-status_unsync = the raw bit", c->who);
    OK_MSG(get("bool", "status_unsync") ==
               ((c->tx.status & STA_UNSYNC) ? 1.0 : 0.0),
           msg);
    snprintf(msg, sizeof(msg), "%s: %s", c->who,
             c->severity < 0 ? "no notification" : "one notification");
    OK_MSG(mock_notification_count() == (c->severity < 0 ? 0 : 1), msg);
    if (c->severity >= 0 && mock_notification_count() == 1)
      EXPECT_EQ_INT(c->severity, mock_notification_at(0)->severity);
  }
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
  fake.maxerror = 120000; /* 0.12 s: a daemon keeps the bound updated */
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

  test_recorded_states();

  /* Every metric is in types.db and in the README. */
  EXPECT_EQ_INT(0, mock_check_metric_table("timex", timex_metrics,
                                           CDU_TABLE_SIZE(timex_metrics)));
  mock_shutdown_all();
  return testing_done();
}
