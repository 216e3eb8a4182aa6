/* SPDX-License-Identifier: MIT
 * Unit tests of common/dcf77_refclock: the PARSE driver's clock variables.
 * Inputs are values NTPsec 1.2.2 returned (tests/data/dcf77/
 * ntpsec-parse-snapshots.txt, recorded from NTPsec's PARSE driver on a pty)
 * and the flag / state
 * names of its refclock_generic.c.
 */
#include "common/dcf77_refclock.h"
#include "tests/unit/testing.h"

static void test_status(void) {
  dcf77_rc_flags_t f;
  /* NTPsec, valid time code: the parenthesised part lists what the driver
   * can report (LEAP INDICATION, CALLBIT), not active flags. */
  EXPECT_EQ_INT(0, dcf77_rc_parse_status(
                       "TIME CODE; (LEAP INDICATION; CALLBIT)", &f));
  OK(f.time_code);
  OK(!f.call_bit && !f.leap_announce && !f.dst && !f.not_synchronised);
  EXPECT_EQ_INT(0, dcf77_rc_parse_status("", &f));
  OK(!f.time_code);
  EXPECT_EQ_INT(0, dcf77_rc_parse_status(
                       "DST SWITCH WARNING; DST; LEAP ADD WARNING; CALL BIT; "
                       "TIME CODE; PPS; (LEAP INDICATION; PPS SIGNAL; "
                       "CALLBIT)",
                       &f));
  OK(f.dst_announce && f.dst && f.leap_announce && f.call_bit &&
     f.time_code && f.pps && !f.not_synchronised);
  EXPECT_EQ_INT(0, dcf77_rc_parse_status("NOT SYNCHRONIZED", &f));
  OK(f.not_synchronised && !f.time_code);
  EXPECT_EQ_INT(0, dcf77_rc_parse_status("TIME CODE NOT CONFIRMED", &f));
  OK(f.not_synchronised && !f.time_code); /* not "TIME CODE" */
  EXPECT_EQ_INT(0, dcf77_rc_parse_status("LEAP DELETE WARNING", &f));
  OK(f.leap_announce);
  EXPECT_EQ_INT(-1, dcf77_rc_parse_status(NULL, &f));
}

/* A `states` text parsed, expecting success and the current state. */
static dcf77_rc_states_t states_of(const char *text, int current) {
  dcf77_rc_states_t s;
  EXPECT_EQ_INT(0, dcf77_rc_parse_states(text, &s));
  EXPECT_EQ_INT(current, s.current);
  return s;
}

static void test_states(void) {
  dcf77_rc_states_t s =
      states_of("*NOMINAL: 00:00:09 (6.97%); BAD FORMAT: 00:02:00 "
                "(93.02%); running time: 00:02:09",
                0);
  EXPECT_NEAR(6.97, s.percent[0], 1e-9);
  EXPECT_NEAR(93.02, s.percent[2], 1e-9);
  EXPECT_NEAR(0.0, s.percent[1], 1e-9);
  states_of("NOMINAL: 00:01:07 (31.90%); *BAD FORMAT: 00:02:23 "
            "(68.09%); running time: 00:03:30",
            2);
  s = states_of("NOMINAL: 1d+02:00:00 (50.00%); *NO RESPONSE: "
                "1d+02:00:00 (25.00%); PROPAGATION DELAY: 00:00:01 "
                "(0.01%); ILLEGAL DATE: 00:00:01 (0.01%); ILLEGAL "
                "TIME: 00:00:01 (24.98%); running time: 2d",
                1);
  EXPECT_NEAR(24.98, s.percent[6], 1e-9);
  EXPECT_NEAR(0.01, s.percent[4], 1e-9);
  EXPECT_EQ_INT(-1, dcf77_rc_parse_states("running time: 00:00:01", &s));
  EXPECT_EQ_INT(-1, dcf77_rc_parse_states("garbage", &s));
  EXPECT_EQ_INT(-1, dcf77_rc_parse_states(NULL, &s));
  EXPECT_EQ_INT(3, dcf77_rc_state_code("FAULT"));
  EXPECT_EQ_INT(-1, dcf77_rc_state_code("nominal"));
  EXPECT_EQ_STR("bad_format", dcf77_rc_state_name(2));
  EXPECT_EQ_STR("unknown", dcf77_rc_state_name(7));
}

static void test_time(void) {
  double t = 0;
  /* "eead228d.00000000 2026-11-22T08:13:01.000Z" */
  int64_t now = INT64_C(1795335200);
  EXPECT_EQ_INT(0, dcf77_rc_parse_time(
                       "eead228d.00000000 2026-11-22T08:13:01.000Z", now, &t));
  /* date -u -d 2026-11-22T08:13:01Z +%s */
  EXPECT_NEAR(1795335181.0, t, 1e-6);
  EXPECT_EQ_INT(0, dcf77_rc_parse_time("eead228d.80000000", now, &t));
  EXPECT_NEAR(1795335181.5, t, 1e-6);
  EXPECT_EQ_INT(1, dcf77_rc_parse_time("<UNDEFINED>", now, &t));
  EXPECT_EQ_INT(1, dcf77_rc_parse_time("00000000.00000000", now, &t));
  EXPECT_EQ_INT(-1, dcf77_rc_parse_time("2026-11-22", now, &t));
  EXPECT_EQ_INT(-1, dcf77_rc_parse_time("eead228d", now, &t));
  EXPECT_EQ_INT(-1, dcf77_rc_parse_time(NULL, now, &t));
  /* Era 1 (from 2036-02-07): 0x00000010 is 16 s into it. */
  EXPECT_EQ_INT(0, dcf77_rc_parse_time("00000010.00000000",
                                       INT64_C(2085978496), &t));
  EXPECT_NEAR(2085978512.0, t, 1e-6);
}

static void test_unit(void) {
  EXPECT_EQ_INT(0, dcf77_rc_parse_unit("127.127.8.0"));
  EXPECT_EQ_INT(3, dcf77_rc_parse_unit("127.127.8.3"));
  EXPECT_EQ_INT(-1, dcf77_rc_parse_unit("127.127.28.0")); /* SHM */
  EXPECT_EQ_INT(-1, dcf77_rc_parse_unit("127.0.0.1"));
  EXPECT_EQ_INT(-1, dcf77_rc_parse_unit("127.127.8."));
  EXPECT_EQ_INT(-1, dcf77_rc_parse_unit("127.127.8.256"));
  EXPECT_EQ_INT(-1, dcf77_rc_parse_unit(NULL));
}

int main(void) {
  test_status();
  test_states();
  test_time();
  test_unit();
  return testing_done();
}
