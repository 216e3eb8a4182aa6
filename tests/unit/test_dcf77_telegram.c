/* SPDX-License-Identifier: MIT
 * Unit tests of common/dcf77_telegram: every field and parity, ranges, the
 * leap-second minute, summer time changes, CET/CEST -> UTC, RAWDCF
 * characters.  References independent of the code under test: a time code
 * NTPsec's generic driver decoded (tests/data/dcf77/ntpsec-parse-snapshots.txt), telegrams built
 * bit by bit from the published layout, timegm()/gmtime_r() and the
 * system's Europe/Berlin zone file.
 * Seed: DCF77_SEED=<n> in the environment overrides the printed seed.
 */
#include "common/dcf77_telegram.h"
#include "tests/unit/testing.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ntp's timecode notation ('-' = 0, lower case parity/start = 0, any other
 * letter or digit = 1) to bits. */
static size_t from_ntp_timecode(const char *tc, uint8_t *bits) {
  size_t n = strlen(tc);
  for (size_t i = 0; i < n; i++)
    bits[i] = !(tc[i] == '-' || tc[i] == 'p' || tc[i] == 's');
  return n;
}

static void set_bcd(uint8_t *b, int first, int value) {
  int u = value % 10, t = value / 10;
  for (int i = 0; i < 4; i++)
    b[first + i] = (u >> i) & 1;
  for (int i = 0; i < 4 && first + 4 + i < 59; i++)
    b[first + 4 + i] = (t >> i) & 1;
}

static void fix_parity(uint8_t *b) {
  int p;
  p = 0;
  for (int i = 21; i <= 27; i++)
    p ^= b[i];
  b[28] = (uint8_t)p;
  p = 0;
  for (int i = 29; i <= 34; i++)
    p ^= b[i];
  b[35] = (uint8_t)p;
  p = 0;
  for (int i = 36; i <= 57; i++)
    p ^= b[i];
  b[58] = (uint8_t)p;
}

/* A telegram built from the layout: 2026-11-22 (Sunday) 09:15 CET. */
static void handmade(uint8_t *b) {
  memset(b, 0, 60);
  b[18] = 1; /* Z2: CET */
  b[20] = 1; /* S */
  b[21] = 1; /* minute 15: 1 + 4 + 10 */
  b[23] = 1;
  b[25] = 1;
  b[28] = 1; /* P1: three ones -> 1 */
  b[29] = 1; /* hour 09: 1 + 8 */
  b[32] = 1;
  b[37] = 1; /* day 22: 2 + 20 */
  b[41] = 1;
  b[42] = b[43] = b[44] = 1; /* weekday 7 */
  b[45] = 1;                 /* month 11: 1 + 10 */
  b[49] = 1;
  b[51] = b[52] = 1; /* year 26: 2 + 4 + 20 */
  b[55] = 1;
  b[58] = 0; /* P3: ten ones */
}

static void test_known_answers(void) {
  uint8_t b[61];
  dcf77_time_t t;
  /* NTPsec's refclock_status said TIME CODE for this one, refclock_time
   * 2026-11-22 04:51:36Z (tests/data/dcf77/ntpsec-parse-snapshots.txt). */
  size_t n = from_ntp_timecode(
      "------------------M-S1---1-4P1-4---p-2---21241---1-24--2--p", b);
  EXPECT_EQ_INT(59, n);
  EXPECT_EQ_INT(DCF77_OK, dcf77_decode_bits(b, n, &t));
  EXPECT_EQ_INT(2026, t.year);
  EXPECT_EQ_INT(11, t.month);
  EXPECT_EQ_INT(22, t.day);
  EXPECT_EQ_INT(7, t.weekday);
  EXPECT_EQ_INT(5, t.hour);
  EXPECT_EQ_INT(51, t.minute);
  OK(!t.cest && t.utc_offset_s == 3600);
  EXPECT_EQ_INT(INT64_C(1795323060), t.utc_s); /* date -d 04:51:00Z +%s */

  handmade(b);
  EXPECT_EQ_INT(DCF77_OK, dcf77_decode_bits(b, 59, &t));
  EXPECT_EQ_INT(9, t.hour);
  EXPECT_EQ_INT(15, t.minute);
  EXPECT_EQ_INT(INT64_C(1795335300), t.utc_s); /* 08:15:00Z */
  OK(!t.call_bit && !t.dst_announce && !t.leap_announce && !t.leap_minute);

  /* The encoder gives the same bits for that minute. */
  uint8_t e[60];
  size_t ne;
  EXPECT_EQ_INT(DCF77_OK, dcf77_encode(INT64_C(1795335300), NULL, e, &ne));
  EXPECT_EQ_INT(59, ne);
  OK_MSG(memcmp(e, b, 59) == 0, "encoder == hand-built telegram");
}

