/* SPDX-License-Identifier: MIT
 * gpsd_json - top-level member scanner for gpsd reports, TOFF/PPS decoding,
 * offsets in integer ns, device path -> instance name. */
#include "common/gpsd_json.h"
#include "common/enum_name.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_S INT64_C(1000000000)

/* In enum order (indexed by -status), GPSD_JSON_OK first. */
static const char *const gpsd_json_errors[] = {
    "ok",
    "invalid argument",
    "malformed JSON object",
    "no \"class\" member",
    "a required member is missing or not an integer",
    "a number is out of range",
    "not a TOFF or PPS report"};
ENUM_NAMES_CHECK(gpsd_json_errors, -GPSD_JSON_ECLASS);

const char *gpsd_json_strerror(gpsd_json_status_t status) {
  return ENUM_NAME(gpsd_json_errors, -status, "unknown status");
}

/* ---- a minimal scanner: visits each top-level member of one object ---- */

typedef enum { JV_STRING, JV_NUMBER, JV_LITERAL, JV_NESTED } jv_kind_t;

typedef struct {
  const char *p, *end;
} jcur_t;

/* visit(key, kind, value, value_len, ctx); value points into the line (for
 * strings: between the quotes, escapes left as they are). */
typedef void (*jvisit_t)(const char *key, size_t klen, jv_kind_t kind,
                         const char *v, size_t vlen, void *ctx);

