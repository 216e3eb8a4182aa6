/* SPDX-License-Identifier: MIT
 * timex_decode - struct timex to SI units (see timex_decode.h). */
#include "common/timex_decode.h"

#include <math.h>

/* Scaled ppm: the kernel keeps frequencies as ppm with 16 fractional bits. */
#define SCALED_PPM 65536.0

/* Every status bit of linux/timex.h, in bit order. */
const timex_status_bit_t timex_status_bits[] = {
    {"pll", STA_PLL},           {"ppsfreq", STA_PPSFREQ},
    {"ppstime", STA_PPSTIME},   {"fll", STA_FLL},
    {"ins", STA_INS},           {"del", STA_DEL},
    {"unsync", STA_UNSYNC},     {"freqhold", STA_FREQHOLD},
    {"ppssignal", STA_PPSSIGNAL}, {"ppsjitter", STA_PPSJITTER},
    {"ppswander", STA_PPSWANDER}, {"ppserror", STA_PPSERROR},
    {"clockerr", STA_CLOCKERR}, {"nano", STA_NANO},
    {"mode", STA_MODE},         {"clk", STA_CLK},
};
const int timex_status_bits_num =
    (int)(sizeof(timex_status_bits) / sizeof(timex_status_bits[0]));

/* Linux kernel/time/ntp.c: NTP_PHASE_LIMIT, the cap of time_maxerror (µs).
 * second_overflow() adds 500 µs to maxerror every second nobody updates it
 * and, on reaching this cap, clamps it there and sets STA_UNSYNC itself. */
#define TIMEX_PHASE_LIMIT_US 16000000LL

/* A daemon is disciplining the clock while it keeps the error bound below the
 * cap.  STA_UNSYNC / TIME_ERROR cannot tell: chronyd without rtcsync keeps
 * STA_UNSYNC set on purpose (chrony sys_timex.c set_sync_status) so the
 * kernel's 11-minute mode never writes the RTC.  A negative bound is not one
 * the kernel keeps (it clamps to 0..cap): not synchronised. */
static int timex_bound_synchronised(long long maxerror_us) {
  return maxerror_us >= 0 && maxerror_us < TIMEX_PHASE_LIMIT_US;
}

int timex_decode(const struct timex *tx, int ret, timex_reading_t *out) {
  if (ret < 0)
    return -1;
  /* offset and PPS jitter: ns with STA_NANO, else µs. */
  double fine = (tx->status & STA_NANO) ? 1e-9 : 1e-6;

  out->offset_s = (double)tx->offset * fine;
  out->frequency_ppm = (double)tx->freq / SCALED_PPM;
  out->maxerror_s = (double)tx->maxerror * 1e-6;
  out->esterror_s = (double)tx->esterror * 1e-6;
  out->time_constant = (double)tx->constant;
  out->tick_s = (double)tx->tick * 1e-6;
  out->precision_s = (double)tx->precision * 1e-6;
  out->tolerance_ppm = (double)tx->tolerance / SCALED_PPM;
  out->tai_offset_s = (double)tx->tai;
  out->status = (double)(tx->status & 0xffff);
  out->state = (double)ret;
  out->synchronised = timex_bound_synchronised(tx->maxerror) ? 1.0 : 0.0;
  out->pps_frequency_ppm = (double)tx->ppsfreq / SCALED_PPM;
  out->pps_jitter_s = (double)tx->jitter * fine;
  out->pps_shift = (double)tx->shift;
  out->pps_interval_s = ldexp(1.0, tx->shift);
  out->pps_stability_ppm = (double)tx->stabil / SCALED_PPM;
  out->pps_jitter_count = tx->jitcnt;
  out->pps_calibration_count = tx->calcnt;
  out->pps_error_count = tx->errcnt;
  out->pps_stability_count = tx->stbcnt;
  for (int i = 0; i < timex_status_bits_num; i++)
    out->flag[i] = (tx->status & timex_status_bits[i].mask) ? 1.0 : 0.0;
  return 0;
}
