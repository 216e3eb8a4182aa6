/* SPDX-License-Identifier: MIT
 * dcf77_telegram - the DCF77 time code: one telegram (the bits of one
 * minute) to a date and time and back.  Pure: no I/O, no globals.
 *
 * Layout (PTB; ntp libparse/clk_rawdcf.c): one bit per second 0..58, 0 =
 * 100 ms carrier reduction, 1 = 200 ms; second 59 is unmodulated (the minute
 * mark).  0 M (always 0) · 1-14 civil warnings/weather · 15 R call bit
 * (irregular transmitter operation) · 16 A1 summer time change announced ·
 * 17 Z1 CEST · 18 Z2 CET · 19 A2 leap second announced · 20 S start of
 * time (always 1) · 21-27 minute BCD (1,2,4,8,10,20,40) · 28 P1 · 29-34
 * hour (1,2,4,8,10,20) · 35 P2 · 36-41 day (1,2,4,8,10,20) · 42-44 weekday
 * (1 = Monday .. 7 = Sunday) · 45-49 month (1,2,4,8,10) · 50-57 year of the
 * century (1,2,4,8,10,20,40,80) · 58 P3.  Each parity bit makes the number
 * of ones over its field and itself even (P1: 21-28, P2: 29-35, P3: 36-58).
 *
 * The telegram sent during a minute gives the CET/CEST time of the NEXT
 * minute, which starts at the next second-0 mark.  A leap second (announced
 * by A2 during the hour before) is sent as an extra 0 bit in second 59 of the
 * last minute before the hour; the minute then has 60 bits.
 */
#ifndef CDS_DCF77_TELEGRAM_H
#define CDS_DCF77_TELEGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DCF77_BITS 59      /* bits of a normal minute (seconds 0..58) */
#define DCF77_BITS_LEAP 60 /* bits of a minute with a leap second */

typedef enum {
  DCF77_OK = 0,
  DCF77_E_ARG,           /* NULL pointer or time out of the 2000..2099 range */
  DCF77_E_LENGTH,        /* not 59 bits (or 60 in a leap-second minute) */
  DCF77_E_MARK,          /* bit 0 (M) is not 0 */
  DCF77_E_START,         /* bit 20 (S) is not 1 */
  DCF77_E_ZONE,          /* Z1 Z2 are 00 or 11 */
  DCF77_E_PARITY_MINUTE, /* P1 over bits 21..28 odd */
  DCF77_E_PARITY_HOUR,   /* P2 over bits 29..35 odd */
  DCF77_E_PARITY_DATE,   /* P3 over bits 36..58 odd */
  DCF77_E_BCD,           /* a BCD digit above 9 */
  DCF77_E_RANGE,         /* minute > 59, hour > 23, month not 1..12, day
                            not in the month, weekday not 1..7 */
  DCF77_E_WEEKDAY,       /* the weekday does not match the date */
  DCF77_E_LEAP,          /* 60 bits but the extra bit is 1, A2 is not set
                            or the next minute does not start an hour */
} dcf77_status_t;

const char *dcf77_strstatus(dcf77_status_t st);

/* A decoded telegram. */
typedef struct {
  int year, month, day; /* local (CET/CEST) date; year 2000..2099 */
  int weekday;          /* 1 = Monday .. 7 = Sunday */
  int hour, minute;     /* local time of the minute announced */
  bool cest;            /* Z1: summer time (UTC+2) in effect, else CET */
  bool call_bit;        /* R: irregular transmitter operation */
  bool dst_announce;    /* A1: a CET/CEST change at the end of this hour */
  bool leap_announce;   /* A2: a leap second at the end of this hour */
  bool leap_minute;     /* this telegram had 60 bits (leap second sent) */
  int utc_offset_s;     /* 3600 (CET) or 7200 (CEST): local - UTC */
  int64_t utc_s; /* POSIX UTC seconds of the start of the minute announced */
} dcf77_time_t;

/* Decode nbits bits (each 0 or 1; bits[i] = second i).  Checks, in order:
 * length, M, S, zone, the three parities, BCD digits, ranges, weekday, leap
 * second.  Fills *out only on DCF77_OK. */
dcf77_status_t dcf77_decode_bits(const uint8_t *bits, size_t nbits,
                                 dcf77_time_t *out);

/* Options of the encoder (all false/0 for an ordinary minute). */
typedef struct {
  bool call_bit;      /* set R */
  bool leap_announce; /* set A2 */
  bool leap_second;   /* send the leap second: 60 bits (needs A2 and a
                         minute that starts an hour) */
  bool force_zone;    /* use `cest` below instead of the EU rule */
  bool cest;
} dcf77_encode_opts_t;

/* The bits sent during the minute BEFORE the UTC minute starting at
 * utc_minute_s (a multiple of 60): the local time of that minute, the zone
 * by the EU rule (CEST from the last Sunday of March 01:00 UTC to the last
 * Sunday of October 01:00 UTC), A1 during the hour before a change.
 * bits must hold 60; *nbits gets 59 or 60.  Returns DCF77_OK, DCF77_E_ARG
 * (not a minute start, outside 2000..2099) or DCF77_E_LEAP. */
dcf77_status_t dcf77_encode(int64_t utc_minute_s,
                            const dcf77_encode_opts_t *opts, uint8_t *bits,
                            size_t *nbits);

/* EU summer time rule at a POSIX UTC second. */
bool dcf77_eu_summer_time(int64_t utc_s);

/* Calendar helpers (proleptic Gregorian, no time zones, no globals). */
int64_t dcf77_days_from_civil(int year, int month, int day);
void dcf77_civil_from_days(int64_t days, int *year, int *month, int *day);
int dcf77_weekday(int64_t days); /* 1 = Monday .. 7 = Sunday */
int dcf77_days_in_month(int year, int month);

/* RAWDCF characters (ntp's convention for raw receivers on a serial line):
 * the pulse holds the line at "space" from the start bit on, so a pulse
 * gives a byte whose low k bits are 0 and the others 1 (0xFF << k, k 0..8);
 * at 50 baud (20 ms a bit) 100 ms -> 0xF0 (k = 4), 200 ms -> 0x00 (k = 8).
 * Returns k, or -1 for any other byte (not a pulse). */
int dcf77_char_pulse(uint8_t ch);
/* The character of a pulse of k zero bits (k clamped to 0..8). */
uint8_t dcf77_pulse_char(int k);

#endif