static void skip_ws(jcur_t *c) {
  while (c->p < c->end &&
         (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
    c->p++;
}

/* At an opening quote: advance past the closing one; span = contents. */
static int scan_string(jcur_t *c, const char **s, size_t *n) {
  if (c->p >= c->end || *c->p != '"')
    return -1;
  const char *start = ++c->p;
  while (c->p < c->end && *c->p != '"') {
    if ((unsigned char)*c->p < 0x20)
      return -1;
    if (*c->p == '\\' && ++c->p >= c->end)
      return -1;
    c->p++;
  }
  if (c->p >= c->end)
    return -1;
  *s = start;
  *n = (size_t)(c->p - start);
  c->p++;
  return 0;
}

/* At '{' or '[': skip to after the matching bracket. */
static int skip_nested(jcur_t *c) {
  int depth = 0;
  while (c->p < c->end) {
    char ch = *c->p;
    if (ch == '"') {
      const char *s;
      size_t n;
      if (scan_string(c, &s, &n) != 0)
        return -1;
      continue;
    }
    if (ch == '{' || ch == '[')
      depth++;
    else if (ch == '}' || ch == ']') {
      if (--depth < 0)
        return -1;
      if (depth == 0) {
        c->p++;
        return 0;
      }
    }
    c->p++;
  }
  return -1;
}

static int scan_value(jcur_t *c, jv_kind_t *kind, const char **v,
                      size_t *n) {
  if (c->p >= c->end)
    return -1;
  char ch = *c->p;
  if (ch == '"') {
    *kind = JV_STRING;
    return scan_string(c, v, n);
  }
  *v = c->p;
  if (ch == '{' || ch == '[') {
    *kind = JV_NESTED;
    if (skip_nested(c) != 0)
      return -1;
  } else {
    *kind = (ch == '-' || (ch >= '0' && ch <= '9')) ? JV_NUMBER : JV_LITERAL;
    while (c->p < c->end && *c->p != ',' && *c->p != '}' && *c->p != ' ' &&
           *c->p != '\t' && *c->p != '\r' && *c->p != '\n')
      c->p++;
  }
  *n = (size_t)(c->p - *v);
  return *n > 0 ? 0 : -1;
}

static gpsd_json_status_t scan_object(const char *line, size_t len,
                                      jvisit_t visit, void *ctx) {
  jcur_t c = {line, line + len};
  skip_ws(&c);
  if (c.p >= c.end || *c.p != '{')
    return GPSD_JSON_ESYNTAX;
  c.p++;
  skip_ws(&c);
  if (c.p < c.end && *c.p == '}')
    return GPSD_JSON_OK;
  for (;;) {
    const char *k, *v;
    size_t kn, vn;
    jv_kind_t kind;
    skip_ws(&c);
    if (scan_string(&c, &k, &kn) != 0)
      return GPSD_JSON_ESYNTAX;
    skip_ws(&c);
    if (c.p >= c.end || *c.p != ':')
      return GPSD_JSON_ESYNTAX;
    c.p++;
    skip_ws(&c);
    if (scan_value(&c, &kind, &v, &vn) != 0)
      return GPSD_JSON_ESYNTAX;
    visit(k, kn, kind, v, vn, ctx);
    skip_ws(&c);
    if (c.p >= c.end)
      return GPSD_JSON_ESYNTAX;
    if (*c.p == '}')
      return GPSD_JSON_OK;
    if (*c.p != ',')
      return GPSD_JSON_ESYNTAX;
    c.p++;
  }
}

/* ---- a grammar check (no values kept) ---- */

#define JSON_MAX_DEPTH 32

static int digits(jcur_t *c) {
  const char *s = c->p;
  while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
    c->p++;
  return c->p > s ? 0 : -1;
}

static int check_number(jcur_t *c) {
  if (*c->p == '-')
    c->p++;
  if (c->p < c->end && *c->p == '0')
    c->p++;
  else if (digits(c) != 0)
    return -1;
  if (c->p < c->end && *c->p == '.') {
    c->p++;
    if (digits(c) != 0)
      return -1;
  }
  if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
    c->p++;
    if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
      c->p++;
    if (digits(c) != 0)
      return -1;
  }
  return 0;
}

static int check_literal(jcur_t *c) {
  static const char *lits[] = {"true", "false", "null"};
  for (size_t i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
    size_t n = strlen(lits[i]);
    if ((size_t)(c->end - c->p) >= n && memcmp(c->p, lits[i], n) == 0) {
      c->p += n;
      return 0;
    }
  }
  return -1;
}

static int check_value(jcur_t *c, int depth);

/* At '{' or '[': the members or elements, up to the closing bracket. */
static int check_container(jcur_t *c, int depth) {
  char close = *c->p == '{' ? '}' : ']';
  bool object = close == '}';
  int classes = 0; /* top-level "class" members */
  if (depth >= JSON_MAX_DEPTH)
    return -1;
  c->p++;
  skip_ws(c);
  if (c->p < c->end && *c->p == close) {
    c->p++;
    return depth == 0 ? -1 : 0; /* a report has a "class" */
  }
  for (;;) {
    skip_ws(c);
    if (object) {
      const char *k;
      size_t kn;
      if (scan_string(c, &k, &kn) != 0)
        return -1;
      bool is_class = kn == 5 && memcmp(k, "class", 5) == 0;
      /* gpsd's keys are short (JSON_ATTR_MAX 31) and "class" comes first;
       * libgps 3.22 hangs on a key of 31+ bytes before the class */
      if (kn > 30 || (depth == 0 && (is_class ? ++classes > 1
                                              : classes == 0)))
        return -1;
      skip_ws(c);
      if (c->p >= c->end || *c->p != ':')
        return -1;
      c->p++;
    }
    if (check_value(c, depth + 1) != 0)
      return -1;
    skip_ws(c);
    if (c->p >= c->end)
      return -1;
    if (*c->p == close) {
      c->p++;
      return depth == 0 && classes != 1 ? -1 : 0;
    }
    if (*c->p != ',')
      return -1;
    c->p++;
  }
}

static int check_value(jcur_t *c, int depth) {
  skip_ws(c);
  if (c->p >= c->end)
    return -1;
  char ch = *c->p;
  if (ch == '{' || ch == '[')
    return check_container(c, depth);
  if (ch == '"') {
    const char *s;
    size_t n;
    return scan_string(c, &s, &n);
  }
  if (ch == '-' || (ch >= '0' && ch <= '9'))
    return check_number(c);
  return check_literal(c);
}

bool gpsd_json_well_formed(const char *line, size_t len) {
  if (line == NULL)
    return false;
  jcur_t c = {line, line + len};
  skip_ws(&c);
  if (c.p >= c.end || *c.p != '{' || check_container(&c, 0) != 0)
    return false;
  skip_ws(&c);
  return c.p == c.end;
}

static bool key_is(const char *k, size_t kn, const char *want) {
  return strlen(want) == kn && memcmp(k, want, kn) == 0;
}

/* Copy a JSON string's contents, resolving the simple escapes (\" \\ \/);
 * other escapes are kept as '?'.  Truncates to size - 1. */
static void copy_string(char *dst, size_t size, const char *s, size_t n) {
  size_t o = 0;
  for (size_t i = 0; i < n && o + 1 < size; i++) {
    char ch = s[i];
    if (ch == '\\' && i + 1 < n) {
      ch = s[++i];
      if (ch != '"' && ch != '\\' && ch != '/')
        ch = '?';
    }
    dst[o++] = ch;
  }
  dst[o] = '\0';
}

static int parse_int64(const char *v, size_t n, int64_t *out) {
  char buf[32];
  char *endp;
  if (n == 0 || n >= sizeof(buf))
    return -1;
  memcpy(buf, v, n);
  buf[n] = '\0';
  errno = 0;
  long long x = strtoll(buf, &endp, 10);
  if (errno != 0 || *endp != '\0')
    return -1;
  *out = (int64_t)x;
  return 0;
}

static const struct {
  const char *name;
  gpsd_class_t cls;
} class_names[] = {{"TPV", GPSD_CLASS_TPV},       {"SKY", GPSD_CLASS_SKY},
                   {"TOFF", GPSD_CLASS_TOFF},     {"PPS", GPSD_CLASS_PPS},
                   {"DEVICE", GPSD_CLASS_DEVICE}, {"DEVICES", GPSD_CLASS_DEVICES},
                   {"ERROR", GPSD_CLASS_ERROR}};

typedef struct {
  gpsd_json_header_t *h;
  bool has_class;
} header_ctx_t;

static void header_visit(const char *k, size_t kn, jv_kind_t kind,
                         const char *v, size_t vn, void *vctx) {
  header_ctx_t *ctx = vctx;
  if (kind == JV_NESTED && key_is(k, kn, "satellites") && v[0] == '[')
    ctx->h->has_satellites = true;
  if (kind != JV_STRING)
    return;
  if (key_is(k, kn, "class")) {
    ctx->has_class = true;
    copy_string(ctx->h->class_name, sizeof(ctx->h->class_name), v, vn);
    ctx->h->cls = GPSD_CLASS_OTHER;
    for (size_t i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++)
      if (key_is(v, vn, class_names[i].name))
        ctx->h->cls = class_names[i].cls;
  } else if (key_is(k, kn, "device")) {
    ctx->h->has_device = true;
    copy_string(ctx->h->device, sizeof(ctx->h->device), v, vn);
  }
}

gpsd_json_status_t gpsd_json_header(const char *line, size_t len,
                                    gpsd_json_header_t *out) {
  if (line == NULL || out == NULL)
    return GPSD_JSON_EINVAL;
  memset(out, 0, sizeof(*out));
  header_ctx_t ctx = {out, false};
  gpsd_json_status_t st = scan_object(line, len, header_visit, &ctx);
  if (st != GPSD_JSON_OK)
    return st;
  return ctx.has_class ? GPSD_JSON_OK : GPSD_JSON_ENOCLASS;
}

enum { TD_REAL_SEC = 1, TD_REAL_NSEC = 2, TD_CLOCK_SEC = 4, TD_CLOCK_NSEC = 8 };

typedef struct {
  gpsd_timedelta_t *td;
  unsigned have, bad;
} td_ctx_t;

static void td_visit(const char *k, size_t kn, jv_kind_t kind, const char *v,
                     size_t vn, void *vctx) {
  static const struct {
    const char *key;
    unsigned bit;
    size_t off;
  } req[] = {
      {"real_sec", TD_REAL_SEC, offsetof(gpsd_timedelta_t, real_sec)},
      {"real_nsec", TD_REAL_NSEC, offsetof(gpsd_timedelta_t, real_nsec)},
      {"clock_sec", TD_CLOCK_SEC, offsetof(gpsd_timedelta_t, clock_sec)},
      {"clock_nsec", TD_CLOCK_NSEC, offsetof(gpsd_timedelta_t, clock_nsec)}};
  td_ctx_t *ctx = vctx;
  int64_t x;
  for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
    if (!key_is(k, kn, req[i].key))
      continue;
    if (kind != JV_NUMBER || parse_int64(v, vn, &x) != 0) {
      ctx->bad |= req[i].bit;
      return;
    }
    *(int64_t *)((char *)ctx->td + req[i].off) = x;
    ctx->have |= req[i].bit;
    return;
  }
  if (kind != JV_NUMBER || parse_int64(v, vn, &x) != 0)
    return; /* optional members: ignored when not integers */
  if (key_is(k, kn, "precision") && x >= -64 && x <= 64) {
    ctx->td->has_precision = true;
    ctx->td->precision = (int)x;
  } else if (key_is(k, kn, "qErr")) {
    ctx->td->has_qerr = true;
    ctx->td->qerr_ps = x;
  }
}

