/* SPDX-License-Identifier: MIT
 * pps plugin - health of kernel PPS signals: pulses seen and missed, edge
 * offset from the system clock's second, jitter, pulse-interval error.
 * Source: RFC 2783 time_pps_fetch() on /dev/ppsN, or /sys/class/pps/ppsN/
 * {assert,clear}, in a reader thread per device; libudev discovery.
 * Privileges: read access to /dev/ppsN (sysfs: none).  Strictly read-only:
 * never time_pps_setparams/kcbind, so CAP_SYS_TIME is never needed.
 */
#include "collectd.h"
#include "plugin.h"
#include "utils/common/common.h"

#include "common/hold.h"
#include "common/holdover.h"
#include "common/pps_stats.h"
#include "plugins/cdutil.h"
#include "plugins/pps_int.h"
#include "plugins/stability.h"

#include <math.h>
#include <stddef.h>

#define PPS_MAX_DEVICES 32 /* the kernel allows 16 PPS sources */
/* The holdover estimate never exceeds this, s (116 days): white phase noise
 * alone never uses up a budget. */
#define PPS_HOLDOVER_CAP_S 1e7
/* The estimate must stay on one side of HoldoverMin this long, s, before
 * a notification (a noisy estimate near the minimum does not flap). */
#define PPS_HOLDOVER_HOLD_S 60.0

typedef struct {
  pps_summary_t a; /* assert edges */
  double present;  /* 1 device answers, 0 gone */
} pps_snapshot_t;

/* With Stability: the holdover estimate (series "edge" in stability.h). */
typedef struct {
  double holdover_s;
} pps_holdover_snapshot_t;

/* The metric tables pps_metrics, pps_clear_metrics (clear edges, only while
 * the device captures them) and pps_holdover_metrics, generated from
 * plugins/pps.metrics.tsv (the one place a pps metric is named; docs/pps.md
 * lists the same rows).  Offsets: + = edge stamped after the system's whole
 * second = system clock ahead of the PPS. */
#include "pps_metrics.h"

typedef struct {
  pps_dev_t dev;
  cdu_state_t present_state, signal_state, holdover_state;
  hold_t holdover_hold; /* 1 = estimate below HoldoverMin, debounced */
  c_complain_t behind;  /* the reader has not looked for a while */
} pps_inst_t;

/* Discovered devices (Discover true), owned by the "pps/discovery" read. */
typedef struct {
  pps_inst_t *devs[PPS_MAX_DEVICES];
  int n;
} pps_discovery_t;

static char pps_sysfs_root[256] = "/sys";
static pps_dev_t pps_template; /* options for discovered devices */
static bool pps_template_set;
static pps_inst_t *pps_configured[PPS_MAX_DEVICES];
static int pps_configured_n;
static pps_discovery_t *pps_discovery;

static pps_inst_t *inst_new(const pps_dev_t *dev) {
  pps_inst_t *in = calloc(1, sizeof(*in));
  if (in == NULL)
    return NULL;
  in->dev = *dev;
  hold_init(&in->holdover_hold, 0);
  C_COMPLAIN_INIT(&in->behind);
  return in;
}

static void pps_inst_free(void *arg) {
  pps_inst_t *in = arg;
  if (in == NULL)
    return;
  pps_dev_stop(&in->dev);
  for (int i = 0; i < pps_configured_n; i++)
    if (pps_configured[i] == in)
      pps_configured[i] = pps_configured[--pps_configured_n];
  sfree(in);
}

static void pps_discovery_free(void *arg) {
  pps_discovery_t *dd = arg;
  for (int i = 0; dd != NULL && i < dd->n; i++)
    pps_inst_free(dd->devs[i]);
  if (dd == pps_discovery)
    pps_discovery = NULL;
  sfree(dd);
}

static pps_dev_t *template_dev(void) {
  if (!pps_template_set) {
    pps_dev_defaults(&pps_template);
    pps_template_set = true;
  }
  return &pps_template;
}

/* A duration option in seconds within [min, max], stored in ns. */
static int config_seconds(const oconfig_item_t *block, const oconfig_item_t *c,
                          double min, double max, int64_t *ns) {
  double v;
  if (cdu_get_double_range("pps", block, c, min, max, &v) != 0)
    return -1;
  *ns = (int64_t)llround(v * 1e9);
  return 0;
}

