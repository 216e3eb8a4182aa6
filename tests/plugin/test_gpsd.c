/* SPDX-License-Identifier: MIT
 * The gpsd plugin under the recording mock, through its seam: recorded
 * gpsd 3.22 JSON lines (tests/data/gpsd/, *.gpsd322.json) are unpacked by the
 * REAL libgps (gps_unpack, into one gps_data_t shared by all devices, as
 * on a live connection) and handed to gpsd_handle_report() exactly as the
 * reader thread does after gps_read().  No thread, no socket here; the
 * integration tests run the plugin inside collectd against real gpsd.
 *
 * Expected values come from the receiver logs (hand-checked $GxGSA used
 * lists, $GxGSV views and SNRs) and from the recorded JSON itself. */
#include "plugins/gpsd.c"        /* sic: reach the static functions */
#include "plugins/gpsd_reader.c" /* (all three translation units) */
#include "plugins/gpsd_integrity.c"

#include "common/phase_stats.h"
#include "tests/mock/plugin_mock.h"
#include "tests/unit/prng.h"
#include "tests/unit/testing.h"

static struct gps_data_t g; /* one struct for every device, like libgps */

/* The plugin's elapsed-time clock in this test: it follows the mock's wall
 * clock (mock_now) unless a test sets test_elapsed to move the two apart
 * (a wall-clock step). */
static cdtime_t test_elapsed;
static cdtime_t test_clock(void) {
  return test_elapsed != 0 ? test_elapsed : mock_now;
}

static int feed(gpsd_server_t *srv, const char *line, cdtime_t now) {
  char copy[GPSD_LINE_MAX];
  sstrncpy(copy, line, sizeof(copy));
  gps_unpack(copy, &g); /* libgps's own decoding of the same line */
  return gpsd_handle_report(srv, line, strlen(line), &g, now);
}

/* Replay a recording: each report fed at `now`, then given to each(line,
 * ctx) if not NULL; stop after the line containing `until` (if given).
 * The reports fed, -1 if the recording cannot be read. */
static int replay_each(gpsd_server_t *srv, const char *name, const char *until,
                       cdtime_t now, void (*each)(const char *, void *),
                       void *ctx) {
  char path[512], line[GPSD_LINE_MAX];
  const char *top = getenv("TOP_SRCDIR");
  snprintf(path, sizeof(path), "%s/tests/data/gpsd/%s", top ? top : ".", name);
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    printf("# cannot open %s\n", path);
    return -1;
  }
  int n = 0;
  while (fgets(line, sizeof(line), f) != NULL) {
    line[strcspn(line, "\r\n")] = '\0';
    if (line[0] != '{')
      continue;
    feed(srv, line, now);
    n++;
    if (each != NULL)
      each(line, ctx);
    if (until != NULL && strstr(line, until) != NULL)
      break;
  }
  fclose(f);
  return n;
}

static int replay(gpsd_server_t *srv, const char *name, const char *until,
                  cdtime_t now) {
  return replay_each(srv, name, until, now, NULL, NULL);
}

static double get(const char *pi, const char *type, const char *ti) {
  return mock_get(pi, type, ti, NULL);
}

/* The server configured last under `name`, NULL if none. */
static gpsd_server_t *server(const char *name) {
  gpsd_server_t *srv = NULL;
  for (size_t i = 0; i < gpsd_registry_size(); i++)
    if (strcmp(gpsd_registry_at(i)->name, name) == 0)
      srv = gpsd_registry_at(i);
  return srv;
}

/* Expected values of one instance: type, type instance, value (NaN:
 * expect NaN), absolute tolerance. */
typedef struct {
  const char *type, *ti;
  double want, tol;
} want_t;

static void expect_values(const char *pi, const want_t *w, size_t n) {
  char what[160];
  for (size_t i = 0; i < n; i++) {
    snprintf(what, sizeof what, "%s %s/%s ~= %g", pi, w[i].type, w[i].ti,
             w[i].want);
    EXPECT_NEAR_MSG(w[i].want, get(pi, w[i].type, w[i].ti), w[i].tol, what);
  }
}
#define EXPECT_VALUES(pi, w) expect_values(pi, w, sizeof(w) / sizeof((w)[0]))

#define T0 TIME_T_TO_CDTIME_T(1800000000)

static void test_config_errors(void) {
  static const char *bad[] = {
      "<Server \"a\">\n Bogus 1\n</Server>",
      "<Server \"a\">\n <Receiver \"r\">\n  Path \"/dev/x\"\n </Receiver>\n</Server>",
      "<Server \"a\">\n <Receiver \"r\">\n </Receiver>\n</Server>",
      "<Server \"a\">\n MaxAge 0\n</Server>",
      "<Server \"a\">\n ReconnectInterval 0.5\n</Server>",
      "<Server \"a\">\n Port \"x y z\"\n Host 5\n</Server>",
      "Bogus \"x\"",
      "<Server>\n</Server>",
      "<Server \"a\">\n <Receiver \"r\">\n  Device \"/dev/a\"\n </Receiver>\n"
      " <Receiver \"r\">\n  Device \"/dev/b\"\n </Receiver>\n</Server>",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    mock_clear();
    char what[80];
    snprintf(what, sizeof(what), "bad config %zu is rejected", i);
    OK_MSG(mock_configure("gpsd", bad[i]) != 0, what);
    OK_MSG(mock_log_find("gpsd plugin") >= 0 || mock_log_find("option") >= 0,
           "... with a log line");
  }
  OK(mock_log_find("<Server \"a\">: unknown option \"Bogus\"") < 0 ||
     mock_read_count() == 0);
  EXPECT_EQ_INT(0, mock_read_count());
  EXPECT_EQ_INT(0, (int)gpsd_registry_size());
  mock_clear();
  mock_configure("gpsd", bad[0]);
  OK(mock_log_find("<Server \"a\">: unknown option \"Bogus\"") >= 0);
}

