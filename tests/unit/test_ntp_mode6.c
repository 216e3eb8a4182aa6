/* SPDX-License-Identifier: MIT
 * Unit tests for common/ntp_mode6: request building, datagram checks,
 * fragment reassembly, varlist parsing and status word decoding.
 * Expected values come from RFC 9327 / NTPsec include/ntp_control.h and from
 * a datagram tcpdump captured from NTPsec 1.2.2 (`ntpq -c rv`).
 */
#include "common/ntp_mode6.h"
#include "testing.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Build a response fragment by hand (independent of the library). */
static size_t mkfrag(uint8_t *p, unsigned vn, unsigned bits, unsigned op,
                     uint16_t seq, uint16_t status, uint16_t assoc,
                     uint16_t off, const char *data, size_t n) {
  memset(p, 0, 600);
  p[0] = (uint8_t)((vn << 3) | 6);
  p[1] = (uint8_t)(bits | op);
  p[2] = seq >> 8, p[3] = seq & 0xff;
  p[4] = status >> 8, p[5] = status & 0xff;
  p[6] = assoc >> 8, p[7] = assoc & 0xff;
  p[8] = off >> 8, p[9] = off & 0xff;
  p[10] = (uint8_t)(n >> 8), p[11] = n & 0xff;
  if (n)
    memcpy(p + 12, data, n);
  return 12 + ((n + 3) & ~(size_t)3);
}
#define R 0x80
#define E 0x40
#define M 0x20

static void test_request(void) {
  uint8_t b[600];
  size_t len = 0;
  /* ntpq -c rv as captured: d6 02 00 01 00 00 00 00 00 00 00 00 */
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_build_request(b, sizeof b, &len, 2,
                                                NTP_M6_OP_READVAR, 1, 0, NULL));
  EXPECT_EQ_INT(12, len);
  static const uint8_t want[12] = {0xd6, 0x02, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
  OK_MSG(memcmp(b, want, 12) == 0, "READVAR request equals ntpq's bytes");
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_build_request(b, sizeof b, &len, 4, 4,
                                                0x1234, 0xabcd, "offset,x"));
  EXPECT_EQ_INT(20, len); /* 12 + 8 */
  EXPECT_EQ_INT(0xe6, b[0]);
  EXPECT_EQ_INT(4, b[1]);
  EXPECT_EQ_INT(0x12, b[2]);
  EXPECT_EQ_INT(0x34, b[3]);
  EXPECT_EQ_INT(0xab, b[6]);
  EXPECT_EQ_INT(0xcd, b[7]);
  EXPECT_EQ_INT(8, b[11]);
  OK(memcmp(b + 12, "offset,x", 8) == 0);
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_build_request(b, sizeof b, &len, 2, 2, 1,
                                                3, "offset"));
  EXPECT_EQ_INT(20, len);
  OK_MSG(b[18] == 0 && b[19] == 0, "request padded with NULs");
  EXPECT_EQ_INT(6, b[11]);
  EXPECT_EQ_INT(NTP_M6_E_ARG,
                ntp_m6_build_request(b, 16, &len, 2, 2, 1, 3, "offset"));
  EXPECT_EQ_INT(NTP_M6_E_ARG,
                ntp_m6_build_request(b, sizeof b, &len, 0, 2, 1, 3, NULL));
  EXPECT_EQ_INT(NTP_M6_E_ARG,
                ntp_m6_build_request(b, sizeof b, &len, 5, 2, 1, 3, NULL));
  EXPECT_EQ_INT(NTP_M6_E_ARG,
                ntp_m6_build_request(b, sizeof b, &len, 2, 32, 1, 3, NULL));
  char big[470];
  memset(big, 'a', 469);
  big[469] = 0;
  EXPECT_EQ_INT(NTP_M6_E_ARG,
                ntp_m6_build_request(b, sizeof b, &len, 2, 2, 1, 3, big));
}

