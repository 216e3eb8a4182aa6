/* SPDX-License-Identifier: MIT
 * Unit tests for common/chrony_cmdmon: the length table (against the sizes
 * chronyd 4.3 enforces, e.g. REQ_TRACKING = 104 octets, verified on this
 * machine), request bytes, reply checks, Float known answers and random
 * round trips, Timespec, and field decoding of hand-built replies.
 */
#include "common/chrony_cmdmon.h"
#include "testing.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8, p[1] = v & 0xff; }
static void put32(uint8_t *p, uint32_t v) {
  put16(p, v >> 16);
  put16(p + 2, v & 0xffff);
}

static void test_lengths(void) {
  /* command, request (padded to the reply: chronyd answers BADPKTLENGTH
   * to anything else) and reply length, header included */
  static const struct {
    unsigned command;
    size_t req, rpy;
  } want[] = {
      {CHRONY_REQ_TRACKING, 104, 104},
      {CHRONY_REQ_N_SOURCES, 32, 32},
      {CHRONY_REQ_SOURCE_DATA, 76, 76},
      {CHRONY_REQ_SOURCESTATS, 84, 84},
      /* padded to the longest reply, RPY_SERVER_STATS4 (28 + 21
       * Integer64); chronyd 4.3 wants >= 72 and answers 72 octets */
      {CHRONY_REQ_SERVER_STATS, 196, 196},
  };
  size_t q = 0, r = 0;
  for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
    EXPECT_EQ_INT(0, chrony_cmd_lengths(want[i].command, &q, &r));
    EXPECT_EQ_INT(want[i].req, q);
    EXPECT_EQ_INT(want[i].rpy, r);
  }
  EXPECT_EQ_INT(-1, chrony_cmd_lengths(57, &q, &r)); /* NTP_DATA: not used */
}

static void test_request(void) {
  uint8_t b[CHRONY_MAX_PKT];
  size_t len = 0;
  memset(b, 0xee, sizeof b);
  EXPECT_EQ_INT(CHRONY_OK, chrony_build_request(b, sizeof b, &len,
                                                CHRONY_REQ_SOURCE_DATA,
                                                0xdeadbeef, 1, 3));
  EXPECT_EQ_INT(76, len);
  static const uint8_t hdr[] = {6, 1, 0, 0, 0, 15, 0, 1, 0xde, 0xad,
                                0xbe, 0xef, 0, 0, 0, 0, 0, 0, 0, 0,
                                0, 0, 0, 3};
  OK_MSG(memcmp(b, hdr, sizeof hdr) == 0, "SOURCE_DATA request header+index");
  int zero = 1;
  for (size_t i = sizeof hdr; i < len; i++)
    zero &= b[i] == 0;
  OK_MSG(zero, "request padding is zero");
  EXPECT_EQ_INT(CHRONY_OK, chrony_build_request(b, sizeof b, &len,
                                                CHRONY_REQ_TRACKING, 7, 0,
                                                99));
  EXPECT_EQ_INT(104, len);
  EXPECT_EQ_INT(33, b[5]);
  EXPECT_EQ_INT(0, b[20]); /* no index for tracking */
  EXPECT_EQ_INT(CHRONY_E_ARG, chrony_build_request(b, 100, &len,
                                                   CHRONY_REQ_TRACKING, 7, 0,
                                                   0));
  EXPECT_EQ_INT(CHRONY_E_ARG, chrony_build_request(b, sizeof b, &len, 1, 7,
                                                   0, 0));
}

