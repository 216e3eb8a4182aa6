/* leapfile.c - parse leap-seconds.list (see leapfile.h). */
#include "leapfile.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One NTP timestamp (decimal seconds since 1900) at *p; advances *p. */
static int parse_ntp(const char **p, double *unix_s) {
  char *end;
  while (**p == ' ' || **p == '\t')
    (*p)++;
  if (!isdigit((unsigned char)**p))
    return -1;
  unsigned long long v = strtoull(*p, &end, 10);
  if (end == *p)
    return -1;
  *p = end;
  *unix_s = (double)v - LEAPFILE_NTP_UNIX_OFFSET;
  return 0;
}

static int parse_entry(const char *line, leapfile_t *lf, char *err,
                       size_t errlen) {
  const char *p = line;
  double when;
  char *end;
  if (parse_ntp(&p, &when) != 0) {
    snprintf(err, errlen, "malformed entry line \"%.40s\"", line);
    return -1;
  }
  long dtai = strtol(p, &end, 10);
  if (end == p || dtai < 0 || dtai > 1000) {
    snprintf(err, errlen, "malformed TAI-UTC in \"%.40s\"", line);
    return -1;
  }
  if (lf->n >= LEAPFILE_MAX_ENTRIES) {
    snprintf(err, errlen, "more than %d entries", LEAPFILE_MAX_ENTRIES);
    return -1;
  }
  if (lf->n > 0) {
    long step = dtai - lf->dtai[lf->n - 1];
    if (when <= lf->when_unix[lf->n - 1] || (step != 1 && step != -1)) {
      snprintf(err, errlen,
               "entry \"%.40s\" does not follow the previous one "
               "(later time, TAI-UTC +-1)",
               line);
      return -1;
    }
  }
  lf->when_unix[lf->n] = when;
  lf->dtai[lf->n] = (int)dtai;
  lf->n++;
  return 0;
}

/* One line (NUL-terminated copy, without the newline). */
static int parse_line(const char *line, leapfile_t *lf, char *err,
                      size_t errlen) {
  const char *p = line;
  double *target = NULL;
  if (line[0] == '#' && line[1] == '$')
    target = &lf->update_unix;
  else if (line[0] == '#' && line[1] == '@')
    target = &lf->expire_unix;
  if (target != NULL) {
    p += 2;
    if (parse_ntp(&p, target) != 0) {
      snprintf(err, errlen, "malformed \"%.2s\" line \"%.40s\"", line, line);
      return -1;
    }
    return 0;
  }
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p == '#' || *p == '\0' || *p == '\r')
    return 0;
  return parse_entry(p, lf, err, errlen);
}

int leapfile_parse(const char *text, leapfile_t *lf, char *err,
                   size_t errlen) {
  memset(lf, 0, sizeof(*lf));
  lf->update_unix = NAN;
  lf->expire_unix = NAN;
  const char *p = text;
  while (p != NULL && *p != '\0') {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    char line[256];
    if (len >= sizeof(line)) {
      snprintf(err, errlen, "line longer than %zu characters",
               sizeof(line) - 1);
      return -1;
    }
    memcpy(line, p, len);
    line[len] = '\0';
    if (parse_line(line, lf, err, errlen) != 0)
      return -1;
    p = nl ? nl + 1 : NULL;
  }
  if (isnan(lf->expire_unix)) {
    snprintf(err, errlen, "no \"#@\" expiry line");
    return -1;
  }
  if (lf->n == 0) {
    snprintf(err, errlen, "no leap second entry");
    return -1;
  }
  return 0;
}

double leapfile_days_left(const leapfile_t *lf, double now_unix) {
  return (lf->expire_unix - now_unix) / 86400.0;
}

int leapfile_leap_at(const leapfile_t *lf, double boundary_unix) {
  for (size_t i = 1; i < lf->n; i++)
    if (lf->when_unix[i] == boundary_unix)
      return lf->dtai[i] - lf->dtai[i - 1];
  return 0;
}

double leapfile_next_month(double now_unix) {
  time_t t = (time_t)floor(now_unix);
  struct tm tm;
  if (gmtime_r(&t, &tm) == NULL)
    return NAN;
  struct tm next = {.tm_year = tm.tm_year, .tm_mon = tm.tm_mon + 1,
                    .tm_mday = 1};
  if (next.tm_mon > 11) {
    next.tm_mon = 0;
    next.tm_year++;
  }
  return (double)timegm(&next);
}