static void test_two_receivers(void) {
  mock_clear();
  int st = mock_configure("gpsd",
                          "<Plugin gpsd>\n"
                          "  Reference \"hab\"\n"
                          "  <Server \"fake\">\n"
                          "    Host \"127.0.0.1\"\n"
                          "    Port 29999\n"
                          "    MaxAge 5\n"
                          "    Interval 2\n"
                          "    <Receiver \"hab\">\n"
                          "      Device \"/dev/pts/1\"\n"
                          "    </Receiver>\n"
                          "  </Server>\n"
                          "</Plugin>\n");
  EXPECT_EQ_INT(0, st);
  OK(mock_has_read("gpsd/fake"));
  gpsd_server_t *srv = server("fake");
  OK(srv != NULL && srv->max_age == TIME_T_TO_CDTIME_T(5));
  EXPECT_EQ_STR("29999", srv->port);

  /* Nothing received yet: the configured receiver is NaN, not absent. */
  mock_now = T0;
  srv->connected = true;
  mock_read("gpsd/fake");
  int found = 0;
  OK(isnan(mock_get("hab", "satellites", "glonass_used", &found)) && found);
  EXPECT_EQ_INT(CDU_TABLE_SIZE(gpsd_metrics), mock_value_count());

  OK(replay(srv, "hab-garmin.gpsd322.json", NULL, T0) > 40);
  mock_clear_read("gpsd/fake");
  /* hab-gpspi.log, 09:28:37: $GNGSA 22,17,28,15,18 / 82,72,80,65,73;
   * $GPGSV 14 (12 GPS + SBAS 33, 39), $GLGSV 9. */
  static const want_t hab[] = {
      {"gauge", "fix_mode", 3, 1e-12},
      {"satellites", "gps_visible", 12, 1e-12},
      {"satellites", "gps_used", 5, 1e-12},
      {"satellites", "sbas_visible", 2, 1e-12},
      {"satellites", "sbas_used", 0, 1e-12},
      {"satellites", "glonass_visible", 9, 1e-12},
      {"satellites", "glonass_used", 5, 1e-12},
      {"satellites", "galileo_visible", 0, 1e-12},
      {"satellites", "total_visible", 23, 1e-12},
      {"satellites", "total_used", 10, 1e-12},
      /* SNR of used sats at 09:28:37: GPS 15 27 30 16 11, GLONASS 35 12 21
       * 18 32 */
      {"snr", "gps_used_mean", 19.8, 1e-9},
      {"snr", "gps_used_max", 30, 1e-9},
      {"snr", "glonass_used_mean", 23.6, 1e-9},
      {"snr", "glonass_used_max", 35, 1e-9},
      {"snr", "sbas_used_mean", NAN, 0},
      /* DOPs of the complete SKY (the partial one had tdop 1.37). */
      {"dilution_of_precision", "horizontal", 0.96, 1e-9},
      {"dilution_of_precision", "vertical", 1.47, 1e-9},
      {"dilution_of_precision", "position", 1.75, 1e-9},
      {"dilution_of_precision", "time", 0.84, 1e-9},
      {"dilution_of_precision", "geometric", 1.94, 1e-9},
      {"time_dispersion", "ept", 0.005, 1e-12},
      {"duration", "since_fix", 0, 1e-12},
  };
  EXPECT_VALUES("hab", hab);
  /* garmin15x.log: GPS only, $GPGSA 8 used, $GPGSV 11 in view; the
   * unconfigured receiver is reported under its device path. */
  EXPECT_EQ_DOUBLE(11, get("pts_2", "satellites", "gps_visible"));
  EXPECT_EQ_DOUBLE(8, get("pts_2", "satellites", "gps_used"));
  EXPECT_EQ_DOUBLE(0, get("pts_2", "satellites", "glonass_visible"));
  EXPECT_NEAR(1.1, get("pts_2", "dilution_of_precision", "horizontal"), 1e-9);
  EXPECT_NEAR(1.4, get("pts_2", "dilution_of_precision", "time"), 1e-9);
  /* TOFF = real - clock of each device's last TOFF (line 41 for pts/2:
   * 1666092784.0 - 1795334732.125711541); no PPS report was sent. */
  EXPECT_NEAR(1666092784.0 - 1795334732.125711541,
              get("pts_2", "time_offset", "toff"), 1e-6);
  OK(isnan(get("pts_2", "time_offset", "pps")));
  OK(isnan(get("hab", "time_offset", "pps")));
  /* Comparison with the Reference "hab": garmin TOFF - hab TOFF; NaN for
   * the reference itself. */
  double d = get("pts_2", "time_offset", "toff") - get("hab", "time_offset", "toff");
  EXPECT_NEAR(d, get("pts_2", "time_offset", "toff_vs_reference"), 1e-6);
  OK(isnan(get("hab", "time_offset", "toff_vs_reference")));
  OK(isnan(get("pts_2", "time_offset", "pps_vs_reference")));

  /* A partial SKY of hab (GPS+SBAS only, from the same recording) is held:
   * no GLONASS dip, DOPs unchanged. */
  feed(srv,
       "{\"class\":\"SKY\",\"device\":\"/dev/pts/1\",\"tdop\":1.37,"
       "\"hdop\":0.96,\"nSat\":2,\"uSat\":1,\"satellites\":[{\"PRN\":15,"
       "\"el\":43.0,\"az\":197.0,\"ss\":16.0,\"used\":true,\"gnssid\":0,"
       "\"svid\":15},{\"PRN\":33,\"el\":27.0,\"az\":220.0,\"ss\":0.0,"
       "\"used\":false,\"gnssid\":1,\"svid\":120}]}",
       T0 + TIME_T_TO_CDTIME_T(1));
  mock_clear();
  mock_now = T0 + TIME_T_TO_CDTIME_T(1);
  mock_read("gpsd/fake");
  EXPECT_EQ_DOUBLE(9, get("hab", "satellites", "glonass_visible"));
  EXPECT_NEAR(0.84, get("hab", "dilution_of_precision", "time"), 1e-9);
  EXPECT_EQ_DOUBLE(1, get("hab", "duration", "since_fix"));

  /* Stale: MaxAge (5 s) passed without reports: NaN, never the last value. */
  mock_clear();
  mock_now = T0 + TIME_T_TO_CDTIME_T(6);
  mock_read("gpsd/fake");
  found = 0;
  OK(isnan(mock_get("hab", "satellites", "glonass_used", &found)) && found);
  OK(isnan(get("hab", "gauge", "fix_mode")));
  OK(isnan(get("pts_2", "time_offset", "toff")));
  OK(isnan(get("hab", "duration", "since_fix")));

  /* Fresh again, then the connection drops: NaN at once. */
  replay(srv, "hab-garmin.gpsd322.json", NULL, mock_now);
  mock_clear_read("gpsd/fake");
  EXPECT_EQ_DOUBLE(5, get("hab", "satellites", "glonass_used"));
  gpsd_server_invalidate(srv);
  mock_clear_read("gpsd/fake");
  OK(isnan(get("hab", "satellites", "glonass_used")));
  OK(isnan(get("pts_2", "satellites", "gps_used")));
  srv->connected = true;
}