static void test_header(void) {
  uint8_t p[600];
  ntp_m6_header_t h;
  size_t n = mkfrag(p, 2, R | M, 2, 7, 0x0615, 9, 468, "abcde", 5);
  EXPECT_EQ_INT(20, n);
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_parse_header(p, n, &h));
  EXPECT_EQ_INT(2, h.version);
  EXPECT_EQ_INT(6, h.mode);
  OK(h.response && !h.error && h.more);
  EXPECT_EQ_INT(2, h.opcode);
  EXPECT_EQ_INT(7, h.sequence);
  EXPECT_EQ_INT(0x0615, h.status);
  EXPECT_EQ_INT(9, h.assoc);
  EXPECT_EQ_INT(468, h.offset);
  EXPECT_EQ_INT(5, h.count);
  OK(memcmp(h.data, "abcde", 5) == 0);
  p[0] |= 0xc0;
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_parse_header(p, n, &h));
  EXPECT_EQ_INT(3, h.leap);
  /* failures */
  EXPECT_EQ_INT(NTP_M6_E_SHORT, ntp_m6_parse_header(p, 11, &h));
  EXPECT_EQ_INT(NTP_M6_E_SHORT, ntp_m6_parse_header(p, 16, &h));
  EXPECT_EQ_INT(NTP_M6_E_ALIGN, ntp_m6_parse_header(p, 18, &h));
  p[19] = 'x'; /* NTPsec 1.2.2 sends junk in the padding: accept it */
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_parse_header(p, n, &h));
  p[19] = 0;
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_parse_header(p, n + 32, &h)); /* MAC */
  EXPECT_EQ_INT(NTP_M6_E_PADDING, ntp_m6_parse_header(p, n + 36, &h));
  p[0] = (p[0] & ~7) | 3;
  EXPECT_EQ_INT(NTP_M6_E_MODE, ntp_m6_parse_header(p, n, &h));
  n = mkfrag(p, 2, R, 2, 7, 0, 0, 0, "", 0);
  p[10] = 0x01, p[11] = 0xd5; /* count 469 */
  EXPECT_EQ_INT(NTP_M6_E_COUNT, ntp_m6_parse_header(p, 500, &h));
}

/* The captured NTPsec reply header: d6 82 00 01 c4 16 ... (364 bytes). */
static void test_single(void) {
  static ntp_m6_reasm_t r;
  uint8_t p[600];
  const char *txt = "version=\"ntpd 1.2.2\", leap=3,\r\nstratum=16\r\n";
  size_t n = mkfrag(p, 2, R, 2, 1, 0xc416, 0, 0, txt, strlen(txt));
  ntp_m6_reasm_init(&r, 2, NTP_M6_OP_READVAR, 1, 0);
  EXPECT_EQ_INT(NTP_M6_DONE, ntp_m6_reasm_add(&r, p, n));
  EXPECT_EQ_INT(strlen(txt), r.len);
  EXPECT_EQ_INT(0xc416, r.status);
  OK(memcmp(r.data, txt, r.len) == 0 && r.data[r.len] == 0);
  /* an empty response is complete too */
  n = mkfrag(p, 2, R, 2, 1, 0, 0, 0, "", 0);
  ntp_m6_reasm_init(&r, 2, 2, 1, 0);
  EXPECT_EQ_INT(NTP_M6_DONE, ntp_m6_reasm_add(&r, p, n));
  EXPECT_EQ_INT(0, r.len);
}

