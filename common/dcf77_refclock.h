/* SPDX-License-Identifier: MIT
 * dcf77_refclock - the clock variables of ntpd's / NTPsec's PARSE ("generic")
 * refclock driver, as READCLOCK (mode 6) returns them.  Pure: strings in,
 * structs out (the name=value list itself is split by common/ntp_mode6).
 *
 * Formats (NTPsec ntpd/refclock_generic.c parse_control(), classic ntpd
 * ntpd/refclock_parse.c, the same code):
 *   refclock_status="TIME CODE; DST; CALL BIT; (LEAP INDICATION; CALLBIT)"
 *     active flags joined by "; ", then in parentheses what the receiver
 *     type can report (not active flags: ignored here).  Flag names:
 *     DST SWITCH WARNING, NOT SYNCHRONIZED, TIME CODE NOT CONFIRMED, DST,
 *     UTC DISPLAY, LEAP ADD WARNING, LEAP DELETE WARNING, LEAP SECOND,
 *     CALL BIT, TIME CODE, PPS, POSITION.
 *   refclock_states="NOMINAL: 00:00:48 (28.57%); *BAD FORMAT: 00:02:00
 *     (71.42%); running time: 00:02:48": time per clock state (only states
 *     with time > 0 are listed), the current one starred.  State names are
 *     the clock event codes 0..6: NOMINAL, NO RESPONSE, BAD FORMAT, FAULT,
 *     PROPAGATION DELAY, ILLEGAL DATE, ILLEGAL TIME.
 *   refclock_time="eead2580.00000000 2026-11-22T08:25:04.000Z" (NTP
 *     timestamp in hex, then a readable form that differs between ntpd
 *     versions) or "<UNDEFINED>".
 *   srcadr=127.127.8.U for PARSE unit U (driver type 8).
 */
#ifndef CDS_DCF77_REFCLOCK_H
#define CDS_DCF77_REFCLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define DCF77_RC_NSTATES 7 /* clock event codes 0..6 */

typedef struct {
  bool time_code;        /* TIME CODE: the last time code was valid */
  bool call_bit;         /* CALL BIT: transmitter irregularity (R bit) */
  bool dst_announce;     /* DST SWITCH WARNING (A1) */
  bool leap_announce;    /* LEAP ADD WARNING or LEAP DELETE WARNING (A2) */
  bool not_synchronised; /* NOT SYNCHRONIZED or TIME CODE NOT CONFIRMED */
  bool pps;              /* PPS */
  bool dst;              /* DST: summer time in effect */
} dcf77_rc_flags_t;

/* Parse refclock_status (the value, without quotes).  Unknown flag names are
 * ignored.  Returns 0, or -1 for NULL. */
int dcf77_rc_parse_status(const char *s, dcf77_rc_flags_t *out);

typedef struct {
  double percent[DCF77_RC_NSTATES]; /* share of the running time, 0..100;
                                       0 for states not listed */
  int current;                      /* the starred state's code, or -1 */
} dcf77_rc_states_t;

/* Parse refclock_states.  Returns 0, or -1 if nothing could be parsed
 * (NULL, no "NAME: ... (P%)" item). */
int dcf77_rc_parse_states(const char *s, dcf77_rc_states_t *out);

/* "NOMINAL" -> 0 ... "ILLEGAL TIME" -> 6; -1 for anything else. */
int dcf77_rc_state_code(const char *name);
/* Metric-friendly name of a code: nominal, no_response, bad_format, fault,
 * propagation, illegal_date, illegal_time ("unknown" otherwise). */
const char *dcf77_rc_state_name(int code);

/* refclock_time -> POSIX seconds.  The NTP era is chosen to put the time
 * nearest to now_s (POSIX seconds).  Returns 0, 1 for "<UNDEFINED>" (no
 * valid time code yet), -1 for anything else. */
int dcf77_rc_parse_time(const char *s, int64_t now_s, double *out_s);

/* srcadr "127.127.8.U" -> U (0..255); -1 if not a PARSE refclock. */
int dcf77_rc_parse_unit(const char *srcadr);

#endif
