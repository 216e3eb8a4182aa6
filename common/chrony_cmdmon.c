/* SPDX-License-Identifier: MIT
 * chrony_cmdmon - chrony cmdmon codec (see chrony_cmdmon.h).
 */
#include "common/chrony_cmdmon.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define IPADDR_LEN 20
#define FLOAT_EXP_BITS 7
#define FLOAT_COEF_BITS 25
#define FLOAT_EXP_MIN (-64)
#define FLOAT_EXP_MAX 63
#define FLOAT_COEF_MAX ((1 << (FLOAT_COEF_BITS - 1)) - 1) /* 2^24 - 1 */

/* The length table (chrony's pktlength.c in spirit): data octets of each
 * request and of its reply, i.e. offsetof(EOR) of the REQ_ and RPY_ structs
 * in candm.h.  Request lengths are padded to the reply length on the
 * wire. */
static const struct {
  unsigned command, reply;
  size_t req_data, rpy_data;
} cmd_table[] = {
    /* REQ_Null; RPY_N_Sources {u32 n_sources} */
    {CHRONY_REQ_N_SOURCES, CHRONY_RPY_N_SOURCES, 0, 4},
    /* REQ_Source_Data {i32 index}; RPY_Source_Data {IPAddr, i16 poll,
     * u16 stratum, state, mode, flags, reachability, u32 since_sample,
     * Float x3} */
    {CHRONY_REQ_SOURCE_DATA, CHRONY_RPY_SOURCE_DATA, 4,
     IPADDR_LEN + 6 * 2 + 4 + 3 * 4},
    /* REQ_Null; RPY_Tracking {u32 ref_id, IPAddr, u16 stratum, u16 leap,
     * Timespec, Float x9} */
    {CHRONY_REQ_TRACKING, CHRONY_RPY_TRACKING, 0,
     4 + IPADDR_LEN + 2 * 2 + 12 + 9 * 4},
    /* REQ_Sourcestats {u32 index}; RPY_Sourcestats {u32 ref_id, IPAddr,
     * u32 n_samples, n_runs, span_seconds, Float x5} */
    {CHRONY_REQ_SOURCESTATS, CHRONY_RPY_SOURCESTATS, 4,
     4 + IPADDR_LEN + 3 * 4 + 5 * 4},
    /* REQ_Null; the longest of the RPY_ServerStats layouts (ss_layouts):
     * 21 Integer64 (chrony >= 4.4) */
    {CHRONY_REQ_SERVER_STATS, CHRONY_RPY_SERVER_STATS4, 0, 21 * 8},
};
#define CMD_TABLE_LEN (sizeof(cmd_table) / sizeof(cmd_table[0]))

/* RPY_ServerStats in candm.h over the versions: the counters in wire
 * order, each `width` octets (u32, or Integer64 {high, low} from 4.4), of
 * `fields` in all (the rest: timestamp counts, span, reserved). */
#define SS_MAX_ORDER 9
static const struct {
  unsigned reply, layout;
  size_t width, fields, n;
  int order[SS_MAX_ORDER];
} ss_layouts[] = {
    {CHRONY_RPY_SERVER_STATS, 1, 4, 5, 5,
     {CHRONY_SS_NTP_RX, CHRONY_SS_CMD_RX, CHRONY_SS_NTP_DROP,
      CHRONY_SS_CMD_DROP, CHRONY_SS_LOG_DROP}},
    {CHRONY_RPY_SERVER_STATS2, 2, 4, 8, 8,
     {CHRONY_SS_NTP_RX, CHRONY_SS_NKE_RX, CHRONY_SS_CMD_RX,
      CHRONY_SS_NTP_DROP, CHRONY_SS_NKE_DROP, CHRONY_SS_CMD_DROP,
      CHRONY_SS_LOG_DROP, CHRONY_SS_NTP_AUTH}},
    /* + ntp_interleaved_hits, ntp_timestamps, ntp_span_seconds */
    {CHRONY_RPY_SERVER_STATS3, 3, 4, 11, 9,
     {CHRONY_SS_NTP_RX, CHRONY_SS_NKE_RX, CHRONY_SS_CMD_RX,
      CHRONY_SS_NTP_DROP, CHRONY_SS_NKE_DROP, CHRONY_SS_CMD_DROP,
      CHRONY_SS_LOG_DROP, CHRONY_SS_NTP_AUTH, CHRONY_SS_NTP_INTERLEAVED}},
    /* + 6 timestamping counters and 4 reserved */
    {CHRONY_RPY_SERVER_STATS4, 4, 8, 21, 9,
     {CHRONY_SS_NTP_RX, CHRONY_SS_NKE_RX, CHRONY_SS_CMD_RX,
      CHRONY_SS_NTP_DROP, CHRONY_SS_NKE_DROP, CHRONY_SS_CMD_DROP,
      CHRONY_SS_LOG_DROP, CHRONY_SS_NTP_AUTH, CHRONY_SS_NTP_INTERLEAVED}},
};
#define SS_LAYOUTS (sizeof(ss_layouts) / sizeof(ss_layouts[0]))

