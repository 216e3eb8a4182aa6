/* SPDX-License-Identifier: MIT
 * ntp_mode6 - NTP mode 6 control protocol codec (see ntp_mode6.h).
 */
#include "common/ntp_mode6.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint16_t get16(const uint8_t *p) {
  return (uint16_t)((p[0] << 8) | p[1]);
}
static void put16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

const char *ntp_m6_strstatus(ntp_m6_status_t st) {
  switch (st) {
  case NTP_M6_OK: return "ok";
  case NTP_M6_DONE: return "done";
  case NTP_M6_E_ARG: return "bad argument";
  case NTP_M6_E_SHORT: return "truncated packet";
  case NTP_M6_E_ALIGN: return "length not a multiple of 4";
  case NTP_M6_E_PADDING: return "bad padding or trailer";
  case NTP_M6_E_VERSION: return "wrong version";
  case NTP_M6_E_MODE: return "not mode 6";
  case NTP_M6_E_NOTRESP: return "not a response";
  case NTP_M6_E_OPCODE: return "wrong opcode";
  case NTP_M6_E_SEQUENCE: return "wrong sequence";
  case NTP_M6_E_ASSOC: return "wrong association";
  case NTP_M6_E_COUNT: return "bad count/offset";
  case NTP_M6_E_DUPLICATE: return "duplicate fragment";
  case NTP_M6_E_OVERLAP: return "overlapping fragment";
  case NTP_M6_E_TOOMANY: return "too many fragments";
  case NTP_M6_E_BEYONDEND: return "fragment past the end";
  case NTP_M6_E_SERVER: return "server error";
  case NTP_M6_E_SYNTAX: return "syntax error";
  case NTP_M6_E_FULL: return "too many items";
  }
  return "unknown status";
}

bool ntp_m6_status_fatal(ntp_m6_status_t st) {
  return st == NTP_M6_E_SERVER || st == NTP_M6_E_OVERLAP ||
         st == NTP_M6_E_TOOMANY || st == NTP_M6_E_BEYONDEND ||
         st == NTP_M6_E_ARG;
}

const char *ntp_m6_error_name(unsigned code) {
  static const char *const names[] = {
      "unspecified",      "permission denied", "bad format",
      "bad opcode",       "bad association",   "unknown variable",
      "bad value",        "restricted"};
  return code < sizeof(names) / sizeof(names[0]) ? names[code] : "unknown";
}

ntp_m6_status_t ntp_m6_build_request(uint8_t *buf, size_t bufsize,
                                     size_t *len, unsigned version,
                                     unsigned opcode, uint16_t sequence,
                                     uint16_t assoc, const char *vars) {
  size_t n = vars ? strlen(vars) : 0;
  size_t total = NTP_M6_HDR_LEN + ((n + 3) & ~(size_t)3);
  if (buf == NULL || len == NULL || version < 1 || version > 4 ||
      opcode > 31 || n > NTP_M6_MAX_DATA || total > bufsize)
    return NTP_M6_E_ARG;
  memset(buf, 0, total);
  /* LI 3 (unsynchronised), as NTPsec's ntpq sends it: 0xd6 for VN 2 */
  buf[0] = (uint8_t)(0xc0 | (version << 3) | 6);
  buf[1] = (uint8_t)opcode;               /* R=E=M=0 */
  put16(buf + 2, sequence);
  put16(buf + 6, assoc);
  put16(buf + 10, (uint16_t)n);
  if (n > 0)
    memcpy(buf + NTP_M6_HDR_LEN, vars, n);
  *len = total;
  return NTP_M6_OK;
}

