/* test_leapfile.c - leap-seconds.list parsing, the leap vote and the
 * pairwise source comparison of the timecheck plugin (common/leapfile.c,
 * common/timecheck.c).  The leap file text is written here following the
 * IERS/IANA format (NTP seconds, "#$" update, "#@" expiry, "#h" hash). */
#include "../../common/leapfile.h"
#include "../../common/timecheck.h"
#include "testing.h"

#define DAY 86400.0
/* Unix seconds of some UTC dates (date -u -d D +%s). */
#define U_1972_07_01 78796800.0
#define U_2017_01_01 1483228800.0
#define U_2026_12_03 1796256000.0
#define U_2027_01_01 1798761600.0

/* A real-shaped file: the 28 historic entries (IERS Bulletin C: TAI - UTC
 * 10 s in 1972 to 37 s since 2017) and a made-up leap at 2027-01-01 (NTP
 * 4007750400), expiring 2027-06-28. */
static const char leap_text[] =
    "#\tIn the following text, the symbol '#' introduces\n"
    "#\ta comment.\n"
    "#$\t 3676924800\n"
    "#@\t 4023129600\n"
    "#\n"
    "2272060800\t10\t# 1 Jan 1972\n"
    "2287785600\t11\t# 1 Jul 1972\n"
    "2303683200\t12\t# 1 Jan 1973\n"
    "2335219200\t13\t# 1 Jan 1974\n"
    "2366755200\t14\t# 1 Jan 1975\n"
    "2398291200\t15\t# 1 Jan 1976\n"
    "2429913600\t16\t# 1 Jan 1977\n"
    "2461449600\t17\t# 1 Jan 1978\n"
    "2492985600\t18\t# 1 Jan 1979\n"
    "2524521600\t19\t# 1 Jan 1980\n"
    "2571782400\t20\t# 1 Jul 1981\n"
    "2603318400\t21\t# 1 Jul 1982\n"
    "2634854400\t22\t# 1 Jul 1983\n"
    "2698012800\t23\t# 1 Jul 1985\n"
    "2776982400\t24\t# 1 Jan 1988\n"
    "2840140800\t25\t# 1 Jan 1990\n"
    "2871676800\t26\t# 1 Jan 1991\n"
    "2918937600\t27\t# 1 Jul 1992\n"
    "2950473600\t28\t# 1 Jul 1993\n"
    "2982009600\t29\t# 1 Jul 1994\n"
    "3029443200\t30\t# 1 Jan 1996\n"
    "3076704000\t31\t# 1 Jul 1997\n"
    "3124137600\t32\t# 1 Jan 1999\n"
    "3345062400\t33\t# 1 Jan 2006\n"
    "3439756800\t34\t# 1 Jan 2009\n"
    "3550089600\t35\t# 1 Jul 2012\n"
    "3644697600\t36\t# 1 Jul 2015\n"
    "3692217600\t37\t# 1 Jan 2017\n"
    "4007750400\t38\t# 1 Jan 2027 (test only)\n"
    "#h\t16edd0f0 3666784f 37db6bdd e74ced87 59af48f1\n";

static void test_parse(void) {
  leapfile_t lf;
  char err[128] = "";
  EXPECT_EQ_INT(0, leapfile_parse(leap_text, &lf, err, sizeof(err)));
  EXPECT_EQ_INT(29, lf.n);
  EXPECT_NEAR(3676924800.0 - LEAPFILE_NTP_UNIX_OFFSET, lf.update_unix, 0);
  EXPECT_NEAR(U_1972_07_01, lf.when_unix[1], 0);
  EXPECT_EQ_INT(37, lf.dtai[27]);
  /* expiry 2027-06-28 = 1814140800; from 2026-12-03: 207 days */
  EXPECT_NEAR(207.0, leapfile_days_left(&lf, U_2026_12_03), 1e-9);
  EXPECT_NEAR(-1.0, leapfile_days_left(&lf, 1814140800.0 + DAY), 1e-9);
  EXPECT_EQ_INT(1, leapfile_leap_at(&lf, U_2027_01_01));
  EXPECT_EQ_INT(1, leapfile_leap_at(&lf, U_2017_01_01));
  EXPECT_EQ_INT(0, leapfile_leap_at(&lf, U_2027_01_01 + 31 * DAY));
  OK_MSG(leapfile_leap_at(&lf, 63072000.0) == 0,
         "the first entry (1972-01-01, the start of UTC leaps) is no leap");
}

