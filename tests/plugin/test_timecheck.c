/* SPDX-License-Identifier: MIT
 * The timecheck plugin under the recording mock: values go in through its
 * write callback (as collectd hands it what the other plugins dispatch), the
 * clocks and adjtimex are fakes, the leap file is written here; the
 * dispatched values and notifications are checked, and that every hold and
 * age follows the monotonic clock, not the wall clock. */
#include "plugins/timecheck.c" /* sic: reach the static functions */

#include "tests/mock/plugin_mock.h"
#include "tests/unit/testing.h"

#include <stdlib.h>
#include <unistd.h>

/* The mock has no write callbacks: keep the one the plugin registers. */
static plugin_write_cb registered_write;
int plugin_register_write(const char *name, plugin_write_cb cb,
                          user_data_t const *ud) {
  (void)name;
  (void)ud;
  registered_write = cb;
  return 0;
}

static double fake_mono = 1000.0;
static double fake_wall;
static int fake_status;
static int fake_calls, fake_writes; /* adjtimex calls, calls with modes */
static double get_mono(void) { return fake_mono; }
static double get_wall(void) { return fake_wall; }
static int fake_adjtimex(struct timex *tx) {
  fake_calls++;
  fake_writes += tx->modes != 0;
  tx->status = fake_status;
  return TIME_OK;
}

#define DAY 86400.0
#define U_2026_12_03 1796256000.0 /* 2026-12-03 00:00 UTC */
#define U_2027_01_01 1798761600.0
#define NTP_OFFSET 2208988800.0

static char leap_path[] = "/tmp/test_timecheck_leapXXXXXX";

/* A leap file in the IERS/IANA format expiring `expire_unix`; with
 * `leap_2027` it also lists a (made-up) leap second at 2027-01-01. */
static void write_leapfile(double expire_unix, int leap_2027) {
  FILE *f = fopen(leap_path, "w");
  fprintf(f, "#\tleap-seconds.list written by test_timecheck\n"
             "#$\t3676924800\n#@\t%.0f\n"
             "2272060800\t10\t# 1 Jan 1972\n"
             "2287785600\t11\t# 1 Jul 1972\n",
          expire_unix + NTP_OFFSET);
  if (leap_2027)
    fprintf(f, "%.0f\t12\t# 1 Jan 2027\n", U_2027_01_01 + NTP_OFFSET);
  fclose(f);
}

static void feed(const char *host, const char *plugin, const char *pinst,
                 const char *type, const char *tinst, double v) {
  data_source_t dsrc = {.name = "value", .type = DS_TYPE_GAUGE};
  data_set_t ds = {.type = "t", .ds_num = 1, .ds = &dsrc};
  value_t val = {.gauge = v};
  value_list_t vl = {.values = &val, .values_len = 1};
  sstrncpy(vl.host, host, sizeof(vl.host));
  sstrncpy(vl.plugin, plugin, sizeof(vl.plugin));
  sstrncpy(vl.plugin_instance, pinst, sizeof(vl.plugin_instance));
  sstrncpy(vl.type, type, sizeof(vl.type));
  sstrncpy(vl.type_instance, tinst, sizeof(vl.type_instance));
  registered_write(&ds, &vl, NULL);
}

/* The three configured voters and two sources, each one value. */
static void feed_all(double ntp_li, double a2, double pps_s, double gps_s) {
  feed("mockhost", "ntp", "", "clock_state", "leap", ntp_li);
  feed("mockhost", "dcf77", "pty", "bool", "leap_announced", a2);
  feed("mockhost", "pps", "pps0", "time_offset", "edge_mean", pps_s);
  feed("mockhost", "gpsd", "gps0", "time_offset", "toff", gps_s);
}

static double get(const char *type, const char *ti) {
  return mock_get("", type, ti, NULL);
}

/* One read `dt` seconds of the monotonic (and wall) clock later. */
static void step_read(double dt) {
  fake_mono += dt;
  fake_wall += dt;
  OK_MSG(mock_clear_read("timecheck") == 0, "read returns 0");
}

/* The voters' values (feed_all), then a read dt s later (step_read). */
static void feed_read(double ntp_li, double a2, double pps_s, double gps_s,
                      double dt) {
  feed_all(ntp_li, a2, pps_s, gps_s);
  step_read(dt);
}