/* Options shared by <Device> blocks and the plugin level (block NULL:
 * defaults for discovered devices).  Durations in s.  Returns 1 if `c` is
 * not one of them. */
static int config_common(const oconfig_item_t *block, const oconfig_item_t *c,
                         pps_dev_t *d) {
  if (strcasecmp(c->key, "PollInterval") == 0)
    return config_seconds(block, c, 0.01, 1.0, &d->poll_ns);
  if (strcasecmp(c->key, "Timeout") == 0)
    return config_seconds(block, c, 1.1, 3600.0, &d->cfg.timeout_ns);
  if (strcasecmp(c->key, "StepThreshold") == 0)
    return config_seconds(block, c, 1e-6, 0.5, &d->cfg.step_threshold_ns);
  if (strcasecmp(c->key, "HoldoverBudget") == 0)
    return cdu_get_double_range("pps", block, c, 1e-9, 1.0,
                                &d->holdover_budget_s);
  if (strcasecmp(c->key, "HoldoverMin") == 0)
    return cdu_get_double_range("pps", block, c, 0, PPS_HOLDOVER_CAP_S,
                                &d->holdover_min_s);
  const char *name = block != NULL ? block->values[0].value.string
                                   : "defaults"; /* cdu_block_name checked */
  return stab_config_option("pps", name, c, &d->stab);
}

/* The Stability* combination; Holdover* only with Stability.  0 or -1
 * (logged). */
static int config_check_stability(const char *block, const pps_dev_t *d) {
  if (stab_config_check("pps", block ? block : "defaults", &d->stab) != 0)
    return -1;
  if (d->stab.enabled || (d->holdover_min_s == 0 &&
                          d->holdover_budget_s == PPS_HOLDOVER_BUDGET_S))
    return 0;
  ERROR("pps plugin: %s%s%s: HoldoverBudget and HoldoverMin need "
        "Stability true (the estimate comes from the edge-offset ADEV).",
        block ? "<Device \"" : "", block ? block : "defaults",
        block ? "\">" : "");
  return -1;
}

static int config_path(const oconfig_item_t *c, const char *name,
                       pps_dev_t *d, pps_capture_t capture) {
  if (cf_util_get_string_buffer(c, d->path, sizeof(d->path)) != 0 ||
      d->path[0] != '/') {
    ERROR("pps plugin: <Device \"%s\">: %s needs an absolute path.", name,
          c->key);
    return -1;
  }
  d->capture = capture;
  return 0;
}

static int pps_read_device(user_data_t *ud);

static int pps_config_device(oconfig_item_t *ci) {
  char name[DATA_MAX_NAME_LEN];
  if (cdu_block_name("pps", ci, name, sizeof(name)) != 0)
    return -1;
  if (pps_configured_n >= PPS_MAX_DEVICES) {
    ERROR("pps plugin: <Device \"%s\">: at most %d devices.", name,
          PPS_MAX_DEVICES);
    return -1;
  }
  pps_dev_t dev;
  pps_dev_defaults(&dev);
  pps_inst_t *in = inst_new(&dev);
  if (in == NULL)
    return -1;
  sstrncpy(in->dev.name, name, sizeof(in->dev.name));
  cdtime_t interval = 0;
  int paths = 0, status = 0;
  for (int i = 0; i < ci->children_num && status == 0; i++) {
    oconfig_item_t *c = ci->children + i;
    if (strcasecmp(c->key, "Path") == 0) {
      status = config_path(c, name, &in->dev, PPS_CAPTURE_API);
      paths++;
    } else if (strcasecmp(c->key, "SysfsPath") == 0) {
      status = config_path(c, name, &in->dev, PPS_CAPTURE_SYSFS);
      paths++;
    } else if (strcasecmp(c->key, "Interval") == 0) {
      status = cf_util_get_cdtime(c, &interval);
    } else if ((status = config_common(ci, c, &in->dev)) == 1) {
      status = cdu_unknown_option("pps", ci, name, c);
    }
  }
  if (status == 0 && paths != 1) {
    ERROR("pps plugin: <Device \"%s\">: give exactly one of Path "
          "(/dev/ppsN, RFC 2783) or SysfsPath (/sys/class/pps/ppsN).",
          name);
    status = -1;
  }
  if (status == 0)
    status = config_check_stability(name, &in->dev);
  if (status != 0) {
    sfree(in);
    return -1;
  }
  if (cdu_register_read_bounded("pps", name, pps_read_device, interval,
                                CDU_SNAPSHOT_READ_BOUND, in,
                                pps_inst_free) != 0)
    return -1;
  pps_configured[pps_configured_n++] = in;
  return 0;
}