static void test_mismatch(void) {
  static ntp_m6_reasm_t r;
  uint8_t p[600];
  size_t n;
  ntp_m6_reasm_init(&r, 2, 2, 5, 3);
  n = mkfrag(p, 2, R, 2, 6, 0, 3, 0, "a=1", 3);
  EXPECT_EQ_INT(NTP_M6_E_SEQUENCE, ntp_m6_reasm_add(&r, p, n));
  OK(!ntp_m6_status_fatal(NTP_M6_E_SEQUENCE));
  n = mkfrag(p, 2, R, 4, 5, 0, 3, 0, "a=1", 3);
  EXPECT_EQ_INT(NTP_M6_E_OPCODE, ntp_m6_reasm_add(&r, p, n));
  n = mkfrag(p, 2, R, 2, 5, 0, 4, 0, "a=1", 3);
  EXPECT_EQ_INT(NTP_M6_E_ASSOC, ntp_m6_reasm_add(&r, p, n));
  n = mkfrag(p, 3, R, 2, 5, 0, 3, 0, "a=1", 3);
  EXPECT_EQ_INT(NTP_M6_E_VERSION, ntp_m6_reasm_add(&r, p, n));
  n = mkfrag(p, 2, 0, 2, 5, 0, 3, 0, "a=1", 3);
  EXPECT_EQ_INT(NTP_M6_E_NOTRESP, ntp_m6_reasm_add(&r, p, n));
  n = mkfrag(p, 2, R | M, 2, 5, 0, 3, 0, "", 0);
  EXPECT_EQ_INT(NTP_M6_E_COUNT, ntp_m6_reasm_add(&r, p, n));
  n = mkfrag(p, 2, R, 2, 5, 0, 3, 0, "a=1", 3);
  EXPECT_EQ_INT(NTP_M6_E_SHORT, ntp_m6_reasm_add(&r, p, 14));
  EXPECT_EQ_INT(0, r.nfrags); /* nothing was taken so far */
  EXPECT_EQ_INT(NTP_M6_DONE, ntp_m6_reasm_add(&r, p, n));
  EXPECT_EQ_STR("a=1", (char *)r.data);
  /* request assoc 0 (READCLOCK default) accepts the clock's assoc */
  ntp_m6_reasm_init(&r, 2, 4, 5, 0);
  n = mkfrag(p, 2, R, 4, 5, 0, 44, 0, "a=1", 3);
  EXPECT_EQ_INT(NTP_M6_DONE, ntp_m6_reasm_add(&r, p, n));
  EXPECT_EQ_INT(44, r.resp_assoc);
}

static void test_server_error(void) {
  static ntp_m6_reasm_t r;
  uint8_t p[600];
  ntp_m6_reasm_init(&r, 2, 2, 9, 7);
  size_t n = mkfrag(p, 2, R | E, 2, 9, 0x0400, 7, 0, "", 0);
  EXPECT_EQ_INT(NTP_M6_E_SERVER, ntp_m6_reasm_add(&r, p, n));
  EXPECT_EQ_INT(4, r.error_code);
  EXPECT_EQ_STR("bad association", ntp_m6_error_name(r.error_code));
  EXPECT_EQ_STR("unknown variable", ntp_m6_error_name(5));
  EXPECT_EQ_STR("unknown", ntp_m6_error_name(9));
  OK(ntp_m6_status_fatal(NTP_M6_E_SERVER));
}

/* Split text into fragments of size fs; feed them in the order given by
 * perm (indexes), return the final status. */
static ntp_m6_status_t feed(ntp_m6_reasm_t *r, const char *txt, size_t fs,
                            const int *perm, int nperm) {
  size_t len = strlen(txt);
  ntp_m6_status_t st = NTP_M6_E_ARG;
  uint8_t p[600];
  ntp_m6_reasm_init(r, 2, 2, 3, 1);
  for (int i = 0; i < nperm; i++) {
    size_t off = (size_t)perm[i] * fs;
    size_t cnt = off + fs <= len ? fs : len - off;
    unsigned more = off + cnt < len ? M : 0;
    size_t n = mkfrag(p, 2, R | more, 2, 3, 0x1234, 1, (uint16_t)off,
                      txt + off, cnt);
    st = ntp_m6_reasm_add(r, p, n);
  }
  return st;
}