gpsd_json_status_t gpsd_json_timedelta(const char *line, size_t len,
                                       gpsd_timedelta_t *out) {
  gpsd_json_header_t h;
  if (line == NULL || out == NULL)
    return GPSD_JSON_EINVAL;
  memset(out, 0, sizeof(*out));
  gpsd_json_status_t st = gpsd_json_header(line, len, &h);
  if (st != GPSD_JSON_OK)
    return st;
  if (h.cls != GPSD_CLASS_TOFF && h.cls != GPSD_CLASS_PPS)
    return GPSD_JSON_ECLASS;
  out->cls = h.cls;
  td_ctx_t ctx = {out, 0, 0};
  st = scan_object(line, len, td_visit, &ctx);
  if (st != GPSD_JSON_OK)
    return st;
  if (ctx.bad != 0 || ctx.have != (TD_REAL_SEC | TD_REAL_NSEC | TD_CLOCK_SEC |
                                   TD_CLOCK_NSEC))
    return GPSD_JSON_EMISSING;
  if (out->real_nsec < 0 || out->real_nsec >= NS_PER_S ||
      out->clock_nsec < 0 || out->clock_nsec >= NS_PER_S)
    return GPSD_JSON_ERANGE;
  return GPSD_JSON_OK;
}

gpsd_json_status_t gpsd_timedelta_offset_ns(const gpsd_timedelta_t *td,
                                            int64_t *offset_ns) {
  int64_t ds, ns;
  if (td == NULL || offset_ns == NULL)
    return GPSD_JSON_EINVAL;
  if (td->real_nsec < 0 || td->real_nsec >= NS_PER_S || td->clock_nsec < 0 ||
      td->clock_nsec >= NS_PER_S)
    return GPSD_JSON_ERANGE;
  if (__builtin_sub_overflow(td->real_sec, td->clock_sec, &ds) ||
      __builtin_mul_overflow(ds, NS_PER_S, &ns) ||
      __builtin_add_overflow(ns, td->real_nsec - td->clock_nsec, offset_ns))
    return GPSD_JSON_ERANGE;
  return GPSD_JSON_OK;
}

static bool name_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
         (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
}

int gpsd_instance_name(const char *path, char *out, size_t size) {
  size_t o = 0;
  if (path == NULL || out == NULL || size < 2)
    return -1;
  if (strncmp(path, "/dev/", 5) == 0)
    path += 5;
  for (const char *p = path; *p != '\0' && o + 1 < size; p++) {
    if (name_char(*p))
      out[o++] = *p;
    else if (o > 0 && out[o - 1] != '_')
      out[o++] = '_'; /* also turns "://" into one '_' */
  }
  while (o > 0 && out[o - 1] == '_')
    o--;
  out[o] = '\0';
  return o > 0 ? (int)o : -1;
}
