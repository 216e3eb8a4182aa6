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

/* The metric table timex_metrics, generated from plugins/timex.metrics.tsv
 * (the one place a timex metric is named).  docs/timex.md lists the same rows
 * (README.md is generated from it); tests/plugin/test_timex checks both
 * against this table and types.db. */
#include "timex_metrics.h"

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