/* Every single bit error: detected where a check covers the bit, a changed
 * flag where none does. */
static void test_single_bit_errors(void) {
  uint8_t good[60], b[60];
  dcf77_time_t t0, t;
  handmade(good);
  dcf77_decode_bits(good, 59, &t0);
  int detected = 0, silent = 0;
  for (int i = 0; i < 59; i++) {
    memcpy(b, good, 60);
    b[i] ^= 1;
    dcf77_status_t st = dcf77_decode_bits(b, 59, &t);
    if (i == 0) {
      EXPECT_EQ_INT(DCF77_E_MARK, st);
    } else if (i == 20) {
      EXPECT_EQ_INT(DCF77_E_START, st);
    } else if (i == 17 || i == 18) {
      EXPECT_EQ_INT(DCF77_E_ZONE, st);
    } else if (i >= 21 && i <= 28) {
      EXPECT_EQ_INT(DCF77_E_PARITY_MINUTE, st);
    } else if (i >= 29 && i <= 35) {
      EXPECT_EQ_INT(DCF77_E_PARITY_HOUR, st);
    } else if (i >= 36) {
      EXPECT_EQ_INT(DCF77_E_PARITY_DATE, st);
    }
    if (st != DCF77_OK) {
      detected++;
      continue;
    }
    silent++;
    OK_MSG(t.utc_s == t0.utc_s, "an unchecked bit never changes the time");
    if (i == 15)
      OK_MSG(t.call_bit, "bit 15 is the call bit R");
    if (i == 16)
      OK_MSG(t.dst_announce, "bit 16 is A1");
    if (i == 19)
      OK_MSG(t.leap_announce, "bit 19 is A2");
  }
  EXPECT_EQ_INT(59 - 17, detected); /* all but bits 1..16 and 19 */
  EXPECT_EQ_INT(17, silent);
}

static dcf77_status_t decode_with(int minute, int hour, int day, int wday,
                                  int month, int year) {
  uint8_t b[60];
  dcf77_time_t t;
  handmade(b);
  set_bcd(b, 21, minute % 100);
  b[25] = (minute / 10) & 1; /* tens bits 25..27 */
  b[26] = (minute / 10 >> 1) & 1;
  b[27] = (minute / 10 >> 2) & 1;
  int hu = hour % 10, ht = hour / 10;
  for (int i = 0; i < 4; i++)
    b[29 + i] = (hu >> i) & 1;
  b[33] = ht & 1;
  b[34] = (ht >> 1) & 1;
  int du = day % 10, dt = day / 10;
  for (int i = 0; i < 4; i++)
    b[36 + i] = (du >> i) & 1;
  b[40] = dt & 1;
  b[41] = (dt >> 1) & 1;
  for (int i = 0; i < 3; i++)
    b[42 + i] = (wday >> i) & 1;
  int mu = month % 10, mt = month / 10;
  for (int i = 0; i < 4; i++)
    b[45 + i] = (mu >> i) & 1;
  b[49] = mt & 1;
  set_bcd(b, 50, year);
  fix_parity(b);
  return dcf77_decode_bits(b, 59, &t);
}

/* Raw field values (units digit above 9 given as digit > 9 via raw bits). */
static dcf77_status_t decode_raw_minute_units(int units) {
  uint8_t b[60];
  dcf77_time_t t;
  handmade(b);
  for (int i = 0; i < 4; i++)
    b[21 + i] = (units >> i) & 1;
  fix_parity(b);
  return dcf77_decode_bits(b, 59, &t);
}

