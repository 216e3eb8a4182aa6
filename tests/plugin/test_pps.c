/* SPDX-License-Identifier: MIT
 * The pps plugin under the recording mock.  A sysfs fixture directory
 * (SysfsRoot/class/pps/ppsN/{assert,clear,name,path}) is written by the
 * test with known edges while a fake clock (the pps_clock_hook seam) says
 * when "now" is; the dispatched values and notifications are checked
 * against the injected edges.  The RFC 2783 path is exercised on /dev/null,
 * a regular file and a missing node (no kernel PPS device can exist here).
 * libudev enumeration is checked against a directory listing of
 * /sys/class/mem (an independent view of the same class). */
#include "plugins/pps.c" /* sic: reach the static functions */

#include "common/holdover.h"
#include "common/phase_stats.h"
#include "tests/mock/plugin_mock.h"
#include "tests/unit/testing.h"

#include <dirent.h>
#include <sys/stat.h>

#define T0 INT64_C(1700000000)
#define NS PPS_NS_PER_S

static pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;
static pps_now_t fake_now;

static void fake_clock(pps_now_t *now) {
  pthread_mutex_lock(&fake_lock);
  *now = fake_now;
  pthread_mutex_unlock(&fake_lock);
}

/* Set "now": real = T0 + real_s, monotonic = 500 s + mono_s. */
static void set_now(double real_s, double mono_s) {
  pthread_mutex_lock(&fake_lock);
  fake_now = (pps_now_t){.real_ns = T0 * NS + llround(real_s * 1e9),
                         .has_mono = true,
                         .mono_ns = 500 * NS + llround(mono_s * 1e9)};
  pthread_mutex_unlock(&fake_lock);
}

static char root[256];

/* Atomically replace DIR/NAME (the reader thread may read concurrently). */
static void put(const char *dev, const char *attr, const char *text) {
  char dir[512], tmp[700], path[700];
  snprintf(dir, sizeof(dir), "%s/class/pps/%s", root, dev);
  mkdir(dir, 0755);
  snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, attr);
  snprintf(path, sizeof(path), "%s/%s", dir, attr);
  FILE *f = fopen(tmp, "w");
  if (f == NULL)
    return;
  fputs(text, f);
  fclose(f);
  rename(tmp, path);
}

/* One pulse: assert at T0 + sec + off_ns, clear 100 ms later. */
static void pulse(const char *dev, int64_t sec, int64_t off_ns, int seq) {
  char buf[64];
  int64_t ts = (T0 + sec) * NS + off_ns, tc = ts + 100 * 1000 * 1000;
  snprintf(buf, sizeof(buf), "%lld.%09lld#%d\n", (long long)(ts / NS),
           (long long)(ts % NS), seq);
  put(dev, "assert", buf);
  snprintf(buf, sizeof(buf), "%lld.%09lld#%d\n", (long long)(tc / NS),
           (long long)(tc % NS), seq);
  put(dev, "clear", buf);
}

static pps_inst_t *find_configured(const char *name) {
  for (int i = 0; i < pps_configured_n; i++)
    if (strcmp(pps_configured[i]->dev.name, name) == 0)
      return pps_configured[i];
  return NULL;
}

static double get(const char *pi, const char *type, const char *ti) {
  return mock_get(pi, type, ti, NULL);
}

/* Read "pps/NAME" at fake time real_s (monotonic = real + mono_skew). */
static void read_at(const char *name, double real_s, double mono_skew) {
  char reg[64];
  snprintf(reg, sizeof(reg), "pps/%s", name);
  set_now(real_s, real_s + mono_skew);
  EXPECT_EQ_INT(0, mock_clear_read(reg));
}

/* Inject a pulse at fake time real_s + 50 ms and make the reader see it. */
static void inject(pps_inst_t *in, int64_t sec, int64_t off_ns, int seq,
                   double mono_skew) {
  set_now((double)sec + 0.05, (double)sec + 0.05 + mono_skew);
  pulse("pps0", sec, off_ns, seq);
  pps_sysfs_poll(&in->dev);
}