static void test_healthy(void) {
  feed_read(0, 0, 1e-6, 0.1 + 2e-6, 1);
  EXPECT_NEAR(1, get("bool", "leap_agree"), 0);
  EXPECT_NEAR(3, get("count", "leap_voters"), 0);
  EXPECT_NEAR(0, get("bool", "leap_announced_kernel"), 0);
  EXPECT_NEAR(0, get("bool", "leap_announced_dcf77"), 0);
  EXPECT_NEAR(0, get("bool", "leapfile_expiring"), 0);
  EXPECT_NEAR(0, get("bool", "leapfile_leap_scheduled"), 0);
  EXPECT_NEAR(400, get("timecheck_days", "leapfile_expiry"), 1.0 / 3600);
  /* pps edge_mean is system - PPS: negated, -1 us - 2 us */
  EXPECT_NEAR(-3e-6, get("time_offset", "pps_vs_gps"), 1e-12);
  EXPECT_NEAR(0, get("bool", "apart-pps_vs_gps"), 0);
  EXPECT_NEAR(0, get("count", "pairs_apart"), 0);
  EXPECT_EQ_INT(0, mock_notification_count());
}

/* DCF77 A2 set on 3 Dec while nobody else announces: disagree after
 * LeapHold (600 s) of the monotonic clock, whatever the wall clock does. */
static void test_leap_disagree(void) {
  feed_read(0, 1, 0, 0.1, 1);
  EXPECT_NEAR(1, get("bool", "leap_agree"), 0);
  EXPECT_NEAR(1, get("bool", "leap_announced_dcf77"), 0);
  fake_wall += 3 * 3600.0; /* the wall clock steps 3 h: no hold passes */
  for (int i = 0; i < 5; i++)
    feed_read(0, 1, 0, 0.1, 10);
  EXPECT_NEAR(1, get("bool", "leap_agree"), 0);
  int warned = 0;
  for (int i = 0; i < 60; i++) {
    feed_read(0, 1, 0, 0.1, 10);
    warned |= mock_notified(NOTIF_WARNING, "dcf77=1");
  }
  EXPECT_NEAR(0, get("bool", "leap_agree"), 0);
  OK_MSG(warned,
         "the WARNING names the disagreeing voter");
  int warned_before = 0;
  for (int i = 0; i < 61 && !warned_before; i++) {
    feed_read(0, 0, 0, 0.1, 10);
    warned_before = mock_notified(NOTIF_OKAY, "agree again");
  }
  OK_MSG(warned_before, "OKAY once A2 has been clear for LeapHold");
  EXPECT_NEAR(1, get("bool", "leap_agree"), 0);
}

/* 30 min before a leap the file schedules: ntpd and the kernel announce,
 * DCF77 too: agree.  20 h before DCF77 must not announce yet. */
static void test_leap_window(void) {
  write_leapfile(U_2026_12_03 + 400 * DAY, 1);
  fake_wall = U_2027_01_01 - 20 * 3600.0;
  fake_status = STA_INS;
  feed_read(1, 0, 0, 0.1, 1);
  EXPECT_NEAR(1, get("bool", "leapfile_leap_scheduled"), 0);
  EXPECT_NEAR(1, get("bool", "leap_announced_kernel"), 0);
  EXPECT_NEAR(1, get("bool", "leap_agree"), 0);
  fake_wall = U_2027_01_01 - 1800.0;
  for (int i = 0; i < 70; i++)
    feed_read(1, 1, 0, 0.1, 10);
  EXPECT_NEAR(1, get("bool", "leap_agree"), 0);
  EXPECT_EQ_INT(0, mock_notification_count());
  fake_status = 0;
  fake_wall = U_2026_12_03;
  write_leapfile(U_2026_12_03 + 400 * DAY, 0);
}