static void test_ranges(void) {
  /* 2026-11-22 is a Sunday (7); 2024-02-29 a Thursday (4). */
  EXPECT_EQ_INT(DCF77_OK, decode_with(15, 9, 22, 7, 11, 26));
  EXPECT_EQ_INT(DCF77_OK, decode_with(59, 23, 22, 7, 11, 26));
  EXPECT_EQ_INT(DCF77_OK, decode_with(0, 0, 29, 4, 2, 24));
  EXPECT_EQ_INT(DCF77_E_RANGE, decode_with(60, 9, 22, 7, 11, 26));
  EXPECT_EQ_INT(DCF77_E_RANGE, decode_with(15, 24, 22, 7, 11, 26));
  EXPECT_EQ_INT(DCF77_E_RANGE, decode_with(15, 9, 0, 7, 11, 26));
  EXPECT_EQ_INT(DCF77_E_RANGE, decode_with(15, 9, 31, 2, 11, 26)); /* Nov 31 */
  EXPECT_EQ_INT(DCF77_E_RANGE, decode_with(15, 9, 29, 7, 2, 25)); /* no leap */
  EXPECT_EQ_INT(DCF77_E_RANGE, decode_with(15, 9, 22, 7, 0, 26));
  EXPECT_EQ_INT(DCF77_E_RANGE, decode_with(15, 9, 22, 7, 13, 26));
  EXPECT_EQ_INT(DCF77_E_RANGE, decode_with(15, 9, 22, 0, 11, 26));
  EXPECT_EQ_INT(DCF77_E_WEEKDAY, decode_with(15, 9, 22, 1, 11, 26));
  EXPECT_EQ_INT(DCF77_E_WEEKDAY, decode_with(15, 9, 22, 7, 11, 25));
  /* "Year 2000" power-up defaults: 2000-01-01 was a Saturday. */
  EXPECT_EQ_INT(DCF77_OK, decode_with(0, 0, 1, 6, 1, 0));
  EXPECT_EQ_INT(DCF77_E_RANGE, decode_with(0, 0, 0, 0, 0, 0));
  for (int u = 10; u < 16; u++)
    EXPECT_EQ_INT(DCF77_E_BCD, decode_raw_minute_units(u));
  /* Zone bits 11 and 00, S bit, lengths. */
  uint8_t b[61];
  dcf77_time_t t;
  handmade(b);
  b[17] = 1;
  EXPECT_EQ_INT(DCF77_E_ZONE, dcf77_decode_bits(b, 59, &t));
  handmade(b);
  b[18] = 0;
  EXPECT_EQ_INT(DCF77_E_ZONE, dcf77_decode_bits(b, 59, &t));
  handmade(b);
  EXPECT_EQ_INT(DCF77_E_LENGTH, dcf77_decode_bits(b, 58, &t));
  EXPECT_EQ_INT(DCF77_E_LENGTH, dcf77_decode_bits(b, 61, &t));
  EXPECT_EQ_INT(DCF77_E_ARG, dcf77_decode_bits(NULL, 59, &t));
  /* CEST: Z1 set, UTC = local - 2 h. */
  handmade(b);
  b[17] = 1;
  b[18] = 0;
  EXPECT_EQ_INT(DCF77_OK, dcf77_decode_bits(b, 59, &t));
  OK(t.cest && t.utc_offset_s == 7200);
  EXPECT_EQ_INT(INT64_C(1795335300) - 3600, t.utc_s);
}