ntp_m6_status_t ntp_m6_parse_header(const uint8_t *pkt, size_t len,
                                    ntp_m6_header_t *h) {
  if (pkt == NULL || h == NULL)
    return NTP_M6_E_ARG;
  if (len < NTP_M6_HDR_LEN)
    return NTP_M6_E_SHORT;
  memset(h, 0, sizeof(*h));
  h->leap = pkt[0] >> 6;
  h->version = (pkt[0] >> 3) & 7;
  h->mode = pkt[0] & 7;
  h->response = (pkt[1] & 0x80) != 0;
  h->error = (pkt[1] & 0x40) != 0;
  h->more = (pkt[1] & 0x20) != 0;
  h->opcode = pkt[1] & 0x1f;
  h->sequence = get16(pkt + 2);
  h->status = get16(pkt + 4);
  h->assoc = get16(pkt + 6);
  h->offset = get16(pkt + 8);
  h->count = get16(pkt + 10);
  h->data = pkt + NTP_M6_HDR_LEN;
  if (h->mode != 6)
    return NTP_M6_E_MODE;
  if (h->count > NTP_M6_MAX_DATA)
    return NTP_M6_E_COUNT;
  if (len < NTP_M6_HDR_LEN + (size_t)h->count)
    return NTP_M6_E_SHORT;
  if (len % 4 != 0)
    return NTP_M6_E_ALIGN;
  /* The padding is not checked: NTPsec 1.2.2 leaves stale buffer bytes in
   * it (seen on the wire), and ntpq ignores it too. */
  size_t padded = NTP_M6_HDR_LEN + (((size_t)h->count + 3) & ~(size_t)3);
  if (len > padded + 4 + NTP_M6_MAX_MAC) /* room for 8-alignment + MAC */
    return NTP_M6_E_PADDING;
  return NTP_M6_OK;
}

void ntp_m6_reasm_init(ntp_m6_reasm_t *r, unsigned version, unsigned opcode,
                       uint16_t sequence, uint16_t assoc) {
  memset(r, 0, offsetof(ntp_m6_reasm_t, data));
  r->data[0] = 0;
  r->version = version;
  r->opcode = opcode;
  r->sequence = sequence;
  r->assoc = assoc;
  r->any_assoc = (assoc == 0);
}

void ntp_m6_reasm_resend(ntp_m6_reasm_t *r, uint16_t resend_seq) {
  if (resend_seq == r->sequence) /* the same number: nothing to tell apart */
    return;
  r->has_resend = true;
  r->resend_seq = resend_seq;
}

/* The first fragment of the resend's answer: forget the first answer's
 * fragments and its sequence, so that the two are never spliced. */
static void reasm_switch(ntp_m6_reasm_t *r) {
  r->sequence = r->resend_seq;
  r->has_resend = false;
  r->nfrags = 0;
  r->have_last = false;
  r->total = 0;
}

/* Check h against what we asked for. */
static ntp_m6_status_t reasm_match(const ntp_m6_reasm_t *r,
                                   const ntp_m6_header_t *h) {
  if (!h->response)
    return NTP_M6_E_NOTRESP;
  if (h->version != r->version)
    return NTP_M6_E_VERSION;
  if (h->opcode != r->opcode)
    return NTP_M6_E_OPCODE;
  if (h->sequence != r->sequence &&
      !(r->has_resend && h->sequence == r->resend_seq))
    return NTP_M6_E_SEQUENCE;
  if (!r->any_assoc && h->assoc != r->assoc)
    return NTP_M6_E_ASSOC;
  return NTP_M6_OK;
}

/* Place fragment [off, end) among the ones we have. */
static ntp_m6_status_t reasm_place(const ntp_m6_reasm_t *r, size_t off,
                                   size_t end, bool more) {
  for (unsigned i = 0; i < r->nfrags; i++) {
    size_t o = r->frags[i].offset, e = o + r->frags[i].count;
    if (o == off && e == end)
      return NTP_M6_E_DUPLICATE;
    if (off < e && o < end)
      return NTP_M6_E_OVERLAP;
    if (!more && e > end) /* a "last" fragment before data we have */
      return NTP_M6_E_BEYONDEND;
  }
  if (r->have_last && (end > r->total || (!more && end != r->total)))
    return NTP_M6_E_BEYONDEND;
  if (r->nfrags >= NTP_M6_MAX_FRAGS)
    return NTP_M6_E_TOOMANY;
  return NTP_M6_OK;
}