static int pps_read_discovered(user_data_t *ud);

static int pps_config(oconfig_item_t *ci) {
  bool discover = false;
  int status = 0;
  for (int i = 0; i < ci->children_num; i++) {
    oconfig_item_t *c = ci->children + i;
    int s;
    if (strcasecmp(c->key, "Device") == 0)
      s = pps_config_device(c);
    else if (strcasecmp(c->key, "Discover") == 0)
      s = cf_util_get_boolean(c, &discover);
    else if (strcasecmp(c->key, "SysfsRoot") == 0) {
      s = cf_util_get_string_buffer(c, pps_sysfs_root, sizeof(pps_sysfs_root));
      if (s == 0 && pps_sysfs_root[0] != '/') {
        ERROR("pps plugin: SysfsRoot needs an absolute path.");
        s = -1;
      }
    } else if ((s = config_common(NULL, c, template_dev())) == 1)
      s = cdu_unknown_option("pps", NULL, NULL, c);
    if (s != 0)
      status = -1;
  }
  if (config_check_stability(NULL, template_dev()) != 0)
    status = -1;
  if (discover && pps_discovery == NULL) {
    pps_discovery = calloc(1, sizeof(*pps_discovery));
    if (pps_discovery == NULL ||
        cdu_register_read("pps", "discovery", pps_read_discovered, 0,
                          pps_discovery, pps_discovery_free) != 0) {
      pps_discovery = NULL;
      return -1;
    }
  }
  return cdu_config_result("pps", status);
}

/* Rescan the pps class; start a reader for every device not seen before.
 * Devices that vanished are kept: their reader reports them gone. */
static void pps_rescan(pps_discovery_t *dd) {
  pps_found_t found[PPS_MAX_DEVICES];
  bool udev = strcmp(pps_sysfs_root, "/sys") == 0;
  int n = pps_discover(pps_sysfs_root, udev, "pps", found, PPS_MAX_DEVICES);
  for (int i = 0; i < n; i++) {
    bool known = false;
    for (int j = 0; j < dd->n && !known; j++)
      known = strcmp(dd->devs[j]->dev.name, found[i].name) == 0;
    for (int j = 0; j < pps_configured_n && !known; j++)
      known = strcmp(pps_configured[j]->dev.path, found[i].dir) == 0 ||
              strcmp(strrchr(pps_configured[j]->dev.path, '/') + 1,
                     found[i].name) == 0;
    if (known || dd->n >= PPS_MAX_DEVICES)
      continue;
    pps_inst_t *in = inst_new(template_dev());
    if (in == NULL)
      return;
    sstrncpy(in->dev.name, found[i].name, sizeof(in->dev.name));
    sstrncpy(in->dev.path, found[i].dir, sizeof(in->dev.path));
    in->dev.capture = PPS_CAPTURE_SYSFS;
    INFO("pps plugin: discovered %s (source \"%s\", serial port \"%s\", "
         "%s).",
         found[i].name, found[i].source, found[i].port, found[i].dir);
    if (pps_dev_start(&in->dev) != 0) {
      sfree(in);
      continue;
    }
    dd->devs[dd->n++] = in;
  }
}

/* Every gauge NaN, no counter: a device that is gone has no values. */
static void snapshot_gone(pps_snapshot_t *s) {
  for (size_t i = 0; i < CDU_TABLE_SIZE(pps_metrics); i++) {
    char *p = (char *)s + pps_metrics[i].offset;
    if (pps_metrics[i].kind == CDU_GAUGE)
      *(double *)(void *)p = NAN;
    else
      *(int64_t *)(void *)p = CDU_DERIVE_UNKNOWN;
  }
  s->present = 0.0;
}