/* TOFF / PPS: decided by the class in the line, whatever libgps does. */
static void test_toff_pps(void) {
  gpsd_server_t *srv = server("fake");
  const char *toff =
      "{\"class\":\"TOFF\",\"device\":\"/dev/pts/1\",\"real_sec\":1800000000, "
      "\"real_nsec\":0,\"clock_sec\":1800000000,\"clock_nsec\":50500000}";
  const char *pps =
      "{\"class\":\"PPS\",\"device\":\"/dev/pts/1\",\"real_sec\":1800000001,"
      "\"real_nsec\":0,\"clock_sec\":1800000000,\"clock_nsec\":999998000,"
      "\"precision\":-20,\"qErr\":-4321}";
  mock_now = T0 + TIME_T_TO_CDTIME_T(10);
  memset(&g, 0, sizeof(g));
  EXPECT_EQ_INT(0, feed(srv, toff, mock_now));
  /* The installed libgps 3.22 files TOFF into g.pps: libgps/libgps_json.c
   * libgps_json_unpack() hands TOFF to json_pps_read() (fixed in 3.25). */
  if (g.toff.real.tv_sec == 0)
    OK_MSG(g.pps.real.tv_sec == 1800000000 && (g.set & TOFF_SET),
           "libgps 3.22 bug present: TOFF landed in gpsdata->pps");
  else
    OK_MSG(g.toff.real.tv_sec == 1800000000, "fixed libgps: TOFF in ->toff");
  EXPECT_EQ_INT(0, feed(srv, pps, mock_now));
  mock_clear_read("gpsd/fake");
  EXPECT_NEAR(-0.0505, get("hab", "time_offset", "toff"), 1e-12);
  EXPECT_NEAR(2e-6, get("hab", "time_offset", "pps"), 1e-12);
  EXPECT_EQ_DOUBLE(-20, get("hab", "gauge", "pps_precision"));
  EXPECT_NEAR(-4.321e-9, get("hab", "time_offset", "pps_qerr"), 1e-18);

  /* The libgps fallback, chosen by class: 3.22 (TOFF in g.pps) ... */
  gpsd_timedelta_t td;
  memset(&g, 0, sizeof(g));
  g.set = TOFF_SET;
  g.pps.real.tv_sec = 100;
  g.pps.clock.tv_sec = 99;
  g.pps.clock.tv_nsec = 900000000;
  EXPECT_EQ_INT(0, timedelta_from_libgps(GPSD_CLASS_TOFF, &g, &td));
  EXPECT_EQ_INT(100, td.real_sec);
  EXPECT_EQ_INT(900000000, td.clock_nsec);
  /* ... and a fixed libgps (TOFF in g.toff, g.pps holding the last PPS). */
  g.toff.real.tv_sec = 200;
  g.toff.clock.tv_sec = 200;
  g.toff.clock.tv_nsec = 7;
  EXPECT_EQ_INT(0, timedelta_from_libgps(GPSD_CLASS_TOFF, &g, &td));
  EXPECT_EQ_INT(200, td.real_sec);
  EXPECT_EQ_INT(7, td.clock_nsec);
  EXPECT_EQ_INT(-1, timedelta_from_libgps(GPSD_CLASS_PPS, &g, &td)); /* no PPS_SET */
  g.set |= PPS_SET;
  g.qErr = 55;
  EXPECT_EQ_INT(0, timedelta_from_libgps(GPSD_CLASS_PPS, &g, &td));
  EXPECT_EQ_INT(100, td.real_sec);
  OK(td.has_qerr && td.qerr_ps == 55);

  /* Malformed reports: counted, ignored, nothing crashes. */
  uint64_t bad = srv->bad_reports;
  EXPECT_EQ_INT(-1, feed(srv, "{\"class\":\"TOFF\",\"device\":\"/dev/pts/1\"", mock_now));
  EXPECT_EQ_INT(-1, feed(srv, "garbage", mock_now));
  EXPECT_EQ_INT(1, feed(srv, "{\"class\":\"VERSION\",\"release\":\"3.22\"}", mock_now));
  EXPECT_EQ_INT(2, (int)(srv->bad_reports - bad));
}

/* A backward step of the wall clock must not make old offsets fresh: the
 * ages are measured on the elapsed-time clock.  (With the wall clock, a
 * TOFF stamped before a 1-hour step back stayed "fresh" for an hour.) */