static void test_float(void) {
  /* known answers computed by hand from value = coef * 2^(exp-25) */
  EXPECT_EQ_DOUBLE(1.0, chrony_float_decode(0x04800000u));
  EXPECT_EQ_DOUBLE(-1.0, chrony_float_decode(0x05800000u));
  EXPECT_EQ_DOUBLE(0.0, chrony_float_decode(0));
  EXPECT_EQ_DOUBLE(0.5, chrony_float_decode(0x02800000u));
  /* exp = -1 (0x7f), coef = 1: 2^-26 */
  EXPECT_EQ_DOUBLE(ldexp(1, -26), chrony_float_decode(0xfe000001u));
  /* largest: exp 63, coef 2^24-1 */
  EXPECT_NEAR(ldexp(16777215.0, 38), chrony_float_decode(0x7effffffu), 1);
  EXPECT_EQ_INT(0x04800000u, chrony_float_encode(1.0));
  EXPECT_EQ_INT(0x05800000u, chrony_float_encode(-1.0));
  EXPECT_EQ_INT(0x02800000u, chrony_float_encode(0.5));
  EXPECT_EQ_INT(0, chrony_float_encode(0.0));
  EXPECT_EQ_INT(0, chrony_float_encode(NAN));
  EXPECT_EQ_INT(0x7effffffu, chrony_float_encode(1e100));
  EXPECT_EQ_INT(0, chrony_float_encode(1e-100));
  /* random round trips: relative error <= 2^-24 over a wide range */
  srand((unsigned)testing_seed("TEST_SEED", 4242));
  int bad = 0;
  double worst = 0;
  for (int i = 0; i < 100000; i++) {
    double m = (double)rand() / RAND_MAX + 1e-9;
    int e = rand() % 80 - 50; /* 2^-50 .. 2^30 */
    double x = ldexp(m, e) * (rand() & 1 ? -1 : 1);
    double y = chrony_float_decode(chrony_float_encode(x));
    double rel = fabs(y - x) / fabs(x);
    if (rel > worst)
      worst = rel;
    if (rel > ldexp(1, -24) || (x < 0) != (y < 0))
      bad++;
  }
  printf("# worst relative error %.3g (bound %.3g)\n", worst, ldexp(1, -24));
  EXPECT_EQ_INT(0, bad);
  /* every encoding decodes and re-encodes to itself (normalised words) */
  bad = 0;
  for (int i = 0; i < 100000; i++) {
    uint32_t exp = (uint32_t)(rand() % 100 - 40) & 0x7f;
    int32_t coef = (rand() % (1 << 23)) + (1 << 23); /* normalised */
    if (rand() & 1)
      coef = -coef;
    uint32_t w = exp << 25 | ((uint32_t)coef & 0x1ffffff);
    if (chrony_float_encode(chrony_float_decode(w)) != w)
      bad++;
  }
  EXPECT_EQ_INT(0, bad);
}

static void test_timespec(void) {
  uint8_t p[12];
  put32(p, 0x7fffffff);
  put32(p + 4, 1700000000u);
  put32(p + 8, 123456789);
  chrony_timespec_t t = chrony_timespec_decode(p);
  EXPECT_EQ_INT(1700000000LL, t.sec);
  EXPECT_EQ_INT(123456789, t.nsec);
  put32(p, 1);
  put32(p + 4, 5);
  t = chrony_timespec_decode(p);
  EXPECT_EQ_INT(4294967301LL, t.sec);
}

/* A reply header for command cmd / reply code rpy. */
static size_t mkreply(uint8_t *b, unsigned cmd, unsigned rpy, unsigned status,
                      uint32_t seq) {
  size_t rl = 0;
  chrony_cmd_lengths(cmd, NULL, &rl);
  memset(b, 0, CHRONY_MAX_PKT);
  b[0] = 6, b[1] = 2;
  put16(b + 4, cmd);
  put16(b + 6, rpy);
  put16(b + 8, status);
  put32(b + 16, seq);
  return rl;
}

static void test_reply_checks(void) {
  uint8_t b[CHRONY_MAX_PKT];
  chrony_reply_t r;
  size_t n = mkreply(b, 33, 5, 0, 77);
  EXPECT_EQ_INT(CHRONY_OK, chrony_parse_reply(b, n, 33, 77, &r));
  EXPECT_EQ_INT(76, r.data_len);
  EXPECT_EQ_INT(CHRONY_E_SHORT, chrony_parse_reply(b, n - 1, 33, 77, &r));
  EXPECT_EQ_INT(CHRONY_E_SHORT, chrony_parse_reply(b, 27, 33, 77, &r));
  EXPECT_EQ_INT(CHRONY_E_SEQUENCE, chrony_parse_reply(b, n, 33, 78, &r));
  EXPECT_EQ_INT(CHRONY_E_COMMAND, chrony_parse_reply(b, n, 34, 77, &r));
  b[0] = 5;
  EXPECT_EQ_INT(CHRONY_E_VERSION, chrony_parse_reply(b, n, 33, 77, &r));
  b[0] = 6, b[1] = 1;
  EXPECT_EQ_INT(CHRONY_E_PKTTYPE, chrony_parse_reply(b, n, 33, 77, &r));
  n = mkreply(b, 33, 1, 19, 77); /* RPY_NULL, STT_BADPKTLENGTH */
  EXPECT_EQ_INT(CHRONY_E_STATUS, chrony_parse_reply(b, 28, 33, 77, &r));
  EXPECT_EQ_INT(19, r.status);
  EXPECT_EQ_STR("bad packet length", chrony_stt_name(r.status));
  EXPECT_EQ_STR("no such source", chrony_stt_name(4));
  EXPECT_EQ_STR("unknown", chrony_stt_name(99));
  n = mkreply(b, 33, 6, 0, 77);
  EXPECT_EQ_INT(CHRONY_E_REPLY, chrony_parse_reply(b, n, 33, 77, &r));
}