static void test_fragments(void) {
  static ntp_m6_reasm_t r;
  /* 1000 bytes -> 3 fragments of 468,468,64 like NTPsec would send */
  static char txt[1001];
  for (int i = 0; i < 1000; i++)
    txt[i] = (char)('a' + i % 26);
  txt[1000] = 0;
  static const int in_order[] = {0, 1, 2};
  EXPECT_EQ_INT(NTP_M6_DONE, feed(&r, txt, 468, in_order, 3));
  EXPECT_EQ_INT(1000, r.len);
  OK(memcmp(r.data, txt, 1000) == 0);
  static const int reversed[] = {2, 1, 0};
  EXPECT_EQ_INT(NTP_M6_DONE, feed(&r, txt, 468, reversed, 3));
  OK_MSG(memcmp(r.data, txt, 1000) == 0, "out of order fragments reassembled");
  static const int gap[] = {0, 2};
  EXPECT_EQ_INT(NTP_M6_OK, feed(&r, txt, 468, gap, 2));
  OK_MSG(r.have_last && r.len == 0, "a gap keeps the response incomplete");
  static const int dup[] = {0, 0, 1, 2};
  EXPECT_EQ_INT(NTP_M6_DONE, feed(&r, txt, 468, dup, 4));
  static const int dup2[] = {0, 1, 1};
  EXPECT_EQ_INT(NTP_M6_E_DUPLICATE, feed(&r, txt, 468, dup2, 3));
  OK(!ntp_m6_status_fatal(NTP_M6_E_DUPLICATE));
  /* many small fragments, shuffled */
  srand((unsigned)testing_seed("TEST_SEED", 12345));
  int ok_all = 1;
  for (int round = 0; round < 200; round++) {
    int fs = 10 + rand() % 60;
    int nf = (1000 + fs - 1) / fs;
    if (nf > NTP_M6_MAX_FRAGS) {
      fs = 1000 / NTP_M6_MAX_FRAGS + 1;
      nf = (1000 + fs - 1) / fs;
    }
    int perm[NTP_M6_MAX_FRAGS];
    for (int i = 0; i < nf; i++)
      perm[i] = i;
    for (int i = nf - 1; i > 0; i--) {
      int j = rand() % (i + 1), t = perm[i];
      perm[i] = perm[j], perm[j] = t;
    }
    ntp_m6_status_t st = feed(&r, txt, (size_t)fs, perm, nf);
    if (st != NTP_M6_DONE || r.len != 1000 || memcmp(r.data, txt, 1000))
      ok_all = 0;
  }
  OK_MSG(ok_all, "200 random fragmentations reassemble to the original");
  /* 33 fragments: too many */
  static const int many[33] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
                               11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                               22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
  EXPECT_EQ_INT(NTP_M6_E_TOOMANY, feed(&r, txt, 30, many, 33));
}

static void test_overlap(void) {
  static ntp_m6_reasm_t r;
  uint8_t p[600];
  size_t n;
  ntp_m6_reasm_init(&r, 2, 2, 1, 0);
  n = mkfrag(p, 2, R | M, 2, 1, 0, 0, 0, "abcdefgh", 8);
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_reasm_add(&r, p, n));
  n = mkfrag(p, 2, R | M, 2, 1, 0, 0, 4, "efghijkl", 8);
  EXPECT_EQ_INT(NTP_M6_E_OVERLAP, ntp_m6_reasm_add(&r, p, n));
  OK(ntp_m6_status_fatal(NTP_M6_E_OVERLAP));
  /* a last fragment that ends before data we already hold */
  ntp_m6_reasm_init(&r, 2, 2, 1, 0);
  n = mkfrag(p, 2, R | M, 2, 1, 0, 0, 8, "ijkl", 4);
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_reasm_add(&r, p, n));
  n = mkfrag(p, 2, R, 2, 1, 0, 0, 0, "abcd", 4);
  EXPECT_EQ_INT(NTP_M6_E_BEYONDEND, ntp_m6_reasm_add(&r, p, n));
  /* a fragment past the end announced by the last one */
  ntp_m6_reasm_init(&r, 2, 2, 1, 0);
  n = mkfrag(p, 2, R, 2, 1, 0, 0, 4, "efgh", 4);
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_reasm_add(&r, p, n));
  n = mkfrag(p, 2, R | M, 2, 1, 0, 0, 8, "ijkl", 4);
  EXPECT_EQ_INT(NTP_M6_E_BEYONDEND, ntp_m6_reasm_add(&r, p, n));
  n = mkfrag(p, 2, R | M, 2, 1, 0, 0, 0, "abcd", 4);
  EXPECT_EQ_INT(NTP_M6_DONE, ntp_m6_reasm_add(&r, p, n));
  EXPECT_EQ_STR("abcdefgh", (char *)r.data);
  /* offset+count beyond the largest response */
  ntp_m6_reasm_init(&r, 2, 2, 1, 0);
  n = mkfrag(p, 2, R, 2, 1, 0, 0, 65000, "abcd", 4);
  EXPECT_EQ_INT(NTP_M6_E_COUNT, ntp_m6_reasm_add(&r, p, n));
}

/* A resend under a new sequence (5 -> 0x8005): the two answers' fragments
 * are never mixed.  Answer A = "aaaa1111", answer B = "bbbb2222", 4 octets
 * a fragment. */