static void test_leap_second(void) {
  /* 2016-12-31 23:59:60 UTC: the minute before 2017-01-01 00:00 UTC
   * (01:00 CET) has 60 seconds of bits, A2 set. */
  dcf77_encode_opts_t o = {.leap_announce = true, .leap_second = true};
  uint8_t b[60];
  size_t n;
  dcf77_time_t t;
  EXPECT_EQ_INT(DCF77_OK, dcf77_encode(INT64_C(1483228800), &o, b, &n));
  EXPECT_EQ_INT(60, n);
  EXPECT_EQ_INT(0, b[59]);
  EXPECT_EQ_INT(1, b[19]);
  EXPECT_EQ_INT(DCF77_OK, dcf77_decode_bits(b, n, &t));
  OK(t.leap_minute && t.leap_announce);
  EXPECT_EQ_INT(1, t.hour);
  EXPECT_EQ_INT(0, t.minute);
  EXPECT_EQ_INT(2017, t.year);
  EXPECT_EQ_INT(INT64_C(1483228800), t.utc_s);
  b[59] = 1;
  EXPECT_EQ_INT(DCF77_E_LEAP, dcf77_decode_bits(b, 60, &t));
  b[59] = 0;
  b[19] = 0; /* no announcement: a 60th bit is not allowed */
  EXPECT_EQ_INT(DCF77_E_LEAP, dcf77_decode_bits(b, 60, &t));
  /* Not before a full hour. */
  o.leap_second = false;
  dcf77_encode(INT64_C(1483228800) + 60, &o, b, &n);
  b[59] = 0;
  EXPECT_EQ_INT(DCF77_E_LEAP, dcf77_decode_bits(b, 60, &t));
  o.leap_second = true;
  EXPECT_EQ_INT(DCF77_E_LEAP,
                dcf77_encode(INT64_C(1483228800) + 60, &o, b, &n));
  /* The hour before: A2 set, 59 bits, decodes. */
  o.leap_second = false;
  EXPECT_EQ_INT(DCF77_OK, dcf77_encode(INT64_C(1483228800) - 1800, &o, b, &n));
  EXPECT_EQ_INT(59, n);
  EXPECT_EQ_INT(DCF77_OK, dcf77_decode_bits(b, n, &t));
  OK(t.leap_announce && !t.leap_minute);
}

/* Summer time changes: 2026-03-29 01:00 UTC (02:00 CET -> 03:00 CEST) and
 * 2026-10-25 01:00 UTC (03:00 CEST -> 02:00 CET). */
static void test_dst_change(void) {
  const int64_t spring = INT64_C(1774746000), autumn = INT64_C(1792890000);
  const int64_t changes[2] = {spring, autumn};
  for (int c = 0; c < 2; c++) {
    int a1 = 0;
    int64_t prev = 0;
    for (int64_t u = changes[c] - 7200; u < changes[c] + 7200; u += 60) {
      uint8_t b[60];
      size_t n;
      dcf77_time_t t;
      dcf77_encode(u, NULL, b, &n);
      if (dcf77_decode_bits(b, n, &t) != DCF77_OK || t.utc_s != u) {
        OK_MSG(0, "DST change: every minute decodes to its UTC");
        break;
      }
      if (prev != 0 && t.utc_s != prev + 60)
        OK_MSG(0, "UTC continuous across the change");
      prev = t.utc_s;
      a1 += t.dst_announce;
      if (u == changes[c] - 60) {
        OK_MSG(t.dst_announce, "A1 set in the last minute before");
        EXPECT_EQ_INT(c == 0 ? 1 : 2, t.hour);
        EXPECT_EQ_INT(59, t.minute);
        EXPECT_EQ_INT(c == 0 ? 0 : 1, t.cest);
      }
      if (u == changes[c]) {
        OK_MSG(!t.dst_announce, "A1 clear after the change");
        EXPECT_EQ_INT(c == 0 ? 3 : 2, t.hour);
        EXPECT_EQ_INT(0, t.minute);
        EXPECT_EQ_INT(c == 0 ? 1 : 0, t.cest);
      }
    }
    EXPECT_EQ_INT(60, a1); /* A1 during exactly one hour */
  }
}

/* The EU rule against the system's zone file for Germany. */
static void test_eu_rule_vs_tzdata(void) {
  if (setenv("TZ", "Europe/Berlin", 1) != 0) {
    OK_MSG(0, "setenv TZ");
    return;
  }
  tzset();
  struct tm tm;
  time_t probe = 1795335300;
  if (localtime_r(&probe, &tm) == NULL || tm.tm_gmtoff != 3600) {
    printf("# Europe/Berlin zone data missing (tzdata), skipped\n");
    return;
  }
  int bad = 0, n = 0;
  for (int64_t u = INT64_C(946684800); u < INT64_C(4102444800); u += 3600) {
    time_t tt = (time_t)u;
    localtime_r(&tt, &tm);
    if ((tm.tm_isdst > 0) != dcf77_eu_summer_time(u))
      bad++;
    n++;
  }
  printf("# compared %d hours 2000..2099 with tzdata\n", n);
  EXPECT_EQ_INT(0, bad);
}

