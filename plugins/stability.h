/* SPDX-License-Identifier: MIT
 * stability - collectd glue of common/phase_stats, shared by every plugin
 * that reports the frequency stability and the distribution of a time
 * offset (gpsd, dcf77; pps and ntp the same way): the options, one
 * phase_stats_t per series, and the dispatch of its values.
 *
 * Options (in the block of the source, or at plugin level):
 *   Stability true|false   default false (the cost: docs/stability.md)
 *   StabilityWindow S      window duration, s (default: the plugin's)
 *   StabilityTau0 S        sample interval tau0, whole s (only where the
 *                          plugin lets the user set it)
 *
 * Naming, for one series SERIES (e.g. "toff") of one plugin instance:
 *   time_adev-SERIES-tau_T    overlapping ADEV at tau = T s (T = m * tau0,
 *                             m = 1, 2, 4, ... <= window/4), dimensionless
 *   time_tdev-SERIES-tau_T    TDEV at tau = T s, s
 *   time_offset-SERIES-mean, -std, -p1, -p5, -p50, -p95, -p99   s
 *   count-SERIES-samples      valid samples in the window
 * Every value is NaN while unknown: no sample yet, the last one older than
 * the plugin's MaxAge, or too few samples (STAB_MIN_SAMPLES for the
 * distribution; without gaps, ADEV at tau = m * tau0 needs max(4m, 2m + 8)
 * samples and TDEV max(4m - 1, 3m + 7): see phase_stats_taus()).
 */
#ifndef CDS_STABILITY_H
#define CDS_STABILITY_H

#include "collectd.h"
#include "plugin.h"

#include "common/phase_stats.h"

#include <stdbool.h>
#include <stdint.h>

/* Mean, std and percentiles are NaN below this many valid samples. */
#define STAB_MIN_SAMPLES 8

typedef struct {
  bool enabled;      /* Stability */
  double window_s;   /* StabilityWindow, s */
  double tau0_s;     /* StabilityTau0, s: a whole number >= 1 */
  bool tau0_option;  /* the plugin accepts StabilityTau0 */
} stab_config_t;

/* Disabled, with the plugin's tau0 (s), default window (s), and whether
 * StabilityTau0 may be set. */
void stab_config_init(stab_config_t *cfg, double tau0_s, double window_s,
                      bool tau0_option);

/* If `c` is a Stability* option, parse it into *cfg: 0 if valid, -1 if not
 * (logged, naming plugin and block).  1 if `c` is another option. */
int stab_config_option(const char *plugin, const char *block,
                       const oconfig_item_t *c, stab_config_t *cfg);

/* Check the combination (window / tau0 samples within phase_stats'
 * range); logs and returns -1 if not.  0 when disabled. */
int stab_config_check(const char *plugin, const char *block,
                      const stab_config_t *cfg);

/* Samples in the window: round(window_s / tau0_s). */
uint32_t stab_window(const stab_config_t *cfg);

/* A series' state; NULL when disabled or out of memory (logged). */
phase_stats_t *stab_new(const char *plugin, const char *name,
                        const stab_config_t *cfg);
void stab_free(phase_stats_t *ps);

/* Everything one read dispatches for one series. */
typedef struct {
  uint32_t n_taus;
  phase_stats_tau_t tau[PHASE_STATS_MAX_OCTAVES];
  double mean_s, std_s, p1_s, p5_s, p50_s, p95_s, p99_s; /* s */
  double samples; /* valid samples in the window */
} stab_values_t;

/* The values of `ps` at `now_ns` (the clock of the samples' time stamps):
 * all NaN when ps is NULL, has no sample, or its last sample is older than
 * max_age_ns.  Cheap enough to call under the plugin's lock: O(window) for
 * mean and std, O(octaves) for the rest. */
void stab_values(const stab_config_t *cfg, const phase_stats_t *ps,
                 int64_t now_ns, int64_t max_age_ns, stab_values_t *out);

/* Dispatch *v under `prefix` (the series name; see the naming above).
 * Returns the number of values dispatched. */
int stab_dispatch_values(const char *plugin, const char *plugin_instance,
                         const char *prefix, const stab_values_t *v);

/* stab_values() + stab_dispatch_values(). */
int stab_dispatch(const char *plugin, const char *plugin_instance,
                  const char *prefix, const stab_config_t *cfg,
                  const phase_stats_t *ps, int64_t now_ns,
                  int64_t max_age_ns);

#endif