ntp_m6_status_t ntp_m6_reasm_add(ntp_m6_reasm_t *r, const uint8_t *pkt,
                                 size_t len) {
  ntp_m6_header_t h;
  ntp_m6_status_t st = ntp_m6_parse_header(pkt, len, &h);
  if (st != NTP_M6_OK)
    return st;
  if ((st = reasm_match(r, &h)) != NTP_M6_OK)
    return st;
  if (r->has_resend && h.sequence == r->resend_seq)
    reasm_switch(r);
  if (h.error) {
    r->status = h.status;
    r->error_code = h.status >> 8;
    return NTP_M6_E_SERVER;
  }
  size_t off = h.offset, end = off + h.count;
  if ((h.count == 0 && h.more) || end > NTP_M6_MAX_RESPONSE)
    return NTP_M6_E_COUNT;
  if ((st = reasm_place(r, off, end, h.more)) != NTP_M6_OK)
    return st;
  memcpy(r->data + off, h.data, h.count);
  r->frags[r->nfrags].offset = (uint16_t)off;
  r->frags[r->nfrags].count = h.count;
  r->nfrags++;
  r->status = h.status;
  r->resp_assoc = h.assoc;
  if (!h.more) {
    r->have_last = true;
    r->total = end;
  }
  if (!r->have_last)
    return NTP_M6_OK;
  size_t sum = 0;
  for (unsigned i = 0; i < r->nfrags; i++)
    sum += r->frags[i].count;
  if (sum != r->total) /* no overlaps, all inside [0,total): a gap remains */
    return NTP_M6_OK;
  r->len = r->total;
  r->data[r->len] = 0;
  return NTP_M6_DONE;
}

static bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char *skip_blank(char *p) {
  while (is_blank(*p))
    p++;
  return p;
}

/* Terminate a token that ends just before end, dropping trailing blanks. */
static void cut_trailing(char *start, char *end) {
  while (end > start && is_blank(end[-1]))
    end--;
  *end = '\0';
}

/* Parse one value starting at *pp (after '=').  Advances *pp past the
 * separating comma. */
static ntp_m6_status_t parse_value(char **pp, ntp_m6_var_t *v) {
  char *p = skip_blank(*pp);
  if (*p == '"') {
    char *q = strchr(p + 1, '"');
    if (q == NULL)
      return NTP_M6_E_SYNTAX;
    *q = '\0';
    v->value = p + 1;
    v->quoted = true;
    p = skip_blank(q + 1);
    if (*p != ',' && *p != '\0')
      return NTP_M6_E_SYNTAX;
  } else {
    char *start = p;
    while (*p != ',' && *p != '\0')
      p++;
    char sep = *p;
    cut_trailing(start, p);
    v->value = start;
    *pp = (sep == ',') ? p + 1 : p;
    return NTP_M6_OK;
  }
  *pp = (*p == ',') ? p + 1 : p;
  return NTP_M6_OK;
}

ntp_m6_status_t ntp_m6_varlist_parse(char *text, size_t len,
                                     ntp_m6_var_t *vars, size_t max,
                                     size_t *n) {
  if (text == NULL || n == NULL || (vars == NULL && max > 0))
    return NTP_M6_E_ARG;
  *n = 0;
  text[len] = '\0';
  char *p = text;
  for (;;) {
    p = skip_blank(p);
    if (*p == '\0')
      return NTP_M6_OK;
    if (*p == ',') {
      p++;
      continue;
    }
    char *name = p;
    while (*p != '=' && *p != ',' && *p != '\0')
      p++;
    char sep = *p;
    char *after = (sep == '\0') ? p : p + 1;
    cut_trailing(name, p);
    if (*name == '\0' || *name == '"')
      return NTP_M6_E_SYNTAX;
    ntp_m6_var_t v = {.name = name, .value = NULL, .quoted = false};
    p = after;
    if (sep == '=') {
      ntp_m6_status_t st = parse_value(&p, &v);
      if (st != NTP_M6_OK)
        return st;
    }
    if (*n >= max)
      return NTP_M6_E_FULL;
    vars[(*n)++] = v;
  }
}