static void test_decode(void) {
  uint8_t b[CHRONY_MAX_PKT];
  chrony_reply_t r;
  size_t n = mkreply(b, 33, 5, 0, 1);
  uint8_t *d = b + 28;
  put32(d, 0x47505337); /* "GPS7" */
  /* a refclock reference: address family 0 (chronyd 4.3, chrony.conv) */
  put16(d + 4 + 16, 0);
  put32(d + 4, 0x47505337);
  put16(d + 24, 1);  /* stratum */
  put16(d + 26, 0);  /* leap */
  put32(d + 28, 0x7fffffff);
  put32(d + 32, 1700000000u);
  put32(d + 36, 5);
  double vals[9] = {2.5e-3, -1e-6, 3e-6, -12.25, 0.001, 0.05, 1e-4, 2e-5, 4};
  for (int i = 0; i < 9; i++)
    put32(d + 40 + 4 * i, chrony_float_encode(vals[i]));
  EXPECT_EQ_INT(CHRONY_OK, chrony_parse_reply(b, n, 33, 1, &r));
  chrony_tracking_t t;
  EXPECT_EQ_INT(CHRONY_OK, chrony_decode_tracking(&r, &t));
  EXPECT_EQ_INT(0x47505337, t.ref_id);
  EXPECT_EQ_INT(1, t.stratum);
  EXPECT_EQ_INT(1700000000LL, t.ref_time.sec);
  EXPECT_NEAR(2.5e-3, t.current_correction_s, 1e-9);
  EXPECT_NEAR(-1e-6, t.last_offset_s, 1e-12);
  EXPECT_NEAR(-12.25, t.freq_ppm, 1e-9);
  EXPECT_NEAR(0.05, t.skew_ppm, 1e-8);
  EXPECT_NEAR(1e-4, t.root_delay_s, 1e-11);
  EXPECT_NEAR(2e-5, t.root_dispersion_s, 1e-12);
  EXPECT_NEAR(4, t.last_update_interval_s, 1e-6);
  char name[64];
  chrony_ipaddr_str(&t.ip, name, sizeof name);
  EXPECT_EQ_STR("[UNSPEC]", name); /* as chrony's UTI_IPToString */
  chrony_n_sources_t ns;
  EXPECT_EQ_INT(CHRONY_E_REPLY, chrony_decode_n_sources(&r, &ns));

  n = mkreply(b, 15, 3, 0, 2);
  d = b + 28;
  d[0] = 127, d[3] = 1;
  put16(d + 16, 1);
  put16(d + 20, (uint16_t)-2); /* poll -2 */
  put16(d + 22, 2);
  put16(d + 24, 2); /* falseticker */
  put16(d + 26, 0);
  put16(d + 30, 0xf7);
  put32(d + 32, 9);
  put32(d + 40, chrony_float_encode(-0.0025));
  put32(d + 44, chrony_float_encode(0.001));
  EXPECT_EQ_INT(CHRONY_OK, chrony_parse_reply(b, n, 15, 2, &r));
  chrony_source_data_t s;
  EXPECT_EQ_INT(CHRONY_OK, chrony_decode_source_data(&r, &s));
  chrony_source_name(&s, name, sizeof name);
  EXPECT_EQ_STR("127.0.0.1", name);
  EXPECT_EQ_INT(-2, s.poll);
  EXPECT_EQ_INT(2, s.stratum);
  EXPECT_EQ_INT(CHRONY_SD_FALSETICKER, s.state);
  EXPECT_EQ_INT('x', chrony_state_char(s.state));
  /* chronyc's client.c: UNSELECTED '+', SELECTABLE '-' (regression: they
   * were swapped; the falseticker test against chronyd 4.3 showed it) */
  EXPECT_EQ_INT('+', chrony_state_char(CHRONY_SD_UNSELECTED));
  EXPECT_EQ_INT('-', chrony_state_char(CHRONY_SD_SELECTABLE));
  EXPECT_EQ_INT('*', chrony_state_char(CHRONY_SD_SELECTED));
  EXPECT_EQ_INT('?', chrony_state_char(CHRONY_SD_NONSELECTABLE));
  EXPECT_EQ_INT('~', chrony_state_char(CHRONY_SD_JITTERY));
  EXPECT_EQ_STR("falseticker", chrony_state_name(s.state));
  EXPECT_EQ_INT(0xf7, s.reach);
  EXPECT_EQ_INT(9, s.since_sample_s);
  EXPECT_NEAR(-0.0025, s.latest_meas_s, 1e-10);
  EXPECT_NEAR(0.001, s.latest_meas_err_s, 1e-10);
  /* a refclock: refid in the address field, mode REF */
  put32(d, 0x47505337);
  memset(d + 4, 0, 12);
  put16(d + 16, 0);
  put16(d + 26, 2);
  EXPECT_EQ_INT(CHRONY_OK, chrony_decode_source_data(&r, &s));
  chrony_source_name(&s, name, sizeof name);
  EXPECT_EQ_STR("GPS7", name);
  /* IPv6 */
  put16(d + 26, 0);
  put16(d + 16, 2);
  memset(d, 0, 16);
  d[15] = 1;
  EXPECT_EQ_INT(CHRONY_OK, chrony_decode_source_data(&r, &s));
  chrony_source_name(&s, name, sizeof name);
  EXPECT_EQ_STR("0:0:0:0:0:0:0:1", name);

  n = mkreply(b, 34, 6, 0, 3);
  d = b + 28;
  put32(d, 0x7f000001);
  put32(d + 24, 8);
  put32(d + 28, 5);
  put32(d + 32, 120);
  put32(d + 36, chrony_float_encode(1.5e-4));
  put32(d + 48, chrony_float_encode(-2.5e-3));
  put32(d + 52, chrony_float_encode(7e-5));
  EXPECT_EQ_INT(CHRONY_OK, chrony_parse_reply(b, n, 34, 3, &r));
  chrony_sourcestats_t ss;
  EXPECT_EQ_INT(CHRONY_OK, chrony_decode_sourcestats(&r, &ss));
  EXPECT_EQ_INT(8, ss.n_samples);
  EXPECT_EQ_INT(5, ss.n_runs);
  EXPECT_EQ_INT(120, ss.span_s);
  EXPECT_NEAR(1.5e-4, ss.sd_s, 1e-11);
  EXPECT_NEAR(-2.5e-3, ss.est_offset_s, 1e-10);
  EXPECT_NEAR(7e-5, ss.est_offset_err_s, 1e-11);

  n = mkreply(b, 14, 2, 0, 4);
  put32(b + 28, 3);
  EXPECT_EQ_INT(CHRONY_OK, chrony_parse_reply(b, n, 14, 4, &r));
  EXPECT_EQ_INT(CHRONY_OK, chrony_decode_n_sources(&r, &ns));
  EXPECT_EQ_INT(3, ns.n_sources);
  char rs[8];
  chrony_refid_str(0x50505300, rs, sizeof rs);
  EXPECT_EQ_STR("PPS", rs);
  chrony_refid_str(0x41010242, rs, sizeof rs);
  EXPECT_EQ_STR("A??B", rs);
}

