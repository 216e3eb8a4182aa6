/* SPDX-License-Identifier: MIT
 * libFuzzer target: PPS input of the pps plugin.
 * Input: byte 0 sets the "now" lag after each edge (0..0.635 s) and whether
 * the monotonic clock is known; the rest is text, one record a line, each
 * read as sysfs `assert`/`clear` content ("sec.nsec#seq", pps_parse_sysfs)
 * and as a ppstest line (pps_parse_ppstest).  Every edge parsed goes
 * through the statistics (pps_stats_add), which is read out
 * (pps_stats_take) every 4 lines: the timestamp sequences are fuzzed too.
 * Seeds: tests/data/pps/NAME.trace and their sysfs form (seeds.py).
 */
#include "common/pps_stats.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void add(pps_stats_t *st, pps_edge_t e, int64_t lag_ns, bool mono,
                int64_t *now_mono) {
  pps_now_t now = {.real_ns = e.ts_ns + lag_ns, .has_mono = mono};
  /* the monotonic clock only goes forward, whatever the edges say */
  *now_mono += lag_ns + 1;
  now.mono_ns = *now_mono;
  e.has_mono = mono;
  e.mono_ns = *now_mono - lag_ns;
  (void)pps_edge_result_name(pps_stats_add(st, &e, &now));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static pps_stats_t as, cl;
  pps_stats_config_t cfg;
  pps_summary_t sum;
  if (size < 1)
    return 0;
  int64_t lag = (int64_t)(data[0] & 0x7f) * 5000000; /* < 0.64 s */
  bool mono = data[0] & 0x80;
  int64_t now_mono = 1000 * PPS_NS_PER_S;
  pps_stats_config_default(&cfg);
  pps_stats_init(&as, &cfg);
  pps_stats_init(&cl, &cfg);
  const uint8_t *p = data + 1, *end = data + size;
  int lines = 0;
  int64_t last_real = 0;
  while (p < end) {
    const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
    size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
    char *line = malloc(len + 1); /* exact size + NUL for the ppstest form */
    if (line == NULL)
      return 0;
    memcpy(line, p, len);
    pps_edge_t a, c;
    int src;
    /* sysfs gives no terminator: parse the exact-size buffer */
    if (pps_parse_sysfs(line, len, &a) == PPS_PARSE_OK) {
      add(&as, a, lag, mono, &now_mono);
      last_real = a.ts_ns;
    }
    line[len] = '\0';
    if (pps_parse_ppstest(line, &src, &a, &c) == PPS_PARSE_OK) {
      add(&as, a, lag, mono, &now_mono);
      add(&cl, c, lag, mono, &now_mono);
      last_real = a.ts_ns;
    }
    free(line);
    p += len;
    if (++lines % 4 == 0) {
      pps_now_t now = {.real_ns = last_real + lag, .has_mono = mono,
                       .mono_ns = now_mono};
      pps_stats_take(&as, &now, &sum);
      pps_stats_take(&cl, &now, &sum);
    }
  }
  pps_now_t now = {.real_ns = last_real + lag, .has_mono = mono,
                   .mono_ns = now_mono + lag};
  pps_stats_take(&as, &now, &sum);
  (void)pps_edge_offset_ns(last_real, cfg.period_ns);
  return 0;
}