static void test_bad_files(void) {
  leapfile_t lf;
  char err[128];
  static const struct {
    const char *text, *why, *err_has;
  } bad[] = {
      {"2272060800\t10\n", "no #@ line", "#@"},
      {"#@\t4023129600\n", "no entry", "no leap"},
      {"#@\tsoon\n2272060800\t10\n", "#@ not a number", "malformed"},
      {"#@ 4023129600\n2272060800 10\n2287785600 12\n", "DTAI step 2",
       "does not follow"},
      {"#@ 4023129600\n2287785600 10\n2272060800 11\n", "time going back",
       "does not follow"},
      {"#@ 4023129600\n2272060800 x\n", "DTAI not a number", "malformed"},
      {"", "empty file", "#@"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    err[0] = '\0';
    OK_MSG(leapfile_parse(bad[i].text, &lf, err, sizeof(err)) == -1,
           bad[i].why);
    OK_MSG(strstr(err, bad[i].err_has) != NULL, "the reason is named");
    printf("# %s: %s\n", bad[i].why, err);
  }
}

static void test_next_month(void) {
  EXPECT_NEAR(U_2027_01_01, leapfile_next_month(U_2026_12_03), 0);
  EXPECT_NEAR(U_2027_01_01, leapfile_next_month(U_2027_01_01 - 1), 0);
  EXPECT_NEAR(U_2027_01_01 + 31 * DAY, leapfile_next_month(U_2027_01_01),
              0);
  EXPECT_NEAR(U_1972_07_01, leapfile_next_month(U_1972_07_01 - 10 * DAY), 0);
}

/* Voters: 0 ntp (LI), 1 kernel, 2 dcf77. */
static int vote(int ntp, int kernel, int dcf, int file, double to_s,
                int *dis) {
  tc_voter_t v[3] = {{ntp, TC_WINDOW_DAY},
                     {kernel, TC_WINDOW_DAY},
                     {dcf, TC_WINDOW_HOUR}};
  return tc_leap_vote(v, 3, file, to_s, dis);
}

static void test_vote(void) {
  int d[3];
  const int U = TC_UNKNOWN;
  EXPECT_EQ_INT(1, vote(0, 0, 0, 0, 20 * DAY, d));
  EXPECT_EQ_INT(U, vote(U, U, U, 0, 20 * DAY, d));
  /* a leap is scheduled: 20 h before, the daemon and kernel announce,
   * DCF77 does not yet (its window is the last hour): agree */
  EXPECT_EQ_INT(1, vote(1, 1, 0, 1, 20 * 3600.0, d));
  /* 30 min before, DCF77 still silent: it disagrees */
  EXPECT_EQ_INT(0, vote(1, 1, 0, 1, 1800.0, d));
  EXPECT_EQ_INT(1, d[2]);
  EXPECT_EQ_INT(0, d[0]);
  EXPECT_EQ_INT(1, vote(1, 1, 1, 1, 1800.0, d));
  /* the daemon announces 3 days early: disagrees */
  EXPECT_EQ_INT(0, vote(1, 0, 0, 1, 3 * DAY, d));
  EXPECT_EQ_INT(1, d[0]);
  /* DCF77 A2 set weeks before while the others and the file say no */
  EXPECT_EQ_INT(0, vote(0, 0, 1, 0, 20 * DAY, d));
  EXPECT_EQ_INT(1, d[2]);
  EXPECT_EQ_INT(0, d[1]);
  /* last hour, file says none, the kernel is armed: disagrees */
  EXPECT_EQ_INT(0, vote(0, 1, 0, 0, 600.0, d));
  EXPECT_EQ_INT(1, d[1]);
  /* no file: in-window voters compared with each other */
  EXPECT_EQ_INT(1, vote(1, 1, U, U, 600.0, d));
  EXPECT_EQ_INT(0, vote(1, 0, U, U, 600.0, d));
  EXPECT_EQ_INT(U, d[2]);
}

/* Deterministic noise in [-1, 1]. */
static double noise(unsigned *s) {
  *s = *s * 1103515245u + 12345u;
  return ((*s >> 8) & 0xffff) / 32767.5 - 1.0;
}

static void test_spread(void) {
  double x[64];
  unsigned s = 7;
  for (int i = 0; i < 64; i++)
    x[i] = 1e-4 * noise(&s); /* uniform +-100 us: sigma 57.7 us */
  double sp = tc_spread(x, 64);
  printf("# spread of uniform +-100 us: %.1f us\n", sp * 1e6);
  OK_MSG(sp > 30e-6 && sp < 100e-6, "spread near sigma of the noise");
  for (int i = 32; i < 64; i++)
    x[i] += 1.0; /* a step of 1 s does not inflate it */
  EXPECT_NEAR(sp, tc_spread(x, 64), 20e-6);
  OK(isnan(tc_spread(x, TC_SPREAD_MIN - 1)));
}

static void test_pair(void) {
  tc_pair_t p;
  tc_pair_result_t r;
  const tc_pair_cfg_t cfg = {.max_apart_s = 1e-3, .k = 5, .window = 32,
                             .hold_s = 30};
  unsigned s = 11;
  tc_pair_init(&p);
  /* honest pair: +-20 us noise, latencies removed: never apart */
  int ever = 0;
  for (int t = 0; t < 120; t++) {
    tc_pair_update(&p, &cfg, 0.125 + 20e-6 * noise(&s), -0.125,
                   10e-6 * noise(&s), 0, t, &r);
    ever |= r.apart_now == 1;
  }
  OK_MSG(!ever, "an honest pair is never apart");
  EXPECT_NEAR(0, r.diff_s, 40e-6);
  /* the receiver reads 0.125 s early (latency -0.125 s); from now on it
   * is 1 s off */
  tc_pair_update(&p, &cfg, 1.125, -0.125, 0, 0, 120.0, &r);
  EXPECT_NEAR(1.0, r.diff_s, 1e-9);
  EXPECT_EQ_INT(1, r.apart_now);
  EXPECT_EQ_INT(0, r.apart);
  tc_pair_update(&p, &cfg, 1.125, -0.125, 0, 0, 149.0, &r);
  EXPECT_EQ_INT(0, r.apart);
  tc_pair_update(&p, &cfg, 1.125, -0.125, 0, 0, 150.0, &r);
  EXPECT_EQ_INT(1, r.apart);
  /* an unknown side: NaN, the held verdict stays */
  tc_pair_update(&p, &cfg, NAN, -0.125, 0, 0, 151.0, &r);
  OK(isnan(r.diff_s));
  EXPECT_EQ_INT(TC_UNKNOWN, r.apart);
  tc_pair_update(&p, &cfg, 1.125, -0.125, 0, 0, 152.0, &r);
  EXPECT_EQ_INT(1, r.apart);
  /* back in line, then apart for 5 s, unknown, apart again: the hold
   * counts from after the interruption */
  for (double t = 153; t <= 183; t++)
    tc_pair_update(&p, &cfg, 0.125, -0.125, 0, 0, t, &r);
  EXPECT_EQ_INT(0, r.apart);
  for (double t = 184; t <= 188; t++)
    tc_pair_update(&p, &cfg, 1.125, -0.125, 0, 0, t, &r);
  tc_pair_update(&p, &cfg, 1.125, -0.125, NAN, 0, 189.0, &r);
  tc_pair_update(&p, &cfg, 1.125, -0.125, 0, 0, 214.0, &r);
  EXPECT_EQ_INT(0, r.apart); /* 30 s after 184, but just back */
  tc_pair_update(&p, &cfg, 1.125, -0.125, 0, 0, 243.9, &r);
  EXPECT_EQ_INT(0, r.apart);
  tc_pair_update(&p, &cfg, 1.125, -0.125, 0, 0, 244.0, &r);
  EXPECT_EQ_INT(1, r.apart);
  /* k only: a noisy serial pair (+-50 ms) is not apart at 30 ms */
  const tc_pair_cfg_t rel = {.k = 5, .window = 64, .hold_s = 0};
  tc_pair_init(&p);
  ever = 0;
  for (int t = 0; t < 64; t++) {
    tc_pair_update(&p, &rel, 0.03 + 0.05 * noise(&s), 0, 0, 0, t, &r);
    ever |= r.apart_now == 1;
  }
  OK_MSG(!ever, "k x spread: 30 ms bias in 50 ms noise is not apart");
  EXPECT_EQ_INT(0, r.apart);
  printf("# noisy pair: spread %.1f ms, bound %.1f ms\n", r.spread_s * 1e3,
         r.bound_s * 1e3);
}

int main(void) {
  test_parse();
  test_bad_files();
  test_next_month();
  test_vote();
  test_spread();
  test_pair();
  return testing_done();
}