/* Address family 3 (IPADDR_ID, chrony addressing.h): a source whose name
 * is not resolved yet (a pool placeholder, a server whose DNS failed),
 * numbered 1, 2, 3...  chronyc names it as util.c UTI_IPToString does,
 * "ID#%010u"; chronyd 4.3 with "server x.invalid" and "pool y.invalid"
 * printed ID#0000000001 ... ID#0000000009 in "chronyc sources -a". */
static void test_unresolved(void) {
  uint8_t b[CHRONY_MAX_PKT];
  chrony_reply_t r;
  chrony_source_data_t s;
  char name[64];
  size_t n = mkreply(b, 15, 3, 0, 9);
  uint8_t *d = b + 28;
  put32(d, 5); /* id 5 in the first 4 octets of the address, big-endian */
  put16(d + 16, 3);
  put16(d + 20, 6); /* poll 6 */
  put16(d + 24, CHRONY_SD_NONSELECTABLE);
  put16(d + 26, CHRONY_SD_MODE_CLIENT);
  EXPECT_EQ_INT(CHRONY_OK, chrony_parse_reply(b, n, 15, 9, &r));
  EXPECT_EQ_INT(CHRONY_OK, chrony_decode_source_data(&r, &s));
  EXPECT_EQ_INT(CHRONY_IPADDR_ID, s.ip.family);
  chrony_source_name(&s, name, sizeof name);
  EXPECT_EQ_STR("ID#0000000005", name);
  chrony_ipaddr_str(&s.ip, name, sizeof name);
  EXPECT_EQ_STR("ID#0000000005", name);
  /* the full 32-bit range, not a refid's printable characters */
  put32(d, 0x47505337);
  EXPECT_EQ_INT(CHRONY_OK, chrony_decode_source_data(&r, &s));
  chrony_source_name(&s, name, sizeof name);
  EXPECT_EQ_STR("ID#1196446519", name);
  /* a refclock (mode REF) keeps its refid as address, family IPv4 */
  put16(d + 16, CHRONY_IPADDR_INET4);
  put16(d + 26, CHRONY_SD_MODE_REF);
  EXPECT_EQ_INT(CHRONY_OK, chrony_decode_source_data(&r, &s));
  chrony_source_name(&s, name, sizeof name);
  EXPECT_EQ_STR("GPS7", name);
  /* cut, never overflowed */
  put16(d + 16, CHRONY_IPADDR_ID);
  put16(d + 26, CHRONY_SD_MODE_CLIENT);
  EXPECT_EQ_INT(CHRONY_OK, chrony_decode_source_data(&r, &s));
  chrony_source_name(&s, name, 6);
  EXPECT_EQ_STR("ID#11", name);
}