static void test_config_errors(void) {
  static const struct {
    const char *conf, *log;
  } cases[] = {
      {"<Device \"a\">\n SysfsPath \"/x\"\n Bogus 1\n</Device>",
       "<Device \"a\">: unknown option \"Bogus\""},
      {"<Device \"b\">\n Path \"/dev/pps0\"\n SysfsPath \"/x\"\n</Device>",
       "exactly one of Path"},
      {"<Device \"c\">\n PollInterval 0.1\n</Device>", "exactly one of Path"},
      {"<Device \"d\">\n Path \"dev/pps0\"\n</Device>", "absolute path"},
      {"<Device \"e\">\n SysfsPath \"/x\"\n PollInterval 5\n</Device>",
       "PollInterval must be"},
      {"<Device \"f\">\n SysfsPath \"/x\"\n Timeout 0.5\n</Device>",
       "Timeout must be"},
      {"Discover \"maybe\"", NULL},
      {"Frobnicate 1", "unknown option \"Frobnicate\""},
      {"<Device \"g\">\n SysfsPath \"/x\"\n HoldoverBudget 0\n</Device>",
       "HoldoverBudget must be"},
      {"<Device \"h\">\n SysfsPath \"/x\"\n HoldoverMin -1\n</Device>",
       "HoldoverMin must be"},
      {"<Device \"i\">\n SysfsPath \"/x\"\n Stability true\n"
       " StabilityWindow 20\n</Device>",
       "StabilityWindow 20 s holds 20 samples"},
      {"<Device \"j\">\n SysfsPath \"/x\"\n StabilityTau0 2\n</Device>",
       "StabilityTau0 is fixed by the source"},
      {"<Device \"k\">\n SysfsPath \"/x\"\n HoldoverMin 60\n</Device>",
       "<Device \"k\">: HoldoverBudget and HoldoverMin need Stability true"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char text[256];
    snprintf(text, sizeof(text), "<Plugin pps>\n%s\n</Plugin>",
             cases[i].conf);
    mock_clear();
    OK_MSG(mock_configure("pps", text) != 0, cases[i].conf);
    if (cases[i].log != NULL)
      OK_MSG(mock_log_find(cases[i].log) >= 0, cases[i].log);
  }
  EXPECT_EQ_INT(0, pps_configured_n);
  EXPECT_EQ_INT(0, mock_read_count());
}

static void test_sysfs_device(void) {
  pps_inst_t *in = find_configured("gps");
  if (!OK_MSG(in != NULL && worker_running(&in->dev.worker), "device gps running"))
    return;
  const char *g = "gps";
  /* Pulse 0: the first, offset +123 us. */
  inject(in, 0, 123000, 1, 0);
  read_at(g, 0.5, 0);
  EXPECT_EQ_DOUBLE(1.0, get(g, "bool", "present"));
  EXPECT_EQ_DOUBLE(1.0, get(g, "bool", "signal"));
  EXPECT_EQ_DOUBLE(1.0, get(g, "count", "pulses"));
  EXPECT_NEAR(123e-6, get(g, "time_offset", "edge_mean"), 1e-12);
  OK(isnan(get(g, "time_offset_rms", "jitter")));
  EXPECT_NEAR(0.5 - 123e-6, get(g, "duration", "since_last_pulse"), 1e-9);
  EXPECT_NEAR(0.100123, get(g, "time_offset", "clear_mean"), 1e-12);
  EXPECT_EQ_INT(CDU_TABLE_SIZE(pps_metrics) +
                    CDU_TABLE_SIZE(pps_clear_metrics),
                mock_value_count());
  EXPECT_EQ_INT(0, mock_notification_count()); /* healthy start: silent */

  /* Pulses 1 and 2: offsets +125 and +121 us. */
  inject(in, 1, 125000, 2, 0);
  inject(in, 2, 121000, 3, 0);
  read_at(g, 2.5, 0);
  EXPECT_EQ_DOUBLE(2.0, get(g, "count", "pulses"));
  EXPECT_NEAR(123e-6, get(g, "time_offset", "edge_mean"), 1e-12);
  EXPECT_NEAR(121e-6, get(g, "time_offset", "edge_min"), 1e-12);
  EXPECT_NEAR(125e-6, get(g, "time_offset", "edge_max"), 1e-12);
  /* successive differences +2 and -4 us: RMS sqrt(10) us */
  EXPECT_NEAR(sqrt(10.0) * 1e-6, get(g, "time_offset_rms", "jitter"), 1e-12);
  EXPECT_NEAR(-1e-6, get(g, "time_offset", "interval_error_mean"), 1e-12);
  EXPECT_NEAR(-4e-6, get(g, "time_offset", "interval_error_min"), 1e-12);
  EXPECT_NEAR(2e-6, get(g, "time_offset", "interval_error_max"), 1e-12);
  EXPECT_EQ_DOUBLE(3.0, get(g, "total_events", "pulses"));

  /* Pulse 3 never comes (the kernel saw nothing: sequence 4 follows 3). */
  inject(in, 4, 123000, 4, 0);
  pps_sysfs_poll(&in->dev); /* a duplicated fetch */
  read_at(g, 4.5, 0);
  EXPECT_EQ_DOUBLE(1.0, get(g, "count", "pulses"));
  EXPECT_EQ_DOUBLE(1.0, get(g, "count", "missed"));
  EXPECT_EQ_DOUBLE(0.0, get(g, "count", "sequence_gaps"));

  /* The signal stops: at +8 s, pulses 5, 6, 7 are overdue. */
  read_at(g, 8.0, 0);
  EXPECT_EQ_DOUBLE(0.0, get(g, "bool", "signal"));
  EXPECT_EQ_DOUBLE(3.0, get(g, "count", "missed"));
  EXPECT_EQ_DOUBLE(0.0, get(g, "count", "pulses"));
  OK(isnan(get(g, "time_offset", "edge_mean")));
  EXPECT_EQ_INT(1, mock_notified(NOTIF_FAILURE, "pulses stopped"));
  read_at(g, 8.9, 0);
  EXPECT_EQ_INT(0, mock_notification_count()); /* state change only */
  EXPECT_EQ_DOUBLE(1.0, get(g, "count", "missed")); /* pulse 8, overdue */

  /* It comes back at +9 s; pulse 8 was already counted. */
  inject(in, 9, 123000, 5, 0);
  read_at(g, 9.5, 0);
  EXPECT_EQ_DOUBLE(1.0, get(g, "bool", "signal"));
  EXPECT_EQ_DOUBLE(0.0, get(g, "count", "missed"));
  EXPECT_EQ_INT(1, mock_notified(NOTIF_OKAY, "pulses are back"));
  EXPECT_EQ_DOUBLE(5.0, get(g, "total_events", "missed"));

  /* The system clock is stepped +0.3 s before pulse 10 (monotonic is
   * not): counted, kept out of jitter and interval error. */
  inject(in, 10, 300123000, 6, -0.3);
  read_at(g, 10.8, -0.3);
  EXPECT_EQ_DOUBLE(1.0, get(g, "count", "pulses"));
  EXPECT_EQ_DOUBLE(0.0, get(g, "count", "missed"));
  EXPECT_EQ_DOUBLE(1.0, get(g, "total_events", "clock_steps"));
  OK(isnan(get(g, "time_offset_rms", "jitter")));
  OK(isnan(get(g, "time_offset", "interval_error_max")));

  /* Garbage in the file: logged, ignored, no crash. */
  mock_clear();
  put("pps0", "assert", "garbage\n");
  pps_sysfs_poll(&in->dev);
  OK(mock_log_find("malformed timestamp") >= 0);

  /* The device disappears: NaN, no counters, one FAILURE notification. */
  char cmd[600];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s/class/pps/pps0'", root);
  OK(system(cmd) == 0);
  pps_sysfs_poll(&in->dev);
  read_at(g, 12.0, -0.3);
  EXPECT_EQ_DOUBLE(0.0, get(g, "bool", "present"));
  int found = 0;
  OK(isnan(mock_get(g, "count", "pulses", &found)) && found);
  OK(isnan(get(g, "time_offset", "edge_mean")));
  OK(isnan(get(g, "bool", "signal")));
  OK(mock_find(g, "total_events", NULL) == NULL);
  OK(mock_find(g, "time_offset", "clear_mean") == NULL);
  EXPECT_EQ_INT(1, mock_notified(NOTIF_FAILURE, "is gone"));

  /* It comes back, re-created (nothing captured yet). */
  put("pps0", "assert", "0.000000000#0\n");
  pps_sysfs_poll(&in->dev);
  read_at(g, 13.0, -0.3);
  EXPECT_EQ_DOUBLE(1.0, get(g, "bool", "present"));
  EXPECT_EQ_INT(1, mock_notified(NOTIF_OKAY, "is back"));
  EXPECT_EQ_DOUBLE(0.0, get(g, "count", "pulses"));
}

/* A stalled host: the kernel stamps pulses while neither the reader nor
 * the read callback runs.  The silence is judged as of the reader's last
 * look, so the first read after the stall does not cry "pulses stopped". */
static void test_reader_behind(void) {
  pps_inst_t *in = find_configured("gps");
  if (!OK_MSG(in != NULL, "device gps"))
    return;
  const char *g = "gps";
  inject(in, 20, 100000, 1, -0.3);
  inject(in, 21, 100000, 2, -0.3);
  read_at(g, 21.5, -0.3);
  EXPECT_EQ_DOUBLE(1.0, get(g, "bool", "signal"));

  /* 6 s stall: pulses 22..27 stamped; the reader is mid-capture (holds
   * poll_lock), so the read cannot catch up either. */
  pthread_mutex_lock(&in->dev.poll_lock);
  set_now(27.2, 26.9);
  pulse("pps0", 27, 100000, 8);
  mock_clear();
  read_at(g, 27.5, -0.3);
  OK(isnan(get(g, "bool", "signal")));
  OK(isnan(get(g, "duration", "since_last_pulse")));
  EXPECT_EQ_DOUBLE(1.0, get(g, "bool", "present"));
  EXPECT_EQ_DOUBLE(0.0, get(g, "count", "missed")); /* none overdue at 21.5 */
  EXPECT_EQ_INT(0, mock_notification_count());      /* no "pulses stopped" */
  OK(mock_log_find("gps: the reader has not looked at") >= 0);
  pthread_mutex_unlock(&in->dev.poll_lock);

  /* The read catches up itself: pulse 27 with sequence 8 after 2, so the
   * kernel counted the 5 between; the reader never fetched them. */
  mock_clear();
  read_at(g, 27.6, -0.3);
  EXPECT_EQ_DOUBLE(1.0, get(g, "bool", "signal"));
  EXPECT_EQ_DOUBLE(1.0, get(g, "count", "pulses"));
  EXPECT_EQ_DOUBLE(5.0, get(g, "count", "missed"));
  EXPECT_EQ_DOUBLE(5.0, get(g, "count", "sequence_gaps"));
  EXPECT_NEAR(0.5999, get(g, "duration", "since_last_pulse"), 1e-9);
  EXPECT_EQ_INT(0, mock_notification_count());
  OK(mock_log_find("gps: the reader is looking at") >= 0);

  /* A stall the read itself catches up with: no NaN, no alarm. */
  set_now(35.2, 34.9);
  pulse("pps0", 35, 100000, 16);
  mock_clear();
  read_at(g, 35.5, -0.3);
  EXPECT_EQ_DOUBLE(1.0, get(g, "bool", "signal"));
  EXPECT_EQ_DOUBLE(7.0, get(g, "count", "sequence_gaps"));
  EXPECT_EQ_INT(0, mock_notification_count());

  /* Silence the reader did watch is still an alarm. */
  mock_clear();
  read_at(g, 39.0, -0.3);
  EXPECT_EQ_DOUBLE(0.0, get(g, "bool", "signal"));
  EXPECT_EQ_INT(1, mock_notified(NOTIF_FAILURE, "gps: pulses stopped"));
}

/* Deterministic N(0, 1) (xorshift64 + Box-Muller). */
static uint64_t rng_state = 88172645463325252ull;
static double uniform(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return ((double)(rng_state >> 11) + 0.5) / 9007199254740992.0;
}
static double gauss(void) {
  return sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());
}