static void test_stale(void) {
  feed_read(0, 0, 0, 0.1, 1);
  EXPECT_NEAR(3, get("count", "leap_voters"), 0);
  /* a value written by a write thread after the read took its time (an
   * arrival "in the future" of the read) is fresh, not unknown */
  fake_mono += 0.5;
  feed_all(0, 0, 0, 0.1);
  fake_mono -= 0.5;
  mock_clear_read("timecheck");
  EXPECT_NEAR(0, get("time_offset", "pps_vs_gps"), 1e-12);
  EXPECT_NEAR(3, get("count", "leap_voters"), 0);
  /* a NaN (no pulse in this interval) keeps the last value until MaxAge */
  feed("mockhost", "pps", "pps0", "time_offset", "edge_mean", NAN);
  step_read(10);
  EXPECT_NEAR(0, get("time_offset", "pps_vs_gps"), 1e-12);
  fake_wall -= 3600; /* a wall step back does not make values fresh */
  step_read(21);     /* MaxAge 30: 31 s since the last values */
  EXPECT_NEAR(1, get("count", "leap_voters"), 0);
  OK(isnan(get("bool", "leap_announced_ntp")));
  OK(isnan(get("time_offset", "pps_vs_gps")));
  OK(isnan(get("bool", "apart-pps_vs_gps")));
  /* another host's values are not this host's */
  feed("otherhost", "ntp", "", "clock_state", "leap", 0);
  step_read(1);
  OK(isnan(get("bool", "leap_announced_ntp")));
}

static void test_leapfile_expiry(void) {
  write_leapfile(U_2026_12_03 + 10 * DAY, 0);
  step_read(1);
  EXPECT_NEAR(1, get("bool", "leapfile_expiring"), 0);
  EXPECT_NEAR(10, get("timecheck_days", "leapfile_expiry"), 0.1);
  OK_MSG(mock_notified(NOTIF_WARNING, "expires in 10.0"),
         "WARNING with the days left");
  write_leapfile(U_2026_12_03 - 2 * DAY, 0);
  step_read(1);
  OK_MSG(get("timecheck_days", "leapfile_expiry") < -1.9,
         "an expired file has negative days left");
  EXPECT_NEAR(1, get("bool", "leapfile_expiring"), 0);
  FILE *f = fopen(leap_path, "w");
  fputs("2272060800\t10\n", f); /* no #@ line */
  fclose(f);
  step_read(1);
  OK(isnan(get("timecheck_days", "leapfile_expiry")));
  OK(isnan(get("bool", "leapfile_expiring")));
  OK_MSG(mock_log_find("no \"#@\" expiry line") >= 0,
         "the bad file is logged with the reason");
  write_leapfile(U_2026_12_03 + 400 * DAY, 0);
  step_read(1);
  EXPECT_NEAR(0, get("bool", "leapfile_expiring"), 0);
  OK_MSG(mock_notified(NOTIF_OKAY, "expires in"), "OKAY when renewed");
}

/* The receiver's latency is configured 1 s wrong (a serial NMEA time one
 * second off): apart after Hold 30 s of the monotonic clock. */
static void test_pairs(void) {
  unsigned seed = 3;
  for (int i = 0; i < 20; i++) {
    seed = seed * 1103515245u + 12345u;
    double noise = ((seed >> 8) & 0xffff) / 65535.0 * 20e-6 - 10e-6;
    feed_read(0, 0, noise, 0.1 + noise, 1);
    OK_MSG(get("bool", "apart-pps_vs_gps") == 0, "honest pair not apart");
  }
  OK_MSG(get("time_offset_rms", "pps_vs_gps") >= 0,
         "the spread is known after 20 samples");
  feed_read(0, 0, 0, 1.1, 1);
  EXPECT_NEAR(-1.0, get("time_offset", "pps_vs_gps"), 1e-9);
  EXPECT_NEAR(0, get("bool", "apart-pps_vs_gps"), 0);
  fake_wall += 3600; /* a wall step does not pass the hold */
  feed_read(0, 0, 0, 1.1, 29);
  EXPECT_NEAR(0, get("bool", "apart-pps_vs_gps"), 0);
  feed_read(0, 0, 0, 1.1, 1);
  EXPECT_NEAR(1, get("bool", "apart-pps_vs_gps"), 0);
  EXPECT_NEAR(1, get("count", "pairs_apart"), 0);
  OK_MSG(mock_notified(NOTIF_WARNING, "pps and gps disagree by -1.0000"),
         "WARNING names the pair and the difference");
  int okay = 0;
  for (int i = 0; i < 31; i++) {
    feed_read(0, 0, 0, 0.1, 1);
    okay |= mock_notified(NOTIF_OKAY, "agree again");
  }
  EXPECT_NEAR(0, get("bool", "apart-pps_vs_gps"), 0);
  OK_MSG(okay, "OKAY when back");
}

/* The pair apart for 5 s, then gpsd gone for longer than MaxAge (30 s; a
 * gpsd restart), then apart again: "apart without interruption for Hold"
 * counts from the return, not from the first sighting 40 s earlier (a
 * glitch before and one after a restart is no 30-s disagreement). */
