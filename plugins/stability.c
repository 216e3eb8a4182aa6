/* SPDX-License-Identifier: MIT
 * stability - options and dispatch of common/phase_stats for the plugins
 * (see stability.h for the options and the metric names).
 */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"

#include "plugins/cdutil.h"
#include "plugins/stability.h"

#include <math.h>

#define NS_PER_S 1000000000.0
#define TAU0_MAX_S 86400.0 /* one sample a day */

void stab_config_init(stab_config_t *cfg, double tau0_s, double window_s,
                      bool tau0_option) {
  *cfg = (stab_config_t){.enabled = false,
                         .window_s = window_s,
                         .tau0_s = tau0_s,
                         .tau0_option = tau0_option};
}

static int stab_bad(const char *plugin, const char *block,
                    const oconfig_item_t *c, const char *why) {
  ERROR("%s plugin: \"%s\": %s %s.", plugin, block, c->key, why);
  return -1;
}

int stab_config_option(const char *plugin, const char *block,
                       const oconfig_item_t *c, stab_config_t *cfg) {
  if (strcasecmp("Stability", c->key) == 0)
    return cf_util_get_boolean(c, &cfg->enabled) == 0
               ? 0
               : stab_bad(plugin, block, c, "needs true or false");
  if (strcasecmp("StabilityWindow", c->key) == 0)
    return cf_util_get_double(c, &cfg->window_s) == 0 && cfg->window_s > 0
               ? 0
               : stab_bad(plugin, block, c, "needs a duration in seconds");
  if (strcasecmp("StabilityTau0", c->key) != 0)
    return 1;
  if (!cfg->tau0_option)
    return stab_bad(plugin, block, c,
                    "is fixed by the source in this plugin");
  double t;
  if (cf_util_get_double(c, &t) != 0 || !(t >= 1 && t <= TAU0_MAX_S) ||
      t != floor(t))
    return stab_bad(plugin, block, c, "needs whole seconds, 1 to 86400");
  cfg->tau0_s = t;
  return 0;
}

uint32_t stab_window(const stab_config_t *cfg) {
  double w = round(cfg->window_s / cfg->tau0_s);
  return w >= 0 && w <= PHASE_STATS_MAX_WINDOW ? (uint32_t)w
                                               : PHASE_STATS_MAX_WINDOW + 1;
}

int stab_config_check(const char *plugin, const char *block,
                      const stab_config_t *cfg) {
  uint32_t w = stab_window(cfg);
  if (!cfg->enabled ||
      (w >= PHASE_STATS_MIN_WINDOW && w <= PHASE_STATS_MAX_WINDOW))
    return 0;
  ERROR("%s plugin: \"%s\": StabilityWindow %g s holds %.0f samples of "
        "%g s; it must hold %u to %u.",
        plugin, block, cfg->window_s, round(cfg->window_s / cfg->tau0_s),
        cfg->tau0_s, PHASE_STATS_MIN_WINDOW, PHASE_STATS_MAX_WINDOW);
  return -1;
}

phase_stats_t *stab_new(const char *plugin, const char *name,
                        const stab_config_t *cfg) {
  if (!cfg->enabled)
    return NULL;
  phase_stats_t *ps = calloc(1, sizeof(*ps));
  if (ps != NULL && phase_stats_init(ps, (int64_t)(cfg->tau0_s * NS_PER_S),
                                     stab_window(cfg)) == PHASE_STATS_OK)
    return ps;
  ERROR("%s plugin: \"%s\": no memory for the stability statistics "
        "(%zu bytes); they stay NaN.",
        plugin, name, phase_stats_bytes(stab_window(cfg)));
  stab_free(ps);
  return NULL;
}

void stab_free(phase_stats_t *ps) {
  if (ps == NULL)
    return;
  phase_stats_free(ps);
  free(ps);
}

/* Octaves m = 1, 2, 4, ... <= window/4, as phase_stats_init counts them. */
static uint32_t octaves_of(uint32_t window) {
  uint32_t n = 0;
  while (n < PHASE_STATS_MAX_OCTAVES && (UINT32_C(1) << n) <= window / 4)
    n++;
  return n;
}

static void values_nan(const stab_config_t *cfg, stab_values_t *v) {
  v->n_taus = octaves_of(stab_window(cfg));
  for (uint32_t i = 0; i < v->n_taus; i++)
    v->tau[i] = (phase_stats_tau_t){.m = UINT32_C(1) << i,
                                    .tau_s = (UINT32_C(1) << i) * cfg->tau0_s,
                                    .adev = NAN,
                                    .mdev = NAN,
                                    .tdev = NAN};
  v->mean_s = v->std_s = v->p1_s = v->p5_s = v->p50_s = v->p95_s =
      v->p99_s = v->samples = NAN;
}

void stab_values(const stab_config_t *cfg, const phase_stats_t *ps,
                 int64_t now_ns, int64_t max_age_ns, stab_values_t *v) {
  values_nan(cfg, v);
  if (ps == NULL || !ps->have_last || now_ns - ps->last_mono_ns > max_age_ns)
    return;
  v->n_taus = phase_stats_taus(ps, v->tau, PHASE_STATS_MAX_OCTAVES);
  phase_stats_summary_t s;
  phase_stats_summary(ps, &s);
  v->samples = s.n;
  if (s.n < STAB_MIN_SAMPLES)
    return;
  v->mean_s = s.mean_s;
  v->std_s = s.std_s;
  v->p1_s = s.p1_s;
  v->p5_s = s.p5_s;
  v->p50_s = s.p50_s;
  v->p95_s = s.p95_s;
  v->p99_s = s.p99_s;
}

static int gauge(const char *plugin, const char *pi, const char *type,
                 const char *prefix, const char *what, double value) {
  char ti[DATA_MAX_NAME_LEN];
  snprintf(ti, sizeof(ti), "%s-%s", prefix, what);
  return cdu_dispatch_gauge(plugin, pi, type, ti, value) == 0;
}

int stab_dispatch_values(const char *plugin, const char *pi,
                         const char *prefix, const stab_values_t *v) {
  int n = 0;
  for (uint32_t i = 0; i < v->n_taus; i++) {
    char tau[32];
    snprintf(tau, sizeof(tau), "tau_%.0f", v->tau[i].tau_s);
    n += gauge(plugin, pi, "time_adev", prefix, tau, v->tau[i].adev);
    n += gauge(plugin, pi, "time_tdev", prefix, tau, v->tau[i].tdev);
  }
  const struct {
    const char *name;
    double value;
  } dist[] = {{"mean", v->mean_s}, {"std", v->std_s}, {"p1", v->p1_s},
              {"p5", v->p5_s},     {"p50", v->p50_s}, {"p95", v->p95_s},
              {"p99", v->p99_s}};
  for (size_t i = 0; i < sizeof(dist) / sizeof(dist[0]); i++)
    n += gauge(plugin, pi, "time_offset", prefix, dist[i].name, dist[i].value);
  n += gauge(plugin, pi, "count", prefix, "samples", v->samples);
  return n;
}

int stab_dispatch(const char *plugin, const char *pi, const char *prefix,
                  const stab_config_t *cfg, const phase_stats_t *ps,
                  int64_t now_ns, int64_t max_age_ns) {
  stab_values_t v;
  stab_values(cfg, ps, now_ns, max_age_ns, &v);
  return stab_dispatch_values(plugin, pi, prefix, &v);
}
