/* SPDX-License-Identifier: MIT
 * dcf77_refclock - PARSE refclock clock variables (see the header).
 */
#include "common/dcf77_refclock.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[DCF77_RC_NSTATES] = {
    "NOMINAL", "NO RESPONSE",  "BAD FORMAT",  "FAULT",
    "PROPAGATION DELAY", "ILLEGAL DATE", "ILLEGAL TIME"};
static const char *const state_metric[DCF77_RC_NSTATES] = {
    "nominal",     "no_response",  "bad_format",  "fault",
    "propagation", "illegal_date", "illegal_time"};

int dcf77_rc_state_code(const char *name) {
  if (name == NULL)
    return -1;
  for (int i = 0; i < DCF77_RC_NSTATES; i++)
    if (strcmp(name, state_names[i]) == 0)
      return i;
  return -1;
}

const char *dcf77_rc_state_name(int code) {
  return code >= 0 && code < DCF77_RC_NSTATES ? state_metric[code]
                                              : "unknown";
}

/* Does the item s[0..len) equal word? */
static bool item_is(const char *s, size_t len, const char *word) {
  return strlen(word) == len && strncmp(s, word, len) == 0;
}

int dcf77_rc_parse_status(const char *s, dcf77_rc_flags_t *out) {
  if (s == NULL || out == NULL)
    return -1;
  memset(out, 0, sizeof(*out));
  const char *end = strchr(s, '('); /* capabilities follow: not flags */
  if (end == NULL)
    end = s + strlen(s);
  while (s < end) {
    while (s < end && (*s == ' ' || *s == ';'))
      s++;
    const char *e = s;
    while (e < end && *e != ';')
      e++;
    size_t len = (size_t)(e - s);
    while (len > 0 && s[len - 1] == ' ')
      len--;
    if (item_is(s, len, "TIME CODE"))
      out->time_code = true;
    else if (item_is(s, len, "CALL BIT"))
      out->call_bit = true;
    else if (item_is(s, len, "DST SWITCH WARNING"))
      out->dst_announce = true;
    else if (item_is(s, len, "LEAP ADD WARNING") ||
             item_is(s, len, "LEAP DELETE WARNING"))
      out->leap_announce = true;
    else if (item_is(s, len, "NOT SYNCHRONIZED") ||
             item_is(s, len, "TIME CODE NOT CONFIRMED"))
      out->not_synchronised = true;
    else if (item_is(s, len, "PPS"))
      out->pps = true;
    else if (item_is(s, len, "DST"))
      out->dst = true;
    s = e;
  }
  return 0;
}

/* One "[*]NAME: hh:mm:ss (P%)" item in s[0..len). */
static int parse_state_item(const char *s, size_t len,
                            dcf77_rc_states_t *out) {
  char item[96];
  if (len >= sizeof(item))
    return -1;
  memcpy(item, s, len);
  item[len] = '\0';
  char *p = item;
  while (*p == ' ')
    p++;
  bool current = *p == '*';
  if (current)
    p++;
  char *colon = strchr(p, ':');
  char *open = strrchr(p, '(');
  if (colon == NULL || open == NULL || open < colon)
    return -1;
  *colon = '\0';
  int code = dcf77_rc_state_code(p);
  if (code < 0)
    return -1;
  char *endp;
  double pct = strtod(open + 1, &endp);
  if (endp == open + 1 || *endp != '%' || pct < 0 || pct > 100.5)
    return -1;
  out->percent[code] = pct;
  if (current)
    out->current = code;
  return 0;
}

int dcf77_rc_parse_states(const char *s, dcf77_rc_states_t *out) {
  if (s == NULL || out == NULL)
    return -1;
  memset(out, 0, sizeof(*out));
  out->current = -1;
  int items = 0;
  while (*s != '\0') {
    const char *e = strchr(s, ';');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    if (parse_state_item(s, len, out) == 0)
      items++;
    s += len;
    if (*s == ';')
      s++;
  }
  return items > 0 ? 0 : -1;
}

int dcf77_rc_parse_time(const char *s, int64_t now_s, double *out_s) {
  if (s == NULL || out_s == NULL)
    return -1;
  if (strcmp(s, "<UNDEFINED>") == 0)
    return 1;
  /* "xxxxxxxx.xxxxxxxx" */
  char hex[9];
  for (int i = 0; i < 8; i++) {
    if (!isxdigit((unsigned char)s[i]))
      return -1;
    hex[i] = s[i];
  }
  hex[8] = '\0';
  if (s[8] != '.')
    return -1;
  uint64_t secs = strtoull(hex, NULL, 16);
  char frac_hex[9];
  for (int i = 0; i < 8; i++) {
    if (!isxdigit((unsigned char)s[9 + i]))
      return -1;
    frac_hex[i] = s[9 + i];
  }
  frac_hex[8] = '\0';
  if (secs == 0)
    return 1; /* a zero timestamp: never set */
  double frac = (double)strtoull(frac_hex, NULL, 16) / 4294967296.0;
  /* NTP era 0 starts 1900-01-01 = POSIX -2208988800; pick the era that
   * lands nearest to now. */
  int64_t base = (int64_t)secs - INT64_C(2208988800);
  int64_t era = (now_s - base + (INT64_C(1) << 31)) >> 32;
  *out_s = (double)(base + era * (INT64_C(1) << 32)) + frac;
  return 0;
}

int dcf77_rc_parse_unit(const char *srcadr) {
  static const char prefix[] = "127.127.8.";
  if (srcadr == NULL || strncmp(srcadr, prefix, sizeof(prefix) - 1) != 0)
    return -1;
  const char *p = srcadr + sizeof(prefix) - 1;
  char *end;
  long u = strtol(p, &end, 10);
  if (end == p || *end != '\0' || u < 0 || u > 255)
    return -1;
  return (int)u;
}