static void test_wall_clock_step(void) {
  gpsd_server_t *srv = server("fake"); /* "fake", MaxAge 5 s, receiver "hab" */
  const char *toff =
      "{\"class\":\"TOFF\",\"device\":\"/dev/pts/1\",\"real_sec\":1800000000, "
      "\"real_nsec\":0,\"clock_sec\":1800000000,\"clock_nsec\":50500000}";
  cdtime_t wall = mock_now + TIME_T_TO_CDTIME_T(10);
  cdtime_t elapsed = TIME_T_TO_CDTIME_T(500000); /* any scale: uptime */
  mock_now = wall;
  test_elapsed = elapsed;
  replay(srv, "hab-garmin.gpsd322.json", NULL, test_clock());
  EXPECT_EQ_INT(0, feed(srv, toff, test_clock()));
  mock_clear_read("gpsd/fake");
  EXPECT_NEAR(-0.0505, get("hab", "time_offset", "toff"), 1e-12);

  /* 1 s later the wall clock is stepped forward by an hour: still fresh. */
  mock_now = wall + TIME_T_TO_CDTIME_T(3601);
  test_elapsed = elapsed + TIME_T_TO_CDTIME_T(1);
  mock_clear_read("gpsd/fake");
  EXPECT_NEAR(-0.0505, get("hab", "time_offset", "toff"), 1e-12);
  EXPECT_EQ_DOUBLE(5, get("hab", "satellites", "glonass_used"));

  /* 6 s after the report (> MaxAge) the wall clock is an hour behind it:
   * every snapshot is stale. */
  mock_now = wall - TIME_T_TO_CDTIME_T(3600) + TIME_T_TO_CDTIME_T(6);
  test_elapsed = elapsed + TIME_T_TO_CDTIME_T(6);
  mock_clear_read("gpsd/fake");
  double stale = get("hab", "time_offset", "toff");
  if (!OK_MSG(isnan(stale), "TOFF 6 s old, wall clock stepped back 1 h: NaN"))
    printf("# got %.9g\n", stale);
  OK(isnan(get("pts_2", "time_offset", "toff")));
  OK(isnan(get("hab", "satellites", "glonass_used")));
  OK(isnan(get("hab", "gauge", "fix_mode")));
  OK(isnan(get("hab", "duration", "since_fix")));
  mock_now = wall + TIME_T_TO_CDTIME_T(10);
  test_elapsed = 0;
}

static void test_notifications(void) {
  gpsd_server_t *srv = server("fake");
  const char *tpv3 = "{\"class\":\"TPV\",\"device\":\"/dev/pts/1\",\"mode\":3}";
  const char *tpv1 = "{\"class\":\"TPV\",\"device\":\"/dev/pts/1\",\"mode\":1}";
  /* Two GLONASS sats in view, none used; one GPS used. */
  const char *sky_noglo =
      "{\"class\":\"SKY\",\"device\":\"/dev/pts/1\",\"satellites\":["
      "{\"PRN\":15,\"ss\":16.0,\"used\":true,\"gnssid\":0,\"svid\":15},"
      "{\"PRN\":33,\"ss\":0.0,\"used\":false,\"gnssid\":1,\"svid\":120},"
      "{\"PRN\":65,\"ss\":30.0,\"used\":false,\"gnssid\":6,\"svid\":1}]}";
  mock_now += TIME_T_TO_CDTIME_T(1);
  replay(srv, "hab-garmin.gpsd322.json", NULL, mock_now);
  feed(srv, tpv3, mock_now);
  mock_clear_read("gpsd/fake");
  size_t base = mock_notification_count(); /* healthy start: silent */
  EXPECT_EQ_INT(0, base);

  feed(srv, tpv1, mock_now);
  feed(srv, sky_noglo, mock_now);
  mock_clear_read("gpsd/fake");
  EXPECT_EQ_DOUBLE(0, get("hab", "satellites", "glonass_used"));
  EXPECT_EQ_DOUBLE(1, get("hab", "satellites", "glonass_visible"));
  EXPECT_EQ_INT(2, mock_notification_count());
  int lost = 0, glo = 0;
  for (size_t i = 0; i < mock_notification_count(); i++) {
    const notification_t *n = mock_notification_at(i);
    lost += strstr(n->message, "lost its fix") != NULL && n->severity == NOTIF_WARNING &&
            strcmp(n->plugin_instance, "hab") == 0;
    glo += strstr(n->message, "0 glonass satellites used") != NULL &&
           n->severity == NOTIF_WARNING && strcmp(n->type_instance, "glonass_used") == 0;
  }
  OK_MSG(lost == 1, "fix lost: one WARNING");
  OK_MSG(glo == 1, "GLONASS down to 0 used: one WARNING");
  /* Same state again: nothing new.  Galileo, never used, never notifies. */
  mock_clear_read("gpsd/fake");
  EXPECT_EQ_INT(0, mock_notification_count());
  /* Recovery: OKAY for both. */
  replay(srv, "hab-garmin.gpsd322.json", NULL, mock_now);
  mock_clear_read("gpsd/fake");
  EXPECT_EQ_INT(2, mock_notification_count());
  OK(mock_notification_count() == 2 &&
     mock_notification_at(0)->severity == NOTIF_OKAY &&
     mock_notification_at(1)->severity == NOTIF_OKAY);
}

/* SKY reports, those without Galileo, reads showing Galileo satellites and
 * reads showing none after one that did. */
typedef struct {
  int skies, partial, reads, dips;
} dips_t;

/* After each report of furuno.gpsd322.json: a read after every SKY. */
static void count_dips(const char *line, void *ctx) {
  dips_t *c = ctx;
  if (strstr(line, "\"class\":\"SKY\"") == NULL)
    return;
  c->skies++;
  c->partial += strstr(line, "\"gnssid\":2") == NULL;
  mock_clear_read("gpsd/fu");
  double gal = get("pts_3", "satellites", "galileo_visible");
  if (!isnan(gal) && gal > 0)
    c->reads++;
  else if (c->reads > 0)
    c->dips++;
}