/* SOURCESTATS must describe the source SOURCE_DATA described: a source
 * removed between the two requests shifts the indices (sources.c
 * SRC_ReportSourcestats: ref_id, and the address, family 0 for a
 * refclock). */
static void test_stats_match(void) {
  chrony_source_data_t d;
  chrony_sourcestats_t ss;
  memset(&d, 0, sizeof d);
  memset(&ss, 0, sizeof ss);
  /* refclock GPS7: SOURCE_DATA family 1 with the refid, stats family 0 */
  d.mode = CHRONY_SD_MODE_REF;
  d.ip.family = CHRONY_IPADDR_INET4;
  put32(d.ip.addr, 0x47505337);
  ss.ref_id = 0x47505337;
  OK_MSG(chrony_stats_match(&d, &ss), "refclock GPS7 stats match");
  ss.ref_id = 0x50505330; /* PPS0: the next source after a removal */
  OK_MSG(!chrony_stats_match(&d, &ss), "another refclock's stats do not");
  /* NTP source 127.0.0.6 */
  d.mode = CHRONY_SD_MODE_CLIENT;
  put32(d.ip.addr, 0x7f000006);
  ss.ip = d.ip;
  ss.ref_id = 0x7f000007; /* its reference: irrelevant */
  OK_MSG(chrony_stats_match(&d, &ss), "127.0.0.6 stats match");
  ss.ip.addr[3] = 7;
  OK_MSG(!chrony_stats_match(&d, &ss), "127.0.0.7's stats do not");
  ss.ip = d.ip;
  ss.ip.family = CHRONY_IPADDR_UNSPEC;
  OK_MSG(!chrony_stats_match(&d, &ss), "a refclock's stats do not");
  /* unresolved ID#0000000002 */
  d.ip.family = ss.ip.family = CHRONY_IPADDR_ID;
  memset(d.ip.addr, 0, 16);
  d.ip.addr[3] = 2;
  ss.ip = d.ip;
  OK_MSG(chrony_stats_match(&d, &ss), "ID#0000000002 stats match");
  ss.ip.addr[3] = 3;
  OK_MSG(!chrony_stats_match(&d, &ss), "ID#0000000003's stats do not");
}

/* RPY_SERVER_STATS, _2, _3 (chronyd 4.3 answers this one: 28 + 11 u32 =
 * 72 octets) and _4 (Integer64 {high, low}), candm.h of chrony 3.5, 4.0,
 * 4.3 and 4.4: counter k holds 1000 + k (v4: + 2^32 * k) on the wire. */
