/* leapfile.h - the IERS/IANA leap-seconds.list file (as shipped in
 * /usr/share/zoneinfo by tzdata, and read by ntpd's `leapfile` and chronyd's
 * `leapseclist`).  Format (the file's own header, IERS Bulletin C):
 *   "#$ NTPTIME"        last update of the file (NTP seconds since 1900)
 *   "#@ NTPTIME"        expiry of the file (NTP seconds)
 *   "NTPTIME DTAI # …"  from NTPTIME on, TAI - UTC = DTAI seconds
 *   "#h …", "# …"       hash and comments (ignored)
 * A leap second happens just before each listed NTPTIME after the first:
 * DTAI grows by 1 (inserted) or shrinks by 1 (deleted, never happened yet).
 * Pure: parses text the caller has read; times out are Unix seconds (UTC). */
#ifndef CDS_LEAPFILE_H
#define CDS_LEAPFILE_H

#include <stddef.h>

/* NTP era 0 starts 2,208,988,800 s before the Unix epoch. */
#define LEAPFILE_NTP_UNIX_OFFSET 2208988800.0
#define LEAPFILE_MAX_ENTRIES 128

typedef struct {
  double update_unix; /* "#$" line, Unix s; NaN if absent */
  double expire_unix; /* "#@" line, Unix s (required) */
  size_t n;           /* entries below, in file order (increasing) */
  double when_unix[LEAPFILE_MAX_ENTRIES]; /* Unix s the new DTAI applies */
  int dtai[LEAPFILE_MAX_ENTRIES];         /* TAI - UTC from then on (s) */
} leapfile_t;

/* Parse the text of a leap-seconds.list.  Returns 0, or -1 with a one-line
 * reason in err (no "#@" line, a malformed number, times not increasing, a
 * step of DTAI other than +-1, no entry at all). */
int leapfile_parse(const char *text, leapfile_t *lf, char *err, size_t errlen);

/* Days (86400 s) from `now_unix` until the file expires; negative once it
 * has expired. */
double leapfile_days_left(const leapfile_t *lf, double now_unix);

/* The leap second the file schedules at `boundary_unix` (a month boundary,
 * see leapfile_next_month): +1 inserted, -1 deleted, 0 none. */
int leapfile_leap_at(const leapfile_t *lf, double boundary_unix);

/* The first instant (00:00:00 UTC on the 1st) of the month after the one
 * holding `now_unix`: the only moments IERS schedules a leap second at. */
double leapfile_next_month(double now_unix);

#endif