/* furuno_gl_ga.log under gpsd 3.22: every cycle a SKY without Galileo, then
 * one with it.  Reading after every report never shows a Galileo dip. */
static void test_no_dip(void) {
  mock_clear();
  EXPECT_EQ_INT(0, mock_configure("gpsd", "<Server \"fu\">\n Port 29998\n"
                                          " ReportUnconfigured true\n"
                                          "</Server>\n"));
  gpsd_server_t *srv = server("fu");
  OK(srv != NULL);
  srv->connected = true;
  dips_t c = {0};
  OK(replay_each(srv, "furuno.gpsd322.json", NULL, mock_now, count_dips,
                 &c) >= 0);
  printf("# %d SKY reports, %d without Galileo\n", c.skies, c.partial);
  OK_MSG(c.partial > 10, "the recording has partial SKYs without Galileo");
  OK_MSG(c.reads > 10, "Galileo satellites reported");
  OK_MSG(c.dips == 0, "no read after the first complete SKY shows 0 Galileo satellites");
  EXPECT_EQ_DOUBLE(7, get("pts_3", "satellites", "galileo_visible")); /* $GAGSV 7 */
  EXPECT_EQ_DOUBLE(10, get("pts_3", "satellites", "glonass_visible")); /* $GLGSV 10 */
}

static void test_unconfigured_off(void) {
  mock_clear();
  EXPECT_EQ_INT(0, mock_configure("gpsd", "<Server \"only\">\n Port 29997\n"
                                          " ReportUnconfigured false\n"
                                          " <Receiver \"garmin\">\n"
                                          "  Device \"/dev/pts/2\"\n"
                                          " </Receiver>\n</Server>\n"));
  gpsd_server_t *srv = server("only");
  OK(srv != NULL);
  srv->connected = true;
  replay(srv, "hab-garmin.gpsd322.json", NULL, mock_now);
  mock_clear_read("gpsd/only");
  EXPECT_EQ_DOUBLE(8, get("garmin", "satellites", "gps_used"));
  OK(mock_find("pts_1", NULL, NULL) == NULL);
  OK(mock_find("only_pts_1", NULL, NULL) == NULL);
  /* A device path whose name another server already reports: the name gets
   * the server name in front ("pts_2" is server "fake"'s garmin). */
  gpsd_server_t *fu = server("fu");
  OK(fu != NULL);
  feed(fu, "{\"class\":\"TPV\",\"device\":\"/dev/pts/2\",\"mode\":3}", mock_now);
  pthread_mutex_lock(&gpsd_lock);
  OK(gpsd_rx_by_name("fu_pts_2", NULL) != NULL);
  pthread_mutex_unlock(&gpsd_lock);
}

/* ------------------------------------------------- stability statistics */

/* White phase noise: Gaussian (splitmix64 + Box-Muller), fixed seed. */
static uint64_t rng_state = 0x5DEECE66DULL;
static double gauss(void) {
  double u[2];
  for (int i = 0; i < 2; i++) {
    uint64_t z = prng_splitmix64(&rng_state);
    u[i] = ((double)(z >> 11) + 0.5) / 9007199254740992.0;
  }
  return sqrt(-2.0 * log(u[0])) * cos(2 * M_PI * u[1]);
}

/* A TOFF report of `dev` about GPS second `sec` with offset x_ns (real -
 * clock), arriving at `now`. */
static int feed_toff(gpsd_server_t *srv, const char *dev, int64_t sec,
                     int64_t x_ns, cdtime_t now) {
  char line[256];
  int64_t clock_ns = sec * INT64_C(1000000000) - x_ns;
  snprintf(line, sizeof(line),
           "{\"class\":\"TOFF\",\"device\":\"%s\",\"real_sec\":%" PRId64
           ",\"real_nsec\":0,\"clock_sec\":%" PRId64 ",\"clock_nsec\":%" PRId64
           "}",
           dev, sec, clock_ns / INT64_C(1000000000),
           clock_ns % INT64_C(1000000000));
  return feed(srv, line, now);
}