static void test_serverstats(void) {
  static const struct {
    unsigned reply, width, fields, layout;
    int order[9];
  } lay[] = {
      {14, 4, 5, 1, {CHRONY_SS_NTP_RX, CHRONY_SS_CMD_RX, CHRONY_SS_NTP_DROP,
                     CHRONY_SS_CMD_DROP, CHRONY_SS_LOG_DROP, -1}},
      {22, 4, 8, 2, {CHRONY_SS_NTP_RX, CHRONY_SS_NKE_RX, CHRONY_SS_CMD_RX,
                     CHRONY_SS_NTP_DROP, CHRONY_SS_NKE_DROP,
                     CHRONY_SS_CMD_DROP, CHRONY_SS_LOG_DROP,
                     CHRONY_SS_NTP_AUTH, -1}},
      {24, 4, 11, 3, {CHRONY_SS_NTP_RX, CHRONY_SS_NKE_RX, CHRONY_SS_CMD_RX,
                      CHRONY_SS_NTP_DROP, CHRONY_SS_NKE_DROP,
                      CHRONY_SS_CMD_DROP, CHRONY_SS_LOG_DROP,
                      CHRONY_SS_NTP_AUTH, CHRONY_SS_NTP_INTERLEAVED}},
      {25, 8, 21, 4, {CHRONY_SS_NTP_RX, CHRONY_SS_NKE_RX, CHRONY_SS_CMD_RX,
                      CHRONY_SS_NTP_DROP, CHRONY_SS_NKE_DROP,
                      CHRONY_SS_CMD_DROP, CHRONY_SS_LOG_DROP,
                      CHRONY_SS_NTP_AUTH, CHRONY_SS_NTP_INTERLEAVED}},
  };
  for (size_t l = 0; l < sizeof lay / sizeof lay[0]; l++) {
    uint8_t b[CHRONY_MAX_PKT];
    chrony_reply_t r;
    chrony_serverstats_t ss;
    mkreply(b, CHRONY_REQ_SERVER_STATS, lay[l].reply, 0, 9);
    size_t n = 28 + lay[l].width * lay[l].fields;
    for (unsigned k = 0; k < lay[l].fields; k++) {
      uint8_t *p = b + 28 + k * lay[l].width;
      if (lay[l].width == 8) {
        put32(p, k);
        put32(p + 4, 1000 + k);
      } else {
        put32(p, 1000 + k);
      }
    }
    EXPECT_EQ_INT(CHRONY_E_SHORT,
                  chrony_parse_reply(b, n - 1, CHRONY_REQ_SERVER_STATS, 9, &r));
    EXPECT_EQ_INT(CHRONY_OK,
                  chrony_parse_reply(b, n, CHRONY_REQ_SERVER_STATS, 9, &r));
    EXPECT_EQ_INT(CHRONY_OK, chrony_decode_serverstats(&r, &ss));
    EXPECT_EQ_INT(lay[l].layout, ss.layout);
    int seen[CHRONY_SS_N] = {0};
    for (unsigned k = 0; k < 9 && lay[l].order[k] >= 0; k++) {
      int64_t want = 1000 + k + (lay[l].width == 8 ? ((int64_t)k << 32) : 0);
      EXPECT_EQ_INT(want, ss.v[lay[l].order[k]]);
      seen[lay[l].order[k]] = 1;
    }
    for (int k = 0; k < CHRONY_SS_N; k++)
      if (!seen[k])
        OK_MSG(ss.v[k] == CHRONY_SS_UNKNOWN, "a counter the layout lacks");
  }
  uint8_t b[CHRONY_MAX_PKT];
  chrony_reply_t r;
  chrony_serverstats_t ss;
  size_t n = mkreply(b, CHRONY_REQ_SERVER_STATS, 23, 0, 9); /* SELECT_DATA */
  EXPECT_EQ_INT(CHRONY_E_REPLY,
                chrony_parse_reply(b, n, CHRONY_REQ_SERVER_STATS, 9, &r));
  /* over UDP chronyd 4.3 refuses it: PERMIT_AUTH, STT_UNAUTH */
  n = mkreply(b, CHRONY_REQ_SERVER_STATS, 1, 2, 9);
  EXPECT_EQ_INT(CHRONY_E_STATUS,
                chrony_parse_reply(b, 28, CHRONY_REQ_SERVER_STATS, 9, &r));
  EXPECT_EQ_STR("unauthorised", chrony_stt_name(r.status));
  /* a tracking reply is no server stats reply */
  n = mkreply(b, 33, 5, 0, 1);
  EXPECT_EQ_INT(CHRONY_OK, chrony_parse_reply(b, n, 33, 1, &r));
  EXPECT_EQ_INT(CHRONY_E_REPLY, chrony_decode_serverstats(&r, &ss));
}

int main(void) {
  test_lengths();
  test_request();
  test_float();
  test_timespec();
  test_reply_checks();
  test_decode();
  test_unresolved();
  test_stats_match();
  test_serverstats();
  return testing_done();
}