/* One pulse on DEV at second `sec` (offset off_ns, sequence seq), fetched
 * twice (the second fetch is a duplicate), then one read of NAME. */
static void pulse_and_read(const char *dev, const char *name, int64_t sec,
                           int64_t off_ns, int seq) {
  pps_inst_t *in = find_configured(name);
  set_now((double)sec + 0.05, (double)sec + 0.05);
  pulse(dev, sec, off_ns, seq);
  pps_sysfs_poll(&in->dev);
  pps_sysfs_poll(&in->dev);
  read_at(name, (double)sec + 0.5, 0);
}

/* SP 1065 Table 5 (white PM): edf of the overlapping ADEV at m from N
 * samples; the relative standard deviation of the deviation is about
 * 1 / sqrt(2 edf). */
static double edf_white_pm(double n, double m) {
  return (n + 1) * (n - 2 * m) / (2 * (n - m));
}

/* White FM (random-walk phase), same table. */
static double edf_white_fm(double n, double m) {
  return (3 * (n - 1) / (2 * m) - 2 * (n - 2) / n) * 4 * m * m /
         (4 * m * m + 5);
}

/* The ADEV points NAME dispatched (series "edge"), for holdover_seconds. */
static size_t dispatched_adev(const char *name, holdover_point_t *p,
                              size_t max) {
  size_t n = 0;
  for (uint32_t tau = 1; n < max; tau *= 2) {
    char ti[64];
    snprintf(ti, sizeof(ti), "edge-tau_%u", tau);
    int found = 0;
    double a = mock_get(name, "time_adev", ti, &found);
    if (!found)
      break;
    p[n++] = (holdover_point_t){.tau_s = tau, .adev = a};
  }
  return n;
}