static int ss_layout(unsigned reply) {
  for (size_t i = 0; i < SS_LAYOUTS; i++)
    if (ss_layouts[i].reply == reply)
      return (int)i;
  return -1;
}

static uint16_t get16(const uint8_t *p) {
  return (uint16_t)((p[0] << 8) | p[1]);
}
static uint32_t get32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
         ((uint32_t)p[2] << 8) | p[3];
}
static void put16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v) {
  put16(p, (uint16_t)(v >> 16));
  put16(p + 2, (uint16_t)v);
}

const char *chrony_strstatus(chrony_status_t st) {
  switch (st) {
  case CHRONY_OK: return "ok";
  case CHRONY_E_ARG: return "bad argument";
  case CHRONY_E_SHORT: return "truncated reply";
  case CHRONY_E_VERSION: return "wrong protocol version";
  case CHRONY_E_PKTTYPE: return "not a reply";
  case CHRONY_E_COMMAND: return "reply to another command";
  case CHRONY_E_SEQUENCE: return "wrong sequence";
  case CHRONY_E_STATUS: return "chronyd returned an error status";
  case CHRONY_E_REPLY: return "unexpected reply type";
  }
  return "unknown status";
}

const char *chrony_stt_name(unsigned stt) {
  static const char *const names[] = {
      "success",        "failed",          "unauthorised",
      "invalid",        "no such source",  "invalid timestamp",
      "not enabled",    "bad subnet",      "access allowed",
      "access denied",  "no host access",  "source already known",
      "too many sources", "no RTC",        "bad RTC file",
      "inactive",       "bad sample",      "invalid address family",
      "bad packet version", "bad packet length", "unknown (20)",
      "invalid name"};
  return stt < sizeof(names) / sizeof(names[0]) ? names[stt] : "unknown";
}

static int table_index(unsigned command) {
  for (size_t i = 0; i < CMD_TABLE_LEN; i++)
    if (cmd_table[i].command == command)
      return (int)i;
  return -1;
}

/* Data octets of `reply` as an answer to table entry i, or -1 if that
 * reply code does not answer it. */
static long rpy_data_len(int i, unsigned reply) {
  if (cmd_table[i].command == CHRONY_REQ_SERVER_STATS) {
    int l = ss_layout(reply);
    return l < 0 ? -1 : (long)(ss_layouts[l].width * ss_layouts[l].fields);
  }
  return reply == cmd_table[i].reply ? (long)cmd_table[i].rpy_data : -1;
}

/* `reply` answers table entry i and its data_len octets hold it all. */
static chrony_status_t check_data(int i, unsigned reply, size_t data_len) {
  long need = rpy_data_len(i, reply);
  if (need < 0)
    return CHRONY_E_REPLY;
  if (data_len < (size_t)need)
    return CHRONY_E_SHORT;
  return CHRONY_OK;
}

int chrony_cmd_lengths(unsigned command, size_t *req_len, size_t *rpy_len) {
  int i = table_index(command);
  if (i < 0)
    return -1;
  size_t req = CHRONY_REQ_HDR_LEN + cmd_table[i].req_data;
  size_t rpy = CHRONY_RPY_HDR_LEN + cmd_table[i].rpy_data;
  if (req_len)
    *req_len = req > rpy ? req : rpy;
  if (rpy_len)
    *rpy_len = rpy;
  return 0;
}