static void pps_notify(pps_inst_t *in, bool present, const char *error,
                       const pps_snapshot_t *s, const pps_now_t *now) {
  const char *n = in->dev.name;
  if (present)
    cdu_notify_change(&in->present_state, 1, NOTIF_OKAY, "pps", n, "bool",
                      "present", "pps plugin: %s: PPS device %s is back.", n,
                      in->dev.path);
  else
    cdu_notify_change(&in->present_state, 0, NOTIF_FAILURE, "pps", n, "bool",
                      "present",
                      "pps plugin: %s: PPS device is gone (%s); its metrics "
                      "are NaN until it returns.",
                      n, error);
  if (!present || isnan(s->a.signal))
    return; /* gone, or not known (the reader is behind) */
  if (s->a.signal > 0)
    cdu_notify_change(&in->signal_state, 1, NOTIF_OKAY, "pps", n, "bool",
                      "signal",
                      "pps plugin: %s: pulses are back (last %.3f s ago, "
                      "edge offset %+.6f s).",
                      n, s->a.since_last_s, s->a.offset_mean_s);
  else if (isnan(s->a.since_last_s)) {
    /* Never a pulse: say so once the device has been watched a Timeout. */
    if (now->mono_ns - in->dev.started_mono_ns > in->dev.cfg.timeout_ns)
      cdu_notify_change(&in->signal_state, 0, NOTIF_FAILURE, "pps", n, "bool",
                        "signal", "pps plugin: %s: no pulse seen on %s.",
                        n, in->dev.path);
  } else
    cdu_notify_change(&in->signal_state, 0, NOTIF_FAILURE, "pps", n, "bool",
                      "signal",
                      "pps plugin: %s: pulses stopped: no pulse for %.1f s "
                      "on %s.",
                      n, s->a.since_last_s, in->dev.path);
}

/* The holdover estimate from the edge-offset ADEV and the last pulse's
 * edge offset (s); NaN while either is unknown. */
static double holdover_of(const pps_dev_t *d, const stab_values_t *v,
                          double offset_s) {
  holdover_point_t p[PHASE_STATS_MAX_OCTAVES];
  for (uint32_t i = 0; i < v->n_taus; i++)
    p[i] = (holdover_point_t){.tau_s = v->tau[i].tau_s,
                              .adev = v->tau[i].adev};
  return holdover_seconds(p, v->n_taus, offset_s, d->holdover_budget_s,
                          PPS_HOLDOVER_CAP_S);
}

/* HoldoverMin: a WARNING when the estimate has stayed below it for
 * PPS_HOLDOVER_HOLD_S without interruption, an OKAY when it has stayed above
 * as long; an unknown estimate (the pulses lost) keeps the state but
 * interrupts the hold. */
static void holdover_notify(pps_inst_t *in, double holdover_s,
                            int64_t mono_ns) {
  const pps_dev_t *d = &in->dev;
  if (!(d->holdover_min_s > 0))
    return;
  if (isnan(holdover_s)) {
    hold_interrupt(&in->holdover_hold);
    return;
  }
  int below = hold_update(&in->holdover_hold, holdover_s < d->holdover_min_s,
                          (double)mono_ns / PPS_NS_PER_S, PPS_HOLDOVER_HOLD_S);
  if (below)
    cdu_notify_change(&in->holdover_state, 1, NOTIF_WARNING, "pps", d->name,
                      "duration", "holdover",
                      "pps plugin: %s: holdover estimate %.0f s is below "
                      "HoldoverMin %.0f s (budget %g s): the clock would "
                      "leave its budget soon if the PPS were lost.",
                      d->name, holdover_s, d->holdover_min_s,
                      d->holdover_budget_s);
  else
    cdu_notify_change(&in->holdover_state, 0, NOTIF_OKAY, "pps", d->name,
                      "duration", "holdover",
                      "pps plugin: %s: holdover estimate %.0f s is back "
                      "above HoldoverMin %.0f s.",
                      d->name, holdover_s, d->holdover_min_s);
}

/* Stability values of series "edge" and the holdover estimate. */
static void pps_dispatch_stability(pps_inst_t *in, const stab_values_t *v,
                                   double offset_s, int64_t mono_ns) {
  pps_dev_t *d = &in->dev;
  stab_dispatch_values("pps", d->name, "edge", v);
  pps_holdover_snapshot_t h = {.holdover_s = holdover_of(d, v, offset_s)};
  cdu_dispatch_table("pps", d->name, pps_holdover_metrics,
                     CDU_TABLE_SIZE(pps_holdover_metrics), &h);
  holdover_notify(in, h.holdover_s, mono_ns);
}