/* <Device "stab">: 20 us white phase noise, window 256, 5 pulses missed,
 * every pulse fetched twice.  ADEV at each tau against sqrt(3) s / tau and
 * against phase_stats fed the same edges once. */
static void test_stability(void) {
  const char *g = "stab";
  const double sigma = 20e-6;
  if (!OK_MSG(find_configured(g) != NULL, "device stab configured"))
    return;
  phase_stats_t ref;
  if (!OK(phase_stats_init(&ref, NS, 256) == PHASE_STATS_OK))
    return;
  int seq = 1, first_adev = -1, first_p50 = -1, samples = 0;
  int64_t off = 0; /* the last pulse's edge offset, ns */
  for (int64_t sec = 1000; sec < 1261; sec++) {
    if (sec >= 1100 && sec < 1105) { /* the receiver skipped 5 pulses */
      seq++;
      continue;
    }
    off = llround(sigma * gauss() * 1e9) + 40000; /* +40 us bias */
    pulse_and_read("pps5", g, sec, off, seq++);
    phase_stats_add(&ref, off * 1e-9, (500 + sec) * NS + off);
    samples++;
    if (first_adev < 0 && !isnan(get(g, "time_adev", "edge-tau_1")))
      first_adev = samples;
    if (first_p50 < 0 && !isnan(get(g, "time_offset", "edge-p50")))
      first_p50 = samples;
  }
  EXPECT_EQ_INT(10, first_adev); /* 8 second differences */
  EXPECT_EQ_INT(8, first_p50);
  EXPECT_EQ_DOUBLE(251.0, get(g, "count", "edge-samples")); /* 256 - 5 */
  phase_stats_tau_t t[PHASE_STATS_MAX_OCTAVES];
  uint32_t nt = phase_stats_taus(&ref, t, PHASE_STATS_MAX_OCTAVES);
  EXPECT_EQ_INT(7, nt); /* tau 1 .. 64 */
  for (uint32_t i = 0; i < nt; i++) {
    char ti[64], msg[128];
    snprintf(ti, sizeof(ti), "edge-tau_%u", t[i].m);
    double adev = get(g, "time_adev", ti);
    if (t[i].m == 64) {
      /* 256 - 128 second differences, less the 133 touching the gap: too
       * few for tau = 64 s, in both. */
      OK(isnan(t[i].adev) && isnan(adev));
      continue;
    }
    EXPECT_NEAR(t[i].adev, adev, 1e-9 * t[i].adev);
    EXPECT_NEAR(t[i].tdev, get(g, "time_tdev", ti), 1e-9 * t[i].tdev);
    double expect = sqrt(3.0) * sigma / t[i].tau_s;
    double tol = 5 / sqrt(2 * edf_white_pm(251, t[i].m));
    snprintf(msg, sizeof(msg), "ADEV(%u s) = %.3g, sqrt(3) s / tau = %.3g "
             "+- %.0f %%", t[i].m, adev, expect, tol * 100);
    OK_MSG(fabs(adev / expect - 1) < tol, msg);
  }
  EXPECT_NEAR(40e-6, get(g, "time_offset", "edge-mean"),
              5 * sigma / sqrt(251));
  /* White PM: t * ADEV(t) stays near sqrt(3) s = 35 us; with the 40 us
   * bias the 1 ms default budget is far away. */
  holdover_point_t p[PHASE_STATS_MAX_OCTAVES];
  size_t np = dispatched_adev(g, p, PHASE_STATS_MAX_OCTAVES);
  double h = get(g, "duration", "holdover");
  EXPECT_NEAR(holdover_seconds(p, np, off * 1e-9, 1e-3, PPS_HOLDOVER_CAP_S),
              h, 1e-9 * h);
  OK_MSG(h > 1e4, "white PM: holdover far beyond the window");
  EXPECT_EQ_INT(0, mock_notified(NOTIF_WARNING, "holdover"));

  /* The pulses stop: every value NaN after Timeout (2.5 s). */
  read_at(g, 1264.0, 0);
  OK(isnan(get(g, "time_adev", "edge-tau_1")));
  OK(isnan(get(g, "duration", "holdover")));
  phase_stats_free(&ref);
}

