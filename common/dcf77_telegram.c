/* SPDX-License-Identifier: MIT
 * dcf77_telegram - DCF77 telegram decoding and encoding (see the header).
 */
#include "common/dcf77_telegram.h"
#include "common/enum_name.h"

#include <string.h>

/* Bit positions (seconds) of the telegram. */
enum {
  B_M = 0,
  B_R = 15,
  B_A1 = 16,
  B_Z1 = 17,
  B_Z2 = 18,
  B_A2 = 19,
  B_S = 20,
  B_MIN = 21, /* 4 units + 3 tens */
  B_P1 = 28,
  B_HOUR = 29, /* 4 + 2 */
  B_P2 = 35,
  B_DAY = 36,   /* 4 + 2 */
  B_WDAY = 42,  /* 3 */
  B_MONTH = 45, /* 4 + 1 */
  B_YEAR = 50,  /* 4 + 4 */
  B_P3 = 58,
};

/* A BCD field: first bit, number of unit bits (4) and ten bits. */
typedef struct {
  int first, tens_bits;
} bcd_field_t;

static const bcd_field_t F_MIN = {B_MIN, 3}, F_HOUR = {B_HOUR, 2},
                         F_DAY = {B_DAY, 2}, F_MONTH = {B_MONTH, 1},
                         F_YEAR = {B_YEAR, 4};

/* In enum order, DCF77_OK first. */
static const char *const dcf77_statuses[] = {"ok",
                                             "bad argument",
                                             "wrong number of seconds",
                                             "bit 0 (M) set",
                                             "start bit (S) clear",
                                             "invalid zone bits Z1/Z2",
                                             "minute parity (P1) error",
                                             "hour parity (P2) error",
                                             "date parity (P3) error",
                                             "BCD digit above 9",
                                             "field out of range",
                                             "weekday does not match the date",
                                             "invalid leap second"};
ENUM_NAMES_CHECK(dcf77_statuses, DCF77_E_LEAP);

const char *dcf77_strstatus(dcf77_status_t st) {
  return ENUM_NAME(dcf77_statuses, st, "unknown");
}

/* Howard Hinnant's days_from_civil / civil_from_days (public domain
 * algorithms): days since 1970-01-01 in the proleptic Gregorian calendar. */