/* `now` moved back to `mono_ns` (CLOCK_MONOTONIC) on both clocks; never
 * later than now. */
static pps_now_t as_of(const pps_now_t *now, int64_t mono_ns) {
  pps_now_t t = *now;
  if (mono_ns < now->mono_ns) {
    t.real_ns -= now->mono_ns - mono_ns;
    t.mono_ns = mono_ns;
  }
  return t;
}

static int pps_read_inst(pps_inst_t *in) {
  pps_dev_t *d = &in->dev;
  pps_snapshot_t s;
  pps_summary_t clear;
  char error[sizeof(d->error)];
  pps_now_t now;
  stab_values_t stab;
  double last_offset_s = NAN; /* the last pulse's edge offset, s */
  pps_clock_now(&now);
  pps_catch_up(d);
  pthread_mutex_lock(&d->lock);
  bool present = d->present, with_clear = d->clear_seen;
  sstrncpy(error, d->error, sizeof(error));
  /* Silence is judged as of the reader's last look: a reader that did not
   * run (a stalled host) has not seen the pulses it would be blamed for. */
  pps_now_t seen = as_of(&now, pps_watched_until(d, now.mono_ns));
  double behind_s = (double)(now.mono_ns - seen.mono_ns) / PPS_NS_PER_S;
  if (present) {
    pps_stats_take(&d->asserts, &seen, &s.a);
    if (with_clear)
      pps_stats_take(&d->clears, &seen, &clear);
  }
  /* NaN once the last pulse is older than Timeout, or the device gone. */
  stab_values(&d->stab, present ? d->edge_stats : NULL, seen.mono_ns,
              d->cfg.timeout_ns, &stab);
  if (present && d->asserts.have_last)
    last_offset_s = (double)d->asserts.last_offset_ns / PPS_NS_PER_S;
  pthread_mutex_unlock(&d->lock);
  if (present)
    s.present = 1.0;
  else
    snapshot_gone(&s);
  if (present && behind_s > (double)(d->poll_ns + PPS_NS_PER_S) / PPS_NS_PER_S) {
    c_complain(LOG_WARNING, &in->behind,
               "pps plugin: %s: the reader has not looked at %s for %.1f s "
               "(a stalled host?); the signal is unknown (NaN) until it "
               "does.",
               d->name, d->path, behind_s);
    s.a.signal = s.a.since_last_s = NAN;
  } else
    c_release(LOG_INFO, &in->behind,
              "pps plugin: %s: the reader is looking at %s again.", d->name,
              d->path);
  cdu_dispatch_table("pps", d->name, pps_metrics,
                     CDU_TABLE_SIZE(pps_metrics), &s);
  if (present && with_clear)
    cdu_dispatch_table("pps", d->name, pps_clear_metrics,
                       CDU_TABLE_SIZE(pps_clear_metrics), &clear);
  pps_notify(in, present, error, &s, &now);
  if (d->stab.enabled)
    pps_dispatch_stability(in, &stab, last_offset_s, now.mono_ns);
  return 0;
}

static int pps_read_device(user_data_t *ud) {
  pps_inst_t *in = ud->data;
  if (!worker_running(&in->dev.worker))
    return -1; /* init did not start it */
  return pps_read_inst(in);
}

static int pps_read_discovered(user_data_t *ud) {
  pps_discovery_t *dd = ud->data;
  pps_rescan(dd);
  for (int i = 0; i < dd->n; i++)
    pps_read_inst(dd->devs[i]);
  return 0;
}

static int pps_init(void) {
  for (int i = 0; i < pps_configured_n; i++)
    if (!worker_running(&pps_configured[i]->dev.worker))
      pps_dev_start(&pps_configured[i]->dev);
  return 0;
}

static int pps_shutdown(void) {
  for (int i = 0; i < pps_configured_n; i++)
    pps_dev_stop(&pps_configured[i]->dev);
  for (int i = 0; pps_discovery != NULL && i < pps_discovery->n; i++)
    pps_dev_stop(&pps_discovery->devs[i]->dev);
  return 0;
}

void module_register(void) {
  plugin_register_complex_config("pps", pps_config);
  plugin_register_init("pps", pps_init);
  plugin_register_shutdown("pps", pps_shutdown);
}