static void test_resend(void) {
  static ntp_m6_reasm_t r;
  uint8_t p[600];
  size_t n;
  ntp_m6_reasm_init(&r, 2, 2, 5, 0);
  ntp_m6_reasm_resend(&r, 0x8005);
  n = mkfrag(p, 2, R | M, 2, 5, 0, 0, 0, "aaaa", 4); /* A's first */
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_reasm_add(&r, p, n));
  n = mkfrag(p, 2, R, 2, 0x8005, 0, 0, 4, "2222", 4); /* B's last */
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_reasm_add(&r, p, n));
  OK_MSG(r.nfrags == 1, "A's fragment dropped, never spliced with B's");
  n = mkfrag(p, 2, R, 2, 5, 0, 0, 4, "1111", 4); /* A's last, late */
  EXPECT_EQ_INT(NTP_M6_E_SEQUENCE, ntp_m6_reasm_add(&r, p, n));
  n = mkfrag(p, 2, R | M, 2, 0x8005, 0, 0, 0, "bbbb", 4); /* B's first */
  EXPECT_EQ_INT(NTP_M6_DONE, ntp_m6_reasm_add(&r, p, n));
  EXPECT_EQ_STR("bbbb2222", (char *)r.data);
  /* A complete before any fragment of B: A as it is */
  ntp_m6_reasm_init(&r, 2, 2, 5, 0);
  ntp_m6_reasm_resend(&r, 0x8005);
  n = mkfrag(p, 2, R, 2, 5, 0, 0, 4, "1111", 4);
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_reasm_add(&r, p, n));
  n = mkfrag(p, 2, R | M, 2, 5, 0, 0, 0, "aaaa", 4);
  EXPECT_EQ_INT(NTP_M6_DONE, ntp_m6_reasm_add(&r, p, n));
  EXPECT_EQ_STR("aaaa1111", (char *)r.data);
  /* a resend under the same number changes nothing */
  ntp_m6_reasm_init(&r, 2, 2, 5, 0);
  ntp_m6_reasm_resend(&r, 5);
  n = mkfrag(p, 2, R | M, 2, 5, 0, 0, 0, "aaaa", 4);
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_reasm_add(&r, p, n));
  n = mkfrag(p, 2, R, 2, 5, 0, 0, 4, "1111", 4);
  EXPECT_EQ_INT(NTP_M6_DONE, ntp_m6_reasm_add(&r, p, n));
}