/* <Device "hold">: random-walk phase (white FM, 1 us steps: ADEV(t) =
 * 1e-6 / sqrt(t)), ending at offset 0, HoldoverBudget 2 us: the closed
 * form is t = (2e-6 / 1e-6)^2 = 4 s.  HoldoverMin 10 s: one warning,
 * after the 60 s hold. */
static void test_holdover(void) {
  const char *g = "hold";
  enum { N = 1024 };
  if (!OK_MSG(find_configured(g) != NULL, "device hold configured"))
    return;
  static double x[N];
  x[0] = 0;
  for (int k = 1; k < N; k++)
    x[k] = x[k - 1] + 1e-6 * gauss();
  double end = x[N - 1];
  for (int k = 0; k < N; k++) /* a frequency offset: ADEV does not see it */
    x[k] -= end * k / (N - 1);
  int first_finite = -1, warned_at = -1, below_since = -1, warnings = 0;
  for (int k = 0; k < N; k++) {
    pulse_and_read("pps6", g, 2000 + k, llround(x[k] * 1e9), k + 1);
    double h = get(g, "duration", "holdover");
    if (first_finite < 0 && !isnan(h))
      first_finite = k + 1;
    if (below_since < 0 && h < 10)
      below_since = k;
    int w = mock_notified(NOTIF_WARNING, "holdover");
    if (warned_at < 0 && w > 0)
      warned_at = k;
    warnings += w;
  }
  EXPECT_EQ_INT(16, first_finite); /* ADEV at tau 1, 2, 4 */
  char msg[160];
  snprintf(msg, sizeof(msg), "warned %d s after the estimate fell below "
           "HoldoverMin (hold 60 s)", warned_at - below_since);
  OK_MSG(below_since >= 0 && warned_at - below_since >= 60 &&
             warned_at - below_since <= 61, msg);
  holdover_point_t p[PHASE_STATS_MAX_OCTAVES];
  size_t np = dispatched_adev(g, p, PHASE_STATS_MAX_OCTAVES);
  double h = get(g, "duration", "holdover");
  EXPECT_NEAR(0.0, get(g, "time_offset", "edge_mean"), 1e-9);
  EXPECT_NEAR(holdover_seconds(p, np, 0, 2e-6, PPS_HOLDOVER_CAP_S), h,
              1e-9 * h);
  /* t ~ sigma^-2: twice the ADEV's relative error, 4 standard deviations
   * at tau = 4 s. */
  double tol = 2 * 4 / sqrt(2 * edf_white_fm(N, 4));
  snprintf(msg, sizeof(msg), "holdover %.3f s vs closed form 4 s +- %.0f %%",
           h, tol * 100);
  OK_MSG(fabs(h / 4 - 1) < tol, msg);
  EXPECT_EQ_INT(1, warnings); /* on change only */
  /* A read without a new pulse (within Timeout): x0 is the last pulse's
   * offset, so the estimate stays. */
  read_at(g, 2000 + N - 1 + 1.5, 0);
  EXPECT_NEAR(h, get(g, "duration", "holdover"), 1e-9 * h);
}