static void test_pair_stale_gap(void) {
  for (int i = 0; i < 5; i++)
    feed_read(0, 0, 0, 1.1, 1);
  EXPECT_NEAR(0, get("bool", "apart-pps_vs_gps"), 0);
  for (int i = 0; i < 4; i++) { /* only ntp, dcf77 and pps write */
    feed("mockhost", "ntp", "", "clock_state", "leap", 0);
    feed("mockhost", "dcf77", "pty", "bool", "leap_announced", 0);
    feed("mockhost", "pps", "pps0", "time_offset", "edge_mean", 0);
    step_read(10);
  }
  OK_MSG(isnan(get("bool", "apart-pps_vs_gps")), "gps stale: the pair is NaN");
  int early = 0;
  for (int i = 0; i < 30; i++) { /* the first read sees it, 29 s later */
    feed_read(0, 0, 0, 1.1, 1);
    early |= get("bool", "apart-pps_vs_gps") != 0;
  }
  OK_MSG(!early, "apart again after the gap: not before Hold from the return");
  feed_read(0, 0, 0, 1.1, 1);
  EXPECT_NEAR(1, get("bool", "apart-pps_vs_gps"), 0);
  for (int i = 0; i < 31; i++)
    feed_read(0, 0, 0, 0.1, 1);
  EXPECT_NEAR(0, get("bool", "apart-pps_vs_gps"), 0);
}

static void test_bad_config(void) {
  size_t voters = tc_voters_n;
  OK(mock_configure("timecheck", "<Plugin timecheck>\n"
                                 "  <LeapVoter \"x\">\n"
                                 "    Value \"no_slash\"\n"
                                 "  </LeapVoter>\n"
                                 "</Plugin>\n") != 0);
  OK(mock_log_find("<LeapVoter \"x\">: Value must be") >= 0);
  OK(mock_configure("timecheck", "<Plugin timecheck>\n"
                                 "  <Source \"y\">\n    Latency 0.1\n"
                                 "  </Source>\n"
                                 "  MaxApartt 1\n"
                                 "</Plugin>\n") != 0);
  OK(mock_log_find("Value is required") >= 0);
  OK(mock_log_find("unknown option \"MaxApartt\"") >= 0);
  EXPECT_EQ_INT(voters, tc_voters_n);
}

int main(void) {
  int fd = mkstemp(leap_path);
  close(fd);
  fake_wall = U_2026_12_03;
  write_leapfile(U_2026_12_03 + 400 * DAY, 0);
  tc_mono = get_mono;
  tc_wall = get_wall;
  tc_adjtimex = fake_adjtimex;
  EXPECT_EQ_INT(0, mock_check_metric_table("timecheck", tc_metrics,
                                           CDU_TABLE_SIZE(tc_metrics)));
  module_register();
  char conf[1024];
  snprintf(conf, sizeof(conf),
           "<Plugin timecheck>\n"
           "  LeapFile \"%s\"\n  LeapHold 600\n  MaxAge 30\n"
           "  MaxApart 0.001\n  SpreadFactor 5\n  Hold 30\n"
           "  <LeapVoter \"ntp\">\n    Value \"ntp/clock_state-leap\"\n"
           "  </LeapVoter>\n"
           "  <LeapVoter \"dcf77\">\n"
           "    Value \"dcf77-pty/bool-leap_announced\"\n    Window 3600\n"
           "  </LeapVoter>\n"
           "  <Source \"pps\">\n    Value \"pps-pps0/time_offset-edge_mean\"\n"
           "    Negate true\n  </Source>\n"
           "  <Source \"gps\">\n"
           "    Value \"mockhost/gpsd-gps0/time_offset-toff\"\n"
           "    Latency -0.1\n  </Source>\n"
           "</Plugin>\n",
           leap_path);
  EXPECT_EQ_INT(0, mock_configure("timecheck", conf));
  EXPECT_EQ_INT(0, mock_init_all());
  OK_MSG(registered_write != NULL, "a write callback is registered");
  test_healthy();
  test_leap_disagree();
  test_leap_window();
  test_stale();
  test_leapfile_expiry();
  test_pairs();
  test_pair_stale_gap();
  test_bad_config();
  OK_MSG(fake_calls > 100 && fake_writes == 0,
         "adjtimex called every read, always with modes 0 (read-only)");
  mock_shutdown_all();
  unlink(leap_path);
  return testing_done();
}
