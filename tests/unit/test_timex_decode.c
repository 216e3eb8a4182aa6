/* SPDX-License-Identifier: MIT
 * Unit tests of common/timex_decode: µs vs ns, scaled ppm, every status bit,
 * the synchronised rule, on crafted structs. */
#include "common/timex_decode.h"
#include "tests/unit/testing.h"

static void test_microseconds(void) {
  struct timex tx = {.offset = -1500, /* µs without STA_NANO */
                     .freq = 65536 * 12 + 32768, /* 12.5 ppm */
                     .maxerror = 250000,
                     .esterror = 250,
                     .constant = 7,
                     .tick = 10000,
                     .precision = 1,
                     .tolerance = 32768000, /* 500 ppm */
                     .tai = 37,
                     .ppsfreq = -65536 * 3,
                     .jitter = 42,
                     .shift = 8,
                     .stabil = 65536 / 4,
                     .jitcnt = 1,
                     .calcnt = 2,
                     .errcnt = 3,
                     .stbcnt = 4,
                     .status = STA_PLL};
  timex_reading_t r;
  EXPECT_EQ_INT(0, timex_decode(&tx, TIME_OK, &r));
  EXPECT_EQ_DOUBLE(-1.5e-3, r.offset_s);
  EXPECT_EQ_DOUBLE(12.5, r.frequency_ppm);
  EXPECT_EQ_DOUBLE(0.25, r.maxerror_s);
  EXPECT_EQ_DOUBLE(250e-6, r.esterror_s);
  EXPECT_EQ_DOUBLE(7.0, r.time_constant);
  EXPECT_EQ_DOUBLE(0.01, r.tick_s);
  EXPECT_EQ_DOUBLE(1e-6, r.precision_s);
  EXPECT_EQ_DOUBLE(500.0, r.tolerance_ppm);
  EXPECT_EQ_DOUBLE(37.0, r.tai_offset_s);
  EXPECT_EQ_DOUBLE(-3.0, r.pps_frequency_ppm);
  EXPECT_EQ_DOUBLE(42e-6, r.pps_jitter_s);
  EXPECT_EQ_DOUBLE(8.0, r.pps_shift);
  EXPECT_EQ_DOUBLE(256.0, r.pps_interval_s);
  EXPECT_EQ_DOUBLE(0.25, r.pps_stability_ppm);
  EXPECT_EQ_INT(1, r.pps_jitter_count);
  EXPECT_EQ_INT(2, r.pps_calibration_count);
  EXPECT_EQ_INT(3, r.pps_error_count);
  EXPECT_EQ_INT(4, r.pps_stability_count);
  EXPECT_EQ_DOUBLE(1.0, r.synchronised);
  EXPECT_EQ_DOUBLE(0.0, r.state);
}

static void test_nanoseconds(void) {
  struct timex tx = {.offset = -1500, .jitter = 42, .status = STA_NANO};
  timex_reading_t r;
  EXPECT_EQ_INT(0, timex_decode(&tx, TIME_OK, &r));
  EXPECT_EQ_DOUBLE(-1.5e-6, r.offset_s);
  EXPECT_EQ_DOUBLE(42e-9, r.pps_jitter_s);
}

static void test_status_bits(void) {
  EXPECT_EQ_INT(16, timex_status_bits_num);
  for (int i = 0; i < timex_status_bits_num; i++) {
    struct timex tx = {.status = timex_status_bits[i].mask};
    timex_reading_t r;
    timex_decode(&tx, TIME_OK, &r);
    int only_this = 1;
    for (int j = 0; j < timex_status_bits_num; j++)
      if (r.flag[j] != (i == j ? 1.0 : 0.0))
        only_this = 0;
    char msg[96];
    snprintf(msg, sizeof(msg), "status bit %s (0x%04x) maps to flag %d only",
             timex_status_bits[i].name, timex_status_bits[i].mask, i);
    OK_MSG(only_this, msg);
    EXPECT_EQ_DOUBLE((double)timex_status_bits[i].mask, r.status);
  }
  /* The bits are distinct and cover the 16-bit status word. */
  int all = 0;
  for (int i = 0; i < timex_status_bits_num; i++)
    all |= timex_status_bits[i].mask;
  EXPECT_EQ_INT(0xffff, all);
}

/* Synchronised = the kernel's error bound below its 16 s cap; the return
 * value and STA_UNSYNC do not decide it (chronyd without rtcsync keeps
 * STA_UNSYNC set while it disciplines the clock). */
static void test_synchronised_rule(void) {
  timex_reading_t r;
  struct timex tx = {.status = STA_UNSYNC, .maxerror = 37451};
  timex_decode(&tx, TIME_ERROR, &r); /* chronyd without rtcsync */
  EXPECT_EQ_DOUBLE(1.0, r.synchronised);
  EXPECT_EQ_DOUBLE(1.0, r.flag[6]); /* the raw STA_UNSYNC bit stays 1 */
  EXPECT_EQ_DOUBLE(5.0, r.state);
  tx.status = 0;
  timex_decode(&tx, TIME_INS, &r); /* leap insert pending, still synced */
  EXPECT_EQ_DOUBLE(1.0, r.synchronised);
  /* Either side of the cap (µs). */
  tx.maxerror = 15999999;
  timex_decode(&tx, TIME_OK, &r);
  EXPECT_EQ_DOUBLE(1.0, r.synchronised);
  tx.maxerror = 16000000;
  timex_decode(&tx, TIME_OK, &r);
  EXPECT_EQ_DOUBLE(0.0, r.synchronised);
  tx.maxerror = -1; /* not a bound the kernel keeps */
  timex_decode(&tx, TIME_OK, &r);
  EXPECT_EQ_DOUBLE(0.0, r.synchronised);
  /* What this VM reports (nobody disciplines it): ret 5, status 0x40. */
  tx.status = STA_UNSYNC;
  tx.maxerror = 16000000;
  timex_decode(&tx, TIME_ERROR, &r);
  EXPECT_EQ_DOUBLE(0.0, r.synchronised);
  EXPECT_EQ_DOUBLE(16.0, r.maxerror_s);
  EXPECT_EQ_INT(-1, timex_decode(&tx, -1, &r));
}

int main(void) {
  test_microseconds();
  test_nanoseconds();
  test_status_bits();
  test_synchronised_rule();
  return testing_done();
}