const char *ntp_m6_var_get(const ntp_m6_var_t *vars, size_t n,
                           const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(vars[i].name, name) == 0)
      return vars[i].value;
  return NULL;
}

int ntp_m6_var_double(const ntp_m6_var_t *vars, size_t n, const char *name,
                      double *out) {
  const char *s = ntp_m6_var_get(vars, n, name);
  if (s == NULL || *s == '\0')
    return -1;
  char *end = NULL;
  errno = 0;
  double d = strtod(s, &end);
  if (end == s || *end != '\0' || errno == ERANGE)
    return -1;
  *out = d;
  return 0;
}

ntp_m6_status_t ntp_m6_readstat_parse(const uint8_t *data, size_t len,
                                      ntp_m6_assoc_t *out, size_t max,
                                      size_t *n) {
  if (n == NULL || (data == NULL && len > 0) || (out == NULL && max > 0))
    return NTP_M6_E_ARG;
  *n = 0;
  if (len % 4 != 0)
    return NTP_M6_E_SHORT;
  for (size_t i = 0; i < len; i += 4) {
    if (*n >= max)
      return NTP_M6_E_FULL;
    out[*n].assoc = get16(data + i);
    out[*n].status = get16(data + i + 2);
    (*n)++;
  }
  return NTP_M6_OK;
}

void ntp_m6_sys_status(uint16_t word, ntp_m6_sys_status_t *out) {
  static const char *const src[] = {
      "unspec", "pps",   "lf_radio", "hf_radio",   "uhf_radio",
      "local",  "ntp",   "other",    "wristwatch", "telephone"};
  out->leap = word >> 14;
  out->source = (word >> 8) & 0x3f;
  out->source_name = out->source < 10 ? src[out->source] : "other";
  out->event_count = (word >> 4) & 0xf;
  out->event_code = word & 0xf;
}

const char *ntp_m6_select_name(unsigned select) {
  static const char *const names[] = {
      "reject",    "falseticker", "excess",   "outlier",
      "candidate", "backup",      "sys.peer", "pps.peer"};
  return names[select & 7];
}

void ntp_m6_peer_status(uint16_t word, ntp_m6_peer_status_t *out) {
  static const char tally[] = " x.-+#*o";
  static const char *const events[] = {
      "unspec",         "mobilize",      "demobilize",  "unreachable",
      "reachable",      "restart",       "no_reply",    "rate_exceeded",
      "access_denied",  "leap_armed",    "sys_peer",    "clock_event",
      "bad_auth",       "popcorn",       "interleave_mode",
      "interleave_error"};
  unsigned flags = word >> 11;
  out->configured = (flags & 0x10) != 0;
  out->authenable = (flags & 0x08) != 0;
  out->authentic = (flags & 0x04) != 0;
  out->reachable = (flags & 0x02) != 0;
  out->broadcast = (flags & 0x01) != 0;
  out->select = (word >> 8) & 7;
  out->select_name = ntp_m6_select_name(out->select);
  out->select_char = tally[out->select];
  out->event_count = (word >> 4) & 0xf;
  out->event_code = word & 0xf;
  out->event_name = events[out->event_code];
}

void ntp_m6_clock_status(uint16_t word, ntp_m6_clock_status_t *out) {
  static const char *const names[] = {"ok",      "noreply",     "badformat",
                                      "fault",   "propagation", "baddate",
                                      "badtime"};
  out->status = word & 0xf;
  out->last_event = (word >> 4) & 0xf;
  out->status_name = out->status < 7 ? names[out->status] : "unknown";
  out->last_event_name =
      out->last_event < 7 ? names[out->last_event] : "unknown";
}
