/* SPDX-License-Identifier: MIT
 * Fuzz target for the ntp plugin's decoders: mode 6 reassembly + varlist
 * parsing + status words + the snapshot mapping, and the chrony cmdmon
 * reply checks and decoders.
 *
 * libFuzzer (clang from Debian; documented in docs/ntp.md):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DNTP_FUZZ_LIBFUZZER \
 *     -I. tests/plugin/test_ntp_fuzz.c common/ntp_mode6.c \
 *     common/chrony_cmdmon.c common/ntp_snapshot.c -lm -o ntp_fuzz
 *   ./mkdir -p corpus && ./ntp_fuzz -max_total_time=60 corpus
 * Without libFuzzer (make check): a bounded random run (seeded mutations of
 * valid datagrams, TEST_SEED / FUZZ_ITERATIONS override) that must not
 * crash; the sanitizer build (scripts/test.sh --sanitize) makes it strict.
 *
 * Input layout: byte 0 picks the target, then records of
 * [u16 big-endian length][bytes].
 * tests/fuzz (make fuzz, and a short run in make check) builds this file
 * twice: -DNTP_FUZZ_MODE6 (mode 6 and varlist text only) and
 * -DNTP_FUZZ_CHRONY (cmdmon replies only), with seeds made from the
 * recorded conversations in tests/data/ntp.
 */
#include "common/chrony_cmdmon.h"
#include "common/ntp_mode6.h"
#include "common/ntp_snapshot.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_mode6(const uint8_t *d, size_t n) {
  static ntp_m6_reasm_t r;
  static ntp_snap_t snap;
  ntp_m6_var_t v[64];
  size_t nv = 0;
  unsigned op = n > 0 ? d[0] & 0x1f : 2;
  ntp_m6_reasm_init(&r, 2, op, n > 2 ? (uint16_t)(d[1] << 8 | d[2]) : 0,
                    n > 4 ? (uint16_t)(d[3] << 8 | d[4]) : 0);
  ntp_m6_status_t st = NTP_M6_OK;
  size_t i = n > 5 ? 5 : n;
  while (i + 2 <= n) {
    size_t len = (size_t)(d[i] << 8 | d[i + 1]);
    i += 2;
    if (len > n - i)
      len = n - i;
    uint8_t *pkt = malloc(len ? len : 1); /* exact size: ASan sees overruns */
    memcpy(pkt, d + i, len);
    st = ntp_m6_reasm_add(&r, pkt, len);
    free(pkt);
    i += len;
    if (st == NTP_M6_DONE || ntp_m6_status_fatal(st))
      break;
  }
  if (st != NTP_M6_DONE)
    return;
  ntp_m6_assoc_t as[64];
  size_t na = 0;
  ntp_m6_readstat_parse(r.data, r.len, as, 64, &na);
  ntp_snap_init(&snap);
  if (ntp_m6_varlist_parse((char *)r.data, r.len, v, 64, &nv) == NTP_M6_E_ARG)
    abort();
  ntp_snap_from_mode6_sys(&snap, v, nv, r.status);
  ntp_snap_from_mode6_kernel(&snap, v, nv);
  for (size_t k = 0; k < na; k++)
    ntp_snap_add_mode6_peer(&snap, v, nv, as[k].status);
  ntp_snap_finish(&snap);
  ntp_m6_clock_status_t cs;
  ntp_m6_clock_status(r.status, &cs);
}

static void fuzz_chrony(const uint8_t *d, size_t n) {
  static const unsigned cmds[] = {CHRONY_REQ_TRACKING, CHRONY_REQ_N_SOURCES,
                                  CHRONY_REQ_SOURCE_DATA,
                                  CHRONY_REQ_SOURCESTATS};
  static ntp_snap_t snap;
  uint8_t *pkt = malloc(n ? n : 1);
  memcpy(pkt, d, n);
  ntp_snap_init(&snap);
  for (size_t c = 0; c < 4; c++) {
    chrony_reply_t r;
    uint32_t seq = n >= 20 ? (uint32_t)d[16] << 24 | (uint32_t)d[17] << 16 |
                                 (uint32_t)d[18] << 8 | d[19]
                           : 0;
    if (chrony_parse_reply(pkt, n, cmds[c], seq, &r) != CHRONY_OK)
      continue;
    chrony_tracking_t t;
    chrony_source_data_t s;
    chrony_sourcestats_t ss;
    chrony_n_sources_t ns;
    char name[64];
    if (chrony_decode_tracking(&r, &t) == CHRONY_OK)
      ntp_snap_from_chrony_tracking(&snap, &t);
    if (chrony_decode_source_data(&r, &s) == CHRONY_OK) {
      chrony_source_name(&s, name, sizeof(name));
      ntp_snap_add_chrony_source(&snap, &s, NULL);
    }
    if (chrony_decode_sourcestats(&r, &ss) == CHRONY_OK)
      chrony_ipaddr_str(&ss.ip, name, sizeof(name));
    chrony_decode_n_sources(&r, &ns);
  }
  ntp_snap_finish(&snap);
  free(pkt);
}