static void test_varlist(void) {
  ntp_m6_var_t v[32];
  size_t n = 0;
  char t1[] = "version=\"ntpd ntpsec-1.2.2 2023-05-12T00:00:00Z\", "
              "processor=\"x86_64\",\r\nsystem=\"Linux/6.1\", leap=3,"
              " stratum=16, precision=-24,\r\nrootdelay=0.000000, "
              "refid=INIT, reftime=0x00000000.00000000,\r\n"
              "tc=3, offset=-0.123456, frequency=+12.5,\r\n"
              "flags=\"a, b, c\", bare, empty=, sp = 7 ,\r\n";
  EXPECT_EQ_INT(NTP_M6_OK,
                ntp_m6_varlist_parse(t1, strlen(t1), v, 32, &n));
  EXPECT_EQ_INT(16, n);
  EXPECT_EQ_STR("version", v[0].name);
  EXPECT_EQ_STR("ntpd ntpsec-1.2.2 2023-05-12T00:00:00Z", v[0].value);
  OK(v[0].quoted);
  EXPECT_EQ_STR("system", v[2].name);
  EXPECT_EQ_STR("Linux/6.1", v[2].value);
  EXPECT_EQ_STR("3", ntp_m6_var_get(v, n, "leap"));
  OK(!v[3].quoted);
  EXPECT_EQ_STR("a, b, c", ntp_m6_var_get(v, n, "flags"));
  EXPECT_EQ_STR("INIT", ntp_m6_var_get(v, n, "refid"));
  EXPECT_EQ_STR("bare", v[13].name);
  OK(v[13].value == NULL);
  EXPECT_EQ_STR("", ntp_m6_var_get(v, n, "empty"));
  EXPECT_EQ_STR("7", ntp_m6_var_get(v, n, "sp"));
  OK(ntp_m6_var_get(v, n, "nothere") == NULL);
  double d = 99;
  EXPECT_EQ_INT(0, ntp_m6_var_double(v, n, "offset", &d));
  EXPECT_EQ_DOUBLE(-0.123456, d);
  EXPECT_EQ_INT(0, ntp_m6_var_double(v, n, "frequency", &d));
  EXPECT_EQ_DOUBLE(12.5, d);
  EXPECT_EQ_INT(0, ntp_m6_var_double(v, n, "precision", &d));
  EXPECT_EQ_DOUBLE(-24, d);
  d = 99;
  EXPECT_EQ_INT(-1, ntp_m6_var_double(v, n, "refid", &d));
  EXPECT_EQ_INT(-1, ntp_m6_var_double(v, n, "bare", &d));
  EXPECT_EQ_INT(-1, ntp_m6_var_double(v, n, "empty", &d));
  EXPECT_EQ_INT(-1, ntp_m6_var_double(v, n, "nothere", &d));
  EXPECT_EQ_DOUBLE(99, d);
  char t2[] = "reach=0x1f, flash=0x1600";
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_varlist_parse(t2, strlen(t2), v, 32, &n));
  EXPECT_EQ_INT(0, ntp_m6_var_double(v, n, "reach", &d));
  EXPECT_EQ_DOUBLE(31, d);
  /* NUL padding ends the text */
  char t3[] = "a=1\0\0\0";
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_varlist_parse(t3, 6, v, 32, &n));
  EXPECT_EQ_INT(1, n);
  /* errors */
  char e1[] = "a=\"unterminated, b=2";
  EXPECT_EQ_INT(NTP_M6_E_SYNTAX, ntp_m6_varlist_parse(e1, strlen(e1), v, 32,
                                                      &n));
  char e2[] = "a=1, =2";
  EXPECT_EQ_INT(NTP_M6_E_SYNTAX, ntp_m6_varlist_parse(e2, strlen(e2), v, 32,
                                                      &n));
  char e3[] = "a=\"x\"y, b=2";
  EXPECT_EQ_INT(NTP_M6_E_SYNTAX, ntp_m6_varlist_parse(e3, strlen(e3), v, 32,
                                                      &n));
  char e4[] = "a=1, b=2, c=3";
  EXPECT_EQ_INT(NTP_M6_E_FULL, ntp_m6_varlist_parse(e4, strlen(e4), v, 2, &n));
  EXPECT_EQ_INT(2, n);
  char e5[] = "";
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_varlist_parse(e5, 0, v, 32, &n));
  EXPECT_EQ_INT(0, n);
  /* text with a fragment boundary: reassembled first, so items are whole */
  char t4[] = "timecode=\"1700000000.123\", poll=12,\r\n"
              "device=\"SHM/Shared memory interface\"\r\n";
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_varlist_parse(t4, strlen(t4), v, 32, &n));
  EXPECT_EQ_INT(3, n);
  EXPECT_EQ_STR("SHM/Shared memory interface", v[2].value);
}

static void test_readstat(void) {
  static const uint8_t d[] = {0x2d, 0x2c, 0x96, 0x14, 0x2d, 0x2d, 0x80, 0x11};
  ntp_m6_assoc_t a[4];
  size_t n = 0;
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_readstat_parse(d, 8, a, 4, &n));
  EXPECT_EQ_INT(2, n);
  EXPECT_EQ_INT(11564, a[0].assoc);
  EXPECT_EQ_INT(0x9614, a[0].status);
  EXPECT_EQ_INT(11565, a[1].assoc);
  EXPECT_EQ_INT(NTP_M6_E_FULL, ntp_m6_readstat_parse(d, 8, a, 1, &n));
  EXPECT_EQ_INT(NTP_M6_E_SHORT, ntp_m6_readstat_parse(d, 6, a, 4, &n));
  EXPECT_EQ_INT(NTP_M6_OK, ntp_m6_readstat_parse(d, 0, a, 4, &n));
  EXPECT_EQ_INT(0, n);
}