/* HoldoverMin's 60 s hold is interrupted by an unknown estimate (the
 * pulses lost): below for 30 s, lost, below again after the return warns
 * 60 s after the return, not at once (the first sighting was 61 s ago). */
static void test_holdover_interrupted(void) {
  pps_dev_t dev = {.holdover_min_s = 10, .holdover_budget_s = 2e-6};
  snprintf(dev.name, sizeof(dev.name), "gap");
  pps_inst_t *in = inst_new(&dev);
  if (!OK_MSG(in != NULL, "an instance"))
    return;
  const int64_t s = PPS_NS_PER_S;
  mock_clear();
  holdover_notify(in, 5, 1000 * s);
  holdover_notify(in, 5, 1030 * s);
  holdover_notify(in, NAN, 1031 * s); /* pulses lost */
  holdover_notify(in, 5, 1061 * s);   /* back, below again */
  holdover_notify(in, 5, 1120 * s);
  EXPECT_EQ_INT(0, mock_notified(NOTIF_WARNING, "holdover estimate"));
  holdover_notify(in, 5, 1121 * s);
  EXPECT_EQ_INT(1, mock_notified(NOTIF_WARNING, "gap: holdover estimate 5 s "
                                                "is below HoldoverMin 10 s"));
  free(in);
}