static void fuzz_text(const uint8_t *d, size_t n) {
  char *t = malloc(n + 1);
  ntp_m6_var_t v[16];
  size_t nv = 0;
  double x;
  memcpy(t, d, n);
  ntp_m6_varlist_parse(t, n, v, 16, &nv);
  for (size_t i = 0; i < nv; i++)
    ntp_m6_var_double(v, nv, v[i].name, &x);
  free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
#if defined(NTP_FUZZ_CHRONY) /* tests/fuzz: the chrony_cmdmon target */
  int which = 1;
#elif defined(NTP_FUZZ_MODE6) /* tests/fuzz: the ntp_mode6 target */
  int which = data[0] % 2 ? 2 : 0;
#else
  int which = data[0] % 3;
#endif
  switch (which) {
  case 0: fuzz_mode6(data + 1, size - 1); break;
  case 1: fuzz_chrony(data + 1, size - 1); break;
  default: fuzz_text(data + 1, size - 1); break;
  }
  return 0;
}

#ifndef NTP_FUZZ_LIBFUZZER
/* A valid 2-fragment mode 6 answer and a valid chrony tracking reply as
 * seeds, then random bit flips, truncations and splices. */
static size_t seed_mode6(uint8_t *b) {
  const char *txt = "leap=0, stratum=2, offset=-0.5, srchost=\"SHM(0)\", "
                    "reach=0xff,\r\nrootdelay=1.0, rootdisp=2.0";
  size_t len = strlen(txt), half = len / 2, o = 0;
  b[o++] = 0; /* target */
  b[o++] = 2, b[o++] = 0, b[o++] = 7, b[o++] = 0, b[o++] = 0;
  for (int f = 0; f < 2; f++) {
    size_t off = f ? half : 0, cnt = f ? len - half : half;
    size_t plen = 12 + ((cnt + 3) & ~(size_t)3);
    b[o++] = (uint8_t)(plen >> 8), b[o++] = (uint8_t)plen;
    memset(b + o, 0, plen);
    b[o] = 0x16;
    b[o + 1] = (uint8_t)(0x82 | (f ? 0 : 0x20));
    b[o + 3] = 7;
    b[o + 8] = (uint8_t)(off >> 8), b[o + 9] = (uint8_t)off;
    b[o + 10] = (uint8_t)(cnt >> 8), b[o + 11] = (uint8_t)cnt;
    memcpy(b + o + 12, txt + off, cnt);
    o += plen;
  }
  return o;
}

static size_t seed_chrony(uint8_t *b) {
  memset(b, 0, 105);
  b[0] = 1;
  b[1] = 6, b[2] = 2, b[6] = 33, b[8] = 5; /* TRACKING reply */
  for (int i = 0; i < 9; i++) {
    uint32_t f = chrony_float_encode(1e-3 * (i + 1));
    b[1 + 68 + 4 * i] = (uint8_t)(f >> 24);
    b[1 + 69 + 4 * i] = (uint8_t)(f >> 16);
  }
  return 105;
}

int main(void) {
  unsigned seed = 20261122, iters = 1000000;
  const char *s = getenv("TEST_SEED");
  if (s)
    seed = (unsigned)strtoul(s, NULL, 10);
  if ((s = getenv("FUZZ_ITERATIONS")))
    iters = (unsigned)strtoul(s, NULL, 10);
  printf("# seed %u, %u iterations\n", seed, iters);
  srand(seed);
  static uint8_t seeds[2][1200], buf[1200];
  size_t sl[2] = {seed_mode6(seeds[0]), seed_chrony(seeds[1])};
  for (unsigned it = 0; it < iters; it++) {
    int k = rand() % 2;
    size_t n = sl[k];
    memcpy(buf, seeds[k], n);
    int muts = 1 + rand() % 8;
    for (int m = 0; m < muts; m++) {
      switch (rand() % 4) {
      case 0: buf[rand() % n] ^= (uint8_t)(1u << (rand() % 8)); break;
      case 1: buf[rand() % n] = (uint8_t)rand(); break;
      case 2: n = 1 + (size_t)rand() % n; break;
      default:
        if (n < sizeof(buf) - 16)
          n += (size_t)rand() % 16;
        break;
      }
    }
    if (rand() % 5 == 0)
      buf[0] = 2; /* text target */
    LLVMFuzzerTestOneInput(buf, n);
  }
  printf("ok 1 - %u fuzzed inputs decoded without a crash\n1..1\n", iters);
  return 0;
}
#endif
