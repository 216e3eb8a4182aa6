/* SPDX-License-Identifier: MIT
 * timex plugin - the kernel clock's discipline state as the time daemon
 * (ntpd, chronyd) keeps it: PLL offset and frequency, error bounds, status
 * bits, kernel PPS (hardpps) figures.  bool-synchronised is 1 while the
 * maximum error bound stays below 16 s (NTP_PHASE_LIMIT, Linux
 * kernel/time/ntp.c: the kernel adds 500 us per second to a bound nobody
 * updates), not from STA_UNSYNC, which chronyd without rtcsync leaves set
 * on purpose (see common/timex_decode.c).
 * Source: adjtimex(2) with modes = 0 (a pure read: nothing is ever set).
 * Privileges: none (works as any user; never needs CAP_SYS_TIME).
 */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"

#include "common/timex_decode.h"
#include "plugins/cdutil.h"

#include <stddef.h>
#include <sys/timex.h>

#define TX(kind, field) CDU_FIELD(kind, timex_reading_t, field)
#define FLAG(i, name)                                                          \
  CDU_NAMED_ROW("bool", "status_", name, TX(GAUGE, flag[i]), "0/1",            \
                "kernel status bit STA_", "")

/* The metric table: the one place a timex metric is named.  docs/timex.md
 * lists the same rows (README.md is generated from it); tests/plugin/
 * test_timex checks both against this table and types.db. */
static const cdu_metric_t timex_metrics[] = {
    {"time_offset", "offset", TX(GAUGE, offset_s), "s",
     "PLL phase offset still being corrected; positive = the system clock is "
     "behind and is being advanced. ns resolution when `STA_NANO`, else µs"},
    {"frequency_offset", "frequency", TX(GAUGE, frequency_ppm), "ppm",
     "frequency correction applied; positive = the clock is being sped up"},
    {"time_dispersion", "maxerror", TX(GAUGE, maxerror_s), "s",
     "maximum error bound; grows by 500 ppm while nobody updates it (16 s = "
     "unsynchronised)"},
    {"time_dispersion", "esterror", TX(GAUGE, esterror_s), "s",
     "estimated error"},
    {"gauge", "time_constant", TX(GAUGE, time_constant), "log2",
     "PLL time constant"},
    {"timex_seconds", "tick", TX(GAUGE, tick_s), "s",
     "length of one clock tick"},
    {"timex_seconds", "precision", TX(GAUGE, precision_s), "s",
     "clock precision"},
    {"frequency_offset", "tolerance", TX(GAUGE, tolerance_ppm), "ppm",
     "largest frequency error the kernel tolerates"},
    {"time_offset", "tai", TX(GAUGE, tai_offset_s), "s",
     "TAI − UTC as known to the kernel (0 if nobody set it)"},
    {"timex_status", "", TX(GAUGE, status), "bits", "the raw status word"},
    {"clock_state", "kernel", TX(GAUGE, state), "code",
     "adjtimex return value: 0 OK, 1 leap insert, 2 leap delete, 3 leap in "
     "progress, 4 leap done, 5 ERROR (`STA_UNSYNC` or a PPS fault; a healthy "
     "chronyd without `rtcsync` gives 5 too)"},
    {"bool", "synchronised", TX(GAUGE, synchronised), "0/1",
     "1 = `maxerror` below 16 s: a time daemon keeps the kernel's error bound "
     "updated (also with `STA_UNSYNC` set, as chronyd without `rtcsync` leaves "
     "it)"},
    {"frequency_offset", "pps_frequency", TX(GAUGE, pps_frequency_ppm), "ppm",
     "kernel PPS frequency estimate (only with kernel hardpps)"},
    {"time_offset_rms", "pps_jitter", TX(GAUGE, pps_jitter_s), "s",
     "kernel PPS jitter (only with kernel hardpps)"},
    {"gauge", "pps_shift", TX(GAUGE, pps_shift), "log2 s",
     "PPS calibration interval exponent"},
    {"timex_seconds", "pps_interval", TX(GAUGE, pps_interval_s), "s",
     "PPS calibration interval, 2^shift"},
    {"frequency_offset", "pps_stability", TX(GAUGE, pps_stability_ppm), "ppm",
     "PPS frequency stability (wander)"},
    {"total_events", "pps_jitter", TX(DERIVE, pps_jitter_count), "count",
     "PPS jitter limit exceeded"},
    {"total_events", "pps_calibration", TX(DERIVE, pps_calibration_count),
     "count", "PPS calibration intervals"},
    {"total_events", "pps_error", TX(DERIVE, pps_error_count), "count",
     "PPS calibration errors"},
    {"total_events", "pps_stability_exceeded", TX(DERIVE, pps_stability_count),
     "count", "PPS stability limit exceeded"},
    FLAG(0, "pll"),
    FLAG(1, "ppsfreq"),
    FLAG(2, "ppstime"),
    FLAG(3, "fll"),
    FLAG(4, "ins"),
    FLAG(5, "del"),
    FLAG(6, "unsync"),
    FLAG(7, "freqhold"),
    FLAG(8, "ppssignal"),
    FLAG(9, "ppsjitter"),
    FLAG(10, "ppswander"),
    FLAG(11, "ppserror"),
    FLAG(12, "clockerr"),
    FLAG(13, "nano"),
    FLAG(14, "mode"),
    FLAG(15, "clk"),
};

/* The system call, through a pointer so the plugin test can feed crafted
 * structs.  modes = 0: read only. */
static int (*timex_query)(struct timex *) = adjtimex;

static cdu_state_t timex_sync_state;

static int timex_read(void) {
  struct timex tx = {.modes = 0};
  timex_reading_t r;
  int ret = timex_query(&tx);
  if (ret < 0 || timex_decode(&tx, ret, &r) != 0) {
    ERROR("timex plugin: adjtimex failed: %s", STRERRNO);
    cdu_dispatch_table("timex", NULL, timex_metrics,
                       CDU_TABLE_SIZE(timex_metrics), NULL);
    return -1;
  }
  cdu_dispatch_table("timex", NULL, timex_metrics,
                     CDU_TABLE_SIZE(timex_metrics), &r);
  if (r.synchronised > 0)
    cdu_notify_change(&timex_sync_state, 1, NOTIF_OKAY, "timex", NULL, "bool",
                      "synchronised",
                      "timex plugin: the kernel clock is synchronised again "
                      "(maxerror %.3f s, state %.0f, status 0x%04x).",
                      r.maxerror_s, r.state, (unsigned)r.status);
  else
    cdu_notify_change(&timex_sync_state, 0, NOTIF_WARNING, "timex", NULL,
                      "bool", "synchronised",
                      "timex plugin: the kernel clock is not synchronised: "
                      "maxerror %.3f s is not below the 16 s cap, no daemon "
                      "updates it (state %.0f, status 0x%04x).",
                      r.maxerror_s, r.state, (unsigned)r.status);
  return 0;
}

/* Through cdutil for the read statistics (bound: the interval). */
static int timex_read_cb(user_data_t *ud) {
  (void)ud;
  return timex_read();
}

void module_register(void) {
  cdu_register_read("timex", NULL, timex_read_cb, 0, NULL, NULL);
}