static void test_api_path(void) {
  /* /dev/null, a regular file, a missing node: each a clear error. */
  static const struct {
    const char *name, *log;
  } cases[] = {
      {"null", "/dev/null is not a PPS device (time_pps_create:"},
      {"file", "is not a PPS device (time_pps_create:"},
      {"missing", "cannot open /dev/pps-does-not-exist: No such file"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    pps_inst_t *in = find_configured(cases[i].name);
    if (!OK_MSG(in != NULL, cases[i].name))
      continue;
    read_at(cases[i].name, 20.0, 0);
    EXPECT_EQ_DOUBLE(0.0, get(cases[i].name, "bool", "present"));
    OK(isnan(get(cases[i].name, "count", "pulses")));
    OK_MSG(mock_notified(NOTIF_FAILURE, cases[i].log) == 1, cases[i].log);
  }
}

static void test_discovery(void) {
  /* pps0 belongs to <Device "gps">; pps1 is found by discovery. */
  put("pps1", "name", "pps-ldisc\n");
  put("pps1", "path", "/dev/ttyS0\n");
  put("pps1", "assert", "1700000030.000002000#9\n");
  mock_clear();
  set_now(30.3, 30.3);
  EXPECT_EQ_INT(0, mock_read("pps/discovery"));
  OK(pps_discovery != NULL && pps_discovery->n == 1);
  OK(mock_log_find("discovered pps1 (source \"pps-ldisc\", serial port "
                   "\"/dev/ttyS0\"") >= 0);
  EXPECT_EQ_DOUBLE(1.0, get("pps1", "bool", "present"));
  EXPECT_EQ_DOUBLE(1.0, get("pps1", "count", "pulses"));
  EXPECT_NEAR(2e-6, get("pps1", "time_offset", "edge_mean"), 1e-12);
  OK(mock_find("pps0", NULL, NULL) == NULL); /* not twice */

  /* A device appearing later is picked up at the next read. */
  put("pps2", "assert", "1700000031.000000000#1\n");
  mock_clear();
  set_now(31.2, 31.2);
  EXPECT_EQ_INT(0, mock_read("pps/discovery"));
  OK(pps_discovery != NULL && pps_discovery->n == 2);
  EXPECT_EQ_DOUBLE(1.0, get("pps2", "bool", "present"));
  EXPECT_EQ_DOUBLE(1.0, get("pps2", "count", "pulses"));

  /* A device with no pulse yet: no alarm until it was watched Timeout
   * (60 s here), then one. */
  put("pps3", "assert", "0.000000000#0\n");
  EXPECT_EQ_INT(0, mock_clear_read("pps/discovery"));
  EXPECT_EQ_DOUBLE(0.0, get("pps3", "bool", "signal"));
  EXPECT_EQ_INT(0, mock_notified(NOTIF_FAILURE, "no pulse seen"));
  mock_clear();
  set_now(95.0, 95.0);
  EXPECT_EQ_INT(0, mock_read("pps/discovery"));
  EXPECT_EQ_INT(1, mock_notified(NOTIF_FAILURE, "pps3: no pulse seen"));
  EXPECT_EQ_INT(1, mock_notified(NOTIF_FAILURE, "pps2: pulses stopped"));
  set_now(31.2, 31.2);

  /* One disappearing is reported gone (NaN), not stale. */
  char cmd[600];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s/class/pps/pps1'", root);
  OK(system(cmd) == 0);
  pps_sysfs_poll(&pps_discovery->devs[0]->dev);
  mock_clear();
  set_now(32.0, 32.0);
  EXPECT_EQ_INT(0, mock_read("pps/discovery"));
  EXPECT_EQ_DOUBLE(0.0, get("pps1", "bool", "present"));
  OK(isnan(get("pps1", "time_offset", "edge_mean")));
  EXPECT_EQ_INT(1, mock_notified(NOTIF_FAILURE, "is gone"));
}

static void test_udev(void) {
  /* libudev against the real /sys: no pps device on this machine; the
   * "mem" class lists what `ls /sys/class/mem` lists. */
  pps_found_t f[PPS_MAX_DEVICES];
  int n = pps_discover("/sys", true, "pps", f, PPS_MAX_DEVICES);
  int ls = 0;
  DIR *d = opendir("/sys/class/pps");
  for (struct dirent *de; d != NULL && (de = readdir(d)) != NULL;)
    ls += de->d_name[0] != '.';
  if (d != NULL)
    closedir(d);
  EXPECT_EQ_INT(ls, n);
  n = pps_discover("/sys", true, "mem", f, PPS_MAX_DEVICES);
  int m = pps_discover("/sys", false, "mem", f + 0, 0); /* max 0 */
  EXPECT_EQ_INT(0, m);
  pps_found_t g[PPS_MAX_DEVICES];
  m = pps_discover("/sys", false, "mem", g, PPS_MAX_DEVICES);
  n = pps_discover("/sys", true, "mem", f, PPS_MAX_DEVICES);
  OK_MSG(n > 0 && n == m, "libudev and readdir list the same mem devices");
  for (int i = 0; i < n && i < m; i++)
    EXPECT_EQ_STR(g[i].name, f[i].name);
}

int main(void) {
  snprintf(root, sizeof(root), "/tmp/cds-test-pps.XXXXXX");
  if (mkdtemp(root) == NULL)
    return 1;
  char dir[400], file[420];
  snprintf(dir, sizeof(dir), "%s/class", root);
  mkdir(dir, 0755);
  snprintf(dir, sizeof(dir), "%s/class/pps", root);
  mkdir(dir, 0755);
  snprintf(file, sizeof(file), "%s/regular", root);
  FILE *fp = fopen(file, "w");
  if (fp != NULL)
    fclose(fp);
  put("pps0", "assert", "0.000000000#0\n");
  put("pps0", "name", "pps-gpio.-1\n");
  put("pps0", "path", "\n");
  put("pps5", "assert", "0.000000000#0\n");
  put("pps6", "assert", "0.000000000#0\n");
  pps_clock_hook = fake_clock;
  set_now(0, 0);

  module_register();
  test_config_errors();

  char conf[4096];
  snprintf(conf, sizeof(conf),
           "<Plugin pps>\n"
           "  SysfsRoot \"%s\"\n  Discover true\n"
           "  PollInterval 1\n  Timeout 60\n"
           "  <Device \"gps\">\n    SysfsPath \"%s/class/pps/pps0\"\n"
           "    PollInterval 1\n  </Device>\n"
           "  <Device \"null\">\n    Path \"/dev/null\"\n  </Device>\n"
           "  <Device \"file\">\n    Path \"%s\"\n  </Device>\n"
           "  <Device \"missing\">\n"
           "    Path \"/dev/pps-does-not-exist\"\n  </Device>\n"
           "  <Device \"stab\">\n    SysfsPath \"%s/class/pps/pps5\"\n"
           "    PollInterval 1\n    Stability true\n"
           "    StabilityWindow 256\n  </Device>\n"
           "  <Device \"hold\">\n    SysfsPath \"%s/class/pps/pps6\"\n"
           "    PollInterval 1\n    Stability true\n"
           "    StabilityWindow 2048\n    HoldoverBudget 2e-6\n"
           "    HoldoverMin 10\n  </Device>\n"
           "</Plugin>",
           root, root, file, root, root);
  EXPECT_EQ_INT(0, mock_configure("pps", conf));
  EXPECT_EQ_INT(7, mock_read_count());
  EXPECT_EQ_INT(0, mock_init_all());
  EXPECT_EQ_INT(0, mock_check_metric_table("pps", pps_metrics,
                                           CDU_TABLE_SIZE(pps_metrics)));
  EXPECT_EQ_INT(0, mock_check_metric_table(
                       "pps", pps_clear_metrics,
                       CDU_TABLE_SIZE(pps_clear_metrics)));
  EXPECT_EQ_INT(0, mock_check_metric_table(
                       "pps", pps_holdover_metrics,
                       CDU_TABLE_SIZE(pps_holdover_metrics)));

  test_sysfs_device();
  test_reader_behind();
  test_stability();
  test_holdover();
  test_holdover_interrupted();
  test_api_path();
  test_discovery();
  test_udev();

  EXPECT_EQ_INT(0, mock_shutdown_all());
  char cmd[600];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
  if (system(cmd) != 0)
    printf("# could not remove %s\n", root);
  return testing_done();
}