chrony_status_t chrony_build_request(uint8_t *buf, size_t bufsize,
                                     size_t *len, unsigned command,
                                     uint32_t sequence, uint16_t attempt,
                                     uint32_t index) {
  size_t req_len = 0;
  int i = table_index(command);
  if (i < 0 || buf == NULL || len == NULL ||
      chrony_cmd_lengths(command, &req_len, NULL) != 0 || req_len > bufsize)
    return CHRONY_E_ARG;
  memset(buf, 0, req_len);
  buf[0] = CHRONY_PROTO_VERSION;
  buf[1] = 1; /* PKT_TYPE_CMD_REQUEST */
  put16(buf + 4, (uint16_t)command);
  put16(buf + 6, attempt);
  put32(buf + 8, sequence);
  if (cmd_table[i].req_data == 4)
    put32(buf + CHRONY_REQ_HDR_LEN, index);
  *len = req_len;
  return CHRONY_OK;
}

chrony_status_t chrony_parse_reply(const uint8_t *pkt, size_t len,
                                   unsigned command, uint32_t sequence,
                                   chrony_reply_t *out) {
  int i = table_index(command);
  if (pkt == NULL || out == NULL || i < 0)
    return CHRONY_E_ARG;
  memset(out, 0, sizeof(*out));
  if (len < CHRONY_RPY_HDR_LEN)
    return CHRONY_E_SHORT;
  out->version = pkt[0];
  out->pkt_type = pkt[1];
  out->command = get16(pkt + 4);
  out->reply = get16(pkt + 6);
  out->status = get16(pkt + 8);
  out->sequence = get32(pkt + 16);
  out->data = pkt + CHRONY_RPY_HDR_LEN;
  out->data_len = len - CHRONY_RPY_HDR_LEN;
  if (out->pkt_type != 2)
    return CHRONY_E_PKTTYPE;
  if (out->sequence != sequence)
    return CHRONY_E_SEQUENCE;
  if (out->command != command)
    return CHRONY_E_COMMAND;
  if (out->version != CHRONY_PROTO_VERSION)
    return CHRONY_E_VERSION;
  if (out->status != 0)
    return CHRONY_E_STATUS;
  return check_data(i, out->reply, out->data_len);
}

double chrony_float_decode(uint32_t f) {
  int32_t exp = (int32_t)(f >> FLOAT_COEF_BITS); /* 7 bits */
  if (exp >= 1 << (FLOAT_EXP_BITS - 1))
    exp -= 1 << FLOAT_EXP_BITS;
  int32_t coef = (int32_t)(f & ((1u << FLOAT_COEF_BITS) - 1));
  if (coef >= 1 << (FLOAT_COEF_BITS - 1))
    coef -= 1 << FLOAT_COEF_BITS;
  return ldexp((double)coef, exp - FLOAT_COEF_BITS);
}

uint32_t chrony_float_encode(double x) {
  if (isnan(x) || x == 0.0)
    return 0;
  bool neg = x < 0;
  double a = fabs(x);
  int e = 0;
  int32_t coef, exp;
  if (isinf(a)) {
    exp = FLOAT_EXP_MAX;
    coef = FLOAT_COEF_MAX;
  } else {
    double m = frexp(a, &e); /* a = m * 2^e, m in [0.5, 1) */
    /* value = coef * 2^(exp-25), coef = m * 2^24 => exp = e + 1 */
    double c = nearbyint(ldexp(m, FLOAT_COEF_BITS - 1));
    exp = e + 1;
    if (c > FLOAT_COEF_MAX) { /* rounded up to 2^24 */
      c = ldexp(c, -1);
      exp++;
    }
    coef = (int32_t)c;
    if (exp > FLOAT_EXP_MAX) {
      exp = FLOAT_EXP_MAX;
      coef = FLOAT_COEF_MAX;
    } else if (exp < FLOAT_EXP_MIN) { /* denormalise or flush to zero */
      int shift = FLOAT_EXP_MIN - exp;
      coef = shift < FLOAT_COEF_BITS
                 ? (int32_t)nearbyint(ldexp((double)coef, -shift))
                 : 0;
      exp = FLOAT_EXP_MIN;
      if (coef == 0)
        return 0;
    }
  }
  if (neg)
    coef = -coef;
  return ((uint32_t)exp << FLOAT_COEF_BITS & 0xfe000000u) |
         ((uint32_t)coef & ((1u << FLOAT_COEF_BITS) - 1));
}

chrony_timespec_t chrony_timespec_decode(const uint8_t *p) {
  uint32_t hi = get32(p), lo = get32(p + 4);
  chrony_timespec_t ts;
  if (hi == 0x7fffffffu) /* TV_NOHIGHSEC */
    hi = 0;
  ts.sec = (int64_t)(((uint64_t)hi << 32) | lo);
  ts.nsec = get32(p + 8);
  return ts;
}