int64_t dcf77_days_from_civil(int year, int month, int day) {
  int64_t y = (int64_t)year - (month <= 2);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = (month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void dcf77_civil_from_days(int64_t days, int *year, int *month, int *day) {
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  *year = (int)(yoe + era * 400 + (m <= 2));
  *month = (int)m;
  *day = (int)d;
}

int dcf77_weekday(int64_t days) {
  /* 1970-01-01 was a Thursday (4). */
  int64_t w = (days + 3) % 7;
  if (w < 0)
    w += 7;
  return (int)w + 1;
}

int dcf77_days_in_month(int year, int month) {
  static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12)
    return 0;
  if (month == 2 &&
      ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
    return 29;
  return dim[month - 1];
}

/* The POSIX second of 01:00 UTC on the last Sunday of a month. */
static int64_t last_sunday_0100(int year, int month) {
  int dim = dcf77_days_in_month(year, month);
  int64_t days = dcf77_days_from_civil(year, month, dim);
  days -= dcf77_weekday(days) % 7; /* Sunday = 7 -> 0 */
  return days * 86400 + 3600;
}

bool dcf77_eu_summer_time(int64_t utc_s) {
  int64_t days = utc_s >= 0 ? utc_s / 86400 : (utc_s - 86399) / 86400;
  int y, m, d;
  dcf77_civil_from_days(days, &y, &m, &d);
  return utc_s >= last_sunday_0100(y, 3) && utc_s < last_sunday_0100(y, 10);
}

/* Even parity: number of ones in bits[first..last] (inclusive) even. */
static bool parity_ok(const uint8_t *bits, int first, int last) {
  unsigned ones = 0;
  for (int i = first; i <= last; i++)
    ones += bits[i];
  return (ones & 1) == 0;
}

/* A BCD field; -1 if a digit is above 9. */
static int bcd_get(const uint8_t *bits, bcd_field_t f) {
  int units = 0, tens = 0;
  for (int i = 0; i < 4; i++)
    units |= bits[f.first + i] << i;
  for (int i = 0; i < f.tens_bits; i++)
    tens |= bits[f.first + 4 + i] << i;
  if (units > 9 || tens > 9)
    return -1;
  return tens * 10 + units;
}

static void bcd_put(uint8_t *bits, bcd_field_t f, int value) {
  int units = value % 10, tens = value / 10;
  for (int i = 0; i < 4; i++)
    bits[f.first + i] = (uint8_t)((units >> i) & 1);
  for (int i = 0; i < f.tens_bits; i++)
    bits[f.first + 4 + i] = (uint8_t)((tens >> i) & 1);
}

static dcf77_status_t check_frame(const uint8_t *bits, size_t nbits) {
  if (nbits != DCF77_BITS && nbits != DCF77_BITS_LEAP)
    return DCF77_E_LENGTH;
  for (size_t i = 0; i < nbits; i++)
    if (bits[i] > 1)
      return DCF77_E_ARG;
  if (bits[B_M] != 0)
    return DCF77_E_MARK;
  if (bits[B_S] != 1)
    return DCF77_E_START;
  if (bits[B_Z1] == bits[B_Z2])
    return DCF77_E_ZONE;
  if (!parity_ok(bits, B_MIN, B_P1))
    return DCF77_E_PARITY_MINUTE;
  if (!parity_ok(bits, B_HOUR, B_P2))
    return DCF77_E_PARITY_HOUR;
  if (!parity_ok(bits, B_DAY, B_P3))
    return DCF77_E_PARITY_DATE;
  return DCF77_OK;
}

dcf77_status_t dcf77_decode_bits(const uint8_t *bits, size_t nbits,
                                 dcf77_time_t *out) {
  if (bits == NULL || out == NULL)
    return DCF77_E_ARG;
  dcf77_status_t st = check_frame(bits, nbits);
  if (st != DCF77_OK)
    return st;
  dcf77_time_t t = {0};
  int yy = bcd_get(bits, F_YEAR);
  t.minute = bcd_get(bits, F_MIN);
  t.hour = bcd_get(bits, F_HOUR);
  t.day = bcd_get(bits, F_DAY);
  t.month = bcd_get(bits, F_MONTH);
  t.weekday = bits[B_WDAY] | bits[B_WDAY + 1] << 1 | bits[B_WDAY + 2] << 2;
  if (yy < 0 || t.minute < 0 || t.hour < 0 || t.day < 0 || t.month < 0)
    return DCF77_E_BCD;
  t.year = 2000 + yy;
  if (t.minute > 59 || t.hour > 23 || t.month < 1 || t.month > 12 ||
      t.day < 1 || t.day > dcf77_days_in_month(t.year, t.month) ||
      t.weekday < 1)
    return DCF77_E_RANGE;
  int64_t days = dcf77_days_from_civil(t.year, t.month, t.day);
  if (dcf77_weekday(days) != t.weekday)
    return DCF77_E_WEEKDAY;
  t.cest = bits[B_Z1];
  t.call_bit = bits[B_R];
  t.dst_announce = bits[B_A1];
  t.leap_announce = bits[B_A2];
  if (nbits == DCF77_BITS_LEAP) {
    if (bits[59] != 0 || !t.leap_announce || t.minute != 0)
      return DCF77_E_LEAP;
    t.leap_minute = true;
  }
  t.utc_offset_s = t.cest ? 7200 : 3600;
  t.utc_s = days * 86400 + t.hour * 3600 + t.minute * 60 - t.utc_offset_s;
  *out = t;
  return DCF77_OK;
}

dcf77_status_t dcf77_encode(int64_t utc_minute_s,
                            const dcf77_encode_opts_t *opts, uint8_t *bits,
                            size_t *nbits) {
  static const dcf77_encode_opts_t none = {0};
  if (opts == NULL)
    opts = &none;
  if (bits == NULL || nbits == NULL || utc_minute_s % 60 != 0)
    return DCF77_E_ARG;
  bool cest =
      opts->force_zone ? opts->cest : dcf77_eu_summer_time(utc_minute_s);
  int64_t local = utc_minute_s + (cest ? 7200 : 3600);
  int64_t days = local / 86400;
  int y, m, d;
  dcf77_civil_from_days(days, &y, &m, &d);
  if (local < 0 || y < 2000 || y > 2099)
    return DCF77_E_ARG;
  int secs = (int)(local % 86400);
  memset(bits, 0, DCF77_BITS_LEAP);
  bits[B_R] = opts->call_bit;
  bits[B_A1] = !opts->force_zone && dcf77_eu_summer_time(utc_minute_s) !=
                                         dcf77_eu_summer_time(utc_minute_s +
                                                              3600);
  bits[B_Z1] = cest;
  bits[B_Z2] = !cest;
  bits[B_A2] = opts->leap_announce;
  bits[B_S] = 1;
  bcd_put(bits, F_MIN, secs / 60 % 60);
  bcd_put(bits, F_HOUR, secs / 3600);
  bcd_put(bits, F_DAY, d);
  int wd = dcf77_weekday(days);
  for (int i = 0; i < 3; i++)
    bits[B_WDAY + i] = (uint8_t)((wd >> i) & 1);
  bcd_put(bits, F_MONTH, m);
  bcd_put(bits, F_YEAR, y - 2000);
  bits[B_P1] = !parity_ok(bits, B_MIN, B_P1 - 1);
  bits[B_P2] = !parity_ok(bits, B_HOUR, B_P2 - 1);
  bits[B_P3] = !parity_ok(bits, B_DAY, B_P3 - 1);
  *nbits = DCF77_BITS;
  if (opts->leap_second) {
    if (!opts->leap_announce || secs / 60 % 60 != 0)
      return DCF77_E_LEAP;
    *nbits = DCF77_BITS_LEAP; /* bits[59] = 0: the extra second */
  }
  return DCF77_OK;
}

int dcf77_char_pulse(uint8_t ch) {
  /* 0xFF << k: inverted, a run of k low ones. */
  unsigned inv = (unsigned)(uint8_t)~ch;
  if (((inv + 1) & inv) != 0)
    return -1;
  int k = 0;
  while (inv != 0) {
    inv >>= 1;
    k++;
  }
  return k;
}

uint8_t dcf77_pulse_char(int k) {
  if (k < 0)
    k = 0;
  if (k > 8)
    k = 8;
  return (uint8_t)(0xFFu << k);
}