static double tget(const char *pi, const char *type, const char *series,
                   const char *what, int *found) {
  char ti[DATA_MAX_NAME_LEN];
  if (snprintf(ti, sizeof(ti), "%s-%s", series, what) >= (int)sizeof(ti))
    return NAN;
  return mock_get(pi, type, ti, found);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Hyndman-Fan definition 7 on a sorted array. */
static double pct_of(const double *v, size_t n, double p) {
  double h = (double)(n - 1) * p / 100.0;
  size_t lo = (size_t)h;
  return lo + 1 >= n ? v[n - 1] : v[lo] + (h - lo) * (v[lo + 1] - v[lo]);
}

#define STAB_W 256 /* window, samples (= s at tau0 1 s) */
#define STAB_SA 20e-6 /* white PM of receiver ga's TOFF, s */
#define STAB_SB 50e-6 /* of gb's */

/* Check one series against the samples x[0..n) it must hold and a white
 * PM level s: ADEV(tau) = sqrt(3) s / tau within 5 standard deviations of
 * the estimate: for white PM the overlapping AVAR of N slots has
 * edf = (N+1)(N-2m) / (2(N-m)) (NIST SP 1065, table 12), the deviation a
 * relative standard deviation of about 1 / sqrt(2 edf).  ADEV and TDEV
 * also against `ref`, fed the same samples; the percentiles, mean and std
 * against the sorted samples; the counts exactly. */
/* Equal to 1e-9 relative, or both NaN. */
static bool same(double a, double b) {
  return isnan(b) ? isnan(a) : fabs(a - b) <= 1e-9 * fabs(b);
}

static void check_series(const char *pi, const char *series, double *x,
                         size_t n, double s, const phase_stats_t *ref) {
  char what[128];
  for (uint32_t m = 1; m <= STAB_W / 4; m *= 2) {
    char tau[32];
    snprintf(tau, sizeof(tau), "tau_%u", m);
    double adev = tget(pi, "time_adev", series, tau, NULL);
    double tdev = tget(pi, "time_tdev", series, tau, NULL);
    /* Both deviations exactly as phase_stats computes them from the
     * samples at their arrival times: each report counted once, in its
     * slot, gaps left out (NaN where too few terms remain). */
    phase_stats_tau_t t[PHASE_STATS_MAX_OCTAVES];
    uint32_t k = 0;
    phase_stats_taus(ref, t, PHASE_STATS_MAX_OCTAVES);
    while (t[k].m != m)
      k++;
    snprintf(what, sizeof(what), "%s %s ADEV, TDEV as phase_stats: "
             "%.6g %.6g, %.6g %.6g", series, tau, adev, t[k].adev, tdev,
             t[k].tdev);
    OK_MSG(same(adev, t[k].adev) && same(tdev, t[k].tdev), what);
    if (isnan(t[k].adev))
      continue;
    double nn = t[k].n_adev + 2 * m; /* slots behind the estimate */
    double edf = (nn + 1) * (nn - 2 * m) / (2 * (nn - m));
    double expect = sqrt(3.0) * s / m, tol = 5.0 / sqrt(2 * edf);
    snprintf(what, sizeof(what), "%s %s ADEV %.3g within %.0f %% of "
             "sqrt(3) s / tau = %.3g", series, tau, adev, 100 * tol, expect);
    OK_MSG(fabs(adev / expect - 1) < tol, what);
  }
  qsort(x, n, sizeof(*x), cmp_double);
  double sum = 0, ss = 0;
  for (size_t i = 0; i < n; i++)
    sum += x[i];
  for (size_t i = 0; i < n; i++)
    ss += (x[i] - sum / n) * (x[i] - sum / n);
  EXPECT_EQ_DOUBLE((double)n, tget(pi, "count", series, "samples", NULL));
  EXPECT_NEAR(sum / n, tget(pi, "time_offset", series, "mean", NULL), 1e-12);
  EXPECT_NEAR(sqrt(ss / (n - 1)), tget(pi, "time_offset", series, "std", NULL),
              1e-12);
  static const double p[] = {1, 5, 50, 95, 99};
  for (size_t i = 0; i < 5; i++) {
    snprintf(what, sizeof(what), "p%.0f", p[i]);
    EXPECT_NEAR(pct_of(x, n, p[i]), tget(pi, "time_offset", series, what, NULL),
                1e-12);
  }
}

static void test_stability(void) {
  mock_clear();
  EXPECT_EQ_INT(0, mock_configure("gpsd",
                                  "<Plugin gpsd>\n Reference \"ga\"\n"
                                  " Stability true\n StabilityWindow 256\n"
                                  " <Server \"stab\">\n  MaxAge 5\n"
                                  "  <Receiver \"ga\">\n   Device \"/dev/ga\"\n"
                                  "  </Receiver>\n  <Receiver \"gb\">\n"
                                  "   Device \"/dev/gb\"\n  </Receiver>\n"
                                  " </Server>\n</Plugin>\n"));
  gpsd_server_t *srv = gpsd_registry_at(gpsd_registry_size() - 1);
  OK(srv != NULL && strcmp(srv->name, "stab") == 0);
  if (srv == NULL)
    return;
  srv->connected = true;
  static double xa[STAB_W], xb[STAB_W], xd[STAB_W];
  size_t na = 0, nb = 0, nd = 0;
  phase_stats_t ra, rb, rd;
  phase_stats_init(&ra, INT64_C(1000000000), STAB_W);
  phase_stats_init(&rb, INT64_C(1000000000), STAB_W);
  phase_stats_init(&rd, INT64_C(1000000000), STAB_W);
  const int64_t sec0 = 1800001000;
  /* gb misses seconds 100..109 (a gap); every ga report comes twice (a
   * repeat must not count); gb's reports arrive 0.3 s after ga's. */
  for (uint32_t i = 0; i < STAB_W; i++) {
    cdtime_t ta = T0 + TIME_T_TO_CDTIME_T(1000 + i);
    cdtime_t tb = ta + MS_TO_CDTIME_T(300);
    int64_t a_ns = (int64_t)llround((-0.100 + STAB_SA * gauss()) * 1e9);
    int64_t b_ns = (int64_t)llround((-0.150 + STAB_SB * gauss()) * 1e9);
    feed_toff(srv, "/dev/ga", sec0 + i, a_ns, ta);
    feed_toff(srv, "/dev/ga", sec0 + i, a_ns, ta + MS_TO_CDTIME_T(600));
    xa[na++] = a_ns * 1e-9;
    phase_stats_add(&ra, a_ns * 1e-9, (int64_t)CDTIME_T_TO_NS(ta));
    if (i < 100 || i >= 110) {
      feed_toff(srv, "/dev/gb", sec0 + i, b_ns, tb);
      xb[nb++] = b_ns * 1e-9;
      xd[nd++] = (b_ns - a_ns) * 1e-9;
      phase_stats_add(&rb, b_ns * 1e-9, (int64_t)CDTIME_T_TO_NS(tb));
      phase_stats_add(&rd, (b_ns - a_ns) * 1e-9, (int64_t)CDTIME_T_TO_NS(tb));
    }
    mock_now = tb;
    if (i != 6 && i != 7 && i != 8 && i != 9)
      continue;
    /* NaN until enough samples: the distribution from 8, ADEV at 1 s from
     * 10 (2m + 8 slots), TDEV at 1 s from 10 (3m + 7). */
    mock_clear_read("gpsd/stab");
    int found = 0;
    double p50 = tget("ga", "time_offset", "toff", "p50", &found);
    double adev1 = tget("ga", "time_adev", "toff", "tau_1", NULL);
    EXPECT_EQ_DOUBLE(i + 1, tget("ga", "count", "toff", "samples", NULL));
    OK_MSG(found && (i < 7 ? isnan(p50) : isfinite(p50)),
           "toff-p50 NaN below 8 samples, then finite");
    OK_MSG(i < 9 ? isnan(adev1) : isfinite(adev1),
           "toff-tau_1 ADEV NaN below 10 samples, then finite");
    OK(isnan(tget("ga", "time_adev", "toff", "tau_2", NULL)));
  }
  mock_clear_read("gpsd/stab");
  check_series("ga", "toff", xa, na, STAB_SA, &ra);
  check_series("gb", "toff", xb, nb, STAB_SB, &rb);
  check_series("gb", "toff_vs_reference", xd, nd,
               sqrt(STAB_SA * STAB_SA + STAB_SB * STAB_SB), &rd);
  phase_stats_free(&ra);
  phase_stats_free(&rb);
  phase_stats_free(&rd);
  /* Taus up to window/4 = 64 s, none beyond; NaN for the reference's own
   * comparison and for the PPS that never came. */
  int found = 0;
  OK(isfinite(tget("ga", "time_adev", "toff", "tau_64", NULL)));
  tget("ga", "time_adev", "toff", "tau_128", &found);
  OK(!found);
  found = 0;
  OK(isnan(tget("ga", "time_adev", "toff_vs_reference", "tau_1", &found)) &&
     found);
  OK(isnan(tget("gb", "time_offset", "pps", "p50", NULL)));
  /* Stale: nothing for MaxAge (5 s): NaN, never the last value. */
  mock_now += TIME_T_TO_CDTIME_T(6);
  mock_clear_read("gpsd/stab");
  found = 0;
  OK(isnan(tget("gb", "time_adev", "toff", "tau_1", &found)) && found);
  OK(isnan(tget("gb", "time_offset", "toff", "p99", NULL)));
  /* Bad options are rejected; switched off again for the other tests. */
  OK(mock_configure("gpsd", "StabilityWindow 10\nStability true") != 0);
  OK(mock_configure("gpsd", "StabilityTau0 0.5") != 0);
  EXPECT_EQ_INT(0, mock_configure("gpsd", "Stability false\n"
                                          "StabilityWindow 3600"));
}

/* Integrity: PPS without a fix, a C/N0 drop (jamming) and a position jump
 * with a good C/N0 (spoofing), on one receiver with a surveyed Position. */
static char ig_line[1024];
static const char *ig_tpv(int mode, double lat, double lon, double hae) {
  snprintf(ig_line, sizeof(ig_line),
           "{\"class\":\"TPV\",\"device\":\"/dev/ig\",\"mode\":%d,"
           "\"lat\":%.9f,\"lon\":%.9f,\"altHAE\":%.3f,\"altMSL\":%.3f}",
           mode, lat, lon, hae, hae - 45.0);
  return ig_line;
}
/* Four used satellites at 60, 40, 20 and 5 deg elevation; C/N0 ss + k. */
static const char *ig_sky(double ss) {
  snprintf(ig_line, sizeof(ig_line),
           "{\"class\":\"SKY\",\"device\":\"/dev/ig\",\"satellites\":["
           "{\"PRN\":1,\"el\":60,\"az\":10,\"ss\":%.1f,\"used\":true,\"gnssid\":0,\"svid\":1},"
           "{\"PRN\":2,\"el\":40,\"az\":90,\"ss\":%.1f,\"used\":true,\"gnssid\":0,\"svid\":2},"
           "{\"PRN\":65,\"el\":20,\"az\":200,\"ss\":%.1f,\"used\":true,\"gnssid\":6,\"svid\":1},"
           "{\"PRN\":3,\"el\":5,\"az\":300,\"ss\":%.1f,\"used\":true,\"gnssid\":0,\"svid\":3}]}",
           ss + 4, ss, ss - 4, ss - 20);
  return ig_line;
}
static const char *ig_pps(int64_t sec) {
  snprintf(ig_line, sizeof(ig_line),
           "{\"class\":\"PPS\",\"device\":\"/dev/ig\",\"real_sec\":%lld,"
           "\"real_nsec\":0,\"clock_sec\":%lld,\"clock_nsec\":1000,"
           "\"precision\":-20}", (long long)sec, (long long)sec);
  return ig_line;
}
static int ig_notes(const char *ti, int severity) {
  int n = 0;
  for (size_t i = 0; i < mock_notification_count(); i++) {
    const notification_t *x = mock_notification_at(i);
    n += strcmp(x->plugin_instance, "ig") == 0 &&
         strcmp(x->type_instance, ti) == 0 && x->severity == severity;
  }
  return n;
}
/* One second: TPV, SKY, PPS (if pps), then a read. */
static void ig_second(gpsd_server_t *srv, int mode, double lat, double ss,
                      bool pps) {
  mock_now += TIME_T_TO_CDTIME_T(1);
  feed(srv, ig_tpv(mode, lat, 16.0, 250.0), mock_now);
  feed(srv, ig_sky(ss), mock_now);
  if (pps)
    feed(srv, ig_pps((int64_t)CDTIME_T_TO_TIME_T(mock_now)), mock_now);
  mock_read("gpsd/ig");
}

static void test_integrity(void) {
  OK(mock_configure("gpsd", "<Server \"ig\">\n <Receiver \"ig\">\n"
                            "  Device \"/dev/ig\"\n  Position 48 16\n"
                            " </Receiver>\n</Server>") != 0);
  OK(mock_log_find("Position needs three numbers") >= 0);
  OK(mock_configure("gpsd", "ElevationMask 95") != 0);
  mock_clear();
  EXPECT_EQ_INT(0, mock_configure("gpsd",
                                  "PPSWithoutFixAfter 30\n"
                                  "CN0DropThreshold 6\n"
                                  "CN0DropWindow 20\n"
                                  "PositionJumpMax 50\n"
                                  "<Server \"ig\">\n MaxAge 5\n"
                                  " <Receiver \"ig\">\n"
                                  "  Device \"/dev/ig\"\n"
                                  "  Position 48.0 16.0 200.0\n"
                                  " </Receiver>\n</Server>"));
  gpsd_server_t *srv = NULL;
  OK(gpsd_rx_by_name("ig", &srv) != NULL && srv != NULL);
  if (srv == NULL)
    return;
  srv->connected = true;
  mock_now = T0 + TIME_T_TO_CDTIME_T(1000);
  /* Healthy, 30 s: 3D fix 11.1 m north of the survey, C/N0 40 dB-Hz. */
  for (int i = 0; i < 30; i++)
    ig_second(srv, 3, 48.0001, 40, true);
  static const want_t healthy[] = {
      {"bool", "pps_without_fix", 0, 1e-12},
      {"bool", "jamming", 0, 1e-12},
      {"bool", "spoofing", 0, 1e-12},
      /* Mask 15 deg: (44 + 40 + 36) / 3; the 5 deg satellite is left out. */
      {"snr", "used_above_mask_mean", 40.0, 1e-9},
      {"snr", "total_used_mean", 35.0, 1e-9},
      {"gauge", "position_error_horizontal", 11.1195, 1e-3},
      {"gauge", "altitude_error", 50.0, 1e-6},
  };
  EXPECT_VALUES("ig", healthy);
  EXPECT_EQ_INT(0, ig_notes("pps_without_fix", NOTIF_FAILURE) +
                       ig_notes("jamming", NOTIF_WARNING) +
                       ig_notes("spoofing", NOTIF_FAILURE));

  /* Fix lost, PPS goes on: 0 for 29 s, 1 from 30 s on, one FAILURE. */
  mock_clear();
  for (int i = 0; i < 29; i++)
    ig_second(srv, 1, 48.0001, 40, true);
  EXPECT_EQ_DOUBLE(0, get("ig", "bool", "pps_without_fix"));
  OK(isnan(get("ig", "gauge", "position_error_horizontal")));
  ig_second(srv, 1, 48.0001, 40, true);
  ig_second(srv, 1, 48.0001, 40, true);
  EXPECT_EQ_DOUBLE(1, get("ig", "bool", "pps_without_fix"));
  EXPECT_EQ_INT(1, ig_notes("pps_without_fix", NOTIF_FAILURE));
  /* No PPS either: 0 again (OKAY); the fix back: stays 0. */
  mock_now += TIME_T_TO_CDTIME_T(6);
  ig_second(srv, 1, 48.0001, 40, false);
  EXPECT_EQ_DOUBLE(0, get("ig", "bool", "pps_without_fix"));
  EXPECT_EQ_INT(1, ig_notes("pps_without_fix", NOTIF_OKAY));

  /* Jamming: C/N0 down by 10 dB on every satellite: WARNING; it stays
   * flagged (frozen median) for a minute; back up: OKAY. */
  for (int i = 0; i < 30; i++)
    ig_second(srv, 3, 48.0001, 40, true);
  mock_clear();
  ig_second(srv, 3, 48.0001, 30, true);
  EXPECT_EQ_DOUBLE(1, get("ig", "bool", "jamming"));
  EXPECT_NEAR(10.0, get("ig", "gauge", "cn0_drop"), 1e-9);
  EXPECT_EQ_INT(1, ig_notes("jamming", NOTIF_WARNING));
  for (int i = 0; i < 60; i++)
    ig_second(srv, 3, 48.0001, 30, true);
  EXPECT_EQ_DOUBLE(1, get("ig", "bool", "jamming"));
  /* A position far off while jammed is not called spoofing. */
  ig_second(srv, 3, 48.01, 30, true);
  EXPECT_EQ_DOUBLE(0, get("ig", "bool", "spoofing"));
  ig_second(srv, 3, 48.0001, 40, true);
  EXPECT_EQ_DOUBLE(0, get("ig", "bool", "jamming"));
  EXPECT_EQ_INT(1, ig_notes("jamming", NOTIF_OKAY));

  /* Spoofing: the fix jumps 1.1 km with C/N0 as before: FAILURE. */
  mock_clear();
  ig_second(srv, 3, 48.01, 40, true);
  EXPECT_EQ_DOUBLE(1, get("ig", "bool", "spoofing"));
  OK(get("ig", "gauge", "position_error_horizontal") > 1100);
  EXPECT_EQ_INT(1, ig_notes("spoofing", NOTIF_FAILURE));
  EXPECT_EQ_INT(0, ig_notes("jamming", NOTIF_WARNING));
  ig_second(srv, 3, 48.0001, 40, true);
  EXPECT_EQ_INT(1, ig_notes("spoofing", NOTIF_OKAY));
  /* Back to the defaults for the later checks. */
  EXPECT_EQ_INT(0, mock_configure("gpsd", "PPSWithoutFixAfter 60\n"
                                          "CN0DropWindow 60\n"
                                          "PositionJumpMax 100"));
}

int main(void) {
  module_register();
  gpsd_threads = false; /* the seam: reports are fed by the test */
  gpsd_clock = test_clock;
  memset(&g, 0, sizeof(g));
  test_config_errors();
  test_two_receivers();
  test_toff_pps();
  test_wall_clock_step();
  test_notifications();
  test_no_dip();
  test_unconfigured_off();
  test_stability();
  test_integrity();
  EXPECT_EQ_INT(0, mock_check_metric_table("gpsd", gpsd_metrics,
                                           CDU_TABLE_SIZE(gpsd_metrics)));
  EXPECT_EQ_INT(0, mock_shutdown_all());
  EXPECT_EQ_INT(0, (int)gpsd_registry_size());
  return testing_done();
}