static chrony_ipaddr_t get_ip(const uint8_t *p) {
  chrony_ipaddr_t a;
  memcpy(a.addr, p, 16);
  a.family = get16(p + 16);
  return a;
}

void chrony_refid_str(uint32_t refid, char *buf, size_t len) {
  size_t j = 0;
  if (len == 0)
    return;
  for (int i = 0; i < 4 && j + 1 < len; i++) {
    unsigned char c = (unsigned char)(refid >> (24 - 8 * i));
    if (c == 0)
      break;
    buf[j++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
  }
  buf[j] = '\0';
}

int chrony_ipaddr_str(const chrony_ipaddr_t *a, char *buf, size_t len) {
  const uint8_t *b = a->addr;
  if (a->family == CHRONY_IPADDR_INET4) {
    snprintf(buf, len, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
  } else if (a->family == CHRONY_IPADDR_INET6) {
    /* full form, no :: compression needed for uniqueness */
    snprintf(buf, len, "%x:%x:%x:%x:%x:%x:%x:%x", get16(b), get16(b + 2),
             get16(b + 4), get16(b + 6), get16(b + 8), get16(b + 10),
             get16(b + 12), get16(b + 14));
  } else if (a->family == CHRONY_IPADDR_ID) {
    snprintf(buf, len, "ID#%010" PRIu32, get32(b)); /* UTI_IPToString */
  } else {
    snprintf(buf, len, "[UNSPEC]");
  }
  return 0;
}

int chrony_source_name(const chrony_source_data_t *s, char *buf,
                       size_t len) {
  if (s->mode == CHRONY_SD_MODE_REF && s->ip.family != CHRONY_IPADDR_ID) {
    chrony_refid_str(get32(s->ip.addr), buf, len);
    return 0;
  }
  return chrony_ipaddr_str(&s->ip, buf, len);
}

bool chrony_stats_match(const chrony_source_data_t *d,
                        const chrony_sourcestats_t *ss) {
  if (ss->ip.family == CHRONY_IPADDR_UNSPEC) /* a refclock: its refid */
    return d->mode == CHRONY_SD_MODE_REF &&
           d->ip.family == CHRONY_IPADDR_INET4 &&
           get32(d->ip.addr) == ss->ref_id;
  return ss->ip.family == d->ip.family &&
         memcmp(ss->ip.addr, d->ip.addr, sizeof(d->ip.addr)) == 0;
}

/* Runs of consecutive wire fields of one type (candm.h): n big-endian
 * values from p into *out[0] .. *out[n-1], in wire order. */
static void get16_run(const uint8_t *p, unsigned *const out[], size_t n) {
  for (size_t k = 0; k < n; k++)
    *out[k] = get16(p + 2 * k);
}
static void get32_run(const uint8_t *p, uint32_t *const out[], size_t n) {
  for (size_t k = 0; k < n; k++)
    *out[k] = get32(p + 4 * k);
}
/* Float: chrony's 32-bit floating point (chrony_float_decode). */
static void float_run(const uint8_t *p, double *const out[], size_t n) {
  for (size_t k = 0; k < n; k++)
    *out[k] = chrony_float_decode(get32(p + 4 * k));
}
/* RUN(get16_run, unsigned, p, &o->a, &o->b): the destinations as a list. */
#define RUN(fn, type, p, ...)                                                  \
  fn((p), (type *const[]){__VA_ARGS__},                                        \
     sizeof((type *const[]){__VA_ARGS__}) / sizeof(type *))

/* A reader of one reply's data (checked long enough), into its struct. */
typedef void (*reply_reader_t)(const chrony_reply_t *r, void *out);

/* Check r, then read its data into out.  reply: the table reply code of
 * the decoder's command (r->reply may be any of the SERVER_STATS layouts
 * for that command). */
static chrony_status_t decode(const chrony_reply_t *r, unsigned reply,
                              reply_reader_t read, void *out) {
  if (r == NULL || r->data == NULL)
    return CHRONY_E_REPLY;
  int i = table_index(r->command);
  if (i < 0 || cmd_table[i].reply != reply)
    return CHRONY_E_REPLY;
  chrony_status_t st = check_data(i, r->reply, r->data_len);
  if (st == CHRONY_OK)
    read(r, out);
  return st;
}

/* RPY_Tracking (candm.h). */
static void read_tracking(const chrony_reply_t *r, void *out) {
  chrony_tracking_t *o = out;
  o->ref_id = get32(r->data);
  o->ip = get_ip(r->data + 4);
  RUN(get16_run, unsigned, r->data + 24, &o->stratum, &o->leap_status);
  o->ref_time = chrony_timespec_decode(r->data + 28);
  RUN(float_run, double, r->data + 40, &o->current_correction_s,
      &o->last_offset_s, &o->rms_offset_s, &o->freq_ppm, &o->resid_freq_ppm,
      &o->skew_ppm, &o->root_delay_s, &o->root_dispersion_s,
      &o->last_update_interval_s);
}
chrony_status_t chrony_decode_tracking(const chrony_reply_t *r,
                                       chrony_tracking_t *o) {
  return decode(r, CHRONY_RPY_TRACKING, read_tracking, o);
}

/* RPY_N_Sources. */
static void read_n_sources(const chrony_reply_t *r, void *out) {
  ((chrony_n_sources_t *)out)->n_sources = get32(r->data);
}
chrony_status_t chrony_decode_n_sources(const chrony_reply_t *r,
                                        chrony_n_sources_t *o) {
  return decode(r, CHRONY_RPY_N_SOURCES, read_n_sources, o);
}

/* RPY_Source_Data: poll is signed (i16). */
static void read_source_data(const chrony_reply_t *r, void *out) {
  chrony_source_data_t *o = out;
  o->ip = get_ip(r->data);
  o->poll = (int16_t)get16(r->data + 20);
  RUN(get16_run, unsigned, r->data + 22, &o->stratum, &o->state, &o->mode,
      &o->flags, &o->reach);
  o->since_sample_s = get32(r->data + 32);
  RUN(float_run, double, r->data + 36, &o->orig_latest_meas_s,
      &o->latest_meas_s, &o->latest_meas_err_s);
}
chrony_status_t chrony_decode_source_data(const chrony_reply_t *r,
                                          chrony_source_data_t *o) {
  return decode(r, CHRONY_RPY_SOURCE_DATA, read_source_data, o);
}

/* RPY_Sourcestats. */
static void read_sourcestats(const chrony_reply_t *r, void *out) {
  chrony_sourcestats_t *o = out;
  o->ip = get_ip(r->data + 4);
  o->ref_id = get32(r->data);
  RUN(get32_run, uint32_t, r->data + 24, &o->n_samples, &o->n_runs, &o->span_s);
  RUN(float_run, double, r->data + 36, &o->sd_s, &o->resid_freq_ppm,
      &o->skew_ppm, &o->est_offset_s, &o->est_offset_err_s);
}
chrony_status_t chrony_decode_sourcestats(const chrony_reply_t *r,
                                          chrony_sourcestats_t *o) {
  return decode(r, CHRONY_RPY_SOURCESTATS, read_sourcestats, o);
}

/* RPY_ServerStats, RPY_ServerStats2..4: the layout r->reply names (the
 * length check has found it in ss_layouts). */
static void read_serverstats(const chrony_reply_t *r, void *out) {
  chrony_serverstats_t *o = out;
  int l = ss_layout(r->reply);
  for (size_t k = 0; k < CHRONY_SS_N; k++)
    o->v[k] = CHRONY_SS_UNKNOWN;
  o->layout = ss_layouts[l].layout;
  for (size_t k = 0; k < ss_layouts[l].n; k++) {
    const uint8_t *f = r->data + k * ss_layouts[l].width;
    uint64_t v = get32(f);
    if (ss_layouts[l].width == 8) /* Integer64 {high, low} */
      v = v << 32 | get32(f + 4);
    o->v[ss_layouts[l].order[k]] =
        v > INT64_MAX ? CHRONY_SS_UNKNOWN : (int64_t)v;
  }
}
chrony_status_t chrony_decode_serverstats(const chrony_reply_t *r,
                                          chrony_serverstats_t *o) {
  return decode(r, CHRONY_RPY_SERVER_STATS4, read_serverstats, o);
}

char chrony_state_char(unsigned state) {
  /* as chronyc prints them: UNSELECTED is "+" (combined with the selected
   * source), SELECTABLE is "-" (not combined) */
  static const char sym[] = "*?x~+-";
  return state < 6 ? sym[state] : '?';
}

const char *chrony_state_name(unsigned state) {
  static const char *const names[] = {"selected",    "nonselectable",
                                      "falseticker", "jittery",
                                      "unselected",  "selectable"};
  return state < 6 ? names[state] : "unknown";
}