/* Random minutes 2000..2099: encode -> decode is the identity, and the
 * fields match gmtime_r of the local time. */
static void test_roundtrip(unsigned seed) {
  srand(seed);
  int bad = 0;
  for (int i = 0; i < 20000; i++) {
    int64_t u = INT64_C(946688400) +
                ((int64_t)rand() * 65536 + rand() % 65536) %
                    (INT64_C(3155673600) / 60 - 120) * 60;
    uint8_t b[60];
    size_t n;
    dcf77_time_t t;
    if (dcf77_encode(u, NULL, b, &n) != DCF77_OK ||
        dcf77_decode_bits(b, n, &t) != DCF77_OK || t.utc_s != u) {
      bad++;
      continue;
    }
    time_t local = (time_t)(u + t.utc_offset_s);
    struct tm tm;
    gmtime_r(&local, &tm);
    if (tm.tm_year + 1900 != t.year || tm.tm_mon + 1 != t.month ||
        tm.tm_mday != t.day || tm.tm_hour != t.hour || tm.tm_min != t.minute ||
        (tm.tm_wday == 0 ? 7 : tm.tm_wday) != t.weekday)
      bad++;
  }
  EXPECT_EQ_INT(0, bad);
  uint8_t b[60];
  size_t n;
  EXPECT_EQ_INT(DCF77_E_ARG, dcf77_encode(INT64_C(1795335301), NULL, b, &n));
  EXPECT_EQ_INT(DCF77_E_ARG, dcf77_encode(INT64_C(4102444800), NULL, b, &n));
}

static void test_calendar(void) {
  struct tm tm = {.tm_year = 126, .tm_mon = 10, .tm_mday = 22};
  int64_t d = dcf77_days_from_civil(2026, 11, 22);
  EXPECT_EQ_INT((int64_t)timegm(&tm) / 86400, d);
  EXPECT_EQ_INT(7, dcf77_weekday(d));
  EXPECT_EQ_INT(4, dcf77_weekday(0)); /* 1970-01-01: Thursday */
  int y, m, dd;
  dcf77_civil_from_days(d, &y, &m, &dd);
  OK(y == 2026 && m == 11 && dd == 22);
  EXPECT_EQ_INT(29, dcf77_days_in_month(2000, 2));
  EXPECT_EQ_INT(28, dcf77_days_in_month(2100, 2));
  EXPECT_EQ_INT(0, dcf77_days_in_month(2000, 13));
}

static void test_chars(void) {
  int valid = 0;
  for (int c = 0; c < 256; c++) {
    int k = dcf77_char_pulse((uint8_t)c);
    if (k >= 0) {
      valid++;
      if (dcf77_pulse_char(k) != c)
        OK_MSG(0, "pulse_char inverts char_pulse");
    }
  }
  EXPECT_EQ_INT(9, valid);
  EXPECT_EQ_INT(4, dcf77_char_pulse(0xF0)); /* 100 ms at 50 baud */
  EXPECT_EQ_INT(8, dcf77_char_pulse(0x00)); /* 200 ms */
  EXPECT_EQ_INT(0, dcf77_char_pulse(0xFF));
  EXPECT_EQ_INT(5, dcf77_char_pulse(0xE0));
  EXPECT_EQ_INT(-1, dcf77_char_pulse(0x5A));
  EXPECT_EQ_INT(-1, dcf77_char_pulse(0x0F));
  EXPECT_EQ_INT(-1, dcf77_char_pulse(0xF1));
  EXPECT_EQ_INT(0x00, dcf77_pulse_char(9));
  EXPECT_EQ_INT(0xFF, dcf77_pulse_char(-1));
  OK(strcmp(dcf77_strstatus(DCF77_E_PARITY_DATE), "unknown") != 0);
}

int main(void) {
  unsigned seed =
      (unsigned)testing_seed("DCF77_SEED", (unsigned long long)time(NULL));
  test_known_answers();
  test_single_bit_errors();
  test_ranges();
  test_leap_second();
  test_dst_change();
  test_eu_rule_vs_tzdata();
  test_roundtrip(seed);
  test_calendar();
  test_chars();
  return testing_done();
}