static void test_status_words(void) {
  ntp_m6_sys_status_t s;
  ntp_m6_sys_status(0xc416, &s); /* NTPsec unsynchronised, from tcpdump */
  EXPECT_EQ_INT(3, s.leap);
  EXPECT_EQ_INT(4, s.source);
  EXPECT_EQ_STR("uhf_radio", s.source_name);
  EXPECT_EQ_INT(1, s.event_count);
  EXPECT_EQ_INT(6, s.event_code);
  ntp_m6_sys_status(0x0118, &s);
  EXPECT_EQ_INT(0, s.leap);
  EXPECT_EQ_STR("pps", s.source_name);
  ntp_m6_sys_status(0x0600, &s);
  EXPECT_EQ_STR("ntp", s.source_name);
  ntp_m6_sys_status(0x3f00, &s);
  EXPECT_EQ_INT(63, s.source);
  EXPECT_EQ_STR("other", s.source_name);

  /* 0x961a: conf|reach, sys.peer, 1 event, code 10 sys_peer (ntpq as). */
  ntp_m6_peer_status_t p;
  ntp_m6_peer_status(0x961a, &p);
  OK(p.configured && p.reachable && !p.authenable && !p.authentic &&
     !p.broadcast);
  EXPECT_EQ_INT(NTP_M6_SEL_SYSPEER, p.select);
  EXPECT_EQ_STR("sys.peer", p.select_name);
  EXPECT_EQ_INT('*', p.select_char);
  EXPECT_EQ_INT(1, p.event_count);
  EXPECT_EQ_INT(10, p.event_code);
  EXPECT_EQ_STR("sys_peer", p.event_name);
  /* 0x8011: conf, reject, not reachable, mobilize */
  ntp_m6_peer_status(0x8011, &p);
  OK(p.configured && !p.reachable);
  EXPECT_EQ_STR("reject", p.select_name);
  EXPECT_EQ_INT(' ', p.select_char);
  EXPECT_EQ_STR("mobilize", p.event_name);
  ntp_m6_peer_status(0x7f00, &p); /* all flag bits but conf, pps.peer */
  OK(!p.configured && p.authenable && p.authentic && p.reachable &&
     p.broadcast);
  EXPECT_EQ_STR("pps.peer", p.select_name);
  static const char *const names[8] = {"reject",    "falseticker", "excess",
                                       "outlier",   "candidate",   "backup",
                                       "sys.peer",  "pps.peer"};
  static const char tally[] = " x.-+#*o";
  int all = 1;
  for (unsigned sel = 0; sel < 8; sel++) {
    ntp_m6_peer_status((uint16_t)(0x9000 | sel << 8 | 0x33), &p);
    if (p.select != sel || strcmp(p.select_name, names[sel]) ||
        p.select_char != tally[sel] || p.event_count != 3 ||
        p.event_code != 3 || strcmp(p.event_name, "unreachable"))
      all = 0;
  }
  OK_MSG(all, "all 8 selection codes decode to ntpq's names and tallies");
  EXPECT_EQ_STR("interleave_error", (ntp_m6_peer_status(0x000f, &p),
                                     p.event_name));

  ntp_m6_clock_status_t c;
  ntp_m6_clock_status(0x0021, &c); /* last event badformat, now noreply */
  EXPECT_EQ_INT(1, c.status);
  EXPECT_EQ_STR("noreply", c.status_name);
  EXPECT_EQ_INT(2, c.last_event);
  EXPECT_EQ_STR("badformat", c.last_event_name);
  ntp_m6_clock_status(0x0009, &c);
  EXPECT_EQ_STR("unknown", c.status_name);
  EXPECT_EQ_STR("ok", c.last_event_name);
}

static void test_strings(void) {
  int all = 1;
  for (int s = NTP_M6_OK; s <= NTP_M6_E_FULL; s++)
    if (strcmp(ntp_m6_strstatus((ntp_m6_status_t)s), "unknown status") == 0)
      all = 0;
  OK_MSG(all, "every status has a description");
  EXPECT_EQ_STR("wrong sequence", ntp_m6_strstatus(NTP_M6_E_SEQUENCE));
}

int main(void) {
  test_request();
  test_header();
  test_single();
  test_mismatch();
  test_server_error();
  test_fragments();
  test_overlap();
  test_resend();
  test_varlist();
  test_readstat();
  test_status_words();
  test_strings();
  return testing_done();
}
